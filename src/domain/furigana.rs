//! フリガナ (reading of a name) in full-width katakana.

use std::fmt;
use std::str::FromStr;

use super::{FieldMessage, normalize_width};

/// Maximum length in characters.
pub const MAX_FURIGANA_CHARS: usize = 60;

/// The separator between 氏 and 名 (and between parts of a long name): one full-width space `　`
/// (U+3000), as on forms that ask for 全角カタカナ and in 住民票 data. Strip it for uses that allow
/// none (UKE カタカナ氏名 `^[ァ-ヶー]+$`) with [`Furigana::without_spaces`].
pub const FURIGANA_SPACE: char = '\u{3000}';

/// フリガナ: NFKC (half-width katakana become full-width), hiragana become katakana, any run of
/// whitespace becomes one `　`, trimmed; then only katakana ァ–ヶ (which includes ヴ), ー, `・` and the
/// space are allowed; 1–60 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Furigana(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FuriganaError {
    #[error("furigana is empty")]
    Empty,
    #[error("furigana is longer than {max} characters")]
    TooLong { max: usize },
    #[error("furigana contains a character that is not katakana")]
    NotKatakana { character: char },
}

pub(crate) const MESSAGE_KEYS: &[&str] = &["err-furigana-empty", "err-furigana-too-long", "err-furigana-not-katakana"];

impl FieldMessage for FuriganaError {
    fn key(&self) -> &'static str {
        match self {
            Self::Empty => "err-furigana-empty",
            Self::TooLong { .. } => "err-furigana-too-long",
            Self::NotKatakana { .. } => "err-furigana-not-katakana",
        }
    }

    /// `max` for TooLong; `character` (the first refused character) for NotKatakana.
    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::TooLong { max } => vec![("max", max.to_string())],
            Self::NotKatakana { character } => vec![("character", character.to_string())],
            Self::Empty => Vec::new(),
        }
    }
}

fn is_allowed(c: char) -> bool {
    matches!(c, 'ァ'..='ヶ' | 'ー' | '・') || c == FURIGANA_SPACE
}

/// ぁ–ゖ → ァ–ヶ (ゔ → ヴ).
fn hiragana_to_katakana(c: char) -> char {
    if ('\u{3041}'..='\u{3096}').contains(&c) { char::from_u32(c as u32 + 0x60).unwrap_or(c) } else { c }
}

impl Furigana {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Without the spaces, for systems that allow none.
    pub fn without_spaces(&self) -> String {
        self.0.chars().filter(|c| *c != FURIGANA_SPACE).collect()
    }
}

impl FromStr for Furigana {
    type Err = FuriganaError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let katakana: String = normalize_width(s).chars().map(hiragana_to_katakana).collect();
        let words: Vec<&str> = katakana.split_whitespace().collect();
        let value = words.join(&FURIGANA_SPACE.to_string());
        if value.is_empty() {
            return Err(FuriganaError::Empty);
        }
        if let Some(character) = value.chars().find(|c| !is_allowed(*c)) {
            return Err(FuriganaError::NotKatakana { character });
        }
        if value.chars().count() > MAX_FURIGANA_CHARS {
            return Err(FuriganaError::TooLong { max: MAX_FURIGANA_CHARS });
        }
        Ok(Furigana(value))
    }
}

impl fmt::Display for Furigana {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    pub(crate) fn every_variant() -> Vec<FuriganaError> {
        vec![FuriganaError::Empty, FuriganaError::TooLong { max: 60 }, FuriganaError::NotKatakana { character: 'A' }]
    }

    fn parse(s: &str) -> Result<String, FuriganaError> {
        s.parse::<Furigana>().map(|f| f.to_string())
    }

    #[test]
    fn normalises() {
        assert_eq!(parse("やまだ たろう"), Ok("ヤマダ　タロウ".into()));
        assert_eq!(parse("ﾔﾏﾀﾞ ﾀﾛｳ"), Ok("ヤマダ　タロウ".into()));
        assert_eq!(parse(" ヤマダ\u{3000}\u{3000}タロウ "), Ok("ヤマダ　タロウ".into()));
        assert_eq!(parse("ヤマダ  タロウ"), Ok("ヤマダ　タロウ".into()));
        assert_eq!(parse("ゔぃくとりあ"), Ok("ヴィクトリア".into()));
        assert_eq!(parse("ｽﾐｽ･ｼﾞｮﾝ"), Ok("スミス・ジョン".into()));
        assert_eq!(parse("ヨーコ"), Ok("ヨーコ".into()));
        assert_eq!(parse("ヶ"), Ok("ヶ".into()));
        let f: Furigana = "やまだ たろう".parse().unwrap();
        assert_eq!(f.without_spaces(), "ヤマダタロウ");
        assert_eq!(f.as_str(), "ヤマダ　タロウ");
    }

    #[test]
    fn refuses() {
        assert_eq!(parse(""), Err(FuriganaError::Empty));
        assert_eq!(parse("\u{3000}"), Err(FuriganaError::Empty));
        assert_eq!(parse("Yamada"), Err(FuriganaError::NotKatakana { character: 'Y' }));
        assert_eq!(parse("ＹＡＭＡＤＡ"), Err(FuriganaError::NotKatakana { character: 'Y' }));
        assert_eq!(parse("山田 タロウ"), Err(FuriganaError::NotKatakana { character: '山' }));
        assert_eq!(parse("ヤマダ-タロウ"), Err(FuriganaError::NotKatakana { character: '-' }));
        assert_eq!(parse("ヤマダ1"), Err(FuriganaError::NotKatakana { character: '1' }));
        assert_eq!(parse("ゝ"), Err(FuriganaError::NotKatakana { character: 'ゝ' }));
        assert_eq!(parse(&"ア".repeat(60)), Ok("ア".repeat(60)));
        assert_eq!(parse(&"ア".repeat(61)), Err(FuriganaError::TooLong { max: 60 }));
        assert_eq!(FuriganaError::NotKatakana { character: 'A' }.args(), vec![("character", "A".to_string())]);
    }

    proptest! {
        #[test]
        fn parsing_is_idempotent(s in "[ぁ-ゖァ-ヶｦ-ﾟー・ 　a-zA-Z山田]{0,70}") {
            if let Ok(once) = s.parse::<Furigana>() {
                let twice: Furigana = once.to_string().parse().unwrap();
                prop_assert_eq!(twice, once);
            }
        }

        #[test]
        fn valid_kana_always_parse(s in "[ぁ-ゖァ-ヶー]{1,30}( [ぁ-ゖァ-ヶー]{1,29})?") {
            let f: Furigana = s.parse().unwrap();
            prop_assert!(f.as_str().chars().all(is_allowed));
        }
    }
}

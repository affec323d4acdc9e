//! 氏名 (a person's name) as written.

use std::fmt;
use std::str::FromStr;

use unicode_normalization::UnicodeNormalization;

use super::{FieldMessage, is_bidi_control};

/// Maximum length in characters (variation selectors of IVS are not counted).
pub const MAX_NAME_CHARS: usize = 60;

/// A name as the person writes it: NFC (not NFKC, so kanji variants, 外字 in the private use area and
/// IVS sequences are kept as given), trimmed, internal whitespace (ASCII or full-width) collapsed to
/// one ASCII space, 1–60 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PersonName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PersonNameError {
    #[error("name is empty")]
    Empty,
    #[error("name is longer than {max} characters")]
    TooLong { max: usize },
    #[error("name contains a control character")]
    ControlCharacter,
    /// A name never holds digits, so no name can carry a personal number into an e-mail.
    #[error("name contains a digit")]
    Digit,
}

pub(crate) const MESSAGE_KEYS: &[&str] = &[
    "err-person-name-empty",
    "err-person-name-too-long",
    "err-person-name-control-character",
    "err-person-name-digit",
];

impl FieldMessage for PersonNameError {
    fn key(&self) -> &'static str {
        match self {
            Self::Empty => "err-person-name-empty",
            Self::TooLong { .. } => "err-person-name-too-long",
            Self::ControlCharacter => "err-person-name-control-character",
            Self::Digit => "err-person-name-digit",
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::TooLong { max } => vec![("max", max.to_string())],
            _ => Vec::new(),
        }
    }
}

fn is_variation_selector(c: char) -> bool {
    matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

impl PersonName {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for PersonName {
    type Err = PersonNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // Whitespace (including tabs and newlines) is a separator, not a control character.
        let collapsed = s.split_whitespace().collect::<Vec<_>>().join(" ");
        let name: String = collapsed.nfc().collect();
        if name.is_empty() {
            return Err(PersonNameError::Empty);
        }
        if name.chars().any(|c| c.is_control() || is_bidi_control(c)) {
            return Err(PersonNameError::ControlCharacter);
        }
        // NFKC only for the test: full-width `１` and circled `①` are digits too.
        if name.nfkc().any(|c| c.is_ascii_digit()) {
            return Err(PersonNameError::Digit);
        }
        if name.chars().filter(|c| !is_variation_selector(*c)).count() > MAX_NAME_CHARS {
            return Err(PersonNameError::TooLong { max: MAX_NAME_CHARS });
        }
        Ok(PersonName(name))
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn every_variant() -> Vec<PersonNameError> {
        vec![
            PersonNameError::Empty,
            PersonNameError::TooLong { max: 60 },
            PersonNameError::ControlCharacter,
            PersonNameError::Digit,
        ]
    }

    fn parse(s: &str) -> Result<String, PersonNameError> {
        s.parse::<PersonName>().map(|n| n.to_string())
    }

    #[test]
    fn normalises_whitespace_only() {
        assert_eq!(parse("  山田\u{3000}\u{3000}太郎 "), Ok("山田 太郎".into()));
        assert_eq!(parse("山田\t太郎"), Ok("山田 太郎".into()));
        assert_eq!(parse("SMITH  John"), Ok("SMITH John".into()));
        // NFC, not NFKC: full-width Latin and compatibility kanji stay as given
        assert_eq!(parse("ＳＭＩＴＨ"), Ok("ＳＭＩＴＨ".into()));
        assert_eq!(parse("髙橋"), Ok("髙橋".into()));
        assert_eq!(parse("﨑"), Ok("﨑".into()));
        // IVS and private-use 外字 are kept
        assert_eq!(parse("葛\u{E0100}飾"), Ok("葛\u{E0100}飾".into()));
        assert_eq!(parse("\u{E000}田"), Ok("\u{E000}田".into()));
        // NFC composes
        assert_eq!(parse("e\u{301}"), Ok("\u{E9}".into()));
        assert_eq!(parse("O'Brien-Smith"), Ok("O'Brien-Smith".into()));
    }

    #[test]
    fn refuses() {
        assert_eq!(parse(""), Err(PersonNameError::Empty));
        assert_eq!(parse(" \u{3000}\n"), Err(PersonNameError::Empty));
        assert_eq!(parse("山田\u{0}太郎"), Err(PersonNameError::ControlCharacter));
        assert_eq!(parse("山田\u{202E}太郎"), Err(PersonNameError::ControlCharacter));
        assert_eq!(parse(&"あ".repeat(60)), Ok("あ".repeat(60)));
        assert_eq!(parse(&"あ".repeat(61)), Err(PersonNameError::TooLong { max: 60 }));
        assert_eq!(parse("山田 123456789018"), Err(PersonNameError::Digit));
        assert_eq!(parse("山田１太郎"), Err(PersonNameError::Digit));
        assert_eq!(parse("山田①"), Err(PersonNameError::Digit));
        assert_eq!(parse("一二三"), Ok("一二三".into()), "kanji numerals are part of names");
        // variation selectors do not count towards the length
        assert!(parse(&"葛\u{E0100}".repeat(60)).is_ok());
    }
}

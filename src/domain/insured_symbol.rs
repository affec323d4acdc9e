//! 被保険者等記号 (insured symbol).

use std::fmt;
use std::str::FromStr;

use super::insured_error::{InsuredIdError, MAX_SYMBOL_OR_NUMBER_CHARS, is_refused_char, normalize_part};

/// A 記号: 1–20 characters after normalisation (NFKC, whitespace removed, circled characters as
/// `(x)`); digits, Latin letters, kanji and kana are kept. Rules that depend on the insurer
/// (協会けんぽ 7–8 digits, none for 後期高齢) are applied by [`InsuredIdentity::parse`](super::InsuredIdentity::parse).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InsuredSymbol(String);

impl InsuredSymbol {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn is_all_digits(&self) -> bool {
        self.0.bytes().all(|b| b.is_ascii_digit())
    }
}

impl FromStr for InsuredSymbol {
    type Err = InsuredIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let v = normalize_part(s);
        if v.is_empty() {
            return Err(InsuredIdError::SymbolEmpty);
        }
        if v.chars().any(is_refused_char) {
            return Err(InsuredIdError::SymbolInvalidCharacter);
        }
        if v.chars().count() > MAX_SYMBOL_OR_NUMBER_CHARS {
            return Err(InsuredIdError::SymbolTooLong { max: MAX_SYMBOL_OR_NUMBER_CHARS });
        }
        Ok(InsuredSymbol(v))
    }
}

impl fmt::Display for InsuredSymbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises() {
        let p = |s: &str| s.parse::<InsuredSymbol>().map(|v| v.to_string());
        assert_eq!(p("１２３４５６７"), Ok("1234567".into()));
        assert_eq!(p(" 東京 ｱ 12 "), Ok("東京ア12".into()));
        assert_eq!(p("①あ"), Ok("(1)あ".into()));
        assert_eq!(p("a".repeat(20).as_str()), Ok("a".repeat(20)));
        assert_eq!(p("漢".repeat(20).as_str()), Ok("漢".repeat(20)));
    }

    #[test]
    fn refuses() {
        let p = |s: &str| s.parse::<InsuredSymbol>();
        assert_eq!(p(""), Err(InsuredIdError::SymbolEmpty));
        assert_eq!(p(" \u{3000}"), Err(InsuredIdError::SymbolEmpty));
        assert_eq!(p(&"1".repeat(21)), Err(InsuredIdError::SymbolTooLong { max: 20 }));
        assert_eq!(p("12\u{0007}3"), Err(InsuredIdError::SymbolInvalidCharacter));
        assert_eq!(p("12・34"), Err(InsuredIdError::SymbolInvalidCharacter));
        assert_eq!(p("12･34"), Err(InsuredIdError::SymbolInvalidCharacter));
    }
}

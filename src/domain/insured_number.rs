//! 被保険者等番号 (insured number).

use std::fmt;
use std::str::FromStr;

use super::insured_error::{InsuredIdError, MAX_SYMBOL_OR_NUMBER_CHARS, is_refused_char, normalize_part};

/// A 番号: 1–20 characters after normalisation (as [`InsuredSymbol`](super::InsuredSymbol)).
/// For 後期高齢者 (法別39) [`InsuredIdentity::parse`](super::InsuredIdentity::parse) also requires
/// 8 digits with the Luhn-type check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InsuredNumber(String);

impl InsuredNumber {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for InsuredNumber {
    type Err = InsuredIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let v = normalize_part(s);
        if v.is_empty() {
            return Err(InsuredIdError::NumberEmpty);
        }
        if v.chars().any(is_refused_char) {
            return Err(InsuredIdError::NumberInvalidCharacter);
        }
        if v.chars().count() > MAX_SYMBOL_OR_NUMBER_CHARS {
            return Err(InsuredIdError::NumberTooLong { max: MAX_SYMBOL_OR_NUMBER_CHARS });
        }
        Ok(InsuredNumber(v))
    }
}

impl fmt::Display for InsuredNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_refuses() {
        let p = |s: &str| s.parse::<InsuredNumber>();
        assert_eq!(p("１２３").unwrap().as_str(), "123");
        assert_eq!(p("12 34").unwrap().as_str(), "1234");
        assert_eq!(p(""), Err(InsuredIdError::NumberEmpty));
        assert_eq!(p(&"9".repeat(21)), Err(InsuredIdError::NumberTooLong { max: 20 }));
        assert_eq!(p("1\u{202E}2"), Err(InsuredIdError::NumberInvalidCharacter));
        assert_eq!(p("1・2"), Err(InsuredIdError::NumberInvalidCharacter));
    }
}

//! Japanese telephone numbers.

use std::fmt;
use std::str::FromStr;

use super::{FieldMessage, normalize_width, strip_separators};

/// A Japanese telephone number stored and displayed as digits only, starting with 0: 10 digits
/// (fixed lines, `0312345678`) or 11 (mobile, IP, `09012345678`). `+81` numbers become domestic
/// (`+81 90-1234-5678` → `09012345678`; a `(0)` after `+81` is dropped).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneNumberError {
    #[error("phone number is empty")]
    Empty,
    #[error("phone number contains a character that is not a digit")]
    NonDigit,
    #[error("phone number has the wrong number of digits")]
    Length,
    #[error("domestic phone number does not start with 0")]
    MissingLeadingZero,
    #[error("phone number has a country code other than +81")]
    NotJapanese,
}

pub(crate) const MESSAGE_KEYS: &[&str] = &[
    "err-phone-number-empty",
    "err-phone-number-non-digit",
    "err-phone-number-length",
    "err-phone-number-leading-zero",
    "err-phone-number-not-japanese",
];

impl FieldMessage for PhoneNumberError {
    fn key(&self) -> &'static str {
        match self {
            Self::Empty => "err-phone-number-empty",
            Self::NonDigit => "err-phone-number-non-digit",
            Self::Length => "err-phone-number-length",
            Self::MissingLeadingZero => "err-phone-number-leading-zero",
            Self::NotJapanese => "err-phone-number-not-japanese",
        }
    }
}

impl PhoneNumber {
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// `+81` form for SMS gateways: `+819012345678`.
    pub fn to_e164(&self) -> String {
        format!("+81{}", &self.0[1..])
    }
}

impl FromStr for PhoneNumber {
    type Err = PhoneNumberError;

    /// NFKC, then hyphens/dashes, spaces and parentheses are removed.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let cleaned: String =
            strip_separators(&normalize_width(s)).chars().filter(|c| !matches!(c, '(' | ')')).collect();
        if cleaned.is_empty() {
            return Err(PhoneNumberError::Empty);
        }
        let digits = match cleaned.strip_prefix('+') {
            Some(international) => {
                if !international.chars().all(|c| c.is_ascii_digit()) {
                    return Err(PhoneNumberError::NonDigit);
                }
                let Some(national) = international.strip_prefix("81") else {
                    return Err(PhoneNumberError::NotJapanese);
                };
                // `+81 (0)3 …`: drop the trunk prefix written in brackets
                let national = national.strip_prefix('0').unwrap_or(national);
                if !(9..=10).contains(&national.len()) {
                    return Err(PhoneNumberError::Length);
                }
                format!("0{national}")
            }
            None => {
                if !cleaned.chars().all(|c| c.is_ascii_digit()) {
                    return Err(PhoneNumberError::NonDigit);
                }
                if !cleaned.starts_with('0') {
                    return Err(PhoneNumberError::MissingLeadingZero);
                }
                if !(10..=11).contains(&cleaned.len()) {
                    return Err(PhoneNumberError::Length);
                }
                cleaned
            }
        };
        Ok(PhoneNumber(digits))
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn every_variant() -> Vec<PhoneNumberError> {
        vec![
            PhoneNumberError::Empty,
            PhoneNumberError::NonDigit,
            PhoneNumberError::Length,
            PhoneNumberError::MissingLeadingZero,
            PhoneNumberError::NotJapanese,
        ]
    }

    fn parse(s: &str) -> Result<String, PhoneNumberError> {
        s.parse::<PhoneNumber>().map(|p| p.to_string())
    }

    #[test]
    fn accepts() {
        assert_eq!(parse("03-1234-5678"), Ok("0312345678".into()));
        assert_eq!(parse("(03)1234-5678"), Ok("0312345678".into()));
        assert_eq!(parse("０３（１２３４）５６７８"), Ok("0312345678".into()));
        assert_eq!(parse("090-1234-5678"), Ok("09012345678".into()));
        assert_eq!(parse("０９０ー１２３４ー５６７８"), Ok("09012345678".into()));
        assert_eq!(parse("+81 90-1234-5678"), Ok("09012345678".into()));
        assert_eq!(parse("+81-3-1234-5678"), Ok("0312345678".into()));
        assert_eq!(parse("+81 (0)3 1234 5678"), Ok("0312345678".into()));
        assert_eq!(parse("＋８１９０１２３４５６７８"), Ok("09012345678".into()));
        assert_eq!(parse("0120-123-456"), Ok("0120123456".into()));
        let p: PhoneNumber = "090-1234-5678".parse().unwrap();
        assert_eq!(p.digits(), "09012345678");
        assert_eq!(p.to_e164(), "+819012345678");
    }

    #[test]
    fn refuses() {
        assert_eq!(parse(""), Err(PhoneNumberError::Empty));
        assert_eq!(parse(" - "), Err(PhoneNumberError::Empty));
        assert_eq!(parse("03-1234-567"), Err(PhoneNumberError::Length));
        assert_eq!(parse("090-1234-56789"), Err(PhoneNumberError::Length));
        assert_eq!(parse("3-1234-5678"), Err(PhoneNumberError::MissingLeadingZero));
        assert_eq!(parse("03-1234-567a"), Err(PhoneNumberError::NonDigit));
        assert_eq!(parse("03.1234.5678"), Err(PhoneNumberError::NonDigit));
        assert_eq!(parse("+1 212 555 0100"), Err(PhoneNumberError::NotJapanese));
        assert_eq!(parse("+81 3 1234 567"), Err(PhoneNumberError::Length));
        assert_eq!(parse("+81 90 1234 56789"), Err(PhoneNumberError::Length));
        assert_eq!(parse("+81 3-1234-567x"), Err(PhoneNumberError::NonDigit));
    }
}

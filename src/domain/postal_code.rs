//! 郵便番号 (postal code): 7 digits, written `123-4567`.

use std::fmt;
use std::str::FromStr;

use super::{FieldMessage, normalize_width, strip_separators};

/// A 7-digit postal code. Existence is not checked (that needs Japan Post's KEN_ALL data).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PostalCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PostalCodeError {
    #[error("postal code is empty")]
    Empty,
    #[error("postal code has {found} digits, expected 7")]
    Length { found: usize },
    #[error("postal code contains a character that is not a digit")]
    NonDigit,
}

pub(crate) const MESSAGE_KEYS: &[&str] =
    &["err-postal-code-empty", "err-postal-code-length", "err-postal-code-non-digit"];

impl FieldMessage for PostalCodeError {
    fn key(&self) -> &'static str {
        match self {
            Self::Empty => "err-postal-code-empty",
            Self::Length { .. } => "err-postal-code-length",
            Self::NonDigit => "err-postal-code-non-digit",
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::Length { found } => vec![("count", found.to_string())],
            _ => Vec::new(),
        }
    }
}

impl PostalCode {
    /// The 7 digits without hyphen, for storage.
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// `〒123-4567`.
    pub fn with_mark(&self) -> String {
        format!("〒{self}")
    }
}

impl FromStr for PostalCode {
    type Err = PostalCodeError;

    /// Removes `〒` (and `〶`), spaces and hyphens/dashes of every kind; accepts full-width digits.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let digits: String = strip_separators(&normalize_width(s)).chars().filter(|c| *c != '〒').collect();
        if digits.is_empty() {
            return Err(PostalCodeError::Empty);
        }
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(PostalCodeError::NonDigit);
        }
        if digits.len() != 7 {
            return Err(PostalCodeError::Length { found: digits.len() });
        }
        Ok(PostalCode(digits))
    }
}

/// Stored as its 7 digits; reads either form.
impl serde::Serialize for PostalCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.digits())
    }
}

impl<'de> serde::Deserialize<'de> for PostalCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for PostalCode {
    /// `123-4567`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", &self.0[..3], &self.0[3..])
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn every_variant() -> Vec<PostalCodeError> {
        vec![PostalCodeError::Empty, PostalCodeError::Length { found: 6 }, PostalCodeError::NonDigit]
    }

    #[test]
    fn accepts_every_notation() {
        for s in [
            "1234567",
            "123-4567",
            "〒123-4567",
            "〒 123-4567",
            "１２３－４５６７",
            "１２３ー４５６７",
            "123‐4567",
            "123−4567",
            "123 4567",
            "〶1234567",
            " 123-4567 ",
        ] {
            let p: PostalCode = s.parse().unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(p.digits(), "1234567");
            assert_eq!(p.to_string(), "123-4567");
            assert_eq!(p.with_mark(), "〒123-4567");
        }
    }

    #[test]
    fn refuses() {
        let p = |s: &str| s.parse::<PostalCode>();
        assert_eq!(p(""), Err(PostalCodeError::Empty));
        assert_eq!(p("〒"), Err(PostalCodeError::Empty));
        assert_eq!(p("123-456"), Err(PostalCodeError::Length { found: 6 }));
        assert_eq!(p("123-45678"), Err(PostalCodeError::Length { found: 8 }));
        assert_eq!(p("123-456a"), Err(PostalCodeError::NonDigit));
        assert_eq!(p("123_4567"), Err(PostalCodeError::NonDigit));
    }
}

//! E-mail addresses (a practical check, not full RFC 5322).

use std::fmt;
use std::str::FromStr;

use super::{FieldMessage, normalize_width};

pub const MAX_EMAIL_CHARS: usize = 254;
pub const MAX_LOCAL_PART_CHARS: usize = 64;

/// An e-mail address: NFKC (so `ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ` typed with a Japanese IME works), trimmed,
/// exactly one `@`, a local part of 1–64 characters (case kept), a lower-cased domain of non-empty
/// dot-separated labels with at least one dot, no whitespace or control characters, 254 characters
/// in all.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailAddressError {
    #[error("email address is empty")]
    Empty,
    #[error("email address has no @")]
    MissingAt,
    #[error("email address has more than one @")]
    MultipleAt,
    #[error("email address has nothing before the @")]
    LocalPartEmpty,
    #[error("email address part before the @ is longer than {max} characters")]
    LocalPartTooLong { max: usize },
    #[error("email address domain is not valid")]
    InvalidDomain,
    #[error("email address contains a space or control character")]
    ContainsSpace,
    #[error("email address is longer than {max} characters")]
    TooLong { max: usize },
    /// Only a bare address (`name@example.jp`): no display name, angle brackets, quotes, commas or brackets,
    /// which a mail library would read as a different recipient.
    #[error("email address contains a character an address cannot hold")]
    InvalidCharacter,
}

pub(crate) const MESSAGE_KEYS: &[&str] = &[
    "err-email-empty",
    "err-email-missing-at",
    "err-email-multiple-at",
    "err-email-local-part-empty",
    "err-email-local-part-too-long",
    "err-email-invalid-domain",
    "err-email-contains-space",
    "err-email-too-long",
    "err-email-invalid-character",
];

impl FieldMessage for EmailAddressError {
    fn key(&self) -> &'static str {
        match self {
            Self::Empty => "err-email-empty",
            Self::MissingAt => "err-email-missing-at",
            Self::MultipleAt => "err-email-multiple-at",
            Self::LocalPartEmpty => "err-email-local-part-empty",
            Self::LocalPartTooLong { .. } => "err-email-local-part-too-long",
            Self::InvalidDomain => "err-email-invalid-domain",
            Self::ContainsSpace => "err-email-contains-space",
            Self::TooLong { .. } => "err-email-too-long",
            Self::InvalidCharacter => "err-email-invalid-character",
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::LocalPartTooLong { max } | Self::TooLong { max } => {
                vec![("max", max.to_string())]
            }
            _ => Vec::new(),
        }
    }
}

impl EmailAddress {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(l, _)| l)
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, d)| d)
    }
}

impl FromStr for EmailAddress {
    type Err = EmailAddressError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let normalized = normalize_width(s);
        let v = normalized.trim();
        if v.is_empty() {
            return Err(EmailAddressError::Empty);
        }
        if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(EmailAddressError::ContainsSpace);
        }
        let (local, domain) = match v.split_once('@') {
            None => return Err(EmailAddressError::MissingAt),
            Some((_, d)) if d.contains('@') => return Err(EmailAddressError::MultipleAt),
            Some(parts) => parts,
        };
        if local.is_empty() {
            return Err(EmailAddressError::LocalPartEmpty);
        }
        if !local.chars().all(is_local_part_char)
            || !domain.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '.')
        {
            return Err(EmailAddressError::InvalidCharacter);
        }
        if local.chars().count() > MAX_LOCAL_PART_CHARS {
            return Err(EmailAddressError::LocalPartTooLong { max: MAX_LOCAL_PART_CHARS });
        }
        let domain = domain.to_lowercase();
        if !domain.contains('.') || domain.split('.').any(str::is_empty) {
            return Err(EmailAddressError::InvalidDomain);
        }
        let address = format!("{local}@{domain}");
        if address.chars().count() > MAX_EMAIL_CHARS {
            return Err(EmailAddressError::TooLong { max: MAX_EMAIL_CHARS });
        }
        Ok(EmailAddress(address))
    }
}

/// A character of the part before the `@` of a bare address (RFC 5322 `dot-atom`, and letters of any script
/// as RFC 6531 allows). Quoted local parts are not accepted: nobody types them, and they hide other addresses.
fn is_local_part_char(c: char) -> bool {
    c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c)
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn every_variant() -> Vec<EmailAddressError> {
        vec![
            EmailAddressError::Empty,
            EmailAddressError::MissingAt,
            EmailAddressError::MultipleAt,
            EmailAddressError::LocalPartEmpty,
            EmailAddressError::LocalPartTooLong { max: 64 },
            EmailAddressError::InvalidDomain,
            EmailAddressError::ContainsSpace,
            EmailAddressError::TooLong { max: 254 },
            EmailAddressError::InvalidCharacter,
        ]
    }

    fn parse(s: &str) -> Result<String, EmailAddressError> {
        s.parse::<EmailAddress>().map(|e| e.to_string())
    }

    #[test]
    fn accepts_and_normalises() {
        assert_eq!(parse(" Taro.Yamada@Example.JP "), Ok("Taro.Yamada@example.jp".into()));
        assert_eq!(parse("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ"), Ok("taro@example.jp".into()));
        assert_eq!(parse("a+tag@mail.city.example.lg.jp"), Ok("a+tag@mail.city.example.lg.jp".into()));
        let e: EmailAddress = "Taro@Example.jp".parse().unwrap();
        assert_eq!(e.local_part(), "Taro");
        assert_eq!(e.domain(), "example.jp");
        assert_eq!(e.as_str(), "Taro@example.jp");
        let local = "a".repeat(64);
        let ok = format!("{local}@{}.jp", "b".repeat(254 - 64 - 1 - 3));
        assert_eq!(ok.len(), 254);
        assert_eq!(parse(&ok), Ok(ok.clone()));
    }

    #[test]
    fn refuses() {
        assert_eq!(parse(""), Err(EmailAddressError::Empty));
        assert_eq!(parse("   "), Err(EmailAddressError::Empty));
        assert_eq!(parse("taro.example.jp"), Err(EmailAddressError::MissingAt));
        assert_eq!(parse("taro@@example.jp"), Err(EmailAddressError::MultipleAt));
        assert_eq!(parse("a@b@example.jp"), Err(EmailAddressError::MultipleAt));
        assert_eq!(parse("@example.jp"), Err(EmailAddressError::LocalPartEmpty));
        assert_eq!(
            parse(&format!("{}@example.jp", "a".repeat(65))),
            Err(EmailAddressError::LocalPartTooLong { max: 64 })
        );
        assert_eq!(parse("taro@localhost"), Err(EmailAddressError::InvalidDomain));
        assert_eq!(parse("taro@"), Err(EmailAddressError::InvalidDomain));
        assert_eq!(parse("taro@example..jp"), Err(EmailAddressError::InvalidDomain));
        assert_eq!(parse("taro@.example.jp"), Err(EmailAddressError::InvalidDomain));
        assert_eq!(parse("taro@example.jp."), Err(EmailAddressError::InvalidDomain));
        assert_eq!(parse("taro yamada@example.jp"), Err(EmailAddressError::ContainsSpace));
        assert_eq!(parse("taro@exa\u{3000}mple.jp"), Err(EmailAddressError::ContainsSpace));
        assert_eq!(parse("taro@exa\u{7}mple.jp"), Err(EmailAddressError::ContainsSpace));
        // Only a bare address: a mail library reads `a<x@evil.example>` as a mail to x@evil.example.
        for not_bare in [
            "a<x@evil.example>",
            "<x@evil.example>",
            "Taro<taro@example.jp>",
            "a,b@example.jp",
            "a(comment)@example.jp",
            "a;b@example.jp",
            "a\\b@example.jp",
            "a@[127.0.0.1]",
            "a@exa_mple.jp",
            "a:b@example.jp",
        ] {
            assert_eq!(parse(not_bare), Err(EmailAddressError::InvalidCharacter), "{not_bare}");
        }
        assert!(parse("Taro <taro@example.jp>").is_err());
        assert!(parse("a@example.jp,x@evil.example").is_err());
        assert!(parse("\"a@b\"@example.jp").is_err());
        assert_eq!(parse("o'brien+tag@example.jp"), Ok("o'brien+tag@example.jp".into()));
        assert_eq!(parse("たろう@例え.jp"), Ok("たろう@例え.jp".into()));
        let long = format!("{}@{}.jp", "a".repeat(64), "b".repeat(187));
        assert_eq!(long.len(), 255);
        assert_eq!(parse(&long), Err(EmailAddressError::TooLong { max: 254 }));
    }
}

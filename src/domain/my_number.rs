//! 個人番号 (My Number): 12 digits, the last one a check digit (総務省令第八十五号 第五条).

use std::fmt;
use std::str::FromStr;

use super::{FieldMessage, normalize_width, strip_separators};

/// A valid 個人番号. Both `Display` and `Debug` show it masked (`**** **** 3214`), so it cannot reach a
/// log in clear; [`MyNumber::expose_digits`] is the one way to the digits (for encryption at rest).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct MyNumber(String);

/// Why a string is not a My Number. The Display text is for logs and never contains the number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MyNumberError {
    #[error("My Number is empty")]
    Empty,
    #[error("My Number has {found} digits, expected 12")]
    Length { found: usize },
    #[error("My Number contains a character that is not a digit")]
    NonDigit,
    #[error("My Number check digit does not match")]
    CheckDigit,
    #[error("My Number is all zeros")]
    AllZeros,
}

pub(crate) const MESSAGE_KEYS: &[&str] = &[
    "err-my-number-empty",
    "err-my-number-length",
    "err-my-number-non-digit",
    "err-my-number-check-digit",
    "err-my-number-all-zeros",
];

impl FieldMessage for MyNumberError {
    fn key(&self) -> &'static str {
        match self {
            Self::Empty => "err-my-number-empty",
            Self::Length { .. } => "err-my-number-length",
            Self::NonDigit => "err-my-number-non-digit",
            Self::CheckDigit => "err-my-number-check-digit",
            Self::AllZeros => "err-my-number-all-zeros",
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::Length { found } => vec![("count", found.to_string())],
            _ => Vec::new(),
        }
    }
}

/// The check digit for an 11-digit base, per 総務省令第八十五号 第五条:
/// 11 − (Σ Pn×Qn mod 11), or 0 when the remainder is 0 or 1; Pn is the n-th digit from the right,
/// Qn = n+1 for n ≤ 6 and n−5 for n ≥ 7. `None` unless `base11` is exactly 11 ASCII digits.
pub fn check_digit(base11: &str) -> Option<u8> {
    let bytes = base11.as_bytes();
    if bytes.len() != 11 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes
        .iter()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let n = i as u32 + 1;
            let q = if n <= 6 { n + 1 } else { n - 5 };
            u32::from(b - b'0') * q
        })
        .sum();
    let r = sum % 11;
    Some(if r <= 1 { 0 } else { (11 - r) as u8 })
}

impl MyNumber {
    /// The 12 digits in clear. Use only where the number is encrypted; never log or display it.
    pub fn expose_digits(&self) -> &str {
        &self.0
    }

    /// The last four digits, the part that may be shown.
    pub fn last_four(&self) -> &str {
        &self.0[8..]
    }

    /// The masked form, `**** **** 3214`.
    pub fn masked(&self) -> String {
        format!("**** **** {}", self.last_four())
    }
}

impl FromStr for MyNumber {
    type Err = MyNumberError;

    /// Accepts full-width digits, spaces and hyphens of any kind (`-`, `ー`, `－`, `‐`, …).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let digits = strip_separators(&normalize_width(s));
        if digits.is_empty() {
            return Err(MyNumberError::Empty);
        }
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(MyNumberError::NonDigit);
        }
        if digits.len() != 12 {
            return Err(MyNumberError::Length { found: digits.len() });
        }
        if digits.bytes().all(|b| b == b'0') {
            return Err(MyNumberError::AllZeros);
        }
        let expected = check_digit(&digits[..11]).ok_or(MyNumberError::NonDigit)?;
        if digits.as_bytes()[11] - b'0' != expected {
            return Err(MyNumberError::CheckDigit);
        }
        Ok(MyNumber(digits))
    }
}

impl fmt::Display for MyNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for MyNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MyNumber({})", self.masked())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    pub(crate) fn every_variant() -> Vec<MyNumberError> {
        vec![
            MyNumberError::Empty,
            MyNumberError::Length { found: 11 },
            MyNumberError::NonDigit,
            MyNumberError::CheckDigit,
            MyNumberError::AllZeros,
        ]
    }

    fn parse(s: &str) -> Result<MyNumber, MyNumberError> {
        s.parse()
    }

    // identifiers.md §1.4 and checkdigits.py
    #[test]
    fn shared_valid_vectors() {
        for s in [
            "123456789018",
            "621498320257",
            "983205673214",
            "271828182840",
            "314159265352",
            "000000000019",
            "111111111118",
        ] {
            let n = parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(n.expose_digits(), s);
        }
    }

    #[test]
    fn shared_check_digits() {
        assert_eq!(check_digit("12345678901"), Some(8));
        assert_eq!(check_digit("62149832025"), Some(7));
        assert_eq!(check_digit("98320567321"), Some(4));
        assert_eq!(check_digit("27182818284"), Some(0)); // remainder 1 → 0
        assert_eq!(check_digit("31415926535"), Some(2));
        assert_eq!(check_digit("00000000001"), Some(9));
        assert_eq!(check_digit("98765432109"), Some(3));
        assert_eq!(check_digit("11111111111"), Some(8));
        assert_eq!(check_digit("1234567890"), None);
        assert_eq!(check_digit("1234567890X"), None);
        assert_eq!(check_digit("１2345678901"), None);
    }

    #[test]
    fn shared_invalid_vectors() {
        assert_eq!(parse("621498320258"), Err(MyNumberError::CheckDigit));
        assert_eq!(parse("621498320275"), Err(MyNumberError::CheckDigit));
        assert_eq!(parse("983205673210"), Err(MyNumberError::CheckDigit));
        assert_eq!(parse("62149832025X"), Err(MyNumberError::NonDigit));
        assert_eq!(parse("12345678901"), Err(MyNumberError::Length { found: 11 }));
        assert_eq!(parse("000000000000"), Err(MyNumberError::AllZeros));
        assert_eq!(parse("0000 0000 0000"), Err(MyNumberError::AllZeros));
    }

    #[test]
    fn other_errors() {
        assert_eq!(parse(""), Err(MyNumberError::Empty));
        assert_eq!(parse(" \u{3000}- "), Err(MyNumberError::Empty));
        assert_eq!(parse("1234567890181"), Err(MyNumberError::Length { found: 13 }));
        assert_eq!(parse("1234.5678.9018"), Err(MyNumberError::NonDigit));
    }

    #[test]
    fn accepts_full_width_spaces_and_dashes() {
        for s in [
            "６２１４９８３２０２５７",
            "6214 9832 0257",
            "6214-9832-0257",
            "6214ー9832ー0257",
            "６２１４－９８３２－０２５７",
            "6214‐9832‐0257",
            "6214\u{3000}9832\u{3000}0257",
            " 621498320257 ",
            "6214–9832—0257",
        ] {
            assert_eq!(parse(s).map(|n| n.expose_digits().to_string()), Ok("621498320257".to_string()), "{s}");
        }
    }

    #[test]
    fn display_and_debug_are_masked() {
        let n = parse("983205673214").unwrap();
        assert_eq!(n.to_string(), "**** **** 3214");
        assert_eq!(format!("{n:?}"), "MyNumber(**** **** 3214)");
        assert_eq!(format!("{:?}", Some(n.clone())), "Some(MyNumber(**** **** 3214))");
        assert_eq!(n.last_four(), "3214");
    }

    #[test]
    fn error_text_never_contains_the_number() {
        for s in ["621498320258", "62149832025X", "12345678901"] {
            let e = parse(s).unwrap_err();
            let shown = format!("{e} {e:?} {:?}", e.args());
            assert!(!shown.contains(&s[..4]), "{shown}");
        }
    }

    #[test]
    fn keys() {
        assert_eq!(MyNumberError::CheckDigit.key(), "err-my-number-check-digit");
        assert_eq!(MyNumberError::Length { found: 11 }.args(), vec![("count", "11".to_string())]);
    }

    /// Σ Pn×Qn mod 11 for an 11-digit base.
    fn remainder(base11: &str) -> u32 {
        let weights = [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
        base11.bytes().zip(weights).map(|(b, w)| u32::from(b - b'0') * w).sum::<u32>() % 11
    }

    #[test]
    fn the_one_undetected_single_digit_change() {
        // 271828182840 has remainder 1; 071828182840 has remainder 0; both give check digit 0.
        assert!(parse("271828182840").is_ok());
        assert!(parse("071828182840").is_ok());
        assert_eq!(remainder("27182818284"), 1);
        assert_eq!(remainder("07182818284"), 0);
    }

    proptest! {
        #[test]
        fn base_plus_check_digit_parses(base in "[0-9]{11}") {
            let cd = check_digit(&base).unwrap();
            let s = format!("{base}{cd}");
            if s.bytes().all(|b| b == b'0') {
                prop_assert_eq!(parse(&s), Err(MyNumberError::AllZeros));
            } else {
                let n = parse(&s).unwrap();
                prop_assert_eq!(n.expose_digits(), s.as_str());
            }
        }

        #[test]
        fn changing_one_digit_invalidates(base in "[0-9]{11}", pos in 0usize..12, new in 0u8..10) {
            let cd = check_digit(&base).unwrap();
            let valid = format!("{base}{cd}");
            let mut bytes = valid.clone().into_bytes();
            let old = bytes[pos];
            bytes[pos] = b'0' + new;
            let changed = String::from_utf8(bytes).unwrap();
            if old == b'0' + new {
                // Unchanged (includes the check digit replaced by itself).
                prop_assert_eq!(&changed, &valid);
            } else if parse(&changed).is_ok() {
                // The 省令 maps remainders 0 and 1 both to check digit 0, so a base change that moves
                // the remainder between 0 and 1 is not detected. That is the only exception.
                prop_assert!(pos < 11 && cd == 0, "{} accepted", changed);
                prop_assert!(remainder(&base) <= 1 && remainder(&changed[..11]) <= 1);
                prop_assert_ne!(remainder(&base), remainder(&changed[..11]));
            }
        }

        #[test]
        fn masking_never_reveals_more_than_last_four(base in "[0-9]{11}") {
            let cd = check_digit(&base).unwrap();
            let s = format!("{base}{cd}");
            prop_assume!(!s.bytes().all(|b| b == b'0'));
            let n = parse(&s).unwrap();
            let first8 = &s[..8];
            let display = n.to_string();
            let debug = format!("{n:?}");
            prop_assert!(!display.contains(first8));
            prop_assert!(!debug.contains(first8));
            let shown_digits: String = display.chars().filter(|c| c.is_ascii_digit()).collect();
            prop_assert_eq!(shown_digits.as_str(), &s[8..]);
            let debug_digits: String = debug.chars().filter(|c| c.is_ascii_digit()).collect();
            prop_assert_eq!(debug_digits.as_str(), &s[8..]);
        }
    }
}

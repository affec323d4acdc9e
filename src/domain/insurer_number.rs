//! 保険者番号 (insurer number): 6 digits (市町村国保, 国保組合) or 8 digits (法別番号 + 都道府県番号 +
//! 保険者別番号 + 検証番号), with the Luhn-type 検証番号 of 厚労省「保険者番号等の設定要領」.

use std::fmt;
use std::str::FromStr;

use super::{FieldMessage, normalize_width};

/// A valid 保険者番号, stored as its 6 or 8 significant digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InsurerNumber(String);

/// What kind of insurance scheme the number belongs to, from its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InsurerKind {
    /// 6 digits: 市町村国保 or 国民健康保険組合 (no 法別番号).
    NationalHealthInsurance,
    /// 8 digits: 被用者保険, 後期高齢者医療 (39), etc. `law_code` is the 法別番号 (first two digits).
    /// Codes not in the known table are accepted.
    Employee { law_code: u8 },
}

/// Why a string is not a 保険者番号.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InsurerNumberError {
    #[error("insurer number is empty")]
    Empty,
    #[error("insurer number has {found} digits, expected 6 or 8")]
    Length { found: usize },
    #[error("insurer number contains a character that is not a digit")]
    NonDigit,
    #[error("insurer number check digit does not match")]
    CheckDigit,
}

pub(crate) const MESSAGE_KEYS: &[&str] = &[
    "err-insurer-number-empty",
    "err-insurer-number-length",
    "err-insurer-number-non-digit",
    "err-insurer-number-check-digit",
];

impl FieldMessage for InsurerNumberError {
    fn key(&self) -> &'static str {
        match self {
            Self::Empty => "err-insurer-number-empty",
            Self::Length { .. } => "err-insurer-number-length",
            Self::NonDigit => "err-insurer-number-non-digit",
            Self::CheckDigit => "err-insurer-number-check-digit",
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::Length { found } => vec![("count", found.to_string())],
            _ => Vec::new(),
        }
    }
}

/// The Luhn-type 検証番号 for `body` (the digits before the check digit): from the last digit,
/// multiply by 2, 1, 2, …; add the digits of each product; the check digit is 10 − (sum mod 10),
/// or 0 when the sum ends in 0. `None` unless `body` is one or more ASCII digits.
/// Also used for the 8-digit 後期高齢者 被保険者番号.
pub fn check_digit(body: &str) -> Option<u8> {
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let total: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let p = u32::from(b - b'0') * if i % 2 == 0 { 2 } else { 1 };
            p / 10 + p % 10
        })
        .sum();
    Some(((10 - total % 10) % 10) as u8)
}

/// True when `digits` (ASCII digits) ends with the right Luhn-type check digit.
pub(crate) fn has_valid_check_digit(digits: &str) -> bool {
    match digits.len() {
        0 | 1 => false,
        n => check_digit(&digits[..n - 1]) == Some(digits.as_bytes()[n - 1] - b'0'),
    }
}

impl InsurerNumber {
    /// The 6 or 8 digits.
    pub fn digits(&self) -> &str {
        &self.0
    }

    pub fn kind(&self) -> InsurerKind {
        match self.law_code() {
            Some(law_code) => InsurerKind::Employee { law_code },
            None => InsurerKind::NationalHealthInsurance,
        }
    }

    /// 法別番号 (first two of 8 digits); `None` for a 6-digit 国保 number.
    pub fn law_code(&self) -> Option<u8> {
        (self.0.len() == 8).then(|| two_digits(&self.0[..2]))
    }

    /// 後期高齢者医療 (法別 39).
    pub fn is_late_elderly(&self) -> bool {
        self.law_code() == Some(39)
    }

    /// 都道府県番号 (01 北海道 … 47 沖縄), as printed; not checked against the list.
    pub fn prefecture_code(&self) -> u8 {
        let start = self.0.len() - 6;
        two_digits(&self.0[start..start + 2])
    }
}

fn two_digits(s: &str) -> u8 {
    s.bytes().fold(0, |acc, b| acc * 10 + (b - b'0'))
}

impl FromStr for InsurerNumber {
    type Err = InsurerNumberError;

    /// Accepts full-width digits and spaces anywhere (`0113 0012`, as cards print it in groups). An 8-digit
    /// form starting with `00` is the zero-padded form of a 6-digit 国保 number used in electronic claims,
    /// and is stored as 6 digits (the check digit is unaffected by leading zeros).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // NFKC turns the full-width space into an ASCII one, so one filter drops both.
        let normalized: String = normalize_width(s).chars().filter(|c| !c.is_whitespace()).collect();
        let digits = normalized.as_str();
        if digits.is_empty() {
            return Err(InsurerNumberError::Empty);
        }
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InsurerNumberError::NonDigit);
        }
        let significant = match digits.strip_prefix("00") {
            Some(rest) if digits.len() == 8 => rest,
            _ => digits,
        };
        if significant.len() != 6 && significant.len() != 8 {
            return Err(InsurerNumberError::Length { found: digits.len() });
        }
        if !has_valid_check_digit(significant) {
            return Err(InsurerNumberError::CheckDigit);
        }
        Ok(InsurerNumber(significant.to_string()))
    }
}

impl fmt::Display for InsurerNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    pub(crate) fn every_variant() -> Vec<InsurerNumberError> {
        vec![
            InsurerNumberError::Empty,
            InsurerNumberError::Length { found: 7 },
            InsurerNumberError::NonDigit,
            InsurerNumberError::CheckDigit,
        ]
    }

    fn parse(s: &str) -> Result<InsurerNumber, InsurerNumberError> {
        s.parse()
    }

    // identifiers.md §3.3 and checkdigits.py
    #[test]
    fn shared_valid_vectors() {
        for s in ["33120015", "01130012", "01040013", "06130017", "39131016", "31130016", "138008", "271007", "138057"]
        {
            let n = parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(n.to_string(), s);
        }
    }

    #[test]
    fn spaces_inside_the_number_are_dropped() {
        assert_eq!(parse("0113 0012").unwrap().digits(), "01130012");
        assert_eq!(parse("０１１３\u{3000}００１２").unwrap().digits(), "01130012");
        assert_eq!(parse(" 138 008 ").unwrap().digits(), "138008");
        assert_eq!(parse("   "), Err(InsurerNumberError::Empty));
        assert_eq!(parse("0113-0012"), Err(InsurerNumberError::NonDigit));
    }

    #[test]
    fn shared_invalid_vectors() {
        for s in
            ["01130013", "33120051", "06130012", "39131015", "39011019", "31130018", "32130017", "67130016", "138058"]
        {
            assert_eq!(parse(s), Err(InsurerNumberError::CheckDigit), "{s}");
        }
        assert_eq!(parse("1380"), Err(InsurerNumberError::Length { found: 4 }));
        assert_eq!(parse("0113001"), Err(InsurerNumberError::Length { found: 7 }));
    }

    #[test]
    fn shared_check_digits() {
        assert_eq!(check_digit("3312001"), Some(5)); // 千葉県警 worked example
        assert_eq!(check_digit("0113001"), Some(2));
        assert_eq!(check_digit("0104001"), Some(3));
        assert_eq!(check_digit("0613001"), Some(7));
        assert_eq!(check_digit("3913101"), Some(6));
        assert_eq!(check_digit("3113001"), Some(6));
        assert_eq!(check_digit("13800"), Some(8));
        assert_eq!(check_digit("27100"), Some(7));
        assert_eq!(check_digit("3901101"), Some(0));
        assert_eq!(check_digit(""), None);
        assert_eq!(check_digit("12a"), None);
    }

    #[test]
    fn other_errors_and_normalisation() {
        assert_eq!(parse(""), Err(InsurerNumberError::Empty));
        assert_eq!(parse("\u{3000} "), Err(InsurerNumberError::Empty));
        assert_eq!(parse("0113-0012"), Err(InsurerNumberError::NonDigit));
        assert_eq!(parse("O1130012"), Err(InsurerNumberError::NonDigit));
        assert_eq!(parse("０１１３００１２").unwrap().digits(), "01130012");
        assert_eq!(parse("\u{3000}01130012 ").unwrap().digits(), "01130012");
        // zero-padded 国保 number as in electronic claims
        assert_eq!(parse("00138008").unwrap().digits(), "138008");
        assert_eq!(parse("001380080"), Err(InsurerNumberError::Length { found: 9 }));
    }

    #[test]
    fn kind_law_code_prefecture() {
        let kyokai = parse("01130012").unwrap();
        assert_eq!(kyokai.kind(), InsurerKind::Employee { law_code: 1 });
        assert_eq!(kyokai.law_code(), Some(1));
        assert_eq!(kyokai.prefecture_code(), 13);
        assert!(!kyokai.is_late_elderly());

        let kouki = parse("39131016").unwrap();
        assert!(kouki.is_late_elderly());
        assert_eq!(kouki.prefecture_code(), 13);

        let kokuho = parse("271007").unwrap();
        assert_eq!(kokuho.kind(), InsurerKind::NationalHealthInsurance);
        assert_eq!(kokuho.law_code(), None);
        assert_eq!(kokuho.prefecture_code(), 27);
        assert!(!kokuho.is_late_elderly());

        // unknown 法別 codes are accepted
        let body = "9913001";
        let s = format!("{body}{}", check_digit(body).unwrap());
        assert_eq!(parse(&s).unwrap().law_code(), Some(99));
    }

    proptest! {
        #[test]
        fn body_plus_check_digit_parses(body in prop_oneof!["[0-9]{5}", "[1-9][0-9]{6}", "0[1-9][0-9]{5}"]) {
            let s = format!("{body}{}", check_digit(&body).unwrap());
            let n = parse(&s).unwrap();
            prop_assert_eq!(n.digits(), s.as_str());
        }

        #[test]
        fn changing_one_digit_invalidates(
            body in prop_oneof!["[0-9]{5}", "[1-9][0-9]{6}"], pos in 0usize..8, new in 0u8..10,
        ) {
            let valid = format!("{body}{}", check_digit(&body).unwrap());
            let pos = pos % valid.len();
            let mut bytes = valid.clone().into_bytes();
            let old = bytes[pos];
            bytes[pos] = b'0' + new;
            let changed = String::from_utf8(bytes).unwrap();
            if old == b'0' + new {
                prop_assert_eq!(&changed, &valid);
            } else {
                prop_assert_eq!(parse(&changed), Err(InsurerNumberError::CheckDigit));
            }
        }
    }
}

//! 枝番 (branch number): 2 digits, leading zero kept.

use std::fmt;
use std::str::FromStr;

use super::insured_error::{InsuredIdError, normalize_part};

/// A 枝番: exactly two ASCII digits after NFKC and whitespace removal (`01`, never `1`).
/// Optional in [`InsuredIdentity`](super::InsuredIdentity) because cards issued before 2021 lack it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BranchNumber(String);

impl BranchNumber {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for BranchNumber {
    type Err = InsuredIdError;

    /// `1` is refused rather than padded: the card prints two digits, and asking for them is safer
    /// than guessing.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let v = normalize_part(s);
        if v.len() == 2 && v.bytes().all(|b| b.is_ascii_digit()) {
            Ok(BranchNumber(v))
        } else {
            Err(InsuredIdError::BranchFormat)
        }
    }
}

impl fmt::Display for BranchNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_digits_only() {
        let p = |s: &str| s.parse::<BranchNumber>().map(|b| b.to_string());
        assert_eq!(p("01"), Ok("01".into()));
        assert_eq!(p("００"), Ok("00".into()));
        assert_eq!(p(" 0 2 "), Ok("02".into()));
        for bad in ["", "1", "001", "1a", "①", "-1"] {
            assert_eq!(p(bad), Err(InsuredIdError::BranchFormat), "{bad}");
        }
    }
}

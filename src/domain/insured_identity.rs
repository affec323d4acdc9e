//! 被保険者等記号・番号・枝番 together, checked against the insurer (identifiers.md §4.1).

use std::fmt;
use std::str::FromStr;

use super::insured_error::{InsuredField, InsuredIdError, normalize_part};
use super::insurer_number::has_valid_check_digit;
use super::{BranchNumber, InsuredNumber, InsuredSymbol, InsurerNumber};

/// 記号 (optional), 番号 and 枝番 (optional) of one insured person.
///
/// `Display` is `記号・番号・枝番` with an absent part left empty, so it always has two `・` and
/// parses back with `FromStr` (e.g. `1234567・89・01`, `・12345674・`). For Japanese pages use
/// [`InsuredIdentity::format_ja`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InsuredIdentity {
    symbol: Option<InsuredSymbol>,
    number: InsuredNumber,
    branch: Option<BranchNumber>,
}

/// All the errors of one form submission, each with the field it belongs to.
pub type InsuredIdErrors = Vec<(InsuredField, InsuredIdError)>;

impl InsuredIdentity {
    /// Parses the three form fields for the given insurer and collects every error (not just the first).
    ///
    /// - 記号: optional; required and 7–8 digits for 協会けんぽ (法別01); must be empty for
    ///   後期高齢者医療 (法別39).
    /// - 番号: required; for 法別39, 8 digits with the Luhn-type check digit.
    /// - 枝番: optional; exactly 2 digits when given.
    pub fn parse(
        insurer: &InsurerNumber,
        symbol: &str,
        number: &str,
        branch: &str,
    ) -> Result<InsuredIdentity, InsuredIdErrors> {
        let mut errors = Vec::new();
        let law_code = insurer.law_code();

        let symbol_given = !normalize_part(symbol).is_empty();
        let symbol = match (law_code, symbol_given) {
            (Some(39), true) => {
                errors.push((InsuredField::Symbol, InsuredIdError::SymbolNotAllowed));
                None
            }
            (Some(39), false) => None,
            (Some(1), _) => match symbol.parse::<InsuredSymbol>() {
                Ok(s) if s.is_all_digits() && (7..=8).contains(&s.as_str().len()) => Some(s),
                Ok(_) => {
                    errors.push((InsuredField::Symbol, InsuredIdError::SymbolKyokaiDigits));
                    None
                }
                Err(e) => {
                    errors.push((InsuredField::Symbol, e));
                    None
                }
            },
            (_, false) => None,
            (_, true) => match symbol.parse::<InsuredSymbol>() {
                Ok(s) => Some(s),
                Err(e) => {
                    errors.push((InsuredField::Symbol, e));
                    None
                }
            },
        };

        let number = match number.parse::<InsuredNumber>() {
            Ok(n) if insurer.is_late_elderly() => {
                let v = n.as_str();
                if v.len() != 8 || !v.bytes().all(|b| b.is_ascii_digit()) {
                    errors.push((InsuredField::Number, InsuredIdError::NumberLateElderlyDigits));
                    None
                } else if !has_valid_check_digit(v) {
                    errors.push((InsuredField::Number, InsuredIdError::NumberCheckDigit));
                    None
                } else {
                    Some(n)
                }
            }
            Ok(n) => Some(n),
            Err(e) => {
                errors.push((InsuredField::Number, e));
                None
            }
        };

        let branch = if normalize_part(branch).is_empty() {
            None
        } else {
            match branch.parse::<BranchNumber>() {
                Ok(b) => Some(b),
                Err(e) => {
                    errors.push((InsuredField::Branch, e));
                    None
                }
            }
        };

        match number {
            Some(number) if errors.is_empty() => Ok(InsuredIdentity { symbol, number, branch }),
            _ => Err(errors),
        }
    }

    pub fn symbol(&self) -> Option<&InsuredSymbol> {
        self.symbol.as_ref()
    }

    pub fn number(&self) -> &InsuredNumber {
        &self.number
    }

    pub fn branch(&self) -> Option<&BranchNumber> {
        self.branch.as_ref()
    }

    /// `記号 X 番号 Y（枝番）ZZ`, the notation of 資格確認書; absent parts are left out.
    pub fn format_ja(&self) -> String {
        let mut out = String::new();
        if let Some(s) = &self.symbol {
            out.push_str("記号 ");
            out.push_str(s.as_str());
            out.push(' ');
        }
        out.push_str("番号 ");
        out.push_str(self.number.as_str());
        if let Some(b) = &self.branch {
            out.push_str("（枝番）");
            out.push_str(b.as_str());
        }
        out
    }
}

impl FromStr for InsuredIdentity {
    type Err = InsuredIdErrors;

    /// Parses the `Display` form `記号・番号・枝番` (three parts, symbol and branch may be empty),
    /// without insurer-specific rules. Use [`InsuredIdentity::parse`] for form input.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let normalized = super::normalize_width(s);
        let parts: Vec<&str> = normalized.split('・').collect();
        let [symbol, number, branch] = parts.as_slice() else {
            return Err(vec![(InsuredField::Number, InsuredIdError::IdentityFormat)]);
        };
        let mut errors = Vec::new();
        let symbol = if normalize_part(symbol).is_empty() {
            None
        } else {
            symbol.parse::<InsuredSymbol>().map_err(|e| errors.push((InsuredField::Symbol, e))).ok()
        };
        let number = number.parse::<InsuredNumber>().map_err(|e| errors.push((InsuredField::Number, e))).ok();
        let branch = if normalize_part(branch).is_empty() {
            None
        } else {
            branch.parse::<BranchNumber>().map_err(|e| errors.push((InsuredField::Branch, e))).ok()
        };
        match number {
            Some(number) if errors.is_empty() => Ok(InsuredIdentity { symbol, number, branch }),
            _ => Err(errors),
        }
    }
}

impl fmt::Display for InsuredIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let symbol = self.symbol.as_ref().map_or("", InsuredSymbol::as_str);
        let branch = self.branch.as_ref().map_or("", BranchNumber::as_str);
        write!(f, "{symbol}・{}・{branch}", self.number.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn insurer(s: &str) -> InsurerNumber {
        s.parse().unwrap()
    }

    const KYOKAI: &str = "01130012"; // 協会けんぽ東京支部, 法別01
    const KOUKI: &str = "39131016"; // 後期高齢 東京 (synthetic)
    const KUMIAI: &str = "06130017"; // 健保組合 (synthetic)
    const KOKUHO: &str = "138008"; // 国保 (synthetic)

    #[test]
    fn kyokai_kenpo() {
        let id = InsuredIdentity::parse(&insurer(KYOKAI), "１２３４５６７", "89", "01").unwrap();
        assert_eq!(id.symbol().unwrap().as_str(), "1234567");
        assert_eq!(id.number().as_str(), "89");
        assert_eq!(id.branch().unwrap().as_str(), "01");
        assert_eq!(id.to_string(), "1234567・89・01");
        assert_eq!(id.format_ja(), "記号 1234567 番号 89（枝番）01");
        assert!(InsuredIdentity::parse(&insurer(KYOKAI), "12345678", "1", "").is_ok());

        for bad in ["123456", "123456789", "東京123", "1234567a"] {
            assert_eq!(
                InsuredIdentity::parse(&insurer(KYOKAI), bad, "89", "01"),
                Err(vec![(InsuredField::Symbol, InsuredIdError::SymbolKyokaiDigits)]),
                "{bad}"
            );
        }
        assert_eq!(
            InsuredIdentity::parse(&insurer(KYOKAI), "", "89", "01"),
            Err(vec![(InsuredField::Symbol, InsuredIdError::SymbolEmpty)])
        );
    }

    #[test]
    fn late_elderly() {
        let id = InsuredIdentity::parse(&insurer(KOUKI), "", "12345674", "").unwrap();
        assert_eq!(id.symbol(), None);
        assert_eq!(id.to_string(), "・12345674・");
        assert_eq!(id.format_ja(), "番号 12345674");
        assert!(InsuredIdentity::parse(&insurer(KOUKI), " ", "００００００１８", "").is_ok());

        assert_eq!(
            InsuredIdentity::parse(&insurer(KOUKI), "", "12345675", ""),
            Err(vec![(InsuredField::Number, InsuredIdError::NumberCheckDigit)])
        );
        assert_eq!(
            InsuredIdentity::parse(&insurer(KOUKI), "", "1234567", ""),
            Err(vec![(InsuredField::Number, InsuredIdError::NumberLateElderlyDigits)])
        );
        assert_eq!(
            InsuredIdentity::parse(&insurer(KOUKI), "", "1234567A", ""),
            Err(vec![(InsuredField::Number, InsuredIdError::NumberLateElderlyDigits)])
        );
        assert_eq!(
            InsuredIdentity::parse(&insurer(KOUKI), "12", "12345674", ""),
            Err(vec![(InsuredField::Symbol, InsuredIdError::SymbolNotAllowed)])
        );
    }

    #[test]
    fn other_insurers_keep_kanji_and_kana() {
        let id = InsuredIdentity::parse(&insurer(KOKUHO), "千葉 ｶ", "１２３４", "").unwrap();
        assert_eq!(id.format_ja(), "記号 千葉カ 番号 1234");
        assert_eq!(id.to_string(), "千葉カ・1234・");
        let id = InsuredIdentity::parse(&insurer(KUMIAI), "", "A12", "02").unwrap();
        assert_eq!(id.format_ja(), "番号 A12（枝番）02");
        assert_eq!(id.to_string(), "・A12・02");
    }

    #[test]
    fn collects_all_errors() {
        let errs = InsuredIdentity::parse(&insurer(KYOKAI), "12", "", "1").unwrap_err();
        assert_eq!(
            errs,
            vec![
                (InsuredField::Symbol, InsuredIdError::SymbolKyokaiDigits),
                (InsuredField::Number, InsuredIdError::NumberEmpty),
                (InsuredField::Branch, InsuredIdError::BranchFormat),
            ]
        );
        let errs = InsuredIdentity::parse(&insurer(KOKUHO), &"x".repeat(21), &"9".repeat(21), "123").unwrap_err();
        assert_eq!(
            errs,
            vec![
                (InsuredField::Symbol, InsuredIdError::SymbolTooLong { max: 20 }),
                (InsuredField::Number, InsuredIdError::NumberTooLong { max: 20 }),
                (InsuredField::Branch, InsuredIdError::BranchFormat),
            ]
        );
    }

    #[test]
    fn display_round_trips() {
        for (ins, sym, num, br) in [
            (KYOKAI, "1234567", "89", "01"),
            (KOUKI, "", "12345674", ""),
            (KOKUHO, "千葉カ", "1234", ""),
            (KUMIAI, "", "A12", "02"),
            (KOKUHO, "(1)あ", "12", "00"),
        ] {
            let id = InsuredIdentity::parse(&insurer(ins), sym, num, br).unwrap();
            assert_eq!(id.to_string().parse::<InsuredIdentity>(), Ok(id));
        }
    }

    #[test]
    fn from_str_errors() {
        assert_eq!(
            "12・34".parse::<InsuredIdentity>(),
            Err(vec![(InsuredField::Number, InsuredIdError::IdentityFormat)])
        );
        assert_eq!(
            "12・・1".parse::<InsuredIdentity>(),
            Err(vec![
                (InsuredField::Number, InsuredIdError::NumberEmpty),
                (InsuredField::Branch, InsuredIdError::BranchFormat),
            ])
        );
        // half-width middle dot is normalised to ・
        assert!("12･34･01".parse::<InsuredIdentity>().is_ok());
    }
}

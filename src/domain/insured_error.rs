//! Errors for 被保険者等記号・番号・枝番 ([`InsuredSymbol`](super::InsuredSymbol),
//! [`InsuredNumber`](super::InsuredNumber), [`BranchNumber`](super::BranchNumber),
//! [`InsuredIdentity`](super::InsuredIdentity)).

use unicode_normalization::UnicodeNormalization;

use super::FieldMessage;

/// Which form field an error belongs to, so the web form can show it next to that field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InsuredField {
    /// 記号
    Symbol,
    /// 番号
    Number,
    /// 枝番
    Branch,
}

impl InsuredField {
    /// A stable name for form field ids: `symbol`, `number`, `branch`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Symbol => "symbol",
            Self::Number => "number",
            Self::Branch => "branch",
        }
    }
}

/// Maximum characters for 記号 and for 番号 (identifiers.md §4: generous, the official limit was not found).
pub const MAX_SYMBOL_OR_NUMBER_CHARS: usize = 20;

/// Why a 記号, 番号 or 枝番 is not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InsuredIdError {
    #[error("insured symbol is empty but required for this insurer")]
    SymbolEmpty,
    #[error("insured symbol is longer than {max} characters")]
    SymbolTooLong { max: usize },
    #[error("insured symbol contains a control character or a separator")]
    SymbolInvalidCharacter,
    #[error("insured symbol for 協会けんぽ (法別01) must be 7 or 8 digits")]
    SymbolKyokaiDigits,
    #[error("insured symbol must be empty for 後期高齢者医療 (法別39)")]
    SymbolNotAllowed,
    #[error("insured number is empty")]
    NumberEmpty,
    #[error("insured number is longer than {max} characters")]
    NumberTooLong { max: usize },
    #[error("insured number contains a control character or a separator")]
    NumberInvalidCharacter,
    #[error("insured number for 後期高齢者医療 (法別39) must be 8 digits")]
    NumberLateElderlyDigits,
    #[error("insured number check digit does not match")]
    NumberCheckDigit,
    #[error("branch number must be exactly 2 digits")]
    BranchFormat,
    #[error("insured identity is not in the form symbol・number・branch")]
    IdentityFormat,
}

pub(crate) const MESSAGE_KEYS: &[&str] = &[
    "err-insured-symbol-empty",
    "err-insured-symbol-too-long",
    "err-insured-symbol-invalid-character",
    "err-insured-symbol-kyokai-digits",
    "err-insured-symbol-not-allowed",
    "err-insured-number-empty",
    "err-insured-number-too-long",
    "err-insured-number-invalid-character",
    "err-insured-number-late-elderly-digits",
    "err-insured-number-check-digit",
    "err-insured-branch-format",
    "err-insured-identity-format",
];

impl FieldMessage for InsuredIdError {
    fn key(&self) -> &'static str {
        match self {
            Self::SymbolEmpty => "err-insured-symbol-empty",
            Self::SymbolTooLong { .. } => "err-insured-symbol-too-long",
            Self::SymbolInvalidCharacter => "err-insured-symbol-invalid-character",
            Self::SymbolKyokaiDigits => "err-insured-symbol-kyokai-digits",
            Self::SymbolNotAllowed => "err-insured-symbol-not-allowed",
            Self::NumberEmpty => "err-insured-number-empty",
            Self::NumberTooLong { .. } => "err-insured-number-too-long",
            Self::NumberInvalidCharacter => "err-insured-number-invalid-character",
            Self::NumberLateElderlyDigits => "err-insured-number-late-elderly-digits",
            Self::NumberCheckDigit => "err-insured-number-check-digit",
            Self::BranchFormat => "err-insured-branch-format",
            Self::IdentityFormat => "err-insured-identity-format",
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::SymbolTooLong { max } | Self::NumberTooLong { max } => {
                vec![("max", max.to_string())]
            }
            _ => Vec::new(),
        }
    }
}

/// Circled characters (①, Ⓐ, ㊤, ㋐ …) as they appear in some 記号; forms write them as `(x)`.
fn is_circled(c: char) -> bool {
    matches!(
        c,
        '\u{2460}'..='\u{2473}'
            | '\u{24B6}'..='\u{24FF}'
            | '\u{3251}'..='\u{325F}'
            | '\u{3280}'..='\u{32BF}'
            | '\u{32D0}'..='\u{32FE}'
    )
}

/// Normalises a 記号, 番号 or 枝番 as typed: circled characters become `(x)` (the forms' convention,
/// so that `①23` and `123` stay different), then NFKC (full-width → half-width), then all whitespace
/// is removed (cards and people space groups differently).
pub(crate) fn normalize_part(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_circled(c) {
            out.push('(');
            out.extend(std::iter::once(c).nfkc());
            out.push(')');
        } else {
            out.push(c);
        }
    }
    out.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// Characters refused in 記号 and 番号: controls, bidi controls, and `・` (the separator of
/// [`InsuredIdentity`](super::InsuredIdentity)'s Display; also a sign that two fields were typed into one).
pub(crate) fn is_refused_char(c: char) -> bool {
    c.is_control() || super::is_bidi_control(c) || c == '・'
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn every_variant() -> Vec<InsuredIdError> {
        vec![
            InsuredIdError::SymbolEmpty,
            InsuredIdError::SymbolTooLong { max: 20 },
            InsuredIdError::SymbolInvalidCharacter,
            InsuredIdError::SymbolKyokaiDigits,
            InsuredIdError::SymbolNotAllowed,
            InsuredIdError::NumberEmpty,
            InsuredIdError::NumberTooLong { max: 20 },
            InsuredIdError::NumberInvalidCharacter,
            InsuredIdError::NumberLateElderlyDigits,
            InsuredIdError::NumberCheckDigit,
            InsuredIdError::BranchFormat,
            InsuredIdError::IdentityFormat,
        ]
    }

    #[test]
    fn normalize_part_examples() {
        assert_eq!(normalize_part("１２３ ４５６"), "123456");
        assert_eq!(normalize_part("①23"), "(1)23");
        assert_eq!(normalize_part("㊤ 12"), "(上)12");
        assert_eq!(normalize_part("千葉ｶ"), "千葉カ");
        assert_eq!(normalize_part("⑴2"), "(1)2");
        assert_eq!(normalize_part("\u{3000}"), "");
    }

    #[test]
    fn field_names() {
        assert_eq!(InsuredField::Symbol.name(), "symbol");
        assert_eq!(InsuredField::Number.name(), "number");
        assert_eq!(InsuredField::Branch.name(), "branch");
    }
}

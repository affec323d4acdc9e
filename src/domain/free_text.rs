//! Free text people type (addresses, messages, explanations, notes): anything they like, except characters that
//! break it later.

use super::{FieldMessage, is_bidi_control};

/// Text that is not a typed domain value, checked once for every such field (`FormState::free_text`): no NUL
/// or other control character but line breaks and tabs (PostgreSQL cannot store a NUL; the others are invisible)
/// and no bidirectional controls (U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), which make text read
/// differently from what it is. Length limits stay with each field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeText(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FreeTextError {
    #[error("text contains a control or bidirectional-override character")]
    HiddenCharacter,
}

pub(crate) const MESSAGE_KEYS: &[&str] = &["err-free-text-hidden-character"];

impl FieldMessage for FreeTextError {
    fn key(&self) -> &'static str {
        match self {
            Self::HiddenCharacter => "err-free-text-hidden-character",
        }
    }
}

impl FreeText {
    pub fn parse(text: &str) -> Result<FreeText, FreeTextError> {
        let hidden = |c: char| (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || is_bidi_control(c);
        if text.chars().any(hidden) {
            return Err(FreeTextError::HiddenCharacter);
        }
        Ok(FreeText(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn every_variant() -> Vec<FreeTextError> {
        vec![FreeTextError::HiddenCharacter]
    }

    #[test]
    fn keeps_text_and_line_breaks() {
        for ok in ["あおば市青葉1-2-3", "line one\r\nline two\tend", "O'Brien <b>&", "", "🙂 ＡＢＣ"] {
            assert_eq!(FreeText::parse(ok).map(FreeText::into_string), Ok(ok.to_string()));
        }
    }

    #[test]
    fn refuses_hidden_characters() {
        for c in
            ['\0', '\u{7}', '\u{b}', '\u{7f}', '\u{85}', '\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}', '\u{200F}']
        {
            assert_eq!(FreeText::parse(&format!("abc{c}def")), Err(FreeTextError::HiddenCharacter), "{c:?}");
        }
    }
}

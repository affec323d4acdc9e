//! Domain value types for the portal: identifiers (My Number, 保険者番号, 被保険者等記号・番号・枝番),
//! dates (和暦), card validity, names and contact details.
//!
//! Every type here is a newtype with a private field that can only be made by parsing
//! ("parse, don't validate"). Every parse error implements [`FieldMessage`], which names the fluent
//! message (in `locales/{ja,en,ja-easy}/domain.ftl`) that the web layer shows to the person.
//!
//! The rules and test vectors come from `shared/domain/*.md`; where those leave room, the choice is
//! documented on the type.

pub mod branch_number;
pub mod card_validity;
pub mod custody;
pub mod email_address;
pub mod era;
pub mod express_schedule;
pub mod free_text;
pub mod furigana;
pub mod insured_error;
pub mod insured_identity;
pub mod insured_number;
pub mod insured_symbol;
pub mod insurer_number;
pub mod my_number;
pub mod person_name;
pub mod phone_number;
pub mod postal_code;
pub mod proxy;
pub mod reference;
pub mod registration_lag;
pub mod wareki_date;

pub use branch_number::BranchNumber;
pub use email_address::{EmailAddress, EmailAddressError};
pub use era::Era;
pub use free_text::{FreeText, FreeTextError};
pub use furigana::{Furigana, FuriganaError};
pub use insured_error::{InsuredField, InsuredIdError};
pub use insured_identity::InsuredIdentity;
pub use insured_number::InsuredNumber;
pub use insured_symbol::InsuredSymbol;
pub use insurer_number::{InsurerKind, InsurerNumber, InsurerNumberError};
pub use my_number::{MyNumber, MyNumberError};
pub use person_name::{PersonName, PersonNameError};
pub use phone_number::{PhoneNumber, PhoneNumberError};
pub use postal_code::{PostalCode, PostalCodeError};
pub use proxy::{ProofDocument, ProofRule, ProxyError, ProxyReason, Relationship, Scope, proof_rule};
pub use reference::{ReferenceError, ReferenceNumber};
pub use wareki_date::{DateError, DatePart, WarekiDate};

use unicode_normalization::UnicodeNormalization;

/// A parse error that the web layer shows to a person, in their language, from the fluent message `key()`.
pub trait FieldMessage {
    /// Fluent message id, e.g. "err-my-number-check-digit". Must exist in all three locale files.
    fn key(&self) -> &'static str;
    /// Fluent arguments (name, value) for that message.
    fn args(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

/// Unicode NFKC normalisation, used by every parser here: full-width digits and Latin letters become
/// half-width, half-width katakana become full-width, the ideographic space becomes an ASCII space,
/// `㍻` becomes `平成`, and so on.
pub fn normalize_width(s: &str) -> String {
    s.nfkc().collect()
}

/// Every fluent message id that any error in this module can produce. The app's locale test checks
/// that each one exists in every locale file.
pub fn all_message_keys() -> Vec<&'static str> {
    let mut keys = Vec::new();
    keys.extend_from_slice(my_number::MESSAGE_KEYS);
    keys.extend_from_slice(insurer_number::MESSAGE_KEYS);
    keys.extend_from_slice(insured_error::MESSAGE_KEYS);
    keys.extend_from_slice(wareki_date::MESSAGE_KEYS);
    keys.extend_from_slice(person_name::MESSAGE_KEYS);
    keys.extend_from_slice(furigana::MESSAGE_KEYS);
    keys.extend_from_slice(postal_code::MESSAGE_KEYS);
    keys.extend_from_slice(phone_number::MESSAGE_KEYS);
    keys.extend_from_slice(email_address::MESSAGE_KEYS);
    keys.extend_from_slice(reference::MESSAGE_KEYS);
    keys.extend_from_slice(proxy::MESSAGE_KEYS);
    keys.extend_from_slice(free_text::MESSAGE_KEYS);
    keys
}

/// Hyphens and dashes people type between groups of digits: ASCII `-`, the katakana prolonged sound
/// mark `ー` (what a Japanese IME often gives for "-"), and the Unicode hyphen/dash/minus family.
/// (Full-width `－` and half-width `ｰ` are already `-` and `ー` after [`normalize_width`].)
pub(crate) fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | 'ー' | '\u{2010}'
            ..='\u{2015}' | '\u{2043}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' | '\u{FF70}'
    )
}

/// Removes whitespace (any kind) and dashes; used for numbers written in groups.
pub(crate) fn strip_separators(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && !is_dash(*c)).collect()
}

/// Bidirectional-text controls: invisible, and can make a string display differently from what it is.
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    #[test]
    fn normalize_width_converts_full_width() {
        assert_eq!(normalize_width("１２３ＡＢｃ"), "123ABc");
        assert_eq!(normalize_width("ｶﾞｯｺｳ"), "ガッコウ");
        assert_eq!(normalize_width("\u{3000}"), " ");
        assert_eq!(normalize_width("㍻"), "平成");
        assert_eq!(normalize_width("－"), "-");
    }

    #[test]
    fn dashes_and_spaces_are_stripped() {
        assert_eq!(strip_separators("12-34ー56‐78－90 1\u{3000}2"), "123456789012");
        assert_eq!(strip_separators(&normalize_width("12－34")), "1234");
    }

    #[test]
    fn message_keys_are_unique_kebab_case() {
        let keys = all_message_keys();
        let set: BTreeSet<_> = keys.iter().collect();
        assert_eq!(set.len(), keys.len(), "duplicate keys");
        for k in keys {
            assert!(k.starts_with("err-"), "{k}");
            assert!(k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{k}");
            assert!(!k.ends_with('-') && !k.contains("--"), "{k}");
        }
    }

    /// One error of every variant, with the arguments it gives.
    fn every_error() -> Vec<(&'static str, Vec<(&'static str, String)>)> {
        fn e<E: FieldMessage>(err: E) -> (&'static str, Vec<(&'static str, String)>) {
            (err.key(), err.args())
        }
        let mut v = Vec::new();
        v.extend(my_number::tests::every_variant().into_iter().map(e));
        v.extend(insurer_number::tests::every_variant().into_iter().map(e));
        v.extend(insured_error::tests::every_variant().into_iter().map(e));
        v.extend(wareki_date::tests::every_variant().into_iter().map(e));
        v.extend(person_name::tests::every_variant().into_iter().map(e));
        v.extend(furigana::tests::every_variant().into_iter().map(e));
        v.extend(postal_code::tests::every_variant().into_iter().map(e));
        v.extend(phone_number::tests::every_variant().into_iter().map(e));
        v.extend(email_address::tests::every_variant().into_iter().map(e));
        v.extend(proxy::tests::every_variant().into_iter().map(e));
        v.extend(reference::tests::every_variant().into_iter().map(e));
        v.extend(free_text::tests::every_variant().into_iter().map(e));
        v
    }

    #[test]
    fn every_variant_key_is_listed_and_every_listed_key_is_used() {
        let listed: BTreeSet<&str> = all_message_keys().into_iter().collect();
        let used: BTreeSet<&str> = every_error().iter().map(|(k, _)| *k).collect();
        assert_eq!(listed, used);
    }

    // ---- locale files -------------------------------------------------------------------------

    const LOCALES: [&str; 3] = ["ja", "en", "ja-easy"];

    fn locale_path(locale: &str) -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales").join(locale).join("domain.ftl")
    }

    /// Parses the simple subset of fluent used in domain.ftl: comments, blank lines, and one-line
    /// messages `id = value`.
    fn read_messages(locale: &str) -> BTreeMap<String, String> {
        let path = locale_path(locale);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let mut out = BTreeMap::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            assert!(
                !line.starts_with(' ') && !line.starts_with('\t'),
                "{locale}:{}: continuation lines are not used here: {line}",
                i + 1
            );
            let (id, value) =
                line.split_once(" = ").unwrap_or_else(|| panic!("{locale}:{}: not `id = value`: {line}", i + 1));
            assert!(!value.trim().is_empty(), "{locale}:{}: empty value", i + 1);
            assert!(out.insert(id.to_string(), value.to_string()).is_none(), "{locale}: duplicate {id}");
        }
        out
    }

    /// The `$name`s a message refers to.
    fn variables(value: &str) -> BTreeSet<String> {
        let mut vars = BTreeSet::new();
        let mut rest = value;
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').expect("unclosed placeable") + open;
            let inner = rest[open + 1..close].trim();
            let name = inner.strip_prefix('$').expect("only `{ $var }` placeables");
            assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'), "bad variable {name}");
            vars.insert(name.to_string());
            rest = &rest[close + 1..];
        }
        assert!(!rest.contains('}'), "stray }} in {value}");
        vars
    }

    #[test]
    fn locale_files_have_exactly_the_keys() {
        let keys: BTreeSet<String> = all_message_keys().into_iter().map(String::from).collect();
        for locale in LOCALES {
            let ids: BTreeSet<String> = read_messages(locale).into_keys().collect();
            let missing: Vec<_> = keys.difference(&ids).collect();
            let extra: Vec<_> = ids.difference(&keys).collect();
            assert!(missing.is_empty() && extra.is_empty(), "{locale}: missing {missing:?}, extra {extra:?}");
        }
    }

    #[test]
    fn locale_messages_only_use_arguments_the_errors_give() {
        let errors = every_error();
        for locale in LOCALES {
            let messages = read_messages(locale);
            for (key, value) in &messages {
                assert!(!value.contains('<'), "{locale} {key}: no HTML in ftl");
                for var in variables(value) {
                    for (k, args) in errors.iter().filter(|(k, _)| k == key) {
                        assert!(
                            args.iter().any(|(name, _)| *name == var),
                            "{locale} {k}: uses ${var}, which the error does not give"
                        );
                    }
                }
            }
        }
    }

    fn is_kanji(c: char) -> bool {
        matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '々')
    }

    #[test]
    fn easy_japanese_has_readings_on_every_kanji() {
        for (key, value) in read_messages("ja-easy") {
            let mut depth_base = false; // inside `[base|`
            let mut in_reading = false; // inside `|reading]`
            for c in value.chars() {
                match c {
                    '[' => {
                        assert!(!depth_base && !in_reading, "{key}: nested [");
                        depth_base = true;
                    }
                    '|' if depth_base => {
                        depth_base = false;
                        in_reading = true;
                    }
                    ']' => {
                        assert!(in_reading, "{key}: ] without [base|");
                        in_reading = false;
                    }
                    c if is_kanji(c) => {
                        assert!(depth_base, "{key}: kanji {c} without a reading: {value}");
                    }
                    c if in_reading => {
                        assert!(
                            ('\u{3041}'..='\u{309F}').contains(&c) || c == 'ー',
                            "{key}: reading must be hiragana: {value}"
                        );
                    }
                    _ => {}
                }
            }
            assert!(!depth_base && !in_reading, "{key}: unclosed ruby");
            for sentence in value.split('。').map(str::trim).filter(|s| !s.is_empty()) {
                assert!(
                    ["です", "ます", "ません", "ください"].iter().any(|end| sentence.ends_with(end)),
                    "{key}: sentences end with です・ます: {sentence}"
                );
            }
            assert!(value.ends_with('。'), "{key}: {value}");
            for honorific in ["ご[", "お[", "[下|くだ]さい", "いただ"] {
                assert!(!value.contains(honorific), "{key}: no honorifics: {value}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn parsers_never_panic(
            s in proptest::prop_oneof![
                ".{0,40}",
                "[0-9０-９ー\\-・()（）年月日元十一二三 .SsHhRr昭平令和成@〒+]{0,24}",
            ]
        ) {
            let _ = s.parse::<MyNumber>();
            let _ = s.parse::<InsurerNumber>();
            let _ = s.parse::<InsuredIdentity>();
            let _ = s.parse::<WarekiDate>();
            let _ = s.parse::<Era>();
            let _ = WarekiDate::from_parts(None, &s, &s, &s);
            let _ = s.parse::<PersonName>();
            let _ = s.parse::<Furigana>();
            let _ = s.parse::<PostalCode>();
            let _ = s.parse::<PhoneNumber>();
            let _ = s.parse::<EmailAddress>();
            for insurer in ["01130012", "39131016", "138008"] {
                let insurer: InsurerNumber = insurer.parse().map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{e}")))?;
                let _ = InsuredIdentity::parse(&insurer, &s, &s, &s);
            }
            if let Ok(d) = s.parse::<WarekiDate>() {
                proptest::prop_assert_eq!(d.to_string().parse::<WarekiDate>(), Ok(d));
            }
        }
    }

    #[test]
    fn japanese_messages_are_polite_sentences() {
        for (key, value) in read_messages("ja") {
            assert!(value.ends_with('。'), "ja {key}: {value}");
        }
    }
}

//! The three languages of the service and the fluent messages for each.
//!
//! Messages are trusted text compiled into the binary. In them, `[漢字|かんじ]` marks a reading: it becomes
//! `<ruby>` in HTML and is dropped to the base text where markup cannot go (titles, attributes, e-mail subjects).

pub mod format;
pub mod names;

use std::collections::{BTreeSet, HashMap};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Locale {
    Ja,
    En,
    JaEasy,
}

impl Locale {
    pub const ALL: [Locale; 3] = [Locale::Ja, Locale::En, Locale::JaEasy];

    /// The value kept in the `lang` cookie and used in URLs.
    pub fn code(self) -> &'static str {
        match self {
            Locale::Ja => "ja",
            Locale::En => "en",
            Locale::JaEasy => "ja-easy",
        }
    }

    pub fn from_code(code: &str) -> Option<Locale> {
        Locale::ALL.into_iter().find(|l| l.code() == code.trim())
    }

    /// The `lang` attribute: やさしい日本語 is Japanese to browsers and screen readers.
    pub fn html_lang(self) -> &'static str {
        match self {
            Locale::Ja | Locale::JaEasy => "ja",
            Locale::En => "en",
        }
    }

    /// The language's own name, shown in the language switcher whatever the page language is.
    pub fn endonym(self) -> &'static str {
        match self {
            Locale::Ja => "日本語",
            Locale::En => "English",
            Locale::JaEasy => "やさしい日本語",
        }
    }

    /// Picks a locale from an `Accept-Language` header; `None` when it names none we have.
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        let mut ranked: Vec<(f32, usize, Locale)> = Vec::new();
        for (i, part) in header.split(',').enumerate() {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces.find_map(|p| p.trim().strip_prefix("q=").and_then(|v| v.parse::<f32>().ok())).unwrap_or(1.0);
            let locale = if tag == "ja-easy" || tag == "ja-x-easy" {
                Some(Locale::JaEasy)
            } else if tag == "ja" || tag.starts_with("ja-") {
                Some(Locale::Ja)
            } else if tag == "en" || tag.starts_with("en-") {
                Some(Locale::En)
            } else {
                None
            };
            if let Some(l) = locale.filter(|_| q > 0.0) {
                ranked.push((q, i, l));
            }
        }
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.first().map(|r| r.2)
    }

    fn folder(self) -> &'static str {
        self.code()
    }
}

macro_rules! locale_files {
    ($($name:literal),*) => {
        /// Every `.ftl` file, per locale folder. A test checks that this list matches `locales/`.
        pub const FILES: &[&str] = &[$($name),*];
        fn sources(locale: Locale) -> Vec<(&'static str, &'static str)> {
            match locale {
                Locale::Ja => vec![$(($name, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/locales/ja/", $name)))),*],
                Locale::En => vec![$(($name, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/locales/en/", $name)))),*],
                Locale::JaEasy => vec![$(($name, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/locales/ja-easy/", $name)))),*],
            }
        }
    };
}

locale_files!(
    "main.ftl",
    "pages.ftl",
    "statements.ftl",
    "accounts.ftl",
    "requests.ftl",
    "mail.ftl",
    "domain.ftl",
    "proxy.ftl",
    "office.ftl",
    "enrolments.ftl",
    "documents.ftl",
    "runs.ftl",
    "access.ftl",
    "decisions.ftl",
    "usability.ftl",
    "accesslog.ftl",
    "routes.ftl",
    "speed.ftl",
    "issuing.ftl",
    "express.ftl",
    "custody.ftl",
    "bulk.ftl",
    "outreach.ftl"
);

pub struct Localizer {
    bundles: HashMap<Locale, FluentBundle<FluentResource>>,
    keys: HashMap<Locale, BTreeSet<String>>,
}

impl std::fmt::Debug for Localizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Localizer").finish_non_exhaustive()
    }
}

/// A message that failed to parse is a programming error; the test suite loads every file.
#[derive(Debug, thiserror::Error)]
#[error("{locale}/{file}: {detail}")]
pub struct LocaleFileError {
    locale: &'static str,
    file: &'static str,
    detail: String,
}

impl Localizer {
    pub fn load() -> Result<Localizer, LocaleFileError> {
        let mut bundles = HashMap::new();
        let mut keys = HashMap::new();
        for locale in Locale::ALL {
            let langid: LanguageIdentifier = locale.html_lang().parse().expect("static language id");
            let mut bundle = FluentBundle::new_concurrent(vec![langid]);
            // Isolation marks would end up inside HTML attributes and e-mail subjects.
            bundle.set_use_isolating(false);
            let mut names = BTreeSet::new();
            for (file, text) in sources(locale) {
                let resource = FluentResource::try_new(text.to_string()).map_err(|(_, errs)| LocaleFileError {
                    locale: locale.folder(),
                    file,
                    detail: format!("{errs:?}"),
                })?;
                for entry in resource.entries() {
                    if let fluent_syntax::ast::Entry::Message(m) = entry {
                        names.insert(m.id.name.to_string());
                    }
                }
                bundle.add_resource(resource).map_err(|errs| LocaleFileError {
                    locale: locale.folder(),
                    file,
                    detail: format!("{errs:?}"),
                })?;
            }
            bundles.insert(locale, bundle);
            keys.insert(locale, names);
        }
        Ok(Localizer { bundles, keys })
    }

    pub fn keys(&self, locale: Locale) -> &BTreeSet<String> {
        &self.keys[&locale]
    }

    pub fn has(&self, locale: Locale, key: &str) -> bool {
        self.keys[&locale].contains(key)
    }

    /// The message as written (with reading marks), arguments filled in. A missing key shows the key itself,
    /// which the locale tests make impossible in a build that passed.
    pub fn text(&self, locale: Locale, key: &str, args: &[(&str, String)]) -> String {
        let bundle = &self.bundles[&locale];
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::warn!(key, locale = locale.code(), "missing message");
            return key.to_string();
        };
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            // Arguments are people's input: keep them from being read as reading marks.
            let safe = value.replace('[', "［").replace(']', "］");
            fluent_args.set(*name, FluentValue::from(safe));
        }
        let mut errors = Vec::new();
        let out = bundle.format_pattern(pattern, if args.is_empty() { None } else { Some(&fluent_args) }, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(key, locale = locale.code(), ?errors, "message formatting");
        }
        out.into_owned()
    }

    /// The message as HTML: escaped, with reading marks turned into `<ruby>`.
    pub fn html(&self, locale: Locale, key: &str, args: &[(&str, String)]) -> String {
        marks_to_ruby(&escape_html(&self.text(locale, key, args)))
    }

    /// The message as plain text, reading marks dropped to their base text.
    pub fn plain(&self, locale: Locale, key: &str, args: &[(&str, String)]) -> String {
        strip_marks(&self.text(locale, key, args))
    }
}

pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Splits text into plain runs and `[base|reading]` marks.
fn for_each_mark(text: &str, mut plain: impl FnMut(&str), mut mark: impl FnMut(&str, &str)) {
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let close = after.find(']');
        let bar = after.find('|');
        match (bar, close) {
            (Some(b), Some(c)) if b < c && !after[..c].contains('[') => {
                plain(&rest[..open]);
                mark(&after[..b], &after[b + 1..c]);
                rest = &after[c + 1..];
            }
            _ => {
                plain(&rest[..=open]);
                rest = after;
            }
        }
    }
    plain(rest);
}

pub fn marks_to_ruby(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let cell = std::cell::RefCell::new(&mut out);
    for_each_mark(
        text,
        |p| cell.borrow_mut().push_str(p),
        |base, reading| {
            let mut o = cell.borrow_mut();
            o.push_str("<ruby>");
            o.push_str(base);
            // No <rp> fallback: every browser we serve renders ruby, and the bytes add up on easy-Japanese pages.
            o.push_str("<rt>");
            o.push_str(reading);
            o.push_str("</rt></ruby>");
        },
    );
    out
}

pub fn strip_marks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let cell = std::cell::RefCell::new(&mut out);
    for_each_mark(text, |p| cell.borrow_mut().push_str(p), |base, _| cell.borrow_mut().push_str(base));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_marks_become_ruby_or_plain_text() {
        let t = "[保険証|ほけんしょう]を [出|だ]して";
        assert_eq!(strip_marks(t), "保険証を 出して");
        assert_eq!(marks_to_ruby(t), "<ruby>保険証<rt>ほけんしょう</rt></ruby>を <ruby>出<rt>だ</rt></ruby>して");
        assert_eq!(strip_marks("a [b] c [d|e"), "a [b] c [d|e");
    }

    #[test]
    fn accept_language_picks_the_best_supported_language() {
        assert_eq!(Locale::from_accept_language("en-GB,en;q=0.9,ja;q=0.8"), Some(Locale::En));
        assert_eq!(Locale::from_accept_language("fr, ja-JP;q=0.5, en;q=0.4"), Some(Locale::Ja));
        assert_eq!(Locale::from_accept_language("fr, de"), None);
        assert_eq!(Locale::from_accept_language("en;q=0, ja;q=0.1"), Some(Locale::Ja));
        assert_eq!(Locale::from_accept_language(""), None);
    }

    #[test]
    fn arguments_cannot_inject_markup_or_readings() {
        let l = Localizer::load().unwrap();
        let html = l.html(Locale::En, "error-reference", &[("id", "<b>[x|y]</b>".into())]);
        assert!(html.contains("&lt;b&gt;"));
        assert!(!html.contains("<ruby>"));
    }
}

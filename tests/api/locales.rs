//! Every message a template or the code asks for exists in every language, and the languages agree.

use std::collections::BTreeSet;
use std::path::Path;

use madoguchi::i18n::{FILES, Locale, Localizer, strip_marks};
use madoguchi::web::errors::ErrorKind;

fn files_under(dir: &Path, ext: &str, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// Message ids named in templates: `t("…")`, `t_plain("…")`, `t_args("…"` and the key arguments of field macros.
fn keys_used_by_templates() -> BTreeSet<String> {
    let mut files = Vec::new();
    files_under(Path::new("templates"), "html", &mut files);
    let mut keys = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for call in [".t(\"", ".t_plain(\"", ".t_args(\""] {
            for (i, _) in text.match_indices(call) {
                let rest = &text[i + call.len()..];
                keys.insert(rest[..rest.find('"').unwrap()].to_string());
            }
        }
        for line in text.lines().filter(|l| l.contains("{% call fields::")) {
            for piece in line.split('"').skip(1).step_by(2) {
                // Message ids have single hyphens; CSS classes passed alongside (`input--wide`) have double ones.
                if piece.contains('-')
                    && !piece.contains("--")
                    && piece.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                {
                    keys.insert(piece.to_string());
                }
            }
        }
    }
    keys
}

/// Message ids the Rust code names for form errors: `error_key("field", "…")`.
fn keys_used_by_code() -> BTreeSet<String> {
    let mut files = Vec::new();
    files_under(Path::new("src"), "rs", &mut files);
    let mut keys = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (i, _) in text.match_indices("error_key(") {
            let args = &text[i..i + text[i..].find(')').unwrap()];
            if let Some(key) = args.split('"').nth(3) {
                keys.insert(key.to_string());
            }
        }
    }
    // Any string literal in the code shaped like one of our message ids must be one. A literal is shaped like
    // an id when it is lowercase words joined by single hyphens and its first word begins some message id
    // (`certificate-`, `track-`, …): the families come from the messages themselves, so a new family is checked
    // as soon as its first message exists.
    let localizer = Localizer::load().unwrap();
    let prefixes: BTreeSet<String> = localizer
        .keys(Locale::Ja)
        .iter()
        .filter_map(|k| k.split_once('-').map(|(first, _)| format!("{first}-")))
        .collect();
    let mut files = Vec::new();
    files_under(Path::new("src"), "rs", &mut files);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for piece in text.split('"').skip(1).step_by(2) {
            let shaped = piece.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !piece.contains("--");
            if shaped && !piece.ends_with('-') && prefixes.iter().any(|p| piece.starts_with(p.as_str())) {
                keys.insert(piece.to_string());
            }
        }
    }
    for kind in ErrorKind::ALL {
        keys.insert(format!("{}-title", kind.key()));
        keys.insert(format!("{}-body", kind.key()));
    }
    keys.extend(madoguchi::domain::all_message_keys().into_iter().map(str::to_string));
    for kind in madoguchi::notify::mail::KINDS {
        keys.insert(format!("{kind}-subject"));
        keys.insert(format!("{kind}-body-1"));
    }
    keys.insert(madoguchi::notify::mail::FOOTER.to_string());
    keys
}

#[test]
fn every_locale_defines_the_same_messages() {
    let l = Localizer::load().expect("every .ftl file parses");
    let ja = l.keys(Locale::Ja);
    for locale in [Locale::En, Locale::JaEasy] {
        let other = l.keys(locale);
        let missing: Vec<_> = ja.difference(other).collect();
        let extra: Vec<_> = other.difference(ja).collect();
        assert!(missing.is_empty() && extra.is_empty(), "{}: missing {missing:?}, not in ja {extra:?}", locale.code());
    }
}

#[test]
fn every_message_the_templates_and_code_use_exists_in_every_locale() {
    let l = Localizer::load().unwrap();
    let used: BTreeSet<String> = keys_used_by_templates().into_iter().chain(keys_used_by_code()).collect();
    assert!(used.len() > 50, "the scan found the keys ({})", used.len());
    for locale in Locale::ALL {
        // Literals that look like ids but are not messages: a field id, a command name, and prefixes of
        // message families (`error-not-found` → `-title`/`-body`, `mail-sign-in-code` → `-subject`/`-body-1`).
        let not_messages = ["passkey-button", "demo-data", "demo-session"];
        let missing: Vec<_> = used
            .iter()
            .filter(|k| !l.has(locale, k) && !not_messages.contains(&k.as_str()))
            .filter(|k| !l.has(locale, &format!("{k}-title")) && !l.has(locale, &format!("{k}-subject")))
            .collect();
        assert!(missing.is_empty(), "{} lacks {missing:?}", locale.code());
    }
}

#[test]
fn the_compiled_file_list_matches_the_locale_folders() {
    for locale in Locale::ALL {
        let mut on_disk: Vec<String> = std::fs::read_dir(Path::new("locales").join(locale.code()))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = FILES.iter().map(|s| s.to_string()).collect();
        listed.sort();
        assert_eq!(on_disk, listed, "{}", locale.code());
    }
    let mut statics: Vec<String> =
        std::fs::read_dir("static").unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    statics.sort();
    let mut listed: Vec<String> = madoguchi::web::assets::FILES.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(statics, listed);
}

#[test]
fn easy_japanese_reading_marks_are_well_formed() {
    let l = Localizer::load().unwrap();
    for key in l.keys(Locale::JaEasy) {
        let text = l.text(Locale::JaEasy, key, &[("id", "X".into()), ("suggestion", "X".into())]);
        let plain = strip_marks(&text);
        assert!(!plain.contains('[') && !plain.contains('|') && !plain.contains(']'), "{key}: {text}");
    }
}

#[test]
fn english_is_not_japanese_left_untranslated() {
    let l = Localizer::load().unwrap();
    for key in l.keys(Locale::En) {
        let en = l.text(Locale::En, key, &[]);
        let ja = l.text(Locale::Ja, key, &[]);
        assert!(en != ja || en.is_ascii(), "{key}: the English text is the Japanese one: {en}");
    }
}

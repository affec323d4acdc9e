//! An organisation's name in the reader's language. The store keeps three forms (`name_ja`, `name_en`,
//! `name_easy`); the easy-Japanese one carries readings as `[漢字|かんじ]` marks and falls back to the
//! Japanese name when an organisation has none.

use super::{Locale, escape_html, marks_to_ruby, strip_marks};

#[derive(Clone, Copy, Debug)]
pub struct LocalName<'a> {
    pub ja: &'a str,
    pub en: &'a str,
    pub easy: &'a str,
}

impl LocalName<'_> {
    fn marked(&self, locale: Locale) -> &str {
        match locale {
            Locale::Ja => self.ja,
            Locale::En if !self.en.is_empty() => self.en,
            Locale::JaEasy if !self.easy.is_empty() => self.easy,
            _ => self.ja,
        }
    }

    /// As HTML, readings as `<ruby>`.
    pub fn html(&self, locale: Locale) -> String {
        marks_to_ruby(&escape_html(self.marked(locale)))
    }

    /// As plain text (options of a select, message arguments, e-mail).
    pub fn plain(&self, locale: Locale) -> String {
        strip_marks(self.marked(locale))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_gets_its_own_name() {
        let n = LocalName {
            ja: "全国健康保険協会 東京支部",
            en: "Japan Health Insurance Association, Tokyo",
            easy: "[協会|きょうかい]けんぽ [東京|とうきょう]",
        };
        assert_eq!(n.plain(Locale::Ja), "全国健康保険協会 東京支部");
        assert_eq!(n.plain(Locale::En), "Japan Health Insurance Association, Tokyo");
        assert_eq!(n.plain(Locale::JaEasy), "協会けんぽ 東京");
        assert_eq!(
            n.html(Locale::JaEasy),
            "<ruby>協会<rt>きょうかい</rt></ruby>けんぽ <ruby>東京<rt>とうきょう</rt></ruby>"
        );
        let bare = LocalName { ja: "あおば市国保", en: "", easy: "" };
        assert_eq!(bare.plain(Locale::En), "あおば市国保");
        assert_eq!(bare.plain(Locale::JaEasy), "あおば市国保");
    }
}

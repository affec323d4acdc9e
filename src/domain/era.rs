//! 元号 (Japanese era) with the boundaries of dates-and-cards.md §5.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

use super::normalize_width;
use super::wareki_date::DateError;

/// The eras this portal accepts. 明治 only from 1873-01-01 (the first day of the Gregorian calendar
/// in Japan, 明治6年1月1日): before that 和暦 months were lunisolar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Era {
    Meiji,
    Taisho,
    Showa,
    Heisei,
    Reiwa,
}

const fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(date) => date,
        None => NaiveDate::MIN,
    }
}

/// The earliest date any parser here accepts: 1873-01-01 (明治6年1月1日).
pub const EARLIEST_DATE: NaiveDate = ymd(1873, 1, 1);

impl Era {
    /// Oldest first.
    pub fn all() -> [Era; 5] {
        [Era::Meiji, Era::Taisho, Era::Showa, Era::Heisei, Era::Reiwa]
    }

    /// 明治, 大正, 昭和, 平成, 令和.
    pub fn name_ja(self) -> &'static str {
        match self {
            Era::Meiji => "明治",
            Era::Taisho => "大正",
            Era::Showa => "昭和",
            Era::Heisei => "平成",
            Era::Reiwa => "令和",
        }
    }

    /// Reading in hiragana, for ruby: めいじ, たいしょう, しょうわ, へいせい, れいわ.
    pub fn reading(self) -> &'static str {
        match self {
            Era::Meiji => "めいじ",
            Era::Taisho => "たいしょう",
            Era::Showa => "しょうわ",
            Era::Heisei => "へいせい",
            Era::Reiwa => "れいわ",
        }
    }

    /// English name without macrons: Meiji, Taisho, Showa, Heisei, Reiwa.
    pub fn name_en(self) -> &'static str {
        match self {
            Era::Meiji => "Meiji",
            Era::Taisho => "Taisho",
            Era::Showa => "Showa",
            Era::Heisei => "Heisei",
            Era::Reiwa => "Reiwa",
        }
    }

    /// JIS X 0301 letter: "M", "T", "S", "H", "R" (also the value of a form's era select).
    pub fn letter(self) -> &'static str {
        match self {
            Era::Meiji => "M",
            Era::Taisho => "T",
            Era::Showa => "S",
            Era::Heisei => "H",
            Era::Reiwa => "R",
        }
    }

    /// Gregorian year of 元年 (year 1).
    pub fn first_gregorian_year(self) -> i32 {
        match self {
            Era::Meiji => 1868,
            Era::Taisho => 1912,
            Era::Showa => 1926,
            Era::Heisei => 1989,
            Era::Reiwa => 2019,
        }
    }

    /// First day accepted for this era (明治: 1873-01-01, see the type's doc).
    pub fn start(self) -> NaiveDate {
        match self {
            Era::Meiji => EARLIEST_DATE,
            Era::Taisho => ymd(1912, 7, 30),
            Era::Showa => ymd(1926, 12, 25),
            Era::Heisei => ymd(1989, 1, 8),
            Era::Reiwa => ymd(2019, 5, 1),
        }
    }

    /// Last day of the era; `None` for the current one.
    pub fn end(self) -> Option<NaiveDate> {
        self.next().map(|next| next.start().pred_opt().unwrap_or(NaiveDate::MIN))
    }

    /// The era that follows, if any.
    pub fn next(self) -> Option<Era> {
        match self {
            Era::Meiji => Some(Era::Taisho),
            Era::Taisho => Some(Era::Showa),
            Era::Showa => Some(Era::Heisei),
            Era::Heisei => Some(Era::Reiwa),
            Era::Reiwa => None,
        }
    }

    /// The era of a Gregorian date; `None` before 1873-01-01.
    pub fn of(date: NaiveDate) -> Option<Era> {
        Era::all().into_iter().rev().find(|e| date >= e.start())
    }

    /// Whether `date` falls within this era (as accepted here).
    pub fn contains(self, date: NaiveDate) -> bool {
        date >= self.start() && self.end().is_none_or(|end| date <= end)
    }
}

impl FromStr for Era {
    type Err = DateError;

    /// Accepts the letter (M/T/S/H/R), the one-kanji abbreviation (明/大/昭/平/令), the full name
    /// (明治 …, also `㍻`-style square signs) and the romanised name (meiji, taisho/taishou/taishō,
    /// showa/shouwa/shōwa, heisei, reiwa), case-insensitive, full- or half-width.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let v = normalize_width(s).trim().to_lowercase();
        if v.is_empty() {
            return Err(DateError::EraUnknown);
        }
        match strip_era_prefix(&v) {
            Some((era, "")) => Ok(era),
            _ => Err(DateError::EraUnknown),
        }
    }
}

/// Names by which an era can be written (lowercase), longest first within each era so that the
/// longest match wins.
const ERA_NAMES: &[(&str, Era)] = &[
    ("meiji", Era::Meiji),
    ("taishou", Era::Taisho),
    ("taishō", Era::Taisho),
    ("taisho", Era::Taisho),
    ("shouwa", Era::Showa),
    ("shōwa", Era::Showa),
    ("showa", Era::Showa),
    ("heisei", Era::Heisei),
    ("reiwa", Era::Reiwa),
    ("明治", Era::Meiji),
    ("大正", Era::Taisho),
    ("昭和", Era::Showa),
    ("平成", Era::Heisei),
    ("令和", Era::Reiwa),
    ("明", Era::Meiji),
    ("大", Era::Taisho),
    ("昭", Era::Showa),
    ("平", Era::Heisei),
    ("令", Era::Reiwa),
    ("m", Era::Meiji),
    ("t", Era::Taisho),
    ("s", Era::Showa),
    ("h", Era::Heisei),
    ("r", Era::Reiwa),
];

/// If `s` (normalised, lowercase) starts with an era name, the era and the rest (leading
/// whitespace and one optional `.` removed).
pub(crate) fn strip_era_prefix(s: &str) -> Option<(Era, &str)> {
    ERA_NAMES.iter().find_map(|(name, era)| {
        s.strip_prefix(name).map(|rest| {
            let rest = rest.trim_start();
            (*era, rest)
        })
    })
}

impl fmt::Display for Era {
    /// The Japanese name (昭和).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name_ja())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries() {
        assert_eq!(Era::Meiji.start(), ymd(1873, 1, 1));
        assert_eq!(Era::Meiji.end(), Some(ymd(1912, 7, 29)));
        assert_eq!(Era::Taisho.start(), ymd(1912, 7, 30));
        assert_eq!(Era::Taisho.end(), Some(ymd(1926, 12, 24)));
        assert_eq!(Era::Showa.start(), ymd(1926, 12, 25));
        assert_eq!(Era::Showa.end(), Some(ymd(1989, 1, 7)));
        assert_eq!(Era::Heisei.start(), ymd(1989, 1, 8));
        assert_eq!(Era::Heisei.end(), Some(ymd(2019, 4, 30)));
        assert_eq!(Era::Reiwa.start(), ymd(2019, 5, 1));
        assert_eq!(Era::Reiwa.end(), None);
        assert_eq!(Era::of(ymd(1872, 12, 31)), None);
        assert_eq!(Era::of(ymd(1873, 1, 1)), Some(Era::Meiji));
        assert_eq!(Era::of(ymd(1989, 1, 7)), Some(Era::Showa));
        assert_eq!(Era::of(ymd(1989, 1, 8)), Some(Era::Heisei));
        assert!(Era::Heisei.contains(ymd(2019, 4, 30)));
        assert!(!Era::Heisei.contains(ymd(2019, 5, 1)));
    }

    #[test]
    fn parses_all_spellings() {
        let cases = [
            (Era::Meiji, ["M", "m", "明", "明治", "meiji", "MEIJI", "Ｍ", "㍾"].as_slice()),
            (Era::Taisho, &["T", "大", "大正", "taisho", "Taishō", "taishou", "㍽"]),
            (Era::Showa, &["S", "s", "昭", "昭和", "showa", "Shōwa", "shouwa", "㍼"]),
            (Era::Heisei, &["H", "平", "平成", "heisei", "Heisei", " ｈ ", "㍻"]),
            (Era::Reiwa, &["R", "r", "令", "令和", "reiwa", "REIWA", "ｒ", "㋿"]),
        ];
        for (era, spellings) in cases {
            for s in spellings {
                assert_eq!(s.parse::<Era>(), Ok(era), "{s}");
            }
        }
        for bad in ["", "x", "SH", "昭和元", "kyoto", "M1"] {
            assert_eq!(bad.parse::<Era>(), Err(DateError::EraUnknown), "{bad}");
        }
    }

    #[test]
    fn names() {
        assert_eq!(Era::all().len(), 5);
        assert_eq!(Era::all().map(Era::letter), ["M", "T", "S", "H", "R"]);
        assert_eq!(Era::Showa.name_ja(), "昭和");
        assert_eq!(Era::Showa.to_string(), "昭和");
        assert_eq!(Era::Reiwa.name_en(), "Reiwa");
        assert_eq!(Era::Taisho.reading(), "たいしょう");
        assert_eq!(Era::Reiwa.first_gregorian_year(), 2019);
    }
}

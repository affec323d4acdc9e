//! Calendar dates (dates of birth and others) written in 西暦 or 和暦, stored as ISO dates.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use super::era::{EARLIEST_DATE, strip_era_prefix};
use super::{Era, FieldMessage, is_dash, normalize_width};

/// A real calendar date on or after 1873-01-01 (明治6年1月1日) and with a 4-digit year.
/// `Display` is ISO 8601 (`1985-01-02`); see the `format_*` methods for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WarekiDate(NaiveDate);

/// Which part of a date input is wrong, so that the form marks that box (GOV.UK date pattern).
/// The era select belongs to `Year`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DatePart {
    Year,
    Month,
    Day,
    Whole,
}

/// Why a date is not accepted. The Display text (for logs) does not contain the date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("date is empty")]
    Empty,
    #[error("date is not in a recognised format")]
    Format,
    #[error("date has no year")]
    YearMissing,
    #[error("date has no month")]
    MonthMissing,
    #[error("date has no day")]
    DayMissing,
    #[error("year is not a number")]
    YearInvalid,
    #[error("western year does not have 4 digits")]
    YearNotFourDigits,
    #[error("month is not a number from 1 to 12")]
    MonthInvalid,
    #[error("day is not a number from 1 to 31")]
    DayInvalid,
    #[error("date does not exist in the calendar")]
    NotReal,
    #[error("era is not one of 明治, 大正, 昭和, 平成, 令和")]
    EraUnknown,
    #[error("era year 0 does not exist")]
    EraYearZero,
    #[error("date is before the start of the {era:?} era")]
    BeforeEraStart { era: Era, suggestion: WarekiDate },
    #[error("date is after the end of the {era:?} era")]
    AfterEraEnd { era: Era, suggestion: WarekiDate },
    #[error("date is before 1873-01-01")]
    TooEarly,
    #[error("era year and western year given together do not match")]
    YearMismatch,
}

pub(crate) const MESSAGE_KEYS: &[&str] = &[
    "err-date-empty",
    "err-date-format",
    "err-date-year-missing",
    "err-date-month-missing",
    "err-date-day-missing",
    "err-date-year-invalid",
    "err-date-year-four-digits",
    "err-date-month-invalid",
    "err-date-day-invalid",
    "err-date-not-real",
    "err-date-era-unknown",
    "err-date-era-year-zero",
    "err-date-before-era-start",
    "err-date-after-era-end",
    "err-date-too-early",
    "err-date-year-mismatch",
];

impl DateError {
    /// The part of the date the person should correct.
    pub fn field(&self) -> DatePart {
        match self {
            Self::Empty | Self::Format => DatePart::Whole,
            Self::YearMissing
            | Self::YearInvalid
            | Self::YearNotFourDigits
            | Self::EraUnknown
            | Self::EraYearZero
            | Self::BeforeEraStart { .. }
            | Self::AfterEraEnd { .. }
            | Self::TooEarly
            | Self::YearMismatch => DatePart::Year,
            Self::MonthMissing | Self::MonthInvalid => DatePart::Month,
            Self::DayMissing | Self::DayInvalid | Self::NotReal => DatePart::Day,
        }
    }
}

impl FieldMessage for DateError {
    fn key(&self) -> &'static str {
        match self {
            Self::Empty => "err-date-empty",
            Self::Format => "err-date-format",
            Self::YearMissing => "err-date-year-missing",
            Self::MonthMissing => "err-date-month-missing",
            Self::DayMissing => "err-date-day-missing",
            Self::YearInvalid => "err-date-year-invalid",
            Self::YearNotFourDigits => "err-date-year-four-digits",
            Self::MonthInvalid => "err-date-month-invalid",
            Self::DayInvalid => "err-date-day-invalid",
            Self::NotReal => "err-date-not-real",
            Self::EraUnknown => "err-date-era-unknown",
            Self::EraYearZero => "err-date-era-year-zero",
            Self::BeforeEraStart { .. } => "err-date-before-era-start",
            Self::AfterEraEnd { .. } => "err-date-after-era-end",
            Self::TooEarly => "err-date-too-early",
            Self::YearMismatch => "err-date-year-mismatch",
        }
    }

    /// For the era errors: `era` (昭和), `era_en` (Showa), `suggestion` (the date in its right era,
    /// 令和2年1月1日), `suggestion_en` (1 January 2020 (Reiwa 2)), `suggestion_easy`
    /// (2020年（令和2年）1月1日).
    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::BeforeEraStart { era, suggestion } | Self::AfterEraEnd { era, suggestion } => {
                let (s_era, s_year, _, _) = suggestion.to_wareki();
                vec![
                    ("era", era.name_ja().to_string()),
                    ("era_en", era.name_en().to_string()),
                    ("suggestion", suggestion.format_wareki_ja()),
                    ("suggestion_en", format!("{} ({} {s_year})", suggestion.format_en(), s_era.name_en())),
                    ("suggestion_easy", suggestion.format_easy_ja()),
                ]
            }
            _ => Vec::new(),
        }
    }
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl WarekiDate {
    /// Parses a date entered in separate boxes. `era` `None` means the year is 西暦 (4 digits),
    /// unless the year box itself starts with an era (`昭和60`, `S60`). Each box may be full-width,
    /// kanji numerals, and may end with its unit (`60年`, `1月`, `2日`); the year may be `元`.
    pub fn from_parts(era: Option<Era>, year: &str, month: &str, day: &str) -> Result<WarekiDate, DateError> {
        let clean = |s: &str, unit: char| {
            let v = normalize_width(s).trim().to_lowercase();
            v.strip_suffix(unit).unwrap_or(&v).trim().to_string()
        };
        let (year, month, day) = (clean(year, '年'), clean(month, '月'), clean(day, '日'));
        if year.is_empty() && month.is_empty() && day.is_empty() {
            return Err(DateError::Empty);
        }
        if year.is_empty() {
            return Err(DateError::YearMissing);
        }
        if month.is_empty() {
            return Err(DateError::MonthMissing);
        }
        if day.is_empty() {
            return Err(DateError::DayMissing);
        }
        let (era, year) = match (era, strip_era_prefix(&year)) {
            (None, Some((e, rest))) => (Some(e), rest.to_string()),
            _ => (era, year),
        };
        build_from_text(era, &year, &month, &day)
    }

    /// The date (always 1873-01-01 or later).
    pub fn as_naive(&self) -> NaiveDate {
        self.0
    }

    /// (era, era year, month, day), e.g. (Showa, 60, 1, 2).
    pub fn to_wareki(&self) -> (Era, u32, u32, u32) {
        let era = Era::of(self.0).unwrap_or(Era::Meiji);
        let year = (self.0.year() - era.first_gregorian_year() + 1) as u32;
        (era, year, self.0.month(), self.0.day())
    }

    /// `昭和60年1月2日`, `令和元年5月1日` (和暦 only).
    pub fn format_wareki_ja(&self) -> String {
        let (era, year, month, day) = self.to_wareki();
        let year = if year == 1 { "元".to_string() } else { year.to_string() };
        format!("{}{year}年{month}月{day}日", era.name_ja())
    }

    /// `昭和60年1月2日（1985年）`, `令和元年5月1日（2019年）`.
    pub fn format_ja(&self) -> String {
        format!("{}（{}年）", self.format_wareki_ja(), self.0.year())
    }

    /// やさしい日本語: 西暦 first, 和暦 in brackets, the era year as a number (`令和1年`, not 元年, which
    /// learners may not know): `1985年（昭和60年）1月2日`, `2019年（令和1年）5月1日`.
    pub fn format_easy_ja(&self) -> String {
        let (era, year, month, day) = self.to_wareki();
        format!("{}年（{}{year}年）{month}月{day}日", self.0.year(), era.name_ja())
    }

    /// JIS X 0301: `S60.01.02`, `R01.05.01`.
    pub fn format_jis(&self) -> String {
        let (era, year, month, day) = self.to_wareki();
        format!("{}{year:02}.{month:02}.{day:02}", era.letter())
    }

    /// `2 January 1985`.
    pub fn format_en(&self) -> String {
        format!("{} {} {}", self.0.day(), MONTHS_EN[self.0.month0() as usize], self.0.year())
    }

    /// Age in full years on `on` (0 if `on` is before this date).
    ///
    /// Ordinary rule: a year is complete on the birthday. For a 29 February birthday the year is
    /// therefore complete on 1 March in non-leap years. (The legal Japanese rule, 年齢計算ニ関スル法律
    /// with 民法143条, completes it at the end of the previous day; that difference matters only for
    /// school-year cut-offs, not for anything here.)
    pub fn age_on(&self, on: NaiveDate) -> u32 {
        full_years(self.0, on)
    }
}

/// Full years from `birth` to `on` by the ordinary rule (see [`WarekiDate::age_on`]); 0 if `on < birth`.
pub(crate) fn full_years(birth: NaiveDate, on: NaiveDate) -> u32 {
    if on < birth {
        return 0;
    }
    let years = on.year() - birth.year() - i32::from((on.month(), on.day()) < (birth.month(), birth.day()));
    years.max(0) as u32
}

impl TryFrom<NaiveDate> for WarekiDate {
    type Error = DateError;

    /// For dates that come from storage or computation: refuses dates before 1873-01-01 and years
    /// after 9999.
    fn try_from(date: NaiveDate) -> Result<Self, Self::Error> {
        if date < EARLIEST_DATE {
            Err(DateError::TooEarly)
        } else if date.year() > 9999 {
            Err(DateError::YearNotFourDigits)
        } else {
            Ok(WarekiDate(date))
        }
    }
}

impl From<WarekiDate> for NaiveDate {
    fn from(d: WarekiDate) -> NaiveDate {
        d.0
    }
}

impl fmt::Display for WarekiDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.0.year(), self.0.month(), self.0.day())
    }
}

impl FromStr for WarekiDate {
    type Err = DateError;

    /// Accepts `1985-01-02`, `1985/1/2`, `1985.1.2`, `1985年1月2日`, `19850102`, `昭和60年1月2日`,
    /// `昭60.1.2`, `S60.1.2`, `s60/1/2`, `S600102`, `令和元年5月1日`, `R01.05.01`, full-width digits,
    /// kanji numerals (`平成三〇年十二月二四日`), spaces, a leading `西暦`, a trailing `生`/`生まれ`, and one
    /// bracketed year that must agree with the date: `昭和60年1月2日（1985年）` (the [`format_ja`] form) or
    /// `1985年（昭和60年）1月2日` (the [`format_easy_ja`] form).
    ///
    /// [`format_ja`]: WarekiDate::format_ja
    /// [`format_easy_ja`]: WarekiDate::format_easy_ja
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let normalized = normalize_width(s).trim().to_lowercase();
        if normalized.is_empty() {
            return Err(DateError::Empty);
        }
        // Before the eras: `march` would otherwise start with 明治's `m`.
        if let Some(date) = english_date(&normalized) {
            return date;
        }
        let (main, bracket) = split_bracket(&normalized)?;
        let mut main = main.trim();
        for suffix in ["生まれ", "生"] {
            if let Some(rest) = main.strip_suffix(suffix) {
                main = rest.trim_end();
                break;
            }
        }
        if let Some(rest) = main.strip_prefix("西暦") {
            main = rest.trim_start();
        }
        let (era, rest) = match strip_era_prefix(main) {
            Some((era, rest)) => (Some(era), rest),
            None => (None, main),
        };
        let parts = components(rest)?;
        let date = match parts.as_slice() {
            [y, m, d] => {
                // `2/1/1985`: day-first order is not accepted (ambiguous), say how to write it.
                if era.is_none() && y.len() <= 2 && d.len() == 4 && is_ascii_digits(d) {
                    return Err(DateError::Format);
                }
                build_from_text(era, y, m, d)?
            }
            [compact] if is_ascii_digits(compact) => match (era, compact.len()) {
                (None, 8) => build_from_text(None, &compact[..4], &compact[4..6], &compact[6..])?,
                (Some(_), 6) => build_from_text(era, &compact[..2], &compact[2..4], &compact[4..])?,
                (Some(_), 1..=2) => return Err(DateError::MonthMissing),
                (None, 4) => return Err(DateError::MonthMissing),
                _ => return Err(DateError::Format),
            },
            [_] => match era {
                Some(_) => return Err(DateError::MonthMissing),
                None => return Err(DateError::Format),
            },
            [y, _] => {
                return Err(if era.is_some() || y.chars().count() == 4 {
                    DateError::DayMissing
                } else {
                    DateError::YearMissing
                });
            }
            [] if era.is_some() => return Err(DateError::YearMissing),
            _ => return Err(DateError::Format),
        };
        if let Some(bracket) = bracket {
            check_bracket(bracket, date)?;
        }
        Ok(date)
    }
}

/// A date written with an English month name, as the English pages show dates (`14 July 1992`), and its usual
/// variants (`July 14, 1992`, `14 Jul. 1992`, `14th July 1992`). `None` when no word is a month name.
fn english_date(s: &str) -> Option<Result<WarekiDate, DateError>> {
    let words: Vec<&str> =
        s.split(|c: char| c.is_whitespace() || c == ',' || c == '.').filter(|w| !w.is_empty()).collect();
    let month_at = words.iter().position(|w| english_month(w).is_some())?;
    let month = english_month(words[month_at])?;
    let numbers: Vec<&str> = words
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != month_at)
        .map(|(_, w)| w.trim_end_matches(|c: char| c.is_ascii_alphabetic()))
        .collect();
    Some(match numbers.as_slice() {
        [day, year] | [year, day] if year.len() == 4 && day.len() <= 2 => {
            build_from_text(None, year, &month.to_string(), day)
        }
        [_] => Err(DateError::DayMissing),
        [] => Err(DateError::YearMissing),
        _ => Err(DateError::Format),
    })
}

/// `july` → 7; three letters or more of a month's name will do (`jul`, `sept`).
fn english_month(word: &str) -> Option<u32> {
    if word.len() < 3 || !word.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    MONTHS_EN.iter().position(|m| m.to_lowercase().starts_with(word)).map(|i| i as u32 + 1)
}

fn is_ascii_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Splits off one `(…)` group (after NFKC, （） are ASCII). Returns the rest and the group's content.
fn split_bracket(s: &str) -> Result<(String, Option<&str>), DateError> {
    match (s.find('('), s.find(')')) {
        (None, None) => Ok((s.to_string(), None)),
        (Some(open), Some(close)) if open < close => {
            let inner = &s[open + 1..close];
            let rest = format!("{}{}", &s[..open], &s[close + 1..]);
            if rest.contains(['(', ')']) {
                return Err(DateError::Format);
            }
            Ok((rest, Some(inner)))
        }
        _ => Err(DateError::Format),
    }
}

/// A bracketed year must agree with the date: `(1985年)` or `(昭和60年)`.
fn check_bracket(bracket: &str, date: WarekiDate) -> Result<(), DateError> {
    let b = bracket.trim();
    let b = b.strip_suffix('年').unwrap_or(b).trim();
    let b = b.strip_prefix("西暦").unwrap_or(b).trim();
    let agrees = match strip_era_prefix(b) {
        Some((era, rest)) => {
            let year = year_value(Some(era), rest).map_err(|_| DateError::Format)?;
            let (e, y, _, _) = date.to_wareki();
            e == era && y == year
        }
        None => {
            let year = year_value(None, b).map_err(|_| DateError::Format)?;
            date.0.year() == year as i32
        }
    };
    if agrees { Ok(()) } else { Err(DateError::YearMismatch) }
}

fn is_number_char(c: char) -> bool {
    c.is_ascii_digit() || kanji_digit(c).is_some() || c == '十' || c == '元'
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '年' | '月' | '日' | '.' | '/' | ',') || is_dash(c)
}

/// The runs of number characters, split at separators; any other character is a format error.
fn components(s: &str) -> Result<Vec<&str>, DateError> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        if is_number_char(c) {
            start.get_or_insert(i);
        } else if is_separator(c) {
            if let Some(st) = start.take() {
                out.push(&s[st..i]);
            }
        } else {
            return Err(DateError::Format);
        }
    }
    if let Some(st) = start {
        out.push(&s[st..]);
    }
    Ok(out)
}

fn kanji_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '○' | '零' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// Kanji numerals: positional (`三〇` = 30, `一九八五` = 1985) or with 十 (`十二`, `二十四`, `三十一`).
fn kanji_number(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    match s.split_once('十') {
        Some((tens, ones)) => {
            let tens = match tens.chars().collect::<Vec<_>>().as_slice() {
                [] => 1,
                [c] => kanji_digit(*c).filter(|d| *d > 0)?,
                _ => return None,
            };
            let ones = match ones.chars().collect::<Vec<_>>().as_slice() {
                [] => 0,
                [c] => kanji_digit(*c)?,
                _ => return None,
            };
            Some(tens * 10 + ones)
        }
        None => s.chars().try_fold(0u32, |acc, c| acc.checked_mul(10)?.checked_add(kanji_digit(c)?)),
    }
}

/// A number written with at most `max_digits` ASCII digits, or in kanji numerals.
fn number(s: &str, max_digits: usize) -> Option<u32> {
    if is_ascii_digits(s) {
        if s.len() > max_digits {
            return None;
        }
        s.parse().ok()
    } else {
        kanji_number(s)
    }
}

fn year_value(era: Option<Era>, s: &str) -> Result<u32, DateError> {
    match era {
        Some(_) if s == "元" => Ok(1),
        Some(_) => number(s, 2).filter(|y| *y <= 99).ok_or(DateError::YearInvalid),
        None if is_ascii_digits(s) => {
            if s.len() == 4 {
                s.parse().map_err(|_| DateError::YearInvalid)
            } else {
                Err(DateError::YearNotFourDigits)
            }
        }
        None => match kanji_number(s) {
            Some(y) if (1000..=9999).contains(&y) => Ok(y),
            Some(_) => Err(DateError::YearNotFourDigits),
            None => Err(DateError::YearInvalid),
        },
    }
}

fn build_from_text(era: Option<Era>, year: &str, month: &str, day: &str) -> Result<WarekiDate, DateError> {
    let year = year_value(era, year)?;
    let month = number(month, 2).filter(|m| (1..=12).contains(m)).ok_or(DateError::MonthInvalid)?;
    let day = number(day, 2).filter(|d| (1..=31).contains(d)).ok_or(DateError::DayInvalid)?;
    build(era, year, month, day)
}

fn build(era: Option<Era>, year: u32, month: u32, day: u32) -> Result<WarekiDate, DateError> {
    let gregorian_year = match era {
        Some(_) if year == 0 => return Err(DateError::EraYearZero),
        Some(e) => e.first_gregorian_year() + year as i32 - 1,
        None => year as i32,
    };
    let date = NaiveDate::from_ymd_opt(gregorian_year, month, day).ok_or(DateError::NotReal)?;
    if date < EARLIEST_DATE {
        return Err(DateError::TooEarly);
    }
    let suggestion = WarekiDate(date);
    if let Some(era) = era {
        if date < era.start() {
            return Err(DateError::BeforeEraStart { era, suggestion });
        }
        if era.end().is_some_and(|end| date > end) {
            return Err(DateError::AfterEraEnd { era, suggestion });
        }
    }
    Ok(suggestion)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn wd(y: i32, m: u32, d: u32) -> WarekiDate {
        WarekiDate::try_from(ymd(y, m, d)).unwrap()
    }

    fn parse(s: &str) -> Result<NaiveDate, DateError> {
        s.parse::<WarekiDate>().map(|d| d.as_naive())
    }

    pub(crate) fn every_variant() -> Vec<DateError> {
        vec![
            DateError::Empty,
            DateError::Format,
            DateError::YearMissing,
            DateError::MonthMissing,
            DateError::DayMissing,
            DateError::YearInvalid,
            DateError::YearNotFourDigits,
            DateError::MonthInvalid,
            DateError::DayInvalid,
            DateError::NotReal,
            DateError::EraUnknown,
            DateError::EraYearZero,
            DateError::BeforeEraStart { era: Era::Taisho, suggestion: wd(1912, 7, 29) },
            DateError::AfterEraEnd { era: Era::Heisei, suggestion: wd(2020, 1, 1) },
            DateError::TooEarly,
            DateError::YearMismatch,
        ]
    }

    #[test]
    fn accepted_formats() {
        let d = ymd(1985, 1, 2);
        for s in [
            "1985-01-02",
            "1985/1/2",
            "1985.1.2",
            "1985年1月2日",
            "昭和60年1月2日",
            "昭60.1.2",
            "S60.1.2",
            "s60/1/2",
            "S60.01.02",
            "Showa 60.1.2",
            "１９８５年１月２日",
            "昭和６０年１月２日",
            " 昭和 60 年 1 月 2 日 ",
            "1985 - 01 - 02",
            "19850102",
            "S600102",
            "昭和六十年一月二日",
            "西暦1985年1月2日",
            "昭和60年1月2日生",
            "昭和60年1月2日生まれ",
            "昭和60年1月2日（1985年）",
            "1985年（昭和60年）1月2日",
            "㍼60年1月2日",
            "1985ー01ー02",
        ] {
            assert_eq!(parse(s), Ok(d), "{s}");
        }
        for s in ["令和元年5月1日", "R1.5.1", "R01.05.01", "令和1年5月1日", "r元.5.1"] {
            assert_eq!(parse(s), Ok(ymd(2019, 5, 1)), "{s}");
        }
        assert_eq!(parse("平成三〇年十二月二四日"), Ok(ymd(2018, 12, 24)));
        // The forms the portal itself shows, in each language.
        for s in [
            "14 July 1992",
            "July 14, 1992",
            "14 Jul. 1992",
            "14th july 1992",
            "1992年7月14日",
            "平成4年7月14日",
            "平成4年7月14日（1992年）",
            "1992年（平成4年）7月14日",
            "H4.7.14",
        ] {
            assert_eq!(parse(s), Ok(ymd(1992, 7, 14)), "{s}");
        }
        assert_eq!(parse("1 March 1990"), Ok(ymd(1990, 3, 1)), "not 明治");
        assert_eq!(parse("2 May 2019"), Ok(ymd(2019, 5, 2)));
        assert_eq!(parse("31 June 1990"), Err(DateError::NotReal));
        assert_eq!(parse("July 1992"), Err(DateError::DayMissing));
        assert_eq!(parse("14 July 92"), Err(DateError::Format));
        assert_eq!(parse("平成三十年十二月三十一日"), Ok(ymd(2018, 12, 31)));
        assert_eq!(parse("H30.12.31"), Ok(ymd(2018, 12, 31)));
        assert_eq!(parse("2020-02-29"), Ok(ymd(2020, 2, 29)));
    }

    // dates-and-cards.md §5.3 table (wareki.py)
    #[test]
    fn shared_era_vectors() {
        let table = [
            ((1873, 1, 1), "明治6年1月1日", "M06.01.01"),
            ((1912, 7, 29), "明治45年7月29日", "M45.07.29"),
            ((1912, 7, 30), "大正元年7月30日", "T01.07.30"),
            ((1926, 12, 24), "大正15年12月24日", "T15.12.24"),
            ((1926, 12, 25), "昭和元年12月25日", "S01.12.25"),
            ((1989, 1, 7), "昭和64年1月7日", "S64.01.07"),
            ((1989, 1, 8), "平成元年1月8日", "H01.01.08"),
            ((2019, 4, 30), "平成31年4月30日", "H31.04.30"),
            ((2019, 5, 1), "令和元年5月1日", "R01.05.01"),
            ((2020, 1, 1), "令和2年1月1日", "R02.01.01"),
            ((2025, 6, 15), "令和7年6月15日", "R07.06.15"),
        ];
        for ((y, m, d), ja, jis) in table {
            let date = wd(y, m, d);
            assert_eq!(date.format_wareki_ja(), ja);
            assert_eq!(date.format_jis(), jis);
            assert_eq!(parse(ja), Ok(ymd(y, m, d)), "{ja}");
            assert_eq!(parse(jis), Ok(ymd(y, m, d)), "{jis}");
        }
    }

    #[test]
    fn shared_invalid_vectors() {
        assert_eq!(
            parse("平成32年1月1日"),
            Err(DateError::AfterEraEnd { era: Era::Heisei, suggestion: wd(2020, 1, 1) })
        );
        assert_eq!(
            parse("昭和64年1月8日"),
            Err(DateError::AfterEraEnd { era: Era::Showa, suggestion: wd(1989, 1, 8) })
        );
        assert_eq!(
            parse("大正元年7月29日"),
            Err(DateError::BeforeEraStart { era: Era::Taisho, suggestion: wd(1912, 7, 29) })
        );
        assert_eq!(
            parse("令和元年4月30日"),
            Err(DateError::BeforeEraStart { era: Era::Reiwa, suggestion: wd(2019, 4, 30) })
        );
        assert_eq!(parse("明治0年1月1日"), Err(DateError::EraYearZero));
        assert_eq!(parse("R0.1.1"), Err(DateError::EraYearZero));
        assert_eq!(parse("2023-02-29"), Err(DateError::NotReal));
        assert_eq!(parse("2023年4月31日"), Err(DateError::NotReal));
        assert_eq!(parse("平成31年2月29日"), Err(DateError::NotReal));
        assert_eq!(parse("1872-12-31"), Err(DateError::TooEarly));
        assert_eq!(parse("明治5年12月2日"), Err(DateError::TooEarly));
        assert_eq!(parse("明治3年5月1日"), Err(DateError::TooEarly));
    }

    #[test]
    fn suggestion_arguments() {
        let err = parse("平成32年1月1日").unwrap_err();
        assert_eq!(err.field(), DatePart::Year);
        assert_eq!(err.key(), "err-date-after-era-end");
        let args = err.args();
        let get = |name: &str| args.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone()).unwrap();
        assert_eq!(get("suggestion"), "令和2年1月1日");
        assert_eq!(get("era"), "平成");
        assert_eq!(get("era_en"), "Heisei");
        assert_eq!(get("suggestion_en"), "1 January 2020 (Reiwa 2)");
        assert_eq!(get("suggestion_easy"), "2020年（令和2年）1月1日");

        let err = parse("昭和64年1月8日").unwrap_err();
        assert!(err.args().contains(&("suggestion", "平成元年1月8日".to_string())));
        let err = parse("大正元年7月29日").unwrap_err();
        assert!(err.args().contains(&("suggestion", "明治45年7月29日".to_string())));
        // the suggested text parses
        assert_eq!(parse("令和2年1月1日"), Ok(ymd(2020, 1, 1)));
        // Display for logs does not contain the date
        assert_eq!(err.to_string(), "date is before the start of the Taisho era");
    }

    #[test]
    fn other_errors() {
        assert_eq!(parse(""), Err(DateError::Empty));
        assert_eq!(parse("   "), Err(DateError::Empty));
        assert_eq!(parse("yesterday"), Err(DateError::Format));
        assert_eq!(parse("2/1/1985"), Err(DateError::Format));
        assert_eq!(parse("1985-01-02-03"), Err(DateError::Format));
        assert_eq!(parse("1985年1月"), Err(DateError::DayMissing));
        assert_eq!(parse("昭和60年1月"), Err(DateError::DayMissing));
        assert_eq!(parse("1月2日"), Err(DateError::YearMissing));
        assert_eq!(parse("昭和"), Err(DateError::YearMissing));
        assert_eq!(parse("昭和60年"), Err(DateError::MonthMissing));
        assert_eq!(parse("85/1/2"), Err(DateError::YearNotFourDigits));
        assert_eq!(parse("元年1月2日"), Err(DateError::YearInvalid));
        assert_eq!(parse("昭和100年1月2日"), Err(DateError::YearInvalid));
        assert_eq!(parse("1985-13-01"), Err(DateError::MonthInvalid));
        assert_eq!(parse("1985-00-01"), Err(DateError::MonthInvalid));
        assert_eq!(parse("1985-01-32"), Err(DateError::DayInvalid));
        assert_eq!(parse("1985-01-002"), Err(DateError::DayInvalid));
        assert_eq!(parse("昭和60年1月2日（1986年）"), Err(DateError::YearMismatch));
        assert_eq!(parse("1985年（昭和61年）1月2日"), Err(DateError::YearMismatch));
        assert_eq!(parse("1985年（月）1月2日"), Err(DateError::Format));
        assert_eq!(parse("1985年（1月2日"), Err(DateError::Format));
        assert_eq!(parse("X60.1.2"), Err(DateError::Format));
    }

    #[test]
    fn from_parts_per_field() {
        let p = WarekiDate::from_parts;
        assert_eq!(p(Some(Era::Showa), "60", "1", "2").unwrap(), wd(1985, 1, 2));
        assert_eq!(p(None, "1985", "01", "02").unwrap(), wd(1985, 1, 2));
        assert_eq!(p(None, "１９８５年", "１月", "２日").unwrap(), wd(1985, 1, 2));
        assert_eq!(p(Some(Era::Reiwa), "元", "5", "1").unwrap(), wd(2019, 5, 1));
        assert_eq!(p(Some(Era::Reiwa), "元年", "5", "1").unwrap(), wd(2019, 5, 1));
        assert_eq!(p(None, "昭和60", "1", "2").unwrap(), wd(1985, 1, 2));
        assert_eq!(p(None, "S60", "1", "2").unwrap(), wd(1985, 1, 2));
        assert_eq!(p(Some(Era::Heisei), "三十", "十二", "二十四").unwrap(), wd(2018, 12, 24));

        let field = |r: Result<WarekiDate, DateError>| r.unwrap_err().field();
        assert_eq!(p(None, "", "", " "), Err(DateError::Empty));
        assert_eq!(field(p(None, "", "", "")), DatePart::Whole);
        assert_eq!(p(None, "", "1", "2"), Err(DateError::YearMissing));
        assert_eq!(p(None, "1985", "", "2"), Err(DateError::MonthMissing));
        assert_eq!(p(None, "1985", "1", ""), Err(DateError::DayMissing));
        assert_eq!(field(p(None, "1985", "1", "")), DatePart::Day);
        assert_eq!(p(None, "85", "1", "2"), Err(DateError::YearNotFourDigits));
        assert_eq!(field(p(None, "85", "1", "2")), DatePart::Year);
        assert_eq!(p(None, "19x5", "1", "2"), Err(DateError::YearInvalid));
        assert_eq!(p(None, "1985", "13", "2"), Err(DateError::MonthInvalid));
        assert_eq!(field(p(None, "1985", "13", "2")), DatePart::Month);
        assert_eq!(p(None, "1985", "1", "32"), Err(DateError::DayInvalid));
        assert_eq!(p(None, "2023", "2", "29"), Err(DateError::NotReal));
        assert_eq!(field(p(None, "2023", "2", "29")), DatePart::Day);
        assert_eq!(p(None, "2023", "4", "31"), Err(DateError::NotReal));
        assert_eq!(p(Some(Era::Meiji), "0", "1", "1"), Err(DateError::EraYearZero));
        assert_eq!(
            p(Some(Era::Heisei), "32", "1", "1"),
            Err(DateError::AfterEraEnd { era: Era::Heisei, suggestion: wd(2020, 1, 1) })
        );
        assert_eq!(
            p(Some(Era::Reiwa), "1", "4", "30"),
            Err(DateError::BeforeEraStart { era: Era::Reiwa, suggestion: wd(2019, 4, 30) })
        );
        assert_eq!(p(None, "1872", "12", "31"), Err(DateError::TooEarly));
        assert_eq!(field(p(None, "1872", "12", "31")), DatePart::Year);
    }

    #[test]
    fn rendering() {
        let d = wd(1985, 1, 2);
        assert_eq!(d.to_string(), "1985-01-02");
        assert_eq!(d.format_ja(), "昭和60年1月2日（1985年）");
        assert_eq!(d.format_easy_ja(), "1985年（昭和60年）1月2日");
        assert_eq!(d.format_en(), "2 January 1985");
        assert_eq!(d.format_jis(), "S60.01.02");
        assert_eq!(d.to_wareki(), (Era::Showa, 60, 1, 2));
        assert_eq!(d.as_naive(), ymd(1985, 1, 2));

        let r = wd(2019, 5, 1);
        assert_eq!(r.format_ja(), "令和元年5月1日（2019年）");
        assert_eq!(r.format_easy_ja(), "2019年（令和1年）5月1日");
        assert_eq!(r.format_en(), "1 May 2019");
        assert_eq!(wd(2025, 12, 31).format_en(), "31 December 2025");
    }

    #[test]
    fn try_from_naive() {
        assert_eq!(WarekiDate::try_from(ymd(1872, 12, 31)), Err(DateError::TooEarly));
        assert_eq!(WarekiDate::try_from(ymd(10000, 1, 1)), Err(DateError::YearNotFourDigits));
        assert_eq!(NaiveDate::from(wd(1873, 1, 1)), ymd(1873, 1, 1));
    }

    #[test]
    fn age() {
        let b = wd(1990, 6, 15);
        assert_eq!(b.age_on(ymd(2025, 6, 14)), 34);
        assert_eq!(b.age_on(ymd(2025, 6, 15)), 35);
        assert_eq!(b.age_on(ymd(1990, 6, 15)), 0);
        assert_eq!(b.age_on(ymd(1980, 1, 1)), 0);
        let leap = wd(2000, 2, 29);
        assert_eq!(leap.age_on(ymd(2001, 2, 28)), 0); // ordinary rule
        assert_eq!(leap.age_on(ymd(2001, 3, 1)), 1);
        assert_eq!(leap.age_on(ymd(2004, 2, 29)), 4);
    }

    #[test]
    fn kanji_numbers() {
        assert_eq!(kanji_number("一"), Some(1));
        assert_eq!(kanji_number("十"), Some(10));
        assert_eq!(kanji_number("十二"), Some(12));
        assert_eq!(kanji_number("二十"), Some(20));
        assert_eq!(kanji_number("二十四"), Some(24));
        assert_eq!(kanji_number("三十一"), Some(31));
        assert_eq!(kanji_number("三〇"), Some(30));
        assert_eq!(kanji_number("二四"), Some(24));
        assert_eq!(kanji_number("一九八五"), Some(1985));
        assert_eq!(kanji_number("十十"), None);
        assert_eq!(kanji_number("〇十"), None);
        assert_eq!(kanji_number(""), None);
    }

    fn any_date() -> impl Strategy<Value = WarekiDate> {
        let first = ymd(1873, 1, 1).num_days_from_ce();
        let last = ymd(2100, 12, 31).num_days_from_ce();
        (first..=last).prop_map(|n| WarekiDate(NaiveDate::from_num_days_from_ce_opt(n).unwrap()))
    }

    proptest! {
        #[test]
        fn renderings_parse_back(date in any_date()) {
            prop_assert_eq!(date.to_string().parse::<WarekiDate>(), Ok(date));
            prop_assert_eq!(date.format_ja().parse::<WarekiDate>(), Ok(date));
            prop_assert_eq!(date.format_jis().parse::<WarekiDate>(), Ok(date));
            prop_assert_eq!(date.format_wareki_ja().parse::<WarekiDate>(), Ok(date));
            prop_assert_eq!(date.format_easy_ja().parse::<WarekiDate>(), Ok(date));
            let (era, y, m, d) = date.to_wareki();
            prop_assert_eq!(
                WarekiDate::from_parts(Some(era), &y.to_string(), &m.to_string(), &d.to_string()),
                Ok(date)
            );
        }
    }
}

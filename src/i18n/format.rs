//! Dates and moments as people read them, one formatter per language, all in Japan time (JST, UTC+9, no
//! summer time). Nothing shown to people is ISO or a 24-hour clock in やさしい日本語.
//!
//! - 日本語: 和暦 with 西暦 in brackets, 24-hour time: `令和8年12月3日（2026年） 17時21分`.
//! - やさしい日本語: 西暦 first (和暦 in brackets for a date on its own), 12-hour time with 午前/午後:
//!   `2026年12月3日 午後5時21分`. Midnight is 午前0時 and noon 午後0時 (the convention of 日本標準時 notices
//!   and timetables; 正午 is 午後0時), so the hour after 午前/午後 always runs 0 to 11.
//! - English: `3 December 2026, 5:21 pm`; midnight `12:00 am`, noon `12:00 pm`.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Timelike};

use super::Locale;
use crate::domain::WarekiDate;

fn japan() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).expect("UTC+9 is a valid offset")
}

/// A moment (milliseconds since the epoch) as a date and time in Japan.
pub fn moment(locale: Locale, ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|d| local_moment(locale, d.with_timezone(&japan()).naive_local()))
        .unwrap_or_default()
}

/// A calendar date (`YYYY-MM-DD`); text that is not a date is shown as it is.
pub fn date_iso(locale: Locale, iso: &str) -> String {
    match iso.parse::<NaiveDate>() {
        Ok(d) => date(locale, d),
        Err(_) => iso.to_string(),
    }
}

/// A calendar date: `令和8年12月3日（2026年）`, `2026年（令和8年）12月3日`, `3 December 2026`.
pub fn date(locale: Locale, d: NaiveDate) -> String {
    match WarekiDate::try_from(d) {
        Ok(w) => match locale {
            Locale::Ja => w.format_ja(),
            Locale::JaEasy => w.format_easy_ja(),
            Locale::En => w.format_en(),
        },
        // Before 1873 (no 和暦 we show) or past 9999: never a date people are shown.
        Err(_) => d.format("%Y-%m-%d").to_string(),
    }
}

fn local_moment(locale: Locale, t: NaiveDateTime) -> String {
    let d = t.date();
    let (h, m) = (t.hour(), t.minute());
    match locale {
        Locale::Ja => format!("{} {h}時{m:02}分", date(Locale::Ja, d)),
        Locale::JaEasy => {
            use chrono::Datelike;
            let half = if h < 12 { "午前" } else { "午後" };
            let minutes = if m == 0 { String::new() } else { format!("{m}分") };
            format!("{}年{}月{}日 {half}{}時{minutes}", d.year(), d.month(), d.day(), h % 12)
        }
        Locale::En => {
            let hour12 = if h % 12 == 0 { 12 } else { h % 12 };
            let half = if h < 12 { "am" } else { "pm" };
            format!("{}, {hour12}:{m:02} {half}", date(Locale::En, d))
        }
    }
}

/// A time of day on its own (a slot's start): `10時30分`, `午前10時30分` (`午後2時` on the hour), `10:30 am`.
pub fn time_of_day(locale: Locale, hour: u32, minute: u32) -> String {
    match locale {
        Locale::Ja => format!("{hour}時{minute:02}分"),
        Locale::JaEasy => {
            let half = if hour < 12 { "午前" } else { "午後" };
            let minutes = if minute == 0 { String::new() } else { format!("{minute}分") };
            format!("{half}{}時{minutes}", hour % 12)
        }
        Locale::En => {
            let hour12 = if hour.is_multiple_of(12) { 12 } else { hour % 12 };
            let half = if hour < 12 { "am" } else { "pm" };
            format!("{hour12}:{minute:02} {half}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-03 at `h:m` in Japan, as milliseconds.
    fn at(h: u32, m: u32) -> i64 {
        NaiveDate::from_ymd_opt(2026, 12, 3)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
            .and_local_timezone(japan())
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn afternoon_in_each_language() {
        assert_eq!(moment(Locale::JaEasy, at(17, 21)), "2026年12月3日 午後5時21分");
        assert_eq!(moment(Locale::Ja, at(17, 21)), "令和8年12月3日（2026年） 17時21分");
        assert_eq!(moment(Locale::En, at(17, 21)), "3 December 2026, 5:21 pm");
    }

    #[test]
    fn midnight_is_gozen_0_and_12_am() {
        assert_eq!(moment(Locale::JaEasy, at(0, 0)), "2026年12月3日 午前0時");
        assert_eq!(moment(Locale::JaEasy, at(0, 5)), "2026年12月3日 午前0時5分");
        assert_eq!(moment(Locale::En, at(0, 0)), "3 December 2026, 12:00 am");
        assert_eq!(moment(Locale::Ja, at(0, 0)), "令和8年12月3日（2026年） 0時00分");
    }

    #[test]
    fn noon_is_gogo_0_and_12_pm() {
        assert_eq!(moment(Locale::JaEasy, at(12, 0)), "2026年12月3日 午後0時");
        assert_eq!(moment(Locale::JaEasy, at(11, 59)), "2026年12月3日 午前11時59分");
        assert_eq!(moment(Locale::En, at(12, 0)), "3 December 2026, 12:00 pm");
        assert_eq!(moment(Locale::En, at(23, 59)), "3 December 2026, 11:59 pm");
    }

    #[test]
    fn the_day_is_the_day_in_japan() {
        // 15:30 UTC on 2 December is 00:30 on 3 December in Japan.
        let ms =
            NaiveDate::from_ymd_opt(2026, 12, 2).unwrap().and_hms_opt(15, 30, 0).unwrap().and_utc().timestamp_millis();
        assert_eq!(moment(Locale::JaEasy, ms), "2026年12月3日 午前0時30分");
    }

    #[test]
    fn no_iso_or_24_hour_clock_in_easy_japanese() {
        for h in 0..24 {
            let text = moment(Locale::JaEasy, at(h, 7));
            assert!(!text.contains(':') && !text.contains('-'), "{text}");
            assert!(text.contains("午前") || text.contains("午後"), "{text}");
        }
    }

    #[test]
    fn dates_in_each_language() {
        assert_eq!(date_iso(Locale::Ja, "2026-12-03"), "令和8年12月3日（2026年）");
        assert_eq!(date_iso(Locale::JaEasy, "2026-12-03"), "2026年（令和8年）12月3日");
        assert_eq!(date_iso(Locale::En, "2026-12-03"), "3 December 2026");
        assert_eq!(date_iso(Locale::En, "not a date"), "not a date");
    }

    #[test]
    fn times_of_day_in_each_language() {
        assert_eq!(time_of_day(Locale::Ja, 14, 0), "14時00分");
        assert_eq!(time_of_day(Locale::JaEasy, 14, 0), "午後2時");
        assert_eq!(time_of_day(Locale::JaEasy, 9, 30), "午前9時30分");
        assert_eq!(time_of_day(Locale::En, 12, 15), "12:15 pm");
    }
}

//! Express issuance (特急発行) timing: the promise is a card mailed within a week of acceptance, five days at
//! best (dates-and-cards.md §6.4). Pure functions of dates, so the clock is a parameter and the tests can move it.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};

/// Days from acceptance by which the card should be mailed (最短5日).
pub const TARGET_DAYS: u64 = 5;
/// Days from acceptance by which the card must be mailed (原則1週間以内).
pub const LIMIT_DAYS: u64 = 7;
/// The promise the dashboard measures against: days from application to mailing.
pub const PROMISE_DAYS: f64 = 7.0;

/// The two dates an accepted request is measured against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadlines {
    pub target: NaiveDate,
    pub limit: NaiveDate,
}

impl Deadlines {
    pub fn from_acceptance(accepted_on: NaiveDate) -> Deadlines {
        Deadlines { target: add_days(accepted_on, TARGET_DAYS), limit: add_days(accepted_on, LIMIT_DAYS) }
    }

    /// Where a request not yet mailed stands on `today`.
    pub fn urgency(&self, today: NaiveDate) -> Urgency {
        if today > self.limit {
            Urgency::Late
        } else if today >= self.target {
            Urgency::AtRisk
        } else {
            Urgency::OnTrack
        }
    }
}

/// How an unmailed request stands against its deadlines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Urgency {
    OnTrack,
    /// The target day has come and the card is not mailed: one or two days are left before the limit.
    AtRisk,
    /// Past the limit.
    Late,
}

impl Urgency {
    pub fn code(self) -> &'static str {
        match self {
            Urgency::OnTrack => "on_track",
            Urgency::AtRisk => "at_risk",
            Urgency::Late => "late",
        }
    }
    pub fn message_key(self) -> &'static str {
        match self {
            Urgency::OnTrack => "express-urgency-on-track",
            Urgency::AtRisk => "express-urgency-at-risk",
            Urgency::Late => "express-urgency-late",
        }
    }
}

/// How many express cards the issuing body starts a day: nationally, and for each municipality.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DailyCapacity {
    pub national: u32,
    /// For a municipality without its own figure.
    pub per_municipality: u32,
    /// Municipality id → its own daily figure.
    pub municipalities: HashMap<String, u32>,
}

impl DailyCapacity {
    pub fn of_municipality(&self, municipality_id: &str) -> u32 {
        self.municipalities.get(municipality_id).copied().unwrap_or(self.per_municipality)
    }
}

impl Default for DailyCapacity {
    fn default() -> Self {
        DailyCapacity { national: 2000, per_municipality: 50, municipalities: HashMap::new() }
    }
}

/// A request waiting for production, in queue order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Waiting<'a> {
    pub municipality_id: &'a str,
    /// The first day it can be produced: its acceptance day (today for one not yet accepted).
    pub ready_on: NaiveDate,
}

/// The expected mailing date of each waiting request, in the order given: each takes the first day from
/// `max(today, ready_on)` with room both nationally and in its municipality, and is mailed `TARGET_DAYS` after
/// that day. `started_today` names the municipality of each card already sent to production today (they use
/// today's capacity). Computed afresh from the queue, so the dates move when the queue moves.
pub fn expected_mailing_dates(
    queue: &[Waiting<'_>],
    started_today: &[&str],
    capacity: &DailyCapacity,
    today: NaiveDate,
) -> Vec<NaiveDate> {
    let mut national: HashMap<NaiveDate, u32> = HashMap::new();
    let mut local: HashMap<(&str, NaiveDate), u32> = HashMap::new();
    for m in started_today {
        *national.entry(today).or_default() += 1;
        *local.entry((m, today)).or_default() += 1;
    }
    let national_cap = capacity.national.max(1);
    queue
        .iter()
        .map(|w| {
            let local_cap = capacity.of_municipality(w.municipality_id).max(1);
            let mut day = w.ready_on.max(today);
            while national.get(&day).copied().unwrap_or(0) >= national_cap
                || local.get(&(w.municipality_id, day)).copied().unwrap_or(0) >= local_cap
            {
                day = add_days(day, 1);
            }
            *national.entry(day).or_default() += 1;
            *local.entry((w.municipality_id, day)).or_default() += 1;
            add_days(day, TARGET_DAYS)
        })
        .collect()
}

/// Median and 95th percentile of days from application to mailing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MailingTimes {
    pub count: usize,
    pub median_days: f64,
    pub p95_days: f64,
}

impl MailingTimes {
    /// From (submitted, mailed) times in milliseconds; `None` when nothing has been mailed yet.
    pub fn from_times(pairs: &[(i64, i64)]) -> Option<MailingTimes> {
        let mut days: Vec<f64> = pairs.iter().map(|(from, to)| (to - from).max(0) as f64 / 86_400_000.0).collect();
        if days.is_empty() {
            return None;
        }
        days.sort_by(|a, b| a.total_cmp(b));
        Some(MailingTimes {
            count: days.len(),
            median_days: percentile(&days, 50.0),
            p95_days: percentile(&days, 95.0),
        })
    }

    /// Whether 95 in 100 cards keep the one-week promise.
    pub fn keeps_promise(&self) -> bool {
        self.p95_days <= PROMISE_DAYS
    }
}

/// Linear interpolation between closest ranks, on sorted values.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = p / 100.0 * (sorted.len() - 1) as f64;
    let low = rank.floor() as usize;
    let high = rank.ceil() as usize;
    sorted[low] + (sorted[high] - sorted[low]) * (rank - low as f64)
}

fn add_days(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_add_days(Days::new(n)).unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn deadlines_are_five_and_seven_days_from_acceptance() {
        let dl = Deadlines::from_acceptance(d("2026-12-01"));
        assert_eq!(dl.target, d("2026-12-06"));
        assert_eq!(dl.limit, d("2026-12-08"));
        assert_eq!(dl.urgency(d("2026-12-01")), Urgency::OnTrack);
        assert_eq!(dl.urgency(d("2026-12-05")), Urgency::OnTrack);
        assert_eq!(dl.urgency(d("2026-12-06")), Urgency::AtRisk, "the target day has come");
        assert_eq!(dl.urgency(d("2026-12-08")), Urgency::AtRisk, "the limit day itself is still in time");
        assert_eq!(dl.urgency(d("2026-12-09")), Urgency::Late);
        // Across a month and a year end.
        assert_eq!(Deadlines::from_acceptance(d("2026-12-28")).limit, d("2027-01-04"));
    }

    #[test]
    fn within_capacity_every_request_is_mailed_on_its_target_day() {
        let cap = DailyCapacity { national: 10, per_municipality: 3, municipalities: HashMap::new() };
        let today = d("2026-12-03");
        let q = [
            Waiting { municipality_id: "a", ready_on: d("2026-12-01") },
            Waiting { municipality_id: "b", ready_on: today },
        ];
        // Accepted earlier but still waiting: it is produced from today.
        assert_eq!(expected_mailing_dates(&q, &[], &cap, today), vec![d("2026-12-08"), d("2026-12-08")]);
    }

    #[test]
    fn beyond_the_municipalitys_capacity_requests_wait_in_order() {
        let mut own = HashMap::new();
        own.insert("small".to_string(), 1);
        let cap = DailyCapacity { national: 100, per_municipality: 2, municipalities: own };
        let today = d("2026-12-03");
        let w = |m| Waiting { municipality_id: m, ready_on: today };
        let q = [w("small"), w("small"), w("big"), w("big"), w("big"), w("small")];
        assert_eq!(
            expected_mailing_dates(&q, &[], &cap, today),
            vec![d("2026-12-08"), d("2026-12-09"), d("2026-12-08"), d("2026-12-08"), d("2026-12-09"), d("2026-12-10")]
        );
    }

    #[test]
    fn beyond_the_national_capacity_every_municipality_waits() {
        let cap = DailyCapacity { national: 2, per_municipality: 10, municipalities: HashMap::new() };
        let today = d("2026-12-03");
        let w = |m| Waiting { municipality_id: m, ready_on: today };
        let q = [w("a"), w("b"), w("c"), w("a"), w("b")];
        let dates = expected_mailing_dates(&q, &[], &cap, today);
        assert_eq!(dates, vec![d("2026-12-08"), d("2026-12-08"), d("2026-12-09"), d("2026-12-09"), d("2026-12-10")]);
        // Cards already sent to production today use today's capacity.
        let dates = expected_mailing_dates(&q[..1], &["b"], &cap, today);
        assert_eq!(dates, vec![d("2026-12-08")]);
        let dates = expected_mailing_dates(&q[..1], &["b", "c"], &cap, today);
        assert_eq!(dates, vec![d("2026-12-09")]);
    }

    #[test]
    fn the_expected_date_moves_when_the_queue_moves() {
        let cap = DailyCapacity { national: 1, per_municipality: 1, municipalities: HashMap::new() };
        let today = d("2026-12-03");
        let w = |m| Waiting { municipality_id: m, ready_on: today };
        let before = expected_mailing_dates(&[w("a"), w("a"), w("a")], &[], &cap, today);
        assert_eq!(before[2], d("2026-12-10"));
        // The first one went to production: the last moves a day earlier.
        let after = expected_mailing_dates(&[w("a"), w("a")], &[], &cap, today);
        assert_eq!(after[1], d("2026-12-09"));
        // And the next day, what is left moves with the clock.
        let tomorrow = d("2026-12-04");
        assert_eq!(expected_mailing_dates(&[w("a")], &[], &cap, tomorrow), vec![d("2026-12-09")]);
    }

    #[test]
    fn median_and_95th_percentile_of_days_to_mailing() {
        let day = 86_400_000;
        assert_eq!(MailingTimes::from_times(&[]), None);
        let one = MailingTimes::from_times(&[(0, 5 * day)]).unwrap();
        assert_eq!((one.median_days, one.p95_days), (5.0, 5.0));
        // 1..=20 days: median 10.5, p95 = 19 + 0.05 = 19.05.
        let pairs: Vec<(i64, i64)> = (1..=20).map(|n| (day, day + n * day)).collect();
        let t = MailingTimes::from_times(&pairs).unwrap();
        assert_eq!(t.count, 20);
        assert!((t.median_days - 10.5).abs() < 1e-9);
        assert!((t.p95_days - 19.05).abs() < 1e-9);
        assert!(!t.keeps_promise());
        let quick: Vec<(i64, i64)> = (0..10).map(|n| (0, (5 + n % 2) * day)).collect();
        assert!(MailingTimes::from_times(&quick).unwrap().keeps_promise());
    }
}

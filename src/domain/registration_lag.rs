//! The registration-lag rule: how long an insurer may take to register a member's eligibility data for the
//! online checks (オンライン資格確認), and whether one record kept to it.
//!
//! The national rule (interim summary, February 2023, （５）): the insurer registers the data within 5 days of
//! the notification (届出) reaching it; where an employer notifies (被用者保険), the employer has 5 days from the
//! day cover began (資格取得日) to notify, 10 days in all.
//!
//! Decisions where the source leaves room:
//! - **Calendar days**, not working days: the source says 5日以内 with no mention of holidays, and the portal
//!   keeps no holiday calendar. The first day is not counted (初日不算入, as periods are counted in Japanese
//!   law), so a notification that arrives on 1 April may be registered up to and including 6 April.
//! - **The insurer is judged on its own 5 days** from the notification: that is the part it controls, and the
//!   monitor is the insurer's. For records that came through an employer the 10 days in all (from the day
//!   cover began) and whether the employer kept its 5 days are worked out as well and shown beside it, so
//!   that late employers can be followed up; they do not make a record "late" for the insurer.

use chrono::{Duration, NaiveDate};

/// Days the insurer has from the day the notification arrives.
pub const INSURER_DAYS: i64 = 5;
/// Days an employer has from the day cover began to notify the insurer.
pub const EMPLOYER_DAYS: i64 = 5;
/// Days in all, from the day cover began, when an employer notifies.
pub const TOTAL_DAYS: i64 = INSURER_DAYS + EMPLOYER_DAYS;

/// The dates of one enrolment record that the rule looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordDates {
    /// 資格取得日: the day cover began.
    pub qualified_on: NaiveDate,
    /// The day the notification reached the insurer.
    pub notified_on: NaiveDate,
    pub via_employer: bool,
    /// `None` while the insurer has not registered the record.
    pub registered_on: Option<NaiveDate>,
}

/// Where one record stands against the insurer's deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lag {
    /// Registered on or before the deadline.
    OnTime { took_days: i64 },
    /// Registered after the deadline.
    Late { took_days: i64, days_late: i64 },
    /// Not registered yet, and the deadline has not passed (it may be today).
    Waiting { days_left: i64 },
    /// Not registered yet, and the deadline has passed.
    Overdue { days_over: i64 },
}

impl Lag {
    pub fn code(self) -> &'static str {
        match self {
            Lag::OnTime { .. } => "on-time",
            Lag::Late { .. } => "late",
            Lag::Waiting { .. } => "waiting",
            Lag::Overdue { .. } => "overdue",
        }
    }

    /// Late or overdue: what the monitor lists.
    pub fn needs_attention(self) -> bool {
        matches!(self, Lag::Late { .. } | Lag::Overdue { .. })
    }
}

/// The whole verdict on one record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Assessment {
    /// The last day the insurer may register: the notification day plus [`INSURER_DAYS`].
    pub deadline: NaiveDate,
    pub lag: Lag,
    /// Through an employer: the last day for all of it, the day cover began plus [`TOTAL_DAYS`].
    pub overall_deadline: Option<NaiveDate>,
    /// Through an employer: whether the notification arrived more than [`EMPLOYER_DAYS`] after cover began.
    pub employer_late: bool,
    /// Through an employer and registered: whether registration came after the overall deadline.
    pub overall_late: bool,
}

/// The last day the insurer may register a record whose notification arrived on `notified_on`.
pub fn insurer_deadline(notified_on: NaiveDate) -> NaiveDate {
    notified_on + Duration::days(INSURER_DAYS)
}

/// Judges one record on `today` (in Japan).
pub fn assess(r: &RecordDates, today: NaiveDate) -> Assessment {
    let deadline = insurer_deadline(r.notified_on);
    let lag = match r.registered_on {
        Some(done) => {
            let took_days = (done - r.notified_on).num_days();
            if done <= deadline {
                Lag::OnTime { took_days }
            } else {
                Lag::Late { took_days, days_late: (done - deadline).num_days() }
            }
        }
        None if today <= deadline => Lag::Waiting { days_left: (deadline - today).num_days() },
        None => Lag::Overdue { days_over: (today - deadline).num_days() },
    };
    let overall_deadline = r.via_employer.then(|| r.qualified_on + Duration::days(TOTAL_DAYS));
    let employer_late = r.via_employer && r.notified_on > r.qualified_on + Duration::days(EMPLOYER_DAYS);
    let overall_late = matches!((overall_deadline, r.registered_on), (Some(d), Some(done)) if done > d);
    Assessment { deadline, lag, overall_deadline, employer_late, overall_late }
}

/// How many records are in each state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub on_time: usize,
    pub late: usize,
    pub waiting: usize,
    pub overdue: usize,
}

impl Counts {
    pub fn add(&mut self, lag: Lag) {
        match lag {
            Lag::OnTime { .. } => self.on_time += 1,
            Lag::Late { .. } => self.late += 1,
            Lag::Waiting { .. } => self.waiting += 1,
            Lag::Overdue { .. } => self.overdue += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.on_time + self.late + self.waiting + self.overdue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn record(qualified: &str, notified: &str, via_employer: bool, registered: Option<&str>) -> RecordDates {
        RecordDates {
            qualified_on: d(qualified),
            notified_on: d(notified),
            via_employer,
            registered_on: registered.map(d),
        }
    }

    #[test]
    fn the_insurer_has_five_calendar_days_after_the_day_of_arrival() {
        // Arrived on a Friday: the weekend counts.
        assert_eq!(insurer_deadline(d("2026-04-03")), d("2026-04-08"));
        let on_last_day = record("2026-04-01", "2026-04-03", false, Some("2026-04-08"));
        assert_eq!(assess(&on_last_day, d("2026-05-01")).lag, Lag::OnTime { took_days: 5 });
        let a_day_after = record("2026-04-01", "2026-04-03", false, Some("2026-04-09"));
        assert_eq!(assess(&a_day_after, d("2026-05-01")).lag, Lag::Late { took_days: 6, days_late: 1 });
        let same_day = record("2026-04-01", "2026-04-03", false, Some("2026-04-03"));
        assert_eq!(assess(&same_day, d("2026-05-01")).lag, Lag::OnTime { took_days: 0 });
    }

    #[test]
    fn an_unregistered_record_waits_until_its_deadline_then_is_overdue() {
        let r = record("2026-04-01", "2026-04-03", false, None);
        assert_eq!(assess(&r, d("2026-04-03")).lag, Lag::Waiting { days_left: 5 });
        assert_eq!(assess(&r, d("2026-04-08")).lag, Lag::Waiting { days_left: 0 });
        assert_eq!(assess(&r, d("2026-04-09")).lag, Lag::Overdue { days_over: 1 });
        assert_eq!(assess(&r, d("2026-04-20")).lag, Lag::Overdue { days_over: 12 });
        assert!(assess(&r, d("2026-04-20")).lag.needs_attention());
        assert!(!assess(&r, d("2026-04-04")).lag.needs_attention());
    }

    #[test]
    fn across_a_month_and_a_leap_day() {
        assert_eq!(insurer_deadline(d("2028-02-26")), d("2028-03-02"));
        assert_eq!(insurer_deadline(d("2027-02-26")), d("2027-03-03"));
        assert_eq!(insurer_deadline(d("2026-12-29")), d("2027-01-03"));
    }

    #[test]
    fn through_an_employer_the_insurer_is_judged_on_its_own_five_days_and_the_ten_are_shown() {
        // Employer on time (3 days), insurer on time (2 days): 5 in all.
        let quick = assess(&record("2026-04-01", "2026-04-04", true, Some("2026-04-06")), d("2026-05-01"));
        assert_eq!(quick.lag, Lag::OnTime { took_days: 2 });
        assert_eq!(quick.overall_deadline, Some(d("2026-04-11")));
        assert!(!quick.employer_late && !quick.overall_late);
        // Employer late (9 days), insurer on time (4 days): 13 in all, late overall but not the insurer's fault.
        let slow_employer = assess(&record("2026-04-01", "2026-04-10", true, Some("2026-04-14")), d("2026-05-01"));
        assert_eq!(slow_employer.lag, Lag::OnTime { took_days: 4 });
        assert!(slow_employer.employer_late && slow_employer.overall_late);
        // Employer exactly on its 5th day, insurer exactly on its 5th: 10 in all, on time.
        let edge = assess(&record("2026-04-01", "2026-04-06", true, Some("2026-04-11")), d("2026-05-01"));
        assert_eq!(edge.lag, Lag::OnTime { took_days: 5 });
        assert!(!edge.employer_late && !edge.overall_late);
        // Employer quick, insurer slow (7 days): within the 10 in all, but the insurer was late.
        let slow_insurer = assess(&record("2026-04-01", "2026-04-02", true, Some("2026-04-09")), d("2026-05-01"));
        assert_eq!(slow_insurer.lag, Lag::Late { took_days: 7, days_late: 2 });
        assert!(!slow_insurer.overall_late);
    }

    #[test]
    fn without_an_employer_there_is_no_overall_deadline() {
        let a = assess(&record("2026-04-01", "2026-04-20", false, None), d("2026-04-21"));
        assert_eq!(a.overall_deadline, None);
        assert!(!a.employer_late && !a.overall_late);
    }

    #[test]
    fn counts_add_up() {
        let mut c = Counts::default();
        for lag in [
            Lag::OnTime { took_days: 1 },
            Lag::OnTime { took_days: 2 },
            Lag::Late { took_days: 9, days_late: 4 },
            Lag::Waiting { days_left: 2 },
            Lag::Overdue { days_over: 1 },
        ] {
            c.add(lag);
        }
        assert_eq!(c, Counts { on_time: 2, late: 1, waiting: 1, overdue: 1 });
        assert_eq!(c.total(), 5);
    }
}

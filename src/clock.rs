//! Where the service reads the time: leases, retries, reminders and every "today" a rule counts in.
//!
//! Production runs on the system clock. Tests build the application with an [`Clock::adjustable`] clock and
//! move it forward instead of sleeping: it is the system clock plus an offset that only grows, so times the
//! code took from the system clock directly are never in the clock's future. No route and no setting makes an
//! adjustable clock: only code that builds the application itself (the tests) can.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use chrono::NaiveDate;

/// Japan's offset from UTC: every date of the service is a date in Japan.
const JST_OFFSET_MS: i64 = 9 * 3600 * 1000;

/// A clock; clones read (and move) the same time.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// `None`: the system clock. `Some`: how far a test has moved the clock ahead of it.
    ahead_ms: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock { ahead_ms: None }
    }

    /// A clock that starts at the system time and that [`Clock::advance`] moves forward.
    pub fn adjustable() -> Clock {
        Clock { ahead_ms: Some(Arc::new(AtomicI64::new(0))) }
    }

    /// Moves an adjustable clock forward by `by` (for every clone of it).
    ///
    /// # Panics
    /// On the system clock, which nothing may move.
    pub fn advance(&self, by: Duration) {
        let ahead = self.ahead_ms.as_ref().expect("only an adjustable clock can be moved");
        let by_ms = i64::try_from(by.as_millis()).expect("a duration that fits in milliseconds");
        ahead.fetch_add(by_ms, Ordering::SeqCst);
    }

    /// Milliseconds since the epoch (UTC), the one time format in the database.
    pub fn now_ms(&self) -> i64 {
        let ahead = self.ahead_ms.as_ref().map_or(0, |a| a.load(Ordering::SeqCst));
        chrono::Utc::now().timestamp_millis() + ahead
    }

    /// Today's date in Japan, the calendar every rule of the service counts in.
    pub fn today(&self) -> NaiveDate {
        date_in_japan(self.now_ms())
    }
}

/// The date in Japan at `ms` milliseconds since the epoch.
pub fn date_in_japan(ms: i64) -> NaiveDate {
    chrono::DateTime::from_timestamp_millis(ms + JST_OFFSET_MS).expect("a time within chrono's range").date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_adjustable_clock_moves_forward_for_every_clone_and_the_system_clock_does_not_move() {
        let clock = Clock::adjustable();
        let copy = clock.clone();
        let before = Clock::system().now_ms();
        clock.advance(Duration::from_secs(3 * 24 * 3600));
        let moved = copy.now_ms() - before;
        assert!((3 * 24 * 3600 * 1000..3 * 24 * 3600 * 1000 + 60_000).contains(&moved), "{moved}");
        assert!(copy.today() >= Clock::system().today() + chrono::Duration::days(3));
        let system = std::panic::catch_unwind(|| Clock::system().advance(Duration::from_secs(1)));
        assert!(system.is_err(), "the system clock cannot be moved");
    }

    #[test]
    fn the_day_turns_at_midnight_in_japan() {
        let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp_millis();
        assert_eq!(date_in_japan(at("2026-12-03T14:59:59Z")).to_string(), "2026-12-03");
        assert_eq!(date_in_japan(at("2026-12-03T15:00:00Z")).to_string(), "2026-12-04");
    }
}

//! Outreach application sessions (出張申請): the municipality takes card applications at care facilities,
//! medical institutions and designated post offices. Facilities offer to host; the municipality schedules
//! sessions with time slots; residents, guardians (for a ward) and facility staff (for consenting residents)
//! book a slot, or join the waiting list of a full session; a freed place is held for the first person waiting
//! for [`HOLD_PLACE_FOR`], then passes to the next. The SQL is in `store::outreach`, the pages in
//! `journeys::outreach`.

pub mod calendar;
pub mod mails;
pub mod sweep;
pub mod taken;

use std::time::Duration;

/// How long a freed place is held for the person it is offered to, before it passes to the next person
/// waiting. The one place this number lives.
pub const HOLD_PLACE_FOR: Duration = Duration::from_secs(24 * 3600);

/// The most places one slot can have.
pub const MAX_CAPACITY: i64 = 200;

/// A count typed in a form (expected applicants): 1 to 10,000, full-width digits too.
pub fn parse_count(text: &str) -> Option<i64> {
    let digits: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            c => c,
        })
        .collect();
    digits.parse().ok().filter(|n| (1..=10_000).contains(n))
}

/// Where a session is held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VenueKind {
    Facility,
    PostOffice,
    Other,
}

impl VenueKind {
    pub const ALL: [VenueKind; 3] = [VenueKind::Facility, VenueKind::PostOffice, VenueKind::Other];

    pub fn code(self) -> &'static str {
        match self {
            VenueKind::Facility => "facility",
            VenueKind::PostOffice => "post_office",
            VenueKind::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<VenueKind> {
        VenueKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn message_key(self) -> &'static str {
        match self {
            VenueKind::Facility => "outreach-venue-facility",
            VenueKind::PostOffice => "outreach-venue-post-office",
            VenueKind::Other => "outreach-venue-other",
        }
    }
}

/// Where an offer stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfferState {
    Offered,
    Scheduled,
    Declined,
}

impl OfferState {
    pub const ALL: [OfferState; 3] = [OfferState::Offered, OfferState::Scheduled, OfferState::Declined];

    pub fn code(self) -> &'static str {
        match self {
            OfferState::Offered => "offered",
            OfferState::Scheduled => "scheduled",
            OfferState::Declined => "declined",
        }
    }

    pub fn from_code(code: &str) -> Option<OfferState> {
        OfferState::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn message_key(self) -> &'static str {
        match self {
            OfferState::Offered => "outreach-offer-state-offered",
            OfferState::Scheduled => "outreach-offer-state-scheduled",
            OfferState::Declined => "outreach-offer-state-declined",
        }
    }
}

/// Where a booking stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BookingState {
    Booked,
    Cancelled,
    /// Came, and their identity was checked.
    Attended,
    NoShow,
    /// The application was taken: a card request exists.
    Taken,
}

impl BookingState {
    pub const ALL: [BookingState; 5] = [
        BookingState::Booked,
        BookingState::Cancelled,
        BookingState::Attended,
        BookingState::NoShow,
        BookingState::Taken,
    ];

    pub fn code(self) -> &'static str {
        match self {
            BookingState::Booked => "booked",
            BookingState::Cancelled => "cancelled",
            BookingState::Attended => "attended",
            BookingState::NoShow => "no_show",
            BookingState::Taken => "taken",
        }
    }

    pub fn from_code(code: &str) -> Option<BookingState> {
        BookingState::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn message_key(self) -> &'static str {
        match self {
            BookingState::Booked => "outreach-booking-state-booked",
            BookingState::Cancelled => "outreach-booking-state-cancelled",
            BookingState::Attended => "outreach-booking-state-attended",
            BookingState::NoShow => "outreach-booking-state-no-show",
            BookingState::Taken => "outreach-booking-state-taken",
        }
    }
}

/// A time of day, `HH:MM` (24-hour, as stored; pages show it in words).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeOfDay {
    minutes: u16,
}

impl TimeOfDay {
    pub fn hour(self) -> u16 {
        self.minutes / 60
    }

    pub fn minute(self) -> u16 {
        self.minutes % 60
    }
}

impl std::str::FromStr for TimeOfDay {
    type Err = SlotError;

    /// `9:00`, `09:00`, `0900` and full-width digits and colons.
    fn from_str(text: &str) -> Result<TimeOfDay, SlotError> {
        let text: String = text
            .trim()
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                '：' => ':',
                c => c,
            })
            .collect();
        let (h, m) = match text.split_once(':') {
            Some((h, m)) => (h, m),
            None if text.len() == 4 => text.split_at(2),
            None => return Err(SlotError::Time),
        };
        let h: u16 = h.parse().map_err(|_| SlotError::Time)?;
        let m: u16 = m.parse().map_err(|_| SlotError::Time)?;
        if h > 23 || m > 59 {
            return Err(SlotError::Time);
        }
        if h > 23 || m > 59 || !(1..=2).contains(&text.split(':').next().unwrap_or("").len().min(2)) {
            return Err(SlotError::Time);
        }
        Ok(TimeOfDay { minutes: h * 60 + m })
    }
}

impl std::fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.hour(), self.minute())
    }
}

/// A slot as the municipality plans it: start, end (after the start) and how many places.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlotPlan {
    starts: TimeOfDay,
    ends: TimeOfDay,
    capacity: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SlotError {
    #[error("a time is not HH:MM")]
    Time,
    #[error("a slot ends before it starts")]
    Order,
    #[error("a capacity is not a number from 1 to the most")]
    Capacity,
    #[error("a line is not `start-end capacity`")]
    Line,
    #[error("no slot")]
    Empty,
}

impl SlotError {
    pub fn message_key(self) -> &'static str {
        match self {
            SlotError::Time => "outreach-error-slot-time",
            SlotError::Order => "outreach-error-slot-order",
            SlotError::Capacity => "outreach-error-slot-capacity",
            SlotError::Line => "outreach-error-slot-line",
            SlotError::Empty => "outreach-error-slots-empty",
        }
    }
}

impl SlotPlan {
    pub fn new(starts: TimeOfDay, ends: TimeOfDay, capacity: i64) -> Result<SlotPlan, SlotError> {
        if ends <= starts {
            return Err(SlotError::Order);
        }
        if !(1..=MAX_CAPACITY).contains(&capacity) {
            return Err(SlotError::Capacity);
        }
        Ok(SlotPlan { starts, ends, capacity })
    }

    pub fn starts_at(&self) -> String {
        self.starts.to_string()
    }

    pub fn ends_at(&self) -> String {
        self.ends.to_string()
    }

    pub fn capacity(&self) -> i64 {
        self.capacity
    }

    /// The slots typed one a line, `10:00-10:30 5` (start, end, places; `〜` or `~` for the dash too).
    pub fn parse_lines(text: &str) -> Result<Vec<SlotPlan>, SlotError> {
        let mut slots = Vec::new();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let line = line.replace(['〜', '~', '－', 'ー', '–'], "-").replace('　', " ");
            let (times, capacity) = line.rsplit_once(' ').ok_or(SlotError::Line)?;
            let (starts, ends) = times.trim().split_once('-').ok_or(SlotError::Line)?;
            let capacity: i64 = capacity
                .trim()
                .chars()
                .map(|c| match c {
                    '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                    c => c,
                })
                .collect::<String>()
                .parse()
                .map_err(|_| SlotError::Capacity)?;
            slots.push(SlotPlan::new(starts.parse()?, ends.parse()?, capacity)?);
        }
        if slots.is_empty() {
            return Err(SlotError::Empty);
        }
        Ok(slots)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_read_one_a_line() {
        let slots = SlotPlan::parse_lines("10:00-10:30 5\n １０：３０〜１１：００　３ \n\n").unwrap();
        assert_eq!(slots.len(), 2);
        assert_eq!(
            (slots[0].starts_at(), slots[0].ends_at(), slots[0].capacity()),
            ("10:00".into(), "10:30".into(), 5)
        );
        assert_eq!(
            (slots[1].starts_at(), slots[1].ends_at(), slots[1].capacity()),
            ("10:30".into(), "11:00".into(), 3)
        );
    }

    #[test]
    fn bad_slots_are_refused_with_the_reason() {
        assert_eq!(SlotPlan::parse_lines(""), Err(SlotError::Empty));
        assert_eq!(SlotPlan::parse_lines("10:30-10:00 5"), Err(SlotError::Order));
        assert_eq!(SlotPlan::parse_lines("10:00-10:30 0"), Err(SlotError::Capacity));
        assert_eq!(SlotPlan::parse_lines("10:00-10:30 five"), Err(SlotError::Capacity));
        assert_eq!(SlotPlan::parse_lines("25:00-26:00 5"), Err(SlotError::Time));
        assert_eq!(SlotPlan::parse_lines("10:00 5"), Err(SlotError::Line));
    }

    #[test]
    fn codes_read_back() {
        for k in VenueKind::ALL {
            assert_eq!(VenueKind::from_code(k.code()), Some(k));
        }
        for s in BookingState::ALL {
            assert_eq!(BookingState::from_code(s.code()), Some(s));
        }
        for s in OfferState::ALL {
            assert_eq!(OfferState::from_code(s.code()), Some(s));
        }
    }
}

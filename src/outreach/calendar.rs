//! The calendar file (`.ics`, RFC 5545) of an outreach booking, written with the `icalendar` crate: one
//! VEVENT a booking, in the reader's language, so a phone's calendar can hold the appointment.
//!
//! - **UID** `outreach-booking-{id}@{host of the portal}`: the same for the life of the booking, so a moved or
//!   cancelled booking's file replaces the entry the calendar already has. **SEQUENCE** is the booking's
//!   counter, raised by every move and by the cancellation.
//! - **Times in UTC** (`…Z`). Slots are stored in Japan time (UTC+9, no daylight saving); UTC is the one form
//!   every calendar program reads the same way without a VTIMEZONE block (a `TZID=Asia/Tokyo` needs one, and
//!   programs that do not know the name otherwise read the time as floating). The calendar shows it in the
//!   phone's own time zone: in Japan, the slot's time.
//! - **METHOD**: a file attached to a mail is an iTIP message (RFC 5546): `REQUEST` for a booking or a move,
//!   `CANCEL` (with `STATUS:CANCELLED`) for a cancellation, with the portal as ORGANIZER and the recipient as
//!   ATTENDEE (already accepted, no reply asked for). The file downloaded from the booking page is `PUBLISH`.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use icalendar::{Attendee, Calendar, Component, Event, EventLike, EventStatus, PartStat, Property};

use crate::i18n::{Locale, Localizer};
use crate::outreach::BookingState;
use crate::outreach::mails::slot_when;
use crate::store::outbox::MailAttachment;
use crate::store::outreach::BookingRow;

/// The name of the file, attached or downloaded.
pub const FILE_NAME: &str = "booking.ics";

/// What a calendar file asks of the calendar program that opens it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// A file to add (downloaded from the booking page).
    Publish,
    /// A booking or a move, sent by mail: add it, or update the entry with the same UID.
    Request,
    /// A cancellation sent by mail: remove the entry with the same UID.
    Cancel,
}

impl Method {
    pub fn code(self) -> &'static str {
        match self {
            Method::Publish => "PUBLISH",
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }

    /// The content type of a file sent by mail with this method.
    pub fn content_type(self) -> String {
        format!("text/calendar; method={}; charset=UTF-8", self.code())
    }
}

/// Who an iTIP message (a mailed file) is from and for: the portal's sender address and the recipient's.
#[derive(Clone, Copy, Debug)]
pub struct Parties<'a> {
    /// The portal's name in the recipient's language.
    pub organizer_name: &'a str,
    pub organizer: &'a str,
    pub attendee: &'a str,
}

/// The booking's calendar entry id: stable for the life of the booking.
pub fn uid(base_url: &url::Url, booking_id: &str) -> String {
    format!("outreach-booking-{booking_id}@{}", base_url.host_str().unwrap_or("madoguchi"))
}

/// Japan time, the zone every slot is stored in.
fn japan() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).expect("UTC+9 is a valid offset")
}

/// A slot's date (`YYYY-MM-DD`) and time of day (`HH:MM`), in Japan time, as an instant.
pub fn slot_instant(held_on: &str, hhmm: &str) -> Option<DateTime<Utc>> {
    let date = NaiveDate::parse_from_str(held_on, "%Y-%m-%d").ok()?;
    let time = NaiveTime::parse_from_str(hhmm, "%H:%M").ok()?;
    japan().from_local_datetime(&date.and_time(time)).single().map(|t| t.with_timezone(&Utc))
}

fn instant_of_ms(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// The booking as a calendar file in `locale`. `parties` for a mailed file (`Request`, `Cancel`), `None` for a
/// downloaded one. A booking no longer live (cancelled) is `STATUS:CANCELLED` whatever the method.
pub fn booking_calendar(
    l10n: &Localizer,
    base_url: &url::Url,
    locale: Locale,
    b: &BookingRow,
    method: Method,
    parties: Option<Parties<'_>>,
) -> String {
    let link = format!("{base_url}outreach/bookings/{}", b.id);
    let when = slot_when(l10n, locale, &b.held_on, &b.starts_at, &b.ends_at);
    let mut description = vec![
        l10n.plain(locale, "outreach-ics-description", &[("name", b.person_name.clone()), ("when", when)]),
        l10n.plain(locale, "outreach-bring-always", &[]),
    ];
    if !b.what_to_bring.trim().is_empty() {
        description.push(b.what_to_bring.trim().to_string());
    }
    description.push(l10n.plain(locale, "outreach-ics-link", &[("link", link.clone())]));
    let cancelled = method == Method::Cancel || BookingState::from_code(&b.state) == Some(BookingState::Cancelled);
    let changed = instant_of_ms(b.updated_at);

    let mut event = Event::with_uid(&uid(base_url, &b.id));
    event
        .summary(&l10n.plain(locale, "outreach-ics-summary", &[("name", b.person_name.clone())]))
        .description(&description.join("\n"))
        .location(&b.venue)
        .url(&link)
        .sequence(u32::try_from(b.sequence).unwrap_or(0))
        .timestamp(changed)
        .last_modified(changed)
        .status(if cancelled { EventStatus::Cancelled } else { EventStatus::Confirmed });
    if let (Some(starts), Some(ends)) = (slot_instant(&b.held_on, &b.starts_at), slot_instant(&b.held_on, &b.ends_at)) {
        event.starts(starts).ends(ends);
    }
    if let Some(p) = parties {
        event.append_property(
            Property::new("ORGANIZER", format!("mailto:{}", p.organizer)).add_parameter("CN", p.organizer_name).done(),
        );
        event.attendee(Attendee::new(format!("mailto:{}", p.attendee)).partstat(PartStat::Accepted).rsvp(false));
    }

    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", "-//madoguchi//outreach booking//JA"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", method.code()))
        .push(event.done());
    calendar.to_string()
}

/// The booking's calendar file as a mail attachment.
pub fn attachment(body: String, method: Method) -> MailAttachment {
    MailAttachment { file_name: FILE_NAME.to_string(), content_type: method.content_type(), body }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japan_time_is_nine_hours_ahead_of_utc() {
        let t = slot_instant("2026-12-24", "09:30").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-12-24T00:30:00+00:00");
        let t = slot_instant("2027-01-01", "08:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-12-31T23:00:00+00:00");
        assert!(slot_instant("2026-13-01", "09:00").is_none());
        assert!(slot_instant("2026-12-01", "9am").is_none());
    }
}

//! The e-mails of outreach bookings, each in its recipient's language: the confirmation, the place held for
//! someone on the waiting list, and the reminder the day before.

use std::sync::Arc;

use crate::i18n::format::{date_iso, time_of_day};
use crate::i18n::{Locale, Localizer};
use crate::notify::{Notice, compose};
use crate::outreach::calendar::{Method, Parties, attachment, booking_calendar};
use crate::store::outbox::NewMail;
use crate::store::outreach::{BookingRow, HeldPlace};

pub const BOOKED: &str = "mail-outreach-booked";
pub const PLACE_HELD: &str = "mail-outreach-place-held";
pub const REMINDER: &str = "mail-outreach-reminder";
pub const MOVED: &str = "mail-outreach-moved";
pub const CANCELLED: &str = "mail-outreach-cancelled";

/// What writing the mails needs.
#[derive(Clone)]
pub struct OutreachMails {
    pub localizer: Arc<Localizer>,
    /// The address people use, ending in `/`.
    pub base_url: url::Url,
    pub default_locale: Locale,
    /// The mailbox the portal sends from (`MADOGUCHI_MAIL_FROM`): the organiser of the calendar entries it
    /// mails.
    pub from: String,
}

/// A slot's start or end as stored (`HH:MM`), in the reader's words.
pub fn time_in(locale: Locale, hhmm: &str) -> String {
    let (h, m) = hhmm.split_once(':').unwrap_or((hhmm, "0"));
    time_of_day(locale, h.parse().unwrap_or(0), m.parse().unwrap_or(0))
}

/// When a slot is, in the reader's words: its date, from, to.
pub fn slot_when(l10n: &Localizer, locale: Locale, held_on: &str, starts: &str, ends: &str) -> String {
    l10n.text(
        locale,
        "outreach-slot-when",
        &[("date", date_iso(locale, held_on)), ("from", time_in(locale, starts)), ("to", time_in(locale, ends))],
    )
}

impl OutreachMails {
    fn locale(&self, code: &str) -> Locale {
        Locale::from_code(code).unwrap_or(self.default_locale)
    }

    fn write(&self, to: &str, locale: Locale, notice: Notice) -> Result<NewMail, String> {
        let address: crate::domain::EmailAddress = to.parse().map_err(|e| format!("recipient: {e}"))?;
        compose(&self.localizer, &self.base_url, locale, &address, &notice).map_err(|e| e.to_string())
    }

    /// `calendar`: the calendar file to attach (in each recipient's language), with its method.
    fn about_booking(
        &self,
        kind: &'static str,
        b: &BookingRow,
        recipients: &[(String, String)],
        calendar: Option<Method>,
    ) -> Result<Vec<NewMail>, String> {
        let link = format!("{}outreach/bookings/{}", self.base_url, b.id);
        recipients
            .iter()
            .map(|(email, code)| {
                let locale = self.locale(code);
                let when = slot_when(&self.localizer, locale, &b.held_on, &b.starts_at, &b.ends_at);
                let notice = Notice {
                    kind,
                    args: vec![
                        ("name", b.person_name.clone()),
                        ("when", when),
                        ("venue", b.venue.clone()),
                        ("bring", b.what_to_bring.clone()),
                        ("link", link.clone()),
                    ],
                };
                let mut mail = self.write(email, locale, notice)?;
                if let Some(method) = calendar {
                    let name = self.localizer.plain(locale, "service-name", &[]);
                    let organizer = self
                        .from
                        .parse::<lettre::message::Mailbox>()
                        .map(|m| m.email.to_string())
                        .unwrap_or_else(|_| self.from.clone());
                    let parties = Parties { organizer_name: &name, organizer: &organizer, attendee: email };
                    let body = booking_calendar(&self.localizer, &self.base_url, locale, b, method, Some(parties));
                    mail.attachment = Some(attachment(body, method));
                }
                Ok(mail)
            })
            .collect()
    }

    /// The confirmation of a booking, to the person and whoever booked it, with its calendar file.
    pub fn booked(&self, b: &BookingRow, recipients: &[(String, String)]) -> Result<Vec<NewMail>, String> {
        self.about_booking(BOOKED, b, recipients, Some(Method::Request))
    }

    /// The new time of a moved booking, with the calendar file that updates the entry.
    pub fn moved(&self, b: &BookingRow, recipients: &[(String, String)]) -> Result<Vec<NewMail>, String> {
        self.about_booking(MOVED, b, recipients, Some(Method::Request))
    }

    /// A booking was cancelled, with the calendar file that removes the entry.
    pub fn cancelled(&self, b: &BookingRow, recipients: &[(String, String)]) -> Result<Vec<NewMail>, String> {
        self.about_booking(CANCELLED, b, recipients, Some(Method::Cancel))
    }

    /// The reminder the day before.
    pub fn reminder(&self, b: &BookingRow, recipients: &[(String, String)]) -> Result<Vec<NewMail>, String> {
        self.about_booking(REMINDER, b, recipients, None)
    }

    /// A place held for someone on the waiting list, with the time they have to take it. Nobody to write to
    /// (no e-mail address): no mail; the place shows on their bookings page.
    pub fn place_held(&self, p: &HeldPlace) -> Result<Vec<NewMail>, String> {
        let Some(email) = &p.email else { return Ok(Vec::new()) };
        let locale = self.locale(&p.preferred_locale);
        let notice = Notice {
            kind: PLACE_HELD,
            args: vec![
                ("name", p.person_name.clone()),
                ("date", date_iso(locale, &p.held_on)),
                ("from", time_in(locale, &p.starts_at)),
                ("venue", p.venue.clone()),
                ("until", crate::i18n::format::moment(locale, p.offered_until)),
                ("link", format!("{}outreach", self.base_url)),
            ],
        };
        Ok(vec![self.write(email, locale, notice)?])
    }
}

//! Outreach application sessions (出張申請): facilities' offers, sessions and their slots, bookings and the
//! waiting list. See `crate::outreach` for the rules.
//!
//! **No overbooking.** A slot's `taken` counts its live bookings and the places held for someone on the
//! waiting list. A booking's transaction opens with `UPDATE outreach_slots SET taken = taken + 1 WHERE … AND
//! taken < capacity` and goes on only when it changed a row: PostgreSQL makes a second writer wait on the row
//! and then checks the condition again against the committed count; SQLite has one writer at a time (and the
//! write comes first, so no transaction has to upgrade a read lock). The `CHECK (taken <= capacity)` of the
//! table is the last guard. A freed place goes to the first person waiting (held for them, so `taken` does
//! not move) or, with nobody waiting, back to the slot.

use sqlx::{Any, Transaction};

use super::outbox::{NewMail, enqueue};
use super::{Store, new_id};
use crate::access::RecordKind;
use crate::access::sql::{Params, Record, subject_side, visible};
use crate::outreach::{BookingState, OfferState, SlotPlan, VenueKind};

/// A facility's offer, as the municipality's list shows it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OfferRow {
    pub id: String,
    pub facility_id: String,
    pub facility_name: String,
    pub facility_kind: String,
    pub address: String,
    pub contact: String,
    pub expected_applicants: i64,
    pub accessibility_notes: String,
    pub preferred_dates: String,
    pub state: String,
    pub created_at: i64,
}

pub struct NewOffer<'a> {
    pub facility_id: &'a str,
    pub offered_by: &'a str,
    pub address: &'a str,
    pub contact: &'a str,
    pub expected_applicants: i64,
    pub accessibility_notes: &'a str,
    pub preferred_dates: &'a str,
}

/// What the municipality's list is narrowed to (each `None`: any).
#[derive(Clone, Copy, Debug, Default)]
pub struct OfferFilter<'a> {
    pub state: Option<OfferState>,
    /// The facility's kind (`care_home`, `hospital`, …).
    pub facility_kind: Option<&'a str>,
}

pub struct NewSession<'a> {
    pub municipality_id: &'a str,
    pub offer_id: Option<&'a str>,
    pub venue_kind: VenueKind,
    pub host_facility_id: Option<&'a str>,
    pub venue: &'a str,
    pub held_on: &'a str,
    pub what_to_bring: &'a str,
    pub residents_only: bool,
    pub created_by: &'a str,
    pub slots: &'a [SlotPlan],
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SessionRow {
    pub id: String,
    pub municipality_id: String,
    pub venue_kind: String,
    pub host_facility_id: Option<String>,
    pub venue: String,
    pub held_on: String,
    pub what_to_bring: String,
    pub residents_only: i64,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SlotRow {
    pub id: String,
    pub starts_at: String,
    pub ends_at: String,
    pub capacity: i64,
    pub taken: i64,
}

impl SlotRow {
    pub fn has_room(&self) -> bool {
        self.taken < self.capacity
    }
}

/// A booking with what its pages and mails say about it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct BookingRow {
    pub id: String,
    pub session_id: String,
    pub slot_id: String,
    pub person_id: String,
    pub person_name: String,
    pub booked_by: String,
    pub state: String,
    pub identity_checked: i64,
    pub card_request_id: Option<String>,
    pub held_on: String,
    pub starts_at: String,
    pub ends_at: String,
    pub venue: String,
    pub what_to_bring: String,
    /// The calendar entry's SEQUENCE: raised by every move and by the cancellation.
    pub sequence: i64,
    /// When the booking last changed (ms): its calendar file's DTSTAMP.
    pub updated_at: i64,
}

/// One booking to make: a slot of a session, for a person, by someone.
#[derive(Clone, Debug)]
pub struct NewBooking {
    pub session_id: String,
    pub slot_id: String,
    pub person_id: String,
    pub booked_by: String,
}

/// What became of a booking (or of several made together: all or none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BookOutcome {
    /// The ids of the new bookings, in the order asked.
    Booked(Vec<String>),
    /// A slot asked for has no place left: nothing was booked.
    Full,
    /// Someone asked for has a live booking in this session already: nothing was booked.
    AlreadyBooked,
}

/// A place held for the first person on the waiting list, to tell them about.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct HeldPlace {
    pub waiting_id: String,
    pub person_name: String,
    pub email: Option<String>,
    pub preferred_locale: String,
    pub held_on: String,
    pub starts_at: String,
    pub venue: String,
    pub offered_until: i64,
}

/// Writes the confirmation of a booking for its recipients ((e-mail, language) of the person and the booker).
pub type BookingMails<'a> = &'a (dyn Fn(&BookingRow, &[(String, String)]) -> Result<Vec<NewMail>, String> + Sync);

/// Writes the mails telling someone a place is held for them.
pub type HoldMails<'a> = &'a (dyn Fn(&HeldPlace) -> Result<Vec<NewMail>, String> + Sync);

#[derive(Debug, thiserror::Error)]
pub enum OutreachError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("a mail could not be written: {0}")]
    Compose(String),
}

const BOOKING_COLUMNS: &str = "b.id, b.session_id, b.slot_id, b.person_id, p.name AS person_name, b.booked_by, \
     b.state, b.identity_checked, b.card_request_id, s.held_on, sl.starts_at, sl.ends_at, s.venue, s.what_to_bring, \
     b.sequence, b.updated_at";
const BOOKING_FROM: &str = "outreach_bookings b JOIN outreach_sessions s ON s.id = b.session_id \
     JOIN outreach_slots sl ON sl.id = b.slot_id JOIN people p ON p.id = b.person_id";

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

impl Store {
    /// Records a facility's offer to host a session (for the facility's municipality). Returns its id.
    pub async fn create_outreach_offer(&self, o: &NewOffer<'_>, now: i64) -> Result<String, sqlx::Error> {
        let id = new_id();
        sqlx::query(
            "INSERT INTO outreach_offers (id, facility_id, municipality_id, offered_by, address, contact, \
             expected_applicants, accessibility_notes, preferred_dates, state, created_at) \
             SELECT $1, f.id, f.municipality_id, $3, $4, $5, $6, $7, $8, 'offered', $9 FROM facilities f WHERE f.id = $2",
        )
        .bind(&id)
        .bind(o.facility_id)
        .bind(o.offered_by)
        .bind(o.address)
        .bind(o.contact)
        .bind(o.expected_applicants)
        .bind(o.accessibility_notes)
        .bind(o.preferred_dates)
        .bind(now)
        .execute(self.pool())
        .await?;
        Ok(id)
    }

    /// Every offer made to `municipality`, newest first, narrowed by `filter`.
    pub async fn outreach_offers(
        &self,
        municipality: &str,
        filter: OfferFilter<'_>,
    ) -> Result<Vec<OfferRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT o.id, o.facility_id, f.name_ja AS facility_name, f.kind AS facility_kind, o.address, o.contact, \
             o.expected_applicants, o.accessibility_notes, o.preferred_dates, o.state, o.created_at \
             FROM outreach_offers o JOIN facilities f ON f.id = o.facility_id WHERE o.municipality_id = $1 \
             AND ($2 = '' OR o.state = $2) AND ($3 = '' OR f.kind = $3) ORDER BY o.created_at DESC, o.id",
        )
        .bind(municipality)
        .bind(filter.state.map(OfferState::code).unwrap_or(""))
        .bind(filter.facility_kind.unwrap_or(""))
        .fetch_all(self.pool())
        .await
    }

    /// One offer, when it was made to `municipality`.
    pub async fn outreach_offer(&self, id: &str, municipality: &str) -> Result<Option<OfferRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT o.id, o.facility_id, f.name_ja AS facility_name, f.kind AS facility_kind, o.address, o.contact, \
             o.expected_applicants, o.accessibility_notes, o.preferred_dates, o.state, o.created_at \
             FROM outreach_offers o JOIN facilities f ON f.id = o.facility_id WHERE o.id = $1 AND o.municipality_id = $2",
        )
        .bind(id)
        .bind(municipality)
        .fetch_optional(self.pool())
        .await
    }

    /// Schedules a session with its slots; a session from an offer marks the offer scheduled. One transaction.
    pub async fn schedule_outreach_session(&self, s: &NewSession<'_>, now: i64) -> Result<String, sqlx::Error> {
        let id = new_id();
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO outreach_sessions (id, municipality_id, offer_id, venue_kind, host_facility_id, venue, held_on, \
             what_to_bring, residents_only, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&id)
        .bind(s.municipality_id)
        .bind(s.offer_id)
        .bind(s.venue_kind.code())
        .bind(s.host_facility_id)
        .bind(s.venue)
        .bind(s.held_on)
        .bind(s.what_to_bring)
        .bind(i64::from(s.residents_only))
        .bind(s.created_by)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        for slot in s.slots {
            sqlx::query(
                "INSERT INTO outreach_slots (id, session_id, starts_at, ends_at, capacity) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(new_id())
            .bind(&id)
            .bind(slot.starts_at())
            .bind(slot.ends_at())
            .bind(slot.capacity())
            .execute(&mut *tx)
            .await?;
        }
        if let Some(offer) = s.offer_id {
            sqlx::query("UPDATE outreach_offers SET state = 'scheduled' WHERE id = $1 AND municipality_id = $2")
                .bind(offer)
                .bind(s.municipality_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    pub async fn outreach_session(&self, id: &str) -> Result<Option<SessionRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, municipality_id, venue_kind, host_facility_id, venue, held_on, what_to_bring, residents_only \
             FROM outreach_sessions WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await
    }

    /// A municipality's sessions, soonest first.
    pub async fn outreach_sessions_of(&self, municipality: &str) -> Result<Vec<SessionRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, municipality_id, venue_kind, host_facility_id, venue, held_on, what_to_bring, residents_only \
             FROM outreach_sessions WHERE municipality_id = $1 ORDER BY held_on, id",
        )
        .bind(municipality)
        .fetch_all(self.pool())
        .await
    }

    /// Sessions from today on that `viewer` may book: public ones, and host-residents-only ones of a facility
    /// they live at or work for.
    pub async fn bookable_outreach_sessions(&self, viewer: &str) -> Result<Vec<SessionRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT s.id, s.municipality_id, s.venue_kind, s.host_facility_id, s.venue, s.held_on, s.what_to_bring, \
             s.residents_only FROM outreach_sessions s WHERE s.held_on >= $2 AND (s.residents_only = 0 \
             OR EXISTS (SELECT 1 FROM facility_residents fr WHERE fr.facility_id = s.host_facility_id AND fr.person_id = $1) \
             OR EXISTS (SELECT 1 FROM roles ro WHERE ro.person_id = $1 AND ro.organisation_id = s.host_facility_id \
                        AND ro.role IN ('facility_admin', 'facility_staff'))) ORDER BY s.held_on, s.id",
        )
        .bind(viewer)
        .bind(self.clock().today().to_string())
        .fetch_all(self.pool())
        .await
    }

    pub async fn outreach_slots(&self, session: &str) -> Result<Vec<SlotRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, starts_at, ends_at, capacity, taken FROM outreach_slots WHERE session_id = $1 \
             ORDER BY starts_at, id",
        )
        .bind(session)
        .fetch_all(self.pool())
        .await
    }

    /// Whether `viewer` may book `session` for `person`: the person is the viewer, a ward whose authority covers
    /// outreach bookings today, or a resident of the viewer's facility who consents (the access policy's subject
    /// side); and, for a host-residents-only session, the person lives at the host facility.
    pub async fn may_book_outreach(&self, viewer: &str, session: &str, person: &str) -> Result<bool, sqlx::Error> {
        let p = Params { viewer: "$1", today: "$2" };
        let side = subject_side(p, Record { kind: RecordKind::OutreachBooking, subject: "$3", organisation: "''" });
        let lives = crate::access::sql::lives_there("fr", "$2");
        let sql = format!(
            "SELECT COUNT(*) FROM outreach_sessions s WHERE s.id = $4 AND {side} AND (s.residents_only = 0 OR EXISTS \
             (SELECT 1 FROM facility_residents fr WHERE fr.facility_id = s.host_facility_id AND fr.person_id = $3 AND {lives}))"
        );
        let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(viewer)
            .bind(self.clock().today().to_string())
            .bind(person)
            .bind(session)
            .fetch_one(self.pool())
            .await?;
        Ok(n == 1)
    }

    /// Books each of `bookings` in one transaction: all, or none when a slot is full or a person is booked in
    /// the session already. Who may book for whom is the caller's check (`may_book_outreach`).
    pub async fn book_outreach(
        &self,
        bookings: &[NewBooking],
        now: i64,
        mails: BookingMails<'_>,
    ) -> Result<BookOutcome, OutreachError> {
        let mut tx = self.pool().begin().await?;
        let mut ids = Vec::with_capacity(bookings.len());
        for b in bookings {
            // The write comes first: it holds the slot's row (PostgreSQL) or the database (SQLite).
            let won = sqlx::query(
                "UPDATE outreach_slots SET taken = taken + 1 WHERE id = $1 AND session_id = $2 AND taken < capacity",
            )
            .bind(&b.slot_id)
            .bind(&b.session_id)
            .execute(&mut *tx)
            .await?;
            if won.rows_affected() != 1 {
                tx.rollback().await?;
                return Ok(BookOutcome::Full);
            }
            let id = new_id();
            match insert_booking(&mut tx, &id, b, now).await {
                Ok(()) => ids.push(id),
                Err(e) if is_unique_violation(&e) => {
                    tx.rollback().await?;
                    return Ok(BookOutcome::AlreadyBooked);
                }
                Err(e) => return Err(e.into()),
            }
        }
        for id in &ids {
            confirm_in(&mut tx, id, mails).await?;
        }
        tx.commit().await?;
        Ok(BookOutcome::Booked(ids))
    }

    /// A booking `viewer` may see (the access policy: the person's side while it counts, the session's
    /// municipality's officers), or the booker who made it.
    pub async fn visible_outreach_booking(&self, id: &str, viewer: &str) -> Result<Option<BookingRow>, sqlx::Error> {
        let p = Params { viewer: "$2", today: "$3" };
        let rule = visible(
            p,
            Record { kind: RecordKind::OutreachBooking, subject: "b.person_id", organisation: "s.municipality_id" },
        );
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {BOOKING_COLUMNS} FROM {BOOKING_FROM} WHERE b.id = $1 AND {rule}"
        )))
        .bind(id)
        .bind(viewer)
        .bind(self.clock().today().to_string())
        .fetch_optional(self.pool())
        .await
    }

    /// The bookings `viewer` may see on the subject's side (their own, their wards', their residents'),
    /// soonest first.
    pub async fn outreach_bookings_for(&self, viewer: &str) -> Result<Vec<BookingRow>, sqlx::Error> {
        let p = Params { viewer: "$1", today: "$2" };
        let rule =
            subject_side(p, Record { kind: RecordKind::OutreachBooking, subject: "b.person_id", organisation: "''" });
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {BOOKING_COLUMNS} FROM {BOOKING_FROM} WHERE {rule} ORDER BY s.held_on, sl.starts_at, b.id"
        )))
        .bind(viewer)
        .bind(self.clock().today().to_string())
        .fetch_all(self.pool())
        .await
    }

    /// A session's bookings (the run sheet), by slot and name.
    pub async fn outreach_run_sheet(&self, session: &str) -> Result<Vec<BookingRow>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {BOOKING_COLUMNS} FROM {BOOKING_FROM} WHERE b.session_id = $1 AND b.state <> 'cancelled' \
             ORDER BY sl.starts_at, p.name_kana, b.id"
        )))
        .bind(session)
        .fetch_all(self.pool())
        .await
    }

    /// Puts `person` on the session's waiting list, after everyone already on it. Returns their place (1: first).
    /// The place comes from the session's counter, raised under its row's lock, so the order is the order of
    /// arrival however many join at once.
    pub async fn join_outreach_waiting_list(
        &self,
        session: &str,
        person: &str,
        booked_by: &str,
        now: i64,
    ) -> Result<Option<i64>, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let position: Option<(i64,)> = sqlx::query_as(
            "UPDATE outreach_sessions SET waiting_seq = waiting_seq + 1 WHERE id = $1 RETURNING waiting_seq",
        )
        .bind(session)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((position,)) = position else {
            tx.rollback().await?;
            return Ok(None);
        };
        let inserted = sqlx::query(
            "INSERT INTO outreach_waiting (id, session_id, position, person_id, booked_by, state, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'waiting', $6)",
        )
        .bind(new_id())
        .bind(session)
        .bind(position)
        .bind(person)
        .bind(booked_by)
        .bind(now)
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                tx.rollback().await?;
                return Ok(None);
            }
            Err(e) => return Err(e),
        }
        let (ahead,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM outreach_waiting WHERE session_id = $1 AND state IN ('waiting', 'offered') \
             AND position <= $2",
        )
        .bind(session)
        .bind(position)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(ahead))
    }

    /// The session's waiting list as it stands: (person id, state), in order.
    pub async fn outreach_waiting_list(&self, session: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
        sqlx::query_as("SELECT person_id, state FROM outreach_waiting WHERE session_id = $1 ORDER BY position")
            .bind(session)
            .fetch_all(self.pool())
            .await
    }

    /// Cancels a live booking, tells the person and the booker (`cancelled`: the mail that takes it out of
    /// their calendar) and passes its place on (the first person waiting, or back to the slot). False when it
    /// was not live.
    pub async fn cancel_outreach_booking(
        &self,
        id: &str,
        now: i64,
        hold_until: i64,
        mails: HoldMails<'_>,
        cancelled: BookingMails<'_>,
    ) -> Result<bool, OutreachError> {
        let mut tx = self.pool().begin().await?;
        let freed: Option<(String, String)> = sqlx::query_as(
            "UPDATE outreach_bookings SET state = 'cancelled', updated_at = $2, sequence = sequence + 1 \
             WHERE id = $1 AND state = 'booked' RETURNING session_id, slot_id",
        )
        .bind(id)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((session, slot)) = freed else {
            tx.rollback().await?;
            return Ok(false);
        };
        confirm_in(&mut tx, id, cancelled).await?;
        pass_place_on(&mut tx, &session, &slot, hold_until, mails).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Moves a live booking to another slot of its session with room, tells the person and the booker
    /// (`moved`: the mail with the updated calendar entry); its old place is passed on. False when the booking
    /// is not live or the slot is full.
    pub async fn move_outreach_booking(
        &self,
        id: &str,
        to_slot: &str,
        now: i64,
        hold_until: i64,
        mails: HoldMails<'_>,
        moved: BookingMails<'_>,
    ) -> Result<bool, OutreachError> {
        let current: Option<(String, String)> =
            sqlx::query_as("SELECT session_id, slot_id FROM outreach_bookings WHERE id = $1 AND state = 'booked'")
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        let Some((session, from_slot)) = current else { return Ok(false) };
        if from_slot == to_slot {
            return Ok(true);
        }
        let mut tx = self.pool().begin().await?;
        let won = sqlx::query(
            "UPDATE outreach_slots SET taken = taken + 1 WHERE id = $1 AND session_id = $2 AND taken < capacity",
        )
        .bind(to_slot)
        .bind(&session)
        .execute(&mut *tx)
        .await?;
        let done = if won.rows_affected() == 1 {
            sqlx::query(
                "UPDATE outreach_bookings SET slot_id = $2, updated_at = $4, sequence = sequence + 1 \
                 WHERE id = $1 AND slot_id = $3 AND state = 'booked'",
            )
            .bind(id)
            .bind(to_slot)
            .bind(&from_slot)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1
        } else {
            false
        };
        if !done {
            tx.rollback().await?;
            return Ok(false);
        }
        confirm_in(&mut tx, id, moved).await?;
        pass_place_on(&mut tx, &session, &from_slot, hold_until, mails).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The place held for someone on the waiting list, when `viewer` may take it for them (they joined the
    /// list for them, or are them) and it is still theirs: (waiting id, session, slot).
    pub async fn take_outreach_place(
        &self,
        waiting_id: &str,
        viewer: &str,
        now: i64,
        mails: BookingMails<'_>,
    ) -> Result<Option<String>, OutreachError> {
        let mut tx = self.pool().begin().await?;
        let held: Option<(String, String, String, String)> = sqlx::query_as(
            "UPDATE outreach_waiting SET state = 'took' WHERE id = $1 AND state = 'offered' AND offered_until >= $2 \
             AND (person_id = $3 OR booked_by = $3) RETURNING session_id, offered_slot_id, person_id, booked_by",
        )
        .bind(waiting_id)
        .bind(now)
        .bind(viewer)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((session_id, slot_id, person_id, booked_by)) = held else {
            tx.rollback().await?;
            return Ok(None);
        };
        // The place was held (counted in `taken`) for them: no new count.
        let id = new_id();
        let b = NewBooking { session_id, slot_id, person_id, booked_by };
        match insert_booking(&mut tx, &id, &b, now).await {
            Ok(()) => {}
            Err(e) if is_unique_violation(&e) => {
                tx.rollback().await?;
                return Ok(None);
            }
            Err(e) => return Err(e.into()),
        }
        confirm_in(&mut tx, &id, mails).await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// The places held for `viewer` (or for people they waited for) now: (waiting id, person name, date, start).
    pub async fn outreach_places_held_for(
        &self,
        viewer: &str,
        now: i64,
    ) -> Result<Vec<(String, String, String, String)>, sqlx::Error> {
        sqlx::query_as(
            "SELECT w.id, p.name, s.held_on, sl.starts_at FROM outreach_waiting w JOIN people p ON p.id = w.person_id \
             JOIN outreach_sessions s ON s.id = w.session_id JOIN outreach_slots sl ON sl.id = w.offered_slot_id \
             WHERE w.state = 'offered' AND w.offered_until >= $2 AND (w.person_id = $1 OR w.booked_by = $1) \
             ORDER BY s.held_on, sl.starts_at",
        )
        .bind(viewer)
        .bind(now)
        .fetch_all(self.pool())
        .await
    }

    /// Places held past their time pass to the next person waiting (or back to the slot). Each in its own
    /// transaction, claimed by a guarded update, so any number of nodes may sweep at once. Returns how many
    /// passed on.
    pub async fn sweep_outreach_places(
        &self,
        now: i64,
        hold_until: i64,
        mails: HoldMails<'_>,
    ) -> Result<usize, OutreachError> {
        let due: Vec<(String,)> = sqlx::query_as(
            "SELECT id FROM outreach_waiting WHERE state = 'offered' AND offered_until < $1 ORDER BY offered_until",
        )
        .bind(now)
        .fetch_all(self.pool())
        .await?;
        let mut passed = 0;
        for (id,) in due {
            let mut tx = self.pool().begin().await?;
            let claimed: Option<(String, String)> = sqlx::query_as(
                "UPDATE outreach_waiting SET state = 'passed' WHERE id = $1 AND state = 'offered' AND offered_until < $2 \
                 RETURNING session_id, offered_slot_id",
            )
            .bind(&id)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((session, slot)) = claimed else {
                tx.rollback().await?;
                continue;
            };
            pass_place_on(&mut tx, &session, &slot, hold_until, mails).await?;
            tx.commit().await?;
            passed += 1;
        }
        Ok(passed)
    }

    /// Records what happened at the session for a booking of `municipality`'s session: identity checked, the
    /// application taken (with the card request made for it), or did not come. False when the booking is not
    /// that municipality's or is no longer live.
    pub async fn record_outreach_attendance(
        &self,
        id: &str,
        municipality: &str,
        state: BookingState,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let sql = match state {
            BookingState::Attended => {
                "UPDATE outreach_bookings SET identity_checked = 1, state = 'attended', updated_at = $3 \
                 WHERE id = $1 AND state IN ('booked', 'attended') AND session_id IN \
                 (SELECT id FROM outreach_sessions WHERE municipality_id = $2)"
            }
            BookingState::NoShow => {
                "UPDATE outreach_bookings SET state = 'no_show', updated_at = $3 WHERE id = $1 AND state = 'booked' \
                 AND session_id IN (SELECT id FROM outreach_sessions WHERE municipality_id = $2)"
            }
            _ => return Ok(false),
        };
        let done = sqlx::query(sql).bind(id).bind(municipality).bind(now).execute(self.pool()).await?;
        Ok(done.rows_affected() == 1)
    }

    /// The session of a booking of `municipality`'s.
    pub async fn outreach_booking_session(&self, id: &str, municipality: &str) -> Result<Option<String>, sqlx::Error> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT b.session_id FROM outreach_bookings b JOIN outreach_sessions s ON s.id = b.session_id \
             WHERE b.id = $1 AND s.municipality_id = $2",
        )
        .bind(id)
        .bind(municipality)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|(s,)| s))
    }

    /// Live bookings of sessions held on `day` whose reminder has not gone out: (booking id).
    pub async fn outreach_bookings_to_remind(&self, day: &str) -> Result<Vec<String>, sqlx::Error> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT b.id FROM outreach_bookings b JOIN outreach_sessions s ON s.id = b.session_id \
             WHERE s.held_on = $1 AND b.state = 'booked' AND b.reminded_at IS NULL ORDER BY b.id",
        )
        .bind(day)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Reminds about one booking, once: the mark is set by a guarded update that opens the transaction (a
    /// second node waits on it, then finds it taken), and the mails go into the outbox in the same one.
    pub async fn remind_outreach_booking<F>(&self, id: &str, now: i64, compose: F) -> Result<usize, OutreachError>
    where
        F: FnOnce(&BookingRow, &[(String, String)]) -> Result<Vec<NewMail>, String>,
    {
        let mut tx = self.pool().begin().await?;
        let marked = sqlx::query(
            "UPDATE outreach_bookings SET reminded_at = $2 WHERE id = $1 AND reminded_at IS NULL AND state = 'booked'",
        )
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if marked.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(0);
        }
        let booking: BookingRow = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {BOOKING_COLUMNS} FROM {BOOKING_FROM} WHERE b.id = $1"
        )))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let recipients = booking_recipients(&mut tx, &booking).await?;
        let mails = compose(&booking, &recipients).map_err(OutreachError::Compose)?;
        for mail in &mails {
            enqueue(&mut tx, mail).await?;
        }
        tx.commit().await?;
        Ok(mails.len())
    }
}

async fn insert_booking(tx: &mut Transaction<'_, Any>, id: &str, b: &NewBooking, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO outreach_bookings (id, session_id, slot_id, person_id, booked_by, state, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'booked', $6, $6)",
    )
    .bind(id)
    .bind(&b.session_id)
    .bind(&b.slot_id)
    .bind(&b.person_id)
    .bind(&b.booked_by)
    .bind(now)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// Queues the mails about booking `id` (its confirmation, its move, its cancellation) in the transaction that
/// changed it.
async fn confirm_in(tx: &mut Transaction<'_, Any>, id: &str, mails: BookingMails<'_>) -> Result<(), OutreachError> {
    let booking: BookingRow =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {BOOKING_COLUMNS} FROM {BOOKING_FROM} WHERE b.id = $1")))
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
    let recipients = booking_recipients(tx, &booking).await?;
    for mail in mails(&booking, &recipients).map_err(OutreachError::Compose)? {
        enqueue(tx, &mail).await?;
    }
    Ok(())
}

/// Whom to tell about a booking: (e-mail, language) of the person and of whoever booked it, once each.
async fn booking_recipients(
    tx: &mut Transaction<'_, Any>,
    booking: &BookingRow,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT DISTINCT email, preferred_locale FROM people WHERE id IN ($1, $2) AND email IS NOT NULL ORDER BY email",
    )
    .bind(&booking.person_id)
    .bind(&booking.booked_by)
    .fetch_all(&mut **tx)
    .await
}

/// A place of `slot` is free: hold it for the first person waiting for the session (and tell them), or, with
/// nobody waiting, give it back to the slot. Two transactions freeing places at once cannot hold for the same
/// person: the guarded update lets one win, and the other looks again.
async fn pass_place_on(
    tx: &mut Transaction<'_, Any>,
    session: &str,
    slot: &str,
    hold_until: i64,
    mails: HoldMails<'_>,
) -> Result<(), OutreachError> {
    loop {
        let next: Option<(String,)> = sqlx::query_as(
            "SELECT id FROM outreach_waiting WHERE session_id = $1 AND state = 'waiting' ORDER BY position LIMIT 1",
        )
        .bind(session)
        .fetch_optional(&mut **tx)
        .await?;
        let Some((waiting_id,)) = next else {
            sqlx::query("UPDATE outreach_slots SET taken = taken - 1 WHERE id = $1 AND taken > 0")
                .bind(slot)
                .execute(&mut **tx)
                .await?;
            return Ok(());
        };
        let held = sqlx::query(
            "UPDATE outreach_waiting SET state = 'offered', offered_slot_id = $2, offered_until = $3 \
             WHERE id = $1 AND state = 'waiting'",
        )
        .bind(&waiting_id)
        .bind(slot)
        .bind(hold_until)
        .execute(&mut **tx)
        .await?;
        if held.rows_affected() != 1 {
            continue;
        }
        let place: HeldPlace = sqlx::query_as(
            "SELECT w.id AS waiting_id, p.name AS person_name, COALESCE(bk.email, p.email) AS email, \
             COALESCE(bk.preferred_locale, p.preferred_locale) AS preferred_locale, s.held_on, sl.starts_at, s.venue, \
             w.offered_until FROM outreach_waiting w JOIN people p ON p.id = w.person_id \
             LEFT JOIN people bk ON bk.id = w.booked_by AND bk.email IS NOT NULL \
             JOIN outreach_sessions s ON s.id = w.session_id JOIN outreach_slots sl ON sl.id = w.offered_slot_id \
             WHERE w.id = $1",
        )
        .bind(&waiting_id)
        .fetch_one(&mut **tx)
        .await?;
        for mail in mails(&place).map_err(OutreachError::Compose)? {
            enqueue(tx, &mail).await?;
        }
        return Ok(());
    }
}

/// A booking whose application was just taken: what its card request is made from.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TakenBooking {
    pub person_id: String,
    pub booked_by: String,
    /// The session's day (the request's trigger date).
    pub held_on: String,
    pub municipality_id: String,
    /// The booked person's registered address, where the card is mailed.
    pub postal_code: String,
    pub address: String,
}

/// Marks a booking of `municipality`'s session `taken`, guarded on its state: only after identity was checked
/// (`attended`), and only once (a second post finds it `taken` and changes nothing). Inside the caller's
/// transaction, which makes the card request in the same one. `None` when nothing changed.
pub(crate) async fn mark_outreach_taken(
    conn: &mut sqlx::AnyConnection,
    id: &str,
    municipality: &str,
    now: i64,
) -> Result<Option<TakenBooking>, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE outreach_bookings SET state = 'taken', updated_at = $3 \
         WHERE id = $1 AND state = 'attended' AND identity_checked = 1 AND session_id IN \
         (SELECT id FROM outreach_sessions WHERE municipality_id = $2)",
    )
    .bind(id)
    .bind(municipality)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(None);
    }
    sqlx::query_as(
        "SELECT b.person_id, b.booked_by, s.held_on, s.municipality_id, COALESCE(p.postal_code, '') AS postal_code, \
         COALESCE(p.address, '') AS address FROM outreach_bookings b JOIN outreach_sessions s ON s.id = b.session_id \
         JOIN people p ON p.id = b.person_id WHERE b.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
}

/// Keeps the card request made for a taken booking on it (the run sheet and the booking page link to it).
pub(crate) async fn link_outreach_card_request(
    conn: &mut sqlx::AnyConnection,
    id: &str,
    request_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE outreach_bookings SET card_request_id = $1 WHERE id = $2 AND state = 'taken'")
        .bind(request_id)
        .bind(id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// How the booker stands to the booked person, as the request is filed: themself, a representative (an
/// authority between them, as the booking needed), or the staff of the facility the person lives at.
pub(crate) async fn outreach_filing(
    conn: &mut sqlx::AnyConnection,
    person: &str,
    booker: &str,
) -> Result<(crate::requests::FiledAs, Option<String>), sqlx::Error> {
    use crate::requests::FiledAs;
    if person == booker {
        return Ok((FiledAs::SelfFiled, None));
    }
    let represents: Option<(String,)> = sqlx::query_as(
        "SELECT id FROM representations WHERE representative_id = $1 AND ward_id = $2 AND state = 'approved' \
         ORDER BY created_at DESC, id LIMIT 1",
    )
    .bind(booker)
    .bind(person)
    .fetch_optional(&mut *conn)
    .await?;
    if represents.is_some() {
        return Ok((FiledAs::Representative, None));
    }
    let facility: Option<(String,)> = sqlx::query_as(
        "SELECT fr.facility_id FROM facility_residents fr JOIN roles ro ON ro.organisation_id = fr.facility_id \
         WHERE fr.person_id = $1 AND ro.person_id = $2 AND ro.role IN ('facility_admin', 'facility_staff') \
         ORDER BY fr.facility_id LIMIT 1",
    )
    .bind(person)
    .bind(booker)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match facility {
        Some((f,)) => (FiledAs::Facility, Some(f)),
        None => (FiledAs::Representative, None),
    })
}

impl Store {
    /// The state and card request of a booking of `municipality`'s session (why "application taken" changed
    /// nothing: not yet identity-checked, or taken already).
    pub async fn outreach_booking_outcome(
        &self,
        id: &str,
        municipality: &str,
    ) -> Result<Option<(String, Option<String>)>, sqlx::Error> {
        sqlx::query_as(
            "SELECT b.state, b.card_request_id FROM outreach_bookings b JOIN outreach_sessions s ON s.id = b.session_id \
             WHERE b.id = $1 AND s.municipality_id = $2",
        )
        .bind(id)
        .bind(municipality)
        .fetch_optional(self.pool())
        .await
    }
}

//! The card custody log (管理簿) of facilities that keep residents' cards, proxy receipt (代理受取) of a
//! resident's card by a facility's staff member, and the municipality's report of both per facility.
//!
//! The log is append-only: this module has no function that changes or removes a line; a correction is a new
//! line naming the one it corrects.

use sqlx::AnyConnection;

use super::Store;
use super::accounts::{AuditEntry, append_audit};
use crate::access::sql::{self as policy, Params};
use crate::access::{Organisation, RecordKind};
use crate::domain::custody::{CardWhereabouts, CustodyEvent};

/// One line of the log, with the name of the staff member who wrote it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CustodyEntryRow {
    pub id: String,
    pub facility_id: String,
    pub facility_name: String,
    pub person_id: String,
    pub event: String,
    pub carried_by: String,
    pub reason: String,
    pub corrects_id: Option<String>,
    /// 1 when a later line corrects this one.
    pub corrected: i64,
    pub happened_at: i64,
    pub recorded_by: String,
    pub recorded_at: i64,
}

impl CustodyEntryRow {
    pub fn event(&self) -> Option<CustodyEvent> {
        CustodyEvent::from_code(&self.event)
    }
}

/// A hand-over a staff member records.
pub struct NewCustodyEntry<'a> {
    pub facility_id: &'a str,
    pub person_id: &'a str,
    pub staff_id: &'a str,
    pub event: CustodyEvent,
    pub carried_by: &'a str,
    pub reason: &'a str,
    /// The line this one corrects.
    pub corrects: Option<&'a str>,
}

/// Why a hand-over was not written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CustodyRefusal {
    /// The staff member may not act for the resident (not theirs, consent withdrawn, left).
    NotInCare,
    /// The line to correct is not in this resident's log, or is corrected already.
    NoSuchEntry,
    /// The card is not where this hand-over starts (e.g. returned while in the safe).
    OutOfOrder,
}

/// A card out of the safe now, and whether it has been out longer than the facility's limit.
#[derive(Clone, Debug)]
pub struct CardOut {
    pub person_id: String,
    pub name: String,
    pub carried_by: String,
    pub since: i64,
    pub overdue: bool,
}

/// A proxy receipt, with the names of the resident, the staff member named and the facility.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ProxyReceiptRow {
    pub id: String,
    pub facility_id: String,
    pub facility_name: String,
    pub person_id: String,
    pub person_name: String,
    pub proxy_id: String,
    pub proxy_name: String,
    pub request_reference: Option<String>,
    pub state: String,
    pub created_at: i64,
    pub decided_at: Option<i64>,
    pub received_on: Option<String>,
}

pub struct NewProxyReceipt<'a> {
    pub facility_id: &'a str,
    pub person_id: &'a str,
    /// The staff member named to receive the card.
    pub proxy_id: &'a str,
    pub requested_by: &'a str,
    /// The resident's card request it is for, when there is one.
    pub request_id: Option<&'a str>,
}

/// One facility's line in the municipality's report.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FacilityReportRow {
    pub facility_id: String,
    pub name_ja: String,
    pub name_en: String,
    /// Requests the facility's staff filed for residents (`filed_as = 'facility'`), submitted in the period.
    pub applications: i64,
    /// Cards its staff received for residents in the period.
    pub receipts: i64,
}

const ENTRY_COLUMNS: &str = "e.id, e.facility_id, f.name_ja AS facility_name, e.person_id, e.event, e.carried_by, \
     e.reason, e.corrects_id, CASE WHEN EXISTS (SELECT 1 FROM card_custody_entries c WHERE c.corrects_id = e.id) \
     THEN 1 ELSE 0 END AS corrected, e.happened_at, s.name AS recorded_by, e.recorded_at \
     FROM card_custody_entries e JOIN facilities f ON f.id = e.facility_id JOIN people s ON s.id = e.recorded_by";

const RECEIPT_COLUMNS: &str = "r.id, r.facility_id, f.name_ja AS facility_name, r.person_id, p.name AS person_name, \
     r.proxy_id, x.name AS proxy_name, q.reference AS request_reference, r.state, r.created_at, r.decided_at, \
     r.received_on FROM proxy_receipts r JOIN facilities f ON f.id = r.facility_id JOIN people p ON p.id = r.person_id \
     JOIN people x ON x.id = r.proxy_id LEFT JOIN requests q ON q.id = r.request_id";

/// The first moment (ms) of a day in Japan.
fn start_of_day_in_japan(day: chrono::NaiveDate) -> i64 {
    day.and_hms_opt(0, 0, 0).map_or(0, |t| t.and_utc().timestamp_millis() - 9 * 3_600_000)
}

/// Where the card is after the lines that stand (not corrected), in order.
pub fn whereabouts(log: &[CustodyEntryRow]) -> CardWhereabouts {
    log.iter()
        .filter(|e| e.corrected == 0)
        .max_by_key(|e| (e.happened_at, e.recorded_at))
        .and_then(CustodyEntryRow::event)
        .map_or(CardWhereabouts::WithResident, CustodyEvent::leaves)
}

impl Store {
    /// Every line of one resident's log at one facility, corrected lines too, oldest first.
    pub async fn custody_log(&self, facility_id: &str, person_id: &str) -> Result<Vec<CustodyEntryRow>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} WHERE e.facility_id = $1 AND e.person_id = $2 \
             ORDER BY e.happened_at, e.recorded_at, e.id"
        )))
        .bind(facility_id)
        .bind(person_id)
        .fetch_all(self.pool())
        .await
    }

    /// Writes one hand-over (or the correction of one), with its audit line, when the staff member may act for
    /// the resident today. Returns the new line's id.
    pub async fn add_custody_entry(
        &self,
        entry: &NewCustodyEntry<'_>,
    ) -> Result<Result<String, CustodyRefusal>, sqlx::Error> {
        let now = self.clock().now_ms();
        let mut tx = self.pool().begin().await?;
        if !self.in_care(&mut tx, entry.facility_id, entry.person_id, entry.staff_id).await? {
            return Ok(Err(CustodyRefusal::NotInCare));
        }
        let log: Vec<CustodyEntryRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} WHERE e.facility_id = $1 AND e.person_id = $2"
        )))
        .bind(entry.facility_id)
        .bind(entry.person_id)
        .fetch_all(&mut *tx)
        .await?;
        let happened_at = match entry.corrects {
            Some(id) => match log.iter().find(|e| e.id == id && e.corrected == 0) {
                Some(corrected) => corrected.happened_at,
                None => return Ok(Err(CustodyRefusal::NoSuchEntry)),
            },
            None if entry.event.can_follow(whereabouts(&log)) => now,
            None => return Ok(Err(CustodyRefusal::OutOfOrder)),
        };
        let id = super::new_id();
        sqlx::query(
            "INSERT INTO card_custody_entries (id, facility_id, person_id, event, carried_by, reason, corrects_id, \
             happened_at, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&id)
        .bind(entry.facility_id)
        .bind(entry.person_id)
        .bind(entry.event.code())
        .bind(entry.carried_by)
        .bind(entry.reason)
        .bind(entry.corrects)
        .bind(happened_at)
        .bind(entry.staff_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let action = if entry.corrects.is_some() { "custody.entry_corrected" } else { "custody.entry_recorded" };
        append_audit(
            &mut tx,
            &AuditEntry::new(Some(entry.staff_id), action)
                .subject(entry.person_id)
                .organisation(entry.facility_id)
                .detail(entry.event.code())
                .at(now),
        )
        .await?;
        tx.commit().await?;
        Ok(Ok(id))
    }

    /// The staff member works for the facility, where the resident lives today and consents.
    async fn in_care(
        &self,
        conn: &mut AnyConnection,
        facility_id: &str,
        person_id: &str,
        staff_id: &str,
    ) -> Result<bool, sqlx::Error> {
        let in_care = policy::staff_of_facility(Params { viewer: "$3", today: "$4" }, "$1", "$2");
        let found: Option<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT 1 WHERE {in_care}")))
            .bind(facility_id)
            .bind(person_id)
            .bind(staff_id)
            .bind(self.clock().today().to_string())
            .fetch_optional(conn)
            .await?;
        Ok(found.is_some())
    }

    /// The cards of a facility's residents that are out of the safe now, oldest first, each flagged when it has
    /// been out longer than the facility's limit (`facilities.card_out_limit_minutes`).
    pub async fn cards_out(&self, facility_id: &str) -> Result<Vec<CardOut>, sqlx::Error> {
        let now = self.clock().now_ms();
        let lives_there = policy::lives_there("fr", "$2");
        // The line that stands last for each resident: no later standing line of theirs exists.
        let rows: Vec<(String, String, String, i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT e.person_id, p.name, e.carried_by, e.happened_at, f.card_out_limit_minutes \
             FROM card_custody_entries e JOIN people p ON p.id = e.person_id JOIN facilities f ON f.id = e.facility_id \
             JOIN facility_residents fr ON fr.facility_id = e.facility_id AND fr.person_id = e.person_id \
             WHERE e.facility_id = $1 AND e.event = 'taken_out' AND {lives_there} \
             AND NOT EXISTS (SELECT 1 FROM card_custody_entries c WHERE c.corrects_id = e.id) \
             AND NOT EXISTS (SELECT 1 FROM card_custody_entries l WHERE l.facility_id = e.facility_id \
               AND l.person_id = e.person_id AND l.id <> e.id \
               AND NOT EXISTS (SELECT 1 FROM card_custody_entries c2 WHERE c2.corrects_id = l.id) \
               AND (l.happened_at > e.happened_at OR (l.happened_at = e.happened_at AND l.recorded_at > e.recorded_at))) \
             ORDER BY e.happened_at, p.name_kana"
        )))
        .bind(facility_id)
        .bind(self.clock().today().to_string())
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(person_id, name, carried_by, since, limit_minutes)| CardOut {
                overdue: now - since > limit_minutes * 60_000,
                person_id,
                name,
                carried_by,
                since,
            })
            .collect())
    }

    /// The name of a person whose card custody records `viewer` may see on their own side: the person
    /// themselves, or their representative while an authority covering card applications stands.
    pub async fn custody_subject(&self, viewer: &str, person_id: &str) -> Result<Option<String>, sqlx::Error> {
        let p = Params { viewer: "$1", today: "$3" };
        let side = format!(
            "({} OR {})",
            policy::subject(p, "p.id"),
            policy::representative(p, "p.id", RecordKind::CardApplication)
        );
        let row: Option<(String,)> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT p.name FROM people p WHERE p.id = $2 AND {side}")))
                .bind(viewer)
                .bind(person_id)
                .bind(self.clock().today().to_string())
                .fetch_optional(self.pool())
                .await?;
        Ok(row.map(|(n,)| n))
    }

    /// Every line of a person's custody logs, at every facility that kept their card, oldest first. Callers
    /// check who may see them first ([`Store::custody_subject`]).
    pub async fn custody_log_of(&self, person_id: &str) -> Result<Vec<CustodyEntryRow>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} WHERE e.person_id = $1 ORDER BY e.happened_at, e.recorded_at, e.id"
        )))
        .bind(person_id)
        .fetch_all(self.pool())
        .await
    }

    /// A person's proxy receipts, newest first. Callers check who may see them first.
    pub async fn proxy_receipts_of(&self, person_id: &str) -> Result<Vec<ProxyReceiptRow>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {RECEIPT_COLUMNS} WHERE r.person_id = $1 ORDER BY r.created_at DESC, r.id"
        )))
        .bind(person_id)
        .fetch_all(self.pool())
        .await
    }

    /// One facility's proxy receipts for one resident, newest first.
    pub async fn facility_proxy_receipts(
        &self,
        facility_id: &str,
        person_id: &str,
    ) -> Result<Vec<ProxyReceiptRow>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {RECEIPT_COLUMNS} WHERE r.facility_id = $1 AND r.person_id = $2 ORDER BY r.created_at DESC, r.id"
        )))
        .bind(facility_id)
        .bind(person_id)
        .fetch_all(self.pool())
        .await
    }

    /// The staff of a facility (administrators and staff), `(id, name)` by フリガナ: who may be named to receive.
    pub async fn facility_staff_members(&self, facility_id: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
        sqlx::query_as(
            "SELECT DISTINCT p.id, p.name, p.name_kana FROM people p JOIN roles r ON r.person_id = p.id \
             WHERE r.organisation_id = $1 AND r.role IN ('facility_admin', 'facility_staff') ORDER BY p.name_kana, p.id",
        )
        .bind(facility_id)
        .fetch_all(self.pool())
        .await
        .map(|rows: Vec<(String, String, String)>| rows.into_iter().map(|(id, name, _)| (id, name)).collect())
    }

    /// A resident's card requests that were sent (`requests.kind = 'card'`), `(id, reference)`, newest first:
    /// what a proxy receipt may be tied to.
    pub async fn card_requests_of(&self, person_id: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, reference FROM requests WHERE subject_id = $1 AND kind = 'card' AND state <> 'draft' \
             ORDER BY created_at DESC, id",
        )
        .bind(person_id)
        .fetch_all(self.pool())
        .await
    }

    /// Asks the municipality to let a staff member of the facility receive the resident's card for them. The
    /// one asking is a staff member who may act for the resident today (their consent stands); the one named
    /// works for the facility; a card request named is the resident's. `None` when any of these fails.
    pub async fn request_proxy_receipt(&self, r: &NewProxyReceipt<'_>) -> Result<Option<String>, sqlx::Error> {
        let now = self.clock().now_ms();
        let mut tx = self.pool().begin().await?;
        if !self.in_care(&mut tx, r.facility_id, r.person_id, r.requested_by).await? {
            return Ok(None);
        }
        let proxy: Option<(String,)> = sqlx::query_as(
            "SELECT person_id FROM roles WHERE person_id = $1 AND organisation_id = $2 \
             AND role IN ('facility_admin', 'facility_staff')",
        )
        .bind(r.proxy_id)
        .bind(r.facility_id)
        .fetch_optional(&mut *tx)
        .await?;
        if proxy.is_none() {
            return Ok(None);
        }
        if let Some(request) = r.request_id {
            let theirs: Option<(String,)> = sqlx::query_as(
                "SELECT id FROM requests WHERE id = $1 AND subject_id = $2 AND kind = 'card' AND state <> 'draft'",
            )
            .bind(request)
            .bind(r.person_id)
            .fetch_optional(&mut *tx)
            .await?;
            if theirs.is_none() {
                return Ok(None);
            }
        }
        let id = super::new_id();
        sqlx::query(
            "INSERT INTO proxy_receipts (id, facility_id, person_id, proxy_id, request_id, requested_by, state, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7)",
        )
        .bind(&id)
        .bind(r.facility_id)
        .bind(r.person_id)
        .bind(r.proxy_id)
        .bind(r.request_id)
        .bind(r.requested_by)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        append_audit(
            &mut tx,
            &AuditEntry::new(Some(r.requested_by), "proxy_receipt.requested")
                .subject(r.person_id)
                .organisation(r.facility_id)
                .detail(&id)
                .at(now),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// The proxy receipts of the residents of the officer's municipalities, the ones waiting first.
    pub async fn proxy_receipts_for_officer(&self, officer_id: &str) -> Result<Vec<ProxyReceiptRow>, sqlx::Error> {
        let officer = policy::officer(
            Params { viewer: "$1", today: "''" },
            Organisation::Municipality,
            &policy::subjects_municipality("r.person_id"),
        );
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {RECEIPT_COLUMNS} WHERE {officer} \
             ORDER BY CASE WHEN r.state = 'pending' THEN 0 ELSE 1 END, r.created_at DESC, r.id"
        )))
        .bind(officer_id)
        .fetch_all(self.pool())
        .await
    }

    /// Approves or declines a waiting proxy receipt of a resident of the officer's municipality, with its
    /// audit line. False when there is no such receipt waiting.
    pub async fn decide_proxy_receipt(&self, id: &str, officer_id: &str, approve: bool) -> Result<bool, sqlx::Error> {
        let now = self.clock().now_ms();
        let officer = policy::officer(
            Params { viewer: "$2", today: "''" },
            Organisation::Municipality,
            &policy::subjects_municipality("proxy_receipts.person_id"),
        );
        let state = if approve { "approved" } else { "declined" };
        let mut tx = self.pool().begin().await?;
        let row: Option<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT person_id FROM proxy_receipts WHERE id = $1 AND state = 'pending' AND {officer}"
        )))
        .bind(id)
        .bind(officer_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((person,)) = row else { return Ok(false) };
        let done = sqlx::query(
            "UPDATE proxy_receipts SET state = $1, decided_by = $2, decided_at = $3 WHERE id = $4 AND state = 'pending'",
        )
        .bind(state)
        .bind(officer_id)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        let action = if approve { "proxy_receipt.approved" } else { "proxy_receipt.declined" };
        append_audit(&mut tx, &AuditEntry::new(Some(officer_id), action).subject(&person).detail(id).at(now)).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Records that the staff member named received the approved card today, when the one recording may act
    /// for the resident. False otherwise (not approved, not theirs, recorded already).
    pub async fn record_proxy_receipt(&self, facility_id: &str, id: &str, staff_id: &str) -> Result<bool, sqlx::Error> {
        let now = self.clock().now_ms();
        let today = self.clock().today().to_string();
        let mut tx = self.pool().begin().await?;
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT person_id, proxy_id FROM proxy_receipts WHERE id = $1 AND facility_id = $2 AND state = 'approved'",
        )
        .bind(id)
        .bind(facility_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((person, proxy)) = row else { return Ok(false) };
        if !self.in_care(&mut tx, facility_id, &person, staff_id).await? {
            return Ok(false);
        }
        let done = sqlx::query(
            "UPDATE proxy_receipts SET state = 'received', received_on = $1, received_by = $2, \
             received_recorded_at = $3 WHERE id = $4 AND state = 'approved'",
        )
        .bind(&today)
        .bind(&proxy)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        append_audit(
            &mut tx,
            &AuditEntry::new(Some(staff_id), "proxy_receipt.received")
                .subject(&person)
                .organisation(facility_id)
                .detail(id)
                .at(now),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Per facility of the given municipalities, the requests its staff filed for residents and submitted, and
    /// the cards its staff received for residents, from `from` to `to` (Japan's dates, both included).
    pub async fn facility_report(
        &self,
        municipalities: &[&str],
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> Result<Vec<FacilityReportRow>, sqlx::Error> {
        let start = start_of_day_in_japan(from);
        let end = start_of_day_in_japan(to + chrono::Duration::days(1));
        let mut rows = Vec::new();
        for m in municipalities {
            let mut part: Vec<FacilityReportRow> = sqlx::query_as(
                "SELECT f.id AS facility_id, f.name_ja, f.name_en, \
                 (SELECT COUNT(*) FROM requests q WHERE q.facility_id = f.id AND q.filed_as = 'facility' \
                  AND q.submitted_at >= $2 AND q.submitted_at < $3) AS applications, \
                 (SELECT COUNT(*) FROM proxy_receipts r WHERE r.facility_id = f.id AND r.state = 'received' \
                  AND r.received_on >= $4 AND r.received_on <= $5) AS receipts \
                 FROM facilities f WHERE f.municipality_id = $1 ORDER BY f.name_ja, f.id",
            )
            .bind(*m)
            .bind(start)
            .bind(end)
            .bind(from.to_string())
            .bind(to.to_string())
            .fetch_all(self.pool())
            .await?;
            rows.append(&mut part);
        }
        Ok(rows)
    }
}

//! Renewing an authority (代理の更新): the end-date reminder to the representative, the answers of an unfinished
//! renewal, and sending it as a new authority request linked to the one it renews (`renews_id`), which the
//! municipality reviews like any other.
//!
//! The reminder goes out once however many nodes run the job: as with the certificate expiry reminder
//! (`store::reminders`), the mark (`end_reminded_at`) is set by a guarded `UPDATE … WHERE end_reminded_at IS NULL`
//! that opens the transaction, and the mail is queued in that same transaction.

use super::accounts::{AuditEntry, append_audit};
use super::outbox::{NewMail, enqueue};
use super::representation::{RepresentationRow, SELECT};
use super::{Store, new_id, now_ms};

/// An approved authority with an end date between `$1` (today) and `$2` (the last day of the reminder window),
/// both included, not reminded yet, and with no renewal asked for or granted. `r` is the authority.
const DUE: &str = "r.end_reminded_at IS NULL AND r.state = 'approved' AND r.ends_on IS NOT NULL \
     AND r.ends_on >= $1 AND r.ends_on <= $2 \
     AND NOT EXISTS (SELECT 1 FROM representations nx WHERE nx.renews_id = r.id AND nx.state IN ('pending', 'approved'))";

/// The answers of an unfinished renewal.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RenewalDraftRow {
    /// Comma-separated scope codes.
    pub scope: String,
    /// `YYYY-MM-DD`.
    pub ends_on: String,
    pub explanation: String,
    pub proof_done: i64,
    pub document_name: Option<String>,
    pub document_size: Option<i64>,
}

/// What the representative sends.
pub struct NewRenewal<'a> {
    pub scope: &'a str,
    pub ends_on: &'a str,
    pub needs_document: bool,
    pub no_document_explanation: Option<&'a str>,
}

impl Store {
    /// Up to `limit` authorities due an end-date reminder on `today` (ending by `last_day`) whose representative
    /// has an e-mail address, soonest end first.
    pub async fn authorities_to_remind(
        &self,
        today: &str,
        last_day: &str,
        limit: i64,
    ) -> Result<Vec<String>, sqlx::Error> {
        let sql = format!(
            "SELECT r.id FROM representations r JOIN people rep ON rep.id = r.representative_id \
             WHERE {DUE} AND rep.email IS NOT NULL ORDER BY r.ends_on, r.id LIMIT $3"
        );
        let rows: Vec<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(today)
            .bind(last_day)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Reminds the representative about one authority's end, once: in one transaction, marks it reminded (only
    /// if it is still due), reads it, and queues the mail `compose` writes. Returns how many mails were queued;
    /// 0 when another node reminded it first, it is no longer due, or the representative has no e-mail address.
    pub async fn remind_authority<F>(
        &self,
        id: &str,
        today: &str,
        last_day: &str,
        now: i64,
        compose: F,
    ) -> Result<usize, super::reminders::RemindError>
    where
        F: FnOnce(&RepresentationRow) -> Result<Option<NewMail>, String>,
    {
        let mut tx = self.pool().begin().await?;
        // The write first: a second node waits on the row (PostgreSQL) or the database (SQLite), then finds it
        // reminded.
        let marked = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE representations SET end_reminded_at = $3 WHERE id = $4 AND end_reminded_at IS NULL AND id IN \
             (SELECT r.id FROM representations r WHERE r.id = $4 AND {DUE})"
        )))
        .bind(today)
        .bind(last_day)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if marked.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(0);
        }
        let row: Option<RepresentationRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE r.id = $1")))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let mail = match row {
            Some(r) => compose(&r).map_err(super::reminders::RemindError::Compose)?,
            None => None,
        };
        let Some(mail) = mail else {
            tx.rollback().await?;
            return Ok(0);
        };
        enqueue(&mut tx, &mail).await?;
        tx.commit().await?;
        Ok(1)
    }

    /// The renewal asked for (pending) or granted (approved) of an authority, if there is one.
    pub async fn renewal_of(&self, id: &str) -> Result<Option<String>, sqlx::Error> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT id FROM representations WHERE renews_id = $1 AND state IN ('pending', 'approved') \
             ORDER BY created_at DESC LIMIT 1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|(id,)| id))
    }

    pub async fn renewal_draft(&self, id: &str, person_id: &str) -> Result<Option<RenewalDraftRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT scope, ends_on, explanation, proof_done, document_name, document_size \
             FROM representation_renewal_drafts WHERE representation_id = $1 AND person_id = $2",
        )
        .bind(id)
        .bind(person_id)
        .fetch_optional(self.pool())
        .await
    }

    /// Step 1's answers: what the renewal covers and until when. The proof step's answers stay.
    pub async fn save_renewal_term(
        &self,
        id: &str,
        person_id: &str,
        scope: &str,
        ends_on: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO representation_renewal_drafts (representation_id, person_id, scope, ends_on, updated_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (representation_id) DO UPDATE SET scope = excluded.scope, \
             ends_on = excluded.ends_on, updated_at = excluded.updated_at",
        )
        .bind(id)
        .bind(person_id)
        .bind(scope)
        .bind(ends_on)
        .bind(now_ms())
        .execute(self.pool())
        .await
        .map(|_| ())
    }

    /// Step 2's answers: the explanation, and the document when one was sent (else the one sent before stays).
    pub async fn save_renewal_proof(
        &self,
        id: &str,
        person_id: &str,
        explanation: &str,
        document: Option<(&str, &str, &[u8])>,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "UPDATE representation_renewal_drafts SET explanation = $1, proof_done = 1, updated_at = $2 \
             WHERE representation_id = $3 AND person_id = $4",
        )
        .bind(explanation)
        .bind(now_ms())
        .bind(id)
        .bind(person_id)
        .execute(&mut *tx)
        .await?;
        if let Some((name, content_type, bytes)) = document {
            sqlx::query(
                "UPDATE representation_renewal_drafts SET document_name = $1, document_type = $2, \
                 document_size = $3, document_bytes = $4 WHERE representation_id = $5 AND person_id = $6",
            )
            .bind(name)
            .bind(content_type)
            .bind(bytes.len() as i64)
            .bind(bytes.to_vec())
            .bind(id)
            .bind(person_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await
    }

    /// Sends a renewal of `old` for review: a new pending authority over the same ward, with the same
    /// relationship and reason, linked to `old`, its document taken from the draft, and the audit line; the
    /// draft is removed. One transaction. `None` when a renewal is already pending or granted.
    pub async fn submit_renewal(
        &self,
        old: &RepresentationRow,
        a: &NewRenewal<'_>,
    ) -> Result<Option<String>, sqlx::Error> {
        let id = new_id();
        let mut tx = self.pool().begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO representations (id, representative_id, ward_id, relationship, state, created_at, reason, \
             scope, ends_on, going_out_difficult, proof_state, no_document_explanation, renews_id) \
             SELECT $1, o.representative_id, o.ward_id, o.relationship, 'pending', $2, o.reason, $3, $4, \
             o.going_out_difficult, $5, $6, o.id FROM representations o WHERE o.id = $7 AND o.representative_id = $8 \
             AND o.state = 'approved' AND NOT EXISTS (SELECT 1 FROM representations nx WHERE nx.renews_id = o.id \
             AND nx.state IN ('pending', 'approved'))",
        )
        .bind(&id)
        .bind(now_ms())
        .bind(a.scope)
        .bind(a.ends_on)
        .bind(if a.needs_document { "pending" } else { "not_needed" })
        .bind(a.no_document_explanation)
        .bind(&old.id)
        .bind(&old.representative_id)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(None);
        }
        if a.needs_document {
            sqlx::query(
                "INSERT INTO proof_documents (id, representation_id, file_name, content_type, size, bytes, uploaded_at) \
                 SELECT $1, $2, document_name, document_type, document_size, document_bytes, updated_at \
                 FROM representation_renewal_drafts WHERE representation_id = $3 AND document_bytes IS NOT NULL",
            )
            .bind(new_id())
            .bind(&id)
            .bind(&old.id)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("DELETE FROM representation_renewal_drafts WHERE representation_id = $1")
            .bind(&old.id)
            .execute(&mut *tx)
            .await?;
        append_audit(
            &mut tx,
            &AuditEntry::new(Some(&old.representative_id), "representation.requested")
                .subject(&old.ward_id)
                .detail(&old.relationship),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(id))
    }
}

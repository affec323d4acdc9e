//! Acting for others: authorities (`representations`), their proof documents, the municipality's review,
//! ending them, and the drafts of the "add a person" journey. Every change writes its audit line in the same
//! transaction.

use super::accounts::{AuditEntry, append_audit};
use super::outbox::{NewMail, enqueue};
use super::{Store, new_id, now_ms};

/// One authority with the people it joins and its document (if any), for lists and the review page.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RepresentationRow {
    pub id: String,
    pub representative_id: String,
    pub representative_name: String,
    pub representative_email: Option<String>,
    pub representative_locale: String,
    pub ward_id: String,
    pub ward_name: String,
    pub ward_name_kana: String,
    pub ward_birth_date: String,
    pub ward_postal_code: Option<String>,
    pub ward_address: Option<String>,
    pub ward_email: Option<String>,
    pub ward_locale: String,
    pub ward_municipality_id: Option<String>,
    pub relationship: String,
    pub reason: String,
    pub scope: String,
    pub ends_on: Option<String>,
    pub going_out_difficult: i64,
    /// `pending`, `approved`, `declined` or `ended`.
    pub state: String,
    /// `not_needed`, `pending`, `approved` or `declined`.
    pub proof_state: String,
    pub no_document_explanation: Option<String>,
    pub decided_at: Option<i64>,
    pub decline_reason: Option<String>,
    pub ended_at: Option<i64>,
    pub end_reason: Option<String>,
    pub created_at: i64,
    pub document_id: Option<String>,
    pub document_name: Option<String>,
    pub document_type: Option<String>,
    pub document_size: Option<i64>,
    /// The first day it counts (`YYYY-MM-DD`); `None`: from its approval.
    pub starts_on: Option<String>,
    /// The authority this request renews; `None` for a first request.
    pub renews_id: Option<String>,
}

pub(super) const SELECT: &str = "SELECT r.id, r.representative_id, rp.name AS representative_name, rp.email AS representative_email, \
     rp.preferred_locale AS representative_locale, r.ward_id, w.name AS ward_name, w.name_kana AS ward_name_kana, w.birth_date AS ward_birth_date, \
     w.postal_code AS ward_postal_code, w.address AS ward_address, w.email AS ward_email, \
     w.preferred_locale AS ward_locale, w.municipality_id AS ward_municipality_id, r.relationship, r.reason, r.scope, \
     r.ends_on, r.going_out_difficult, r.state, r.proof_state, r.no_document_explanation, r.decided_at, \
     r.decline_reason, r.ended_at, r.end_reason, r.created_at, d.id AS document_id, d.file_name AS document_name, \
     d.content_type AS document_type, d.size AS document_size, r.starts_on, r.renews_id \
     FROM representations r JOIN people w ON w.id = r.ward_id JOIN people rp ON rp.id = r.representative_id \
     LEFT JOIN proof_documents d ON d.representation_id = r.id";

/// A proof document as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DocumentRow {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The ward as typed in the journey: a new person, without an e-mail address, in the representative's
/// municipality.
pub struct NewWard<'a> {
    pub name: &'a str,
    pub name_kana: &'a str,
    pub birth_date: &'a str,
    pub postal_code: &'a str,
    pub address: &'a str,
    pub municipality_id: &'a str,
    pub locale: &'a str,
}

pub struct NewAuthority<'a> {
    pub relationship: &'a str,
    pub reason: &'a str,
    pub scope: &'a str,
    pub ends_on: Option<&'a str>,
    pub going_out_difficult: bool,
    pub needs_document: bool,
    pub no_document_explanation: Option<&'a str>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DraftRow {
    pub answers: String,
    pub document_name: Option<String>,
    pub document_type: Option<String>,
    pub document_size: Option<i64>,
}

/// The municipality's decision on a new authority.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision<'a> {
    /// With the first day it counts (a renewal: the day after the authority it renews ends), or `None`: from now.
    Approve(Option<&'a str>),
    Decline(&'a str),
}

/// Who is looking at a person's record, for the `record.viewed` audit lines.
pub struct Viewer<'a> {
    pub officer_id: &'a str,
    pub municipality_id: &'a str,
    /// What was opened: `representation` or `document`.
    pub what: &'a str,
}

impl Store {
    pub async fn representation(&self, id: &str) -> Result<Option<RepresentationRow>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE r.id = $1")))
            .bind(id)
            .fetch_optional(self.pool())
            .await
    }

    /// Every authority this person holds or asked for, newest first.
    pub async fn representations_by(&self, representative_id: &str) -> Result<Vec<RepresentationRow>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE r.representative_id = $1 ORDER BY r.created_at DESC, r.id"
        )))
        .bind(representative_id)
        .fetch_all(self.pool())
        .await
    }

    /// Every authority others hold or asked for over this person, newest first.
    pub async fn representations_for(&self, ward_id: &str) -> Result<Vec<RepresentationRow>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE r.ward_id = $1 ORDER BY r.created_at DESC, r.id")))
            .bind(ward_id)
            .fetch_all(self.pool())
            .await
    }

    /// New authorities waiting for a decision, for wards living in one of these municipalities, oldest first.
    pub async fn review_queue(&self, municipalities: &[&str]) -> Result<Vec<RepresentationRow>, sqlx::Error> {
        if municipalities.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = (1..=municipalities.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "{SELECT} WHERE r.state = 'pending' AND w.municipality_id IN ({}) ORDER BY r.created_at, r.id",
            marks.join(", ")
        );
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for m in municipalities {
            q = q.bind(*m);
        }
        q.fetch_all(self.pool()).await
    }

    /// Opens an authority for review by an officer of the ward's municipality, writing `record.viewed` for the
    /// ward and the representative in the same transaction as the read. `None` when it is not there or the
    /// ward lives elsewhere.
    pub async fn open_for_review(&self, id: &str, v: &Viewer<'_>) -> Result<Option<RepresentationRow>, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let row: Option<RepresentationRow> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE r.id = $1 AND w.municipality_id = $2")))
                .bind(id)
                .bind(v.municipality_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(row) = row else { return Ok(None) };
        let detail = format!("{}:{id}", v.what);
        for subject in [&row.ward_id, &row.representative_id] {
            append_audit(
                &mut tx,
                &AuditEntry::new(Some(v.officer_id), "record.viewed")
                    .subject(subject)
                    .organisation(v.municipality_id)
                    .detail(&detail),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Some(row))
    }

    /// The proof document of an authority, for an officer of the ward's municipality, with its `record.viewed`
    /// lines in the same transaction.
    pub async fn open_document(&self, id: &str, v: &Viewer<'_>) -> Result<Option<DocumentRow>, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let row: Option<(String, String, String, String, Vec<u8>)> = sqlx::query_as(
            "SELECT r.ward_id, r.representative_id, d.file_name, d.content_type, d.bytes FROM representations r \
             JOIN people w ON w.id = r.ward_id JOIN proof_documents d ON d.representation_id = r.id \
             WHERE r.id = $1 AND w.municipality_id = $2",
        )
        .bind(id)
        .bind(v.municipality_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((ward, representative, file_name, content_type, bytes)) = row else { return Ok(None) };
        let detail = format!("{}:{id}", v.what);
        for subject in [&ward, &representative] {
            append_audit(
                &mut tx,
                &AuditEntry::new(Some(v.officer_id), "record.viewed")
                    .subject(subject)
                    .organisation(v.municipality_id)
                    .detail(&detail),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Some(DocumentRow { file_name, content_type, bytes }))
    }

    /// Approves or declines a pending authority of a ward in `municipality_id` (an approval may say the first
    /// day it counts). The audit line is written first
    /// and the change after it, in one transaction: when the change finds nothing to decide (decided already,
    /// another municipality), everything is rolled back and no audit line remains. The mails (to the
    /// representative, and to a ward with an account) are queued in the same transaction. Returns whether it
    /// was decided.
    pub async fn decide(
        &self,
        id: &str,
        officer_id: &str,
        municipality_id: &str,
        decision: Decision<'_>,
        ward_id: &str,
        mails: &[NewMail],
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let (action, detail) = match decision {
            Decision::Approve(_) => ("representation.approved", String::new()),
            Decision::Decline(reason) => ("representation.declined", reason.to_string()),
        };
        append_audit(
            &mut tx,
            &AuditEntry::new(Some(officer_id), action).subject(ward_id).organisation(municipality_id).detail(&detail),
        )
        .await?;
        let (state, proof, reason) = match decision {
            Decision::Approve(_) => ("approved", "approved", None),
            Decision::Decline(r) => ("declined", "declined", Some(r)),
        };
        let done = sqlx::query(
            "UPDATE representations SET state = $1, \
             proof_state = CASE WHEN proof_state = 'pending' THEN $2 ELSE proof_state END, \
             decline_reason = $3, decided_by = $4, decided_at = $5, starts_on = COALESCE($9, starts_on) \
             WHERE id = $6 AND ward_id = $7 AND state = 'pending' \
             AND ward_id IN (SELECT id FROM people WHERE municipality_id = $8)",
        )
        .bind(state)
        .bind(proof)
        .bind(reason)
        .bind(officer_id)
        .bind(now_ms())
        .bind(id)
        .bind(ward_id)
        .bind(municipality_id)
        .bind(match decision {
            Decision::Approve(starts_on) => starts_on,
            Decision::Decline(_) => None,
        })
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        for m in mails {
            enqueue(&mut tx, m).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Ends a pending or approved authority. `end_reason`: `representative`, `ward` or `municipality`;
    /// `organisation_id` is the municipality when an officer ends it. Returns whether it was ended.
    pub async fn end_representation(
        &self,
        id: &str,
        ended_by: &str,
        end_reason: &str,
        organisation_id: Option<&str>,
        ward_id: &str,
        mail: Option<&NewMail>,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let mut entry = AuditEntry::new(Some(ended_by), "representation.ended").subject(ward_id).detail(end_reason);
        if let Some(o) = organisation_id {
            entry = entry.organisation(o);
        }
        append_audit(&mut tx, &entry).await?;
        let done = sqlx::query(
            "UPDATE representations SET state = 'ended', ended_at = $1, ended_by = $2, end_reason = $3 \
             WHERE id = $4 AND ward_id = $5 AND state IN ('pending', 'approved')",
        )
        .bind(now_ms())
        .bind(ended_by)
        .bind(end_reason)
        .bind(id)
        .bind(ward_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        // Whoever was acting for the ward stops now, in every session.
        sqlx::query("UPDATE sessions SET acting_for = NULL WHERE acting_for = $1 AND person_id IN (SELECT representative_id FROM representations WHERE id = $2)")
            .bind(ward_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if let Some(m) = mail {
            enqueue(&mut tx, m).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Records a new authority for review: the ward as a new person, the authority (`pending`), its document
    /// (taken from the draft), the audit line; and the draft is removed. One transaction. Returns the id.
    pub async fn submit_representation(
        &self,
        representative_id: &str,
        ward: &NewWard<'_>,
        a: &NewAuthority<'_>,
    ) -> Result<String, sqlx::Error> {
        let now = now_ms();
        let ward_id = new_id();
        let id = new_id();
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO people (id, name, name_kana, birth_date, postal_code, address, municipality_id, preferred_locale, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&ward_id)
        .bind(ward.name)
        .bind(ward.name_kana)
        .bind(ward.birth_date)
        .bind(ward.postal_code)
        .bind(ward.address)
        .bind(ward.municipality_id)
        .bind(ward.locale)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO representations (id, representative_id, ward_id, relationship, state, created_at, reason, scope, \
             ends_on, going_out_difficult, proof_state, no_document_explanation) \
             VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&id)
        .bind(representative_id)
        .bind(&ward_id)
        .bind(a.relationship)
        .bind(now)
        .bind(a.reason)
        .bind(a.scope)
        .bind(a.ends_on)
        .bind(i64::from(a.going_out_difficult))
        .bind(if a.needs_document { "pending" } else { "not_needed" })
        .bind(a.no_document_explanation)
        .execute(&mut *tx)
        .await?;
        if a.needs_document {
            sqlx::query(
                "INSERT INTO proof_documents (id, representation_id, file_name, content_type, size, bytes, uploaded_at) \
                 SELECT $1, $2, document_name, document_type, document_size, document_bytes, updated_at \
                 FROM representation_drafts WHERE person_id = $3 AND document_bytes IS NOT NULL",
            )
            .bind(new_id())
            .bind(&id)
            .bind(representative_id)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("DELETE FROM representation_drafts WHERE person_id = $1")
            .bind(representative_id)
            .execute(&mut *tx)
            .await?;
        append_audit(
            &mut tx,
            &AuditEntry::new(Some(representative_id), "representation.requested")
                .subject(&ward_id)
                .detail(a.relationship),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A pending authority over an existing person (who may have an account), as when one is asked for at the
    /// counter. The journey makes new people instead; the tests use this for wards with accounts.
    pub async fn request_representation_for_existing(
        &self,
        representative_id: &str,
        ward_id: &str,
        relationship: &str,
        reason: &str,
    ) -> Result<String, sqlx::Error> {
        let id = new_id();
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO representations (id, representative_id, ward_id, relationship, state, created_at, reason, scope, proof_state) \
             VALUES ($1, $2, $3, $4, 'pending', $5, $6, 'card_application', 'not_needed')",
        )
        .bind(&id)
        .bind(representative_id)
        .bind(ward_id)
        .bind(relationship)
        .bind(now_ms())
        .bind(reason)
        .execute(&mut *tx)
        .await?;
        append_audit(
            &mut tx,
            &AuditEntry::new(Some(representative_id), "representation.requested").subject(ward_id).detail(relationship),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    // --- drafts ---

    pub async fn draft(&self, person_id: &str) -> Result<Option<DraftRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT answers, document_name, document_type, document_size FROM representation_drafts WHERE person_id = $1",
        )
        .bind(person_id)
        .fetch_optional(self.pool())
        .await
    }

    pub async fn save_draft_answers(&self, person_id: &str, answers: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO representation_drafts (person_id, answers, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (person_id) DO UPDATE SET answers = excluded.answers, updated_at = excluded.updated_at",
        )
        .bind(person_id)
        .bind(answers)
        .bind(now_ms())
        .execute(self.pool())
        .await
        .map(|_| ())
    }

    /// Keeps an uploaded document with the draft until the authority is submitted.
    pub async fn save_draft_document(
        &self,
        person_id: &str,
        name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE representation_drafts SET document_name = $1, document_type = $2, document_size = $3, \
             document_bytes = $4, updated_at = $5 WHERE person_id = $6",
        )
        .bind(name)
        .bind(content_type)
        .bind(bytes.len() as i64)
        .bind(bytes.to_vec())
        .bind(now_ms())
        .bind(person_id)
        .execute(self.pool())
        .await
        .map(|_| ())
    }
}

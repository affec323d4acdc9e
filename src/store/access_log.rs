//! A person's access log: the audit lines about them written by someone else, and their reports of lines they
//! do not recognise.

use super::accounts::{AuditEntry, append_audit};
use super::{Store, new_id, now_ms};
use crate::access::{self, sql::Params};

/// Who may read (and report on) `subject`'s access log: the subject, and their representatives with any
/// authority in term today, whatever its scope.
fn reader_rule(subject: &str, p: Params) -> String {
    format!("({} OR {})", access::sql::subject(p, subject), access::sql::representative_in_term(p, subject))
}

/// One line of someone's access log. The actor is described by organisation and role, never by name.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AccessLine {
    pub id: String,
    pub at: i64,
    pub action: String,
    pub organisation_id: Option<String>,
    pub organisation_ja: Option<String>,
    pub organisation_en: Option<String>,
    /// The actor's role at that organisation (a role code), if any.
    pub actor_role: Option<String>,
    /// An open or closed report on this line already exists.
    pub reported: i64,
}

const ORGANISATION_NAMES: &str = "LEFT JOIN municipalities m ON m.id = a.organisation_id \
     LEFT JOIN insurers i ON i.id = a.organisation_id LEFT JOIN facilities f ON f.id = a.organisation_id";

/// A report as the municipality sees it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AccessReportRow {
    pub id: String,
    pub created_at: i64,
    pub note: String,
    pub state: String,
    pub subject_name: String,
    pub line_at: i64,
    pub line_action: String,
    pub actor_name: Option<String>,
    pub organisation_ja: Option<String>,
    pub organisation_en: Option<String>,
}

impl Store {
    /// The lines about `subject_id` whose actor is neither the subject nor `viewer_id`, newest first; for the
    /// subject and their representatives with an authority in term today (the access policy), nobody else.
    /// One page: `before` is the (at, id) of the last line of the previous page (keyset pagination, so a long
    /// log costs the same as a short one); one line more than `limit` is read to tell whether older ones exist.
    pub async fn access_log(
        &self,
        subject_id: &str,
        viewer_id: &str,
        before: Option<(i64, &str)>,
        limit: i64,
    ) -> Result<Vec<AccessLine>, sqlx::Error> {
        let reader = reader_rule("$1", Params { viewer: "$2", today: "$3" });
        let keyset = if before.is_some() { "AND (a.at < $5 OR (a.at = $5 AND a.id > $6))" } else { "" };
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT a.id, a.at, a.action, a.organisation_id, COALESCE(m.name_ja, i.name_ja, f.name_ja) AS organisation_ja, \
             COALESCE(m.name_en, i.name_en, f.name_en) AS organisation_en, \
             (SELECT MIN(r.role) FROM roles r WHERE r.person_id = a.actor_id AND r.organisation_id = a.organisation_id) AS actor_role, \
             (SELECT COUNT(*) FROM access_reports x WHERE x.audit_id = a.id) AS reported \
             FROM audit_log a {ORGANISATION_NAMES} \
             WHERE a.subject_id = $1 AND a.actor_id IS NOT NULL AND a.actor_id <> $1 AND a.actor_id <> $2 AND {reader} \
             {keyset} ORDER BY a.at DESC, a.id LIMIT $4"
        )))
        .bind(subject_id)
        .bind(viewer_id)
        .bind(self.clock().today().to_string())
        .bind(limit + 1);
        if let Some((at, id)) = before {
            q = q.bind(at).bind(id);
        }
        q.fetch_all(self.pool()).await
    }

    /// Stores a report on one line of the subject's access log, for the subject's municipality, with its audit
    /// line. False when the line is not one of theirs (or the subject has no municipality).
    pub async fn report_access(
        &self,
        audit_id: &str,
        subject_id: &str,
        reporter_id: &str,
        note: &str,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let reader = reader_rule("$2", Params { viewer: "$3", today: "$4" });
        let found: Option<(Option<String>,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT p.municipality_id FROM audit_log a JOIN people p ON p.id = a.subject_id \
             WHERE a.id = $1 AND a.subject_id = $2 AND a.actor_id IS NOT NULL AND a.actor_id <> $2 AND a.actor_id <> $3 \
             AND {reader}"
        )))
        .bind(audit_id)
        .bind(subject_id)
        .bind(reporter_id)
        .bind(self.clock().today().to_string())
        .fetch_optional(&mut *tx)
        .await?;
        let Some((Some(municipality),)) = found else { return Ok(false) };
        sqlx::query(
            "INSERT INTO access_reports (id, audit_id, subject_id, reported_by, municipality_id, note, state, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'open', $7)",
        )
        .bind(new_id())
        .bind(audit_id)
        .bind(subject_id)
        .bind(reporter_id)
        .bind(&municipality)
        .bind(note)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        let acting_for = (subject_id != reporter_id).then_some(subject_id);
        append_audit(
            &mut tx,
            &AuditEntry::new(Some(reporter_id), "access_report.created")
                .subject(subject_id)
                .acting_for(acting_for)
                .organisation(&municipality),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Reports for these municipalities: open ones first, then newest first.
    pub async fn access_reports(&self, municipalities: &[&str]) -> Result<Vec<AccessReportRow>, sqlx::Error> {
        if municipalities.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = (1..=municipalities.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT x.id, x.created_at, x.note, x.state, s.name AS subject_name, a.at AS line_at, a.action AS line_action, \
             actor.name AS actor_name, COALESCE(m.name_ja, i.name_ja, f.name_ja) AS organisation_ja, \
             COALESCE(m.name_en, i.name_en, f.name_en) AS organisation_en \
             FROM access_reports x JOIN audit_log a ON a.id = x.audit_id JOIN people s ON s.id = x.subject_id \
             LEFT JOIN people actor ON actor.id = a.actor_id {ORGANISATION_NAMES} \
             WHERE x.municipality_id IN ({}) ORDER BY CASE WHEN x.state = 'open' THEN 0 ELSE 1 END, x.created_at DESC, x.id",
            marks.join(", ")
        );
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for m in municipalities {
            q = q.bind(*m);
        }
        q.fetch_all(self.pool()).await
    }

    /// Closes an open report of one of these municipalities; false when there is none.
    pub async fn close_access_report(
        &self,
        id: &str,
        officer_id: &str,
        municipality_id: &str,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let subject: Option<(String,)> = sqlx::query_as(
            "SELECT subject_id FROM access_reports WHERE id = $1 AND municipality_id = $2 AND state = 'open'",
        )
        .bind(id)
        .bind(municipality_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((subject,)) = subject else { return Ok(false) };
        sqlx::query("UPDATE access_reports SET state = 'closed', closed_at = $1, closed_by = $2 WHERE id = $3")
            .bind(now_ms())
            .bind(officer_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        append_audit(
            &mut tx,
            &AuditEntry::new(Some(officer_id), "access_report.closed").subject(&subject).organisation(municipality_id),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The municipality of a report, for an officer who may hold several.
    pub async fn access_report_municipality(&self, id: &str) -> Result<Option<String>, sqlx::Error> {
        let row: Option<(String,)> = sqlx::query_as("SELECT municipality_id FROM access_reports WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|r| r.0))
    }
}

//! What an officer deciding a certificate request needs besides the request itself: other unfinished requests
//! of the same person at the same insurer (a second request is often a duplicate or a correction).

use super::Store;

/// States in which a request still waits for the officer or for the applicant.
const UNFINISHED: &str = "('submitted', 'in_review', 'returned')";

/// Another unfinished request of the same person, as the request page links to it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OtherRequest {
    pub id: String,
    pub reference: String,
    #[sqlx(try_from = "String")]
    pub state: crate::requests::RequestState,
}

impl Store {
    /// For each request in the insurer's queue (sent or being checked), how many other unfinished certificate
    /// requests the same person has with the same insurer. Requests with none are left out.
    pub async fn queue_other_open_counts(&self, insurer_id: &str) -> Result<Vec<(String, i64)>, sqlx::Error> {
        let sql = format!(
            "SELECT r.id, (SELECT COUNT(*) FROM requests o WHERE o.subject_id = r.subject_id AND o.kind = 'certificate' \
             AND o.insurer_id = r.insurer_id AND o.id <> r.id AND o.state IN {UNFINISHED}) AS others \
             FROM requests r WHERE r.kind = 'certificate' AND r.insurer_id = $1 AND r.state IN ('submitted', 'in_review')"
        );
        let rows: Vec<(String, i64)> =
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(insurer_id).fetch_all(self.pool()).await?;
        Ok(rows.into_iter().filter(|(_, n)| *n > 0).collect())
    }

    /// The other unfinished certificate requests of the request's person with the request's insurer, oldest
    /// first. Only for officers of that insurer (the caller has checked).
    pub async fn other_unfinished_requests(&self, request_id: &str) -> Result<Vec<OtherRequest>, sqlx::Error> {
        let sql = format!(
            "SELECT o.id, o.reference, o.state FROM requests o JOIN requests r ON r.id = $1 \
             WHERE o.subject_id = r.subject_id AND o.kind = 'certificate' AND o.insurer_id = r.insurer_id \
             AND o.id <> r.id AND o.state IN {UNFINISHED} ORDER BY COALESCE(o.submitted_at, o.created_at), o.id"
        );
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(request_id).fetch_all(self.pool()).await
    }
}

//! What the officer home counts, counted in SQL: the home page must not load whole queues to show their sizes.

use super::Store;

/// The sizes of an officer's three queues. Each count uses the same conditions as its queue
/// (`review_queue`, `access_reports` open ones, `certificate_queue`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OfficeCounts {
    pub authorities_waiting: i64,
    pub open_reports: i64,
    pub certificates_waiting: i64,
}

impl Store {
    pub async fn office_counts(&self, municipalities: &[&str], insurers: &[&str]) -> Result<OfficeCounts, sqlx::Error> {
        let mut counts = OfficeCounts::default();
        if !municipalities.is_empty() {
            let marks = placeholders(municipalities.len());
            counts.authorities_waiting = self
                .count(
                    format!(
                        "SELECT COUNT(*) FROM representations r JOIN people w ON w.id = r.ward_id \
                         WHERE r.state = 'pending' AND w.municipality_id IN ({marks})"
                    ),
                    municipalities,
                )
                .await?;
            counts.open_reports = self
                .count(
                    format!("SELECT COUNT(*) FROM access_reports x WHERE x.state = 'open' AND x.municipality_id IN ({marks})"),
                    municipalities,
                )
                .await?;
        }
        if !insurers.is_empty() {
            let marks = placeholders(insurers.len());
            counts.certificates_waiting = self
                .count(
                    format!(
                        "SELECT COUNT(*) FROM requests r WHERE r.kind = 'certificate' \
                         AND r.state IN ('submitted', 'in_review') AND r.insurer_id IN ({marks})"
                    ),
                    insurers,
                )
                .await?;
        }
        Ok(counts)
    }

    async fn count(&self, sql: String, binds: &[&str]) -> Result<i64, sqlx::Error> {
        let mut q = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql));
        for b in binds {
            q = q.bind(*b);
        }
        q.fetch_one(self.pool()).await
    }
}

fn placeholders(n: usize) -> String {
    (1..=n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

//! Messages people leave through the contact page.

use super::{Store, new_id, now_ms};

pub struct NewFeedback<'a> {
    pub locale: &'a str,
    pub about_page: Option<&'a str>,
    pub reply_to: Option<&'a str>,
    pub message: &'a str,
}

#[derive(Debug, sqlx::FromRow)]
pub struct Feedback {
    pub id: String,
    pub created_at: i64,
    pub locale: String,
    pub about_page: Option<String>,
    pub reply_to: Option<String>,
    pub message: String,
}

impl Store {
    pub async fn save_feedback(&self, f: &NewFeedback<'_>) -> Result<String, sqlx::Error> {
        let id = new_id();
        sqlx::query(
            "INSERT INTO feedback (id, created_at, locale, about_page, reply_to, message) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(now_ms())
        .bind(f.locale)
        .bind(f.about_page)
        .bind(f.reply_to)
        .bind(f.message)
        .execute(self.pool())
        .await?;
        Ok(id)
    }

    pub async fn recent_feedback(&self, limit: i64) -> Result<Vec<Feedback>, sqlx::Error> {
        sqlx::query_as::<_, Feedback>(
            "SELECT id, created_at, locale, about_page, reply_to, message FROM feedback ORDER BY created_at DESC, id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await
    }
}

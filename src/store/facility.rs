//! Care facilities: their residents and the consent each resident gave for the facility to help them.

use super::accounts::{AuditEntry, append_audit};
use super::{Store, now_ms};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FacilityRow {
    pub id: String,
    pub name_ja: String,
    pub name_en: String,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ResidentRow {
    pub person_id: String,
    pub name: String,
    pub name_kana: String,
    pub birth_date: String,
    pub consent_recorded_at: Option<i64>,
    pub consent_recorded_by: Option<String>,
}

impl Store {
    pub async fn facility(&self, id: &str) -> Result<Option<FacilityRow>, sqlx::Error> {
        sqlx::query_as("SELECT id, name_ja, name_en FROM facilities WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await
    }

    /// The residents of a facility with their consent record (who recorded it, by name), by フリガナ.
    pub async fn facility_residents(&self, facility_id: &str) -> Result<Vec<ResidentRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT p.id AS person_id, p.name, p.name_kana, p.birth_date, f.consent_recorded_at, \
             s.name AS consent_recorded_by FROM facility_residents f JOIN people p ON p.id = f.person_id \
             LEFT JOIN people s ON s.id = f.consent_recorded_by WHERE f.facility_id = $1 ORDER BY p.name_kana, p.id",
        )
        .bind(facility_id)
        .fetch_all(self.pool())
        .await
    }

    /// Records (or withdraws) a resident's consent, with its audit line. False when the person is not a resident
    /// of this facility.
    pub async fn set_consent(
        &self,
        facility_id: &str,
        person_id: &str,
        staff_id: &str,
        given: bool,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let (at, by) = if given { (Some(now_ms()), Some(staff_id)) } else { (None, None) };
        let done = sqlx::query(
            "UPDATE facility_residents SET consent_recorded_at = $1, consent_recorded_by = $2 \
             WHERE facility_id = $3 AND person_id = $4",
        )
        .bind(at)
        .bind(by)
        .bind(facility_id)
        .bind(person_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        let action = if given { "facility.consent_recorded" } else { "facility.consent_withdrawn" };
        append_audit(&mut tx, &AuditEntry::new(Some(staff_id), action).subject(person_id).organisation(facility_id))
            .await?;
        tx.commit().await?;
        Ok(true)
    }
}

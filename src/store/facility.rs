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

    /// The people living at a facility today (not those who left) with their consent record (who recorded
    /// it, by name), by フリガナ.
    pub async fn facility_residents(&self, facility_id: &str) -> Result<Vec<ResidentRow>, sqlx::Error> {
        let lives_there = crate::access::sql::lives_there("f", "$2");
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT p.id AS person_id, p.name, p.name_kana, p.birth_date, f.consent_recorded_at, \
             s.name AS consent_recorded_by FROM facility_residents f JOIN people p ON p.id = f.person_id \
             LEFT JOIN people s ON s.id = f.consent_recorded_by WHERE f.facility_id = $1 AND {lives_there} \
             ORDER BY p.name_kana, p.id"
        )))
        .bind(facility_id)
        .bind(self.clock().today().to_string())
        .fetch_all(self.pool())
        .await
    }

    /// A resident a staff member may help today (the access policy's facility relationship: they work for
    /// the facility, the resident lives there and consents), for the pages about that resident.
    pub async fn resident_in_care(
        &self,
        facility_id: &str,
        person_id: &str,
        staff_id: &str,
    ) -> Result<Option<ResidentRow>, sqlx::Error> {
        let in_care = crate::access::sql::staff_of_facility(
            crate::access::sql::Params { viewer: "$3", today: "$4" },
            "f.facility_id",
            "f.person_id",
        );
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT p.id AS person_id, p.name, p.name_kana, p.birth_date, f.consent_recorded_at, \
             s.name AS consent_recorded_by FROM facility_residents f JOIN people p ON p.id = f.person_id \
             LEFT JOIN people s ON s.id = f.consent_recorded_by WHERE f.facility_id = $1 AND f.person_id = $2 \
             AND {in_care}"
        )))
        .bind(facility_id)
        .bind(person_id)
        .bind(staff_id)
        .bind(self.clock().today().to_string())
        .fetch_optional(self.pool())
        .await
    }

    /// Records that a resident left the facility on `left_on` (YYYY-MM-DD): from that day its staff no longer
    /// see their records. With its audit line; false when they are not a resident living there.
    pub async fn record_departure(
        &self,
        facility_id: &str,
        person_id: &str,
        staff_id: &str,
        left_on: &str,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let done = sqlx::query(
            "UPDATE facility_residents SET left_on = $1 WHERE facility_id = $2 AND person_id = $3 AND left_on IS NULL",
        )
        .bind(left_on)
        .bind(facility_id)
        .bind(person_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        append_audit(
            &mut tx,
            &AuditEntry::new(Some(staff_id), "facility.resident_left").subject(person_id).organisation(facility_id),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Records (or withdraws) a resident's consent, with its audit line. False when the person does not live at
    /// this facility (never did, or left).
    pub async fn set_consent(
        &self,
        facility_id: &str,
        person_id: &str,
        staff_id: &str,
        given: bool,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let (at, by) = if given { (Some(now_ms()), Some(staff_id)) } else { (None, None) };
        let lives_there = crate::access::sql::lives_there("facility_residents", "$5");
        let done = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE facility_residents SET consent_recorded_at = $1, consent_recorded_by = $2 \
             WHERE facility_id = $3 AND person_id = $4 AND {lives_there}"
        )))
        .bind(at)
        .bind(by)
        .bind(facility_id)
        .bind(person_id)
        .bind(self.clock().today().to_string())
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

//! Municipalities, insurers and facilities, and the staff who work for them.

use sqlx::AnyConnection;

use super::accounts::{AuditEntry, append_audit};
use super::{Store, new_id, now_ms};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Organisation {
    pub id: String,
    /// `municipality`, `insurer` or `facility`.
    pub kind: String,
    pub name_ja: String,
    pub name_en: String,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StaffRow {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub role: String,
    pub organisation_id: String,
    pub passkeys: i64,
}

pub struct NewStaff<'a> {
    pub name: &'a str,
    pub name_kana: &'a str,
    pub email: &'a str,
    pub role: &'a str,
    pub organisation_id: &'a str,
    pub locale: &'a str,
}

impl Store {
    pub async fn organisations(&self) -> Result<Vec<Organisation>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, 'municipality' AS kind, name_ja, name_en FROM municipalities \
             UNION ALL SELECT id, 'insurer' AS kind, name_ja, name_en FROM insurers \
             UNION ALL SELECT id, 'facility' AS kind, name_ja, name_en FROM facilities ORDER BY kind, name_ja",
        )
        .fetch_all(self.pool())
        .await
    }

    pub async fn create_municipality(
        &self,
        id: &str,
        code: &str,
        name_ja: &str,
        name_en: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO municipalities (id, code, name_ja, name_en, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(id)
            .bind(code)
            .bind(name_ja)
            .bind(name_en)
            .bind(now_ms())
            .execute(self.pool())
            .await
            .map(|_| ())
    }

    pub async fn create_facility(
        &self,
        id: &str,
        name_ja: &str,
        name_en: &str,
        municipality_id: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO facilities (id, name_ja, name_en, kind, municipality_id, created_at) VALUES ($1, $2, $3, 'care_home', $4, $5)",
        )
        .bind(id)
        .bind(name_ja)
        .bind(name_en)
        .bind(municipality_id)
        .bind(now_ms())
        .execute(self.pool())
        .await
        .map(|_| ())
    }

    /// Registers a person as living in a facility (no consent recorded yet).
    pub async fn add_facility_resident(&self, facility_id: &str, person_id: &str) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO facility_residents (facility_id, person_id) VALUES ($1, $2)")
            .bind(facility_id)
            .bind(person_id)
            .execute(self.pool())
            .await
            .map(|_| ())
    }

    pub async fn staff(&self) -> Result<Vec<StaffRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT p.id, p.name, p.email, r.role, r.organisation_id, \
             (SELECT COUNT(*) FROM passkeys k WHERE k.person_id = p.id) AS passkeys \
             FROM people p JOIN roles r ON r.person_id = p.id WHERE r.role <> 'resident' ORDER BY r.role, p.name_kana, p.id",
        )
        .fetch_all(self.pool())
        .await
    }
}

/// Creates a staff member and their role on the caller's connection (the invitation goes in the same
/// transaction). Returns the new person's id.
pub async fn create_staff(
    conn: &mut AnyConnection,
    s: &NewStaff<'_>,
    created_by: Option<&str>,
) -> Result<String, sqlx::Error> {
    let id = new_id();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO people (id, name, name_kana, birth_date, email, preferred_locale, created_at) VALUES ($1, $2, $3, '', $4, $5, $6)",
    )
    .bind(&id)
    .bind(s.name)
    .bind(s.name_kana)
    .bind(s.email)
    .bind(s.locale)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query("INSERT INTO roles (person_id, role, organisation_id, created_at) VALUES ($1, $2, $3, $4)")
        .bind(&id)
        .bind(s.role)
        .bind(s.organisation_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    append_audit(
        conn,
        &AuditEntry::new(created_by, "staff.created").subject(&id).organisation(s.organisation_id).detail(s.role),
    )
    .await?;
    Ok(id)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct InsurerRow {
    pub id: String,
    pub number: String,
    pub name_ja: String,
    pub name_en: String,
    pub name_easy: String,
    pub phone: String,
}

impl InsurerRow {
    pub fn name(&self) -> crate::i18n::names::LocalName<'_> {
        crate::i18n::names::LocalName { ja: &self.name_ja, en: &self.name_en, easy: &self.name_easy }
    }
}

/// The name of an organisation someone works for, in its three forms.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OrganisationName {
    pub name_ja: String,
    pub name_en: String,
    pub name_easy: String,
}

impl OrganisationName {
    pub fn name(&self) -> crate::i18n::names::LocalName<'_> {
        crate::i18n::names::LocalName { ja: &self.name_ja, en: &self.name_en, easy: &self.name_easy }
    }
}

impl Store {
    /// The municipalities and insurers a person works for as an officer, for the header of every page they see.
    pub async fn officer_organisations(&self, person_id: &str) -> Result<Vec<OrganisationName>, sqlx::Error> {
        sqlx::query_as(
            "SELECT m.name_ja, m.name_en, '' AS name_easy FROM roles r JOIN municipalities m ON m.id = r.organisation_id \
             WHERE r.person_id = $1 AND r.role = 'municipal_officer' \
             UNION ALL SELECT i.name_ja, i.name_en, i.name_easy FROM roles r JOIN insurers i ON i.id = r.organisation_id \
             WHERE r.person_id = $1 AND r.role = 'insurer_officer' ORDER BY name_ja",
        )
        .bind(person_id)
        .fetch_all(self.pool())
        .await
    }
}

/// A resident of a facility this staff member works for, with recorded consent.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FacilityResidentRow {
    pub person_id: String,
    pub name: String,
    pub facility_id: String,
}

impl Store {
    pub async fn insurers(&self) -> Result<Vec<InsurerRow>, sqlx::Error> {
        sqlx::query_as("SELECT id, number, name_ja, name_en, name_easy, phone FROM insurers ORDER BY number")
            .fetch_all(self.pool())
            .await
    }

    pub async fn insurer_by_number(&self, number: &str) -> Result<Option<InsurerRow>, sqlx::Error> {
        sqlx::query_as("SELECT id, number, name_ja, name_en, name_easy, phone FROM insurers WHERE number = $1")
            .bind(number)
            .fetch_optional(self.pool())
            .await
    }

    /// The residents a staff member may file for: those of their facilities who live there today and consent
    /// (the access policy's facility relationship).
    pub async fn residents_with_consent(&self, staff_id: &str) -> Result<Vec<FacilityResidentRow>, sqlx::Error> {
        let counts = crate::access::sql::residence_counts("fr", "$2");
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT p.id AS person_id, p.name, fr.facility_id FROM facility_residents fr \
             JOIN roles ro ON ro.organisation_id = fr.facility_id AND ro.person_id = $1 AND ro.role IN ('facility_admin', 'facility_staff') \
             JOIN people p ON p.id = fr.person_id WHERE {counts} ORDER BY p.name_kana, p.id"
        )))
        .bind(staff_id)
        .bind(self.clock().today().to_string())
        .fetch_all(self.pool())
        .await
    }
}

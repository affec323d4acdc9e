//! The access policy as SQL: one builder per relationship of [`super::Relationship`], each a condition a
//! store query puts in its `WHERE`, and [`visible`] composing them for one kind of record. The same rules as
//! [`super::grants`], for both databases (`$n` placeholders, TEXT dates, `||` for strings).
//!
//! Every builder takes the placeholders the query binds the viewer and today's date (JST, from
//! [`super::today`]) to, and SQL expressions naming the record's columns in the query's own aliases. Nothing
//! typed by a person goes into the text: column names and scope codes come from the code.

use super::{Organisation, RecordKind};
#[cfg(test)]
use chrono::NaiveDate;

/// The placeholders the query binds: the person looking (`$1`, …) and today's date (`YYYY-MM-DD`).
#[derive(Clone, Copy, Debug)]
pub struct Params<'a> {
    pub viewer: &'a str,
    pub today: &'a str,
}

/// Where a record keeps what the policy looks at, as SQL expressions in the query's aliases.
#[derive(Clone, Copy, Debug)]
pub struct Record<'a> {
    pub kind: RecordKind,
    /// The person the record is about (`r.subject_id`).
    pub subject: &'a str,
    /// The organisation whose business it is: the record's insurer for insurer kinds (`r.insurer_id`), the
    /// subject's municipality for municipal kinds (see [`subjects_municipality`]).
    pub organisation: &'a str,
}

/// The viewer is the subject.
pub fn subject(p: Params, subject: &str) -> String {
    format!("{subject} = {}", p.viewer)
}

/// The authority `alias` (a `representations` row) counts today: approved, its start has come, its end date
/// has not passed (the end date itself still counts). Scope aside: enough to act for the ward at all.
pub fn authority_in_term(alias: &str, today: &str) -> String {
    format!(
        "{alias}.state = 'approved' AND ({alias}.starts_on IS NULL OR {alias}.starts_on <= {today}) \
         AND ({alias}.ends_on IS NULL OR {alias}.ends_on >= {today})"
    )
}

/// The authority `alias` counts today and its scope (a comma-separated list) names `kind`'s scope.
pub fn authority_covers(alias: &str, kind: RecordKind, today: &str) -> String {
    let code = crate::store::like_literal(kind.scope().code());
    format!("{} AND (',' || {alias}.scope || ',') LIKE '%,{code},%' ESCAPE '\\'", authority_in_term(alias, today))
}

/// The viewer represents the subject with an authority covering `kind` today.
pub fn representative(p: Params, subject: &str, kind: RecordKind) -> String {
    format!(
        "EXISTS (SELECT 1 FROM representations ax_rp WHERE ax_rp.representative_id = {viewer} \
         AND ax_rp.ward_id = {subject} AND {covers})",
        viewer = p.viewer,
        covers = authority_covers("ax_rp", kind, p.today)
    )
}

/// The viewer represents the subject with any authority in term (the access log, acting for them).
pub fn representative_in_term(p: Params, subject: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM representations ax_rp WHERE ax_rp.representative_id = {viewer} \
         AND ax_rp.ward_id = {subject} AND {in_term})",
        viewer = p.viewer,
        in_term = authority_in_term("ax_rp", p.today)
    )
}

/// The resident of `alias` (a `facility_residents` row) lives there today: they have not left (from the day
/// they leave, they no longer do).
pub fn lives_there(alias: &str, today: &str) -> String {
    format!("({alias}.left_on IS NULL OR {alias}.left_on > {today})")
}

/// The residence `alias` counts today: consent recorded and not withdrawn, and the resident lives there.
pub fn residence_counts(alias: &str, today: &str) -> String {
    format!("{alias}.consent_recorded_at IS NOT NULL AND {}", lives_there(alias, today))
}

/// The roles that work for a facility.
const FACILITY_ROLES: &str = "('facility_admin', 'facility_staff')";

/// The viewer works for a facility where the subject lives today and consents. Staff who joined later are
/// covered too; nobody is after the consent is withdrawn or the resident leaves.
pub fn facility_staff(p: Params, subject: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM facility_residents ax_fr JOIN roles ax_ro ON ax_ro.organisation_id = ax_fr.facility_id \
         WHERE ax_ro.person_id = {viewer} AND ax_ro.role IN {FACILITY_ROLES} AND ax_fr.person_id = {subject} \
         AND {counts})",
        viewer = p.viewer,
        counts = residence_counts("ax_fr", p.today)
    )
}

/// The viewer works for the facility `facility` (an expression), where the subject lives today and consents.
pub fn staff_of_facility(p: Params, facility: &str, subject: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM facility_residents ax_fr JOIN roles ax_ro ON ax_ro.organisation_id = ax_fr.facility_id \
         WHERE ax_ro.person_id = {viewer} AND ax_ro.role IN {FACILITY_ROLES} AND ax_fr.facility_id = {facility} \
         AND ax_fr.person_id = {subject} AND {counts})",
        viewer = p.viewer,
        counts = residence_counts("ax_fr", p.today)
    )
}

/// The viewer is an officer of `organisation` (an expression naming an insurer or a municipality).
pub fn officer(p: Params, kind: Organisation, organisation: &str) -> String {
    let role = match kind {
        Organisation::Insurer => "insurer_officer",
        Organisation::Municipality => "municipal_officer",
    };
    format!(
        "EXISTS (SELECT 1 FROM roles ax_of WHERE ax_of.person_id = {viewer} AND ax_of.role = '{role}' \
         AND ax_of.organisation_id = {organisation})",
        viewer = p.viewer
    )
}

/// The municipality the subject lives in, for records of municipal kinds that do not keep their own.
pub fn subjects_municipality(subject: &str) -> String {
    format!("(SELECT ax_p.municipality_id FROM people ax_p WHERE ax_p.id = {subject})")
}

/// The subject's side of a record: the subject, their representatives whose authority covers its kind today,
/// and staff of a facility where they live and consent.
pub fn subject_side(p: Params, r: Record) -> String {
    format!(
        "({} OR {} OR {})",
        subject(p, r.subject),
        representative(p, r.subject, r.kind),
        facility_staff(p, r.subject)
    )
}

/// The organisation's side of a record: officers of the organisation whose business its kind is.
pub fn organisation_side(p: Params, r: Record) -> String {
    officer(p, r.kind.organisation(), r.organisation)
}

/// Everyone who may see the record: its subject's side and its organisation's side. Anyone else, and
/// administrators, get nothing.
pub fn visible(p: Params, r: Record) -> String {
    format!("({} OR {})", subject_side(p, r), organisation_side(p, r))
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: Params = Params { viewer: "$1", today: "$9" };

    #[test]
    fn a_certificate_request_is_the_subjects_side_and_its_insurers_officers() {
        let r = Record {
            kind: RecordKind::QualificationCertificate,
            subject: "r.subject_id",
            organisation: "r.insurer_id",
        };
        let sql = visible(P, r);
        assert!(sql.contains("r.subject_id = $1"));
        assert!(sql.contains("'%,qualification\\_certificate,%' ESCAPE '\\'"), "{sql}");
        assert!(sql.contains("ax_rp.ends_on >= $9"));
        assert!(sql.contains("ax_rp.starts_on <= $9"));
        assert!(sql.contains("ax_fr.consent_recorded_at IS NOT NULL"));
        assert!(sql.contains("ax_fr.left_on > $9"));
        assert!(sql.contains("role = 'insurer_officer' AND ax_of.organisation_id = r.insurer_id"));
        assert!(!sql.contains("municipal_officer"), "certificates are not the municipality's business");
        assert!(!sql.contains("'admin'"), "administrators are on no side");
    }

    #[test]
    fn a_municipal_kind_is_its_municipalitys_officers_business() {
        let m = subjects_municipality("b.subject_id");
        let r = Record { kind: RecordKind::CardApplication, subject: "b.subject_id", organisation: &m };
        let sql = organisation_side(P, r);
        assert!(sql.contains("'municipal_officer'"));
        assert!(sql.contains("ax_p.id = b.subject_id"));
        assert!(!sql.contains("insurer_officer"));
    }

    /// The SQL and `grants` are one policy: on a real database, each builder answers as the pure function does
    /// for every state of every relationship.
    #[tokio::test]
    async fn the_sql_answers_as_the_policy_does_in_every_state() {
        use super::super::{Authority, AuthorityState, Relationship, Residence, grants};
        use crate::domain::proxy::Scope;
        let store = crate::store::Store::connect("sqlite::memory:", 1).await.unwrap();
        store.migrate().await.unwrap();
        let pool = store.pool();
        for sql in [
            "INSERT INTO municipalities (id, code, name_ja, name_en, created_at) VALUES ('m', '000000', 'm', 'm', 0)",
            "INSERT INTO facilities (id, name_ja, name_en, kind, municipality_id, created_at) VALUES ('f', 'f', 'f', 'care_home', 'm', 0)",
            "INSERT INTO people (id, name, name_kana, birth_date, created_at) VALUES ('v', 'v', 'v', '', 0), ('w', 'w', 'w', '', 0)",
            "INSERT INTO roles (person_id, role, organisation_id, created_at) VALUES ('v', 'facility_staff', 'f', 0)",
        ] {
            sqlx::query(sql).execute(pool).await.unwrap();
        }
        let today: NaiveDate = "2026-12-03".parse().unwrap();
        let days = [None, Some("2026-12-02"), Some("2026-12-03"), Some("2026-12-04")];
        let p = Params { viewer: "$1", today: "$2" };
        let answer = |sql: String| async move {
            let (yes,): (i64,) =
                sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT CASE WHEN {sql} THEN 1 ELSE 0 END")))
                    .bind("v")
                    .bind(today.to_string())
                    .fetch_one(pool)
                    .await
                    .unwrap();
            yes == 1
        };
        let mut checked = 0;
        for state in ["pending", "approved", "declined", "ended"] {
            for starts in days {
                for ends in days {
                    for scope in
                        [vec![Scope::QualificationCertificate], vec![Scope::CardApplication], Scope::ALL.to_vec()]
                    {
                        sqlx::query("DELETE FROM representations").execute(pool).await.unwrap();
                        sqlx::query(
                            "INSERT INTO representations (id, representative_id, ward_id, relationship, state, created_at, \
                             scope, starts_on, ends_on) VALUES ('a', 'v', 'w', 'family', $1, 0, $2, $3, $4)",
                        )
                        .bind(state)
                        .bind(Scope::to_list(&scope))
                        .bind(starts)
                        .bind(ends)
                        .execute(pool)
                        .await
                        .unwrap();
                        let authority = Authority {
                            state: AuthorityState::from_code(state).unwrap(),
                            starts_on: starts.map(|d| d.parse().unwrap()),
                            ends_on: ends.map(|d| d.parse().unwrap()),
                            scope,
                        };
                        for kind in RecordKind::ALL {
                            let expected = grants(&Relationship::Representative(authority.clone()), kind, today);
                            assert_eq!(
                                answer(representative(p, "'w'", kind)).await,
                                expected,
                                "{authority:?} {kind:?}"
                            );
                        }
                        let in_term =
                            format!("EXISTS (SELECT 1 FROM representations r WHERE {})", authority_in_term("r", "$2"));
                        assert_eq!(answer(in_term).await, authority.in_term(today), "{authority:?}");
                        checked += 1;
                    }
                }
            }
        }
        for consent in [None, Some(1_i64)] {
            for left in days {
                sqlx::query("DELETE FROM facility_residents").execute(pool).await.unwrap();
                sqlx::query(
                    "INSERT INTO facility_residents (facility_id, person_id, consent_recorded_at, left_on) VALUES ('f', 'w', $1, $2)",
                )
                .bind(consent)
                .bind(left)
                .execute(pool)
                .await
                .unwrap();
                let residence = Residence { left_on: left.map(|d| d.parse().unwrap()), consent: consent.is_some() };
                let expected =
                    grants(&Relationship::FacilityStaff(residence), RecordKind::QualificationCertificate, today);
                assert_eq!(answer(facility_staff(p, "'w'")).await, expected, "{residence:?}");
                assert_eq!(answer(staff_of_facility(p, "'f'", "'w'")).await, expected, "{residence:?}");
                checked += 1;
            }
        }
        assert_eq!(checked, 4 * 4 * 4 * 3 + 2 * 4);
    }
}

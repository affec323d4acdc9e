//! A large demo dataset for load tests (`madoguchi demo-data --scale N`): N certificate requests in every state,
//! with their timelines, for N/2 made-up residents (each with an enrolment record, some acting for a ward, some
//! living at the care facility) and a certificate for every issued request. Everything is written with
//! multi-row INSERTs, many thousands of rows a transaction, so a million requests take minutes on SQLite and
//! PostgreSQL. It builds on the ordinary demo data (its municipality, insurers, facility and officers), which it
//! loads first. Every person it makes is marked as demo data and has no e-mail address (so no mail goes out and
//! the demo sign-in list stays short).

use sqlx::AnyConnection;

use super::{Backend, Store, now_ms, today_jst};
use crate::crypto::SecretKey;
use crate::requests::RequestState;
use crate::requests::certificate::{CertificateAnswers, Contact, DECLINE_REASONS, Delivery, Reason};

const LOADED: &str = "demo_scale_loaded";
const DAY_MS: i64 = 86_400_000;
/// Requests written per transaction (with their people, timelines and certificates).
const REQUESTS_PER_TRANSACTION: usize = 20_000;
/// Bound values per statement: under SQLite's 32,766 and PostgreSQL's 65,535.
const VALUES_PER_STATEMENT: usize = 30_000;

const FAMILY: &[(&str, &str)] = &[
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
];
const GIVEN: &[(&str, &str)] = &[
    ("太郎", "タロウ"),
    ("花子", "ハナコ"),
    ("一郎", "イチロウ"),
    ("美咲", "ミサキ"),
    ("健", "ケン"),
    ("陽子", "ヨウコ"),
    ("翔", "ショウ"),
];

/// What `--scale` made, for the command's message and the tests.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ScaleCounts {
    pub people: u64,
    pub requests: u64,
    pub events: u64,
    pub certificates: u64,
    pub enrolments: u64,
    pub representations: u64,
    pub facility_residents: u64,
}

/// One bound value of a generated row.
enum Cell {
    Text(Option<String>),
    Int(Option<i64>),
}

fn t(s: impl Into<String>) -> Cell {
    Cell::Text(Some(s.into()))
}

fn i(n: i64) -> Cell {
    Cell::Int(Some(n))
}

/// Rows for one table, written in as few statements as the parameter limits allow.
struct Rows {
    insert: &'static str,
    columns: usize,
    cells: Vec<Cell>,
}

impl Rows {
    fn new(insert: &'static str, columns: usize) -> Rows {
        Rows { insert, columns, cells: Vec::new() }
    }

    fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns);
        self.cells.extend(row);
    }

    fn len(&self) -> u64 {
        (self.cells.len() / self.columns) as u64
    }

    async fn write(self, conn: &mut AnyConnection) -> Result<u64, sqlx::Error> {
        let total = self.len();
        let backend = Backend::of(conn);
        let per_statement = (VALUES_PER_STATEMENT / self.columns) * self.columns;
        let mut cells = self.cells.into_iter().peekable();
        while cells.peek().is_some() {
            let chunk: Vec<Cell> = cells.by_ref().take(per_statement).collect();
            let sql = format!(
                "{} VALUES {}",
                self.insert,
                super::values_placeholders(backend, chunk.len() / self.columns, self.columns)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for cell in chunk {
                q = match cell {
                    Cell::Text(v) => q.bind(v),
                    Cell::Int(v) => q.bind(v),
                };
            }
            q.execute(&mut *conn).await?;
        }
        Ok(total)
    }
}

/// An insurer of the demo data, as the generated requests name it.
#[derive(sqlx::FromRow)]
struct Insurer {
    id: String,
    number: String,
    name_ja: String,
    officer_id: Option<String>,
}

/// One line of a generated timeline: actor, their role, event, from state, to state, detail.
type Step<'a> = (Option<String>, &'a str, &'a str, Option<&'a str>, &'a str, &'a str);

/// The state of generated request `j`: every state in turn.
fn state_of(j: u64) -> RequestState {
    RequestState::ALL[(j % RequestState::ALL.len() as u64) as usize]
}

/// The made-up resident number `p`: a name, reading and birth date that vary, and the insurer they belong to.
struct Person {
    id: String,
    name: String,
    name_kana: String,
    birth_date: String,
}

fn person(p: u64) -> Person {
    let (family, family_kana) = FAMILY[(p % FAMILY.len() as u64) as usize];
    let (given, given_kana) = GIVEN[((p / FAMILY.len() as u64) % GIVEN.len() as u64) as usize];
    Person {
        id: format!("sc-{p:07}"),
        name: format!("{family} {given}"),
        name_kana: format!("{family_kana} {given_kana}"),
        birth_date: format!("{}-{:02}-{:02}", 1940 + p % 80, 1 + p % 12, 1 + p % 28),
    }
}

/// The ward of resident `p`, if they act for one: every fiftieth resident acts for the one before them.
fn ward_of(p: u64) -> Option<u64> {
    (p % 50 == 1).then(|| p - 1)
}

/// Who acts for resident `p`, if anyone.
fn representative_of(p: u64, people: u64) -> Option<u64> {
    (p.is_multiple_of(50) && p + 1 < people).then_some(p + 1)
}

impl Store {
    /// Adds the large demo dataset for `requests` requests, once (again, it adds nothing and returns `None`).
    /// Loads the ordinary demo data first if it is not there.
    pub async fn load_scale_data(&self, key: &SecretKey, requests: u64) -> Result<Option<ScaleCounts>, sqlx::Error> {
        self.load_demo_data(key).await?;
        let done: Option<(String,)> =
            sqlx::query_as("SELECT value FROM meta WHERE key = $1").bind(LOADED).fetch_optional(self.pool()).await?;
        if done.is_some() || requests == 0 {
            return Ok(None);
        }
        let insurers: Vec<Insurer> = sqlx::query_as(
            "SELECT i.id, i.number, i.name_ja, \
               (SELECT MIN(r.person_id) FROM roles r WHERE r.role = 'insurer_officer' AND r.organisation_id = i.id) \
               AS officer_id \
             FROM insurers i ORDER BY i.id",
        )
        .fetch_all(self.pool())
        .await?;
        let (municipality,): (String,) =
            sqlx::query_as("SELECT MIN(id) FROM municipalities").fetch_one(self.pool()).await?;
        let facility: Option<(String,)> =
            sqlx::query_as("SELECT id FROM facilities ORDER BY id LIMIT 1").fetch_optional(self.pool()).await?;
        if insurers.is_empty() {
            return Err(sqlx::Error::Protocol("the demo data has no insurer".into()));
        }
        let people = (requests / 2).max(1);
        let plan = Plan {
            key,
            insurers: &insurers,
            municipality: &municipality,
            facility: facility.map(|f| f.0),
            people,
            requests,
            now: now_ms(),
            today: today_jst(),
        };
        let mut counts = ScaleCounts::default();
        let mut start = 0;
        while start < requests.max(people) {
            let end = (start + REQUESTS_PER_TRANSACTION as u64).min(requests.max(people));
            let mut tx = self.pool().begin().await?;
            plan.people(start..end.min(people), &mut tx, &mut counts).await?;
            plan.requests(start..end.min(requests), &mut tx, &mut counts).await?;
            tx.commit().await?;
            start = end;
        }
        sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2)")
            .bind(LOADED)
            .bind(requests.to_string())
            .execute(self.pool())
            .await?;
        Ok(Some(counts))
    }
}

/// What every generated row is made from.
struct Plan<'a> {
    key: &'a SecretKey,
    insurers: &'a [Insurer],
    municipality: &'a str,
    facility: Option<String>,
    people: u64,
    requests: u64,
    now: i64,
    today: chrono::NaiveDate,
}

impl Plan<'_> {
    fn insurer_of(&self, p: u64) -> &Insurer {
        &self.insurers[(p % self.insurers.len() as u64) as usize]
    }

    fn day(&self, ago: u64) -> String {
        (self.today - chrono::Days::new(ago)).to_string()
    }

    async fn people(
        &self,
        range: std::ops::Range<u64>,
        conn: &mut AnyConnection,
        counts: &mut ScaleCounts,
    ) -> Result<(), sqlx::Error> {
        let mut people = Rows::new(
            "INSERT INTO people (id, name, name_kana, birth_date, postal_code, address, municipality_id, \
             preferred_locale, created_at, demo)",
            10,
        );
        let mut roles = Rows::new("INSERT INTO roles (person_id, role, organisation_id, created_at)", 4);
        let mut enrolments = Rows::new(
            "INSERT INTO enrolments (id, insurer_id, symbol, number, branch, name, name_kana, birth_date, person_id, \
             postal_code, address, qualified_on, notified_on, via_employer, registered_on, card_registered, \
             created_at, updated_at)",
            18,
        );
        let mut representations = Rows::new(
            "INSERT INTO representations (id, representative_id, ward_id, relationship, state, created_at)",
            6,
        );
        let mut residents =
            Rows::new("INSERT INTO facility_residents (facility_id, person_id, consent_recorded_at)", 3);
        for p in range {
            let who = person(p);
            let locale = ["ja", "ja-easy", "en"][(p % 3) as usize];
            people.push(vec![
                t(&who.id),
                t(&who.name),
                t(&who.name_kana),
                t(&who.birth_date),
                t("9990001"),
                t("あおば市中央1-2-3"),
                t(self.municipality),
                t(locale),
                i(self.now),
                i(1),
            ]);
            roles.push(vec![t(&who.id), t("resident"), t(""), i(self.now)]);
            // Qualified up to two months ago; notified days later; most registered, some late, some waiting.
            let qualified = 5 + p % 60;
            let notified = qualified - 1 - p % 4;
            let registered = (p % 5 != 0).then(|| self.day(notified.saturating_sub(p % 9)));
            let (symbol, number) = insured_numbers(p);
            enrolments.push(vec![
                t(format!("sc-enr-{p:07}")),
                t(&self.insurer_of(p).id),
                t(symbol),
                t(number),
                t(""),
                t(&who.name),
                t(&who.name_kana),
                t(&who.birth_date),
                t(&who.id),
                t("9990001"),
                t("あおば市中央1-2-3"),
                t(self.day(qualified)),
                t(self.day(notified)),
                i((p % 2) as i64),
                Cell::Text(registered),
                i((p % 3 == 0) as i64),
                i(self.now),
                i(self.now),
            ]);
            if let Some(ward) = ward_of(p) {
                representations.push(vec![
                    t(format!("sc-rep-{p:07}")),
                    t(&who.id),
                    t(person(ward).id),
                    t("adult_guardian"),
                    t("approved"),
                    i(self.now),
                ]);
            }
            if let Some(facility) = self.facility.as_deref().filter(|_| p % 100 == 2) {
                residents.push(vec![t(facility), t(&who.id), i(self.now)]);
            }
        }
        // People first: the other rows refer to them (a ward is always made before the one acting for them).
        counts.people += people.write(conn).await?;
        roles.write(conn).await?;
        counts.enrolments += enrolments.write(conn).await?;
        counts.representations += representations.write(conn).await?;
        counts.facility_residents += residents.write(conn).await?;
        Ok(())
    }

    async fn requests(
        &self,
        range: std::ops::Range<u64>,
        conn: &mut AnyConnection,
        counts: &mut ScaleCounts,
    ) -> Result<(), sqlx::Error> {
        let mut requests = Rows::new(
            "INSERT INTO requests (id, reference, kind, state, subject_id, filed_by, filed_as, municipality_id, \
             insurer_id, reason, answers, decision_reason, created_at, updated_at, submitted_at, subject_birth_date)",
            16,
        );
        let mut events = Rows::new(
            "INSERT INTO request_events (id, request_id, at, actor_id, actor_role, event, from_state, to_state, \
             detail)",
            9,
        );
        let mut certificates = Rows::new(
            "INSERT INTO certificates (id, request_id, person_id, insurer_id, name, name_kana, birth_date, symbol, \
             number, branch, insurer_number, insurer_name, issued_on, valid_from, valid_until, delivery, code, \
             revoked_at, created_at)",
            19,
        );
        for j in range {
            let p = j % self.people;
            let who = person(p);
            let insurer = self.insurer_of(p);
            let state = state_of(j);
            let representative = representative_of(p, self.people);
            let filed_by = representative.map(|r| person(r).id).unwrap_or_else(|| who.id.clone());
            let (symbol, number) = insured_numbers(p);
            let reason = Reason::ALL[(j % Reason::ALL.len() as u64) as usize];
            let answers = CertificateAnswers {
                for_whom: Some(who.id.clone()),
                reason: Some(reason),
                insurer_id: Some(insurer.id.clone()),
                insurer_number: Some(insurer.number.clone()),
                symbol: Some(symbol.clone()),
                number: Some(number.clone()),
                branch: None,
                name: Some(who.name.clone()),
                name_kana: Some(who.name_kana.clone()),
                birth_date: Some(who.birth_date.clone()),
                delivery: Some(Delivery::Post),
                postal_code: Some("9990001".parse().expect("a postal code")),
                address: Some("あおば市中央1-2-3".to_string()),
                contact: Some(Contact::Post),
                phone: None,
            };
            // Spread over the last year; each step of the timeline an hour after the one before.
            let created = self.now - ((j * 7919) % 365) as i64 * DAY_MS - 4 * 3_600_000;
            let id = format!("sc-req-{j:08}");
            let requester = || Some(filed_by.clone());
            let officer = || insurer.officer_id.clone();
            use RequestState::*;
            let mut timeline: Vec<Step> = vec![(requester(), "requester", "created", None, "draft", "")];
            if state != Draft {
                timeline.push((requester(), "requester", "submitted", Some("draft"), "submitted", ""));
            }
            if matches!(state, InReview | Issued | Declined | Returned) {
                timeline.push((officer(), "officer", "in_review", Some("submitted"), "in_review", ""));
            }
            match state {
                Issued => timeline.push((officer(), "officer", "issued", Some("in_review"), "issued", "")),
                Declined => timeline.push((officer(), "officer", "declined", Some("in_review"), "declined", "")),
                Returned => timeline.push((
                    officer(),
                    "officer",
                    "returned",
                    Some("in_review"),
                    "returned",
                    "numbers-not-found",
                )),
                Withdrawn => timeline.push((requester(), "requester", "withdrawn", Some("submitted"), "withdrawn", "")),
                _ => {}
            }
            let updated = created + (timeline.len() as i64 - 1) * 3_600_000;
            requests.push(vec![
                t(&id),
                t(crate::domain::ReferenceNumber::from_serial((1 << 39) + j).compact()),
                t("certificate"),
                t(state.code()),
                t(&who.id),
                t(&filed_by),
                t(if representative.is_some() { "representative" } else { "self" }),
                t(self.municipality),
                t(&insurer.id),
                t(reason.code()),
                t(serde_json::to_string(&answers).expect("answers serialise")),
                Cell::Text(match state {
                    Issued => Some(String::new()),
                    Declined => Some(DECLINE_REASONS[(j % DECLINE_REASONS.len() as u64) as usize].to_string()),
                    _ => None,
                }),
                i(created),
                i(updated),
                Cell::Int((state != Draft).then_some(created + 3_600_000)),
                t(&who.birth_date),
            ]);
            for (n, (actor, role, event, from, to, detail)) in timeline.into_iter().enumerate() {
                events.push(vec![
                    t(format!("{id}-{n}")),
                    t(&id),
                    i(created + n as i64 * 3_600_000),
                    Cell::Text(actor),
                    t(role),
                    t(event),
                    Cell::Text(from.map(str::to_string)),
                    t(to),
                    t(detail),
                ]);
            }
            if state == Issued {
                let issued_on = (chrono::DateTime::from_timestamp_millis(updated).expect("a time")
                    + chrono::Duration::hours(9))
                .date_naive();
                let certificate = format!("sc-cert-{j:08}");
                // Only a person's latest issued certificate is in force; earlier ones were replaced.
                let later_issued = (1..)
                    .map(|round| j + round * self.people)
                    .take_while(|later| *later < self.requests)
                    .any(|later| state_of(later) == Issued);
                certificates.push(vec![
                    t(&certificate),
                    t(&id),
                    t(&who.id),
                    t(&insurer.id),
                    t(&who.name),
                    t(&who.name_kana),
                    t(&who.birth_date),
                    t(symbol),
                    t(number),
                    t(""),
                    t(&insurer.number),
                    t(&insurer.name_ja),
                    t(issued_on.to_string()),
                    t(issued_on.to_string()),
                    t((issued_on + chrono::Months::new(12)).to_string()),
                    t("post"),
                    t(crate::requests::certificate::verification_code(self.key, &certificate)),
                    Cell::Int(later_issued.then_some(updated + DAY_MS)),
                    i(updated),
                ]);
            }
        }
        counts.requests += requests.write(conn).await?;
        counts.events += events.write(conn).await?;
        counts.certificates += certificates.write(conn).await?;
        Ok(())
    }
}

/// Insurance symbol and number of resident `p`: digits, unique per resident.
fn insured_numbers(p: u64) -> (String, String) {
    (format!("{:04}", 1000 + p % 9000), format!("{:08}", p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_references_are_distinct_and_parse_back() {
        let a = crate::domain::ReferenceNumber::from_serial((1 << 39) + 1);
        let b = crate::domain::ReferenceNumber::from_serial((1 << 39) + 2);
        assert_ne!(a, b);
        assert_eq!(a.to_string().parse::<crate::domain::ReferenceNumber>(), Ok(a));
    }

    #[test]
    fn wards_come_before_the_people_acting_for_them() {
        for p in 0..500 {
            if let Some(w) = ward_of(p) {
                assert!(w < p);
                assert_eq!(representative_of(w, 500), Some(p));
            }
        }
    }
}

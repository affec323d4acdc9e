//! The card custody log (管理簿), proxy receipt (代理受取) and the municipality's facility report: what staff
//! record, who reads it (the resident, their guardian while the authority covers card applications, the
//! facility's staff while the consent stands; everyone else 404), and that the report's totals are the rows.

use std::time::Duration;

use madoguchi::requests::FiledAs;
use madoguchi::requests::certificate::{CertificateAnswers, Reason};
use madoguchi::requests::service::Filing;
use madoguchi::store::new_id;
use scraper::Html;

use crate::helpers::{SentRequest, TestApp, add_other_municipality, select_all, send_request, sign_in_as, spawn_app};

const FACILITY: &str = "fac-hidamari";

async fn post(client: &TestApp, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let token = client.csrf_token("/contact").await;
    let mut all = vec![("csrf_token", token.as_str())];
    all.extend_from_slice(fields);
    client.post_form(path, &all).await
}

async fn status(client: &TestApp, path: &str) -> u16 {
    client.get(path).await.status().as_u16()
}

async fn html(client: &TestApp, path: &str) -> Html {
    let res = client.get(path).await;
    assert_eq!(res.status(), 200, "GET {path}");
    Html::parse_document(&res.text().await.unwrap())
}

/// A new resident of あおば市 living at `facility`, consenting to its help (recorded by `staff`).
async fn resident_at(app: &TestApp, facility: &str, staff: &str) -> String {
    let id = new_person(app, "resident").await;
    app.store.add_facility_resident(facility, &id).await.unwrap();
    assert!(app.store.set_consent(facility, &id, staff, true).await.unwrap());
    id
}

async fn new_person(app: &TestApp, label: &str) -> String {
    let email = format!("{label}-{}@example.jp", &new_id()[..8]);
    let id = app
        .store
        .create_resident(&madoguchi::store::accounts::NewResident {
            name: "預り 花子",
            name_kana: "アズカリ ハナコ",
            birth_date: "1940-04-01",
            email: &email,
            locale: "ja",
        })
        .await
        .unwrap();
    sqlx::query("UPDATE people SET municipality_id = 'mun-aoba' WHERE id = $1")
        .bind(&id)
        .execute(app.store.pool())
        .await
        .unwrap();
    id
}

/// A new person holding an authority over `ward` with `scope`, ending on `ends_on`.
async fn guardian(app: &TestApp, ward: &str, scope: &str, ends_on: Option<String>) -> String {
    let id = new_person(app, "guardian").await;
    sqlx::query(
        "INSERT INTO representations (id, representative_id, ward_id, relationship, state, created_at, reason, scope, \
         ends_on, proof_state) VALUES ($1, $2, $3, 'adult_guardian', 'approved', 0, 'long_hospital_stay', $4, $5, 'not_needed')",
    )
    .bind(new_id())
    .bind(&id)
    .bind(ward)
    .bind(scope)
    .bind(ends_on)
    .execute(app.store.pool())
    .await
    .unwrap();
    id
}

async fn staff_of(app: &TestApp, facility: &str) -> String {
    let mut tx = app.store.pool().begin().await.unwrap();
    let email = format!("staff-{}@example.jp", &new_id()[..8]);
    let id = madoguchi::store::organisations::create_staff(
        &mut tx,
        &madoguchi::store::organisations::NewStaff {
            name: "施設 職員",
            name_kana: "シセツ ショクイン",
            email: &email,
            role: "facility_staff",
            organisation_id: facility,
            locale: "ja",
        },
        None,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

fn entry_count(html: &Html) -> usize {
    select_all(html, "tr[id^=entry-]").len()
}

#[tokio::test]
async fn the_custody_log_round_trips_is_append_only_and_flags_cards_out_too_long() {
    let app = spawn_app().await;
    let person = resident_at(&app, FACILITY, "p-ken").await;
    let staff = sign_in_as(&app, "p-ken").await;
    let log = format!("/facility/{FACILITY}/residents/{person}/custody");
    assert_eq!(entry_count(&html(&staff, &log).await), 0);

    // A card not in the facility's keeping cannot be taken out.
    let refused = post(&staff, &log, &[("event", "taken_out"), ("carried_by", "伊藤"), ("reason", "通院")]).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("href=\"#event\""), "the error links to the field");

    assert_eq!(post(&staff, &log, &[("event", "taken_in")]).await.status(), 303);
    // Taking it out names who and why; what was typed stays.
    let missing = post(&staff, &log, &[("event", "taken_out"), ("carried_by", "伊藤 健"), ("reason", "")]).await;
    assert_eq!(missing.status(), 422);
    let page = Html::parse_document(&missing.text().await.unwrap());
    assert_eq!(crate::helpers::attr_all(&page, "#carried_by", "value"), ["伊藤 健"]);
    assert_eq!(select_all(&page, ".error-summary a[href='#reason']").len(), 1);
    let out = post(&staff, &log, &[("event", "taken_out"), ("carried_by", "伊藤 健"), ("reason", "通院")]).await;
    assert_eq!(out.status(), 303);

    // On the facility's page the card is out, not yet too long; after the limit (8 hours) it is flagged.
    let facility_page = html(&staff, "/facility").await;
    let line = select_all(&facility_page, &format!("#card-out-{person}"));
    assert_eq!(line.len(), 1, "the card out is listed");
    assert!(select_all(&facility_page, &format!("#card-out-{person} .tag")).is_empty(), "not flagged yet");
    app.clock().advance(Duration::from_secs(8 * 3600 + 60));
    let staff = sign_in_as(&app, "p-ken").await;
    let facility_page = html(&staff, "/facility").await;
    assert_eq!(select_all(&facility_page, &format!("#card-out-{person} .tag")).len(), 1, "flagged as out too long");

    assert_eq!(post(&staff, &log, &[("event", "returned")]).await.status(), 303);
    let facility_page = html(&staff, "/facility").await;
    assert!(select_all(&facility_page, &format!("#card-out-{person}")).is_empty(), "back in the safe");

    // A correction is a new line naming the one it corrects; both are shown; a line is corrected once.
    let (taken_out,): (String,) = sqlx::query_as(
        "SELECT id FROM card_custody_entries WHERE person_id = $1 AND event = 'taken_out' AND corrects_id IS NULL",
    )
    .bind(&person)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    let form = html(&staff, &format!("{log}?corrects={taken_out}")).await;
    assert_eq!(crate::helpers::attr_all(&form, "input[name=corrects]", "value"), [taken_out.as_str()]);
    let fields =
        [("event", "taken_out"), ("carried_by", "高橋 美咲"), ("reason", "通院"), ("corrects", taken_out.as_str())];
    assert_eq!(post(&staff, &log, &fields).await.status(), 303);
    assert_eq!(post(&staff, &log, &fields).await.status(), 404, "a corrected line is not corrected again");
    let page = html(&staff, &log).await;
    assert_eq!(entry_count(&page), 4, "taken in, taken out, returned, and the correction");
    assert_eq!(select_all(&page, &format!("#entry-{taken_out} del")).len(), 1, "the corrected line stays, struck");
    assert!(page.html().contains("高橋 美咲") && page.html().contains("伊藤 健"), "both lines are shown");
    assert!(
        select_all(&page, "#card-where").concat().contains("保管"),
        "in the safe: {:?}",
        select_all(&page, "#card-where")
    );

    assert_eq!(post(&staff, &log, &[("event", "handed_back")]).await.status(), 303);
    let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM card_custody_entries WHERE person_id = $1")
        .bind(&person)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(rows, 5);

    // The resident reads their log: every line, the correction beside what it corrects.
    let own = sign_in_as(&app, &person).await;
    let mine = html(&own, &format!("/custody/{person}")).await;
    assert_eq!(entry_count(&mine), 5);
    assert!(select_all(&mine, "a").iter().all(|a| !a.contains("訂正する")), "the resident cannot correct");
}

#[tokio::test]
async fn the_log_is_the_residents_their_guardians_and_their_facilitys_only() {
    let app = spawn_app().await;
    let person = resident_at(&app, FACILITY, "p-ken").await;
    let log = format!("/facility/{FACILITY}/residents/{person}/custody");
    let own = format!("/custody/{person}");
    let staff = sign_in_as(&app, "p-ken").await;
    assert_eq!(post(&staff, &log, &[("event", "taken_in")]).await.status(), 303);

    let yesterday = (app.clock().today() - chrono::Duration::days(1)).to_string();
    let today = app.clock().today().to_string();
    let cases: Vec<(&str, String, u16)> = vec![
        ("the resident", person.clone(), 200),
        ("a guardian for card applications", guardian(&app, &person, "card_application", None).await, 200),
        ("a guardian whose authority ends today", guardian(&app, &person, "card_application", Some(today)).await, 200),
        ("a guardian whose authority ended", guardian(&app, &person, "card_application", Some(yesterday)).await, 404),
        ("a guardian for certificates only", guardian(&app, &person, "qualification_certificate", None).await, 404),
        ("another resident", new_person(&app, "other").await, 404),
        ("the municipality's officer", "p-suzuki".to_string(), 404),
        ("an administrator", "p-admin".to_string(), 404),
    ];
    for (who, id, expected) in cases {
        let client = sign_in_as(&app, &id).await;
        assert_eq!(status(&client, &own).await, expected, "{who}: GET {own}");
    }

    // Another facility's staff: 404 on the staff pages, as for a person who is not theirs.
    app.store.create_facility("fac-other", "ほか", "Other", "mun-aoba").await.unwrap();
    let other_staff = sign_in_as(&app, &staff_of(&app, "fac-other").await).await;
    assert_eq!(status(&other_staff, &log).await, 404);
    assert_eq!(status(&other_staff, &format!("/facility/fac-other/residents/{person}/custody")).await, 404);
    assert_eq!(
        post(&other_staff, &format!("/facility/fac-other/residents/{person}/custody"), &[("event", "taken_out")])
            .await
            .status(),
        404
    );

    // Consent withdrawn: the facility's staff no longer see or write the log; the resident still reads it.
    assert!(app.store.set_consent(FACILITY, &person, "p-ken", false).await.unwrap());
    assert_eq!(status(&staff, &log).await, 404);
    let refused = post(&staff, &log, &[("event", "taken_out"), ("carried_by", "x"), ("reason", "x")]).await;
    assert_eq!(refused.status(), 404);
    let resident = sign_in_as(&app, &person).await;
    assert_eq!(entry_count(&html(&resident, &own).await), 1);
}

/// Files a certificate request for `person` as facility staff, submitted now.
async fn facility_request(app: &TestApp, facility: &str, staff: &str, person: &str) -> String {
    let filing =
        Filing { subject_id: person.to_string(), filed_as: FiledAs::Facility, facility_id: Some(facility.to_string()) };
    let answers = CertificateAnswers {
        insurer_id: Some("ins-kyokai-tokyo".to_string()),
        reason: Some(Reason::NoCard),
        ..CertificateAnswers::default()
    };
    send_request(app, SentRequest { filed_by: staff, filing, municipality_id: Some("mun-aoba"), answers }).await
}

#[tokio::test]
async fn proxy_receipts_are_approved_by_the_municipality_and_recorded_and_the_report_counts_them() {
    let app = spawn_app().await;
    // A facility of its own, so the report's counts are exactly what this test makes.
    app.store.create_facility("fac-sakura", "さくら苑", "Sakura House", "mun-aoba").await.unwrap();
    let staff_id = staff_of(&app, "fac-sakura").await;
    let colleague = staff_of(&app, "fac-sakura").await;
    let person = resident_at(&app, "fac-sakura", &staff_id).await;
    let ward_guardian = guardian(&app, &person, "card_application", None).await;
    let staff = sign_in_as(&app, &staff_id).await;
    let ask = format!("/facility/fac-sakura/residents/{person}/custody/proxy-receipts");

    // Nobody chosen: the error, linked; someone who does not work there: 404.
    let none = post(&staff, &ask, &[("proxy", "")]).await;
    assert_eq!(none.status(), 422);
    assert!(none.text().await.unwrap().contains("href=\"#proxy\""));
    assert_eq!(post(&staff, &ask, &[("proxy", "p-ken")]).await.status(), 404, "staff of another facility");
    assert_eq!(post(&staff, &ask, &[("proxy", &colleague)]).await.status(), 303);
    let (receipt,): (String,) = sqlx::query_as("SELECT id FROM proxy_receipts WHERE person_id = $1")
        .bind(&person)
        .fetch_one(app.store.pool())
        .await
        .unwrap();

    // Another municipality's officer neither sees nor decides it; the resident's municipality approves it.
    let other_officer = sign_in_as(&app, &add_other_municipality(&app).await).await;
    assert!(!other_officer.get("/office/proxy-receipts").await.text().await.unwrap().contains(&receipt));
    let decide = format!("/office/proxy-receipts/{receipt}/decide");
    assert_eq!(post(&other_officer, &decide, &[("action", "approve")]).await.status(), 404);
    let officer = sign_in_as(&app, "p-suzuki").await;
    let queue = html(&officer, "/office/proxy-receipts").await;
    assert_eq!(select_all(&queue, &format!("#receipt-{receipt} form")).len(), 2, "approve or decline");
    // Not yet approved: it cannot be recorded as received.
    let received = format!("/facility/fac-sakura/proxy-receipts/{receipt}/received");
    assert_eq!(post(&staff, &received, &[]).await.status(), 404);
    assert_eq!(post(&officer, &decide, &[("action", "approve")]).await.status(), 303);
    assert_eq!(post(&officer, &decide, &[("action", "decline")]).await.status(), 404, "decided once");
    assert_eq!(post(&staff, &received, &[]).await.status(), 303);
    assert_eq!(post(&staff, &received, &[]).await.status(), 404, "received once");

    // The resident and their guardian see who received it, and when.
    let (received_on, received_by): (String, String) =
        sqlx::query_as("SELECT received_on, received_by FROM proxy_receipts WHERE id = $1")
            .bind(&receipt)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(received_on, app.clock().today().to_string());
    assert_eq!(received_by, colleague);
    for who in [&person, &ward_guardian] {
        let client = sign_in_as(&app, who).await;
        let page = html(&client, &format!("/custody/{person}")).await;
        let row = select_all(&page, &format!("#receipt-{receipt} td")).join(" ");
        assert!(row.contains("受取済み") && row.contains("施設 職員"), "{row}");
    }

    // The report: two requests filed by the facility in the period, one before it, one filed by the resident;
    // one card received.
    facility_request(&app, "fac-sakura", &staff_id, &person).await;
    facility_request(&app, "fac-sakura", &staff_id, &person).await;
    let old = facility_request(&app, "fac-sakura", &staff_id, &person).await;
    sqlx::query("UPDATE requests SET submitted_at = 0 WHERE id = $1")
        .bind(&old)
        .execute(app.store.pool())
        .await
        .unwrap();
    let today = app.clock().today();
    let from = (today - chrono::Duration::days(7)).to_string();
    let to = today.to_string();
    let page = html(&officer, &format!("/office/facility-report?from={from}&to={to}")).await;
    let rows: Vec<Vec<String>> = {
        let sel = scraper::Selector::parse("#facility-report tbody tr").unwrap();
        let cell = scraper::Selector::parse("th, td").unwrap();
        page.select(&sel)
            .map(|r| r.select(&cell).map(|c| c.text().collect::<String>().trim().to_string()).collect())
            .collect()
    };
    let sakura = rows.iter().find(|r| r[0] == "さくら苑").expect("the facility has a row");
    assert_eq!(sakura[1..], ["2".to_string(), "1".to_string()]);
    let sum = |i: usize| rows.iter().map(|r| r[i].parse::<i64>().unwrap()).sum::<i64>().to_string();
    let total = select_all(&page, "#report-total td");
    assert_eq!(total, [sum(1), sum(2)], "the totals are the sum of the rows");
    assert!(rows.iter().all(|r| r[0] != "みどり町"), "only the officer's municipality's facilities");

    let csv = officer.get(&format!("/office/facility-report/csv?from={from}&to={to}")).await;
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let bytes = csv.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with a byte-order mark");
    let mut reader = ::csv::Reader::from_reader(&bytes[3..]);
    let records: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
    let line = records.iter().find(|r| r[0] == "fac-sakura").expect("the facility's line");
    assert_eq!(line[1..], ["さくら苑", &from, &to, "2", "1"].map(str::to_string));
    assert_eq!(records.len(), rows.len(), "the same rows as the page");

    // A period that ends before it starts is an error on the page.
    let wrong = officer.get(&format!("/office/facility-report?from={to}&to={from}")).await;
    assert_eq!(wrong.status(), 422);
    assert!(wrong.text().await.unwrap().contains("href=\"#to\""));
    // Staff and residents cannot open the municipality's pages.
    assert_eq!(status(&staff, "/office/facility-report").await, 403);
    assert_eq!(status(&staff, "/office/proxy-receipts").await, 403);
}

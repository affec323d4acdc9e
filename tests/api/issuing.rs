//! Express card issuance, the issuing side: signed callbacks from the issuing body, the municipality's queue
//! and decisions, the dashboard.

use madoguchi::issuing::{SIGNATURE_HEADER, TIMESTAMP_HEADER, sign};

use madoguchi::i18n::Locale;
use madoguchi::i18n::format::date;
use scraper::Html;

use crate::helpers::{TestApp, add_other_municipality, select_all, sign_in_as, spawn_app_with};

pub const KEY: &str = "test-issuing-body-key-0123456789abcdef";

pub async fn spawn() -> TestApp {
    spawn_app_with(&[("MADOGUCHI_ISSUING_BODY_KEY", KEY)]).await
}

/// A card request written directly (the residents' side makes them through its journey): `state`, for
/// `subject` in `municipality`, with a photo file name or none.
pub async fn card_request(
    app: &TestApp,
    subject: &str,
    municipality: &str,
    state: &str,
    reason: &str,
    photo_file: Option<&str>,
) -> String {
    let id = madoguchi::store::new_id();
    let reference = madoguchi::domain::ReferenceNumber::generate();
    let now = madoguchi::store::now_ms();
    sqlx::query(
        "INSERT INTO requests (id, reference, kind, state, subject_id, filed_by, filed_as, municipality_id, created_at, updated_at, submitted_at) \
         VALUES ($1, $2, 'card', $3, $4, $4, 'self', $5, $6, $6, $6)",
    )
    .bind(&id)
    .bind(reference.compact())
    .bind(state)
    .bind(subject)
    .bind(municipality)
    .bind(now)
    .execute(app.store.pool())
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO card_requests (request_id, reason, trigger_date, card_type, photo_file, photo_exception) \
         VALUES ($1, $2, '2026-11-30', 'standard', $3, '')",
    )
    .bind(&id)
    .bind(reason)
    .bind(photo_file)
    .execute(app.store.pool())
    .await
    .unwrap();
    id
}

/// A production at `stage`, as if accepted and sent.
pub async fn production(app: &TestApp, request_id: &str, municipality: &str, stage: &str) {
    production_accepted_on(app, request_id, municipality, stage, "2026-12-01").await
}

async fn production_accepted_on(app: &TestApp, request_id: &str, municipality: &str, stage: &str, on: &str) {
    let now = madoguchi::store::now_ms();
    sqlx::query(
        "INSERT INTO card_productions (request_id, municipality_id, stage, accepted_by, accepted_at, accepted_on, sent_at, sent_on, updated_at) \
         VALUES ($1, $2, $3, 'p-suzuki', $4, $5, $4, $5, $4)",
    )
    .bind(request_id)
    .bind(municipality)
    .bind(stage)
    .bind(now)
    .bind(on)
    .execute(app.store.pool())
    .await
    .unwrap();
}

fn report(request_id: &str, sequence: i64, event: &str) -> String {
    let extra = match event {
        "mailed" => r#","tracking_number":"1234-5678-9012""#,
        "failed" => r#","failure_reason":"photo_unusable""#,
        _ => "",
    };
    format!(r#"{{"request_id":"{request_id}","sequence":{sequence},"event":"{event}"{extra}}}"#)
}

/// Posts `body` to the callback endpoint signed with `key` at `timestamp` (Unix seconds), without any cookie.
async fn post_signed(app: &TestApp, body: &str, key: &[u8], timestamp: i64) -> (u16, String) {
    let response = reqwest::Client::new()
        .post(app.url("/callbacks/issuing-body"))
        .header("content-type", "application/json")
        .header(TIMESTAMP_HEADER, timestamp.to_string())
        .header(SIGNATURE_HEADER, sign(key, timestamp, body.as_bytes()))
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn callback(app: &TestApp, body: &str) -> u16 {
    post_signed(app, body, KEY.as_bytes(), chrono::Utc::now().timestamp()).await.0
}

async fn stage_and_state(app: &TestApp, id: &str) -> (String, String) {
    sqlx::query_as(
        "SELECT cp.stage, r.state FROM card_productions cp JOIN requests r ON r.id = cp.request_id WHERE r.id = $1",
    )
    .bind(id)
    .fetch_one(app.store.pool())
    .await
    .unwrap()
}

async fn events(app: &TestApp, id: &str) -> Vec<String> {
    app.store.events(id).await.unwrap().into_iter().map(|e| e.event).collect()
}

async fn mails_to(app: &TestApp, recipient: &str) -> Vec<madoguchi::store::outbox::OutboxMail> {
    let mut mails: Vec<_> =
        app.store.outbox().list_recent(100).await.unwrap().into_iter().filter(|m| m.recipient == recipient).collect();
    mails.reverse();
    mails
}

#[tokio::test]
async fn signed_callbacks_take_a_card_from_production_to_delivery_and_delete_the_photo() {
    let app = spawn().await;
    let photos = std::path::Path::new(&app.data_dir()).join("card-photos");
    std::fs::create_dir_all(&photos).unwrap();
    std::fs::write(photos.join("photo-1.jpg"), b"\xff\xd8\xff").unwrap();
    let id = card_request(&app, "p-taro", "mun-aoba", "in_review", "lost", Some("photo-1.jpg")).await;
    production(&app, &id, "mun-aoba", "sent").await;

    assert_eq!(callback(&app, &report(&id, 1, "production_started")).await, 200);
    assert_eq!(stage_and_state(&app, &id).await, ("production_started".into(), "in_review".into()));
    assert_eq!(callback(&app, &report(&id, 2, "mailed")).await, 200);
    assert_eq!(stage_and_state(&app, &id).await, ("mailed".into(), "issued".into()), "mailed: the request is done");
    assert!(std::fs::metadata(photos.join("photo-1.jpg")).is_ok(), "the photo stays until the card arrives");
    assert_eq!(callback(&app, &report(&id, 3, "delivered")).await, 200);
    assert_eq!(stage_and_state(&app, &id).await, ("delivered".into(), "issued".into()));

    assert_eq!(events(&app, &id).await, vec!["production_started", "mailed", "delivered"]);
    assert_eq!(app.store.card_photo_file(&id).await.unwrap(), None, "the photo column is emptied");
    assert!(std::fs::metadata(photos.join("photo-1.jpg")).is_err(), "the photo file is deleted on delivery");
    // The applicant heard of each step, in their language, with the tracking number.
    let mails = mails_to(&app, "taro@example.jp").await;
    assert_eq!(mails.len(), 3, "{mails:?}");
    assert!(mails.iter().all(|m| m.locale == "ja" && m.kind == "mail-request-update"));
    assert!(mails[1].body_text.contains("1234-5678-9012"), "{}", mails[1].body_text);
    assert!(mails[1].body_text.contains("発送しました"), "{}", mails[1].body_text);
}

#[tokio::test]
async fn unsigned_wrongly_signed_and_stale_callbacks_change_nothing() {
    let app = spawn().await;
    let id = card_request(&app, "p-taro", "mun-aoba", "in_review", "lost", None).await;
    production(&app, &id, "mun-aoba", "sent").await;
    let body = report(&id, 1, "production_started");
    let now = chrono::Utc::now().timestamp();

    let unsigned = reqwest::Client::new()
        .post(app.url("/callbacks/issuing-body"))
        .header("content-type", "application/json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status().as_u16(), 401, "no signature (and no CSRF token either: the signature decides)");
    assert_eq!(post_signed(&app, &body, b"another-key-of-the-same-length-0123456", now).await.0, 401, "wrong key");
    assert_eq!(post_signed(&app, &body, KEY.as_bytes(), now - 301).await.0, 401, "stale");
    assert_eq!(post_signed(&app, &body, KEY.as_bytes(), now + 3600).await.0, 401, "from the future");
    // A signature over another body.
    let response = reqwest::Client::new()
        .post(app.url("/callbacks/issuing-body"))
        .header(TIMESTAMP_HEADER, now.to_string())
        .header(SIGNATURE_HEADER, sign(KEY.as_bytes(), now, report(&id, 1, "failed").as_bytes()))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);

    assert_eq!(stage_and_state(&app, &id).await, ("sent".into(), "in_review".into()));
    assert!(events(&app, &id).await.is_empty());
    assert!(mails_to(&app, "taro@example.jp").await.is_empty());
    // Malformed reports and unknown requests, properly signed.
    assert_eq!(callback(&app, r#"{"request_id":"x"}"#).await, 400);
    assert_eq!(callback(&app, &format!(r#"{{"request_id":"{id}","sequence":2,"event":"mailed"}}"#)).await, 400);
    assert_eq!(callback(&app, &report("no-such-request", 1, "production_started")).await, 404);
}

#[tokio::test]
async fn a_replayed_callback_changes_nothing() {
    let app = spawn().await;
    let id = card_request(&app, "p-taro", "mun-aoba", "in_review", "lost", None).await;
    production(&app, &id, "mun-aoba", "sent").await;
    let body = report(&id, 1, "production_started");
    let now = chrono::Utc::now().timestamp();
    assert_eq!(post_signed(&app, &body, KEY.as_bytes(), now).await, (200, "applied".to_string()));
    // The very same request again (a retry, or someone replaying it within the five minutes).
    assert_eq!(post_signed(&app, &body, KEY.as_bytes(), now).await, (200, "already applied".to_string()));
    assert_eq!(post_signed(&app, &body, KEY.as_bytes(), now + 5).await, (200, "already applied".to_string()));
    assert_eq!(events(&app, &id).await, vec!["production_started"]);
    assert_eq!(mails_to(&app, "taro@example.jp").await.len(), 1);
}

#[tokio::test]
async fn callbacks_out_of_order_are_refused() {
    let app = spawn().await;
    let id = card_request(&app, "p-taro", "mun-aoba", "in_review", "lost", None).await;
    production(&app, &id, "mun-aoba", "sent").await;
    assert_eq!(callback(&app, &report(&id, 1, "mailed")).await, 409, "mailed before production started");
    assert_eq!(callback(&app, &report(&id, 2, "production_started")).await, 409, "a sequence number skipped");
    assert_eq!(callback(&app, &report(&id, 1, "production_started")).await, 200);
    assert_eq!(callback(&app, &report(&id, 2, "delivered")).await, 409, "delivered before mailed");
    assert_eq!(callback(&app, &report(&id, 1, "failed")).await, 409, "another report with a used number");
    let now = chrono::Utc::now().timestamp();
    assert_eq!(
        post_signed(&app, &report(&id, 2, "mailed"), KEY.as_bytes(), now - 120).await.0,
        409,
        "older than the last one"
    );
    assert_eq!(stage_and_state(&app, &id).await, ("production_started".into(), "in_review".into()));
    assert_eq!(callback(&app, &report(&id, 2, "mailed")).await, 200);
    assert_eq!(callback(&app, &report(&id, 1, "production_started")).await, 200, "an old repeat is still harmless");
    assert_eq!(events(&app, &id).await, vec!["production_started", "mailed"]);
}

#[tokio::test]
async fn a_failed_production_tells_the_applicant_why_in_their_language() {
    let app = spawn().await;
    sqlx::query("UPDATE people SET preferred_locale = 'ja-easy' WHERE id = 'p-taro'")
        .execute(app.store.pool())
        .await
        .unwrap();
    let id = card_request(&app, "p-taro", "mun-aoba", "in_review", "lost", None).await;
    production(&app, &id, "mun-aoba", "sent").await;
    assert_eq!(callback(&app, &report(&id, 1, "production_started")).await, 200);
    assert_eq!(callback(&app, &report(&id, 2, "failed")).await, 200);
    assert_eq!(stage_and_state(&app, &id).await, ("failed".into(), "in_review".into()));
    assert_eq!(callback(&app, &report(&id, 3, "mailed")).await, 409, "nothing follows a failure");
    let mails = mails_to(&app, "taro@example.jp").await;
    assert_eq!(mails.len(), 2);
    assert_eq!(mails[1].locale, "ja-easy");
    assert!(mails[1].body_text.contains("写真を カードに 使う ことが できませんでした"), "{}", mails[1].body_text);
}

fn write_photo(app: &TestApp, name: &str) {
    let photos = std::path::Path::new(&app.data_dir()).join("card-photos");
    std::fs::create_dir_all(&photos).unwrap();
    std::fs::write(photos.join(name), b"\xff\xd8\xff\xe0 a jpeg").unwrap();
}

async fn accept(officer: &TestApp, id: &str, confirm: bool) -> reqwest::Response {
    let token = officer.csrf_token(&format!("/office/express/{id}")).await;
    let mut fields = vec![("csrf_token", token.as_str())];
    if confirm {
        fields.push(("confirm", "yes"));
    }
    officer.post_form(&format!("/office/express/{id}/accept"), &fields).await
}

async fn wait_for_stage(app: &TestApp, id: &str, stage: &str) {
    for _ in 0..100 {
        if app.store.production_stage(id).await.unwrap().as_deref() == Some(stage) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{id} never reached {stage}: {:?}", app.store.production_stage(id).await.unwrap());
}

#[tokio::test]
async fn an_accepted_request_goes_through_the_simulated_issuing_body_to_delivery() {
    let app =
        spawn_app_with(&[("MADOGUCHI_ISSUING_BODY_KEY", KEY), ("MADOGUCHI_ISSUING_BODY_STEP_SECONDS", "0")]).await;
    write_photo(&app, "taro.jpg");
    // A municipality of its own: the demo's card requests (in mun-aoba) stay out of its queue and dashboard.
    let other = add_other_municipality(&app).await;
    let id = card_request(&app, "p-taro", "mun-other", "submitted", "lost", Some("taro.jpg")).await;
    let officer = sign_in_as(&app, &other).await;
    officer.get("/language/en").await;

    let queue = Html::parse_document(&officer.get("/office/express").await.text().await.unwrap());
    assert_eq!(select_all(&queue, "td a.queue-ref").len(), 1);
    assert!(select_all(&queue, "td").iter().any(|t| t == "Not accepted yet"));
    let review = officer.get(&format!("/office/express/{id}")).await.text().await.unwrap();
    assert!(review.contains(&format!("/office/express/{id}/photo")), "the photo is shown through its route");
    let photo = officer.get(&format!("/office/express/{id}/photo")).await;
    assert_eq!(photo.status().as_u16(), 200);
    assert_eq!(photo.headers()["content-type"], "image/jpeg");
    assert_eq!(photo.headers()["cache-control"], "no-store");

    let accepted = accept(&officer, &id, false).await;
    assert_eq!(accepted.status().as_u16(), 303);
    wait_for_stage(&app, &id, "delivered").await;
    let events: Vec<String> = events(&app, &id).await;
    assert_eq!(events, vec!["in_review", "production_started", "mailed", "delivered"]);
    let (state,): (String,) =
        sqlx::query_as("SELECT state FROM requests WHERE id = $1").bind(&id).fetch_one(app.store.pool()).await.unwrap();
    assert_eq!(state, "issued");
    assert_eq!(app.store.card_photo_file(&id).await.unwrap(), None);
    let photos = std::path::Path::new(&app.data_dir()).join("card-photos");
    assert!(std::fs::metadata(photos.join("taro.jpg")).is_err(), "the photo file is deleted on delivery");
    let gone = officer.get(&format!("/office/express/{id}/photo")).await;
    assert_eq!(gone.status().as_u16(), 404, "the officer's photo route has nothing left to show");
    let mails = mails_to(&app, "taro@example.jp").await;
    assert_eq!(mails.len(), 4, "accepted, started, mailed, delivered");
    assert!(mails[0].body_text.contains("発行機関へ送りました"), "{}", mails[0].body_text);

    // The dashboard counts it and measures it against the one-week promise.
    let dashboard = officer.get("/office/express/dashboard").await.text().await.unwrap();
    assert!(dashboard.contains("Cards mailed: 1"), "{dashboard}");
    assert!(dashboard.contains("Median: 0.0 days"), "{dashboard}");
    assert!(dashboard.contains("Within the one-week promise."));
    let counts = Html::parse_document(&dashboard);
    assert_eq!(select_all(&counts, "tbody th"), vec!["New card after a loss"]);
    assert_eq!(select_all(&counts, "tbody td"), vec!["Issued", "1", "1"]);
}

#[tokio::test]
async fn a_missing_photo_needs_a_deliberate_step_and_a_return_gives_a_reason_the_applicant_reads() {
    let app = spawn().await;
    let id = card_request(&app, "p-taro", "mun-aoba", "submitted", "lost", None).await;
    let officer = sign_in_as(&app, "p-suzuki").await;
    officer.get("/language/en").await;
    let page = officer.get(&format!("/office/express/{id}")).await.text().await.unwrap();
    assert!(page.contains("This card needs a photo, but none was sent."), "{page}");

    let refused = accept(&officer, &id, false).await;
    assert_eq!(refused.status().as_u16(), 422);
    let html = Html::parse_document(&refused.text().await.unwrap());
    assert_eq!(crate::helpers::attr_all(&html, ".error-summary a", "href"), vec!["#confirm"]);
    assert_eq!(app.store.production_stage(&id).await.unwrap(), None, "nothing was sent");

    // Returned instead: a reason from the list is required.
    let token = officer.csrf_token(&format!("/office/express/{id}")).await;
    let path = format!("/office/express/{id}/return");
    let no_reason = officer.post_form(&path, &[("csrf_token", &token), ("reason", "")]).await;
    assert_eq!(no_reason.status().as_u16(), 422);
    let made_up = officer.post_form(&path, &[("csrf_token", &token), ("reason", "because")]).await;
    assert_eq!(made_up.status().as_u16(), 422);
    let returned = officer.post_form(&path, &[("csrf_token", &token), ("reason", "express-return-photo")]).await;
    assert_eq!(returned.status().as_u16(), 303);
    let (state, reason): (String, Option<String>) =
        sqlx::query_as("SELECT state, decision_reason FROM requests WHERE id = $1")
            .bind(&id)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!((state.as_str(), reason.as_deref()), ("returned", Some("express-return-photo")));
    let mails = mails_to(&app, "taro@example.jp").await;
    assert!(mails[0].body_text.contains("顔写真が基準を満たしていません"), "{}", mails[0].body_text);
    // The timeline keeps the reason's message id, for the request page to show in the reader's language.
    let returned_line = app.store.events(&id).await.unwrap().into_iter().find(|e| e.event == "returned").unwrap();
    assert_eq!(returned_line.detail, "express-return-photo");
    // A returned request cannot be accepted until it is sent again.
    assert_eq!(accept(&officer, &id, true).await.status().as_u16(), 409);
}

#[tokio::test]
async fn the_queue_marks_at_risk_and_late_and_shows_the_expected_mailing_date_within_capacity() {
    let app = spawn_app_with(&[
        ("MADOGUCHI_ISSUING_BODY_KEY", KEY),
        ("MADOGUCHI_EXPRESS_CAPACITY_MUNICIPALITY", "1"),
        // A long stage: the card sent today stays in production while the test looks.
        ("MADOGUCHI_ISSUING_BODY_STEP_SECONDS", "600"),
    ])
    .await;
    let today = madoguchi::store::today_jst();
    let days_ago = |n: u64| today.checked_sub_days(chrono::Days::new(n)).unwrap().to_string();
    let at_risk = card_request(&app, "p-taro", "mun-aoba", "in_review", "lost", None).await;
    production_accepted_on(&app, &at_risk, "mun-aoba", "sent", &days_ago(5)).await;
    let late = card_request(&app, "p-taro", "mun-aoba", "in_review", "lost", None).await;
    production_accepted_on(&app, &late, "mun-aoba", "production_started", &days_ago(8)).await;
    let on_track = card_request(&app, "p-taro", "mun-aoba", "in_review", "lost", None).await;
    production_accepted_on(&app, &on_track, "mun-aoba", "sent", &days_ago(1)).await;

    let officer = sign_in_as(&app, "p-suzuki").await;
    officer.get("/language/en").await;
    // Three accepted today with a capacity of one a day: one goes today, two wait in order.
    let mut accepted = Vec::new();
    for n in 0..3 {
        let photo = format!("p{n}.jpg");
        write_photo(&app, &photo);
        let id = card_request(&app, "p-taro", "mun-aoba", "submitted", "lost", Some(&photo)).await;
        assert_eq!(accept(&officer, &id, false).await.status().as_u16(), 303);
        accepted.push(id);
    }
    wait_for_stage(&app, &accepted[0], "sent").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.store.production_stage(&accepted[1]).await.unwrap().as_deref(), Some("waiting"));

    let html = Html::parse_document(&officer.get("/office/express").await.text().await.unwrap());
    let rows: Vec<String> = select_all(&html, "tbody tr");
    let mut references = std::collections::HashMap::new();
    for id in [&at_risk, &late, &on_track, &accepted[1], &accepted[2]] {
        references.insert(id.clone(), reference_of(&app, id).await);
    }
    let row_of = |id: &str| rows.iter().find(|r| r.contains(&references[id])).cloned().unwrap_or_default();
    let (r_risk, r_late, r_ok) = (row_of(&at_risk), row_of(&late), row_of(&on_track));
    assert!(r_risk.contains("At risk"), "{r_risk}");
    assert!(r_late.contains("Late"), "{r_late}");
    assert!(!r_ok.contains("At risk") && !r_ok.contains("Late"), "{r_ok}");
    let in_days = |n: u64| date(Locale::En, today.checked_add_days(chrono::Days::new(n)).unwrap());
    assert!(row_of(&accepted[1]).contains(&in_days(6)), "tomorrow's slot, mailed five days later");
    assert!(row_of(&accepted[2]).contains(&in_days(7)), "the day after");

    // Another municipality's officer finds none of it.
    let other = add_other_municipality(&app).await;
    let other = sign_in_as(&app, &other).await;
    let theirs = Html::parse_document(&other.get("/office/express").await.text().await.unwrap());
    assert!(select_all(&theirs, "td a.queue-ref").is_empty());
    assert_eq!(other.get(&format!("/office/express/{at_risk}")).await.status().as_u16(), 404);
    assert_eq!(other.get(&format!("/office/express/{}/photo", accepted[1])).await.status().as_u16(), 404);
    let insurer = sign_in_as(&app, "p-tanaka").await;
    assert_eq!(insurer.get("/office/express").await.status().as_u16(), 403);
}

async fn reference_of(app: &TestApp, id: &str) -> String {
    let (reference,): (String,) = sqlx::query_as("SELECT reference FROM requests WHERE id = $1")
        .bind(id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    reference.parse::<madoguchi::domain::ReferenceNumber>().unwrap().to_string()
}

#[tokio::test]
async fn the_issuing_body_as_its_own_process_takes_signed_orders_only_and_reports_back() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let body_url = format!("http://127.0.0.1:{port}/");
    let app = spawn_app_with(&[
        ("MADOGUCHI_ISSUING_BODY_KEY", KEY),
        ("MADOGUCHI_ISSUING_BODY_URL", &body_url),
        ("MADOGUCHI_ISSUING_BODY_STEP_SECONDS", "0"),
    ])
    .await;
    let portal: url::Url = format!("{}/", app.address).parse().unwrap();
    let bind: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let desk =
        madoguchi::issuing::simulator::order_desk(bind, portal, KEY.as_bytes().to_vec(), std::time::Duration::ZERO)
            .unwrap();
    tokio::spawn(desk);
    // An order without a signature is refused.
    let mut refused = None;
    for _ in 0..50 {
        if let Ok(r) = reqwest::Client::new().post(format!("{body_url}orders")).body("{}").send().await {
            refused = Some(r.status().as_u16());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(refused, Some(401));

    write_photo(&app, "own-process.jpg");
    let id = card_request(&app, "p-taro", "mun-aoba", "submitted", "newly_registered", Some("own-process.jpg")).await;
    let officer = sign_in_as(&app, "p-suzuki").await;
    assert_eq!(accept(&officer, &id, false).await.status().as_u16(), 303);
    wait_for_stage(&app, &id, "delivered").await;
    assert_eq!(events(&app, &id).await, vec!["in_review", "production_started", "mailed", "delivered"]);
}

#[tokio::test]
async fn the_queue_shows_twenty_requests_a_page_with_links_to_earlier_and_later_ones() {
    let app = spawn().await;
    // A municipality of its own, with 45 open card requests (the demo's are another municipality's).
    let other = add_other_municipality(&app).await;
    for _ in 0..45 {
        card_request(&app, "p-taro", "mun-other", "submitted", "lost", None).await;
    }
    let officer = sign_in_as(&app, &other).await;
    let open = |path: String| {
        let officer = &officer;
        async move { Html::parse_document(&officer.get(&path).await.text().await.unwrap()) }
    };
    let refs = |h: &Html| select_all(h, "td a.queue-ref");
    let link = |h: &Html, class: &str| crate::helpers::attr_all(h, &format!("nav.pager a.{class}"), "href").pop();

    let first = open("/office/express".to_string()).await;
    assert_eq!(refs(&first).len(), 20);
    assert_eq!(link(&first, "pager__earlier"), None, "the first page has nothing earlier");
    let second = open(link(&first, "pager__later").expect("a later page")).await;
    assert_eq!(refs(&second).len(), 20);
    assert!(link(&second, "pager__earlier").is_some());
    let third = open(link(&second, "pager__later").expect("a third page")).await;
    assert_eq!(refs(&third).len(), 5);
    assert_eq!(link(&third, "pager__later"), None, "nothing after the last page");
    let mut all: Vec<String> = [&first, &second, &third].iter().flat_map(|h| refs(h)).collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 45, "every request once");

    // Back from the last page: the second again, in the same order.
    let back = open(link(&third, "pager__earlier").expect("an earlier page")).await;
    assert_eq!(refs(&back), refs(&second));
    let back = open(link(&back, "pager__earlier").expect("the first page")).await;
    assert_eq!(refs(&back), refs(&first));
    assert_eq!(link(&back, "pager__earlier"), None, "the first page, reached backwards, has nothing earlier");
    // A cursor that does not parse shows the first page.
    assert_eq!(refs(&open("/office/express?after=nonsense".to_string()).await), refs(&first));
}

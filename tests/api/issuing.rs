//! Express card issuance, the issuing side: signed callbacks from the issuing body, the municipality's queue
//! and decisions, the dashboard.

use madoguchi::issuing::{SIGNATURE_HEADER, TIMESTAMP_HEADER, sign};

use crate::helpers::{TestApp, spawn_app_with};

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
    let now = madoguchi::store::now_ms();
    sqlx::query(
        "INSERT INTO card_productions (request_id, municipality_id, stage, accepted_by, accepted_at, accepted_on, sent_at, sent_on, updated_at) \
         VALUES ($1, $2, $3, 'p-suzuki', $4, '2026-12-01', $4, '2026-12-01', $4)",
    )
    .bind(request_id)
    .bind(municipality)
    .bind(stage)
    .bind(now)
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

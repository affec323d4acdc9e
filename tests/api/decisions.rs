//! Deciding certificate requests that do not match the enrolment records: the approval needs a deliberate step
//! (the record's numbers, or the numbers as sent with a reason), or the request goes back to the applicant to
//! correct; declining needs a confirmation. Also: the applicant's contact choice and their other open requests
//! on the officer's pages, and the enrolment record's way back to the request.

use madoguchi::requests::certificate::{CertificateAnswers, Contact};
use scraper::Html;

use crate::enrolments::{sent_request, taro_at_aoba};
use crate::helpers::{TestApp, attr_all, select_all, sign_in_as, spawn_app};

async fn decide(officer: &TestApp, id: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let token = officer.csrf_token(&format!("/requests/{id}")).await;
    let mut all = vec![("csrf_token", token.as_str())];
    all.extend_from_slice(fields);
    officer.post_form(&format!("/office/certificates/{id}/decide"), &all).await
}

async fn page(app: &TestApp, path: &str) -> Html {
    let res = app.get(path).await;
    assert_eq!(res.status(), 200, "{path}");
    Html::parse_document(&res.text().await.unwrap())
}

async fn state_of(app: &TestApp, id: &str) -> String {
    let (state,): (String,) =
        sqlx::query_as("SELECT state FROM requests WHERE id = $1").bind(id).fetch_one(app.store.pool()).await.unwrap();
    state
}

async fn count_events(app: &TestApp) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM request_events").fetch_one(app.store.pool()).await.unwrap();
    n
}

async fn count_where(app: &TestApp, sql: &str, bind: &str) -> i64 {
    let (n,): (i64,) =
        sqlx::query_as(sqlx::AssertSqlSafe(sql.to_string())).bind(bind).fetch_one(app.store.pool()).await.unwrap();
    n
}

async fn certificates_of(app: &TestApp, id: &str) -> Vec<madoguchi::store::certificates::CertificateRow> {
    app.store.certificates_of_request(id).await.unwrap()
}

/// 木村 さくら's name and date of birth with a number the insurer does not know: one record (enr-demo-2,
/// 1234567・51・00) is offered, under another number.
fn sakura_with_a_wrong_number() -> CertificateAnswers {
    CertificateAnswers {
        symbol: Some("1234567".into()),
        number: Some("99".into()),
        branch: Some("00".into()),
        name: Some("木村 さくら".into()),
        name_kana: Some("キムラ\u{3000}サクラ".into()),
        birth_date: Some("1999-04-10".into()),
        ..taro_at_aoba()
    }
}

#[tokio::test]
async fn approving_a_request_that_does_not_match_issues_nothing_without_the_deliberate_step() {
    let app = spawn_app().await;
    let tanaka = sign_in_as(&app, "p-tanaka").await;
    let id = sent_request(&app, "p-taro", "ins-aoba-kokuho", sakura_with_a_wrong_number()).await;

    // The page offers the choice, with both numbers side by side.
    let html = page(&tanaka, &format!("/requests/{id}")).await;
    assert_eq!(attr_all(&html, "#enrolment-check-outcome", "data-outcome"), vec!["no-match"]);
    assert_eq!(select_all(&html, "#numbers-compare .compare-request"), vec!["1234567", "99", "00"]);
    assert_eq!(select_all(&html, "#numbers-compare .compare-record"), vec!["1234567", "51", "00"]);
    assert_eq!(attr_all(&html, "input[name=numbers]", "value"), vec!["record", "as-typed"]);

    // A plain approval is refused: the page comes back with the choice and nothing is written.
    let events = count_events(&app).await;
    let res = decide(&tanaka, &id, &[("action", "approve"), ("months", "12")]).await;
    assert_eq!(res.status(), 422);
    let html = Html::parse_document(&res.text().await.unwrap());
    assert_eq!(select_all(&html, "#numbers-error").len(), 1);
    assert_eq!(attr_all(&html, ".error-summary a", "href"), vec!["#numbers"]);
    assert_eq!(attr_all(&html, "#months", "value"), vec!["12"], "what was typed is kept");
    assert!(certificates_of(&app, &id).await.is_empty());
    assert_eq!(state_of(&app, &id).await, "submitted");
    assert_eq!(count_events(&app).await, events);

    // "As sent" needs a reason from the list; free text is not one.
    for reason in ["", "I am sure"] {
        let res = decide(
            &tanaka,
            &id,
            &[("action", "approve"), ("months", "12"), ("numbers", "as-typed"), ("as_typed_reason", reason)],
        )
        .await;
        assert_eq!(res.status(), 422, "{reason}");
        let html = Html::parse_document(&res.text().await.unwrap());
        assert_eq!(select_all(&html, "#as_typed_reason-error").len(), 1);
    }
    assert!(certificates_of(&app, &id).await.is_empty());
    assert_eq!(state_of(&app, &id).await, "submitted");

    // The record's numbers: the certificate carries them and names the record.
    let res = decide(&tanaka, &id, &[("action", "approve"), ("months", "12"), ("numbers", "record")]).await;
    assert_eq!(res.status(), 303);
    let issued = certificates_of(&app, &id).await;
    assert_eq!(issued.len(), 1);
    let c = &issued[0];
    assert_eq!((c.symbol.as_str(), c.number.as_str(), c.branch.as_str()), ("1234567", "51", "00"));
    assert_eq!(c.enrolment_id.as_deref(), Some("enr-demo-2"));
    assert_eq!(state_of(&app, &id).await, "issued");
    // The choice is kept as a code in the timeline and the audit line.
    let (detail,): (String,) =
        sqlx::query_as("SELECT detail FROM request_events WHERE request_id = $1 AND event = 'issued'")
            .bind(&id)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(detail, "numbers-from-record");
    let audit =
        count_where(&app, "SELECT COUNT(*) FROM audit_log WHERE detail = $1", "issued:numbers-from-record").await;
    assert_eq!(audit, 1);
}

#[tokio::test]
async fn issuing_with_the_numbers_as_sent_needs_a_reason_and_keeps_it() {
    let app = spawn_app().await;
    let tanaka = sign_in_as(&app, "p-tanaka").await;
    // Ambiguous: two records of the same person, so the record's numbers are not offered.
    let ambiguous = CertificateAnswers { number: Some("99".into()), ..taro_at_aoba() };
    let id = sent_request(&app, "p-taro", "ins-aoba-kokuho", ambiguous).await;
    let html = page(&tanaka, &format!("/requests/{id}")).await;
    assert_eq!(attr_all(&html, "#enrolment-check-outcome", "data-outcome"), vec!["ambiguous"]);
    assert!(select_all(&html, "#numbers-compare").is_empty());
    assert_eq!(attr_all(&html, "input[name=numbers]", "value"), vec!["as-typed"]);
    let res = decide(&tanaka, &id, &[("action", "approve"), ("months", "12"), ("numbers", "record")]).await;
    assert_eq!(res.status(), 422, "no single record to take the numbers from");
    assert!(certificates_of(&app, &id).await.is_empty());

    let res = decide(
        &tanaka,
        &id,
        &[("action", "approve"), ("months", "12"), ("numbers", "as-typed"), ("as_typed_reason", "record-out-of-date")],
    )
    .await;
    assert_eq!(res.status(), 303);
    let issued = certificates_of(&app, &id).await;
    assert_eq!((issued.len(), issued[0].number.as_str(), issued[0].enrolment_id.as_deref()), (1, "99", None));
    let audit =
        count_where(&app, "SELECT COUNT(*) FROM audit_log WHERE detail = $1", "issued:as-typed-record-out-of-date")
            .await;
    assert_eq!(audit, 1);
    let officer_view = page(&tanaka, &format!("/requests/{id}")).await;
    assert!(select_all(&officer_view, ".timeline li").iter().any(|l| l.contains("記録が古いため")));

    // A request that matches needs no step.
    let matched = sent_request(&app, "p-taro", "ins-aoba-kokuho", taro_at_aoba()).await;
    assert!(select_all(&page(&tanaka, &format!("/requests/{matched}")).await, "#numbers").is_empty());
    assert_eq!(decide(&tanaka, &matched, &[("action", "approve"), ("months", "12")]).await.status(), 303);
    assert_eq!(certificates_of(&app, &matched).await.len(), 1);
}

#[tokio::test]
async fn a_returned_request_is_corrected_by_the_applicant_and_sent_again() {
    let app = spawn_app().await;
    let tanaka = sign_in_as(&app, "p-tanaka").await;
    let taro = sign_in_as(&app, "p-taro").await;
    sqlx::query("UPDATE people SET preferred_locale = 'en' WHERE id = 'p-taro'")
        .execute(app.store.pool())
        .await
        .unwrap();
    let id = sent_request(&app, "p-taro", "ins-aoba-kokuho", sakura_with_a_wrong_number()).await;

    // The applicant cannot correct a request that was not returned.
    assert_eq!(taro.get(&format!("/requests/{id}/correct")).await.status(), 404);

    // A reason from the list is needed.
    let res = decide(&tanaka, &id, &[("action", "return"), ("correction", "because")]).await;
    assert_eq!(res.status(), 422);
    assert_eq!(state_of(&app, &id).await, "submitted");
    let res = decide(&tanaka, &id, &[("action", "return"), ("correction", "numbers-not-found")]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(state_of(&app, &id).await, "returned");
    assert!(certificates_of(&app, &id).await.is_empty());
    // Nothing can be issued before the correction, and it is no longer in the queue.
    let res = decide(&tanaka, &id, &[("action", "approve"), ("months", "12"), ("numbers", "record")]).await;
    assert_eq!(res.status(), 409);
    let queue = page(&tanaka, "/office/certificates").await;
    assert!(!attr_all(&queue, "a.queue-ref", "href").contains(&format!("/requests/{id}")));

    // The applicant is e-mailed in their language what to check and how to send it again.
    let mails = app.store.outbox().list_recent(100).await.unwrap();
    let mail = mails
        .iter()
        .find(|m| m.recipient == "taro@example.jp" && m.body_text.contains("correct"))
        .expect("the correction e-mail");
    assert!(mail.body_text.contains("cannot find this symbol and number"), "{}", mail.body_text);
    assert!(mail.body_text.contains(&format!("/requests/{id}")), "{}", mail.body_text);

    // The applicant sees the reason and the way to correct it, in their language.
    taro.get("/language/en").await;
    let en = page(&taro, &format!("/requests/{id}")).await;
    assert!(select_all(&en, "#correction-reason")[0].contains("cannot find this symbol and number"));
    assert_eq!(attr_all(&en, "#correction-link", "href"), vec![format!("/requests/{id}/correct")]);
    // The officer sees the reason, but no link to correct.
    let officer = page(&tanaka, &format!("/requests/{id}")).await;
    assert_eq!(select_all(&officer, "#correction-reason").len(), 1);
    assert!(select_all(&officer, "#correction-link").is_empty());
    assert_eq!(tanaka.get(&format!("/requests/{id}/correct")).await.status(), 404);

    // The correction form keeps what was sent; a number the insurer's rules refuse is shown beside the field.
    let form = page(&taro, &format!("/requests/{id}/correct")).await;
    assert_eq!(attr_all(&form, "#number", "value"), vec!["99"]);
    let token = taro.csrf_token(&format!("/requests/{id}/correct")).await;
    let path = format!("/requests/{id}/correct");
    let res = taro
        .post_form(&path, &[("csrf_token", &token), ("symbol", "1234567"), ("number", "51"), ("branch", "1")])
        .await;
    assert_eq!(res.status(), 422);
    let html = Html::parse_document(&res.text().await.unwrap());
    assert_eq!(select_all(&html, "#branch-error").len(), 1);
    assert_eq!(attr_all(&html, "#number", "value"), vec!["51"], "what was typed is kept");
    assert_eq!(state_of(&app, &id).await, "returned");
    let res = taro
        .post_form(&path, &[("csrf_token", &token), ("symbol", "1234567"), ("number", "51"), ("branch", "00")])
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(state_of(&app, &id).await, "submitted");
    // Sent again: back in the queue, and now it matches the record.
    let queue = page(&tanaka, "/office/certificates").await;
    assert!(attr_all(&queue, "a.queue-ref", "href").contains(&format!("/requests/{id}")));
    let html = page(&tanaka, &format!("/requests/{id}")).await;
    assert_eq!(attr_all(&html, "#enrolment-check-outcome", "data-outcome"), vec!["match"]);
    assert!(select_all(&html, ".timeline li").len() >= 3, "sent, returned, sent again");
    assert_eq!(taro.get(&path).await.status(), 404, "corrected once");
}

#[tokio::test]
async fn declining_needs_a_confirmation() {
    let app = spawn_app().await;
    let tanaka = sign_in_as(&app, "p-tanaka").await;
    let id = sent_request(&app, "p-taro", "ins-aoba-kokuho", taro_at_aoba()).await;
    let res = decide(&tanaka, &id, &[("action", "decline"), ("reason", "not-insured")]).await;
    assert_eq!(res.status(), 422);
    let html = Html::parse_document(&res.text().await.unwrap());
    assert_eq!(select_all(&html, "#confirm-error").len(), 1);
    assert_eq!(attr_all(&html, "#reason option[selected]", "value"), vec!["not-insured"], "the reason is kept");
    assert_eq!(state_of(&app, &id).await, "submitted");
    let res = decide(&tanaka, &id, &[("action", "decline"), ("reason", "not-insured"), ("confirm", "yes")]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(state_of(&app, &id).await, "declined");
}

#[tokio::test]
async fn the_officer_sees_how_to_reach_the_applicant_and_their_other_open_requests() {
    let app = spawn_app().await;
    let tanaka = sign_in_as(&app, "p-tanaka").await;
    let phone =
        CertificateAnswers { contact: Some(Contact::Phone), phone: Some("090-1234-5678".into()), ..taro_at_aoba() };
    let first = sent_request(&app, "p-taro", "ins-aoba-kokuho", phone).await;
    let html = page(&tanaka, &format!("/requests/{first}")).await;
    assert_eq!(select_all(&html, "#applicant-contact-value"), vec!["090-1234-5678"]);
    assert!(select_all(&html, "#other-requests").is_empty(), "the only open one");
    let queue = page(&tanaka, "/office/certificates").await;
    assert!(select_all(&queue, ".other-open").is_empty());

    let second = sent_request(&app, "p-taro", "ins-aoba-kokuho", taro_at_aoba()).await;
    let html = page(&tanaka, &format!("/requests/{second}")).await;
    assert_eq!(select_all(&html, "#applicant-contact-value"), vec!["taro@example.jp"]);
    assert_eq!(attr_all(&html, "a.other-request-link", "href"), vec![format!("/requests/{first}")]);
    let queue = page(&tanaka, "/office/certificates").await;
    assert_eq!(select_all(&queue, ".other-open").len(), 2, "both are flagged");
    // The requester does not see these officer panels.
    let taro = sign_in_as(&app, "p-taro").await;
    let own = page(&taro, &format!("/requests/{second}")).await;
    assert!(select_all(&own, "#applicant-contact").is_empty());
    assert!(select_all(&own, "#other-requests").is_empty());
}

#[tokio::test]
async fn the_enrolment_record_links_back_to_the_request_the_officer_came_from() {
    let app = spawn_app().await;
    let tanaka = sign_in_as(&app, "p-tanaka").await;
    let id = sent_request(&app, "p-taro", "ins-aoba-kokuho", taro_at_aoba()).await;
    let html = page(&tanaka, &format!("/requests/{id}")).await;
    let link = attr_all(&html, "a.enrolment-check-link", "href");
    assert_eq!(link, vec![format!("/office/enrolments/enr-demo-0?request={id}")]);
    let record = page(&tanaka, &link[0]).await;
    assert_eq!(attr_all(&record, "a.back-link", "href"), vec![format!("/requests/{id}")]);
    // Without it, or with a request the officer may not see, back to the list.
    let plain = page(&tanaka, "/office/enrolments/enr-demo-0").await;
    assert_eq!(attr_all(&plain, "a.back-link", "href"), vec!["/office/enrolments"]);
    let kyokai = sent_request(&app, "p-taro", "ins-kyokai-tokyo", taro_at_aoba()).await;
    for other in [kyokai.as_str(), "no-such-request"] {
        let html = page(&tanaka, &format!("/office/enrolments/enr-demo-0?request={other}")).await;
        assert_eq!(attr_all(&html, "a.back-link", "href"), vec!["/office/enrolments"], "{other}");
    }
}

#[tokio::test]
async fn the_five_day_target_is_said_the_same_way_everywhere() {
    let root = env!("CARGO_MANIFEST_DIR");
    for locale in ["ja", "en", "ja-easy"] {
        for file in std::fs::read_dir(format!("{root}/locales/{locale}")).unwrap() {
            let path = file.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            for line in text.lines().filter(|l| l.starts_with("request-next-") || l.starts_with("office-cert-")) {
                for wrong in ["営業日", "working day", "business day", "のぞく"] {
                    assert!(!line.contains(wrong), "{}: {line}", path.display());
                }
            }
        }
    }
    // The queue calls a request being checked what the request page calls it.
    let app = spawn_app().await;
    let tanaka = sign_in_as(&app, "p-tanaka").await;
    let queue = page(&tanaka, "/office/certificates").await;
    let lead = select_all(&queue, "main h1 + p").pop().unwrap();
    assert!(lead.contains("審査中") && !lead.contains("確認中"), "{lead}");
    assert!(lead.contains("5日以内"), "{lead}");
}

//! Renewing an authority (issue 16): the reminder 30 days before its end date (once, on every node, never for
//! an authority without an end date), asking to renew in two steps, the municipality's review of the renewal,
//! and the renewal counting from the day after the old authority ends. On SQLite, and on PostgreSQL with
//! `MADOGUCHI_TEST_POSTGRES`.

use std::sync::Arc;
use std::time::Duration;

use madoguchi::i18n::{Locale, Localizer};
use madoguchi::notify::reminders::{DAYS_BEFORE_AUTHORITY_ENDS, Reminders};
use madoguchi::requests::FiledAs;
use madoguchi::requests::certificate::{CertificateAnswers, Reason};
use madoguchi::requests::service::Filing;
use scraper::Html;

use crate::helpers::{
    SentRequest, TestApp, another_node, attr_all, backend_name, multipart_body, select_all, send_request, sign_in_as,
    spawn_app,
};

/// 佐藤 花子 is 佐藤 一郎's adult guardian in the demo data (no end date there).
const GUARDIANSHIP: &str = "rep-demo-0";
const DAY: Duration = Duration::from_secs(24 * 3600);
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

fn reminders(app: &TestApp) -> Reminders {
    Reminders {
        store: app.store.clone(),
        localizer: Arc::new(Localizer::load().unwrap()),
        base_url: url::Url::parse(&format!("{}/", app.address)).unwrap(),
        default_locale: Locale::Ja,
    }
}

fn day(app: &TestApp, offset: i64) -> String {
    (app.clock().today() + chrono::Duration::days(offset)).to_string()
}

async fn set_end(app: &TestApp, id: &str, ends_on: Option<&str>) {
    sqlx::query("UPDATE representations SET ends_on = $1 WHERE id = $2")
        .bind(ends_on)
        .bind(id)
        .execute(app.store.pool())
        .await
        .unwrap();
}

/// (recipient, locale, body) of the end-date reminders in the outbox.
async fn ending_mails(app: &TestApp) -> Vec<(String, String, String)> {
    sqlx::query_as(
        "SELECT recipient, locale, body_text FROM outbox WHERE kind = 'mail-authority-ending' ORDER BY recipient",
    )
    .fetch_all(app.store.pool())
    .await
    .unwrap()
}

fn html(text: &str) -> Html {
    Html::parse_document(text)
}

async fn text(res: reqwest::Response) -> String {
    res.text().await.unwrap()
}

async fn post(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let token = app.csrf_token("/account").await;
    let mut all = vec![("csrf_token", token.as_str())];
    all.extend_from_slice(fields);
    app.post_form(path, &all).await
}

async fn upload(app: &TestApp, id: &str, file: Option<(&str, &[u8])>) -> reqwest::Response {
    let page = html(&text(app.get(&format!("/account/representation/{id}/renew/proof")).await).await);
    let action = attr_all(&page, r#"form[enctype="multipart/form-data"]"#, "action").pop().expect("an upload form");
    assert!(action.contains("csrf_token="), "{action}");
    let (content_type, data) = multipart_body(&[], file.map(|(name, bytes)| ("document", name, bytes)));
    app.client.post(app.url(&action)).header("content-type", content_type).body(data).send().await.unwrap()
}

#[tokio::test]
async fn the_end_reminder_goes_out_once_30_days_before_and_never_for_an_authority_without_end_date() {
    let app = spawn_app().await;
    let node = another_node(&app, &[]).await;
    // 花子 (Japanese) over 一郎 and Maria (English) over トメ end in 31 days; 小林 由紀's over そら has no end date.
    set_end(&app, GUARDIANSHIP, Some(&day(&app, DAYS_BEFORE_AUTHORITY_ENDS + 1))).await;
    sqlx::query(
        "INSERT INTO representations (id, representative_id, ward_id, relationship, state, created_at, reason, scope, \
         ends_on, proof_state) VALUES ('rep-maria', 'p-maria', 'p-tome', 'appointed', 'approved', 0, 'aged_75', \
         'card_application,outreach_booking', $1, 'not_needed')",
    )
    .bind(day(&app, DAYS_BEFORE_AUTHORITY_ENDS + 1))
    .execute(app.store.pool())
    .await
    .unwrap();

    // 31 days before: nothing yet.
    assert_eq!(reminders(&app).run_authorities_once(app.clock().today()).await.unwrap(), 0);
    assert!(ending_mails(&app).await.is_empty());

    // A day later (30 days before), two nodes at once, then once more: one mail each.
    app.clock().advance(DAY);
    let other = Reminders { store: node.store.clone().with_clock(app.clock().clone()), ..reminders(&app) };
    let mine = reminders(&app);
    let today = app.clock().today();
    let (one, two) = tokio::join!(mine.run_authorities_once(today), other.run_authorities_once(today));
    assert_eq!(one.unwrap() + two.unwrap(), 2, "{}", backend_name());
    assert_eq!(reminders(&app).run_authorities_once(today).await.unwrap(), 0);
    app.clock().advance(DAY);
    assert_eq!(reminders(&app).run_authorities_once(app.clock().today()).await.unwrap(), 0, "not again next day");

    let mails = ending_mails(&app).await;
    assert_eq!(mails.len(), 2, "{mails:?}");
    let (to, locale, body) = &mails[0];
    assert_eq!((to.as_str(), locale.as_str()), ("hanako@example.jp", "ja"));
    assert!(body.contains("佐藤 一郎 さんの代理は、令和"), "the end date as written in Japanese: {body}");
    assert!(body.contains("その翌日から、佐藤 一郎 さんの次の手続きを代理でできなくなります"), "{body}");
    assert!(body.contains(&format!("{}/account/representation/{GUARDIANSHIP}/renew", app.address)), "{body}");
    let (to, locale, body) = &mails[1];
    assert_eq!((to.as_str(), locale.as_str()), ("maria@example.jp", "en"));
    let until = chrono::NaiveDate::parse_from_str(&day(&app, DAYS_BEFORE_AUTHORITY_ENDS - 1), "%Y-%m-%d").unwrap();
    assert!(body.contains(&format!("ends on {}.", until.format("%-d %B %Y"))), "{body}");
    assert!(body.contains("After that day you can no longer do these for 渡辺 トメ:"), "{body}");
    assert!(body.contains("/account/representation/rep-maria/renew"), "{body}");

    let (marked,): (Option<i64>,) =
        sqlx::query_as("SELECT end_reminded_at FROM representations WHERE id = 'rep-demo-1'")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert!(marked.is_none(), "an authority without an end date is never reminded");
}

/// A certificate request of 一郎's, filed by his guardian while the authority counts.
async fn ichiros_request(app: &TestApp) -> String {
    let filing = Filing { subject_id: "p-ichiro".into(), filed_as: FiledAs::Representative, facility_id: None };
    let answers = CertificateAnswers {
        insurer_id: Some("ins-kyokai-tokyo".to_string()),
        reason: Some(Reason::NoCard),
        ..CertificateAnswers::default()
    };
    send_request(app, SentRequest { filed_by: "p-hanako", filing, municipality_id: Some("mun-aoba"), answers }).await
}

#[tokio::test]
async fn a_guardian_renews_in_two_steps_and_the_approved_renewal_counts_from_the_day_after_the_old_end() {
    let app = spawn_app().await;
    let request = ichiros_request(&app).await;
    // The guardianship ends today.
    let old_end = day(&app, 0);
    set_end(&app, GUARDIANSHIP, Some(&old_end)).await;
    let hanako = sign_in_as(&app, "p-hanako").await;
    let renew = format!("/account/representation/{GUARDIANSHIP}/renew");

    let list = text(hanako.get("/account/representation").await).await;
    assert!(list.contains(&format!("href=\"{renew}\"")), "the list offers to renew it");

    // Step 1: the scope is the same as now by default.
    let page = html(&text(hanako.get(&renew).await).await);
    let checked = attr_all(&page, "input[name=scope][checked]", "value");
    assert_eq!(checked.len(), 5, "{checked:?}");
    // Mistakes are shown next to the field and in the summary, with what was typed kept.
    let res = post(&hanako, &renew, &[("ends_on", "")]).await;
    assert_eq!(res.status(), 422);
    let page = html(&text(res).await);
    assert_eq!(select_all(&page, "#ends_on-error").len(), 1);
    assert_eq!(select_all(&page, "#scope-error").len(), 1);
    assert!(select_all(&page, ".error-summary a").len() >= 2);
    let res = post(&hanako, &renew, &[("ends_on", &old_end), ("scope", "qualification_certificate")]).await;
    assert_eq!(res.status(), 422);
    let page = html(&text(res).await);
    assert!(select_all(&page, "#ends_on-error")[0].contains("より後に"), "not after the current end");
    assert_eq!(attr_all(&page, "#ends_on", "value"), vec![old_end.clone()], "what was typed is kept");
    assert_eq!(attr_all(&page, "input[name=scope][checked]", "value"), vec!["qualification_certificate"]);
    // The proof step cannot be opened before step 1 is answered.
    assert_eq!(hanako.get(&format!("{renew}/proof")).await.headers()["location"], renew.as_str());
    let new_end = day(&app, 365);
    let res = post(
        &hanako,
        &renew,
        &[("ends_on", &new_end), ("scope", "qualification_certificate"), ("scope", "card_application")],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], format!("{renew}/proof").as_str());

    // Step 2: a guardian sends a current 登記事項証明書, and nothing else does.
    let page = text(hanako.get(&format!("{renew}/proof")).await).await;
    assert!(page.contains("発行から3か月以内の登記事項証明書が必要です"), "{page}");
    assert!(!page.contains("name=\"explanation\""), "no explanation instead of the certificate");
    let res = upload(&hanako, GUARDIANSHIP, None).await;
    assert_eq!(res.status(), 422);
    let page = html(&text(res).await);
    assert!(select_all(&page, "#document-error")[0].contains("登記事項証明書"));
    assert_eq!(upload(&hanako, GUARDIANSHIP, Some(("a.txt", b"hello"))).await.status(), 422);
    let res = upload(&hanako, GUARDIANSHIP, Some(("registry.pdf", PDF))).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], format!("{renew}/check").as_str());

    // Check your answers, then send.
    let page = html(&text(hanako.get(&format!("{renew}/check")).await).await);
    let ends = select_all(&page, "#check-ends_on dd");
    assert!(ends[0].contains("令和"), "{ends:?}");
    let res = post(&hanako, &format!("{renew}/send"), &[]).await;
    assert_eq!(res.status(), 303);
    let sent = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(hanako.get(&sent).await.status(), 200);
    let new_id = sent.trim_start_matches("/account/representation/").trim_end_matches("/sent").to_string();
    let (renews, state, proof, scope, ends_on): (Option<String>, String, String, String, Option<String>) =
        sqlx::query_as("SELECT renews_id, state, proof_state, scope, ends_on FROM representations WHERE id = $1")
            .bind(&new_id)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(renews.as_deref(), Some(GUARDIANSHIP));
    assert_eq!((state.as_str(), proof.as_str()), ("pending", "pending"));
    assert_eq!(scope, "card_application,qualification_certificate");
    assert_eq!(ends_on, Some(new_end.clone()));
    let list = text(hanako.get("/account/representation").await).await;
    assert!(list.contains("更新を申し込みました"));
    assert!(!list.contains(&format!("href=\"{renew}\"")), "one renewal at a time");
    assert_eq!(hanako.get(&renew).await.status(), 303);

    // The municipality reviews it in the same queue, marked as a renewal, and approves it.
    let officer = sign_in_as(&app, "p-suzuki").await;
    let queue = text(officer.get("/office/representations").await).await;
    assert!(queue.contains(&format!("/office/representations/{new_id}")) && queue.contains(">更新<"), "{queue}");
    let review = html(&text(officer.get(&format!("/office/representations/{new_id}")).await).await);
    let marked = select_all(&review, "#renewal-of");
    assert!(marked[0].contains("に終わる代理の更新です"), "{marked:?}");
    let res = post(&officer, &format!("/office/representations/{new_id}/approve"), &[]).await;
    assert_eq!(res.status(), 303);
    let (starts_on,): (Option<String>,) = sqlx::query_as("SELECT starts_on FROM representations WHERE id = $1")
        .bind(&new_id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(starts_on, Some(day(&app, 1)), "the day after the old one ends");

    // Today the old authority counts; tomorrow (past its end date) the renewal does.
    assert!(app.store.visible_request(&request, "p-hanako").await.unwrap().is_some());
    app.clock().advance(DAY);
    assert!(app.store.visible_request(&request, "p-hanako").await.unwrap().is_some(), "the day after the old end");
    // It is the renewal that counts: without it, nothing would.
    sqlx::query("UPDATE representations SET state = 'declined' WHERE id = $1")
        .bind(&new_id)
        .execute(app.store.pool())
        .await
        .unwrap();
    assert!(app.store.visible_request(&request, "p-hanako").await.unwrap().is_none());
}

#[tokio::test]
async fn only_the_representative_may_renew_and_only_an_authority_with_an_end_date() {
    let app = spawn_app().await;
    let renew = format!("/account/representation/{GUARDIANSHIP}/renew");
    let hanako = sign_in_as(&app, "p-hanako").await;
    // Without an end date there is nothing to renew.
    assert_eq!(hanako.get(&renew).await.status(), 404);
    set_end(&app, GUARDIANSHIP, Some(&day(&app, 20))).await;
    assert_eq!(hanako.get(&renew).await.status(), 200);
    post(&hanako, &renew, &[("ends_on", &day(&app, 200)), ("scope", "card_application")]).await;

    // Someone else — another resident, the other demo representative, an officer — gets 404 everywhere.
    for who in ["p-maria", "p-yuki", "p-suzuki"] {
        let other = sign_in_as(&app, who).await;
        for path in [renew.clone(), format!("{renew}/proof"), format!("{renew}/check")] {
            assert_eq!(other.get(&path).await.status(), 404, "{who} {path}");
        }
        let token = other.csrf_token("/account").await;
        for path in [renew.clone(), format!("{renew}/send")] {
            let res = other.post_form(&path, &[("csrf_token", &token), ("ends_on", &day(&app, 300))]).await;
            assert_eq!(res.status(), 404, "{who} POST {path}");
        }
        let (content_type, data) = multipart_body(&[], Some(("document", "a.pdf", PDF)));
        let res = other
            .client
            .post(other.url(&format!("{renew}/proof?csrf_token={token}")))
            .header("content-type", content_type)
            .body(data)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{who} POST proof");
    }
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM representations WHERE renews_id IS NOT NULL")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(count, 0);
    // A made-up id is as unknown as someone else's.
    assert_eq!(hanako.get("/account/representation/no-such-id/renew").await.status(), 404);
}

#[tokio::test]
async fn the_renew_pages_speak_every_language() {
    let app = spawn_app().await;
    set_end(&app, GUARDIANSHIP, Some(&day(&app, 20))).await;
    let hanako = sign_in_as(&app, "p-hanako").await;
    let renew = format!("/account/representation/{GUARDIANSHIP}/renew");
    post(&hanako, &renew, &[("ends_on", &day(&app, 200)), ("scope", "card_application")]).await;
    for (lang, heading) in [("en", "Renew acting for"), ("ja-easy", "つづ")] {
        assert_eq!(hanako.get(&format!("/language/{lang}?back=/")).await.status(), 303);
        let page = text(hanako.get(&renew).await).await;
        let h1 = select_all(&html(&page), "h1");
        assert!(h1.len() == 1 && h1[0].contains(heading), "{lang}: {h1:?}");
        let proof = text(hanako.get(&format!("{renew}/proof")).await).await;
        assert!(!proof.contains("style=\""), "{lang}");
        assert!(proof.contains(if lang == "en" {
            "certificate of registered matters"
        } else {
            "とうきじこうしょうめいしょ"
        }));
    }
}

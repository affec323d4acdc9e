//! Documents people keep: the certificate as a downloaded file, the printable status letter (and the lookup it
//! leads to), and the 30-day expiry reminder, on SQLite and PostgreSQL.

use std::sync::Arc;

use base64::Engine;
use madoguchi::i18n::{Locale, Localizer};
use madoguchi::notify::reminders::{DAYS_BEFORE_EXPIRY, Reminders};
use madoguchi::store::today_jst;
use scraper::Html;
use sha2::{Digest, Sha256};

use crate::certificates::file_certificate_request;
use crate::helpers::{
    TestApp, attr_all, backend_name, eventually, second_client, select_all, sign_in_as, spawn_app, spawn_app_with,
};
use crate::smtp_sink::SmtpSink;

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

/// Taro asks, the insurer (中村) approves: (request id, certificate id, verification code).
async fn issued_to_taro(app: &TestApp, taro: &TestApp) -> (String, String, String) {
    let nakamura = sign_in_as(app, "p-nakamura").await;
    let request = file_certificate_request(taro, "p-taro").await;
    assert_eq!(
        decide(
            &nakamura,
            &request,
            &[
                ("action", "approve"),
                ("numbers", "as-typed"),
                ("as_typed_reason", "applicant-confirmed"),
                ("months", "12")
            ]
        )
        .await
        .status(),
        303
    );
    let (id, code): (String, String) = sqlx::query_as("SELECT id, code FROM certificates WHERE request_id = $1")
        .bind(&request)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    (request, id, code)
}

/// Switches the signed-in browser's language the way a person does (the `lang` cookie joins its session cookie).
async fn use_language(app: &TestApp, lang: &str) {
    assert_eq!(app.get(&format!("/language/{lang}?back=/")).await.status(), 303);
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(app.store.pool()).await.unwrap();
    n
}

async fn views_by(app: &TestApp, officer: &str) -> i64 {
    count(app, &format!("SELECT COUNT(*) FROM audit_log WHERE action = 'record.viewed' AND actor_id = '{officer}'"))
        .await
}

#[tokio::test]
async fn the_certificate_downloads_as_a_file_only_for_those_who_may_see_it() {
    let app = spawn_app().await;
    let taro = sign_in_as(&app, "p-taro").await;
    let (request, id, code) = issued_to_taro(&app, &taro).await;
    let download = format!("/certificates/{id}/download");

    // Linked from the request page and from the certificate page.
    let links = attr_all(&page(&taro, &format!("/requests/{request}")).await, "a[download]", "href");
    assert_eq!(links, vec![download.clone()]);
    let links = attr_all(&page(&taro, &format!("/certificates/issued/{id}")).await, "a[download]", "href");
    assert_eq!(links, vec![download.clone()]);

    let res = taro.get(&download).await;
    assert_eq!(res.status(), 200);
    let headers = res.headers().clone();
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/html; charset=utf-8"));
    let disposition = headers["content-disposition"].to_str().unwrap().to_string();
    let today = today_jst().to_string();
    assert!(
        disposition
            .starts_with(&format!("attachment; filename=\"shikaku-kakuninsho-{today}.html\"; filename*=UTF-8''")),
        "{disposition}"
    );
    let body = res.text().await.unwrap();
    let html = Html::parse_document(&body);
    assert_eq!(attr_all(&html, "html", "lang"), vec!["ja"]);
    let items = select_all(&html, ".certificate__row dd");
    for printed in ["山田 太郎", "ヤマダ\u{3000}タロウ", "1234567", "42", "01", "01130012", "全国健康保険協会 東京支部"]
    {
        assert!(items.iter().any(|i| i == printed), "{printed} in {items:?}");
    }
    assert!(items.iter().any(|i| i.contains("昭和60年1月2日")), "date of birth as 和暦: {items:?}");
    assert_eq!(items.len(), 10, "every printed item: {items:?}");
    assert_eq!(select_all(&html, ".certificate__code"), vec![code.clone()]);
    let verify_url = format!("{}/verify/{code}", app.address);
    assert_eq!(select_all(&html, ".certificate__url"), vec![verify_url.clone()]);
    let label = Localizer::load().unwrap().plain(Locale::Ja, "office-cert-qr-label", &[]);
    let qr = madoguchi::web::views::certificate::qr_svg(&verify_url, &label).unwrap();
    assert!(body.contains(&qr.0), "the QR code encodes the verification address");
    // Self-contained: no script, nothing fetched, its one style block allowed by hash and nothing else.
    assert!(!body.contains("<script") && !body.contains("<link") && !body.contains(" src="));
    let policy = attr_all(&html, "meta[http-equiv='Content-Security-Policy']", "content").pop().unwrap();
    let styles = body.split("<style>").nth(1).unwrap().split("</style>").next().unwrap();
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(styles.as_bytes()));
    assert!(policy.contains(&format!("style-src 'sha256-{hash}'")), "{policy}");
    assert!(policy.starts_with("default-src 'none'"));

    // In the language of the person downloading it.
    use_language(&taro, "en").await;
    let res = taro.get(&download).await;
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains("qualification-certificate-"));
    let html = Html::parse_document(&res.text().await.unwrap());
    assert_eq!(attr_all(&html, "html", "lang"), vec!["en"]);
    assert!(select_all(&html, ".status").pop().unwrap().contains("Valid"));
    use_language(&taro, "ja").await;

    // The insurer's officer may download it (written to the audit log); nobody else reaches it.
    let nakamura = sign_in_as(&app, "p-nakamura").await;
    let before = views_by(&app, "p-nakamura").await;
    assert_eq!(nakamura.get(&download).await.status(), 200);
    assert_eq!(views_by(&app, "p-nakamura").await, before + 1);
    assert_eq!(sign_in_as(&app, "p-tanaka").await.get(&download).await.status(), 404, "another insurer");
    assert_eq!(sign_in_as(&app, "p-maria").await.get(&download).await.status(), 404, "another resident");
    assert_eq!(sign_in_as(&app, "p-hanako").await.get(&download).await.status(), 404, "not taro's guardian");
    assert_eq!(second_client(&app).get(&download).await.status(), 303, "sign in first");
    assert_eq!(taro.get("/certificates/not-a-certificate/download").await.status(), 404);

    // A replaced certificate is not handed out as a file: the page says so and points to the new one.
    let (_, newer, _) = issued_to_taro(&app, &taro).await;
    let res = taro.get(&download).await;
    assert_eq!(res.status(), 410);
    let html = Html::parse_document(&res.text().await.unwrap());
    assert!(attr_all(&html, "main a", "href").contains(&format!("/certificates/issued/{newer}")));
    assert!(!attr_all(&html, "a[download]", "href").contains(&download));
    assert_eq!(taro.get(&format!("/certificates/{newer}/download")).await.status(), 200);
    let links = attr_all(&page(&taro, &format!("/requests/{request}")).await, "a[download]", "href");
    assert!(links.is_empty(), "no download link for the replaced one: {links:?}");
}

/// The reference number shown on a request's confirmation page.
pub(crate) async fn reference_of(app: &TestApp, request: &str) -> String {
    select_all(&page(app, &format!("/requests/{request}/confirmation")).await, ".reference").pop().unwrap()
}

#[tokio::test]
async fn the_status_letter_is_in_easy_japanese_and_only_for_those_who_may_see_the_request() {
    let app = spawn_app().await;
    let taro = sign_in_as(&app, "p-taro").await;
    let request = file_certificate_request(&taro, "p-taro").await;
    let reference = reference_of(&taro, &request).await;
    let letter = format!("/requests/{request}/letter");
    assert_eq!(
        attr_all(&page(&taro, &format!("/requests/{request}")).await, "a.status-letter-link", "href"),
        vec![letter.clone()]
    );

    // Whatever the language of the screen, the letter is in easy Japanese.
    for lang in ["en", "ja", "ja-easy"] {
        use_language(&taro, lang).await;
        let res = taro.get(&letter).await;
        assert_eq!(res.status(), 200, "{lang}");
        let body = res.text().await.unwrap();
        let html = Html::parse_document(&body);
        assert_eq!(attr_all(&html, "html", "lang"), vec![if lang == "en" { "en" } else { "ja" }]);
        assert_eq!(attr_all(&html, "article.letter", "lang"), vec!["ja"]);
        assert_eq!(select_all(&html, ".letter__reference"), vec![reference.clone()]);
        assert_eq!(select_all(&html, ".letter__state"), vec!["うけつけました"], "{lang}");
        let letter_html = html.select(&scraper::Selector::parse("article.letter").unwrap()).next().unwrap().html();
        assert!(letter_html.contains("<ruby>"), "readings on the kanji");
        assert!(letter_html.contains("5<ruby>日<rt>か</rt></ruby>"), "the next step, in easy Japanese");
        let date = select_all(&html, ".letter__date").pop().unwrap();
        assert!(date.contains(&format!("{}年", today_jst().format("%Y"))), "the day it was printed: {date}");
        assert!(!letter_html.contains("山田") && !letter_html.contains("1985"), "nothing personal on the letter");
        let track = select_all(&html, ".letter__url").pop().unwrap();
        assert!(track.starts_with(&format!("{}/track?reference=", app.address)), "{track}");
        // The address fills in exactly this reference.
        let filled = page(&second_client(&app), track.trim_start_matches(app.address.as_str())).await;
        assert_eq!(attr_all(&filled, "#reference", "value"), vec![reference.clone()]);
        let label = Localizer::load().unwrap().plain(Locale::JaEasy, "doc-letter-qr-label", &[]);
        let qr = madoguchi::web::views::certificate::qr_svg(&track, &label).unwrap();
        assert!(body.contains(&qr.0), "the QR code opens the lookup with the reference");
        assert_eq!(select_all(&html, "h1").len(), 1);
        assert!(!body.contains(" style=") && !body.contains("<style") && !body.contains("<script"));
    }

    // The insurer's officer prints it at the counter, from the request page; the view is in the audit log.
    let nakamura = sign_in_as(&app, "p-nakamura").await;
    let officer_page = page(&nakamura, &format!("/requests/{request}")).await;
    assert_eq!(attr_all(&officer_page, "a.status-letter-link", "href"), vec![letter.clone()]);
    let before = views_by(&app, "p-nakamura").await;
    assert_eq!(nakamura.get(&letter).await.status(), 200);
    assert_eq!(views_by(&app, "p-nakamura").await, before + 1);

    // Nobody else does: a certificate request is the insurer's business, not the municipality's (the access
    // policy), so the municipal officer gets 404 too.
    for other in ["p-suzuki", "p-tanaka", "p-maria", "p-hanako", "p-ken"] {
        let status = sign_in_as(&app, other).await.get(&letter).await.status();
        assert_eq!(status, 404, "{other}");
    }
    assert_eq!(second_client(&app).get(&letter).await.status(), 303);

    // A declined request's letter gives the reason, in easy Japanese too.
    assert_eq!(
        decide(&nakamura, &request, &[("action", "decline"), ("reason", "not-insured"), ("confirm", "yes")])
            .await
            .status(),
        303
    );
    let html = page(&taro, &letter).await;
    assert_eq!(select_all(&html, ".letter__state"), vec!["ことわりました"]);
    let text = select_all(&html, "article.letter p").join(" ");
    assert!(text.contains("この 保険ほけんに 入はいって いません"), "{text}");
}

#[tokio::test]
async fn a_guardian_and_the_ward_print_the_letter_and_others_do_not() {
    let app = spawn_app().await;
    let hanako = sign_in_as(&app, "p-hanako").await;
    let request = file_certificate_request(&hanako, "p-ichiro").await;
    assert_eq!(hanako.get(&format!("/requests/{request}/letter")).await.status(), 200);
    assert_eq!(sign_in_as(&app, "p-ichiro").await.get(&format!("/requests/{request}/letter")).await.status(), 200);
    assert_eq!(sign_in_as(&app, "p-taro").await.get(&format!("/requests/{request}/letter")).await.status(), 404);
}

#[tokio::test]
async fn the_letters_qr_code_fills_in_the_reference_and_still_asks_for_the_date_of_birth() {
    let app = spawn_app().await;
    let taro = sign_in_as(&app, "p-taro").await;
    let request = file_certificate_request(&taro, "p-taro").await;
    let reference = reference_of(&taro, &request).await;
    let anonymous = second_client(&app);
    // More often than a lookup is allowed: filling in is not a lookup.
    for _ in 0..=madoguchi::journeys::requests::LOOKUPS_PER_CLIENT {
        let res = anonymous.get(&format!("/track?reference={reference}")).await;
        assert_eq!(res.status(), 200);
        let html = Html::parse_document(&res.text().await.unwrap());
        assert_eq!(attr_all(&html, "#reference", "value"), vec![reference.clone()]);
        assert_eq!(attr_all(&html, "#birth_date", "value"), vec![String::new()]);
        assert!(select_all(&html, ".error-summary").is_empty());
        assert!(select_all(&html, ".tag--state").is_empty(), "no state without the date of birth");
    }
    let token = anonymous.csrf_token("/track").await;
    let res = anonymous
        .post_form("/track", &[("csrf_token", token.as_str()), ("reference", &reference), ("birth_date", "1985-01-02")])
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(select_all(&Html::parse_document(&res.text().await.unwrap()), ".tag--state"), vec!["受付済み"]);
}

// ---- expiry reminders ------------------------------------------------------------------------------------

fn reminders(app: &TestApp, base: &str) -> Reminders {
    Reminders {
        store: app.store.clone(),
        localizer: Arc::new(Localizer::load().unwrap()),
        base_url: url::Url::parse(base).unwrap(),
        default_locale: Locale::Ja,
    }
}

/// A certificate written directly, expiring `days` from today (negative: already expired).
struct Cert<'a> {
    holder: Option<&'a str>,
    enrolment: Option<&'a str>,
    days: i64,
    revoked: bool,
    replaced: bool,
}

impl Default for Cert<'_> {
    fn default() -> Self {
        Cert { holder: None, enrolment: None, days: 10, revoked: false, replaced: false }
    }
}

async fn insert_certificate(app: &TestApp, c: Cert<'_>) -> String {
    let id = madoguchi::store::new_id();
    let until = (today_jst() + chrono::Duration::days(c.days)).to_string();
    sqlx::query(
        "INSERT INTO certificates (id, person_id, enrolment_id, insurer_id, name, name_kana, birth_date, symbol, \
         number, insurer_number, insurer_name, issued_on, valid_from, valid_until, delivery, code, revoked_at, \
         replaced_by, created_at) VALUES ($1, $2, $3, 'ins-kyokai-tokyo', 'x', 'x', '1950-01-01', '1', '1', \
         '01130012', '全国健康保険協会 東京支部', '2025-01-01', '2025-01-01', $4, 'post', $5, $6, $7, 0)",
    )
    .bind(&id)
    .bind(c.holder)
    .bind(c.enrolment)
    .bind(&until)
    .bind(format!("code-{id}"))
    .bind(if c.revoked { Some(1_i64) } else { None })
    .bind(if c.replaced { Some("a-newer-one") } else { None })
    .execute(app.store.pool())
    .await
    .unwrap();
    id
}

async fn reminded_at(app: &TestApp, id: &str) -> Option<i64> {
    let (at,): (Option<i64>,) = sqlx::query_as("SELECT reminded_at FROM certificates WHERE id = $1")
        .bind(id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    at
}

/// (kind, recipient, locale, body) of the reminders in the outbox.
async fn reminder_mails(app: &TestApp) -> Vec<(String, String, String, String)> {
    let mails = app.store.outbox().list_recent(1000).await.unwrap();
    mails
        .into_iter()
        .filter(|m| m.kind.starts_with("mail-certificate-expiry"))
        .map(|m| (m.kind, m.recipient, m.locale, m.body_text))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_certificate_is_reminded_once_to_the_holder_or_else_their_representative() {
    let app = spawn_app().await;
    let holder = insert_certificate(&app, Cert { holder: Some("p-taro"), ..Default::default() }).await;
    // 佐藤 一郎 has no e-mail: his guardian 佐藤 花子 is told. On the last day of the window.
    let ward =
        insert_certificate(&app, Cert { holder: Some("p-ichiro"), days: DAYS_BEFORE_EXPIRY, ..Default::default() })
            .await;
    // A run-issued certificate with no account on it: the holder is the enrolment record's account (Maria, English).
    let enrolment =
        insert_certificate(&app, Cert { enrolment: Some("enr-demo-6"), days: 3, ..Default::default() }).await;
    let none = [
        insert_certificate(&app, Cert { holder: Some("p-maria"), days: DAYS_BEFORE_EXPIRY + 1, ..Default::default() })
            .await,
        insert_certificate(&app, Cert { holder: Some("p-taro"), revoked: true, ..Default::default() }).await,
        insert_certificate(&app, Cert { holder: Some("p-taro"), replaced: true, ..Default::default() }).await,
        insert_certificate(&app, Cert { holder: Some("p-taro"), days: -1, ..Default::default() }).await,
        // 渡辺 トメ has neither an e-mail nor a representative: her certificate is on paper.
        insert_certificate(&app, Cert { holder: Some("p-tome"), ..Default::default() }).await,
    ];
    // Many more, so that jobs running at once really contend for the same rows.
    let mut many = Vec::new();
    for _ in 0..40 {
        many.push(insert_certificate(&app, Cert { holder: Some("p-hanako"), days: 20, ..Default::default() }).await);
    }

    // Three nodes' jobs at once, then once more. The same address as the application's own task.
    let base = format!("{}/", app.address);
    let jobs: Vec<_> = (0..3)
        .map(|_| {
            let r = reminders(&app, &base);
            tokio::spawn(async move { r.run_once(today_jst()).await.unwrap() })
        })
        .collect();
    let mut queued = 0;
    for job in jobs {
        queued += job.await.unwrap();
    }
    // The application's own reminder task may have taken some: it is a fourth node.
    assert!(queued <= 43, "{queued}");
    assert_eq!(reminders(&app, &base).run_once(today_jst()).await.unwrap(), 0);

    let mails = reminder_mails(&app).await;
    assert_eq!(mails.len(), 43, "{}", backend_name());
    let to = |who: &str| mails.iter().filter(|m| m.1 == who).cloned().collect::<Vec<_>>();
    let taro = to("taro@example.jp");
    assert_eq!(taro.len(), 1);
    assert_eq!(taro[0].0, "mail-certificate-expiry");
    assert_eq!(taro[0].2, "ja");
    assert!(taro[0].3.contains("全国健康保険協会 東京支部の資格確認書の有効期限は"), "{}", taro[0].3);
    assert!(taro[0].3.contains(&format!("{base}certificates\n")), "no request: where to apply");
    let hanako = to("hanako@example.jp");
    assert_eq!(hanako.len(), 41, "her own 40, and her ward's");
    let for_ward: Vec<_> = hanako.iter().filter(|m| m.0 == "mail-certificate-expiry-ward").collect();
    assert_eq!(for_ward.len(), 1);
    assert!(for_ward[0].3.contains("佐藤 一郎さん"), "{}", for_ward[0].3);
    let maria = to("maria@example.jp");
    assert_eq!(maria.len(), 1);
    assert_eq!(maria[0].2, "en");
    assert!(
        maria[0].3.starts_with("Your qualification certificate from Japan Health Insurance Association (Kyokai Kenpo), Tokyo is valid until "),
        "the insurer in English: {}",
        maria[0].3
    );
    assert!(mails.iter().all(|m| m.1 != "mori@example.jp"));

    for id in [&holder, &ward, &enrolment].into_iter().chain(&many) {
        assert!(reminded_at(&app, id).await.is_some(), "{id}");
    }
    for id in &none {
        assert!(reminded_at(&app, id).await.is_none(), "{id} is not reminded");
    }
}

#[tokio::test]
async fn the_reminder_reaches_the_mail_server_once_in_the_holders_language() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(&[("MADOGUCHI_SMTP_URL", &sink.url())]).await;
    let taro = sign_in_as(&app, "p-taro").await;
    let (_, id, _) = issued_to_taro(&app, &taro).await;
    sqlx::query("UPDATE people SET preferred_locale = 'ja-easy' WHERE id = 'p-taro'")
        .execute(app.store.pool())
        .await
        .unwrap();
    let until = today_jst() + chrono::Duration::days(12);
    sqlx::query("UPDATE certificates SET valid_until = $1 WHERE id = $2")
        .bind(until.to_string())
        .bind(&id)
        .execute(app.store.pool())
        .await
        .unwrap();
    let job = reminders(&app, &format!("{}/", app.address));
    assert_eq!(job.run_once(today_jst()).await.unwrap(), 1);
    assert_eq!(job.run_once(today_jst()).await.unwrap(), 0);
    // The request's own mails (received, issued) arrive too, in any order. Once the outbox has sent every
    // mail (or given it up), the server has all there will be.
    let is_reminder = |m: &crate::smtp_sink::ReceivedMail| m.subject().starts_with("資格確認書を");
    eventually("every queued mail sent", || async {
        let queued = app.store.outbox().list_recent(100).await.unwrap();
        queued.iter().all(|m| matches!(m.state.as_str(), "sent" | "failed")).then_some(())
    })
    .await;
    let received = sink.messages();
    let mail = received.iter().find(|m| is_reminder(m)).unwrap();
    assert_eq!(mail.rcpt_to, ["taro@example.jp"]);
    assert_eq!(mail.subject(), "資格確認書を 使える 期間が もうすぐ おわります");
    let text = mail.part("text/plain").unwrap();
    assert!(text.contains(&format!("{}年", until.format("%Y"))), "the last day, 西暦 first: {text}");
    assert!(text.contains(&format!("{}/certificates/issued/{id}", app.address)), "{text}");
    let html = mail.part("text/html").unwrap();
    assert!(html.contains("<ruby>資格確認書<rt>しかくかくにんしょ</rt></ruby>"));
    let reminders_received = sink.messages().iter().filter(|m| is_reminder(m)).count();
    assert_eq!(reminders_received, 1, "exactly once ({})", backend_name());
}

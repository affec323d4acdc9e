//! The insurer's back office for qualification certificates: the queue, decisions, the certificate and its
//! verification code.

use scraper::Html;

use crate::certificates::file_certificate_request;
use crate::helpers::{TestApp, attr_all, second_client, select_all, sign_in_as, spawn_app};

async fn decide(officer: &TestApp, id: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let token = officer.csrf_token(&format!("/requests/{id}")).await;
    let mut all = vec![("csrf_token", token.as_str())];
    all.extend_from_slice(fields);
    officer.post_form(&format!("/office/certificates/{id}/decide"), &all).await
}

async fn updates_to_taro(app: &TestApp) -> usize {
    let mails = app.store.outbox().list_recent(100).await.unwrap();
    mails.iter().filter(|m| m.kind == "mail-request-update" && m.recipient == "taro@example.jp").count()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(app.store.pool()).await.unwrap();
    n
}

async fn page(app: &TestApp, path: &str) -> Html {
    let res = app.get(path).await;
    assert_eq!(res.status(), 200, "{path}");
    Html::parse_document(&res.text().await.unwrap())
}

/// The certificate links on a request page, newest last.
async fn certificate_links(app: &TestApp, id: &str) -> Vec<String> {
    attr_all(&page(app, &format!("/requests/{id}")).await, "a[href^='/certificates/issued/']", "href")
}

async fn code_on(app: &TestApp, certificate: &str) -> String {
    select_all(&page(app, certificate).await, ".certificate__code").pop().expect("a verification code")
}

async fn verify_status(app: &TestApp, code: &str) -> String {
    let res = app.get(&format!("/verify/{code}")).await;
    assert_eq!(res.status(), 200, "verification never fails as a page");
    let html = Html::parse_document(&res.text().await.unwrap());
    select_all(&html, ".verify-status").pop().unwrap()
}

#[tokio::test]
async fn an_insurer_decides_and_the_certificate_can_be_verified() {
    let app = spawn_app().await;
    let taro = sign_in_as(&app, "p-taro").await;
    let id = file_certificate_request(&taro, "p-taro").await;
    assert_eq!(updates_to_taro(&app).await, 1, "the confirmation");

    // Only the responsible insurer's officer sees it in the queue.
    let nakamura = sign_in_as(&app, "p-nakamura").await;
    let tanaka = sign_in_as(&app, "p-tanaka").await;
    let queue = page(&nakamura, "/office/certificates").await;
    assert!(attr_all(&queue, "a.queue-ref", "href").contains(&format!("/requests/{id}")));
    let filtered = page(&nakamura, "/office/certificates?state=in_review").await;
    assert!(!attr_all(&filtered, "a.queue-ref", "href").contains(&format!("/requests/{id}")));
    let other = page(&tanaka, "/office/certificates").await;
    assert!(!attr_all(&other, "a.queue-ref", "href").is_empty(), "the demo data has a request for あおば市国保");
    assert!(!attr_all(&other, "a.queue-ref", "href").contains(&format!("/requests/{id}")));
    assert_eq!(decide(&tanaka, &id, &[("action", "start")]).await.status(), 404);
    assert_eq!(sign_in_as(&app, "p-suzuki").await.get("/office/certificates").await.status(), 403);
    assert_eq!(taro.get("/office/certificates").await.status(), 403);

    // Start checking, then a validity above the national maximum is refused beside the field.
    assert_eq!(decide(&nakamura, &id, &[("action", "start")]).await.status(), 303);
    let before = count(&app, "SELECT COUNT(*) FROM request_events").await;
    let demo_certificates = count(&app, "SELECT COUNT(*) FROM certificates").await;
    let res = decide(&nakamura, &id, &[("action", "approve"), ("months", "61")]).await;
    assert_eq!(res.status(), 422);
    let html = Html::parse_document(&res.text().await.unwrap());
    assert_eq!(attr_all(&html, "#months", "value"), vec!["61"]);
    assert_eq!(select_all(&html, "#months-error").len(), 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM request_events").await, before);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM certificates").await, demo_certificates);

    // Approve with 12 months: issued, one e-mail per decision.
    assert_eq!(
        decide(
            &nakamura,
            &id,
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
    let request_page = page(&taro, &format!("/requests/{id}")).await;
    assert!(select_all(&request_page, ".tag--state").iter().any(|t| t == "Issued" || t.contains("交付")));
    assert_eq!(updates_to_taro(&app).await, 3, "confirmation, checking started, issued");

    // Deciding again is refused and writes nothing.
    let events = count(&app, "SELECT COUNT(*) FROM request_events").await;
    let res = decide(&nakamura, &id, &[("action", "decline"), ("reason", "not-insured")]).await;
    assert_eq!(res.status(), 409);
    let res = decide(&nakamura, &id, &[("action", "approve"), ("months", "12")]).await;
    assert_eq!(res.status(), 409);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM request_events").await, events);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM certificates").await, demo_certificates + 1);
    assert_eq!(updates_to_taro(&app).await, 3);

    // The certificate and its code.
    let links = certificate_links(&taro, &id).await;
    assert_eq!(links.len(), 1);
    let cert = page(&taro, &links[0]).await;
    let items = select_all(&cert, ".certificate__row dd");
    assert!(items.iter().any(|i| i == "1234567"), "{items:?}");
    assert!(items.iter().any(|i| i == "01130012"), "{items:?}");
    assert!(items.iter().any(|i| i == "42"), "{items:?}");
    let code = code_on(&taro, &links[0]).await;
    let qr = attr_all(&cert, "svg.certificate__qr", "shape-rendering");
    assert_eq!(qr, vec!["crispEdges"], "a QR code drawn as markup");
    assert!(attr_all(&cert, "svg.certificate__qr", "style").is_empty());
    let anonymous = second_client(&app);
    assert_eq!(verify_status(&anonymous, &code).await, "有効");
    let mut tampered: Vec<char> = code.chars().collect();
    tampered[3] = if tampered[3] == 'A' { 'B' } else { 'A' };
    let tampered: String = tampered.into_iter().collect();
    assert!(verify_status(&anonymous, &tampered).await.contains("無効"));
    assert!(verify_status(&anonymous, "not-a-code.at.all").await.contains("無効"));
    assert_eq!(tanaka.get(&links[0]).await.status(), 404, "another insurer's officer");

    // A reissue for the same person and insurer revokes the first certificate.
    let second = file_certificate_request(&taro, "p-taro").await;
    assert_eq!(
        decide(
            &nakamura,
            &second,
            &[
                ("action", "approve"),
                ("numbers", "as-typed"),
                ("as_typed_reason", "applicant-confirmed"),
                ("months", "24")
            ]
        )
        .await
        .status(),
        303
    );
    assert!(verify_status(&anonymous, &code).await.contains("新しい"), "revoked");
    let new_links = certificate_links(&taro, &second).await;
    let new_code = code_on(&taro, &new_links[0]).await;
    assert_eq!(verify_status(&anonymous, &new_code).await, "有効");
    sqlx::query("UPDATE certificates SET valid_until = '2020-01-01' WHERE code = $1")
        .bind(&new_code)
        .execute(app.store.pool())
        .await
        .unwrap();
    assert_eq!(verify_status(&anonymous, &new_code).await, "有効期限切れ");
}

#[tokio::test]
async fn a_declined_request_shows_its_reason_in_the_requesters_language() {
    let app = spawn_app().await;
    let taro = sign_in_as(&app, "p-taro").await;
    let id = file_certificate_request(&taro, "p-taro").await;
    let nakamura = sign_in_as(&app, "p-nakamura").await;

    // Older than the 5-day target: marked in words, not only in colour.
    let queue = page(&nakamura, "/office/certificates").await;
    assert!(select_all(&queue, ".overdue").is_empty());
    sqlx::query("UPDATE requests SET submitted_at = $1 WHERE id = $2")
        .bind(madoguchi::store::now_ms() - 6 * 86_400_000)
        .bind(&id)
        .execute(app.store.pool())
        .await
        .unwrap();
    let queue = page(&nakamura, "/office/certificates?reason=cannot-use-card").await;
    assert_eq!(select_all(&queue, ".queue-row--overdue .overdue").len(), 1);
    assert!(select_all(&queue, "td").iter().any(|t| t.starts_with("6")), "six days waiting");
    let other_reason = page(&nakamura, "/office/certificates?reason=no-card").await;
    let others = attr_all(&other_reason, "a.queue-ref", "href");
    assert!(!others.is_empty(), "the demo data has a request for another reason");
    assert!(!others.contains(&format!("/requests/{id}")));

    let res = decide(&nakamura, &id, &[("action", "decline"), ("reason", "")]).await;
    assert_eq!(res.status(), 422, "a reason must be chosen from the list");
    let res = decide(&nakamura, &id, &[("action", "decline"), ("reason", "because I say so")]).await;
    assert_eq!(res.status(), 422, "no free text");
    assert_eq!(updates_to_taro(&app).await, 1);

    assert_eq!(
        decide(&nakamura, &id, &[("action", "decline"), ("reason", "not-insured"), ("confirm", "yes")]).await.status(),
        303
    );
    assert_eq!(updates_to_taro(&app).await, 2);
    taro.get("/language/en").await;
    let en = taro.get(&format!("/requests/{id}")).await.text().await.unwrap();
    assert!(en.contains("The person is not insured with this insurer."), "English reason");
    taro.get("/language/ja").await;
    let ja = taro.get(&format!("/requests/{id}")).await.text().await.unwrap();
    assert!(ja.contains("この保険者の加入者ではありません。"), "Japanese reason");
    assert!(!ja.contains("office-cert-decline"), "never the message id");
    let (state,): (String,) =
        sqlx::query_as("SELECT state FROM requests WHERE id = $1").bind(&id).fetch_one(app.store.pool()).await.unwrap();
    assert_eq!(state, "declined");
}

#[tokio::test]
async fn the_demo_certificates_verify_as_valid_expired_and_revoked() {
    let app = spawn_app().await;
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT id, person_id, code FROM certificates ORDER BY issued_on, id")
            .fetch_all(app.store.pool())
            .await
            .unwrap();
    let anonymous = second_client(&app);
    let mut seen = Vec::new();
    for (id, person, code) in &rows {
        // Signed with the portal's key, as the codes of the certificates it issues are.
        assert_eq!(code, &madoguchi::requests::certificate::verification_code(&app.secret_key, id));
        seen.push((person.clone(), verify_status(&anonymous, code).await));
    }
    let seen: Vec<(&str, &str)> = seen.iter().map(|(p, s)| (p.as_str(), s.as_str())).collect();
    assert_eq!(
        seen,
        vec![
            ("p-ichiro", "有効期限切れ"),
            ("p-taro", "無効（新しい資格確認書に替わりました）"),
            ("p-taro", "有効"),
            ("p-yuki", "有効"),
        ],
        "the ward's has run out; the reissue revoked 太郎's first"
    );
}

/// The first number in the hint under a link on the officer home.
fn count_under(home: &Html, href: &str) -> usize {
    let css = scraper::Selector::parse(".service-list li").unwrap();
    let item = home
        .select(&css)
        .find(|li| li.select(&scraper::Selector::parse("a").unwrap()).any(|a| a.value().attr("href") == Some(href)))
        .unwrap_or_else(|| panic!("a link to {href}"));
    let text: String = item.text().collect();
    let digits: String = text.chars().skip_while(|c| !c.is_ascii_digit()).take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().unwrap_or_else(|_| panic!("a count under {href}: {text}"))
}

#[tokio::test]
async fn the_officer_home_counts_what_the_queues_list() {
    let app = spawn_app().await;
    let taro = sign_in_as(&app, "p-taro").await;
    for _ in 0..3 {
        file_certificate_request(&taro, "p-taro").await;
    }
    let nakamura = sign_in_as(&app, "p-nakamura").await;
    let listed = attr_all(&page(&nakamura, "/office/certificates").await, "a.queue-ref", "href").len();
    assert!(listed >= 3, "the three requests are in the queue: {listed}");
    assert_eq!(count_under(&page(&nakamura, "/office").await, "/office/certificates"), listed);

    let suzuki = sign_in_as(&app, "p-suzuki").await;
    let home = page(&suzuki, "/office").await;
    let authorities = select_all(&page(&suzuki, "/office/representations").await, "tbody tr").len();
    assert_eq!(count_under(&home, "/office/representations"), authorities);
    let reports = select_all(&page(&suzuki, "/office/access-reports").await, ".access-list__item").len();
    assert_eq!(count_under(&home, "/office/access-reports"), reports);
}

/// Every page an officer sees names the organisations they work for, in the page's language; nobody else's
/// pages name one.
#[tokio::test]
async fn officers_pages_say_which_organisation_they_work_for() {
    let app = spawn_app().await;
    let works_for = |html: &Html| select_all(html, ".site-header__works-for");
    let insurer = sign_in_as(&app, "p-tanaka").await;
    for path in ["/office", "/office/certificates", "/office/runs", "/requests"] {
        assert_eq!(works_for(&page(&insurer, path).await), ["所属： あおば市国民健康保険"], "{path}");
    }
    // The language chosen the way a person chooses it (the cookie store keeps the session).
    insurer.get("/language/en?back=/office").await;
    let html = page(&insurer, "/office/enrolments").await;
    assert_eq!(works_for(&html), ["Working for: Aoba City National Health Insurance"]);
    insurer.get("/language/ja-easy?back=/office").await;
    let html = page(&insurer, "/office").await;
    assert_eq!(works_for(&html), ["働はたらいている ところ： あおば市しの 国民健康保険こくみんけんこうほけん"]);

    let municipal = sign_in_as(&app, "p-suzuki").await;
    for path in ["/office", "/office/representations", "/office/access-reports"] {
        assert_eq!(works_for(&page(&municipal, path).await), ["所属： あおば市"], "{path}");
    }

    for (who, path) in [("p-taro", "/requests"), ("p-ken", "/facility"), ("p-admin", "/admin")] {
        let someone = sign_in_as(&app, who).await;
        assert!(works_for(&page(&someone, path).await).is_empty(), "{who} works for no municipality or insurer");
    }
    assert!(works_for(&page(&second_client(&app), "/").await).is_empty());
}

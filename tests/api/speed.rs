//! Issue #15: the signed-in path in one read, and pages that stay the same size as the tables grow.

use crate::helpers::{sign_in_as, spawn_app};

/// The one read of the signed-in path says what the separate reads say: the session, the person, the roles
/// in order, the wards in term; and a role or an authority that changes counts on the very next read.
#[tokio::test]
async fn one_read_session_agrees_with_the_separate_reads() {
    let app = spawn_app().await;
    let token = madoguchi::accounts::start_session(
        &app.store,
        &app.secret_key,
        "p-hanako",
        "email_code",
        madoguchi::store::now_ms(),
    )
    .await
    .unwrap();
    let hash = madoguchi::accounts::session_hash(&app.secret_key, &token);
    for (role, org) in [("facility_staff", "fac-hidamari"), ("admin", "")] {
        sqlx::query("INSERT INTO roles (person_id, role, organisation_id, created_at) VALUES ('p-hanako', $1, $2, 0)")
            .bind(role)
            .bind(org)
            .execute(app.store.pool())
            .await
            .unwrap();
    }

    let before = app.store.roles_of("p-hanako").await.unwrap().len();
    let one = app.store.signed_in(&hash).await.unwrap().expect("the session is found");
    let session = app.store.session(&hash).await.unwrap().unwrap();
    assert_eq!(one.session.person_id, session.person_id);
    assert_eq!(one.session.method, "email_code");
    assert_eq!(one.session.expires_at, session.expires_at);
    assert_eq!(one.session.last_seen_at, session.last_seen_at);
    assert_eq!(one.session.acting_for, None);
    let person = app.store.person("p-hanako").await.unwrap().unwrap();
    assert_eq!(
        (&one.person.id, &one.person.name, &one.person.name_kana, &one.person.email, &one.person.birth_date),
        (&person.id, &person.name, &person.name_kana, &person.email, &person.birth_date)
    );
    assert_eq!(one.roles, app.store.roles_of("p-hanako").await.unwrap());
    assert!(one.roles.len() >= 2);
    let wards: Vec<String> = one.wards.iter().map(|w| w.ward_id.clone()).collect();
    assert_eq!(wards, vec!["p-ichiro".to_string()]);
    assert_eq!(one.wards[0].relationship, "adult_guardian");

    // A role taken away and an authority that ended yesterday count at once.
    sqlx::query("DELETE FROM roles WHERE person_id = 'p-hanako' AND role = 'admin'")
        .execute(app.store.pool())
        .await
        .unwrap();
    let yesterday = (app.clock().today() - chrono::Days::new(1)).to_string();
    sqlx::query("UPDATE representations SET ends_on = $1 WHERE representative_id = 'p-hanako'")
        .bind(&yesterday)
        .execute(app.store.pool())
        .await
        .unwrap();
    let after = app.store.signed_in(&hash).await.unwrap().unwrap();
    assert_eq!(after.roles.len(), before - 1);
    assert!(after.wards.is_empty(), "an ended authority is no longer a ward");

    app.store.end_all_sessions("p-hanako").await.unwrap();
    assert!(app.store.signed_in(&hash).await.unwrap().is_none(), "signed out everywhere means no session");
}

/// A signed-in page still works end to end through the one read, and a session whose person signed out
/// everywhere is sent to sign in.
#[tokio::test]
async fn signed_in_pages_use_the_one_read() {
    let app = spawn_app().await;
    let hanako = sign_in_as(&app, "p-hanako").await;
    let res = hanako.get("/requests").await;
    assert_eq!(res.status(), 200);
    app.store.end_all_sessions("p-hanako").await.unwrap();
    let res = hanako.get("/requests").await;
    assert_eq!(res.status(), 303);
    assert!(res.headers()["location"].to_str().unwrap().starts_with("/sign-in"));
}

async fn count(app: &crate::helpers::TestApp, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(app.store.pool()).await.unwrap();
    n
}

/// `demo-data --scale N` makes N requests in every state with their people, timelines, enrolment records and
/// certificates, once; and the app serves its pages on such data.
#[tokio::test]
async fn the_scale_dataset_has_its_counts_and_the_pages_work_on_it() {
    let app = spawn_app().await;
    let before = count(&app, "SELECT COUNT(*) FROM requests").await;
    let made = app.store.load_scale_data(&app.secret_key, 140).await.unwrap().expect("loaded the first time");
    assert_eq!(made.requests, 140);
    assert_eq!(made.people, 70);
    assert_eq!(made.enrolments, 70);
    // Seven states in turn: 1 + 2 + 3 + 4 + 4 + 3 + 4 timeline events per seven requests.
    assert_eq!(made.events, 140 / 7 * 21);
    assert_eq!(made.certificates, 20);
    assert_eq!(made.representations, 2);
    assert_eq!(made.facility_residents, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM requests").await, before + 140);
    assert_eq!(count(&app, "SELECT COUNT(DISTINCT state) FROM requests WHERE id LIKE 'sc-%'").await, 7);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM people WHERE id LIKE 'sc-%' AND demo = 1 AND email IS NULL").await,
        70
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM certificates WHERE id LIKE 'sc-%' AND revoked_at IS NULL").await,
        count(&app, "SELECT COUNT(DISTINCT person_id) FROM certificates WHERE id LIKE 'sc-%'").await,
        "one certificate in force per holder"
    );
    assert!(app.store.load_scale_data(&app.secret_key, 140).await.unwrap().is_none(), "a second run adds nothing");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM requests").await, before + 140);

    let resident = sign_in_as(&app, "sc-0000003").await;
    let list = resident.get("/requests").await;
    assert_eq!(list.status(), 200);
    let (reference,): (String,) = sqlx::query_as("SELECT reference FROM requests WHERE id = 'sc-req-00000003'")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    let shown = reference.parse::<madoguchi::domain::ReferenceNumber>().unwrap().to_string();
    assert!(list.text().await.unwrap().contains(&shown), "the list shows the request's reference");
    assert_eq!(resident.get("/requests/sc-req-00000003").await.status(), 200);
    let guardian = sign_in_as(&app, "sc-0000001").await;
    assert_eq!(guardian.get("/requests").await.status(), 200, "a guardian with requests filed for the ward");

    let officer = sign_in_as(&app, "p-tanaka").await;
    for page in ["/office", "/office/certificates", "/office/registration-lag", "/office/enrolments"] {
        assert_eq!(officer.get(page).await.status(), 200, "{page}");
    }
    let (code,): (String,) =
        sqlx::query_as("SELECT code FROM certificates WHERE id LIKE 'sc-%' AND revoked_at IS NULL LIMIT 1")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(app.get(&format!("/verify/{code}")).await.status(), 200);
    assert_eq!(app.get("/track").await.status(), 200);
}

/// A browser holding `token` as its session cookie, talking to the node at `address`.
fn browser_on(address: &str, token: &str) -> reqwest::Client {
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    jar.add_cookie_str(&format!("session={token}; Path=/"), &address.parse::<reqwest::Url>().unwrap());
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_provider(jar).build().unwrap()
}

/// Two app nodes on one database (PostgreSQL in CI's PostgreSQL stage): a session started through one is good
/// on the other; signing out everywhere on one counts on the other at once (nothing is cached per node); and
/// both nodes' mail workers together send each mail exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_share_sessions_sign_out_everywhere_and_send_each_mail_once() {
    use madoguchi::i18n::{Locale, Localizer};
    use madoguchi::notify::{Notice, compose};

    let sink = crate::smtp_sink::SmtpSink::start().await;
    let smtp = sink.url();
    let a = crate::helpers::spawn_app_with(&[("MADOGUCHI_SMTP_URL", &smtp)]).await;
    let b = crate::helpers::another_node(&a, &[("MADOGUCHI_SMTP_URL", &smtp)]).await;
    assert_ne!(a.address, b.address);

    let token =
        madoguchi::accounts::start_session(&a.store, &a.secret_key, "p-taro", "email_code", madoguchi::store::now_ms())
            .await
            .unwrap();
    let mut on_a = crate::helpers::second_client(&a);
    on_a.client = browser_on(&a.address, &token);
    let on_b = browser_on(&b.address, &token);
    assert_eq!(on_a.get("/requests").await.status(), 200);
    assert_eq!(on_b.get(b.url("/requests")).send().await.unwrap().status(), 200, "the session is good on node B");

    let csrf = on_a.csrf_token("/account").await;
    let res = on_a.post_form("/account/sign-out-everywhere", &[("csrf_token", &csrf)]).await;
    assert!(res.status().is_redirection(), "signed out everywhere on node A: {}", res.status());
    let res = on_b.get(b.url("/requests")).send().await.unwrap();
    assert_eq!(res.status(), 303, "node B no longer takes the session");
    assert!(res.headers()["location"].to_str().unwrap().starts_with("/sign-in"));

    let base = url::Url::parse("https://madoguchi.example.jp").unwrap();
    let localizer = Localizer::load().unwrap();
    let mut expected = std::collections::BTreeSet::new();
    let before = sink.messages().len();
    for i in 0..20 {
        let to = format!("node{i}@example.jp").parse().unwrap();
        let mail =
            compose(&localizer, &base, Locale::Ja, &to, &Notice::sign_in_code(&format!("{:06}", 200000 + i), 10))
                .unwrap();
        expected.insert(format!("<{}@madoguchi>", a.store.outbox().enqueue(&mail).await.unwrap()));
    }
    let arrived = sink.wait_for_messages(before + 20).await;
    // Time for a second delivery, if either node were to make one.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let ids: Vec<String> = sink.messages().iter().skip(before).map(|m| m.message_id()).collect();
    assert!(arrived.len() >= before + 20);
    assert_eq!(ids.len(), 20, "each mail once, not once per node ({})", crate::helpers::backend_name());
    assert_eq!(ids.into_iter().collect::<std::collections::BTreeSet<_>>(), expected);
}

/// A long access log comes in pages of twenty, newest first, each page under the 30 KB budget, and the pages
/// together hold every line once.
#[tokio::test]
async fn the_access_log_comes_in_pages_under_the_budget() {
    let app = spawn_app().await;
    for i in 0..45 {
        app.store.record_view("p-tanaka", "p-taro", "ins-aoba-kokuho", &format!("R{i:03}")).await.unwrap();
    }
    let token = madoguchi::accounts::start_session(
        &app.store,
        &app.secret_key,
        "p-taro",
        "email_code",
        madoguchi::store::now_ms(),
    )
    .await
    .unwrap();
    for lang in crate::helpers::LOCALES {
        let taro = browser_on(&app.address, &token);
        let mut seen = std::collections::BTreeSet::new();
        let mut path = "/account/access-log".to_string();
        let mut pages = 0;
        loop {
            let res = taro
                .get(app.url(&path))
                .header("Cookie", format!("session={token}; lang={lang}"))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200);
            let body = res.text().await.unwrap();
            assert!(body.len() < 30_000, "{lang} {path}: {} bytes", body.len());
            let html = scraper::Html::parse_document(&body);
            let ids = crate::helpers::attr_all(&html, "li.access-list__item", "id");
            assert!(ids.len() <= 12, "twelve lines a page");
            for id in ids {
                assert!(seen.insert(id), "a line shown twice");
            }
            pages += 1;
            let older: Vec<String> = crate::helpers::attr_all(&html, "a[href^='/account/access-log?before=']", "href");
            match older.first() {
                Some(next) => path = next.clone(),
                None => break,
            }
        }
        assert!(seen.len() >= 45, "{lang}: every line on some page ({})", seen.len());
        assert_eq!(pages, seen.len().div_ceil(12), "{lang}: full pages of twelve, then the rest");
    }
}

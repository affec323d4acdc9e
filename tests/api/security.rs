//! A deployment nobody can take over: demo mode only on a developer's machine and only for demo people, rate
//! limits per client behind trusted proxies, a deadline for request bodies, and an audit log the serving role
//! cannot empty or drop.

use std::time::Duration;

use madoguchi::accounts;
use madoguchi::app::Application;
use madoguchi::config::{Settings, Source};
use scraper::Html;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

/// Adds an administrator the way a real deployment does (`madoguchi add-staff`), on the app's database.
async fn add_real_admin(app: &TestApp, email: &str) -> String {
    let data = tempfile::tempdir().unwrap();
    let settings = Settings::load(&Source::from_pairs([
        ("DATABASE_URL", app.database_url.as_str()),
        ("MADOGUCHI_DATA_DIR", data.path().to_str().unwrap()),
        ("MADOGUCHI_DEMO", "false"),
    ]))
    .unwrap();
    let args: Vec<String> =
        ["--name", "本物 管理者", "--kana", "ホンモノ カンリシャ", "--email", email, "--role", "admin"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    madoguchi::app::add_staff_from_args(&settings, &args).await.expect("add-staff works");
    app.store.person_by_email(email).await.unwrap().expect("the admin exists").id
}

#[tokio::test]
async fn real_accounts_are_never_handed_out_by_the_demo_helpers() {
    let app = spawn_app().await;
    let real = add_real_admin(&app, "chief@city.example.jp").await;
    let token = app.csrf_token("/sign-in").await;

    let res = app.post_form(&format!("/demo/invite/{real}"), &[("csrf_token", &token)]).await;
    assert_eq!(res.status(), 404, "a real administrator is not invited by the demo helper, even in demo mode");
    let sign_in = app.get("/sign-in").await.text().await.unwrap();
    assert!(!sign_in.contains("chief@city.example.jp") && !sign_in.contains(&real), "not in the demo list");
    let outbox = app.get("/demo/outbox").await.text().await.unwrap();
    assert!(!outbox.contains("chief@city.example.jp"), "their invitation (from add-staff) is not shown");
    assert!(!outbox.contains("/invitation/"), "no invitation link of a real account");

    // A real resident's sign-in code is not shown either; a demo resident's is.
    for email in ["someone@real.example.jp", "taro@example.jp"] {
        let res = app.post_form("/sign-in", &[("csrf_token", &token), ("email", email)]).await;
        assert_eq!(res.status(), 303);
    }
    let outbox = Html::parse_document(&app.get("/demo/outbox").await.text().await.unwrap());
    let text = outbox.root_element().text().collect::<String>();
    assert!(!text.contains("someone@real.example.jp"), "{text}");
    assert!(text.contains("taro@example.jp"));

    // The demo people still work as before.
    let res = app.post_form("/demo/invite/p-admin", &[("csrf_token", &token)]).await;
    assert_eq!(res.status(), 303);
}

#[tokio::test]
async fn demo_mode_is_off_by_default_off_a_developers_machine() {
    // No MADOGUCHI_DEMO: on SQLite with a loopback bind it is on; listening on every address it is off.
    let local = spawn_app_with(&[("MADOGUCHI_DEMO", "")]).await;
    let on_sqlite = crate::helpers::backend_name() == "sqlite";
    assert_eq!(local.get("/demo/outbox").await.status() == 200, on_sqlite, "demo only on SQLite + loopback");

    let public = spawn_app_with(&[("MADOGUCHI_DEMO", ""), ("MADOGUCHI_BIND", "0.0.0.0:0")]).await;
    assert_eq!(public.get("/demo/outbox").await.status(), 404);
    assert!(public.store.person("p-admin").await.unwrap().is_none(), "no demo data either");
}

#[tokio::test]
async fn demo_mode_with_an_https_address_does_not_start() {
    let e = Settings::load(&Source::from_pairs([
        ("MADOGUCHI_DATA_DIR", tempfile::tempdir().unwrap().path().to_str().unwrap()),
        ("MADOGUCHI_BASE_URL", "https://madoguchi.example.jp"),
        ("MADOGUCHI_DEMO", "true"),
    ]))
    .unwrap_err();
    assert_eq!(e.variable, "MADOGUCHI_DEMO");
    assert!(e.to_string().contains("https"), "{e}");
}

async fn ask_for_codes_until_refused(app: &TestApp, forwarded_for: &str) -> usize {
    let token = app.csrf_token("/sign-in").await;
    for n in 0..=accounts::CODE_REQUESTS_PER_CLIENT_PER_HOUR as usize {
        let res = app
            .client
            .post(app.url("/sign-in"))
            .header("X-Forwarded-For", forwarded_for)
            .form(&[("csrf_token", token.as_str()), ("email", &format!("n{n}.{forwarded_for}@example.jp"))])
            .send()
            .await
            .unwrap();
        if res.status() == 429 {
            return n;
        }
        assert_eq!(res.status(), 303);
    }
    usize::MAX
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_rate_limit() {
    let limit = accounts::CODE_REQUESTS_PER_CLIENT_PER_HOUR as usize;
    let proxied = spawn_app_with(&[("MADOGUCHI_TRUSTED_PROXIES", "127.0.0.1, ::1")]).await;
    assert_eq!(ask_for_codes_until_refused(&proxied, "198.51.100.1").await, limit);
    assert_eq!(ask_for_codes_until_refused(&proxied, "198.51.100.2").await, limit, "another client, its own bucket");

    // Without the setting the header is not believed: everyone behind the proxy shares the peer's bucket.
    let direct = spawn_app().await;
    assert_eq!(ask_for_codes_until_refused(&direct, "198.51.100.1").await, limit);
    assert_eq!(ask_for_codes_until_refused(&direct, "198.51.100.2").await, 0, "a spoofed header changes nothing");
}

#[tokio::test]
async fn a_slow_request_body_is_cut_off() {
    let app = spawn_app_with(&[("MADOGUCHI_BODY_TIMEOUT_SECONDS", "1")]).await;
    let port = url::Url::parse(&app.address).unwrap().port().unwrap();
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    stream
        .write_all(
            b"POST /contact HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n\
              Content-Length: 100\r\n\r\ncsrf_toke",
        )
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    answer.extend_from_slice(&buf[..n]);
                    if answer.windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the connection was held open for 10 seconds");
    assert!(started.elapsed() < Duration::from_secs(5), "answered after {:?}", started.elapsed());
    let head = String::from_utf8_lossy(&answer);
    assert!(head.is_empty() || head.starts_with("HTTP/1.1 408"), "{head}");
}

#[tokio::test]
async fn the_audit_log_cannot_be_truncated_on_postgres() {
    let app = spawn_app().await;
    if app.store.backend() != madoguchi::store::Backend::Postgres {
        eprintln!("skipped: TRUNCATE and roles are PostgreSQL's (run with MADOGUCHI_TEST_POSTGRES)");
        return;
    }
    let e = sqlx::query("TRUNCATE audit_log CASCADE").execute(app.store.pool()).await.unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
}

/// The two roles of the README: an owner that migrates, a serving role with rights on rows only.
#[tokio::test]
async fn the_serving_role_cannot_alter_or_drop_the_audit_log() {
    let Ok(admin_url) = std::env::var("MADOGUCHI_TEST_POSTGRES") else {
        eprintln!("skipped: the migration role is PostgreSQL's (run with MADOGUCHI_TEST_POSTGRES)");
        return;
    };
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    let (db, owner, server) = (format!("t_{suffix}"), format!("owner_{suffix}"), format!("serve_{suffix}"));
    sqlx::any::install_default_drivers();
    let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin_url).await.unwrap();
    for sql in [
        format!("CREATE ROLE {owner} LOGIN"),
        format!("CREATE ROLE {server} LOGIN"),
        format!("CREATE DATABASE {db} OWNER {owner}"),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut admin).await.unwrap();
    }
    let url_as = |role: &str| {
        let mut u = url::Url::parse(&admin_url).unwrap();
        u.set_username(role).unwrap();
        u.set_path(&format!("/{db}"));
        u.to_string()
    };
    // As the README says: the owner's future tables are open to the serving role for rows only.
    let mut as_owner = <sqlx::AnyConnection as sqlx::Connection>::connect(&url_as(&owner)).await.unwrap();
    let grant = format!(
        "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {server}"
    );
    sqlx::query(sqlx::AssertSqlSafe(grant)).execute(&mut as_owner).await.unwrap();

    let data = tempfile::tempdir().unwrap();
    let (serve_url, owner_url) = (url_as(&server), url_as(&owner));
    let settings = Settings::load(&Source::from_pairs([
        ("MADOGUCHI_BIND", "127.0.0.1:0"),
        ("MADOGUCHI_BASE_URL", "http://localhost:0"),
        ("MADOGUCHI_DATA_DIR", data.path().to_str().unwrap()),
        ("DATABASE_URL", serve_url.as_str()),
        ("MADOGUCHI_MIGRATION_DATABASE_URL", owner_url.as_str()),
        ("MADOGUCHI_DEMO", "true"),
    ]))
    .unwrap();
    let app = Application::build(settings).await.expect("migrated as the owner, serving as the app role");
    let store = app.store().clone();
    assert!(store.person("p-admin").await.unwrap().is_some(), "the serving role wrote the demo data");
    tokio::spawn(app.run_until_stopped());

    let mut as_server = <sqlx::AnyConnection as sqlx::Connection>::connect(&serve_url).await.unwrap();
    for sql in [
        "DROP TABLE audit_log CASCADE",
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change",
        "TRUNCATE audit_log CASCADE",
        "DROP TRIGGER audit_log_no_truncate ON audit_log",
    ] {
        let e = sqlx::query(sql).execute(&mut as_server).await.unwrap_err();
        assert!(e.to_string().contains("must be owner") || e.to_string().contains("permission denied"), "{sql}: {e}");
    }
    let owner_of: (String,) = sqlx::query_as("SELECT tableowner::text FROM pg_tables WHERE tablename = 'audit_log'")
        .fetch_one(&mut as_server)
        .await
        .unwrap();
    assert_eq!(owner_of.0, owner);
}

use std::future::Future;
use std::time::Duration;

use madoguchi::app::Application;
use madoguchi::background::TaskHandle;
use madoguchi::clock::Clock;
use madoguchi::config::{Settings, Source};
use madoguchi::store::Store;
use scraper::{Html, Selector};

/// How long [`eventually`] waits for something before it fails the test.
pub const EVENTUALLY: Duration = Duration::from_secs(20);

/// Polls `check` until it gives a value, and returns it; fails the test, naming `what`, after [`EVENTUALLY`].
/// The one way the tests wait for something another task does: never a fixed sleep.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + EVENTUALLY;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what} did not happen within {EVENTUALLY:?} ({})",
            backend_name()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until the background task has gone round twice more: it has looked at everything that was there when
/// this was called (the round in hand may have begun before), so what it did not do by then it will not do.
pub async fn went_round(task: &TaskHandle) {
    let seen = task.pauses();
    eventually(&format!("{} going round", task.owner()), || async { (task.pauses() >= seen + 2).then_some(()) }).await
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub store: Store,
    pub database_url: String,
    pub secret_key: madoguchi::crypto::SecretKey,
    _data_dir: std::sync::Arc<tempfile::TempDir>,
}

/// Another browser on the same running app: its own cookies.
pub fn second_client(app: &TestApp) -> TestApp {
    TestApp {
        address: app.address.clone(),
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .unwrap(),
        store: app.store.clone(),
        database_url: app.database_url.clone(),
        secret_key: app.secret_key.clone(),
        _data_dir: app._data_dir.clone(),
    }
}

/// Another browser whose requests come from another loopback address (127.0.0.x): another client, as the
/// rate limits see it.
pub fn client_from(app: &TestApp, ip: [u8; 4]) -> TestApp {
    let port = app.address.rsplit(':').next().unwrap();
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .local_address(std::net::IpAddr::from(ip))
            .build()
            .unwrap(),
        ..second_client(app)
    }
}

/// Which database this run of the suite uses, by name, for messages.
pub fn backend_name() -> &'static str {
    if std::env::var("MADOGUCHI_TEST_POSTGRES").is_ok() { "postgres" } else { "sqlite" }
}

/// A database of its own for one test: a new SQLite file, or a new database on the test PostgreSQL server.
pub async fn fresh_database(dir: &std::path::Path) -> String {
    match std::env::var("MADOGUCHI_TEST_POSTGRES") {
        Ok(admin_url) => {
            let name = format!("t_{}", uuid::Uuid::new_v4().simple());
            sqlx::any::install_default_drivers();
            let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin_url)
                .await
                .expect("test PostgreSQL is reachable");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut conn)
                .await
                .expect("create test database");
            let mut url = url::Url::parse(&admin_url).unwrap();
            url.set_path(&format!("/{name}"));
            url.to_string()
        }
        Err(_) => format!("sqlite:{}?mode=rwc", dir.join("test.db").display()),
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

pub async fn spawn_app_with(extra: &[(&str, &str)]) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database(dir.path()).await;
    let data_dir = dir.path().to_str().unwrap().to_string();
    let mut pairs: Vec<(&str, &str)> = vec![
        ("MADOGUCHI_BIND", "127.0.0.1:0"),
        ("MADOGUCHI_BASE_URL", "http://localhost:0"),
        ("MADOGUCHI_DATA_DIR", &data_dir),
        ("DATABASE_URL", &database_url),
        ("MADOGUCHI_DEMO", "true"),
        ("MADOGUCHI_DATABASE_MAX_CONNECTIONS", "5"),
    ];
    pairs.extend_from_slice(extra);
    let settings = Settings::load(&Source::from_pairs(pairs)).expect("test settings are valid");
    let secret_key = settings.secret_key.clone();
    // A clock the tests move instead of waiting.
    let app = Application::build_with_clock(settings, Clock::adjustable()).await.expect("the application starts");
    let address = format!("http://localhost:{}", app.port());
    let store = app.store().clone();
    tokio::spawn(app.run_until_stopped());
    let client =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().unwrap();
    TestApp { address, client, store, database_url, secret_key, _data_dir: std::sync::Arc::new(dir) }
}

/// Another node of the same service: a second app process on the same database, data folder and secret key, as
/// a second server behind a load balancer would be (its own port, its own workers).
pub async fn another_node(app: &TestApp, extra: &[(&str, &str)]) -> TestApp {
    let data_dir = app._data_dir.path().to_str().unwrap().to_string();
    let mut pairs: Vec<(&str, &str)> = vec![
        ("MADOGUCHI_BIND", "127.0.0.1:0"),
        ("MADOGUCHI_BASE_URL", "http://localhost:0"),
        ("MADOGUCHI_DATA_DIR", &data_dir),
        ("DATABASE_URL", &app.database_url),
        ("MADOGUCHI_DEMO", "true"),
        ("MADOGUCHI_DATABASE_MAX_CONNECTIONS", "5"),
    ];
    pairs.extend_from_slice(extra);
    let settings = Settings::load(&Source::from_pairs(pairs)).expect("test settings are valid");
    let node = Application::build(settings).await.expect("the second node starts");
    let address = format!("http://localhost:{}", node.port());
    let store = node.store().clone();
    tokio::spawn(node.run_until_stopped());
    TestApp { address, store, ..second_client(app) }
}

impl TestApp {
    /// The running app's clock: `app.clock().advance(…)` moves time for its workers, leases and deadlines.
    pub fn clock(&self) -> &Clock {
        self.store.clock()
    }

    /// The app's data folder (MADOGUCHI_DATA_DIR).
    pub fn data_dir(&self) -> String {
        self._data_dir.path().to_str().unwrap().to_string()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request sent")
    }

    /// A GET in a given language, chosen the way a browser keeps it: the `lang` cookie.
    pub async fn get_in(&self, lang: &str, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).header("Cookie", format!("lang={lang}")).send().await.expect("request sent")
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client.post(self.url(path)).form(fields).send().await.expect("request sent")
    }

    /// Fetches a form page first (for the CSRF cookie) and returns the token in its form.
    pub async fn csrf_token(&self, form_path: &str) -> String {
        let html = Html::parse_document(&self.get(form_path).await.text().await.unwrap());
        let sel = Selector::parse(r#"input[name="csrf_token"]"#).unwrap();
        html.select(&sel).next().expect("the form has a CSRF field").value().attr("value").unwrap().to_string()
    }
}

pub fn select_all(html: &Html, css: &str) -> Vec<String> {
    let sel = Selector::parse(css).unwrap();
    html.select(&sel).map(|e| e.text().collect::<String>().trim().to_string()).collect()
}

pub fn attr_all(html: &Html, css: &str, attr: &str) -> Vec<String> {
    let sel = Selector::parse(css).unwrap();
    html.select(&sel).filter_map(|e| e.value().attr(attr).map(str::to_string)).collect()
}

pub const LOCALES: [&str; 3] = ["ja", "en", "ja-easy"];

/// The pages of the layout that anyone can open.
pub const PUBLIC_PAGES: [&str; 6] = ["/", "/accessibility", "/privacy", "/contact", "/contact/sent", "/dates"];

/// A fresh browser signed in as `person_id`, with a session started directly through the store (officers and
/// facility staff sign in with passkeys, which the tests do not drive).
pub async fn sign_in_as(app: &TestApp, person_id: &str) -> TestApp {
    let token =
        madoguchi::accounts::start_session(&app.store, &app.secret_key, person_id, "passkey", app.clock().now_ms())
            .await
            .expect("a session starts");
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let url: reqwest::Url = app.address.parse().unwrap();
    jar.add_cookie_str(&format!("session={token}; Path=/"), &url);
    TestApp {
        address: app.address.clone(),
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_provider(jar)
            .build()
            .unwrap(),
        store: app.store.clone(),
        database_url: app.database_url.clone(),
        secret_key: app.secret_key.clone(),
        _data_dir: app._data_dir.clone(),
    }
}

/// A second municipality (`mun-other`) with its own officer, made through the store. Returns the officer's id.
pub async fn add_other_municipality(app: &TestApp) -> String {
    app.store.create_municipality("mun-other", "999992", "みどり町", "Midori Town").await.unwrap();
    let mut tx = app.store.pool().begin().await.unwrap();
    let id = madoguchi::store::organisations::create_staff(
        &mut tx,
        &madoguchi::store::organisations::NewStaff {
            name: "森 次郎",
            name_kana: "モリ ジロウ",
            email: "officer@town.midori.example.jp",
            role: "municipal_officer",
            organisation_id: "mun-other",
            locale: "ja",
        },
        None,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

/// A multipart body with text fields and one file, as a browser sends it: (content type, body).
pub fn multipart_body(fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "----madoguchiTestBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    if let Some((name, file_name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The request service on the test's database, writing no e-mail (as tests that build records need).
pub fn requests(app: &TestApp) -> madoguchi::requests::service::Service<'_> {
    madoguchi::requests::service::Service { store: &app.store, mails: None, certificate_key: &app.secret_key }
}

/// A request as a test needs it: who files it, for whom and how, and its answers.
pub struct SentRequest<'a> {
    pub filed_by: &'a str,
    pub filing: madoguchi::requests::service::Filing,
    pub municipality_id: Option<&'a str>,
    pub answers: madoguchi::requests::certificate::CertificateAnswers,
}

/// Files `r` through the request service (draft, answers, submission) and returns its id.
pub async fn send_request(app: &TestApp, r: SentRequest<'_>) -> String {
    use madoguchi::requests::RequestKind;
    use madoguchi::requests::service::{Answers, Command};
    let service = requests(app);
    let now = madoguchi::store::now_ms();
    let create = Command::CreateDraft {
        kind: RequestKind::Certificate,
        filed_by: r.filed_by.to_string(),
        filing: r.filing.clone(),
        municipality_id: r.municipality_id.map(str::to_string),
    };
    let id = service.run(create, now).await.unwrap().unwrap().request_id;
    let save = Command::SaveDraft {
        request_id: id.clone(),
        filed_by: r.filed_by.to_string(),
        filing: r.filing,
        answers: Answers::Certificate(r.answers),
    };
    service.run(save, now).await.unwrap().unwrap();
    service.run(Command::Submit { request_id: id.clone(), by: r.filed_by.to_string() }, now).await.unwrap().unwrap();
    id
}

/// A card request of `reason` that `filer` starts for themself in `municipality` through the request service
/// (`StartDraft` with the card's answers), and sends (`Submit`) when `send`: the way other code makes one.
pub async fn card_request_through_service(
    app: &TestApp,
    filer: &str,
    municipality: &str,
    reason: madoguchi::domain::card_validity::ExpressReason,
    send: bool,
) -> String {
    use madoguchi::requests::service::{Answers, Command, Filing, Service};
    let service = Service { store: &app.store, mails: None, certificate_key: &app.secret_key };
    let answers = madoguchi::requests::card::CardAnswers { reason: Some(reason), ..Default::default() };
    let start = Command::StartDraft {
        filed_by: filer.to_string(),
        filing: Filing {
            subject_id: filer.to_string(),
            filed_as: madoguchi::requests::FiledAs::SelfFiled,
            facility_id: None,
        },
        municipality_id: Some(municipality.to_string()),
        answers: Answers::Card(answers),
    };
    let now = app.store.clock().now_ms();
    let id = service.run(start, now).await.unwrap().unwrap().request_id;
    if send {
        service.run(Command::Submit { request_id: id.clone(), by: filer.to_string() }, now).await.unwrap().unwrap();
    }
    id
}

/// Runs one command of the request service as the tests' own writer (no e-mail), expecting it to go through.
pub async fn run_command(app: &TestApp, command: madoguchi::requests::service::Command) {
    let service =
        madoguchi::requests::service::Service { store: &app.store, mails: None, certificate_key: &app.secret_key };
    service.run(command, app.store.clock().now_ms()).await.unwrap().unwrap();
}

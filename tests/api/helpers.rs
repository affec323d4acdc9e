use madoguchi::app::Application;
use madoguchi::config::{Settings, Source};
use madoguchi::store::Store;
use scraper::{Html, Selector};

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
async fn fresh_database(dir: &std::path::Path) -> String {
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
    let app = Application::build(settings).await.expect("the application starts");
    let address = format!("http://localhost:{}", app.port());
    let store = app.store().clone();
    tokio::spawn(app.run_until_stopped());
    let client =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().unwrap();
    TestApp { address, client, store, database_url, secret_key, _data_dir: std::sync::Arc::new(dir) }
}

impl TestApp {
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
    let token = madoguchi::accounts::start_session(
        &app.store,
        &app.secret_key,
        person_id,
        "passkey",
        madoguchi::store::now_ms(),
    )
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

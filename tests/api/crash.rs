//! Crash safety (issue #15): the real server process is killed with SIGKILL in the middle of hundreds of
//! concurrent submissions and started again. Every submission the user saw acknowledged is there, nothing is
//! half-written, and each submission's e-mail reaches the SMTP sink once (a retry after the crash carries the
//! same Message-ID). On SQLite, and on PostgreSQL when `MADOGUCHI_TEST_POSTGRES` is set.

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use madoguchi::config::{Settings, Source};
use madoguchi::store::Store;

use crate::helpers::{backend_name, fresh_database};
use crate::smtp_sink::{SmtpSink, unused_port};

const SUBMISSIONS: usize = 300;

struct Server {
    env: Vec<(String, String)>,
    port: u16,
}

impl Server {
    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_madoguchi"));
        c.args(args).envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        c
    }

    async fn start(&self) -> Running {
        let running = Running(self.command(&["serve"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap());
        let client = reqwest::Client::new();
        for _ in 0..200 {
            if client.get(format!("http://127.0.0.1:{}/healthz", self.port)).send().await.is_ok() {
                return running;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server did not start");
    }
}

/// A server process, killed with SIGKILL when dropped (also when the test fails half-way).
struct Running(Child);

impl Running {
    fn sigkill(mut self) {
        self.kill_now();
    }

    fn kill_now(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.kill_now();
    }
}

/// A request's reference number as people (and its mails) show it.
async fn shown_reference(store: &Store, id: &str) -> String {
    let (compact,): (String,) =
        sqlx::query_as("SELECT reference FROM requests WHERE id = $1").bind(id).fetch_one(store.pool()).await.unwrap();
    compact.parse::<madoguchi::domain::ReferenceNumber>().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_submissions_loses_nothing_acknowledged_and_mails_each_once() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database(dir.path()).await;
    let sink = SmtpSink::start().await;
    let port = unused_port();
    let env: Vec<(String, String)> = [
        ("DATABASE_URL", database_url.clone()),
        ("MADOGUCHI_DATA_DIR", dir.path().to_str().unwrap().to_string()),
        ("MADOGUCHI_BIND", format!("127.0.0.1:{port}")),
        ("MADOGUCHI_BASE_URL", format!("http://localhost:{port}")),
        ("MADOGUCHI_SMTP_URL", sink.url()),
        ("MADOGUCHI_DEMO", "false".to_string()),
        ("MADOGUCHI_LOG", "error".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let server = Server { env: env.clone(), port };

    // Residents with a complete draft each (the large demo dataset), given e-mail addresses.
    let loaded = server.command(&["demo-data", "--scale", "4500"]).output().unwrap();
    assert!(loaded.status.success(), "{}", String::from_utf8_lossy(&loaded.stderr));
    let settings = Settings::load(&Source::from_pairs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))).unwrap();
    let store = Store::connect(&database_url, 5).await.unwrap();
    sqlx::query("UPDATE people SET email = id || '@example.jp' WHERE id LIKE 'sc-%'")
        .execute(store.pool())
        .await
        .unwrap();
    let drafts: Vec<(String, String)> = sqlx::query_as(
        "SELECT MIN(id), filed_by FROM requests WHERE id LIKE 'sc-%' AND state = 'draft' AND filed_by = subject_id \
         GROUP BY filed_by ORDER BY filed_by",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert!(drafts.len() >= SUBMISSIONS, "enough drafts ({})", drafts.len());
    let drafts = &drafts[..SUBMISSIONS];

    let child = server.start().await;
    let base = format!("http://127.0.0.1:{port}");
    // Each resident's browser: a session, and the CSRF cookie and token of the check-your-answers page.
    let mut browsers = Vec::new();
    for (id, person) in drafts {
        let token = madoguchi::accounts::start_session(
            &store,
            &settings.secret_key,
            person,
            "email_code",
            madoguchi::store::now_ms(),
        )
        .await
        .unwrap();
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        jar.add_cookie_str(&format!("session={token}; Path=/"), &base.parse::<reqwest::Url>().unwrap());
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_provider(jar)
            .build()
            .unwrap();
        let page = client.get(format!("{base}/certificates/{id}/check")).send().await.unwrap().text().await.unwrap();
        let csrf = scraper::Html::parse_document(&page)
            .select(&scraper::Selector::parse(r#"input[name="csrf_token"]"#).unwrap())
            .next()
            .expect("the check page has the submit form")
            .value()
            .attr("value")
            .unwrap()
            .to_string();
        browsers.push((id.clone(), person.clone(), client, csrf));
    }

    // All at once; the server is killed once a few dozen have been acknowledged.
    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(BTreeSet::new()));
    let mut sends = Vec::new();
    for (id, _, client, csrf) in browsers {
        let acknowledged = acknowledged.clone();
        let url = format!("{base}/certificates/{id}/submit");
        sends.push(tokio::spawn(async move {
            if let Ok(res) = client.post(url).form(&[("csrf_token", csrf.as_str())]).send().await {
                let to_confirmation = res
                    .headers()
                    .get("location")
                    .is_some_and(|l| l.to_str().unwrap().ends_with(&format!("/requests/{id}/confirmation")));
                if res.status() == 303 && to_confirmation {
                    acknowledged.lock().unwrap().insert(id);
                }
            }
        }));
    }
    for _ in 0..400 {
        if acknowledged.lock().unwrap().len() >= 40 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.sigkill();
    for s in sends {
        s.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(!acknowledged.is_empty(), "some submissions were acknowledged before the kill");
    assert!(acknowledged.len() < SUBMISSIONS, "the kill came in the middle ({} acknowledged)", acknowledged.len());

    let child = server.start().await;
    let targeted: BTreeMap<String, String> = drafts.iter().cloned().collect();
    let mut submitted = BTreeSet::new();
    for (id, person) in &targeted {
        let (state,): (String,) =
            sqlx::query_as("SELECT state FROM requests WHERE id = $1").bind(id).fetch_one(store.pool()).await.unwrap();
        let (events,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM request_events WHERE request_id = $1 AND event = 'submitted'")
                .bind(id)
                .fetch_one(store.pool())
                .await
                .unwrap();
        // The request's own mails (its reference in the subject); the reminder worker may write others.
        let (mails,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE recipient = $1 AND subject LIKE $2")
            .bind(format!("{person}@example.jp"))
            .bind(format!("%{}%", shown_reference(&store, id).await))
            .fetch_one(store.pool())
            .await
            .unwrap();
        match state.as_str() {
            "submitted" => {
                assert_eq!((events, mails), (1, 1), "{id}: one submitted event and one mail ({})", backend_name());
                submitted.insert(person.clone());
            }
            "draft" => {
                assert_eq!((events, mails), (0, 0), "{id}: a draft has no half of a submission ({})", backend_name());
                assert!(!acknowledged.contains(id), "{id} was acknowledged but is lost ({})", backend_name());
            }
            other => panic!("{id} in state {other}"),
        }
    }

    let mut references = Vec::new();
    for id in targeted.keys() {
        references.push(shown_reference(&store, id).await);
    }
    // Each submitted request's mail arrives; a resend after the crash is the same message (same Message-ID).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let by_person = loop {
        let mut by_person: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for m in sink.messages().into_iter().filter(|m| references.iter().any(|r| m.subject().contains(r.as_str()))) {
            for to in &m.rcpt_to {
                let person = to.trim_matches(|c| c == '<' || c == '>').trim_end_matches("@example.jp").to_string();
                by_person.entry(person).or_default().insert(m.message_id());
            }
        }
        if submitted.iter().all(|p| by_person.contains_key(p)) || tokio::time::Instant::now() > deadline {
            break by_person;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    for person in &submitted {
        let ids = by_person.get(person).unwrap_or_else(|| panic!("no mail reached {person} ({})", backend_name()));
        assert_eq!(ids.len(), 1, "{person} got one message, not two different ones ({})", backend_name());
    }
    assert!(by_person.keys().all(|p| submitted.contains(p)), "no mail for a submission that did not happen");
    child.sigkill();
}

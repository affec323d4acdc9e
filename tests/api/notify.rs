//! E-mail through the outbox: real SMTP to the sink in `smtp_sink.rs`, on SQLite and PostgreSQL.

use std::collections::BTreeSet;
use std::time::Duration;

use madoguchi::config::SmtpSettings;
use madoguchi::i18n::{Locale, Localizer};
use madoguchi::notify::worker::{self, WorkerConfig};
use madoguchi::notify::{Mailer, Notice, compose};
use madoguchi::store::Store;
use madoguchi::store::outbox::{NewMail, OutboxMail, enqueue};

use crate::helpers::{TestApp, backend_name, eventually, spawn_app, spawn_app_with, went_round};
use crate::smtp_sink::{SmtpSink, unused_port};

const FROM: &str = "窓口 <no-reply@madoguchi.example.jp>";

fn sign_in_mail(locale: Locale, to: &str, code: &str) -> NewMail {
    let base = url::Url::parse("https://madoguchi.example.jp").unwrap();
    compose(&Localizer::load().unwrap(), &base, locale, &to.parse().unwrap(), &Notice::sign_in_code(code, 10)).unwrap()
}

fn mailer(smtp_url: &str) -> Mailer {
    Mailer::from_settings(&SmtpSettings { url: Some(smtp_url.to_string()), from: FROM.to_string() }).unwrap()
}

/// Short polls and quick retries; leases run out when a test moves the app's clock past them.
fn quick() -> WorkerConfig {
    WorkerConfig {
        lease: Duration::from_secs(2),
        poll_interval: Duration::from_millis(50),
        batch_size: 10,
        max_attempts: 10,
        retry_base: Duration::from_millis(300),
        retry_max: Duration::from_secs(5),
    }
}

async fn row(store: &Store, id: &str) -> OutboxMail {
    store.outbox().find(id).await.unwrap().expect("the outbox row exists")
}

async fn until_state(app: &TestApp, id: &str, state: &str) -> OutboxMail {
    eventually(&format!("mail {id} becoming {state}"), || async {
        Some(row(&app.store, id).await).filter(|r| r.state == state)
    })
    .await
}

#[tokio::test]
async fn a_mail_goes_out_once_when_its_transaction_commits_and_never_when_it_rolls_back() {
    let sink = SmtpSink::start().await;
    // The application's own worker, started because MADOGUCHI_SMTP_URL is set.
    let app = spawn_app_with(&[("MADOGUCHI_SMTP_URL", &sink.url()), ("MADOGUCHI_MAIL_FROM", FROM)]).await;
    let cases = [
        (
            Locale::Ja,
            "ja@example.jp",
            "111111",
            "窓口のサインイン用確認コード",
            "サインイン用の確認コードは 111111 です。",
        ),
        (Locale::En, "en@example.jp", "222222", "Your Madoguchi sign-in code", "Your sign-in code is 222222."),
        (
            Locale::JaEasy,
            "easy@example.jp",
            "333333",
            "窓口に サインインする 番号",
            "サインインする 番号は 333333 です。",
        ),
    ];
    let mut sent = Vec::new();
    for (locale, to, code, ..) in cases {
        let mut tx = app.store.pool().begin().await.unwrap();
        let dropped = enqueue(&mut tx, &sign_in_mail(locale, to, "999999")).await.unwrap();
        tx.rollback().await.unwrap();
        assert!(app.store.outbox().find(&dropped).await.unwrap().is_none());

        let mut tx = app.store.pool().begin().await.unwrap();
        sent.push(enqueue(&mut tx, &sign_in_mail(locale, to, code)).await.unwrap());
        tx.commit().await.unwrap();
    }
    for id in &sent {
        until_state(&app, id, "sent").await;
    }
    let received = sink.wait_for_messages(3).await;
    assert_eq!(received.len(), 3, "each committed mail exactly once, nothing else");
    for ((locale, to, code, subject, first_line), id) in cases.into_iter().zip(&sent) {
        let mail = received.iter().find(|m| m.rcpt_to == [to]).expect("a mail for each recipient");
        assert_eq!(mail.message_id(), format!("<{id}@madoguchi>"));
        assert_eq!(mail.mail_from, "no-reply@madoguchi.example.jp");
        assert_eq!(mail.subject(), subject, "{}", locale.code());
        assert!(mail.header("Content-Type").unwrap().starts_with("multipart/alternative"));
        let text = mail.part("text/plain").expect("a text part");
        assert!(text.starts_with(first_line), "{}: {text}", locale.code());
        assert!(text.contains("https://madoguchi.example.jp/contact"), "the footer names the contact page");
        assert!(!text.contains("999999") && !text.contains('['));
        let html = mail.part("text/html").expect("an HTML part");
        assert!(html.contains(&format!("<html lang=\"{}\">", locale.html_lang())));
        assert!(html.contains(code));
        assert!(html.contains("<a href=\"https://madoguchi.example.jp/contact\">"));
        assert_eq!(html.contains("<ruby>"), locale == Locale::JaEasy, "{}", locale.code());
    }
    assert!(sink.messages().iter().all(|m| !m.raw.contains("999999")));
}

#[tokio::test]
async fn without_smtp_mail_waits_in_the_outbox_listed_newest_first() {
    let app = spawn_app().await;
    let first = app.store.outbox().enqueue(&sign_in_mail(Locale::Ja, "a@example.jp", "123123")).await.unwrap();
    app.clock().advance(Duration::from_secs(1));
    let second = app.store.outbox().enqueue(&sign_in_mail(Locale::En, "b@example.jp", "456456")).await.unwrap();
    let listed = app.store.outbox().list_recent(10).await.unwrap();
    assert_eq!(listed.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), [second.as_str(), first.as_str()]);
    assert!(listed.iter().all(|m| m.state == "pending" && m.attempts == 0 && m.sent_at.is_none()));
    assert_eq!(listed[0].subject, "Your Madoguchi sign-in code");
    assert_eq!(listed[0].kind, "mail-sign-in-code");
}

#[tokio::test]
async fn a_worker_killed_mid_send_leaves_the_mail_to_the_next_worker_and_it_arrives_once() {
    let app = spawn_app().await;
    let sink = SmtpSink::start().await;
    sink.stall_on_data(1);
    let id = app.store.outbox().enqueue(&sign_in_mail(Locale::En, "kill@example.jp", "777777")).await.unwrap();

    let first = worker::spawn(app.store.clone(), mailer(&sink.url()), quick());
    sink.wait_for_stall().await;
    first.abort();

    // While the dead worker's lease lasts, the mail waits for it.
    let second = worker::spawn(app.store.clone(), mailer(&sink.url()), quick());
    went_round(&second).await;
    assert_eq!(row(&app.store, &id).await.attempts, 1, "not taken while the first worker's lease lasts");
    assert!(sink.messages().is_empty());
    app.clock().advance(quick().lease);
    let received = sink.wait_for_messages(1).await;
    assert_eq!(received[0].message_id(), format!("<{id}@madoguchi>"));
    let done = until_state(&app, &id, "sent").await;
    assert!(done.sent_at.is_some());
    // Past every lease and retry, the worker looks again and sends nothing more.
    app.clock().advance(quick().retry_max + quick().lease);
    went_round(&second).await;
    assert_eq!(sink.messages().len(), 1);
    second.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_at_once_deliver_each_of_fifty_mails_exactly_once() {
    let app = spawn_app().await;
    let sink = SmtpSink::start().await;
    let mut ids = BTreeSet::new();
    for i in 0..50 {
        let mail = sign_in_mail(Locale::En, &format!("person{i}@example.jp"), &format!("{:06}", 100000 + i));
        ids.insert(app.store.outbox().enqueue(&mail).await.unwrap());
    }
    let config = WorkerConfig { batch_size: 4, lease: Duration::from_secs(30), ..quick() };
    let a = worker::spawn(app.store.clone(), mailer(&sink.url()), config.clone());
    let b = worker::spawn(app.store.clone(), mailer(&sink.url()), config);
    assert_ne!(a.owner(), b.owner());

    sink.wait_for_messages(50).await;
    eventually("all 50 recorded as sent", || async {
        let rows = app.store.outbox().list_recent(100).await.unwrap();
        Some(()).filter(|_| rows.iter().filter(|r| r.state == "sent").count() == 50)
    })
    .await;
    a.stop().await;
    b.stop().await;
    let received: Vec<String> = sink.messages().iter().map(|m| m.message_id()).collect();
    let expected: BTreeSet<String> = ids.iter().map(|id| format!("<{id}@madoguchi>")).collect();
    assert_eq!(received.len(), 50, "no mail twice ({})", backend_name());
    assert_eq!(received.into_iter().collect::<BTreeSet<_>>(), expected);
}

#[tokio::test]
async fn while_smtp_is_down_attempts_back_off_and_the_mail_goes_out_when_it_is_up() {
    let app = spawn_app().await;
    let port = unused_port();
    let url = format!("smtp://127.0.0.1:{port}");
    let queued_at = app.clock().now_ms();
    let id = app.store.outbox().enqueue(&sign_in_mail(Locale::Ja, "down@example.jp", "246810")).await.unwrap();
    let config = quick();
    let base = config.retry_base.as_millis() as i64;
    let worker = worker::spawn(app.store.clone(), mailer(&url), config);

    let first = eventually("a first failed attempt", || async {
        Some(row(&app.store, &id).await).filter(|r| r.attempts == 1 && r.state == "pending")
    })
    .await;
    assert!(first.last_error.as_deref().is_some_and(|e| !e.is_empty()), "the failure is recorded");
    assert!(first.next_attempt_at >= queued_at + base, "the next attempt waits");
    let second = eventually("a second failed attempt", || async {
        Some(row(&app.store, &id).await).filter(|r| r.attempts == 2 && r.state == "pending")
    })
    .await;
    assert!(second.next_attempt_at - first.next_attempt_at >= 2 * base, "the wait doubles");

    let sink = SmtpSink::start_on(port).await;
    let received = sink.wait_for_messages(1).await;
    assert_eq!(received[0].message_id(), format!("<{id}@madoguchi>"));
    let done = until_state(&app, &id, "sent").await;
    assert!(done.attempts >= 3);
    worker.stop().await;
    assert_eq!(sink.messages().len(), 1);
}

#[tokio::test]
async fn after_the_most_attempts_allowed_a_mail_is_failed_and_left_alone() {
    let app = spawn_app().await;
    let url = format!("smtp://127.0.0.1:{}", unused_port());
    let id = app.store.outbox().enqueue(&sign_in_mail(Locale::En, "never@example.jp", "135790")).await.unwrap();
    let config = WorkerConfig {
        max_attempts: 3,
        retry_base: Duration::from_millis(50),
        retry_max: Duration::from_millis(100),
        ..quick()
    };
    let worker = worker::spawn(app.store.clone(), mailer(&url), config);
    let failed = until_state(&app, &id, "failed").await;
    assert_eq!(failed.attempts, 3);
    assert!(failed.last_error.is_some() && failed.sent_at.is_none());
    app.clock().advance(Duration::from_secs(24 * 3600));
    went_round(&worker).await;
    assert_eq!(row(&app.store, &id).await, failed, "a failed mail is not tried again");
    worker.stop().await;
}

#[tokio::test]
async fn a_stopped_worker_takes_no_more_mail() {
    let app = spawn_app().await;
    let sink = SmtpSink::start().await;
    let worker = worker::spawn(app.store.clone(), mailer(&sink.url()), quick());
    let before = app.store.outbox().enqueue(&sign_in_mail(Locale::En, "one@example.jp", "111222")).await.unwrap();
    until_state(&app, &before, "sent").await;
    // `stop` returns once the task has ended: nothing of the worker is left to take more mail.
    worker.stop().await;
    let after = app.store.outbox().enqueue(&sign_in_mail(Locale::En, "two@example.jp", "333444")).await.unwrap();
    assert_eq!(row(&app.store, &after).await.state, "pending");
    assert_eq!(sink.messages().len(), 1);
}

#[tokio::test]
async fn smtp_failures_are_logged_with_a_likely_fix() {
    let app = spawn_app().await;
    let id = app.store.outbox().enqueue(&sign_in_mail(Locale::En, "hint@example.jp", "864209")).await.unwrap();
    let mail = row(&app.store, &id).await;

    let refused = mailer(&format!("smtp://127.0.0.1:{}", unused_port())).send(&mail).await.unwrap_err();
    assert!(refused.hint().contains("refused") && refused.hint().contains("MADOGUCHI_SMTP_URL"), "{}", refused.hint());

    let sink = SmtpSink::start().await;
    sink.refuse_logins();
    let port = sink.url().rsplit(':').next().unwrap().to_string();
    let wrong_password = mailer(&format!("smtp://user:wrong@127.0.0.1:{port}")).send(&mail).await.unwrap_err();
    assert!(wrong_password.hint().contains("user name and password"), "{}", wrong_password.hint());
    assert!(sink.messages().is_empty());
}

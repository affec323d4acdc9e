//! The request service (`madoguchi::requests::service`): each command is one transaction that writes the
//! state, the timeline, the audit line, the kind's effect and the e-mail together, or nothing at all.

use madoguchi::i18n::{Locale, Localizer};
use madoguchi::notify::mail::RequestMails;
use madoguchi::requests::certificate::{CertificateAnswers, Contact, Delivery, Reason};
use madoguchi::requests::service::{Command, Decision, Filing, KindEffect, Numbers, Refused, Service};
use madoguchi::requests::{FiledAs, RequestState};
use madoguchi::store::now_ms;

use crate::helpers::{SentRequest, TestApp, requests, send_request, spawn_app};

/// Everything a command writes, counted for one request: (state, timeline lines, audit lines about requests,
/// certificates, mails waiting).
async fn written(app: &TestApp, id: &str) -> (String, i64, i64, i64, i64) {
    let pool = app.store.pool();
    let (state,): (String,) =
        sqlx::query_as("SELECT state FROM requests WHERE id = $1").bind(id).fetch_one(pool).await.unwrap();
    let count = |sql: &'static str| async move {
        let (n,): (i64,) = sqlx::query_as(sql).bind(id).fetch_one(pool).await.unwrap();
        n
    };
    (
        state,
        count("SELECT COUNT(*) FROM request_events WHERE request_id = $1").await,
        count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'request.state' \
             AND subject_id = (SELECT subject_id FROM requests WHERE id = $1)",
        )
        .await,
        count("SELECT COUNT(*) FROM certificates WHERE request_id = $1").await,
        count(
            "SELECT COUNT(*) FROM outbox WHERE kind = 'mail-request-update' AND recipient = \
             (SELECT p.email FROM people p JOIN requests r ON r.filed_by = p.id WHERE r.id = $1)",
        )
        .await,
    )
}

async fn taros_request(app: &TestApp) -> String {
    let answers = CertificateAnswers {
        for_whom: Some("p-taro".into()),
        reason: Some(Reason::NoCard),
        insurer_id: Some("ins-aoba-kokuho".into()),
        insurer_number: Some("138008".into()),
        number: Some("42".into()),
        name: Some("山田 太郎".into()),
        name_kana: Some("ヤマダ タロウ".into()),
        birth_date: Some("1985-01-02".into()),
        delivery: Some(Delivery::Download),
        contact: Some(Contact::Email),
        ..CertificateAnswers::default()
    };
    let filing = Filing { subject_id: "p-taro".into(), filed_as: FiledAs::SelfFiled, facility_id: None };
    send_request(app, SentRequest { filed_by: "p-taro", filing, municipality_id: Some("mun-aoba"), answers }).await
}

fn decide(id: &str, decision: Decision) -> Command {
    Command::Decide { request_id: id.to_string(), officer_id: Some("p-tanaka".into()), decision }
}

#[tokio::test]
async fn a_refused_command_writes_nothing() {
    let app = spawn_app().await;
    let id = taros_request(&app).await;
    let before = written(&app, &id).await;
    assert_eq!(before.0, "submitted");
    let service = requests(&app);
    let again = service.run(Command::Submit { request_id: id.clone(), by: "p-taro".into() }, now_ms()).await.unwrap();
    assert!(matches!(again, Err(Refused::Transition(_))), "{again:?}");
    let correct = Command::Correct {
        request_id: id.clone(),
        by: "p-taro".into(),
        answers: madoguchi::requests::service::Answers::Certificate(CertificateAnswers::default()),
    };
    assert!(service.run(correct, now_ms()).await.unwrap().is_err(), "only a returned request is corrected");
    let approve = Decision::Approve {
        effect: KindEffect::IssueCertificate { months: 12, numbers: Numbers::default() },
        detail: String::new(),
    };
    service.run(decide(&id, approve), now_ms()).await.unwrap().unwrap();
    let issued = written(&app, &id).await;
    assert_eq!((issued.0.as_str(), issued.1, issued.2, issued.3), ("issued", before.1 + 1, before.2 + 1, 1));
    let decline = decide(&id, Decision::Decline { reason_key: "office-cert-decline-duplicate".into() });
    assert!(
        matches!(service.run(decline, now_ms()).await.unwrap(), Err(Refused::Transition(_))),
        "a decision is final"
    );
    assert_eq!(written(&app, &id).await, issued, "nothing written by the refused decision");
    let missing = Command::Withdraw { request_id: "no-such-request".into(), by: "p-taro".into() };
    assert_eq!(service.run(missing, now_ms()).await.unwrap(), Err(Refused::NotFound));
}

#[tokio::test]
async fn a_command_that_fails_half_way_is_rolled_back() {
    let app = spawn_app().await;
    let id = taros_request(&app).await;
    let before = written(&app, &id).await;
    // The e-mail is composed after the state has moved: an address that cannot be written to fails the command
    // there, and the move, its timeline line and its audit line must go with it.
    sqlx::query("UPDATE people SET email = 'not an address' WHERE id = 'p-taro'")
        .execute(app.store.pool())
        .await
        .unwrap();
    let localizer = Localizer::load().unwrap();
    let base_url = url::Url::parse("http://localhost:0").unwrap();
    let service = Service {
        mails: Some(RequestMails { localizer: &localizer, base_url: &base_url, default_locale: Locale::Ja }),
        ..requests(&app)
    };
    let start = service.run(decide(&id, Decision::StartReview), now_ms()).await;
    assert!(start.is_err(), "the mail cannot be composed");
    assert_eq!(written(&app, &id).await, before, "nothing of the command is left");
}

#[tokio::test]
async fn a_decision_writes_its_state_timeline_audit_certificate_and_mail_together() {
    let app = spawn_app().await;
    let id = taros_request(&app).await;
    let localizer = Localizer::load().unwrap();
    let base_url = url::Url::parse("http://localhost:0").unwrap();
    let service = Service {
        mails: Some(RequestMails { localizer: &localizer, base_url: &base_url, default_locale: Locale::Ja }),
        ..requests(&app)
    };
    let before = written(&app, &id).await;
    service.run(decide(&id, Decision::StartReview), now_ms()).await.unwrap().unwrap();
    let approve = Decision::Approve {
        effect: KindEffect::IssueCertificate { months: 12, numbers: Numbers::default() },
        detail: String::new(),
    };
    service.run(decide(&id, approve), now_ms()).await.unwrap().unwrap();
    let after = written(&app, &id).await;
    assert_eq!(after.0, RequestState::Issued.code());
    assert_eq!((after.1, after.2, after.3, after.4), (before.1 + 2, before.2 + 2, 1, before.4 + 2));
    let (number, until): (String, String) =
        sqlx::query_as("SELECT number, valid_until FROM certificates WHERE request_id = $1")
            .bind(&id)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(number, "42", "the request's numbers are printed");
    assert!(until > madoguchi::store::today_jst().to_string());
}

#[tokio::test]
async fn a_waiting_request_can_be_withdrawn_and_a_draft_is_saved_only_by_its_filer() {
    let app = spawn_app().await;
    let id = taros_request(&app).await;
    let service = requests(&app);
    let withdraw = Command::Withdraw { request_id: id.clone(), by: "p-taro".into() };
    service.run(withdraw.clone(), now_ms()).await.unwrap().unwrap();
    assert_eq!(written(&app, &id).await.0, "withdrawn");
    assert!(service.run(withdraw, now_ms()).await.unwrap().is_err(), "once");

    let filing = Filing { subject_id: "p-taro".into(), filed_as: FiledAs::SelfFiled, facility_id: None };
    let create = Command::CreateDraft {
        kind: madoguchi::requests::RequestKind::Certificate,
        filed_by: "p-taro".into(),
        filing: filing.clone(),
        municipality_id: None,
    };
    let draft = service.run(create, now_ms()).await.unwrap().unwrap().request_id;
    let save = |by: &str| Command::SaveDraft {
        request_id: draft.clone(),
        filed_by: by.to_string(),
        filing: filing.clone(),
        answers: madoguchi::requests::service::Answers::Certificate(CertificateAnswers {
            birth_date: Some("1985-01-02".into()),
            ..CertificateAnswers::default()
        }),
    };
    assert_eq!(service.run(save("p-hanako"), now_ms()).await.unwrap(), Err(Refused::NotFound));
    service.run(save("p-taro"), now_ms()).await.unwrap().unwrap();
    let (birth,): (Option<String>,) = sqlx::query_as("SELECT subject_birth_date FROM requests WHERE id = $1")
        .bind(&draft)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(birth.as_deref(), Some("1985-01-02"), "the look-up reads a column, not the answers");
}

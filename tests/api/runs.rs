//! Issuance runs: the push run issues to exactly the members who need a certificate, a second run issues
//! nothing new, a run whose worker dies resumes and issues each member once, the renewal run issues successors
//! only for certificates that renew themselves and end soon, and automatic renewal is asked for by the holder's
//! side only. Officers see and start runs for their own insurer only.

use std::collections::BTreeSet;
use std::time::Duration;

use madoguchi::issuance::worker::{self, RunWorkerConfig};
use madoguchi::issuance::{self, BatchOutcome, RunKind};
use madoguchi::store::enrolments::{NewEnrolment, insert_enrolment};
use madoguchi::store::runs::RunRow;
use madoguchi::store::today_jst;
use scraper::Html;

use crate::helpers::{TestApp, attr_all, eventually, select_all, sign_in_as, spawn_app, spawn_app_with};

const AOBA: &str = "ins-aoba-kokuho";

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_string()
}

fn day(offset: i64) -> String {
    (today_jst() + chrono::Duration::days(offset)).to_string()
}

async fn enrol(app: &TestApp, id: &str, number: &str, birth: &str, person: Option<&str>) {
    let mut conn = app.store.pool().acquire().await.unwrap();
    insert_enrolment(
        &mut conn,
        &NewEnrolment {
            id: id.to_string(),
            insurer_id: AOBA.to_string(),
            symbol: "7777".to_string(),
            number: number.to_string(),
            branch: "00".to_string(),
            name: "試験 花".to_string(),
            name_kana: "シケン ハナ".to_string(),
            birth_date: birth.to_string(),
            person_id: person.map(str::to_string),
            postal_code: None,
            address: None,
            qualified_on: day(-100),
            notified_on: day(-99),
            via_employer: false,
            registered_on: Some(day(-98)),
            card_registered: false,
        },
    )
    .await
    .unwrap();
}

/// A certificate as an earlier issue would have left it: its insurer, holder (an account, an enrolment record or
/// both), last day, and whether it is revoked or renews itself.
struct Held<'a> {
    insurer: &'a str,
    person: Option<&'a str>,
    enrolment: Option<&'a str>,
    valid_until: String,
    revoked: bool,
    auto_renew: bool,
}

impl<'a> Held<'a> {
    fn of(insurer: &'a str, person: Option<&'a str>, enrolment: Option<&'a str>, valid_until: String) -> Held<'a> {
        Held { insurer, person, enrolment, valid_until, revoked: false, auto_renew: false }
    }
    fn revoked(self) -> Held<'a> {
        Held { revoked: true, ..self }
    }
    fn auto_renew(self) -> Held<'a> {
        Held { auto_renew: true, ..self }
    }
}

/// A certificate written directly, as an earlier issue would have left it.
async fn certificate(app: &TestApp, held: Held<'_>) -> String {
    let Held { insurer, person, enrolment, valid_until, revoked, auto_renew } = held;
    let id = madoguchi::store::new_id();
    sqlx::query(
        "INSERT INTO certificates (id, person_id, enrolment_id, insurer_id, name, name_kana, birth_date, symbol, number, \
         insurer_number, insurer_name, issued_on, valid_from, valid_until, delivery, code, auto_renew, revoked_at, created_at) \
         VALUES ($1, $2, $3, $4, '試験 花', 'シケン ハナ', '1990-05-05', '7777', '1', '138008', 'あおば市国民健康保険', \
         $5, $5, $6, 'post', $7, $8, $9, 0)",
    )
    .bind(&id)
    .bind(person)
    .bind(enrolment)
    .bind(insurer)
    .bind(day(-300))
    .bind(&valid_until)
    .bind(format!("code-{id}"))
    .bind(i64::from(auto_renew))
    .bind(if revoked { Some(1_i64) } else { None })
    .execute(app.store.pool())
    .await
    .unwrap();
    id
}

/// The members of あおば市国保 with what a push run must do with each: the demo members, plus one whose cover
/// ended, one holding a current certificate (by the record), one whose account holds one, one whose only
/// certificates are expired or revoked, one past 75, and one whose record cannot be read. Returns the ids
/// that must get a certificate.
async fn members(app: &TestApp) -> BTreeSet<String> {
    enrol(app, "enr-t-ended", "1", "1990-01-01", None).await;
    sqlx::query("UPDATE enrolments SET ended_on = $1 WHERE id = 'enr-t-ended'")
        .bind(day(-5))
        .execute(app.store.pool())
        .await
        .unwrap();
    enrol(app, "enr-t-current", "2", "1990-01-01", None).await;
    certificate(app, Held::of(AOBA, None, Some("enr-t-current"), day(10))).await;
    // p-maria's account holds a current certificate of this insurer, issued on a request (no enrolment link).
    enrol(app, "enr-t-account", "3", "1992-07-14", Some("p-maria")).await;
    certificate(app, Held::of(AOBA, Some("p-maria"), None, day(0))).await;
    enrol(app, "enr-t-old-ones", "4", "1990-01-01", Some("p-shigeru")).await;
    certificate(app, Held::of(AOBA, None, Some("enr-t-old-ones"), day(-1))).await;
    certificate(app, Held::of(AOBA, None, Some("enr-t-old-ones"), day(100)).revoked()).await;
    // Another insurer's current certificate does not count.
    certificate(app, Held::of("ins-koki-tokyo", Some("p-shigeru"), None, day(100))).await;
    enrol(app, "enr-t-over-75", "5", "1940-01-01", None).await;
    enrol(app, "enr-t-unreadable", "6", "1990-02-30", None).await;
    // Demo: enr-demo-0 (card registered) is skipped; 1 to 5 need a certificate.
    ["enr-demo-1", "enr-demo-2", "enr-demo-3", "enr-demo-4", "enr-demo-5", "enr-t-old-ones"]
        .into_iter()
        .map(str::to_string)
        .collect()
}

async fn start_run(officer: &TestApp, insurer: &str, kind: &str) -> reqwest::Response {
    let token = officer.csrf_token("/office/runs").await;
    officer.post_form("/office/runs", &[("csrf_token", &token), ("insurer", insurer), ("kind", kind)]).await
}

async fn started(officer: &TestApp, kind: &str) -> String {
    let res = start_run(officer, AOBA, kind).await;
    assert_eq!(res.status(), 303);
    location(&res).trim_start_matches("/office/runs/").to_string()
}

async fn finished(app: &TestApp, id: &str) -> RunRow {
    eventually(&format!("run {id} finishing"), || async {
        app.store.run(id).await.unwrap().filter(|run| run.state == "finished")
    })
    .await
}

/// The enrolment records that got a certificate from `run`, each once.
async fn issued_to(app: &TestApp, run: &str) -> Vec<String> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT enrolment_id FROM certificates WHERE run_id = $1 ORDER BY enrolment_id")
            .bind(run)
            .fetch_all(app.store.pool())
            .await
            .unwrap();
    rows.into_iter().map(|r| r.0).collect()
}

#[tokio::test]
async fn a_push_run_issues_to_exactly_the_members_who_need_a_certificate_and_a_second_run_to_nobody() {
    let app = spawn_app().await;
    let expected = members(&app).await;
    let tanaka = sign_in_as(&app, "p-tanaka").await;
    let id = started(&tanaka, "push").await;
    let run = finished(&app, &id).await;

    let issued = issued_to(&app, &id).await;
    assert_eq!(issued.iter().cloned().collect::<BTreeSet<_>>(), expected);
    assert_eq!(issued.len(), expected.len(), "each member once");
    assert_eq!(
        (run.total, run.processed, run.issued, run.failed),
        (12, 12, 6, 1),
        "6 demo members + 6 test members; the unreadable one failed"
    );
    assert_eq!(
        (run.skipped, run.skipped_ended, run.skipped_card, run.skipped_current, run.skipped_ineligible),
        (5, 1, 1, 2, 1)
    );

    // Printed items from the record, the insurer's default validity (12 months), by post, linked to the account.
    let (person, delivery, from, until, issued_on): (Option<String>, String, String, String, String) = sqlx::query_as(
        "SELECT person_id, delivery, valid_from, valid_until, issued_on FROM certificates \
         WHERE run_id = $1 AND enrolment_id = 'enr-demo-1'",
    )
    .bind(&id)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    let today = today_jst();
    assert_eq!(person.as_deref(), Some("p-hanako"));
    assert_eq!(delivery, "post");
    assert_eq!((from.as_str(), issued_on.as_str()), (today.to_string().as_str(), today.to_string().as_str()));
    assert_eq!(until, madoguchi::requests::certificate::printed_expiry(today, 12, "138008", None).unwrap().to_string());
    let (started_audit,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'run.started' AND actor_id = 'p-tanaka' \
         AND organisation_id = $1 AND detail = 'push'",
    )
    .bind(AOBA)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(started_audit, 1);

    // The progress page: a progress bar, the counts and the summary, and no automatic refresh.
    let res = tanaka.get(&format!("/office/runs/{id}")).await;
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert!(!body.contains("http-equiv"), "no meta refresh");
    let html = Html::parse_document(&body);
    assert_eq!(attr_all(&html, "progress", "value"), vec!["12"]);
    assert_eq!(attr_all(&html, "progress", "max"), vec!["12"]);
    assert_eq!(select_all(&html, ".run-issued"), vec!["6"]);
    assert_eq!(select_all(&html, ".run-failed"), vec!["1"]);
    let list = Html::parse_document(&tanaka.get("/office/runs").await.text().await.unwrap());
    assert!(attr_all(&list, "table a", "href").contains(&format!("/office/runs/{id}")));

    // Again: everyone who needed one holds a current certificate now.
    let again = started(&tanaka, "push").await;
    let second = finished(&app, &again).await;
    assert_eq!((second.issued, second.skipped_current, second.failed), (0, 2 + 6, 1));
    assert!(issued_to(&app, &again).await.is_empty());
}

#[tokio::test]
async fn only_one_run_of_a_kind_goes_on_per_insurer_and_the_page_refreshes_by_a_link() {
    let app = spawn_app_with(&[("MADOGUCHI_RUN_WORKER", "false")]).await;
    let tanaka = sign_in_as(&app, "p-tanaka").await;
    let id = started(&tanaka, "push").await;
    let res = start_run(&tanaka, AOBA, "push").await;
    assert_eq!(res.status(), 409);
    let html = Html::parse_document(&res.text().await.unwrap());
    assert_eq!(attr_all(&html, ".error-summary a", "href"), vec![format!("#start-{AOBA}-push")]);
    assert!(attr_all(&html, ".run-start a", "href").contains(&format!("/office/runs/{id}")));
    // Another kind may go on at the same time.
    assert_eq!(start_run(&tanaka, AOBA, "renewal").await.status(), 303);
    assert_eq!(start_run(&tanaka, AOBA, "other").await.status(), 400);

    let page = Html::parse_document(&tanaka.get(&format!("/office/runs/{id}")).await.text().await.unwrap());
    assert_eq!(attr_all(&page, "progress", "value"), vec!["0"]);
    assert!(attr_all(&page, "main a", "href").contains(&format!("/office/runs/{id}")), "a refresh link");
    assert!(attr_all(&page, "meta[http-equiv]", "content").is_empty());
}

#[tokio::test]
async fn a_run_whose_worker_dies_resumes_and_issues_each_member_once() {
    let app = spawn_app_with(&[("MADOGUCHI_RUN_WORKER", "false")]).await;
    let expected = members(&app).await;
    let tanaka = sign_in_as(&app, "p-tanaka").await;
    let id = started(&tanaka, "push").await;
    let key = &app.secret_key;

    // The first worker claims the run, gets through one batch, and dies before the next. Its lease is long: the
    // test moves the app's clock past it rather than wait.
    let lease_ms = 10 * 60 * 1000;
    let claimed = app.store.claim_run("dead-worker", app.clock().now_ms(), lease_ms).await.unwrap().unwrap();
    assert_eq!(claimed.id, id);
    assert_eq!(
        issuance::run_batch(&app.store, key, &id, "dead-worker", lease_ms, 5).await.unwrap(),
        BatchOutcome::Continued
    );
    // A batch it had begun but not committed leaves nothing.
    {
        let mut tx = app.store.pool().begin().await.unwrap();
        madoguchi::store::runs::hold_lease(&mut tx, &id, "dead-worker", app.clock().now_ms(), lease_ms)
            .await
            .unwrap()
            .unwrap();
        sqlx::query("UPDATE issuance_runs SET last_key = 'zzz' WHERE id = $1")
            .bind(&id)
            .execute(&mut *tx)
            .await
            .unwrap();
        drop(tx);
    }
    let halfway = app.store.run(&id).await.unwrap().unwrap();
    assert_eq!((halfway.processed, halfway.state.as_str()), (5, "running"));
    assert_ne!(halfway.last_key, "zzz");
    let after_first = issued_to(&app, &id).await.len();
    assert!(after_first > 0 && after_first < expected.len(), "{after_first}");
    // While its lease lasts nobody else takes the run.
    assert!(app.store.claim_run("other", app.clock().now_ms(), lease_ms).await.unwrap().is_none());

    app.clock().advance(Duration::from_millis(lease_ms as u64 + 1));
    let config =
        RunWorkerConfig { lease: Duration::from_secs(5), poll_interval: Duration::from_millis(50), batch_size: 2 };
    let second = worker::spawn(app.store.clone(), key.clone(), config);
    let run = finished(&app, &id).await;
    second.stop().await;
    // The dead worker, come back, has lost the run: its next batch writes nothing.
    assert_eq!(
        issuance::run_batch(&app.store, key, &id, "dead-worker", lease_ms, 5).await.unwrap(),
        BatchOutcome::LeaseLost
    );

    let issued = issued_to(&app, &id).await;
    assert_eq!(issued.len(), expected.len(), "each member once: {issued:?}");
    assert_eq!(issued.into_iter().collect::<BTreeSet<_>>(), expected);
    assert_eq!((run.processed, run.total, run.issued, run.skipped, run.failed), (12, 12, 6, 5, 1));
}

#[tokio::test]
async fn the_renewal_run_issues_the_next_certificate_only_for_those_that_renew_themselves_and_end_soon() {
    let app = spawn_app().await;
    let renews = certificate(&app, Held::of(AOBA, Some("p-hanako"), Some("enr-demo-1"), day(30)).auto_renew()).await;
    let too_far = certificate(&app, Held::of(AOBA, None, Some("enr-demo-2"), day(90)).auto_renew()).await;
    let not_asked = certificate(&app, Held::of(AOBA, None, Some("enr-demo-4"), day(10))).await;
    let revoked = certificate(&app, Held::of(AOBA, None, Some("enr-demo-5"), day(10)).revoked().auto_renew()).await;
    let expired = certificate(&app, Held::of(AOBA, None, Some("enr-demo-5"), day(-1)).auto_renew()).await;
    sqlx::query("UPDATE enrolments SET ended_on = $1 WHERE id = 'enr-demo-3'")
        .bind(day(-1))
        .execute(app.store.pool())
        .await
        .unwrap();
    let cover_ended = certificate(&app, Held::of(AOBA, None, Some("enr-demo-3"), day(20)).auto_renew()).await;
    let other_insurer = certificate(&app, Held::of("ins-kyokai-tokyo", None, None, day(20)).auto_renew()).await;

    let tanaka = sign_in_as(&app, "p-tanaka").await;
    let id = started(&tanaka, "renewal").await;
    let run = finished(&app, &id).await;
    assert_eq!((run.total, run.issued, run.skipped_ended, run.failed), (2, 1, 1, 0));

    /// id, valid_from, valid_until, auto_renew, person_id, enrolment_id
    type Issued = (String, String, String, i64, Option<String>, Option<String>);
    let next: Vec<Issued> = sqlx::query_as(
        "SELECT id, valid_from, valid_until, auto_renew, person_id, enrolment_id FROM certificates WHERE run_id = $1",
    )
    .bind(&id)
    .fetch_all(app.store.pool())
    .await
    .unwrap();
    assert_eq!(next.len(), 1);
    let (next_id, from, until, auto, person, enrolment) = next[0].clone();
    assert_eq!(from, day(31), "the day after the old one ends");
    let from_date: chrono::NaiveDate = from.parse().unwrap();
    assert_eq!(
        until,
        madoguchi::requests::certificate::printed_expiry(from_date, 12, "138008", None).unwrap().to_string()
    );
    assert_eq!((auto, person.as_deref(), enrolment.as_deref()), (1, Some("p-hanako"), Some("enr-demo-1")));
    let old = app.store.certificate(&renews).await.unwrap().unwrap();
    assert_eq!(old.replaced_by.as_deref(), Some(next_id.as_str()));
    assert!(old.revoked_at.is_none(), "the old one stays valid until its end");
    for untouched in [&too_far, &not_asked, &revoked, &expired, &cover_ended, &other_insurer] {
        assert!(app.store.certificate(untouched).await.unwrap().unwrap().replaced_by.is_none());
    }
    // The holder sees the next one as not valid yet, from the day after.
    let hanako = sign_in_as(&app, "p-hanako").await;
    let page =
        Html::parse_document(&hanako.get(&format!("/certificates/issued/{next_id}")).await.text().await.unwrap());
    assert_eq!(attr_all(&page, ".certificate-status--upcoming", "class").len(), 1);
    assert_eq!(select_all(&page, ".certificate__valid-from").len(), 1);

    // Again: it has its successor, so nothing new.
    let again = started(&tanaka, "renewal").await;
    let second = finished(&app, &again).await;
    assert_eq!((second.total, second.issued), (1, 0), "only the one whose cover ended is looked at");
}

async fn ask(app: &TestApp, certificate: &str, value: &str) -> reqwest::Response {
    let token = app.csrf_token("/contact").await;
    app.post_form(
        &format!("/certificates/issued/{certificate}/auto-renew"),
        &[("csrf_token", &token), ("auto_renew", value)],
    )
    .await
}

async fn auto_renew_of(app: &TestApp, certificate: &str) -> i64 {
    app.store.certificate(certificate).await.unwrap().unwrap().auto_renew
}

#[tokio::test]
async fn the_holder_their_guardian_or_facility_staff_ask_once_for_automatic_renewal_and_nobody_else() {
    let app = spawn_app().await;
    let hanakos = certificate(&app, Held::of(AOBA, Some("p-hanako"), Some("enr-demo-1"), day(200))).await;
    let ichiros = certificate(&app, Held::of("ins-koki-tokyo", Some("p-ichiro"), None, day(200))).await;
    let tomes = certificate(&app, Held::of("ins-koki-tokyo", Some("p-tome"), None, day(200))).await;
    let revoked = certificate(&app, Held::of(AOBA, Some("p-hanako"), None, day(200)).revoked()).await;

    // The holder: the form is on the certificate page, and works both ways.
    let hanako = sign_in_as(&app, "p-hanako").await;
    let page =
        Html::parse_document(&hanako.get(&format!("/certificates/issued/{hanakos}")).await.text().await.unwrap());
    let action = format!("/certificates/issued/{hanakos}/auto-renew");
    assert_eq!(attr_all(&page, "main form[method=post]", "action"), vec![action.clone()]);
    assert_eq!(attr_all(&page, "form input[name=auto_renew]", "value"), vec!["on"]);
    assert_eq!(attr_all(&page, "main form input[name=csrf_token]", "name").len(), 1);
    let res = ask(&hanako, &hanakos, "on").await;
    assert_eq!(res.status(), 303);
    assert_eq!(auto_renew_of(&app, &hanakos).await, 1);
    let page =
        Html::parse_document(&hanako.get(&format!("/certificates/issued/{hanakos}")).await.text().await.unwrap());
    assert_eq!(attr_all(&page, "form input[name=auto_renew]", "value"), vec!["off"]);
    assert_eq!(ask(&hanako, &hanakos, "off").await.status(), 303);
    assert_eq!(auto_renew_of(&app, &hanakos).await, 0);
    // Without the CSRF token nothing changes.
    let res = hanako.post_form(&action, &[("auto_renew", "on")]).await;
    assert_eq!(res.status(), 403);
    assert_eq!(auto_renew_of(&app, &hanakos).await, 0);
    // The guardian for the ward; facility staff for a resident who consented.
    assert_eq!(ask(&hanako, &ichiros, "on").await.status(), 303);
    assert_eq!(auto_renew_of(&app, &ichiros).await, 1);
    let ken = sign_in_as(&app, "p-ken").await;
    assert_eq!(ask(&ken, &tomes, "on").await.status(), 303);
    assert_eq!(auto_renew_of(&app, &tomes).await, 1);
    let (lines,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action = 'certificate.auto_renew'")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(lines, 4);

    // Someone else's certificate: 404, and nothing changes.
    let taro = sign_in_as(&app, "p-taro").await;
    assert_eq!(taro.get(&format!("/certificates/issued/{hanakos}")).await.status(), 404);
    assert_eq!(ask(&taro, &hanakos, "on").await.status(), 404);
    assert_eq!(ask(&ken, &hanakos, "on").await.status(), 404);
    assert_eq!(ask(&hanako, &tomes, "off").await.status(), 404);
    // The insurer's officer sees the run-issued certificate but does not ask for the holder.
    let tanaka = sign_in_as(&app, "p-tanaka").await;
    assert_eq!(tanaka.get(&format!("/certificates/issued/{hanakos}")).await.status(), 200);
    assert_eq!(ask(&tanaka, &hanakos, "on").await.status(), 404);
    let nakamura = sign_in_as(&app, "p-nakamura").await;
    assert_eq!(nakamura.get(&format!("/certificates/issued/{hanakos}")).await.status(), 404);
    // A certificate no longer in force cannot be set to renew.
    assert_eq!(ask(&hanako, &revoked, "on").await.status(), 404);
    assert_eq!(auto_renew_of(&app, &hanakos).await, 0);
    assert_eq!(auto_renew_of(&app, &tomes).await, 1);
}

#[tokio::test]
async fn an_officer_of_another_insurer_can_neither_see_nor_start_this_insurers_runs() {
    let app = spawn_app_with(&[("MADOGUCHI_RUN_WORKER", "false")]).await;
    let tanaka = sign_in_as(&app, "p-tanaka").await;
    let id = started(&tanaka, "push").await;
    let nakamura = sign_in_as(&app, "p-nakamura").await;
    assert_eq!(nakamura.get(&format!("/office/runs/{id}")).await.status(), 404);
    let list = nakamura.get("/office/runs").await;
    assert_eq!(list.status(), 200);
    let list = list.text().await.unwrap();
    assert!(!list.contains(&id));
    assert!(!list.contains(AOBA));
    assert_eq!(start_run(&nakamura, AOBA, "renewal").await.status(), 404);
    assert!(app.store.running_run(AOBA, "renewal").await.unwrap().is_none());
    for who in ["p-taro", "p-suzuki", "p-ken"] {
        let someone = sign_in_as(&app, who).await;
        assert_eq!(someone.get("/office/runs").await.status(), 403, "{who}");
        assert_eq!(someone.get(&format!("/office/runs/{id}")).await.status(), 403, "{who}");
    }
    // The library's own start keeps to one run of a kind too.
    let again = issuance::start(&app.store, AOBA, RunKind::Push, "p-tanaka", today_jst()).await.unwrap();
    assert!(again.is_none());
}

#[tokio::test]
async fn a_member_finds_a_certificate_from_a_run_on_their_registration_page_and_nobody_else_does() {
    let app = spawn_app().await;
    let tanaka = sign_in_as(&app, "p-tanaka").await;
    let id = started(&tanaka, "push").await;
    finished(&app, &id).await;
    let (certificate,): (String,) =
        sqlx::query_as("SELECT id FROM certificates WHERE run_id = $1 AND enrolment_id = 'enr-demo-1'")
            .bind(&id)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    let href = format!("/certificates/issued/{certificate}");

    // 佐藤 花子's record (enr-demo-1) is linked to her account: the run's certificate is listed, and opens.
    let hanako = sign_in_as(&app, "p-hanako").await;
    let page = Html::parse_document(&hanako.get("/registration").await.text().await.unwrap());
    assert!(attr_all(&page, "#held-certificate-list a", "href").contains(&href), "listed for its holder");
    assert_eq!(hanako.get(&href).await.status(), 200);

    // Taro holds his own certificates only; someone else's run-issued one is neither listed nor opened.
    let taro = sign_in_as(&app, "p-taro").await;
    let page = Html::parse_document(&taro.get("/registration").await.text().await.unwrap());
    assert!(!attr_all(&page, "#held-certificate-list a", "href").contains(&href));
    assert_eq!(taro.get(&href).await.status(), 404);
}

//! The insurer's enrolment records: officers see and change only their own insurer's; requests are checked
//! against them on the request page; the registration-lag monitor counts the demo records; members see their own
//! registration and nobody else's.

use madoguchi::requests::FiledAs;
use madoguchi::requests::certificate::{CertificateAnswers, Contact, Delivery, Reason};
use madoguchi::requests::service::Filing;
use scraper::Html;

use crate::helpers::{SentRequest, TestApp, attr_all, select_all, send_request, sign_in_as, spawn_app};

async fn page(app: &TestApp, path: &str) -> Html {
    let res = app.get(path).await;
    assert_eq!(res.status(), 200, "{path}");
    Html::parse_document(&res.text().await.unwrap())
}

async fn post(app: &TestApp, form_page: &str, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let token = app.csrf_token(form_page).await;
    let mut all = vec![("csrf_token", token.as_str())];
    all.extend_from_slice(fields);
    app.post_form(path, &all).await
}

async fn count(app: &TestApp, sql: &str, bind: &str) -> i64 {
    let (n,): (i64,) =
        sqlx::query_as(sqlx::AssertSqlSafe(sql.to_string())).bind(bind).fetch_one(app.store.pool()).await.unwrap();
    n
}

fn days_ago(n: i64) -> String {
    (madoguchi::store::today_jst() - chrono::Duration::days(n)).to_string()
}

/// The counts on the lag page: (on time, late, waiting, overdue).
fn lag_counts(html: &Html) -> (String, String, String, String) {
    let one = |id: &str| select_all(html, &format!("#count-{id} dd")).pop().unwrap();
    (one("on-time"), one("late"), one("waiting"), one("overdue"))
}

/// A sent certificate request for `subject` to `insurer` with these answers, made through the request service.
pub async fn sent_request(app: &TestApp, subject: &str, insurer: &str, mut answers: CertificateAnswers) -> String {
    // The request goes to `insurer` whichever one the answers started from.
    answers.insurer_id = Some(insurer.to_string());
    answers.reason.get_or_insert(Reason::NoCard);
    let filing = Filing { subject_id: subject.to_string(), filed_as: FiledAs::SelfFiled, facility_id: None };
    send_request(app, SentRequest { filed_by: subject, filing, municipality_id: Some("mun-aoba"), answers }).await
}

pub fn taro_at_aoba() -> CertificateAnswers {
    CertificateAnswers {
        for_whom: Some("p-taro".into()),
        reason: Some(Reason::NoCard),
        insurer_id: Some("ins-aoba-kokuho".into()),
        insurer_number: Some("138008".into()),
        symbol: Some("1234567".into()),
        number: Some("42".into()),
        branch: Some("01".into()),
        name: Some("山田 太郎".into()),
        name_kana: Some("ヤマダ\u{3000}タロウ".into()),
        birth_date: Some("1985-01-02".into()),
        delivery: Some(Delivery::Download),
        contact: Some(Contact::Email),
        ..Default::default()
    }
}

/// The check on the request page as the officer sees it: (outcome code, reason text, linked records).
async fn check_on(officer: &TestApp, request: &str) -> (String, String, Vec<String>) {
    let html = page(officer, &format!("/requests/{request}")).await;
    let outcome = attr_all(&html, "#enrolment-check-outcome", "data-outcome").pop().expect("the check is shown");
    let reason = select_all(&html, "#enrolment-check-reason").pop().unwrap();
    // The links carry the request, for the record's back link: compare the records only.
    let links = attr_all(&html, "a.enrolment-check-link", "href");
    (outcome, reason, links.into_iter().map(|l| l.split('?').next().unwrap().to_string()).collect())
}

#[tokio::test]
async fn requests_are_checked_against_the_records_and_a_matched_approval_names_the_record() {
    let app = spawn_app().await;
    let tanaka = sign_in_as(&app, "p-tanaka").await;

    // Number, name and date of birth agree with one record.
    let exact = sent_request(&app, "p-taro", "ins-aoba-kokuho", taro_at_aoba()).await;
    let (outcome, _, links) = check_on(&tanaka, &exact).await;
    assert_eq!(outcome, "match");
    assert_eq!(links, vec!["/office/enrolments/enr-demo-0"]);

    // The number matches but the date of birth differs.
    let wrong_birth = CertificateAnswers { birth_date: Some("1985-01-03".into()), ..taro_at_aoba() };
    let id = sent_request(&app, "p-taro", "ins-aoba-kokuho", wrong_birth).await;
    let (outcome, reason, links) = check_on(&tanaka, &id).await;
    assert_eq!(outcome, "no-match");
    assert!(reason.contains("生年月日"), "{reason}");
    assert_eq!(links, vec!["/office/enrolments/enr-demo-0"]);

    // No number match, but two records with the same name and date of birth.
    let unknown_number = CertificateAnswers { number: Some("99".into()), ..taro_at_aoba() };
    let ambiguous = sent_request(&app, "p-taro", "ins-aoba-kokuho", unknown_number).await;
    let (outcome, _, links) = check_on(&tanaka, &ambiguous).await;
    assert_eq!(outcome, "ambiguous");
    assert_eq!(links, vec!["/office/enrolments/enr-demo-0", "/office/enrolments/enr-demo-5"]);

    // Nobody like this at all.
    let stranger = CertificateAnswers {
        number: Some("98".into()),
        name: Some("森 次郎".into()),
        name_kana: Some("モリ\u{3000}ジロウ".into()),
        birth_date: Some("1950-05-05".into()),
        ..taro_at_aoba()
    };
    let id = sent_request(&app, "p-taro", "ins-aoba-kokuho", stranger).await;
    let (outcome, _, links) = check_on(&tanaka, &id).await;
    assert_eq!((outcome.as_str(), links.len()), ("no-match", 0));

    // The requester does not see the check; nor does another insurer's officer see the request.
    let taro = sign_in_as(&app, "p-taro").await;
    assert!(select_all(&page(&taro, &format!("/requests/{exact}")).await, "#enrolment-check").is_empty());
    let nakamura = sign_in_as(&app, "p-nakamura").await;
    assert_eq!(nakamura.get(&format!("/requests/{exact}")).await.status(), 404);

    // Approving the matched request names the record on the certificate; the ambiguous one names none.
    for id in [&exact, &ambiguous] {
        let res = post(
            &tanaka,
            &format!("/requests/{id}"),
            &format!("/office/certificates/{id}/decide"),
            &[
                ("action", "approve"),
                ("numbers", "as-typed"),
                ("as_typed_reason", "applicant-confirmed"),
                ("months", "12"),
            ],
        )
        .await;
        assert_eq!(res.status(), 303);
    }
    let enrolment_of = |id: String| {
        let app = &app;
        async move {
            let c = app.store.certificates_of_request(&id).await.unwrap();
            assert_eq!(c.len(), 1);
            c[0].enrolment_id.clone()
        }
    };
    assert_eq!(enrolment_of(exact.clone()).await.as_deref(), Some("enr-demo-0"));
    assert_eq!(enrolment_of(ambiguous.clone()).await, None);
}

#[tokio::test]
async fn a_matched_approval_links_the_members_account_to_the_record_and_they_see_their_registration() {
    let app = spawn_app().await;
    let sakura = app
        .store
        .create_resident(&madoguchi::store::accounts::NewResident {
            name: "木村 さくら",
            name_kana: "キムラ サクラ",
            birth_date: "1999-04-10",
            email: "sakura@example.jp",
            locale: "ja",
        })
        .await
        .unwrap();
    let resident = sign_in_as(&app, &sakura).await;
    let none = page(&resident, "/registration").await;
    assert_eq!(select_all(&none, "#registration-none").len(), 1, "no record is linked yet");

    let answers = CertificateAnswers {
        for_whom: Some(sakura.clone()),
        number: Some("51".into()),
        branch: Some("00".into()),
        name: Some("木村 さくら".into()),
        name_kana: Some("キムラ\u{3000}サクラ".into()),
        birth_date: Some("1999-04-10".into()),
        ..taro_at_aoba()
    };
    let id = sent_request(&app, &sakura, "ins-aoba-kokuho", answers).await;
    let tanaka = sign_in_as(&app, "p-tanaka").await;
    assert_eq!(check_on(&tanaka, &id).await.0, "match");
    let res = post(
        &tanaka,
        &format!("/requests/{id}"),
        &format!("/office/certificates/{id}/decide"),
        &[("action", "approve"), ("months", "12")],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.store.enrolment("enr-demo-2").await.unwrap().unwrap().person_id.as_deref(), Some(sakura.as_str()));

    // 木村's notification arrived 11 days ago and is not registered: overdue since 6 days ago.
    let html = page(&resident, "/registration").await;
    let state = select_all(&html, ".registration__state--overdue").join(" ");
    let deadline = days_ago(6).parse::<madoguchi::domain::WarekiDate>().unwrap().format_ja();
    assert!(state.contains(&deadline), "{state} / {deadline}");
    assert!(select_all(&html, "main .registration h2").iter().any(|h| h == "あおば市国民健康保険"));

    // Once the insurer registers the record, the member sees it, and sees it in their access log.
    let res = post(&tanaka, "/office/enrolments/enr-demo-2", "/office/enrolments/enr-demo-2/registered", &[]).await;
    assert_eq!(res.status(), 303);
    let html = page(&resident, "/registration").await;
    assert_eq!(select_all(&html, ".registration__state--done").len(), 1);
    let log = page(&resident, "/account/access-log").await.root_element().text().collect::<String>();
    assert!(log.contains("あなたをオンライン資格確認に登録しました"), "{log}");
}

#[tokio::test]
async fn members_see_their_own_registration_and_nobody_elses() {
    let app = spawn_app().await;
    let taro = sign_in_as(&app, "p-taro").await;
    let html = page(&taro, "/registration").await;
    assert_eq!(select_all(&html, "section.registration").len(), 1, "taro's one record; not the other 山田 太郎's");
    assert_eq!(select_all(&html, "main .registration h2"), vec!["あおば市国民健康保険"]);
    assert_eq!(select_all(&html, ".registration__state--done").len(), 1);
    let text = html.root_element().text().collect::<String>();
    assert!(!text.contains("全国健康保険協会") && !text.contains("後期高齢者"), "nobody else's");
    // The home page of the account links to it.
    assert!(attr_all(&page(&taro, "/account").await, "main a", "href").contains(&"/registration".to_string()));
    // In English, with the insurer's English name.
    assert_eq!(taro.get("/language/en?back=/registration").await.status(), 303);
    let en = page(&taro, "/registration").await;
    assert_eq!(select_all(&en, "main .registration h2"), vec!["Aoba City National Health Insurance"]);

    // A guardian sees their own, then their ward's when acting for them.
    let hanako = sign_in_as(&app, "p-hanako").await;
    assert_eq!(
        select_all(&page(&hanako, "/registration").await, "main .registration h2"),
        vec!["あおば市国民健康保険"]
    );
    let token = hanako.csrf_token("/account").await;
    let res = hanako.post_form("/acting-for", &[("csrf_token", &token), ("ward", "p-ichiro")]).await;
    assert_eq!(res.status(), 303);
    let ward = page(&hanako, "/registration").await;
    assert_eq!(select_all(&ward, "main .registration h2"), vec!["後期高齢者医療広域連合"]);
    assert!(ward.root_element().text().collect::<String>().contains("佐藤 一郎"));

    // Waiting within the deadline: 山本's notification arrived 2 days ago; the insurer has until 3 days from now.
    sqlx::query("UPDATE enrolments SET person_id = 'p-maria' WHERE id = 'enr-demo-4'")
        .execute(app.store.pool())
        .await
        .unwrap();
    let maria = sign_in_as(&app, "p-maria").await;
    let html = page(&maria, "/registration").await;
    assert_eq!(select_all(&html, "section.registration").len(), 2);
    assert_eq!(select_all(&html, ".registration__state--waiting").len(), 1);
    assert_eq!(select_all(&html, ".registration__state--done").len(), 1);

    // Signed out: sent to sign in.
    let anonymous = crate::helpers::second_client(&app);
    assert_eq!(anonymous.get("/registration").await.status(), 303);
}

#[tokio::test]
async fn officers_see_and_change_only_their_own_insurers_records() {
    let app = spawn_app().await;
    let tanaka = sign_in_as(&app, "p-tanaka").await;
    let nakamura = sign_in_as(&app, "p-nakamura").await;

    let list = page(&tanaka, "/office/enrolments").await;
    let links = attr_all(&list, "a.enrolment-link", "href");
    assert_eq!(links.len(), 6, "{links:?}");
    assert!(
        links
            .iter()
            .all(|l| ["0", "1", "2", "3", "4", "5"].iter().any(|i| l == &format!("/office/enrolments/enr-demo-{i}")))
    );
    assert!(attr_all(&page(&tanaka, "/office").await, "main a", "href").contains(&"/office/enrolments".to_string()));

    // Search by number, by name, by reading in hiragana.
    let by_number = page(&tanaka, "/office/enrolments?q=54").await;
    assert_eq!(attr_all(&by_number, "a.enrolment-link", "href"), vec!["/office/enrolments/enr-demo-5"]);
    let by_name = page(&tanaka, "/office/enrolments?q=%E5%B1%B1%E7%94%B0").await; // 山田
    assert_eq!(attr_all(&by_name, "a.enrolment-link", "href").len(), 2);
    let by_kana = page(&tanaka, "/office/enrolments?q=%E3%81%8D%E3%82%80%E3%82%89").await; // きむら
    assert_eq!(attr_all(&by_kana, "a.enrolment-link", "href"), vec!["/office/enrolments/enr-demo-2"]);
    assert_eq!(select_all(&by_kana, "#enrolments-count"), vec!["1件中 1件を表示しています。"]);
    // A typed % or _ is looked for as itself, not as a wildcard matching every name.
    for wildcard in ["%25", "_", "%E5%B1%B1%25"] {
        let found = page(&tanaka, &format!("/office/enrolments?q={wildcard}")).await;
        assert!(attr_all(&found, "a.enrolment-link", "href").is_empty(), "{wildcard}");
    }

    // Another insurer's record: 404 to read and to register; the other insurer's officer can.
    assert_eq!(tanaka.get("/office/enrolments/enr-demo-7").await.status(), 404);
    let res = post(&tanaka, "/office/enrolments/enr-demo-2", "/office/enrolments/enr-demo-7/registered", &[]).await;
    assert_eq!(res.status(), 404);
    assert_eq!(app.store.enrolment("enr-demo-7").await.unwrap().unwrap().registered_on, None);
    assert_eq!(nakamura.get("/office/enrolments/enr-demo-7").await.status(), 200);
    assert!(
        attr_all(&page(&nakamura, "/office/enrolments").await, "a.enrolment-link", "href").iter().all(|l| [
            "6", "7", "8", "9"
        ]
        .iter()
        .any(|i| l == &format!("/office/enrolments/enr-demo-{i}")))
    );

    // Other roles are refused the pages.
    for who in ["p-taro", "p-suzuki", "p-ken"] {
        let other = sign_in_as(&app, who).await;
        for path in [
            "/office/enrolments",
            "/office/enrolments/new",
            "/office/registration-lag",
            "/office/enrolments/enr-demo-2",
        ] {
            assert_eq!(other.get(path).await.status(), 403, "{who} {path}");
        }
    }

    // Opening a member's record who has an account is in their access log.
    let before =
        count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'record.viewed' AND subject_id = $1", "p-taro")
            .await;
    page(&tanaka, "/office/enrolments/enr-demo-0").await;
    let after =
        count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'record.viewed' AND subject_id = $1", "p-taro")
            .await;
    assert_eq!(after, before + 1);
}

#[tokio::test]
async fn the_lag_monitor_counts_the_known_records_and_registering_today_moves_one() {
    let app = spawn_app().await;
    let tanaka = sign_in_as(&app, "p-tanaka").await;
    let nakamura = sign_in_as(&app, "p-nakamura").await;

    // あおば市国保: 3 on time, 井上 late (11 days), 山本 waiting, 木村 overdue.
    let html = page(&tanaka, "/office/registration-lag").await;
    assert_eq!(lag_counts(&html), ("3".into(), "1".into(), "1".into(), "1".into()));
    let rows = attr_all(&html, "tr.lag-row a", "href");
    assert_eq!(rows, vec!["/office/enrolments/enr-demo-3", "/office/enrolments/enr-demo-2"], "oldest deadline first");
    assert_eq!(attr_all(&html, "tr.lag-row", "class").iter().filter(|c| c.contains("lag-row--overdue")).count(), 1);
    assert!(
        attr_all(&page(&tanaka, "/office").await, "main a", "href").contains(&"/office/registration-lag".to_string())
    );

    // 協会けんぽ (through employers): Maria and 前田 on time, 石川 late, 中島 overdue.
    let html = page(&nakamura, "/office/registration-lag").await;
    assert_eq!(lag_counts(&html), ("2".into(), "1".into(), "0".into(), "1".into()));
    assert_eq!(
        attr_all(&html, "tr.lag-row a", "href"),
        vec!["/office/enrolments/enr-demo-8", "/office/enrolments/enr-demo-7"]
    );

    // Recording 木村 as registered today: late (registered after the deadline), with an audit line, once.
    let res = post(&tanaka, "/office/enrolments/enr-demo-2", "/office/enrolments/enr-demo-2/registered", &[]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/office/enrolments/enr-demo-2?registered=1");
    let e = app.store.enrolment("enr-demo-2").await.unwrap().unwrap();
    assert_eq!(e.registered_on, Some(days_ago(0)));
    let lines = "SELECT COUNT(*) FROM audit_log WHERE action = 'enrolment.registered' AND detail = $1";
    assert_eq!(count(&app, lines, "enr-demo-2").await, 1);
    let html = page(&tanaka, "/office/enrolments/enr-demo-2?registered=1").await;
    assert!(select_all(&html, "form[action$='/registered']").is_empty(), "no second registration offered");
    let res = post(&tanaka, "/office/enrolments/enr-demo-0", "/office/enrolments/enr-demo-2/registered", &[]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(count(&app, lines, "enr-demo-2").await, 1, "registering twice changes nothing");
    let html = page(&tanaka, "/office/registration-lag").await;
    assert_eq!(lag_counts(&html), ("3".into(), "2".into(), "1".into(), "0".into()));
}

#[tokio::test]
async fn adding_a_record_keeps_what_was_typed_beside_each_mistake() {
    let app = spawn_app().await;
    let tanaka = sign_in_as(&app, "p-tanaka").await;
    let form = page(&tanaka, "/office/enrolments/new").await;
    assert_eq!(select_all(&form, "h1").len(), 1);
    assert_eq!(select_all(&form, "fieldset legend").len(), 3);

    let bad = [
        ("symbol", "1234567"),
        ("number", ""),
        ("branch", "1"),
        ("name", "山田 花子"),
        ("name_kana", "yamada"),
        ("birth_date", "平成32年1月1日"),
        ("qualified_on", "2026-04-01"),
        ("notified_on", "2099-01-01"),
        ("card_registered", "no"),
    ];
    let res = post(&tanaka, "/office/enrolments/new", "/office/enrolments/new", &bad).await;
    assert_eq!(res.status(), 422);
    let html = Html::parse_document(&res.text().await.unwrap());
    let summary = attr_all(&html, ".error-summary a", "href");
    for field in ["#number", "#branch", "#name_kana", "#birth_date", "#notified_on", "#via_employer"] {
        assert!(summary.contains(&field.to_string()), "{field} in {summary:?}");
        assert_eq!(select_all(&html, &format!("{}-error", field)).len(), 1, "{field} beside the field");
    }
    assert!(!summary.contains(&"#name".to_string()) && !summary.contains(&"#card_registered".to_string()));
    assert_eq!(attr_all(&html, "#name", "value"), vec!["山田 花子"]);
    assert_eq!(attr_all(&html, "#birth_date", "value"), vec!["平成32年1月1日"]);
    assert_eq!(attr_all(&html, "#notified_on", "value"), vec!["2099-01-01"]);
    assert_eq!(attr_all(&html, "#card_registered-no", "checked").len(), 1);
    assert!(select_all(&html, "title").pop().unwrap().starts_with("エラー："));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = $1", "enrolment.created").await, 0);

    // Put right: added, with the reading in katakana and the date as 西暦, and an audit line.
    let good = [
        ("symbol", "1234567"),
        ("number", "60"),
        ("branch", "01"),
        ("name", "山田 花子"),
        ("name_kana", "やまだ はなこ"),
        ("birth_date", "平成2年1月1日"),
        ("qualified_on", "令和8年4月1日"),
        ("notified_on", &days_ago(1)),
        ("via_employer", "no"),
        ("card_registered", "no"),
    ];
    let res = post(&tanaka, "/office/enrolments/new", "/office/enrolments/new", &good).await;
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    let id = to.trim_start_matches("/office/enrolments/").trim_end_matches("?added=1").to_string();
    let e = app.store.enrolment(&id).await.unwrap().unwrap();
    assert_eq!(e.insurer_id, "ins-aoba-kokuho");
    assert_eq!(
        (e.name_kana.as_str(), e.birth_date.as_str(), e.qualified_on.as_str()),
        ("ヤマダ\u{3000}ハナコ", "1990-01-01", "2026-04-01")
    );
    assert_eq!(e.registered_on, None);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'enrolment.created' AND detail = $1", &id).await,
        1
    );
    let html = page(&tanaka, &to).await;
    assert_eq!(attr_all(&html, "#lag-status", "class").len(), 1);
    assert_eq!(select_all(&html, "form[action$='/registered'] button").len(), 1);
    // Another insurer's officer cannot open it.
    assert_eq!(sign_in_as(&app, "p-nakamura").await.get(&to).await.status(), 404);

    // The same symbol, number and branch again is refused beside the number.
    let res = post(&tanaka, "/office/enrolments/new", "/office/enrolments/new", &good).await;
    assert_eq!(res.status(), 422);
    let html = Html::parse_document(&res.text().await.unwrap());
    assert_eq!(select_all(&html, "#number-error").len(), 1);
    assert_eq!(attr_all(&html, "#number", "value"), vec!["60"]);
}

#[tokio::test]
async fn facility_staff_see_the_registration_of_consenting_residents_only() {
    let app = spawn_app().await;
    let ken = sign_in_as(&app, "p-ken").await;
    let facility = page(&ken, "/facility").await;
    let links = attr_all(&facility, "a[href$='/registration']", "href");
    assert_eq!(
        links,
        vec![
            "/facility/fac-hidamari/residents/p-shigeru/registration",
            "/facility/fac-hidamari/residents/p-tome/registration"
        ]
    );
    let html = page(&ken, "/facility/fac-hidamari/residents/p-tome/registration").await;
    assert_eq!(select_all(&html, "main .registration h2"), vec!["後期高齢者医療広域連合"]);
    assert!(html.root_element().text().collect::<String>().contains("渡辺 トメ"));
    let title = select_all(&html, "title");
    assert!(title[0].starts_with("渡辺 トメさんの"), "a title of its own, not that of /registration: {title:?}");
    let viewed = "SELECT COUNT(*) FROM audit_log WHERE action = 'record.viewed' AND organisation_id = 'fac-hidamari' AND subject_id = $1";
    assert_eq!(count(&app, viewed, "p-tome").await, 1, "in the resident's access log");

    // Not a resident, another facility, or consent withdrawn: 404.
    assert_eq!(ken.get("/facility/fac-hidamari/residents/p-taro/registration").await.status(), 404);
    assert_eq!(ken.get("/facility/fac-other/residents/p-tome/registration").await.status(), 404);
    let token = ken.csrf_token("/facility").await;
    let res = ken
        .post_form(
            "/facility/fac-hidamari/residents/p-shigeru/consent",
            &[("csrf_token", &token), ("action", "withdraw")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(ken.get("/facility/fac-hidamari/residents/p-shigeru/registration").await.status(), 404);
    // Residents and officers are refused.
    assert_eq!(
        sign_in_as(&app, "p-taro").await.get("/facility/fac-hidamari/residents/p-tome/registration").await.status(),
        403
    );
}

//! Acting for others: adding wards in steps with the proof rules, the municipality's review, switching, ending,
//! the access log and its reports, facility consent, and who may open which page.

use chrono::{Datelike, Months};
use scraper::Html;

use crate::accounts::sign_in_with_code;
use crate::helpers::{TestApp, add_other_municipality, attr_all, multipart_body, select_all, sign_in_as, spawn_app};

fn today() -> chrono::NaiveDate {
    madoguchi::store::today_jst()
}

fn years_ago(years: u32) -> String {
    (today() - Months::new(years * 12)).format("%Y-%m-%d").to_string()
}

fn html(body: &str) -> Html {
    Html::parse_document(body)
}

/// A page in a language, the way a signed-in browser gets it: the switch sets the `lang` cookie in its jar
/// (an explicit Cookie header would replace the session cookie).
async fn get_in(app: &TestApp, lang: &str, path: &str) -> String {
    assert_eq!(app.get(&format!("/language/{lang}?back=/")).await.status(), 303);
    let text = body(app.get(path).await).await;
    app.get("/language/ja?back=/").await;
    text
}

async fn body(res: reqwest::Response) -> String {
    res.text().await.unwrap()
}

/// (action, actor, subject, organisation) of every audit line.
async fn audit(app: &TestApp) -> Vec<(String, Option<String>, Option<String>, Option<String>)> {
    sqlx::query_as("SELECT action, actor_id, subject_id, organisation_id FROM audit_log ORDER BY at, id")
        .fetch_all(app.store.pool())
        .await
        .unwrap()
}

async fn post(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let token = app.csrf_token("/account").await;
    let mut all = vec![("csrf_token", token.as_str())];
    all.extend_from_slice(fields);
    app.post_form(path, &all).await
}

async fn submit(app: &TestApp) -> String {
    let res = post(app, "/account/representation/new/submit", &[]).await;
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(location.ends_with("/sent"), "{location}");
    assert_eq!(app.get(&location).await.status(), 200);
    location.trim_start_matches("/account/representation/").trim_end_matches("/sent").to_string()
}

async fn upload(app: &TestApp, file_name: &str, bytes: &[u8], explanation: &str) -> reqwest::Response {
    let page = html(&body(app.get("/account/representation/new/proof").await).await);
    let action = attr_all(&page, r#"form[enctype="multipart/form-data"]"#, "action").pop().expect("an upload form");
    assert!(action.contains("csrf_token="), "the token travels in the query: {action}");
    let (content_type, data) = multipart_body(&[("explanation", explanation)], Some(("document", file_name, bytes)));
    app.client.post(app.url(&action)).header("content-type", content_type).body(data).send().await.unwrap()
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

#[tokio::test]
async fn a_guardian_adds_two_people_and_the_municipality_approves_one_and_declines_the_other() {
    let app = spawn_app().await;
    sign_in_with_code(&app, "hanako@example.jp").await;
    let account = body(app.get("/account").await).await;
    assert!(account.contains("href=\"/account/representation\"") && account.contains("href=\"/account/access-log\""));

    // A later step cannot be opened before the earlier ones are answered.
    app.get("/account/representation/new").await;
    let res = app.get("/account/representation/new/scope").await;
    assert_eq!(res.headers()["location"], "/account/representation/new/person");

    // First person: aged 80, "75 or over" — no document, but going out must be stated as difficult.
    let eighty = years_ago(80);
    let res = post(
        &app,
        "/account/representation/new/person",
        &[
            ("name", "佐藤 次郎"),
            ("name_kana", "さとう じろう"),
            ("birth_date", &eighty),
            ("postal_code", "999-0001"),
            ("address", "あおば市中央1-2-3"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let res =
        post(&app, "/account/representation/new/relationship", &[("relationship", "family"), ("reason", "aged_75")])
            .await;
    assert_eq!(res.status(), 422);
    let page = html(&body(res).await);
    assert_eq!(attr_all(&page, ".error-summary a", "href"), vec!["#going_out_difficult"]);
    assert_eq!(attr_all(&page, "#reason-aged_75", "checked").len(), 1, "the choice is kept");
    let res = post(
        &app,
        "/account/representation/new/relationship",
        &[("relationship", "family"), ("reason", "aged_75"), ("going_out_difficult", "yes")],
    )
    .await;
    assert_eq!(res.status(), 303);
    let res = post(&app, "/account/representation/new/scope", &[("ends_on", "")]).await;
    assert_eq!(res.status(), 422, "at least one kind of request");
    let res = post(&app, "/account/representation/new/scope", &[("scope", "card_application")]).await;
    assert_eq!(res.status(), 303);
    let proof = body(app.get("/account/representation/new/proof").await).await;
    assert!(proof.contains("別途の疎明資料は不要です"), "the page says why no proof is needed");
    assert!(!proof.contains("multipart/form-data"));
    let res = post(&app, "/account/representation/new/proof", &[]).await;
    assert_eq!(res.headers()["location"], "/account/representation/new/check");
    // Going back keeps the answers; a change comes back to the check page.
    let person = html(&body(app.get("/account/representation/new/person?change=1").await).await);
    assert_eq!(attr_all(&person, "#name", "value"), vec!["佐藤 次郎"]);
    assert_eq!(attr_all(&person, "#name_kana", "value"), vec!["サトウ　ジロウ"]);
    let check = html(&body(app.get("/account/representation/new/check").await).await);
    assert!(
        attr_all(&check, ".summary-list a", "href").contains(&"/account/representation/new/person?change=1".into())
    );
    let res = post(
        &app,
        "/account/representation/new/person?change=1",
        &[
            ("name", "佐藤 次郎"),
            ("name_kana", "サトウ ジロウ"),
            ("birth_date", &eighty),
            ("postal_code", "9990001"),
            ("address", "あおば市中央1-2-4"),
        ],
    )
    .await;
    assert_eq!(res.headers()["location"], "/account/representation/new/check");
    let first = submit(&app).await;

    // Second person: someone aged 60 cannot be claimed as 75 or over.
    let sixty = years_ago(60);
    app.get("/account/representation/new").await;
    let res = post(
        &app,
        "/account/representation/new/person",
        &[
            ("name", "佐藤 三郎"),
            ("name_kana", "サトウ サブロウ"),
            ("birth_date", &sixty),
            ("postal_code", "999-0001"),
            ("address", "あおば市中央5-6-7"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let res = post(
        &app,
        "/account/representation/new/relationship",
        &[("relationship", "appointed"), ("reason", "aged_75"), ("going_out_difficult", "yes")],
    )
    .await;
    assert_eq!(res.status(), 422);
    let page = html(&body(res).await);
    assert_eq!(attr_all(&page, ".error-summary a", "href"), vec!["#reason"]);
    assert!(select_all(&page, "#reason-error")[0].contains("60歳"));
    let res = post(
        &app,
        "/account/representation/new/relationship",
        &[("relationship", "appointed"), ("reason", "disability")],
    )
    .await;
    assert_eq!(res.status(), 303);
    // An appointed representative gives an end date, within three years.
    let res = post(&app, "/account/representation/new/scope", &[("scope", "card_application"), ("ends_on", "")]).await;
    assert_eq!(res.status(), 422);
    let too_far = (today() + Months::new(40)).format("%Y-%m-%d").to_string();
    let res =
        post(&app, "/account/representation/new/scope", &[("scope", "card_application"), ("ends_on", &too_far)]).await;
    assert_eq!(res.status(), 422);
    assert_eq!(attr_all(&html(&body(res).await), "#ends_on", "value"), vec![too_far]);
    let next_year = format!("{}-03-31", today().year() + 1);
    let res =
        post(&app, "/account/representation/new/scope", &[("scope", "card_application"), ("ends_on", &next_year)])
            .await;
    assert_eq!(res.status(), 303);
    // A text file named .pdf is refused beside the field, and what was typed stays.
    let res = upload(&app, "scan.pdf", b"this is only text", "typed note").await;
    assert_eq!(res.status(), 422);
    let page = html(&body(res).await);
    assert_eq!(attr_all(&page, ".error-summary a", "href"), vec!["#document"]);
    assert_eq!(select_all(&page, "#document-error").len(), 1);
    assert_eq!(select_all(&page, "#explanation"), vec!["typed note"]);
    let mut big = PDF.to_vec();
    big.resize(madoguchi::domain::proxy::MAX_DOCUMENT_BYTES + 1, b' ');
    let res = upload(&app, "big.pdf", &big, "").await;
    assert_eq!(res.status(), 422, "more than 5 MB");
    assert_eq!(attr_all(&html(&body(res).await), ".error-summary a", "href"), vec!["#document"]);
    let res = upload(&app, "手帳.pdf", PDF, "").await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/account/representation/new/check");
    let check = body(app.get("/account/representation/new/check").await).await;
    assert!(check.contains("proof.pdf"), "the server's name, not the browser's");
    let second = submit(&app).await;
    assert_eq!(app.get("/account/representation/new/check").await.status(), 303, "the draft is gone");

    // Both wait for review, and neither can be switched to yet.
    let list = html(&body(app.get("/account/representation").await).await);
    let states = select_all(&list, ".authority-list .tag");
    assert_eq!(states.iter().filter(|s| s.contains("審査待ち")).count(), 2, "{states:?}");
    let home = html(&body(app.get("/account").await).await);
    assert_eq!(attr_all(&home, "#acting-for-select option", "value"), vec!["", "p-ichiro"]);
    let first_ward = app.store.representation(&first).await.unwrap().unwrap().ward_id;
    let second_ward = app.store.representation(&second).await.unwrap().unwrap().ward_id;
    assert_eq!(post(&app, "/acting-for", &[("ward", &first_ward)]).await.status(), 404);

    // The municipal officer reviews, oldest first.
    let officer = sign_in_as(&app, "p-suzuki").await;
    let queue = html(&body(officer.get("/office/representations").await).await);
    let links = attr_all(&queue, "table a", "href");
    assert_eq!(links, vec![format!("/office/representations/{first}"), format!("/office/representations/{second}")]);
    let review = body(officer.get(&format!("/office/representations/{second}")).await).await;
    assert!(review.contains("佐藤 三郎") && review.contains(&format!("proof-{}.pdf", &second.replace('-', "")[..12])));
    let doc = officer.get(&format!("/office/representations/{second}/document")).await;
    assert_eq!(doc.status(), 200);
    assert_eq!(doc.headers()["content-type"], "application/pdf");
    assert!(doc.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(doc.bytes().await.unwrap().as_ref(), PDF);
    let lines = audit(&app).await;
    let viewed = |subject: &str| {
        lines.iter().any(|(a, actor, s, o)| {
            a == "record.viewed"
                && actor.as_deref() == Some("p-suzuki")
                && s.as_deref() == Some(subject)
                && o.as_deref() == Some("mun-aoba")
        })
    };
    assert!(viewed(&second_ward) && viewed("p-hanako"), "the ward and the representative are the subjects");

    let token = officer.csrf_token(&format!("/office/representations/{first}")).await;
    let res = officer
        .post_form(&format!("/office/representations/{second}/decline"), &[("csrf_token", &token), ("reason", "")])
        .await;
    assert_eq!(res.status(), 422, "a reason from the list is needed");
    let res = officer.post_form(&format!("/office/representations/{first}/approve"), &[("csrf_token", &token)]).await;
    assert_eq!(res.status(), 303);
    let res = officer
        .post_form(
            &format!("/office/representations/{second}/decline"),
            &[("csrf_token", &token), ("reason", "document_unreadable")],
        )
        .await;
    assert_eq!(res.status(), 303);
    // A failed approve (decided already) leaves no audit line: it was written in the rolled-back transaction.
    let res = officer.post_form(&format!("/office/representations/{second}/approve"), &[("csrf_token", &token)]).await;
    assert_eq!(res.status(), 404);
    let lines = audit(&app).await;
    assert!(!lines.iter().any(|(a, _, s, _)| a == "representation.approved" && s.as_deref() == Some(&second_ward)));
    assert!(lines.iter().any(|(a, _, s, _)| a == "representation.declined" && s.as_deref() == Some(&second_ward)));
    assert_eq!(app.store.representation(&second).await.unwrap().unwrap().state, "declined");
    // The representative is told each decision, in their language, with the reason when declined.
    let mails = app.store.outbox().list_recent(20).await.unwrap();
    let to_hanako = |kind: &str| {
        let found: Vec<_> = mails.iter().filter(|m| m.kind == kind && m.recipient == "hanako@example.jp").collect();
        assert_eq!(found.len(), 1, "{kind}: one mail, not two");
        found[0].clone()
    };
    let approved = to_hanako("mail-representation-approved");
    assert!(approved.subject.contains("代理が認められました"), "{}", approved.subject);
    let declined = to_hanako("mail-representation-declined");
    assert!(declined.body_text.contains("理由：書類が読み取れません"), "{}", declined.body_text);

    // The representative sees both decisions, the reason in their language.
    let list = body(app.get("/account/representation").await).await;
    assert!(list.contains("承認済み") && list.contains("書類が読み取れません"), "{list}");
    let list_en = get_in(&app, "en", "/account/representation").await;
    assert!(list_en.contains("Approved") && list_en.contains("The document cannot be read"));
    // Only the approved one can be switched to.
    let home = html(&body(app.get("/account").await).await);
    assert_eq!(attr_all(&home, "#acting-for-select option", "value").len(), 3);
    assert_eq!(post(&app, "/acting-for", &[("ward", &second_ward)]).await.status(), 404);
    assert_eq!(post(&app, "/acting-for", &[("ward", &first_ward), ("back", "/account")]).await.status(), 303);
    let who = select_all(&html(&body(app.get("/account/representation").await).await), ".acting-bar__who");
    assert!(who[0].contains("佐藤 次郎"), "every page shows whom the user acts for: {who:?}");
}

#[tokio::test]
async fn the_ward_with_an_account_is_told_sees_the_officer_in_the_access_log_and_can_report_and_end() {
    let app = spawn_app().await;
    let id = app.store.request_representation_for_existing("p-maria", "p-taro", "family", "disability").await.unwrap();
    let officer = sign_in_as(&app, "p-suzuki").await;
    assert_eq!(officer.get(&format!("/office/representations/{id}")).await.status(), 200);
    let token = officer.csrf_token("/office").await;
    let res = officer.post_form(&format!("/office/representations/{id}/approve"), &[("csrf_token", &token)]).await;
    assert_eq!(res.status(), 303);
    let mails = app.store.outbox().list_recent(20).await.unwrap();
    let started = mails.iter().find(|m| m.kind == "mail-representation-started").expect("the ward is told");
    assert_eq!(started.recipient, "taro@example.jp");
    assert!(started.body_text.contains("Maria SANTOS"));

    sign_in_with_code(&app, "taro@example.jp").await;
    let log = body(app.get("/account/access-log").await).await;
    let page = html(&log);
    let lines = select_all(&page, ".access-list__item");
    assert!(lines.iter().any(|l| l.contains("あおば市 (市区町村の職員)") && l.contains("閲覧")), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("閲覧")), "{lines:?}");
    assert!(!log.contains("鈴木"), "the officer's name is not shown");
    let en = get_in(&app, "en", "/account/access-log").await;
    assert!(en.contains("Aoba City (Municipal officer)"), "{en}");
    let forms = attr_all(&page, "form[action^=\"/account/access-log/\"]", "action");
    let report = forms.first().expect("a report form per line").clone();
    let res = post(&app, &report, &[("note", "  ")]).await;
    assert_eq!(res.status(), 422);
    let res = post(&app, &report, &[("note", "I was not at the office that day")]).await;
    assert_eq!(res.status(), 303);
    // The confirmation says what happens next and by when, in every language.
    let sent = res.headers()["location"].to_str().unwrap().to_string();
    assert!(get_in(&app, "en", &sent).await.contains("within 10 days of your report"));
    assert!(get_in(&app, "ja", &sent).await.contains("報告から10日以内に確認します"));
    assert!(get_in(&app, "ja-easy", &sent).await.contains("10"));
    assert_eq!(post(&app, "/account/access-log/not-a-line/report", &[("note", "x")]).await.status(), 404);

    let reports = body(officer.get("/office/access-reports").await).await;
    assert!(reports.contains("I was not at the office that day") && reports.contains("山田 太郎"));
    let close = attr_all(&html(&reports), "form[action$=\"/close\"]", "action").pop().unwrap();
    assert_eq!(officer.post_form(&close, &[("csrf_token", &token)]).await.status(), 303);
    assert_eq!(officer.post_form(&close, &[("csrf_token", &token)]).await.status(), 404, "closed already");
    assert!(body(officer.get("/office/access-reports").await).await.contains("完了"));

    // Taro ends Maria's authority from "people who act for you".
    let list = html(&body(app.get("/account/representation").await).await);
    assert!(select_all(&list, "#acted-for-heading").len() == 1);
    let end = format!("/account/representation/{id}/end");
    assert!(attr_all(&list, "form", "action").contains(&end));
    assert_eq!(post(&app, &end, &[]).await.status(), 303);
    assert_eq!(app.store.representation(&id).await.unwrap().unwrap().state, "ended");
    assert!(app.store.wards_of("p-maria").await.unwrap().is_empty());
    let mails = app.store.outbox().list_recent(20).await.unwrap();
    assert!(!mails.iter().any(|m| m.kind == "mail-representation-ended"), "not told what they did themselves");
}

#[tokio::test]
async fn the_representative_ending_it_tells_the_ward_and_the_municipality_can_end_one() {
    let app = spawn_app().await;
    let id = app.store.request_representation_for_existing("p-maria", "p-taro", "family", "disability").await.unwrap();
    let officer = sign_in_as(&app, "p-suzuki").await;
    let token = officer.csrf_token("/office").await;
    officer.post_form(&format!("/office/representations/{id}/approve"), &[("csrf_token", &token)]).await;
    let maria = sign_in_as(&app, "p-maria").await;
    let res = post(&maria, &format!("/account/representation/{id}/end"), &[]).await;
    assert_eq!(res.status(), 303);
    let mails = app.store.outbox().list_recent(20).await.unwrap();
    let ended = mails.iter().find(|m| m.kind == "mail-representation-ended").expect("the ward is told");
    assert_eq!(ended.recipient, "taro@example.jp");
    // The demo guardianship, ended by the municipality.
    let res = officer.post_form("/office/representations/rep-demo-0/end", &[("csrf_token", &token)]).await;
    assert_eq!(res.status(), 303);
    assert!(app.store.wards_of("p-hanako").await.unwrap().is_empty());
    assert!(audit(&app).await.iter().any(|(a, actor, s, o)| a == "representation.ended"
        && actor.as_deref() == Some("p-suzuki")
        && s.as_deref() == Some("p-ichiro")
        && o.as_deref() == Some("mun-aoba")));
}

#[tokio::test]
async fn every_new_route_answers_only_the_people_it_is_for() {
    let app = spawn_app().await;
    let other_officer = add_other_municipality(&app).await;
    // Maria is another guardian (of 小林 茂); a pending request over 渡辺 トメ waits for review.
    let maria_rep = app
        .store
        .request_representation_for_existing("p-maria", "p-shigeru", "family", "facility_resident")
        .await
        .unwrap();
    let suzuki = sign_in_as(&app, "p-suzuki").await;
    let token = suzuki.csrf_token("/office").await;
    suzuki.post_form(&format!("/office/representations/{maria_rep}/approve"), &[("csrf_token", &token)]).await;
    let pending = app
        .store
        .request_representation_for_existing("p-hanako", "p-tome", "family", "facility_resident")
        .await
        .unwrap();
    let taro = sign_in_as(&app, "p-taro").await;
    let hanako = sign_in_as(&app, "p-hanako").await;
    // Hanako reports the officer's look at her record: a real line and a real report of mun-aoba.
    assert_eq!(suzuki.get(&format!("/office/representations/{pending}")).await.status(), 200);
    let (line,): (String,) = sqlx::query_as(
        "SELECT id FROM audit_log WHERE subject_id = 'p-hanako' AND action = 'record.viewed' AND actor_id = 'p-suzuki'",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert!(app.store.report_access(&line, "p-hanako", "p-hanako", "not me").await.unwrap());
    let (report,): (String,) =
        sqlx::query_as("SELECT id FROM access_reports").fetch_one(app.store.pool()).await.unwrap();

    let people = [
        ("anonymous", None),
        ("resident", Some("p-taro")),
        ("guardian", Some("p-maria")),
        ("facility staff", Some("p-ken")),
        ("insurer officer", Some("p-tanaka")),
        ("other municipality", Some(other_officer.as_str())),
    ];
    for (who, id) in people {
        let client = match id {
            Some(id) => sign_in_as(&app, id).await,
            None => crate::helpers::second_client(&app),
        };
        let token = client.csrf_token("/contact").await;
        let get = |path: String| {
            let client = &client;
            async move { client.get(&path).await.status().as_u16() }
        };
        let post = |path: String| {
            let client = &client;
            let token = token.clone();
            async move {
                client
                    .post_form(
                        &path,
                        &[
                            ("csrf_token", token.as_str()),
                            ("reason", "document_unreadable"),
                            ("action", "withdraw"),
                            ("note", "x"),
                        ],
                    )
                    .await
                    .status()
                    .as_u16()
            }
        };
        let office_get =
            [format!("/office/representations/{pending}"), format!("/office/representations/{pending}/document")];
        let office_post = [
            format!("/office/representations/{pending}/approve"),
            format!("/office/representations/{pending}/decline"),
            format!("/office/representations/{pending}/end"),
            format!("/office/access-reports/{report}/close"),
        ];
        let report_line = format!("/account/access-log/{line}/report");
        let consent = "/facility/fac-hidamari/residents/p-tome/consent".to_string();
        let mine = [format!("/account/representation/{pending}/sent")];
        match who {
            "anonymous" => {
                for p in [
                    "/office",
                    "/office/representations",
                    "/office/access-reports",
                    "/facility",
                    "/account/representation",
                    "/account/access-log",
                ] {
                    assert_eq!(get(p.to_string()).await, 303, "{who} {p}");
                }
                for p in office_get.iter().chain(&mine) {
                    assert_eq!(get(p.clone()).await, 303, "{who} {p}");
                }
                for p in ["person", "relationship", "scope", "proof", "check"] {
                    assert_eq!(get(format!("/account/representation/new/{p}")).await, 303, "{who} {p}");
                }
                let others = [format!("/account/representation/{pending}/end"), report_line.clone(), consent.clone()];
                for p in office_post.iter().chain(&others) {
                    assert_eq!(post(p.clone()).await, 303, "{who} {p}: sent to sign in");
                }
                assert_eq!(post("/account/representation/new/submit".into()).await, 303, "{who}");
            }
            _ => {
                let municipal = who == "other municipality";
                let officer = municipal || who == "insurer officer";
                assert_eq!(get("/office".into()).await, if officer { 200 } else { 403 }, "{who} /office");
                let office_status = if municipal { 404 } else { 403 };
                assert_eq!(get("/office/representations".into()).await, if municipal { 200 } else { 403 }, "{who}");
                assert_eq!(get("/office/access-reports".into()).await, if municipal { 200 } else { 403 }, "{who}");
                for p in &office_get {
                    assert_eq!(get(p.clone()).await, office_status, "{who} {p}");
                }
                for p in &office_post {
                    assert_eq!(post(p.clone()).await, office_status, "{who} {p}");
                }
                if municipal {
                    let queue = body(client.get("/office/representations").await).await;
                    assert!(!queue.contains("渡辺"), "another municipality's queue");
                }
                for p in &mine {
                    assert_eq!(get(p.clone()).await, 404, "{who} {p}");
                }
                assert_eq!(post(format!("/account/representation/{pending}/end")).await, 404, "{who}");
                assert_eq!(post("/account/representation/rep-demo-0/end".into()).await, 404, "{who}");
                let facility = if who == "facility staff" { 200 } else { 403 };
                assert_eq!(get("/facility".into()).await, facility, "{who} /facility");
                let consent_status = if who == "facility staff" { 303 } else { 403 };
                assert_eq!(post(consent.clone()).await, consent_status, "{who} {consent}");
                assert_eq!(post(report_line.clone()).await, 404, "{who}: someone else's access log line");
                assert_eq!(get("/account/representation".into()).await, 200, "{who}");
                assert_eq!(get("/account/access-log".into()).await, 200, "{who}");
            }
        }
        // Nobody else's data shows on their own pages.
        if id.is_some() {
            let own = body(client.get("/account/representation").await).await;
            assert!(!own.contains("渡辺 トメ") && !own.contains("佐藤 一郎"), "{who}");
        }
    }
    let r = app.store.representation(&pending).await.unwrap().unwrap();
    assert_eq!(r.state, "pending", "nothing was decided by anyone else");
    assert_eq!(app.store.representation("rep-demo-0").await.unwrap().unwrap().state, "approved");
    let (open,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM access_reports WHERE state = 'open'")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(open, 1, "the report stayed open");
    // The representative and the ward's own pages do answer.
    assert_eq!(hanako.get(&format!("/account/representation/{pending}/sent")).await.status(), 200);
    assert_eq!(taro.get("/account/representation").await.status(), 200);
    // Facility residents are not records an officer of another municipality can open either.
    let lines = audit(&app).await;
    assert!(
        !lines.iter().any(|(a, actor, _, _)| a == "record.viewed" && actor.as_deref() == Some(other_officer.as_str()))
    );
}

#[tokio::test]
async fn facility_staff_see_only_their_residents_and_record_consent_with_an_audit_line() {
    let app = spawn_app().await;
    app.store.create_facility("fac-other", "あさひ園", "Asahi Home", "mun-aoba").await.unwrap();
    app.store.add_facility_resident("fac-other", "p-taro").await.unwrap();
    let ken = sign_in_as(&app, "p-ken").await;
    let nav = attr_all(&html(&body(ken.get("/account").await).await), ".main-nav a", "href");
    assert!(nav.contains(&"/facility".to_string()));
    let page = body(ken.get("/facility").await).await;
    assert!(page.contains("渡辺 トメ") && page.contains("小林 茂"));
    assert!(!page.contains("山田 太郎") && !page.contains("あさひ園"), "another facility's residents stay hidden");

    let token = ken.csrf_token("/facility").await;
    let res = ken
        .post_form("/facility/fac-other/residents/p-taro/consent", &[("csrf_token", &token), ("action", "record")])
        .await;
    assert_eq!(res.status(), 404);
    let res = ken
        .post_form("/facility/fac-hidamari/residents/p-taro/consent", &[("csrf_token", &token), ("action", "record")])
        .await;
    assert_eq!(res.status(), 404, "not a resident here");
    let res = ken
        .post_form("/facility/fac-hidamari/residents/p-tome/consent", &[("csrf_token", &token), ("action", "withdraw")])
        .await;
    assert_eq!(res.status(), 303);
    let page = html(&body(ken.get("/facility").await).await);
    assert!(select_all(&page, "#resident-p-tome td")[2].contains("未記録"));
    let res = ken
        .post_form("/facility/fac-hidamari/residents/p-tome/consent", &[("csrf_token", &token), ("action", "record")])
        .await;
    assert_eq!(res.status(), 303);
    let page = html(&body(ken.get("/facility").await).await);
    assert!(select_all(&page, "#resident-p-tome td")[2].contains("伊藤 健"), "who recorded it");
    let lines = audit(&app).await;
    for action in ["facility.consent_withdrawn", "facility.consent_recorded"] {
        assert!(lines.iter().any(|(a, actor, s, o)| a == action
            && actor.as_deref() == Some("p-ken")
            && s.as_deref() == Some("p-tome")
            && o.as_deref() == Some("fac-hidamari")));
    }
    let misaki = sign_in_as(&app, "p-misaki").await;
    assert_eq!(misaki.get("/facility").await.status(), 200, "the facility's administrator too");
}

#[tokio::test]
async fn the_new_pages_render_in_every_language_with_one_h1_and_no_inline_style() {
    let app = spawn_app().await;
    let id = app
        .store
        .request_representation_for_existing("p-hanako", "p-tome", "family", "facility_resident")
        .await
        .unwrap();
    let hanako = sign_in_as(&app, "p-hanako").await;
    let officer = sign_in_as(&app, "p-suzuki").await;
    let ken = sign_in_as(&app, "p-ken").await;
    hanako.get("/account/representation/new").await;
    let pages: Vec<(&TestApp, String)> = vec![
        (&hanako, "/account/representation".into()),
        (&hanako, "/account/representation/new/person".into()),
        (&hanako, format!("/account/representation/{id}/sent")),
        (&hanako, "/account/access-log".into()),
        (&officer, "/office".into()),
        (&officer, "/office/representations".into()),
        (&officer, format!("/office/representations/{id}")),
        (&officer, "/office/access-reports".into()),
        (&ken, "/facility".into()),
    ];
    for lang in crate::helpers::LOCALES {
        for (client, path) in &pages {
            assert_eq!(client.get(&format!("/language/{lang}?back=/")).await.status(), 303);
            let res = client.get(path).await;
            assert_eq!(res.status(), 200, "{lang} {path}");
            let text = body(res).await;
            let page = html(&text);
            assert_eq!(select_all(&page, "h1").len(), 1, "{lang} {path}");
            assert!(!text.contains(" style=") && !text.contains("<script"), "{lang} {path}");
            assert!(
                !text.contains("representation-") && !text.contains("office-"),
                "{lang} {path}: a message id leaked"
            );
            for form in page.select(&scraper::Selector::parse("form[method=post]").unwrap()) {
                let action = form.value().attr("action").unwrap_or("");
                let has_field =
                    form.select(&scraper::Selector::parse("input[name=csrf_token]").unwrap()).next().is_some();
                assert!(has_field || action.contains("csrf_token="), "{lang} {path}: {action} carries the CSRF token");
            }
        }
    }
}

//! Express card requests (特急発行), the residents' side: the infant card with the birth registration, its
//! page, e-mails and withdrawal; who may see a card request.

use madoguchi::domain::card_validity::ExpressReason;
use madoguchi::requests::service::{Command, Decision};
use madoguchi::store::today_jst;
use scraper::Html;

use crate::helpers::{TestApp, attr_all, multipart_body, select_all, sign_in_as, spawn_app};

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_string()
}

async fn answer(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let token = app.csrf_token("/contact").await;
    let mut all = vec![("csrf_token", token.as_str())];
    all.extend_from_slice(fields);
    app.post_form(path, &all).await
}

/// Sends the photo question of draft `id` as the browser does (the token in the form's address).
async fn upload_photo(app: &TestApp, id: &str, file: Option<(&str, &[u8])>, exception: &str) -> reqwest::Response {
    let page = Html::parse_document(&app.get(&format!("/express/{id}/photo")).await.text().await.unwrap());
    let action = attr_all(&page, r#"form[enctype="multipart/form-data"]"#, "action").pop().expect("an upload form");
    assert!(action.contains("csrf_token="), "the token travels in the address: {action}");
    let (content_type, data) =
        multipart_body(&[("photo_exception", exception)], file.map(|(name, bytes)| ("photo", name, bytes)));
    app.client.post(app.url(&action)).header("content-type", content_type).body(data).send().await.unwrap()
}

/// The first bytes of a JPEG, then padding: what the portal judges a photo by.
fn jpeg() -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.resize(30 * 1024, 0x20);
    bytes
}

fn day(offset: i64) -> String {
    (today_jst() + chrono::Duration::days(offset)).to_string()
}

/// A parent files an infant card for a child born `born_days_ago`, up to "check your answers"; the draft's id.
async fn answer_infant_questions(app: &TestApp, born_days_ago: i64) -> String {
    let res = answer(app, "/express/new", &[]).await;
    assert_eq!(res.status(), 303);
    let first = location(&res);
    assert!(first.ends_with("/birth-registration"), "{first}");
    let base = first.trim_end_matches("/birth-registration").to_string();
    let birth = day(-born_days_ago);
    let steps: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("birth-registration", vec![("registration_municipality", "あおば市"), ("registration_date", &birth)]),
        ("child-name", vec![("child_name", "山田 花"), ("child_name_kana", "ヤマダ ハナ")]),
        ("child-birth-date", vec![("child_birth_date", &birth)]),
        ("child-address", vec![("postal_code", "100-0001"), ("address", "あおば市中央1-1")]),
        ("card-type", vec![("card_type", "face_authentication")]),
    ];
    for (step, fields) in &steps {
        let res = answer(app, &format!("{base}/{step}"), fields).await;
        assert_eq!(res.status(), 303, "{step}: {}", res.text().await.unwrap_or_default());
    }
    base.trim_start_matches("/express/").to_string()
}

#[tokio::test]
async fn a_parent_files_an_infant_card_sees_its_validity_follows_it_and_withdraws_it() {
    let app = spawn_app().await;
    let parent = sign_in_as(&app, "p-taro").await;
    let id = answer_infant_questions(&parent, 20).await;

    // Check your answers: a photo-less card, its validity (the child's 5th birthday), no PIN asked.
    let html = parent.get(&format!("/express/{id}/check")).await.text().await.unwrap();
    let doc = Html::parse_document(&html);
    assert_eq!(select_all(&doc, "#express-photo-less").len(), 1, "photo-less under one");
    let birth = today_jst() - chrono::Duration::days(20);
    let fifth = madoguchi::domain::card_validity::infant_card_expiry(birth, today_jst() + chrono::Duration::days(7));
    let valid = select_all(&doc, "#express-valid-until").join("");
    assert!(valid.contains(&format!("{}年", chrono::Datelike::year(&fifth))), "{valid}");
    assert!(!html.contains("name=\"pin\""), "never asks for a PIN");

    let res = answer(&parent, &format!("/express/{id}/submit"), &[]).await;
    assert_eq!(location(&res), format!("/express/{id}?sent=1"));
    // Sending twice shows the same page again.
    assert_eq!(
        location(&answer(&parent, &format!("/express/{id}/submit"), &[]).await),
        format!("/express/{id}?sent=1")
    );

    let page = Html::parse_document(&parent.get(&format!("/express/{id}?sent=1")).await.text().await.unwrap());
    assert_eq!(select_all(&page, "#express-sent").len(), 1, "what happens next, how long, whom to call");
    assert_eq!(select_all(&page, ".tag--submitted").len(), 1);
    assert_eq!(select_all(&page, ".timeline li").len(), 2, "started and sent");
    let answers = select_all(&page, ".summary-list dd").join(" | ");
    assert!(answers.contains("山田 花") && answers.contains("あおば市"), "{answers}");

    // The child is now a person of the portal, the parent's ward, and the request is the child's.
    let (subject, reason): (String, String) = sqlx::query_as("SELECT subject_id, reason FROM requests WHERE id = $1")
        .bind(&id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_ne!(subject, "p-taro");
    assert_eq!(reason, "infant");
    let card = app.store.card_request(&id).await.unwrap().unwrap();
    assert_eq!((card.reason.as_str(), card.card_type.as_str()), ("infant", "face_authentication"));
    assert_eq!(card.trigger_date, birth.to_string());
    assert_eq!(card.photo_file, None);

    // The confirmation e-mail, in the parent's language, links to the request page.
    let mails = app.store.outbox().list_recent(10).await.unwrap();
    let mail = mails.iter().find(|m| m.kind == "mail-request-update").expect("a confirmation e-mail");
    assert!(mail.body_text.contains(&format!("/express/{id}")), "{}", mail.body_text);

    // The request is in the parent's list.
    assert!(parent.get("/requests").await.text().await.unwrap().contains(&format!("href=\"/express/{id}\"")));
    let res = parent.get(&format!("/requests/{id}")).await;
    assert_eq!(location(&res), format!("/express/{id}"), "the generic page sends to the card's own");

    // Withdrawn while it waits; then the button is gone.
    let res = answer(&parent, &format!("/express/{id}/withdraw"), &[]).await;
    assert_eq!(res.status(), 303);
    let page = Html::parse_document(&parent.get(&format!("/express/{id}")).await.text().await.unwrap());
    assert_eq!(select_all(&page, ".tag--withdrawn").len(), 1);
    assert_eq!(select_all(&page, "#express-withdraw").len(), 0);
    let mails = app.store.outbox().list_recent(10).await.unwrap();
    assert_eq!(mails.iter().filter(|m| m.kind == "mail-request-update").count(), 2, "sent, withdrawn");
}

#[tokio::test]
async fn a_child_of_one_or_more_is_sent_to_the_normal_application() {
    let app = spawn_app().await;
    let parent = sign_in_as(&app, "p-taro").await;
    let res = answer(&parent, "/express/new", &[]).await;
    let base = location(&res).trim_end_matches("/birth-registration").to_string();
    let first_birthday_today = (today_jst() - chrono::Months::new(12)).to_string();
    let res =
        answer(&parent, &format!("{base}/child-birth-date"), &[("child_birth_date", &first_birthday_today)]).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("通常の申請"), "says to use the normal application");
    assert!(html.contains(&first_birthday_today) || html.contains("value="), "keeps what was typed");
    let future = day(1);
    let res = answer(&parent, &format!("{base}/child-birth-date"), &[("child_birth_date", &future)]).await;
    assert_eq!(res.status(), 422, "a date to come");
}

/// A card request for `subject` of `reason`, sent (written straight through the store).
async fn sent_card_request(app: &TestApp, subject: &str, reason: ExpressReason) -> String {
    crate::helpers::card_request_through_service(app, subject, "mun-aoba", reason, true).await
}

#[tokio::test]
async fn a_card_request_is_seen_by_its_side_and_the_subjects_municipality_only() {
    let app = spawn_app().await;
    // p-ichiro is p-hanako's ward (every scope); a lost-card request is an express_issuance record.
    let lost = sent_card_request(&app, "p-ichiro", ExpressReason::Lost).await;
    sqlx::query("UPDATE people SET municipality_id = 'mun-aoba' WHERE id = 'p-ichiro'")
        .execute(app.store.pool())
        .await
        .unwrap();
    for (who, expected) in [("p-ichiro", 200), ("p-hanako", 200), ("p-suzuki", 200), ("p-taro", 404), ("p-tanaka", 404)]
    {
        let client = sign_in_as(&app, who).await;
        assert_eq!(client.get(&format!("/express/{lost}")).await.status().as_u16(), expected, "{who}");
    }
    // An authority covering only `newborn` opens an infant's request and not a lost card's.
    sqlx::query("UPDATE representations SET scope = 'newborn' WHERE representative_id = 'p-hanako'")
        .execute(app.store.pool())
        .await
        .unwrap();
    let infant = sent_card_request(&app, "p-ichiro", ExpressReason::Infant).await;
    let hanako = sign_in_as(&app, "p-hanako").await;
    assert_eq!(hanako.get(&format!("/express/{infant}")).await.status(), 200);
    assert_eq!(hanako.get(&format!("/express/{lost}")).await.status(), 404);
    // Only the requester side withdraws; an officer's POST changes nothing.
    let officer = sign_in_as(&app, "p-suzuki").await;
    assert_eq!(answer(&officer, &format!("/express/{infant}/withdraw"), &[]).await.status(), 404);
    let (state,): (String,) = sqlx::query_as("SELECT state FROM requests WHERE id = $1")
        .bind(&infant)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(state, "submitted");
}

#[tokio::test]
async fn a_lost_card_brings_a_linked_interim_certificate_on_one_timeline() {
    let app = spawn_app().await;
    let resident = sign_in_as(&app, "p-taro").await;
    let res = answer(&resident, "/express/new", &[("reason", "lost")]).await;
    let first = location(&res);
    assert!(first.ends_with("/loss-report"), "{first}");
    let base = first.trim_end_matches("/loss-report").to_string();
    // Reported 31 days ago: outside the window, said in plain words on the question.
    let res = answer(
        &resident,
        &format!("{base}/loss-report"),
        &[("loss_report_number", "2026-1"), ("loss_date", &day(-31))],
    )
    .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("通常の申請"));
    let lost_on = day(-3);
    let steps: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("loss-report", vec![("loss_report_number", "2026-123456"), ("loss_date", &lost_on)]),
        ("suspended", vec![("suspended", "yes")]),
        ("address", vec![("postal_code", "100-0001"), ("address", "あおば市中央1-1")]),
        ("interim-certificate", vec![("interim", "yes")]),
        ("card-type", vec![("card_type", "standard")]),
    ];
    for (step, fields) in &steps {
        let res = answer(&resident, &format!("{base}/{step}"), fields).await;
        assert_eq!(res.status(), 303, "{step}");
    }
    let id = base.trim_start_matches("/express/").to_string();
    assert_eq!(upload_photo(&resident, &id, Some(("me.jpg", &jpeg())), "").await.status(), 303);
    let res = answer(&resident, &format!("/express/{id}/submit"), &[]).await;
    assert_eq!(location(&res), "/certificates/new", "continues with the interim certificate");
    let card = app.store.card_request(&id).await.unwrap().unwrap();
    assert_eq!(card.trigger_date, lost_on);
    let linked = card.linked_request_id.expect("linked");
    // The certificate journey continues the linked draft after its reason (already answered).
    let next = location(&resident.get("/certificates/new").await);
    assert_eq!(next, format!("/certificates/{linked}/insurer"));
    // Send it through the store (its questions are the certificate service's own tests).
    crate::helpers::run_command(&app, Command::Submit { request_id: linked.clone(), by: "p-taro".to_string() }).await;
    // The certificate's page shows the card request it was asked for with.
    let cert_page = Html::parse_document(&resident.get(&format!("/requests/{linked}")).await.text().await.unwrap());
    assert_eq!(attr_all(&cert_page, "#linked-card-link", "href"), vec![format!("/express/{id}")]);
    let page = Html::parse_document(&resident.get(&format!("/express/{id}")).await.text().await.unwrap());
    assert_eq!(select_all(&page, "#express-linked-link").len(), 1, "the linked request");
    assert_eq!(select_all(&page, "#express-mailed-by").len(), 1, "the card's next deadline");
    let timeline = select_all(&page, ".timeline li");
    assert_eq!(timeline.len(), 4, "both requests, started and sent: {timeline:?}");
    assert!(timeline.iter().any(|l| l.contains("資格確認書")) && timeline.iter().any(|l| l.contains("特急発行")));
}

#[tokio::test]
async fn someone_who_moved_in_from_abroad_gives_the_date_and_the_country() {
    let app = spawn_app().await;
    let resident = sign_in_as(&app, "p-taro").await;
    let res = answer(&resident, "/express/new", &[("reason", "newly_registered")]).await;
    let base = location(&res).trim_end_matches("/registration").to_string();
    let moved_in = day(-10);
    for (step, fields) in [
        ("registration", vec![("registration_on", moved_in.as_str()), ("previous_country", "ブラジル")]),
        ("address", vec![("postal_code", "1000001"), ("address", "あおば市中央1-1")]),
        ("card-type", vec![("card_type", "standard")]),
    ] {
        assert_eq!(answer(&resident, &format!("{base}/{step}"), &fields).await.status(), 303, "{step}");
    }
    let id = base.trim_start_matches("/express/").to_string();
    // Not sent without the photo question: it is asked first.
    let res = answer(&resident, &format!("/express/{id}/submit"), &[]).await;
    assert_eq!(location(&res), format!("/express/{id}/photo"));
    // The flexible rules alone (no photo) answer it.
    let res = upload_photo(&resident, &id, None, "首を動かせないため正面を向けません").await;
    assert_eq!(res.status(), 303);
    let check = resident.get(&format!("/express/{id}/check")).await.text().await.unwrap();
    assert!(check.contains("ブラジル"));
    assert_eq!(
        location(&answer(&resident, &format!("/express/{id}/submit"), &[]).await),
        format!("/express/{id}?sent=1")
    );
    let card = app.store.card_request(&id).await.unwrap().unwrap();
    assert_eq!((card.reason.as_str(), card.trigger_date.as_str()), ("newly_registered", moved_in.as_str()));
    let (subject,): (String,) = sqlx::query_as("SELECT subject_id FROM requests WHERE id = $1")
        .bind(&id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(subject, "p-taro");
}

#[tokio::test]
async fn deleting_a_card_photo_removes_the_private_file_and_the_name() {
    let app = spawn_app().await;
    let id = sent_card_request(&app, "p-taro", ExpressReason::Lost).await;
    let dir = app.store.card_photo_dir().to_path_buf();
    madoguchi::private_files::create_dir(&dir).unwrap();
    let name = format!("{}.jpg", madoguchi::store::new_id());
    std::fs::write(dir.join(&name), b"\xff\xd8\xff").unwrap();
    assert_eq!(app.store.set_card_photo(&id, &name).await.unwrap(), None);
    app.store.delete_card_photo(&id).await.unwrap();
    assert!(!dir.join(&name).exists(), "the file is gone");
    assert_eq!(app.store.card_request(&id).await.unwrap().unwrap().photo_file, None);
    // Twice changes nothing.
    app.store.delete_card_photo(&id).await.unwrap();
}

#[tokio::test]
async fn a_photo_is_judged_by_its_content_kept_privately_and_shown_to_the_applicant_and_the_officer_only() {
    let app = spawn_app().await;
    let resident = sign_in_as(&app, "p-taro").await;
    let res = answer(&resident, "/express/new", &[("reason", "newly_registered")]).await;
    let base = location(&res).trim_end_matches("/registration").to_string();
    let moved_in = day(-5);
    for (step, fields) in [
        ("registration", vec![("registration_on", moved_in.as_str()), ("previous_country", "ペルー")]),
        ("address", vec![("postal_code", "1000001"), ("address", "あおば市中央1-1")]),
    ] {
        assert_eq!(answer(&resident, &format!("{base}/{step}"), &fields).await.status(), 303, "{step}");
    }
    let id = base.trim_start_matches("/express/").to_string();
    // Guidance in plain words.
    let page = Html::parse_document(&resident.get(&format!("/express/{id}/photo")).await.text().await.unwrap());
    assert_eq!(select_all(&page, "#express-photo-guidance li").len(), 5);
    assert_eq!(select_all(&page, "h1").len(), 1);
    // Nothing given: said beside the field.
    assert_eq!(upload_photo(&resident, &id, None, "").await.status(), 422);
    // A PDF named like a photo is refused by its content; the explanation typed is kept.
    let res = upload_photo(&resident, &id, Some(("me.jpg", b"%PDF-1.4 not a photo")), "医療機器").await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("JPEG") && html.contains("医療機器"), "type message, explanation kept");
    // Too large: a clear message.
    let mut large = jpeg();
    large.resize(7 * 1024 * 1024 + 1, 0x20);
    let res = upload_photo(&resident, &id, Some(("me.jpg", &large)), "").await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("7MB"));
    assert_eq!(app.store.card_request(&id).await.unwrap().unwrap().photo_file, None, "nothing kept");
    // A JPEG with a misleading name is a photo; kept under a server-made name, readable by the owner only.
    let exception = "医療機器を外せません";
    let res = upload_photo(&resident, &id, Some(("../../static/me.pdf", &jpeg())), exception).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("/express/{id}/card-type"));
    let card = app.store.card_request(&id).await.unwrap().unwrap();
    let file = card.photo_file.clone().expect("a photo");
    assert!(file.ends_with(".jpg") && !file.contains("me") && !file.contains('/'), "{file}");
    assert_eq!(card.photo_exception, exception, "the column the officer's side reads");
    let path = app.store.card_photo_dir().join(&file);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
    // A second photo replaces the first (its file is deleted).
    assert_eq!(upload_photo(&resident, &id, Some(("b.png", b"\x89PNG\r\n\x1a\nrest")), exception).await.status(), 303);
    assert!(!path.exists(), "the replaced photo is gone");
    let file = app.store.card_request(&id).await.unwrap().unwrap().photo_file.unwrap();
    assert!(file.ends_with(".png"));
    // The applicant sees it while drafting, never cached.
    let res = resident.get(&format!("/express/{id}/photo/file")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert_eq!(answer(&resident, &format!("{base}/card-type"), &[("card_type", "standard")]).await.status(), 303);
    assert_eq!(
        location(&answer(&resident, &format!("/express/{id}/submit"), &[]).await),
        format!("/express/{id}?sent=1")
    );
    // The subject's municipality's officer reads the explanation and sees the photo; nobody else does.
    let officer = sign_in_as(&app, "p-suzuki").await;
    let detail = officer.get(&format!("/express/{id}")).await.text().await.unwrap();
    assert!(detail.contains(exception), "the officer sees the explanation");
    let res = officer.get(&format!("/express/{id}/photo/file")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    for who in ["p-tanaka", "p-maria"] {
        let other = sign_in_as(&app, who).await;
        assert_eq!(other.get(&format!("/express/{id}/photo/file")).await.status(), 404, "{who}");
    }
    // Not served from the public folder under any name.
    assert_eq!(resident.get(&format!("/static/{file}")).await.status(), 404);
}

#[tokio::test]
async fn a_returned_card_request_is_corrected_and_sent_again_without_starting_over() {
    let app = spawn_app().await;
    let resident = sign_in_as(&app, "p-taro").await;
    let res = answer(&resident, "/express/new", &[("reason", "newly_registered")]).await;
    let base = location(&res).trim_end_matches("/registration").to_string();
    let moved_in = day(-5);
    for (step, fields) in [
        ("registration", vec![("registration_on", moved_in.as_str()), ("previous_country", "ペルー")]),
        ("address", vec![("postal_code", "1000001"), ("address", "あおば市中央1-1")]),
        ("card-type", vec![("card_type", "standard")]),
    ] {
        assert_eq!(answer(&resident, &format!("{base}/{step}"), &fields).await.status(), 303, "{step}");
    }
    let id = base.trim_start_matches("/express/").to_string();
    assert_eq!(upload_photo(&resident, &id, Some(("me.jpg", &jpeg())), "").await.status(), 303);
    assert_eq!(
        location(&answer(&resident, &format!("/express/{id}/submit"), &[]).await),
        format!("/express/{id}?sent=1")
    );
    // Not correctable while it waits.
    assert_eq!(resident.get(&format!("/express/{id}/check")).await.status(), 303);
    let decision = Decision::Return { correction: String::new() };
    let back = Command::Decide { request_id: id.clone(), officer_id: Some("p-suzuki".to_string()), decision };
    crate::helpers::run_command(&app, back).await;
    let events_before = app.store.events(&id).await.unwrap().len();
    // The request page offers the correction; the answers are kept.
    let page = Html::parse_document(&resident.get(&format!("/express/{id}")).await.text().await.unwrap());
    assert_eq!(attr_all(&page, "#express-correct", "href"), vec![format!("/express/{id}/check")]);
    let check = resident.get(&format!("/express/{id}/check")).await;
    assert_eq!(check.status(), 200);
    let check = check.text().await.unwrap();
    assert!(check.contains("ペルー") && check.contains("express-correcting"), "answers kept");
    // Nobody else corrects it: not the officer, not another resident.
    for who in ["p-suzuki", "p-maria"] {
        let other = sign_in_as(&app, who).await;
        assert_eq!(other.get(&format!("/express/{id}/check")).await.status(), 404, "{who}");
        assert_eq!(answer(&other, &format!("/express/{id}/submit"), &[]).await.status(), 404, "{who}");
    }
    // One answer changed, then sent again.
    let res = answer(
        &resident,
        &format!("/express/{id}/registration?change=1"),
        &[("registration_on", moved_in.as_str()), ("previous_country", "チリ")],
    )
    .await;
    assert_eq!(location(&res), format!("/express/{id}/check"));
    let res = answer(&resident, &format!("/express/{id}/submit"), &[]).await;
    assert_eq!(location(&res), format!("/express/{id}?sent=1"));
    let (state,): (String,) =
        sqlx::query_as("SELECT state FROM requests WHERE id = $1").bind(&id).fetch_one(app.store.pool()).await.unwrap();
    assert_eq!(state, "submitted");
    let card = app.store.card_request(&id).await.unwrap().unwrap();
    assert!(card.details.contains("チリ") && card.photo_file.is_some(), "the same request, corrected");
    assert_eq!(app.store.events(&id).await.unwrap().len(), events_before + 1, "a timeline line");
    // A second click changes nothing.
    assert_eq!(
        location(&answer(&resident, &format!("/express/{id}/submit"), &[]).await),
        format!("/express/{id}?sent=1")
    );
    assert_eq!(app.store.events(&id).await.unwrap().len(), events_before + 1);
}

#[tokio::test]
async fn the_demo_parent_has_an_infant_card_and_a_lost_card_linked_to_its_interim_certificate() {
    let app = spawn_app().await;
    let parent = sign_in_as(&app, "p-yuki").await;
    let list = Html::parse_document(&parent.get("/requests").await.text().await.unwrap());
    let hrefs = attr_all(&list, "a[href^='/express/'], a[href^='/requests/']", "href");
    let cards: Vec<&String> = hrefs.iter().filter(|h| h.starts_with("/express/")).collect();
    assert_eq!(cards.len(), 2, "{hrefs:?}");
    let mut linked = 0;
    for card in &cards {
        let page = Html::parse_document(&parent.get(card).await.text().await.unwrap());
        linked += select_all(&page, "#express-linked-link").len();
    }
    assert_eq!(linked, 1, "the lost card shows its interim certificate");
    // Withdrawal is marked destructive, so the browser suite's crawler leaves it alone.
    let waiting = Html::parse_document(&parent.get(cards[0]).await.text().await.unwrap());
    let waiting_other = Html::parse_document(&parent.get(cards[1]).await.text().await.unwrap());
    let withdraw_forms = select_all(&waiting, "form[action$='/withdraw']").len()
        + select_all(&waiting_other, "form[action$='/withdraw']").len();
    let marked = select_all(&waiting, "form[action$='/withdraw'][data-destructive]").len()
        + select_all(&waiting_other, "form[action$='/withdraw'][data-destructive]").len();
    assert_eq!((withdraw_forms, marked), (1, 1), "the waiting request offers a withdrawal, marked destructive");
}

//! What people type, and where it leads: redirect targets, sign-in codes, free text, names, e-mail addresses,
//! uploaded file names, and sending a request twice.

use chrono::Months;
use madoguchi::accounts::{self, CodeProblem};
use madoguchi::store::now_ms;
use scraper::Html;

use crate::accounts::{code_sent_to, sign_in_with_code};
use crate::helpers::{TestApp, attr_all, client_from, multipart_body, select_all, sign_in_as, spawn_app};

fn html(body: &str) -> Html {
    Html::parse_document(body)
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_string()
}

/// A POST with the CSRF token of `form_path`'s form.
async fn post(app: &TestApp, form_path: &str, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let token = app.csrf_token(form_path).await;
    let mut all = vec![("csrf_token", token.as_str())];
    all.extend_from_slice(fields);
    app.post_form(path, &all).await
}

// ---- redirect targets ------------------------------------------------------------------------------------

#[tokio::test]
async fn the_language_switch_goes_back_only_to_a_clean_local_path() {
    let app = spawn_app().await;
    let res = app.get("/language/en?back=/%09/evil.example/").await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/", "a tab would make the browser read //evil.example/");
    for bad in ["%00", "/%00", "/a%0Bb", "/a%7F", "/%5Cevil", "//evil", "https://x", "/%E2%80%A8x"] {
        let res = app.get(&format!("/language/en?back={bad}")).await;
        assert_eq!(res.status(), 303, "{bad}: never a 500");
        assert_eq!(location(&res), "/", "{bad}");
    }
    let res = app.get("/language/en?back=/contact%3Fx%3D1").await;
    assert_eq!(location(&res), "/contact?x=1");
}

#[tokio::test]
async fn signing_in_and_switching_whom_one_acts_for_follow_the_same_rule() {
    let app = spawn_app().await;
    let res = app.get("/sign-in?next=/%09/evil.example/").await;
    assert_eq!(res.status(), 200);
    let page = html(&res.text().await.unwrap());
    assert_eq!(attr_all(&page, "input[name=next]", "value").first().map(String::as_str), Some("/account"));
    let res = app.get("/sign-in?next=%00").await;
    assert_eq!(res.status(), 200, "never a 500");

    let hanako = sign_in_as(&app, "p-hanako").await;
    for bad in ["/\t/evil.example/", "/\u{0}", "/\u{b}x", "/\u{7f}"] {
        let res = post(&hanako, "/account", "/acting-for", &[("ward", ""), ("back", bad)]).await;
        assert_eq!(res.status(), 303, "{bad:?}");
        assert_eq!(location(&res), "/account", "{bad:?}");
    }
    let res = post(&hanako, "/account", "/acting-for", &[("ward", ""), ("back", "/requests")]).await;
    assert_eq!(location(&res), "/requests");
}

// ---- sign-in codes ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_guesses_get_five_tries_in_all() {
    let app = spawn_app().await;
    let token = app.csrf_token("/sign-in").await;
    app.post_form("/sign-in", &[("csrf_token", &token), ("email", "maria@example.jp")]).await;
    let code = code_sent_to(&app, "maria@example.jp").await;
    let wrong = if code == "999999" { "888888" } else { "999999" };
    let guesses: Vec<_> = (0..20)
        .map(|_| {
            let (store, key) = (app.store.clone(), app.secret_key.clone());
            tokio::spawn(async move {
                accounts::redeem_code(&store, &key, "maria@example.jp", wrong, now_ms()).await.unwrap()
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for g in guesses {
        outcomes.push(g.await.unwrap());
    }
    let checked = outcomes.iter().filter(|o| **o == Err(CodeProblem::Wrong)).count();
    assert_eq!(checked, accounts::CODE_MAX_ATTEMPTS as usize, "{outcomes:?}");
    assert!(outcomes.iter().all(|o| matches!(o, Err(CodeProblem::Wrong | CodeProblem::TooManyAttempts))));
    let row = app.store.latest_sign_in_code("maria@example.jp").await.unwrap().unwrap();
    assert_eq!(row.attempts, accounts::CODE_MAX_ATTEMPTS, "at most five counted");
    let right = accounts::redeem_code(&app.store, &app.secret_key, "maria@example.jp", &code, now_ms()).await.unwrap();
    assert_eq!(right, Err(CodeProblem::TooManyAttempts), "the right code after five guesses is refused");
}

async fn ask_for_a_code(who: &TestApp) -> u16 {
    let token = who.csrf_token("/sign-in").await;
    who.post_form("/sign-in", &[("csrf_token", &token), ("email", "taro@example.jp")]).await.status().as_u16()
}

#[tokio::test]
async fn someone_else_asking_for_my_codes_does_not_stop_me_asking_from_my_client() {
    let app = spawn_app().await;
    let other = client_from(&app, [127, 0, 0, 2]);
    let me = client_from(&app, [127, 0, 0, 3]);
    let ask = ask_for_a_code;
    for _ in 0..accounts::CODES_PER_ADDRESS_AND_CLIENT_PER_HOUR {
        assert_eq!(ask(&other).await, 303);
    }
    assert_eq!(ask(&other).await, 429, "the other client has used up its codes for this address");
    for _ in 0..3 {
        assert_eq!(ask(&other).await, 429);
    }
    assert_eq!(ask(&me).await, 303, "my client still gets a code");
    // Many clients together reach the address's overall cap, which is higher.
    let mut sent = accounts::CODES_PER_ADDRESS_AND_CLIENT_PER_HOUR + 1;
    let mut ip = 4;
    while sent < accounts::CODES_PER_ADDRESS_PER_HOUR {
        let c = client_from(&app, [127, 0, 0, ip]);
        assert_eq!(ask(&c).await, 303);
        sent += 1;
        if sent % 4 == 0 {
            ip += 1;
        }
    }
    assert_eq!(ask(&client_from(&app, [127, 0, 0, 200])).await, 429);
}

#[tokio::test]
async fn the_code_page_answers_the_same_for_staff_unknown_and_resident_addresses() {
    let app = spawn_app().await;
    let answers = |email: &'static str| {
        let app = crate::helpers::second_client(&app);
        async move {
            let token = app.csrf_token("/sign-in").await;
            let res = app.post_form("/sign-in", &[("csrf_token", &token), ("email", email)]).await;
            assert_eq!(res.status(), 303);
            let mut seen = Vec::new();
            for _ in 0..=accounts::CODE_MAX_ATTEMPTS {
                // A code nobody was sent (a resident's real code is random: one in a million is this one).
                let res = app.post_form("/sign-in/code", &[("csrf_token", &token), ("code", "000000")]).await;
                let status = res.status().as_u16();
                let page = html(&res.text().await.unwrap());
                seen.push((status, select_all(&page, "#code-error")));
            }
            seen
        }
    };
    let staff = answers("officer@city.aoba.example.jp").await;
    let unknown = answers("nobody@example.jp").await;
    let resident = answers("taro@example.jp").await;
    assert_eq!(staff, unknown);
    assert_eq!(staff, resident);
    assert_eq!(staff[0].0, 422);
    assert_eq!(staff.last().unwrap().0, 429, "tries run out for every address alike");
    let mails = app.store.outbox().list_recent(50).await.unwrap();
    assert!(!mails.iter().any(|m| m.recipient == "officer@city.aoba.example.jp"), "still no code for staff");
}

// ---- free text, names, e-mail addresses ------------------------------------------------------------------

const HIDDEN: [(&str, &str); 2] = [("NUL", "\u{0}"), ("right-to-left override", "\u{202E}")];

#[tokio::test]
async fn hidden_characters_in_the_contact_form_are_refused_beside_the_field() {
    let app = spawn_app().await;
    for (what, c) in HIDDEN {
        let typed = format!("abc{c}def");
        let res = post(&app, "/contact", "/contact", &[("message", &typed), ("reply_to", "")]).await;
        assert_eq!(res.status(), 422, "{what}");
        let page = html(&res.text().await.unwrap());
        assert_eq!(attr_all(&page, ".error-summary a", "href"), vec!["#message"], "{what}");
        assert!(select_all(&page, "#message-error")[0].contains("制御文字"), "{what}");
        let kept = select_all(&page, "#message").pop().unwrap();
        assert!(kept == "abcdef" || kept == typed, "{what}: what was typed is kept: {kept:?}");
    }
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM feedback").fetch_one(app.store.pool()).await.unwrap();
    assert_eq!(n, 0, "nothing stored");
}

/// Hanako's way through the first steps of adding someone to act for (aged 75 or over, or with a disability).
async fn add_person(app: &TestApp, name: &str, address: &str) -> reqwest::Response {
    app.get("/account/representation/new").await;
    let eighty = (madoguchi::store::today_jst() - Months::new(80 * 12)).format("%Y-%m-%d").to_string();
    post(
        app,
        "/account",
        "/account/representation/new/person",
        &[
            ("name", name),
            ("name_kana", "サトウ ジロウ"),
            ("birth_date", &eighty),
            ("postal_code", "999-0001"),
            ("address", address),
        ],
    )
    .await
}

async fn relationship_and_scope(app: &TestApp, reason: &str) {
    let res = post(
        app,
        "/account",
        "/account/representation/new/relationship",
        &[("relationship", "family"), ("reason", reason), ("going_out_difficult", "yes")],
    )
    .await;
    assert_eq!(res.status(), 303);
    let res = post(app, "/account", "/account/representation/new/scope", &[("scope", "card_application")]).await;
    assert_eq!(res.status(), 303);
}

async fn upload(app: &TestApp, file_name: &str, bytes: &[u8], explanation: &str) -> reqwest::Response {
    let page = html(&app.get("/account/representation/new/proof").await.text().await.unwrap());
    let action = attr_all(&page, r#"form[enctype="multipart/form-data"]"#, "action").pop().expect("an upload form");
    let (content_type, data) = multipart_body(&[("explanation", explanation)], Some(("document", file_name, bytes)));
    app.client.post(app.url(&action)).header("content-type", content_type).body(data).send().await.unwrap()
}

async fn send(app: &TestApp) -> String {
    let res = post(app, "/account", "/account/representation/new/submit", &[]).await;
    assert_eq!(res.status(), 303);
    location(&res).trim_start_matches("/account/representation/").trim_end_matches("/sent").to_string()
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

#[tokio::test]
async fn hidden_characters_in_addresses_and_explanations_are_refused_beside_the_field() {
    let app = spawn_app().await;
    let hanako = sign_in_as(&app, "p-hanako").await;
    for (what, c) in HIDDEN {
        let res = add_person(&hanako, "佐藤 次郎", &format!("あおば市{c}中央1")).await;
        assert_eq!(res.status(), 422, "{what}");
        let page = html(&res.text().await.unwrap());
        assert_eq!(attr_all(&page, ".error-summary a", "href"), vec!["#address"], "{what}");
        assert_eq!(select_all(&page, "#address-error").len(), 1);
        let kept = attr_all(&page, "#address", "value").pop().unwrap();
        assert!(kept.starts_with("あおば市") && kept.ends_with("中央1"), "{what}: {kept:?}");
    }
    assert_eq!(add_person(&hanako, "佐藤 次郎", "あおば市中央1").await.status(), 303);
    relationship_and_scope(&hanako, "disability").await;
    for (what, c) in HIDDEN {
        let res = upload(&hanako, "a.pdf", PDF, &format!("手帳は{c}あとで")).await;
        assert_eq!(res.status(), 422, "{what}");
        let page = html(&res.text().await.unwrap());
        assert_eq!(attr_all(&page, ".error-summary a", "href"), vec!["#explanation"], "{what}");
    }

    // The delivery address of a certificate request.
    let taro = sign_in_as(&app, "p-taro").await;
    let res = taro.get("/certificates/new").await;
    let id = location(&res).split('/').nth(2).unwrap().to_string();
    let path = format!("/certificates/{id}/delivery");
    for (what, c) in HIDDEN {
        let typed = format!("あおば市{c}中央1");
        let res =
            post(&taro, &path, &path, &[("delivery", "post"), ("postal_code", "999-0001"), ("address", &typed)]).await;
        assert_eq!(res.status(), 422, "{what}");
        let page = html(&res.text().await.unwrap());
        assert_eq!(attr_all(&page, ".error-summary a", "href"), vec!["#address"], "{what}");
        assert_eq!(select_all(&page, "#address-error").len(), 1, "{what}");
    }
    let stored: Vec<(String,)> =
        sqlx::query_as("SELECT answers FROM requests").fetch_all(app.store.pool()).await.unwrap();
    assert!(stored.iter().all(|(a,)| !a.contains('\u{202E}')));
}

#[tokio::test]
async fn a_name_never_holds_digits() {
    let app = spawn_app().await;
    let hanako = sign_in_as(&app, "p-hanako").await;
    for name in ["佐藤 123456789018", "佐藤１郎"] {
        let res = add_person(&hanako, name, "あおば市中央1").await;
        assert_eq!(res.status(), 422, "{name}");
        let page = html(&res.text().await.unwrap());
        assert_eq!(attr_all(&page, ".error-summary a", "href"), vec!["#name"]);
        assert!(select_all(&page, "#name-error")[0].contains("数字"));
        assert_eq!(attr_all(&page, "#name", "value"), vec![name.to_string()]);
    }
}

#[tokio::test]
async fn no_decision_fails_because_a_stored_name_looks_like_a_personal_number() {
    let app = spawn_app().await;
    let hanako = sign_in_as(&app, "p-hanako").await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        assert_eq!(add_person(&hanako, "佐藤 次郎", "あおば市中央1").await.status(), 303);
        relationship_and_scope(&hanako, "aged_75").await;
        let res = post(&hanako, "/account", "/account/representation/new/proof", &[]).await;
        assert_eq!(res.status(), 303);
        ids.push(send(&hanako).await);
    }
    // Old data could hold a name like this (1234 5678 9018 carries a valid check digit).
    for id in &ids {
        let ward = app.store.representation(id).await.unwrap().unwrap().ward_id;
        sqlx::query("UPDATE people SET name = $1 WHERE id = $2")
            .bind("佐藤 1234 5678 9018")
            .bind(&ward)
            .execute(app.store.pool())
            .await
            .unwrap();
    }
    let officer = sign_in_as(&app, "p-suzuki").await;
    let review = format!("/office/representations/{}", ids[0]);
    let res = post(&officer, &review, &format!("{review}/approve"), &[]).await;
    assert_eq!(res.status(), 303);
    let review = format!("/office/representations/{}", ids[1]);
    let res = post(&officer, &review, &format!("{review}/decline"), &[("reason", "document_unreadable")]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.store.representation(&ids[0]).await.unwrap().unwrap().state, "approved");
    assert_eq!(app.store.representation(&ids[1]).await.unwrap().unwrap().state, "declined");
    let mails = app.store.outbox().list_recent(20).await.unwrap();
    let decisions: Vec<_> = mails.iter().filter(|m| m.kind.starts_with("mail-representation-")).collect();
    assert_eq!(decisions.len(), 2, "both decisions are mailed");
    for m in decisions {
        for text in [&m.subject, &m.body_text, &m.body_html] {
            let digits: String = text.chars().filter(char::is_ascii_digit).collect();
            assert!(!digits.contains("123456789018") && !text.contains("9018"), "{text}");
        }
    }
}

#[tokio::test]
async fn an_address_with_a_display_name_or_brackets_is_refused() {
    let app = spawn_app().await;
    for typed in ["a<x@evil.example>", "Taro<taro@example.jp>", "a@example.jp,x@evil.example"] {
        let res = post(&app, "/sign-in", "/sign-in", &[("email", typed)]).await;
        assert_eq!(res.status(), 422, "{typed}");
        let page = html(&res.text().await.unwrap());
        assert_eq!(attr_all(&page, ".error-summary a", "href"), vec!["#email"]);
        assert_eq!(attr_all(&page, "#email", "value"), vec![typed.to_string()]);
    }
    let mails = app.store.outbox().list_recent(50).await.unwrap();
    assert!(mails.is_empty() || !mails.iter().any(|m| m.recipient.contains("evil")));
}

// ---- uploads ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_upload_is_kept_and_handed_out_under_a_name_the_server_makes() {
    let app = spawn_app().await;
    let hanako = sign_in_as(&app, "p-hanako").await;
    assert_eq!(add_person(&hanako, "佐藤 三郎", "あおば市中央1").await.status(), 303);
    relationship_and_scope(&hanako, "disability").await;
    let res = upload(&hanako, "proof.html", PDF, "").await;
    assert_eq!(res.status(), 303);
    let check = hanako.get("/account/representation/new/check").await.text().await.unwrap();
    assert!(!check.contains("proof.html"));
    let id = send(&hanako).await;
    let (stored,): (String,) = sqlx::query_as("SELECT file_name FROM proof_documents WHERE representation_id = $1")
        .bind(&id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert!(stored.ends_with(".pdf") && !stored.contains("html"), "{stored}");
    let officer = sign_in_as(&app, "p-suzuki").await;
    let review = officer.get(&format!("/office/representations/{id}")).await.text().await.unwrap();
    assert!(!review.contains("proof.html"));
    let doc = officer.get(&format!("/office/representations/{id}/document")).await;
    assert_eq!(doc.status(), 200);
    let disposition = doc.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert!(disposition.ends_with(".pdf\"") && !disposition.contains("html"), "{disposition}");
    assert_eq!(doc.headers()["content-type"], "application/pdf");
}

// ---- sending twice ---------------------------------------------------------------------------------------

#[tokio::test]
async fn sending_a_certificate_request_twice_shows_its_confirmation_again() {
    let app = spawn_app().await;
    sign_in_with_code(&app, "taro@example.jp").await;
    let id = crate::certificates::file_certificate_request(&app, "p-taro").await;
    let first = app.get(&format!("/requests/{id}/confirmation")).await.text().await.unwrap();
    let reference = select_all(&html(&first), ".reference").pop().unwrap();
    // The second click, sent with the token of the check page the person still sees.
    let token = app.csrf_token("/account").await;
    let res = app.post_form(&format!("/certificates/{id}/submit"), &[("csrf_token", &token)]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("/requests/{id}/confirmation"));
    let again = app.get(&location(&res)).await;
    assert_eq!(again.status(), 200);
    assert_eq!(select_all(&html(&again.text().await.unwrap()), ".reference"), vec![reference]);
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE kind = 'mail-request-update'")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(n, 1, "one confirmation e-mail");
    // Someone else's request stays not found.
    let hanako = sign_in_as(&app, "p-hanako").await;
    let res = post(&hanako, "/account", &format!("/certificates/{id}/submit"), &[]).await;
    assert_eq!(res.status(), 404);
}

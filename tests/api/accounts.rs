use madoguchi::accounts::{self, CODE_LIFETIME_MS};
use madoguchi::store::now_ms;
use scraper::Html;

use crate::helpers::{TestApp, attr_all, select_all, spawn_app, spawn_app_with};

/// The code in the newest e-mail to `to`, as the person would read it.
pub async fn code_sent_to(app: &TestApp, to: &str) -> String {
    let mails = app.store.outbox().list_recent(50).await.unwrap();
    let mail = mails.iter().find(|m| m.recipient == to && m.kind == "mail-sign-in-code").expect("a code e-mail");
    mail.body_text
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .expect("six digits in the e-mail")
        .to_string()
}

pub async fn sign_in_with_code(app: &TestApp, email: &str) -> reqwest::Response {
    let token = app.csrf_token("/sign-in").await;
    let res = app.post_form("/sign-in", &[("csrf_token", &token), ("email", email)]).await;
    assert_eq!(res.status(), 303);
    let code = code_sent_to(app, email).await;
    let token = app.csrf_token("/sign-in/code").await;
    app.post_form("/sign-in/code", &[("csrf_token", &token), ("code", &code)]).await
}

fn h1(body: &str) -> String {
    select_all(&Html::parse_document(body), "h1").pop().unwrap_or_default()
}

#[tokio::test]
async fn a_resident_signs_in_with_a_code_and_sees_their_account() {
    let app = spawn_app().await;
    let res = sign_in_with_code(&app, "taro@example.jp").await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/account");
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("session="))
        .expect("a session cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let body = app.get("/account").await.text().await.unwrap();
    assert_eq!(h1(&body), "アカウント");
    assert!(body.contains("山田 太郎"));
    assert!(select_all(&Html::parse_document(&body), ".acting-bar__who")[0].contains("山田 太郎"));
}

#[tokio::test]
async fn a_new_person_creates_an_account_after_confirming_their_address() {
    let app = spawn_app().await;
    let res = sign_in_with_code(&app, "new.person@example.jp").await;
    assert_eq!(res.headers()["location"], "/sign-up");

    let token = app.csrf_token("/sign-up").await;
    let res = app
        .post_form(
            "/sign-up",
            &[("csrf_token", &token), ("name", ""), ("name_kana", "Yamada"), ("birth_date", "平成32年1月1日")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = Html::parse_document(&res.text().await.unwrap());
    assert_eq!(attr_all(&html, ".error-summary a", "href"), vec!["#name", "#name_kana", "#birth_date"]);
    assert_eq!(attr_all(&html, "#birth_date", "value"), vec!["平成32年1月1日"], "what was typed stays");
    assert!(select_all(&html, "#birth_date-error")[0].contains("令和2年1月1日"), "the right era is suggested");

    let res = app
        .post_form(
            "/sign-up",
            &[("csrf_token", &token), ("name", " 新井  花 "), ("name_kana", "あらい はな"), ("birth_date", "S60.1.2")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/account/passkeys/new?welcome=1");
    let me = app.store.person_by_email("new.person@example.jp").await.unwrap().expect("the account exists");
    assert_eq!(me.name, "新井 花");
    assert_eq!(me.name_kana, "アライ　ハナ");
    assert_eq!(me.birth_date, "1985-01-02");
    let page = app.get("/account/passkeys/new?welcome=1").await;
    assert_eq!(page.status(), 200);
    let body = page.text().await.unwrap();
    assert!(body.contains("data-passkey=\"register\""), "the registration ceremony is offered");
    assert!(body.contains("/static/passkey.js"));
}

#[tokio::test]
async fn the_sign_up_page_needs_a_confirmed_address() {
    let app = spawn_app().await;
    let res = app.get("/sign-up").await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/sign-in");
}

#[tokio::test]
async fn a_wrong_code_is_refused_beside_the_field_and_a_code_works_once() {
    let app = spawn_app_with(&[]).await;
    let token = app.csrf_token("/sign-in").await;
    app.post_form("/sign-in", &[("csrf_token", &token), ("email", "taro@example.jp")]).await;
    let code = code_sent_to(&app, "taro@example.jp").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let res = app.post_form("/sign-in/code", &[("csrf_token", &token), ("code", wrong)]).await;
    assert_eq!(res.status(), 422);
    let html = Html::parse_document(&res.text().await.unwrap());
    assert_eq!(attr_all(&html, ".error-summary a", "href"), vec!["#code"]);
    assert_eq!(attr_all(&html, "#code", "value"), vec![wrong]);

    let res = app.post_form("/sign-in/code", &[("csrf_token", &token), ("code", &code)]).await;
    assert_eq!(res.status(), 303);
    // The same code again, from another browser that saw it: used up.
    let again = accounts::redeem_code(&app.store, &app.secret_key, "taro@example.jp", &code, now_ms()).await.unwrap();
    assert!(again.is_err());
}

#[tokio::test]
async fn codes_expire_and_stop_after_five_wrong_tries() {
    let app = spawn_app().await;
    let token = app.csrf_token("/sign-in").await;
    app.post_form("/sign-in", &[("csrf_token", &token), ("email", "maria@example.jp")]).await;
    let code = code_sent_to(&app, "maria@example.jp").await;
    let later = now_ms() + CODE_LIFETIME_MS + 1;
    let expired = accounts::redeem_code(&app.store, &app.secret_key, "maria@example.jp", &code, later).await.unwrap();
    assert_eq!(expired, Err(accounts::CodeProblem::Expired));

    let wrong = if code == "999999" { "888888" } else { "999999" };
    for _ in 0..5 {
        let r = accounts::redeem_code(&app.store, &app.secret_key, "maria@example.jp", wrong, now_ms()).await.unwrap();
        assert!(r.is_err());
    }
    let after = accounts::redeem_code(&app.store, &app.secret_key, "maria@example.jp", &code, now_ms()).await.unwrap();
    assert_eq!(after, Err(accounts::CodeProblem::TooManyAttempts), "even the right code is refused now");
}

#[tokio::test]
async fn asking_for_codes_is_rate_limited_per_address() {
    let app = spawn_app().await;
    let token = app.csrf_token("/sign-in").await;
    for _ in 0..accounts::CODES_PER_ADDRESS_AND_CLIENT_PER_HOUR {
        let res = app.post_form("/sign-in", &[("csrf_token", &token), ("email", "taro@example.jp")]).await;
        assert_eq!(res.status(), 303);
    }
    let res = app.post_form("/sign-in", &[("csrf_token", &token), ("email", "Taro@Example.jp")]).await;
    assert_eq!(res.status(), 429);
    let html = Html::parse_document(&res.text().await.unwrap());
    assert_eq!(attr_all(&html, ".error-summary a", "href"), vec!["#email"]);
    assert_eq!(attr_all(&html, "#email", "value"), vec!["Taro@Example.jp"]);
}

#[tokio::test]
async fn staff_cannot_get_a_code_and_the_page_does_not_say_so() {
    let app = spawn_app().await;
    let token = app.csrf_token("/sign-in").await;
    let officer = app.post_form("/sign-in", &[("csrf_token", &token), ("email", "officer@city.aoba.example.jp")]).await;
    let nobody = app.post_form("/sign-in", &[("csrf_token", &token), ("email", "nobody@example.jp")]).await;
    assert_eq!(officer.status(), nobody.status());
    assert_eq!(officer.headers()["location"], nobody.headers()["location"]);
    let mails = app.store.outbox().list_recent(50).await.unwrap();
    assert!(!mails.iter().any(|m| m.recipient == "officer@city.aoba.example.jp"), "no code for a passkey-only account");
    assert!(mails.iter().any(|m| m.recipient == "nobody@example.jp"));
}

#[tokio::test]
async fn pages_for_signed_in_people_send_others_to_sign_in_and_back() {
    let app = spawn_app().await;
    let res = app.get("/account").await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/sign-in?next=%2Faccount");
    let res = sign_in_with_code_next(&app, "taro@example.jp", "/account/passkeys/new").await;
    assert_eq!(res.headers()["location"], "/account/passkeys/new");
    // Only local paths are followed.
    let other = crate::helpers::second_client(&app);
    let res = sign_in_with_code_next(&other, "maria@example.jp", "https://evil.example/").await;
    assert_eq!(res.headers()["location"], "/account");
}

async fn sign_in_with_code_next(app: &TestApp, email: &str, next: &str) -> reqwest::Response {
    let token = app.csrf_token("/sign-in").await;
    app.post_form("/sign-in", &[("csrf_token", &token), ("email", email), ("next", next)]).await;
    let code = code_sent_to(app, email).await;
    app.post_form("/sign-in/code", &[("csrf_token", &token), ("code", &code), ("next", next)]).await
}

#[tokio::test]
async fn signing_out_ends_the_session_and_everywhere_ends_them_all() {
    let app = spawn_app().await;
    sign_in_with_code(&app, "taro@example.jp").await;
    let other = crate::helpers::second_client(&app);
    other
        .post_form("/sign-in", &[("csrf_token", &other.csrf_token("/sign-in").await), ("email", "taro@example.jp")])
        .await;
    let code = code_sent_to(&app, "taro@example.jp").await;
    let t2 = other.csrf_token("/sign-in/code").await;
    assert_eq!(other.post_form("/sign-in/code", &[("csrf_token", &t2), ("code", &code)]).await.status(), 303);
    assert_eq!(other.get("/account").await.status(), 200);

    let token_acc = app.csrf_token("/account").await;
    let res = app.post_form("/account/sign-out-everywhere", &[("csrf_token", &token_acc)]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.get("/account").await.status(), 303, "this browser is signed out");
    assert_eq!(other.get("/account").await.status(), 303, "and the other one too");
}

#[tokio::test]
async fn a_guardian_switches_to_acting_for_their_ward_and_not_for_anyone_else() {
    let app = spawn_app().await;
    sign_in_with_code(&app, "hanako@example.jp").await;
    let html = Html::parse_document(&app.get("/account").await.text().await.unwrap());
    let options = attr_all(&html, "#acting-for-select option", "value");
    assert_eq!(options, vec!["", "p-ichiro"]);

    let token = app.csrf_token("/account").await;
    let res = app.post_form("/acting-for", &[("csrf_token", &token), ("ward", "p-ichiro"), ("back", "/contact")]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/contact");
    let html = Html::parse_document(&app.get("/contact").await.text().await.unwrap());
    let who = select_all(&html, ".acting-bar__who").pop().unwrap();
    assert!(who.contains("佐藤 一郎") && who.contains("代理"), "{who}");

    let res = app.post_form("/acting-for", &[("csrf_token", &token), ("ward", "p-tome")]).await;
    assert_eq!(res.status(), 404, "not their ward");
    let res = app.post_form("/acting-for", &[("csrf_token", &token), ("ward", "")]).await;
    assert_eq!(res.status(), 303);
    let html = Html::parse_document(&app.get("/contact").await.text().await.unwrap());
    assert!(!select_all(&html, ".acting-bar__who").pop().unwrap().contains("代理"));
}

#[tokio::test]
async fn someone_elses_passkey_cannot_be_renamed_or_removed() {
    let app = spawn_app().await;
    let other = app.store.add_passkey("p-maria", "cred-maria", "{}", "Maria's phone").await.unwrap();
    sign_in_with_code(&app, "taro@example.jp").await;
    let token = app.csrf_token("/account").await;
    let res =
        app.post_form(&format!("/account/passkeys/{other}/rename"), &[("csrf_token", &token), ("name", "mine")]).await;
    assert_eq!(res.status(), 404);
    let res = app.post_form(&format!("/account/passkeys/{other}/remove"), &[("csrf_token", &token)]).await;
    assert_eq!(res.status(), 404);
    assert_eq!(app.store.passkeys_of("p-maria").await.unwrap()[0].name, "Maria's phone");
}

#[tokio::test]
async fn passkey_names_are_checked_and_kept() {
    let app = spawn_app().await;
    let mine = app.store.add_passkey("p-taro", "cred-taro", "{}", "Phone").await.unwrap();
    sign_in_with_code(&app, "taro@example.jp").await;
    let token = app.csrf_token("/account").await;
    let long = "x".repeat(41);
    let res =
        app.post_form(&format!("/account/passkeys/{mine}/rename"), &[("csrf_token", &token), ("name", &long)]).await;
    assert_eq!(res.status(), 422);
    let html = Html::parse_document(&res.text().await.unwrap());
    assert_eq!(attr_all(&html, ".error-summary a", "href"), vec![format!("#rename-{mine}")]);
    assert_eq!(attr_all(&html, &format!("#rename-{mine}"), "value"), vec![long]);
    let res = app
        .post_form(&format!("/account/passkeys/{mine}/rename"), &[("csrf_token", &token), ("name", "Work phone")])
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.store.passkeys_of("p-taro").await.unwrap()[0].name, "Work phone");
    // A resident may remove their only passkey: the e-mail code is still a way in.
    let res = app.post_form(&format!("/account/passkeys/{mine}/remove"), &[("csrf_token", &token)]).await;
    assert_eq!(res.status(), 303);
    assert!(app.store.passkeys_of("p-taro").await.unwrap().is_empty());
}

#[tokio::test]
async fn demo_staff_get_an_invitation_link_that_opens_the_passkey_step_once() {
    let app = spawn_app().await;
    let html = Html::parse_document(&app.get("/sign-in").await.text().await.unwrap());
    let invite_forms = attr_all(&html, r#"form[action^="/demo/invite/"]"#, "action");
    assert!(invite_forms.contains(&"/demo/invite/p-suzuki".to_string()));
    assert!(!invite_forms.contains(&"/demo/invite/p-taro".to_string()), "residents use codes");

    let token = app.csrf_token("/sign-in").await;
    let res = app.post_form("/demo/invite/p-suzuki", &[("csrf_token", &token)]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/demo/outbox");
    let outbox = Html::parse_document(&app.get("/demo/outbox").await.text().await.unwrap());
    let links = attr_all(&outbox, ".outbox-list a", "href");
    let link = links.iter().find(|l| l.contains("/invitation/")).expect("the invitation link is in the outbox");
    let path = url::Url::parse(link).unwrap().path().to_string();
    let res = app.get(&path).await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("data-passkey=\"register\""));
    assert_eq!(app.get("/invitation/not-a-real-token").await.status(), 404);
    // Residents are not invited.
    assert_eq!(app.post_form("/demo/invite/p-taro", &[("csrf_token", &token)]).await.status(), 404);
}

#[tokio::test]
async fn demo_helpers_do_not_exist_outside_demo_mode() {
    let app = spawn_app_with(&[("MADOGUCHI_DEMO", "false")]).await;
    assert_eq!(app.get("/demo/outbox").await.status(), 404);
    let token = app.csrf_token("/sign-in").await;
    assert_eq!(app.post_form("/demo/invite/p-suzuki", &[("csrf_token", &token)]).await.status(), 404);
    let body = app.get("/sign-in").await.text().await.unwrap();
    assert!(!body.contains("/demo/"), "no demo accounts listed");
}

#[tokio::test]
async fn the_sign_in_page_offers_a_passkey_ceremony_and_the_code_way() {
    let app = spawn_app().await;
    let body = app.get("/sign-in").await.text().await.unwrap();
    let html = Html::parse_document(&body);
    let options = attr_all(&html, r#"form[data-passkey="authenticate"]"#, "data-options").pop().unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&options).unwrap();
    assert!(parsed["publicKey"]["challenge"].is_string());
    assert_eq!(parsed["publicKey"]["rpId"], "localhost");
    assert_eq!(attr_all(&html, "[data-passkey-unsupported]", "hidden").len(), 1);
    assert_eq!(attr_all(&html, r#"form[action="/sign-in"] input[name="email"]"#, "type"), vec!["email"]);
    // Posting without the script's credential gets a clear message, not a failure.
    let token = app.csrf_token("/sign-in").await;
    let res = app.post_form("/sign-in/passkey", &[("csrf_token", &token), ("ceremony", "x"), ("credential", "")]).await;
    assert_eq!(res.status(), 422);
    let html = Html::parse_document(&res.text().await.unwrap());
    assert_eq!(attr_all(&html, ".error-summary a", "href"), vec!["#passkey-button"]);
    let res =
        app.post_form("/sign-in/passkey", &[("csrf_token", &token), ("ceremony", "x"), ("credential", "{}")]).await;
    assert_eq!(res.status(), 422);
}

#[tokio::test]
async fn the_sign_in_code_arrives_over_smtp_and_works() {
    let sink = crate::smtp_sink::SmtpSink::start().await;
    let app = spawn_app_with(&[("MADOGUCHI_SMTP_URL", &sink.url())]).await;
    let token = app.csrf_token("/sign-in").await;
    assert_eq!(app.post_form("/sign-in", &[("csrf_token", &token), ("email", "maria@example.jp")]).await.status(), 303);
    let mails = sink.wait_for_messages(1).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].rcpt_to, ["maria@example.jp"]);
    assert_eq!(mails[0].subject(), "Your Madoguchi sign-in code", "Maria reads English");
    let text = mails[0].part("text/plain").expect("a text part");
    let code = text
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .expect("the code is in the message")
        .to_string();
    let res = app.post_form("/sign-in/code", &[("csrf_token", &token), ("code", &code)]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/account");
}

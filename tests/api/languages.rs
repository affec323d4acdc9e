use scraper::Html;

use crate::helpers::{attr_all, select_all, spawn_app};

fn lang_of(body: &str) -> String {
    attr_all(&Html::parse_document(body), "html", "lang").pop().unwrap()
}

fn h1_of(body: &str) -> String {
    select_all(&Html::parse_document(body), "h1").pop().unwrap()
}

#[tokio::test]
async fn japanese_is_the_default_and_accept_language_is_honoured() {
    let app = spawn_app().await;
    let ja = app.get("/contact").await.text().await.unwrap();
    assert_eq!(lang_of(&ja), "ja");
    assert_eq!(h1_of(&ja), "お問い合わせ・ヘルプ");

    let en = app.client.get(app.url("/contact")).header("Accept-Language", "en-GB,en;q=0.9").send().await.unwrap();
    let en = en.text().await.unwrap();
    assert_eq!(lang_of(&en), "en");
    assert_eq!(h1_of(&en), "Contact and help");

    let unknown = app.client.get(app.url("/contact")).header("Accept-Language", "fr-FR").send().await.unwrap();
    assert_eq!(lang_of(&unknown.text().await.unwrap()), "ja");
}

#[tokio::test]
async fn the_cookie_wins_over_the_browser_language() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/contact"))
        .header("Accept-Language", "en")
        .header("Cookie", "lang=ja-easy")
        .send()
        .await
        .unwrap();
    let body = res.text().await.unwrap();
    assert_eq!(lang_of(&body), "ja");
    assert_eq!(h1_of(&body), "聞ききたいとき", "easy Japanese, with the reading as ruby text");
}

#[tokio::test]
async fn switching_language_keeps_the_page_and_the_choice() {
    let app = spawn_app().await;
    let res = app.get("/language/en?back=%2Fdates%3Fera%3DS").await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/dates?era=S");
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("lang=en"), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");

    // The client keeps the cookie, as a browser would: the next page is in English.
    let body = app.get("/dates").await.text().await.unwrap();
    assert_eq!(lang_of(&body), "en");
    assert_eq!(h1_of(&body), "Convert a date");
}

#[tokio::test]
async fn the_switch_never_sends_people_to_another_site() {
    let app = spawn_app().await;
    for back in ["//evil.example/", "https://evil.example/", "/\\evil.example"] {
        let q = url::form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>();
        let res = app.get(&format!("/language/ja?back={q}")).await;
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/", "{back}");
    }
    assert_eq!(app.get("/language/fr?back=/").await.status(), 404);
}

use scraper::Html;

use crate::helpers::{attr_all, select_all, spawn_app};

#[tokio::test]
async fn feedback_is_saved_and_the_person_sees_a_confirmation() {
    let app = spawn_app().await;
    let token = app.csrf_token("/contact").await;
    let res = app
        .post_form(
            "/contact",
            &[("csrf_token", &token), ("message", "  文字が小さくて読めません  "), ("reply_to", "Taro@Example.JP")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/contact/sent");
    let saved = app.store.recent_feedback(10).await.unwrap();
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].message, "文字が小さくて読めません");
    assert_eq!(saved[0].reply_to.as_deref(), Some("Taro@example.jp"));
    assert_eq!(saved[0].locale, "ja");
}

#[tokio::test]
async fn mistakes_are_listed_linked_and_shown_beside_the_field_with_what_was_typed_kept() {
    let app = spawn_app().await;
    app.get("/language/en?back=/contact").await;
    let token = app.csrf_token("/contact").await;
    let res =
        app.post_form("/contact", &[("csrf_token", &token), ("message", "   "), ("reply_to", "taro at example")]).await;
    assert_eq!(res.status(), 422);
    let html = Html::parse_document(&res.text().await.unwrap());
    assert!(select_all(&html, "title")[0].starts_with("Error: "));
    assert_eq!(attr_all(&html, ".error-summary a", "href"), vec!["#message", "#reply_to"]);
    let summary = select_all(&html, ".error-summary a");
    assert_eq!(summary[0], "Enter what happened or what we should improve");
    assert_eq!(select_all(&html, "#message-error").len(), 1);
    assert_eq!(select_all(&html, "#reply_to-error").len(), 1);
    assert_eq!(attr_all(&html, "#reply_to", "value"), vec!["taro at example"], "what was typed stays");
    assert_eq!(attr_all(&html, "#reply_to", "aria-invalid"), vec!["true"]);
    assert_eq!(attr_all(&html, "#reply_to", "aria-describedby"), vec!["reply_to-hint reply_to-error"]);
    assert!(app.store.recent_feedback(10).await.unwrap().is_empty(), "nothing half-written is saved");
}

#[tokio::test]
async fn a_message_over_the_limit_is_refused_and_kept() {
    let app = spawn_app().await;
    let token = app.csrf_token("/contact").await;
    let long = "あ".repeat(2001);
    let res = app.post_form("/contact", &[("csrf_token", &token), ("message", &long)]).await;
    assert_eq!(res.status(), 422);
    let html = Html::parse_document(&res.text().await.unwrap());
    assert_eq!(select_all(&html, "#message")[0], long);
    assert_eq!(select_all(&html, ".error-summary a"), vec!["2,000文字以内で入力してください"]);
}

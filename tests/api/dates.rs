use scraper::Html;

use crate::helpers::{attr_all, select_all, spawn_app};

#[tokio::test]
async fn an_era_date_is_shown_in_every_notation() {
    let app = spawn_app().await;
    let res = app.get("/dates?era=S&year=60&month=1&day=2").await;
    assert_eq!(res.status(), 200);
    let html = Html::parse_document(&res.text().await.unwrap());
    let shown = select_all(&html, ".summary-list dd");
    assert_eq!(shown, vec!["昭和60年1月2日（1985年）", "1985年（昭和60年）1月2日", "2 January 1985", "1985-01-02"]);
}

#[tokio::test]
async fn a_western_year_with_full_width_digits_converts_too() {
    let app = spawn_app().await;
    let html = Html::parse_document(
        &app.get("/dates?era=western&year=%EF%BC%92%EF%BC%90%EF%BC%91%EF%BC%99&month=5&day=1")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(select_all(&html, ".summary-list dd")[0], "令和元年5月1日（2019年）");
}

#[tokio::test]
async fn a_year_past_the_end_of_its_era_suggests_the_right_era() {
    let app = spawn_app().await;
    let res = app.get_in("ja", "/dates?era=H&year=32&month=1&day=1").await;
    assert_eq!(res.status(), 422);
    let html = Html::parse_document(&res.text().await.unwrap());
    let summary = select_all(&html, ".error-summary a");
    assert_eq!(summary.len(), 1);
    assert!(summary[0].contains("令和2年1月1日"), "{summary:?}");
    assert_eq!(attr_all(&html, "#year", "value"), vec!["32"], "what was typed stays");
    assert_eq!(attr_all(&html, "#era option[selected]", "value"), vec!["H"]);
}

#[tokio::test]
async fn a_day_that_does_not_exist_is_pointed_out_at_the_day() {
    let app = spawn_app().await;
    let res = app.get_in("en", "/dates?era=western&year=2023&month=2&day=29").await;
    assert_eq!(res.status(), 422);
    let html = Html::parse_document(&res.text().await.unwrap());
    assert_eq!(attr_all(&html, ".error-summary a", "href"), vec!["#day"]);
    assert_eq!(attr_all(&html, "#day", "aria-invalid"), vec!["true"]);
    assert_eq!(attr_all(&html, "#day", "value"), vec!["29"]);
}

#[tokio::test]
async fn the_empty_converter_asks_without_complaining() {
    let app = spawn_app().await;
    let res = app.get("/dates").await;
    assert_eq!(res.status(), 200);
    let html = Html::parse_document(&res.text().await.unwrap());
    assert!(select_all(&html, ".error-summary").is_empty());
    assert!(select_all(&html, ".summary-list").is_empty());
}

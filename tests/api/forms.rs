//! The one form system: every field from the same macros (label, hint, error beside it, what was typed kept), the
//! question page shared by the services, and fieldsets without a redundant group role.

use scraper::Html;

use crate::accounts::sign_in_with_code;
use crate::helpers::{LOCALES, PUBLIC_PAGES, TestApp, attr_all, select_all, spawn_app};

async fn post(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let token = app.csrf_token("/account").await;
    let mut all = vec![("csrf_token", token.as_str())];
    all.extend_from_slice(fields);
    app.post_form(path, &all).await
}

#[tokio::test]
async fn no_fieldset_repeats_the_group_role_a_fieldset_already_has() {
    let app = spawn_app().await;
    for lang in LOCALES {
        for path in PUBLIC_PAGES.into_iter().chain(["/dates?era=R&year=99&month=13&day=1", "/sign-in", "/track"]) {
            let body = app.get_in(lang, path).await.text().await.unwrap();
            assert!(!body.contains(r#"role="group""#), "{lang} {path}");
        }
    }
    let dates = Html::parse_document(&app.get("/dates?era=R&year=99&month=13&day=1").await.text().await.unwrap());
    assert_eq!(select_all(&dates, "fieldset legend").len(), 1, "the date is still one group");
    assert_eq!(attr_all(&dates, "#month", "value"), vec!["13"], "what was typed is kept");
}

#[tokio::test]
async fn the_first_step_of_acting_for_someone_is_a_question_page_that_keeps_what_was_typed_beside_each_error() {
    let app = spawn_app().await;
    sign_in_with_code(&app, "hanako@example.jp").await;
    app.get("/account/representation/new").await;
    let res = post(
        &app,
        "/account/representation/new/person",
        &[
            ("name", "佐藤 次郎"),
            ("name_kana", "さとう じろう"),
            ("birth_date", "2999-01-01"),
            ("postal_code", "12"),
            ("address", ""),
        ],
    )
    .await;
    assert_eq!(res.status(), 422);
    let page = Html::parse_document(&res.text().await.unwrap());
    assert_eq!(
        attr_all(&page, ".error-summary a", "href"),
        vec!["#birth_date", "#postal_code", "#address"],
        "one line per mistake, in the order of the fields"
    );
    for field in ["birth_date", "postal_code", "address"] {
        let described = attr_all(&page, &format!("#{field}"), "aria-describedby").join(" ");
        assert!(described.split(' ').any(|id| id == format!("{field}-error")), "{field}: {described}");
        assert_eq!(attr_all(&page, &format!("#{field}"), "aria-invalid"), vec!["true"], "{field}");
        assert_eq!(select_all(&page, &format!("#{field}-error")).len(), 1, "{field}");
    }
    assert_eq!(attr_all(&page, "#name", "value"), vec!["佐藤 次郎"], "what was typed is kept");
    assert_eq!(attr_all(&page, "#birth_date", "value"), vec!["2999-01-01"]);
    assert_eq!(attr_all(&page, "#name", "aria-invalid"), Vec::<String>::new(), "a good answer is not marked");
    assert_eq!(attr_all(&page, "#postal_code", "class"), vec!["input input--4"]);
    // The same page as every question: step caption, one heading, the back link to the list.
    assert_eq!(select_all(&page, "h1").len(), 1);
    assert!(select_all(&page, ".caption").concat().contains('1'));
    assert_eq!(attr_all(&page, "a.back-link", "href"), vec!["/account/representation"]);
    assert!(select_all(&page, "title").concat().starts_with("エラー"), "the title says there are mistakes");
}

#[tokio::test]
async fn radios_are_named_by_their_value_and_keep_the_choice() {
    let app = spawn_app().await;
    sign_in_with_code(&app, "hanako@example.jp").await;
    app.get("/account/representation/new").await;
    let birth = (madoguchi::store::today_jst() - chrono::Months::new(40 * 12)).format("%Y-%m-%d").to_string();
    let res = post(
        &app,
        "/account/representation/new/person",
        &[
            ("name", "佐藤 次郎"),
            ("name_kana", "さとう じろう"),
            ("birth_date", &birth),
            ("postal_code", "999-0001"),
            ("address", "あおば市中央1-2-3"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let res = post(&app, "/account/representation/new/relationship", &[("relationship", "family")]).await;
    assert_eq!(res.status(), 422);
    let page = Html::parse_document(&res.text().await.unwrap());
    assert_eq!(attr_all(&page, "#relationship-family", "checked").len(), 1, "the choice is kept");
    assert_eq!(attr_all(&page, "label[for=relationship-family]", "for").len(), 1, "each radio has its label");
    assert_eq!(attr_all(&page, "#reason", "aria-describedby"), vec!["reason-hint reason-error"]);
    assert_eq!(attr_all(&page, "#relationship", "aria-describedby"), Vec::<String>::new());
}

use std::collections::HashSet;

use scraper::Html;

use crate::helpers::{LOCALES, PUBLIC_PAGES, attr_all, select_all, sign_in_as, spawn_app};

const SERVICE_NAMES: [(&str, &str); 3] = [
    ("ja", "窓口：マイナンバーカードと健康保険"),
    ("en", "Madoguchi: My Number Card and health insurance"),
    ("ja-easy", "窓口：マイナンバーカードと 健康保険"),
];

#[tokio::test]
async fn every_layout_page_renders_in_every_language_with_landmarks_and_one_h1() {
    let app = spawn_app().await;
    for lang in LOCALES {
        let service = SERVICE_NAMES.iter().find(|(l, _)| *l == lang).unwrap().1;
        let mut titles = HashSet::new();
        for path in PUBLIC_PAGES {
            let res = app.get_in(lang, path).await;
            assert_eq!(res.status(), 200, "{lang} {path}");
            let html = Html::parse_document(&res.text().await.unwrap());
            let where_ = format!("{lang} {path}");

            let expected_lang = if lang == "en" { "en" } else { "ja" };
            assert_eq!(attr_all(&html, "html", "lang"), vec![expected_lang], "{where_}");
            assert_eq!(select_all(&html, "h1").len(), 1, "{where_}: exactly one h1");
            let title = select_all(&html, "title").pop().unwrap();
            assert!(title.ends_with(&format!(" – {service}")), "{where_}: title '{title}' names the service");
            assert!(titles.insert(title.clone()), "{where_}: title '{title}' is used by another page");

            for landmark in ["header", "nav", "main#main", "footer"] {
                assert!(!select_all(&html, landmark).is_empty(), "{where_}: has <{landmark}>");
            }
            assert_eq!(attr_all(&html, "a.skip-link", "href"), vec!["#main"], "{where_}: skip link");
            let footer_links = attr_all(&html, "footer a", "href");
            for p in ["/accessibility", "/privacy", "/contact"] {
                assert!(footer_links.iter().any(|h| h == p), "{where_}: footer links {p}");
            }
            // The switcher offers the two other languages, each coming back to this page.
            let switch = attr_all(&html, ".language-switch a", "href");
            assert_eq!(switch.len(), 2, "{where_}: links to the two other languages");
            let back = url::form_urlencoded::byte_serialize(path.as_bytes()).collect::<String>();
            assert!(switch.iter().all(|h| h.ends_with(&format!("?back={back}"))), "{where_}: {switch:?}");
            assert_eq!(select_all(&html, ".language-switch [aria-current]").len(), 1);
        }
    }
}

#[tokio::test]
async fn pages_carry_no_inline_script_or_style_and_stay_light() {
    let app = spawn_app().await;
    let css = app.get("/static/app.css").await.bytes().await.unwrap().len();
    for lang in LOCALES {
        for path in PUBLIC_PAGES {
            let body = app.get_in(lang, path).await.text().await.unwrap();
            assert!(!body.contains(" style="), "{lang} {path}: inline style");
            assert!(!body.contains("<style"), "{lang} {path}: style element");
            assert!(!body.contains("<script"), "{lang} {path}: no script on public pages");
            assert!(body.len() + css < 30 * 1024, "{lang} {path}: {} bytes of HTML and CSS", body.len() + css);
        }
    }
}

#[tokio::test]
async fn easy_japanese_pages_show_readings_as_ruby_and_titles_without_them() {
    let app = spawn_app().await;
    let body = app.get_in("ja-easy", "/contact").await.text().await.unwrap();
    assert!(body.contains("<ruby>電話<rt>でんわ</rt></ruby>"));
    let html = Html::parse_document(&body);
    let title = select_all(&html, "title").pop().unwrap();
    assert!(!title.contains('[') && !title.contains('|') && !title.contains("<ruby>"), "{title}");
    assert!(!body.contains("[電話|"), "no reading mark is left unconverted");
}

#[tokio::test]
async fn static_files_are_versioned_and_cached_for_a_year() {
    let app = spawn_app().await;
    let html = Html::parse_document(&app.get("/").await.text().await.unwrap());
    let href = attr_all(&html, r#"link[rel="stylesheet"]"#, "href").into_iter().next().unwrap();
    assert!(href.starts_with("/static/app.css?v="), "{href}");
    let res = app.get(&href).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/css; charset=utf-8");
    assert!(res.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    let stale = app.get("/static/app.css?v=000000").await;
    assert!(!stale.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    assert_eq!(app.get("/static/nothing.css").await.status(), 404);
}

#[tokio::test]
async fn the_acting_bar_and_demo_banner_sit_in_the_header_and_the_back_link_in_main() {
    let app = spawn_app().await;
    // Hanako acts for her ward: the bar has its switch form too.
    let hanako = sign_in_as(&app, "p-hanako").await;
    let res = hanako.get("/account/representation/new/person").await;
    assert_eq!(res.status(), 200);
    let html = Html::parse_document(&res.text().await.unwrap());
    assert_eq!(select_all(&html, "header.site-header .acting-bar .acting-bar__who").len(), 1);
    assert_eq!(attr_all(&html, "header.site-header .acting-bar form", "action"), vec!["/acting-for"]);
    assert_eq!(select_all(&html, "header.site-header .demo-banner").len(), 1);
    assert_eq!(attr_all(&html, "main#main a.back-link", "href"), vec!["/account/representation"]);
    // Nothing but the skip link, the header, the main's frame and the footer at the top of the page.
    let top = scraper::Selector::parse("body > *").unwrap();
    for child in html.select(&top) {
        let e = child.value();
        let inside_a_landmark = matches!(e.name(), "header" | "footer")
            || e.classes().any(|c| c == "skip-link")
            || (e.name() == "div"
                && child.children().filter_map(scraper::ElementRef::wrap).all(|c| c.value().name() == "main"));
        assert!(inside_a_landmark, "<{} class={:?}> is outside every landmark", e.name(), e.attr("class"));
    }
}

#[tokio::test]
async fn each_access_log_row_names_its_report_form_and_button() {
    let app = spawn_app().await;
    // Two officers of two organisations looked at Taro's records: two rows, each with its report form.
    let taro = sign_in_as(&app, "p-taro").await;
    app.store.record_view("p-suzuki", "p-taro", "mun-aoba", "test-record-1").await.unwrap();
    app.store.record_view("p-tanaka", "p-taro", "ins-aoba-kokuho", "test-record-2").await.unwrap();
    let html = Html::parse_document(&taro.get("/account/access-log").await.text().await.unwrap());
    let forms = attr_all(&html, "form[action^=\"/account/access-log/\"]", "aria-labelledby");
    assert!(forms.len() >= 2, "rows to report: {forms:?}");
    let buttons = attr_all(&html, "form[action^=\"/account/access-log/\"] button", "aria-labelledby");
    assert_eq!(buttons.len(), forms.len());
    let text_of =
        |id: &str| select_all(&html, &format!("#{id}")).pop().unwrap_or_else(|| panic!("#{id} is on the page"));
    let mut names = HashSet::new();
    for (form, button) in forms.iter().zip(&buttons) {
        let form_name: Vec<String> = form.split(' ').map(text_of).collect();
        assert!(form_name.iter().all(|part| !part.is_empty()), "{form_name:?}");
        let button_name: Vec<String> = button.split(' ').map(text_of).collect();
        assert!(button_name[0].contains("報告"), "the visible label comes first: {button_name:?}");
        assert!(names.insert(button_name.join(" ")), "each button's name is its own: {button_name:?}");
    }
}

#[tokio::test]
async fn the_home_page_links_every_service_that_can_be_used() {
    let app = spawn_app().await;
    let html = Html::parse_document(&app.get("/").await.text().await.unwrap());
    let services = attr_all(&html, ".service-list h3 a", "href");
    for wanted in ["/certificates", "/express", "/outreach"] {
        assert!(services.iter().any(|s| s == wanted), "{wanted} in {services:?}");
    }
    assert_eq!(app.get("/express").await.status(), 200, "the express start page is public");
}

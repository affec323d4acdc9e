use std::collections::HashSet;

use scraper::Html;

use crate::helpers::{LOCALES, PUBLIC_PAGES, attr_all, select_all, spawn_app};

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

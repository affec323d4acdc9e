use scraper::Html;

use crate::helpers::{LOCALES, select_all, spawn_app};

fn assert_security_headers(res: &reqwest::Response, what: &str) {
    let h = res.headers();
    let csp = h.get("content-security-policy").unwrap_or_else(|| panic!("{what}: CSP")).to_str().unwrap();
    assert!(csp.contains("default-src 'none'"), "{what}: {csp}");
    assert!(csp.contains("script-src 'self'") && csp.contains("style-src 'self'"), "{what}: {csp}");
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{what}: {csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
    assert_eq!(h["referrer-policy"], "no-referrer", "{what}");
    assert_eq!(h["x-request-id"].len(), 8, "{what}: request id");
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in ["/", "/contact", "/static/app.css", "/no-such-page", "/healthz", "/language/en?back=/"] {
        let res = app.get(path).await;
        assert_security_headers(&res, path);
    }
    let rejected = app.post_form("/contact", &[("message", "hi")]).await;
    assert_security_headers(&rejected, "CSRF rejection");
}

#[tokio::test]
async fn pages_with_personal_data_are_not_cached() {
    let app = spawn_app().await;
    assert_eq!(app.get("/contact").await.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn a_missing_page_is_a_localised_404_page() {
    let app = spawn_app().await;
    for (lang, heading) in
        [("ja", "ページが見つかりません"), ("en", "Page not found"), ("ja-easy", "ページが ありません")]
    {
        let res = app.get_in(lang, "/no-such/page/00000000-0000-0000-0000-000000000000").await;
        assert_eq!(res.status(), 404);
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        let html = Html::parse_document(&res.text().await.unwrap());
        assert_eq!(select_all(&html, "h1"), vec![heading], "{lang}");
        assert_eq!(select_all(&html, "main").len(), 1);
    }
}

#[tokio::test]
async fn a_wrong_method_gets_a_page_not_a_bare_error() {
    let app = spawn_app().await;
    // With a valid CSRF token the request gets past the CSRF check and reaches routing, where no route of
    // `/healthz` takes PUT.
    let token = app.csrf_token("/contact").await;
    let res = app
        .client
        .put(app.url("/healthz"))
        .header("x-csrf-token", token)
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert!(matches!(res.status().as_u16(), 404 | 405), "{}", res.status());
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let body = res.text().await.unwrap();
    assert!(
        !body.contains("Your form could not be sent") && body.contains("<h1"),
        "a page of its own, not the CSRF page: {body}"
    );
}

#[tokio::test]
async fn health_check_answers_when_the_database_does() {
    let app = spawn_app().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), "ok");
    app.store.close().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 503);
}

#[tokio::test]
async fn a_form_without_a_valid_csrf_token_is_refused_with_a_clear_page() {
    let app = spawn_app().await;
    for lang in LOCALES {
        // No token at all, without and with the cookie.
        let res = app
            .client
            .post(app.url("/contact"))
            .header("Cookie", format!("lang={lang}"))
            .form(&[("message", "x")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{lang}");
        let html = Html::parse_document(&res.text().await.unwrap());
        assert_eq!(select_all(&html, "h1").len(), 1);
    }
    let _ = app.csrf_token("/contact").await;
    let res = app.post_form("/contact", &[("message", "x"), ("csrf_token", "forged")]).await;
    assert_eq!(res.status(), 403);
    let html = Html::parse_document(&res.text().await.unwrap());
    assert_eq!(select_all(&html, "h1"), vec!["フォームを送信できませんでした"]);

    // A token from another browser (another cookie) is no good either.
    let other = crate::helpers::spawn_app().await;
    let foreign = other.csrf_token("/contact").await;
    let res = app.post_form("/contact", &[("message", "x"), ("csrf_token", &foreign)]).await;
    assert_eq!(res.status(), 403);
    assert!(app.store.recent_feedback(10).await.unwrap().is_empty(), "nothing was saved");
}

#[tokio::test]
async fn the_csrf_cookie_is_http_only_and_same_site() {
    let app = spawn_app().await;
    let res = app.get("/contact").await;
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("csrf="))
        .expect("a csrf cookie is set");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http locally");

    let secure =
        crate::helpers::spawn_app_with(&[("MADOGUCHI_BASE_URL", "https://localhost:0"), ("MADOGUCHI_DEMO", "false")])
            .await;
    let res = secure.get("/contact").await;
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("csrf="))
        .unwrap();
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(res.headers().contains_key("strict-transport-security"));
}

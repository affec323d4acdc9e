use scraper::Html;

use crate::accounts::sign_in_with_code;
use crate::helpers::{TestApp, attr_all, second_client, select_all, sign_in_as, spawn_app};

async fn answer(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let token = app.csrf_token(path).await;
    let mut all = vec![("csrf_token", token.as_str())];
    all.extend_from_slice(fields);
    app.post_form(path, &all).await
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_string()
}

/// Goes through every question as `app`'s signed-in person for `subject`; returns the request id.
pub async fn file_certificate_request(app: &TestApp, subject: &str) -> String {
    let res = app.get("/certificates/new").await;
    assert_eq!(res.status(), 303);
    let first = location(&res);
    assert!(first.ends_with("/for-whom"), "{first}");
    let id = first.split('/').nth(2).unwrap().to_string();
    let base = format!("/certificates/{id}");
    let steps: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("for-whom", vec![("for_whom", subject)]),
        ("reason", vec![("reason", "cannot-use-card")]),
        ("insurer", vec![("insurer_number", "０１１３００１２"), ("insurer_id", "")]),
        ("insured", vec![("symbol", "1234567"), ("number", "42"), ("branch", "01")]),
        ("name", vec![]),
        ("birth-date", vec![]),
        ("delivery", vec![("delivery", "download"), ("postal_code", ""), ("address", "")]),
        ("contact", vec![("contact", "email"), ("phone", "")]),
    ];
    for (step, fields) in steps {
        let path = format!("{base}/{step}");
        // The name and date of birth come filled in from the person's record: send what the page shows.
        let fields: Vec<(String, String)> = if fields.is_empty() {
            let html = Html::parse_document(&app.get(&path).await.text().await.unwrap());
            let names = attr_all(&html, "main form input[type=text]", "name");
            let values = attr_all(&html, "main form input[type=text]", "value");
            names.into_iter().zip(values).collect()
        } else {
            fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
        };
        let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let res = answer(app, &path, &refs).await;
        assert_eq!(
            res.status(),
            303,
            "{step}: {}",
            res.text().await.unwrap_or_default().chars().take(300).collect::<String>()
        );
    }
    let check = app.get(&format!("{base}/check")).await;
    assert_eq!(check.status(), 200);
    let token = app.csrf_token(&format!("{base}/check")).await;
    let res = app.post_form(&format!("{base}/submit"), &[("csrf_token", &token)]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("/requests/{id}/confirmation"));
    id
}

#[tokio::test]
async fn a_resident_asks_for_a_certificate_and_follows_it() {
    let app = spawn_app().await;
    sign_in_with_code(&app, "taro@example.jp").await;
    let id = file_certificate_request(&app, "p-taro").await;

    let html = Html::parse_document(&app.get(&format!("/requests/{id}/confirmation")).await.text().await.unwrap());
    let reference = select_all(&html, ".reference").pop().unwrap();
    assert!(reference.parse::<madoguchi::domain::ReferenceNumber>().is_ok(), "{reference}");

    let mails = app.store.outbox().list_recent(10).await.unwrap();
    let mail = mails.iter().find(|m| m.kind == "mail-request-update").expect("a confirmation e-mail");
    assert_eq!(mail.recipient, "taro@example.jp");
    assert!(mail.subject.contains(&reference), "{}", mail.subject);

    let list = Html::parse_document(&app.get("/requests").await.text().await.unwrap());
    assert!(select_all(&list, ".request-list__ref").contains(&reference));
    assert!(select_all(&list, ".tag--submitted").len() == 1);

    let detail = Html::parse_document(&app.get(&format!("/requests/{id}")).await.text().await.unwrap());
    assert_eq!(select_all(&detail, ".timeline li").len(), 2, "started and sent");
    let answers = select_all(&detail, ".summary-list dd").join(" | ");
    assert!(answers.contains("1234567") && answers.contains("全国健康保険協会"), "{answers}");
    assert!(answers.contains("昭和60年1月2日"), "{answers}");
    // The draft is gone: starting again makes a new one.
    assert!(location(&app.get("/certificates/new").await).ends_with("/for-whom"));
}

#[tokio::test]
async fn mistakes_are_shown_beside_the_field_and_nothing_is_lost() {
    let app = spawn_app().await;
    sign_in_with_code(&app, "taro@example.jp").await;
    let first = location(&app.get("/certificates/new").await);
    let base = first.trim_end_matches("/for-whom").to_string();
    assert_eq!(
        answer(&app, &format!("{base}/for-whom"), &[("for_whom", "p-maria")]).await.status(),
        422,
        "not someone they may ask for"
    );
    assert_eq!(answer(&app, &format!("{base}/for-whom"), &[("for_whom", "p-taro")]).await.status(), 303);

    let res = answer(&app, &format!("{base}/insurer"), &[("insurer_number", "01130013"), ("insurer_id", "")]).await;
    assert_eq!(res.status(), 422);
    let html = Html::parse_document(&res.text().await.unwrap());
    assert_eq!(attr_all(&html, ".error-summary a", "href"), vec!["#insurer_number"]);
    assert_eq!(attr_all(&html, "#insurer_number", "value"), vec!["01130013"]);
    assert!(!select_all(&html, "#insurer_number-error").is_empty());

    let res = answer(&app, &format!("{base}/insurer"), &[("insurer_number", "33120015"), ("insurer_id", "")]).await;
    assert_eq!(res.status(), 422, "a valid number of an insurer we do not serve");

    assert_eq!(
        answer(&app, &format!("{base}/insurer"), &[("insurer_number", ""), ("insurer_id", "ins-kyokai-tokyo")])
            .await
            .status(),
        303
    );
    let res = answer(&app, &format!("{base}/insured"), &[("symbol", ""), ("number", "42"), ("branch", "1")]).await;
    assert_eq!(res.status(), 422);
    let html = Html::parse_document(&res.text().await.unwrap());
    let summary = attr_all(&html, ".error-summary a", "href");
    assert!(summary.contains(&"#symbol".to_string()) && summary.contains(&"#branch".to_string()), "{summary:?}");
    assert_eq!(attr_all(&html, "#branch", "value"), vec!["1"]);

    // Leave and come back: the draft continues at the first question not yet answered.
    let again = location(&app.get("/certificates/new").await);
    assert_eq!(again, format!("{base}/reason"));
    let html = Html::parse_document(&app.get(&format!("{base}/insurer")).await.text().await.unwrap());
    assert_eq!(
        attr_all(&html, "#insurer_id option[selected]", "value"),
        vec!["ins-kyokai-tokyo"],
        "saved answers come back"
    );
}

#[tokio::test]
async fn a_guardian_asks_for_their_ward_and_only_the_right_people_see_it() {
    let app = spawn_app().await;
    sign_in_with_code(&app, "hanako@example.jp").await;
    let id = file_certificate_request(&app, "p-ichiro").await;
    assert_eq!(app.get(&format!("/requests/{id}")).await.status(), 200, "the representative");

    let other_resident = second_client(&app);
    sign_in_with_code(&other_resident, "taro@example.jp").await;
    assert_eq!(other_resident.get(&format!("/requests/{id}")).await.status(), 404);
    assert_eq!(other_resident.get(&format!("/requests/{id}/confirmation")).await.status(), 404);
    assert!(!other_resident.get("/requests").await.text().await.unwrap().contains(&id));

    let right_insurer = sign_in_as(&app, "p-nakamura").await;
    assert_eq!(right_insurer.get(&format!("/requests/{id}")).await.status(), 200, "the insurer's officer");
    let wrong_insurer = sign_in_as(&app, "p-tanaka").await;
    assert_eq!(wrong_insurer.get(&format!("/requests/{id}")).await.status(), 404, "another insurer's officer");
    let staff = sign_in_as(&app, "p-ken").await;
    assert_eq!(staff.get(&format!("/requests/{id}")).await.status(), 404, "a facility that did not file it");
    assert_eq!(app.get("/requests/no-such-id").await.status(), 404);
    let anonymous = second_client(&app);
    assert_eq!(anonymous.get(&format!("/requests/{id}")).await.status(), 303, "sign in first");
}

#[tokio::test]
async fn officers_do_not_file_requests() {
    let app = spawn_app().await;
    let officer = sign_in_as(&app, "p-tanaka").await;
    assert_eq!(officer.get("/certificates/new").await.status(), 403);
}

#[tokio::test]
async fn a_request_can_be_looked_up_without_an_account_showing_its_state_only() {
    let app = spawn_app().await;
    sign_in_with_code(&app, "taro@example.jp").await;
    let id = file_certificate_request(&app, "p-taro").await;
    let html = Html::parse_document(&app.get(&format!("/requests/{id}/confirmation")).await.text().await.unwrap());
    let reference = select_all(&html, ".reference").pop().unwrap();

    let anonymous = second_client(&app);
    let token = anonymous.csrf_token("/track").await;
    let track = |r: &str, b: &str| {
        let (r, b, token) = (r.to_string(), b.to_string(), token.clone());
        let anonymous = &anonymous;
        async move {
            anonymous
                .post_form("/track", &[("csrf_token", token.as_str()), ("reference", &r), ("birth_date", &b)])
                .await
        }
    };
    let res = track(&reference.to_lowercase(), "昭和60年1月2日").await;
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert!(body.contains("受付済み"));
    assert!(!body.contains("山田"), "nothing personal is shown");
    assert_eq!(track(&reference, "1985-01-03").await.status(), 404);
    // A typo in the check character that neither the current nor the older check scheme accepts.
    let body = &reference[..reference.len() - 1];
    let wrong = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
        .chars()
        .map(|c| format!("{body}{c}"))
        .find(|candidate| candidate.parse::<madoguchi::domain::ReferenceNumber>().is_err())
        .expect("some check character is wrong");
    let res = track(&wrong, "1985-01-02").await;
    assert_eq!(res.status(), 422, "the check character catches a typo before any look-up");
    let html = Html::parse_document(&res.text().await.unwrap());
    assert_eq!(attr_all(&html, "#reference", "value"), vec![wrong.clone()]);
    for _ in 0..madoguchi::journeys::requests::LOOKUPS_PER_CLIENT {
        track(&reference, "1985-01-03").await;
    }
    assert_eq!(track(&reference, "1985-01-02").await.status(), 429);
}

#[tokio::test]
async fn the_date_of_birth_is_posted_never_put_in_an_address() {
    let app = spawn_app().await;
    let taro = sign_in_as(&app, "p-taro").await;
    let request = file_certificate_request(&taro, "p-taro").await;
    let reference = crate::documents::reference_of(&taro, &request).await;
    let anonymous = second_client(&app);
    let res = anonymous.get(&format!("/track?reference={}&birth_date=1985-01-02", urlenc(&reference))).await;
    assert_eq!(res.status(), 200);
    let html = Html::parse_document(&res.text().await.unwrap());
    assert!(select_all(&html, ".tag--state").is_empty(), "a date of birth in the address is not used");
    assert_eq!(attr_all(&html, "form[action='/track']", "method"), vec!["post"]);
    assert_eq!(attr_all(&html, "form[action='/track'] input[name=csrf_token]", "value").len(), 1);
    let token = anonymous.csrf_token("/track").await;
    // Every way the portal shows this date of birth finds the request, in any language.
    for birth in ["2 January 1985", "昭和60年1月2日（1985年）", "1985年（昭和60年）1月2日"] {
        let res = anonymous
            .post_form(
                "/track",
                &[("csrf_token", token.as_str()), ("reference", reference.as_str()), ("birth_date", birth)],
            )
            .await;
        assert_eq!(res.status(), 200, "{birth}");
    }
    let hint = |lang: &'static str| {
        let anonymous = &anonymous;
        async move {
            let html = Html::parse_document(&anonymous.get_in(lang, "/track").await.text().await.unwrap());
            select_all(&html, "#birth_date-hint").pop().unwrap_or_default()
        }
    };
    assert!(hint("en").await.contains("14 July 1992"), "{}", hint("en").await);
    assert!(hint("ja").await.contains("平成4年7月14日"), "{}", hint("ja").await);
    let easy = hint("ja-easy").await;
    assert!(easy.contains("1992") && !easy.contains("1992-"), "no ISO dates in easy Japanese: {easy}");
}

fn urlenc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn the_requests_list_goes_by_pages_of_twenty_with_the_count_of_all() {
    let app = spawn_app().await;
    let taro = sign_in_as(&app, "p-taro").await;
    // 45 submitted requests, three at a time with the same update time, so the cursor must break ties.
    for i in 0..45i64 {
        sqlx::query(
            "INSERT INTO requests (id, reference, kind, state, subject_id, filed_by, filed_as, created_at, updated_at, submitted_at) \
             VALUES ($1, $2, 'certificate', 'submitted', 'p-taro', 'p-taro', 'self', $3, $3, $3)",
        )
        .bind(format!("req-page-{i:02}"))
        .bind(format!("R-PAGE-{i:04}"))
        .bind(1_000_000 + i / 3)
        .execute(app.store.pool())
        .await
        .unwrap();
    }
    let links = |html: &scraper::Html| crate::helpers::attr_all(html, ".request-list__item h2 a", "href");
    let older = |html: &scraper::Html| crate::helpers::attr_all(html, "a.pager__older", "href").pop();
    let get = |path: String| {
        let taro = &taro;
        async move {
            let res = taro.get(&path).await;
            assert_eq!(res.status(), 200, "{path}");
            scraper::Html::parse_document(&res.text().await.unwrap())
        }
    };
    let first = get("/requests".into()).await;
    let total_text = crate::helpers::select_all(&first, ".requests-total").pop().expect("the count of all");
    let total: usize = total_text.chars().filter(|c| c.is_ascii_digit()).collect::<String>().parse().unwrap();
    assert!(total >= 45, "{total_text}");
    let mut seen = links(&first);
    assert_eq!(seen.len(), 20);
    let mut next = older(&first);
    let mut pages = 1;
    while let Some(href) = next {
        let html = get(href).await;
        let these = links(&html);
        assert!(these.len() <= 20 && !these.is_empty());
        seen.extend(these);
        next = older(&html);
        pages += 1;
    }
    assert_eq!(pages, total.div_ceil(20));
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no request twice");
    assert_eq!(seen.len(), total, "no request left out");
    assert!((0..45).all(|i| seen.contains(&format!("/requests/req-page-{i:02}"))));
    // A tampered cursor shows the first page, not an error.
    for bad in ["x", "1.", "abc.def", "1.<script>", "99999999999999999999.a"] {
        assert_eq!(links(&get(format!("/requests?older={bad}")).await), links(&first), "{bad}");
    }
}

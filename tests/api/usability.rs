//! Where people stumble (issue #16): the contact page, dates and times as people read them, ended certificates,
//! the printed status letter, insurers in the reader's language, and the account's language and e-mails.

use scraper::{Html, Selector};

use crate::helpers::{LOCALES, TestApp, attr_all, select_all, sign_in_as, spawn_app};

/// Chooses the language the way a person does (the `lang` cookie joins the session's), then opens `path`.
async fn page_in(app: &TestApp, lang: &str, path: &str) -> (Html, String) {
    assert_eq!(app.get(&format!("/language/{lang}?back=/")).await.status(), 303);
    let res = app.get(path).await;
    assert_eq!(res.status(), 200, "{lang} {path}");
    let body = res.text().await.unwrap();
    (Html::parse_document(&body), body)
}

async fn answer(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let token = app.csrf_token(path).await;
    let mut all = vec![("csrf_token", token.as_str())];
    all.extend_from_slice(fields);
    app.post_form(path, &all).await
}

/// The main content's text, readings left out, as a reader sees it.
fn main_text(html: &Html) -> String {
    text_of(html, "main").pop().expect("a main element")
}

/// The text of each element `css` selects, readings (`<rt>`) left out.
fn text_of(html: &Html, css: &str) -> Vec<String> {
    let sel = Selector::parse(css).unwrap();
    html.select(&sel).map(without_readings).collect()
}

fn without_readings(main: scraper::ElementRef<'_>) -> String {
    let mut out = String::new();
    for node in main.descendants() {
        if let Some(t) = node.value().as_text() {
            let in_rt = node.ancestors().any(|a| a.value().as_element().is_some_and(|e| e.name() == "rt"));
            if !in_rt {
                out.push_str(t);
            }
        }
    }
    out
}

fn has_iso_date(text: &str) -> bool {
    text.as_bytes().windows(10).any(|w| {
        w[..4].iter().all(u8::is_ascii_digit) && w[4] == b'-' && w[5..7].iter().all(u8::is_ascii_digit) && w[7] == b'-'
    })
}

/// `17:21` or `5:21`: a clock time with a colon, which easy Japanese never writes.
fn has_clock_time(text: &str) -> bool {
    text.as_bytes()
        .windows(4)
        .any(|w| w[0].is_ascii_digit() && w[1] == b':' && w[2].is_ascii_digit() && w[3].is_ascii_digit())
}

#[tokio::test]
async fn the_contact_page_dials_the_help_line_and_each_insurer_and_says_what_to_bring() {
    let app = spawn_app().await;
    for lang in LOCALES {
        let (html, body) = page_in(&app, lang, "/contact").await;
        let tel = attr_all(&html, "main a[href^='tel:']", "href");
        assert_eq!(tel[0], "tel:+81120000000", "{lang}: the help line first");
        assert_eq!(
            tel[1..].to_vec(),
            vec!["tel:+81570000222", "tel:+81120000111", "tel:+81570000333"],
            "{lang}: one number per demo insurer, by insurer number"
        );
        assert_eq!(select_all(&html, "main a[href^='tel:']")[0], "0120-000-000");
        assert_eq!(select_all(&html, "main h3 + ul.list li").len(), 4, "{lang}: what to bring");
        assert!(select_all(&html, "main .panel").len() == 1, "{lang}: the demo says its details are made up");
        let text = main_text(&html);
        match lang {
            "en" => {
                assert!(text.contains("8:30 am to 5:15 pm") && text.contains("1-1 Chuo"), "{text}");
                assert!(text.contains("Japan Health Insurance Association (Kyokai Kenpo), Tokyo"), "{text}");
            }
            "ja" => assert!(text.contains("全国健康保険協会 東京支部") && text.contains("市民課窓口"), "{text}"),
            _ => {
                assert!(body.contains("<ruby>協会<rt>きょうかい</rt></ruby>けんぽ"), "協会けんぽ with its reading");
                assert!(!text.contains("全国健康保険協会"), "the plainer name only");
                assert!(text.contains("午後5時15分"), "{text}");
            }
        }
        assert!(body.len() < 30 * 1024, "{lang}: page weight {}", body.len());
    }
    // Outside demo mode the page does not call its details made up.
    let real = crate::helpers::spawn_app_with(&[("MADOGUCHI_DEMO", "false")]).await;
    let (html, _) = page_in(&real, "en", "/contact").await;
    assert!(select_all(&html, "main .panel").is_empty());
}

#[tokio::test]
async fn times_are_twelve_hour_in_easy_japanese_and_english_and_never_iso() {
    let app = spawn_app().await;
    let taro = sign_in_as(&app, "p-taro").await;
    let (id,): (String,) = sqlx::query_as(
        "SELECT id FROM requests WHERE subject_id = 'p-taro' AND state = 'declined' ORDER BY created_at LIMIT 1",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    for path in ["/requests".to_string(), format!("/requests/{id}"), "/account".to_string()] {
        for lang in LOCALES {
            let (html, _) = page_in(&taro, lang, &path).await;
            let text = main_text(&html);
            match lang {
                "ja-easy" => {
                    assert!(!has_iso_date(&text) && !has_clock_time(&text), "{path}: {text}");
                    assert!(path == "/account" || text.contains("午前") || text.contains("午後"), "{path}: {text}");
                }
                "en" => {
                    assert!(!has_iso_date(&text), "{path}: {text}");
                    assert!(path == "/account" || text.contains(" am") || text.contains(" pm"), "{path}: {text}");
                }
                _ => assert!(text.contains("令和") || text.contains("昭和"), "{path}: 和暦 in Japanese: {text}"),
            }
        }
    }
}

#[tokio::test]
async fn an_expired_or_replaced_certificate_says_so_first_and_offers_a_new_one() {
    let app = spawn_app().await;
    let certs: Vec<(String, String, Option<String>, Option<i64>)> =
        sqlx::query_as("SELECT id, person_id, replaced_by, revoked_at FROM certificates ORDER BY issued_on, id")
            .fetch_all(app.store.pool())
            .await
            .unwrap();
    let expired = certs.iter().find(|c| c.1 == "p-ichiro").unwrap();
    let revoked = certs.iter().find(|c| c.3.is_some()).unwrap();
    let valid = certs.iter().find(|c| c.1 == "p-taro" && c.3.is_none()).unwrap();
    let hanako = sign_in_as(&app, "p-hanako").await;
    let taro = sign_in_as(&app, "p-taro").await;
    let cases = [(&hanako, expired, "cert-ended-expired"), (&taro, revoked, "cert-ended-revoked")];
    let l10n = madoguchi::i18n::Localizer::load().unwrap();
    for (who, cert, key) in cases {
        for lang in LOCALES {
            let (html, body) = page_in(who, lang, &format!("/certificates/issued/{}", cert.0)).await;
            let locale = madoguchi::i18n::Locale::from_code(lang).unwrap();
            // The first thing after the heading says it has ended.
            let first = text_of(&html, "main h1 + div.certificate-ended strong");
            assert_eq!(first, vec![l10n.plain(locale, key, &[])], "{lang} {key}");
            let links = attr_all(&html, "main .certificate-ended a", "href");
            assert!(links.contains(&"/certificates".to_string()), "{lang}: ask for a new one");
            if let Some(newer) = &cert.2 {
                assert!(links.contains(&format!("/certificates/issued/{newer}")), "{lang}: the newer one");
            }
            assert!(!body.contains("印刷して使ってください") && !body.contains("[印刷|いんさつ]して"), "{lang}");
            assert!(!main_text(&html).contains(&l10n.plain(locale, "office-cert-print-hint", &[])), "{lang}");
        }
    }
    // A certificate in force still says how to print it, and nothing about ending.
    let (html, _) = page_in(&taro, "ja", &format!("/certificates/issued/{}", valid.0)).await;
    assert!(select_all(&html, ".certificate-ended").is_empty());
    assert!(main_text(&html).contains("印刷して使ってください"));
}

#[tokio::test]
async fn the_printed_letter_hides_the_signed_in_bar_and_gives_the_phone_number() {
    let app = spawn_app().await;
    let hanako = sign_in_as(&app, "p-hanako").await;
    let (request,): (String,) =
        sqlx::query_as("SELECT id FROM requests WHERE subject_id = 'p-ichiro' AND state <> 'draft' LIMIT 1")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    let (html, _) = page_in(&hanako, "en", &format!("/requests/{request}/letter")).await;
    assert_eq!(select_all(&html, ".acting-bar").len(), 1, "the screen shows who is signed in");
    let phone = select_all(&html, "article.letter .letter__phone").pop().expect("the phone number on the letter");
    assert!(phone.contains("0120-000-000") && phone.contains("電話"), "{phone}");
    // Every screen-only part of the page is hidden by the print stylesheet.
    let print_href = attr_all(&html, "link[media=print]", "href").pop().unwrap();
    let css = hanako.get(&print_href).await.text().await.unwrap();
    let hidden_rule = css.split('}').find(|r| r.contains("display:none") || r.contains("display: none")).unwrap();
    for part in [".acting-bar", ".site-header", ".site-footer", ".demo-banner", ".back-link", ".skip-link"] {
        assert!(hidden_rule.contains(part), "{part} is not printed: {hidden_rule}");
        assert!(!select_all(&html, part).is_empty() || part == ".skip-link", "{part} is on the page");
    }
    assert!(css.contains(".no-print"), "the page's own heading and hints are not printed");
}

#[tokio::test]
async fn an_insurer_number_typed_with_a_space_is_accepted_and_the_insurer_named_in_the_readers_language() {
    let app = spawn_app().await;
    let taro = sign_in_as(&app, "p-taro").await;
    let res = taro.get("/certificates/new").await;
    let base = res.headers()["location"].to_str().unwrap().trim_end_matches("/for-whom").to_string();
    assert_eq!(answer(&taro, &format!("{base}/for-whom"), &[("for_whom", "p-taro")]).await.status(), 303);
    assert_eq!(answer(&taro, &format!("{base}/reason"), &[("reason", "cannot-use-card")]).await.status(), 303);
    let res = answer(&taro, &format!("{base}/insurer"), &[("insurer_number", "0113 0012"), ("insurer_id", "")]).await;
    assert_eq!(res.status(), 303, "0113 0012 is 01130012");
    let expected = [
        ("ja", "全国健康保険協会 東京支部"),
        ("en", "Japan Health Insurance Association (Kyokai Kenpo), Tokyo"),
        ("ja-easy", "協会けんぽ 東京"),
    ];
    for (lang, name) in expected {
        // The select names every insurer in the reader's language.
        let (html, _) = page_in(&taro, lang, &format!("{base}/insurer")).await;
        let options = select_all(&html, "select[name=insurer_id] option");
        assert!(options.iter().any(|o| o == &format!("{name} (01130012)")), "{lang}: {options:?}");
    }
}

#[tokio::test]
async fn the_account_shows_and_changes_the_language_and_mails_follow_it() {
    let app = spawn_app().await;
    let taro = sign_in_as(&app, "p-taro").await;
    let expected = [
        ("ja", "日本語", "昭和60年1月2日（1985年）"),
        ("en", "English", "2 January 1985"),
        ("ja-easy", "やさしい日本語", "1985年（昭和60年）1月2日"),
    ];
    for (lang, language, birth) in expected {
        let (html, _) = page_in(&taro, lang, "/account").await;
        let rows = select_all(&html, ".summary-list__row dd");
        assert!(rows.iter().any(|r| r == birth), "{lang}: date of birth {rows:?}");
        assert!(rows.iter().any(|r| r.starts_with(language)), "{lang}: the language in use {rows:?}");
        let links = attr_all(&html, "#language a", "href");
        assert_eq!(links.len(), 2, "{lang}: the two other languages");
        assert!(links.iter().all(|l| l.starts_with("/language/") && l.ends_with("?back=/account")));
    }
    // Choosing English while signed in keeps it on the person…
    let res = taro.get("/language/en?back=/account").await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/account");
    let (locale,): (String,) = sqlx::query_as("SELECT preferred_locale FROM people WHERE id = 'p-taro'")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(locale, "en");
    // …so a mail to him is in English, even when asked for from a Japanese screen.
    let anonymous = crate::helpers::second_client(&app);
    let token = anonymous.csrf_token("/sign-in").await;
    // (No language cookie and no Accept-Language: the screen is in the default, Japanese.)
    let res = anonymous.post_form("/sign-in", &[("csrf_token", token.as_str()), ("email", "taro@example.jp")]).await;
    assert_eq!(res.status(), 303);
    let mails = app.store.outbox().list_recent(20).await.unwrap();
    let mail = mails.iter().find(|m| m.recipient == "taro@example.jp" && m.kind == "mail-sign-in-code").unwrap();
    assert_eq!(mail.locale, "en");
    // Switching without being signed in changes nobody.
    assert_eq!(anonymous.get("/language/ja-easy?back=/").await.status(), 303);
    let (locale,): (String,) = sqlx::query_as("SELECT preferred_locale FROM people WHERE id = 'p-taro'")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(locale, "en");
}

#[test]
fn easy_japanese_uses_one_word_for_each_thing_and_spaces_between_phrases() {
    let l10n = madoguchi::i18n::Localizer::load().unwrap();
    let easy = madoguchi::i18n::Locale::JaEasy;
    for key in l10n.keys(easy) {
        let marked = l10n.text(easy, key, &[]);
        let plain = madoguchi::i18n::strip_marks(&marked);
        // The plainer word, one spelling each (../shared/domain/plain-language.md).
        for (hard, plainer) in [
            ("保険者番号", "保険の 番号"),
            ("手続", "すること"),
            ("全国健康保険協会", "協会けんぽ"),
            ("ISO", "nothing"),
            ("プリント", "印刷"),
            ("つぎへ", "次へ"),
            ("[入|い]れて ください", "書いて ください"),
        ] {
            assert!(!marked.contains(hard), "{key}: {hard} → {plainer}: {plain}");
        }
        assert!(!marked.replace("|なまえ]", "").contains("なまえ"), "{key}: なまえ → [名前|なまえ]");
        assert!(!marked.replace("[代|か]わりに", "").contains("かわりに"), "{key}: かわりに → [代|か]わりに");
        // A space after each 、 and 。 inside a message, as between every phrase.
        let chars: Vec<char> = plain.chars().collect();
        for w in chars.windows(2) {
            assert!(
                !matches!(w[0], '、' | '。') || matches!(w[1], ' ' | '」' | '）'),
                "{key}: no space after {}: {plain}",
                w[0]
            );
        }
    }
    // One idea per sentence where the issue found several.
    for key in ["service-express-desc", "account-sessions-lead", "contact-relay"] {
        let text = l10n.plain(easy, key, &[]);
        let longest = text.split('。').map(|s| s.chars().count()).max().unwrap();
        assert!(longest <= 45, "{key}: a sentence of {longest} characters: {text}");
    }
}

#[tokio::test]
async fn the_expiry_reminder_names_the_insurer_in_the_holders_language() {
    let app = spawn_app().await;
    let mut names = Vec::new();
    for (person, locale) in [("p-taro", "en"), ("p-maria", "ja-easy")] {
        sqlx::query("UPDATE people SET preferred_locale = $1 WHERE id = $2")
            .bind(locale)
            .bind(person)
            .execute(app.store.pool())
            .await
            .unwrap();
        let id = madoguchi::store::new_id();
        let until = (madoguchi::store::today_jst() + chrono::Duration::days(10)).to_string();
        sqlx::query(
            "INSERT INTO certificates (id, person_id, insurer_id, name, name_kana, birth_date, symbol, number, \
             insurer_number, insurer_name, issued_on, valid_from, valid_until, delivery, code, created_at) VALUES \
             ($1, $2, 'ins-kyokai-tokyo', 'x', 'x', '1950-01-01', '1', '1', '01130012', '全国健康保険協会 東京支部', \
             '2025-01-01', '2025-01-01', $3, 'post', $4, 0)",
        )
        .bind(&id)
        .bind(person)
        .bind(&until)
        .bind(format!("code-{id}"))
        .execute(app.store.pool())
        .await
        .unwrap();
        names.push(locale);
    }
    let job = madoguchi::notify::reminders::Reminders {
        store: app.store.clone(),
        localizer: std::sync::Arc::new(madoguchi::i18n::Localizer::load().unwrap()),
        base_url: url::Url::parse("http://localhost:8080/").unwrap(),
        default_locale: madoguchi::i18n::Locale::Ja,
    };
    job.run_once(madoguchi::store::today_jst()).await.unwrap();
    let mails = app.store.outbox().list_recent(100).await.unwrap();
    let body = |to: &str| {
        mails.iter().find(|m| m.recipient == to && m.kind == "mail-certificate-expiry").expect("a reminder").clone()
    };
    let en = body("taro@example.jp");
    assert_eq!(en.locale, "en");
    assert!(en.body_text.contains("Japan Health Insurance Association (Kyokai Kenpo), Tokyo"), "{}", en.body_text);
    let easy = body("maria@example.jp");
    assert_eq!(easy.locale, "ja-easy");
    assert!(
        easy.body_text.contains("協会けんぽ") && !easy.body_text.contains("全国健康保険協会"),
        "{}",
        easy.body_text
    );
}

#[tokio::test]
async fn the_registration_page_names_insurers_in_the_readers_language() {
    let app = spawn_app().await;
    let taro = sign_in_as(&app, "p-taro").await;
    let (html, _) = page_in(&taro, "en", "/registration").await;
    let text = main_text(&html);
    // The record's heading and the certificate's link both.
    assert_eq!(text.matches("Aoba City National Health Insurance").count(), 2, "{text}");
    assert!(!text.contains("あおば市国民健康保険"), "{text}");
    let (html, body) = page_in(&taro, "ja-easy", "/registration").await;
    assert!(body.contains("あおば<ruby>市<rt>し</rt></ruby>の <ruby>国民健康保険"), "readings in the heading");
    let text = main_text(&html);
    assert_eq!(text.matches("あおば市の 国民健康保険").count(), 2, "{text}");
    assert!(!has_iso_date(&text), "{text}");
}

/// Posts to `path` with the session's CSRF token (taken from the signed-in page's sign-out form).
pub async fn post_signed_in(app: &TestApp, path: &str) -> reqwest::Response {
    let token = app.csrf_token("/requests").await;
    app.post_form(path, &[("csrf_token", token.as_str())]).await
}

async fn state_of(app: &TestApp, id: &str) -> String {
    let (state,): (String,) =
        sqlx::query_as("SELECT state FROM requests WHERE id = $1").bind(id).fetch_one(app.store.pool()).await.unwrap();
    state
}

#[tokio::test]
async fn the_request_pages_say_what_to_do_meanwhile_and_withdrawing_asks_first_then_works() {
    use crate::enrolments::{sent_request, taro_at_aoba};
    use madoguchi::requests::service::{Command, Decision};
    let app = spawn_app().await;
    let id = sent_request(&app, "p-taro", "ins-aoba-kokuho", taro_at_aoba()).await;
    let taro = sign_in_as(&app, "p-taro").await;
    for lang in LOCALES {
        for path in [format!("/requests/{id}/confirmation"), format!("/requests/{id}")] {
            let (html, _) = page_in(&taro, lang, &path).await;
            assert_eq!(select_all(&html, "#meanwhile-delivery").len(), 1, "{lang} {path}: how long it takes");
            assert_eq!(select_all(&html, "#meanwhile-clinic").len(), 1, "{lang} {path}: what to show meanwhile");
            let tel = attr_all(&html, "#meanwhile-call a", "href");
            assert_eq!(tel, vec!["tel:+81120000111"], "{lang} {path}: the request's insurer to call");
            let withdraw = attr_all(&html, "#withdraw-link", "href");
            assert_eq!(withdraw, vec![format!("/requests/{id}/withdraw")], "{lang} {path}");
        }
    }
    // The first step only asks: nothing is withdrawn by opening it.
    let (html, _) = page_in(&taro, "en", &format!("/requests/{id}/withdraw")).await;
    assert_eq!(select_all(&html, "#withdraw-confirm").len(), 1);
    // Marked as a step that cannot be undone, so that nothing sends it on a person's behalf (the browser crawler).
    assert_eq!(select_all(&html, "form[data-destructive] #withdraw-confirm").len(), 1);
    assert_eq!(attr_all(&html, "#withdraw-keep", "href"), vec![format!("/requests/{id}")]);
    assert_eq!(state_of(&app, &id).await, "submitted");
    // Somebody else cannot withdraw it.
    let tanaka = sign_in_as(&app, "p-tanaka").await;
    let path = format!("/requests/{id}/withdraw");
    assert_eq!(post_signed_in(&tanaka, &path).await.status(), 404, "an officer");
    assert_eq!(state_of(&app, &id).await, "submitted");
    // The second step withdraws, through the service (timeline and all).
    let res = post_signed_in(&taro, &path).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], format!("/requests/{id}"));
    assert_eq!(state_of(&app, &id).await, "withdrawn");
    let (html, _) = page_in(&taro, "en", &format!("/requests/{id}")).await;
    assert!(select_all(&html, "#meanwhile").is_empty(), "nothing to wait for");
    assert!(select_all(&html, ".timeline li").iter().any(|l| l.contains("withdrawn") || l.contains("Withdrawn")));
    assert_eq!(taro.get(&path).await.status(), 303, "nothing left to withdraw");

    // A draft is given up the same way; a request the insurer is deciding is not withdrawn.
    let service = crate::helpers::requests(&app);
    let now = madoguchi::store::now_ms();
    let second = sent_request(&app, "p-taro", "ins-aoba-kokuho", taro_at_aoba()).await;
    let start = Command::Decide {
        request_id: second.clone(),
        officer_id: Some("p-tanaka".into()),
        decision: Decision::StartReview,
    };
    service.run(start, now).await.unwrap().unwrap();
    let (html, _) = page_in(&taro, "ja", &format!("/requests/{second}")).await;
    assert!(select_all(&html, "#withdraw-link").is_empty(), "not while the insurer decides");
    assert_eq!(select_all(&html, "#meanwhile-delivery").len(), 1, "still waiting");
    let refused = post_signed_in(&taro, &format!("/requests/{second}/withdraw")).await;
    assert_eq!(refused.status(), 303);
    assert_eq!(state_of(&app, &second).await, "in_review");
    let create = Command::CreateDraft {
        kind: madoguchi::requests::RequestKind::Certificate,
        filed_by: "p-taro".into(),
        filing: madoguchi::requests::service::Filing {
            subject_id: "p-taro".into(),
            filed_as: madoguchi::requests::FiledAs::SelfFiled,
            facility_id: None,
        },
        municipality_id: Some("mun-aoba".into()),
    };
    let draft = service.run(create, now).await.unwrap().unwrap().request_id;
    let (html, _) = page_in(&taro, "ja-easy", &format!("/requests/{draft}/withdraw")).await;
    assert_eq!(attr_all(&html, "#withdraw-keep", "href"), vec![format!("/certificates/{draft}/check")]);
    let res = post_signed_in(&taro, &format!("/requests/{draft}/withdraw")).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/requests");
    assert_eq!(state_of(&app, &draft).await, "withdrawn");
}

#[tokio::test]
async fn the_certificates_page_answers_first_whether_the_signed_in_person_needs_one() {
    let app = spawn_app().await;
    // Taro's card is his insurance card with Aoba's national health insurance, which has registered him.
    let taro = sign_in_as(&app, "p-taro").await;
    for lang in LOCALES {
        let (html, _) = page_in(&taro, lang, "/certificates").await;
        assert_eq!(attr_all(&html, "#need-answer", "data-need"), vec!["not-needed"], "{lang}");
        let first = attr_all(&html, "main h1 + *", "id");
        assert_eq!(first, vec!["need-answer"], "{lang}: the answer comes first");
    }
    let (html, _) = page_in(&taro, "en", "/certificates").await;
    let answer = select_all(&html, "#need-answer p").join(" ");
    assert!(answer.contains("do not need") && answer.contains("Aoba City National Health Insurance"), "{answer}");
    // Hanako's record has no card registered: she needs one.
    let hanako = sign_in_as(&app, "p-hanako").await;
    let (html, _) = page_in(&hanako, "ja", "/certificates").await;
    assert_eq!(attr_all(&html, "#need-answer", "data-need"), vec!["card-not-registered"]);
    // Signed out, the portal knows nothing: the general explanation only.
    let res = app.get("/certificates").await;
    let html = Html::parse_document(&res.text().await.unwrap());
    assert!(select_all(&html, "#need-answer").is_empty());
}

/// A draft for `subject` with these answers, saved through the service as the question pages do.
async fn draft_with(
    app: &TestApp,
    subject: &str,
    answers: madoguchi::requests::certificate::CertificateAnswers,
) -> String {
    use madoguchi::requests::service::{Answers, Command, Filing};
    let service = crate::helpers::requests(app);
    let now = madoguchi::store::now_ms();
    let filing =
        Filing { subject_id: subject.into(), filed_as: madoguchi::requests::FiledAs::SelfFiled, facility_id: None };
    let create = Command::CreateDraft {
        kind: madoguchi::requests::RequestKind::Certificate,
        filed_by: subject.into(),
        filing: filing.clone(),
        municipality_id: Some("mun-aoba".into()),
    };
    let id = service.run(create, now).await.unwrap().unwrap().request_id;
    let save = Command::SaveDraft {
        request_id: id.clone(),
        filed_by: subject.into(),
        filing,
        answers: Answers::Certificate(answers),
    };
    service.run(save, now).await.unwrap().unwrap();
    id
}

#[tokio::test]
async fn check_your_answers_says_when_the_record_has_other_numbers_or_a_request_is_open() {
    use crate::enrolments::{sent_request, taro_at_aoba};
    use madoguchi::requests::certificate::CertificateAnswers;
    let app = spawn_app().await;
    let taro = sign_in_as(&app, "p-taro").await;
    // As typed on his card: nothing to say.
    let right = draft_with(&app, "p-taro", taro_at_aoba()).await;
    let (html, _) = page_in(&taro, "en", &format!("/certificates/{right}/check")).await;
    assert!(select_all(&html, "#numbers-differ").is_empty());
    assert!(select_all(&html, "#open-requests").is_empty());
    let withdraw = crate::usability::post_signed_in(&taro, &format!("/requests/{right}/withdraw")).await;
    assert_eq!(withdraw.status(), 303);

    // Another number than his record's, and a request to the same insurer already waiting.
    let open = sent_request(&app, "p-taro", "ins-aoba-kokuho", taro_at_aoba()).await;
    let wrong = draft_with(&app, "p-taro", CertificateAnswers { number: Some("99".into()), ..taro_at_aoba() }).await;
    for lang in LOCALES {
        let (html, _) = page_in(&taro, lang, &format!("/certificates/{wrong}/check")).await;
        assert_eq!(select_all(&html, "#numbers-differ .record-number"), vec!["1234567", "42", "01"], "{lang}");
        assert_eq!(
            attr_all(&html, "#numbers-differ a", "href"),
            vec![format!("/certificates/{wrong}/insured?change=1")]
        );
        assert_eq!(attr_all(&html, "#open-requests a", "href"), vec![format!("/requests/{open}")], "{lang}");
    }
}

fn location_of(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_string()
}

#[tokio::test]
async fn a_single_option_is_chosen_already_and_an_empty_answer_is_asked_for_not_checked() {
    let app = spawn_app().await;
    // Taro acts for nobody: the only person he can ask for is himself, chosen already.
    let taro = sign_in_as(&app, "p-taro").await;
    let first = location_of(&taro.get("/certificates/new").await);
    assert!(first.ends_with("/for-whom"), "{first}");
    let (html, _) = page_in(&taro, "en", &first).await;
    assert_eq!(attr_all(&html, "input[name=for_whom]", "value"), vec!["p-taro"]);
    assert_eq!(attr_all(&html, "input[name=for_whom][checked]", "value"), vec!["p-taro"]);
    // Hanako may also ask for her ward: she chooses.
    let hanako = sign_in_as(&app, "p-hanako").await;
    let hers = location_of(&hanako.get("/certificates/new").await);
    let (html, _) = page_in(&hanako, "en", &hers).await;
    assert_eq!(attr_all(&html, "input[name=for_whom]", "value").len(), 2);
    assert!(attr_all(&html, "input[name=for_whom][checked]", "value").is_empty());

    // Nothing written: the summary asks for the answer; something written wrongly: check it.
    let base = first.trim_end_matches("/for-whom").to_string();
    for (lang, missing, check) in [
        ("ja", "まだ答えていない質問があります", "入力内容を確認してください"),
        ("ja-easy", "まだ答えていないところがあります", "書いたことを見てください"),
        ("en", "Some answers are missing", "There is a problem"),
    ] {
        assert_eq!(taro.get(&format!("/language/{lang}?back=/")).await.status(), 303);
        let res = answer(&taro, &format!("{base}/reason"), &[("reason", "")]).await;
        assert_eq!(res.status(), 422);
        let html = Html::parse_document(&res.text().await.unwrap());
        let title = text_of(&html, "#error-summary-title").join("").replace(' ', "");
        assert_eq!(title, missing.replace(' ', ""), "{lang}");
        let res = answer(&taro, &format!("{base}/name"), &[("name", "山田 太郎"), ("name_kana", "abc")]).await;
        assert_eq!(res.status(), 422);
        let html = Html::parse_document(&res.text().await.unwrap());
        let title = text_of(&html, "#error-summary-title").join("").replace(' ', "");
        assert_eq!(title, check.replace(' ', ""), "{lang}");
    }
}

#[tokio::test]
async fn an_authority_that_lapsed_says_the_day_it_ended() {
    let app = spawn_app().await;
    let last_day = (madoguchi::store::today_jst() - chrono::Duration::days(3)).to_string();
    sqlx::query("UPDATE representations SET ends_on = $1 WHERE representative_id = 'p-hanako'")
        .bind(&last_day)
        .execute(app.store.pool())
        .await
        .unwrap();
    let hanako = sign_in_as(&app, "p-hanako").await;
    let shown = madoguchi::i18n::format::date_iso(madoguchi::i18n::Locale::Ja, &last_day);
    let (html, _) = page_in(&hanako, "ja", "/account/representation").await;
    let text = main_text(&html);
    assert!(text.contains(&format!("{shown} に終了しました")), "{text}");
}

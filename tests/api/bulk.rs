//! Bulk applications: a facility's staff upload a CSV (Shift_JIS or UTF-8), fix rows, and send them all at
//! once, once.

use scraper::Html;

use crate::helpers::{TestApp, attr_all, multipart_body, select_all, sign_in_as, spawn_app};

const HEADER: &str =
    "氏名,フリガナ,生年月日,保険者番号,記号,番号,枝番,申請の理由,受け取り方法,郵便番号,住所,連絡方法,電話番号";

fn shift_jis(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

/// Uploads a file as the browser does (the token in the form's address).
async fn upload(app: &TestApp, file: &[u8]) -> reqwest::Response {
    let page = Html::parse_document(&app.get("/facility/bulk").await.text().await.unwrap());
    let action = attr_all(&page, r#"form[enctype="multipart/form-data"]"#, "action").pop().expect("an upload form");
    let (content_type, data) = multipart_body(&[], Some(("file", "residents.csv", file)));
    app.client.post(app.url(&action)).header("content-type", content_type).body(data).send().await.unwrap()
}

/// Uploads and returns the batch's address.
async fn upload_batch(app: &TestApp, file: &[u8]) -> String {
    let response = upload(app, file).await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    response.headers()["location"].to_str().unwrap().to_string()
}

async fn submit(app: &TestApp, batch: &str, rows: &[&str]) -> reqwest::Response {
    let token = app.csrf_token(batch).await;
    let mut fields = vec![("csrf_token", token.as_str())];
    fields.extend(rows.iter().map(|r| ("row", *r)));
    app.post_form(&format!("{batch}/submit"), &fields).await
}

/// The requests the batches became, and every request there is (so a request outside a batch shows too).
async fn bulk_requests(app: &TestApp) -> Vec<(String, String, String, String)> {
    sqlx::query_as(
        "SELECT subject_id, filed_as, state, COALESCE(facility_id, '') FROM requests \
         WHERE id IN (SELECT request_id FROM bulk_rows) ORDER BY subject_id",
    )
    .fetch_all(app.store.pool())
    .await
    .unwrap()
}

async fn all_requests(app: &TestApp) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM requests").fetch_one(app.store.pool()).await.unwrap();
    n
}

/// Switches the language the way a browser does (the cookie the language link sets).
async fn speak(app: &TestApp, code: &str) {
    assert!(app.get(&format!("/language/{code}")).await.status().as_u16() < 400);
}

fn three_rows() -> String {
    format!(
        "{HEADER}\r\n\
         渡辺 トメ,ﾜﾀﾅﾍﾞ ﾄﾒ,昭和10年2月11日,138008,,12345,01,no-card,post,100-0001,あおば市①丁目 ㈱髙﨑ビル,post,\r\n\
         小林 茂,コバヤシ シゲル,1940-09-30,138008,,22222,1,cannot-use-card,download,,,email,\r\n\
         山田 太郎,ヤマダ タロウ,1950-01-01,138008,,33333,,no-card,download,,,fax,\r\n"
    )
}

#[tokio::test]
async fn a_shift_jis_file_with_good_and_bad_rows_is_fixed_in_the_browser_and_sent_once() {
    let app = spawn_app().await;
    let staff = sign_in_as(&app, "p-ken").await;
    let before = all_requests(&app).await;
    let batch = upload_batch(&staff, &shift_jis(&three_rows())).await;
    let html = staff.get(&batch).await.text().await.unwrap();
    let page = Html::parse_document(&html);
    assert_eq!(select_all(&page, "table caption").len(), 1);
    assert_eq!(select_all(&page, "tbody th[scope=row]"), ["1", "2", "3"]);
    assert_eq!(attr_all(&page, ".error-summary a", "href"), ["#row-2", "#row-3"], "{html}");
    assert!(html.contains("あおば市") || html.contains("渡辺 トメ"), "Shift_JIS read: {html}");
    assert!(html.contains("同意のある入所者がいません"), "row 3 is no resident: {html}");
    assert!(html.contains("fax") || html.contains("email, post, phone"), "{html}");
    assert_eq!(attr_all(&page, "input[name=row]", "value"), ["1"], "only the valid row can be chosen");

    // The rows with problems, with what is wrong, in the reader's language.
    speak(&staff, "en").await;
    let csv = staff.get(&format!("{batch}/problems.csv")).await.text().await.unwrap();
    speak(&staff, "ja").await;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[0].starts_with("\u{feff}Name,Name in katakana") && lines[0].ends_with("Problems"), "{csv}");
    assert!(lines[1].starts_with("小林 茂") && lines[1].contains("Branch number"), "{csv}");

    // Row 2's branch is fixed in the browser; a mistake first keeps what was typed.
    let token = staff.csrf_token(&format!("{batch}/rows/2")).await;
    let mut fields: Vec<(&str, &str)> = vec![
        ("csrf_token", &token),
        ("name", "小林 茂"),
        ("name_kana", "コバヤシ シゲル"),
        ("birth_date", "1940-09-30"),
        ("insurer_number", "138008"),
        ("number", "22222"),
        ("branch", "1x"),
        ("reason", "cannot-use-card"),
        ("delivery", "download"),
        ("contact", "email"),
    ];
    let again = staff.post_form(&format!("{batch}/rows/2"), &fields).await;
    assert_eq!(again.status(), 422);
    let again = Html::parse_document(&again.text().await.unwrap());
    assert_eq!(attr_all(&again, "input[name=branch]", "value"), ["1x"]);
    assert_eq!(attr_all(&again, ".error-summary a", "href"), ["#branch"]);
    fields[6] = ("branch", "01");
    let fixed = staff.post_form(&format!("{batch}/rows/2"), &fields).await;
    assert_eq!(fixed.status(), 303);

    // Row 3 is chosen too, but it is not valid: nothing is sent.
    submit(&staff, &batch, &["1", "2", "3"]).await;
    let sent = submit(&staff, &batch, &["1", "2"]).await;
    assert_eq!(sent.status(), 303);
    let filed = bulk_requests(&app).await;
    assert_eq!(
        filed,
        [
            ("p-shigeru".into(), "facility".into(), "submitted".into(), "fac-hidamari".into()),
            ("p-tome".into(), "facility".into(), "submitted".into(), "fac-hidamari".into()),
        ]
    );
    // Again (a reload, a second tab): nothing more.
    submit(&staff, &batch, &["1", "2"]).await;
    assert_eq!(bulk_requests(&app).await.len(), 2);
    assert_eq!(all_requests(&app).await, before + 2, "no draft or request outside the batch");

    // The batch page links each row to its request, which the staff member can open.
    let page = Html::parse_document(&staff.get(&batch).await.text().await.unwrap());
    let links = attr_all(&page, "tbody a[href^='/requests/']", "href");
    assert_eq!(links.len(), 2);
    assert_eq!(staff.get(&links[0]).await.status(), 200);
    let names: (String,) = sqlx::query_as(
        "SELECT answers FROM requests WHERE subject_id = 'p-tome' AND filed_by = 'p-ken' AND state = 'submitted'",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert!(names.0.contains("㈱髙﨑ビル") && names.0.contains("ワタナベ"), "{}", names.0);
}

#[tokio::test]
async fn parallel_submits_of_one_batch_create_each_request_once() {
    let app = spawn_app().await;
    let staff = sign_in_as(&app, "p-ken").await;
    let before = all_requests(&app).await;
    let batch = upload_batch(&staff, three_rows().as_bytes()).await;
    let token = staff.csrf_token(&batch).await;
    let path = format!("{batch}/submit");
    let fields = [("csrf_token", token.as_str()), ("row", "1")];
    let (a, b, c) =
        tokio::join!(staff.post_form(&path, &fields), staff.post_form(&path, &fields), staff.post_form(&path, &fields));
    for r in [a, b, c] {
        assert!(r.status().as_u16() < 500, "{}", r.status());
    }
    assert_eq!(bulk_requests(&app).await.len(), 1);
    assert_eq!(all_requests(&app).await, before + 1, "the losers wrote nothing");
}

#[tokio::test]
async fn file_problems_come_before_columns_and_columns_name_what_they_likely_meant() {
    let app = spawn_app().await;
    let staff = sign_in_as(&app, "p-ken").await;
    let bad = upload(&staff, &[0xFF, 0xFE, 0xFD, 0x41]).await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("文字コードが読めません"));
    let columns = "氏名,フリガナ,生年月日,保険者番,番号,申請の理由,受け取り方法,連絡方法\r\nA,B,C,D,E,F,G,H\r\n";
    let bad = upload(&staff, columns.as_bytes()).await.text().await.unwrap();
    assert!(bad.contains("「保険者番」という列は使えません。「保険者番号」のことですか"), "{bad}");
    assert!(bad.contains("「保険者番号」の列がありません"), "{bad}");

    // Too large: refused from its Content-Length, before the body is read.
    let page = Html::parse_document(&staff.get("/facility/bulk").await.text().await.unwrap());
    let action = attr_all(&page, r#"form[enctype="multipart/form-data"]"#, "action").pop().unwrap();
    let big = vec![b'a'; madoguchi::bulk::MAX_UPLOAD_BYTES + 100 * 1024];
    let (content_type, data) = multipart_body(&[], Some(("file", "big.csv", &big)));
    let response =
        staff.client.post(staff.url(&action)).header("content-type", content_type).body(data).send().await.unwrap();
    assert_eq!(response.status(), 413);
    assert!(response.text().await.unwrap().contains("ファイルが大きすぎます"));
}

#[tokio::test]
async fn the_template_has_its_headers_in_the_readers_language() {
    let app = spawn_app().await;
    let staff = sign_in_as(&app, "p-ken").await;
    let index = staff.get("/facility/bulk").await.text().await.unwrap();
    assert!(index.contains("hidamari-2026-12.csv"), "the demo batch is listed: {index}");
    let ja = staff.get("/facility/bulk/template.csv").await;
    assert_eq!(ja.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(ja.text().await.unwrap().trim_end(), format!("\u{feff}{HEADER}"));
    speak(&staff, "en").await;
    let en = staff.get("/facility/bulk/template.csv").await.text().await.unwrap();
    assert!(en.starts_with("\u{feff}Name,Name in katakana,Date of birth"), "{en}");
    // A file made from the English template reads.
    let file =
        format!("{}\r\n渡辺 トメ,ワタナベ トメ,1935-02-11,138008,,12345,,no-card,download,,,email,\r\n", en.trim());
    upload_batch(&staff, file.as_bytes()).await;
}

#[tokio::test]
async fn staff_of_another_facility_or_without_consent_cannot_reach_a_batch_or_send_for_the_resident() {
    let app = spawn_app().await;
    let staff = sign_in_as(&app, "p-ken").await;
    let batch = upload_batch(&staff, three_rows().as_bytes()).await;
    let pool = app.store.pool();
    sqlx::query(
        "INSERT INTO facilities (id, name_ja, name_en, kind, municipality_id, created_at) \
         SELECT 'fac-other', 'ほか', 'Other', kind, municipality_id, 0 FROM facilities WHERE id = 'fac-hidamari'",
    )
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO roles (person_id, role, organisation_id, created_at) \
         VALUES ('p-taro', 'facility_staff', 'fac-other', 0)",
    )
    .execute(pool)
    .await
    .unwrap();
    let other = sign_in_as(&app, "p-taro").await;
    assert_eq!(other.get("/facility/bulk").await.status(), 200, "staff of their own facility");
    assert_eq!(other.get(&batch).await.status(), 404);
    assert_eq!(other.get(&format!("{batch}/problems.csv")).await.status(), 404);
    assert_eq!(other.get(&format!("{batch}/rows/1")).await.status(), 404);
    assert_eq!(submit(&other, &batch, &["1"]).await.status(), 404);
    let resident = sign_in_as(&app, "p-hanako").await;
    assert_eq!(resident.get(&batch).await.status(), 403);

    // Consent withdrawn after the upload: the row is checked again and nothing is sent.
    sqlx::query("UPDATE facility_residents SET consent_recorded_at = NULL WHERE person_id = 'p-tome'")
        .execute(pool)
        .await
        .unwrap();
    let before = all_requests(&app).await;
    submit(&staff, &batch, &["1"]).await;
    assert_eq!(bulk_requests(&app).await.len(), 0);
    assert_eq!(all_requests(&app).await, before);
    let html = staff.get(&batch).await.text().await.unwrap();
    assert!(html.contains("同意のある入所者がいません"), "{html}");
}

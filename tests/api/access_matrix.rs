//! The access policy (`madoguchi::access`) as a matrix: every relationship to one person, in each of its
//! states, against every route that opens that person's records by id (or acts for them), with the answer
//! each must get. The relationships are built by the small builders below, straight into the database.

use madoguchi::requests::FiledAs;
use madoguchi::requests::certificate::{CertificateAnswers, Reason};
use madoguchi::requests::service::Filing;
use madoguchi::store::{new_id, now_ms, today_jst};
use scraper::Html;

use crate::helpers::{SentRequest, TestApp, attr_all, send_request, sign_in_as, spawn_app};

/// The insurer of the ward's records (全国健康保険協会), whose officer is p-nakamura; p-tanaka works for another
/// insurer (あおば市国保) and p-suzuki for the ward's municipality (あおば市).
const INSURER: &str = "ins-kyokai-tokyo";

fn day(offset: i64) -> String {
    (today_jst() + chrono::Duration::days(offset)).to_string()
}

/// The person whose records everyone tries to open: a resident of あおば市 with a certificate request to 協会けんぽ
/// (filed by the facility they later leave) and the certificate issued on it.
struct Ward {
    id: String,
    request: String,
    certificate: String,
}

async fn resident(app: &TestApp, label: &str) -> String {
    let email = format!("{label}-{}@example.jp", &new_id()[..8]);
    let id = app
        .store
        .create_resident(&madoguchi::store::accounts::NewResident {
            name: "試験 太郎",
            name_kana: "シケン タロウ",
            birth_date: "1950-04-01",
            email: &email,
            locale: "ja",
        })
        .await
        .unwrap();
    sqlx::query("UPDATE people SET municipality_id = 'mun-aoba' WHERE id = $1")
        .bind(&id)
        .execute(app.store.pool())
        .await
        .unwrap();
    id
}

async fn ward(app: &TestApp, filing_facility: &str, filed_by: &str) -> Ward {
    let store = &app.store;
    let id = resident(app, "ward").await;
    let filing =
        Filing { subject_id: id.clone(), filed_as: FiledAs::Facility, facility_id: Some(filing_facility.to_string()) };
    let answers = CertificateAnswers {
        insurer_id: Some(INSURER.to_string()),
        reason: Some(Reason::NoCard),
        ..CertificateAnswers::default()
    };
    let request = send_request(app, SentRequest { filed_by, filing, municipality_id: Some("mun-aoba"), answers }).await;
    let certificate = new_id();
    sqlx::query(
        "INSERT INTO certificates (id, request_id, person_id, insurer_id, name, name_kana, birth_date, symbol, number, \
         insurer_number, insurer_name, issued_on, valid_from, valid_until, delivery, code, created_at) \
         VALUES ($1, $2, $3, $4, '試験 太郎', 'シケン タロウ', '1950-04-01', '1', '1', '01130012', '協会けんぽ', $5, $5, $6, \
         'download', $7, $8)",
    )
    .bind(&certificate)
    .bind(&request)
    .bind(&id)
    .bind(INSURER)
    .bind(day(0))
    .bind(day(365))
    .bind(format!("code-{certificate}"))
    .bind(now_ms())
    .execute(store.pool())
    .await
    .unwrap();
    Ward { id, request, certificate }
}

/// An authority over the ward, as the municipality's review would leave it.
struct Authority {
    state: &'static str,
    scope: &'static str,
    starts_on: Option<String>,
    ends_on: Option<String>,
}

const EVERY_SCOPE: &str = "card_application,qualification_certificate,express_issuance,newborn,outreach_booking";

impl Authority {
    fn approved() -> Authority {
        Authority { state: "approved", scope: EVERY_SCOPE, starts_on: None, ends_on: None }
    }
}

/// A new resident holding `a` over the ward.
async fn representative(app: &TestApp, ward: &Ward, a: Authority) -> String {
    let id = resident(app, "rep").await;
    sqlx::query(
        "INSERT INTO representations (id, representative_id, ward_id, relationship, state, created_at, reason, scope, \
         starts_on, ends_on, proof_state) VALUES ($1, $2, $3, 'family', $4, $5, 'long_hospital_stay', $6, $7, $8, 'not_needed')",
    )
    .bind(new_id())
    .bind(&id)
    .bind(&ward.id)
    .bind(a.state)
    .bind(now_ms())
    .bind(a.scope)
    .bind(a.starts_on)
    .bind(a.ends_on)
    .execute(app.store.pool())
    .await
    .unwrap();
    id
}

async fn facility(app: &TestApp, id: &str) {
    app.store.create_facility(id, id, id, "mun-aoba").await.unwrap();
}

async fn staff(app: &TestApp, facility: &str) -> String {
    let mut tx = app.store.pool().begin().await.unwrap();
    let email = format!("staff-{}@example.jp", &new_id()[..8]);
    let id = madoguchi::store::organisations::create_staff(
        &mut tx,
        &madoguchi::store::organisations::NewStaff {
            name: "職員",
            name_kana: "ショクイン",
            email: &email,
            role: "facility_staff",
            organisation_id: facility,
            locale: "ja",
        },
        None,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

/// The ward moves into `facility` and consents to its help; then, as `after` says, withdraws or leaves.
async fn residence(app: &TestApp, ward: &Ward, facility: &str, by: &str, after: After) {
    app.store.add_facility_resident(facility, &ward.id).await.unwrap();
    assert!(app.store.set_consent(facility, &ward.id, by, true).await.unwrap());
    match after {
        After::Stays => {}
        After::Withdraws => assert!(app.store.set_consent(facility, &ward.id, by, false).await.unwrap()),
        After::Leaves => assert!(app.store.record_departure(facility, &ward.id, by, &day(0)).await.unwrap()),
    }
}

#[derive(Clone, Copy)]
enum After {
    Stays,
    Withdraws,
    Leaves,
}

/// What one relationship in one state must get.
struct Expected {
    /// The request page, its status letter, the certificate page and the certificate file.
    records: bool,
    /// The automatic-renewal switch (the holder's side only).
    renew: bool,
    /// For representatives: switching to act for the ward (`None`: not a representative).
    acting: Option<Acting>,
    /// For facility staff: the facility and whether the resident's pages there open.
    facility: Option<(&'static str, bool)>,
    /// The ward is offered in "for whom" when filing (`None`: cannot file at all).
    offered: Option<bool>,
}

#[derive(Clone, Copy)]
struct Acting {
    /// The switch accepts the ward (an authority in term, whatever its scope).
    switch: bool,
    /// Then the ward's registration page opens (an authority covering qualification certificates).
    registration: bool,
}

const DENIED: Expected = Expected { records: false, renew: false, acting: None, facility: None, offered: None };

fn representative_expects(in_term: bool, covers: bool) -> Expected {
    Expected {
        records: covers,
        renew: covers,
        acting: Some(Acting { switch: in_term, registration: covers }),
        facility: None,
        offered: Some(covers),
    }
}

fn staff_expects(facility: &'static str, counts: bool) -> Expected {
    Expected { records: counts, renew: counts, acting: None, facility: Some((facility, counts)), offered: Some(counts) }
}

async fn post(client: &TestApp, path: &str, fields: &[(&str, &str)]) -> u16 {
    let token = client.csrf_token("/contact").await;
    let mut all = vec![("csrf_token", token.as_str())];
    all.extend_from_slice(fields);
    client.post_form(path, &all).await.status().as_u16()
}

async fn status(client: &TestApp, path: &str) -> u16 {
    client.get(path).await.status().as_u16()
}

/// Every route of the ward's records, as `who`, against what `e` says.
async fn check(app: &TestApp, ward: &Ward, who: &str, person: &str, e: &Expected) {
    let client = sign_in_as(app, person).await;
    let shown = if e.records { 200 } else { 404 };
    let routes = [
        format!("/requests/{}", ward.request),
        format!("/requests/{}/letter", ward.request),
        format!("/certificates/issued/{}", ward.certificate),
        format!("/certificates/{}/download", ward.certificate),
    ];
    for path in &routes {
        assert_eq!(status(&client, path).await, shown, "{who}: GET {path}");
    }
    let listed = client.get("/requests").await.text().await.unwrap().contains(&format!("/requests/{}", ward.request));
    assert_eq!(listed, e.records && e.offered.is_some(), "{who}: the ward's request in their list");
    let renew = format!("/certificates/issued/{}/auto-renew", ward.certificate);
    let renewed = post(&client, &renew, &[("auto_renew", "on")]).await;
    assert_eq!(renewed, if e.renew { 303 } else { 404 }, "{who}: POST {renew}");

    if let Some(offered) = e.offered {
        let res = client.get("/certificates/new").await;
        assert_eq!(res.status(), 303, "{who}: starts a request");
        // The "for whom" question of the draft it continues or starts, whatever was answered before.
        let draft = res.headers()["location"].to_str().unwrap().split('/').nth(2).unwrap().to_string();
        let first = format!("/certificates/{draft}/for-whom");
        let html = Html::parse_document(&client.get(&first).await.text().await.unwrap());
        let choices = attr_all(&html, "input[name=for_whom]", "value");
        assert_eq!(choices.contains(&ward.id), offered, "{who}: the ward in \"for whom\" ({choices:?})");
        // Choosing the ward anyway (a hand-made form) is refused unless offered.
        let chosen = post(&client, &first, &[("for_whom", &ward.id)]).await;
        assert_eq!(chosen, if offered { 303 } else { 422 }, "{who}: choosing the ward");
    }

    match e.acting {
        Some(acting) => {
            let switched = post(&client, "/acting-for", &[("ward", &ward.id), ("back", "/account")]).await;
            assert_eq!(switched, if acting.switch { 303 } else { 404 }, "{who}: acting for the ward");
            if acting.switch {
                let registration = status(&client, "/registration").await;
                assert_eq!(registration, if acting.registration { 200 } else { 404 }, "{who}: the ward's registration");
                // The access log is theirs to read for any authority in term.
                assert_eq!(status(&client, "/account/access-log").await, 200, "{who}: the ward's access log");
            }
        }
        None => {
            let switched = post(&client, "/acting-for", &[("ward", &ward.id), ("back", "/account")]).await;
            assert_eq!(switched, 404, "{who}: acting for the ward");
        }
    }

    if let Some((facility, opens)) = e.facility {
        let path = format!("/facility/{facility}/residents/{}/registration", ward.id);
        assert_eq!(status(&client, &path).await, if opens { 200 } else { 404 }, "{who}: GET {path}");
    }
}

#[tokio::test]
async fn each_relationship_in_each_state_gets_the_answer_the_policy_gives_on_every_route() {
    let app = spawn_app().await;
    for f in ["fac-consent", "fac-withdrawn", "fac-left"] {
        facility(&app, f).await;
    }
    // The request was filed by staff of the facility the ward later leaves.
    let filer = staff(&app, "fac-left").await;
    let ward = ward(&app, "fac-left", &filer).await;

    let mut cases: Vec<(&str, String, Expected)> = Vec::new();
    // The subject.
    cases.push((
        "subject",
        ward.id.clone(),
        Expected { records: true, renew: true, acting: None, facility: None, offered: Some(true) },
    ));

    // Representatives, one per state of their authority.
    let a = Authority::approved;
    let reps = [
        ("representative, pending", Authority { state: "pending", ..a() }, false, false),
        ("representative, approved", a(), true, true),
        ("representative, starts tomorrow", Authority { starts_on: Some(day(1)), ..a() }, false, false),
        ("representative, started today", Authority { starts_on: Some(day(0)), ..a() }, true, true),
        ("representative, ended yesterday", Authority { ends_on: Some(day(-1)), ..a() }, false, false),
        ("representative, ends today", Authority { ends_on: Some(day(0)), ..a() }, true, true),
        ("representative, ended by a party", Authority { state: "ended", ..a() }, false, false),
        ("representative, declined", Authority { state: "declined", ..a() }, false, false),
        ("representative, card applications only", Authority { scope: "card_application", ..a() }, true, false),
    ];
    for (who, authority, in_term, covers) in reps {
        let id = representative(&app, &ward, authority).await;
        cases.push((who, id, representative_expects(in_term, covers)));
    }

    // Facility staff: while the ward lives there and consents; the staff member who filed the request no
    // longer opens it once the ward has left.
    let consent_staff = staff(&app, "fac-consent").await;
    residence(&app, &ward, "fac-consent", &consent_staff, After::Stays).await;
    let joined_later = staff(&app, "fac-consent").await;
    let withdrawn_staff = staff(&app, "fac-withdrawn").await;
    residence(&app, &ward, "fac-withdrawn", &withdrawn_staff, After::Withdraws).await;
    let joined_after_withdrawal = staff(&app, "fac-withdrawn").await;
    residence(&app, &ward, "fac-left", &filer, After::Leaves).await;
    cases.push(("facility staff, consent", consent_staff, staff_expects("fac-consent", true)));
    cases.push(("facility staff, joined later", joined_later, staff_expects("fac-consent", true)));
    cases.push(("facility staff, consent withdrawn", withdrawn_staff, staff_expects("fac-withdrawn", false)));
    cases.push((
        "facility staff, joined after the withdrawal",
        joined_after_withdrawal,
        staff_expects("fac-withdrawn", false),
    ));
    cases.push(("facility staff who filed it, resident left", filer, staff_expects("fac-left", false)));

    // Officers and administrators: only the record's insurer.
    cases.push(("insurer officer of the record's insurer", "p-nakamura".into(), Expected { records: true, ..DENIED }));
    cases.push(("insurer officer of another insurer", "p-tanaka".into(), DENIED));
    cases.push(("municipal officer of the ward's municipality", "p-suzuki".into(), DENIED));
    cases.push(("administrator", "p-admin".into(), DENIED));
    // Someone with no relationship at all.
    cases.push(("another resident", "p-taro".into(), Expected { offered: Some(false), ..DENIED }));

    for (who, person, expected) in &cases {
        check(&app, &ward, who, person, expected).await;
    }

    // Pages whose role the administrator and officers never have answer 403, not the resident's data.
    for person in ["p-admin", "p-suzuki", "p-nakamura"] {
        let client = sign_in_as(&app, person).await;
        let path = format!("/facility/fac-consent/residents/{}/registration", ward.id);
        assert_eq!(status(&client, &path).await, 403, "{person}: GET {path}");
    }
    // A resident who left is no longer listed by the facility, nor can their consent be changed there.
    let staff_left = staff(&app, "fac-left").await;
    let client = sign_in_as(&app, &staff_left).await;
    let list = client.get("/facility").await.text().await.unwrap();
    assert!(!list.contains(&ward.id), "a resident who left is not listed");
    let consent = format!("/facility/fac-left/residents/{}/consent", ward.id);
    assert_eq!(post(&client, &consent, &[("action", "record")]).await, 404);
    let client = sign_in_as(&app, &staff(&app, "fac-consent").await).await;
    assert!(client.get("/facility").await.text().await.unwrap().contains(&ward.id), "a resident living there is");
}

#[tokio::test]
async fn a_request_for_a_ward_is_refused_at_submission_once_the_authority_no_longer_covers_it() {
    let app = spawn_app().await;
    let ward = resident(&app, "ward").await;
    let rep = resident(&app, "rep").await;
    let authority = new_id();
    sqlx::query(
        "INSERT INTO representations (id, representative_id, ward_id, relationship, state, created_at, reason, scope, \
         proof_state) VALUES ($1, $2, $3, 'family', 'approved', $4, 'long_hospital_stay', $5, 'not_needed')",
    )
    .bind(&authority)
    .bind(&rep)
    .bind(&ward)
    .bind(now_ms())
    .bind(EVERY_SCOPE)
    .execute(app.store.pool())
    .await
    .unwrap();
    let client = sign_in_as(&app, &rep).await;
    // Every question answered for the ward while the authority covered certificates.
    let res = client.get("/certificates/new").await;
    let first = res.headers()["location"].to_str().unwrap().to_string();
    let id = first.split('/').nth(2).unwrap().to_string();
    let base = format!("/certificates/{id}");
    let steps: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("for-whom", vec![("for_whom", ward.as_str())]),
        ("reason", vec![("reason", "cannot-use-card")]),
        ("insurer", vec![("insurer_number", "01130012"), ("insurer_id", "")]),
        ("insured", vec![("symbol", "1234567"), ("number", "42"), ("branch", "01")]),
        ("name", vec![("name", "試験 太郎"), ("name_kana", "シケン タロウ")]),
        ("birth-date", vec![("birth_date", "1950-04-01")]),
        ("delivery", vec![("delivery", "download"), ("postal_code", ""), ("address", "")]),
        ("contact", vec![("contact", "email"), ("phone", "")]),
    ];
    for (step, fields) in steps {
        assert_eq!(post(&client, &format!("{base}/{step}"), &fields).await, 303, "{step}");
    }
    assert_eq!(status(&client, &format!("{base}/check")).await, 200);
    // Then the municipality narrows it to card applications: the request cannot be sent for the ward.
    sqlx::query("UPDATE representations SET scope = 'card_application' WHERE id = $1")
        .bind(&authority)
        .execute(app.store.pool())
        .await
        .unwrap();
    let res = client
        .post_form(&format!("{base}/submit"), &[("csrf_token", &client.csrf_token(&format!("{base}/check")).await)])
        .await;
    assert_eq!(res.status(), 422);
    let html = Html::parse_document(&res.text().await.unwrap());
    assert_eq!(attr_all(&html, ".error-summary a", "href"), vec!["#for_whom"], "the error leads to the question");
    let (state,): (String,) =
        sqlx::query_as("SELECT state FROM requests WHERE id = $1").bind(&id).fetch_one(app.store.pool()).await.unwrap();
    assert_eq!(state, "draft", "nothing was sent");
}

#[tokio::test]
async fn facility_staff_record_that_a_resident_left_and_from_then_on_see_nothing_of_theirs() {
    let app = spawn_app().await;
    let ken = sign_in_as(&app, "p-ken").await;
    let registration = "/facility/fac-hidamari/residents/p-tome/registration";
    assert_eq!(status(&ken, registration).await, 200);
    let html = Html::parse_document(&ken.get("/facility").await.text().await.unwrap());
    let action = "/facility/fac-hidamari/residents/p-tome/left";
    assert!(attr_all(&html, "form[data-destructive]", "action").contains(&action.to_string()), "the form is offered");
    // Staff of another facility cannot, nor can anyone without a facility role.
    facility(&app, "fac-other-home").await;
    let outsider = staff(&app, "fac-other-home").await;
    assert_eq!(post(&sign_in_as(&app, &outsider).await, action, &[]).await, 404);
    assert_eq!(post(&sign_in_as(&app, "p-taro").await, action, &[]).await, 403);

    assert_eq!(post(&ken, action, &[]).await, 303);
    assert_eq!(status(&ken, registration).await, 404, "the resident's page is closed to the facility");
    assert!(!ken.get("/facility").await.text().await.unwrap().contains("p-tome"), "no longer listed");
    assert_eq!(post(&ken, action, &[]).await, 404, "left once");
    let consent = "/facility/fac-hidamari/residents/p-tome/consent";
    assert_eq!(post(&ken, consent, &[("action", "record")]).await, 404, "consent cannot be recorded after");
    let (lines,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'facility.resident_left' AND subject_id = 'p-tome' \
         AND actor_id = 'p-ken' AND organisation_id = 'fac-hidamari'",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(lines, 1);
}

/// A session acting for a ward loses them at once, on every page, when the authority stops counting: its end
/// date passes, the ward ends it, or it is narrowed to a scope that no longer covers the ward's certificate.
#[tokio::test]
async fn a_session_acting_for_a_ward_loses_their_records_at_once_when_the_authority_stops_counting() {
    let app = spawn_app().await;
    facility(&app, "fac-acting").await;
    let filer = staff(&app, "fac-acting").await;
    let ward = ward(&app, "fac-acting", &filer).await;
    let ward_client = sign_in_as(&app, &ward.id).await;
    // A name of their own, to tell the ward's records from the representative's in the lists.
    sqlx::query("UPDATE people SET name = '被代理 花子' WHERE id = $1")
        .bind(&ward.id)
        .execute(app.store.pool())
        .await
        .unwrap();
    let records = [
        format!("/requests/{}", ward.request),
        format!("/requests/{}/letter", ward.request),
        format!("/certificates/issued/{}", ward.certificate),
        format!("/certificates/{}/download", ward.certificate),
    ];
    for change in ["end date passed", "ended by the ward", "scope narrowed"] {
        let rep = representative(&app, &ward, Authority::approved()).await;
        let client = sign_in_as(&app, &rep).await;
        assert_eq!(post(&client, "/acting-for", &[("ward", &ward.id), ("back", "/account")]).await, 303, "{change}");
        assert_eq!(status(&client, "/registration").await, 200, "{change}: the ward's registration");
        let acting = |html: String| {
            Html::parse_document(&html).select(&scraper::Selector::parse(".acting-bar--other").unwrap()).count()
        };
        assert_eq!(acting(client.get("/account").await.text().await.unwrap()), 1, "{change}: acting before");
        // A request for the ward, started while acting for them and left as a draft.
        assert_eq!(client.get("/certificates/new").await.status(), 303, "{change}: a draft for the ward");
        assert!(client.get("/requests").await.text().await.unwrap().contains("被代理 花子"), "{change}: listed before");

        let (authority,): (String,) = sqlx::query_as("SELECT id FROM representations WHERE representative_id = $1")
            .bind(&rep)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        match change {
            "end date passed" => {
                sqlx::query("UPDATE representations SET ends_on = $1 WHERE id = $2")
                    .bind(day(-1))
                    .bind(&authority)
                    .execute(app.store.pool())
                    .await
                    .unwrap();
            }
            "ended by the ward" => {
                let path = format!("/account/representation/{authority}/end");
                assert_eq!(post(&ward_client, &path, &[]).await, 303, "the ward ends it");
            }
            _ => {
                sqlx::query("UPDATE representations SET scope = 'card_application' WHERE id = $1")
                    .bind(&authority)
                    .execute(app.store.pool())
                    .await
                    .unwrap();
            }
        }
        for path in &records {
            assert_eq!(status(&client, path).await, 404, "{change}: GET {path}");
        }
        let renew = format!("/certificates/issued/{}/auto-renew", ward.certificate);
        assert_eq!(post(&client, &renew, &[("auto_renew", "off")]).await, 404, "{change}: POST {renew}");
        let listed =
            client.get("/requests").await.text().await.unwrap().contains(&format!("/requests/{}", ward.request));
        assert!(!listed, "{change}: the ward's request is no longer listed");
        // (The switch in the page's header still names a ward the authority is in term for; the list must not.)
        let list = Html::parse_document(&client.get("/requests").await.text().await.unwrap());
        let items: Vec<String> =
            list.select(&scraper::Selector::parse("main p.hint").unwrap()).map(|p| p.text().collect()).collect();
        assert!(!items.iter().any(|i| i.contains("被代理 花子")), "{change}: not even the draft is listed: {items:?}");
        if change == "scope narrowed" {
            // Still in term: they may act for the ward, but not on their certificates.
            assert_eq!(status(&client, "/registration").await, 404, "{change}: the ward's registration");
        } else {
            let bar = acting(client.get("/account").await.text().await.unwrap());
            assert_eq!(bar, 0, "{change}: no longer acting for the ward");
            let html = client.get("/account/access-log").await.text().await.unwrap();
            assert!(!html.contains(&ward.id), "{change}: not the ward's access log");
            assert_eq!(
                post(&client, "/acting-for", &[("ward", &ward.id), ("back", "/account")]).await,
                404,
                "{change}"
            );
        }
    }
}

/// A card request for `ward` (sent), of `reason`.
async fn card_request(app: &TestApp, ward: &str, reason: madoguchi::domain::card_validity::ExpressReason) -> String {
    crate::helpers::card_request_through_service(app, ward, "mun-aoba", reason, true).await
}

#[tokio::test]
async fn express_card_requests_follow_the_policy_for_each_relationship_in_each_state() {
    use madoguchi::domain::card_validity::ExpressReason;
    let app = spawn_app().await;
    let other_officer = crate::helpers::add_other_municipality(&app).await;
    let ward_id = resident(&app, "ward").await;
    let ward = Ward { id: ward_id.clone(), request: String::new(), certificate: String::new() };
    let lost = card_request(&app, &ward_id, ExpressReason::Lost).await;
    let infant = card_request(&app, &ward_id, ExpressReason::Infant).await;
    app.store.save_card_photo(&lost, b"\xff\xd8\xff\xe0photo", "jpg").await.unwrap();

    // (who, person, sees the lost-card request, sees the infant's request)
    let mut cases: Vec<(&str, String, bool, bool)> = vec![("subject", ward_id.clone(), true, true)];
    let a = Authority::approved;
    let reps = [
        ("representative, pending", Authority { state: "pending", ..a() }, false, false),
        ("representative, approved", a(), true, true),
        ("representative, starts tomorrow", Authority { starts_on: Some(day(1)), ..a() }, false, false),
        ("representative, started today", Authority { starts_on: Some(day(0)), ..a() }, true, true),
        ("representative, ended yesterday", Authority { ends_on: Some(day(-1)), ..a() }, false, false),
        ("representative, ends today", Authority { ends_on: Some(day(0)), ..a() }, true, true),
        ("representative, ended by a party", Authority { state: "ended", ..a() }, false, false),
        ("representative, declined", Authority { state: "declined", ..a() }, false, false),
        ("representative, newborns only", Authority { scope: "newborn", ..a() }, false, true),
        ("representative, express issuance only", Authority { scope: "express_issuance", ..a() }, true, false),
        ("representative, certificates only", Authority { scope: "qualification_certificate", ..a() }, false, false),
    ];
    for (who, authority, lost_seen, infant_seen) in reps {
        cases.push((who, representative(&app, &ward, authority).await, lost_seen, infant_seen));
    }
    for f in ["fac-consent", "fac-withdrawn"] {
        facility(&app, f).await;
    }
    let consent_staff = staff(&app, "fac-consent").await;
    residence(&app, &ward, "fac-consent", &consent_staff, After::Stays).await;
    let withdrawn_staff = staff(&app, "fac-withdrawn").await;
    residence(&app, &ward, "fac-withdrawn", &withdrawn_staff, After::Withdraws).await;
    cases.push(("facility staff, consent", consent_staff, true, true));
    cases.push(("facility staff, consent withdrawn", withdrawn_staff, false, false));
    cases.push(("municipal officer of the ward's municipality", "p-suzuki".into(), true, true));
    cases.push(("municipal officer of another municipality", other_officer, false, false));
    cases.push(("insurer officer", "p-nakamura".into(), false, false));
    cases.push(("administrator", "p-admin".into(), false, false));
    cases.push(("another resident", "p-taro".into(), false, false));

    for (who, person, lost_seen, infant_seen) in &cases {
        let client = sign_in_as(&app, person).await;
        for (id, seen) in [(&lost, lost_seen), (&infant, infant_seen)] {
            let path = format!("/express/{id}");
            assert_eq!(status(&client, &path).await, if *seen { 200 } else { 404 }, "{who}: GET {path}");
        }
        // The photo follows the request; once sent, nobody replaces it.
        let photo = format!("/express/{lost}/photo/file");
        assert_eq!(status(&client, &photo).await, if *lost_seen { 200 } else { 404 }, "{who}: GET {photo}");
        assert_eq!(post(&client, &format!("/express/{lost}/photo"), &[]).await, 404, "{who}: POST photo");
        // Withdrawing: refused (and nothing changes) for whoever does not see it, and for officers who do.
        if !lost_seen || who.contains("officer") {
            let refused = post(&client, &format!("/express/{lost}/withdraw"), &[]).await;
            assert_eq!(refused, 404, "{who}: withdraw");
            let (state,): (String,) = sqlx::query_as("SELECT state FROM requests WHERE id = $1")
                .bind(&lost)
                .fetch_one(app.store.pool())
                .await
                .unwrap();
            assert_eq!(state, "submitted", "{who}");
        }
    }
}

//! Every route, as every kind of person, against records that are not theirs. The route list is read from the
//! source, so a new route without a rule here fails this test until someone decides who may use it.

use std::collections::{BTreeMap, BTreeSet};

use madoguchi::requests::certificate::{CertificateAnswers, Reason};
use madoguchi::requests::service::{Command, Filing};
use madoguchi::requests::{FiledAs, RequestKind};

use crate::helpers::{
    SentRequest, TestApp, add_other_municipality, requests, second_client, send_request, sign_in_as, spawn_app,
};

/// Who may use a route.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Rule {
    /// Anyone, signed in or not.
    Public,
    /// Anyone signed in; their own things only (no ids in the path).
    SignedIn,
    /// Anyone signed in who may file requests: everyone but officers, who work requests instead.
    Filers,
    /// Only people who work for a municipality or insurer.
    Officers,
    /// Only municipal officers.
    MunicipalOfficers,
    /// Only insurer officers.
    InsurerOfficers,
    /// Only facility staff.
    FacilityStaff,
    /// Only service administrators.
    Admin,
    /// A record in the path that belongs to someone else: nobody here may reach it.
    Foreign,
    /// Steps of a sign-in or sign-up in progress: they need the cookie of that step, not a role.
    SignInStep,
    /// Machine to machine (the issuing body's callbacks): no session or CSRF token counts, only an HMAC
    /// signature; everyone here is refused with 401.
    Signed,
}

use Rule::*;

/// (method, route pattern, rule)
const RULES: &[(&str, &str, Rule)] = &[
    ("get", "/", Public),
    ("get", "/accessibility", Public),
    ("get", "/privacy", Public),
    ("get", "/contact", Public),
    ("post", "/contact", Public),
    ("get", "/contact/sent", Public),
    ("get", "/dates", Public),
    ("get", "/healthz", Public),
    ("get", "/static/{name}", Public),
    ("get", "/language/{code}", Public),
    ("get", "/track", Public),
    ("post", "/track", Public),
    ("get", "/certificates", Public),
    ("get", "/sign-in", Public),
    ("post", "/sign-in", Public),
    ("get", "/sign-in/code", SignInStep),
    ("post", "/sign-in/code", SignInStep),
    ("post", "/sign-in/passkey", Public),
    ("get", "/sign-up", SignInStep),
    ("post", "/sign-up", SignInStep),
    ("post", "/sign-out", Public),
    ("get", "/demo/outbox", Public),
    ("post", "/demo/invite/{person}", Foreign),
    ("get", "/invitation/{token}", Foreign),
    ("post", "/invitation/{token}", Foreign),
    ("get", "/account", SignedIn),
    ("get", "/account/passkeys/new", SignedIn),
    ("post", "/account/passkeys", SignedIn),
    ("post", "/account/passkeys/{id}/rename", Foreign),
    ("post", "/account/passkeys/{id}/remove", Foreign),
    ("post", "/account/sign-out-everywhere", SignedIn),
    // The form names a ward: someone else's here.
    ("post", "/acting-for", Foreign),
    ("get", "/account/access-log", SignedIn),
    ("post", "/account/access-log/{id}/report", Foreign),
    ("get", "/account/representation", SignedIn),
    ("get", "/account/representation/new", SignedIn),
    ("get", "/account/representation/new/check", SignedIn),
    ("get", "/account/representation/new/person", SignedIn),
    ("post", "/account/representation/new/person", SignedIn),
    ("get", "/account/representation/new/proof", SignedIn),
    ("post", "/account/representation/new/proof", SignedIn),
    ("get", "/account/representation/new/relationship", SignedIn),
    ("post", "/account/representation/new/relationship", SignedIn),
    ("get", "/account/representation/new/scope", SignedIn),
    ("post", "/account/representation/new/scope", SignedIn),
    ("post", "/account/representation/new/submit", SignedIn),
    ("post", "/account/representation/{id}/end", Foreign),
    ("get", "/account/representation/{id}/sent", Foreign),
    ("get", "/account/representation/{id}/renew", Foreign),
    ("post", "/account/representation/{id}/renew", Foreign),
    ("get", "/account/representation/{id}/renew/proof", Foreign),
    ("post", "/account/representation/{id}/renew/proof", Foreign),
    ("get", "/account/representation/{id}/renew/check", Foreign),
    ("post", "/account/representation/{id}/renew/send", Foreign),
    ("get", "/certificates/new", Filers),
    ("get", "/certificates/{id}/check", Foreign),
    ("post", "/certificates/{id}/submit", Foreign),
    ("get", "/certificates/{id}/{step}", Foreign),
    ("post", "/certificates/{id}/{step}", Foreign),
    ("get", "/express", Public),
    ("post", "/express/new", Filers),
    ("get", "/express/{id}", Foreign),
    ("get", "/express/{id}/check", Foreign),
    ("post", "/express/{id}/submit", Foreign),
    ("post", "/express/{id}/withdraw", Foreign),
    ("post", "/express/{id}/photo", Foreign),
    ("get", "/express/{id}/photo/file", Foreign),
    ("get", "/express/{id}/{step}", Foreign),
    ("post", "/express/{id}/{step}", Foreign),
    ("get", "/requests", SignedIn),
    ("get", "/requests/{id}", Foreign),
    ("get", "/requests/{id}/confirmation", Foreign),
    ("get", "/requests/{id}/correct", Foreign),
    ("post", "/requests/{id}/correct", Foreign),
    ("get", "/admin", Admin),
    ("post", "/admin/staff", Admin),
    ("get", "/office", Officers),
    ("get", "/office/access-reports", MunicipalOfficers),
    ("post", "/office/access-reports/{id}/close", Foreign),
    ("get", "/office/representations", MunicipalOfficers),
    ("get", "/office/representations/{id}", Foreign),
    ("post", "/office/representations/{id}/approve", Foreign),
    ("post", "/office/representations/{id}/decline", Foreign),
    ("get", "/office/representations/{id}/document", Foreign),
    ("post", "/office/representations/{id}/end", Foreign),
    ("get", "/office/certificates", InsurerOfficers),
    ("post", "/office/certificates/{id}/decide", Foreign),
    ("get", "/certificates/issued/{id}", Foreign),
    ("get", "/certificates/{id}/download", Foreign),
    ("get", "/requests/{id}/letter", Foreign),
    ("post", "/certificates/issued/{id}/auto-renew", Foreign),
    ("get", "/office/runs", InsurerOfficers),
    ("post", "/office/runs", InsurerOfficers),
    ("get", "/office/runs/{id}", Foreign),
    ("get", "/verify/{code}", Public),
    ("get", "/office/enrolments", InsurerOfficers),
    ("get", "/office/enrolments/new", InsurerOfficers),
    ("post", "/office/enrolments/new", InsurerOfficers),
    ("get", "/office/enrolments/{id}", Foreign),
    ("post", "/office/enrolments/{id}/registered", Foreign),
    ("get", "/office/registration-lag", InsurerOfficers),
    ("get", "/registration", SignedIn),
    ("get", "/facility", FacilityStaff),
    ("post", "/facility/{facility}/residents/{person}/consent", Foreign),
    ("post", "/facility/{facility}/residents/{person}/left", Foreign),
    ("get", "/facility/{facility}/residents/{person}/registration", Foreign),
    ("get", "/facility/bulk", FacilityStaff),
    ("post", "/facility/bulk", FacilityStaff),
    ("get", "/facility/bulk/template.csv", FacilityStaff),
    ("get", "/facility/bulk/{id}", Foreign),
    ("get", "/facility/bulk/{id}/problems.csv", Foreign),
    ("get", "/facility/bulk/{id}/rows/{row}", Foreign),
    ("post", "/facility/bulk/{id}/rows/{row}", Foreign),
    ("post", "/facility/bulk/{id}/submit", Foreign),
    ("post", "/callbacks/issuing-body", Signed),
    ("get", "/office/express", MunicipalOfficers),
    ("get", "/office/express/dashboard", MunicipalOfficers),
    ("get", "/office/express/{id}", Foreign),
    ("get", "/office/express/{id}/photo", Foreign),
    ("post", "/office/express/{id}/accept", Foreign),
    ("post", "/office/express/{id}/return", Foreign),
    ("get", "/requests/{id}/withdraw", Foreign),
    ("post", "/requests/{id}/withdraw", Foreign),
    ("get", "/facility/{facility}/residents/{person}/custody", Foreign),
    ("post", "/facility/{facility}/residents/{person}/custody", Foreign),
    ("post", "/facility/{facility}/residents/{person}/custody/proxy-receipts", Foreign),
    ("post", "/facility/{facility}/proxy-receipts/{id}/received", Foreign),
    ("get", "/custody/{person}", Foreign),
    ("get", "/office/proxy-receipts", MunicipalOfficers),
    ("post", "/office/proxy-receipts/{id}/decide", Foreign),
    ("get", "/office/facility-report", MunicipalOfficers),
    ("get", "/office/facility-report/csv", MunicipalOfficers),
    ("get", "/facility/outreach", FacilityStaff),
    ("post", "/facility/outreach", FacilityStaff),
    ("get", "/office/outreach", MunicipalOfficers),
    ("get", "/office/outreach/offers.csv", MunicipalOfficers),
    ("get", "/office/outreach/sessions/new", MunicipalOfficers),
    ("post", "/office/outreach/sessions", MunicipalOfficers),
    // Another municipality's session and booking: 404 to this municipality's officer too.
    ("get", "/office/outreach/sessions/{id}", Foreign),
    ("post", "/office/outreach/bookings/{id}/record", Foreign),
    ("get", "/outreach", SignedIn),
    // A session only the residents of another municipality's facility may book.
    ("get", "/outreach/sessions/{id}", Foreign),
    ("post", "/outreach/sessions/{id}/book", Foreign),
    ("post", "/outreach/sessions/{id}/wait", Foreign),
    ("get", "/outreach/bookings/{id}", Foreign),
    ("get", "/outreach/bookings/{id}/calendar.ics", Foreign),
    ("post", "/outreach/bookings/{id}/cancel", Foreign),
    ("post", "/outreach/bookings/{id}/move", Foreign),
    ("post", "/outreach/waiting/{id}/take", Foreign),
];

/// Every `.route("…", web::method()` in the source: each journey adds its routes to the group of a policy
/// (`routes.require::<P>().route(…)`, see `web::policy`). Unit tests and comments are not the application's.
fn routes_in_source() -> BTreeSet<(String, String)> {
    routes_with_groups().into_keys().collect()
}

/// Each route with the policy group it is added to: the last `.public()` or `require::<P>()` before it.
fn routes_with_groups() -> BTreeMap<(String, String), String> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(std::path::Path::new("src"), &mut files);
    let mut routes = BTreeMap::new();
    for f in files {
        let text = std::fs::read_to_string(f).unwrap();
        let text = text.split("#[cfg(test)]").next().unwrap();
        let text: String =
            text.lines().filter(|l| !l.trim_start().starts_with("//")).map(|l| format!("{l}\n")).collect();
        for (i, _) in text.match_indices(".route(\"") {
            let rest = &text[i + 8..];
            let path = &rest[..rest.find('"').unwrap()];
            let after = &rest[rest.find('"').unwrap()..];
            let method = after.split("web::").nth(1).and_then(|m| m.split('(').next()).unwrap_or("").to_string();
            let before = &text[..i];
            let public = before.rfind(".public()");
            let required = before.rfind("require::<");
            let group = match required {
                Some(r) if public.is_none_or(|p| r > p) => before[r + 10..].split('>').next().unwrap().to_string(),
                _ if public.is_some() => "public".to_string(),
                _ => "none".to_string(),
            };
            routes.insert((method, path.to_string()), group);
        }
    }
    routes
}

#[test]
fn every_route_has_a_rule() {
    let in_source = routes_in_source();
    assert!(in_source.len() > 50, "the route scan works ({} routes)", in_source.len());
    let ruled: BTreeSet<(String, String)> = RULES.iter().map(|(m, p, _)| (m.to_string(), p.to_string())).collect();
    let unruled: Vec<_> = in_source.difference(&ruled).collect();
    let stale: Vec<_> = ruled.difference(&in_source).collect();
    assert!(unruled.is_empty(), "routes without a rule: {unruled:?}");
    assert!(stale.is_empty(), "rules for routes that no longer exist: {stale:?}");
}

/// The guard of a route's policy group keeps everyone its rule refuses away, even from a handler that forgets to
/// check: the group must be the rule's own (a record in the path, `Foreign`, may sit in any group).
#[test]
fn every_route_sits_in_the_group_of_its_rule() {
    let groups = routes_with_groups();
    for (method, path, rule) in RULES {
        let group = groups.get(&(method.to_string(), path.to_string())).map(String::as_str).unwrap_or("missing");
        let expected: &[&str] = match rule {
            Public | SignInStep | Signed => &["public"],
            SignedIn | Filers => &["SignedIn"],
            Officers => &["Officers"],
            MunicipalOfficers => &["MunicipalOfficers"],
            InsurerOfficers => &["InsurerOfficers"],
            FacilityStaff => &["FacilityWorkers"],
            Admin => &["Admins"],
            Foreign => {
                &["public", "SignedIn", "Officers", "MunicipalOfficers", "InsurerOfficers", "FacilityWorkers", "Admins"]
            }
        };
        assert!(expected.contains(&group), "{method} {path}: rule {rule:?}, added to the group {group}");
    }
    for (route, group) in &groups {
        if route.1.starts_with("/office") {
            assert!(group.ends_with("Officers"), "{route:?} is office business, not {group}");
        }
        if route.1.starts_with("/facility") {
            assert_eq!(group, "FacilityWorkers", "{route:?}");
        }
        if route.1.starts_with("/admin") {
            assert_eq!(group, "Admins", "{route:?}");
        }
    }
}

/// Records that belong to people outside the test roles: another municipality's resident and their pending
/// ward, a resident's submitted request and draft, a passkey, an audit line and an access report.
struct Foreigners {
    request: String,
    draft: String,
    passkey: String,
    representation: String,
    audit_line: String,
    access_report: String,
    certificate: String,
    /// Another insurer's member, not registered yet (demo data).
    enrolment: String,
    run: String,
    /// An express card request of the other municipality, submitted, with a photo.
    card: String,
    /// Another municipality's resident's express card request, sent, and a card draft of theirs.
    card_request: String,
    card_draft: String,
    /// Outreach: a residents-only session at another municipality's facility, p-maria's booking and her place
    /// on its waiting list.
    outreach: crate::outreach::Foreign,
}

async fn foreign_records(app: &TestApp) -> Foreigners {
    let store = &app.store;
    add_other_municipality(app).await;
    let other = store
        .create_resident(&madoguchi::store::accounts::NewResident {
            name: "森 花子",
            name_kana: "モリ ハナコ",
            birth_date: "1950-01-01",
            email: "mori@example.jp",
            locale: "ja",
        })
        .await
        .unwrap();
    sqlx::query("UPDATE people SET municipality_id = 'mun-other' WHERE id = $1")
        .bind(&other)
        .execute(store.pool())
        .await
        .unwrap();
    let representation =
        store.request_representation_for_existing(&other, "p-maria", "family", "long_hospital_stay").await.unwrap();
    sqlx::query("UPDATE people SET municipality_id = 'mun-other' WHERE id = 'p-maria'")
        .execute(store.pool())
        .await
        .unwrap();

    let filing = Filing { subject_id: "p-maria".to_string(), filed_as: FiledAs::SelfFiled, facility_id: None };
    let answers = CertificateAnswers {
        insurer_id: Some("ins-kyokai-tokyo".to_string()),
        reason: Some(Reason::NoCard),
        ..CertificateAnswers::default()
    };
    let sent = SentRequest { filed_by: "p-maria", filing: filing.clone(), municipality_id: Some("mun-other"), answers };
    let request = send_request(app, sent).await;
    let create = Command::CreateDraft {
        kind: RequestKind::Certificate,
        filed_by: "p-maria".to_string(),
        filing,
        municipality_id: Some("mun-other".to_string()),
    };
    let open_draft = requests(app).run(create, madoguchi::store::now_ms()).await.unwrap().unwrap().request_id;
    let passkey = store.add_passkey("p-maria", "cred-maria", "{}", "Maria's phone").await.unwrap();
    let (audit_line,): (String,) = sqlx::query_as("SELECT id FROM audit_log WHERE subject_id = $1 ORDER BY at LIMIT 1")
        .bind(&other)
        .fetch_one(store.pool())
        .await
        .unwrap();
    let access_report = madoguchi::store::new_id();
    sqlx::query(
        "INSERT INTO access_reports (id, audit_id, subject_id, reported_by, municipality_id, note, state, created_at) VALUES ($1, $2, $3, $3, 'mun-other', 'x', 'open', 0)",
    )
    .bind(&access_report)
    .bind(&audit_line)
    .bind(&other)
    .execute(store.pool())
    .await
    .unwrap();
    // A certificate issued on the other insurer's request (written directly: the request itself stays sent).
    let certificate = madoguchi::store::new_id();
    sqlx::query(
        "INSERT INTO certificates (id, request_id, person_id, insurer_id, name, name_kana, birth_date, symbol, number, \
         insurer_number, insurer_name, issued_on, valid_from, valid_until, delivery, code, created_at) \
         VALUES ($1, $2, 'p-maria', 'ins-kyokai-tokyo', 'x', 'x', '1950-01-01', '1', '1', '01130012', 'x', '2026-01-01', '2026-01-01', '2027-01-01', 'post', $3, 0)",
    )
    .bind(&certificate)
    .bind(&request)
    .bind(format!("code-{certificate}"))
    .execute(store.pool())
    .await
    .unwrap();
    // Another insurer's run, finished.
    let run = madoguchi::store::new_id();
    sqlx::query(
        "INSERT INTO issuance_runs (id, insurer_id, kind, state, as_of, started_by, started_at) \
         VALUES ($1, 'ins-kyokai-tokyo', 'push', 'finished', '2026-01-01', 'p-nakamura', 0)",
    )
    .bind(&run)
    .execute(store.pool())
    .await
    .unwrap();
    let enrolment = "enr-demo-7".to_string();
    let (insurer,): (String,) = sqlx::query_as("SELECT insurer_id FROM enrolments WHERE id = $1")
        .bind(&enrolment)
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(insurer, "ins-kyokai-tokyo", "not the insurer of the officer who tries it");
    let card = crate::issuing::card_request(app, "p-maria", "mun-other", "submitted", "lost", Some("maria.jpg")).await;
    let card_request = crate::helpers::card_request_through_service(
        app,
        "p-maria",
        "mun-other",
        madoguchi::domain::card_validity::ExpressReason::Lost,
        true,
    )
    .await;
    let open_card_draft = crate::helpers::card_request_through_service(
        app,
        "p-maria",
        "mun-other",
        madoguchi::domain::card_validity::ExpressReason::Infant,
        false,
    )
    .await;
    let outreach = crate::outreach::foreign(app).await;
    Foreigners {
        outreach,
        card,
        card_request,
        card_draft: open_card_draft,
        request,
        draft: open_draft,
        passkey,
        representation,
        audit_line,
        access_report,
        certificate,
        enrolment,
        run,
    }
}

fn concrete(pattern: &str, f: &Foreigners) -> String {
    let id = if pattern.contains("outreach/sessions/") {
        &f.outreach.session
    } else if pattern.contains("outreach/bookings/") {
        &f.outreach.booking
    } else if pattern.contains("outreach/waiting/") {
        &f.outreach.waiting
    } else if pattern.starts_with("/office/express") {
        &f.card
    } else if pattern == "/express/{id}" || pattern.ends_with("/withdraw") || pattern.ends_with("/photo/file") {
        &f.card_request
    } else if pattern.starts_with("/express") {
        &f.card_draft
    } else if pattern.starts_with("/requests")
        || pattern.starts_with("/certificates/{id}/submit")
        || pattern.starts_with("/office/certificates")
    {
        &f.request
    } else if pattern.starts_with("/office/enrolments") {
        &f.enrolment
    } else if pattern.starts_with("/office/runs") {
        &f.run
    } else if pattern.starts_with("/certificates/issued") || pattern.ends_with("/download") {
        &f.certificate
    } else if pattern.starts_with("/certificates") {
        &f.draft
    } else if pattern.contains("passkeys") {
        &f.passkey
    } else if pattern.contains("representation") {
        &f.representation
    } else if pattern.contains("access-log") {
        &f.audit_line
    } else {
        &f.access_report
    };
    pattern
        .replace("{id}", id)
        .replace("{step}", if pattern.starts_with("/express") { "card-type" } else { "reason" })
        .replace(
            "{person}",
            if pattern.starts_with("/facility") || pattern.starts_with("/custody") { "p-maria" } else { "p-taro" },
        )
        .replace("{token}", "not-a-real-invitation")
        .replace("{facility}", "fac-hidamari")
        .replace("{name}", "app.css")
        .replace("{code}", "en")
}

async fn call(client: &TestApp, method: &str, path: &str) -> u16 {
    if method == "get" {
        return client.get(path).await.status().as_u16();
    }
    let token = client.csrf_token("/contact").await;
    client
        .post_form(
            path,
            &[
                ("csrf_token", &token),
                ("reason", "x"),
                ("name", "x"),
                ("note", "x"),
                ("ward", "p-maria"),
                ("action", "record"),
            ],
        )
        .await
        .status()
        .as_u16()
}

#[tokio::test]
async fn nobody_reaches_what_is_not_theirs_and_roles_keep_to_their_pages() {
    let app = spawn_app().await;
    let foreign = foreign_records(&app).await;
    let people: Vec<(&str, TestApp)> = vec![
        ("anonymous", second_client(&app)),
        ("resident", sign_in_as(&app, "p-taro").await),
        ("guardian", sign_in_as(&app, "p-hanako").await),
        ("facility staff", sign_in_as(&app, "p-ken").await),
        ("insurer officer", sign_in_as(&app, "p-tanaka").await),
        ("municipal officer", sign_in_as(&app, "p-suzuki").await),
        ("administrator", sign_in_as(&app, "p-admin").await),
    ];
    let mut checked = 0;
    // Signing out ends the session the other checks need: those two go last.
    let ends_session = |p: &str| p == "/sign-out" || p == "/account/sign-out-everywhere";
    let ordered = RULES.iter().filter(|r| !ends_session(r.1)).chain(RULES.iter().filter(|r| ends_session(r.1)));
    for (method, pattern, rule) in ordered {
        let path = concrete(pattern, &foreign);
        for (who, client) in &people {
            let status = call(client, method, &path).await;
            let anonymous = *who == "anonymous";
            let where_ = format!("{who} {method} {path}");
            assert!(status < 500, "{where_}: {status}");
            let refused = |s: u16| s == 403 || s == 404 || (anonymous && s == 303);
            let expect_refusal = match rule {
                Public | SignInStep => false,
                SignedIn => anonymous,
                Filers => anonymous || matches!(*who, "insurer officer" | "municipal officer"),
                Officers => !matches!(*who, "insurer officer" | "municipal officer"),
                MunicipalOfficers => *who != "municipal officer",
                InsurerOfficers => *who != "insurer officer",
                FacilityStaff => *who != "facility staff",
                Admin => *who != "administrator",
                Foreign => true,
                Signed => {
                    assert_eq!(status, 401, "{where_}: a callback without a signature");
                    checked += 1;
                    continue;
                }
            };
            if expect_refusal {
                assert!(refused(status), "{where_}: must be refused, got {status}");
            } else {
                assert!(
                    !(status == 403 || (status == 404 && !matches!(rule, SignInStep))),
                    "{where_}: must be allowed, got {status}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 400, "{checked}");
    // What the officers opened along the way is in the audit log, and nothing was changed for the foreigners.
    let (state,): (String,) = sqlx::query_as("SELECT state FROM representations WHERE id = $1")
        .bind(&foreign.representation)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(state, "pending");
    let (req_state,): (String,) = sqlx::query_as("SELECT state FROM requests WHERE id = $1")
        .bind(&foreign.request)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(req_state, "submitted");
    let (card_state,): (String,) = sqlx::query_as("SELECT state FROM requests WHERE id = $1")
        .bind(&foreign.card)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(card_state, "submitted", "another municipality's card request is neither accepted nor returned");
    assert_eq!(app.store.passkeys_of("p-maria").await.unwrap()[0].name, "Maria's phone");
    let enrolment = app.store.enrolment(&foreign.enrolment).await.unwrap().unwrap();
    assert_eq!(enrolment.registered_on, None, "another insurer's record stays unregistered");
}

//! Issue #15: the signed-in path in one read, and pages that stay the same size as the tables grow.

use crate::helpers::{sign_in_as, spawn_app};

/// The one read of the signed-in path says what the separate reads say: the session, the person, the roles
/// in order, the wards in term; and a role or an authority that changes counts on the very next read.
#[tokio::test]
async fn one_read_session_agrees_with_the_separate_reads() {
    let app = spawn_app().await;
    let token = madoguchi::accounts::start_session(
        &app.store,
        &app.secret_key,
        "p-hanako",
        "email_code",
        madoguchi::store::now_ms(),
    )
    .await
    .unwrap();
    let hash = madoguchi::accounts::session_hash(&app.secret_key, &token);
    for (role, org) in [("facility_staff", "fac-hidamari"), ("admin", "")] {
        sqlx::query("INSERT INTO roles (person_id, role, organisation_id, created_at) VALUES ('p-hanako', $1, $2, 0)")
            .bind(role)
            .bind(org)
            .execute(app.store.pool())
            .await
            .unwrap();
    }

    let before = app.store.roles_of("p-hanako").await.unwrap().len();
    let one = app.store.signed_in(&hash).await.unwrap().expect("the session is found");
    let session = app.store.session(&hash).await.unwrap().unwrap();
    assert_eq!(one.session.person_id, session.person_id);
    assert_eq!(one.session.method, "email_code");
    assert_eq!(one.session.expires_at, session.expires_at);
    assert_eq!(one.session.last_seen_at, session.last_seen_at);
    assert_eq!(one.session.acting_for, None);
    let person = app.store.person("p-hanako").await.unwrap().unwrap();
    assert_eq!(
        (&one.person.id, &one.person.name, &one.person.name_kana, &one.person.email, &one.person.birth_date),
        (&person.id, &person.name, &person.name_kana, &person.email, &person.birth_date)
    );
    assert_eq!(one.roles, app.store.roles_of("p-hanako").await.unwrap());
    assert!(one.roles.len() >= 2);
    let wards: Vec<String> = one.wards.iter().map(|w| w.ward_id.clone()).collect();
    assert_eq!(wards, vec!["p-ichiro".to_string()]);
    assert_eq!(one.wards[0].relationship, "adult_guardian");

    // A role taken away and an authority that ended yesterday count at once.
    sqlx::query("DELETE FROM roles WHERE person_id = 'p-hanako' AND role = 'admin'")
        .execute(app.store.pool())
        .await
        .unwrap();
    let yesterday = (madoguchi::access::today() - chrono::Days::new(1)).to_string();
    sqlx::query("UPDATE representations SET ends_on = $1 WHERE representative_id = 'p-hanako'")
        .bind(&yesterday)
        .execute(app.store.pool())
        .await
        .unwrap();
    let after = app.store.signed_in(&hash).await.unwrap().unwrap();
    assert_eq!(after.roles.len(), before - 1);
    assert!(after.wards.is_empty(), "an ended authority is no longer a ward");

    app.store.end_all_sessions("p-hanako").await.unwrap();
    assert!(app.store.signed_in(&hash).await.unwrap().is_none(), "signed out everywhere means no session");
}

/// A signed-in page still works end to end through the one read, and a session whose person signed out
/// everywhere is sent to sign in.
#[tokio::test]
async fn signed_in_pages_use_the_one_read() {
    let app = spawn_app().await;
    let hanako = sign_in_as(&app, "p-hanako").await;
    let res = hanako.get("/requests").await;
    assert_eq!(res.status(), 200);
    app.store.end_all_sessions("p-hanako").await.unwrap();
    let res = hanako.get("/requests").await;
    assert_eq!(res.status(), 303);
    assert!(res.headers()["location"].to_str().unwrap().starts_with("/sign-in"));
}

use madoguchi::store::demo::{DemoOutcome, INSURERS, PEOPLE, REPRESENTATIONS, REQUESTS};

use crate::helpers::{backend_name, spawn_app};

#[tokio::test]
async fn demo_data_is_loaded_once_and_loading_again_changes_nothing() {
    let app = spawn_app().await;
    let counts = app.store.counts().await.unwrap();
    assert_eq!(counts.people, PEOPLE.len() as i64, "{}", backend_name());
    assert_eq!(counts.insurers, INSURERS.len() as i64);
    assert_eq!(counts.facilities, 1);
    assert_eq!(counts.representations, REPRESENTATIONS.len() as i64);
    let issued = REQUESTS.iter().filter(|r| matches!(r.outcome, DemoOutcome::Issued(_))).count() as i64;
    let requests = app.store.demo_request_counts().await.unwrap();
    // Beside them: 小林 由紀's interim certificate (issued) and her two express card requests.
    assert_eq!(requests, (REQUESTS.len() as i64 + 3, issued + 1), "one certificate per issued request");
    assert!(!app.store.load_demo_data(&app.secret_key).await.unwrap());
    assert_eq!(app.store.counts().await.unwrap(), counts);
    assert_eq!(app.store.demo_request_counts().await.unwrap(), requests);
}

#[tokio::test]
async fn migrations_run_again_without_harm_and_a_restart_keeps_the_data() {
    let app = spawn_app().await;
    app.store.migrate().await.unwrap();
    let again = madoguchi::store::Store::connect(&app.database_url, 2).await.unwrap();
    again.migrate().await.unwrap();
    assert_eq!(again.counts().await.unwrap(), app.store.counts().await.unwrap());
    assert_eq!(again.backend() == madoguchi::store::Backend::Sqlite, backend_name() == "sqlite");
}

#[tokio::test]
async fn demo_insurer_numbers_carry_valid_check_digits() {
    for (_, number, ..) in INSURERS {
        assert!(number.parse::<madoguchi::domain::InsurerNumber>().is_ok(), "{number}");
    }
    for p in PEOPLE {
        assert!(p.birth_date.parse::<madoguchi::domain::WarekiDate>().is_ok(), "{}", p.birth_date);
    }
}

//! One full push run over 100,000 enrolled members on SQLite: `cargo bench --bench push_issuance`.
//!
//! A database in a temporary folder is prepared once: migrated, with the demo insurers and 100,000 members of one
//! insurer (bulk-inserted). Each iteration works on a fresh copy of that file, as an insurer's first push run would
//! (copying is not timed): it starts a push run and works it to the end, as the background worker does (batches of
//! `issuance::BATCH_SIZE`, one transaction each). Under `cargo test --all-targets` criterion runs each benchmark
//! once, in test mode: there it goes over 1,000 members, to stay quick.

use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use madoguchi::crypto::SecretKey;
use madoguchi::issuance::{self, BATCH_SIZE, BatchOutcome, RunKind};
use madoguchi::store::enrolments::{NewEnrolment, insert_enrolments};
use madoguchi::store::{Store, now_ms, today_jst};

/// The members of the insurer the run goes through (the demo data adds four of its own).
const MEMBERS: usize = 100_000;
/// In criterion's test mode (no `--bench`), a smaller database.
const MEMBERS_IN_TEST_MODE: usize = 1_000;
const INSURER: &str = "ins-kyokai-tokyo";
const OFFICER: &str = "p-nakamura";

async fn open(path: &Path) -> Store {
    let url = format!("sqlite:{}?mode=rwc", path.display());
    Store::connect(&url, 5).await.expect("the database opens")
}

/// The prepared database, closed again so that its file holds everything.
async fn prepare(path: &Path, members: usize, key: &SecretKey) {
    let store = open(path).await;
    store.migrate().await.expect("the database migrates");
    store.load_demo_data(key).await.expect("demo data loads");
    let today = today_jst();
    let all: Vec<NewEnrolment> = (0..members)
        .map(|i| NewEnrolment {
            id: format!("bench-{i:07}"),
            insurer_id: INSURER.to_string(),
            symbol: format!("{}", 1_000_000 + i / 100),
            number: format!("{}", i % 100),
            branch: "00".to_string(),
            name: format!("加入者 {i}"),
            name_kana: "カニュウシャ".to_string(),
            birth_date: format!("{}-{:02}-{:02}", 1955 + i % 60, 1 + i % 12, 1 + i % 28),
            person_id: None,
            postal_code: Some("1000001".to_string()),
            address: Some("東京都千代田区".to_string()),
            qualified_on: (today - chrono::Duration::days(400)).to_string(),
            notified_on: (today - chrono::Duration::days(398)).to_string(),
            via_employer: true,
            registered_on: Some((today - chrono::Duration::days(396)).to_string()),
            // One in ten has registered the card as their insurance card and gets no certificate.
            card_registered: i % 10 == 0,
        })
        .collect();
    let mut tx = store.pool().begin().await.unwrap();
    insert_enrolments(&mut tx, &all).await.expect("members are recorded");
    tx.commit().await.unwrap();
    // Everything into the main file, so that copying that one file copies the database.
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(store.pool()).await.unwrap();
    store.close().await;
}

/// A fresh copy of the prepared database, for one iteration.
async fn fresh_copy(prepared: &Path, copy: &Path) -> Store {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", copy.display()));
    }
    std::fs::copy(prepared, copy).expect("the prepared database copies");
    open(copy).await
}

/// One push run, started and worked to the end.
async fn push_run(store: &Store, key: &SecretKey) -> i64 {
    let id =
        issuance::start(store, INSURER, RunKind::Push, OFFICER, today_jst()).await.unwrap().expect("no run going on");
    let claimed = store.claim_run("bench", now_ms(), 600_000).await.unwrap().expect("the run is free");
    assert_eq!(claimed.id, id);
    let outcome = issuance::run_to_end(store, key, &id, "bench", 600_000, BATCH_SIZE).await.unwrap();
    assert_eq!(outcome, BatchOutcome::Finished);
    store.run(&id).await.unwrap().unwrap().issued
}

fn push_issuance(c: &mut Criterion) {
    let measuring = std::env::args().any(|a| a == "--bench");
    let members = if measuring { MEMBERS } else { MEMBERS_IN_TEST_MODE };
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let key = SecretKey::generate();
    let prepared = dir.path().join("prepared.db");
    let copy = dir.path().join("run.db");
    rt.block_on(prepare(&prepared, members, &key));

    let mut group = c.benchmark_group("push_issuance");
    // Each iteration is seconds long: ten of them, one per sample, are enough.
    group.sample_size(10).sampling_mode(SamplingMode::Flat).warm_up_time(Duration::from_millis(1));
    group.measurement_time(Duration::from_secs(1));
    group.throughput(Throughput::Elements(members as u64));
    group.bench_function(format!("{members}_members"), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let store = rt.block_on(fresh_copy(&prepared, &copy));
                let started = Instant::now();
                let issued = rt.block_on(push_run(&store, &key));
                total += started.elapsed();
                rt.block_on(store.close());
                // Nine in ten members need a certificate, and the demo's own members of this insurer.
                assert!(issued as usize >= members * 9 / 10, "{issued}");
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, push_issuance);
criterion_main!(benches);

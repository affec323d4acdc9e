//! Issue #13: outreach application sessions (出張申請): offers, scheduling, booking without overbooking, the
//! waiting list, reminders and the run sheet. On SQLite, and on PostgreSQL with `MADOGUCHI_TEST_POSTGRES`.

use madoguchi::outreach::SlotPlan;
use madoguchi::outreach::mails::OutreachMails;
use madoguchi::store::outreach::{BookOutcome, NewBooking, NewSession};
use scraper::Html;

use crate::helpers::{TestApp, add_other_municipality, select_all, sign_in_as, spawn_app};

/// A session of the demo municipality (あおば市) `days` from today, with the given slots, public unless
/// `host` names a facility whose residents alone may book.
async fn session(app: &TestApp, slots: &str, host: Option<&str>) -> String {
    let held_on = (app.clock().today() + chrono::Days::new(7)).to_string();
    let slots = SlotPlan::parse_lines(slots).unwrap();
    app.store
        .schedule_outreach_session(
            &NewSession {
                municipality_id: "mun-aoba",
                offer_id: None,
                venue_kind: if host.is_some() {
                    madoguchi::outreach::VenueKind::Facility
                } else {
                    madoguchi::outreach::VenueKind::PostOffice
                },
                host_facility_id: host,
                venue: "あおば中央郵便局",
                held_on: &held_on,
                what_to_bring: "通知カード",
                residents_only: host.is_some(),
                created_by: "p-suzuki",
                slots: &slots,
            },
            app.clock().now_ms(),
        )
        .await
        .unwrap()
}

async fn slot_ids(app: &TestApp, session: &str) -> Vec<String> {
    app.store.outreach_slots(session).await.unwrap().into_iter().map(|s| s.id).collect()
}

/// `n` new residents with e-mail addresses, each signed in in a browser of their own.
async fn residents(app: &TestApp, n: usize) -> Vec<(String, TestApp)> {
    let mut out = Vec::new();
    for i in 0..n {
        let email = format!("outreach{i}-{}@example.jp", uuid::Uuid::new_v4().simple());
        let id = app
            .store
            .create_resident(&madoguchi::store::accounts::NewResident {
                name: &format!("青葉 太郎{i}"),
                name_kana: "アオバ タロウ",
                birth_date: "1950-01-01",
                email: &email,
                locale: "ja",
            })
            .await
            .unwrap();
        let browser = sign_in_as(app, &id).await;
        out.push((id, browser));
    }
    out
}

async fn book_as(browser: &TestApp, session: &str, slot: &str, people: &[&str]) -> reqwest::Response {
    let csrf = browser.csrf_token(&format!("/outreach/sessions/{session}")).await;
    let mut fields = vec![("csrf_token", csrf.as_str()), ("slot", slot)];
    fields.extend(people.iter().map(|p| ("person", *p)));
    browser.post_form(&format!("/outreach/sessions/{session}/book"), &fields).await
}

async fn taken(app: &TestApp, slot: &str) -> (i64, i64) {
    let (taken,): (i64,) = sqlx::query_as("SELECT taken FROM outreach_slots WHERE id = $1")
        .bind(slot)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    let (booked,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM outreach_bookings WHERE slot_id = $1 AND state = 'booked'")
            .bind(slot)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    (taken, booked)
}

async fn mails_of_kind(app: &TestApp, kind: &str) -> Vec<String> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT recipient FROM outbox WHERE kind = $1 ORDER BY recipient")
        .bind(kind)
        .fetch_all(app.store.pool())
        .await
        .unwrap();
    rows.into_iter().map(|(r,)| r).collect()
}

fn outreach_mails() -> OutreachMails {
    OutreachMails {
        localizer: std::sync::Arc::new(madoguchi::i18n::Localizer::load().unwrap()),
        base_url: "http://localhost:8080/".parse().unwrap(),
        default_locale: madoguchi::i18n::Locale::Ja,
        from: "窓口 <no-reply@madoguchi.example.jp>".to_string(),
    }
}

#[tokio::test]
async fn a_facility_offers_and_the_municipality_lists_filters_downloads_and_schedules() {
    let app = spawn_app().await;
    let staff = sign_in_as(&app, "p-ken").await;
    let csrf = staff.csrf_token("/facility/outreach").await;
    // A mistake keeps what was typed and links the error to its field.
    let res = staff
        .post_form(
            "/facility/outreach",
            &[("csrf_token", &csrf), ("address", "あおば市中央1-1"), ("contact", ""), ("expected", "many")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = Html::parse_document(&res.text().await.unwrap());
    let links = crate::helpers::attr_all(&html, ".error-summary a", "href");
    assert_eq!(links, vec!["#contact", "#expected"]);
    assert_eq!(crate::helpers::attr_all(&html, "#expected", "value"), vec!["many"]);
    let res = staff
        .post_form(
            "/facility/outreach",
            &[
                ("csrf_token", &csrf),
                ("address", "あおば市中央1-1, \"ひだまり荘\""),
                ("contact", "事務室 03-0000-0000"),
                ("expected", "１２"),
                ("accessibility", "車いす可"),
                ("dates", "平日の午前"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);

    let officer = sign_in_as(&app, "p-suzuki").await;
    // The demo's offer (scheduled already) and the new one; the state filter keeps the new one only.
    let html = Html::parse_document(&officer.get("/office/outreach").await.text().await.unwrap());
    assert_eq!(select_all(&html, "#outreach-offers tbody tr").len(), 2);
    let html = Html::parse_document(&officer.get("/office/outreach?state=offered").await.text().await.unwrap());
    let rows = select_all(&html, "#outreach-offers tbody tr");
    assert_eq!(rows.len(), 1);
    assert!(rows[0].contains("ひだまり荘") && rows[0].contains("12"), "{rows:?}");
    let empty = Html::parse_document(&officer.get("/office/outreach?state=declined").await.text().await.unwrap());
    assert!(select_all(&empty, "#outreach-offers tbody tr").is_empty(), "the state filter narrows the list");
    let other_kind = Html::parse_document(&officer.get("/office/outreach?kind=hospital").await.text().await.unwrap());
    assert!(select_all(&other_kind, "#outreach-offers tbody tr").is_empty(), "the kind filter narrows the list");

    // The CSV: UTF-8 with a byte-order mark, quoted by the csv crate, readable back.
    let res = officer.get("/office/outreach/offers.csv?state=offered").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let bytes = res.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    assert_eq!(reader.headers().unwrap().get(0), Some("施設"));
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].get(1), Some("あおば市中央1-1, \"ひだまり荘\""));
    assert_eq!(records[0].get(3), Some("12"));

    // Scheduling from the offer: slots as typed lines.
    let open = madoguchi::store::outreach::OfferFilter {
        state: Some(madoguchi::outreach::OfferState::Offered),
        facility_kind: None,
    };
    let offer = app.store.outreach_offers("mun-aoba", open).await.unwrap()[0].id.clone();
    let form = officer.get(&format!("/office/outreach/sessions/new?offer={offer}")).await;
    assert_eq!(form.status(), 200);
    let csrf = officer.csrf_token(&format!("/office/outreach/sessions/new?offer={offer}")).await;
    let date = (app.clock().today() + chrono::Days::new(10)).to_string();
    let bad = officer
        .post_form(
            "/office/outreach/sessions",
            &[
                ("csrf_token", &csrf),
                ("offer", &offer),
                ("venue_kind", "facility"),
                ("venue", "ひだまり荘 食堂"),
                ("held_on", &date),
                ("slots", "10:30-10:00 3"),
            ],
        )
        .await;
    assert_eq!(bad.status(), 422, "a slot that ends before it starts is refused");
    let res = officer
        .post_form(
            "/office/outreach/sessions",
            &[
                ("csrf_token", &csrf),
                ("offer", &offer),
                ("venue_kind", "facility"),
                ("venue", "ひだまり荘 食堂"),
                ("held_on", &date),
                ("slots", "10:00-10:30 3\n10:30-11:00 3"),
                ("bring", "通知カード"),
                ("residents_only", "yes"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let run_sheet = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(officer.get(&run_sheet).await.status(), 200);
    assert_eq!(app.store.outreach_offer(&offer, "mun-aoba").await.unwrap().unwrap().state, "scheduled");

    // Another municipality's officer sees neither the offer nor the session.
    let other = add_other_municipality(&app).await;
    let other = sign_in_as(&app, &other).await;
    assert_eq!(other.get(&run_sheet).await.status(), 404);
    assert_eq!(other.get(&format!("/office/outreach/sessions/new?offer={offer}")).await.status(), 404);
    let html = Html::parse_document(&other.get("/office/outreach").await.text().await.unwrap());
    assert!(select_all(&html, "#outreach-offers tbody tr").is_empty());
}

/// 30 people book the last five places at once: exactly five get one, the others are told it is full.
#[tokio::test]
async fn thirty_parallel_bookings_of_five_places_accept_exactly_five() {
    let app = spawn_app().await;
    let session = session(&app, "10:00-10:30 5", None).await;
    let slot = slot_ids(&app, &session).await.remove(0);
    let people = residents(&app, 30).await;
    let mut tokens = Vec::new();
    for (_, browser) in &people {
        tokens.push(browser.csrf_token(&format!("/outreach/sessions/{session}")).await);
    }
    let attempts = people.iter().zip(&tokens).map(|((id, browser), csrf)| {
        let path = format!("/outreach/sessions/{session}/book");
        let slot = slot.clone();
        async move {
            browser
                .post_form(&path, &[("csrf_token", csrf.as_str()), ("slot", &slot), ("person", id)])
                .await
                .status()
                .as_u16()
        }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    assert_eq!(statuses.iter().filter(|s| **s == 303).count(), 5, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 422).count(), 25, "{statuses:?}");
    assert_eq!(taken(&app, &slot).await, (5, 5));
}

/// The same race across two app nodes on one database (PostgreSQL in CI's PostgreSQL stage), half the people
/// on each node, and the waiting list keeps the order in which people joined.
#[tokio::test]
async fn two_nodes_accept_exactly_the_capacity_and_keep_the_waiting_list_in_order() {
    let a = spawn_app().await;
    let b = crate::helpers::another_node(&a, &[]).await;
    let session = session(&a, "10:00-10:30 5", None).await;
    let slot = slot_ids(&a, &session).await.remove(0);
    let people = residents(&a, 30).await;
    let mut prepared = Vec::new();
    for (i, (id, browser)) in people.iter().enumerate() {
        let node = if i % 2 == 0 { browser.address.clone() } else { b.address.clone() };
        let mut on_node = crate::helpers::second_client(browser);
        on_node.address = node;
        on_node.client = browser.client.clone();
        let csrf = on_node.csrf_token(&format!("/outreach/sessions/{session}")).await;
        prepared.push((id.clone(), on_node, csrf));
    }
    let attempts = prepared.iter().map(|(id, browser, csrf)| {
        let path = format!("/outreach/sessions/{session}/book");
        let slot = slot.clone();
        async move {
            browser
                .post_form(&path, &[("csrf_token", csrf.as_str()), ("slot", &slot), ("person", id)])
                .await
                .status()
                .as_u16()
        }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    assert_eq!(statuses.iter().filter(|s| **s == 303).count(), 5, "{statuses:?}");
    assert_eq!(taken(&a, &slot).await, (5, 5));

    // Twenty join the waiting list at once, ten through each node: positions 1..=20, each once.
    let booked: Vec<(String,)> = sqlx::query_as("SELECT person_id FROM outreach_bookings WHERE session_id = $1")
        .bind(&session)
        .fetch_all(a.store.pool())
        .await
        .unwrap();
    let waiting: Vec<&String> =
        people.iter().map(|(id, _)| id).filter(|id| !booked.iter().any(|(b,)| b == *id)).take(20).collect();
    let joins = waiting.iter().enumerate().map(|(i, id)| {
        let store = if i % 2 == 0 { a.store.clone() } else { b.store.clone() };
        let session = session.clone();
        let id = (*id).clone();
        async move { store.join_outreach_waiting_list(&session, &id, &id, madoguchi::store::now_ms()).await.unwrap() }
    });
    let places = futures_util::future::join_all(joins).await;
    let mut places: Vec<i64> = places.into_iter().map(Option::unwrap).collect();
    places.sort_unstable();
    assert_eq!(places, (1..=20).collect::<Vec<i64>>());
    let (positions,): (i64,) =
        sqlx::query_as("SELECT COUNT(DISTINCT position) FROM outreach_waiting WHERE session_id = $1")
            .bind(&session)
            .fetch_one(a.store.pool())
            .await
            .unwrap();
    assert_eq!(positions, 20);
}

/// A guardian books for a ward; facility staff book three consenting residents at once; a resident without
/// consent, and someone who does not live at the host of a residents-only session, cannot be booked.
#[tokio::test]
async fn guardians_and_facility_staff_book_for_others_only_where_the_policy_lets_them() {
    let app = spawn_app().await;
    // A third resident at ひだまり荘 with consent, and one without.
    let third = residents(&app, 2).await;
    for (id, consent) in [(&third[0].0, Some(1_i64)), (&third[1].0, None)] {
        sqlx::query("INSERT INTO facility_residents (facility_id, person_id, consent_recorded_at) VALUES ('fac-hidamari', $1, $2)")
            .bind(id)
            .bind(consent)
            .execute(app.store.pool())
            .await
            .unwrap();
    }
    let public = session(&app, "10:00-10:30 5\n10:30-11:00 5", None).await;
    let slots = slot_ids(&app, &public).await;

    // The guardian: p-hanako for p-ichiro, whose authority's scope must cover outreach bookings.
    sqlx::query("UPDATE representations SET scope = scope || ',outreach_booking' WHERE representative_id = 'p-hanako'")
        .execute(app.store.pool())
        .await
        .unwrap();
    let guardian = sign_in_as(&app, "p-hanako").await;
    let page = Html::parse_document(&guardian.get(&format!("/outreach/sessions/{public}")).await.text().await.unwrap());
    let radios = crate::helpers::attr_all(&page, "input[type=radio][name=slot]", "value");
    assert_eq!(radios, slots, "the slots are radio buttons");
    let labels = select_all(&page, "#slot label");
    assert!(labels[0].contains("10時00分") && labels[0].contains("令和"), "the date and time in words: {labels:?}");
    let res = book_as(&guardian, &public, &slots[0], &["p-ichiro"]).await;
    assert_eq!(res.status(), 303);
    let booking = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(guardian.get(&booking).await.status(), 200);

    // Facility staff: three consenting residents at once, one slot.
    let staff = sign_in_as(&app, "p-ken").await;
    let res = book_as(&staff, &public, &slots[1], &["p-tome", "p-shigeru", &third[0].0]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(taken(&app, &slots[1]).await, (3, 3));
    // Without consent: refused, nothing booked.
    let res = book_as(&staff, &public, &slots[1], &[&third[1].0]).await;
    assert_eq!(res.status(), 422);
    assert_eq!(taken(&app, &slots[1]).await, (3, 3));
    // Nor for someone unrelated.
    let res = book_as(&staff, &public, &slots[1], &["p-taro"]).await;
    assert_eq!(res.status(), 422);
    // A booking of someone else's is 404 to an unrelated resident.
    let stranger = sign_in_as(&app, "p-taro").await;
    assert_eq!(stranger.get(&booking).await.status(), 404);

    // A session for ひだまり荘's residents only: its residents' staff may book, others do not see it.
    let residents_only = session(&app, "13:00-13:30 5", Some("fac-hidamari")).await;
    let slot = slot_ids(&app, &residents_only).await.remove(0);
    assert_eq!(stranger.get(&format!("/outreach/sessions/{residents_only}")).await.status(), 404);
    let res = book_as(&staff, &residents_only, &slot, &["p-tome"]).await;
    assert_eq!(res.status(), 303);
    let mails = mails_of_kind(&app, "mail-outreach-booked").await;
    assert!(!mails.is_empty(), "confirmations are queued with the bookings");
}

/// A cancelled place goes to the first person waiting, who has a set time to take it; then it passes on.
#[tokio::test]
async fn a_freed_place_is_held_for_the_first_waiting_then_passes_to_the_next() {
    let app = spawn_app().await;
    let session = session(&app, "10:00-10:30 1", None).await;
    let slot = slot_ids(&app, &session).await.remove(0);
    let people = residents(&app, 3).await;
    let (booker, waiting_one, waiting_two) = (&people[0], &people[1], &people[2]);
    let res = book_as(&booker.1, &session, &slot, &[&booker.0]).await;
    assert_eq!(res.status(), 303);
    let booking = res.headers()["location"].to_str().unwrap().to_string();
    // Full: the page offers the waiting list instead of the slots.
    let page =
        Html::parse_document(&waiting_one.1.get(&format!("/outreach/sessions/{session}")).await.text().await.unwrap());
    assert_eq!(select_all(&page, "#outreach-full").len(), 1);
    for w in [waiting_one, waiting_two] {
        let csrf = w.1.csrf_token(&format!("/outreach/sessions/{session}")).await;
        let res = w.1.post_form(&format!("/outreach/sessions/{session}/wait"), &[("csrf_token", &csrf)]).await;
        assert_eq!(res.status(), 303);
    }
    // Cancelling holds the place for the first person waiting: the slot stays counted.
    let csrf = booker.1.csrf_token(&booking).await;
    let res = booker.1.post_form(&format!("{booking}/cancel"), &[("csrf_token", &csrf)]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(taken(&app, &slot).await, (1, 0));
    assert_eq!(mails_of_kind(&app, "mail-outreach-place-held").await.len(), 1);
    let list = app.store.outreach_waiting_list(&session).await.unwrap();
    assert_eq!(list, vec![(waiting_one.0.clone(), "offered".into()), (waiting_two.0.clone(), "waiting".into())]);

    // The first person lets the time pass: the sweep gives the place to the next.
    app.clock().advance(madoguchi::outreach::HOLD_PLACE_FOR + std::time::Duration::from_secs(60));
    let mails = outreach_mails();
    // (The app's own sweep may get there first: either way the place passes once.)
    madoguchi::outreach::sweep::run_once(&app.store, &mails).await.unwrap();
    let list = app.store.outreach_waiting_list(&session).await.unwrap();
    assert_eq!(list, vec![(waiting_one.0.clone(), "passed".into()), (waiting_two.0.clone(), "offered".into())]);
    assert_eq!(mails_of_kind(&app, "mail-outreach-place-held").await.len(), 2);

    // The second takes it from their page (signed in again: a day has passed).
    let first = sign_in_as(&app, &waiting_one.0).await;
    let second = sign_in_as(&app, &waiting_two.0).await;
    let page = Html::parse_document(&second.get("/outreach").await.text().await.unwrap());
    let action = crate::helpers::attr_all(&page, "#outreach-held form", "action");
    assert_eq!(action.len(), 1);
    // The first can no longer take it.
    let csrf = first.csrf_token("/contact").await;
    assert_eq!(first.post_form(&action[0], &[("csrf_token", &csrf)]).await.status(), 404);
    let csrf = second.csrf_token("/outreach").await;
    let res = second.post_form(&action[0], &[("csrf_token", &csrf)]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(taken(&app, &slot).await, (1, 1));
}

/// Moving to another slot frees the old place; a full slot refuses the move.
#[tokio::test]
async fn a_booking_moves_only_into_a_slot_with_room() {
    let app = spawn_app().await;
    let session = session(&app, "10:00-10:30 1\n10:30-11:00 1\n11:00-11:30 1", None).await;
    let slots = slot_ids(&app, &session).await;
    let people = residents(&app, 2).await;
    let res = book_as(&people[0].1, &session, &slots[0], &[&people[0].0]).await;
    let booking = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(book_as(&people[1].1, &session, &slots[1], &[&people[1].0]).await.status(), 303);
    let csrf = people[0].1.csrf_token(&booking).await;
    people[0].1.post_form(&format!("{booking}/move"), &[("csrf_token", &csrf), ("slot", &slots[1])]).await;
    assert_eq!(taken(&app, &slots[0]).await, (1, 1), "a full slot refuses the move");
    people[0].1.post_form(&format!("{booking}/move"), &[("csrf_token", &csrf), ("slot", &slots[2])]).await;
    assert_eq!(taken(&app, &slots[0]).await, (0, 0));
    assert_eq!(taken(&app, &slots[2]).await, (1, 1));
}

/// The day before, each live booking is reminded once, however many nodes run the sweep at the same time.
#[tokio::test]
async fn the_reminder_goes_out_once_with_two_nodes() {
    let a = spawn_app().await;
    let b = crate::helpers::another_node(&a, &[]).await;
    let session = session(&a, "10:00-10:30 5", None).await;
    let slot = slot_ids(&a, &session).await.remove(0);
    let people = residents(&a, 3).await;
    let bookings: Vec<NewBooking> = people
        .iter()
        .map(|(id, _)| NewBooking {
            session_id: session.clone(),
            slot_id: slot.clone(),
            person_id: id.clone(),
            booked_by: id.clone(),
        })
        .collect();
    let outcome = a.store.book_outreach(&bookings, a.clock().now_ms(), &|_, _| Ok(Vec::new())).await.unwrap();
    assert!(matches!(outcome, BookOutcome::Booked(ref ids) if ids.len() == 3));
    // Six days later the session is tomorrow.
    a.clock().advance(std::time::Duration::from_secs(6 * 24 * 3600));
    let mails = outreach_mails();
    let b_store = b.store.clone().with_clock(a.clock().clone());
    let (one, two) = tokio::join!(
        madoguchi::outreach::sweep::run_once(&a.store, &mails),
        madoguchi::outreach::sweep::run_once(&b_store, &mails)
    );
    // The nodes' own sweeps may take some: together, never more than one a booking.
    assert!(one.unwrap().1 + two.unwrap().1 <= 3);
    let again = madoguchi::outreach::sweep::run_once(&b_store, &mails).await.unwrap();
    assert_eq!(again.1, 0);
    assert_eq!(mails_of_kind(&a, "mail-outreach-reminder").await.len(), 3, "one reminder a booking");
}

/// The run sheet records identity checked and did not come, for the officer's own municipality only.
#[tokio::test]
async fn the_run_sheet_records_what_happened() {
    let app = spawn_app().await;
    let session = session(&app, "10:00-10:30 5", None).await;
    let slot = slot_ids(&app, &session).await.remove(0);
    let people = residents(&app, 2).await;
    let mut ids = Vec::new();
    for (id, browser) in &people {
        let res = book_as(browser, &session, &slot, &[id]).await;
        ids.push(res.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().to_string());
    }
    let officer = sign_in_as(&app, "p-suzuki").await;
    let sheet = format!("/office/outreach/sessions/{session}");
    let html = Html::parse_document(&officer.get(&sheet).await.text().await.unwrap());
    assert_eq!(select_all(&html, "#outreach-run-sheet tbody tr").len(), 2);
    let csrf = officer.csrf_token(&sheet).await;
    let record = |id: &str, action: &'static str| {
        let path = format!("/office/outreach/bookings/{id}/record");
        let csrf = csrf.clone();
        let officer = &officer;
        async move { officer.post_form(&path, &[("csrf_token", &csrf), ("action", action)]).await.status().as_u16() }
    };
    assert_eq!(record(&ids[0], "identity_checked").await, 303);
    assert_eq!(record(&ids[1], "no_show").await, 303);
    let states: Vec<(String,)> =
        sqlx::query_as("SELECT state FROM outreach_bookings WHERE session_id = $1 ORDER BY state")
            .bind(&session)
            .fetch_all(app.store.pool())
            .await
            .unwrap();
    assert_eq!(states, vec![("attended".to_string(),), ("no_show".to_string(),)]);
    let other = add_other_municipality(&app).await;
    let other = sign_in_as(&app, &other).await;
    let csrf = other.csrf_token("/contact").await;
    let res = other
        .post_form(
            &format!("/office/outreach/bookings/{}/record", ids[0]),
            &[("csrf_token", &csrf), ("action", "no_show")],
        )
        .await;
    assert_eq!(res.status(), 404);
}

/// Another municipality's outreach records, for the authorization test: a session only the residents of its
/// facility may book (p-maria lives there), her booking and her place on the waiting list.
pub struct Foreign {
    pub session: String,
    pub booking: String,
    pub waiting: String,
}

/// Needs `mun-other` and p-maria moved there (`authorization::foreign_records` does both first).
pub async fn foreign(app: &TestApp) -> Foreign {
    let store = &app.store;
    sqlx::query(
        "INSERT INTO facilities (id, name_ja, name_en, kind, municipality_id, created_at) \
         VALUES ('fac-other', 'みどり苑', 'Midori House', 'care_home', 'mun-other', 0)",
    )
    .execute(store.pool())
    .await
    .unwrap();
    sqlx::query("INSERT INTO facility_residents (facility_id, person_id, consent_recorded_at) VALUES ('fac-other', 'p-maria', 0)")
        .execute(store.pool())
        .await
        .unwrap();
    let held_on = (app.clock().today() + chrono::Days::new(7)).to_string();
    let slots = SlotPlan::parse_lines("10:00-10:30 1").unwrap();
    let session = store
        .schedule_outreach_session(
            &NewSession {
                municipality_id: "mun-other",
                offer_id: None,
                venue_kind: madoguchi::outreach::VenueKind::Facility,
                host_facility_id: Some("fac-other"),
                venue: "みどり苑",
                held_on: &held_on,
                what_to_bring: "",
                residents_only: true,
                created_by: "p-maria",
                slots: &slots,
            },
            0,
        )
        .await
        .unwrap();
    let slot = slot_ids(app, &session).await.remove(0);
    let booking = NewBooking {
        session_id: session.clone(),
        slot_id: slot,
        person_id: "p-maria".into(),
        booked_by: "p-maria".into(),
    };
    let BookOutcome::Booked(ids) = store.book_outreach(&[booking], 0, &|_, _| Ok(Vec::new())).await.unwrap() else {
        panic!("the foreign booking is made")
    };
    store.join_outreach_waiting_list(&session, "p-tome", "p-tome", 0).await.unwrap();
    let (waiting,): (String,) = sqlx::query_as("SELECT id FROM outreach_waiting WHERE session_id = $1")
        .bind(&session)
        .fetch_one(store.pool())
        .await
        .unwrap();
    Foreign { session, booking: ids[0].clone(), waiting }
}

// ---- The calendar file (.ics) ----

/// The calendar read back with `icalendar`'s parser: its METHOD and its one event.
fn parse_calendar(ics: &str) -> (String, icalendar::Event) {
    use std::str::FromStr;
    let calendar = icalendar::Calendar::from_str(ics).unwrap_or_else(|e| panic!("the file parses: {e}\n{ics}"));
    let method = calendar.property_value("METHOD").unwrap_or_default().to_string();
    let events: Vec<icalendar::Event> = calendar.events().cloned().collect();
    assert_eq!(events.len(), 1, "one event: {ics}");
    (method, events.into_iter().next().unwrap())
}

/// A DTSTART or DTEND as an instant: the file gives UTC times.
fn instant(value: Option<icalendar::DatePerhapsTime>) -> chrono::DateTime<chrono::Utc> {
    match value {
        Some(icalendar::DatePerhapsTime::DateTime(icalendar::CalendarDateTime::Utc(t))) => t,
        other => panic!("a UTC date-time, not {other:?}"),
    }
}

/// `HH:MM` on the session's day in Japan time.
fn japan_time(app: &TestApp, hhmm: &str) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    let day = app.clock().today() + chrono::Days::new(7);
    let time = chrono::NaiveTime::parse_from_str(hhmm, "%H:%M").unwrap();
    chrono::FixedOffset::east_opt(9 * 3600)
        .unwrap()
        .from_local_datetime(&day.and_time(time))
        .unwrap()
        .with_timezone(&chrono::Utc)
}

/// The calendar file attached to the newest mail of `kind` to `to`: (content type, file name, text).
async fn attached(app: &TestApp, kind: &str, to: &str) -> (String, String, String) {
    let mails = app.store.outbox().list_recent(200).await.unwrap();
    let mail = mails.iter().find(|m| m.kind == kind && m.recipient == to).unwrap_or_else(|| panic!("a {kind} mail"));
    let file = mail.attachment().unwrap_or_else(|| panic!("the {kind} mail carries a file"));
    (file.content_type, file.file_name, file.body)
}

/// Issue #13: "a confirmation e-mail with a calendar file (.ics)": the file from the booking page and the files
/// mailed on booking, moving and cancelling parse, in Japan time, with one UID whose SEQUENCE rises.
#[tokio::test]
async fn the_booking_calendar_file_parses_in_japan_time_and_keeps_its_uid_through_a_move_and_a_cancellation() {
    let app = spawn_app().await;
    let session = session(&app, "10:00-10:30 5\n14:30-15:00 5", None).await;
    let slots = slot_ids(&app, &session).await;
    let people = residents(&app, 1).await;
    let (person, browser) = (&people[0].0, &people[0].1);
    let email: (String,) = sqlx::query_as("SELECT email FROM people WHERE id = $1")
        .bind(person)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    let email = email.0;
    let res = book_as(browser, &session, &slots[0], &[person]).await;
    assert_eq!(res.status(), 303);
    let booking = res.headers()["location"].to_str().unwrap().to_string();
    let id = booking.rsplit('/').next().unwrap().to_string();
    let uid = format!("outreach-booking-{id}@localhost");

    // The booking page links the file and says what it is for.
    let page = Html::parse_document(&browser.get(&booking).await.text().await.unwrap());
    assert_eq!(
        crate::helpers::attr_all(&page, "#outreach-calendar a", "href"),
        vec![format!("{booking}/calendar.ics")]
    );
    assert!(select_all(&page, "#outreach-calendar p")[0].contains("カレンダー"));

    // Downloaded: PUBLISH, in the page's language, the slot in Japan time.
    let res = browser.get(&format!("{booking}/calendar.ics")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/calendar; charset=utf-8");
    assert_eq!(res.headers()["content-disposition"], "attachment; filename=\"booking.ics\"");
    let ics = res.text().await.unwrap();
    let (method, event) = parse_calendar(&ics);
    assert_eq!(method, "PUBLISH");
    use icalendar::{Component, EventLike};
    assert_eq!(event.get_uid(), Some(uid.as_str()));
    assert_eq!(event.get_sequence(), Some(0));
    assert_eq!(instant(event.get_start()), japan_time(&app, "10:00"));
    assert_eq!(instant(event.get_end()), japan_time(&app, "10:30"));
    // The same instant on the wire, whatever parser reads it: 10:00 in Japan is 01:00 UTC.
    let day = (app.clock().today() + chrono::Days::new(7)).format("%Y%m%d");
    assert!(ics.contains(&format!("DTSTART:{day}T010000Z\r\n")), "{ics}");
    assert_eq!(event.get_location(), Some("あおば中央郵便局"));
    assert_eq!(event.get_summary(), Some("マイナンバーカードの出張申請：青葉 太郎0 さん"));
    let description = event.get_description().unwrap();
    assert!(description.contains("通知カード") && description.contains("本人確認書類"), "what to bring: {description}");
    assert!(description.contains(&app.url(&booking)), "the booking page: {description}");
    assert_eq!(event.get_status(), Some(icalendar::EventStatus::Confirmed));

    // Someone else's booking: 404, the file as the page.
    let stranger = sign_in_as(&app, "p-taro").await;
    assert_eq!(stranger.get(&format!("{booking}/calendar.ics")).await.status(), 404);
    assert_eq!(browser.get("/outreach/bookings/no-such-booking/calendar.ics").await.status(), 404);

    // Mailed with the confirmation: REQUEST, the same UID, from the portal to the recipient.
    let (content_type, name, ics) = attached(&app, "mail-outreach-booked", &email).await;
    assert_eq!(content_type, "text/calendar; method=REQUEST; charset=UTF-8");
    assert_eq!(name, "booking.ics");
    let (method, event) = parse_calendar(&ics);
    assert_eq!(method, "REQUEST");
    assert_eq!(event.get_uid(), Some(uid.as_str()));
    assert_eq!(event.get_sequence(), Some(0));
    assert_eq!(event.property_value("ORGANIZER"), Some("mailto:no-reply@localhost"));
    let attendees = event.get_attendees();
    assert_eq!(attendees.len(), 1);
    assert_eq!(attendees[0].cal_address, format!("mailto:{email}"));
    assert_eq!(attendees[0].part_stat, Some(icalendar::PartStat::Accepted));

    // Moved: the same entry, a higher SEQUENCE, the new time.
    let csrf = browser.csrf_token(&booking).await;
    let res = browser.post_form(&format!("{booking}/move"), &[("csrf_token", &csrf), ("slot", &slots[1])]).await;
    assert_eq!(res.status(), 303);
    let (content_type, _, ics) = attached(&app, "mail-outreach-moved", &email).await;
    assert_eq!(content_type, "text/calendar; method=REQUEST; charset=UTF-8");
    let (_, moved) = parse_calendar(&ics);
    assert_eq!(moved.get_uid(), Some(uid.as_str()));
    assert_eq!(moved.get_sequence(), Some(1));
    assert_eq!(instant(moved.get_start()), japan_time(&app, "14:30"));
    assert_eq!(instant(moved.get_end()), japan_time(&app, "15:00"));
    let (_, downloaded) = parse_calendar(&browser.get(&format!("{booking}/calendar.ics")).await.text().await.unwrap());
    assert_eq!((downloaded.get_sequence(), instant(downloaded.get_start())), (Some(1), japan_time(&app, "14:30")));

    // Cancelled: CANCEL, STATUS:CANCELLED, the same UID, a higher SEQUENCE still.
    let res = browser.post_form(&format!("{booking}/cancel"), &[("csrf_token", &csrf)]).await;
    assert_eq!(res.status(), 303);
    let (content_type, _, ics) = attached(&app, "mail-outreach-cancelled", &email).await;
    assert_eq!(content_type, "text/calendar; method=CANCEL; charset=UTF-8");
    let (method, cancelled) = parse_calendar(&ics);
    assert_eq!(method, "CANCEL");
    assert_eq!(cancelled.get_uid(), Some(uid.as_str()));
    assert_eq!(cancelled.get_sequence(), Some(2));
    assert_eq!(cancelled.get_status(), Some(icalendar::EventStatus::Cancelled));
    // The page no longer offers the file of a cancelled booking.
    let page = Html::parse_document(&browser.get(&booking).await.text().await.unwrap());
    assert!(select_all(&page, "#outreach-calendar").is_empty());
}

/// The file is in the booker's language: an English reader's mail and file are in English.
#[tokio::test]
async fn the_calendar_file_is_in_the_bookers_language() {
    let app = spawn_app().await;
    let session = session(&app, "09:00-09:30 5", None).await;
    let slot = slot_ids(&app, &session).await.remove(0);
    let people = residents(&app, 1).await;
    let (person, browser) = (&people[0].0, &people[0].1);
    let (email,): (String,) = sqlx::query_as("UPDATE people SET preferred_locale = 'en' WHERE id = $1 RETURNING email")
        .bind(person)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(book_as(browser, &session, &slot, &[person]).await.status(), 303);
    let (_, _, ics) = attached(&app, "mail-outreach-booked", &email).await;
    let (_, event) = parse_calendar(&ics);
    use icalendar::Component;
    assert_eq!(event.get_summary(), Some("Card application session: 青葉 太郎0"));
    assert!(event.get_description().unwrap().contains("Bring an identity document"));
    assert_eq!(instant(event.get_start()), japan_time(&app, "09:00"));
}

/// Real delivery: the confirmation arrives as text and HTML with the calendar file attached.
#[tokio::test]
async fn the_confirmation_mail_arrives_with_a_text_calendar_part() {
    let sink = crate::smtp_sink::SmtpSink::start().await;
    let app = crate::helpers::spawn_app_with(&[
        ("MADOGUCHI_SMTP_URL", &sink.url()),
        ("MADOGUCHI_MAIL_FROM", "窓口 <no-reply@madoguchi.example.jp>"),
    ])
    .await;
    let session = session(&app, "10:00-10:30 5", None).await;
    let slot = slot_ids(&app, &session).await.remove(0);
    let people = residents(&app, 1).await;
    let res = book_as(&people[0].1, &session, &slot, &[&people[0].0]).await;
    let id = res.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().to_string();
    let received = sink.wait_for_messages(1).await;
    let mail = &received[0];
    assert!(mail.header("Content-Type").unwrap().starts_with("multipart/mixed"), "{}", mail.raw);
    assert!(mail.part("text/plain").unwrap().contains("booking.ics"), "the text says what the file is for");
    assert!(mail.part("text/html").is_some());
    let content_type = mail.part_header("text/calendar", "Content-Type").unwrap();
    assert!(content_type.contains("method=REQUEST") && content_type.to_ascii_lowercase().contains("charset=utf-8"));
    let disposition = mail.part_header("text/calendar", "Content-Disposition").unwrap();
    assert!(disposition.starts_with("attachment") && disposition.contains("booking.ics"), "{disposition}");
    let (method, event) = parse_calendar(&mail.part("text/calendar").unwrap());
    use icalendar::Component;
    assert_eq!(method, "REQUEST");
    assert_eq!(event.get_uid(), Some(format!("outreach-booking-{id}@localhost").as_str()));
    assert_eq!(event.property_value("ORGANIZER"), Some("mailto:no-reply@madoguchi.example.jp"));
    assert_eq!(instant(event.get_start()), japan_time(&app, "10:00"));
}

/// "Application taken" after identity was checked makes one card request (an ordinary application, not
/// express) for the booked person, filed as the booker: the run sheet and the booking page link to it, the
/// person sees it in their requests, a mail is queued; before the identity check it is refused; another
/// municipality's officer cannot record it (404).
#[tokio::test]
async fn application_taken_makes_one_card_request_the_booker_follows() {
    let app = spawn_app().await;
    let session = session(&app, "10:00-10:30 5", None).await;
    let slot = slot_ids(&app, &session).await.remove(0);
    let people = residents(&app, 1).await;
    let (person, browser) = &people[0];
    let res = book_as(browser, &session, &slot, &[person]).await;
    let booking = res.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().to_string();
    // The guardian books for the ward, with an authority covering bookings and card applications.
    sqlx::query(
        "UPDATE representations SET scope = 'outreach_booking,card_application' WHERE representative_id = 'p-hanako'",
    )
    .execute(app.store.pool())
    .await
    .unwrap();
    let guardian = sign_in_as(&app, "p-hanako").await;
    let res = book_as(&guardian, &session, &slot, &["p-ichiro"]).await;
    assert_eq!(res.status(), 303);
    let ward_booking = res.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().to_string();

    let officer = sign_in_as(&app, "p-suzuki").await;
    let sheet = format!("/office/outreach/sessions/{session}");
    let csrf = officer.csrf_token(&sheet).await;
    let record = |id: &str, action: &'static str| {
        let path = format!("/office/outreach/bookings/{id}/record");
        let csrf = csrf.clone();
        let officer = &officer;
        async move { officer.post_form(&path, &[("csrf_token", &csrf), ("action", action)]).await.status().as_u16() }
    };
    let requests_of = |subject: String| {
        let pool = app.store.pool().clone();
        async move {
            let rows: Vec<(String, String, String, String)> = sqlx::query_as(
                "SELECT r.id, r.state, r.reason, r.filed_by FROM requests r WHERE r.subject_id = $1 AND r.kind = 'card'",
            )
            .bind(subject)
            .fetch_all(&pool)
            .await
            .unwrap();
            rows
        }
    };

    // Before the identity check: refused, with the reason on the run sheet; nothing made.
    assert_eq!(record(&booking, "taken").await, 409);
    assert!(requests_of(person.clone()).await.is_empty());
    let html = Html::parse_document(&officer.get(&sheet).await.text().await.unwrap());
    assert!(select_all(&html, "button").iter().all(|b| !b.contains("taken") && !b.contains("受け付けた")));

    // Identity checked, then taken — twice: still one request.
    assert_eq!(record(&booking, "identity_checked").await, 303);
    assert_eq!(record(&booking, "taken").await, 303);
    assert_eq!(record(&booking, "taken").await, 303, "a second click shows the run sheet");
    let made = requests_of(person.clone()).await;
    assert_eq!(made.len(), 1, "one request: {made:?}");
    let (id, state, reason, filed_by) = made[0].clone();
    assert_eq!((state.as_str(), reason.as_str(), filed_by.as_str()), ("submitted", "outreach", person.as_str()));
    let card = app.store.card_request(&id).await.unwrap().unwrap();
    let held_on = (app.clock().today() + chrono::Days::new(7)).to_string();
    assert_eq!(
        (card.reason.as_str(), card.trigger_date.as_str(), card.photo_file),
        ("outreach", held_on.as_str(), None)
    );
    let (booking_state, linked): (String, Option<String>) =
        sqlx::query_as("SELECT state, card_request_id FROM outreach_bookings WHERE id = $1")
            .bind(&booking)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!((booking_state.as_str(), linked.as_deref()), ("taken", Some(id.as_str())));
    let events: Vec<(String, String)> =
        sqlx::query_as("SELECT event, actor_role FROM request_events WHERE request_id = $1 ORDER BY at, event")
            .bind(&id)
            .fetch_all(app.store.pool())
            .await
            .unwrap();
    assert!(events.contains(&("taken_at_session".to_string(), "officer".to_string())), "{events:?}");

    // The run sheet links the officer to the request's page, which opens for them.
    let html = Html::parse_document(&officer.get(&sheet).await.text().await.unwrap());
    let links = crate::helpers::attr_all(&html, &format!("#request-{booking}"), "href");
    assert_eq!(links, vec![format!("/office/express/{id}")]);
    assert_eq!(officer.get(&links[0]).await.status(), 200);

    // The mail to the person who filed it, as for any request.
    let mails = app.store.outbox().list_recent(50).await.unwrap();
    let mail = mails
        .iter()
        .find(|m| m.kind == "mail-request-update" && m.body_text.contains(&format!("/express/{id}")))
        .expect("a mail about the request");
    assert!(mail.recipient.starts_with("outreach0-"), "{}", mail.recipient);

    // The person sees it in their requests, on its page (not express: about when, in weeks) and from the booking.
    assert!(browser.get("/requests").await.text().await.unwrap().contains(&format!("href=\"/express/{id}\"")));
    let res = browser.get(&format!("/express/{id}")).await;
    assert_eq!(res.status(), 200);
    let page = Html::parse_document(&res.text().await.unwrap());
    assert_eq!(select_all(&page, "#express-mailed-by").len(), 0, "no express promise");
    let about = select_all(&page, "#express-mailed-about");
    assert!(about.len() == 1 && about[0].contains('4'), "{about:?}");
    let page = Html::parse_document(&browser.get(&format!("/outreach/bookings/{booking}")).await.text().await.unwrap());
    assert_eq!(crate::helpers::attr_all(&page, "#outreach-booking-request a", "href"), vec![format!("/express/{id}")]);

    // The guardian's ward: taken, visible to the guardian; someone else's account gets 404.
    assert_eq!(record(&ward_booking, "identity_checked").await, 303);
    assert_eq!(record(&ward_booking, "taken").await, 303);
    let ward = requests_of("p-ichiro".to_string()).await;
    assert_eq!(ward.len(), 1);
    let ward_id = ward[0].0.clone();
    assert_eq!(ward[0].3, "p-hanako", "filed as the guardian who booked");
    assert_eq!(guardian.get(&format!("/express/{ward_id}")).await.status(), 200);
    assert!(guardian.get("/requests").await.text().await.unwrap().contains(&format!("href=\"/express/{ward_id}\"")));
    assert_eq!(browser.get(&format!("/express/{ward_id}")).await.status(), 404);
    let stranger = sign_in_as(&app, "p-taro").await;
    assert_eq!(stranger.get(&format!("/express/{ward_id}")).await.status(), 404);
    assert_eq!(stranger.get(&format!("/express/{id}")).await.status(), 404);

    // Another municipality's officer cannot record it, nor open the request.
    let other = add_other_municipality(&app).await;
    let other = sign_in_as(&app, &other).await;
    let csrf = other.csrf_token("/contact").await;
    let res = other
        .post_form(
            &format!("/office/outreach/bookings/{ward_booking}/record"),
            &[("csrf_token", &csrf), ("action", "taken")],
        )
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(other.get(&format!("/office/express/{id}")).await.status(), 404);
    assert_eq!(requests_of("p-ichiro".to_string()).await.len(), 1);
}

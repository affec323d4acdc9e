//! Demo data for outreach sessions: ひだまり荘's offer, the session the city scheduled from it two weeks ahead
//! (two slots of three places, open to the public), and the two residents its staff booked into the first slot.

use sqlx::AnyConnection;

/// Loads the outreach demo inside the demo data's transaction.
pub async fn insert(conn: &mut AnyConnection, now: i64, today: chrono::NaiveDate) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO outreach_offers (id, facility_id, municipality_id, offered_by, address, contact, expected_applicants, \
         accessibility_notes, preferred_dates, state, created_at) VALUES ('outreach-offer-demo', 'fac-hidamari', \
         'mun-aoba', 'p-misaki', 'あおば市中央2-3-4', '事務室 佐藤 03-0000-0000', 12, '車いす可、1階の食堂', \
         '平日の午前', 'scheduled', $1)",
    )
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let held_on = (today + chrono::Days::new(14)).to_string();
    sqlx::query(
        "INSERT INTO outreach_sessions (id, municipality_id, offer_id, venue_kind, host_facility_id, venue, held_on, \
         what_to_bring, residents_only, created_by, created_at) VALUES ('outreach-session-demo', 'mun-aoba', \
         'outreach-offer-demo', 'facility', 'fac-hidamari', 'ひだまり荘 1階食堂（あおば市中央2-3-4）', $1, \
         '通知カード（お持ちの方）', 0, 'p-suzuki', $2)",
    )
    .bind(&held_on)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    for (id, starts, ends, taken) in
        [("outreach_slot_demo_1", "10:00", "10:30", 2_i64), ("outreach_slot_demo_2", "10:30", "11:00", 0)]
    {
        sqlx::query(
            "INSERT INTO outreach_slots (id, session_id, starts_at, ends_at, capacity, taken) \
             VALUES ($1, 'outreach-session-demo', $2, $3, 3, $4)",
        )
        .bind(id)
        .bind(starts)
        .bind(ends)
        .bind(taken)
        .execute(&mut *conn)
        .await?;
    }
    for (id, person) in [("outreach_booking_demo_1", "p-tome"), ("outreach_booking_demo_2", "p-shigeru")] {
        sqlx::query(
            "INSERT INTO outreach_bookings (id, session_id, slot_id, person_id, booked_by, state, created_at, updated_at) \
             VALUES ($1, 'outreach-session-demo', 'outreach_slot_demo_1', $2, 'p-ken', 'booked', $3, $3)",
        )
        .bind(id)
        .bind(person)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

//! Demo data of the card custody log and proxy receipt: the demo facility keeps 渡辺 トメ's card (taken in,
//! out to a clinic and back, with one line corrected) and her card may be received by 伊藤 健 (approved by the
//! municipality); 小林 茂's card has been out longer than the facility's limit, so its page flags it.

use sqlx::AnyConnection;

use super::new_id;

const HOUR_MS: i64 = 3_600_000;

/// (resident, event, hours before loading, carried by, reason, recorded by)
const ENTRIES: &[(&str, &str, i64, &str, &str, &str)] = &[
    ("p-tome", "taken_in", 72, "", "", "p-misaki"),
    ("p-tome", "taken_out", 50, "伊藤 健", "通院（あおば内科）", "p-ken"),
    ("p-tome", "returned", 47, "", "", "p-ken"),
    ("p-shigeru", "taken_in", 30, "", "", "p-misaki"),
    ("p-shigeru", "taken_out", 10, "高橋 美咲", "歯科の受診", "p-misaki"),
];

pub(super) async fn insert(conn: &mut AnyConnection, facility: &str, now: i64) -> Result<(), sqlx::Error> {
    let mut ids = Vec::new();
    for (person, event, hours_ago, carried_by, reason, by) in ENTRIES {
        let id = new_id();
        let at = now - hours_ago * HOUR_MS;
        sqlx::query(
            "INSERT INTO card_custody_entries (id, facility_id, person_id, event, carried_by, reason, corrects_id, \
             happened_at, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8, $7)",
        )
        .bind(&id)
        .bind(facility)
        .bind(*person)
        .bind(*event)
        .bind(*carried_by)
        .bind(*reason)
        .bind(at)
        .bind(*by)
        .execute(&mut *conn)
        .await?;
        ids.push((id, at));
    }
    // The clinic visit's reason was written wrong at first: corrected an hour later, both lines kept.
    let (corrected, at) = &ids[1];
    sqlx::query(
        "INSERT INTO card_custody_entries (id, facility_id, person_id, event, carried_by, reason, corrects_id, \
         happened_at, recorded_by, recorded_at) VALUES ($1, $2, 'p-tome', 'taken_out', '伊藤 健', '通院（あおば眼科）', \
         $3, $4, 'p-ken', $5)",
    )
    .bind(new_id())
    .bind(facility)
    .bind(corrected)
    .bind(*at)
    .bind(at + HOUR_MS)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO proxy_receipts (id, facility_id, person_id, proxy_id, request_id, requested_by, state, created_at, \
         decided_by, decided_at) VALUES ('proxy-demo-0', $1, 'p-tome', 'p-ken', NULL, 'p-misaki', 'approved', $2, \
         'p-suzuki', $3)",
    )
    .bind(facility)
    .bind(now - 48 * HOUR_MS)
    .bind(now - 24 * HOUR_MS)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

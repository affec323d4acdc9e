//! Demo data for bulk applications: the care home's open batch, uploaded by its staff member 伊藤 健, with a good
//! row for 渡辺 トメ and a row for 小林 茂 whose 枝番 needs fixing, ready to fix and send.

use sqlx::AnyConnection;

use super::bulk::{NewBatch, insert_bulk_batch};
use crate::bulk::rows::check_row;
use crate::bulk::{Insurer, Resident, RowContext, Upload, read_upload};

const FILE: &str = "氏名,フリガナ,生年月日,保険者番号,記号,番号,枝番,申請の理由,受け取り方法,郵便番号,住所,連絡方法,電話番号\r\n\
渡辺 トメ,ワタナベ トメ,昭和10年2月11日,138008,,12345,01,no-card,post,999-0001,あおば市中央1-2-3 ひだまり荘,post,\r\n\
小林 茂,コバヤシ シゲル,昭和15年9月30日,138008,,22222,1,cannot-use-card,download,,,phone,0120-000-333\r\n";

/// Writes the batch inside the demo data's transaction.
pub async fn insert_demo_batch(conn: &mut AnyConnection, now: i64) -> Result<(), sqlx::Error> {
    let Upload::Rows { rows, .. } = read_upload(FILE.as_bytes()) else {
        return Err(sqlx::Error::Protocol("the demo batch does not read".into()));
    };
    let resident = |id: &str, name: &str, birth: &str| Resident {
        person_id: id.to_string(),
        facility_id: "fac-hidamari".to_string(),
        name: name.to_string(),
        birth_date: birth.to_string(),
    };
    let residents = [resident("p-tome", "渡辺 トメ", "1935-02-11"), resident("p-shigeru", "小林 茂", "1940-09-30")];
    let insurers = [Insurer { id: "ins-aoba-kokuho".to_string(), number: "138008".to_string() }];
    let ctx = RowContext { residents: &residents, insurers: &insurers, today: super::today_jst() };
    let checked: Vec<_> = rows.into_iter().map(|r| (check_row(&r, &ctx), r)).map(|(c, r)| (r, c)).collect();
    let batch = NewBatch {
        facility_id: "fac-hidamari",
        created_by: "p-ken",
        file_name: "hidamari-2026-12.csv",
        rows: &checked,
    };
    insert_bulk_batch(conn, &batch, now).await?;
    Ok(())
}

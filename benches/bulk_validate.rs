//! Validating a bulk upload of 1,000 rows (申請のとりまとめ): `cargo bench --bench bulk_validate`.
//!
//! The whole pure path a staff member's upload takes before anything is stored: decoding the Shift_JIS file,
//! reading the CSV, matching the header row and checking every row with the domain types against 200
//! consenting residents and the insurers. The issue asks for "well under a second".

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use madoguchi::bulk::rows::check_row;
use madoguchi::bulk::{Insurer, Resident, RowContext, Upload, read_upload};

const ROWS: usize = 1_000;
const HEADER: &str =
    "氏名,フリガナ,生年月日,保険者番号,記号,番号,枝番,申請の理由,受け取り方法,郵便番号,住所,連絡方法,電話番号";

/// The 200 residents share a name and differ by their date of birth.
fn born(i: usize) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(1940, 1, 1).unwrap() + chrono::Duration::days(i as i64)
}

fn residents() -> Vec<Resident> {
    (0..200usize)
        .map(|i| Resident {
            person_id: format!("p-{i}"),
            facility_id: "fac".to_string(),
            name: "髙橋 﨑子".to_string(),
            birth_date: born(i).to_string(),
        })
        .collect()
}

/// 1,000 rows, one in ten with a mistake, in Shift_JIS as a Japanese spreadsheet program saves it.
fn file() -> Vec<u8> {
    let mut text = format!("{HEADER}\r\n");
    for i in 0..ROWS {
        let birth = born(i % 200).format("%Y/%m/%d");
        let branch = if i % 10 == 0 { "1" } else { "01" };
        text.push_str(&format!(
            "髙橋 﨑子,ﾀｶﾊｼ ｻｷｺ,{birth},138008,,{:05},{branch},no-card,post,100-0001,東京都千代田区①丁目 ㈱ビル,phone,03-1234-5678\r\n",
            10_000 + i
        ));
    }
    let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
    bytes.into_owned()
}

fn validate(c: &mut Criterion) {
    let bytes = file();
    let residents = residents();
    let insurers = vec![Insurer { id: "ins".to_string(), number: "138008".to_string() }];
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    let mut group = c.benchmark_group("bulk");
    group.throughput(Throughput::Elements(ROWS as u64));
    group.bench_function("validate 1,000 rows (Shift_JIS file to checked rows)", |b| {
        b.iter(|| {
            let Upload::Rows { rows, .. } = read_upload(black_box(&bytes)) else { panic!("the file reads") };
            let ctx = RowContext { residents: &residents, insurers: &insurers, today };
            let valid = rows.iter().map(|r| check_row(r, &ctx)).filter(|c| c.is_valid()).count();
            assert_eq!(valid, ROWS - ROWS / 10);
        })
    });
    group.finish();
}

criterion_group!(benches, validate);
criterion_main!(benches);

//! Demo data: a municipality, insurers, a care facility, residents, a guardian with a ward, facility staff
//! and officers, so that a newcomer can try every journey. Loaded once; loading again changes nothing.

use sqlx::AnyConnection;

use super::{Store, now_ms};
use crate::crypto::SecretKey;
use crate::domain::card_validity::ExpressReason;
use crate::requests::certificate::{CertificateAnswers, Contact, Delivery, Reason};
use crate::requests::service::{Answers, Command, Decision, Filing, KindEffect, Numbers, Service, ServiceError};
use crate::requests::{FiledAs, RequestKind};

pub struct DemoOrganisation {
    pub id: &'static str,
    pub name_ja: &'static str,
    pub name_en: &'static str,
}

pub const MUNICIPALITY: DemoOrganisation =
    DemoOrganisation { id: "mun-aoba", name_ja: "あおば市", name_en: "Aoba City" };
pub const FACILITY: DemoOrganisation =
    DemoOrganisation {
        id: "fac-hidamari", name_ja: "特別養護老人ホーム ひだまり荘", name_en: "Hidamari Care Home"
    };

/// (id, number, name_ja, name_en, default certificate months, name in easy Japanese with readings, phone).
/// The phone numbers are made up, like everything else here.
pub const INSURERS: &[(&str, &str, &str, &str, i64, &str, &str)] = &[
    (
        "ins-aoba-kokuho",
        "138008",
        "あおば市国民健康保険",
        "Aoba City National Health Insurance",
        12,
        "あおば[市|し]の [国民健康保険|こくみんけんこうほけん]",
        "0120-000-111",
    ),
    (
        "ins-kyokai-tokyo",
        "01130012",
        "全国健康保険協会 東京支部",
        "Japan Health Insurance Association (Kyokai Kenpo), Tokyo",
        60,
        "[協会|きょうかい]けんぽ [東京|とうきょう]",
        "0570-000-222",
    ),
    (
        "ins-koki-tokyo",
        "39131016",
        "後期高齢者医療広域連合",
        "Late-Stage Elderly Medical Care Union",
        12,
        "75[歳|さい]からの [医療|いりょう]の [保険|ほけん]（[後期高齢者医療|こうきこうれいしゃいりょう]）",
        "0570-000-333",
    ),
];

pub struct DemoPerson {
    pub id: &'static str,
    pub name: &'static str,
    pub name_kana: &'static str,
    pub birth_date: &'static str,
    pub email: Option<&'static str>,
    pub locale: &'static str,
    /// (role, organisation id)
    pub roles: &'static [(&'static str, &'static str)],
}

pub const PEOPLE: &[DemoPerson] = &[
    // A parent with express card requests: her baby's (with the birth registration) and her own lost card,
    // with its interim certificate.
    DemoPerson {
        id: "p-yuki",
        name: "小林 由紀",
        name_kana: "コバヤシ ユキ",
        birth_date: "1994-04-18",
        email: Some("yuki@example.jp"),
        locale: "ja",
        roles: &[("resident", "")],
    },
    DemoPerson {
        id: "p-sora",
        name: "小林 空",
        name_kana: "コバヤシ ソラ",
        birth_date: "2026-10-20",
        email: None,
        locale: "ja",
        roles: &[],
    },
    DemoPerson {
        id: "p-taro",
        name: "山田 太郎",
        name_kana: "ヤマダ タロウ",
        birth_date: "1985-01-02",
        email: Some("taro@example.jp"),
        locale: "ja",
        roles: &[("resident", "")],
    },
    DemoPerson {
        id: "p-maria",
        name: "Maria SANTOS",
        name_kana: "マリア サントス",
        birth_date: "1992-07-14",
        email: Some("maria@example.jp"),
        locale: "en",
        roles: &[("resident", "")],
    },
    DemoPerson {
        id: "p-hanako",
        name: "佐藤 花子",
        name_kana: "サトウ ハナコ",
        birth_date: "1960-03-03",
        email: Some("hanako@example.jp"),
        locale: "ja",
        roles: &[("resident", "")],
    },
    DemoPerson {
        id: "p-ichiro",
        name: "佐藤 一郎",
        name_kana: "サトウ イチロウ",
        birth_date: "1938-05-05",
        email: None,
        locale: "ja",
        roles: &[("resident", "")],
    },
    DemoPerson {
        id: "p-misaki",
        name: "高橋 美咲",
        name_kana: "タカハシ ミサキ",
        birth_date: "1978-11-20",
        email: Some("facility-admin@example.jp"),
        locale: "ja",
        roles: &[("facility_admin", "fac-hidamari")],
    },
    DemoPerson {
        id: "p-ken",
        name: "伊藤 健",
        name_kana: "イトウ ケン",
        birth_date: "1990-04-01",
        email: Some("staff@example.jp"),
        locale: "ja",
        roles: &[("facility_staff", "fac-hidamari")],
    },
    DemoPerson {
        id: "p-tome",
        name: "渡辺 トメ",
        name_kana: "ワタナベ トメ",
        birth_date: "1935-02-11",
        email: None,
        locale: "ja",
        roles: &[("resident", "")],
    },
    DemoPerson {
        id: "p-shigeru",
        name: "小林 茂",
        name_kana: "コバヤシ シゲル",
        birth_date: "1940-09-30",
        email: None,
        locale: "ja",
        roles: &[("resident", "")],
    },
    DemoPerson {
        id: "p-suzuki",
        name: "鈴木 一郎",
        name_kana: "スズキ イチロウ",
        birth_date: "1975-06-15",
        email: Some("officer@city.aoba.example.jp"),
        locale: "ja",
        roles: &[("municipal_officer", "mun-aoba")],
    },
    DemoPerson {
        id: "p-tanaka",
        name: "田中 誠",
        name_kana: "タナカ マコト",
        birth_date: "1982-08-08",
        email: Some("kokuho@city.aoba.example.jp"),
        locale: "ja",
        roles: &[("insurer_officer", "ins-aoba-kokuho")],
    },
    DemoPerson {
        id: "p-nakamura",
        name: "中村 結衣",
        name_kana: "ナカムラ ユイ",
        birth_date: "1988-12-24",
        email: Some("kyokai@example.jp"),
        locale: "en",
        roles: &[("insurer_officer", "ins-kyokai-tokyo")],
    },
    DemoPerson {
        id: "p-admin",
        name: "管理者",
        name_kana: "カンリシャ",
        birth_date: "1970-01-01",
        email: Some("admin@example.jp"),
        locale: "ja",
        roles: &[("admin", "")],
    },
];

/// (representative, ward, relationship)
pub const REPRESENTATIONS: &[(&str, &str, &str)] =
    &[("p-hanako", "p-ichiro", "adult_guardian"), ("p-yuki", "p-sora", "parent")];

/// (facility, resident, consent recorded)
pub const FACILITY_RESIDENTS: &[(&str, &str, bool)] =
    &[("fac-hidamari", "p-tome", true), ("fac-hidamari", "p-shigeru", true)];

/// An enrolment record in the demo: dates are days before the day the demo data is loaded, so that the
/// registration-lag monitor always has something on time, something late and something still waiting.
pub struct DemoEnrolment {
    pub insurer_id: &'static str,
    pub symbol: &'static str,
    pub number: &'static str,
    pub branch: &'static str,
    pub name: &'static str,
    pub name_kana: &'static str,
    pub birth_date: &'static str,
    pub person_id: Option<&'static str>,
    pub qualified_days_ago: i64,
    pub notified_days_ago: i64,
    /// `None`: not registered yet.
    pub registered_days_ago: Option<i64>,
    pub via_employer: bool,
    pub card_registered: bool,
}

const fn member(
    insurer_id: &'static str,
    (symbol, number, branch): (&'static str, &'static str, &'static str),
    (name, name_kana, birth_date): (&'static str, &'static str, &'static str),
    person_id: Option<&'static str>,
    (qualified_days_ago, notified_days_ago, registered_days_ago): (i64, i64, Option<i64>),
    via_employer: bool,
    card_registered: bool,
) -> DemoEnrolment {
    DemoEnrolment {
        insurer_id,
        symbol,
        number,
        branch,
        name,
        name_kana,
        birth_date,
        person_id,
        qualified_days_ago,
        notified_days_ago,
        registered_days_ago,
        via_employer,
        card_registered,
    }
}

pub const ENROLMENTS: &[DemoEnrolment] = &[
    // あおば市国民健康保険: members notify the insurer themselves.
    member(
        "ins-aoba-kokuho",
        ("1234567", "42", "01"),
        ("山田 太郎", "ヤマダ タロウ", "1985-01-02"),
        Some("p-taro"),
        (400, 398, Some(396)),
        false,
        true,
    ),
    member(
        "ins-aoba-kokuho",
        ("1234567", "43", "01"),
        ("佐藤 花子", "サトウ ハナコ", "1960-03-03"),
        Some("p-hanako"),
        (900, 900, Some(899)),
        false,
        false,
    ),
    member(
        "ins-aoba-kokuho",
        ("1234567", "51", "00"),
        ("木村 さくら", "キムラ サクラ", "1999-04-10"),
        None,
        (12, 11, None),
        false,
        false,
    ),
    member(
        "ins-aoba-kokuho",
        ("1234567", "52", "00"),
        ("井上 大輔", "イノウエ ダイスケ", "1987-10-01"),
        None,
        (20, 19, Some(8)),
        false,
        false,
    ),
    member(
        "ins-aoba-kokuho",
        ("1234567", "53", "00"),
        ("山本 陽子", "ヤマモト ヨウコ", "1972-02-29"),
        None,
        (3, 2, None),
        false,
        false,
    ),
    member(
        "ins-aoba-kokuho",
        ("1234567", "54", "00"),
        ("山田 太郎", "ヤマダ タロウ", "1985-01-02"),
        None,
        (700, 699, Some(698)),
        false,
        false,
    ),
    // 全国健康保険協会: employers notify the insurer.
    member(
        "ins-kyokai-tokyo",
        ("1234567", "42", "01"),
        ("Maria SANTOS", "マリア サントス", "1992-07-14"),
        Some("p-maria"),
        (60, 57, Some(55)),
        true,
        false,
    ),
    member(
        "ins-kyokai-tokyo",
        ("7654321", "7", "00"),
        ("中島 健太", "ナカジマ ケンタ", "1995-06-06"),
        None,
        (16, 9, None),
        true,
        false,
    ),
    member(
        "ins-kyokai-tokyo",
        ("7654321", "8", "00"),
        ("石川 真由美", "イシカワ マユミ", "1983-12-12"),
        None,
        (30, 21, Some(14)),
        true,
        true,
    ),
    member(
        "ins-kyokai-tokyo",
        ("7654321", "9", "00"),
        ("前田 翔", "マエダ ショウ", "2001-01-20"),
        None,
        (6, 3, Some(1)),
        true,
        false,
    ),
    // 後期高齢者医療広域連合: everyone 75 or over. Numbers of 8 digits with their check digit, as the domain rule asks.
    member(
        "ins-koki-tokyo",
        ("", "10000016", ""),
        ("佐藤 一郎", "サトウ イチロウ", "1938-05-05"),
        Some("p-ichiro"),
        (3000, 3000, Some(2999)),
        false,
        false,
    ),
    member(
        "ins-koki-tokyo",
        ("", "10000024", ""),
        ("渡辺 トメ", "ワタナベ トメ", "1935-02-11"),
        Some("p-tome"),
        (3000, 3000, Some(2999)),
        false,
        false,
    ),
    member(
        "ins-koki-tokyo",
        ("", "10000032", ""),
        ("小林 茂", "コバヤシ シゲル", "1940-09-30"),
        Some("p-shigeru"),
        (3000, 3000, Some(2999)),
        false,
        true,
    ),
];

/// What happened to a demo certificate request, in order; each step is an officer's (or the requester's) event.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum DemoOutcome {
    /// Sent, nobody has looked at it yet.
    Submitted,
    /// Sent, and an officer has started checking it.
    InReview,
    /// Issued with a certificate valid for this many months (from the day it was issued).
    Issued(u32),
    /// Declined with this reason (a message id from `DECLINE_REASONS`).
    Declined(&'static str),
}

/// A certificate request in the demo, so that every state of a request and of a certificate can be seen:
/// times are days before the day the demo data is loaded.
pub struct DemoRequest {
    pub subject_id: &'static str,
    pub filed_by: &'static str,
    pub insurer_id: &'static str,
    /// (symbol, number, branch)
    pub insured: (&'static str, &'static str, &'static str),
    pub reason: Reason,
    pub delivery: Delivery,
    pub submitted_days_ago: i64,
    /// Days between sending and each officer step (start checking, then the decision).
    pub worked_after_days: i64,
    pub officer_id: Option<&'static str>,
    pub outcome: DemoOutcome,
}

const fn request(
    (subject_id, filed_by, insurer_id): (&'static str, &'static str, &'static str),
    insured: (&'static str, &'static str, &'static str),
    (reason, delivery): (Reason, Delivery),
    (submitted_days_ago, worked_after_days): (i64, i64),
    officer_id: Option<&'static str>,
    outcome: DemoOutcome,
) -> DemoRequest {
    DemoRequest {
        subject_id,
        filed_by,
        insurer_id,
        insured,
        reason,
        delivery,
        submitted_days_ago,
        worked_after_days,
        officer_id,
        outcome,
    }
}

/// In this order, so that a later certificate for the same person and insurer revokes an earlier one:
/// 山田 太郎 has a certificate revoked by its reissue, the reissued one (valid, to download) and a declined
/// request; 佐藤 一郎 (filed by his guardian) an expired certificate and a request being checked; each insurer
/// with an officer has requests waiting in its queue (the 協会けんぽ ones with different reasons, one for each
/// language of the browser suite's officer flow, which finds them with the queue's reason filter).
pub const REQUESTS: &[DemoRequest] = &[
    request(
        ("p-taro", "p-taro", "ins-aoba-kokuho"),
        ("1234567", "42", "01"),
        (Reason::LostOrRenewing, Delivery::Post),
        (400, 1),
        Some("p-tanaka"),
        DemoOutcome::Issued(12),
    ),
    request(
        ("p-ichiro", "p-hanako", "ins-koki-tokyo"),
        ("", "10000016", ""),
        (Reason::NoCard, Delivery::Post),
        (420, 2),
        None,
        DemoOutcome::Issued(12),
    ),
    request(
        ("p-taro", "p-taro", "ins-aoba-kokuho"),
        ("1234567", "42", "01"),
        (Reason::CannotUseCard, Delivery::Download),
        (30, 1),
        Some("p-tanaka"),
        DemoOutcome::Declined("office-cert-decline-card-usable"),
    ),
    request(
        ("p-taro", "p-taro", "ins-aoba-kokuho"),
        ("1234567", "42", "01"),
        (Reason::LostOrRenewing, Delivery::Download),
        (10, 1),
        Some("p-tanaka"),
        DemoOutcome::Issued(12),
    ),
    request(
        ("p-hanako", "p-hanako", "ins-aoba-kokuho"),
        ("1234567", "43", "01"),
        (Reason::LostOrRenewing, Delivery::Post),
        (7, 0),
        None,
        DemoOutcome::Submitted,
    ),
    request(
        ("p-ichiro", "p-hanako", "ins-koki-tokyo"),
        ("", "10000016", ""),
        (Reason::LostOrRenewing, Delivery::Post),
        (3, 1),
        None,
        DemoOutcome::InReview,
    ),
    request(
        ("p-maria", "p-maria", "ins-kyokai-tokyo"),
        ("1234567", "42", "01"),
        (Reason::LostOrRenewing, Delivery::Download),
        (2, 0),
        None,
        DemoOutcome::Submitted,
    ),
    request(
        ("p-ken", "p-ken", "ins-kyokai-tokyo"),
        ("7654321", "11", "00"),
        (Reason::NoCard, Delivery::Post),
        (2, 0),
        None,
        DemoOutcome::Submitted,
    ),
    request(
        ("p-misaki", "p-misaki", "ins-kyokai-tokyo"),
        ("7654321", "12", "00"),
        (Reason::Accompanied, Delivery::Download),
        (1, 0),
        None,
        DemoOutcome::Submitted,
    ),
];

const LOADED: &str = "demo_data_loaded";

impl Store {
    /// Loads the demo data unless it is there already. Returns whether it loaded anything. `key` signs the
    /// demo certificates' verification codes, as the portal signs the ones it issues.
    pub async fn load_demo_data(&self, key: &SecretKey) -> Result<bool, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let done: Option<(String,)> =
            sqlx::query_as("SELECT value FROM meta WHERE key = $1").bind(LOADED).fetch_optional(&mut *tx).await?;
        if done.is_some() {
            return Ok(false);
        }
        let now = now_ms();
        sqlx::query("INSERT INTO municipalities (id, code, name_ja, name_en, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(MUNICIPALITY.id)
            .bind("999991")
            .bind(MUNICIPALITY.name_ja)
            .bind(MUNICIPALITY.name_en)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        for (id, number, name_ja, name_en, months, name_easy, phone) in INSURERS {
            let municipality = if number.len() == 6 { Some(MUNICIPALITY.id) } else { None };
            sqlx::query(
                "INSERT INTO insurers (id, number, name_ja, name_en, municipality_id, certificate_default_months, created_at, \
                 name_easy, phone) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(*id)
            .bind(*number)
            .bind(*name_ja)
            .bind(*name_en)
            .bind(municipality)
            .bind(*months)
            .bind(now)
            .bind(*name_easy)
            .bind(*phone)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("INSERT INTO facilities (id, name_ja, name_en, kind, municipality_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(FACILITY.id)
            .bind(FACILITY.name_ja)
            .bind(FACILITY.name_en)
            .bind("care_home")
            .bind(MUNICIPALITY.id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        for p in PEOPLE {
            sqlx::query(
                "INSERT INTO people (id, name, name_kana, birth_date, postal_code, address, municipality_id, email, preferred_locale, created_at, demo) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1)",
            )
            .bind(p.id)
            .bind(p.name)
            .bind(p.name_kana)
            .bind(p.birth_date)
            .bind("9990001")
            .bind("あおば市中央1-2-3")
            .bind(MUNICIPALITY.id)
            .bind(p.email)
            .bind(p.locale)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            for (role, org) in p.roles {
                sqlx::query("INSERT INTO roles (person_id, role, organisation_id, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(p.id)
                    .bind(*role)
                    .bind(*org)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for (i, (rep, ward, relationship)) in REPRESENTATIONS.iter().enumerate() {
            sqlx::query(
                "INSERT INTO representations (id, representative_id, ward_id, relationship, state, created_at) VALUES ($1, $2, $3, $4, 'approved', $5)",
            )
            .bind(format!("rep-demo-{i}"))
            .bind(*rep)
            .bind(*ward)
            .bind(*relationship)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        for (facility, person, consent) in FACILITY_RESIDENTS {
            sqlx::query(
                "INSERT INTO facility_residents (facility_id, person_id, consent_recorded_at) VALUES ($1, $2, $3)",
            )
            .bind(*facility)
            .bind(*person)
            .bind(if *consent { Some(now) } else { None })
            .execute(&mut *tx)
            .await?;
        }
        let today = super::today_jst();
        let day = |ago: i64| (today - chrono::Duration::days(ago)).to_string();
        for (i, e) in ENROLMENTS.iter().enumerate() {
            let new = super::enrolments::NewEnrolment {
                id: format!("enr-demo-{i}"),
                insurer_id: e.insurer_id.to_string(),
                symbol: e.symbol.to_string(),
                number: e.number.to_string(),
                branch: e.branch.to_string(),
                name: e.name.to_string(),
                name_kana: e.name_kana.to_string(),
                birth_date: e.birth_date.to_string(),
                person_id: e.person_id.map(str::to_string),
                postal_code: Some("9990001".to_string()),
                address: Some("あおば市中央1-2-3".to_string()),
                qualified_on: day(e.qualified_days_ago),
                notified_on: day(e.notified_days_ago),
                via_employer: e.via_employer,
                registered_on: e.registered_days_ago.map(day),
                card_registered: e.card_registered,
            };
            super::enrolments::insert_enrolment(&mut tx, &new).await?;
        }
        let service = Service { store: self, mails: None, certificate_key: key };
        for r in REQUESTS {
            insert_request(&service, &mut tx, r, now).await?;
        }
        let interim = insert_request(&service, &mut tx, &INTERIM_CERTIFICATE, now).await?;
        insert_card_requests(&service, &mut tx, &interim, now).await?;
        super::demo_custody::insert(&mut tx, FACILITY.id, now).await?;
        super::demo_bulk::insert_demo_batch(&mut tx, now).await?;
        super::demo_outreach::insert(&mut tx, now, today).await?;
        sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2)")
            .bind(LOADED)
            .bind(now.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// How many certificate requests and certificates there are, for the tests of the demo data.
    pub async fn demo_request_counts(&self) -> Result<(i64, i64), sqlx::Error> {
        let requests: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM requests").fetch_one(self.pool()).await?;
        let certificates: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM certificates").fetch_one(self.pool()).await?;
        Ok((requests.0, certificates.0))
    }

    /// How many people and organisations there are, for the start-up message and the tests.
    pub async fn counts(&self) -> Result<Counts, sqlx::Error> {
        let people: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM people").fetch_one(self.pool()).await?;
        let insurers: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM insurers").fetch_one(self.pool()).await?;
        let facilities: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM facilities").fetch_one(self.pool()).await?;
        let representations: (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM representations").fetch_one(self.pool()).await?;
        Ok(Counts {
            people: people.0,
            insurers: insurers.0,
            facilities: facilities.0,
            representations: representations.0,
        })
    }
}

#[derive(Debug, PartialEq, Eq)]
pub struct Counts {
    pub people: i64,
    pub insurers: i64,
    pub facilities: i64,
    pub representations: i64,
}

const DAY_MS: i64 = 86_400_000;

/// 小林 由紀's interim certificate, asked for with her lost card's express request (and linked to it).
const INTERIM_CERTIFICATE: DemoRequest = request(
    ("p-yuki", "p-yuki", "ins-aoba-kokuho"),
    ("7654321", "18", "01"),
    (Reason::LostOrRenewing, Delivery::Post),
    (3, 1),
    Some("p-tanaka"),
    DemoOutcome::Issued(12),
);

/// 小林 由紀's express card requests, written by the request service: her baby's (sent with the birth
/// registration, waiting for the municipality) and her lost card's, in review, linked to the interim
/// certificate `interim`.
async fn insert_card_requests(
    service: &Service<'_>,
    conn: &mut AnyConnection,
    interim: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    let day = |ago: i64| (super::today_jst() - chrono::Duration::days(ago)).to_string();
    let baby = crate::requests::card::CardAnswers {
        registration_municipality: Some(MUNICIPALITY.name_ja.to_string()),
        registration_date: Some(day(10)),
        child_name: Some("小林 空".to_string()),
        child_name_kana: Some("コバヤシ ソラ".to_string()),
        child_birth_date: Some("2026-10-20".to_string()),
        postal_code: Some("9990001".to_string()),
        address: Some("あおば市中央1-2-3".to_string()),
        card_type: Some("standard".to_string()),
        ..Default::default()
    };
    let lost = crate::requests::card::CardAnswers {
        loss_report_number: Some("2026-004512".to_string()),
        loss_date: Some(day(3)),
        suspended: Some("yes".to_string()),
        postal_code: Some("9990001".to_string()),
        address: Some("あおば市中央1-2-3".to_string()),
        interim: Some("yes".to_string()),
        photo_exception: Some("眼鏡を外すと見えにくいため、眼鏡をかけた写真です。".to_string()),
        card_type: Some("face_authentication".to_string()),
        ..Default::default()
    };
    let cards = [
        ("p-sora", FiledAs::Representative, ExpressReason::Infant, baby, 2, None, false),
        ("p-yuki", FiledAs::SelfFiled, ExpressReason::Lost, lost, 3, Some(interim), true),
    ];
    for (subject, filed_as, reason, answers, days_ago, linked, accepted) in cards {
        let submitted = now - days_ago * DAY_MS;
        let created = submitted - 15 * 60_000;
        let filing = Filing { subject_id: subject.to_string(), filed_as, facility_id: None };
        let answers = crate::requests::card::CardAnswers { reason: Some(reason), ..answers };
        let start = Command::StartDraft {
            filed_by: "p-yuki".to_string(),
            filing,
            municipality_id: Some(MUNICIPALITY.id.to_string()),
            answers: Answers::Card(answers),
        };
        let id = run(service, conn, start, created).await?;
        if let Some(interim) = linked {
            // Linked before sending, so sending does not start another interim certificate request.
            super::card_requests::link_request(conn, &id, interim).await?;
        }
        run(service, conn, Command::Submit { request_id: id.clone(), by: "p-yuki".to_string() }, submitted).await?;
        if accepted {
            let officer_id = Some("p-suzuki".to_string());
            let review = Command::Decide { request_id: id.clone(), officer_id, decision: Decision::StartReview };
            run(service, conn, review, submitted + 4 * 60 * 60_000).await?;
        }
    }
    Ok(())
}

/// One demo request with its timeline (and its certificate, revoking the holder's earlier one), written by the
/// request service as the portal would have written it at those times (demo data sends no e-mail); its id.
async fn insert_request(
    service: &Service<'_>,
    conn: &mut AnyConnection,
    r: &DemoRequest,
    now: i64,
) -> Result<String, sqlx::Error> {
    let person = PEOPLE.iter().find(|p| p.id == r.subject_id).expect("a demo person");
    let (_, insurer_number, ..) = INSURERS.iter().find(|i| i.0 == r.insurer_id).expect("a demo insurer");
    let (symbol, number, branch) = r.insured;
    let answers = CertificateAnswers {
        for_whom: Some(r.subject_id.to_string()),
        reason: Some(r.reason),
        insurer_id: Some(r.insurer_id.to_string()),
        insurer_number: Some(insurer_number.to_string()),
        symbol: Some(symbol.to_string()).filter(|s| !s.is_empty()),
        number: Some(number.to_string()),
        branch: Some(branch.to_string()).filter(|s| !s.is_empty()),
        name: Some(person.name.to_string()),
        name_kana: Some(person.name_kana.to_string()),
        birth_date: Some(person.birth_date.to_string()),
        delivery: Some(r.delivery),
        postal_code: (r.delivery == Delivery::Post).then(|| "9990001".parse().expect("a postal code")),
        address: (r.delivery == Delivery::Post).then(|| "あおば市中央1-2-3".to_string()),
        contact: Some(if person.email.is_some() { Contact::Email } else { Contact::Post }),
        phone: None,
    };
    let created = now - r.submitted_days_ago * DAY_MS - 20 * 60_000;
    let submitted = created + 20 * 60_000;
    let started = submitted + r.worked_after_days * DAY_MS + 60 * 60_000;
    let decided = started + 2 * 60 * 60_000;
    let filed_by = r.filed_by.to_string();
    let filed_as = if r.filed_by == r.subject_id { FiledAs::SelfFiled } else { FiledAs::Representative };
    let filing = Filing { subject_id: r.subject_id.to_string(), filed_as, facility_id: None };
    let create = Command::CreateDraft {
        kind: RequestKind::Certificate,
        filed_by: filed_by.clone(),
        filing: filing.clone(),
        municipality_id: Some(MUNICIPALITY.id.to_string()),
    };
    let request_id = run(service, conn, create, created).await?;
    let answers = Answers::Certificate(answers);
    let save = Command::SaveDraft { request_id: request_id.clone(), filed_by: filed_by.clone(), filing, answers };
    run(service, conn, save, created).await?;
    run(service, conn, Command::Submit { request_id: request_id.clone(), by: filed_by }, submitted).await?;
    if r.outcome == DemoOutcome::Submitted {
        return Ok(request_id);
    }
    let officer_id = r.officer_id.map(str::to_string);
    let decide =
        |decision| Command::Decide { request_id: request_id.clone(), officer_id: officer_id.clone(), decision };
    run(service, conn, decide(Decision::StartReview), started).await?;
    let decision = match r.outcome {
        DemoOutcome::Issued(months) => Decision::Approve {
            effect: KindEffect::IssueCertificate { months, numbers: Numbers::default() },
            detail: String::new(),
        },
        DemoOutcome::Declined(reason) => Decision::Decline { reason_key: reason.to_string() },
        DemoOutcome::Submitted | DemoOutcome::InReview => return Ok(request_id),
    };
    run(service, conn, decide(decision), decided).await?;
    Ok(request_id)
}

/// One command of the demo data, inside its transaction: a refusal is a mistake in the demo data.
async fn run(
    service: &Service<'_>,
    conn: &mut AnyConnection,
    command: Command,
    at: i64,
) -> Result<String, sqlx::Error> {
    match service.run_in(conn, command, at).await {
        Ok(Ok(done)) => Ok(done.request_id),
        Ok(Err(refused)) => Err(sqlx::Error::Protocol(format!("demo request refused: {refused}"))),
        Err(ServiceError::Database(e)) => Err(e),
        Err(other) => Err(sqlx::Error::Protocol(format!("demo request: {other}"))),
    }
}

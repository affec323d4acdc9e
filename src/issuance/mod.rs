//! Certificates an insurer issues without a request: the push run (職権交付) to every enrolled member who needs
//! one, and the renewal run for certificates whose holders asked once for them to renew themselves.
//!
//! A run is a row in `issuance_runs`, worked in batches by a background worker (`worker`) that holds its
//! lease. Each batch is one transaction: the lease check, the certificates it issues and the run's cursor and
//! counts commit together, so a worker that dies leaves nothing half done, and the next worker goes on from
//! the last committed batch. The rules for each member are the pure functions here.

pub mod worker;

use chrono::NaiveDate;

use crate::crypto::SecretKey;
use crate::requests::certificate::{MAX_VALIDITY_MONTHS, printed_expiry, verification_code};
use crate::store::certificates::{
    NewCertificate, Supersedes, insert_certificates, insurer_printing, issue_certificate,
};
use crate::store::runs::{self, PushCandidate, RenewalCandidate, RunRow, Tally};
use crate::store::{Store, new_id};

/// A renewal run renews certificates whose last day is within this many days of the run's day.
pub const RENEWAL_WINDOW_DAYS: i64 = 60;

/// Members (or certificates) one batch takes: one transaction each.
pub const BATCH_SIZE: i64 = 1000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunKind {
    Push,
    Renewal,
}

impl RunKind {
    pub const ALL: [RunKind; 2] = [RunKind::Push, RunKind::Renewal];

    pub fn code(self) -> &'static str {
        match self {
            RunKind::Push => "push",
            RunKind::Renewal => "renewal",
        }
    }

    pub fn from_code(code: &str) -> Option<RunKind> {
        RunKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn message_key(self) -> &'static str {
        match self {
            RunKind::Push => "runs-kind-push",
            RunKind::Renewal => "runs-kind-renewal",
        }
    }
}

/// Why a member gets no certificate from a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Skip {
    /// Cover has ended (資格喪失).
    Ended,
    /// The member has registered their My Number Card as their insurance card.
    Card,
    /// The member holds a current certificate already.
    Current,
    /// Eligibility ends before the new certificate would start (the day before the 75th birthday).
    Ineligible,
}

/// What a run does for one member or certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Issue {
        valid_from: NaiveDate,
        valid_until: NaiveDate,
    },
    Skip(Skip),
    /// The record cannot be issued from (its date of birth is not a date).
    Fail,
}

fn date(iso: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(iso, "%Y-%m-%d").ok()
}

/// The validity an insurer's default gives, within the national maximum.
pub fn months(default_months: i64) -> u32 {
    default_months.clamp(1, i64::from(MAX_VALIDITY_MONTHS)) as u32
}

/// The validity from `valid_from`, or why there is none.
fn validity(valid_from: NaiveDate, months: u32, insurer_number: &str, birth_date: &str) -> Outcome {
    let Some(birth) = date(birth_date) else { return Outcome::Fail };
    match printed_expiry(valid_from, months, insurer_number, Some(birth)) {
        Some(valid_until) if valid_until >= valid_from => Outcome::Issue { valid_from, valid_until },
        Some(_) => Outcome::Skip(Skip::Ineligible),
        None => Outcome::Fail,
    }
}

/// A push run: a certificate from the run's day for every member whose cover goes on, who has no card-based
/// registration and holds no current certificate.
pub fn push_outcome(m: &PushCandidate, as_of: NaiveDate, months: u32, insurer_number: &str) -> Outcome {
    if m.ended != 0 {
        Outcome::Skip(Skip::Ended)
    } else if m.card_registered != 0 {
        Outcome::Skip(Skip::Card)
    } else if m.has_current != 0 {
        Outcome::Skip(Skip::Current)
    } else {
        validity(as_of, months, insurer_number, &m.birth_date)
    }
}

/// A renewal run: the next certificate starts the day after the current one ends, unless cover has ended. A
/// card-based registration does not stop it: the holder asked for certificates to keep coming.
pub fn renewal_outcome(c: &RenewalCandidate, months: u32) -> Outcome {
    if c.ended != 0 {
        return Outcome::Skip(Skip::Ended);
    }
    let Some(valid_from) = date(&c.valid_until).and_then(|d| d.succ_opt()) else { return Outcome::Fail };
    validity(valid_from, months, &c.insurer_number, &c.birth_date)
}

/// The last day of the renewal window for a run on `as_of`.
pub fn renewal_window_end(as_of: NaiveDate) -> NaiveDate {
    as_of + chrono::Duration::days(RENEWAL_WINDOW_DAYS)
}

fn count(t: &mut Tally, outcome: Outcome) {
    t.processed += 1;
    match outcome {
        Outcome::Issue { .. } => t.issued += 1,
        Outcome::Fail => t.failed += 1,
        Outcome::Skip(Skip::Ended) => t.skipped_ended += 1,
        Outcome::Skip(Skip::Card) => t.skipped_card += 1,
        Outcome::Skip(Skip::Current) => t.skipped_current += 1,
        Outcome::Skip(Skip::Ineligible) => t.skipped_ineligible += 1,
    }
}

/// What a batch came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchOutcome {
    /// More to do.
    Continued,
    /// The run is finished.
    Finished,
    /// Another worker holds the run now (or it is no longer running): nothing was written.
    LeaseLost,
}

/// Starts a run of `kind` for the insurer on today's date (JST), with its audit line; `None` when one of that
/// kind is going on already.
pub async fn start(
    store: &Store,
    insurer_id: &str,
    kind: RunKind,
    started_by: &str,
    as_of: NaiveDate,
) -> Result<Option<String>, sqlx::Error> {
    let window_end = renewal_window_end(as_of).to_string();
    store.start_run(insurer_id, kind.code(), started_by, &as_of.to_string(), &window_end).await
}

/// Works one batch of the run `owner` holds: in one transaction, extends the lease, reads the next members
/// after the cursor, issues their certificates, and adds to the counts.
pub async fn run_batch(
    store: &Store,
    key: &SecretKey,
    run_id: &str,
    owner: &str,
    lease_ms: i64,
    batch_size: i64,
) -> Result<BatchOutcome, sqlx::Error> {
    let now = store.clock().now_ms();
    let mut tx = store.pool().begin().await?;
    let Some(run) = runs::hold_lease(&mut tx, run_id, owner, now, lease_ms).await? else {
        tx.rollback().await?;
        return Ok(BatchOutcome::LeaseLost);
    };
    let Some(as_of) = date(&run.as_of) else {
        tx.rollback().await?;
        return Err(sqlx::Error::Protocol(format!("run {} has no readable day", run.id)));
    };
    let insurer = insurer_printing(&mut tx, &run.insurer_id)
        .await?
        .ok_or_else(|| sqlx::Error::Protocol(format!("run {} has no insurer", run.id)))?;
    let (insurer_number, insurer_name) = (insurer.number, insurer.name_ja);
    let months = months(insurer.default_months);
    let mut tally = Tally::default();
    let (seen, last_key) = match RunKind::from_code(&run.kind) {
        Some(RunKind::Push) => {
            let members =
                runs::push_candidates(&mut tx, &run.insurer_id, &run.last_key, &run.as_of, batch_size).await?;
            let mut issue = Vec::new();
            for m in &members {
                let outcome = push_outcome(m, as_of, months, &insurer_number);
                count(&mut tally, outcome);
                if let Outcome::Issue { valid_from, valid_until } = outcome {
                    issue.push(pushed(key, &run, m, &insurer_number, &insurer_name, valid_from, valid_until));
                }
            }
            insert_certificates(&mut tx, &issue, now).await?;
            (members.len(), members.last().map(|m| m.id.clone()))
        }
        Some(RunKind::Renewal) => {
            let window_end = renewal_window_end(as_of).to_string();
            let window = runs::RenewalWindow {
                insurer_id: &run.insurer_id,
                after: &run.last_key,
                as_of: &run.as_of,
                window_end: &window_end,
                run_id: &run.id,
                limit: batch_size,
            };
            let due = runs::renewal_candidates(&mut tx, &window).await?;
            for c in &due {
                let outcome = renewal_outcome(c, months);
                count(&mut tally, outcome);
                if let Outcome::Issue { valid_from, valid_until } = outcome {
                    let next = renewed(key, &run, c, valid_from, valid_until);
                    issue_certificate(&mut tx, None, &next, Supersedes::Following(&c.id), now).await?;
                }
            }
            (due.len(), due.last().map(|c| c.id.clone()))
        }
        None => (0, None),
    };
    let finished = (seen as i64) < batch_size;
    let last_key = last_key.unwrap_or(run.last_key.clone());
    if !runs::record_progress(&mut tx, &run.id, owner, &tally, &last_key, finished).await? {
        tx.rollback().await?;
        return Ok(BatchOutcome::LeaseLost);
    }
    tx.commit().await?;
    Ok(if finished { BatchOutcome::Finished } else { BatchOutcome::Continued })
}

/// Works a run to its end (or until the lease is lost), batch after batch: for tools and the benchmark. The
/// background worker does the same, a batch at a time, watching for a stop.
pub async fn run_to_end(
    store: &Store,
    key: &SecretKey,
    run_id: &str,
    owner: &str,
    lease_ms: i64,
    batch_size: i64,
) -> Result<BatchOutcome, sqlx::Error> {
    loop {
        match run_batch(store, key, run_id, owner, lease_ms, batch_size).await? {
            BatchOutcome::Continued => continue,
            other => return Ok(other),
        }
    }
}

fn certificate_code(key: &SecretKey) -> (String, String) {
    let id = new_id();
    let code = verification_code(key, &id);
    (id, code)
}

/// The certificate a push run issues: the printed items from the enrolment record, sent by post.
fn pushed(
    key: &SecretKey,
    run: &RunRow,
    m: &PushCandidate,
    insurer_number: &str,
    insurer_name: &str,
    valid_from: NaiveDate,
    valid_until: NaiveDate,
) -> NewCertificate {
    let (id, code) = certificate_code(key);
    NewCertificate {
        id,
        code,
        person_id: m.person_id.clone(),
        enrolment_id: Some(m.id.clone()),
        insurer_id: run.insurer_id.clone(),
        name: m.name.clone(),
        name_kana: m.name_kana.clone(),
        birth_date: m.birth_date.clone(),
        symbol: m.symbol.clone(),
        number: m.number.clone(),
        branch: m.branch.clone(),
        insurer_number: insurer_number.to_string(),
        insurer_name: insurer_name.to_string(),
        issued_on: run.as_of.clone(),
        valid_from: valid_from.to_string(),
        valid_until: valid_until.to_string(),
        delivery: "post".to_string(),
        auto_renew: false,
        run_id: Some(run.id.clone()),
    }
}

/// The next certificate of a renewal: the same printed items and delivery, renewing itself in turn.
fn renewed(
    key: &SecretKey,
    run: &RunRow,
    c: &RenewalCandidate,
    valid_from: NaiveDate,
    valid_until: NaiveDate,
) -> NewCertificate {
    let (id, code) = certificate_code(key);
    NewCertificate {
        id,
        code,
        person_id: c.person_id.clone(),
        enrolment_id: c.enrolment_id.clone(),
        insurer_id: run.insurer_id.clone(),
        name: c.name.clone(),
        name_kana: c.name_kana.clone(),
        birth_date: c.birth_date.clone(),
        symbol: c.symbol.clone(),
        number: c.number.clone(),
        branch: c.branch.clone(),
        insurer_number: c.insurer_number.clone(),
        insurer_name: c.insurer_name.clone(),
        issued_on: run.as_of.clone(),
        valid_from: valid_from.to_string(),
        valid_until: valid_until.to_string(),
        delivery: c.delivery.clone(),
        auto_renew: true,
        run_id: Some(run.id.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn member() -> PushCandidate {
        PushCandidate {
            id: "e1".into(),
            symbol: "1".into(),
            number: "2".into(),
            branch: String::new(),
            name: "x".into(),
            name_kana: "x".into(),
            birth_date: "1990-01-01".into(),
            person_id: None,
            ended: 0,
            card_registered: 0,
            has_current: 0,
        }
    }

    #[test]
    fn a_push_run_issues_only_to_members_who_need_a_certificate() {
        let today = d(2026, 11, 25);
        assert_eq!(
            push_outcome(&member(), today, 12, "138008"),
            Outcome::Issue { valid_from: today, valid_until: d(2027, 11, 24) }
        );
        assert_eq!(
            push_outcome(&PushCandidate { ended: 1, ..member() }, today, 12, "138008"),
            Outcome::Skip(Skip::Ended)
        );
        assert_eq!(
            push_outcome(&PushCandidate { card_registered: 1, ..member() }, today, 12, "138008"),
            Outcome::Skip(Skip::Card)
        );
        assert_eq!(
            push_outcome(&PushCandidate { has_current: 1, ..member() }, today, 12, "138008"),
            Outcome::Skip(Skip::Current)
        );
        let old = PushCandidate { birth_date: "1950-01-01".into(), ..member() };
        assert_eq!(push_outcome(&old, today, 12, "138008"), Outcome::Skip(Skip::Ineligible), "past 75");
        assert!(matches!(push_outcome(&old, today, 12, "39131016"), Outcome::Issue { .. }), "the late-stage scheme");
        let bad = PushCandidate { birth_date: "1990-02-30".into(), ..member() };
        assert_eq!(push_outcome(&bad, today, 12, "138008"), Outcome::Fail);
    }

    #[test]
    fn a_renewal_starts_the_day_after_the_old_one_ends() {
        let c = RenewalCandidate {
            id: "c1".into(),
            person_id: None,
            enrolment_id: None,
            name: "x".into(),
            name_kana: "x".into(),
            birth_date: "1990-01-01".into(),
            symbol: "1".into(),
            number: "2".into(),
            branch: String::new(),
            insurer_number: "138008".into(),
            insurer_name: "x".into(),
            valid_until: "2027-01-31".into(),
            delivery: "post".into(),
            ended: 0,
        };
        assert_eq!(renewal_outcome(&c, 12), Outcome::Issue { valid_from: d(2027, 2, 1), valid_until: d(2028, 1, 31) });
        assert_eq!(renewal_outcome(&RenewalCandidate { ended: 1, ..c.clone() }, 12), Outcome::Skip(Skip::Ended));
        assert_eq!(months(0), 1);
        assert_eq!(months(600), MAX_VALIDITY_MONTHS);
        assert_eq!(renewal_window_end(d(2026, 11, 25)), d(2027, 1, 24));
    }
}

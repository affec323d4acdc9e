//! The insurer's enrolment records (被保険者の資格情報): the list with a search, adding a member, one record
//! with "registered today", the registration-lag monitor, and the check of a certificate request against the
//! records. Insurer officers only (others 403), and only their own insurer's records (another's: 404).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;

use crate::domain::registration_lag::{self, Assessment, Counts, Lag, RecordDates};
use crate::domain::{Furigana, InsuredIdentity, InsurerNumber, WarekiDate};
use crate::requests::enrolment_match::{self, Candidate, Claim, Verdict};
use crate::store::enrolments::{CandidateRow, EnrolmentRow, LIST_LIMIT, NewEnrolment};
use crate::store::requests::RequestRow;
use crate::store::{new_id, today_jst};
use crate::web::errors::AppError;
use crate::web::forms::{FormState, PersonFields, see_other};
use crate::web::page::Page;
use crate::web::policy::{InsurerOfficers, Routes};
use crate::web::questions::Choice;
use crate::web::session::InsurerOfficer;
use crate::web::{AppState, render, render_with_status};

pub fn routes(routes: &mut Routes) {
    routes
        .require::<InsurerOfficers>()
        .route("/office/enrolments", web::get().to(list))
        .route("/office/enrolments/new", web::get().to(new_form))
        .route("/office/enrolments/new", web::post().to(add))
        .route("/office/enrolments/{id}", web::get().to(detail))
        .route("/office/enrolments/{id}/registered", web::post().to(registered))
        .route("/office/registration-lag", web::get().to(lag));
}

fn date(s: &str) -> Option<NaiveDate> {
    s.parse().ok()
}

/// 記号・番号・枝番 as printed, with an absent part left out.
pub fn identity_text(symbol: &str, number: &str, branch: &str) -> String {
    [symbol, number, branch].iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join("・")
}

/// The registration-lag verdict on one record's (qualified, notified, via employer, registered) dates.
fn assessment_of(dates: (&str, &str, i64, Option<&str>), today: NaiveDate) -> Option<Assessment> {
    let (qualified, notified, via_employer, registered) = dates;
    let dates = RecordDates {
        qualified_on: date(qualified)?,
        notified_on: date(notified)?,
        via_employer: via_employer == 1,
        registered_on: match registered {
            Some(r) => Some(date(r)?),
            None => None,
        },
    };
    Some(registration_lag::assess(&dates, today))
}

fn lag_key(lag: Lag) -> &'static str {
    match lag {
        Lag::OnTime { .. } => "enrolments-lag-on-time",
        Lag::Late { .. } => "enrolments-lag-late",
        Lag::Waiting { .. } => "enrolments-lag-waiting",
        Lag::Overdue { .. } => "enrolments-lag-overdue",
    }
}

/// "3 days late", "2 days left", … for one record.
fn lag_detail(page: &Page, lag: Lag) -> String {
    let (key, days) = match lag {
        Lag::OnTime { took_days } => ("enrolments-lag-took", took_days),
        Lag::Late { days_late, .. } => ("enrolments-lag-days-late", days_late),
        Lag::Waiting { days_left } => ("enrolments-lag-days-left", days_left),
        Lag::Overdue { days_over } => ("enrolments-lag-days-over", days_over),
    };
    page.message_plain(key, &[("days", days.to_string())])
}

// --- the list ---

pub struct ListItem {
    pub href: String,
    pub identity: String,
    pub name: String,
    pub name_kana: String,
    pub birth: String,
    pub notified: String,
    pub registered: String,
    pub lag_code: &'static str,
    pub lag_key: &'static str,
}

#[derive(Template)]
#[template(path = "office/enrolments.html")]
struct List {
    page: Page,
    q: String,
    items: Vec<ListItem>,
    total: i64,
    limit: i64,
}

#[derive(serde::Deserialize)]
pub struct ListQuery {
    q: Option<String>,
}

/// The search text, read as a number (digits only) or as a name and its reading.
fn search_terms(q: &str) -> (String, String, String) {
    let q = crate::domain::normalize_width(q).trim().to_string();
    if q.is_empty() {
        return Default::default();
    }
    if q.chars().all(|c| c.is_ascii_digit()) {
        return (q, String::new(), String::new());
    }
    let kana = q.parse::<Furigana>().map(|k| k.without_spaces()).unwrap_or_default();
    (String::new(), q, kana)
}

fn list_item(page: &Page, e: &EnrolmentRow, today: NaiveDate) -> ListItem {
    let a = assessment_of((&e.qualified_on, &e.notified_on, e.via_employer, e.registered_on.as_deref()), today);
    ListItem {
        href: format!("/office/enrolments/{}", e.id),
        identity: identity_text(&e.symbol, &e.number, &e.branch),
        name: e.name.clone(),
        name_kana: e.name_kana.clone(),
        birth: page.date(&e.birth_date),
        notified: page.date(&e.notified_on),
        registered: e.registered_on.as_deref().map(|d| page.date(d)).unwrap_or_default(),
        lag_code: a.map(|a| a.lag.code()).unwrap_or(""),
        lag_key: a.map(|a| lag_key(a.lag)).unwrap_or("enrolments-lag-unknown"),
    }
}

pub async fn list(
    page: Page,
    state: web::Data<AppState>,
    officer: InsurerOfficer,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let insurers = officer.insurers();
    let text = q.q.clone().unwrap_or_default();
    let (number, name, kana) = search_terms(&text);
    let today = today_jst();
    let mut rows = Vec::new();
    let mut total = 0;
    for insurer in insurers {
        let (r, n) = state.store.search_enrolments(insurer, &number, &name, &kana).await?;
        rows.extend(r);
        total += n;
    }
    rows.sort_by(|a, b| (&b.notified_on, &a.id).cmp(&(&a.notified_on, &b.id)));
    rows.truncate(LIST_LIMIT as usize);
    let items = rows.iter().map(|e| list_item(&page, e, today)).collect();
    render(&List { page, q: text, items, total, limit: LIST_LIMIT })
}

// --- adding a member ---

#[derive(Template)]
#[template(path = "office/enrolment_new.html")]
struct NewRecord {
    page: Page,
    form: FormState,
    insurers: Vec<Choice>,
}

async fn insurer_choices(state: &AppState, page: &Page, insurers: &[&str]) -> Result<Vec<Choice>, AppError> {
    let mut out = Vec::new();
    for id in insurers {
        if let Some(i) = state.store.insurer_for_certificates(id).await? {
            out.push(Choice::named(id, if page.lang() == "en" { &i.name_en } else { &i.name_ja }));
        }
    }
    Ok(out)
}

async fn new_page(
    page: Page,
    state: &AppState,
    officer: &InsurerOfficer,
    form: FormState,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let insurers = insurer_choices(state, &page, &officer.insurers()).await?;
    render_with_status(status, &NewRecord { page, form, insurers })
}

pub async fn new_form(
    page: Page,
    state: web::Data<AppState>,
    officer: InsurerOfficer,
) -> Result<HttpResponse, AppError> {
    new_page(page, &state, &officer, FormState::default(), StatusCode::OK).await
}

#[derive(serde::Deserialize)]
pub struct AddForm {
    #[serde(default)]
    insurer: String,
    #[serde(default)]
    symbol: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    branch: String,
    #[serde(flatten)]
    person: PersonFields,
    #[serde(default)]
    qualified_on: String,
    #[serde(default)]
    notified_on: String,
    #[serde(default)]
    via_employer: String,
    #[serde(default)]
    card_registered: String,
}

fn yes_no(form: &mut FormState, field: &str, value: &str, key: &'static str) -> Option<bool> {
    match value {
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            form.error_key(field, key);
            None
        }
    }
}

/// Parses the form into a record for `insurer` (its id and 保険者番号), collecting every mistake in `form`.
fn parse_record(form: &mut FormState, input: &AddForm, insurer: (&str, &InsurerNumber)) -> Option<NewEnrolment> {
    let identity = match InsuredIdentity::parse(insurer.1, &input.symbol, &input.number, &input.branch) {
        Ok(id) => Some(id),
        Err(errors) => {
            form.insured_errors(errors);
            None
        }
    };
    let today = today_jst();
    let person = input.person.parse(form, today, "enrolments-error-birth-future");
    let birth = person.as_ref().map(|p| p.birth);
    let qualified = form.check("qualified_on", input.qualified_on.parse::<WarekiDate>());
    let qualified = qualified.filter(|q| {
        let ok = birth.as_ref().is_none_or(|b| q.as_naive() >= b.as_naive());
        if !ok {
            form.error_key("qualified_on", "enrolments-error-qualified-before-birth");
        }
        ok
    });
    let notified = form.check("notified_on", input.notified_on.parse::<WarekiDate>());
    let notified = notified.filter(|n| {
        let ok = n.as_naive() <= today;
        if !ok {
            form.error_key("notified_on", "enrolments-error-notified-future");
        }
        ok
    });
    let via_employer = yes_no(form, "via_employer", &input.via_employer, "enrolments-error-via-employer");
    let card_registered = yes_no(form, "card_registered", &input.card_registered, "enrolments-error-card-registered");
    let (Some(id), Some(person), Some(qualified), Some(notified), Some(via), Some(card)) =
        (identity, person, qualified, notified, via_employer, card_registered)
    else {
        return None;
    };
    Some(NewEnrolment {
        id: new_id(),
        insurer_id: insurer.0.to_string(),
        symbol: id.symbol().map(|s| s.as_str().to_string()).unwrap_or_default(),
        number: id.number().as_str().to_string(),
        branch: id.branch().map(|b| b.as_str().to_string()).unwrap_or_default(),
        name: person.name.to_string(),
        name_kana: person.name_kana.to_string(),
        birth_date: person.birth.to_string(),
        person_id: None,
        postal_code: None,
        address: None,
        qualified_on: qualified.to_string(),
        notified_on: notified.to_string(),
        via_employer: via,
        registered_on: None,
        card_registered: card,
    })
}

pub async fn add(
    page: Page,
    state: web::Data<AppState>,
    officer: InsurerOfficer,
    input: web::Form<AddForm>,
) -> Result<HttpResponse, AppError> {
    let insurers = officer.insurers();
    let mut form = FormState::with_values(
        [
            ("insurer", input.insurer.as_str()),
            ("symbol", input.symbol.as_str()),
            ("number", input.number.as_str()),
            ("branch", input.branch.as_str()),
        ]
        .into_iter()
        .chain(input.person.typed())
        .chain([
            ("qualified_on", input.qualified_on.as_str()),
            ("notified_on", input.notified_on.as_str()),
            ("via_employer", input.via_employer.as_str()),
            ("card_registered", input.card_registered.as_str()),
        ]),
    );
    // With one insurer the form has no choice to make; with several the officer picks one of theirs.
    let insurer_id = match insurers.as_slice() {
        [only] => Some(*only),
        _ => insurers.iter().copied().find(|i| *i == input.insurer),
    };
    let Some(insurer_id) = insurer_id else {
        form.error_key("insurer", "enrolments-error-insurer");
        return new_page(page, &state, &officer, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let insurer = state.store.insurer_for_certificates(insurer_id).await?.ok_or(AppError::NotFound)?;
    let insurer_number: InsurerNumber = insurer.number.parse().map_err(AppError::internal)?;
    let record = parse_record(&mut form, &input, (insurer_id, &insurer_number));
    let Some(record) = record else {
        return new_page(page, &state, &officer, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    if state.store.enrolment_exists(insurer_id, &record.symbol, &record.number, &record.branch).await? {
        form.error_key("number", "enrolments-error-duplicate");
        return new_page(page, &state, &officer, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    state.store.add_enrolment(&record, officer.0.id()).await?;
    Ok(see_other(format!("/office/enrolments/{}?added=1", record.id)))
}

// --- one record ---

#[derive(Template)]
#[template(path = "office/enrolment.html")]
struct Detail {
    page: Page,
    id: String,
    identity: String,
    name: String,
    name_kana: String,
    birth: String,
    qualified: String,
    notified: String,
    via_employer: bool,
    card_registered: bool,
    registered: String,
    ended: String,
    linked: bool,
    deadline: String,
    overall_deadline: String,
    employer_late: bool,
    lag_code: &'static str,
    lag_key: &'static str,
    lag_detail: String,
    added: bool,
    just_registered: bool,
    /// The request the officer came from, or the list.
    back_href: String,
}

#[derive(serde::Deserialize)]
pub struct DetailQuery {
    added: Option<String>,
    registered: Option<String>,
    /// The certificate request whose check linked here.
    request: Option<String>,
}

pub async fn detail(
    page: Page,
    state: web::Data<AppState>,
    officer: InsurerOfficer,
    id: web::Path<String>,
    q: web::Query<DetailQuery>,
) -> Result<HttpResponse, AppError> {
    let insurers = officer.insurers();
    let e = state.store.enrolment_of(&id, &insurers).await?.ok_or(AppError::NotFound)?;
    if let Some(person) = &e.person_id {
        state.store.record_view(officer.0.id(), person, &e.insurer_id, &e.id).await?;
    }
    let a = assessment_of((&e.qualified_on, &e.notified_on, e.via_employer, e.registered_on.as_deref()), today_jst());
    // Back to the request only when it is one of the officer's own insurer's certificate requests.
    let came_from = match q.request.as_deref() {
        Some(request) => state.store.visible_request(request, officer.0.id()).await?.filter(|r| {
            r.kind == crate::requests::RequestKind::Certificate
                && r.insurer_id.as_deref().is_some_and(|i| insurers.contains(&i))
        }),
        None => None,
    };
    let back_href =
        came_from.map(|r| format!("/requests/{}", r.id)).unwrap_or_else(|| "/office/enrolments".to_string());
    render(&Detail {
        back_href,
        id: e.id.clone(),
        identity: identity_text(&e.symbol, &e.number, &e.branch),
        name: e.name.clone(),
        name_kana: e.name_kana.clone(),
        birth: page.date(&e.birth_date),
        qualified: page.date(&e.qualified_on),
        notified: page.date(&e.notified_on),
        via_employer: e.via_employer == 1,
        card_registered: e.card_registered == 1,
        registered: e.registered_on.as_deref().map(|d| page.date(d)).unwrap_or_default(),
        ended: e.ended_on.as_deref().map(|d| page.date(d)).unwrap_or_default(),
        linked: e.person_id.is_some(),
        deadline: a.map(|a| page.date(&a.deadline.to_string())).unwrap_or_default(),
        overall_deadline: a.and_then(|a| a.overall_deadline).map(|d| page.date(&d.to_string())).unwrap_or_default(),
        employer_late: a.is_some_and(|a| a.employer_late),
        lag_code: a.map(|a| a.lag.code()).unwrap_or(""),
        lag_key: a.map(|a| lag_key(a.lag)).unwrap_or("enrolments-lag-unknown"),
        lag_detail: a.map(|a| lag_detail(&page, a.lag)).unwrap_or_default(),
        added: q.added.is_some(),
        just_registered: q.registered.is_some(),
        page,
    })
}

/// Records an unregistered record as registered today. One already registered is left as it is.
pub async fn registered(
    state: web::Data<AppState>,
    officer: InsurerOfficer,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let insurers = officer.insurers();
    let e = state.store.enrolment_of(&id, &insurers).await?.ok_or(AppError::NotFound)?;
    let today = today_jst().to_string();
    let done = state.store.mark_enrolment_registered(&e.id, &e.insurer_id, &today, officer.0.id()).await?;
    let to =
        if done { format!("/office/enrolments/{}?registered=1", e.id) } else { format!("/office/enrolments/{}", e.id) };
    Ok(see_other(to))
}

// --- the registration-lag monitor ---

pub struct LagItem {
    pub href: String,
    pub identity: String,
    pub name: String,
    pub notified: String,
    pub deadline: String,
    pub registered: String,
    pub lag_code: &'static str,
    pub lag_key: &'static str,
    pub lag_detail: String,
    pub employer_late: bool,
    deadline_iso: NaiveDate,
}

#[derive(Template)]
#[template(path = "office/registration_lag.html")]
struct LagPage {
    page: Page,
    counts: Counts,
    items: Vec<LagItem>,
    insurer_days: i64,
    employer_days: i64,
    total_days: i64,
}

pub async fn lag(page: Page, state: web::Data<AppState>, officer: InsurerOfficer) -> Result<HttpResponse, AppError> {
    let insurers = officer.insurers();
    let today = today_jst();
    let mut counts = Counts::default();
    let mut items = Vec::new();
    for insurer in insurers {
        for r in state.store.enrolment_lag_rows(insurer).await? {
            let Some(a) =
                assessment_of((&r.qualified_on, &r.notified_on, r.via_employer, r.registered_on.as_deref()), today)
            else {
                continue;
            };
            counts.add(a.lag);
            if a.lag.needs_attention() {
                items.push(LagItem {
                    href: format!("/office/enrolments/{}", r.id),
                    identity: identity_text(&r.symbol, &r.number, &r.branch),
                    name: r.name,
                    notified: page.date(&r.notified_on),
                    deadline: page.date(&a.deadline.to_string()),
                    registered: r.registered_on.as_deref().map(|d| page.date(d)).unwrap_or_default(),
                    lag_code: a.lag.code(),
                    lag_key: lag_key(a.lag),
                    lag_detail: lag_detail(&page, a.lag),
                    employer_late: a.employer_late,
                    deadline_iso: a.deadline,
                });
            }
        }
    }
    // Oldest deadline first: the records that have waited longest come at the top.
    items.sort_by(|a, b| (a.deadline_iso, &a.href).cmp(&(b.deadline_iso, &b.href)));
    render(&LagPage {
        page,
        counts,
        items,
        insurer_days: registration_lag::INSURER_DAYS,
        employer_days: registration_lag::EMPLOYER_DAYS,
        total_days: registration_lag::TOTAL_DAYS,
    })
}

// --- checking a request against the records ---

/// The verdict on a certificate request, with the records it names.
pub struct RequestCheck {
    pub verdict: Verdict,
    pub records: Vec<CandidateRow>,
}

/// Checks a certificate request against its insurer's enrolment records (the rule is
/// `crate::requests::enrolment_match::check`).
pub async fn check_request(state: &AppState, r: &RequestRow) -> Result<Option<RequestCheck>, AppError> {
    let Some(insurer) = r.insurer_id.as_deref() else { return Ok(None) };
    let a = crate::journeys::certificates::answers_of(r);
    let claim = Claim {
        symbol: a.symbol.unwrap_or_default(),
        number: a.number.unwrap_or_default(),
        branch: a.branch.unwrap_or_default(),
        name: a.name.unwrap_or_default(),
        name_kana: a.name_kana.unwrap_or_default(),
        birth_date: a.birth_date.unwrap_or_default(),
    };
    let rows = state.store.enrolment_candidates(insurer, &claim.symbol, &claim.number, &claim.birth_date).await?;
    let candidates: Vec<Candidate> = rows
        .iter()
        .map(|c| Candidate {
            id: c.id.clone(),
            symbol: c.symbol.clone(),
            number: c.number.clone(),
            branch: c.branch.clone(),
            name: c.name.clone(),
            name_kana: c.name_kana.clone(),
            birth_date: c.birth_date.clone(),
            ended_on: c.ended_on.clone(),
        })
        .collect();
    let verdict = enrolment_match::check(&claim, &candidates, today_jst());
    let records = verdict.records.iter().filter_map(|id| rows.iter().find(|c| &c.id == id).cloned()).collect();
    Ok(Some(RequestCheck { verdict, records }))
}

/// What the request page shows an officer of the request's insurer.
pub struct MatchView {
    pub outcome_code: &'static str,
    pub outcome_key: String,
    pub reason_key: String,
    /// (href, text) of each record the verdict is about.
    pub links: Vec<(String, String)>,
}

pub fn match_view(page: &Page, c: &RequestCheck) -> MatchView {
    MatchView {
        outcome_code: c.verdict.outcome.code(),
        outcome_key: format!("enrolments-match-{}", c.verdict.outcome.code()),
        reason_key: format!("enrolments-match-reason-{}", c.verdict.reason.code()),
        links: c
            .records
            .iter()
            .map(|r| {
                (
                    format!("/office/enrolments/{}", r.id),
                    format!(
                        "{} {} ({})",
                        identity_text(&r.symbol, &r.number, &r.branch),
                        r.name,
                        page.date(&r.birth_date)
                    ),
                )
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Locale, Localizer};
    use crate::requests::enrolment_match::{Outcome, Reason};

    /// The keys made with `format!` are not found by the locale scan of the source: check them here.
    #[test]
    fn every_outcome_reason_and_lag_has_a_message_in_every_locale() {
        let l = Localizer::load().unwrap();
        let mut keys: Vec<String> = Outcome::ALL.iter().map(|o| format!("enrolments-match-{}", o.code())).collect();
        keys.extend(Reason::ALL.iter().map(|r| format!("enrolments-match-reason-{}", r.code())));
        for lag in [
            Lag::OnTime { took_days: 1 },
            Lag::Late { took_days: 9, days_late: 4 },
            Lag::Waiting { days_left: 1 },
            Lag::Overdue { days_over: 1 },
        ] {
            keys.push(lag_key(lag).to_string());
        }
        for locale in Locale::ALL {
            let known = l.keys(locale);
            for k in &keys {
                assert!(known.contains(k), "{}: {k}", locale.code());
            }
        }
    }

    #[test]
    fn a_search_is_a_number_or_a_name_with_its_reading() {
        assert_eq!(search_terms(" ４２ "), ("42".to_string(), String::new(), String::new()));
        assert_eq!(
            search_terms("やまだ たろう"),
            (String::new(), "やまだ たろう".to_string(), "ヤマダタロウ".to_string())
        );
        assert_eq!(search_terms("山田"), (String::new(), "山田".to_string(), String::new()));
        assert_eq!(search_terms(""), Default::default());
    }
}

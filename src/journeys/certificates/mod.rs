//! Asking for a qualification certificate (資格確認書): a start page in plain language, one question per page
//! (answers saved to a draft as the person goes), a check-your-answers page, and submission.

pub mod steps;

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::requests::certificate::{CertificateAnswers, Step};
use crate::requests::service::{Answers, Command, Filing, Service};
use crate::requests::{FiledAs, RequestKind, RequestState};
use crate::store::enrolments::OwnEnrolmentRow;
use crate::store::now_ms;
use crate::store::requests::RequestRow;
use crate::web::errors::AppError;
use crate::web::forms::{FormState, see_other};
use crate::web::page::Page;
use crate::web::policy::{Routes, SignedIn};
use crate::web::questions::{Question, QuestionPage};
use crate::web::session::CurrentUser;
use crate::web::{AppState, render, render_with_status};

pub use steps::{SummaryRow, summary};

/// The caption of every question of this service, and the second half of its pages' titles.
const SERVICE_KEY: &str = "certificate-service";

/// The context a request's answers are read back in, for anyone who may see it (not only its filer).
pub async fn steps_context_for(
    state: &AppState,
    r: &RequestRow,
    subject_name: &str,
) -> Result<steps::Context, AppError> {
    Ok(steps::Context {
        subjects: vec![steps::Subject {
            id: r.subject_id.clone(),
            name: subject_name.to_string(),
            filed_as: FiledAs::SelfFiled,
            facility_id: r.facility_id.clone(),
        }],
        insurers: state.store.insurers().await?,
    })
}

pub fn routes(routes: &mut Routes) {
    routes.public().route("/certificates", web::get().to(start_page));
    routes
        .require::<SignedIn>()
        .route("/certificates/new", web::get().to(new_draft))
        .route("/certificates/{id}/check", web::get().to(check_answers))
        .route("/certificates/{id}/submit", web::post().to(submit))
        .route("/certificates/{id}/{step}", web::get().to(show_step))
        .route("/certificates/{id}/{step}", web::post().to(save_step))
        .route("/requests/{id}/correct", web::get().to(show_correction))
        .route("/requests/{id}/correct", web::post().to(send_correction));
}

#[derive(Template)]
#[template(path = "requests/certificate_start.html")]
struct Start {
    page: Page,
    /// Officers work requests rather than file them: they are sent to the office instead.
    may_file: bool,
    need: Option<NeedAnswer>,
}

/// "Do I need a certificate?", answered from the signed-in person's enrolment records.
pub struct NeedAnswer {
    /// `not-needed`, `not-yet-registered` or `card-not-registered`.
    pub code: &'static str,
    pub key: &'static str,
    /// The insurer the answer is about, in the reader's language.
    pub insurer: String,
}

impl NeedAnswer {
    /// From the records in term: a card registered as the insurance card with an insurer that has registered the
    /// person for the online checks needs no certificate; a card registered but not yet the insurer's
    /// registration does, for now; a record without the card registered does.
    fn of(records: &[OwnEnrolmentRow], page: &Page) -> Option<NeedAnswer> {
        let card_ready = |e: &&OwnEnrolmentRow| e.card_registered == 1 && e.registered_on.is_some();
        let card_waiting = |e: &&OwnEnrolmentRow| e.card_registered == 1;
        let (code, key, e) = if let Some(e) = records.iter().find(card_ready) {
            ("not-needed", "usability-need-not-needed", e)
        } else if let Some(e) = records.iter().find(card_waiting) {
            ("not-yet-registered", "usability-need-not-yet-registered", e)
        } else {
            ("card-not-registered", "usability-need-card-not-registered", records.first()?)
        };
        let name = crate::i18n::names::LocalName {
            ja: &e.insurer_name_ja,
            en: &e.insurer_name_en,
            easy: &e.insurer_name_easy,
        };
        Some(NeedAnswer { code, key, insurer: name.plain(page.locale) })
    }
}

/// The answer for the person the signed-in user acts as (a ward only under an authority covering certificates).
async fn need_answer(state: &AppState, page: &Page, user: &CurrentUser) -> Result<Option<NeedAnswer>, AppError> {
    if let Some(ward) = &user.acting_for {
        let covered =
            state.store.wards_covering(user.id(), crate::access::RecordKind::QualificationCertificate).await?;
        if !covered.iter().any(|w| w.ward_id == ward.ward_id) {
            return Ok(None);
        }
    }
    let records = state.store.enrolments_of_person(user.subject_id(), &state.clock.today().to_string()).await?;
    Ok(NeedAnswer::of(&records, page))
}

async fn start_page(
    page: Page,
    state: web::Data<AppState>,
    user: Option<CurrentUser>,
) -> Result<HttpResponse, AppError> {
    let may_file = user.as_ref().is_none_or(|u| crate::requests::may_file(&u.roles));
    let need = match &user {
        Some(u) if may_file => need_answer(&state, &page, u).await?,
        _ => None,
    };
    render(&Start { page, may_file, need })
}

/// Continues the person's draft, or starts one, at the first question not yet answered.
async fn new_draft(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    if !crate::requests::may_file(&user.roles) {
        return Err(AppError::Forbidden);
    }
    let kind = RequestKind::Certificate;
    let id = match state.store.latest_draft(kind, user.id()).await? {
        Some(d) => d.id,
        None => {
            let create = Command::CreateDraft {
                kind,
                filed_by: user.id().to_string(),
                filing: Filing {
                    subject_id: user.subject_id().to_string(),
                    filed_as: FiledAs::SelfFiled,
                    facility_id: None,
                },
                municipality_id: user.person.municipality_id.clone(),
            };
            Service::of(&state).run(create, now_ms()).await?.map_err(|_| AppError::NotFound)?.request_id
        }
    };
    let draft = state.store.request_draft(&id, user.id()).await?.ok_or(AppError::NotFound)?;
    let answers = answers_of(&draft);
    let next = answers.first_unanswered().map(|s| format!("/certificates/{id}/{}", s.slug()));
    Ok(see_other(next.unwrap_or_else(|| format!("/certificates/{id}/check"))))
}

pub fn answers_of(row: &RequestRow) -> CertificateAnswers {
    serde_json::from_str(&row.answers).unwrap_or_default()
}

#[derive(serde::Deserialize)]
struct ChangeQuery {
    change: Option<String>,
}

async fn load(state: &AppState, user: &CurrentUser, id: &str) -> Result<RequestRow, AppError> {
    state.store.request_draft(id, user.id()).await?.ok_or(AppError::NotFound)
}

/// Which question of which draft, and whether the person came from the check page to change it.
struct StepAt<'a> {
    draft: &'a RequestRow,
    step: Step,
    change: bool,
}

async fn question_page(
    page: Page,
    state: &AppState,
    user: &CurrentUser,
    at: StepAt<'_>,
    form: FormState,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let StepAt { draft, step, change } = at;
    let ctx = steps::Context::load(state, user).await?;
    let (heading_key, lead_key, fields) = steps::fields(step, &ctx, page.locale);
    let id = &draft.id;
    let back_href = match (change, step.previous()) {
        (true, _) => format!("/certificates/{id}/check"),
        (false, Some(prev)) => format!("/certificates/{id}/{}", prev.slug()),
        (false, None) => "/certificates".to_string(),
    };
    let action = format!("/certificates/{id}/{}{}", step.slug(), if change { "?change=1" } else { "" });
    let question = Question { heading_key, lead_key, button_key: "question-continue", fields, action, back_href };
    render_with_status(status, &QuestionPage::of_service(page, form, SERVICE_KEY, question))
}

async fn show_step(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(String, String)>,
    query: web::Query<ChangeQuery>,
) -> Result<HttpResponse, AppError> {
    let (id, slug) = path.into_inner();
    let step = Step::from_slug(&slug).ok_or(AppError::NotFound)?;
    let draft = load(&state, &user, &id).await?;
    let form = steps::prefill(step, &answers_of(&draft));
    let at = StepAt { draft: &draft, step, change: query.change.is_some() };
    question_page(page, &state, &user, at, form, StatusCode::OK).await
}

async fn save_step(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(String, String)>,
    query: web::Query<ChangeQuery>,
    input: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let (id, slug) = path.into_inner();
    let step = Step::from_slug(&slug).ok_or(AppError::NotFound)?;
    let draft = load(&state, &user, &id).await?;
    let mut answers = answers_of(&draft);
    let ctx = steps::Context::load(&state, &user).await?;
    let input = input.into_inner();
    let form = steps::accept(step, &input, &mut answers, &ctx, &state).await?;
    let change = query.change.is_some();
    if form.has_errors() {
        let at = StepAt { draft: &draft, step, change };
        return question_page(page, &state, &user, at, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let (subject_id, filed_as, facility_id) = ctx.filing(&answers, user.id());
    let save = Command::SaveDraft {
        request_id: id.clone(),
        filed_by: user.id().to_string(),
        filing: Filing { subject_id, filed_as, facility_id },
        answers: Answers::Certificate(answers.clone()),
    };
    Service::of(&state).run(save, now_ms()).await?.map_err(|_| AppError::NotFound)?;
    let next = match (change, answers.first_unanswered()) {
        (true, None) | (_, None) => format!("/certificates/{id}/check"),
        (true, Some(gap)) | (false, Some(gap)) if gap != step => format!("/certificates/{id}/{}", gap.slug()),
        _ => format!("/certificates/{id}/{}", step.next().map(|s| s.slug()).unwrap_or("check")),
    };
    Ok(see_other(next))
}

/// The draft with every question answered, or where to go instead: the confirmation when it was sent already (a
/// second click, a reload: not "page not found"), the first question still open.
async fn ready_draft(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<Result<(RequestRow, CertificateAnswers), HttpResponse>, AppError> {
    let Some(draft) = state.store.request_draft(id, user.id()).await? else {
        return if state.store.sent_request_filed_by(id, user.id()).await? {
            Ok(Err(see_other(format!("/requests/{id}/confirmation"))))
        } else {
            Err(AppError::NotFound)
        };
    };
    let answers = answers_of(&draft);
    match answers.first_unanswered() {
        Some(gap) => Ok(Err(see_other(format!("/certificates/{id}/{}", gap.slug())))),
        None => Ok(Ok((draft, answers))),
    }
}

#[derive(Template)]
#[template(path = "requests/check_answers.html")]
struct Check {
    page: Page,
    id: String,
    rows: Vec<SummaryRow>,
    /// The insurer's record of the person gives other numbers than typed: (label key, the record's value).
    record_numbers: Vec<(&'static str, String)>,
    /// The person's requests to the same insurer that are not finished yet.
    open_requests: Vec<crate::journeys::requests::OtherRequestLink>,
}

/// The record's 記号・番号・枝番 when the person's own record at the insurer differs from the typed ones.
async fn record_numbers_if_other(
    state: &AppState,
    draft: &RequestRow,
    a: &CertificateAnswers,
) -> Result<Vec<(&'static str, String)>, AppError> {
    let Some(insurer) = a.insurer_id.as_deref() else { return Ok(Vec::new()) };
    let today = state.clock.today().to_string();
    let Some(record) = state.store.own_enrolment_at(&draft.subject_id, insurer, &today).await? else {
        return Ok(Vec::new());
    };
    let typed = |o: &Option<String>| o.clone().unwrap_or_default();
    let same = typed(&a.symbol) == record.symbol && typed(&a.number) == record.number && {
        // A branch number not asked for (the insurer uses none) is not a difference.
        a.branch.is_none() || typed(&a.branch) == record.branch
    };
    if same {
        return Ok(Vec::new());
    }
    Ok(vec![
        ("office-cert-item-symbol", record.symbol),
        ("office-cert-item-number", record.number),
        ("office-cert-item-branch", record.branch),
    ])
}

async fn check_answers(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (draft, answers) = match ready_draft(&state, &user, &id).await? {
        Ok(ready) => ready,
        Err(to) => return Ok(to),
    };
    let ctx = steps::Context::load(&state, &user).await?;
    let rows = summary(&answers, &ctx, &page, Some(&draft.id));
    let record_numbers = record_numbers_if_other(&state, &draft, &answers).await?;
    let open_requests = state
        .store
        .other_unfinished_requests(&draft.id)
        .await?
        .into_iter()
        .map(|o| crate::journeys::requests::OtherRequestLink {
            href: format!("/requests/{}", o.id),
            reference: o
                .reference
                .parse::<crate::domain::ReferenceNumber>()
                .map(|r| r.to_string())
                .unwrap_or(o.reference),
            state_key: o.state.message_key(),
        })
        .collect();
    render(&Check { page, id: draft.id, rows, record_numbers, open_requests })
}

async fn submit(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (draft, answers) = match ready_draft(&state, &user, &id).await? {
        Ok(ready) => ready,
        Err(to) => return Ok(to),
    };
    // Asked again at the last moment: the person chosen must still be one the filer may ask for today.
    let ctx = steps::Context::load(&state, &user).await?;
    if !ctx.may_file_for(&answers) || ctx.filing(&answers, user.id()).0 != draft.subject_id {
        let mut form = steps::prefill(Step::ForWhom, &answers);
        form.error_key("for_whom", "access-error-for-whom-not-covered");
        let at = StepAt { draft: &draft, step: Step::ForWhom, change: true };
        return question_page(page, &state, &user, at, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let submit = Command::Submit { request_id: draft.id.clone(), by: user.id().to_string() };
    let moved = Service::of(&state).run(submit, now_ms()).await?;
    if moved.is_err() && !state.store.sent_request_filed_by(&id, user.id()).await? {
        return Err(AppError::NotFound);
    }
    // Moved now, or by a click that got there first: either way it was sent.
    Ok(see_other(format!("/requests/{id}/confirmation")))
}

/// A request the officer returned for correction, for the people on its requester side (officers work
/// requests, they do not correct them): 404 for anyone else or once it is no longer returned.
async fn returned_request(state: &AppState, user: &CurrentUser, id: &str) -> Result<RequestRow, AppError> {
    if !crate::requests::may_file(&user.roles) {
        return Err(AppError::NotFound);
    }
    state
        .store
        .visible_request(id, user.id())
        .await?
        .filter(|r| r.kind == RequestKind::Certificate && r.state == RequestState::Returned)
        .ok_or(AppError::NotFound)
}

pub use crate::requests::certificate::correction_key;

async fn correction_page(
    page: Page,
    state: &AppState,
    r: &RequestRow,
    form: FormState,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let subject = state.store.person(&r.subject_id).await?.map(|p| p.name).unwrap_or_default();
    let ctx = steps_context_for(state, r, &subject).await?;
    let (_, _, fields) = steps::fields(Step::Insured, &ctx, page.locale);
    let lead_key = correction_key(r.decision_reason.as_deref());
    let question = Question {
        heading_key: "decisions-correct-heading",
        lead_key,
        button_key: "decisions-correct-send",
        fields,
        action: format!("/requests/{}/correct", r.id),
        back_href: format!("/requests/{}", r.id),
    };
    render_with_status(status, &QuestionPage::of_service(page, form, SERVICE_KEY, question))
}

/// The 記号・番号・枝番 question again, filled in with what was sent, for a request returned for correction.
async fn show_correction(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let r = returned_request(&state, &user, &id).await?;
    let form = steps::prefill(Step::Insured, &answers_of(&r));
    correction_page(page, &state, &r, form, StatusCode::OK).await
}

/// Checks the corrected numbers against the insurer's rules, saves them and sends the request again (back to
/// `Submitted`, with its timeline line, audit line and e-mail in one transaction).
async fn send_correction(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    input: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let r = returned_request(&state, &user, &id).await?;
    let mut answers = answers_of(&r);
    let subject = state.store.person(&r.subject_id).await?.map(|p| p.name).unwrap_or_default();
    let ctx = steps_context_for(&state, &r, &subject).await?;
    let form = steps::accept(Step::Insured, &input.into_inner(), &mut answers, &ctx, &state).await?;
    if form.has_errors() {
        return correction_page(page, &state, &r, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let correct = Command::Correct {
        request_id: r.id.clone(),
        by: user.id().to_string(),
        answers: Answers::Certificate(answers),
    };
    Service::of(&state).run(correct, now_ms()).await?.map_err(|_| AppError::NotFound)?;
    Ok(see_other(format!("/requests/{}", r.id)))
}

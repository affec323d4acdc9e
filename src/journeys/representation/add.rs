//! Adding a person you act for, one small group of questions per page: about the person; relationship and
//! reason; what the authority covers and until when; proof (or why none is needed); check your answers; send.
//! Answers live in a draft row (one per person) until sent, so going back and forth loses nothing.

use actix_web::dev::Payload;
use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use futures_util::future::LocalBoxFuture;

use crate::domain::proxy::{
    AuthorityField, MAX_DOCUMENT_BYTES, ProofRule, check_authority, check_end_date, document_type, latest_end_date,
};
use crate::domain::{PostalCode, ProxyReason, Relationship, Scope, WarekiDate};
use crate::store::representation::{NewAuthority, NewWard};
use crate::store::today_jst;
use crate::web::errors::AppError;
use crate::web::forms::{FormState, PersonDetails, PersonFields, see_other};
use crate::web::multipart;
use crate::web::page::Page;
use crate::web::questions::{Choice, Field, Question, QuestionPage};
use crate::web::session::CurrentUser;
use crate::web::{AppState, render_with_status};

const BASE: &str = "/account/representation/new";
pub const ADDRESS_MAX_CHARS: usize = 200;
pub const EXPLANATION_MAX_CHARS: usize = 1000;
/// The caption of each step's page: "step n of 5".
const STEP_KEY: &str = "representation-step";
const STEPS: u8 = 5;

/// What has been answered so far. Each step stores only answers that passed its checks.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Answers {
    pub name: String,
    pub name_kana: String,
    pub birth_date: String,
    pub postal_code: String,
    pub address: String,
    pub relationship: String,
    pub reason: String,
    pub going_out_difficult: bool,
    pub scope: Vec<String>,
    pub ends_on: String,
    /// The proof step was answered.
    pub proof_done: bool,
    pub explanation: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Person,
    Relationship,
    Scope,
    Proof,
    Check,
}

impl Step {
    fn path(self) -> String {
        let s = match self {
            Step::Person => "person",
            Step::Relationship => "relationship",
            Step::Scope => "scope",
            Step::Proof => "proof",
            Step::Check => "check",
        };
        format!("{BASE}/{s}")
    }
}

struct Draft {
    answers: Answers,
    document_name: Option<String>,
    document_size: Option<i64>,
}

async fn load(state: &AppState, user: &CurrentUser) -> Result<Draft, AppError> {
    Ok(match state.store.draft(user.id()).await? {
        Some(d) => Draft {
            answers: serde_json::from_str(&d.answers).unwrap_or_default(),
            document_name: d.document_name,
            document_size: d.document_size,
        },
        None => Draft { answers: Answers::default(), document_name: None, document_size: None },
    })
}

async fn save(state: &AppState, user: &CurrentUser, answers: &Answers) -> Result<(), AppError> {
    let json = serde_json::to_string(answers).map_err(AppError::internal)?;
    Ok(state.store.save_draft_answers(user.id(), &json).await?)
}

fn birth(a: &Answers) -> Option<NaiveDate> {
    a.birth_date.parse().ok()
}

/// The first step that is not answered, or no longer fits the answers before it (a changed date of birth can
/// make a reason wrong); `Check` when everything is ready.
fn first_open_step(d: &Draft, today: NaiveDate) -> Step {
    let a = &d.answers;
    let Some(birth) = birth(a).filter(|_| !a.name.is_empty()) else { return Step::Person };
    let (Ok(relationship), Ok(reason)) = (a.relationship.parse::<Relationship>(), a.reason.parse::<ProxyReason>())
    else {
        return Step::Relationship;
    };
    if check_authority(relationship, reason, birth, today, a.going_out_difficult).is_err() {
        return Step::Relationship;
    }
    let ends_on = a.ends_on.parse::<NaiveDate>().ok();
    if a.scope.is_empty() || check_end_date(relationship, ends_on, today).is_err() {
        return Step::Scope;
    }
    let proof_ok = match reason.proof() {
        ProofRule::NotNeeded { .. } => true,
        ProofRule::Document(_) => d.document_name.is_some() || !a.explanation.trim().is_empty(),
    };
    if !a.proof_done || !proof_ok {
        return Step::Proof;
    }
    Step::Check
}

/// Sends the person to the first open step when they ask for a later one.
fn gate(d: &Draft, wanted: Step) -> Option<HttpResponse> {
    let open = first_open_step(d, today_jst());
    let order = [Step::Person, Step::Relationship, Step::Scope, Step::Proof, Step::Check];
    let pos = |s: Step| order.iter().position(|x| *x == s).unwrap_or(0);
    (pos(wanted) > pos(open)).then(|| see_other(open.path()))
}

#[derive(serde::Deserialize)]
pub struct ChangeQuery {
    change: Option<String>,
}

/// What every step's handler starts from: the page, the app, the person, and whether they came from the check
/// page to change an answer.
pub struct StepRequest {
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    change: bool,
}

impl FromRequest for StepRequest {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<StepRequest, actix_web::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let parts = <(Page, web::Data<AppState>, CurrentUser, web::Query<ChangeQuery>)>::from_request(req, payload);
        Box::pin(async move {
            let (page, state, user, q) = parts.await?;
            Ok(StepRequest { page, state, user, change: q.change.is_some() })
        })
    }
}

impl StepRequest {
    /// The draft when `step` is open, else the way to the first open step.
    async fn open(&self, step: Step) -> Result<Result<Draft, HttpResponse>, AppError> {
        let d = load(&self.state, &self.user).await?;
        Ok(match gate(&d, step) {
            Some(redirect) => Err(redirect),
            None => Ok(d),
        })
    }

    async fn save(&self, answers: &Answers) -> Result<(), AppError> {
        save(&self.state, &self.user, answers).await
    }
}

/// After a step: back to the check page when changing an answer from there (if everything is still ready),
/// else on to the next step.
fn next(d: &Draft, change: bool, then: Step) -> HttpResponse {
    if change && first_open_step(d, today_jst()) == Step::Check {
        see_other(Step::Check.path())
    } else {
        see_other(then.path())
    }
}

fn action(step: Step, change: bool) -> String {
    if change { format!("{}?change=1", step.path()) } else { step.path() }
}

pub async fn start(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    let d = load(&state, &user).await?;
    if state.store.draft(user.id()).await?.is_none() {
        save(&state, &user, &d.answers).await?;
    }
    Ok(see_other(Step::Person.path()))
}

// --- about the person ---

/// The first step asks like every question page; the later ones need more than plain fields (a name in the
/// heading, checkboxes, an upload) and keep their own templates.
fn person_page(page: Page, form: FormState, change: bool) -> QuestionPage {
    let question = Question {
        heading_key: "representation-person-heading",
        lead_key: "representation-person-lead",
        button_key: "representation-continue",
        fields: vec![
            Field::text("name", "representation-name-label", "representation-name-hint"),
            Field::text("name_kana", "representation-kana-label", "representation-kana-hint"),
            Field::text("birth_date", "representation-birth-label", "representation-birth-hint"),
            Field::text("postal_code", "representation-postal-label", "representation-postal-hint").width("input--4"),
            Field::text("address", "representation-address-label", "representation-address-hint"),
        ],
        action: action(Step::Person, change),
        back_href: "/account/representation".to_string(),
    };
    QuestionPage::step(page, form, ("representation-person-title", STEP_KEY), (1, STEPS), question)
}

pub async fn person(r: StepRequest) -> Result<HttpResponse, AppError> {
    let d = load(&r.state, &r.user).await?;
    let a = &d.answers;
    let birth = birth(a).and_then(|b| WarekiDate::try_from(b).ok()).map(|b| b.to_string()).unwrap_or_default();
    let form = FormState::with_values([
        ("name", a.name.as_str()),
        ("name_kana", a.name_kana.as_str()),
        ("birth_date", birth.as_str()),
        ("postal_code", a.postal_code.as_str()),
        ("address", a.address.as_str()),
    ]);
    render_with_status(StatusCode::OK, &person_page(r.page, form, r.change))
}

#[derive(serde::Deserialize)]
pub struct PersonForm {
    #[serde(flatten)]
    person: PersonFields,
    #[serde(default)]
    postal_code: String,
    #[serde(default)]
    address: String,
}

/// The first step's answers, parsed: what is saved to the draft.
struct PersonAnswers {
    person: PersonDetails,
    postal: PostalCode,
    address: String,
}

impl TryFrom<&PersonForm> for PersonAnswers {
    /// The form again, with what was typed and a message beside each mistake.
    type Error = FormState;

    fn try_from(input: &PersonForm) -> Result<PersonAnswers, FormState> {
        let mut form = FormState::with_values(
            input
                .person
                .typed()
                .into_iter()
                .chain([("postal_code", input.postal_code.as_str()), ("address", input.address.as_str())]),
        );
        let person = input.person.parse(&mut form, today_jst(), "representation-error-birth-future");
        let postal = form.check("postal_code", input.postal_code.parse::<PostalCode>());
        let address = input.address.split_whitespace().collect::<Vec<_>>().join(" ");
        let address = form.free_text("address", &address);
        match address.as_deref() {
            Some("") => form.error_key("address", "representation-error-address-empty"),
            Some(a) if a.chars().count() > ADDRESS_MAX_CHARS => {
                form.error_key("address", "representation-error-address-long")
            }
            _ => {}
        }
        match (person, postal, address, form.has_errors()) {
            (Some(person), Some(postal), Some(address), false) => Ok(PersonAnswers { person, postal, address }),
            _ => Err(form),
        }
    }
}

pub async fn save_person(r: StepRequest, input: web::Form<PersonForm>) -> Result<HttpResponse, AppError> {
    let answers = match PersonAnswers::try_from(&*input) {
        Ok(answers) => answers,
        Err(form) => return render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &person_page(r.page, form, r.change)),
    };
    let mut d = load(&r.state, &r.user).await?;
    d.answers.name = answers.person.name.to_string();
    d.answers.name_kana = answers.person.name_kana.to_string();
    d.answers.birth_date = answers.person.birth.to_string();
    d.answers.postal_code = answers.postal.digits().to_string();
    d.answers.address = answers.address;
    r.save(&d.answers).await?;
    Ok(next(&d, r.change, Step::Relationship))
}

// --- relationship and reason ---

#[derive(Template)]
#[template(path = "representation/relationship.html")]
struct RelationshipPage {
    page: Page,
    form: FormState,
    action: String,
    ward_name: String,
    relationships: Vec<Choice>,
    reasons: Vec<Choice>,
}

fn relationship_page(page: Page, form: FormState, change: bool, ward_name: String) -> RelationshipPage {
    RelationshipPage {
        page,
        form,
        action: action(Step::Relationship, change),
        ward_name,
        relationships: Relationship::ALL.into_iter().map(|r| Choice::keyed(r.code(), r.message_key())).collect(),
        reasons: ProxyReason::ALL.into_iter().map(|r| Choice::keyed(r.code(), r.message_key())).collect(),
    }
}

pub async fn relationship(r: StepRequest) -> Result<HttpResponse, AppError> {
    let d = match r.open(Step::Relationship).await? {
        Ok(d) => d,
        Err(to) => return Ok(to),
    };
    let a = &d.answers;
    let form = FormState::with_values([
        ("relationship", a.relationship.as_str()),
        ("reason", a.reason.as_str()),
        ("going_out_difficult", if a.going_out_difficult { "yes" } else { "" }),
    ]);
    render_with_status(StatusCode::OK, &relationship_page(r.page, form, r.change, a.name.clone()))
}

#[derive(serde::Deserialize)]
pub struct RelationshipForm {
    #[serde(default)]
    relationship: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    going_out_difficult: String,
}

pub async fn save_relationship(r: StepRequest, input: web::Form<RelationshipForm>) -> Result<HttpResponse, AppError> {
    let mut d = match r.open(Step::Relationship).await? {
        Ok(d) => d,
        Err(to) => return Ok(to),
    };
    let going_out = input.going_out_difficult == "yes";
    let mut form = FormState::with_values([
        ("relationship", input.relationship.as_str()),
        ("reason", input.reason.as_str()),
        ("going_out_difficult", if going_out { "yes" } else { "" }),
    ]);
    let relationship = form.check("relationship", input.relationship.parse::<Relationship>());
    let reason = form.check("reason", input.reason.parse::<ProxyReason>());
    if let (Some(rel), Some(reason), Some(birth)) = (relationship, reason, birth(&d.answers))
        && let Err(e) = check_authority(rel, reason, birth, today_jst(), going_out)
    {
        let field = match e.field() {
            AuthorityField::Relationship => "relationship",
            AuthorityField::Reason => "reason",
            AuthorityField::GoingOutDifficult => "going_out_difficult",
        };
        form.error(field, &e);
    }
    if form.has_errors() {
        return render_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &relationship_page(r.page, form, r.change, d.answers.name.clone()),
        );
    }
    let a = &mut d.answers;
    if a.reason != input.reason {
        // Another reason asks for other proof: that step is asked again.
        a.proof_done = false;
    }
    a.relationship = input.relationship.clone();
    a.reason = input.reason.clone();
    a.going_out_difficult = going_out && input.reason == ProxyReason::Aged75.code();
    r.save(&d.answers).await?;
    Ok(next(&d, r.change, Step::Scope))
}

// --- scope and end date ---

#[derive(Template)]
#[template(path = "representation/scope.html")]
struct ScopePage {
    page: Page,
    form: FormState,
    action: String,
    scopes: Vec<Choice>,
    chosen: Vec<String>,
    end_date_required: bool,
    latest: String,
}

fn scope_page(page: Page, form: FormState, change: bool, chosen: Vec<String>, required: bool) -> ScopePage {
    let latest = page.date(&latest_end_date(today_jst()).format("%Y-%m-%d").to_string());
    ScopePage {
        page,
        form,
        action: action(Step::Scope, change),
        scopes: Scope::ALL.into_iter().map(|s| Choice::keyed(s.code(), s.message_key())).collect(),
        chosen,
        end_date_required: required,
        latest,
    }
}

impl ScopePage {
    fn is_chosen(&self, code: &str) -> bool {
        self.chosen.iter().any(|c| c == code)
    }
}

pub async fn scope(r: StepRequest) -> Result<HttpResponse, AppError> {
    let d = match r.open(Step::Scope).await? {
        Ok(d) => d,
        Err(to) => return Ok(to),
    };
    let a = &d.answers;
    let required = a.relationship.parse::<Relationship>().is_ok_and(|r| r.needs_end_date());
    let ends = birth_like(&a.ends_on);
    let form = FormState::with_values([("ends_on", ends.as_str())]);
    render_with_status(StatusCode::OK, &scope_page(r.page, form, r.change, a.scope.clone(), required))
}

fn birth_like(iso: &str) -> String {
    iso.parse::<WarekiDate>().map(|d| d.to_string()).unwrap_or_default()
}

pub async fn save_scope(r: StepRequest, body: web::Bytes) -> Result<HttpResponse, AppError> {
    let mut d = match r.open(Step::Scope).await? {
        Ok(d) => d,
        Err(to) => return Ok(to),
    };
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let chosen: Vec<Scope> =
        Scope::ALL.into_iter().filter(|s| pairs.iter().any(|(k, v)| k == "scope" && v == s.code())).collect();
    let ends_text = pairs.iter().find(|(k, _)| k == "ends_on").map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    let relationship = d.answers.relationship.parse::<Relationship>().map_err(|_| AppError::BadRequest)?;
    let mut form = FormState::with_values([("ends_on", ends_text.as_str())]);
    if chosen.is_empty() {
        form.error("scope", &crate::domain::ProxyError::ScopeMissing);
    }
    let ends_on = if ends_text.is_empty() { None } else { form.check("ends_on", ends_text.parse::<WarekiDate>()) };
    if !form.has_error("ends_on")
        && let Err(e) = check_end_date(relationship, ends_on.map(|d| d.as_naive()), today_jst())
    {
        form.error("ends_on", &e);
    }
    let chosen_codes: Vec<String> = chosen.iter().map(|s| s.code().to_string()).collect();
    if form.has_errors() {
        return render_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &scope_page(r.page, form, r.change, chosen_codes, relationship.needs_end_date()),
        );
    }
    d.answers.scope = chosen_codes;
    d.answers.ends_on = ends_on.map(|e| e.to_string()).unwrap_or_default();
    r.save(&d.answers).await?;
    Ok(next(&d, r.change, Step::Proof))
}

// --- proof ---

#[derive(Template)]
#[template(path = "representation/proof.html")]
struct ProofPage {
    page: Page,
    form: FormState,
    action: String,
    reason: String,
    /// The message saying why no document is needed; empty when one is.
    no_proof_key: &'static str,
    documents: Vec<&'static str>,
    uploaded: Option<String>,
    max_mb: usize,
}

fn proof_page(page: Page, form: FormState, change: bool, d: &Draft) -> Result<ProofPage, AppError> {
    let reason = d.answers.reason.parse::<ProxyReason>().map_err(|_| AppError::BadRequest)?;
    let (no_proof_key, documents) = match reason.proof() {
        ProofRule::NotNeeded { why_key } => (why_key, Vec::new()),
        ProofRule::Document(docs) => ("", docs.iter().map(|x| x.message_key()).collect()),
    };
    let mut action = action(Step::Proof, change);
    action.push(if change { '&' } else { '?' });
    action.push_str("csrf_token=");
    action.push_str(&page.csrf_token);
    let uploaded = d.document_name.as_ref().map(|n| {
        let kb = ((d.document_size.unwrap_or(0) + 1023) / 1024).to_string();
        page.message_plain("representation-proof-uploaded", &[("name", n.clone()), ("size", kb)])
    });
    Ok(ProofPage {
        reason: page.message_plain(reason.message_key(), &[]),
        page,
        form,
        action,
        no_proof_key,
        documents,
        uploaded,
        max_mb: MAX_DOCUMENT_BYTES / (1024 * 1024),
    })
}

pub async fn proof(r: StepRequest) -> Result<HttpResponse, AppError> {
    let d = match r.open(Step::Proof).await? {
        Ok(d) => d,
        Err(to) => return Ok(to),
    };
    let form = FormState::with_values([("explanation", d.answers.explanation.as_str())]);
    render_with_status(StatusCode::OK, &proof_page(r.page, form, r.change, &d)?)
}

/// The proof step: a multipart form (document and explanation) when a document is needed, a plain one with
/// nothing but the CSRF token when it is not.
pub async fn save_proof(r: StepRequest, req: HttpRequest, payload: web::Payload) -> Result<HttpResponse, AppError> {
    let mut d = match r.open(Step::Proof).await? {
        Ok(d) => d,
        Err(to) => return Ok(to),
    };
    let change = r.change;
    let reason = d.answers.reason.parse::<ProxyReason>().map_err(|_| AppError::BadRequest)?;
    if !reason.proof().needs_document() {
        d.answers.proof_done = true;
        d.answers.explanation.clear();
        r.save(&d.answers).await?;
        return Ok(next(&d, change, Step::Check));
    }
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let boundary = multipart::boundary(content_type).ok_or(AppError::BadRequest)?;
    // The document, the explanation and the part headers.
    let body = multipart::read_limited(payload, MAX_DOCUMENT_BYTES + 64 * 1024, 8 * MAX_DOCUMENT_BYTES).await?;
    let mut form = FormState::default();
    let Some(body) = body else {
        form.set("explanation", &d.answers.explanation);
        form.error_key("document", "representation-error-document-large");
        return render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &proof_page(r.page, form, change, &d)?);
    };
    let parts = multipart::parse(&boundary, &body).ok_or(AppError::BadRequest)?;
    let explanation = parts.iter().find(|p| p.name == "explanation").map(|p| p.text()).unwrap_or_default();
    let explanation = explanation.trim().to_string();
    form.set("explanation", &explanation);
    let file = parts.iter().find(|p| p.name == "document" && !p.data.is_empty());
    let mut document = None;
    if let Some(f) = file {
        if f.data.len() > MAX_DOCUMENT_BYTES {
            form.error_key("document", "representation-error-document-large");
        } else {
            match document_type(&f.data) {
                Some(kind) => document = Some((f, kind)),
                None => form.error_key("document", "representation-error-document-type"),
            }
        }
    }
    let explanation = form.free_text("explanation", &explanation).unwrap_or_default();
    if explanation.chars().count() > EXPLANATION_MAX_CHARS {
        form.error_key("explanation", "representation-error-explanation-long");
    }
    if !form.has_errors() && document.is_none() && d.document_name.is_none() && explanation.is_empty() {
        form.error_key("document", "representation-error-document-missing");
    }
    if form.has_errors() {
        return render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &proof_page(r.page, form, change, &d)?);
    }
    if let Some((f, kind)) = document {
        let name = crate::domain::proxy::document_file_name(None, kind);
        r.state.store.save_draft_document(r.user.id(), &name, kind, &f.data).await?;
        d.document_name = Some(name);
    }
    d.answers.explanation = explanation;
    d.answers.proof_done = true;
    r.save(&d.answers).await?;
    Ok(next(&d, change, Step::Check))
}

// --- check your answers, and send ---

pub struct Row {
    pub label: &'static str,
    pub value: String,
    pub change: String,
    pub id: &'static str,
}

#[derive(Template)]
#[template(path = "representation/check.html")]
struct CheckPage {
    page: Page,
    form: FormState,
    rows: Vec<Row>,
}

fn check_rows(page: &Page, d: &Draft) -> Vec<Row> {
    let a = &d.answers;
    let change = |s: Step| format!("{}?change=1", s.path());
    let label = |key: &str| page.message_plain(key, &[]);
    let relationship = a.relationship.parse::<Relationship>().map(|r| label(r.message_key())).unwrap_or_default();
    let reason = a.reason.parse::<ProxyReason>().ok();
    let mut reason_text = reason.map(|r| label(r.message_key())).unwrap_or_default();
    if a.going_out_difficult {
        reason_text = format!("{reason_text} ({})", label("representation-going-out-stated"));
    }
    let scopes: Vec<String> =
        a.scope.iter().filter_map(|c| Scope::parse_list(c).first().map(|s| label(s.message_key()))).collect();
    let proof = match reason.map(|r| r.proof()) {
        Some(ProofRule::NotNeeded { .. }) => label("representation-proof-not-needed-short"),
        _ => match &d.document_name {
            Some(name) => name.clone(),
            None => page.message_plain("representation-proof-explained", &[("text", a.explanation.clone())]),
        },
    };
    let postal = a.postal_code.parse::<PostalCode>().map(|p| p.with_mark()).unwrap_or_default();
    vec![
        Row { id: "name", label: "representation-name-label", value: a.name.clone(), change: change(Step::Person) },
        Row {
            id: "name_kana",
            label: "representation-kana-label",
            value: a.name_kana.clone(),
            change: change(Step::Person),
        },
        Row {
            id: "birth_date",
            label: "representation-birth-label",
            value: page.date(&a.birth_date),
            change: change(Step::Person),
        },
        Row {
            id: "address",
            label: "representation-address-label",
            value: format!("{postal} {}", a.address),
            change: change(Step::Person),
        },
        Row {
            id: "relationship",
            label: "representation-relationship-legend",
            value: relationship,
            change: change(Step::Relationship),
        },
        Row {
            id: "reason",
            label: "representation-reason-legend",
            value: reason_text,
            change: change(Step::Relationship),
        },
        Row {
            id: "scope",
            label: "representation-scope-legend",
            value: scopes.join(", "),
            change: change(Step::Scope),
        },
        Row {
            id: "ends_on",
            label: "representation-ends-label",
            value: if a.ends_on.is_empty() { label("representation-ends-none") } else { page.date(&a.ends_on) },
            change: change(Step::Scope),
        },
        Row { id: "proof", label: "representation-proof-row", value: proof, change: change(Step::Proof) },
    ]
}

pub async fn check(page: Page, state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    let d = load(&state, &user).await?;
    if let Some(r) = gate(&d, Step::Check) {
        return Ok(r);
    }
    let rows = check_rows(&page, &d);
    render_with_status(StatusCode::OK, &CheckPage { page, form: FormState::default(), rows })
}

pub async fn submit(page: Page, state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    let d = load(&state, &user).await?;
    if let Some(r) = gate(&d, Step::Check) {
        return Ok(r);
    }
    let Some(municipality) = user.person.municipality_id.clone() else {
        let mut form = FormState::default();
        form.error_key("submit", "representation-error-no-municipality");
        let rows = check_rows(&page, &d);
        return render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &CheckPage { page, form, rows });
    };
    let a = &d.answers;
    let reason = a.reason.parse::<ProxyReason>().map_err(|_| AppError::BadRequest)?;
    let needs_document = reason.proof().needs_document();
    let scope = Scope::to_list(&Scope::parse_list(&a.scope.join(",")));
    let explanation = (needs_document && d.document_name.is_none()).then_some(a.explanation.as_str());
    let id = state
        .store
        .submit_representation(
            user.id(),
            &NewWard {
                name: &a.name,
                name_kana: &a.name_kana,
                birth_date: &a.birth_date,
                postal_code: &a.postal_code,
                address: &a.address,
                municipality_id: &municipality,
                locale: page.locale.code(),
            },
            &NewAuthority {
                relationship: &a.relationship,
                reason: &a.reason,
                scope: &scope,
                ends_on: (!a.ends_on.is_empty()).then_some(a.ends_on.as_str()),
                going_out_difficult: a.going_out_difficult,
                needs_document,
                no_document_explanation: explanation,
            },
        )
        .await?;
    Ok(see_other(format!("/account/representation/{id}/sent")))
}

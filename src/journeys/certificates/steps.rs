//! The questions of a certificate request: what each page asks, how its answer is checked and kept, and how
//! the answers read back on the check page.

use std::collections::HashMap;

use crate::access::RecordKind;
use crate::accounts::Role;
use crate::domain::{Furigana, InsuredIdentity, InsurerNumber, PersonName, PhoneNumber, PostalCode, WarekiDate};
use crate::i18n::Locale;
use crate::requests::FiledAs;
use crate::requests::certificate::{CertificateAnswers, Contact, Delivery, Reason, Step};
use crate::store::organisations::InsurerRow;
use crate::web::AppState;
use crate::web::errors::AppError;
use crate::web::forms::FormState;
use crate::web::page::Page;
use crate::web::questions::{Choice, Field};
use crate::web::session::CurrentUser;

/// Someone the signed-in person may ask for.
pub struct Subject {
    pub id: String,
    pub name: String,
    pub filed_as: FiledAs,
    pub facility_id: Option<String>,
}

pub struct Context {
    pub subjects: Vec<Subject>,
    pub insurers: Vec<InsurerRow>,
}

impl Context {
    pub async fn load(state: &AppState, user: &CurrentUser) -> Result<Context, AppError> {
        let mut subjects = Vec::new();
        if user.has(Role::Resident) {
            subjects.push(Subject {
                id: user.id().to_string(),
                name: user.person.name.clone(),
                filed_as: FiledAs::SelfFiled,
                facility_id: None,
            });
        }
        // Only wards whose authority covers qualification certificates today (the access policy).
        for w in state.store.wards_covering(user.id(), RecordKind::QualificationCertificate).await? {
            subjects.push(Subject {
                id: w.ward_id,
                name: w.name,
                filed_as: FiledAs::Representative,
                facility_id: None,
            });
        }
        for r in state.store.residents_with_consent(user.id()).await? {
            if !subjects.iter().any(|s| s.id == r.person_id) {
                subjects.push(Subject {
                    id: r.person_id,
                    name: r.name,
                    filed_as: FiledAs::Facility,
                    facility_id: Some(r.facility_id),
                });
            }
        }
        Ok(Context { subjects, insurers: state.store.insurers().await? })
    }

    /// The person the answers name is one the signed-in person may ask for today (they may have been
    /// since the question was answered: an authority ends, consent is withdrawn).
    pub fn may_file_for(&self, a: &CertificateAnswers) -> bool {
        a.for_whom.as_deref().is_some_and(|id| self.subjects.iter().any(|s| s.id == id))
    }

    /// Who the request is for and how it is filed, from the first answer.
    pub fn filing(&self, a: &CertificateAnswers, filer: &str) -> (String, FiledAs, Option<String>) {
        match a.for_whom.as_deref().and_then(|id| self.subjects.iter().find(|s| s.id == id)) {
            Some(s) => (s.id.clone(), s.filed_as, s.facility_id.clone()),
            None => (filer.to_string(), FiledAs::SelfFiled, None),
        }
    }

    fn insurer(&self, id: &str) -> Option<&InsurerRow> {
        self.insurers.iter().find(|i| i.id == id)
    }
}

/// (heading, lead, fields) of a question page.
/// Insurers are named in `locale`.
pub fn fields(step: Step, ctx: &Context, locale: Locale) -> (&'static str, &'static str, Vec<Field>) {
    match step {
        Step::ForWhom => (
            "certificate-for-whom-heading",
            "",
            vec![Field::Radios {
                name: "for_whom",
                legend_key: "certificate-for-whom-legend",
                hint_key: "certificate-for-whom-hint",
                choices: ctx.subjects.iter().map(|s| Choice::named(&s.id, &s.name)).collect(),
            }],
        ),
        Step::Reason => (
            "certificate-reason-heading",
            "",
            vec![Field::Radios {
                name: "reason",
                legend_key: "certificate-reason-legend",
                hint_key: "",
                choices: Reason::ALL
                    .iter()
                    .map(|r| Choice::keyed(r.code(), r.message_key()).hinted(r.hint_key()))
                    .collect(),
            }],
        ),
        Step::Insurer => (
            "certificate-insurer-heading",
            "certificate-insurer-lead",
            vec![
                Field::Text {
                    name: "insurer_number",
                    label_key: "certificate-insurer-number-label",
                    hint_key: "certificate-insurer-number-hint",
                    autocomplete: "off",
                    width: "input--10",
                    numeric: true,
                },
                Field::Select {
                    name: "insurer_id",
                    label_key: "certificate-insurer-name-label",
                    hint_key: "certificate-insurer-name-hint",
                    choices: ctx
                        .insurers
                        .iter()
                        .map(|i| Choice::named(&i.id, &format!("{} ({})", i.name().plain(locale), i.number)))
                        .collect(),
                },
            ],
        ),
        Step::Insured => (
            "certificate-insured-heading",
            "certificate-insured-lead",
            vec![
                Field::text("symbol", "certificate-symbol-label", "certificate-symbol-hint"),
                Field::text("number", "certificate-number-label", "certificate-number-hint"),
                Field::Text {
                    name: "branch",
                    label_key: "certificate-branch-label",
                    hint_key: "certificate-branch-hint",
                    autocomplete: "off",
                    width: "input--4",
                    numeric: true,
                },
            ],
        ),
        Step::Name => (
            "certificate-name-heading",
            "",
            vec![
                Field::text("name", "certificate-name-label", "certificate-name-hint"),
                Field::text("name_kana", "certificate-kana-label", "certificate-kana-hint"),
            ],
        ),
        Step::BirthDate => (
            "certificate-birth-heading",
            "",
            vec![Field::text("birth_date", "certificate-birth-label", "certificate-birth-hint")],
        ),
        Step::Delivery => (
            "certificate-delivery-heading",
            "certificate-delivery-lead",
            vec![
                Field::Radios {
                    name: "delivery",
                    legend_key: "certificate-delivery-legend",
                    hint_key: "",
                    choices: Delivery::ALL
                        .iter()
                        .map(|d| Choice::keyed(d.code(), d.message_key()).hinted(d.hint_key()))
                        .collect(),
                },
                Field::Text {
                    name: "postal_code",
                    label_key: "certificate-postal-code-label",
                    hint_key: "certificate-postal-code-hint",
                    autocomplete: "postal-code",
                    width: "input--10",
                    numeric: true,
                },
                Field::Text {
                    name: "address",
                    label_key: "certificate-address-label",
                    hint_key: "",
                    autocomplete: "street-address",
                    width: "input--wide",
                    numeric: false,
                },
            ],
        ),
        Step::Contact => (
            "certificate-contact-heading",
            "",
            vec![
                Field::Radios {
                    name: "contact",
                    legend_key: "certificate-contact-legend",
                    hint_key: "",
                    choices: Contact::ALL.iter().map(|c| Choice::keyed(c.code(), c.message_key())).collect(),
                },
                Field::Text {
                    name: "phone",
                    label_key: "certificate-phone-label",
                    hint_key: "certificate-phone-hint",
                    autocomplete: "tel",
                    width: "input--10",
                    numeric: false,
                },
            ],
        ),
    }
}

/// The form as the draft has it, to show a page again with its saved answers.
pub fn prefill(step: Step, a: &CertificateAnswers) -> FormState {
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    let code = |c: Option<&str>| c.unwrap_or_default().to_string();
    let pairs: Vec<(&str, String)> = match step {
        Step::ForWhom => vec![("for_whom", v(&a.for_whom))],
        Step::Reason => vec![("reason", code(a.reason.map(Reason::code)))],
        Step::Insurer => vec![("insurer_number", v(&a.insurer_number)), ("insurer_id", v(&a.insurer_id))],
        Step::Insured => vec![("symbol", v(&a.symbol)), ("number", v(&a.number)), ("branch", v(&a.branch))],
        Step::Name => vec![("name", v(&a.name)), ("name_kana", v(&a.name_kana))],
        Step::BirthDate => vec![("birth_date", v(&a.birth_date))],
        Step::Delivery => {
            let postal = a.postal_code.as_ref().map(|p| p.to_string()).unwrap_or_default();
            vec![
                ("delivery", code(a.delivery.map(Delivery::code))),
                ("postal_code", postal),
                ("address", v(&a.address)),
            ]
        }
        Step::Contact => vec![("contact", code(a.contact.map(Contact::code))), ("phone", v(&a.phone))],
    };
    FormState::with_values(pairs.iter().map(|(k, v)| (*k, v.as_str())))
}

/// Checks one page's answers; keeps them in `a` when they are good. The returned form carries what was typed
/// and any errors.
pub async fn accept(
    step: Step,
    input: &HashMap<String, String>,
    a: &mut CertificateAnswers,
    ctx: &Context,
    state: &AppState,
) -> Result<FormState, AppError> {
    let get = |k: &str| input.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    let field_names: Vec<&'static str> = fields(step, ctx, Locale::Ja).2.iter().map(Field::name).collect();
    let mut form =
        FormState::with_values(field_names.iter().map(|n| (*n, input.get(*n).map(String::as_str).unwrap_or(""))));
    match step {
        Step::ForWhom => {
            let chosen = get("for_whom");
            match ctx.subjects.iter().find(|s| s.id == chosen) {
                None => form.error_key("for_whom", "certificate-error-for-whom"),
                Some(s) => {
                    if a.for_whom.as_deref() != Some(&s.id) {
                        // A new person: their own details start from their record, to be checked later.
                        let person = state.store.person(&s.id).await?.ok_or(AppError::NotFound)?;
                        a.name = Some(person.name);
                        a.name_kana = Some(person.name_kana);
                        a.birth_date = Some(person.birth_date).filter(|d| !d.is_empty());
                    }
                    a.for_whom = Some(s.id.clone());
                }
            }
        }
        Step::Reason => {
            if let Some(r) = Reason::from_code(&get("reason")) {
                a.reason = Some(r);
            } else {
                form.error_key("reason", "certificate-error-reason");
            }
        }
        Step::Insurer => {
            let typed = get("insurer_number");
            let chosen = get("insurer_id");
            if !typed.is_empty() {
                if let Some(number) = form.check("insurer_number", typed.parse::<InsurerNumber>()) {
                    match state.store.insurer_by_number(number.digits()).await? {
                        Some(i) => {
                            a.insurer_id = Some(i.id);
                            a.insurer_number = Some(i.number);
                        }
                        None => form.error_key("insurer_number", "certificate-error-insurer-unknown"),
                    }
                }
            } else if let Some(i) = ctx.insurer(&chosen) {
                a.insurer_id = Some(i.id.clone());
                a.insurer_number = Some(i.number.clone());
            } else {
                form.error_key("insurer_number", "certificate-error-insurer-missing");
            }
        }
        Step::Insured => {
            let insurer: Option<InsurerNumber> = a.insurer_number.as_deref().and_then(|n| n.parse().ok());
            let Some(insurer) = insurer else {
                form.error_key("number", "certificate-error-insurer-first");
                return Ok(form);
            };
            match InsuredIdentity::parse(&insurer, &get("symbol"), &get("number"), &get("branch")) {
                Ok(id) => {
                    a.symbol = id.symbol().map(|s| s.as_str().to_string());
                    a.number = Some(id.number().as_str().to_string());
                    a.branch = id.branch().map(|b| b.as_str().to_string());
                }
                Err(errors) => form.insured_errors(errors),
            }
        }
        Step::Name => {
            let name = form.check("name", get("name").parse::<PersonName>());
            let kana = form.check("name_kana", get("name_kana").parse::<Furigana>());
            if let (Some(n), Some(k)) = (name, kana) {
                a.name = Some(n.to_string());
                a.name_kana = Some(k.to_string());
            }
        }
        Step::BirthDate => {
            if let Some(d) = form.check("birth_date", get("birth_date").parse::<WarekiDate>()) {
                if d.as_naive() > chrono::Local::now().date_naive() {
                    form.error_key("birth_date", "sign-up-error-birth-future");
                } else {
                    a.birth_date = Some(d.to_string());
                }
            }
        }
        Step::Delivery => {
            let d = Delivery::from_code(&get("delivery"));
            if d.is_none() {
                form.error_key("delivery", "certificate-error-delivery");
            } else if d == Some(Delivery::Post) {
                let postal = form.check("postal_code", get("postal_code").parse::<PostalCode>());
                let address = form.free_text("address", &get("address"));
                match address.as_deref() {
                    Some("") => form.error_key("address", "certificate-error-address"),
                    Some(a) if a.chars().count() > 200 => form.error_key("address", "certificate-error-address-long"),
                    _ => {}
                }
                if let (Some(p), Some(address), false) = (postal, address, form.has_errors()) {
                    a.delivery = d;
                    a.postal_code = Some(p);
                    a.address = Some(address);
                }
            } else {
                a.delivery = d;
            }
        }
        Step::Contact => {
            let c = Contact::from_code(&get("contact"));
            if c.is_none() {
                form.error_key("contact", "certificate-error-contact");
            } else if c == Some(Contact::Phone) {
                if let Some(p) = form.check("phone", get("phone").parse::<PhoneNumber>()) {
                    a.contact = c;
                    a.phone = Some(p.to_string());
                }
            } else {
                a.contact = c;
                a.phone = None;
            }
        }
    }
    Ok(form)
}

pub struct SummaryRow {
    pub label_key: &'static str,
    pub value: String,
    /// Values that are message ids (a reason, a delivery way) are shown in the reader's language.
    pub value_key: &'static str,
    pub change_href: String,
}

/// The answers as rows of a summary list; with `change_in` (a draft id), each row links back to its question.
pub fn summary(a: &CertificateAnswers, ctx: &Context, page: &Page, change_in: Option<&str>) -> Vec<SummaryRow> {
    let href = |s: Step| change_in.map(|id| format!("/certificates/{id}/{}?change=1", s.slug())).unwrap_or_default();
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    let who = a.for_whom.as_deref().and_then(|id| ctx.subjects.iter().find(|s| s.id == id)).map(|s| s.name.clone());
    let insurer = a
        .insurer_id
        .as_deref()
        .and_then(|id| ctx.insurer(id))
        .map(|i| format!("{} ({})", i.name().plain(page.locale), i.number));
    let insured = format!("{} ・ {} ・ {}", v(&a.symbol), v(&a.number), v(&a.branch));
    let birth = a
        .birth_date
        .as_deref()
        .and_then(|d| d.parse::<WarekiDate>().ok())
        .map(|d| page.date(&d.as_naive().to_string()));
    let delivery_value = match a.delivery {
        Some(Delivery::Post) => {
            format!("〒{} {}", a.postal_code.as_ref().map(|p| p.to_string()).unwrap_or_default(), v(&a.address))
        }
        _ => String::new(),
    };
    let contact_value = if a.contact == Some(Contact::Phone) { v(&a.phone) } else { String::new() };
    let row =
        |label_key, value: String, value_key, step| SummaryRow { label_key, value, value_key, change_href: href(step) };
    vec![
        row("certificate-summary-for-whom", who.unwrap_or_default(), "", Step::ForWhom),
        row("certificate-summary-reason", String::new(), a.reason.map(Reason::message_key).unwrap_or(""), Step::Reason),
        row("certificate-summary-insurer", insurer.unwrap_or_default(), "", Step::Insurer),
        row("certificate-summary-insured", insured, "", Step::Insured),
        row("certificate-summary-name", format!("{}（{}）", v(&a.name), v(&a.name_kana)), "", Step::Name),
        row("certificate-summary-birth", birth.unwrap_or_default(), "", Step::BirthDate),
        row(
            "certificate-summary-delivery",
            delivery_value,
            a.delivery.map(Delivery::message_key).unwrap_or(""),
            Step::Delivery,
        ),
        row(
            "certificate-summary-contact",
            contact_value,
            a.contact.map(Contact::message_key).unwrap_or(""),
            Step::Contact,
        ),
    ]
}

//! One question page, described as data: the heading and the fields. Every step of every request flow renders
//! through `templates/requests/question.html`, so each looks and behaves the same (labels, hints, errors beside
//! the field, what was typed kept, one h1). The fields themselves are the macros of `partials/fields.html`.

use askama::Template;
use askama::filters::Safe;

use crate::web::forms::FormState;
use crate::web::page::Page;

/// What one question page asks: the parts every service fills in.
pub struct Question {
    pub heading_key: &'static str,
    /// A paragraph under the heading; none when empty.
    pub lead_key: &'static str,
    pub button_key: &'static str,
    pub fields: Vec<Field>,
    pub action: String,
    pub back_href: String,
}

#[derive(Template)]
#[template(path = "requests/question.html")]
pub struct QuestionPage {
    page: Page,
    form: FormState,
    title: String,
    /// Above the heading: the service's name, or which step of how many.
    caption: Safe<String>,
    question: Question,
}

impl QuestionPage {
    /// A question of a service: captioned with the service's name, titled "heading – service".
    pub fn of_service(page: Page, mut form: FormState, service_key: &'static str, question: Question) -> QuestionPage {
        preselect_only_choices(&mut form, &question);
        let title = format!("{} – {}", page.t_plain(question.heading_key), page.t_plain(service_key));
        let caption = page.t(service_key);
        QuestionPage { page, form, title, caption, question }
    }

    /// Step `n` of `total` of a longer journey, titled by its own message and captioned by `step_key` (a message
    /// with `$n` and `$total`).
    pub fn step(
        page: Page,
        form: FormState,
        (title_key, step_key): (&'static str, &'static str),
        (n, total): (u8, u8),
        question: Question,
    ) -> QuestionPage {
        let mut form = form;
        preselect_only_choices(&mut form, &question);
        let title = page.t_plain(title_key);
        let caption = Safe(page.message_html(step_key, &[("n", n.to_string()), ("total", total.to_string())]));
        QuestionPage { page, form, title, caption, question }
    }
}

/// A question with a single option has one possible answer: it is chosen already, and the person only
/// confirms it. An answer given, or an error beside the field, is left as it is.
fn preselect_only_choices(form: &mut FormState, question: &Question) {
    for field in &question.fields {
        if let Field::Radios { name, choices, .. } | Field::Select { name, choices, .. } = field
            && let [only] = choices.as_slice()
            && form.value(name).is_empty()
            && !form.has_error(name)
        {
            form.set(name, &only.value);
        }
    }
}

pub enum Field {
    Text {
        name: &'static str,
        label_key: &'static str,
        hint_key: &'static str,
        autocomplete: &'static str,
        width: &'static str,
        numeric: bool,
    },
    Radios {
        name: &'static str,
        legend_key: &'static str,
        hint_key: &'static str,
        choices: Vec<Choice>,
    },
    Select {
        name: &'static str,
        label_key: &'static str,
        hint_key: &'static str,
        choices: Vec<Choice>,
    },
}

impl Field {
    pub fn text(name: &'static str, label_key: &'static str, hint_key: &'static str) -> Field {
        Field::Text { name, label_key, hint_key, autocomplete: "off", width: "input--wide", numeric: false }
    }

    pub fn width(self, width: &'static str) -> Field {
        match self {
            Field::Text { name, label_key, hint_key, autocomplete, numeric, .. } => {
                Field::Text { name, label_key, hint_key, autocomplete, width, numeric }
            }
            other => other,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Field::Text { name, .. } | Field::Radios { name, .. } | Field::Select { name, .. } => name,
        }
    }
}

/// The one option type of every radio group, select and filter: its value, and its label either as a message id
/// or as text (a name), with an optional hint under a radio.
pub struct Choice {
    pub value: String,
    pub label_key: &'static str,
    pub label_text: String,
    pub hint_key: &'static str,
}

impl Choice {
    /// An option of a closed list, labelled by its message.
    pub fn keyed(value: &str, label_key: &'static str) -> Choice {
        Choice { value: value.to_string(), label_key, label_text: String::new(), hint_key: "" }
    }

    /// An option labelled by a name (a person, an insurer), shown as it is.
    pub fn named(value: &str, text: &str) -> Choice {
        Choice { value: value.to_string(), label_key: "", label_text: text.to_string(), hint_key: "" }
    }

    pub fn hinted(self, hint_key: &'static str) -> Choice {
        Choice { hint_key, ..self }
    }
}

//! One question page, described as data: the heading and the fields. Every step of every request flow renders
//! through `templates/requests/question.html`, so each looks and behaves the same (labels, hints, errors beside
//! the field, what was typed kept, one h1).

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

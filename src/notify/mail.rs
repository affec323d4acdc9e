//! Composing an e-mail in the recipient's language from fluent messages (`locales/*/mail.ftl`).
//!
//! A notice of kind `mail-x` reads its subject from `mail-x-subject` and its paragraphs from `mail-x-body-1`,
//! `mail-x-body-2`, … (numbered without gaps; the first missing number ends the body), then `mail-footer`
//! (who sent it, that replies are not read, the contact page). The plain-text part and the subject get the base
//! text of `[漢字|かんじ]` reading marks; the HTML part gets `<ruby>`, escaped text, links for URLs and the
//! `lang` of the language.

use askama::Template;

use crate::domain::{EmailAddress, MyNumber};
use crate::i18n::{Locale, Localizer, escape_html, marks_to_ruby, strip_marks};
use crate::store::outbox::NewMail;

/// "Your sign-in code is …": arguments `code`, `minutes`.
pub const SIGN_IN_CODE: &str = "mail-sign-in-code";
/// An officer's or facility's invitation link: arguments `link`, `role` (already in the recipient's language),
/// `hours`.
pub const INVITATION: &str = "mail-invitation";
/// Someone may now act for the recipient (the municipality approved it): argument `name` (the representative).
pub const REPRESENTATION_STARTED: &str = "mail-representation-started";
/// Someone no longer acts for the recipient: argument `name` (the representative).
pub const REPRESENTATION_ENDED: &str = "mail-representation-ended";
/// To a representative: the municipality approved their authority. `$name` (the ward), `$link`.
pub const REPRESENTATION_APPROVED: &str = "mail-representation-approved";
/// To a representative: the municipality declined it. `$name` (the ward), `$reason` (in the recipient's
/// language), `$link`.
pub const REPRESENTATION_DECLINED: &str = "mail-representation-declined";
/// Every kind of e-mail; the locale tests check each has a subject and a body in every language.
/// A request changed state: `$reference`, `$state`, `$next`, `$link`.
pub const REQUEST_UPDATE: &str = "mail-request-update";
/// The holder's certificate expires within the reminder window: `$insurer`, `$until`, `$next`, `$link`.
pub const CERTIFICATE_EXPIRY: &str = "mail-certificate-expiry";
/// The same, to a representative of a holder without e-mail: `$name` (the holder) as well.
pub const CERTIFICATE_EXPIRY_WARD: &str = "mail-certificate-expiry-ward";
/// To a representative: an authority ends soon. `$name` (the ward), `$until` (the end date, in the recipient's
/// language), `$stops` (what they can no longer do for the ward after it, in their language), `$link` (where to
/// ask for a renewal).
pub const AUTHORITY_ENDING: &str = "mail-authority-ending";
pub const KINDS: [&str; 10] = [
    SIGN_IN_CODE,
    INVITATION,
    REPRESENTATION_STARTED,
    REPRESENTATION_ENDED,
    REPRESENTATION_APPROVED,
    REPRESENTATION_DECLINED,
    REQUEST_UPDATE,
    CERTIFICATE_EXPIRY,
    CERTIFICATE_EXPIRY_WARD,
    AUTHORITY_ENDING,
];
/// The paragraph that ends every e-mail: argument `contact` (the contact page URL).
pub const FOOTER: &str = "mail-footer";

/// What to tell someone: the message prefix and its arguments. Arguments are plain text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub kind: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Notice {
    pub fn sign_in_code(code: &str, minutes: u32) -> Notice {
        Notice { kind: SIGN_IN_CODE, args: vec![("code", code.to_string()), ("minutes", minutes.to_string())] }
    }

    /// `state` and `next` are already in the recipient's language; `link` is the request's page.
    pub fn request_update(reference: &str, state: &str, next: &str, link: &str) -> Notice {
        Notice {
            kind: REQUEST_UPDATE,
            args: vec![
                ("reference", reference.to_string()),
                ("state", state.to_string()),
                ("next", next.to_string()),
                ("link", link.to_string()),
            ],
        }
    }

    /// `role` is the role's name in the recipient's language; `link` the absolute URL to accept with.
    pub fn invitation(link: &str, role: &str, hours: u32) -> Notice {
        Notice {
            kind: INVITATION,
            args: vec![("link", link.to_string()), ("role", role.to_string()), ("hours", hours.to_string())],
        }
    }
}

impl Notice {
    /// `name` is the representative's name; `link` the page where the recipient can see and end it.
    pub fn representation_started(name: &str, link: &str) -> Notice {
        Notice { kind: REPRESENTATION_STARTED, args: vec![("name", name.to_string()), ("link", link.to_string())] }
    }

    pub fn representation_ended(name: &str, link: &str) -> Notice {
        Notice { kind: REPRESENTATION_ENDED, args: vec![("name", name.to_string()), ("link", link.to_string())] }
    }

    /// To the representative: `ward` is the name of the person they asked to act for.
    pub fn representation_approved(ward: &str, link: &str) -> Notice {
        Notice { kind: REPRESENTATION_APPROVED, args: vec![("name", ward.to_string()), ("link", link.to_string())] }
    }

    /// To the representative: `reason` is already in their language.
    pub fn representation_declined(ward: &str, reason: &str, link: &str) -> Notice {
        Notice {
            kind: REPRESENTATION_DECLINED,
            args: vec![("name", ward.to_string()), ("reason", reason.to_string()), ("link", link.to_string())],
        }
    }
}

impl Notice {
    /// To a representative, before their authority over `ward` ends: `until` and `stops` are already in the
    /// recipient's language; `link` is where to ask for a renewal.
    pub fn authority_ending(ward: &str, until: &str, stops: &str, link: &str) -> Notice {
        Notice {
            kind: AUTHORITY_ENDING,
            args: vec![
                ("name", ward.to_string()),
                ("until", until.to_string()),
                ("stops", stops.to_string()),
                ("link", link.to_string()),
            ],
        }
    }

    /// `until` and `next` are already in the recipient's language; `link` is where to see or renew it.
    pub fn certificate_expiry(insurer: &str, until: &str, next: &str, link: &str) -> Notice {
        Notice {
            kind: CERTIFICATE_EXPIRY,
            args: vec![
                ("insurer", insurer.to_string()),
                ("until", until.to_string()),
                ("next", next.to_string()),
                ("link", link.to_string()),
            ],
        }
    }

    /// To a representative: `name` is the holder's name.
    pub fn certificate_expiry_ward(name: &str, insurer: &str, until: &str, next: &str, link: &str) -> Notice {
        let mut notice = Notice::certificate_expiry(insurer, until, next, link);
        notice.kind = CERTIFICATE_EXPIRY_WARD;
        notice.args.insert(0, ("name", name.to_string()));
        notice
    }
}

/// Everything a request's e-mails need besides the request: the messages, the address people use, and the
/// language for someone whose preferred one is not known. The one place a request's update mail is composed.
#[derive(Clone, Copy)]
pub struct RequestMails<'a> {
    pub localizer: &'a Localizer,
    pub base_url: &'a url::Url,
    pub default_locale: Locale,
}

/// The request an update mail is about, and the person it goes to.
pub struct RequestUpdate<'a> {
    pub request_id: &'a str,
    pub reference: &'a crate::domain::ReferenceNumber,
    pub state: crate::requests::RequestState,
    /// A message id said after the next step (why it was declined, what to correct).
    pub extra_key: Option<&'a str>,
    pub to: &'a EmailAddress,
    /// The recipient's stored language code.
    pub preferred_locale: &'a str,
}

/// What an update mail says, when the request's kind words it its own way (a card request's next steps, the
/// issuing body's stages); [`UpdateText::of_state`] is the words every kind shares.
pub struct UpdateText<'a> {
    /// The headline: the new state's (or the production stage's) name.
    pub headline_key: &'a str,
    pub next_key: &'a str,
    /// A date the next step names (`$date`), written in the recipient's language.
    pub next_date: Option<chrono::NaiveDate>,
    /// Said before the next step (the tracking number, why a card could not be made, what to correct).
    pub before_next: Option<(&'a str, Vec<(&'static str, String)>)>,
    /// Said after the next step (why a request was declined, what to correct).
    pub after_next: Option<&'a str>,
    /// The request's page, under the base address (`requests/{id}`).
    pub path: String,
}

impl UpdateText<'_> {
    /// The state's name and next step, with `u.extra_key` after it, linking to `/requests/{id}`.
    pub fn of_state<'b>(u: &RequestUpdate<'b>) -> UpdateText<'b> {
        UpdateText {
            headline_key: u.state.message_key(),
            next_key: u.state.next_step_key(),
            next_date: None,
            before_next: None,
            after_next: u.extra_key,
            path: format!("requests/{}", u.request_id),
        }
    }
}

impl RequestMails<'_> {
    /// "Your request … is now …": the new state and what happens next in the recipient's language.
    pub fn request_update(&self, u: &RequestUpdate<'_>) -> Result<NewMail, ComposeError> {
        self.update(u, &UpdateText::of_state(u))
    }

    /// An update mail in the words `text` gives, in the recipient's language.
    pub fn update(&self, u: &RequestUpdate<'_>, text: &UpdateText<'_>) -> Result<NewMail, ComposeError> {
        let locale = Locale::from_code(u.preferred_locale).unwrap_or(self.default_locale);
        let l10n = self.localizer;
        let date_args: Vec<(&str, String)> =
            text.next_date.map(|d| vec![("date", crate::i18n::format::date(locale, d))]).unwrap_or_default();
        let mut next = l10n.plain(locale, text.next_key, &date_args);
        if let Some((key, args)) = &text.before_next {
            let args: Vec<(&str, String)> = args.iter().map(|(k, v)| (*k, v.clone())).collect();
            next = format!("{} {next}", l10n.plain(locale, key, &args));
        }
        if let Some(key) = text.after_next {
            next = format!("{next} {}", l10n.plain(locale, key, &[]));
        }
        let link = format!("{}{}", self.base_url, text.path);
        let notice =
            Notice::request_update(&u.reference.to_string(), &l10n.plain(locale, text.headline_key, &[]), &next, &link);
        compose(l10n, self.base_url, locale, u.to, &notice)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    /// A programming error the locale tests rule out for the kinds in [`KINDS`].
    #[error("there is no message {0}-subject or {0}-body-1")]
    UnknownKind(&'static str),
    #[error("mail template: {0}")]
    Template(#[from] askama::Error),
}

#[derive(Template)]
#[template(path = "mail/layout.html")]
struct HtmlMail<'a> {
    lang: &'a str,
    subject: &'a str,
    /// Escaped HTML, readings as ruby, URLs as links.
    paragraphs: Vec<String>,
    footer: String,
}

#[derive(Template)]
#[template(path = "mail/layout.txt")]
struct TextMail {
    paragraphs: Vec<String>,
    footer: String,
}

/// Writes `notice` for `to` in `locale`. `base_url` is the address people use (for the contact page link).
/// The result goes to [`crate::store::outbox::enqueue`], in the transaction of the change it reports.
pub fn compose(
    l10n: &Localizer,
    base_url: &url::Url,
    locale: Locale,
    to: &EmailAddress,
    notice: &Notice,
) -> Result<NewMail, ComposeError> {
    let kind = notice.kind;
    let subject_key = format!("{kind}-subject");
    if !l10n.has(locale, &subject_key) || !l10n.has(locale, &format!("{kind}-body-1")) {
        return Err(ComposeError::UnknownKind(kind));
    }
    // Personal numbers never go into an e-mail. Arguments can hold what a resident typed (a ward's name), so
    // such a number is masked rather than refused: no decision may fail because of what someone typed.
    let args: Vec<(&'static str, String)> =
        notice.args.iter().map(|(name, value)| (*name, mask_personal_numbers(value))).collect();
    let notice = &Notice { kind, args };
    let texts: Vec<String> = (1..)
        .map(|n| format!("{kind}-body-{n}"))
        .take_while(|key| l10n.has(locale, key))
        .map(|key| l10n.text(locale, &key, &notice.args))
        .collect();
    let contact = base_url.join("/contact").map(|u| u.to_string()).unwrap_or_else(|_| base_url.to_string());
    let footer = l10n.text(locale, FOOTER, &[("contact", contact)]);
    // Subjects are one line whatever a message says.
    let subject =
        strip_marks(&l10n.text(locale, &subject_key, &notice.args)).split_whitespace().collect::<Vec<_>>().join(" ");
    let body_html = HtmlMail {
        lang: locale.html_lang(),
        subject: &subject,
        paragraphs: texts.iter().map(|t| to_html(t)).collect(),
        footer: to_html(&footer),
    }
    .render()?;
    let body_text =
        TextMail { paragraphs: texts.iter().map(|t| strip_marks(t)).collect(), footer: strip_marks(&footer) }
            .render()?;
    Ok(NewMail {
        kind: kind.to_string(),
        recipient: to.as_str().to_string(),
        locale: locale.code().to_string(),
        subject,
        body_text,
        body_html,
        attachment: None,
    })
}

/// A message as HTML: escaped, `http(s)://` URLs as links, readings as `<ruby>`.
fn to_html(text: &str) -> String {
    marks_to_ruby(&link_urls(&escape_html(text)))
}

/// Wraps each `http://…` or `https://…` in already-escaped text in a link. A URL ends at white space, at a
/// character outside ASCII (Japanese text may follow it directly) or at `<`; a final `.`, `,`, `)` or `:` is
/// punctuation, not part of it.
fn link_urls(escaped: &str) -> String {
    let mut out = String::with_capacity(escaped.len() + 64);
    let mut rest = escaped;
    while let Some(start) = ["https://", "http://"].iter().filter_map(|p| rest.find(p)).min() {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail.find(|c: char| c.is_whitespace() || !c.is_ascii() || c == '<').unwrap_or(tail.len());
        let url = tail[..end].trim_end_matches(['.', ',', ')', ':']);
        if url.len() <= "https://".len() {
            out.push_str(&tail[..end]);
        } else {
            out.push_str(&format!("<a href=\"{url}\">{url}</a>"));
            out.push_str(&tail[url.len()..end]);
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// The value with every run that parses as a personal number (12 digits with the right check digit, in any
/// width, with or without separators) written as `*` instead. URLs are left alone: their tokens are random.
fn mask_personal_numbers(value: &str) -> String {
    if value.starts_with("http://") || value.starts_with("https://") {
        return value.to_string();
    }
    let is_digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let is_separator = |c: char| matches!(c, ' ' | '　' | '-' | 'ー' | '－' | '‐' | '−' | '―');
    let mut out = String::with_capacity(value.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.trim().parse::<MyNumber>().is_ok() {
            out.extend(run.chars().map(|c| if is_digit(c) { '*' } else { c }));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in value.chars() {
        if is_digit(c) || (is_separator(c) && !run.is_empty()) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(test)]
fn contains_personal_number(value: &str) -> bool {
    mask_personal_numbers(value) != value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_become_links_and_punctuation_stays_outside() {
        assert_eq!(
            link_urls("open https://a.example/x?a=1&amp;b=2. Then"),
            "open <a href=\"https://a.example/x?a=1&amp;b=2\">https://a.example/x?a=1&amp;b=2</a>. Then"
        );
        assert_eq!(link_urls("こちら：http://x.jp/aから"), "こちら：<a href=\"http://x.jp/a\">http://x.jp/a</a>から");
        assert_eq!(link_urls("no link https:// here"), "no link https:// here");
    }

    #[test]
    fn personal_numbers_are_recognised_in_any_notation() {
        // 1234 5678 9018 carries a valid check digit (see the domain tests).
        let valid = "123456789018";
        assert!(valid.parse::<MyNumber>().is_ok());
        assert!(contains_personal_number(&format!("番号 {valid} です")));
        assert!(contains_personal_number("1234-5678-9018"));
        assert!(contains_personal_number("１２３４ ５６７８ ９０１８"));
        assert!(!contains_personal_number("123456"));
        assert!(!contains_personal_number("0120-000-000"));
        assert!(!contains_personal_number(&format!("https://x.example/{valid}")));
        assert_eq!(mask_personal_numbers(&format!("山田{valid}様 0120-000-000")), "山田************様 0120-000-000");
    }

    #[test]
    fn a_notice_is_written_in_the_recipients_language() {
        let l = Localizer::load().unwrap();
        let base = url::Url::parse("https://madoguchi.example.jp").unwrap();
        let to: EmailAddress = "hanako@example.jp".parse().unwrap();
        let mail = compose(&l, &base, Locale::JaEasy, &to, &Notice::sign_in_code("482913", 10)).unwrap();
        assert_eq!(mail.subject, "窓口に サインインする 番号");
        assert!(mail.body_text.starts_with("サインインする 番号は 482913 です。\n\n"), "{}", mail.body_text);
        assert!(!mail.body_text.contains('['), "{}", mail.body_text);
        assert!(mail.body_text.contains("https://madoguchi.example.jp/contact"));
        assert!(mail.body_html.contains("<html lang=\"ja\">"));
        assert!(mail.body_html.contains("<ruby>番号<rt>ばんごう</rt></ruby>"));
        assert!(mail.body_html.contains("<a href=\"https://madoguchi.example.jp/contact\">"));
        let bad = Notice { kind: SIGN_IN_CODE, args: vec![("code", "<b>1</b>".into()), ("minutes", "1".into())] };
        let html = compose(&l, &base, Locale::En, &to, &bad).unwrap().body_html;
        assert!(html.contains("&lt;b&gt;1&lt;/b&gt;") && !html.contains("<b>"));
        let leak =
            Notice { kind: SIGN_IN_CODE, args: vec![("code", "1234 5678 9018".into()), ("minutes", "1".into())] };
        let masked = compose(&l, &base, Locale::En, &to, &leak).unwrap();
        assert!(masked.body_text.contains("**** **** ****"), "{}", masked.body_text);
        assert!(!masked.body_text.contains("9018") && !masked.body_html.contains("9018"));
    }
}

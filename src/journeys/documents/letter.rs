//! The status letter: one A4 page about a request, always in easy Japanese (やさしい日本語) with readings,
//! whatever the language of the screen, for people without a phone or an account. It says the reference
//! number, the state, the next step (and a decline's reason) and the day it was printed, and carries a QR code
//! that opens the signed-out lookup with the reference filled in (the lookup still asks for the date of birth).
//! Nothing else personal is on it: a lost letter tells a finder nothing without the date of birth.
//! The requester prints it themselves; officers print it for people at the counter.

use actix_web::{HttpResponse, web};
use askama::Template;
use askama::filters::Safe;

use super::{Easy, record_officer_view};
use crate::domain::ReferenceNumber;

use crate::requests::RequestState;
use crate::requests::certificate::DECLINE_REASONS;
use crate::store::today_jst;
use crate::web::errors::AppError;
use crate::web::page::Page;
use crate::web::session::CurrentUser;
use crate::web::views::HELP_LINE;
use crate::web::views::certificate::qr_svg;
use crate::web::{AppState, render};

#[derive(Template)]
#[template(path = "documents/letter.html")]
struct Letter {
    page: Page,
    easy: Easy,
    request_href: String,
    reference: String,
    kind_key: &'static str,
    state_key: &'static str,
    state_code: &'static str,
    next_key: &'static str,
    /// The decline reason's message id, when declined for a reason from the list.
    decline_key: Option<&'static str>,
    printed_on: String,
    track_url: String,
    qr: Option<Safe<String>>,
    /// The number to call with questions: a finder of the letter without a phone can still ask.
    help_line: &'static str,
}

/// The signed-out lookup with this reference filled in. The reference stays as printed where the URL allows
/// it (letters, digits, `-`, and the check symbols `~ * $`), so the address under the QR code can be typed;
/// anything else is percent-encoded.
pub fn track_url(base_url: &url::Url, reference: &str) -> String {
    let mut encoded = String::with_capacity(reference.len());
    for b in reference.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'~' | b'*' | b'$') {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("{base_url}track?reference={encoded}")
}

/// `GET /requests/{id}/letter`, for anyone who may see the request (drafts have no letter: 404).
pub async fn letter(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let r = state.store.visible_request(&id, user.id()).await?.ok_or(AppError::NotFound)?;
    let st = Some(r.state).filter(|s| *s != RequestState::Draft).ok_or(AppError::NotFound)?;
    let kind = r.kind;
    record_officer_view(&state, &user, &r).await?;
    let reference = r.reference.parse::<ReferenceNumber>().map_err(AppError::internal)?.to_string();
    let easy = Easy::new(state.localizer.clone());
    let track_url = track_url(&state.settings.base_url, &reference);
    let qr = qr_svg(&track_url, &easy.t_plain("doc-letter-qr-label"));
    let printed_on = crate::i18n::format::date(crate::i18n::Locale::JaEasy, today_jst());
    let decline_key = match st {
        RequestState::Declined => DECLINE_REASONS.iter().copied().find(|k| Some(*k) == r.decision_reason.as_deref()),
        _ => None,
    };
    render(&Letter {
        page,
        easy,
        request_href: format!("/requests/{}", r.id),
        reference,
        kind_key: kind.message_key(),
        state_key: st.message_key(),
        state_code: st.code(),
        next_key: st.next_step_key(),
        decline_key,
        printed_on,
        track_url,
        qr,
        help_line: HELP_LINE,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lookup_address_keeps_the_reference_readable() {
        let base = url::Url::parse("https://madoguchi.example.jp/").unwrap();
        assert_eq!(track_url(&base, "R-7K3F-9Q2X-~"), "https://madoguchi.example.jp/track?reference=R-7K3F-9Q2X-~");
        assert_eq!(track_url(&base, "R-7K3F-9Q2X-="), "https://madoguchi.example.jp/track?reference=R-7K3F-9Q2X-%3D");
        assert_eq!(track_url(&base, "a&b c"), "https://madoguchi.example.jp/track?reference=a%26b%20c");
    }
}

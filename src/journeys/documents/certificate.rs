//! The issued certificate's page, for the people who may see it, and its automatic-renewal switch.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::store::today_jst;
use crate::web::errors::AppError;
use crate::web::page::Page;
use crate::web::session::CurrentUser;
use crate::web::views::certificate::{Printed, printed, qr_svg, status_key, status_of};
use crate::web::views::download_href;
use crate::web::{AppState, render};

#[derive(Template)]
#[template(path = "office/certificate.html")]
struct CertificatePage {
    page: Page,
    p: Printed,
    qr: Option<askama::filters::Safe<String>>,
    back_href: String,
    /// The file to keep, for a certificate that has not been replaced.
    download_href: Option<String>,
    status: &'static str,
    status_key: &'static str,
    auto_renew: Option<AutoRenewView>,
    /// Expired or replaced: what the page says first, instead of how to print it.
    ended_key: Option<&'static str>,
    newer_href: Option<String>,
    /// Those who file requests (not officers) are offered to ask for a new certificate.
    may_ask_again: bool,
}

/// The holder's side may ask for a certificate in force, with no successor yet, to renew itself, or stop it.
pub struct AutoRenewView {
    pub action: String,
    pub on: bool,
}

/// The certificate, for the people who may see its request; one from a run (no request), for its holder's side
/// and its insurer's officers.
pub async fn certificate(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let v = state.store.visible_certificate(&id, user.id()).await?.ok_or(AppError::NotFound)?;
    let c = v.certificate;
    let back_href = match (&c.request_id, &c.run_id) {
        (Some(request), _) => format!("/requests/{request}"),
        (None, Some(run)) if !v.holder_side => format!("/office/runs/{run}"),
        _ => "/requests".to_string(),
    };
    if user.roles.is_officer() {
        let request = match &c.request_id {
            Some(r) => state.store.visible_request(r, user.id()).await?,
            None => None,
        };
        match (request, &c.person_id) {
            (Some(r), _) => {
                let org = r.insurer_id.clone().unwrap_or_default();
                state.store.record_view(user.id(), &r.subject_id, &org, &r.reference).await?;
            }
            (None, Some(holder)) => state.store.record_view(user.id(), holder, &c.insurer_id, &c.id).await?,
            (None, None) => {}
        }
    }
    let status = status_of(&c);
    let auto_renew = (v.holder_side && matches!(status, "valid" | "upcoming") && c.replaced_by.is_none())
        .then(|| AutoRenewView { action: format!("/certificates/issued/{}/auto-renew", c.id), on: c.auto_renew == 1 });
    let qr = qr_svg(&format!("{}verify/{}", state.settings.base_url, c.code), &page.t_plain("office-cert-qr-label"));
    render(&CertificatePage {
        qr,
        p: printed(&page, &c),
        page,
        back_href,
        download_href: (status != "revoked").then(|| download_href(&c.id)),
        status,
        status_key: status_key(status),
        auto_renew,
        ended_key: match status {
            "expired" => Some("cert-ended-expired"),
            "revoked" => Some("cert-ended-revoked"),
            _ => None,
        },
        newer_href: (status == "revoked")
            .then_some(c.replaced_by.as_ref())
            .flatten()
            .map(|n| format!("/certificates/issued/{n}")),
        may_ask_again: matches!(status, "expired" | "revoked") && crate::requests::may_file(&user.roles),
    })
}

#[derive(serde::Deserialize)]
pub struct AutoRenewForm {
    #[serde(default)]
    auto_renew: String,
}

/// Asks once for the certificate to renew itself (`auto_renew=on`), or stops it (`off`): the holder, their
/// approved representative, or facility staff acting for them. Anyone else, or a certificate no longer in
/// force or already followed by another: 404.
pub async fn auto_renew(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    input: web::Form<AutoRenewForm>,
) -> Result<HttpResponse, AppError> {
    let on = match input.auto_renew.as_str() {
        "on" => true,
        "off" => false,
        _ => {
            // Not a choice the form offers: still only for the holder's side.
            let _ = state
                .store
                .visible_certificate(&id, user.id())
                .await?
                .filter(|v| v.holder_side)
                .ok_or(AppError::NotFound)?;
            return Err(AppError::BadRequest);
        }
    };
    if !state.store.set_auto_renew(&id, user.id(), on, &today_jst().to_string()).await? {
        return Err(AppError::NotFound);
    }
    // Back to the top of the page, not to a fragment: a fragment would start keyboard users below the header.
    Ok(HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, format!("/certificates/issued/{id}")))
        .finish())
}

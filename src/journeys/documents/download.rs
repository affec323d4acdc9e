//! The qualification certificate as a file to keep: one self-contained HTML file (its styles inside, the QR
//! code as SVG markup, no script, nothing fetched), which opens offline in any browser on a phone or computer
//! and prints on one A4 sheet. HTML rather than PDF: a PDF would have to embed a Japanese font (megabytes), and
//! HTML keeps the readings of やさしい日本語 as ruby and stays readable by screen readers.
//!
//! It carries every printed item, the verification code and its QR code to `/verify/{code}`, in the language of
//! the person downloading it. A replaced (revoked) certificate is not handed out as a file: the page says it
//! was replaced and links to the new one, so no one keeps a file of a certificate that is no longer valid.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use askama::Template;
use askama::filters::Safe;
use base64::Engine;
use sha2::{Digest, Sha256};

use super::record_officer_view;
use crate::i18n::Locale;
use crate::store::today_jst;
use crate::web::errors::AppError;
use crate::web::page::Page;
use crate::web::session::CurrentUser;
use crate::web::views::certificate::{Printed, printed, qr_svg, status_key, status_of};
use crate::web::{AppState, render_with_status};

/// The file's own styles, written into it: a downloaded file has no server to fetch a stylesheet from.
const FILE_STYLES: &str = include_str!("../../../templates/documents/certificate_file.css");

/// The file's content security policy, in a `<meta>`: nothing may be loaded, no script runs, only its own
/// style block (by hash) applies.
fn file_policy() -> String {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(FILE_STYLES.as_bytes()));
    format!("default-src 'none'; style-src 'sha256-{hash}'; img-src data:; base-uri 'none'; form-action 'none'")
}

#[derive(Template)]
#[template(path = "documents/certificate_file.html")]
struct CertificateFile {
    page: Page,
    p: Printed,
    qr: Option<Safe<String>>,
    verify_url: String,
    policy: String,
    styles: Safe<&'static str>,
    downloaded_on: String,
    status: &'static str,
    status_key: &'static str,
}

#[derive(Template)]
#[template(path = "documents/replaced.html")]
struct Replaced {
    page: Page,
    certificate_href: String,
    newer_href: Option<String>,
}

/// `GET /certificates/{id}/download`: the certificate as an attachment, for the people who may see its request.
pub async fn download(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let c = state.store.certificate(&id).await?.ok_or(AppError::NotFound)?;
    // The same rule as the certificate page: by the request it was issued on.
    let request_id = c.request_id.as_deref().ok_or(AppError::NotFound)?;
    let r = state.store.visible_request(request_id, user.id()).await?.ok_or(AppError::NotFound)?;
    let status = status_of(&c);
    if status == "revoked" {
        // The newer certificate, when it is one this person may see too.
        let newer = match c.replaced_by.as_deref() {
            Some(newer) => state.store.certificate(newer).await?,
            None => None,
        };
        let newer_href = match newer.as_ref().and_then(|n| n.request_id.as_deref()) {
            Some(rid) if state.store.visible_request(rid, user.id()).await?.is_some() => {
                newer.as_ref().map(|n| format!("/certificates/issued/{}", n.id))
            }
            _ => None,
        };
        let certificate_href = format!("/certificates/issued/{}", c.id);
        return render_with_status(StatusCode::GONE, &Replaced { page, certificate_href, newer_href });
    }
    record_officer_view(&state, &user, &r).await?;
    let verify_url = format!("{}verify/{}", state.settings.base_url, c.code);
    let qr = qr_svg(&verify_url, &page.t_plain("office-cert-qr-label"));
    let file_name = page.t_plain("doc-file-name");
    let locale = page.locale;
    let file = CertificateFile {
        qr,
        p: printed(&page, &c),
        downloaded_on: page.date(&today_jst().to_string()),
        verify_url,
        policy: file_policy(),
        styles: Safe(FILE_STYLES),
        status,
        status_key: status_key(status),
        page,
    };
    let html = file.render()?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, disposition(locale, &file_name, &c.issued_on)))
        .body(html))
}

/// `attachment`, with an ASCII name for every browser and the name in the person's language for those that
/// read RFC 6266's `filename*`: `資格確認書-2026-11-25.html`, `qualification-certificate-2026-11-25.html`.
fn disposition(locale: Locale, name: &str, issued_on: &str) -> String {
    let issued: String = issued_on.chars().filter(|c| c.is_ascii_digit() || *c == '-').collect();
    let ascii = match locale {
        Locale::En => format!("qualification-certificate-{issued}.html"),
        Locale::Ja | Locale::JaEasy => format!("shikaku-kakuninsho-{issued}.html"),
    };
    let local: String = format!("{name}-{issued}.html");
    let encoded: String =
        url::form_urlencoded::byte_serialize(local.as_bytes()).collect::<String>().replace('+', "%20");
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_name_is_ascii_with_a_localised_alternative() {
        let d = disposition(Locale::Ja, "資格確認書", "2026-11-25");
        assert!(d.starts_with("attachment; filename=\"shikaku-kakuninsho-2026-11-25.html\"; filename*=UTF-8''"), "{d}");
        assert!(d.ends_with("%E8%B3%87%E6%A0%BC%E7%A2%BA%E8%AA%8D%E6%9B%B8-2026-11-25.html"), "{d}");
        assert!(
            disposition(Locale::En, "qualification certificate", "2026-11-25\"x")
                .contains("filename=\"qualification-certificate-2026-11-25.html\"")
        );
    }

    #[test]
    fn the_policy_allows_exactly_the_files_own_styles() {
        let policy = file_policy();
        assert!(policy.starts_with("default-src 'none'; style-src 'sha256-"));
        assert!(!policy.contains("unsafe"));
        assert!(!FILE_STYLES.contains("</style"), "the styles cannot end their own element");
    }
}

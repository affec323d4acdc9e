//! Documents people keep: the issued qualification certificate's page, the certificate as a file to download (the electronic way to receive
//! it), and the printable status letter of a request, in easy Japanese, for people without a phone or an
//! account. Both go by who may see the request (the access policy, `crate::access`): anyone else gets 404.
//! Officers opening either are written to the audit log as having viewed the person's record.

mod certificate;
mod download;
mod letter;

use std::sync::Arc;

use actix_web::web;
use askama::filters::Safe;

use crate::accounts::Role;
use crate::i18n::{Locale, Localizer};
use crate::store::requests::RequestRow;
use crate::web::AppState;
use crate::web::errors::AppError;
use crate::web::policy::{Routes, SignedIn};
use crate::web::session::CurrentUser;

pub fn routes(routes: &mut Routes) {
    routes
        .require::<SignedIn>()
        .route("/certificates/issued/{id}", web::get().to(certificate::certificate))
        .route("/certificates/issued/{id}/auto-renew", web::post().to(certificate::auto_renew))
        .route("/certificates/{id}/download", web::get().to(download::download))
        .route("/requests/{id}/letter", web::get().to(letter::letter));
}

/// An officer opening a document about someone writes `record.viewed`, with the organisation they act for:
/// the request's insurer or municipality, whichever is theirs.
async fn record_officer_view(state: &AppState, user: &CurrentUser, r: &RequestRow) -> Result<(), AppError> {
    if !user.roles.is_officer() {
        return Ok(());
    }
    let org = [Role::InsurerOfficer, Role::MunicipalOfficer]
        .iter()
        .flat_map(|role| user.roles.organisations(*role))
        .find(|o| Some(*o) == r.insurer_id.as_deref() || Some(*o) == r.municipality_id.as_deref())
        .unwrap_or("")
        .to_string();
    state.store.record_view(user.id(), &r.subject_id, &org, &r.reference).await?;
    Ok(())
}

/// Messages in easy Japanese (やさしい日本語), whatever the language of the page around them: the status
/// letter is always written in it.
pub struct Easy {
    l10n: Arc<Localizer>,
}

impl Easy {
    pub const LOCALE: Locale = Locale::JaEasy;

    pub fn new(l10n: Arc<Localizer>) -> Easy {
        Easy { l10n }
    }

    /// As HTML, readings as ruby.
    pub fn t(&self, key: &str) -> Safe<String> {
        Safe(self.l10n.html(Self::LOCALE, key, &[]))
    }

    pub fn t_args(&self, key: &str, args: &[(&str, &str)]) -> Safe<String> {
        let owned: Vec<(&str, String)> = args.iter().map(|(k, v)| (*k, v.to_string())).collect();
        Safe(self.l10n.html(Self::LOCALE, key, &owned))
    }

    /// As plain text, for attributes.
    pub fn t_plain(&self, key: &str) -> String {
        self.l10n.plain(Self::LOCALE, key, &[])
    }
}

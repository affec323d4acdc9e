//! "People you act for" and "People who act for you", the confirmation after sending, and ending an authority.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::notify::authority_ended;
use crate::web::errors::AppError;
use crate::web::forms::see_other;
use crate::web::page::Page;
use crate::web::session::CurrentUser;
use crate::web::views::authority::{AuthorityView, authority_view};
use crate::web::{AppState, render};

#[derive(Template)]
#[template(path = "representation/list.html")]
struct ListPage {
    page: Page,
    acting_for: Vec<AuthorityView>,
    acted_for_by: Vec<AuthorityView>,
    ended: bool,
    has_draft: bool,
}

#[derive(serde::Deserialize)]
pub struct EndedQuery {
    ended: Option<String>,
}

pub async fn show(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    q: web::Query<EndedQuery>,
) -> Result<HttpResponse, AppError> {
    let mine = state.store.representations_by(user.id()).await?;
    let over_me = state.store.representations_for(user.id()).await?;
    let has_draft = state.store.draft(user.id()).await?.is_some();
    // An approved authority with an end date may be renewed once: not while a renewal of it waits or was granted.
    let renewed = |id: &str, state: &str| mine.iter().any(|n| n.renews_id.as_deref() == Some(id) && n.state == state);
    let acting_for = mine
        .iter()
        .map(|r| {
            let mut view = authority_view(&page, r);
            view.renewal_pending = renewed(&r.id, "pending");
            view.can_renew =
                r.state == "approved" && r.ends_on.is_some() && !view.renewal_pending && !renewed(&r.id, "approved");
            view
        })
        .collect();
    let acted_for_by = over_me.iter().map(|r| authority_view(&page, r)).collect();
    render(&ListPage { page, acting_for, acted_for_by, ended: q.ended.is_some(), has_draft })
}

#[derive(Template)]
#[template(path = "representation/sent.html")]
struct SentPage {
    page: Page,
    ward_name: String,
    document: bool,
}

pub async fn sent(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let r = state.store.representation(&id).await?.filter(|r| r.representative_id == user.id());
    let Some(r) = r else { return Err(AppError::NotFound) };
    render(&SentPage { page, ward_name: r.ward_name, document: r.proof_state != "not_needed" })
}

/// Either side ends an authority: the representative, or the ward (if they have an account). Anyone else: 404.
pub async fn end(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let Some(r) = state.store.representation(&id).await? else { return Err(AppError::NotFound) };
    let by = if r.representative_id == user.id() {
        "representative"
    } else if r.ward_id == user.id() {
        "ward"
    } else {
        return Err(AppError::NotFound);
    };
    // The ward is told unless they ended it themselves.
    let message = if by == "ward" { None } else { authority_ended(&state, &r).map_err(AppError::internal)? };
    state.store.end_representation(&r.id, user.id(), by, None, &r.ward_id, message.as_ref()).await?;
    Ok(see_other("/account/representation?ended=1"))
}

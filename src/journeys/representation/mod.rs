//! Acting for others (代理): the lists of people one acts for and of people who act for one, adding a person in
//! steps (answers kept in a draft row, so going back loses nothing), ending an authority, asking to renew one, and the access log.

mod access_log;
mod add;
mod list;
pub mod renew;

use actix_web::web;

use crate::web::policy::{Routes, SignedIn};

pub fn routes(routes: &mut Routes) {
    routes
        .require::<SignedIn>()
        .route("/account/representation", web::get().to(list::show))
        .route("/account/representation/new", web::get().to(add::start))
        .route("/account/representation/new/person", web::get().to(add::person))
        .route("/account/representation/new/person", web::post().to(add::save_person))
        .route("/account/representation/new/relationship", web::get().to(add::relationship))
        .route("/account/representation/new/relationship", web::post().to(add::save_relationship))
        .route("/account/representation/new/scope", web::get().to(add::scope))
        .route("/account/representation/new/scope", web::post().to(add::save_scope))
        .route("/account/representation/new/proof", web::get().to(add::proof))
        .route("/account/representation/new/proof", web::post().to(add::save_proof))
        .route("/account/representation/new/check", web::get().to(add::check))
        .route("/account/representation/new/submit", web::post().to(add::submit))
        .route("/account/representation/{id}/sent", web::get().to(list::sent))
        .route("/account/representation/{id}/end", web::post().to(list::end))
        .route("/account/representation/{id}/renew", web::get().to(renew::term))
        .route("/account/representation/{id}/renew", web::post().to(renew::save_term))
        .route("/account/representation/{id}/renew/proof", web::get().to(renew::proof))
        .route("/account/representation/{id}/renew/proof", web::post().to(renew::save_proof))
        .route("/account/representation/{id}/renew/check", web::get().to(renew::check))
        .route("/account/representation/{id}/renew/send", web::post().to(renew::send))
        .route("/account/access-log", web::get().to(access_log::show))
        .route("/account/access-log/{id}/report", web::post().to(access_log::report));
}

//! Pages anyone can read without signing in: the start page, the accessibility statement, privacy, contact
//! (with a feedback form), a 和暦/西暦 date converter, and the verification of a certificate by its code.

pub(crate) mod contact;
mod dates;
mod verify;

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::web::errors::AppError;
use crate::web::page::Page;
use crate::web::policy::Routes;
use crate::web::render;

pub fn routes(routes: &mut Routes) {
    routes
        .public()
        .route("/", web::get().to(home))
        .route("/accessibility", web::get().to(accessibility))
        .route("/privacy", web::get().to(privacy))
        .route("/contact", web::get().to(contact::show))
        .route("/contact", web::post().to(contact::submit))
        .route("/contact/sent", web::get().to(contact::sent))
        .route("/dates", web::get().to(dates::convert))
        .route("/verify/{code}", web::get().to(verify::verify));
}

#[derive(Template)]
#[template(path = "pages/home.html")]
struct Home {
    page: Page,
}

async fn home(page: Page) -> Result<HttpResponse, AppError> {
    render(&Home { page })
}

#[derive(Template)]
#[template(path = "pages/accessibility.html")]
struct Accessibility {
    page: Page,
}

async fn accessibility(page: Page) -> Result<HttpResponse, AppError> {
    render(&Accessibility { page })
}

#[derive(Template)]
#[template(path = "pages/privacy.html")]
struct Privacy {
    page: Page,
}

async fn privacy(page: Page) -> Result<HttpResponse, AppError> {
    render(&Privacy { page })
}

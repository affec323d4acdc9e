//! Static files, compiled into the binary and served with a content hash in the URL, so browsers may cache
//! them for a year and a new release is fetched at once.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};

use crate::web::AppState;
use crate::web::errors::AppError;

macro_rules! static_files {
    ($(($name:literal, $mime:literal)),* $(,)?) => {
        /// Every file in `static/`; a test checks that this list matches the folder.
        pub const FILES: &[&str] = &[$($name),*];
        fn embedded() -> Vec<(&'static str, &'static str, &'static [u8])> {
            vec![$(($name, $mime, include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/static/", $name)).as_slice())),*]
        }
    };
}

static_files!(
    ("app.css", "text/css; charset=utf-8"),
    ("print.css", "text/css; charset=utf-8"),
    ("favicon.svg", "image/svg+xml"),
    ("passkey.js", "text/javascript; charset=utf-8"),
);

pub struct Asset {
    mime: &'static str,
    body: &'static [u8],
    hash: String,
}

pub struct Assets {
    files: HashMap<&'static str, Asset>,
}

impl Assets {
    pub fn load() -> Assets {
        let files = embedded()
            .into_iter()
            .map(|(name, mime, body)| {
                let hash = hex::encode(&Sha256::digest(body)[..6]);
                (name, Asset { mime, body, hash })
            })
            .collect();
        Assets { files }
    }

    pub fn href(&self, name: &str) -> String {
        match self.files.get(name) {
            Some(a) => format!("/static/{name}?v={}", a.hash),
            None => format!("/static/{name}"),
        }
    }

    pub fn total_bytes(&self, names: &[&str]) -> usize {
        names.iter().filter_map(|n| self.files.get(n)).map(|a| a.body.len()).sum()
    }
}

pub async fn serve(
    req: HttpRequest,
    state: web::Data<AppState>,
    name: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let asset = state.assets.files.get(name.as_str()).ok_or(AppError::NotFound)?;
    let versioned = req.query_string() == format!("v={}", asset.hash);
    let cache = if versioned { "public, max-age=31536000, immutable" } else { "public, max-age=300" };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, asset.mime))
        .insert_header((header::CACHE_CONTROL, cache))
        .body(asset.body))
}

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
    ("services.css", "text/css; charset=utf-8"),
    ("favicon.svg", "image/svg+xml"),
    ("passkey.js", "text/javascript; charset=utf-8"),
);

pub struct Asset {
    mime: &'static str,
    body: std::borrow::Cow<'static, [u8]>,
    hash: String,
}

/// Stylesheets are sent without comments and spare white space: every page carries them, and the page budget
/// is 30 KB. Strings and URLs in our CSS hold no significant runs of spaces, so collapsing is safe.
pub fn minify_css(css: &str) -> String {
    let mut no_comments = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        no_comments.push_str(&rest[..start]);
        rest = rest[start + 2..].find("*/").map(|end| &rest[start + 2 + end + 2..]).unwrap_or("");
    }
    no_comments.push_str(rest);
    let collapsed = no_comments.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(collapsed.len());
    for c in collapsed.chars() {
        if matches!(c, '{' | '}' | ';' | ',' | '>') && out.ends_with(' ') {
            out.pop();
        }
        if c == ' ' && (out.ends_with(['{', '}', ';', ',', ':', '>'])) {
            continue;
        }
        out.push(c);
    }
    out.replace(";}", "}")
}

pub struct Assets {
    files: HashMap<&'static str, Asset>,
}

impl Assets {
    pub fn load() -> Assets {
        let files = embedded()
            .into_iter()
            .map(|(name, mime, body)| {
                let body: std::borrow::Cow<'static, [u8]> = if mime.starts_with("text/css") {
                    minify_css(std::str::from_utf8(body).expect("stylesheets are UTF-8")).into_bytes().into()
                } else {
                    body.into()
                };
                let hash = hex::encode(&Sha256::digest(&body)[..6]);
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
        .body(asset.body.clone().into_owned()))
}

#[cfg(test)]
mod tests {
    use super::minify_css;

    #[test]
    fn stylesheets_lose_comments_and_spare_space_but_not_meaning() {
        let css = "/* note */\n.a:focus-visible, .b > .c {\n  color: red;\n  margin: 0 auto;\n}\n@media (min-width: 40em) { .d { content: \" (\" attr(href) \")\"; } }";
        assert_eq!(
            minify_css(css),
            ".a:focus-visible,.b>.c{color:red;margin:0 auto}@media (min-width:40em){.d{content:\" (\" attr(href) \")\"}}"
        );
    }
}

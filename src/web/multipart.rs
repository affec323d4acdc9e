//! Reading a `multipart/form-data` body (file uploads) within a size limit. Small and strict: the forms of this
//! service send a few text fields and one file; the CSRF token travels in the query string (see `csrf`).

use actix_web::web;
use futures_util::StreamExt;

use crate::web::errors::AppError;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    /// The file name the browser sent (last path segment only), for file fields.
    pub file_name: Option<String>,
    pub data: Vec<u8>,
}

impl Part {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }
}

/// The body, or `None` when it is larger than `limit` (it is read to the end, up to `hard_limit`, so that the
/// browser gets the answer; past that the request is refused as too large).
pub async fn read_limited(
    mut payload: web::Payload,
    limit: usize,
    hard_limit: usize,
) -> Result<Option<web::Bytes>, AppError> {
    let mut body = web::BytesMut::new();
    let mut total = 0usize;
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(AppError::from_payload)?;
        total += chunk.len();
        if total > hard_limit {
            return Err(AppError::PayloadTooLarge);
        }
        if total <= limit {
            body.extend_from_slice(&chunk);
        }
    }
    Ok((total <= limit).then(|| body.freeze()))
}

/// The boundary of a `multipart/form-data` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params
        .split(';')
        .find_map(|p| {
            let (k, v) = p.trim().split_once('=')?;
            k.trim().eq_ignore_ascii_case("boundary").then(|| v.trim().trim_matches('"').to_string())
        })
        .filter(|b| !b.is_empty() && b.len() <= 200)
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from > haystack.len() {
        return None;
    }
    haystack[from..].windows(needle.len()).position(|w| w == needle).map(|i| i + from)
}

/// The value of `name="…"` in a Content-Disposition header.
fn param(header: &str, name: &str) -> Option<String> {
    let lower = header.to_ascii_lowercase();
    let key = format!("{name}=\"");
    let mut from = 0;
    while let Some(i) = lower[from..].find(&key) {
        let at = from + i;
        // `name=` must not match the end of `filename=`.
        if at == 0 || matches!(lower.as_bytes()[at - 1], b' ' | b';') {
            let start = at + key.len();
            let end = header[start..].find('"')? + start;
            return Some(header[start..end].to_string());
        }
        from = at + key.len();
    }
    None
}

/// Splits a body into its parts. `None` when it is not well-formed.
pub fn parse(boundary: &str, body: &[u8]) -> Option<Vec<Part>> {
    let delimiter = format!("--{boundary}").into_bytes();
    let next_delimiter = format!("\r\n--{boundary}").into_bytes();
    let mut pos = find(body, &delimiter, 0)? + delimiter.len();
    let mut parts = Vec::new();
    loop {
        if body.get(pos..pos + 2) == Some(b"--") {
            return Some(parts);
        }
        if body.get(pos..pos + 2) != Some(b"\r\n") {
            return None;
        }
        pos += 2;
        let headers_end = find(body, b"\r\n\r\n", pos)?;
        let headers = std::str::from_utf8(&body[pos..headers_end]).ok()?;
        let disposition = headers
            .split("\r\n")
            .find_map(|h| h.split_once(':').filter(|(k, _)| k.trim().eq_ignore_ascii_case("content-disposition")))?
            .1;
        let name = param(disposition, "name")?;
        let file_name = param(disposition, "filename")
            .map(|f| f.rsplit(['/', '\\']).next().unwrap_or("").chars().take(200).collect::<String>());
        let data_start = headers_end + 4;
        let data_end = find(body, &next_delimiter, data_start)?;
        parts.push(Part { name, file_name, data: body[data_start..data_end].to_vec() });
        pos = data_end + next_delimiter.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_read_with_names_and_file_names() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"explanation\"\r\n\r\nline 1\r\nline 2\r\n--XyZ\r\n\
Content-Disposition: form-data; name=\"document\"; filename=\"C:\\\\scan\\\\a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n\x00\x01\r\n--XyZ--\r\n";
        let parts = parse("XyZ", body).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "explanation");
        assert_eq!(parts[0].file_name, None);
        assert_eq!(parts[0].text(), "line 1\r\nline 2");
        assert_eq!(parts[1].name, "document");
        assert_eq!(parts[1].file_name.as_deref(), Some("a.pdf"));
        assert_eq!(parts[1].data, b"%PDF-1.4\r\n\x00\x01");
        assert_eq!(parse("XyZ", b"--XyZ\r\nnonsense"), None);
    }

    #[test]
    fn the_boundary_comes_from_the_content_type() {
        assert_eq!(boundary("multipart/form-data; boundary=abc").as_deref(), Some("abc"));
        assert_eq!(boundary("multipart/form-data; charset=utf-8; boundary=\"a b\"").as_deref(), Some("a b"));
        assert_eq!(boundary("application/x-www-form-urlencoded"), None);
    }
}

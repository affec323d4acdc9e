//! A request id for every request: in the log span, in the `X-Request-Id` header, and on error pages so that a
//! person can quote it to the help desk.

use std::time::Instant;

use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use tracing::Instrument;

#[derive(Clone, Debug)]
pub struct RequestId(String);

impl RequestId {
    fn new() -> RequestId {
        RequestId(uuid::Uuid::new_v4().simple().to_string())
    }

    /// The part shown to people: eight characters are enough to find the log lines.
    pub fn short(&self) -> &str {
        &self.0[..8]
    }
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, actix_web::Error> {
    let id = RequestId::new();
    req.extensions_mut().insert(id.clone());
    // The path only, never the query: queries may carry what people typed.
    let span = tracing::info_span!("request", id = id.short(), method = %req.method(), path = %req.path());
    let started = Instant::now();
    async move {
        let mut res = next.call(req).await?;
        let status = res.status();
        if let Some(error) = res.response().error() {
            if status.is_server_error() {
                tracing::error!(%status, cause = %error, "request failed");
            }
        }
        tracing::info!(status = status.as_u16(), ms = started.elapsed().as_millis() as u64, "done");
        res.headers_mut().insert(
            HeaderName::from_static("x-request-id"),
            HeaderValue::from_str(id.short()).expect("hex is a valid header"),
        );
        Ok(res)
    }
    .instrument(span)
    .await
}

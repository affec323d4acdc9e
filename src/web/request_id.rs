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

/// What the log says about where a request went: the route pattern (`/invitation/{token}`), never the path or
/// the query, which carry invitation tokens, codes and what people typed.
pub fn logged_route(req: &ServiceRequest) -> String {
    req.match_pattern().unwrap_or_else(|| "(no route)".to_string())
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, actix_web::Error> {
    let id = RequestId::new();
    req.extensions_mut().insert(id.clone());
    let span = tracing::info_span!("request", id = id.short(), method = %req.method(), route = %logged_route(&req));
    let started = Instant::now();
    async move {
        let mut res = next.call(req).await?;
        let status = res.status();
        if let Some(error) = res.response().error()
            && status.is_server_error()
        {
            tracing::error!(%status, cause = %error, "request failed");
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

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use actix_web::middleware::from_fn;
    use actix_web::{App, HttpResponse, test, web};

    use super::*;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[actix_web::test]
    async fn the_log_names_the_route_never_the_token_in_the_path() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt().with_ansi(false).with_writer(move || writer.clone()).finish();
        let _guard = tracing::subscriber::set_default(subscriber);

        let app = test::init_service(
            App::new()
                .wrap(from_fn(middleware))
                .route("/invitation/{token}", web::get().to(|| async { HttpResponse::Ok().finish() })),
        )
        .await;
        for path in ["/invitation/SECRET-TOKEN-1234?code=987654", "/invitation/SECRET-TOKEN-1234/more"] {
            test::call_service(&app, test::TestRequest::get().uri(path).to_request()).await;
        }

        let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(log.contains("route=/invitation/{token}"), "{log}");
        assert!(log.contains("route=(no route)"), "{log}");
        assert!(!log.contains("SECRET-TOKEN") && !log.contains("987654"), "{log}");
    }
}

//! A deadline for request bodies. The server's own timeout covers the request head only; without this, a client
//! that announces a body and sends part of it holds a connection (and a worker's attention) for as long as it
//! likes. The whole body must arrive within `MADOGUCHI_BODY_TIMEOUT_SECONDS` of the request head.

use std::io;
use std::pin::Pin;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};
use futures_util::stream::{self, Stream, StreamExt};
use tokio::time::Instant;

use crate::web::AppState;

pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, actix_web::Error> {
    let limit = req.app_data::<web::Data<AppState>>().expect("AppState is registered").settings.body_timeout;
    let deadline = Instant::now() + limit;
    let payload = req.take_payload();
    let timed = stream::unfold(Some(payload), move |payload| async move {
        let mut payload = payload?;
        match tokio::time::timeout_at(deadline, payload.next()).await {
            Ok(Some(chunk)) => Some((chunk, Some(payload))),
            Ok(None) => None,
            // One error, then the end: readers stop there and answer 408.
            Err(_) => Some((Err(PayloadError::Io(io::Error::new(io::ErrorKind::TimedOut, SLOW_BODY))), None)),
        }
    });
    let boxed: Pin<Box<dyn Stream<Item = Result<web::Bytes, PayloadError>>>> = Box::pin(timed);
    req.set_payload(Payload::from(boxed));
    next.call(req).await
}

const SLOW_BODY: &str = "the request body did not arrive in time";

/// Whether a payload error is this deadline passing (readers answer 408 for it, not 400).
pub fn is_timeout(error: &PayloadError) -> bool {
    matches!(error, PayloadError::Io(e) if e.kind() == io::ErrorKind::TimedOut)
}

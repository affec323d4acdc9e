//! The simulated issuing body: it "produces" each card it is given and reports every stage back to the
//! portal's callback endpoint, signed: production started → mailed (with a tracking number) → delivered; a card
//! that needs a photo and has none fails instead (`photo_unusable`). It runs inside the portal in demo mode
//! ([`InProcessIssuingBody`]) or as its own process, `madoguchi issuing-body` ([`serve`]), which takes signed
//! orders on `POST /orders`.

use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, HttpServer, web};
use futures_util::future::BoxFuture;
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

use super::{
    CALLBACK_PATH, Callback, CardOrder, IssuingBody, IssuingBodyError, ProductionEvent, SIGNATURE_HEADER,
    TIMESTAMP_HEADER, post_signed, verify,
};

/// How the simulated body reaches the portal.
#[derive(Clone)]
pub struct Reporter {
    pub callback_url: url::Url,
    pub key: Vec<u8>,
    /// The time each stage takes.
    pub step: Duration,
    pub client: reqwest::Client,
}

impl Reporter {
    /// `portal` is the portal's base URL (ending in `/`).
    pub fn new(portal: &url::Url, key: Vec<u8>, step: Duration) -> Reporter {
        let callback_url = portal.join(CALLBACK_PATH).unwrap_or_else(|_| portal.clone());
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        Reporter { callback_url, key, step, client }
    }

    /// One report, tried a few times while the portal cannot be reached or answers with a server error.
    /// Returns whether the portal took it (a repeat it already had counts as taken).
    async fn report(&self, callback: &Callback) -> bool {
        let Ok(body) = serde_json::to_vec(callback) else { return false };
        for attempt in 0..5u32 {
            match post_signed(&self.client, &self.callback_url, &self.key, body.clone()).await {
                Ok(status) if status < 300 => return true,
                Ok(status) if status < 500 => {
                    tracing::warn!(status, event = callback.event.code(), "issuing body: the portal refused a report");
                    return false;
                }
                Ok(status) => tracing::warn!(status, attempt, "issuing body: the portal failed; trying again"),
                Err(e) => tracing::warn!(cause = %e, attempt, "issuing body: the portal is unreachable; trying again"),
            }
            tokio::time::sleep(Duration::from_millis(500 * 2u64.pow(attempt))).await;
        }
        false
    }

    /// Produces one card, reporting each stage; stops at the first report the portal does not take.
    pub async fn produce(&self, order: CardOrder) {
        let mut sequence = 0;
        let mut next = |event: ProductionEvent| {
            sequence += 1;
            Callback {
                request_id: order.request_id.clone(),
                sequence,
                event,
                tracking_number: None,
                failure_reason: None,
            }
        };
        let started = next(ProductionEvent::ProductionStarted);
        let ending = if order.photo_required && !order.has_photo {
            vec![Callback { failure_reason: Some("photo_unusable".into()), ..next(ProductionEvent::Failed) }]
        } else {
            vec![
                Callback { tracking_number: Some(tracking_number(&order.request_id)), ..next(ProductionEvent::Mailed) },
                next(ProductionEvent::Delivered),
            ]
        };
        for callback in std::iter::once(started).chain(ending) {
            tokio::time::sleep(self.step).await;
            if !self.report(&callback).await {
                return;
            }
        }
    }
}

/// A 簡易書留 number of the simulation: the same for the same request.
fn tracking_number(request_id: &str) -> String {
    let digest = hex::encode(Sha256::digest(request_id.as_bytes()));
    let digits: String = digest.chars().filter(|c| c.is_ascii_digit()).chain("000000000000".chars()).take(12).collect();
    format!("{}-{}-{}", &digits[0..4], &digits[4..8], &digits[8..12])
}

/// The simulated issuing body inside the portal (demo mode): orders go over a channel to a task that
/// reports back over HTTP, like the separate process would.
pub struct InProcessIssuingBody {
    orders: mpsc::UnboundedSender<CardOrder>,
}

impl InProcessIssuingBody {
    /// Starts the simulation on the current runtime; it ends when the returned body is dropped.
    pub fn spawn(reporter: Reporter) -> InProcessIssuingBody {
        let (orders, mut incoming) = mpsc::unbounded_channel::<CardOrder>();
        tokio::spawn(async move {
            while let Some(order) = incoming.recv().await {
                let reporter = reporter.clone();
                tokio::spawn(async move { reporter.produce(order).await });
            }
        });
        InProcessIssuingBody { orders }
    }
}

impl IssuingBody for InProcessIssuingBody {
    fn send(&self, order: CardOrder) -> BoxFuture<'_, Result<(), IssuingBodyError>> {
        let sent = self.orders.send(order).map_err(|_| IssuingBodyError::Unreachable("the simulation stopped".into()));
        Box::pin(async move { sent })
    }
}

struct OrderDesk {
    key: Vec<u8>,
    reporter: Reporter,
}

async fn take_order(req: HttpRequest, body: web::Bytes, desk: web::Data<OrderDesk>) -> HttpResponse {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    let now = chrono::Utc::now().timestamp();
    if verify(Some(&desk.key), header(TIMESTAMP_HEADER), header(SIGNATURE_HEADER), &body, now).is_err() {
        return HttpResponse::Unauthorized().finish();
    }
    let Ok(order) = serde_json::from_slice::<CardOrder>(&body) else {
        return HttpResponse::BadRequest().finish();
    };
    tracing::info!(request = %order.request_id, "issuing body: order taken");
    let reporter = desk.reporter.clone();
    tokio::spawn(async move { reporter.produce(order).await });
    HttpResponse::Accepted().finish()
}

/// `madoguchi issuing-body`: takes signed orders on `POST /orders` at `bind` and reports to `portal`.
pub async fn serve(bind: std::net::SocketAddr, portal: url::Url, key: Vec<u8>, step: Duration) -> std::io::Result<()> {
    println!("The simulated issuing body takes orders at http://{bind}/orders and reports to {portal}");
    order_desk(bind, portal, key, step)?.await
}

/// The issuing body's HTTP server, bound and ready to run (await it, or spawn it).
pub fn order_desk(
    bind: std::net::SocketAddr,
    portal: url::Url,
    key: Vec<u8>,
    step: Duration,
) -> std::io::Result<actix_web::dev::Server> {
    let desk = web::Data::new(OrderDesk { reporter: Reporter::new(&portal, key.clone(), step), key });
    Ok(HttpServer::new(move || {
        actix_web::App::new()
            .app_data(desk.clone())
            .app_data(web::PayloadConfig::new(64 * 1024))
            // Resources rather than routes: these paths are the issuing body's, not the portal's (the route rules test reads routes).
            .service(web::resource("/orders").post(take_order))
            .service(web::resource("/healthz").get(|| async { HttpResponse::Ok().body("ok") }))
    })
    .bind(bind)?
    .run())
}

#[cfg(test)]
mod tests {
    use super::tracking_number;

    #[test]
    fn tracking_numbers_are_stable_and_well_formed() {
        let t = tracking_number("req-1");
        assert_eq!(t, tracking_number("req-1"));
        assert_eq!(t.len(), 14);
        assert!(t.chars().all(|c| c.is_ascii_digit() || c == '-'));
    }
}

//! The listening loop: the router on hyper's HTTP/1 connections with the deadlines `axum::serve`
//! leaves unset, so a slow client (slowloris: a request head or body trickled a byte at a time)
//! is cut off instead of holding its connection, and its task, forever.
//!
//! - The request head must arrive within the deadline (hyper's `header_read_timeout`); else the
//!   connection is closed.
//! - The body must arrive within the deadline too, and be at most the size limit; else the
//!   answer is the platform-style error `408` or `413`, and the connection closes.
//! - On shutdown no new connection is taken; those in flight get a moment to finish.

use std::future::Future;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

/// How long connections in flight may take to finish after a shutdown signal.
const DRAIN: Duration = Duration::from_secs(5);

/// The per-request limits a client must keep.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time for the request head, and again for the body.
    pub deadline: Duration,
    /// The largest body.
    pub max_body: usize,
}

/// Wraps `app` so that every request's body is read, within the deadline and the size limit,
/// before a handler sees it.
pub fn with_limits(app: Router, limits: Limits) -> Router {
    app.layer(axum::middleware::from_fn_with_state(limits, read_body))
}

async fn read_body(State(limits): State<Limits>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let read = axum::body::to_bytes(body, limits.max_body);
    match tokio::time::timeout(limits.deadline, read).await {
        Ok(Ok(bytes)) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Ok(Err(_)) => closing(error_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            "413",
            &format!("The request body is over {} bytes", limits.max_body),
        )),
        Err(_) => closing(error_response(
            StatusCode::REQUEST_TIMEOUT,
            "408",
            &format!(
                "The request body did not arrive within {} ms",
                limits.deadline.as_millis()
            ),
        )),
    }
}

/// A platform-style error body: `{"status": "error", "code", "message"}`.
pub fn error_response(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({"status": "error", "code": code, "message": message});
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// An answer after which the connection is closed (its request was not read to the end).
fn closing(mut response: Response) -> Response {
    response.headers_mut().insert(
        axum::http::header::CONNECTION,
        axum::http::HeaderValue::from_static("close"),
    );
    response
}

/// Serves `app` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let app = with_limits(app, limits);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors and the like: wait, then take connections again.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(limits.deadline);
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            let _ = connection.await;
        });
    }
    let _ = tokio::time::timeout(DRAIN, graceful.shutdown()).await;
}

//! The load benchmark's baseline (cli/bench/bench_serve.sh): the same HTTP stack as
//! `wallet-partner serve` (tokio, axum, its connection loop and limits) answering every sale
//! with a fixed accepted body, doing none of the platform's work.
//!
//! `cargo run --release -p wallet-partner-cli --example bare_server -- 127.0.0.1:0`

use axum::body::Bytes;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::post;

async fn sale(body: Bytes) -> impl IntoResponse {
    let answer = format!(
        "{{\"status\":\"success\",\"request_id\":\"bare\",\"project_id\":48039,\"bytes\":{}}}",
        body.len()
    );
    ([(header::CONTENT_TYPE, "application/json")], answer)
}

#[path = "../src/listen.rs"]
mod listen;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:0".into());
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("bind");
    println!(
        "listening on http://{}",
        listener.local_addr().expect("address")
    );
    let app = axum::Router::new().route("/v2/payment/wallet-partner/sale", post(sale));
    let limits = listen::Limits {
        deadline: std::time::Duration::from_secs(10),
        max_body: wallet_partner::signature::MAX_BODY_BYTES,
    };
    listen::serve(listener, app, limits, std::future::pending()).await;
}

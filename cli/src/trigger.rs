//! `wallet-partner trigger`: forces a scenario or a fault for one payment id of a running
//! server (`POST /__sandbox/trigger`).

/// `trigger`'s flags.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The running server.
    #[arg(long, default_value = "http://127.0.0.1:8765")]
    server: String,
    /// The payment id (before or after its sale).
    #[arg(long)]
    payment_id: String,
    /// How its sale ends: success, decline, redirect_then_success, redirect_then_decline,
    /// processing_then_success.
    #[arg(long)]
    scenario: Option<String>,
    /// How its refund ends: success or decline.
    #[arg(long)]
    refund_scenario: Option<String>,
    /// A fault, used once: drop_callback, duplicate_callback, out_of_order, gate500, gate_hang.
    #[arg(long)]
    fault: Option<String>,
}

/// Sends the trigger and prints the server's answer.
pub fn run(args: Args) -> Result<(), String> {
    let body = serde_json::json!({
        "payment_id": args.payment_id,
        "scenario": args.scenario,
        "refund_scenario": args.refund_scenario,
        "fault": args.fault,
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let url = format!("{}/__sandbox/trigger", args.server.trim_end_matches('/'));
        let response = reqwest::Client::new()
            .post(&url)
            .header("Content-Type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| format!("{url}: {e}"))?;
        let status = response.status();
        let text = response.text().await.map_err(|e| e.to_string())?;
        println!("{text}");
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("the server answered HTTP {status}"))
        }
    })
}

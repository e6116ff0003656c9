//! `wallet-partner serve`: its flags, where its secrets come from, and the listening loop.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use wallet_partner::SecretKey;

use crate::persist::StateFile;
use crate::server::{Config, Server};

/// `serve`'s flags. Secrets never come from the command line (it shows in `ps`): the project's
/// from `WALLET_PARTNER_SECRET` or `--secret-file`, the Data API token's from
/// `WALLET_PARTNER_DATA_SECRET`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on; `127.0.0.1:0` picks a free port. Only loopback unless you name
    /// another address.
    #[arg(long, default_value = "127.0.0.1:8765")]
    listen: SocketAddr,
    /// The project id requests must carry.
    #[arg(long)]
    project_id: u64,
    /// Where callbacks go when a sale has no `general.merchant_callback_url`.
    #[arg(long)]
    callback_url: Option<String>,
    /// Divide every delay (retries, the partner's auto-answer, processing) by K, so tests run
    /// in seconds.
    #[arg(long, default_value_t = 1.0, value_name = "K")]
    time_scale: f64,
    /// The partner page answers by itself after this many ms of sandbox time ("Pay"); 0 waits
    /// for the customer.
    #[arg(long, default_value_t = 2_000, value_name = "MS")]
    partner_auto_ms: u64,
    /// The Data API token requests must carry (with WALLET_PARTNER_DATA_SECRET); without it the
    /// Data API answers 404.
    #[arg(long)]
    data_token: Option<String>,
    /// Seed of the sandbox's ids and tokens.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Read the project's secret from this file (first line) instead of WALLET_PARTNER_SECRET.
    #[arg(long)]
    secret_file: Option<PathBuf>,
    /// Keep payments, pending callbacks, partner pages and timers in this file (written
    /// atomically after every change); started again with it, the server resumes every pending
    /// delivery. No secret is written to it.
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// A client has this long (real time) to send a request's head, and again its body;
    /// slower ones (slowloris) are cut off: the connection closed, or HTTP 408.
    #[arg(long, default_value_t = 10_000, value_name = "MS")]
    client_timeout_ms: u64,
}

fn project_secret(args: &Args) -> Result<SecretKey, String> {
    let text = match &args.secret_file {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| format!("--secret-file {}: {e}", path.display()))?
            .lines()
            .next()
            .unwrap_or("")
            .to_owned(),
        None => std::env::var("WALLET_PARTNER_SECRET").map_err(|_| {
            "the project's secret is missing: set WALLET_PARTNER_SECRET or pass --secret-file"
                .to_owned()
        })?,
    };
    if text.is_empty() {
        return Err("the project's secret is empty".into());
    }
    Ok(SecretKey::new(text))
}

/// Runs the server until SIGINT/SIGTERM.
pub fn run(args: Args) -> Result<(), String> {
    if !(args.time_scale.is_finite() && args.time_scale > 0.0) {
        return Err(format!(
            "--time-scale must be a positive number, got {}",
            args.time_scale
        ));
    }
    if args.client_timeout_ms == 0 {
        return Err("--client-timeout-ms must be at least 1".into());
    }
    let key = project_secret(&args)?;
    let data_api = match (
        &args.data_token,
        std::env::var("WALLET_PARTNER_DATA_SECRET"),
    ) {
        (Some(token), Ok(secret)) if !secret.is_empty() => {
            Some((token.clone(), SecretKey::new(secret)))
        }
        (Some(_), _) => return Err("--data-token needs WALLET_PARTNER_DATA_SECRET".into()),
        (None, _) => None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let config = Config {
            project_id: args.project_id,
            key,
            data_api,
            seed: args.seed,
            base_url: format!("http://{addr}"),
            callback_url: args.callback_url,
            time_scale: args.time_scale,
            partner_auto_ms: args.partner_auto_ms,
        };
        let server = Arc::new(Server::new(config, StateFile::new(args.state.clone()))?);
        let (deliveries, timers) = server.resume();
        if deliveries + timers > 0 {
            eprintln!("wallet-partner: resumed {deliveries} pending callback deliveries and {timers} timers from --state");
        }
        println!("listening on http://{addr}");
        use std::io::Write as _;
        let _ = std::io::stdout().flush();
        let limits = crate::listen::Limits {
            deadline: std::time::Duration::from_millis(args.client_timeout_ms),
            max_body: crate::server::MAX_BODY,
        };
        crate::listen::serve(listener, crate::server::router(server), limits, shutdown()).await;
        Ok(())
    })
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

//! `wallet-partner`: the operator's command. `serve` runs the platform's stand-in over real HTTP
//! (Gate, the partner's page, callbacks with the platform's retries, the Data API) on top of the
//! core's sandbox, so an integration's own HTTP client, webhook and browser flow can be tested
//! before production. `trigger` forces a scenario or a fault for one payment of a running
//! server.

mod events;
mod listen;
mod partner;
mod payment_page;
mod persist;
mod serve;
mod server;
mod trigger;

use clap::{Parser, Subcommand};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The platform's stand-in over HTTP, for testing a wallet-partner integration.
#[derive(Debug, Parser)]
#[command(name = "wallet-partner", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the Gate API, the partner's page and the Data API on loopback, and deliver
    /// signed callbacks with the platform's retry schedule.
    Serve(serve::Args),
    /// Force a scenario or a fault for one payment id of a running `serve`.
    Trigger(trigger::Args),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::Trigger(args) => trigger::run(args),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("wallet-partner: {message}");
            std::process::ExitCode::from(2)
        }
    }
}

//! `sandbox` binary: serves seeded GHL data on 127.0.0.1 until Ctrl-C.

use std::process::ExitCode;

use clap::Parser;
use sandbox::{Sandbox, SandboxConfig};

#[derive(Debug, Parser)]
#[command(about = "Local GoHighLevel API v2 emulator with deterministic seeded data")]
struct Args {
    /// Port on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// Number of contacts to seed.
    #[arg(long, default_value_t = 5000)]
    contacts: usize,
    /// Seed for the generated data; the same seed gives the same data.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("sandbox=debug")),
        )
        .init();
    let args = Args::parse();
    let config = SandboxConfig {
        contacts: args.contacts,
        seed: args.seed,
        port: args.port,
        anchor: None,
    };
    let sandbox = match Sandbox::start(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("sandbox: cannot start on 127.0.0.1:{}: {e}", args.port);
            return ExitCode::FAILURE;
        }
    };
    println!("GHL sandbox running");
    println!("  base URL:     {}", sandbox.base_url());
    println!(
        "  location:     {} ({})",
        sandbox.location_id(),
        sandbox.location_name()
    );
    println!("  access token: {}", sandbox.access_token());
    println!("  version:      {}", sandbox::API_VERSION);
    println!("Press Ctrl-C to stop.");
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("sandbox: cannot listen for Ctrl-C: {e}");
    }
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}

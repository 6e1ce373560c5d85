//! `sandbox` binary: serves seeded GHL data on 127.0.0.1 until Ctrl-C.

use std::process::ExitCode;

use std::time::Duration;

use clap::Parser;
use sandbox::hcp::{seed_contacts_from_dataset, HcpConfig, HcpSandbox};
use sandbox::{Consent, Faults, RateLimitConfig, Sandbox, SandboxConfig};

#[derive(Debug, Parser)]
#[command(about = "Local GoHighLevel API v2 emulator with deterministic seeded data")]
struct Args {
    /// Port on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// Number of contacts to seed.
    #[arg(long, default_value_t = 5000)]
    contacts: usize,
    /// Seed for the generated data (and the random faults); the same seed gives
    /// the same data.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Requests allowed per rate-limit window (GHL: 100).
    #[arg(long, default_value_t = 100)]
    rate_limit_max: u32,
    /// Length of the rate-limit window in milliseconds (GHL: 10000).
    #[arg(long, default_value_t = 10_000)]
    rate_limit_interval_ms: u64,
    /// Requests allowed per UTC day (GHL: 200000).
    #[arg(long, default_value_t = 200_000)]
    rate_limit_daily: u64,
    /// Extra latency added to every request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Share of requests (0.0–1.0) answered with a 500, 502 or 503 instead.
    #[arg(long, default_value_t = 0.0)]
    error_rate: f64,
    /// Number of locations (sub-accounts) to serve.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=100))]
    locations: u16,
    /// Answer OAuth sign-ins at once with a code for this location (0-based
    /// index) instead of showing the consent page.
    #[arg(long, value_name = "LOCATION_INDEX")]
    auto_approve: Option<usize>,
    /// Registers another OAuth redirect URI (repeatable); the app's loopback
    /// ones are registered anyway.
    #[arg(long = "redirect-uri", value_name = "URI")]
    redirect_uris: Vec<String>,
    /// Also serve Housecall Pro's customer API with this many customers, some
    /// of them location 0's GHL contacts (0 = no HCP sandbox).
    #[arg(long, default_value_t = 0)]
    hcp_customers: usize,
    /// Port on 127.0.0.1 of the HCP sandbox (0 = any free port).
    #[arg(long, default_value_t = 8788)]
    hcp_port: u16,
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
    if !(0.0..=1.0).contains(&args.error_rate) {
        eprintln!("sandbox: --error-rate must be between 0 and 1");
        return ExitCode::FAILURE;
    }
    if args
        .auto_approve
        .is_some_and(|i| i >= usize::from(args.locations))
    {
        eprintln!("sandbox: --auto-approve must be below --locations");
        return ExitCode::FAILURE;
    }
    if args.rate_limit_max == 0 || args.rate_limit_interval_ms == 0 || args.rate_limit_daily == 0 {
        eprintln!("sandbox: rate limits must be positive");
        return ExitCode::FAILURE;
    }
    let rate_limit = RateLimitConfig {
        max_per_interval: args.rate_limit_max,
        interval: Duration::from_millis(args.rate_limit_interval_ms),
        daily: args.rate_limit_daily,
    };
    let config = SandboxConfig {
        contacts: args.contacts,
        seed: args.seed,
        port: args.port,
        anchor: None,
        rate_limit,
        locations: usize::from(args.locations),
    };
    let sandbox = match Sandbox::start(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("sandbox: cannot start on 127.0.0.1:{}: {e}", args.port);
            return ExitCode::FAILURE;
        }
    };
    for uri in &args.redirect_uris {
        sandbox.register_redirect_uri(uri);
    }
    let locations = sandbox.locations();
    if let Some(index) = args.auto_approve {
        sandbox.set_consent(Consent::Approve {
            location_id: locations[index].id.clone(),
        });
    }
    sandbox.set_faults(Faults {
        latency: Duration::from_millis(args.latency_ms),
        error_rate: args.error_rate,
        seed: args.seed,
        ..Faults::none()
    });
    let hcp = if args.hcp_customers > 0 {
        let ghl_contacts = {
            let data = sandbox.dataset();
            let data = data.read().await;
            seed_contacts_from_dataset(&data)
        };
        let config = HcpConfig {
            customers: args.hcp_customers,
            seed: args.seed,
            ghl_contacts,
            port: args.hcp_port,
            anchor: None,
        };
        match HcpSandbox::start(config).await {
            Ok(h) => {
                h.set_latency(Duration::from_millis(args.latency_ms));
                h.set_error_rate(args.error_rate, args.seed);
                Some(h)
            }
            Err(e) => {
                eprintln!(
                    "sandbox: cannot start HCP on 127.0.0.1:{}: {e}",
                    args.hcp_port
                );
                return ExitCode::FAILURE;
            }
        }
    } else {
        None
    };
    let client = sandbox.oauth_client();
    println!("GHL sandbox running");
    row("base URL:", sandbox.base_url());
    for (i, location) in locations.iter().enumerate() {
        row(
            &format!("location {i}:"),
            format!("{} ({})", location.id, location.name),
        );
    }
    row(
        "access token:",
        format!("{} (location 0, never expires)", sandbox.access_token()),
    );
    row("version:", sandbox::API_VERSION);
    row(
        "rate limit:",
        format!(
            "{} per {} ms, {} per day",
            rate_limit.max_per_interval,
            rate_limit.interval.as_millis(),
            rate_limit.daily
        ),
    );
    if args.latency_ms > 0 || args.error_rate > 0.0 {
        row(
            "faults:",
            format!(
                "+{} ms latency, {:.1}% errors",
                args.latency_ms,
                args.error_rate * 100.0
            ),
        );
    }
    println!("OAuth");
    // A sandbox-only client, random per start: printing it is how it is shared.
    row("client id:", &client.client_id);
    row("client secret:", &client.client_secret);
    row("authorize URL:", sandbox.authorize_url());
    row("token URL:", sandbox.token_url());
    for uri in sandbox.redirect_uris() {
        row("redirect URI:", uri);
    }
    match args.auto_approve {
        Some(index) => row("consent:", format!("approved at once for location {index}")),
        None => row("consent:", "a page in the browser"),
    }
    if let Some(h) = &hcp {
        println!("Housecall Pro sandbox running");
        row("base URL:", h.base_url());
        // A sandbox-only key, random per start: printing it is how it is shared.
        row(
            "API key:",
            format!("{} (Authorization: Token <key>)", h.api_key()),
        );
        row("customers:", args.hcp_customers);
    }
    println!("Press Ctrl-C to stop.");
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("sandbox: cannot listen for Ctrl-C: {e}");
    }
    if let Some(mut h) = hcp {
        h.stop().await;
    }
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}

/// One aligned `label value` line of the start banner.
fn row(label: &str, value: impl std::fmt::Display) {
    println!("  {label:<15} {value}");
}

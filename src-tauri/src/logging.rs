//! Log lines go to stderr and to `<data>/logs/switchboard.log`. Nothing logged
//! carries a token: the core's types mask them in their `Debug` output.

use std::path::Path;

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter};

pub const LOG_FILE: &str = "switchboard.log";

/// `SWITCHBOARD_LOG` sets the filter (default `info`).
pub fn init(log_dir: &Path) {
    let filter =
        EnvFilter::try_from_env("SWITCHBOARD_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let file = std::fs::create_dir_all(log_dir).and_then(|()| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log_dir.join(LOG_FILE))
    });
    let (file_layer, file_error) = match file {
        Ok(file) => (
            Some(
                fmt::layer()
                    .with_ansi(false)
                    .with_writer(std::sync::Mutex::new(file)),
            ),
            None,
        ),
        Err(error) => (None, Some(error)),
    };
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_writer(std::io::stderr))
        .with(file_layer)
        .try_init();
    if let Some(error) = file_error {
        tracing::warn!(%error, dir = %log_dir.display(), "logging to stderr only");
    }
}

//! The app's own settings (how often the cache refreshes, how much is logged,
//! where the data folder is), kept in `<config>/app-settings.json`. Sign-ins, the HCP key and the sync
//! mapping have their own homes; the Settings dialog shows them all together.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ipc::{AppError, ErrorCode};

/// How much goes to the log, from least to most.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Error,
    Warn,
    #[default]
    Info,
    Debug,
}

impl LogLevel {
    /// The `tracing` filter for this level. At `debug` only Switchboard's own
    /// crates say more: the HTTP and web view libraries stay at `info`, so
    /// their request dumps (headers included) never reach the file.
    pub fn filter(self) -> &'static str {
        match self {
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => {
                "info,switchboard=debug,switchboard_lib=debug,auth=debug,ghl=debug,hcp=debug,store=debug,sync=debug"
            }
        }
    }
}

/// The refresh interval's bounds, in minutes: more often than every minute
/// spends GHL's rate limit for nothing; a day is the longest that still
/// deserves to be called a background refresh.
pub const MIN_REFRESH_MINUTES: u32 = 1;
pub const MAX_REFRESH_MINUTES: u32 = 24 * 60;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AppSettings {
    pub refresh_interval_minutes: u32,
    pub log_level: LogLevel,
    /// The data folder chosen with Move… (`None`: the default one). Read by
    /// `Dirs` at start; written only once a move has copied and verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
}

impl Default for AppSettings {
    fn default() -> Self {
        AppSettings {
            refresh_interval_minutes: 5,
            log_level: LogLevel::Info,
            data_dir: None,
        }
    }
}

impl AppSettings {
    pub const FILE_NAME: &'static str = "app-settings.json";

    /// The saved settings; the defaults when there is no file yet. A file
    /// that cannot be read is logged and the defaults used: a bad settings
    /// file must not keep the app from starting.
    pub fn load(config: &Path) -> AppSettings {
        let path = config.join(Self::FILE_NAME);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return AppSettings::default()
            }
            Err(error) => {
                tracing::warn!(%error, path = %path.display(), "app settings unreadable, using defaults");
                return AppSettings::default();
            }
        };
        match serde_json::from_slice::<AppSettings>(&bytes) {
            Ok(settings) => settings.clamped(),
            Err(error) => {
                tracing::warn!(%error, path = %path.display(), "app settings invalid, using defaults");
                AppSettings::default()
            }
        }
    }

    pub fn save(&self, config: &Path) -> Result<(), AppError> {
        let json = serde_json::to_vec_pretty(self)
            .map_err(|error| AppError::internal(format!("app settings: {error}")))?;
        auth::write_atomic(&config.join(Self::FILE_NAME), &json).map_err(crate::session::auth_error)
    }

    /// Checks what the person entered; the data folder is kept from `saved`
    /// (only a move changes it).
    pub fn from_form(form: &AppSettingsForm, saved: &AppSettings) -> Result<AppSettings, AppError> {
        if !(MIN_REFRESH_MINUTES..=MAX_REFRESH_MINUTES).contains(&form.refresh_interval_minutes) {
            return Err(AppError {
                code: ErrorCode::Validation,
                message: format!(
                    "The refresh interval must be between {MIN_REFRESH_MINUTES} and {MAX_REFRESH_MINUTES} minutes."
                ),
                details: Some(serde_json::json!({ "field": "refreshIntervalMinutes" })),
            });
        }
        Ok(AppSettings {
            refresh_interval_minutes: form.refresh_interval_minutes,
            log_level: form.log_level,
            data_dir: saved.data_dir.clone(),
        })
    }

    pub fn refresh_interval(&self) -> Duration {
        Duration::from_secs(u64::from(self.refresh_interval_minutes) * 60)
    }

    /// A hand-edited file may hold any number; keep it within bounds. A
    /// relative data folder would depend on where the app was started: ignored.
    fn clamped(mut self) -> AppSettings {
        self.refresh_interval_minutes = self
            .refresh_interval_minutes
            .clamp(MIN_REFRESH_MINUTES, MAX_REFRESH_MINUTES);
        if self.data_dir.as_ref().is_some_and(|dir| !dir.is_absolute()) {
            tracing::warn!("the saved data folder is not a full path; using the default");
            self.data_dir = None;
        }
        self
    }
}

/// The General tab of Settings.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppSettingsView {
    pub refresh_interval_minutes: u32,
    pub log_level: LogLevel,
    /// `SWITCHBOARD_LOG` as set when the app started: it decides what is
    /// logged until a level is saved here.
    pub log_filter_from_env: Option<String>,
    /// Where the cached contacts are kept.
    pub data_dir: String,
    pub logs_dir: String,
    pub min_refresh_minutes: u32,
    pub max_refresh_minutes: u32,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppSettingsForm {
    pub refresh_interval_minutes: u32,
    pub log_level: LogLevel,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_default_when_missing() {
        let dir = tempfile::tempdir().expect("dir");
        assert_eq!(AppSettings::load(dir.path()), AppSettings::default());
        let settings = AppSettings {
            refresh_interval_minutes: 15,
            log_level: LogLevel::Debug,
            data_dir: Some(dir.path().join("moved")),
        };
        settings.save(dir.path()).expect("saved");
        assert_eq!(AppSettings::load(dir.path()), settings);
        assert_eq!(settings.refresh_interval(), Duration::from_secs(15 * 60));
    }

    #[test]
    fn a_damaged_or_out_of_range_file_falls_back_safely() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join(AppSettings::FILE_NAME);
        std::fs::write(&path, b"{ not json").expect("write");
        assert_eq!(AppSettings::load(dir.path()), AppSettings::default());
        std::fs::write(&path, br#"{"refreshIntervalMinutes":0,"logLevel":"warn"}"#).expect("write");
        let loaded = AppSettings::load(dir.path());
        assert_eq!(loaded.refresh_interval_minutes, MIN_REFRESH_MINUTES);
        assert_eq!(loaded.log_level, LogLevel::Warn);
        // A file from an older version without the newer keys keeps their defaults.
        std::fs::write(&path, br#"{"logLevel":"error"}"#).expect("write");
        assert_eq!(AppSettings::load(dir.path()).refresh_interval_minutes, 5);
        assert_eq!(AppSettings::load(dir.path()).data_dir, None);
        std::fs::write(&path, br#"{"dataDir":"relative/data"}"#).expect("write");
        assert_eq!(AppSettings::load(dir.path()).data_dir, None);
    }

    #[test]
    fn the_form_is_checked() {
        let form = |minutes| AppSettingsForm {
            refresh_interval_minutes: minutes,
            log_level: LogLevel::Info,
        };
        let saved = AppSettings {
            data_dir: Some(PathBuf::from("/mnt/big/switchboard")),
            ..AppSettings::default()
        };
        for bad in [0, MAX_REFRESH_MINUTES + 1] {
            let error = AppSettings::from_form(&form(bad), &saved).expect_err("out of range");
            assert_eq!(error.code, ErrorCode::Validation);
        }
        let settings = AppSettings::from_form(&form(30), &saved).expect("valid");
        assert_eq!(settings.refresh_interval_minutes, 30);
        assert_eq!(
            settings.data_dir, saved.data_dir,
            "saving the form keeps a moved folder"
        );
    }

    #[test]
    fn debug_keeps_third_party_libraries_at_info() {
        let filter = LogLevel::Debug.filter();
        assert!(filter.starts_with("info,"), "{filter}");
        assert!(filter.contains("switchboard_lib=debug"));
        assert!(!filter.contains("reqwest") && !filter.contains("hyper"));
    }

    /// A running cache worker waits with the interval it opened with until
    /// it is given a new one, which applies to the wait in progress.
    #[tokio::test]
    async fn a_new_interval_reaches_the_running_cache_at_once() {
        let sandbox = sandbox::Sandbox::start(sandbox::SandboxConfig {
            contacts: 20,
            rate_limit: sandbox::RateLimitConfig::unlimited(),
            ..sandbox::SandboxConfig::default()
        })
        .await
        .expect("sandbox");
        let config = ghl::ClientConfig::new(
            url::Url::parse(&sandbox.base_url()).expect("url"),
            sandbox.location_id(),
        );
        let client = ghl::Client::new(config, ghl::AccessToken::new(sandbox.access_token()))
            .expect("client");
        let dir = tempfile::tempdir().expect("dir");
        let cache = crate::cache::LocationCache::open(
            client,
            dir.path().join("cache.sqlite3"),
            Duration::from_secs(3600),
        )
        .await
        .expect("cache");
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while !cache.status().download_complete || cache.status().last_refreshed_at.is_none() {
            assert!(
                std::time::Instant::now() < deadline,
                "the first download ends"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // Settled: an hour to the next refresh, so nothing asks GHL now.
        tokio::time::sleep(Duration::from_millis(300)).await;
        sandbox.reset_stats();
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(sandbox.stats().requests, 0, "no refresh before the hour");

        cache.set_refresh_interval(Duration::from_millis(200));
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while sandbox.stats().requests == 0 {
            assert!(
                std::time::Instant::now() < deadline,
                "the shorter interval applies without reopening the cache"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        cache.stop();
    }
}

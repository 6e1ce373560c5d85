//! Log lines go to stderr and to `<data>/logs/switchboard.log`, which rotates
//! by size (`switchboard.log.1` is the previous file, up to [`KEPT_FILES`] of
//! them), so a long debug session cannot fill the disk. The level can change
//! while the app runs (Settings → General).
//!
//! Nothing logged carries a token or a contact's details: the core's types
//! mask secrets in their `Debug` output, and log lines name contacts by id
//! and count records (see the test at the bottom).

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, reload, EnvFilter, Registry};

use crate::app_settings::LogLevel;
use crate::ipc::AppError;

pub const LOG_FILE: &str = "switchboard.log";
/// A file is rotated once it would grow past this.
const MAX_FILE_BYTES: u64 = 5 * 1024 * 1024;
/// Rotated files kept beside the current one (`switchboard.log.1` … `.4`).
pub const KEPT_FILES: u32 = 4;
/// Read at start; while set, it decides the level until one is saved in Settings.
pub const ENV_FILTER: &str = "SWITCHBOARD_LOG";

/// The process has one global subscriber, so its filter handle is global too.
static FILTER: OnceLock<reload::Handle<EnvFilter, Registry>> = OnceLock::new();
/// `SWITCHBOARD_LOG` when it set the filter at start…
static FROM_ENV: OnceLock<String> = OnceLock::new();
/// …until a level chosen in Settings replaced it.
static ENV_REPLACED: AtomicBool = AtomicBool::new(false);
/// The log file, kept so that moving the data folder can move it too.
static FILE: OnceLock<Mutex<RotatingFile>> = OnceLock::new();

/// Starts logging at `level`, or at `SWITCHBOARD_LOG` when that is set.
pub fn init(log_dir: &Path, level: LogLevel) {
    let from_env = env_filter().and_then(|directives| {
        EnvFilter::try_new(&directives)
            .ok()
            .map(|filter| (directives, filter))
    });
    let filter = match from_env {
        Some((directives, filter)) => {
            let _ = FROM_ENV.set(directives);
            filter
        }
        None => EnvFilter::new(level.filter()),
    };
    let (filter, handle) = reload::Layer::new(filter);
    let (file_layer, file_error) = match RotatingFile::open(log_dir, MAX_FILE_BYTES, KEPT_FILES) {
        Ok(file) => {
            let file = FILE.get_or_init(|| Mutex::new(file));
            (
                Some(
                    fmt::layer()
                        .with_ansi(false)
                        .with_writer(move || SharedFile(file)),
                ),
                None,
            )
        }
        Err(error) => (None, Some(error)),
    };
    let installed = tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_writer(io::stderr))
        .with(file_layer)
        .try_init();
    if installed.is_ok() {
        let _ = FILTER.set(handle);
    }
    if let Some(error) = file_error {
        tracing::warn!(%error, dir = %log_dir.display(), "logging to stderr only");
    }
}

fn env_filter() -> Option<String> {
    std::env::var(ENV_FILTER)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

/// The `SWITCHBOARD_LOG` filter when it still decides what is logged.
pub fn env_filter_in_effect() -> Option<String> {
    if ENV_REPLACED.load(Ordering::Relaxed) {
        return None;
    }
    FROM_ENV.get().cloned()
}

/// Applies `level` at once to every log line from now on.
pub fn set_level(level: LogLevel) -> Result<(), AppError> {
    let handle = FILTER
        .get()
        .ok_or_else(|| AppError::internal("Logging is not set up in this process."))?;
    handle
        .reload(EnvFilter::new(level.filter()))
        .map_err(|error| AppError::internal(format!("The log level could not change: {error}")))?;
    ENV_REPLACED.store(true, Ordering::Relaxed);
    tracing::info!(?level, "log level changed");
    Ok(())
}

/// Moves the current log file to `dir` (the data folder moved): it is copied
/// there under the writer's lock, so no line written meanwhile is lost, and
/// every later line goes there. Nothing to do when logging only to stderr.
pub fn relocate(dir: &Path) -> io::Result<()> {
    match FILE.get() {
        Some(file) => lock_file(file).relocate(dir),
        None => Ok(()),
    }
}

/// One log line's access to the file.
struct SharedFile(&'static Mutex<RotatingFile>);

impl Write for SharedFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        lock_file(self.0).write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        lock_file(self.0).flush()
    }
}

fn lock_file(file: &Mutex<RotatingFile>) -> std::sync::MutexGuard<'_, RotatingFile> {
    file.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The current log file and its rotated predecessors.
struct RotatingFile {
    dir: PathBuf,
    file: File,
    /// Bytes in the current file.
    len: u64,
    max_bytes: u64,
    kept: u32,
}

impl RotatingFile {
    fn open(dir: &Path, max_bytes: u64, kept: u32) -> io::Result<RotatingFile> {
        std::fs::create_dir_all(dir)?;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join(LOG_FILE))?;
        let len = file.metadata()?.len();
        Ok(RotatingFile {
            dir: dir.to_owned(),
            file,
            len,
            max_bytes,
            kept,
        })
    }

    fn relocate(&mut self, dir: &Path) -> io::Result<()> {
        self.file.flush()?;
        std::fs::create_dir_all(dir)?;
        let target = dir.join(LOG_FILE);
        std::fs::copy(self.dir.join(LOG_FILE), &target)?;
        let file = std::fs::OpenOptions::new().append(true).open(&target)?;
        self.len = file.metadata()?.len();
        self.file = file;
        self.dir = dir.to_owned();
        Ok(())
    }

    fn rotated(&self, n: u32) -> PathBuf {
        self.dir.join(format!("{LOG_FILE}.{n}"))
    }

    /// `.log` → `.log.1` → `.log.2` …; the oldest beyond `kept` is deleted.
    fn rotate(&mut self) -> io::Result<()> {
        self.file.flush()?;
        for n in (1..self.kept).rev() {
            let from = self.rotated(n);
            if from.exists() {
                std::fs::rename(&from, self.rotated(n + 1))?;
            }
        }
        let current = self.dir.join(LOG_FILE);
        if self.kept == 0 {
            std::fs::remove_file(&current)?;
        } else {
            std::fs::rename(&current, self.rotated(1))?;
        }
        self.file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&current)?;
        self.len = 0;
        Ok(())
    }
}

impl Write for RotatingFile {
    /// One call per log line (the fmt layer writes each event at once), so a
    /// line is never split across two files.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let len = u64::try_from(buf.len()).unwrap_or(u64::MAX);
        if self.len > 0 && self.len.saturating_add(len) > self.max_bytes {
            // A failed rotation keeps writing to the current file rather
            // than losing the line.
            let _ = self.rotate();
        }
        let written = self.file.write(buf)?;
        self.len = self
            .len
            .saturating_add(u64::try_from(written).unwrap_or(u64::MAX));
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap_or_default()
    }

    #[test]
    fn the_file_follows_a_moved_data_folder() {
        let old = tempfile::tempdir().expect("old");
        let new = tempfile::tempdir().expect("new");
        let mut file = RotatingFile::open(old.path(), 1000, 2).expect("open");
        file.write_all(b"before the move\n").expect("write");
        file.relocate(&new.path().join("logs")).expect("relocated");
        file.write_all(b"after the move\n").expect("write");
        file.flush().expect("flush");
        let moved = read(&new.path().join("logs").join(LOG_FILE));
        assert_eq!(moved, "before the move\nafter the move\n");
        assert_eq!(file.len, moved.len() as u64, "rotation keeps counting");
        assert_eq!(read(&old.path().join(LOG_FILE)), "before the move\n");
    }

    #[test]
    fn the_file_rotates_by_size_and_keeps_a_few() {
        let dir = tempfile::tempdir().expect("dir");
        let mut file = RotatingFile::open(dir.path(), 100, 2).expect("open");
        for n in 0..12 {
            // 23 bytes a line: four lines per file.
            file.write_all(format!("line {n:02} ..............\n").as_bytes())
                .expect("write");
        }
        file.flush().expect("flush");
        let current = read(&dir.path().join(LOG_FILE));
        let first = read(&dir.path().join(format!("{LOG_FILE}.1")));
        let second = read(&dir.path().join(format!("{LOG_FILE}.2")));
        assert!(
            current.starts_with("line 08") && current.contains("line 11"),
            "{current}"
        );
        assert!(
            first.starts_with("line 04") && first.contains("line 07"),
            "{first}"
        );
        assert!(
            second.starts_with("line 00") && second.contains("line 03"),
            "{second}"
        );
        assert!(
            !dir.path().join(format!("{LOG_FILE}.3")).exists(),
            "only two kept"
        );
        for text in [&current, &first, &second] {
            assert!(text.len() <= 100, "no file grows past the limit");
        }

        // One more file's worth pushes the oldest out.
        for n in 12..16 {
            file.write_all(format!("line {n:02} ..............\n").as_bytes())
                .expect("write");
        }
        assert!(read(&dir.path().join(format!("{LOG_FILE}.2"))).starts_with("line 04"));
    }

    #[test]
    fn an_existing_file_is_appended_to_and_counted() {
        let dir = tempfile::tempdir().expect("dir");
        std::fs::write(dir.path().join(LOG_FILE), "x".repeat(90)).expect("seed");
        let mut file = RotatingFile::open(dir.path(), 100, 1).expect("open");
        file.write_all(b"a line that does not fit\n")
            .expect("write");
        assert_eq!(read(&dir.path().join(format!("{LOG_FILE}.1"))).len(), 90);
        assert_eq!(
            read(&dir.path().join(LOG_FILE)),
            "a line that does not fit\n"
        );
    }

    #[test]
    fn a_line_longer_than_the_limit_is_still_written_whole() {
        let dir = tempfile::tempdir().expect("dir");
        let mut file = RotatingFile::open(dir.path(), 10, 1).expect("open");
        file.write_all(b"a rather long line\n").expect("write");
        assert_eq!(read(&dir.path().join(LOG_FILE)), "a rather long line\n");
    }

    /// Everything written by a `fmt` layer, to search afterwards.
    #[derive(Clone, Default)]
    struct Captured(std::sync::Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Captured {
        fn text(&self) -> String {
            let bytes = self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            String::from_utf8_lossy(&bytes).into_owned()
        }
    }

    /// A representative session against the sandboxes (a refused and an
    /// accepted token, the first download, a search, a contact opened and
    /// edited, a note, tags, the HCP key, a one-contact sync). Returns every
    /// secret and personal detail that went by.
    async fn a_working_session() -> Vec<String> {
        use crate::ipc::{ContactForm, NoteForm, PrivateTokenForm, SyncSide, SyncTargetRef};
        use crate::launch::Launch;
        use crate::session::{Dirs, Sessions};
        use std::sync::Arc;

        let ghl = sandbox::Sandbox::start(sandbox::SandboxConfig {
            contacts: 30,
            rate_limit: sandbox::RateLimitConfig::unlimited(),
            ..sandbox::SandboxConfig::default()
        })
        .await
        .expect("GHL sandbox");
        let hcp = sandbox::hcp::HcpSandbox::start(sandbox::hcp::HcpConfig {
            customers: 10,
            ..sandbox::hcp::HcpConfig::default()
        })
        .await
        .expect("HCP sandbox");
        let home = tempfile::tempdir().expect("home");
        let launch = Launch::Live {
            base_url: ghl.base_url(),
            hcp_base_url: hcp.base_url(),
            home: Some(home.path().to_owned()),
            oauth_app_file: home.path().join("no-deployed-file.json"),
        };
        let dirs = Dirs::for_launch(&launch, PathBuf::new(), PathBuf::new());
        let keyring = Arc::new(auth::MemoryStore::new());
        let sessions = Sessions::open(launch, dirs, move |_| keyring.clone())
            .await
            .expect("sessions");

        let wrong_token = "pit-0123456789abcdef-wrong";
        let form = |token: &str| PrivateTokenForm {
            location_id: ghl.location_id().to_owned(),
            token: token.to_owned(),
        };
        sessions
            .sign_in_with_token(form(wrong_token))
            .await
            .expect_err("a wrong token is refused");
        sessions
            .sign_in_with_token(form(ghl.access_token()))
            .await
            .expect("signed in");
        let connection = sessions.active().await.expect("connection");
        connection.wait_for_download().await;

        let page = connection.list_contacts("", None, 30).await.expect("list");
        let mut secrets = vec![wrong_token.to_owned(), ghl.access_token().to_owned()];
        for contact in &page.contacts {
            secrets.extend(contact.email.clone());
            secrets.extend(contact.phone.clone());
        }
        let first = &page.contacts[0];
        if let Some(email) = &first.email {
            connection
                .list_contacts(email, None, 10)
                .await
                .expect("search");
        }
        connection.contact(&first.id).await.expect("contact");
        connection.tasks(&first.id).await.expect("tasks");
        connection.notes(&first.id).await.expect("notes");
        connection
            .appointments(&first.id)
            .await
            .expect("appointments");
        let (new_email, new_phone) = ("leak.check@example.com", "+15559876543");
        connection
            .update_contact(
                &first.id,
                ContactForm {
                    first_name: first.first_name.clone(),
                    last_name: first.last_name.clone(),
                    email: Some(new_email.to_owned()),
                    phone: Some(new_phone.to_owned()),
                    ..ContactForm::default()
                },
            )
            .await
            .expect("update");
        let note = "Gate code 4711, dog in the yard";
        connection
            .create_note(
                &first.id,
                NoteForm {
                    title: None,
                    body: note.to_owned(),
                    pinned: false,
                    color: None,
                },
            )
            .await
            .expect("note");
        connection
            .add_tags(&first.id, vec!["vip".to_owned()])
            .await
            .expect("tags");
        secrets.extend([new_email.to_owned(), new_phone.to_owned(), note.to_owned()]);

        sessions
            .housecall()
            .save_key(hcp.api_key())
            .await
            .expect("HCP key");
        secrets.push(hcp.api_key().to_owned());
        let customer = hcp.customers().into_iter().next().expect("a customer");
        secrets.extend(customer.email.clone());
        secrets.extend(customer.mobile_number.clone());
        let client = sessions.housecall().client().await.expect("HCP client");
        let engine = connection
            .sync_engine(client, sync::SyncSettings::load(sessions.config_dir()))
            .expect("engine");
        let target = crate::syncing::target(SyncTargetRef {
            side: SyncSide::Hcp,
            id: customer.id.clone(),
        });
        engine
            .preview(target.clone(), Some(sync::MatchChoice::New))
            .await
            .expect("preview");
        engine
            .apply(
                target,
                &sync::Choices::default(),
                Some(sync::MatchChoice::New),
            )
            .await
            .expect("sync");
        connection.cache().stop();
        secrets
    }

    #[test]
    fn a_session_at_debug_level_logs_no_token_and_no_contact_details() {
        let captured = Captured::default();
        let writer = captured.clone();
        let dispatch = tracing::Dispatch::new(
            tracing_subscriber::registry()
                .with(EnvFilter::new(LogLevel::Debug.filter()))
                .with(
                    fmt::layer()
                        .with_ansi(false)
                        .with_writer(move || writer.clone()),
                ),
        );
        // Global, not scoped to this thread: the blocking pool's threads log
        // too, and scoped dispatchers race with the callsite interest cache
        // when other tests run at the same time. Their lines land here as well,
        // and must be as clean.
        tracing::dispatcher::set_global_default(dispatch)
            .expect("no other test sets a global subscriber");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let secrets = runtime.block_on(a_working_session());
        drop(runtime);

        let log = captured.text();
        assert!(
            log.contains("GHL request") && log.contains("HCP request") && log.contains("DEBUG"),
            "debug lines of both services were captured: {:.500}",
            log
        );
        assert!(secrets.len() > 10, "the session saw personal details");
        for secret in secrets.iter().filter(|s| s.len() >= 6) {
            if let Some(at) = log.find(secret.as_str()) {
                let line_start = log[..at].rfind('\n').map_or(0, |i| i + 1);
                let line_end = log[at..].find('\n').map_or(log.len(), |i| at + i);
                panic!("the log holds {secret:?}: {}", &log[line_start..line_end]);
            }
        }
    }
}

//! Opening the authorize URL in the user's browser.

use std::process::{Command, Stdio};

use url::Url;

use crate::error::{Error, Result};

/// Opens `url` in a browser, without waiting for it.
///
/// When the `BROWSER` environment variable is set and not empty it is the
/// command: split at whitespace into a program and its arguments, with the
/// URL appended as the last argument (tests point it at a headless
/// Chromium wrapper). Otherwise the platform opener is used: `xdg-open`,
/// `open` on macOS, `cmd /c start` on Windows.
///
/// The child's standard streams are null; a background thread reaps it.
pub fn open_in_browser(url: &Url) -> Result<()> {
    let configured = std::env::var("BROWSER").ok();
    open_with(configured.as_deref(), url)
}

pub(crate) fn open_with(browser: Option<&str>, url: &Url) -> Result<()> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::Browser {
            message: "only http and https addresses are opened".to_owned(),
        });
    }
    let mut command = match browser.map(str::trim).filter(|b| !b.is_empty()) {
        Some(browser) => {
            let mut words = browser.split_whitespace();
            let program = words.next().unwrap_or(browser);
            let mut command = Command::new(program);
            command.args(words).arg(url.as_str());
            command
        }
        None => platform_opener(url),
    };
    let program = format!("{:?}", command.get_program());
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| Error::Browser {
            message: format!("{program} could not be started ({e})"),
        })?;
    // Reap the child when it exits so it does not linger as a zombie.
    std::thread::Builder::new()
        .name("browser-reaper".to_owned())
        .spawn(move || {
            let _ = child.wait();
        })
        .map_err(|e| Error::Browser {
            message: format!("could not watch the browser process ({e})"),
        })?;
    Ok(())
}

#[cfg(target_os = "macos")]
fn platform_opener(url: &Url) -> Command {
    let mut command = Command::new("open");
    command.arg(url.as_str());
    command
}

#[cfg(windows)]
fn platform_opener(url: &Url) -> Command {
    use std::os::windows::process::CommandExt;
    // `start` treats its first quoted argument as a window title, hence the
    // empty one; the URL is quoted so `&` is not a command separator (a
    // serialized URL contains no `"`).
    let mut command = Command::new("cmd");
    command
        .args(["/d", "/c", "start", "\"\""])
        .raw_arg(format!("\"{}\"", url.as_str()));
    command
}

#[cfg(not(any(target_os = "macos", windows)))]
fn platform_opener(url: &Url) -> Command {
    let mut command = Command::new("xdg-open");
    command.arg(url.as_str());
    command
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn runs_the_configured_command_with_the_url_last() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("args");
        let url = Url::parse("http://127.0.0.1:9/authorize?a=1&b=2").expect("url");
        let script_path = dir.path().join("browser.sh");
        std::fs::write(
            &script_path,
            format!("#!/bin/sh\nprintf '%s\\n' \"$@\" > {}\n", out.display()),
        )
        .expect("write script");
        open_with(Some(&format!("sh {}", script_path.display())), &url).expect("spawned");
        let started = Instant::now();
        loop {
            if let Ok(text) = std::fs::read_to_string(&out) {
                if text.ends_with('\n') {
                    assert_eq!(text, format!("{url}\n"));
                    break;
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "script never ran"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn failures_are_reported() {
        let url = Url::parse("http://127.0.0.1:9/").expect("url");
        let err = open_with(Some("/nonexistent/browser-xyz"), &url).expect_err("missing");
        assert_eq!(err.code(), "browser_unavailable");
        let err =
            open_with(None, &Url::parse("file:///etc/passwd").expect("url")).expect_err("not http");
        assert_eq!(err.code(), "browser_unavailable");
    }
}

//! The login with a real browser: `open_in_browser` runs `BROWSER`, here a
//! wrapper around headless Chromium (tests/support/headless-browser.sh), which
//! loads the sandbox's authorize page, follows its redirect to the loopback
//! listener and shows the callback page. Its own test binary, because it
//! sets the process-wide `BROWSER` variable.

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use auth::{open_in_browser, CancellationToken};
use sandbox::Consent;

#[tokio::test]
async fn login_through_headless_chromium() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        std::path::Path::new(&chromium).exists(),
        "Chromium is required for this test (set CHROMIUM to its path)"
    );
    let wrapper =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/headless-browser.sh");
    let dir = tempfile::tempdir().expect("tempdir");
    let dom = dir.path().join("page.html");
    // The only test in this binary, so changing the environment races nothing.
    std::env::set_var("BROWSER", format!("sh {}", wrapper.display()));
    std::env::set_var("SWITCHBOARD_TEST_DOM_OUT", &dom);

    let sb = common::sandbox().await;
    sb.set_consent(Consent::Approve {
        location_id: sb.location_id().to_owned(),
    });
    let pending = common::begin(&sb).await;
    open_in_browser(pending.authorize_url()).expect("browser starts");
    let tokens = tokio::time::timeout(
        Duration::from_secs(90),
        pending.finish(CancellationToken::new()),
    )
    .await
    .expect("the browser completed the login in time")
    .expect("signed in");
    assert_eq!(tokens.location_id, sb.location_id());
    assert_eq!(sb.oauth_stats().code_exchanges, 1);

    // What the browser showed.
    let started = Instant::now();
    let page = loop {
        if let Ok(page) = std::fs::read_to_string(&dom) {
            break page;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "Chromium did not finish"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        page.contains(
            "You are signed in to Switchboard. You can close this tab and return to the app."
        ),
        "{page}"
    );
}

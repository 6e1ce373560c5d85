//! Settings → General in the real app (dark theme): the folders shown are the
//! profile's, and a log level chosen there applies at once, without a restart,
//! and is kept in the settings file.

use sandbox::{Sandbox, SandboxConfig};
use switchboard_e2e::{App, Profile};

/// Every log file the app wrote under the profile, concatenated.
fn logs(profile: &Profile) -> String {
    profile
        .files()
        .iter()
        .filter(|f| f.to_string_lossy().contains("switchboard.log"))
        .map(|f| std::fs::read_to_string(f).unwrap_or_default())
        .collect()
}

#[tokio::test]
#[ignore = "end-to-end: needs the built app, Xvfb and tauri-driver; run by scripts/test.sh"]
async fn a_log_level_chosen_in_settings_applies_at_once_and_is_kept() {
    let sandbox = Sandbox::start(SandboxConfig {
        contacts: 40,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let profile = Profile::new("settings");
    // GTK's dark variant makes the web view prefer a dark colour scheme, so
    // the screenshots show the dark theme.
    let app = App::launch_live(
        &sandbox.base_url(),
        &profile,
        &[("GTK_THEME", "Adwaita:dark")],
    )
    .await;
    app.sign_in_with_token(sandbox.location_id(), sandbox.access_token())
        .await;
    assert!(
        !logs(&profile).contains(" DEBUG "),
        "the default level is info"
    );

    app.click("[data-testid=oauth-settings-button]").await;
    app.click("[data-testid=settings-tab-general]").await;
    app.wait_for("[data-testid=general-settings-form]").await;
    let data_dir = profile.path().join("data");
    assert_eq!(
        app.text_content("[data-testid=open-data-folder-path]")
            .await,
        data_dir.display().to_string()
    );
    assert_eq!(
        app.text_content("[data-testid=open-logs-folder-path]")
            .await,
        data_dir.join("logs").display().to_string()
    );
    app.screenshot("settings-general-dark.png").await;

    app.fill("[data-testid=refresh-interval-input]", "0").await;
    app.click("[data-testid=general-settings-save]").await;
    app.wait_for("[data-testid=general-settings-form] [data-testid=field-error]")
        .await;
    app.fill("[data-testid=refresh-interval-input]", "1").await;
    app.wait_for("[data-testid=log-level-select]")
        .await
        .select_by_value("debug")
        .await
        .expect("choose the debug level");
    app.click("[data-testid=general-settings-save]").await;
    app.wait_until("the dialog closes", || async {
        app.texts("[data-testid=settings-dialog]").await.is_empty()
    })
    .await;

    let saved: serde_json::Value = serde_json::from_slice(
        &std::fs::read(profile.path().join("config/app-settings.json")).expect("settings file"),
    )
    .expect("settings JSON");
    assert_eq!(saved["logLevel"], "debug");
    assert_eq!(saved["refreshIntervalMinutes"], 1);

    // A refresh now logs its GHL requests at debug level: the level applied
    // to the running app.
    app.click("[data-testid=refresh-button]").await;
    app.wait_until("debug lines reach the log file", || async {
        logs(&profile).contains("GHL request")
    })
    .await;
    assert!(
        !logs(&profile).contains(sandbox.access_token()),
        "no token in the log at debug level"
    );
    app.close().await;
}

//! Settings → General in the real app (dark theme): the folders shown are the
//! profile's, a log level chosen there applies at once, without a restart,
//! and is kept in the settings file, and the data folder moves (and stays
//! moved after a restart).

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

    app.open_settings("general").await;
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

/// Move… in the running app: the signed-in location's cache goes to a new
/// folder, the list keeps showing its contacts, the old folder is gone, and
/// the next start uses the new folder.
#[tokio::test]
#[ignore = "end-to-end: needs the built app, Xvfb and tauri-driver; run by scripts/test.sh"]
async fn the_data_folder_moves_and_the_next_start_uses_the_new_one() {
    let sandbox = Sandbox::start(SandboxConfig {
        contacts: 40,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let profile = Profile::new("data-move");
    let app = App::launch_live(&sandbox.base_url(), &profile, &[]).await;
    app.sign_in_with_token(sandbox.location_id(), sandbox.access_token())
        .await;
    app.wait_for_download(40).await;
    let old = profile.path().join("data");
    let new = profile.path().join("bigger disk").join("Switchboard data");
    let database = |data: &std::path::Path| {
        data.join("locations")
            .join(sandbox.location_id())
            .join("contacts.sqlite3")
    };
    assert!(database(&old).exists(), "the cache starts in the profile");

    app.open_settings("general").await;
    app.click("[data-testid=move-data-folder]").await;
    // The profile holds the data folder: refused before anything happens.
    app.fill(
        "[data-testid=data-move-target]",
        &profile.path().display().to_string(),
    )
    .await;
    app.click("[data-testid=data-move-continue]").await;
    let refusal = app
        .wait_for("[data-testid=data-move-panel] [data-testid=form-error]")
        .await
        .text()
        .await
        .expect("the refusal");
    assert!(
        refusal.contains("holds the current data folder"),
        "{refusal}"
    );
    app.screenshot("settings-data-move-refused.png").await;
    app.fill("[data-testid=data-move-target]", &new.display().to_string())
        .await;
    app.click("[data-testid=data-move-continue]").await;
    app.wait_for("[data-testid=data-move-confirm]").await;
    let confirmation = app.text_content("[data-testid=data-move-confirm]").await;
    assert!(
        confirmation.contains(&new.display().to_string()),
        "{confirmation}"
    );
    app.screenshot("settings-data-move-confirm.png").await;
    assert!(!new.exists(), "nothing happens before the confirmation");

    app.click("[data-testid=data-move-start]").await;
    app.wait_until("the move ends", || async {
        app.texts("[data-testid=data-move-panel]").await.is_empty()
    })
    .await;
    assert_eq!(
        app.text_content("[data-testid=open-data-folder-path]")
            .await,
        new.display().to_string()
    );
    assert_eq!(
        app.text_content("[data-testid=open-logs-folder-path]")
            .await,
        new.join("logs").display().to_string()
    );
    app.screenshot("settings-data-moved.png").await;
    assert!(database(&new).exists(), "the new folder holds the database");
    assert!(!old.exists(), "the old folder is gone");
    let saved: serde_json::Value = serde_json::from_slice(
        &std::fs::read(profile.path().join("config/app-settings.json")).expect("settings file"),
    )
    .expect("settings JSON");
    assert_eq!(saved["dataDir"], new.display().to_string());

    // The list reads from the moved cache.
    app.click("[data-testid=settings-dialog] .form-actions .button")
        .await;
    app.wait_until("the dialog closes", || async {
        app.texts("[data-testid=settings-dialog]").await.is_empty()
    })
    .await;
    app.wait_for_download(40).await;
    app.wait_for("[data-testid=contact-row]").await;
    assert!(!old.exists(), "nothing writes to the old folder");
    app.close().await;

    let again = App::launch_live(&sandbox.base_url(), &profile, &[]).await;
    again.wait_for("[data-testid=contact-row]").await;
    again.wait_for_download(40).await;
    again.open_settings("general").await;
    again.wait_for("[data-testid=open-data-folder-path]").await;
    assert_eq!(
        again
            .text_content("[data-testid=open-data-folder-path]")
            .await,
        new.display().to_string()
    );
    assert!(!old.exists(), "the next start uses the new folder");
    assert!(
        std::fs::read_to_string(new.join("logs").join("switchboard.log"))
            .expect("the log moved too")
            .contains("data folder moved"),
        "the log file followed the data"
    );
    again.close().await;
}

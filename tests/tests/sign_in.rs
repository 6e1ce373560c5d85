//! A person signs in with HighLevel in the real app: the system browser (headless
//! Chromium here) goes through the sandbox's consent, the app lands signed in with
//! the location's name, the tokens are in the real Secret Service and nowhere
//! else, a restart keeps the sign-in, and signing out removes the tokens.

use auth::{location_key, Credential, KeyringStore, SecretStore};
use sandbox::{Consent, Sandbox, SandboxConfig};
use switchboard_e2e::{headless_browser, App, Profile};

/// Records everything Rust sends back to the page: every IPC answer (result or
/// error) passes through a callback registered in Tauri's `callbacks` map,
/// whose `set` is wrapped here.
const RECORD_IPC: &str = r#"
const callbacks = window.__TAURI_INTERNALS__.callbacks;
const set = callbacks.set.bind(callbacks);
window.__ipcRecord = [];
callbacks.set = (id, callback) =>
  set(id, (data) => {
    window.__ipcRecord.push(JSON.stringify(data));
    return callback(data);
  });
return true;
"#;

async fn ipc_record(app: &App) -> String {
    let record = app
        .client
        .execute("return (window.__ipcRecord || []).join('\\n');", vec![])
        .await
        .expect("read the IPC record");
    record.as_str().unwrap_or_default().to_owned()
}

async fn page_storage(app: &App) -> String {
    let dump = app
        .client
        .execute(
            "return document.documentElement.outerHTML + JSON.stringify(localStorage) + JSON.stringify(sessionStorage);",
            vec![],
        )
        .await
        .expect("read the page");
    dump.as_str().unwrap_or_default().to_owned()
}

/// The header's location name.
async fn active_location_name(app: &App) -> String {
    app.wait_for("[data-testid=active-location-name]").await;
    app.text_content("[data-testid=active-location-name]").await
}

async fn stored_credential(store: &KeyringStore, location_id: &str) -> Option<Credential> {
    let text = store
        .get(&location_key(location_id))
        .await
        .expect("the test's Secret Service answers")?;
    Some(serde_json::from_str(text.expose()).expect("the entry is a credential"))
}

#[tokio::test]
#[ignore = "end-to-end: needs the built app, Xvfb, tauri-driver, Chromium and a Secret Service; run by scripts/test.sh"]
async fn sign_in_with_highlevel_restart_and_sign_out() {
    let sandbox = Sandbox::start(SandboxConfig {
        contacts: 60,
        locations: 2,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    sandbox.set_consent(Consent::Approve {
        location_id: sandbox.location_id().to_owned(),
    });
    let profile = Profile::new("sign-in");
    let client = sandbox.oauth_client();
    // The OAuth app as an IT department would deploy it.
    let app_file = profile.path().join("oauth-app.json");
    std::fs::write(
        &app_file,
        serde_json::json!({
            "clientId": client.client_id,
            "clientSecret": client.client_secret,
            "authorizeUrl": sandbox.authorize_url(),
            "tokenUrl": sandbox.token_url(),
            "scopes": ["contacts.readonly", "locations.readonly", "contacts.write"],
        })
        .to_string(),
    )
    .expect("write the OAuth app file");
    let app_file = app_file.to_string_lossy().into_owned();
    let browser = headless_browser();
    let env = [
        ("SWITCHBOARD_OAUTH_APP_FILE", app_file.as_str()),
        ("BROWSER", browser.as_str()),
    ];
    let keyring = KeyringStore::new(auth::APP_SERVICE);
    let location_id = sandbox.location_id().to_owned();

    let app = App::launch_live(&sandbox.base_url(), &profile, &env).await;
    app.wait_for("[data-testid=sign-in-oauth-button]").await;
    app.screenshot("sign-in.png").await;
    let recording = app.client.execute(RECORD_IPC, vec![]).await;
    assert!(recording.is_ok(), "could not record IPC: {recording:?}");

    app.click("[data-testid=sign-in-oauth-button]").await;
    app.wait_for("[data-testid=contact-row]").await;
    assert_eq!(active_location_name(&app).await, sandbox.location_name());
    assert_eq!(sandbox.oauth_stats().code_exchanges, 1);

    // The pair is in the Secret Service…
    let Some(Credential::OAuth(tokens)) = stored_credential(&keyring, &location_id).await else {
        panic!("no OAuth sign-in in the keyring");
    };
    let secrets = [
        tokens.access_token.expose().to_owned(),
        tokens.refresh_token.expose().to_owned(),
    ];
    // …and nowhere else: not in the web view, nor in any file the app wrote.
    app.click("[data-testid=contact-row]").await;
    app.wait_for("[data-testid=contact-view]").await;
    let seen_by_ui = format!("{}\n{}", ipc_record(&app).await, page_storage(&app).await);
    assert!(
        seen_by_ui.contains("activeLocationId") && seen_by_ui.contains("displayName"),
        "the record holds the session and the contacts: {seen_by_ui:.300}"
    );
    let files = profile.files();
    assert!(
        files.iter().any(|f| f.ends_with("switchboard.log")),
        "the app logs to its profile: {files:?}"
    );
    for secret in &secrets {
        assert!(
            !seen_by_ui.contains(secret.as_str()),
            "a token reached the web view"
        );
        for file in &files {
            let bytes = std::fs::read(file).expect("read a profile file");
            assert!(
                !String::from_utf8_lossy(&bytes).contains(secret.as_str()),
                "a token is in {}",
                file.display()
            );
        }
    }
    app.close().await;

    // A restart opens signed in, on the same location.
    let app = App::launch_live(&sandbox.base_url(), &profile, &env).await;
    app.wait_for("[data-testid=contact-row]").await;
    assert_eq!(active_location_name(&app).await, sandbox.location_name());
    assert_eq!(
        sandbox.oauth_stats().code_exchanges,
        1,
        "no second login was needed"
    );

    // A second location: "Add a location…", its own consent, its own contacts.
    let second = sandbox.locations()[1].clone();
    sandbox.set_consent(Consent::Approve {
        location_id: second.id.clone(),
    });
    app.click("[data-testid=location-switcher]").await;
    app.click("[data-testid=add-location]").await;
    app.click("[data-testid=sign-in-oauth-button]").await;
    app.wait_until("the second location is active", || async {
        active_location_name(&app).await == second.name
    })
    .await;
    app.wait_for("[data-testid=contact-row]").await;
    let second_ids = contact_ids_on_screen(&app).await;
    let second_data = sandbox.dataset_of(&second.id).expect("second dataset");
    {
        let second_data = second_data.read().await;
        assert!(second_ids
            .iter()
            .all(|id| second_data.contacts.iter().any(|c| &c.id == id)));
    }
    assert!(stored_credential(&keyring, &second.id).await.is_some());

    // Switch back from the header.
    app.click("[data-testid=location-switcher]").await;
    app.click(&format!(
        "[data-testid=location-option][data-location-id='{location_id}']"
    ))
    .await;
    app.wait_until("the first location is active again", || async {
        active_location_name(&app).await == sandbox.location_name()
    })
    .await;

    // Sign out of the first, deleting its cache: the second stays signed in.
    app.click("[data-testid=sign-out-button]").await;
    app.click("[data-testid=sign-out-delete-cache]").await;
    app.click("[data-testid=confirm-sign-out]").await;
    app.wait_until(
        "the second location is active after signing out",
        || async { active_location_name(&app).await == second.name },
    )
    .await;
    assert!(
        stored_credential(&keyring, &location_id).await.is_none(),
        "the first location's keyring entry is gone"
    );
    // Then of the second: back to the sign-in screen, no tokens left.
    app.click("[data-testid=sign-out-button]").await;
    app.click("[data-testid=confirm-sign-out]").await;
    app.wait_for("[data-testid=sign-in-screen]").await;
    assert!(stored_credential(&keyring, &second.id).await.is_none());
    app.close().await;
}

async fn contact_ids_on_screen(app: &App) -> Vec<String> {
    let mut ids = Vec::new();
    for row in app
        .client
        .find_all(fantoccini::Locator::Css("[data-testid=contact-row]"))
        .await
        .expect("rows")
    {
        if let Some(id) = row.attr("data-contact-id").await.expect("attribute") {
            ids.push(id);
        }
    }
    assert!(!ids.is_empty(), "rows carry their contact ids");
    ids
}

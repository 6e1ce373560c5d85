//! Offline in the real app: the contacts are downloaded, GoHighLevel goes away,
//! the person still searches, opens a contact and adds a note; when GHL is back
//! the note arrives there exactly once.

use sandbox::{Sandbox, SandboxConfig};
use switchboard_e2e::{App, Profile};

const NOTE: &str = "Left the estimate with the neighbour (written offline).";

#[tokio::test]
#[ignore = "end-to-end: needs the built app, Xvfb and tauri-driver; run by scripts/test.sh"]
async fn search_open_and_add_a_note_offline_then_it_arrives_once() {
    let mut sandbox = Sandbox::start(SandboxConfig {
        contacts: 300,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let data = sandbox.dataset();
    let target = {
        let data = data.read().await;
        data.contacts[123].clone()
    };
    let full_name = format!("{} {}", target.first_name, target.last_name);
    let notes_before = data.read().await.notes_of(&target.id).len();

    let profile = Profile::new("offline");
    let app = App::launch_live(&sandbox.base_url(), &profile, &[]).await;
    app.sign_in_with_token(sandbox.location_id(), sandbox.access_token())
        .await;
    // The first download finishes: the count is the sandbox's.
    app.wait_for_download(300).await;

    // GHL goes away.
    sandbox.stop_serving().await;
    app.click("[data-testid=refresh-button]").await;
    app.wait_for("[data-testid=offline-indicator]").await;

    // Search and open from the cache.
    let search = app.wait_for("[data-testid=contact-search]").await;
    search.send_keys(&full_name).await.expect("type the name");
    let row_css = format!(
        "[data-testid=contact-row][data-contact-id=\"{}\"]",
        target.id
    );
    app.click(&row_css).await;
    app.wait_until("the contact opens from the cache", || async {
        app.texts("[data-testid=contact-view] h2").await == [full_name.clone()]
    })
    .await;
    app.screenshot("offline-contact.png").await;

    // A note, offline: shown at once, waiting in the outbox.
    // Its notes were never fetched on this computer: the section says so and
    // still offers "Add note".
    app.wait_for("[data-testid=notes-offline]").await;
    app.click("[data-testid=add-note-button]").await;
    app.fill("[data-testid=note-form] [name=body]", NOTE).await;
    app.click("[data-testid=note-form-submit]").await;
    app.wait_until("the note shows, waiting to send", || async {
        app.texts("[data-testid=note-item]")
            .await
            .iter()
            .any(|text| text.contains("written offline") && text.contains("Waiting to send"))
    })
    .await;
    app.wait_for("[data-testid=outbox-button]").await;
    app.screenshot("offline-note-waiting.png").await;
    // Offline and with an edit waiting the header holds the most: every
    // control of it stays inside the window, the default one and the
    // narrowest the app allows.
    assert_header_inside_the_window(&app).await;
    app.client
        .set_window_size(960, 700)
        .await
        .expect("narrow the window");
    app.wait_until("the page is as narrow as the window", || async {
        app.client
            .execute("return window.innerWidth;", vec![])
            .await
            .ok()
            .and_then(|width| width.as_u64())
            .is_some_and(|width| width <= 960)
    })
    .await;
    // The window repaints at its new size a moment after the page reflows.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    app.screenshot("offline-narrow-window.png").await;
    assert_header_inside_the_window(&app).await;
    app.client
        .set_window_size(1280, 800)
        .await
        .expect("widen the window again");
    assert_eq!(data.read().await.notes_of(&target.id).len(), notes_before);

    // GHL is back: the outbox is sent, once.
    sandbox
        .resume_serving()
        .await
        .expect("the sandbox serves again");
    app.click("[data-testid=refresh-button]").await;
    app.wait_until("the note reaches GoHighLevel", || async {
        data.read()
            .await
            .notes_of(&target.id)
            .iter()
            .any(|n| n.body == NOTE)
    })
    .await;
    app.wait_until("the outbox is empty and the app online", || async {
        app.texts("[data-testid=outbox-button]").await.is_empty()
            && app
                .texts("[data-testid=offline-indicator]")
                .await
                .is_empty()
    })
    .await;
    // Another refresh sends nothing twice.
    app.click("[data-testid=refresh-button]").await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let data = data.read().await;
    let sent = data
        .notes_of(&target.id)
        .iter()
        .filter(|n| n.body == NOTE)
        .count();
    assert_eq!(sent, 1, "the note arrived exactly once");
    assert_eq!(data.notes_of(&target.id).len(), notes_before + 1);
    drop(data);
    app.wait_until("the note is no longer waiting", || async {
        app.texts("[data-testid=note-item]")
            .await
            .iter()
            .any(|text| text.contains("written offline") && !text.contains("Waiting to send"))
    })
    .await;
    app.screenshot("offline-note-sent.png").await;
    app.close().await;
}

async fn assert_header_inside_the_window(app: &App) {
    let outside = app
        .client
        .execute(
            "return [...document.querySelectorAll('.app-header button')] \
               .filter((b) => b.getBoundingClientRect().right > window.innerWidth) \
               .map((b) => b.getAttribute('aria-label') || b.textContent);",
            vec![],
        )
        .await
        .expect("measure the header");
    assert_eq!(
        outside,
        serde_json::json!([]),
        "header buttons past the window's edge"
    );
}

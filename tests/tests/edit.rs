//! A person creates a contact, works on it and deletes it, in the real app pointed
//! at a sandbox this test holds, so every step is checked in the sandbox's state.

use std::sync::Arc;

use sandbox::{Dataset, Sandbox, SandboxConfig};
use switchboard_e2e::{App, Profile};
use tokio::sync::RwLock;

const EMAIL: &str = "ann.lee.e2e@example.com";

/// Waits until `check` holds for the sandbox's data.
async fn until_sandbox(
    app: &App,
    data: &Arc<RwLock<Dataset>>,
    what: &str,
    check: impl Fn(&Dataset) -> bool,
) {
    app.wait_until(what, || async { check(&*data.read().await) })
        .await;
}

fn contact_id(data: &Dataset) -> Option<String> {
    data.contacts
        .iter()
        .find(|c| c.email.as_deref() == Some(EMAIL))
        .map(|c| c.id.clone())
}

#[tokio::test]
#[ignore = "end-to-end: needs the built app, Xvfb and tauri-driver; run by scripts/test.sh"]
async fn create_work_on_and_delete_a_contact() {
    let sandbox = Sandbox::start(SandboxConfig {
        contacts: 40,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let data = sandbox.dataset();
    let base_url = sandbox.base_url();
    let profile = Profile::new("edit");
    let app = App::launch_live(&base_url, &profile, &[]).await;
    app.sign_in_with_token(sandbox.location_id(), sandbox.access_token())
        .await;

    // Create, with the phone typed the way people type it.
    app.click("[data-testid=new-contact-button]").await;
    app.fill("[data-testid=contact-form] [name=firstName]", "Ann")
        .await;
    app.fill("[data-testid=contact-form] [name=lastName]", "Lee")
        .await;
    app.fill("[data-testid=contact-form] [name=email]", EMAIL)
        .await;
    app.fill("[data-testid=contact-form] [name=phone]", "(303) 555-2368")
        .await;
    app.click("[data-testid=contact-form-submit]").await;
    until_sandbox(&app, &data, "the contact exists", |d| {
        contact_id(d).is_some()
    })
    .await;
    let id = contact_id(&*data.read().await).expect("created");
    assert_eq!(
        data.read()
            .await
            .contact(&id)
            .and_then(|c| c.phone.clone())
            .as_deref(),
        Some("+13035552368")
    );
    app.wait_until("the new contact is open", || async {
        app.texts("[data-testid=contact-view] h2").await == ["Ann Lee"]
    })
    .await;

    // A task, then complete it.
    app.click("[data-testid=add-task-button]").await;
    app.fill(
        "[data-testid=task-form] [name=title]",
        "Call back about the estimate",
    )
    .await;
    app.click("[data-testid=task-form-submit]").await;
    until_sandbox(&app, &data, "the task exists", |d| {
        d.tasks_of(&id)
            .iter()
            .any(|t| t.title == "Call back about the estimate")
    })
    .await;
    // The toggle works once the app has the task's real id back from GHL.
    app.click("[data-testid=task-item]:not([aria-busy=true]) [data-testid=task-toggle]")
        .await;
    until_sandbox(&app, &data, "the task is done", |d| {
        d.tasks_of(&id).iter().all(|t| t.completed)
    })
    .await;

    // A note.
    app.click("[data-testid=add-note-button]").await;
    app.fill(
        "[data-testid=note-form] [name=body]",
        "Prefers calls after 4pm.",
    )
    .await;
    app.click("[data-testid=note-form-submit]").await;
    until_sandbox(&app, &data, "the note exists", |d| {
        d.notes_of(&id)
            .iter()
            .any(|n| n.body == "Prefers calls after 4pm.")
    })
    .await;

    // A tag, added and removed.
    let tag_input = app.wait_for("[data-testid=tag-input]").await;
    tag_input
        .send_keys("vip\u{E007}")
        .await
        .expect("type a tag and Enter");
    until_sandbox(&app, &data, "the tag is on the contact", |d| {
        d.contact(&id)
            .is_some_and(|c| c.tags.iter().any(|t| t == "vip"))
    })
    .await;
    app.click("[data-testid=tag-remove][data-tag=vip]").await;
    until_sandbox(&app, &data, "the tag is gone", |d| {
        d.contact(&id)
            .is_some_and(|c| !c.tags.iter().any(|t| t == "vip"))
    })
    .await;

    // Edit the phone.
    app.click("[data-testid=edit-contact-button]").await;
    app.fill("[data-testid=contact-form] [name=phone]", "720.555.4477")
        .await;
    app.click("[data-testid=contact-form-submit]").await;
    until_sandbox(&app, &data, "the phone is changed", |d| {
        d.contact(&id).and_then(|c| c.phone.clone()).as_deref() == Some("+17205554477")
    })
    .await;
    app.screenshot("contact-edited.png").await;

    // Delete, after confirming.
    app.click("[data-testid=delete-contact-button]").await;
    app.click("[data-testid=confirm-delete-button]").await;
    until_sandbox(&app, &data, "the contact is deleted", |d| {
        d.contact(&id).is_none()
    })
    .await;
    app.close().await;
    sandbox.shutdown().await;
}

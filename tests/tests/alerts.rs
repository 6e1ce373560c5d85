//! Change alerts in the real app: a rule "when a contact's phone changes" set
//! in Settings → Alerts; a phone changed in GoHighLevel (the sandbox) shows up
//! after a refresh as one unread entry in the Activity feed, which opens the
//! contact. The person's own edit of a phone, made in the app, raises none.

use std::sync::Arc;

use sandbox::{Dataset, Sandbox, SandboxConfig};
use switchboard_e2e::{App, Profile};
use tokio::sync::RwLock;

const ACTIVITY: &str = "[data-testid=activity-button]";
const ENTRIES: &str = "[data-testid=activity-feed] [data-testid=activity-entry]";

/// Changes a contact's phone in GoHighLevel, as someone else would.
async fn change_phone_in_ghl(data: &Arc<RwLock<Dataset>>, id: &str, phone: &str) {
    let mut data = data.write().await;
    let contact = data.contact_mut(id).expect("contact");
    contact.phone = Some(phone.to_owned());
    contact.date_updated = time::OffsetDateTime::now_utc();
    data.reindex();
}

async fn unread(app: &App) -> String {
    let button = app.wait_for(ACTIVITY).await;
    button
        .attr("data-unread")
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}

async fn wait_for_unread(app: &App, expected: &str) {
    app.wait_until(&format!("{expected} unread alert(s)"), || async {
        unread(app).await == expected
    })
    .await;
}

#[tokio::test]
#[ignore = "end-to-end: needs the built app, Xvfb and tauri-driver; run by scripts/test.sh"]
async fn a_phone_changed_in_ghl_is_one_alert_and_my_own_edit_none() {
    let sandbox = Sandbox::start(SandboxConfig {
        contacts: 40,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let data = sandbox.dataset();
    let (changed, other) = {
        let data = data.read().await;
        (data.contacts[5].clone(), data.contacts[9].clone())
    };
    let changed_name = format!("{} {}", changed.first_name, changed.last_name);
    let other_name = format!("{} {}", other.first_name, other.last_name);

    let profile = Profile::new("alerts");
    let app = App::launch_live(&sandbox.base_url(), &profile, &[]).await;
    app.sign_in_with_token(sandbox.location_id(), sandbox.access_token())
        .await;
    app.wait_for_download(40).await;
    assert_eq!(unread(&app).await, "0");

    // The rule, in Settings → Alerts.
    app.open_settings("alerts").await;
    app.click("[data-testid=alert-field] option[value=phone]")
        .await;
    app.click("[data-testid=alert-rule-save]").await;
    app.wait_until("the rule is listed", || async {
        let rule = app.text_content("[data-testid=alert-rule]").await;
        rule.contains("Phone changes") && rule.contains("All contacts")
    })
    .await;
    app.screenshot("alerts-rules.png").await;
    app.click("[data-testid=settings-dialog] .modal-header button")
        .await;

    // Someone changes the phone in GoHighLevel; the person refreshes.
    change_phone_in_ghl(&data, &changed.id, "+13035550177").await;
    app.click("[data-testid=refresh-button]").await;
    wait_for_unread(&app, "1").await;

    app.click(ACTIVITY).await;
    app.wait_for(ENTRIES).await;
    let entries = app.texts(ENTRIES).await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert!(entries[0].contains(&changed_name), "{}", entries[0]);
    assert!(entries[0].contains("+1 (303) 555-0177"), "{}", entries[0]);
    app.screenshot("alerts-feed.png").await;

    // The entry opens its contact and counts as read.
    app.click(ENTRIES).await;
    app.wait_until("the contact opens", || async {
        app.texts("[data-testid=contact-view] h2").await == [changed_name.clone()]
    })
    .await;
    wait_for_unread(&app, "0").await;

    // The person edits the phone in the app: GoHighLevel gets it...
    app.click("[data-testid=edit-contact-button]").await;
    app.fill("[data-testid=contact-form] [name=phone]", "720.555.4477")
        .await;
    app.click("[data-testid=contact-form-submit]").await;
    app.wait_until("GoHighLevel has the edit", || async {
        data.read()
            .await
            .contact(&changed.id)
            .and_then(|c| c.phone.clone())
            .as_deref()
            == Some("+17205554477")
    })
    .await;
    // ...and meanwhile someone changes another contact's phone. One refresh
    // brings both; only the other contact's change is an alert.
    change_phone_in_ghl(&data, &other.id, "+13035550188").await;
    app.click("[data-testid=refresh-button]").await;
    wait_for_unread(&app, "1").await;
    app.click(ACTIVITY).await;
    app.wait_until("the feed shows both alerts", || async {
        app.texts(ENTRIES).await.len() == 2
    })
    .await;
    let entries = app.texts(ENTRIES).await;
    assert!(entries[0].contains(&other_name), "{entries:?}");
    assert!(
        entries.iter().all(|e| !e.contains("+17205554477")),
        "no alert for the person's own edit: {entries:?}"
    );
    app.screenshot("alerts-feed-after-own-edit.png").await;

    app.close().await;
}

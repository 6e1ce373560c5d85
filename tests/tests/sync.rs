//! Click to sync in the real app, against a GHL sandbox and an HCP sandbox the
//! test holds: an HCP customer becomes a GHL contact with its follow-up task;
//! a phone changed in HCP and an email changed in GHL both arrive on the other
//! side; the same field changed differently on both is a conflict resolved by
//! the choice made.

use sandbox::hcp::{seed_contacts_from_dataset, HcpConfig, HcpSandbox, SeedMatch};
use sandbox::{Sandbox, SandboxConfig};
use switchboard_e2e::{App, Profile};

/// Opens the sync dialog from the open customer or contact, waits for the
/// preview, and returns its text.
async fn open_sync(app: &App, from: &str) -> String {
    app.click(&format!("{from} [data-testid=sync-button]"))
        .await;
    app.wait_for("[data-testid=sync-apply-button]").await;
    app.text_content("[data-testid=sync-dialog]").await
}

async fn apply_sync(app: &App) -> String {
    app.click("[data-testid=sync-apply-button]").await;
    app.wait_for("[data-testid=sync-result]").await;
    let result = app.text_content("[data-testid=sync-result]").await;
    app.click("[data-testid=sync-done-button]").await;
    app.wait_until("the sync dialog closes", || async {
        app.texts("[data-testid=sync-dialog]").await.is_empty()
    })
    .await;
    result
}

#[tokio::test]
#[ignore = "end-to-end: needs the built app, Xvfb and tauri-driver; run by scripts/test.sh"]
async fn sync_a_customer_merge_both_sides_and_resolve_a_conflict() {
    let ghl = Sandbox::start(SandboxConfig {
        contacts: 40,
        ..SandboxConfig::default()
    })
    .await
    .expect("GHL sandbox");
    let matching = seed_contacts_from_dataset(&*ghl.dataset().read().await);
    let hcp = HcpSandbox::start(HcpConfig {
        customers: 30,
        seed: 7,
        ghl_contacts: matching,
        port: 0,
        anchor: None,
    })
    .await
    .expect("HCP sandbox");
    let customer = hcp
        .seeded_matches()
        .iter()
        .filter(|m| m.relation == SeedMatch::NoMatch)
        .filter_map(|m| hcp.customer(&m.customer_id))
        .find(|c| c.email.is_some() && c.first_name.is_some() && c.last_name.is_some())
        .expect("a customer no GHL contact matches");
    let email = customer.email.clone().expect("email");
    let name = format!(
        "{} {}",
        customer.first_name.as_deref().unwrap_or_default(),
        customer.last_name.as_deref().unwrap_or_default()
    );

    let profile = Profile::new("sync");
    let hcp_url = hcp.base_url();
    let app = App::launch_live(
        &ghl.base_url(),
        &profile,
        &[("SWITCHBOARD_HCP_BASE_URL", hcp_url.as_str())],
    )
    .await;
    app.sign_in_with_token(ghl.location_id(), ghl.access_token())
        .await;

    // The HCP key, in Settings: checked, then kept in the keyring.
    app.open_settings("hcp").await;
    app.fill("[data-testid=hcp-key-form] [name=apiKey]", hcp.api_key())
        .await;
    app.click("[data-testid=hcp-key-form] button[type=submit]")
        .await;
    app.wait_for("[data-testid=hcp-status][data-configured=true]")
        .await;
    app.screenshot("sync-settings.png").await;
    app.click("dialog[open] button[aria-label=Close]").await;

    // Find the customer in the HCP panel and sync it to GHL.
    app.click("[data-testid=hcp-tab]").await;
    app.fill("[data-testid=hcp-search]", &name).await;
    app.click(&format!(
        "[data-testid=hcp-customer-row][data-customer-id='{}']",
        customer.id
    ))
    .await;
    app.wait_for("[data-testid=hcp-customer-view]").await;
    let preview = open_sync(&app, "[data-testid=hcp-customer-view]").await;
    assert!(preview.contains("Call to welcome"), "{preview}");
    app.wait_for("[data-testid=sync-change][data-side=ghl][data-field=email]")
        .await;
    app.screenshot("sync-preview-new.png").await;
    let result = apply_sync(&app).await;
    assert!(!result.is_empty());
    let data = ghl.dataset();
    let contact_id = {
        let data = data.read().await;
        let created: Vec<_> = data
            .contacts
            .iter()
            .filter(|c| c.email.as_deref().map(str::to_lowercase) == Some(email.to_lowercase()))
            .collect();
        assert_eq!(created.len(), 1, "exactly one GHL contact");
        let id = created[0].id.clone();
        let tasks: Vec<_> = data.tasks_of(&id).iter().map(|t| t.title.clone()).collect();
        assert_eq!(tasks, ["Call to welcome"], "the follow-up task");
        id
    };

    // A phone changed in HCP, an email changed in GHL: both merged.
    hcp.update_customer_field(&customer.id, "mobile_number", Some("(720) 555-0199"))
        .expect("HCP edit");
    {
        let mut data = data.write().await;
        let contact = data.contact_mut(&contact_id).expect("contact");
        contact.email = Some("changed.in.ghl@example.com".into());
        contact.date_updated = time::OffsetDateTime::now_utc();
        data.reindex();
    }
    open_sync(&app, "[data-testid=hcp-customer-view]").await;
    app.wait_for("[data-testid=sync-change][data-side=ghl][data-field=phone]")
        .await;
    app.wait_for("[data-testid=sync-change][data-side=hcp][data-field=email]")
        .await;
    app.screenshot("sync-preview-both.png").await;
    apply_sync(&app).await;
    {
        let data = data.read().await;
        let contact = data.contact(&contact_id).expect("contact");
        assert_eq!(contact.phone.as_deref(), Some("+17205550199"));
        assert_eq!(
            data.contacts.iter().filter(|c| c.id == contact_id).count(),
            1
        );
        assert_eq!(data.tasks_of(&contact_id).len(), 1, "no second task");
    }
    assert_eq!(
        hcp.customer(&customer.id).and_then(|c| c.email).as_deref(),
        Some("changed.in.ghl@example.com")
    );

    // The same field changed differently on both sides: a conflict, resolved
    // by keeping Housecall Pro's value.
    hcp.update_customer_field(&customer.id, "first_name", Some("Annabel"))
        .expect("HCP edit");
    {
        let mut data = data.write().await;
        let contact = data.contact_mut(&contact_id).expect("contact");
        contact.first_name = "Annie".into();
        contact.date_updated = time::OffsetDateTime::now_utc();
        data.reindex();
    }
    open_sync(&app, "[data-testid=hcp-customer-view]").await;
    app.click("[data-testid=sync-conflict][data-field=first_name] input[value=hcp]")
        .await;
    app.screenshot("sync-conflict.png").await;
    apply_sync(&app).await;
    assert_eq!(
        data.read()
            .await
            .contact(&contact_id)
            .map(|c| c.first_name.clone())
            .as_deref(),
        Some("Annabel")
    );
    assert_eq!(
        hcp.customer(&customer.id)
            .and_then(|c| c.first_name)
            .as_deref(),
        Some("Annabel")
    );

    // The linked contact shows its HCP side and the sync log.
    app.click("[data-testid=open-ghl-contact]").await;
    app.wait_for("[data-testid=hcp-side]").await;
    app.wait_until("the sync log lists the changes", || async {
        app.text_content("[data-testid=sync-log]")
            .await
            .contains("Annabel")
    })
    .await;
    app.screenshot("sync-contact.png").await;
    app.close().await;
}

//! A person opens Switchboard in demo mode, finds a customer and reads their
//! tasks, notes and appointments. The expected data comes from the same seeded
//! sandbox the app runs in-process.

use switchboard_e2e::{App, Profile};

#[tokio::test]
#[ignore = "end-to-end: needs the built app, Xvfb and tauri-driver; run by scripts/test.sh"]
async fn search_a_contact_and_see_its_tasks_notes_and_appointments() {
    let config = sandbox::SandboxConfig::default();
    let dataset = sandbox::seed(&config, time::OffsetDateTime::now_utc());

    // A contact with something in every section, whose full name is unique.
    let target = dataset
        .contacts
        .iter()
        .find(|contact| {
            let name = format!("{} {}", contact.first_name, contact.last_name);
            !dataset.tasks_of(&contact.id).is_empty()
                && !dataset.notes_of(&contact.id).is_empty()
                && !dataset.appointments_of(&contact.id).is_empty()
                && dataset
                    .contacts
                    .iter()
                    .filter(|other| format!("{} {}", other.first_name, other.last_name) == name)
                    .count()
                    == 1
        })
        .expect("the demo data has a fully populated contact");
    let full_name = format!("{} {}", target.first_name, target.last_name);

    let profile = Profile::new("browse");
    let app = App::launch_demo(&[], &profile).await;
    let badge = app.wait_for("[data-testid=demo-badge]").await;
    assert_eq!(badge.text().await.expect("badge text").trim(), "Demo");
    app.wait_for("[data-testid=contact-row]").await;
    app.screenshot("contact-list.png").await;

    let search = app.wait_for("[data-testid=contact-search]").await;
    search.send_keys(&full_name).await.expect("type the name");
    let row_css = format!(
        "[data-testid=contact-row][data-contact-id=\"{}\"]",
        target.id
    );
    let row = app.wait_for(&row_css).await;
    row.click().await.expect("open the contact");

    let heading = app.wait_for("[data-testid=contact-view] h2").await;
    assert_eq!(heading.text().await.expect("heading").trim(), full_name);

    let mut expected_tasks: Vec<String> = dataset
        .tasks_of(&target.id)
        .iter()
        .map(|task| task.title.clone())
        .collect();
    expected_tasks.sort();
    app.wait_until("every task is listed", || async {
        let shown = app.texts("[data-testid=task-item]").await;
        shown.len() == expected_tasks.len()
            && expected_tasks
                .iter()
                .all(|title| shown.iter().any(|text| text.contains(title.as_str())))
    })
    .await;

    let expected_notes = dataset.notes_of(&target.id);
    app.wait_until("every note is listed", || async {
        let shown = app.texts("[data-testid=note-item]").await;
        shown.len() == expected_notes.len()
            && expected_notes.iter().all(|note| {
                // Compare on the first line: the UI keeps line breaks but may wrap.
                let first_line = note.body.lines().next().unwrap_or_default().trim();
                shown.iter().any(|text| text.contains(first_line))
            })
    })
    .await;

    let expected_appointments = dataset.appointments_of(&target.id);
    app.wait_until("every appointment is listed", || async {
        let shown = app.texts("[data-testid=appointment-item]").await;
        shown.len() == expected_appointments.len()
            && expected_appointments
                .iter()
                .all(|event| shown.iter().any(|text| text.contains(event.title.as_str())))
    })
    .await;

    // Nothing on screen is raw data or a placeholder.
    let body = app.page_text().await;
    for leftover in [
        "null",
        "undefined",
        "Invalid Date",
        "NaN",
        "[object Object]",
    ] {
        assert!(!body.contains(leftover), "the page shows {leftover:?}");
    }
    app.screenshot("contact-detail.png").await;
    app.close().await;
}

#[tokio::test]
#[ignore = "end-to-end: needs the built app, Xvfb and tauri-driver; run by scripts/test.sh"]
async fn a_search_without_matches_says_so() {
    let profile = Profile::new("browse-empty");
    let app = App::launch_demo(&[], &profile).await;
    app.wait_for("[data-testid=contact-row]").await;

    // Support staff can list with GHL's deprecated GET /contacts/ instead.
    app.click("[data-testid=list-source] option[value=legacy]")
        .await;
    app.wait_for("[data-testid=legacy-list-note]").await;
    app.wait_for("[data-testid=contact-row]").await;
    app.click("[data-testid=list-source] option[value=search]")
        .await;
    app.wait_until("the note is gone", || async {
        app.texts("[data-testid=legacy-list-note]").await.is_empty()
    })
    .await;
    app.wait_for("[data-testid=contact-row]").await;
    let search = app.wait_for("[data-testid=contact-search]").await;
    search
        .send_keys("zzqx-nobody-has-this-name")
        .await
        .expect("type");
    app.wait_until("the list is empty", || async {
        app.texts("[data-testid=contact-row]").await.is_empty()
    })
    .await;
    let count = app.text_content("[data-testid=contact-count]").await;
    assert!(count.contains("No contacts match"), "{count}");
    let body = app.page_text().await;
    assert!(body.contains("Try a different name"), "{body}");
    app.screenshot("no-match.png").await;
    app.close().await;
}

#[tokio::test]
#[ignore = "end-to-end: needs the built app, Xvfb and tauri-driver; run by scripts/test.sh"]
async fn with_read_only_access_editing_is_disabled_and_says_why() {
    let profile = Profile::new("browse-read-only");
    let app = App::launch_demo(&["--read-only"], &profile).await;
    app.wait_for("[data-testid=read-only-badge]").await;
    app.click("[data-testid=contact-row]").await;
    let edit = app.wait_for("[data-testid=edit-contact-button]").await;
    assert_eq!(
        edit.attr("disabled").await.expect("attribute").as_deref(),
        Some("true"),
        "Edit is disabled"
    );
    let why = edit
        .attr("title")
        .await
        .expect("attribute")
        .unwrap_or_default();
    assert!(why.contains("read-only"), "the tooltip says why: {why:?}");
    let new_contact = app.wait_for("[data-testid=new-contact-button]").await;
    assert_eq!(
        new_contact
            .attr("disabled")
            .await
            .expect("attribute")
            .as_deref(),
        Some("true")
    );
    app.close().await;
}

//! Importing a Houzz Pro client list in the real app, against a GHL sandbox
//! the test holds: the columns (in an unusual order, with unusual names) are
//! recognised, the two bad rows are shown in the preview and not sent, the
//! good ones become contacts tagged `houzz-pro`, and importing the same file
//! again creates nothing.

use sandbox::{Sandbox, SandboxConfig};
use switchboard_e2e::{App, Profile};

const CLIENTS: &str = "\
Mobile,Project Notes,Client Name,Street Address,E-mail,Zip
(720) 555-0761,Kitchen remodel,Imogen Houzz,\"12 Larimer St, Unit 4\",imogen@houzz-e2e.test,80202
720.555.0762,,\"Quill, Barnaby\",9 Pearl St,barnaby@houzz-e2e.test,80203
,Bath,Ottilie Marsh,,ottilie@houzz-e2e.test,
720-555-0764,\"Deck, phase 2\",Rufus Penhaligon,\"300 Blake St, Denver\",,80205
720-555-0765,,Bad Email,,not-an-email,80206
,Only a note,,,,80207
";
const GOOD_ROWS: u32 = 4;

async fn attr(app: &App, css: &str, name: &str) -> String {
    app.wait_for(css)
        .await
        .attr(name)
        .await
        .expect("read an attribute")
        .unwrap_or_default()
}

/// The chosen option of every `<select>` matching `css`.
async fn select_values(app: &App, css: &str) -> Vec<String> {
    let mut values = Vec::new();
    for select in app
        .client
        .find_all(fantoccini::Locator::Css(css))
        .await
        .expect("find the selects")
    {
        values.push(
            select
                .prop("value")
                .await
                .ok()
                .flatten()
                .unwrap_or_default(),
        );
    }
    values
}

/// From the first step to the summary; returns the summary's counts.
async fn import_file(app: &App, path: &std::path::Path) -> (u32, u32, u32) {
    let input = app.wait_for("[data-testid=import-file]").await;
    input
        .send_keys(&path.to_string_lossy())
        .await
        .expect("choose the file");
    app.wait_for("[data-testid=import-mapping]").await;
    app.click("[data-testid=import-next]").await;
    app.wait_for("[data-testid=import-rows]").await;
    app.click("[data-testid=import-start]").await;
    app.wait_for("[data-testid=import-summary]").await;
    let count = |name: &'static str| async move {
        attr(app, "[data-testid=import-summary]", name)
            .await
            .parse::<u32>()
            .expect("a count")
    };
    (
        count("data-created").await,
        count("data-skipped").await,
        count("data-failed").await,
    )
}

#[tokio::test]
#[ignore = "end-to-end: needs the built app, Xvfb and tauri-driver; run by scripts/test.sh"]
async fn import_a_houzz_pro_list_twice_creates_its_contacts_once() {
    let ghl = Sandbox::start(SandboxConfig {
        contacts: 30,
        ..SandboxConfig::default()
    })
    .await
    .expect("GHL sandbox");
    let profile = Profile::new("import");
    let file = profile.path().join("Houzz Pro clients.csv");
    std::fs::write(&file, CLIENTS).expect("write the client list");

    let app = App::launch_live(&ghl.base_url(), &profile, &[]).await;
    app.sign_in_with_token(ghl.location_id(), ghl.access_token())
        .await;
    app.click("[data-testid=import-button]").await;

    // Columns recognised by their names, whatever their order.
    let input = app.wait_for("[data-testid=import-file]").await;
    input
        .send_keys(&file.to_string_lossy())
        .await
        .expect("choose the file");
    app.wait_for("[data-testid=import-mapping]").await;
    let fields = select_values(&app, "[data-testid=import-column-field]").await;
    assert_eq!(
        fields,
        [
            "phone",
            "ignore",
            "fullName",
            "address",
            "email",
            "postalCode"
        ]
    );
    assert_eq!(
        attr(&app, "[data-testid=import-counts]", "data-problems").await,
        "2"
    );
    app.screenshot("import-mapping.png").await;

    // The preview shows both bad rows with their reasons.
    app.click("[data-testid=import-next]").await;
    app.wait_for("[data-testid=import-rows]").await;
    let problems = app.texts("[data-testid=import-row-problems]").await;
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].contains("not a valid email address"),
        "{problems:?}"
    );
    assert!(problems[1].contains("no contact to import"), "{problems:?}");
    app.screenshot("import-preview.png").await;

    app.click("[data-testid=import-start]").await;
    app.wait_for("[data-testid=import-summary]").await;
    // The web view paints the summary a moment after it is in the DOM.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    app.screenshot("import-summary.png").await;
    let summary = "[data-testid=import-summary]";
    assert_eq!(
        attr(&app, summary, "data-created").await,
        GOOD_ROWS.to_string()
    );
    assert_eq!(attr(&app, summary, "data-failed").await, "2");
    {
        let data = ghl.dataset();
        let data = data.read().await;
        let imogen = data.find_by_email("imogen@houzz-e2e.test").expect("Imogen");
        assert_eq!(imogen.first_name, "Imogen");
        assert_eq!(imogen.address1, "12 Larimer St, Unit 4");
        assert!(
            imogen.tags.iter().any(|t| t == "houzz-pro"),
            "{:?}",
            imogen.tags
        );
        let rufus = data.find_by_phone("+17205550764").expect("Rufus, by phone");
        assert!(rufus.tags.iter().any(|t| t == "houzz-pro"));
        assert!(
            data.find_by_phone("+17205550765").is_none(),
            "a bad row was sent"
        );
    }

    // The same file again: everything is found, nothing is created.
    app.click("[data-testid=import-another]").await;
    let (created, skipped, failed) = import_file(&app, &file).await;
    assert_eq!((created, skipped, failed), (0, GOOD_ROWS, 2));
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    app.screenshot("import-summary-again.png").await;
    app.click("[data-testid=import-done]").await;

    // The new contacts are in the app's list (its names clip with an
    // ellipsis, which WebKitWebDriver's text leaves out: read textContent).
    app.fill("[data-testid=contact-search]", "Imogen").await;
    app.wait_until("Imogen is listed", || async {
        app.text_content("body").await.contains("Imogen Houzz")
    })
    .await;
    app.close().await;
}

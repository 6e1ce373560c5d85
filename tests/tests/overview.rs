//! The overview in the real app: a task that became overdue earlier today is
//! listed under "Overdue tasks" without its contact ever being opened (the
//! background walk fetches every contact's tasks after the first download,
//! showing its progress); Enter on it (keyboard) opens the contact and Esc
//! comes back.

use fantoccini::key::Key;
use sandbox::{Sandbox, SandboxConfig, Task};
use switchboard_e2e::{App, Locator, Profile};

const TITLE: &str = "Call back about the boiler quote";
const OVERDUE_ITEMS: &str = "[data-testid=overview-overdue] [data-testid=overview-item]";

/// The text of every item matching `css` (`textContent`: WebKitWebDriver reads
/// no text from an element that ends in an ellipsis).
async fn item_texts(app: &App, css: &str) -> Vec<String> {
    let texts = app
        .client
        .execute(
            "return [...document.querySelectorAll(arguments[0])].map((e) => e.textContent);",
            vec![serde_json::Value::String(css.to_owned())],
        )
        .await
        .expect("read the items");
    serde_json::from_value(texts).expect("a list of texts")
}

#[tokio::test]
#[ignore = "end-to-end: needs the built app, Xvfb and tauri-driver; run by scripts/test.sh"]
async fn an_overdue_task_of_today_opens_its_contact_from_the_overview() {
    let sandbox = Sandbox::start(SandboxConfig {
        contacts: 300,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let data = sandbox.dataset();
    // Changed in GHL a minute ago: the most recently updated contact, which
    // the walk fetches first (GHL's real rate limit makes the whole walk of
    // 300 contacts take minutes).
    {
        let mut data = data.write().await;
        data.contacts[42].date_updated =
            time::OffsetDateTime::now_utc() - time::Duration::minutes(1);
        data.reindex();
    }
    let target = data.read().await.contacts[42].clone();
    let full_name = format!("{} {}", target.first_name, target.last_name);
    // Due a minute and a half ago: overdue since earlier today.
    data.write().await.tasks_of_mut(&target.id).push(Task {
        id: "overview-e2e-task".into(),
        contact_id: target.id.clone(),
        title: TITLE.into(),
        body: String::new(),
        assigned_to: None,
        due_date: time::OffsetDateTime::now_utc() - time::Duration::seconds(90),
        completed: false,
    });

    let profile = Profile::new("overview");
    let app = App::launch_live(&sandbox.base_url(), &profile, &[]).await;
    app.sign_in_with_token(sandbox.location_id(), sandbox.access_token())
        .await;
    app.wait_for_download(300).await;

    // Nothing is open: the overview is the first thing shown, and the walk
    // of every contact's tasks and appointments shows how far it is.
    app.wait_for(
        "[data-testid=overview] [data-testid=overview-recent] [data-testid=overview-item]",
    )
    .await;
    app.wait_for("[data-testid=overview-walk-progress]").await;
    let scope = app.text_content("[data-testid=overview-scope]").await;
    assert!(
        scope.contains("Checking tasks and appointments:") && scope.contains("of 300 contacts"),
        "{scope}"
    );
    app.screenshot("overview-walk.png").await;

    // The contact was never opened: the walk fetched its tasks.
    app.wait_until("the overview lists the task under Overdue", || async {
        item_texts(&app, OVERDUE_ITEMS)
            .await
            .iter()
            .any(|text| text.contains(TITLE) && text.contains(&full_name))
    })
    .await;
    app.screenshot("overview.png").await;

    // Keyboard: to the task with the arrows, Enter opens its contact.
    let items = item_texts(&app, OVERDUE_ITEMS).await;
    let index = items
        .iter()
        .position(|text| text.contains(TITLE))
        .expect("the task is listed");
    let list = app
        .client
        .find(Locator::Css(
            "[data-testid=overview-overdue] [role=listbox]",
        ))
        .await
        .expect("the overdue list");
    // Keys sent to the list focus it first; Home starts at its first item.
    list.send_keys(&String::from(char::from(Key::Home)))
        .await
        .expect("focus the list");
    for _ in 0..index {
        list.send_keys(&String::from(char::from(Key::Down)))
            .await
            .expect("arrow down");
    }
    list.send_keys(&String::from(char::from(Key::Enter)))
        .await
        .expect("Enter");
    app.wait_until("the contact opens", || async {
        app.texts("[data-testid=contact-view] h2").await == [full_name.clone()]
    })
    .await;
    assert!(
        app.texts("[data-testid=overview]")
            .await
            .iter()
            .all(String::is_empty),
        "the overview is hidden while a contact is open"
    );

    // Esc (focus is in the contact view) comes back to the overview.
    let focused = app.client.active_element().await.expect("focused element");
    focused
        .send_keys(&String::from(char::from(Key::Escape)))
        .await
        .expect("Esc");
    app.wait_until("the overview is back", || async {
        app.texts("[data-testid=contact-view]").await.is_empty()
            && item_texts(&app, OVERDUE_ITEMS)
                .await
                .iter()
                .any(|text| text.contains(TITLE))
    })
    .await;
    app.screenshot("overview-back.png").await;
    app.close().await;
}

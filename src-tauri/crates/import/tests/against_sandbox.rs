//! The import against the GHL sandbox on 127.0.0.1: what a person does with
//! a Houzz Pro export, end to end below the app.

use std::time::Duration;

use import::{
    guess_mapping, map_rows, read_table, run, FollowUp, MapOptions, MappedRow, RunOptions, Stop,
    Summary,
};
use sandbox::{RateLimitConfig, Sandbox, SandboxConfig};
use tokio_util::sync::CancellationToken;

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        contacts: 20,
        rate_limit: RateLimitConfig::unlimited(),
        ..Default::default()
    })
    .await
    .expect("sandbox")
}

fn client(sb: &Sandbox) -> ghl::Client {
    let retry = ghl::RetryPolicy {
        max_attempts: 2,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        max_rate_limit_wait: Duration::from_secs(5),
    };
    ghl::Client::new(
        ghl::ClientConfig::new(url::Url::parse(&sb.base_url()).unwrap(), sb.location_id())
            .with_retry_policy(retry)
            .with_timeout(Duration::from_secs(5)),
        ghl::AccessToken::new(sb.access_token().to_owned()),
    )
    .expect("client")
}

fn rows_of(bytes: &[u8]) -> Vec<MappedRow> {
    let table = read_table(bytes).expect("readable");
    let mapping = guess_mapping(&table.headers);
    map_rows(
        &table.headers,
        &table.rows,
        &mapping,
        &MapOptions::default(),
    )
    .unwrap()
}

async fn import(client: &ghl::Client, rows: &[MappedRow], options: &RunOptions) -> Summary {
    run(
        client,
        rows,
        options,
        &CancellationToken::new(),
        |_, _| {},
        |_| {},
    )
    .await
}

const HOUZZ: &str = "\
Mobile,Client Name,Street Address,E-mail,Zip,Tags
(720) 555-0701,Ada Lovelace,\"1 Analytical Way, Suite 2\",ada@houzz-test.io,80202,kitchen
720.555.0702,\"Hopper, Grace\",2 Compiler Ct,grace@houzz-test.io,80203,
,Alan Turing,,alan@houzz-test.io,,
720-555-0704,Bad Email,,not-an-email,,
,,,,80210,
";

#[tokio::test]
async fn importing_twice_creates_once_and_bad_rows_are_reported_not_sent() {
    let sb = sandbox().await;
    let client = client(&sb);
    let before = sb.dataset().read().await.contacts.len();
    let rows = rows_of(HOUZZ.as_bytes());
    let options = RunOptions {
        follow_up: Some(FollowUp {
            title: "Call about the Houzz project".to_owned(),
            due_in_days: 2,
        }),
        ..RunOptions::default()
    };

    let mut progress_seen = Vec::new();
    let first = run(
        &client,
        &rows,
        &options,
        &CancellationToken::new(),
        |_, _| {},
        |p| progress_seen.push(p.done),
    )
    .await;
    assert_eq!(first.stopped, None);
    assert_eq!(
        (
            first.progress.created,
            first.progress.updated,
            first.progress.unchanged,
            first.progress.failed
        ),
        (3, 0, 0, 2)
    );
    assert_eq!(first.progress.done, 5);
    assert_eq!(progress_seen.first(), Some(&0));
    assert_eq!(progress_seen.last(), Some(&5));
    let lines: Vec<usize> = first.failures.iter().map(|f| f.line).collect();
    assert_eq!(lines, [5, 6]);
    assert!(first.failures[0].reason.contains("Email"));

    {
        let data = sb.dataset();
        let data = data.read().await;
        assert_eq!(data.contacts.len(), before + 3, "bad rows are not sent");
        let ada = data.find_by_email("ada@houzz-test.io").expect("ada");
        assert_eq!(ada.first_name, "Ada");
        assert_eq!(ada.phone.as_deref(), Some("+17205550701"));
        assert_eq!(ada.address1, "1 Analytical Way, Suite 2");
        assert!(ada.tags.contains(&"houzz-pro".to_owned()));
        assert!(ada.tags.contains(&"kitchen".to_owned()));
        let tasks = data.tasks_of(&ada.id);
        assert_eq!(tasks.len(), 1);
        assert_eq!(tasks[0].title, "Call about the Houzz project");
        let grace = data.find_by_email("grace@houzz-test.io").expect("grace");
        assert_eq!(
            (grace.first_name.as_str(), grace.last_name.as_str()),
            ("Grace", "Hopper")
        );
        assert!(data.find_by_phone("+17205550704").is_none());
    }

    let second = import(&client, &rows, &options).await;
    assert_eq!(
        (
            second.progress.created,
            second.progress.updated,
            second.progress.unchanged,
            second.progress.failed
        ),
        (0, 0, 3, 2)
    );
    let data = sb.dataset();
    let data = data.read().await;
    assert_eq!(data.contacts.len(), before + 3);
    let ada = data.find_by_email("ada@houzz-test.io").unwrap();
    assert_eq!(data.tasks_of(&ada.id).len(), 1, "no second follow-up task");
}

#[tokio::test]
async fn an_existing_contact_gets_only_what_changed_and_no_import_tags() {
    let sb = sandbox().await;
    let client = client(&sb);
    let (id, email, old_city) = {
        let data = sb.dataset();
        let data = data.read().await;
        let c = data.contacts.iter().find(|c| c.email.is_some()).unwrap();
        (c.id.clone(), c.email.clone().unwrap(), c.city.clone())
    };
    let csv = format!("Email,City,Tags\n{email},Boulder Springs,returning\n");
    let rows = rows_of(csv.as_bytes());
    let summary = import(&client, &rows, &RunOptions::default()).await;
    assert_eq!(summary.progress.updated, 1, "{summary:?}");
    let data = sb.dataset();
    let data = data.read().await;
    let c = data.contact(&id).unwrap();
    assert_ne!(old_city, "Boulder Springs");
    assert_eq!(c.city, "Boulder Springs");
    assert!(c.tags.contains(&"returning".to_owned()));
    assert!(
        !c.tags.contains(&"houzz-pro".to_owned()),
        "tags are for new contacts"
    );
    assert!(data.tasks_of(&id).iter().all(|t| t.title != "Follow up"));
}

#[tokio::test]
async fn windows_1252_bom_and_xlsx_files_import_the_same_contact() {
    let sb = sandbox().await;
    let client = client(&sb);

    let cp1252 = b"Company;First Name;Email\nCaf\xE9 Mod\xE8le;Ren\xE9e;renee@houzz-test.io\n";
    let summary = import(&client, &rows_of(cp1252), &RunOptions::default()).await;
    assert_eq!(summary.progress.created, 1);
    {
        let data = sb.dataset();
        let data = data.read().await;
        let c = data.find_by_email("renee@houzz-test.io").unwrap();
        assert_eq!(c.company_name.as_deref(), Some("Café Modèle"));
        assert_eq!(c.first_name, "Renée");
    }

    let bom = "\u{FEFF}First Name,Email\nRenée,renee@houzz-test.io\n";
    let summary = import(&client, &rows_of(bom.as_bytes()), &RunOptions::default()).await;
    assert_eq!(summary.progress.unchanged, 1, "{summary:?}");

    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, header) in ["Client Name", "Cell", "Email"].iter().enumerate() {
        sheet.write_string(0, col as u16, *header).unwrap();
    }
    sheet.write_string(1, 0, "Renée Café").unwrap();
    sheet.write_number(1, 1, 7205550799.0).unwrap();
    sheet.write_string(1, 2, "renee@houzz-test.io").unwrap();
    sheet.write_string(2, 0, "Xavier Sheet").unwrap();
    sheet.write_number(2, 1, 7205550798.0).unwrap();
    let xlsx = book.save_to_buffer().unwrap();
    let rows = rows_of(&xlsx);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].contact.phone.as_deref(), Some("+17205550799"));
    let summary = import(&client, &rows, &RunOptions::default()).await;
    assert_eq!(
        (summary.progress.created, summary.progress.updated),
        (1, 1),
        "{summary:?}"
    );
    let data = sb.dataset();
    let data = data.read().await;
    assert!(data.find_by_phone("+17205550798").is_some());
}

#[tokio::test]
async fn an_unreachable_ghl_stops_the_import_cleanly_and_a_rerun_continues() {
    let mut sb = sandbox().await;
    let client = client(&sb);
    let rows = rows_of(HOUZZ.as_bytes());
    sb.stop_serving().await;
    let summary = import(&client, &rows, &RunOptions::default()).await;
    assert!(
        matches!(summary.stopped, Some(Stop::Unreachable(_))),
        "{summary:?}"
    );
    assert_eq!(summary.progress.created, 0);
    assert!(summary.progress.done < rows.len());

    sb.resume_serving().await.unwrap();
    let summary = import(&client, &rows, &RunOptions::default()).await;
    assert_eq!(summary.stopped, None);
    assert_eq!(summary.progress.created, 3);
}

#[tokio::test]
async fn a_cancelled_import_stops_before_the_next_rows() {
    let sb = sandbox().await;
    let client = client(&sb);
    let rows = rows_of(HOUZZ.as_bytes());
    let cancel = CancellationToken::new();
    let options = RunOptions {
        parallel: 1,
        ..RunOptions::default()
    };
    let summary = run(
        &client,
        &rows,
        &options,
        &cancel,
        |_, _| cancel.cancel(),
        |_| {},
    )
    .await;
    assert_eq!(summary.stopped, Some(Stop::Cancelled));
    assert_eq!(summary.progress.done, 1);
}

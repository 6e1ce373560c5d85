//! The Switchboard desktop shell: opens the window, connects, and exposes the core
//! to the web view as commands. Business logic lives in the crates under `crates/`.

mod alerts;
mod app_settings;
mod cache;
mod commands;
mod convert;
mod data_location;
mod error;
mod housecall;
mod importing;
pub mod ipc;
mod launch;
mod logging;
mod outbox;
mod overview;
mod session;
mod state;
mod syncing;
mod task_walk;
mod window;

use launch::Launch;
use session::{Dirs, Sessions};

pub fn run() {
    let started = std::time::Instant::now();
    // Answered before any logging or window, so `--help` works without a display.
    match launch::CommandLine::parse(std::env::args_os()) {
        launch::CommandLine::Run => {}
        launch::CommandLine::Print(text) => {
            print!("{text}");
            return;
        }
        launch::CommandLine::Usage(text) => {
            eprint!("{text}");
            std::process::exit(2);
        }
    }
    let launch = match Launch::from_args_and_env(std::env::args_os(), |key| std::env::var(key).ok())
    {
        Ok(launch) => launch,
        Err(message) => {
            eprintln!("switchboard: {message}");
            std::process::exit(2);
        }
    };

    tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
        .manage(importing::Imports::default())
        .manage(data_location::DataMoves::default())
        // Only Rust opens dialogs (the data folder picker): no dialog
        // permission is granted to the web view.
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .setup(move |app| {
            use tauri::Manager;
            let setup_started = started.elapsed();
            let paths = app.path();
            let dirs = Dirs::for_launch(&launch, paths.app_config_dir()?, paths.app_data_dir()?);
            logging::init(
                &dirs.logs(),
                app_settings::AppSettings::load(&dirs.config).log_level,
            );
            tracing::info!(?launch, "starting Switchboard");
            // The sandbox (demo) must be listening before the first command arrives,
            // and it lives on Tauri's runtime so it outlasts this closure.
            let sessions =
                tauri::async_runtime::block_on(Sessions::open(launch, dirs, |service| {
                    std::sync::Arc::new(auth::KeyringStore::new(service))
                }))
                .map_err(|error| {
                    tracing::error!(message = %error.message, "cannot start");
                    error.message
                })?;
            app.manage(sessions);
            let sessions_opened = started.elapsed();
            warm_up(app.handle().clone());
            alerts::start(app.handle());
            window::open_main_window(app.handle())?;
            // Where a cold start's time goes before the page loads (BENCHMARKS.md).
            tracing::info!(
                setup_started_ms = setup_started.as_millis() as u64,
                sessions_opened_ms = sessions_opened.as_millis() as u64,
                window_built_ms = started.elapsed().as_millis() as u64,
                "main window opened"
            );
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::session::session,
            commands::session::sign_in_with_highlevel,
            commands::session::cancel_sign_in,
            commands::session::sign_in_with_token,
            commands::session::switch_location,
            commands::session::sign_out,
            commands::session::oauth_settings,
            commands::session::save_oauth_settings,
            commands::contacts::list_contacts,
            commands::contacts::list_contacts_legacy,
            commands::contacts::get_contact,
            commands::contacts::list_contact_tasks,
            commands::contacts::get_task,
            commands::contacts::get_note,
            commands::contacts::list_contact_notes,
            commands::contacts::list_contact_appointments,
            commands::edits::create_contact,
            commands::edits::find_duplicate_contact,
            commands::edits::upsert_contact,
            commands::edits::update_contact,
            commands::edits::delete_contact,
            commands::edits::create_task,
            commands::edits::update_task,
            commands::edits::set_task_completed,
            commands::edits::delete_task,
            commands::edits::create_note,
            commands::edits::update_note,
            commands::edits::delete_note,
            commands::edits::add_tags,
            commands::edits::remove_tags,
            commands::edits::known_tags,
            commands::edits::list_business_contacts,
            commands::import::import_preview,
            commands::import::import_remap,
            commands::import::import_start,
            commands::import::import_cancel,
            commands::import::import_show_report,
            commands::alerts::alert_rules,
            commands::alerts::save_alert_rule,
            commands::alerts::delete_alert_rule,
            commands::alerts::activity,
            commands::alerts::mark_activity_read,
            commands::cache::watch_cache,
            commands::cache::refresh_cache,
            commands::cache::pause_download,
            commands::cache::resume_download,
            commands::cache::refresh_contact,
            commands::cache::outbox_items,
            commands::cache::resolve_outbox_conflict,
            commands::cache::retry_outbox_item,
            commands::cache::discard_outbox_item,
            commands::sync::hcp_status,
            commands::sync::save_hcp_key,
            commands::sync::hcp_customers,
            commands::sync::hcp_customer,
            commands::sync::linked_customer,
            commands::sync::sync_preview,
            commands::sync::sync_apply,
            commands::sync::sync_log,
            commands::sync::sync_settings,
            commands::sync::save_sync_settings,
            commands::overview::overview,
            commands::settings::app_settings,
            commands::settings::save_app_settings,
            commands::settings::open_logs_folder,
            commands::settings::open_data_folder,
            commands::settings::choose_data_folder,
            commands::settings::check_data_folder_move,
            commands::settings::move_data_folder,
            commands::settings::cancel_data_folder_move,
        ])
        .run(tauri::generate_context!())
        .expect("Switchboard could not start its window");
}

/// Opens the active location (its saved sign-in from the keyring, its cache)
/// while the web view starts, so the first list is answered at once.
fn warm_up(handle: tauri::AppHandle) {
    use tauri::Manager;
    tauri::async_runtime::spawn(async move {
        let sessions = handle.state::<Sessions>();
        if let Err(error) = sessions.active().await {
            // Signed out, or a sign-in to renew: the UI asks again and shows it.
            tracing::debug!(code = ?error.code, "no location opened at start");
        }
    });
}

//! The Switchboard desktop shell: opens the window, connects, and exposes the core
//! to the web view as commands. Business logic lives in the crates under `crates/`.

mod commands;
mod convert;
mod error;
pub mod ipc;
mod launch;
mod state;
mod window;

use launch::Launch;
use state::AppState;

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SWITCHBOARD_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();

    let launch = Launch::from_args_and_env(std::env::args_os(), |key| std::env::var(key).ok());
    tracing::info!(?launch, "starting Switchboard");

    tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
        .setup(move |app| {
            use tauri::Manager;
            // The sandbox (demo) must be listening before the first command arrives,
            // and it lives on Tauri's runtime so it outlasts this closure.
            let state = tauri::async_runtime::block_on(AppState::open(launch));
            app.manage(state);
            window::open_main_window(app.handle())?;
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::contacts::app_info,
            commands::contacts::list_contacts,
            commands::contacts::get_contact,
            commands::contacts::list_contact_tasks,
            commands::contacts::list_contact_notes,
            commands::contacts::list_contact_appointments,
            commands::edits::create_contact,
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
        ])
        .run(tauri::generate_context!())
        .expect("Switchboard could not start its window");
}

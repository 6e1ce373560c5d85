fn main() {
    // Declaring the app's commands makes Tauri generate one permission per command,
    // so capabilities/default.json can grant exactly the commands the UI calls.
    let manifest = tauri_build::AppManifest::new().commands(&[
        "session",
        "sign_in_with_highlevel",
        "cancel_sign_in",
        "sign_in_with_token",
        "switch_location",
        "sign_out",
        "oauth_settings",
        "save_oauth_settings",
        "find_duplicate_contact",
        "upsert_contact",
        "list_contacts",
        "list_contacts_legacy",
        "get_contact",
        "list_contact_tasks",
        "list_contact_notes",
        "list_contact_appointments",
        "create_contact",
        "update_contact",
        "delete_contact",
        "create_task",
        "update_task",
        "set_task_completed",
        "delete_task",
        "create_note",
        "update_note",
        "delete_note",
        "add_tags",
        "remove_tags",
        "known_tags",
        "list_business_contacts",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("failed to run the Tauri build script");
}

fn main() {
    // Declaring the app's commands makes Tauri generate one permission per command,
    // so capabilities/default.json can grant exactly the commands the UI calls.
    let manifest = tauri_build::AppManifest::new().commands(&[
        "app_info",
        "list_contacts",
        "get_contact",
        "list_contact_tasks",
        "list_contact_notes",
        "list_contact_appointments",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("failed to run the Tauri build script");
}

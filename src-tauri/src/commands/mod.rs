//! Tauri commands: each one forwards to the core and returns `{ code, message, details }` on failure.

pub mod alerts;
pub mod cache;
pub mod contacts;
pub mod edits;
pub mod import;
pub mod overview;
pub mod session;
pub mod settings;
pub mod sync;

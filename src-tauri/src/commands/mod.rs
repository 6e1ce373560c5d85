//! Tauri commands: each one forwards to the core and returns `{ code, message, details }` on failure.

pub mod cache;
pub mod contacts;
pub mod edits;
pub mod session;
pub mod sync;

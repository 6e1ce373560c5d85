//! The app binary answers `--help`, `--version` and bad arguments without a window.
//! (Also makes `cargo test --workspace` build the binary that the end-to-end tests run.)

use std::process::Command;

fn switchboard(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("run the switchboard binary")
}

#[test]
fn help_lists_the_options() {
    let output = switchboard(&["--help"]);
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("--demo"), "{stdout}");
    assert!(stdout.contains("--read-only"), "{stdout}");
}

#[test]
fn version_is_the_package_version() {
    let output = switchboard(&["--version"]);
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        format!("switchboard {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn an_unknown_argument_is_a_usage_error() {
    let output = switchboard(&["--frobnicate"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown argument --frobnicate"), "{stderr}");
    assert!(output.stdout.is_empty());
}

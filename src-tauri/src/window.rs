//! The main window. Built in code rather than in tauri.conf.json so that its
//! navigation can be confined to the app itself.

use tauri::{AppHandle, WebviewUrl, WebviewWindowBuilder};
use tauri_plugin_opener::OpenerExt;

pub const MAIN_WINDOW: &str = "main";

/// What a link in the web view may do: stay inside the bundled app, or hand a
/// `mailto:` / `tel:` link to the desktop. Anything else is refused, so no page
/// from elsewhere can ever load with access to the app's commands.
#[derive(Debug, PartialEq, Eq)]
pub enum Navigation {
    Allow,
    OpenExternally,
    Deny,
}

pub fn navigation_for(url: &url::Url) -> Navigation {
    match url.scheme() {
        "tauri" => Navigation::Allow,
        // On Linux and Windows the bundled UI is served from http(s)://tauri.localhost.
        "http" | "https" if url.host_str() == Some("tauri.localhost") => Navigation::Allow,
        "mailto" | "tel" => Navigation::OpenExternally,
        _ => Navigation::Deny,
    }
}

pub fn open_main_window(app: &AppHandle) -> tauri::Result<()> {
    let handle = app.clone();
    WebviewWindowBuilder::new(app, MAIN_WINDOW, WebviewUrl::default())
        .title("Switchboard")
        .inner_size(1280.0, 800.0)
        .min_inner_size(960.0, 600.0)
        .center()
        .on_navigation(move |url| match navigation_for(url) {
            Navigation::Allow => true,
            Navigation::OpenExternally => {
                if let Err(error) = handle.opener().open_url(url.as_str(), None::<&str>) {
                    tracing::warn!(scheme = url.scheme(), %error, "could not open link");
                }
                false
            }
            Navigation::Deny => {
                tracing::warn!(
                    scheme = url.scheme(),
                    "blocked navigation away from the app"
                );
                false
            }
        })
        .build()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nav(url: &str) -> Navigation {
        navigation_for(&url::Url::parse(url).expect("url"))
    }

    #[test]
    fn only_the_app_loads_and_contact_links_open_outside() {
        assert_eq!(nav("tauri://localhost/index.html"), Navigation::Allow);
        assert_eq!(nav("http://tauri.localhost/"), Navigation::Allow);
        assert_eq!(nav("mailto:ann@example.com"), Navigation::OpenExternally);
        assert_eq!(nav("tel:+15555550100"), Navigation::OpenExternally);
        assert_eq!(nav("https://example.com/"), Navigation::Deny);
        assert_eq!(nav("http://tauri.localhost.evil.com/"), Navigation::Deny);
        assert_eq!(nav("file:///etc/passwd"), Navigation::Deny);
    }
}

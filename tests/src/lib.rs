//! Harness for end-to-end tests of the real app: a display (Xvfb unless one is set),
//! tauri-driver in front of WebKitWebDriver, and a WebDriver session that starts the
//! built `switchboard` binary. Everything is torn down when the `App` is dropped.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub use fantoccini::{Client, Locator};

/// How long any one thing on screen may take to appear.
pub const UI_TIMEOUT: Duration = Duration::from_secs(20);

pub struct App {
    pub client: Client,
    driver: Child,
    display: Option<Xvfb>,
}

fn tracing_stale(css: &str, error: &fantoccini::error::CmdError) {
    eprintln!("retrying a click on {css}: {error}");
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free loopback port")
}

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf()
}

/// The debug build of the app (the test script builds it before running these
/// tests), or `SWITCHBOARD_APP_BINARY` (e.g. a release build for benchmarks).
pub fn app_binary() -> PathBuf {
    if let Some(binary) = std::env::var_os("SWITCHBOARD_APP_BINARY") {
        return PathBuf::from(binary);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    let binary = target.join("debug").join("switchboard");
    assert!(
        binary.exists(),
        "{} is missing: build it first with `cargo build -p switchboard`",
        binary.display()
    );
    binary
}

/// A `BROWSER` command for the app: headless Chromium following the sign-in
/// redirects (see tests/browser/headless-chromium.sh).
pub fn headless_browser() -> String {
    workspace_root()
        .join("tests/browser/headless-chromium.sh")
        .to_string_lossy()
        .into_owned()
}

/// Where screenshots of a run go (looked at by people, and linked from the README).
pub fn artifacts_dir() -> PathBuf {
    let dir = workspace_root().join("tests").join("artifacts");
    std::fs::create_dir_all(&dir).expect("create tests/artifacts");
    dir
}

fn wait_for_port(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "{what} did not start listening on {port}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// An Xvfb this harness started; stopped, and its socket and lock removed, on drop
/// (a killed Xvfb leaves both behind, and they would use up display numbers).
struct Xvfb {
    child: Child,
    number: u32,
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        remove_display_files(self.number);
    }
}

fn remove_display_files(number: u32) {
    let _ = std::fs::remove_file(format!("/tmp/.X11-unix/X{number}"));
    let _ = std::fs::remove_file(format!("/tmp/.X{number}-lock"));
}

/// A display number is taken while its lock names a live process.
fn display_in_use(number: u32) -> bool {
    let lock = PathBuf::from(format!("/tmp/.X{number}-lock"));
    let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
    match std::fs::read_to_string(&lock) {
        Ok(pid) => {
            let alive = PathBuf::from(format!("/proc/{}", pid.trim())).exists();
            if !alive {
                remove_display_files(number);
            }
            alive
        }
        // A socket without a lock belongs to someone we cannot see; leave it.
        Err(_) => socket.exists(),
    }
}

/// Starts Xvfb on a free display number unless `DISPLAY` is already set.
fn ensure_display() -> (String, Option<Xvfb>) {
    if let Ok(display) = std::env::var("DISPLAY") {
        if !display.is_empty() {
            return (display, None);
        }
    }
    for number in 90..140 {
        if display_in_use(number) {
            continue;
        }
        let display = format!(":{number}");
        let child = Command::new("Xvfb")
            .args([
                display.as_str(),
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb is installed (scripts/setup.sh installs it)");
        let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
        let deadline = Instant::now() + Duration::from_secs(10);
        while !socket.exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        return (display, Some(Xvfb { child, number }));
    }
    panic!("no free X display number between :90 and :139");
}

/// A private home for one app run: its settings, accounts and cache live here
/// (the app reads `SWITCHBOARD_HOME`), so runs never see each other's state.
/// Removed when dropped.
pub struct Profile {
    dir: PathBuf,
}

impl Profile {
    pub fn new(name: &str) -> Profile {
        let dir = std::env::temp_dir().join(format!(
            "switchboard-e2e-{name}-{}-{}",
            std::process::id(),
            free_port()
        ));
        std::fs::create_dir_all(&dir).expect("create the profile directory");
        Profile { dir }
    }

    pub fn path(&self) -> &std::path::Path {
        &self.dir
    }

    /// Every file under the profile, for scans of what the app wrote.
    pub fn files(&self) -> Vec<PathBuf> {
        fn walk(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else {
                    out.push(path);
                }
            }
        }
        let mut files = Vec::new();
        walk(&self.dir, &mut files);
        files
    }
}

impl Drop for Profile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl App {
    /// The app in live mode against `ghl_base_url` (a sandbox the test holds),
    /// with its own profile.
    pub async fn launch_live(ghl_base_url: &str, profile: &Profile, env: &[(&str, &str)]) -> App {
        let home = profile.path().to_string_lossy().into_owned();
        let mut all = vec![
            ("SWITCHBOARD_GHL_BASE_URL", ghl_base_url),
            ("SWITCHBOARD_HOME", home.as_str()),
        ];
        all.extend_from_slice(env);
        App::launch_with_env(&[], &all).await
    }

    /// The app in demo mode, signed in through the sandbox's consent page in a
    /// real (headless) browser, exactly as a person's first start goes, except
    /// that the sandbox approves without a click.
    pub async fn launch_demo(args: &[&str], profile: &Profile) -> App {
        let home = profile.path().to_string_lossy().into_owned();
        let browser = headless_browser();
        let mut all_args = vec!["--demo"];
        all_args.extend_from_slice(args);
        let app = App::launch_with_env(
            &all_args,
            &[
                ("SWITCHBOARD_HOME", home.as_str()),
                ("SWITCHBOARD_DEMO_CONSENT", "approve"),
                ("BROWSER", browser.as_str()),
            ],
        )
        .await;
        app.click("[data-testid=sign-in-oauth-button]").await;
        app.wait_for("[data-testid=contact-row]").await;
        app
    }

    /// Signs in with a Private Integration Token through the sign-in screen, as a
    /// person pasting one would, and waits for the contact list.
    pub async fn sign_in_with_token(&self, location_id: &str, token: &str) {
        self.click("[data-testid=sign-in-token-button]").await;
        self.fill("[data-testid=token-form] [name=locationId]", location_id)
            .await;
        self.fill("[data-testid=token-form] [name=token]", token)
            .await;
        self.click("[data-testid=token-form-submit]").await;
        self.wait_for("[data-testid=contact-row]").await;
    }

    /// Starts the app with `args` and waits for its window's web view to load.
    pub async fn launch(args: &[&str]) -> App {
        App::launch_with_env(args, &[]).await
    }

    /// Like `launch`, with extra environment variables for the app (they reach it
    /// through tauri-driver and WebKitWebDriver, which pass their environment on).
    pub async fn launch_with_env(args: &[&str], env: &[(&str, &str)]) -> App {
        let (display, display_child) = ensure_display();
        let port = free_port();
        let native_port = free_port();
        let driver = Command::new("tauri-driver")
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("DISPLAY", &display)
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("tauri-driver is installed (scripts/setup.sh installs it)");
        wait_for_port(port, "tauri-driver");

        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), "wry".into());
        capabilities.insert(
            "tauri:options".into(),
            serde_json::json!({
                "application": app_binary(),
                "args": args,
            }),
        );
        // tauri-driver listens on plain http on 127.0.0.1: no TLS. It accepts
        // connections before WebKitWebDriver behind it is ready, and then drops
        // the first request; a dropped connection is tried again, briefly.
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let mut attempt = 0;
        let client = loop {
            attempt += 1;
            match fantoccini::ClientBuilder::new(connector.clone())
                .capabilities(capabilities.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(client) => break client,
                Err(fantoccini::error::NewSessionError::FailedC(error)) if attempt < 10 => {
                    eprintln!("WebDriver not ready yet ({error}); trying again");
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
                Err(error) => panic!("a WebDriver session with the app: {error}"),
            }
        };
        App {
            client,
            driver,
            display: display_child,
        }
    }

    pub async fn wait_for(&self, css: &str) -> fantoccini::elements::Element {
        match self
            .client
            .wait()
            .at_most(UI_TIMEOUT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(error) => {
                self.screenshot("failure.png").await;
                panic!("{css} did not appear (see tests/artifacts/failure.png): {error}")
            }
        }
    }

    /// Polls until `condition` holds for the page, failing with `what` after the timeout.
    pub async fn wait_until<F, Fut>(&self, what: &str, mut condition: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let deadline = Instant::now() + UI_TIMEOUT;
        while !condition().await {
            if Instant::now() >= deadline {
                self.screenshot("failure.png").await;
                panic!("timed out waiting until {what} (see tests/artifacts/failure.png)");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks the first element matching `css` once it is there and enabled, as a
    /// person would (a click on a disabled button does nothing, so the step after it
    /// would wait in vain). React may replace the element between finding and
    /// clicking it, so a stale element is looked up again until the timeout.
    pub async fn click(&self, css: &str) {
        let deadline = Instant::now() + UI_TIMEOUT;
        loop {
            let element = self.wait_for(css).await;
            if !element.is_enabled().await.unwrap_or(false) {
                if Instant::now() >= deadline {
                    self.screenshot("failure.png").await;
                    panic!("{css} stayed disabled (see tests/artifacts/failure.png)");
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
            match element.click().await {
                Ok(()) => return,
                Err(error) if Instant::now() < deadline => {
                    tracing_stale(css, &error);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(error) => {
                    self.screenshot("failure.png").await;
                    panic!("could not click {css}: {error}");
                }
            }
        }
    }

    /// Opens Settings at `tab` (`hcp`, `sync`, `general`, `alerts`). The tab is
    /// clicked once the first tab's form is shown: the dialog is re-centred when
    /// that content arrives, and a click aimed before then misses the tab.
    pub async fn open_settings(&self, tab: &str) {
        self.click("[data-testid=oauth-settings-button]").await;
        self.wait_for("[data-testid=oauth-settings-form]").await;
        self.click(&format!("[data-testid=settings-tab-{tab}]"))
            .await;
    }

    /// Replaces the text of the input matching `css`.
    pub async fn fill(&self, css: &str, text: &str) {
        let input = self.wait_for(css).await;
        // Select all and delete, as a person would: WebDriver's clear() changes the
        // DOM value without the input events React's controlled inputs listen to.
        input
            .send_keys("\u{E009}a\u{E000}\u{E003}")
            .await
            .expect("clear the input");
        input.send_keys(text).await.expect("type into the input");
    }

    pub async fn texts(&self, css: &str) -> Vec<String> {
        let mut texts = Vec::new();
        let elements = self
            .client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_default();
        for element in elements {
            texts.push(element.text().await.unwrap_or_default());
        }
        texts
    }

    /// The `textContent` of the first element matching `css` ("" when there is
    /// none). WebKitWebDriver reports no text for elements that clip their
    /// overflow with an ellipsis, though people see it.
    pub async fn text_content(&self, css: &str) -> String {
        let text = self
            .client
            .execute(
                "const e = document.querySelector(arguments[0]); return e ? e.textContent : '';",
                vec![serde_json::Value::String(css.to_owned())],
            )
            .await
            .expect("read textContent");
        text.as_str().unwrap_or_default().trim().to_owned()
    }

    /// All text a person can read in the window.
    pub async fn page_text(&self) -> String {
        self.client
            .find(Locator::Css("body"))
            .await
            .expect("the page has a body")
            .text()
            .await
            .expect("page text")
    }

    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(artifacts_dir().join(name), png).expect("write screenshot");
    }

    pub async fn close(mut self) {
        let client = self.client.clone();
        let _ = client.close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        // Dropping the display stops Xvfb and removes its files.
        self.display.take();
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl App {
    /// Waits until the first download has cached all `count` contacts (the
    /// list's count says so and the progress bar is gone).
    pub async fn wait_for_download(&self, count: usize) {
        let count = count.to_string();
        self.wait_until("every contact is cached", || async {
            self.text_content("[data-testid=contact-count]")
                .await
                .contains(&count)
                && self
                    .texts("[data-testid=download-progress]")
                    .await
                    .is_empty()
        })
        .await;
    }
}

//! The one-shot loopback redirect listener of RFC 8252 §7.3.
//!
//! Binds 127.0.0.1 only (never a wildcard address), serves exactly one
//! callback on the exact path, answers every other path with 404, and stops
//! listening after that callback, at the deadline, or when dropped.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use oauth2::AuthorizationCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::callback::{evaluate, parse_callback};
use crate::error::{Error, Result};

/// Where and how long to listen for the browser's redirect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoopbackConfig {
    /// Tried in order; the first free one is used. The redirect URI
    /// `http://127.0.0.1:<port><path>` must be registered with the OAuth app
    /// for each of them. Port 0 (any free port) is meant for tests.
    pub ports: Vec<u16>,
    /// Exact path of the callback, e.g. `/oauth/callback`.
    pub path: String,
    /// From `begin_login` until the callback arrives.
    pub timeout: Duration,
}

impl Default for LoopbackConfig {
    fn default() -> Self {
        LoopbackConfig {
            ports: vec![47615, 47616, 47617],
            path: "/oauth/callback".to_owned(),
            timeout: Duration::from_secs(5 * 60),
        }
    }
}

impl LoopbackConfig {
    fn validate(&self) -> Result<()> {
        if self.ports.is_empty() {
            return Err(Error::config("no loopback port is configured"));
        }
        let path_ok = self.path.starts_with('/')
            && self.path.len() > 1
            && self
                .path
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"/-._~".contains(&b));
        if !path_ok {
            return Err(Error::config(
                "the callback path must start with / and use only letters, digits and / - . _ ~",
            ));
        }
        if self.timeout.is_zero() {
            return Err(Error::config(
                "the sign-in timeout must be greater than zero",
            ));
        }
        Ok(())
    }
}

/// Longest request head accepted from the browser.
const MAX_HEAD: usize = 16 * 1024;
/// A connection that sends no complete request head in this time is dropped.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the browser's callback page waits for the code exchange.
const PAGE_WAIT: Duration = Duration::from_secs(60);

/// What the listener hands to the login: the judged callback and, for a
/// code, a way to tell the browser how the exchange went.
pub(crate) struct Delivery {
    pub(crate) result: Result<AuthorizationCode>,
    pub(crate) page: Option<oneshot::Sender<Page>>,
}

/// The page the browser shows after the callback.
#[derive(Debug, Clone)]
pub(crate) enum Page {
    SignedIn,
    Failed(String),
}

/// A bound listener, serving in a background task.
pub(crate) struct Listener {
    pub(crate) redirect_uri: Url,
    pub(crate) deadline: Instant,
    pub(crate) delivery: oneshot::Receiver<Delivery>,
    task: Option<JoinHandle<()>>,
}

impl Listener {
    /// Binds the first free port of `config.ports` on 127.0.0.1.
    pub(crate) async fn bind(config: &LoopbackConfig, expected_state: String) -> Result<Listener> {
        config.validate()?;
        let mut bound = None;
        for &port in &config.ports {
            match TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await {
                Ok(listener) => {
                    bound = Some(listener);
                    break;
                }
                Err(e) => tracing::debug!(port, error = %e, "loopback port not available"),
            }
        }
        let listener = bound.ok_or_else(|| Error::PortsUnavailable {
            ports: config.ports.clone(),
        })?;
        let port = listener
            .local_addr()
            .map_err(|e| Error::config(format!("the listener has no address: {e}")))?
            .port();
        let redirect_uri = Url::parse(&format!("http://127.0.0.1:{port}{}", config.path))
            .map_err(|e| Error::config(format!("bad redirect URI: {e}")))?;
        let deadline = Instant::now() + config.timeout;
        let (tx, rx) = oneshot::channel();
        let shared = Arc::new(Shared {
            path: config.path.clone(),
            state: expected_state,
            delivery: Mutex::new(Some(tx)),
            done: CancellationToken::new(),
        });
        let task = tokio::spawn(serve(listener, shared, deadline));
        Ok(Listener {
            redirect_uri,
            deadline,
            delivery: rx,
            task: Some(task),
        })
    }

    /// Stops listening and waits until the port is closed.
    pub(crate) async fn close(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

struct Shared {
    path: String,
    state: String,
    /// Taken by the first request on the callback path.
    delivery: Mutex<Option<oneshot::Sender<Delivery>>>,
    /// Cancelled once the callback has been taken: stop accepting.
    done: CancellationToken,
}

async fn serve(listener: TcpListener, shared: Arc<Shared>, deadline: Instant) {
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(handle(stream, Arc::clone(&shared)));
                }
                Err(e) => {
                    // Out of file descriptors and the like: wait, do not spin.
                    tracing::warn!(error = %e, "loopback accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            () = shared.done.cancelled() => break,
            () = tokio::time::sleep_until(deadline) => break,
        }
    }
    // Dropping the listener closes the port; a pending login sees the
    // delivery sender dropped once no handler holds it.
    drop(listener);
}

async fn handle(mut stream: TcpStream, shared: Arc<Shared>) {
    let head = match tokio::time::timeout(READ_TIMEOUT, read_head(&mut stream)).await {
        Ok(Some(head)) => head,
        _ => return,
    };
    let Some((method, target)) = request_line(&head) else {
        let _ = respond(
            &mut stream,
            400,
            "Bad Request",
            &page_html("Bad request", ""),
        )
        .await;
        return;
    };
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != shared.path {
        let _ = respond(&mut stream, 404, "Not Found", &page_html("Not found", "")).await;
        return;
    }
    if method != "GET" {
        let _ = respond(
            &mut stream,
            405,
            "Method Not Allowed",
            &page_html("Not allowed", ""),
        )
        .await;
        return;
    }
    let sender = shared.delivery.lock().expect("lock").take();
    let Some(sender) = sender else {
        let html = page_html(
            "Sign-in already handled",
            "This sign-in link was already used. Return to Switchboard.",
        );
        let _ = respond(&mut stream, 409, "Conflict", &html).await;
        return;
    };
    // The one callback: stop accepting connections.
    shared.done.cancel();
    let result = evaluate(parse_callback(query), &shared.state);
    let page = match result {
        Ok(code) => {
            let (page_tx, page_rx) = oneshot::channel();
            let delivered = sender.send(Delivery {
                result: Ok(code),
                page: Some(page_tx),
            });
            if delivered.is_err() {
                Page::Failed("Sign-in was cancelled in Switchboard.".to_owned())
            } else {
                match tokio::time::timeout(PAGE_WAIT, page_rx).await {
                    Ok(Ok(page)) => page,
                    Ok(Err(_)) => Page::Failed("Sign-in was cancelled in Switchboard.".to_owned()),
                    Err(_) => Page::Failed(
                        "Switchboard did not finish signing in; check the app.".to_owned(),
                    ),
                }
            }
        }
        Err(error) => {
            let text = error.to_string();
            let _ = sender.send(Delivery {
                result: Err(error),
                page: None,
            });
            Page::Failed(text)
        }
    };
    let (status, reason, html) = match page {
        Page::SignedIn => (
            200,
            "OK",
            page_html(
                "Signed in",
                "You are signed in to Switchboard. You can close this tab and return to the app.",
            ),
        ),
        Page::Failed(message) => (
            400,
            "Bad Request",
            page_html(
                "Sign-in failed",
                &format!("{message} You can close this tab and return to Switchboard."),
            ),
        ),
    };
    let _ = respond(&mut stream, status, reason, &html).await;
}

/// Reads up to the end of the request head; `None` on EOF, error or an
/// oversized head.
async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut raw = Vec::with_capacity(1024);
    let mut buf = [0u8; 2048];
    loop {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        raw.extend_from_slice(&buf[..n]);
        if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            raw.truncate(end);
            return String::from_utf8(raw).ok();
        }
        if raw.len() > MAX_HEAD {
            return None;
        }
    }
}

/// `GET /path?query HTTP/1.1` → (`GET`, `/path?query`), origin-form only.
fn request_line(head: &str) -> Option<(&str, &str)> {
    let line = head.lines().next()?;
    let mut parts = line.split(' ');
    let method = parts.next()?;
    let target = parts.next()?;
    let version = parts.next()?;
    if parts.next().is_some() || !version.starts_with("HTTP/1.") || !target.starts_with('/') {
        return None;
    }
    Some((method, target))
}

async fn respond(
    stream: &mut TcpStream,
    status: u16,
    reason: &str,
    html: &str,
) -> std::io::Result<()> {
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\n\
         Content-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\n\
         Cache-Control: no-store\r\n\
         Referrer-Policy: no-referrer\r\n\
         X-Content-Type-Options: nosniff\r\n\
         Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n\
         Connection: close\r\n\r\n{html}",
        html.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

fn page_html(title: &str, message: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t} - Switchboard</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em;color:#222}}</style>\
         </head><body><h1>{t}</h1><p id=\"message\">{m}</p></body></html>",
        t = escape_html(title),
        m = escape_html(message)
    )
}

/// Provider texts end up in the page: escape them.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_lines() {
        assert_eq!(
            request_line("GET /oauth/callback?code=1 HTTP/1.1\r\nHost: x"),
            Some(("GET", "/oauth/callback?code=1"))
        );
        assert_eq!(request_line("GET http://evil/ HTTP/1.1"), None);
        assert_eq!(request_line("GET / HTTP/2 extra"), None);
        assert_eq!(request_line("garbage"), None);
        assert_eq!(request_line(""), None);
    }

    #[test]
    fn html_is_escaped() {
        let html = page_html("T", "<script>alert('x')</script> & \"q\"");
        assert!(!html.contains("<script>"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;")
        );
    }

    #[test]
    fn config_validation() {
        LoopbackConfig::default()
            .validate()
            .expect("default is valid");
        let bad = |f: fn(&mut LoopbackConfig)| {
            let mut c = LoopbackConfig::default();
            f(&mut c);
            c.validate().is_err()
        };
        assert!(bad(|c| c.ports.clear()));
        assert!(bad(|c| c.path = "oauth".into()));
        assert!(bad(|c| c.path = "/".into()));
        assert!(bad(|c| c.path = "/a?b".into()));
        assert!(bad(|c| c.path = "/a b".into()));
        assert!(bad(|c| c.timeout = Duration::ZERO));
    }
}

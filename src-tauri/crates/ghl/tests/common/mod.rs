//! A raw-socket HTTP server for wire tests: records every request byte for
//! byte and answers from a handler (canned responses, dropped connections,
//! silence).

#![allow(dead_code)] // each test file uses a different subset

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use url::Url;

/// One request as received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// Path and query exactly as sent (still percent-encoded).
    pub target: String,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub at: Instant,
}

impl Recorded {
    /// The path without the `/api` prefix every mock base URL carries.
    pub fn path(&self) -> &str {
        let path = self.target.split('?').next().unwrap_or("");
        path.strip_prefix("/api").unwrap_or(path)
    }

    pub fn raw_query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, q)| q)
    }

    /// Decoded query pairs, in order.
    pub fn query(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.raw_query().as_bytes())
            .into_owned()
            .collect()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("request body is JSON")
    }
}

pub enum Reply {
    /// Status, extra headers, JSON body.
    Json(u16, Vec<(&'static str, String)>, String),
    /// Close the connection without answering.
    Hangup,
    /// Keep the connection open and never answer.
    Stall,
}

pub fn ok(body: Value) -> Reply {
    Reply::Json(200, Vec::new(), body.to_string())
}

pub fn status(code: u16, body: Value) -> Reply {
    Reply::Json(code, Vec::new(), body.to_string())
}

type Handler = dyn Fn(usize, &Recorded) -> Reply + Send + Sync;

pub struct Mock {
    pub base: Url,
    requests: Arc<Mutex<Vec<Recorded>>>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Mock {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Mock {
    /// Answers request number `i` (from 0) with `handler(i, &request)`.
    pub async fn start(
        handler: impl Fn(usize, &Recorded) -> Reply + Send + Sync + 'static,
    ) -> Mock {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let requests: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let handler: Arc<Handler> = Arc::new(handler);
        let log = Arc::clone(&requests);
        let server = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let log = Arc::clone(&log);
                let handler = Arc::clone(&handler);
                tokio::spawn(serve(socket, log, handler));
            }
        });
        Mock {
            base: Url::parse(&format!("http://{addr}/api/")).expect("url"),
            requests,
            server,
        }
    }

    /// Answers the `i`-th request with `replies[i]`; extra requests get a 599.
    pub async fn sequence(replies: Vec<Reply>) -> Mock {
        let replies = Mutex::new(replies.into_iter().map(Some).collect::<Vec<_>>());
        Mock::start(move |i, _| {
            replies
                .lock()
                .expect("lock")
                .get_mut(i)
                .and_then(Option::take)
                .unwrap_or_else(|| {
                    status(599, serde_json::json!({ "message": "unexpected request" }))
                })
        })
        .await
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("lock").clone()
    }

    pub fn last(&self) -> Recorded {
        self.requests().last().cloned().expect("a request was made")
    }
}

async fn serve(
    mut socket: tokio::net::TcpStream,
    log: Arc<Mutex<Vec<Recorded>>>,
    handler: Arc<Handler>,
) {
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    let (head, body) = loop {
        let Ok(n) = socket.read(&mut buf).await else {
            return;
        };
        raw.extend_from_slice(&buf[..n]);
        if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..end]).to_string();
            let len = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                })
                .unwrap_or(0);
            if raw.len() >= end + 4 + len {
                let body = String::from_utf8_lossy(&raw[end + 4..end + 4 + len]).to_string();
                break (head, body);
            }
        }
        if n == 0 {
            return;
        }
    };
    let mut lines = head.lines();
    let mut request_line = lines.next().unwrap_or("").split_whitespace();
    let recorded = Recorded {
        method: request_line.next().unwrap_or("").to_owned(),
        target: request_line.next().unwrap_or("").to_owned(),
        headers: lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect(),
        body,
        at: Instant::now(),
    };
    let index = {
        let mut log = log.lock().expect("lock");
        log.push(recorded.clone());
        log.len() - 1
    };
    match handler(index, &recorded) {
        Reply::Json(code, headers, body) => {
            let extra: String = headers
                .iter()
                .map(|(k, v)| format!("{k}: {v}\r\n"))
                .collect();
            let response = format!(
                "HTTP/1.1 {code} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(response.as_bytes()).await;
            let _ = socket.shutdown().await;
        }
        Reply::Hangup => drop(socket),
        Reply::Stall => {
            tokio::time::sleep(Duration::from_secs(120)).await;
            drop(socket);
        }
    }
}

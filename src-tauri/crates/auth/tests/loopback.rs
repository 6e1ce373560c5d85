//! The loopback listener over real sockets: one callback on the exact path,
//! 404 elsewhere, state checks, closing, timeout, cancel, 127.0.0.1 only.
//! No token endpoint is involved (every callback here fails before it).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use auth::{
    begin_login, CancellationToken, Error, LoopbackConfig, OAuthApp, PendingLogin, SecretString,
};
use tokio::net::TcpStream;
use url::Url;

fn app() -> OAuthApp {
    OAuthApp::new(
        "client-123",
        SecretString::new("client-secret-xyz"),
        vec!["contacts.readonly".into(), "contacts.write".into()],
    )
}

fn config(timeout: Duration) -> LoopbackConfig {
    LoopbackConfig {
        ports: vec![0],
        timeout,
        ..LoopbackConfig::default()
    }
}

async fn begin() -> PendingLogin {
    begin_login(&app(), &config(Duration::from_secs(30)))
        .await
        .expect("listener binds")
}

fn query(url: &Url) -> HashMap<String, String> {
    url.query_pairs().into_owned().collect()
}

fn addr(pending: &PendingLogin) -> SocketAddr {
    let uri = pending.redirect_uri();
    SocketAddr::new(
        IpAddr::V4(Ipv4Addr::LOCALHOST),
        uri.port().expect("explicit port"),
    )
}

async fn get(url: &str) -> Result<(u16, String), reqwest::Error> {
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let response = http.get(url).send().await?;
    let status = response.status().as_u16();
    Ok((status, response.text().await?))
}

fn callback(pending: &PendingLogin, query: &str) -> String {
    format!("{}?{query}", pending.redirect_uri())
}

async fn assert_closed(address: SocketAddr) {
    let result = TcpStream::connect(address).await;
    assert!(result.is_err(), "{address} still accepts connections");
}

#[tokio::test]
async fn authorize_url_carries_every_parameter() {
    let pending = begin().await;
    let url = pending.authorize_url();
    assert!(url
        .as_str()
        .starts_with("https://marketplace.gohighlevel.com/v2/oauth/chooselocation?"));
    let q = query(url);
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["client_id"], "client-123");
    assert_eq!(q["redirect_uri"], pending.redirect_uri().as_str());
    assert_eq!(q["scope"], "contacts.readonly contacts.write");
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["code_challenge"].len(), 43, "base64url SHA-256");
    // 16 random bytes, base64url without padding.
    assert_eq!(q["state"].len(), 22);
    assert!(!q.contains_key("client_secret"));
    assert!(!url.as_str().contains("client-secret-xyz"));

    let redirect = pending.redirect_uri();
    assert_eq!(redirect.scheme(), "http");
    assert_eq!(redirect.host_str(), Some("127.0.0.1"));
    assert_eq!(redirect.path(), "/oauth/callback");

    let shown = format!("{pending:?}");
    assert!(!shown.contains(&q["state"]), "{shown}");
    assert!(!shown.contains(&q["code_challenge"]), "{shown}");

    let other = begin().await;
    assert_ne!(query(other.authorize_url())["state"], q["state"]);
    assert_ne!(
        query(other.authorize_url())["code_challenge"],
        q["code_challenge"]
    );
}

#[tokio::test]
async fn wrong_state_is_refused_and_closes_the_listener() {
    let pending = begin().await;
    let address = addr(&pending);
    let url = callback(&pending, "code=stolen-code&state=not-the-state");
    let finish = tokio::spawn(pending.finish(CancellationToken::new()));
    let (status, page) = get(&url).await.expect("answered");
    assert_eq!(status, 400);
    assert!(
        page.contains("did not belong to this sign-in attempt"),
        "{page}"
    );
    assert!(!page.contains("stolen-code"), "{page}");
    let result = finish.await.expect("task");
    assert!(matches!(result, Err(Error::StateMismatch)), "{result:?}");
    // The first callback on the right path ends it: a second one finds nobody.
    assert!(get(&url).await.is_err(), "second callback must fail");
    assert_closed(address).await;
}

#[tokio::test]
async fn missing_state_and_missing_code_are_refused() {
    let pending = begin().await;
    let url = callback(&pending, "code=abc");
    let finish = tokio::spawn(pending.finish(CancellationToken::new()));
    assert_eq!(get(&url).await.expect("answered").0, 400);
    assert!(matches!(
        finish.await.expect("task"),
        Err(Error::StateMismatch)
    ));

    let pending = begin().await;
    let state = query(pending.authorize_url())["state"].clone();
    let url = callback(&pending, &format!("state={state}"));
    let finish = tokio::spawn(pending.finish(CancellationToken::new()));
    let (status, page) = get(&url).await.expect("answered");
    assert_eq!(status, 400);
    assert!(page.contains("no authorization code"), "{page}");
    let result = finish.await.expect("task");
    assert_eq!(
        result.map(|_| ()).map_err(|e| e.code()),
        Err("login_invalid_callback")
    );
}

#[tokio::test]
async fn provider_errors_are_reported_and_escaped() {
    let pending = begin().await;
    let state = query(pending.authorize_url())["state"].clone();
    let url = callback(
        &pending,
        &format!("error=access_denied&error_description=%3Cb%3ENo%3C%2Fb%3E&state={state}"),
    );
    let finish = tokio::spawn(pending.finish(CancellationToken::new()));
    let (status, page) = get(&url).await.expect("answered");
    assert_eq!(status, 400);
    assert!(page.contains("declined"), "{page}");
    assert!(page.contains("&lt;b&gt;No&lt;/b&gt;"), "{page}");
    let result = finish.await.expect("task");
    assert!(
        matches!(&result, Err(Error::Denied { provider_message: Some(m) }) if m == "<b>No</b>"),
        "{result:?}"
    );

    let pending = begin().await;
    let state = query(pending.authorize_url())["state"].clone();
    let url = callback(&pending, &format!("error=server_error&state={state}"));
    let finish = tokio::spawn(pending.finish(CancellationToken::new()));
    get(&url).await.expect("answered");
    assert!(matches!(
        finish.await.expect("task"),
        Err(Error::ProviderError { error, description: None }) if error == "server_error"
    ));
}

#[tokio::test]
async fn other_paths_get_404_and_do_not_end_the_login() {
    let pending = begin().await;
    let base = format!("http://{}", addr(&pending));
    let state = query(pending.authorize_url())["state"].clone();
    let finish = tokio::spawn(pending.finish(CancellationToken::new()));
    for path in [
        "/",
        "/favicon.ico",
        "/oauth/callbackx?code=a",
        "/oauth/callback/extra?code=a",
        "/OAUTH/CALLBACK?code=a",
        "/oauth%2Fcallback?code=a",
    ] {
        let (status, _) = get(&format!("{base}{path}")).await.expect("answered");
        assert_eq!(status, 404, "{path}");
    }
    // A POST to the right path is not a callback either.
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let response = http
        .post(format!("{base}/oauth/callback?code=a&state={state}"))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 405);
    assert!(!finish.is_finished(), "still waiting for the callback");

    let (status, _) = get(&format!(
        "{base}/oauth/callback?error=access_denied&state={state}"
    ))
    .await
    .expect("answered");
    assert_eq!(status, 400);
    assert!(matches!(
        finish.await.expect("task"),
        Err(Error::Denied { .. })
    ));
}

#[tokio::test]
async fn garbage_requests_do_not_end_the_login() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let pending = begin().await;
    let address = addr(&pending);
    let cancel = CancellationToken::new();
    let finish = tokio::spawn(pending.finish(cancel.clone()));
    for raw in [
        &b"NONSENSE\r\n\r\n"[..],
        b"GET http://127.0.0.1/oauth/callback?code=a HTTP/1.1\r\n\r\n",
        b"\x00\xff\xfe\r\n\r\n",
    ] {
        let mut s = TcpStream::connect(address).await.expect("connect");
        s.write_all(raw).await.expect("write");
        let mut answer = Vec::new();
        let _ = s.read_to_end(&mut answer).await;
        assert!(!finish.is_finished());
    }
    // An oversized head is dropped without an answer.
    let mut s = TcpStream::connect(address).await.expect("connect");
    let _ = s.write_all(&vec![b'a'; 64 * 1024]).await;
    drop(s);
    cancel.cancel();
    assert!(matches!(finish.await.expect("task"), Err(Error::Cancelled)));
}

#[tokio::test]
async fn only_127_0_0_1_is_listening() {
    let pending = begin().await;
    let port = addr(&pending).port();
    let mut others: Vec<IpAddr> = vec![
        IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)),
        IpAddr::V4(Ipv4Addr::new(127, 1, 2, 3)),
        IpAddr::V6(Ipv6Addr::LOCALHOST),
    ];
    others.extend(non_loopback_addresses());
    for ip in others {
        let target = SocketAddr::new(ip, port);
        let attempt =
            tokio::time::timeout(Duration::from_secs(2), TcpStream::connect(target)).await;
        assert!(
            !matches!(attempt, Ok(Ok(_))),
            "the listener is reachable on {target}"
        );
    }
    // …while 127.0.0.1 answers.
    TcpStream::connect(addr(&pending))
        .await
        .expect("127.0.0.1 answers");
}

/// The machine's own non-loopback IPv4 addresses (Linux: `/proc/net/fib_trie`
/// lists them as `/32 host LOCAL`).
fn non_loopback_addresses() -> Vec<IpAddr> {
    let Ok(trie) = std::fs::read_to_string("/proc/net/fib_trie") else {
        return Vec::new();
    };
    let lines: Vec<&str> = trie.lines().collect();
    let mut found = Vec::new();
    for pair in lines.windows(2) {
        if pair[1].trim() == "/32 host LOCAL" {
            if let Some(ip) = pair[0]
                .trim()
                .strip_prefix("|-- ")
                .and_then(|s| s.parse::<Ipv4Addr>().ok())
            {
                if !ip.is_loopback() && !found.contains(&IpAddr::V4(ip)) {
                    found.push(IpAddr::V4(ip));
                }
            }
        }
    }
    found
}

#[tokio::test]
async fn times_out_and_closes() {
    let pending = begin_login(&app(), &config(Duration::from_millis(300)))
        .await
        .expect("binds");
    let address = addr(&pending);
    let started = std::time::Instant::now();
    let result = pending.finish(CancellationToken::new()).await;
    assert!(matches!(result, Err(Error::TimedOut)), "{result:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_closed(address).await;
}

#[tokio::test]
async fn the_listener_closes_at_the_deadline_even_without_finish() {
    let pending = begin_login(&app(), &config(Duration::from_millis(200)))
        .await
        .expect("binds");
    let address = addr(&pending);
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_closed(address).await;
    assert!(matches!(
        pending.finish(CancellationToken::new()).await,
        Err(Error::TimedOut)
    ));
}

#[tokio::test]
async fn cancel_and_drop_close_the_listener() {
    let pending = begin().await;
    let address = addr(&pending);
    let cancel = CancellationToken::new();
    let finish = tokio::spawn(pending.finish(cancel.clone()));
    tokio::time::sleep(Duration::from_millis(50)).await;
    cancel.cancel();
    assert!(matches!(finish.await.expect("task"), Err(Error::Cancelled)));
    assert_closed(address).await;

    let pending = begin().await;
    let address = addr(&pending);
    drop(pending);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_closed(address).await;
}

#[tokio::test]
async fn the_first_free_port_is_used() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let busy = taken.local_addr().expect("addr").port();
    let pending = begin_login(
        &app(),
        &LoopbackConfig {
            ports: vec![busy, 0],
            ..config(Duration::from_secs(5))
        },
    )
    .await
    .expect("falls through to the next port");
    assert_ne!(pending.redirect_uri().port(), Some(busy));

    let err = begin_login(
        &app(),
        &LoopbackConfig {
            ports: vec![busy],
            ..config(Duration::from_secs(5))
        },
    )
    .await
    .expect_err("all taken");
    assert!(matches!(&err, Error::PortsUnavailable { ports } if ports == &[busy]));
    assert!(err.to_string().contains(&busy.to_string()));
}

#[tokio::test]
async fn bad_settings_are_refused_before_binding() {
    let mut insecure = app();
    insecure.authorize_url = Url::parse("http://marketplace.example.com/authorize").expect("url");
    let err = begin_login(&insecure, &config(Duration::from_secs(5)))
        .await
        .expect_err("http to a remote host");
    assert_eq!(err.code(), "config");
    let err = begin_login(
        &app(),
        &LoopbackConfig {
            path: "no-slash".into(),
            ..config(Duration::from_secs(5))
        },
    )
    .await
    .expect_err("bad path");
    assert_eq!(err.code(), "config");
}

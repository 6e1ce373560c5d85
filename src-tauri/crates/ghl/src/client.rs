//! The HTTP client: configuration, the access token, and one method per API
//! operation. Every operation goes through [`Client::send`], so headers,
//! error mapping and logging live in one place (and rate limiting and retries
//! can be added there later).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION};
use reqwest::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::error::{truncate, Error};
use crate::models::{Appointment, Contact, Note, SearchPage, SearchRequest, SortSpec, Task};

/// The only `Version` header value the v2 contacts spec allows.
pub const API_VERSION: &str = "2021-07-28";
pub const DEFAULT_BASE_URL: &str = "https://services.leadconnectorhq.com";

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Connecting should be quick; a slow connect means the network is down.
const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// An OAuth access token or Private Integration Token.
///
/// `Debug` and `Display` never show the value, so it cannot leak through
/// logs or error messages by accident; use [`AccessToken::expose`] explicitly.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    pub fn new(token: impl Into<String>) -> Self {
        AccessToken(token.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(****)")
    }
}

impl fmt::Display for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(****)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// API root, e.g. [`DEFAULT_BASE_URL`] or a sandbox URL. May carry a path
    /// prefix (`http://127.0.0.1:4000/ghl`); operations are appended to it.
    pub base_url: Url,
    /// Sub-account (location) id; sent where the API requires `locationId`.
    pub location_id: String,
    /// Whole-request timeout (connect, send, and reading the body).
    pub timeout: Duration,
}

impl ClientConfig {
    pub fn new(base_url: Url, location_id: impl Into<String>) -> Self {
        ClientConfig {
            base_url,
            location_id: location_id.into(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// GoHighLevel contacts API client. Cloning is cheap and clones share one
/// connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    location_id: String,
    token: AccessToken,
    /// `Bearer <token>`, marked sensitive so reqwest never prints it.
    authorization: HeaderValue,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("location_id", &self.inner.location_id)
            .field("token", &self.inner.token)
            .finish()
    }
}

impl Client {
    pub fn new(config: ClientConfig, token: AccessToken) -> Result<Client, Error> {
        let base_url = validate_base_url(config.base_url)?;
        let location_id = config.location_id.trim().to_owned();
        if location_id.is_empty() {
            return Err(config_error("the location id is empty"));
        }
        if config.timeout.is_zero() {
            return Err(config_error(
                "the request timeout must be greater than zero",
            ));
        }
        if token.expose().trim().is_empty() {
            return Err(config_error("the access token is empty"));
        }
        let mut authorization = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
            .map_err(|_| {
                config_error("the access token contains characters that cannot be sent")
            })?;
        authorization.set_sensitive(true);

        let mut headers = HeaderMap::new();
        headers.insert("Version", HeaderValue::from_static(API_VERSION));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let http = reqwest::Client::builder()
            .user_agent(concat!("Switchboard/", env!("CARGO_PKG_VERSION")))
            .default_headers(headers)
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(MAX_CONNECT_TIMEOUT))
            .build()
            .map_err(|e| match Error::from_transport(&e) {
                Error::Config { message } | Error::Network { message } => config_error(&message),
                other => other,
            })?;

        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                location_id,
                token,
                authorization,
            }),
        })
    }

    pub fn location_id(&self) -> &str {
        &self.inner.location_id
    }

    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// `GET /contacts/{contactId}` → `{ contact }`.
    pub async fn get_contact(&self, contact_id: &str) -> Result<Contact, Error> {
        #[derive(Deserialize)]
        struct Envelope {
            contact: Contact,
        }
        let id = path_id("contact", contact_id)?;
        let env: Envelope = self
            .send("get_contact", Method::GET, &["contacts", id], None::<&()>)
            .await?;
        Ok(env.contact)
    }

    /// `GET /contacts/{contactId}/tasks` → `{ tasks }`.
    pub async fn contact_tasks(&self, contact_id: &str) -> Result<Vec<Task>, Error> {
        #[derive(Deserialize)]
        struct Envelope {
            tasks: Vec<Task>,
        }
        let id = path_id("contact", contact_id)?;
        let env: Envelope = self
            .send(
                "contact_tasks",
                Method::GET,
                &["contacts", id, "tasks"],
                None::<&()>,
            )
            .await?;
        Ok(env.tasks)
    }

    /// `GET /contacts/{contactId}/notes` → `{ notes }`.
    pub async fn contact_notes(&self, contact_id: &str) -> Result<Vec<Note>, Error> {
        #[derive(Deserialize)]
        struct Envelope {
            notes: Vec<Note>,
        }
        let id = path_id("contact", contact_id)?;
        let env: Envelope = self
            .send(
                "contact_notes",
                Method::GET,
                &["contacts", id, "notes"],
                None::<&()>,
            )
            .await?;
        Ok(env.notes)
    }

    /// `GET /contacts/{contactId}/appointments` → `{ events }`.
    pub async fn contact_appointments(&self, contact_id: &str) -> Result<Vec<Appointment>, Error> {
        #[derive(Deserialize)]
        struct Envelope {
            events: Vec<Appointment>,
        }
        let id = path_id("contact", contact_id)?;
        let env: Envelope = self
            .send(
                "contact_appointments",
                Method::GET,
                &["contacts", id, "appointments"],
                None::<&()>,
            )
            .await?;
        Ok(env.events)
    }

    /// `POST /contacts/search` → `{ contacts, total }`. `locationId` comes
    /// from the client's configuration.
    pub async fn search_contacts(&self, request: &SearchRequest) -> Result<SearchPage, Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body<'a> {
            location_id: &'a str,
            page_limit: u32,
            #[serde(skip_serializing_if = "Option::is_none")]
            query: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            search_after: Option<&'a [Value]>,
            #[serde(skip_serializing_if = "<[_]>::is_empty")]
            sort: &'a [SortSpec],
        }
        let body = Body {
            location_id: &self.inner.location_id,
            page_limit: request.page_limit,
            query: request.effective_query(),
            search_after: request.search_after.as_deref(),
            sort: &request.sort,
        };
        self.send(
            "search_contacts",
            Method::POST,
            &["contacts", "search"],
            Some(&body),
        )
        .await
    }

    /// The one place requests are made: builds the URL, adds authentication,
    /// maps transport and HTTP failures to [`Error`], and decodes the body.
    async fn send<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        method: Method,
        path: &[&str],
        body: Option<&impl Serialize>,
    ) -> Result<T, Error> {
        let url = self.url(path)?;
        let mut request: RequestBuilder = self
            .inner
            .http
            .request(method.clone(), url.clone())
            .header(AUTHORIZATION, self.inner.authorization.clone());
        if let Some(body) = body {
            request = request.json(body);
        }

        let started = Instant::now();
        let result = Self::execute(request).await;
        let elapsed_ms = started.elapsed().as_millis() as u64;
        let (status, headers, bytes) = match result {
            Ok(parts) => parts,
            Err(err) => {
                let err = Error::from_transport(&err);
                tracing::warn!(operation, %method, path = url.path(), elapsed_ms, error = %err, "GHL request failed");
                return Err(err);
            }
        };
        tracing::debug!(operation, %method, path = url.path(), status = status.as_u16(), elapsed_ms, "GHL request");

        if !status.is_success() {
            let err = Error::from_response(status, &headers, &bytes, self.inner.token.expose());
            tracing::info!(operation, status = status.as_u16(), code = err.code(), error = %err, "GHL error response");
            return Err(err);
        }
        decode(operation, &bytes)
    }

    async fn execute(
        request: RequestBuilder,
    ) -> Result<(reqwest::StatusCode, HeaderMap, Vec<u8>), reqwest::Error> {
        let mut response = request.send().await?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let bytes = response.bytes().await?;
        Ok((status, headers, bytes.to_vec()))
    }

    /// Appends percent-encoded segments to the base URL, so an id containing
    /// `/`, `?` or `#` stays one segment.
    fn url(&self, segments: &[&str]) -> Result<Url, Error> {
        let mut url = self.inner.base_url.clone();
        url.path_segments_mut()
            .map_err(|()| config_error("the base URL cannot have a path"))?
            .pop_if_empty()
            .extend(segments);
        Ok(url)
    }
}

/// Decodes a success body into the operation's envelope.
pub(crate) fn decode<T: DeserializeOwned>(
    operation: &'static str,
    body: &[u8],
) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|e| Error::InvalidResponse {
        operation,
        message: if body.iter().all(u8::is_ascii_whitespace) {
            "the body was empty".to_owned()
        } else if e.is_syntax() || e.is_eof() {
            "the body is not valid JSON".to_owned()
        } else {
            truncate(&redact_quoted(&e.to_string()))
        },
    })
}

/// serde quotes offending string values (`invalid type: string "…", expected
/// …`); those are response content, so they are cut from the message.
fn redact_quoted(message: &str) -> String {
    match (message.find('"'), message.rfind("\", expected")) {
        (Some(start), Some(end)) if start < end => {
            format!("{}…{}", &message[..start], &message[end + 1..])
        }
        _ => message.to_owned(),
    }
}

/// Rejects ids that would be dropped or reinterpreted as path navigation
/// (`""`, `.`, `..`) instead of being sent as one segment.
fn path_id<'a>(what: &str, id: &'a str) -> Result<&'a str, Error> {
    if id.trim().is_empty() || id == "." || id == ".." {
        return Err(Error::Validation {
            messages: vec![format!("a valid {what} id is required")],
        });
    }
    Ok(id)
}

fn validate_base_url(mut url: Url) -> Result<Url, Error> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(config_error(
            "the base URL must start with http:// or https://",
        ));
    }
    if url.cannot_be_a_base() || url.host().is_none() {
        return Err(config_error("the base URL has no host"));
    }
    // A query or fragment would end up on every request.
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

fn config_error(message: &str) -> Error {
    Error::Config {
        message: message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(base: &str) -> Client {
        Client::new(
            ClientConfig::new(Url::parse(base).expect("url"), "loc1"),
            AccessToken::new("secret-value"),
        )
        .expect("client")
    }

    #[test]
    fn token_is_hidden() {
        let token = AccessToken::new("pit-123456");
        assert_eq!(format!("{token:?}"), "AccessToken(****)");
        assert_eq!(token.to_string(), "AccessToken(****)");
        assert_eq!(token.expose(), "pit-123456");
        let c = client("https://example.com");
        let shown = format!("{c:?}");
        assert!(!shown.contains("secret-value"), "{shown}");
    }

    #[test]
    fn urls_join_and_encode() {
        let c = client("https://example.com");
        assert_eq!(
            c.url(&["contacts", "abc"]).expect("url").as_str(),
            "https://example.com/contacts/abc"
        );
        let c = client("http://127.0.0.1:9/prefix/api/?x=1#frag");
        assert_eq!(
            c.url(&["contacts", "a/b?c#d%e", "tasks"])
                .expect("url")
                .as_str(),
            "http://127.0.0.1:9/prefix/api/contacts/a%2Fb%3Fc%23d%25e/tasks"
        );
        let c = client("http://127.0.0.1:9/prefix");
        assert_eq!(
            c.url(&["contacts", "search"]).expect("url").path(),
            "/prefix/contacts/search"
        );
    }

    #[test]
    fn bad_ids_are_rejected_before_sending() {
        for id in ["", " ", ".", ".."] {
            assert_eq!(
                path_id("contact", id).map_err(|e| e.code()),
                Err("validation")
            );
        }
        assert_eq!(path_id("contact", "a.b").ok(), Some("a.b"));
    }

    #[test]
    fn config_is_validated() {
        let url = |s| Url::parse(s).expect("url");
        let token = || AccessToken::new("t");
        let cases = [
            Client::new(ClientConfig::new(url("ftp://x"), "loc"), token()),
            Client::new(ClientConfig::new(url("mailto:a@b"), "loc"), token()),
            Client::new(ClientConfig::new(url("https://x"), " "), token()),
            Client::new(
                ClientConfig::new(url("https://x"), "loc"),
                AccessToken::new(""),
            ),
            Client::new(
                ClientConfig::new(url("https://x"), "loc"),
                AccessToken::new("bad\ntoken"),
            ),
            Client::new(
                ClientConfig::new(url("https://x"), "loc").with_timeout(Duration::ZERO),
                token(),
            ),
        ];
        for result in cases {
            let err = result.expect_err("must be rejected");
            assert_eq!(err.code(), "internal");
            assert!(!err.to_string().contains("bad\ntoken"));
        }
        let c = client("https://example.com");
        assert_eq!(c.location_id(), "loc1");
    }

    #[test]
    fn default_config() {
        let cfg = ClientConfig::new(Url::parse(DEFAULT_BASE_URL).expect("url"), "loc");
        assert_eq!(cfg.timeout, Duration::from_secs(30));
        assert_eq!(cfg.location_id, "loc");
    }
}

//! The HTTP client: configuration, the API key, and one method per API
//! operation. Every operation goes through `Client::perform`, so the
//! `Authorization` header, retries, error mapping and logging live in one
//! place.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use url::Url;

use crate::error::{retry_after, truncate, Error};
use crate::models::{
    Address, AddressInput, AddressQuery, AddressesPage, Customer, CustomerInput, CustomerQuery,
    CustomerUpdate, CustomersPage,
};
use crate::retry::RetryPolicy;
use crate::validate;

pub const DEFAULT_BASE_URL: &str = "https://api.housecallpro.com";

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Connecting should be quick; a slow connect means the network is down.
const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A Housecall Pro company API key.
///
/// `Debug` and `Display` never show the value, so it cannot leak through
/// logs or error messages by accident; use [`ApiKey::expose`] explicitly.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Surrounding whitespace (from copy and paste) is dropped.
    pub fn new(key: impl Into<String>) -> Self {
        let key: String = key.into();
        ApiKey(key.trim().to_owned())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(****)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(****)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// API root, e.g. [`DEFAULT_BASE_URL`] or a sandbox URL. May carry a path
    /// prefix; operations are appended to it.
    pub base_url: Url,
    /// Whole-request timeout (connect, send, and reading the body).
    pub timeout: Duration,
    pub retry: RetryPolicy,
}

impl ClientConfig {
    pub fn new(base_url: Url) -> Self {
        ClientConfig {
            base_url,
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
        }
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }
}

/// Counters since the client was created (shared by its clones).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientStats {
    /// HTTP requests sent, repeats included.
    pub requests: u64,
    /// Requests that repeated an earlier failed one.
    pub retries: u64,
    /// 429 responses received.
    pub rate_limited_responses: u64,
    /// Total time spent waiting: `Retry-After` pauses and retry backoff.
    pub waited: Duration,
}

#[derive(Default)]
struct Counters {
    requests: AtomicU64,
    retries: AtomicU64,
    rate_limited: AtomicU64,
    waited_nanos: AtomicU64,
}

/// Housecall Pro API client. Cloning is cheap; clones share one connection
/// pool and one set of [`ClientStats`].
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    key: ApiKey,
    authorization: HeaderValue,
    retry: RetryPolicy,
    counters: Counters,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("key", &self.inner.key)
            .finish()
    }
}

/// One API call as the send path needs it.
struct Call<'a> {
    operation: &'static str,
    method: Method,
    path: Vec<&'a str>,
    query: Vec<(&'static str, String)>,
    body: Option<Vec<u8>>,
}

impl<'a> Call<'a> {
    fn new(operation: &'static str, method: Method, path: &[&'a str]) -> Self {
        Call {
            operation,
            method,
            path: path.to_vec(),
            query: Vec::new(),
            body: None,
        }
    }

    fn get(operation: &'static str, path: &[&'a str]) -> Self {
        Self::new(operation, Method::GET, path)
    }

    fn query(mut self, pairs: Vec<(&'static str, String)>) -> Self {
        self.query.extend(pairs);
        self
    }

    fn json(mut self, body: &impl Serialize) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(body).map_err(|_| Error::Config {
            message: "a request body could not be serialised".to_owned(),
        })?;
        self.body = Some(bytes);
        Ok(self)
    }

    /// GET, PUT and DELETE may be repeated; a POST creates something.
    fn idempotent(&self) -> bool {
        self.method != Method::POST
    }
}

/// A failed call, and whether the server may have acted on it.
struct Failure {
    error: Error,
    maybe_applied: bool,
}

impl Failure {
    fn not_applied(error: Error) -> Self {
        Failure {
            error,
            maybe_applied: false,
        }
    }

    /// For creates: an ambiguous failure becomes [`Error::OutcomeUnknown`].
    fn into_create_error(self, operation: &'static str) -> Error {
        if self.maybe_applied {
            Error::OutcomeUnknown {
                operation,
                cause: Box::new(self.error),
            }
        } else {
            self.error
        }
    }
}

impl Client {
    /// A client for `base_url` with the default timeout and retry policy.
    pub fn new(base_url: Url, api_key: ApiKey) -> Result<Client, Error> {
        Self::with_config(ClientConfig::new(base_url), api_key)
    }

    pub fn with_config(config: ClientConfig, api_key: ApiKey) -> Result<Client, Error> {
        let base_url = validate_base_url(config.base_url)?;
        if config.timeout.is_zero() {
            return Err(config_error(
                "the request timeout must be greater than zero",
            ));
        }
        if config.retry.max_attempts == 0 {
            return Err(config_error("the retry policy must allow one attempt"));
        }
        let authorization = authorization_header(&api_key)?;
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let http = reqwest::Client::builder()
            .user_agent(concat!("Switchboard/", env!("CARGO_PKG_VERSION")))
            .default_headers(headers)
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(MAX_CONNECT_TIMEOUT))
            .build()
            .map_err(|e| config_error(&Error::from_transport(&e).to_string()))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                key: api_key,
                authorization,
                retry: config.retry,
                counters: Counters::default(),
            }),
        })
    }

    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// Request, retry and waiting counters of this client and its clones.
    pub fn stats(&self) -> ClientStats {
        let c = &self.inner.counters;
        ClientStats {
            requests: c.requests.load(Ordering::Relaxed),
            retries: c.retries.load(Ordering::Relaxed),
            rate_limited_responses: c.rate_limited.load(Ordering::Relaxed),
            waited: Duration::from_nanos(c.waited_nanos.load(Ordering::Relaxed)),
        }
    }

    /// Checks the key with the cheapest call there is (one customer of the
    /// first page). `Ok` means the key works; a wrong or revoked key gives
    /// [`Error::Unauthorized`], whose message tells the user to check it.
    pub async fn verify_key(&self) -> Result<(), Error> {
        self.list_customers(&CustomerQuery {
            page: Some(1),
            page_size: Some(1),
            ..CustomerQuery::default()
        })
        .await
        .map(|_| ())
    }

    /// `GET /customers` → one page of customers.
    pub async fn list_customers(&self, query: &CustomerQuery) -> Result<CustomersPage, Error> {
        validate::paging(query.page, query.page_size)?;
        let call = Call::get("list_customers", &["customers"]).query(query.query_pairs());
        self.send(call).await
    }

    /// `GET /customers/{customer_id}` → the bare customer.
    pub async fn get_customer(&self, customer_id: &str) -> Result<Customer, Error> {
        let id = path_id("customer", customer_id)?;
        self.send(Call::get("get_customer", &["customers", id]))
            .await
    }

    /// `POST /customers` → 201 with the new customer. Not repeated once it
    /// may have reached the server: an ambiguous failure is
    /// [`Error::OutcomeUnknown`] (look the customer up before trying again).
    pub async fn create_customer(&self, input: &CustomerInput) -> Result<Customer, Error> {
        validate::customer_input(input)?;
        let call = Call::new("create_customer", Method::POST, &["customers"]).json(input)?;
        self.send_create(call).await
    }

    /// `PUT /customers/{customer_id}` → the updated customer.
    pub async fn update_customer(
        &self,
        customer_id: &str,
        update: &CustomerUpdate,
    ) -> Result<Customer, Error> {
        let id = path_id("customer", customer_id)?;
        validate::customer_update(update)?;
        let call = Call::new("update_customer", Method::PUT, &["customers", id]).json(update)?;
        self.send(call).await
    }

    /// `GET /customers/{customer_id}/addresses` → one page of addresses.
    pub async fn list_addresses(
        &self,
        customer_id: &str,
        query: &AddressQuery,
    ) -> Result<AddressesPage, Error> {
        let id = path_id("customer", customer_id)?;
        validate::paging(query.page, query.page_size)?;
        let call =
            Call::get("list_addresses", &["customers", id, "addresses"]).query(query.query_pairs());
        self.send(call).await
    }

    /// `GET /customers/{customer_id}/addresses/{address_id}`.
    pub async fn get_address(&self, customer_id: &str, address_id: &str) -> Result<Address, Error> {
        let id = path_id("customer", customer_id)?;
        let address = path_id("address", address_id)?;
        self.send(Call::get(
            "get_address",
            &["customers", id, "addresses", address],
        ))
        .await
    }

    /// `POST /customers/{customer_id}/addresses` → the new address. Like
    /// [`Client::create_customer`], never repeated blindly.
    pub async fn create_address(
        &self,
        customer_id: &str,
        input: &AddressInput,
    ) -> Result<Address, Error> {
        let id = path_id("customer", customer_id)?;
        validate::address_input(input)?;
        let call = Call::new(
            "create_address",
            Method::POST,
            &["customers", id, "addresses"],
        )
        .json(input)?;
        self.send_create(call).await
    }

    async fn send<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T, Error> {
        let bytes = self.perform(&call).await.map_err(|f| f.error)?;
        decode(call.operation, &bytes)
    }

    async fn send_create<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T, Error> {
        let bytes = self
            .perform(&call)
            .await
            .map_err(|f| f.into_create_error(call.operation))?;
        // The create happened; only its answer is unreadable.
        decode(call.operation, &bytes).map_err(|error| Error::OutcomeUnknown {
            operation: call.operation,
            cause: Box::new(error),
        })
    }

    /// The one place requests are made: builds the URL, adds the key,
    /// repeats what is safe to repeat (see [`RetryPolicy`]), maps failures
    /// to [`Error`], and returns the success body.
    async fn perform(&self, call: &Call<'_>) -> Result<Vec<u8>, Failure> {
        let inner = &*self.inner;
        let policy = inner.retry;
        let url = self
            .url(&call.path, &call.query)
            .map_err(Failure::not_applied)?;
        let operation = call.operation;
        let method = &call.method;
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            inner.counters.requests.fetch_add(1, Ordering::Relaxed);
            if attempt > 1 {
                inner.counters.retries.fetch_add(1, Ordering::Relaxed);
            }
            let mut request: RequestBuilder = inner
                .http
                .request(method.clone(), url.clone())
                .header(AUTHORIZATION, inner.authorization.clone());
            if let Some(body) = &call.body {
                request = request
                    .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                    .body(body.clone());
            }
            let started = Instant::now();
            let result = execute(request).await;
            let elapsed_ms = started.elapsed().as_millis() as u64;
            let can_retry = attempt < policy.max_attempts;

            let (status, headers, bytes) = match result {
                Ok(parts) => parts,
                Err(err) => {
                    // A failed connect means the request never left: safe to
                    // repeat even for a create.
                    let not_sent = err.is_connect();
                    let error = Error::from_transport(&err);
                    tracing::warn!(operation, %method, path = url.path(), attempt, elapsed_ms, error = %error, "HCP request failed");
                    if matches!(error, Error::Config { .. }) {
                        return Err(Failure::not_applied(error));
                    }
                    if can_retry && (call.idempotent() || not_sent) {
                        self.wait(policy.backoff(attempt)).await;
                        continue;
                    }
                    return Err(Failure {
                        error,
                        maybe_applied: !not_sent,
                    });
                }
            };
            tracing::debug!(operation, %method, path = url.path(), status = status.as_u16(), attempt, elapsed_ms, "HCP request");
            if status.is_success() {
                return Ok(bytes);
            }
            let error = Error::from_response(status, &headers, &bytes, inner.key.expose());
            tracing::info!(operation, status = status.as_u16(), code = error.code(), attempt, error = %error, "HCP error response");

            if status == StatusCode::TOO_MANY_REQUESTS {
                inner.counters.rate_limited.fetch_add(1, Ordering::Relaxed);
                let wait = retry_after(&headers);
                let within = wait.is_none_or(|w| w <= policy.max_rate_limit_wait);
                if call.idempotent() && can_retry && within {
                    self.wait(wait.unwrap_or_else(|| policy.backoff(attempt)))
                        .await;
                    continue;
                }
                // Refused, so not applied.
                return Err(Failure::not_applied(error));
            }
            let transient = status.is_server_error() || status == StatusCode::REQUEST_TIMEOUT;
            if transient && call.idempotent() && can_retry {
                self.wait(policy.backoff(attempt)).await;
                continue;
            }
            return Err(Failure {
                error,
                maybe_applied: transient,
            });
        }
    }

    async fn wait(&self, delay: Duration) {
        let nanos = u64::try_from(delay.as_nanos()).unwrap_or(u64::MAX);
        self.inner
            .counters
            .waited_nanos
            .fetch_add(nanos, Ordering::Relaxed);
        tokio::time::sleep(delay).await;
    }

    /// Appends percent-encoded segments to the base URL, so an id containing
    /// `/`, `?` or `#` stays one segment, and form-encodes the query.
    fn url(&self, segments: &[&str], query: &[(&str, String)]) -> Result<Url, Error> {
        let mut url = self.inner.base_url.clone();
        url.path_segments_mut()
            .map_err(|()| config_error("the base URL cannot have a path"))?
            .pop_if_empty()
            .extend(segments);
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        Ok(url)
    }
}

async fn execute(
    request: RequestBuilder,
) -> Result<(StatusCode, HeaderMap, Vec<u8>), reqwest::Error> {
    let mut response = request.send().await?;
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let bytes = response.bytes().await?;
    Ok((status, headers, bytes.to_vec()))
}

/// Decodes a success body into the operation's shape.
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
/// …`); those are customer data, so they are cut from the message.
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
        return Err(Error::InvalidInput {
            message: format!("a valid {what} id is required"),
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

/// `Token <key>` (the spec's "Company API Key" scheme), marked sensitive so
/// reqwest and `http` never print it.
fn authorization_header(key: &ApiKey) -> Result<HeaderValue, Error> {
    if key.expose().is_empty() {
        return Err(config_error("the API key is empty"));
    }
    let mut value = HeaderValue::from_str(&format!("Token {}", key.expose()))
        .map_err(|_| config_error("the API key contains characters that cannot be sent"))?;
    value.set_sensitive(true);
    Ok(value)
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
        Client::new(Url::parse(base).expect("url"), ApiKey::new("secret-value")).expect("client")
    }

    #[test]
    fn key_is_hidden_and_trimmed() {
        let key = ApiKey::new("  hcp-123456\n");
        assert_eq!(format!("{key:?}"), "ApiKey(****)");
        assert_eq!(key.to_string(), "ApiKey(****)");
        assert_eq!(key.expose(), "hcp-123456");
        let shown = format!("{:?}", client("https://example.com"));
        assert!(!shown.contains("secret-value"), "{shown}");
        let header = authorization_header(&key).expect("header");
        assert!(header.is_sensitive());
        assert_eq!(header.to_str().expect("ascii"), "Token hcp-123456");
    }

    #[test]
    fn urls_join_and_encode() {
        let c = client("https://example.com");
        assert_eq!(
            c.url(&["customers", "cus_1"], &[]).expect("url").as_str(),
            "https://example.com/customers/cus_1"
        );
        let c = client("http://127.0.0.1:9/prefix/?x=1#frag");
        assert_eq!(
            c.url(
                &["customers", "a/b?c#d", "addresses"],
                &[("q", "a+b@c".into())]
            )
            .expect("url")
            .as_str(),
            "http://127.0.0.1:9/prefix/customers/a%2Fb%3Fc%23d/addresses?q=a%2Bb%40c"
        );
    }

    #[test]
    fn bad_ids_are_rejected_before_sending() {
        for id in ["", " ", ".", ".."] {
            assert_eq!(
                path_id("customer", id).map_err(|e| e.code()),
                Err("validation")
            );
        }
        assert_eq!(path_id("customer", "cus_a.b").ok(), Some("cus_a.b"));
    }

    #[test]
    fn config_is_validated() {
        let url = |s| Url::parse(s).expect("url");
        let cases = [
            Client::new(url("ftp://x"), ApiKey::new("k")),
            Client::new(url("mailto:a@b"), ApiKey::new("k")),
            Client::new(url("https://x"), ApiKey::new(" ")),
            Client::new(url("https://x"), ApiKey::new("bad\u{7}key")),
            Client::with_config(
                ClientConfig::new(url("https://x")).with_timeout(Duration::ZERO),
                ApiKey::new("k"),
            ),
            Client::with_config(
                ClientConfig::new(url("https://x")).with_retry_policy(RetryPolicy {
                    max_attempts: 0,
                    ..RetryPolicy::default()
                }),
                ApiKey::new("k"),
            ),
        ];
        for result in cases {
            let err = result.expect_err("must be rejected");
            assert_eq!(err.code(), "internal");
            assert!(!err.to_string().contains("bad\u{7}key"));
        }
    }

    #[test]
    fn decode_errors_hide_customer_data() {
        let err = decode::<Customer>(
            "get_customer",
            br#"{"id": "cus_1", "tags": 5, "first_name": {"x": 1}, "addresses": [{"id": 7}]}"#,
        );
        // Lenient fields do not fail the record.
        assert!(err.is_ok(), "{err:?}");
        let err =
            decode::<CustomersPage>("list_customers", br#"{"page":1}"#).expect_err("incomplete");
        assert_eq!(err.code(), "invalid_response");
        let err = decode::<Customer>("get_customer", br#"{"id": "Jane Private Doe" , "x": 1"#)
            .expect_err("syntax");
        assert!(err.to_string().contains("not valid JSON"));
        let err = decode::<CustomersPage>(
            "list_customers",
            br#"{"page":1,"page_size":1,"total_pages":1,"total_items":1,"customers":"jane@private.example"}"#,
        )
        .expect_err("type");
        assert!(!err.to_string().contains("jane@private.example"), "{err}");
        assert!(decode::<Customer>("get_customer", b"  ")
            .expect_err("empty")
            .to_string()
            .contains("empty"));
    }
}

//! The HTTP client: configuration, the access token, and one method per API
//! operation. Every operation goes through `Client::perform`, so headers,
//! rate limiting, retries, error mapping and logging live in one place.
//! Read operations are here; writes are in `writes.rs`, page walkers in
//! `paging.rs`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use url::Url;

use crate::error::{truncate, Error};
use crate::limiter::{RateLimit, RateLimiter};
use crate::models::responses::{
    self, ContactEnvelope, EventsEnvelope, NoteEnvelope, NotesEnvelope, TaskEnvelope, TasksEnvelope,
};
use crate::models::{
    Appointment, BusinessQuery, Contact, ContactsPage, DuplicateQuery, LegacyListRequest, Location,
    LocationEnvelope, Note, SearchFilter, SearchPage, SearchRequest, SortSpec, Task,
};
use crate::retry::RetryPolicy;
use crate::validate;

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

/// What [`TokenSource`] methods return: a boxed future, so the trait stays
/// object-safe without an `async-trait` dependency.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<AccessToken, Error>> + Send + 'a>>;

/// Where a [`Client`] gets its access token for each request, e.g. a signed-in
/// OAuth session that refreshes the token (see [`Client::with_token_source`]).
pub trait TokenSource: Send + Sync {
    /// The token to send now. May refresh first when the current one is about
    /// to expire.
    fn access_token(&self) -> TokenFuture<'_>;

    /// GoHighLevel answered 401 to `rejected`. Returns a token worth one more
    /// try: a fresh one, or the current one when it already differs from
    /// `rejected` (another request refreshed meanwhile). Returns
    /// [`Error::ReauthRequired`] when the user has to sign in again.
    fn refresh_after_unauthorized<'a>(&'a self, rejected: &'a AccessToken) -> TokenFuture<'a>;
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
    /// Request budget of the location. All clients for the same base URL and
    /// location in this process share one limiter; the first one's budget is
    /// used, and the server's `X-RateLimit-*` headers adjust it.
    pub rate_limit: RateLimit,
    pub retry: RetryPolicy,
    /// Country calling code for phone numbers given without one (`"1"`).
    pub default_country_calling_code: String,
}

impl ClientConfig {
    pub fn new(base_url: Url, location_id: impl Into<String>) -> Self {
        ClientConfig {
            base_url,
            location_id: location_id.into(),
            timeout: DEFAULT_TIMEOUT,
            rate_limit: RateLimit::default(),
            retry: RetryPolicy::default(),
            default_country_calling_code: "1".to_owned(),
        }
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn with_rate_limit(mut self, rate_limit: RateLimit) -> Self {
        self.rate_limit = rate_limit;
        self
    }

    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    pub fn with_default_country_calling_code(mut self, code: impl Into<String>) -> Self {
        self.default_country_calling_code = code.into();
        self
    }
}

/// Counters since the client was created (shared by its clones).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientStats {
    /// HTTP requests sent, retries included.
    pub requests: u64,
    /// Requests that repeated an earlier failed one.
    pub retries: u64,
    /// 429 responses received.
    pub rate_limited_responses: u64,
    /// Requests that had to wait for the rate limiter.
    pub throttled_requests: u64,
    /// Total time spent waiting: rate limiter, 429 pauses and retry backoff.
    pub waited: Duration,
}

#[derive(Default)]
struct Counters {
    requests: AtomicU64,
    retries: AtomicU64,
    rate_limited: AtomicU64,
    throttled: AtomicU64,
    waited_nanos: AtomicU64,
}

impl Counters {
    fn add_wait(&self, d: Duration) {
        let nanos = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        self.waited_nanos.fetch_add(nanos, Ordering::Relaxed);
    }
}

/// GoHighLevel contacts API client. Cloning is cheap; clones share one
/// connection pool, one rate limiter and one set of [`ClientStats`].
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

/// How requests are authenticated.
enum Auth {
    /// One token for the client's lifetime (CLI, tests, Private Integration Tokens).
    Static(AccessToken),
    /// Asked before every request; refreshed once after a 401.
    Source(Arc<dyn TokenSource>),
}

impl Auth {
    async fn current(&self) -> Result<AccessToken, Error> {
        match self {
            Auth::Static(token) => Ok(token.clone()),
            Auth::Source(source) => source.access_token().await,
        }
    }
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    location_id: String,
    auth: Auth,
    limiter: Arc<RateLimiter>,
    retry: RetryPolicy,
    country_code: String,
    counters: Counters,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("location_id", &self.inner.location_id)
            .field(
                "auth",
                &match self.inner.auth {
                    Auth::Static(_) => "static token",
                    Auth::Source(_) => "token source",
                },
            )
            .finish()
    }
}

/// One API call as the send path needs it.
pub(crate) struct Call<'a> {
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    pub(crate) path: Vec<&'a str>,
    pub(crate) query: Vec<(&'static str, String)>,
    /// Serialised JSON body.
    pub(crate) body: Option<Vec<u8>>,
    /// Safe to repeat after an ambiguous failure (reads, PUT, DELETE).
    pub(crate) idempotent: bool,
}

impl<'a> Call<'a> {
    /// GET, PUT and DELETE are idempotent; POST is not unless marked with
    /// [`Call::read_only`].
    pub(crate) fn new(operation: &'static str, method: Method, path: &[&'a str]) -> Self {
        let idempotent = method != Method::POST;
        Call {
            operation,
            method,
            path: path.to_vec(),
            query: Vec::new(),
            body: None,
            idempotent,
        }
    }

    pub(crate) fn get(operation: &'static str, path: &[&'a str]) -> Self {
        Self::new(operation, Method::GET, path)
    }

    pub(crate) fn query(mut self, pairs: Vec<(&'static str, String)>) -> Self {
        self.query.extend(pairs);
        self
    }

    pub(crate) fn json(mut self, body: &impl Serialize) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(body).map_err(|_| Error::Config {
            message: "a request body could not be serialised".to_owned(),
        })?;
        self.body = Some(bytes);
        Ok(self)
    }

    /// A POST that only reads (search): safe to repeat.
    pub(crate) fn read_only(mut self) -> Self {
        self.idempotent = true;
        self
    }
}

/// A failed call, and whether the server may have acted on it.
pub(crate) struct Failure {
    pub(crate) error: Error,
    pub(crate) maybe_applied: bool,
}

impl Failure {
    fn before_sending(error: Error) -> Self {
        Failure {
            error,
            maybe_applied: false,
        }
    }
}

impl Client {
    /// A client that sends `token` on every request; a 401 is returned as is.
    pub fn new(config: ClientConfig, token: AccessToken) -> Result<Client, Error> {
        // Checked here so a bad static token fails at construction, not on
        // the first request.
        authorization_header(&token)?;
        Self::build(config, Auth::Static(token))
    }

    /// A client that asks `source` for the token before every request. On a
    /// 401 it asks the source to refresh once and sends the same request once
    /// more (safe for every method: a 401 means the request was not
    /// processed); a second 401 is returned as is.
    pub fn with_token_source(
        config: ClientConfig,
        source: Arc<dyn TokenSource>,
    ) -> Result<Client, Error> {
        Self::build(config, Auth::Source(source))
    }

    fn build(config: ClientConfig, auth: Auth) -> Result<Client, Error> {
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
        config.rate_limit.validate().map_err(config_error)?;
        if config.retry.max_attempts == 0 {
            return Err(config_error("the retry policy must allow one attempt"));
        }
        let country_code = validate::country_calling_code(&config.default_country_calling_code)
            .map_err(|_| config_error("the default country calling code must be 1 to 3 digits"))?
            .to_owned();
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

        let limiter = RateLimiter::shared(
            &format!("{}\n{}", base_url.as_str(), location_id),
            config.rate_limit,
        );
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                location_id,
                auth,
                limiter,
                retry: config.retry,
                country_code,
                counters: Counters::default(),
            }),
        })
    }

    pub fn location_id(&self) -> &str {
        &self.inner.location_id
    }

    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    pub(crate) fn country_code(&self) -> &str {
        &self.inner.country_code
    }

    /// Whether a request of this location (any client sharing its rate
    /// limiter) is held back right now by the rate limit: the window is full
    /// or a 429 paused everyone. For "waiting for the API's rate limit".
    pub fn is_waiting_for_rate_limit(&self) -> bool {
        self.inner.limiter.is_waiting()
    }

    /// How full this location's rate-limit window is now: requests in flight
    /// or finished within the window, and how many the window allows.
    /// Background work uses it to leave room for the person's own requests.
    pub fn rate_window(&self) -> (u64, u32) {
        self.inner.limiter.usage()
    }

    /// Request, retry and waiting counters of this client and its clones.
    pub fn stats(&self) -> ClientStats {
        let c = &self.inner.counters;
        ClientStats {
            requests: c.requests.load(Ordering::Relaxed),
            retries: c.retries.load(Ordering::Relaxed),
            rate_limited_responses: c.rate_limited.load(Ordering::Relaxed),
            throttled_requests: c.throttled.load(Ordering::Relaxed),
            waited: Duration::from_nanos(c.waited_nanos.load(Ordering::Relaxed)),
        }
    }

    /// `GET /contacts/{contactId}` → `{ contact }`.
    pub async fn get_contact(&self, contact_id: &str) -> Result<Contact, Error> {
        let id = path_id("contact", contact_id)?;
        let env: ContactEnvelope = self
            .send(Call::get("get_contact", &["contacts", id]))
            .await?;
        Ok(env.contact)
    }

    /// `GET /locations/{locationId}` → `{ location }` (scope `locations.readonly`):
    /// the sub-account's name and address.
    pub async fn get_location(&self, location_id: &str) -> Result<Location, Error> {
        let id = path_id("location", location_id)?;
        let env: LocationEnvelope = self
            .send(Call::get("get_location", &["locations", id]))
            .await?;
        Ok(env.location)
    }

    /// `GET /contacts/{contactId}/tasks` → `{ tasks }`.
    pub async fn contact_tasks(&self, contact_id: &str) -> Result<Vec<Task>, Error> {
        let id = path_id("contact", contact_id)?;
        let env: TasksEnvelope = self
            .send(Call::get("contact_tasks", &["contacts", id, "tasks"]))
            .await?;
        Ok(env.tasks)
    }

    /// `GET /contacts/{contactId}/tasks/{taskId}` → `{ task }`.
    pub async fn get_task(&self, contact_id: &str, task_id: &str) -> Result<Task, Error> {
        let id = path_id("contact", contact_id)?;
        let task = path_id("task", task_id)?;
        let env: TaskEnvelope = self
            .send(Call::get("get_task", &["contacts", id, "tasks", task]))
            .await?;
        Ok(env.task)
    }

    /// `GET /contacts/{contactId}/notes` → `{ notes }`.
    pub async fn contact_notes(&self, contact_id: &str) -> Result<Vec<Note>, Error> {
        let id = path_id("contact", contact_id)?;
        let env: NotesEnvelope = self
            .send(Call::get("contact_notes", &["contacts", id, "notes"]))
            .await?;
        Ok(env.notes)
    }

    /// `GET /contacts/{contactId}/notes/{id}` → `{ note }`.
    pub async fn get_note(&self, contact_id: &str, note_id: &str) -> Result<Note, Error> {
        let id = path_id("contact", contact_id)?;
        let note = path_id("note", note_id)?;
        let env: NoteEnvelope = self
            .send(Call::get("get_note", &["contacts", id, "notes", note]))
            .await?;
        Ok(env.note)
    }

    /// `GET /contacts/{contactId}/appointments` → `{ events }`.
    pub async fn contact_appointments(&self, contact_id: &str) -> Result<Vec<Appointment>, Error> {
        let id = path_id("contact", contact_id)?;
        let env: EventsEnvelope = self
            .send(Call::get(
                "contact_appointments",
                &["contacts", id, "appointments"],
            ))
            .await?;
        Ok(env.events)
    }

    /// `POST /contacts/search` → `{ contacts, total }`. `locationId` comes
    /// from the client's configuration. A read, so it is retried like a GET.
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
            #[serde(skip_serializing_if = "<[_]>::is_empty")]
            filters: &'a [SearchFilter],
        }
        let body = Body {
            location_id: &self.inner.location_id,
            page_limit: request.page_limit,
            query: request.effective_query(),
            search_after: request.search_after.as_deref(),
            sort: &request.sort,
            filters: &request.filters,
        };
        let call = Call::new("search_contacts", Method::POST, &["contacts", "search"])
            .json(&body)?
            .read_only();
        self.send(call).await
    }

    /// `GET /contacts/` (deprecated; prefer [`Client::search_contacts`]) →
    /// `{ contacts, count, meta }`. See [`Client::legacy_contacts_stream`] to
    /// walk every page.
    pub async fn list_contacts_legacy(
        &self,
        request: &LegacyListRequest,
    ) -> Result<ContactsPage, Error> {
        if let Some(limit) = request.limit {
            if !(1..=LegacyListRequest::MAX_LIMIT).contains(&limit) {
                return Err(validate::invalid("limit", "must be between 1 and 100"));
            }
        }
        let call = Call::get("list_contacts_legacy", &["contacts", ""])
            .query(vec![("locationId", self.inner.location_id.clone())])
            .query(request.query_pairs());
        self.send(call).await
    }

    /// `GET /contacts/business/{businessId}` → `{ contacts, count }`.
    pub async fn contacts_by_business(
        &self,
        business_id: &str,
        query: &BusinessQuery,
    ) -> Result<ContactsPage, Error> {
        let id = path_id("business", business_id)?;
        if let Some(limit) = query.limit {
            if !(1..=100).contains(&limit) {
                return Err(validate::invalid("limit", "must be between 1 and 100"));
            }
        }
        let call = Call::get("contacts_by_business", &["contacts", "business", id])
            .query(vec![("locationId", self.inner.location_id.clone())])
            .query(query.query_pairs());
        self.send(call).await
    }

    /// `GET /contacts/search/duplicate?locationId&email|number` → the
    /// contact the location's duplicate rule matches, if any. A phone is
    /// normalised to E.164 first (and sent URL-encoded: `+` → `%2B`).
    pub async fn find_duplicate(&self, by: DuplicateQuery) -> Result<Option<Contact>, Error> {
        let pair = match by {
            DuplicateQuery::Email(email) => ("email", validate::email("email", &email)?),
            DuplicateQuery::Phone(phone) => (
                "number",
                validate::normalize_phone(&phone, &self.inner.country_code)?,
            ),
        };
        let call = Call::get("find_duplicate", &["contacts", "search", "duplicate"])
            .query(vec![("locationId", self.inner.location_id.clone()), pair]);
        let bytes = self.perform(&call).await.map_err(|f| f.error)?;
        responses::decode_duplicate(&bytes)
    }

    /// Sends `call` and decodes the success body.
    pub(crate) async fn send<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T, Error> {
        let bytes = self.perform(&call).await.map_err(|f| f.error)?;
        decode(call.operation, &bytes)
    }

    /// Like [`Client::send`], keeping whether a failed request may have been
    /// applied (for creates, which are not retried blindly).
    pub(crate) async fn send_create<T: DeserializeOwned>(
        &self,
        call: Call<'_>,
    ) -> Result<T, Failure> {
        let bytes = self.perform(&call).await?;
        decode(call.operation, &bytes).map_err(Failure::before_sending)
    }

    /// The one place requests are made: waits for the rate limiter, builds
    /// the URL, adds authentication, retries what is safe to retry (see
    /// [`crate::RetryPolicy`]), maps failures to [`Error`], and returns the
    /// success body.
    async fn perform(&self, call: &Call<'_>) -> Result<Vec<u8>, Failure> {
        let inner = &*self.inner;
        let policy = inner.retry;
        let url = self
            .url(&call.path, &call.query)
            .map_err(Failure::before_sending)?;
        let operation = call.operation;
        let method = &call.method;
        let mut token = inner
            .auth
            .current()
            .await
            .map_err(Failure::before_sending)?;
        let mut authorization = authorization_header(&token).map_err(Failure::before_sending)?;
        // The one re-send after a 401 with a refreshed token; it does not use
        // up a retry attempt.
        let mut reauthorized = false;
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let acquired = inner
                .limiter
                .acquire(policy.max_rate_limit_wait)
                .await
                .map_err(Failure::before_sending)?;
            if !acquired.waited.is_zero() {
                inner.counters.throttled.fetch_add(1, Ordering::Relaxed);
                inner.counters.add_wait(acquired.waited);
            }
            inner.counters.requests.fetch_add(1, Ordering::Relaxed);
            if attempt > 1 {
                inner.counters.retries.fetch_add(1, Ordering::Relaxed);
            }

            let mut request: RequestBuilder = inner
                .http
                .request(method.clone(), url.clone())
                .header(AUTHORIZATION, authorization.clone());
            if let Some(body) = &call.body {
                request = request
                    .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                    .body(body.clone());
            }
            let started = Instant::now();
            let result = Self::execute(request).await;
            let elapsed_ms = started.elapsed().as_millis() as u64;
            let can_retry = attempt < policy.max_attempts;

            let (status, headers, bytes) = match result {
                Ok(parts) => parts,
                Err(err) => {
                    drop(acquired.permit);
                    // A failed connect means the request never left: safe to
                    // repeat even for a create.
                    let not_sent = err.is_connect();
                    let error = Error::from_transport(&err);
                    tracing::warn!(operation, %method, path = url.path(), attempt, elapsed_ms, error = %error, "GHL request failed");
                    if matches!(error, Error::Config { .. }) {
                        return Err(Failure::before_sending(error));
                    }
                    if can_retry && (call.idempotent || not_sent) {
                        self.back_off(attempt).await;
                        continue;
                    }
                    return Err(Failure {
                        error,
                        maybe_applied: !not_sent,
                    });
                }
            };
            inner.limiter.observe(&headers);
            drop(acquired.permit);
            tracing::debug!(operation, %method, path = url.path(), status = status.as_u16(), attempt, elapsed_ms, "GHL request");

            if status.is_success() {
                return Ok(bytes);
            }
            let error = Error::from_response(status, &headers, &bytes, token.expose());
            tracing::info!(operation, status = status.as_u16(), code = error.code(), attempt, error = %error, "GHL error response");

            if let (Error::Unauthorized { .. }, Auth::Source(source), false) =
                (&error, &inner.auth, reauthorized)
            {
                // Not processed: safe to send again with a refreshed token.
                reauthorized = true;
                token = source
                    .refresh_after_unauthorized(&token)
                    .await
                    .map_err(Failure::before_sending)?;
                authorization = authorization_header(&token).map_err(Failure::before_sending)?;
                attempt -= 1;
                continue;
            }

            if status == StatusCode::TOO_MANY_REQUESTS {
                inner.counters.rate_limited.fetch_add(1, Ordering::Relaxed);
                // Refused, not processed: any method may go again.
                match inner.limiter.on_too_many_requests(&headers) {
                    Ok(wait) if can_retry && wait <= policy.max_rate_limit_wait => continue,
                    Ok(wait) => {
                        return Err(Failure::before_sending(Error::RateLimited {
                            retry_after: Some(wait),
                        }))
                    }
                    Err(daily) => return Err(Failure::before_sending(daily)),
                }
            }
            let transient = status.is_server_error() || status == StatusCode::REQUEST_TIMEOUT;
            if transient && call.idempotent && can_retry {
                self.back_off(attempt).await;
                continue;
            }
            return Err(Failure {
                error,
                maybe_applied: transient,
            });
        }
    }

    async fn back_off(&self, attempt: u32) {
        let delay = self.inner.retry.backoff(attempt);
        self.inner.counters.add_wait(delay);
        tokio::time::sleep(delay).await;
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

    /// Appends percent-encoded segments to the base URL, so an id containing
    /// `/`, `?` or `#` stays one segment, and form-encodes the query (`+` →
    /// `%2B`, `@` → `%40`).
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
pub(crate) fn path_id<'a>(what: &str, id: &'a str) -> Result<&'a str, Error> {
    if id.trim().is_empty() || id == "." || id == ".." {
        return Err(Error::InvalidInput {
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

/// `Bearer <token>`, marked sensitive so reqwest and `http` never print it.
fn authorization_header(token: &AccessToken) -> Result<HeaderValue, Error> {
    if token.expose().trim().is_empty() {
        return Err(config_error("the access token is empty"));
    }
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
        .map_err(|_| config_error("the access token contains characters that cannot be sent"))?;
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
            c.url(&["contacts", "abc"], &[]).expect("url").as_str(),
            "https://example.com/contacts/abc"
        );
        let c = client("http://127.0.0.1:9/prefix/api/?x=1#frag");
        assert_eq!(
            c.url(&["contacts", "a/b?c#d%e", "tasks"], &[])
                .expect("url")
                .as_str(),
            "http://127.0.0.1:9/prefix/api/contacts/a%2Fb%3Fc%23d%25e/tasks"
        );
        let c = client("http://127.0.0.1:9/prefix");
        assert_eq!(
            c.url(&["contacts", "search"], &[]).expect("url").path(),
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

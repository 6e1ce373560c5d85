//! GHL's OAuth 2.0 authorization-code flow (`apps/oauth.json`, API-NOTES §5),
//! without HTTP: the authorize request's checks, consent, codes, the token
//! endpoint's grants and refresh-token rotation. `api::oauth` serves it.
//!
//! Beyond GHL (whose PKCE support is undocumented) the sandbox implements
//! RFC 7636 PKCE with `S256`, so a desktop client can use it as RFC 8252 asks.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::api::Tokens;

/// The name the consent page shows for the one registered client.
pub(crate) const APP_NAME: &str = "Switchboard";

/// Redirect URIs registered for the client at start: the desktop app's
/// loopback ports (RFC 8252 §7.3).
pub const DEFAULT_REDIRECT_URIS: &[&str] = &[
    "http://127.0.0.1:47615/oauth/callback",
    "http://127.0.0.1:47616/oauth/callback",
    "http://127.0.0.1:47617/oauth/callback",
];

/// GHL's access-token lifetime (`expires_in` 86399).
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(86_399);
/// How long an authorization code can be exchanged.
pub const DEFAULT_CODE_LIFETIME: Duration = Duration::from_secs(60);
/// How long a consent page can be answered.
const CONSENT_LIFETIME: Duration = Duration::from_secs(600);
/// GHL: a refresh token is valid for a year unless used.
const REFRESH_LIFETIME: Duration = Duration::from_secs(365 * 86_400);

/// Scopes a GHL app can request that the sandbox knows, with the words the
/// consent page uses for them. Only the contacts scopes and `locations.readonly`
/// unlock endpoints here.
pub(crate) const SCOPES: &[(&str, &str)] = &[
    (
        "contacts.readonly",
        "See your contacts with their tasks, notes and appointments",
    ),
    (
        "contacts.write",
        "Create, change and delete contacts, their tasks, notes and tags",
    ),
    ("calendars.readonly", "See your calendars"),
    ("calendars.write", "Create and change calendars"),
    (
        "calendars/events.readonly",
        "See calendar events and appointments",
    ),
    (
        "calendars/events.write",
        "Book, change and cancel appointments",
    ),
    ("calendars/groups.readonly", "See calendar groups"),
    (
        "calendars/groups.write",
        "Create and change calendar groups",
    ),
    ("calendars/resources.readonly", "See rooms and equipment"),
    (
        "calendars/resources.write",
        "Create and change rooms and equipment",
    ),
    (
        "locations.readonly",
        "See the sub-account's name and address",
    ),
    ("users.readonly", "See the users of your sub-account"),
];

/// The plain-words description of a known scope.
pub(crate) fn scope_words(scope: &str) -> Option<&'static str> {
    SCOPES.iter().find(|(s, _)| *s == scope).map(|(_, w)| *w)
}

/// The OAuth client registered with the sandbox (random per start).
#[derive(Clone, PartialEq, Eq)]
pub struct OAuthClient {
    pub client_id: String,
    pub client_secret: String,
}

impl fmt::Debug for OAuthClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthClient")
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .finish()
    }
}

/// How the authorize endpoint answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Consent {
    /// A consent page where the user picks a location and allows or denies.
    #[default]
    Interactive,
    /// Redirect at once with a code for this location (for browsers that
    /// cannot click, e.g. headless tests).
    Approve { location_id: String },
    /// Redirect at once with `error=access_denied`.
    Deny,
}

/// Counters of the token endpoint and codes since start.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OAuthStats {
    /// Authorization codes handed out (allowed consents).
    pub codes_issued: u64,
    /// Successful `authorization_code` grants.
    pub code_exchanges: u64,
    /// Successful `refresh_token` grants.
    pub refreshes: u64,
    /// Token requests answered with an error (any status).
    pub refused_grants: u64,
}

/// A location as the OAuth flow needs it.
#[derive(Debug, Clone)]
pub(crate) struct GrantLocation {
    pub id: String,
    pub name: String,
    /// The user who "installs" the app (the location's first user).
    pub user_id: String,
}

/// A checked authorize request.
#[derive(Debug, Clone)]
pub(crate) struct AuthorizeRequest {
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub state: Option<String>,
    pub code_challenge: Option<String>,
}

/// Why an authorize request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AuthorizeError {
    /// Unknown client or redirect URI: shown to the user, never redirected
    /// (RFC 6749 §4.1.2.1).
    Page(String),
    /// Sent back to the client at its redirect URI.
    Redirect(String),
}

/// A refused token request: HTTP status, OAuth error code, description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TokenError {
    pub status: u16,
    pub error: &'static str,
    pub description: Vec<String>,
}

impl TokenError {
    fn new(status: u16, error: &'static str, description: impl Into<String>) -> TokenError {
        TokenError {
            status,
            error,
            description: vec![description.into()],
        }
    }

    fn invalid_grant(description: impl Into<String>) -> TokenError {
        TokenError::new(400, "invalid_grant", description)
    }

    fn invalid_request(description: impl Into<String>) -> TokenError {
        TokenError::new(400, "invalid_request", description)
    }

    fn invalid_client(description: impl Into<String>) -> TokenError {
        TokenError::new(401, "invalid_client", description)
    }

    /// The body in the shape of the spec's DTO for the status
    /// (`BadRequestDTO`, `UnauthorizedDTO`, `UnprocessableDTO`), plus RFC 6749
    /// §5.2's `error` and `error_description` so OAuth clients recognise it.
    pub fn body(&self) -> Value {
        let text = self.description.join("; ");
        match self.status {
            422 => json!({
                "statusCode": 422,
                "message": self.description,
                "error": self.error,
                "error_description": text,
            }),
            401 => json!({
                "statusCode": 401,
                "message": text,
                "error": self.error,
                "error_description": text,
            }),
            status => json!({
                "statusCode": status,
                "message": text,
                "error": self.error,
                "error_description": text,
                "traceId": crate::api::error::trace_id(),
            }),
        }
    }
}

/// Why a consent decision could not be carried out (shown as a page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DecisionError(pub String);

#[derive(Debug)]
struct PendingConsent {
    request: AuthorizeRequest,
    expires_at: Instant,
}

#[derive(Debug)]
struct IssuedCode {
    location: usize,
    scopes: Vec<String>,
    redirect_uri: String,
    code_challenge: Option<String>,
    expires_at: Instant,
}

#[derive(Debug)]
struct RefreshGrant {
    location: usize,
    scopes: Vec<String>,
    expires_at: Instant,
}

#[derive(Debug)]
struct Inner {
    redirect_uris: Vec<String>,
    consent: Consent,
    token_lifetime: Duration,
    code_lifetime: Duration,
    pending: HashMap<String, PendingConsent>,
    codes: HashMap<String, IssuedCode>,
    refresh_tokens: HashMap<String, RefreshGrant>,
    stats: OAuthStats,
}

/// The authorization server of one sandbox.
pub(crate) struct OAuth {
    client: OAuthClient,
    company_id: String,
    locations: Vec<GrantLocation>,
    inner: Mutex<Inner>,
}

impl fmt::Debug for OAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth")
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

fn random_token(bytes: usize) -> String {
    let mut out = String::with_capacity(bytes * 2);
    for _ in 0..bytes {
        out.push_str(&format!("{:02x}", rand::random::<u8>()));
    }
    out
}

/// Compares secrets in time independent of where they differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// RFC 7636 §4.1: 43 to 128 characters of `[A-Za-z0-9-._~]`.
fn is_pkce_value(v: &str) -> bool {
    (43..=128).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// `S256`: BASE64URL-NOPAD(SHA256(verifier)).
pub(crate) fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// `uri` with these query pairs appended (form-encoded, as browsers read them).
fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    match url::Url::parse(uri) {
        Ok(mut url) => {
            {
                let mut q = url.query_pairs_mut();
                for (k, v) in pairs {
                    q.append_pair(k, v);
                }
            }
            url.to_string()
        }
        // Registered URIs always parse; keep a usable answer regardless.
        Err(_) => {
            let query: String = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(pairs)
                .finish();
            let sep = if uri.contains('?') { '&' } else { '?' };
            format!("{uri}{sep}{query}")
        }
    }
}

fn error_redirect(
    redirect_uri: &str,
    state: Option<&str>,
    error: &str,
    description: &str,
) -> String {
    let mut pairs = vec![("error", error), ("error_description", description)];
    if let Some(s) = state {
        pairs.push(("state", s));
    }
    with_query(redirect_uri, &pairs)
}

/// The one value of `key`, `None` when absent; repeated keys are an error.
fn single<'a>(params: &'a [(String, String)], key: &str) -> Result<Option<&'a str>, String> {
    let mut values = params.iter().filter(|(k, _)| k == key).map(|(_, v)| v);
    let first = values.next();
    if values.next().is_some() {
        return Err(format!("Parameter {key} is repeated"));
    }
    Ok(first.map(String::as_str))
}

/// Form keys of `GetAccessCodebodyDto`, plus RFC 7636's `code_verifier`.
const TOKEN_FORM_KEYS: &[&str] = &[
    "client_id",
    "client_secret",
    "grant_type",
    "code",
    "refresh_token",
    "user_type",
    "redirect_uri",
    "code_verifier",
];
const GRANT_TYPES: &[&str] = &["authorization_code", "refresh_token", "client_credentials"];
const USER_TYPES: &[&str] = &["Company", "Location"];

impl OAuth {
    pub(crate) fn new(company_id: String, locations: Vec<GrantLocation>) -> OAuth {
        OAuth {
            client: OAuthClient {
                client_id: format!("{}-{}", random_token(12), random_token(4)),
                client_secret: random_token(16),
            },
            company_id,
            locations,
            inner: Mutex::new(Inner {
                redirect_uris: DEFAULT_REDIRECT_URIS
                    .iter()
                    .map(|u| (*u).to_owned())
                    .collect(),
                consent: Consent::Interactive,
                token_lifetime: DEFAULT_TOKEN_LIFETIME,
                code_lifetime: DEFAULT_CODE_LIFETIME,
                pending: HashMap::new(),
                codes: HashMap::new(),
                refresh_tokens: HashMap::new(),
                stats: OAuthStats::default(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn client(&self) -> &OAuthClient {
        &self.client
    }

    pub(crate) fn locations(&self) -> &[GrantLocation] {
        &self.locations
    }

    pub(crate) fn register_redirect_uri(&self, uri: &str) {
        let mut inner = self.lock();
        if !inner.redirect_uris.iter().any(|u| u == uri) {
            inner.redirect_uris.push(uri.to_owned());
        }
    }

    pub(crate) fn redirect_uris(&self) -> Vec<String> {
        self.lock().redirect_uris.clone()
    }

    pub(crate) fn consent(&self) -> Consent {
        self.lock().consent.clone()
    }

    pub(crate) fn set_consent(&self, consent: Consent) {
        self.lock().consent = consent;
    }

    pub(crate) fn set_token_lifetime(&self, lifetime: Duration) {
        self.lock().token_lifetime = lifetime;
    }

    pub(crate) fn set_code_lifetime(&self, lifetime: Duration) {
        self.lock().code_lifetime = lifetime;
    }

    pub(crate) fn stats(&self) -> OAuthStats {
        self.lock().stats
    }

    pub(crate) fn location_index(&self, location_id: &str) -> Option<usize> {
        self.locations.iter().position(|l| l.id == location_id)
    }

    /// Checks the authorize request's parameters (RFC 6749 §4.1.1, RFC 7636
    /// §4.3). Unknown parameters (`loginWindowOpenMode`, …) are ignored.
    pub(crate) fn check_authorize(
        &self,
        params: &[(String, String)],
    ) -> Result<AuthorizeRequest, AuthorizeError> {
        let page = AuthorizeError::Page;
        let client_id = single(params, "client_id").map_err(page)?;
        match client_id {
            None | Some("") => {
                return Err(AuthorizeError::Page(
                    "The request names no app (client_id is missing).".to_owned(),
                ))
            }
            Some(id) if id != self.client.client_id => {
                return Err(AuthorizeError::Page(
                    "No app with this client_id is registered.".to_owned(),
                ))
            }
            Some(_) => {}
        }
        let redirect_uri = match single(params, "redirect_uri").map_err(page)? {
            None | Some("") => {
                return Err(AuthorizeError::Page(
                    "The request has no redirect_uri.".to_owned(),
                ))
            }
            Some(uri) if !self.lock().redirect_uris.iter().any(|u| u == uri) => {
                return Err(AuthorizeError::Page(
                    "The redirect_uri is not registered for this app.".to_owned(),
                ))
            }
            Some(uri) => uri.to_owned(),
        };
        // From here on, errors go back to the app.
        let state = params
            .iter()
            .find(|(k, _)| k == "state")
            .map(|(_, v)| v.clone());
        let refuse = |error: &str, description: &str| {
            AuthorizeError::Redirect(error_redirect(
                &redirect_uri,
                state.as_deref(),
                error,
                description,
            ))
        };
        let get = |key: &str| single(params, key).map_err(|e| refuse("invalid_request", &e));
        get("state")?;
        match get("response_type")? {
            Some("code") => {}
            None | Some("") => {
                return Err(refuse("invalid_request", "response_type is missing"));
            }
            Some(_) => {
                return Err(refuse(
                    "unsupported_response_type",
                    "Only response_type=code is supported",
                ));
            }
        }
        let mut scopes: Vec<String> = Vec::new();
        for s in get("scope")?.unwrap_or_default().split(' ') {
            if !s.is_empty() && !scopes.iter().any(|x| x == s) {
                scopes.push(s.to_owned());
            }
        }
        if scopes.is_empty() {
            return Err(refuse("invalid_scope", "scope is missing"));
        }
        if let Some(unknown) = scopes.iter().find(|s| scope_words(s).is_none()) {
            return Err(refuse("invalid_scope", &format!("Unknown scope {unknown}")));
        }
        let code_challenge = match (get("code_challenge")?, get("code_challenge_method")?) {
            (None, None) => None,
            (Some(challenge), Some("S256")) if is_pkce_value(challenge) => {
                Some(challenge.to_owned())
            }
            (Some(_), Some("S256")) => {
                return Err(refuse(
                    "invalid_request",
                    "code_challenge must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~",
                ));
            }
            (Some(_), _) => {
                return Err(refuse(
                    "invalid_request",
                    "code_challenge_method must be S256",
                ));
            }
            (None, Some(_)) => {
                return Err(refuse(
                    "invalid_request",
                    "code_challenge_method without code_challenge",
                ));
            }
        };
        Ok(AuthorizeRequest {
            redirect_uri,
            scopes,
            state,
            code_challenge,
        })
    }

    /// Where the browser goes when the user allows access for `location`.
    pub(crate) fn approve(&self, request: &AuthorizeRequest, location: usize) -> String {
        let code = random_token(20);
        {
            let mut inner = self.lock();
            let now = Instant::now();
            inner.codes.retain(|_, c| c.expires_at > now);
            let expires_at = now + inner.code_lifetime;
            inner.codes.insert(
                code.clone(),
                IssuedCode {
                    location,
                    scopes: request.scopes.clone(),
                    redirect_uri: request.redirect_uri.clone(),
                    code_challenge: request.code_challenge.clone(),
                    expires_at,
                },
            );
            inner.stats.codes_issued += 1;
        }
        let mut pairs = vec![("code", code.as_str())];
        if let Some(s) = &request.state {
            pairs.push(("state", s));
        }
        with_query(&request.redirect_uri, &pairs)
    }

    /// Where the browser goes when the user denies access.
    pub(crate) fn deny(&self, request: &AuthorizeRequest) -> String {
        error_redirect(
            &request.redirect_uri,
            request.state.as_deref(),
            "access_denied",
            "The user denied access.",
        )
    }

    /// Where the browser goes when an automatic answer cannot be given.
    pub(crate) fn server_error(&self, request: &AuthorizeRequest, description: &str) -> String {
        error_redirect(
            &request.redirect_uri,
            request.state.as_deref(),
            "server_error",
            description,
        )
    }

    /// Keeps the request for the consent page's answer; returns its id.
    pub(crate) fn await_consent(&self, request: AuthorizeRequest) -> String {
        let id = random_token(16);
        let mut inner = self.lock();
        let now = Instant::now();
        inner.pending.retain(|_, p| p.expires_at > now);
        inner.pending.insert(
            id.clone(),
            PendingConsent {
                request,
                expires_at: now + CONSENT_LIFETIME,
            },
        );
        id
    }

    /// Carries out the consent page's answer (once per request); returns where
    /// the browser goes.
    pub(crate) fn decide(
        &self,
        request_id: &str,
        decision: &str,
        location_id: Option<&str>,
    ) -> Result<String, DecisionError> {
        let location = match decision {
            "allow" => match location_id.and_then(|id| self.location_index(id)) {
                Some(l) => Some(l),
                None => {
                    return Err(DecisionError(
                        "Choose one of the listed sub-accounts.".to_owned(),
                    ))
                }
            },
            "deny" => None,
            _ => return Err(DecisionError("Choose Allow or Deny.".to_owned())),
        };
        let pending = {
            let mut inner = self.lock();
            inner
                .pending
                .remove(request_id)
                .filter(|p| p.expires_at > Instant::now())
        };
        let Some(pending) = pending else {
            return Err(DecisionError(
                "This sign-in request has expired or was already answered. \
                 Start the sign-in again from the app."
                    .to_owned(),
            ));
        };
        Ok(match location {
            Some(l) => self.approve(&pending.request, l),
            None => self.deny(&pending.request),
        })
    }

    /// The token endpoint: `form` is the decoded body, `basic_auth` whether the
    /// request carried HTTP Basic credentials. Issues access tokens in `tokens`.
    pub(crate) fn token(
        &self,
        form: &[(String, String)],
        basic_auth: bool,
        tokens: &Tokens,
    ) -> Result<Value, TokenError> {
        let result = self.grant(form, basic_auth, tokens);
        if result.is_err() {
            self.lock().stats.refused_grants += 1;
        }
        result
    }

    /// A token request refused before its form is read (400 invalid_request).
    pub(crate) fn refuse(&self, description: &str) -> TokenError {
        self.lock().stats.refused_grants += 1;
        TokenError::invalid_request(description)
    }

    fn grant(
        &self,
        form: &[(String, String)],
        basic_auth: bool,
        tokens: &Tokens,
    ) -> Result<Value, TokenError> {
        let get = |key: &str| single(form, key).map_err(TokenError::invalid_request);
        for key in TOKEN_FORM_KEYS {
            get(key)?;
        }
        // Client authentication first (RFC 6749 §5.2: invalid_client is 401).
        let (client_id, client_secret) = (get("client_id")?, get("client_secret")?);
        match (client_id, client_secret) {
            (None | Some(""), _) | (_, None | Some("")) if basic_auth => {
                return Err(TokenError::invalid_client(
                    "Send client_id and client_secret in the form body, not in an \
                     Authorization header",
                ));
            }
            (Some(id), Some(secret))
                if id == self.client.client_id
                    && same_secret(secret, &self.client.client_secret) => {}
            _ => {
                return Err(TokenError::invalid_client(
                    "Invalid client: client credentials are invalid",
                ))
            }
        }
        let mut problems = Vec::new();
        for (key, _) in form {
            if !TOKEN_FORM_KEYS.contains(&key.as_str()) {
                problems.push(format!("property {key} should not exist"));
            }
        }
        let grant_type = get("grant_type")?;
        match grant_type {
            None | Some("") => problems.push("grant_type should not be empty".to_owned()),
            Some(g) if !GRANT_TYPES.contains(&g) => problems.push(format!(
                "grant_type must be one of the following values: {}",
                GRANT_TYPES.join(", ")
            )),
            Some(_) => {}
        }
        let user_type = get("user_type")?;
        if user_type.is_some_and(|u| !USER_TYPES.contains(&u)) {
            problems.push(format!(
                "user_type must be one of the following values: {}",
                USER_TYPES.join(", ")
            ));
        }
        if !problems.is_empty() {
            let error = if grant_type.is_some_and(|g| !g.is_empty() && !GRANT_TYPES.contains(&g)) {
                "unsupported_grant_type"
            } else {
                "invalid_request"
            };
            return Err(TokenError {
                status: 422,
                error,
                description: problems,
            });
        }
        if user_type == Some("Company") {
            return Err(TokenError::invalid_request(
                "Invalid parameter: user_type: this app installs on sub-accounts, \
                 request a Location token",
            ));
        }
        match grant_type {
            Some("authorization_code") => self.exchange_code(
                get("code")?,
                get("redirect_uri")?,
                get("code_verifier")?,
                tokens,
            ),
            Some("refresh_token") => self.refresh(get("refresh_token")?, tokens),
            _ => Err(TokenError::new(
                400,
                "unsupported_grant_type",
                "Invalid parameter: grant_type: this app uses authorization_code and refresh_token",
            )),
        }
    }

    fn exchange_code(
        &self,
        code: Option<&str>,
        redirect_uri: Option<&str>,
        verifier: Option<&str>,
        tokens: &Tokens,
    ) -> Result<Value, TokenError> {
        let code = code
            .filter(|c| !c.is_empty())
            .ok_or_else(|| TokenError::invalid_request("Missing parameter: code"))?;
        if verifier.is_some_and(|v| !is_pkce_value(v)) {
            return Err(TokenError::invalid_request(
                "code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~",
            ));
        }
        // A code is spent by any attempt, failed ones included, so it cannot be
        // guessed at (RFC 6749 §10.5).
        let issued = self.lock().codes.remove(code);
        let Some(issued) = issued else {
            return Err(TokenError::invalid_grant(
                "Invalid grant: authorization code is invalid",
            ));
        };
        if Instant::now() >= issued.expires_at {
            return Err(TokenError::invalid_grant(
                "Invalid grant: authorization code has expired",
            ));
        }
        if redirect_uri.is_some_and(|r| r != issued.redirect_uri) {
            return Err(TokenError::invalid_grant(
                "Invalid grant: redirect_uri does not match the authorization request",
            ));
        }
        match (&issued.code_challenge, verifier) {
            (None, None) => {}
            (Some(_), None) => {
                return Err(TokenError::invalid_grant(
                    "Invalid grant: code_verifier is required",
                ))
            }
            (None, Some(_)) => {
                return Err(TokenError::invalid_grant(
                    "Invalid grant: the authorization request had no code_challenge",
                ))
            }
            (Some(challenge), Some(v)) => {
                if !same_secret(&s256(v), challenge) {
                    return Err(TokenError::invalid_grant(
                        "Invalid grant: code_verifier does not match the code_challenge",
                    ));
                }
            }
        }
        let body = self.issue(issued.location, issued.scopes, tokens);
        self.lock().stats.code_exchanges += 1;
        Ok(body)
    }

    fn refresh(&self, refresh_token: Option<&str>, tokens: &Tokens) -> Result<Value, TokenError> {
        let refresh_token = refresh_token
            .filter(|t| !t.is_empty())
            .ok_or_else(|| TokenError::invalid_request("Missing parameter: refresh_token"))?;
        // Rotation: the presented refresh token is spent whatever follows.
        let grant = self.lock().refresh_tokens.remove(refresh_token);
        let grant = grant
            .filter(|g| Instant::now() < g.expires_at)
            .ok_or_else(|| TokenError::invalid_grant("Invalid grant: refresh token is invalid"))?;
        let body = self.issue(grant.location, grant.scopes, tokens);
        self.lock().stats.refreshes += 1;
        Ok(body)
    }

    /// A new access/refresh pair, as `GetAccessCodeSuccessfulResponseDto`.
    fn issue(&self, location: usize, scopes: Vec<String>, tokens: &Tokens) -> Value {
        let lifetime = self.lock().token_lifetime;
        let access_token = tokens.issue(location, scopes.clone(), Some(lifetime));
        let refresh_token = random_token(24);
        let scope = scopes.join(" ");
        self.lock().refresh_tokens.insert(
            refresh_token.clone(),
            RefreshGrant {
                location,
                scopes,
                expires_at: Instant::now() + REFRESH_LIFETIME,
            },
        );
        let loc = &self.locations[location];
        json!({
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": lifetime.as_secs(),
            "refresh_token": refresh_token,
            "scope": scope,
            "userType": "Location",
            "locationId": loc.id,
            "companyId": self.company_id,
            "userId": loc.user_id,
            "isBulkInstallation": false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_matches_rfc_7636_appendix_b() {
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn every_scope_an_operation_needs_can_be_requested() {
        for op in crate::OPERATIONS {
            assert!(scope_words(op.scope).is_some(), "{}", op.scope);
        }
        for scope in crate::FULL_SCOPES {
            assert!(scope_words(scope).is_some(), "{scope}");
        }
        assert_eq!(
            scope_words(crate::SCOPE_LOCATIONS_READ),
            Some("See the sub-account's name and address")
        );
    }

    #[test]
    fn redirects_keep_existing_query_and_encode_values() {
        assert_eq!(
            with_query("http://127.0.0.1:1/cb?a=1", &[("state", "x y&z")]),
            "http://127.0.0.1:1/cb?a=1&state=x+y%26z"
        );
        assert_eq!(
            error_redirect(
                "http://127.0.0.1:1/cb",
                None,
                "access_denied",
                "The user denied access."
            ),
            "http://127.0.0.1:1/cb?error=access_denied&error_description=The+user+denied+access."
        );
    }

    #[test]
    fn client_secret_stays_out_of_debug() {
        let client = OAuthClient {
            client_id: "id".into(),
            client_secret: "hunter2".into(),
        };
        assert!(!format!("{client:?}").contains("hunter2"));
    }

    #[test]
    fn pkce_values_follow_the_rfc_grammar() {
        assert!(is_pkce_value(&"a".repeat(43)));
        assert!(!is_pkce_value(&"a".repeat(42)));
        assert!(!is_pkce_value(&"a".repeat(129)));
        assert!(!is_pkce_value(&format!("{}+", "a".repeat(43))));
    }
}

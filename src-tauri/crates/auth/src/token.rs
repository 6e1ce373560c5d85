//! Token sets, stored credentials, and the two calls to GoHighLevel's token
//! endpoint (code exchange and refresh), made with the `oauth2` crate.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::Duration;

use oauth2::basic::{
    BasicRevocationErrorResponse, BasicTokenIntrospectionResponse, BasicTokenType,
};
use oauth2::{
    AsyncHttpClient, AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, EndpointNotSet,
    EndpointSet, ErrorResponse, ExtraTokenFields, HttpClientError, HttpRequest, HttpResponse,
    PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError, StandardRevocableToken,
    StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

use crate::app::OAuthApp;
use crate::error::{truncate, Error, Result};
use crate::secret::SecretString;

/// Assumed lifetime when the token response has no `expires_in` (GoHighLevel
/// always sends one; an hour errs on the side of refreshing early).
const FALLBACK_LIFETIME: Duration = Duration::from_secs(3600);
/// Whole-request timeout of a token endpoint call.
const TOKEN_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// An OAuth token pair for one location, with what GoHighLevel said about it.
///
/// `Debug` masks both tokens. It is `Serialize` only so it can be written to
/// the OS keyring entry; never write it anywhere else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenSet {
    pub access_token: SecretString,
    /// Single use: every refresh returns a new one and retires this one.
    pub refresh_token: SecretString,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    pub scopes: Vec<String>,
    pub location_id: String,
    pub company_id: Option<String>,
    /// The user who installed the app.
    pub user_id: Option<String>,
    /// `Location` for the sub-account tokens this app asks for.
    pub user_type: Option<String>,
}

impl TokenSet {
    pub fn access_token(&self) -> ghl::AccessToken {
        ghl::AccessToken::new(self.access_token.expose())
    }
}

/// What is stored per signed-in location (keyring entry `ghl:location:<id>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum Credential {
    #[serde(rename = "oauth")]
    OAuth(TokenSet),
    /// A Private Integration Token: fixed, never refreshed.
    #[serde(rename = "pit")]
    PrivateIntegration {
        token: SecretString,
        location_id: String,
    },
}

/// The keyring entry's JSON: versioned so a later format can still read it.
#[derive(Serialize, Deserialize)]
struct Stored {
    v: u32,
    #[serde(flatten)]
    credential: Credential,
}

impl Credential {
    pub fn location_id(&self) -> &str {
        match self {
            Credential::OAuth(t) => &t.location_id,
            Credential::PrivateIntegration { location_id, .. } => location_id,
        }
    }

    pub fn access_token(&self) -> ghl::AccessToken {
        match self {
            Credential::OAuth(t) => t.access_token(),
            Credential::PrivateIntegration { token, .. } => ghl::AccessToken::new(token.expose()),
        }
    }

    /// The keyring entry's text.
    pub(crate) fn to_stored_json(&self) -> SecretString {
        let stored = Stored {
            v: 1,
            credential: self.clone(),
        };
        SecretString::new(serde_json::to_string(&stored).expect("credential serializes"))
    }

    pub(crate) fn from_stored_json(text: &SecretString) -> Result<Credential> {
        // serde's message could quote a token; only the location of the
        // problem is reported.
        let stored: Stored =
            serde_json::from_str(text.expose()).map_err(|e| Error::CorruptCredential {
                message: format!(
                    "not a saved sign-in (line {}, column {})",
                    e.line(),
                    e.column()
                ),
            })?;
        if stored.v != 1 {
            return Err(Error::CorruptCredential {
                message: format!("saved by a newer version of the app (format {})", stored.v),
            });
        }
        Ok(stored.credential)
    }
}

/// GoHighLevel's fields beyond RFC 6749 (`GetAccessCodeSuccessfulResponseDto`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct GhlTokenFields {
    #[serde(rename = "userType", default)]
    user_type: Option<String>,
    #[serde(rename = "locationId", default)]
    location_id: Option<String>,
    #[serde(rename = "companyId", default)]
    company_id: Option<String>,
    #[serde(rename = "userId", default)]
    user_id: Option<String>,
}

impl ExtraTokenFields for GhlTokenFields {}

type GhlTokenResponse = StandardTokenResponse<GhlTokenFields, BasicTokenType>;

/// GoHighLevel's error bodies are `{ statusCode, message, error }` rather than
/// RFC 6749's shape, so every field is optional and kept as JSON.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct GhlTokenError {
    #[serde(rename = "statusCode", default)]
    status_code: Option<Value>,
    #[serde(default)]
    message: Option<Value>,
    #[serde(default)]
    error: Option<Value>,
    #[serde(default)]
    error_description: Option<Value>,
}

impl GhlTokenError {
    fn text(&self) -> String {
        let as_text = |v: &Value| match v {
            Value::String(s) => Some(s.clone()),
            Value::Array(items) => Some(
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            Value::Null => None,
            other => Some(other.to_string()),
        };
        [&self.message, &self.error_description, &self.error]
            .into_iter()
            .flatten()
            .find_map(|v| as_text(v).filter(|t| !t.trim().is_empty()))
            .unwrap_or_else(|| "no details given".to_owned())
    }

    fn is_invalid_grant(&self) -> bool {
        let all = serde_json::to_string(self).unwrap_or_default();
        mentions_invalid_grant(all.as_bytes())
    }
}

impl std::fmt::Display for GhlTokenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text())
    }
}

impl ErrorResponse for GhlTokenError {}

fn mentions_invalid_grant(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body).to_ascii_lowercase();
    text.contains("invalid_grant") || text.contains("invalid grant")
}

type OAuthClient<HasAuthUrl> = oauth2::Client<
    GhlTokenError,
    GhlTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    HasAuthUrl,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// The `oauth2` client for `app`: credentials in the form body (what GHL's
/// `GetAccessCodebodyDto` expects), never in a Basic header.
pub(crate) fn oauth_client(app: &OAuthApp) -> OAuthClient<EndpointSet> {
    oauth2::Client::new(ClientId::new(app.client_id.clone()))
        .set_client_secret(ClientSecret::new(app.client_secret.expose().to_owned()))
        .set_auth_uri(AuthUrl::from_url(app.authorize_url.clone()))
        .set_token_uri(TokenUrl::from_url(app.token_url.clone()))
        .set_auth_type(AuthType::RequestBody)
}

/// The HTTP client for the token endpoint. Redirects are not followed (a
/// token endpoint that redirects is misconfigured or hostile).
pub(crate) fn token_http_client() -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(concat!("Switchboard/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TOKEN_REQUEST_TIMEOUT)
        .connect_timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| Error::config(format!("the HTTP client could not be created: {e}")))
}

/// Which grant failed: an invalid refresh grant means "sign in again".
#[derive(Clone, Copy)]
enum Grant {
    Code,
    Refresh,
}

/// `grant_type=authorization_code` with `user_type=Location`, the
/// `redirect_uri` used at authorize time and the PKCE verifier.
pub(crate) async fn exchange_code(
    http: &reqwest::Client,
    app: &OAuthApp,
    code: AuthorizationCode,
    verifier: PkceCodeVerifier,
    redirect_uri: &url::Url,
) -> Result<TokenSet> {
    let client = oauth_client(app);
    let redirect = RedirectUrl::from_url(redirect_uri.clone());
    let code_secret = SecretString::new(code.secret().clone());
    let send = RecordingClient::new(http);
    let request = client
        .exchange_code(code)
        .set_pkce_verifier(verifier)
        .set_redirect_uri(std::borrow::Cow::Owned(redirect))
        .add_extra_param("user_type", "Location");
    let response = request.request_async(&send).await.map_err(|e| {
        map_error(
            e,
            send.status(),
            Grant::Code,
            &[&code_secret, &app.client_secret],
        )
    })?;
    let fields = response.extra_fields();
    let location_id = fields
        .location_id
        .clone()
        .filter(|l| !l.is_empty())
        .ok_or_else(|| Error::TokenEndpoint {
            status: None,
            message: "GoHighLevel issued no sub-account (location) token; choose a sub-account when signing in".to_owned(),
        })?;
    to_token_set(&response, None, location_id, &app.scopes)
}

/// `grant_type=refresh_token` with `user_type=Location`. `invalid_grant`
/// (refresh token used, expired or revoked) becomes [`Error::ReauthRequired`].
pub(crate) async fn refresh(
    http: &reqwest::Client,
    app: &OAuthApp,
    current: &TokenSet,
) -> Result<TokenSet> {
    let client = oauth_client(app);
    let refresh_token = RefreshToken::new(current.refresh_token.expose().to_owned());
    let send = RecordingClient::new(http);
    let response = client
        .exchange_refresh_token(&refresh_token)
        .add_extra_param("user_type", "Location")
        .request_async(&send)
        .await
        .map_err(|e| {
            map_error(
                e,
                send.status(),
                Grant::Refresh,
                &[
                    &current.refresh_token,
                    &current.access_token,
                    &app.client_secret,
                ],
            )
        })?;
    if let Some(other) = response
        .extra_fields()
        .location_id
        .as_deref()
        .filter(|l| *l != current.location_id)
    {
        tracing::warn!(
            expected = %current.location_id,
            got = %other,
            "token refresh answered for another location; keeping the session's location"
        );
    }
    to_token_set(
        &response,
        Some(current),
        current.location_id.clone(),
        &current.scopes,
    )
}

fn to_token_set(
    response: &GhlTokenResponse,
    previous: Option<&TokenSet>,
    location_id: String,
    fallback_scopes: &[String],
) -> Result<TokenSet> {
    let fields = response.extra_fields();
    let refresh_token = match (response.refresh_token(), previous) {
        (Some(rt), _) => SecretString::new(rt.secret().clone()),
        // RFC 6749 §6 allows keeping the old refresh token.
        (None, Some(prev)) => prev.refresh_token.clone(),
        (None, None) => {
            return Err(Error::TokenEndpoint {
                status: None,
                message: "GoHighLevel issued no refresh token".to_owned(),
            })
        }
    };
    let lifetime = response.expires_in().unwrap_or(FALLBACK_LIFETIME);
    let scopes = match response.scopes() {
        Some(scopes) => scopes.iter().map(|s| s.to_string()).collect(),
        None => previous
            .map(|p| p.scopes.clone())
            .unwrap_or_else(|| fallback_scopes.to_vec()),
    };
    let keep = |new: &Option<String>, old: fn(&TokenSet) -> &Option<String>| {
        new.clone()
            .or_else(|| previous.and_then(|p| old(p).clone()))
    };
    Ok(TokenSet {
        access_token: SecretString::new(response.access_token().secret().clone()),
        refresh_token,
        expires_at: OffsetDateTime::now_utc() + lifetime,
        scopes,
        location_id,
        company_id: keep(&fields.company_id, |p| &p.company_id),
        user_id: keep(&fields.user_id, |p| &p.user_id),
        user_type: keep(&fields.user_type, |p| &p.user_type),
    })
}

/// Sends through reqwest and remembers the HTTP status, which `oauth2`'s
/// error type does not carry.
struct RecordingClient {
    http: reqwest::Client,
    status: AtomicU16,
}

impl RecordingClient {
    fn new(http: &reqwest::Client) -> RecordingClient {
        RecordingClient {
            http: http.clone(),
            status: AtomicU16::new(0),
        }
    }

    fn status(&self) -> u16 {
        self.status.load(Ordering::Relaxed)
    }
}

type SendFuture<'c> = Pin<
    Box<
        dyn Future<Output = std::result::Result<HttpResponse, HttpClientError<reqwest::Error>>>
            + Send
            + 'c,
    >,
>;

impl<'c> AsyncHttpClient<'c> for RecordingClient {
    type Error = HttpClientError<reqwest::Error>;
    type Future = SendFuture<'c>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let response = self.http.call(request).await?;
            self.status
                .store(response.status().as_u16(), Ordering::Relaxed);
            Ok(response)
        })
    }
}

fn map_error(
    err: RequestTokenError<HttpClientError<reqwest::Error>, GhlTokenError>,
    status: u16,
    grant: Grant,
    secrets: &[&SecretString],
) -> Error {
    let status = (status != 0).then_some(status);
    let scrub = |text: String| {
        let mut text = text;
        for s in secrets.iter().filter(|s| !s.is_empty()) {
            text = text.replace(s.expose(), "****");
        }
        truncate(&text)
    };
    let invalid_grant = |status: Option<u16>| match grant {
        Grant::Refresh => Error::ReauthRequired {
            message: "GoHighLevel no longer accepts this sign-in (the refresh token was refused)"
                .to_owned(),
        },
        Grant::Code => Error::TokenEndpoint {
            status,
            message: "the authorization code was refused (already used or expired); sign in again"
                .to_owned(),
        },
    };
    match err {
        RequestTokenError::ServerResponse(body) if body.is_invalid_grant() => invalid_grant(status),
        RequestTokenError::ServerResponse(body) => Error::TokenEndpoint {
            status,
            message: scrub(body.text()),
        },
        RequestTokenError::Parse(_, body)
            if status != Some(200) && mentions_invalid_grant(&body) =>
        {
            invalid_grant(status)
        }
        // The body (and serde's message) may hold tokens: only the path of
        // the offending field is reported.
        RequestTokenError::Parse(e, _) => Error::TokenEndpoint {
            status,
            message: if status == Some(200) {
                format!("unexpected token response (at \"{}\")", e.path())
            } else {
                "unexpected error response".to_owned()
            },
        },
        RequestTokenError::Request(HttpClientError::Reqwest(e)) if e.is_timeout() => Error::Timeout,
        RequestTokenError::Request(HttpClientError::Reqwest(e)) => Error::Network {
            message: scrub(root_cause(&*e)),
        },
        RequestTokenError::Request(other) => Error::Network {
            message: scrub(other.to_string()),
        },
        RequestTokenError::Other(message) => Error::TokenEndpoint {
            status,
            message: scrub(message),
        },
    }
}

fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut current = err;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token_set() -> TokenSet {
        TokenSet {
            access_token: SecretString::new("at-secret-1"),
            refresh_token: SecretString::new("rt-secret-1"),
            expires_at: OffsetDateTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000),
            scopes: vec!["contacts.readonly".into()],
            location_id: "loc1".into(),
            company_id: Some("co1".into()),
            user_id: Some("u1".into()),
            user_type: Some("Location".into()),
        }
    }

    #[test]
    fn credential_round_trip_and_masking() {
        for cred in [
            Credential::OAuth(token_set()),
            Credential::PrivateIntegration {
                token: SecretString::new("pit-secret"),
                location_id: "loc2".into(),
            },
        ] {
            let json = cred.to_stored_json();
            assert!(json.expose().contains("\"v\":1"), "{}", json.expose());
            assert_eq!(Credential::from_stored_json(&json).expect("parses"), cred);
            let shown = format!("{cred:?}");
            assert!(!shown.contains("secret"), "{shown}");
        }
        let cred = Credential::OAuth(token_set());
        assert_eq!(cred.location_id(), "loc1");
        assert_eq!(cred.access_token().expose(), "at-secret-1");
    }

    #[test]
    fn corrupt_entries_do_not_echo_content() {
        let err = Credential::from_stored_json(&SecretString::new(
            r#"{"v":1,"kind":"oauth","access_token":"at-secret-zz"}"#,
        ))
        .expect_err("incomplete");
        assert_eq!(err.code(), "credential_corrupt");
        assert!(!err.to_string().contains("at-secret-zz"), "{err}");
        let err = Credential::from_stored_json(&SecretString::new(
            r#"{"v":2,"kind":"pit","token":"t","location_id":"l"}"#,
        ))
        .expect_err("newer");
        assert!(err.to_string().contains("newer"), "{err}");
    }

    #[test]
    fn error_bodies() {
        let parse = |s: &str| serde_json::from_str::<GhlTokenError>(s).expect("lenient");
        let e = parse(
            r#"{"statusCode":400,"message":"Invalid grant: refresh token is invalid","error":"Bad Request"}"#,
        );
        assert!(e.is_invalid_grant());
        assert_eq!(e.text(), "Invalid grant: refresh token is invalid");
        let e = parse(r#"{"error":"invalid_grant","error_description":"used"}"#);
        assert!(e.is_invalid_grant());
        assert_eq!(e.text(), "used");
        let e = parse(r#"{"statusCode":400,"message":["Location is not active"]}"#);
        assert!(!e.is_invalid_grant());
        assert_eq!(e.to_string(), "Location is not active");
        assert_eq!(parse("{}").text(), "no details given");
    }

    #[test]
    fn mapping_scrubs_secrets() {
        let secret = SecretString::new("rt-secret-1");
        let body: GhlTokenError =
            serde_json::from_str(r#"{"message":"token rt-secret-1 is from another app"}"#)
                .expect("body");
        let e = map_error(
            RequestTokenError::ServerResponse(body),
            401,
            Grant::Refresh,
            &[&secret],
        );
        assert!(
            matches!(
                &e,
                Error::TokenEndpoint {
                    status: Some(401),
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(!e.to_string().contains("rt-secret-1"), "{e}");

        let body: GhlTokenError =
            serde_json::from_str(r#"{"error":"invalid_grant"}"#).expect("body");
        let e = map_error(
            RequestTokenError::ServerResponse(body.clone()),
            400,
            Grant::Refresh,
            &[],
        );
        assert_eq!(e.code(), "reauth_required");
        let e = map_error(
            RequestTokenError::ServerResponse(body),
            400,
            Grant::Code,
            &[],
        );
        assert_eq!(e.code(), "token_endpoint");
    }
}

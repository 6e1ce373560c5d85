//! OAuth over HTTP: the authorize page (GHL's "choose location"), the consent
//! decision and the token endpoint. The logic lives in `crate::oauth`.
//!
//! The pages are for a browser: HTML, redirects, never JSON. The token
//! endpoint answers JSON in the spec's DTO shapes.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::header::{
    AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, LOCATION, PRAGMA, REFERRER_POLICY,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use super::AppState;
use crate::oauth::{scope_words, AuthorizeError, Consent, GrantLocation, TokenError, APP_NAME};

/// The token endpoint (`apps/oauth.json`).
pub(crate) const TOKEN_PATH: &str = "/oauth/token";
/// GHL's current authorize URL path (on the marketplace host there).
pub(crate) const AUTHORIZE_PATH: &str = "/v2/oauth/chooselocation";
/// The older path both official SDKs still use.
const LEGACY_AUTHORIZE_PATH: &str = "/oauth/chooselocation";
/// Where the consent page's form posts.
const DECISION_PATH: &str = "/v2/oauth/chooselocation/decision";

/// Served behind the gateway like the API.
pub(super) fn token_routes() -> Router<AppState> {
    Router::new().route(TOKEN_PATH, post(token))
}

/// Browser pages: on GHL another host, without the API's gateway.
pub(super) fn page_routes() -> Router<AppState> {
    Router::new()
        .route(AUTHORIZE_PATH, get(authorize))
        .route(LEGACY_AUTHORIZE_PATH, get(authorize))
        .route(DECISION_PATH, post(decision))
}

async fn authorize(State(state): State<AppState>, uri: Uri) -> Response {
    let Ok(Query(params)) = Query::<Vec<(String, String)>>::try_from_uri(&uri) else {
        return error_page("The sign-in link is malformed.");
    };
    let oauth = &state.oauth;
    let request = match oauth.check_authorize(&params) {
        Ok(r) => r,
        Err(AuthorizeError::Page(message)) => return error_page(&message),
        Err(AuthorizeError::Redirect(to)) => return redirect(&to),
    };
    match oauth.consent() {
        Consent::Approve { location_id } => match oauth.location_index(&location_id) {
            Some(l) => redirect(&oauth.approve(&request, l)),
            None => redirect(&oauth.server_error(
                &request,
                &format!("The sandbox approves for location {location_id}, which it does not have"),
            )),
        },
        Consent::Deny => redirect(&oauth.deny(&request)),
        Consent::Interactive => {
            let scopes = request.scopes.clone();
            let id = oauth.await_consent(request);
            page(
                StatusCode::OK,
                &consent_page(&id, &scopes, oauth.locations()),
            )
        }
    }
}

async fn decision(State(state): State<AppState>, body: Bytes) -> Response {
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let field = |key: &str| form.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    match state.oauth.decide(
        field("request_id").unwrap_or_default(),
        field("decision").unwrap_or_default(),
        field("location_id"),
    ) {
        Ok(to) => redirect(&to),
        Err(e) => error_page(&e.0),
    }
}

async fn token(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let form_encoded = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| {
            c.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    let basic_auth = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.len() > 6 && v[..6].eq_ignore_ascii_case("basic "));
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let result = if form_encoded {
        state.oauth.token(&form, basic_auth, &state.tokens)
    } else {
        Err(state
            .oauth
            .refuse("The token request must be sent as application/x-www-form-urlencoded"))
    };
    let (status, body) = match result {
        Ok(body) => (StatusCode::OK, body),
        Err(e) => (token_status(&e), e.body()),
    };
    let mut response = (status, Json(body)).into_response();
    // RFC 6749 §5.1: token answers must not be cached.
    let h = response.headers_mut();
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

fn token_status(e: &TokenError) -> StatusCode {
    StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST)
}

fn redirect(to: &str) -> Response {
    match HeaderValue::try_from(to) {
        Ok(location) => {
            let mut response = StatusCode::FOUND.into_response();
            let h = response.headers_mut();
            h.insert(LOCATION, location);
            h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        // Built from a registered URI and encoded pairs, so always valid.
        Err(_) => error_page("The app's redirect address cannot be used."),
    }
}

const CONTENT_SECURITY_POLICY: HeaderName = HeaderName::from_static("content-security-policy");

/// An HTML page; the headers keep it out of caches and frames (clickjacking).
fn page(status: StatusCode, html: &str) -> Response {
    let mut response = (status, html.to_owned()).into_response();
    let h = response.headers_mut();
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    response
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
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

const STYLE: &str = r#"
:root { color-scheme: light dark; --bg: #f3f5f9; --card: #fff; --text: #1b2330; --muted: #5b6676;
  --line: #d8dee8; --accent: #155eef; --accent-text: #fff; --focus: #f59e0b; --pick: #eef3ff; }
@media (prefers-color-scheme: dark) { :root { --bg: #10141b; --card: #1a202b; --text: #e8edf5;
  --muted: #a3adbd; --line: #323b4a; --accent: #5b8cff; --accent-text: #0b1020; --pick: #22304a; } }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; padding: 24px;
  background: var(--bg); color: var(--text);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { width: 100%; max-width: 30rem; background: var(--card); border: 1px solid var(--line);
  border-radius: 12px; padding: 28px; box-shadow: 0 8px 30px rgb(0 0 0 / 0.08); }
.brand { margin: 0 0 4px; color: var(--muted); font-size: 0.875rem; letter-spacing: 0.02em; }
h1 { margin: 0 0 20px; font-size: 1.375rem; line-height: 1.3; }
h2, legend { font-size: 1rem; font-weight: 600; margin: 0 0 8px; padding: 0; }
ul { margin: 0 0 24px; padding-left: 1.25rem; }
li { margin: 4px 0; }
fieldset { border: 0; margin: 0 0 24px; padding: 0; }
.option { display: flex; align-items: center; gap: 12px; padding: 12px 14px; margin-top: 8px;
  border: 1px solid var(--line); border-radius: 8px; cursor: pointer; }
.option:has(input:checked) { border-color: var(--accent); background: var(--pick); }
.option input { width: 1.125rem; height: 1.125rem; margin: 0; accent-color: var(--accent); }
.option small { display: block; color: var(--muted); font-size: 0.8125rem; }
.actions { display: flex; gap: 12px; }
button { flex: 1; font: inherit; font-weight: 600; padding: 10px 16px; border-radius: 8px;
  border: 1px solid var(--line); background: transparent; color: var(--text); cursor: pointer; }
button.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-text); }
:focus-visible, .option:has(input:focus-visible) { outline: 3px solid var(--focus); outline-offset: 2px; }
.fine { margin: 20px 0 0; color: var(--muted); font-size: 0.8125rem; }
"#;

fn document(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <main aria-labelledby=\"title\">\n<p class=\"brand\">HighLevel sandbox</p>\n{body}</main>\n\
         </body>\n</html>\n"
    )
}

fn consent_page(request_id: &str, scopes: &[String], locations: &[GrantLocation]) -> String {
    let app = escape(APP_NAME);
    let scope_items: String = scopes
        .iter()
        .map(|s| {
            format!(
                "<li>{}</li>\n",
                escape(scope_words(s).unwrap_or(s.as_str()))
            )
        })
        .collect();
    let options: String = locations
        .iter()
        .enumerate()
        .map(|(i, l)| {
            format!(
                "<label class=\"option\" for=\"loc-{i}\"><input type=\"radio\" id=\"loc-{i}\" \
                 name=\"location_id\" value=\"{id}\"{checked}><span>{name}\
                 <small>Sub-account {id}</small></span></label>\n",
                id = escape(&l.id),
                name = escape(&l.name),
                checked = if i == 0 { " checked" } else { "" },
            )
        })
        .collect();
    let body = format!(
        "<h1 id=\"title\">{app} wants to access your HighLevel account</h1>\n\
         <h2 id=\"scopes\">{app} will be able to:</h2>\n\
         <ul aria-labelledby=\"scopes\">\n{scope_items}</ul>\n\
         <form method=\"post\" action=\"{DECISION_PATH}\">\n\
         <input type=\"hidden\" name=\"request_id\" value=\"{id}\">\n\
         <fieldset>\n<legend>Choose the sub-account to connect</legend>\n{options}</fieldset>\n\
         <div class=\"actions\">\n\
         <button type=\"submit\" name=\"decision\" value=\"allow\" class=\"primary\">Allow</button>\n\
         <button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>\n\
         </div>\n</form>\n\
         <p class=\"fine\">After you choose, your browser returns to {app}. \
         You can close this tab then.</p>\n",
        id = escape(request_id),
    );
    document(&format!("Connect {app} – HighLevel sandbox"), &body)
}

/// RFC 6749 §4.1.2.1: problems with the client or its redirect URI are shown,
/// never redirected.
fn error_page(message: &str) -> Response {
    let body = format!(
        "<h1 id=\"title\">Sign-in could not continue</h1>\n<p role=\"alert\">{}</p>\n\
         <p class=\"fine\">Close this tab and start the sign-in again from the app.</p>\n",
        escape(message)
    );
    page(
        StatusCode::BAD_REQUEST,
        &document("Sign-in error – HighLevel sandbox", &body),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape(r#"Mile High Plumbing & Heating <"x">'"#),
            "Mile High Plumbing &amp; Heating &lt;&quot;x&quot;&gt;&#39;"
        );
    }

    #[test]
    fn consent_page_lists_locations_and_preselects_the_first() {
        let locations = vec![
            GrantLocation {
                id: "L0".into(),
                name: "A & B".into(),
                user_id: "U".into(),
            },
            GrantLocation {
                id: "L1".into(),
                name: "C".into(),
                user_id: "U".into(),
            },
        ];
        let html = consent_page("req", &["contacts.readonly".to_owned()], &locations);
        assert!(html.contains("A &amp; B"));
        assert!(html.contains("value=\"L0\" checked"));
        assert!(!html.contains("value=\"L1\" checked"));
        assert!(html.contains("name=\"request_id\" value=\"req\""));
        assert!(html.contains(scope_words("contacts.readonly").unwrap_or_default()));
    }
}

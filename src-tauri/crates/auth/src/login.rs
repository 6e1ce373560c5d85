//! The OAuth authorization-code login through the system browser
//! (RFC 8252: loopback redirect, `state`, PKCE S256).

use std::fmt;

use oauth2::{CsrfToken, PkceCodeChallenge, PkceCodeVerifier, Scope};
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::app::OAuthApp;
use crate::error::{Error, Result};
use crate::loopback::{Listener, LoopbackConfig, Page};
use crate::token::{exchange_code, oauth_client, token_http_client, TokenSet};

/// A login waiting for the browser: the listener is bound and the
/// authorize URL is ready to open. Dropping it closes the listener.
pub struct PendingLogin {
    app: OAuthApp,
    authorize_url: Url,
    verifier: PkceCodeVerifier,
    listener: Listener,
}

impl fmt::Debug for PendingLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The authorize URL carries the state; it is not a secret on its own
        // (the PKCE verifier is), but it does not belong in logs either.
        f.debug_struct("PendingLogin")
            .field("redirect_uri", &self.listener.redirect_uri.as_str())
            .finish_non_exhaustive()
    }
}

/// Binds the loopback listener and builds the authorize URL: `response_type=code`,
/// `client_id`, `redirect_uri`, `scope` (space-separated), a 128-bit random
/// `state`, and a PKCE S256 `code_challenge`. Opening the URL is the caller's
/// job (see [`crate::open_in_browser`]).
pub async fn begin_login(app: &OAuthApp, loopback: &LoopbackConfig) -> Result<PendingLogin> {
    app.validate()?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    // 16 random bytes, base64url: the 128-bit state.
    let state = CsrfToken::new_random();
    let listener = Listener::bind(loopback, state.secret().clone()).await?;
    let redirect = oauth2::RedirectUrl::from_url(listener.redirect_uri.clone());
    let (authorize_url, _) = oauth_client(app)
        .set_redirect_uri(redirect)
        .authorize_url(|| state)
        .add_scopes(app.scopes.iter().cloned().map(Scope::new))
        .set_pkce_challenge(challenge)
        .url();
    Ok(PendingLogin {
        app: app.clone(),
        authorize_url,
        verifier,
        listener,
    })
}

impl PendingLogin {
    pub fn authorize_url(&self) -> &Url {
        &self.authorize_url
    }

    /// `http://127.0.0.1:<port>/oauth/callback`.
    pub fn redirect_uri(&self) -> &Url {
        &self.listener.redirect_uri
    }

    /// Waits for the one callback, then exchanges the code for tokens. The
    /// browser's page says whether that worked. Ends with
    /// [`Error::TimedOut`] at the configured timeout and [`Error::Cancelled`]
    /// when `cancel` fires; the listener is closed in every case.
    pub async fn finish(mut self, cancel: CancellationToken) -> Result<TokenSet> {
        let waited = tokio::select! {
            delivery = &mut self.listener.delivery => delivery.ok(),
            () = tokio::time::sleep_until(self.listener.deadline) => None,
            () = cancel.cancelled() => {
                self.listener.close().await;
                return Err(Error::Cancelled);
            }
        };
        // The listener stopped by itself if the deadline passed first.
        let Some(delivery) = waited else {
            self.listener.close().await;
            return Err(Error::TimedOut);
        };
        self.listener.close().await;
        let code = delivery.result?;
        let http = token_http_client()?;
        let exchange = exchange_code(
            &http,
            &self.app,
            code,
            self.verifier,
            &self.listener.redirect_uri,
        );
        let result = tokio::select! {
            result = exchange => result,
            () = cancel.cancelled() => Err(Error::Cancelled),
        };
        if let Some(page) = delivery.page {
            let _ = page.send(match &result {
                Ok(_) => Page::SignedIn,
                Err(e) => Page::Failed(format!("{e}.")),
            });
        }
        result
    }
}

//! The OAuth app registration (client id/secret, endpoints, scopes).

use std::net::{Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

use crate::error::{Error, Result};
use crate::secret::SecretString;

/// GoHighLevel's authorize page (v2 path, see API-NOTES §5.1).
pub const STANDARD_AUTHORIZE_URL: &str =
    "https://marketplace.gohighlevel.com/v2/oauth/chooselocation";
/// The authorize page for white-label app listings.
pub const WHITE_LABEL_AUTHORIZE_URL: &str =
    "https://marketplace.leadconnectorhq.com/v2/oauth/chooselocation";
pub const DEFAULT_TOKEN_URL: &str = "https://services.leadconnectorhq.com/oauth/token";

/// An OAuth app registered in the GoHighLevel marketplace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthApp {
    pub client_id: String,
    /// GoHighLevel requires it for every grant (no public-client flow exists).
    pub client_secret: SecretString,
    pub authorize_url: Url,
    pub token_url: Url,
    pub scopes: Vec<String>,
}

impl OAuthApp {
    /// The standard authorize and token URLs.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: SecretString,
        scopes: Vec<String>,
    ) -> OAuthApp {
        OAuthApp {
            client_id: client_id.into(),
            client_secret,
            authorize_url: Url::parse(STANDARD_AUTHORIZE_URL).expect("constant URL"),
            token_url: Url::parse(DEFAULT_TOKEN_URL).expect("constant URL"),
            scopes,
        }
    }

    /// Checks what a login or refresh needs: a client id and secret, and
    /// endpoints that are https, or plain http on a loopback address (the
    /// local sandbox).
    pub fn validate(&self) -> Result<()> {
        if self.client_id.trim().is_empty() {
            return Err(Error::config("the OAuth client id is empty"));
        }
        if self.client_secret.expose().trim().is_empty() {
            return Err(Error::config("the OAuth client secret is empty"));
        }
        check_endpoint("authorize", &self.authorize_url)?;
        check_endpoint("token", &self.token_url)?;
        if let Some(bad) = self
            .scopes
            .iter()
            .find(|s| s.is_empty() || s.chars().any(char::is_whitespace))
        {
            return Err(Error::config(format!("the scope \"{bad}\" is not valid")));
        }
        Ok(())
    }
}

/// https anywhere; http only to 127.0.0.1 or ::1.
pub(crate) fn check_endpoint(what: &str, url: &Url) -> Result<()> {
    let loopback = match url.host() {
        Some(Host::Ipv4(ip)) => ip == Ipv4Addr::LOCALHOST,
        Some(Host::Ipv6(ip)) => ip == Ipv6Addr::LOCALHOST,
        _ => false,
    };
    match url.scheme() {
        "https" if url.host().is_some() => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(Error::config(format!(
            "the {what} URL must be https (or http on 127.0.0.1 for the sandbox)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> OAuthApp {
        OAuthApp::new(
            "client",
            SecretString::new("s3cret"),
            vec!["contacts.readonly".into()],
        )
    }

    #[test]
    fn defaults_and_validation() {
        let a = app();
        assert_eq!(a.authorize_url.as_str(), STANDARD_AUTHORIZE_URL);
        assert_eq!(a.token_url.as_str(), DEFAULT_TOKEN_URL);
        a.validate().expect("valid");
        assert!(!format!("{a:?}").contains("s3cret"));

        let with = |f: &dyn Fn(&mut OAuthApp)| {
            let mut a = app();
            f(&mut a);
            a.validate()
        };
        let url = |s: &str| Url::parse(s).expect("url");
        with(&|a| a.authorize_url = url(WHITE_LABEL_AUTHORIZE_URL)).expect("white label");
        with(&|a| a.authorize_url = url("http://127.0.0.1:4000/v2/oauth/chooselocation"))
            .expect("sandbox");
        with(&|a| a.token_url = url("http://[::1]:4000/oauth/token")).expect("ipv6 loopback");
        for bad in [
            "http://example.com/authorize",
            "http://localhost/authorize",
            "http://127.0.0.2/authorize",
            "ftp://example.com/x",
        ] {
            assert_eq!(
                with(&|a| a.authorize_url = url(bad)).map_err(|e| e.code()),
                Err("config"),
                "{bad}"
            );
        }
        assert!(with(&|a| a.client_id = " ".into()).is_err());
        assert!(with(&|a| a.client_secret = SecretString::default()).is_err());
        assert!(with(&|a| a.scopes = vec!["a b".into()]).is_err());
    }
}

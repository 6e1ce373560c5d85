//! Private Integration Tokens: checked with one API call before saving.

use url::Url;

use crate::error::{Error, Result};
use crate::secret::SecretString;

/// Checks that GoHighLevel accepts `token` for `location_id` by searching
/// one contact (`POST /contacts/search`, `pageLimit` 1). 401 and 403 become
/// [`Error::TokenRejected`] with a message saying what to fix; other failures
/// are [`Error::Ghl`]. Nothing is saved.
pub async fn verify_private_integration_token(
    base_url: &Url,
    location_id: &str,
    token: &SecretString,
) -> Result<()> {
    let token = token.expose().trim();
    if token.is_empty() {
        return Err(Error::TokenRejected {
            message: "The Private Integration Token is empty".to_owned(),
        });
    }
    let config =
        ghl::ClientConfig::new(base_url.clone(), location_id).with_retry_policy(ghl::RetryPolicy {
            max_attempts: 2,
            ..ghl::RetryPolicy::default()
        });
    let client = ghl::Client::new(config, ghl::AccessToken::new(token))?;
    let request = ghl::SearchRequest {
        page_limit: 1,
        ..ghl::SearchRequest::default()
    };
    match client.search_contacts(&request).await {
        Ok(_) => Ok(()),
        Err(ghl::Error::Unauthorized { .. }) => Err(Error::TokenRejected {
            message: "GoHighLevel did not accept this Private Integration Token; check that it was copied completely and has not been rotated or deleted".to_owned(),
        }),
        Err(ghl::Error::Forbidden { .. }) => Err(Error::TokenRejected {
            message: format!(
                "This Private Integration Token may not read the contacts of location {location_id}; create it in that sub-account with the contacts scopes"
            ),
        }),
        Err(e) => Err(Error::Ghl(e)),
    }
}

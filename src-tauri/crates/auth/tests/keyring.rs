//! The real OS keyring (Secret Service): run as
//! `scripts/with-keyring.sh cargo test -p auth`. Without a reachable Secret
//! Service these tests fail; they never skip.

mod common;

use std::sync::Arc;

use auth::{
    location_key, Account, Accounts, AuthMethod, Credential, KeyringStore, LocationSession,
    SecretStore, SecretString, SessionOptions, TokenSet,
};
use ghl::SearchRequest;

async fn oauth_entry(store: &KeyringStore, location: &str) -> TokenSet {
    let text = store
        .get(&location_key(location))
        .await
        .expect("keyring")
        .expect("entry");
    match serde_json::from_str::<Credential>(text.expose()).expect("credential") {
        Credential::OAuth(t) => t,
        other => panic!("not OAuth: {other:?}"),
    }
}

#[tokio::test]
async fn set_get_delete_round_trip() {
    let store = common::keyring("round-trip").await;
    assert!(store.get("ghl:location:none").await.expect("get").is_none());
    let value = SecretString::new("ünïcode-värde {\"json\": true}");
    store.set("ghl:location:l1", &value).await.expect("set");
    assert_eq!(
        store.get("ghl:location:l1").await.expect("get"),
        Some(value)
    );
    store
        .set("ghl:location:l1", &SecretString::new("replaced"))
        .await
        .expect("overwrite");
    assert_eq!(
        store.get("ghl:location:l1").await.expect("get"),
        Some(SecretString::new("replaced"))
    );

    // Another service name does not see the entry.
    let other = common::keyring("round-trip-other").await;
    assert!(other.get("ghl:location:l1").await.expect("get").is_none());

    store.delete("ghl:location:l1").await.expect("delete");
    assert!(store.get("ghl:location:l1").await.expect("get").is_none());
    store
        .delete("ghl:location:l1")
        .await
        .expect("deleting a missing entry is fine");
}

#[tokio::test]
async fn session_round_trip_refresh_rotates_the_entry_and_sign_out_deletes_it() {
    let sb = common::sandbox().await;
    let store = Arc::new(common::keyring("session").await);
    let tokens = common::login(&sb).await;
    let location = sb.location_id().to_owned();
    LocationSession::sign_in(
        Credential::OAuth(tokens.clone()),
        Some(common::app_for(&sb)),
        store.clone(),
        SessionOptions::default(),
    )
    .await
    .expect("signed in");
    assert_eq!(oauth_entry(&store, &location).await, tokens);

    // A restart: restored from the keyring alone.
    let session = LocationSession::restore(
        &location,
        Some(common::app_for(&sb)),
        store.clone(),
        SessionOptions::default(),
    )
    .await
    .expect("keyring")
    .expect("entry");
    assert_eq!(session.scopes(), tokens.scopes);
    let client = session
        .ghl_client(ghl::ClientConfig::new(
            url::Url::parse(&sb.base_url()).expect("url"),
            &location,
        ))
        .expect("client");

    // A refresh writes the rotated pair to the keyring.
    sb.expire_access_tokens();
    client
        .search_contacts(&SearchRequest::default())
        .await
        .expect("works after the refresh");
    assert_eq!(sb.oauth_stats().refreshes, 1);
    let rotated = oauth_entry(&store, &location).await;
    assert_ne!(rotated.refresh_token, tokens.refresh_token);
    assert_ne!(rotated.access_token, tokens.access_token);
    assert_eq!(
        rotated.access_token.expose(),
        session.access_token().await.expect("token").expose()
    );

    // Sign-out removes the entry and the account.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut accounts = Accounts::load(dir.path()).expect("accounts");
    accounts.upsert(Account {
        location_id: location.clone(),
        name: sb.location_name().to_owned(),
        method: AuthMethod::OAuth,
        scopes: session.scopes(),
        company_id: session.company_id(),
    });
    accounts.save().expect("save");
    session.sign_out(&mut accounts).await.expect("signed out");
    assert!(store
        .get(&location_key(&location))
        .await
        .expect("keyring")
        .is_none());
    assert!(Accounts::load(dir.path())
        .expect("accounts")
        .list()
        .is_empty());
    assert_eq!(
        session.access_token().await.map_err(|e| e.code()).err(),
        Some("reauth_required")
    );
    assert!(
        LocationSession::restore(&location, None, store, SessionOptions::default())
            .await
            .expect("keyring")
            .is_none()
    );
}

#[tokio::test]
async fn private_integration_token_round_trip() {
    let store = Arc::new(common::keyring("pit").await);
    let credential = Credential::PrivateIntegration {
        token: SecretString::new("pit-1234-abcd"),
        location_id: "loc-pit".into(),
    };
    let session = LocationSession::sign_in(
        credential.clone(),
        None,
        store.clone(),
        SessionOptions::default(),
    )
    .await
    .expect("saved");
    assert!(!format!("{session:?}").contains("pit-1234"));
    let restored =
        LocationSession::restore("loc-pit", None, store.clone(), SessionOptions::default())
            .await
            .expect("keyring")
            .expect("entry");
    assert_eq!(
        restored.access_token().await.expect("token").expose(),
        "pit-1234-abcd"
    );
    assert_eq!(restored.method(), AuthMethod::Pit);

    // An entry under the wrong key is refused rather than used.
    store
        .set(
            &location_key("other"),
            &store
                .get(&location_key("loc-pit"))
                .await
                .expect("get")
                .expect("entry"),
        )
        .await
        .expect("copy");
    let err = LocationSession::restore("other", None, store.clone(), SessionOptions::default())
        .await
        .expect_err("mismatch");
    assert_eq!(err.code(), "credential_corrupt");
    // And a foreign entry is reported without its content.
    store
        .set(
            &location_key("junk"),
            &SecretString::new("not json pit-secret-zz"),
        )
        .await
        .expect("set");
    let err = LocationSession::restore("junk", None, store.clone(), SessionOptions::default())
        .await
        .expect_err("corrupt");
    assert_eq!(err.code(), "credential_corrupt");
    assert!(!err.to_string().contains("pit-secret-zz"));
    for key in ["loc-pit", "other", "junk"] {
        store.delete(&location_key(key)).await.expect("cleanup");
    }
}

#[tokio::test]
async fn oauth_client_secret_in_the_keyring() {
    let store = common::keyring("client-secret").await;
    auth::store_client_secret(&store, &SecretString::new("cs-1"))
        .await
        .expect("stored");
    let dir = tempfile::tempdir().expect("tempdir");
    let user = dir.path().join("oauth-app.json");
    auth::OAuthAppSettings {
        client_id: "cid".into(),
        authorize_url: url::Url::parse(auth::WHITE_LABEL_AUTHORIZE_URL).expect("url"),
        token_url: url::Url::parse(auth::DEFAULT_TOKEN_URL).expect("url"),
        scopes: vec!["contacts.readonly".into()],
    }
    .save_user(&user)
    .expect("save");
    let loaded = auth::OAuthAppSettings::load(None, &user).expect("load");
    let app = loaded
        .app(&store)
        .await
        .expect("keyring")
        .expect("configured");
    assert_eq!(app.client_secret.expose(), "cs-1");
    assert!(!std::fs::read_to_string(&user)
        .expect("read")
        .contains("cs-1"));
    store
        .delete(auth::OAUTH_CLIENT_SECRET_KEY)
        .await
        .expect("cleanup");
}

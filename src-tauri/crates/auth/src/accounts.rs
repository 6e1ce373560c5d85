//! Files without secrets: the signed-in locations ([`Accounts`]) and the
//! OAuth app settings ([`OAuthAppSettings`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use url::Url;

use crate::app::{OAuthApp, DEFAULT_TOKEN_URL, STANDARD_AUTHORIZE_URL};
use crate::error::{Error, Result};
use crate::secret::SecretString;
use crate::store::{SecretStore, OAUTH_CLIENT_SECRET_KEY};

/// How a location is signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuthMethod {
    #[serde(rename = "oauth")]
    OAuth,
    /// Private Integration Token.
    #[serde(rename = "pit")]
    Pit,
}

/// A signed-in location as listed in the app (no secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub location_id: String,
    /// Display name of the location (sub-account).
    pub name: String,
    pub method: AuthMethod,
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default)]
    pub company_id: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct AccountsFile {
    version: u32,
    accounts: Vec<Account>,
}

/// The signed-in locations, saved as `accounts.json` in a directory the
/// caller chooses (the app's data directory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accounts {
    path: PathBuf,
    accounts: Vec<Account>,
}

impl Accounts {
    pub const FILE_NAME: &'static str = "accounts.json";

    /// Reads `<dir>/accounts.json`; a missing file is an empty list. A file
    /// that cannot be read as accounts is an [`Error::CorruptFile`] and is
    /// left untouched (nothing is deleted or overwritten silently).
    pub fn load(dir: &Path) -> Result<Accounts> {
        let path = dir.join(Self::FILE_NAME);
        let accounts = match std::fs::read(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(Error::io("read", &path, &e)),
            Ok(bytes) => {
                let file: AccountsFile =
                    serde_json::from_slice(&bytes).map_err(|e| Error::CorruptFile {
                        path: path.clone(),
                        message: e.to_string(),
                    })?;
                if file.version != 1 {
                    return Err(Error::CorruptFile {
                        path,
                        message: format!("unknown format version {}", file.version),
                    });
                }
                file.accounts
            }
        };
        Ok(Accounts { path, accounts })
    }

    /// An empty list that [`Accounts::save`] writes to `<dir>/accounts.json`
    /// (e.g. to start over after the user chose to replace a damaged file).
    pub fn empty(dir: &Path) -> Accounts {
        Accounts {
            path: dir.join(Self::FILE_NAME),
            accounts: Vec::new(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn list(&self) -> &[Account] {
        &self.accounts
    }

    pub fn get(&self, location_id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.location_id == location_id)
    }

    /// Adds the account, or replaces the one with the same location id.
    pub fn upsert(&mut self, account: Account) {
        match self
            .accounts
            .iter_mut()
            .find(|a| a.location_id == account.location_id)
        {
            Some(existing) => *existing = account,
            None => self.accounts.push(account),
        }
    }

    pub fn remove(&mut self, location_id: &str) -> Option<Account> {
        let index = self
            .accounts
            .iter()
            .position(|a| a.location_id == location_id)?;
        Some(self.accounts.remove(index))
    }

    /// Writes the file atomically (temporary file, then rename).
    pub fn save(&self) -> Result<()> {
        let file = AccountsFile {
            version: 1,
            accounts: self.accounts.clone(),
        };
        let json = serde_json::to_vec_pretty(&file).expect("accounts serialize");
        write_atomic(&self.path, &json)
    }
}

/// Where the OAuth app settings came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingsSource {
    /// The deployed (administrator's) file, e.g. `/etc/switchboard/oauth-app.json`.
    Deployed,
    /// The user's settings file.
    User,
}

/// The OAuth app registration without its secret, as kept in a settings
/// file (JSON, camelCase keys).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuthAppSettings {
    pub client_id: String,
    #[serde(default = "standard_authorize_url")]
    pub authorize_url: Url,
    #[serde(default = "default_token_url")]
    pub token_url: Url,
    #[serde(default)]
    pub scopes: Vec<String>,
}

fn standard_authorize_url() -> Url {
    Url::parse(STANDARD_AUTHORIZE_URL).expect("constant URL")
}

fn default_token_url() -> Url {
    Url::parse(DEFAULT_TOKEN_URL).expect("constant URL")
}

/// The deployed file: the settings plus, optionally, the client secret and
/// whether users may change them.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeployedFile {
    #[serde(flatten)]
    settings: OAuthAppSettings,
    #[serde(default)]
    client_secret: Option<SecretString>,
    #[serde(default)]
    allow_user_edits: bool,
}

/// Settings as loaded: what to use, from where, and whether the app may let
/// the user edit them.
#[derive(Debug, Clone)]
pub struct LoadedAppSettings {
    /// `None`: not configured yet (no deployed file, no user file).
    pub settings: Option<OAuthAppSettings>,
    pub source: Option<SettingsSource>,
    /// False when a deployed file fixes the settings.
    pub editable: bool,
    deployed_secret: Option<SecretString>,
}

impl OAuthAppSettings {
    /// The user's settings file, in the app's settings folder.
    pub const USER_FILE_NAME: &'static str = "oauth-app.json";
    /// Where IT departments put the settings for every user of a machine.
    pub const DEPLOYED_FILE: &'static str = "/etc/switchboard/oauth-app.json";

    /// Loads the settings. A deployed file (if `deployed` exists) wins unless
    /// it says `"allowUserEdits": true`, in which case the user's file (if
    /// any) is used and editing is enabled. Damaged files are reported as
    /// [`Error::CorruptFile`], never replaced.
    pub fn load(deployed: Option<&Path>, user: &Path) -> Result<LoadedAppSettings> {
        let deployed = match deployed {
            Some(path) => read_json::<DeployedFile>(path)?,
            None => None,
        };
        let user_settings = || read_json::<OAuthAppSettings>(user);
        Ok(match deployed {
            Some(d) if !d.allow_user_edits => LoadedAppSettings {
                settings: Some(d.settings),
                source: Some(SettingsSource::Deployed),
                editable: false,
                deployed_secret: d.client_secret,
            },
            Some(d) => match user_settings()? {
                Some(user) => LoadedAppSettings {
                    settings: Some(user),
                    source: Some(SettingsSource::User),
                    editable: true,
                    deployed_secret: None,
                },
                None => LoadedAppSettings {
                    settings: Some(d.settings),
                    source: Some(SettingsSource::Deployed),
                    editable: true,
                    deployed_secret: d.client_secret,
                },
            },
            None => {
                let settings = user_settings()?;
                LoadedAppSettings {
                    source: settings.as_ref().map(|_| SettingsSource::User),
                    settings,
                    editable: true,
                    deployed_secret: None,
                }
            }
        })
    }

    /// Writes the user's settings file atomically. The client secret is not
    /// part of it; see [`store_client_secret`].
    pub fn save_user(&self, path: &Path) -> Result<()> {
        let json = serde_json::to_vec_pretty(self).expect("settings serialize");
        write_atomic(path, &json)
    }

    /// The app registration with its secret, validated.
    pub fn to_app(&self, client_secret: SecretString) -> Result<OAuthApp> {
        let app = OAuthApp {
            client_id: self.client_id.trim().to_owned(),
            client_secret,
            authorize_url: self.authorize_url.clone(),
            token_url: self.token_url.clone(),
            scopes: self.scopes.clone(),
        };
        app.validate()?;
        Ok(app)
    }
}

impl LoadedAppSettings {
    /// The client secret: from the deployed file when it has one, else from
    /// the keyring entry [`OAUTH_CLIENT_SECRET_KEY`].
    pub async fn client_secret(&self, store: &dyn SecretStore) -> Result<Option<SecretString>> {
        if let Some(secret) = &self.deployed_secret {
            return Ok(Some(secret.clone()));
        }
        store.get(OAUTH_CLIENT_SECRET_KEY).await
    }

    /// Whether the deployed file supplies the secret (the UI then hides the field).
    pub fn secret_is_deployed(&self) -> bool {
        self.deployed_secret.is_some()
    }

    /// Settings plus secret as an [`OAuthApp`]; `Ok(None)` when either is
    /// not configured.
    pub async fn app(&self, store: &dyn SecretStore) -> Result<Option<OAuthApp>> {
        let Some(settings) = &self.settings else {
            return Ok(None);
        };
        match self.client_secret(store).await? {
            Some(secret) => settings.to_app(secret).map(Some),
            None => Ok(None),
        }
    }
}

/// Saves the OAuth client secret in the keyring.
pub async fn store_client_secret(store: &dyn SecretStore, secret: &SecretString) -> Result<()> {
    if secret.expose().trim().is_empty() {
        return Err(Error::config("the OAuth client secret is empty"));
    }
    store.set(OAUTH_CLIENT_SECRET_KEY, secret).await
}

/// `Ok(None)` if the file does not exist.
fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>> {
    match std::fs::read(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io("read", path, &e)),
        // serde reports the position, and for a wrong type the value; a
        // deployed file may hold the client secret, so only the position
        // is kept.
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| Error::CorruptFile {
                path: path.to_owned(),
                message: format!(
                    "{} at line {}, column {}",
                    match e.classify() {
                        serde_json::error::Category::Data => "unexpected content",
                        _ => "not valid JSON",
                    },
                    e.line(),
                    e.column()
                ),
            }),
    }
}

/// Writes `bytes` to a temporary file next to `path`, syncs it, and renames
/// it over `path`, so a crash leaves either the old or the new file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, &e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".to_owned());
    let tmp = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        rand::random::<u32>()
    ));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp).map_err(|e| Error::io("create", &tmp, &e))?;
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| Error::io("write", &tmp, &e))?;
        std::fs::rename(&tmp, path).map_err(|e| Error::io("replace", path, &e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    } else {
        // Make the rename itself durable (best effort; not possible on Windows).
        #[cfg(unix)]
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;

    fn account(id: &str) -> Account {
        Account {
            location_id: id.into(),
            name: format!("Location {id}"),
            method: AuthMethod::OAuth,
            scopes: vec!["contacts.readonly".into()],
            company_id: Some("co".into()),
        }
    }

    #[test]
    fn accounts_round_trip() {
        let dir = tempfile::tempdir().expect("tempdir");
        let sub = dir.path().join("nested");
        let mut a = Accounts::load(&sub).expect("missing is empty");
        assert!(a.list().is_empty());
        a.upsert(account("l1"));
        a.upsert(account("l2"));
        a.upsert(Account {
            name: "Renamed".into(),
            method: AuthMethod::Pit,
            ..account("l1")
        });
        a.save().expect("save");
        let b = Accounts::load(&sub).expect("load");
        assert_eq!(a, b);
        assert_eq!(b.list().len(), 2);
        assert_eq!(b.get("l1").map(|x| x.name.as_str()), Some("Renamed"));
        let text = std::fs::read_to_string(b.path()).expect("read");
        assert!(text.contains("\"method\": \"pit\""), "{text}");
        assert!(text.contains("\"locationId\": \"l1\""), "{text}");
        // No temporary files are left behind.
        let names: Vec<_> = std::fs::read_dir(&sub)
            .expect("dir")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("accounts.json")]);

        let mut c = b.clone();
        assert!(c.remove("l1").is_some());
        assert!(c.remove("l1").is_none());
        c.save().expect("save");
        assert_eq!(Accounts::load(&sub).expect("load").list(), &[account("l2")]);
    }

    #[test]
    fn corrupt_accounts_file_is_reported_and_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(Accounts::FILE_NAME);
        std::fs::write(&path, b"{\"version\":1,\"accounts\":[{\"locat").expect("write");
        let err = Accounts::load(dir.path()).expect_err("corrupt");
        assert_eq!(err.code(), "file_corrupt");
        assert!(err.to_string().contains("accounts.json"), "{err}");
        assert!(err.to_string().contains("left in place"), "{err}");
        assert_eq!(
            std::fs::read(&path).expect("still there"),
            b"{\"version\":1,\"accounts\":[{\"locat"
        );
        std::fs::write(&path, b"{\"version\":9,\"accounts\":[]}").expect("write");
        assert_eq!(
            Accounts::load(dir.path()).map_err(|e| e.code()).err(),
            Some("file_corrupt")
        );
    }

    #[tokio::test]
    async fn app_settings_sources() {
        let dir = tempfile::tempdir().expect("tempdir");
        let user = dir.path().join("user").join("oauth-app.json");
        let deployed = dir.path().join("etc-oauth-app.json");
        let store = MemoryStore::new();

        // Nothing configured.
        let loaded = OAuthAppSettings::load(Some(&deployed), &user).expect("load");
        assert!(loaded.settings.is_none() && loaded.editable);
        assert!(loaded.app(&store).await.expect("app").is_none());

        // The user's file, with the secret in the keyring.
        let settings = OAuthAppSettings {
            client_id: "user-client".into(),
            authorize_url: standard_authorize_url(),
            token_url: default_token_url(),
            scopes: vec!["contacts.readonly".into(), "contacts.write".into()],
        };
        settings.save_user(&user).expect("save");
        let loaded = OAuthAppSettings::load(None, &user).expect("load");
        assert_eq!(loaded.source, Some(SettingsSource::User));
        assert_eq!(loaded.settings.as_ref(), Some(&settings));
        assert!(loaded.app(&store).await.expect("no secret yet").is_none());
        store_client_secret(&store, &SecretString::new("kr-secret"))
            .await
            .expect("store");
        let app = loaded.app(&store).await.expect("app").expect("configured");
        assert_eq!(app.client_secret.expose(), "kr-secret");
        assert_eq!(app.client_id, "user-client");

        // A locked deployed file wins and brings its secret.
        std::fs::write(
            &deployed,
            r#"{"clientId":"corp-client","authorizeUrl":"https://marketplace.leadconnectorhq.com/v2/oauth/chooselocation","scopes":["contacts.readonly"],"clientSecret":"deployed-secret"}"#,
        )
        .expect("write");
        let loaded = OAuthAppSettings::load(Some(&deployed), &user).expect("load");
        assert_eq!(loaded.source, Some(SettingsSource::Deployed));
        assert!(!loaded.editable);
        assert!(loaded.secret_is_deployed());
        assert!(!format!("{loaded:?}").contains("deployed-secret"));
        let app = loaded.app(&store).await.expect("app").expect("configured");
        assert_eq!(app.client_id, "corp-client");
        assert_eq!(app.client_secret.expose(), "deployed-secret");
        assert_eq!(app.token_url.as_str(), DEFAULT_TOKEN_URL);

        // A deployed file that allows edits defers to the user's file.
        std::fs::write(
            &deployed,
            r#"{"clientId":"corp-client","allowUserEdits":true}"#,
        )
        .expect("write");
        let loaded = OAuthAppSettings::load(Some(&deployed), &user).expect("load");
        assert_eq!(loaded.source, Some(SettingsSource::User));
        assert!(loaded.editable);

        // A damaged deployed file is an error that does not quote the secret.
        std::fs::write(&deployed, r#"{"clientId":"c","clientSecret":42}"#).expect("write");
        let err = OAuthAppSettings::load(Some(&deployed), &user).expect_err("corrupt");
        assert_eq!(err.code(), "file_corrupt");
        std::fs::write(
            &deployed,
            r#"{"clientId":"c","clientSecret":"sekrit","scopes":7}"#,
        )
        .expect("write");
        let err = OAuthAppSettings::load(Some(&deployed), &user).expect_err("corrupt");
        assert!(!err.to_string().contains("sekrit"), "{err}");
    }

    #[test]
    fn invalid_settings_are_rejected() {
        let settings = OAuthAppSettings {
            client_id: "c".into(),
            authorize_url: Url::parse("http://example.com/authorize").expect("url"),
            token_url: default_token_url(),
            scopes: vec![],
        };
        assert_eq!(
            settings
                .to_app(SecretString::new("s"))
                .map_err(|e| e.code())
                .err(),
            Some("config")
        );
    }
}

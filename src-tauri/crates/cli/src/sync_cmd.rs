//! `sync`: one contact between Housecall Pro and GoHighLevel through the
//! [`sync::SyncEngine`], with the sync state (links, log, applies in
//! progress) in the location's cache database, the same file the app uses.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value as Json;
use sync::{
    Candidate, Change, Choice, Choices, Conflict, Field, FieldError, MatchChoice, Matching,
    PlannedTask, Preview, Side, SideView, SyncEngine, SyncSettings, SyncTarget, Value,
};

use crate::args::{PreferSide, SyncArgs};
use crate::commands::{doc, Doc};
use crate::error::CliError;

/// Environment variable holding the Housecall Pro API key.
pub const HCP_KEY_ENV: &str = "SWITCHBOARD_HCP_KEY";

/// The app's cache database inside a location's cache folder.
const CACHE_FILE: &str = "contacts.sqlite3";
/// The app's identifier: its data folder's name under the OS data dir.
const APP_ID: &str = "com.example.switchboard";
/// Who syncs, in the sync log.
const ACTOR: &str = "switchboard-cli";
/// `--match new`.
const MATCH_NEW: &str = "new";

pub(crate) async fn execute(ghl: &ghl::Client, args: SyncArgs) -> Result<Doc, CliError> {
    let target = match (args.hcp, args.ghl) {
        (Some(id), _) => SyncTarget::Hcp(non_blank(id, "--hcp")?),
        (None, Some(id)) => SyncTarget::Ghl(non_blank(id, "--ghl")?),
        // clap's group requires exactly one.
        (None, None) => return Err(CliError::Usage("give --hcp or --ghl".to_owned())),
    };
    let match_choice = args
        .match_with
        .map(|m| match m.trim() {
            MATCH_NEW => Ok(MatchChoice::New),
            id => non_blank(id.to_owned(), "--match").map(MatchChoice::Existing),
        })
        .transpose()?;
    let choices = match args.prefer {
        Some(PreferSide::Hcp) => Choices::prefer(Side::Hcp),
        Some(PreferSide::Ghl) => Choices::prefer(Side::Ghl),
        None => Choices::new(),
    };

    let key = hcp_key().await?;
    let hcp = hcp::Client::new(args.hcp_base_url, key)?;
    let path = match args.cache {
        Some(path) => path,
        None => default_cache(ghl.location_id())?,
    };
    let (store, _) = store::Store::open(&path).map_err(|e| CliError::Cache {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    // The mapping and follow-up tasks the app's Settings saved, if any.
    let saved = crate::app_config_dir()
        .map(|dir| SyncSettings::load(&dir))
        .unwrap_or_default();
    let settings = SyncSettings {
        actor: ACTOR.to_owned(),
        ..saved
    };
    let engine = SyncEngine::new(ghl.clone(), hcp, Arc::new(store), settings);

    let preview = engine.preview(target.clone(), match_choice.clone()).await?;
    if let Matching::Ambiguous { candidates } = &preview.matching {
        if !args.dry_run {
            return Err(CliError::AmbiguousMatch {
                target: target.clone(),
                candidates: candidates.clone(),
            });
        }
    }
    let mut out = SyncDoc::new(&preview, &choices, args.dry_run);
    if !args.dry_run {
        let outcome = engine.apply(target, &choices, match_choice).await?;
        out.result = Some(SyncResult::new(outcome));
    }
    Ok(doc(out))
}

fn non_blank(value: String, flag: &str) -> Result<String, CliError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(CliError::Usage(format!("{flag} needs an id")));
    }
    Ok(trimmed.to_owned())
}

/// `SWITCHBOARD_HCP_KEY`, else the key the app saved in the OS keyring.
async fn hcp_key() -> Result<hcp::ApiKey, CliError> {
    if let Some(key) = std::env::var(HCP_KEY_ENV)
        .ok()
        .filter(|k| !k.trim().is_empty())
    {
        return Ok(hcp::ApiKey::new(key));
    }
    let service =
        std::env::var(crate::KEYRING_SERVICE_ENV).unwrap_or_else(|_| auth::APP_SERVICE.to_owned());
    let store = auth::KeyringStore::new(service);
    match auth::SecretStore::get(&store, auth::HCP_API_KEY_KEY).await {
        Ok(Some(secret)) if !secret.expose().trim().is_empty() => {
            Ok(hcp::ApiKey::new(secret.expose()))
        }
        Ok(_) => Err(CliError::NoHcpKey(None)),
        // The keyring error names the cause, never the secret.
        Err(e) => Err(CliError::NoHcpKey(Some(e.to_string()))),
    }
}

/// Where the app keeps `location`'s cache: `<data dir>/locations/<id>/contacts.sqlite3`
/// with the data dir `$SWITCHBOARD_HOME/data`, else Tauri's on Linux
/// (`$XDG_DATA_HOME` or `~/.local/share`, then the app's identifier).
fn default_cache(location: &str) -> Result<PathBuf, CliError> {
    let var = |key: &str| std::env::var_os(key).filter(|v| !v.is_empty());
    let data = match var("SWITCHBOARD_HOME") {
        Some(home) => PathBuf::from(home).join("data"),
        None => var("XDG_DATA_HOME")
            .map(PathBuf::from)
            .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".local").join("share")))
            .ok_or_else(|| {
                CliError::Usage(
                    "cannot tell where the app keeps its data (no HOME): pass --cache".to_owned(),
                )
            })?
            .join(APP_ID),
    };
    Ok(data
        .join("locations")
        .join(sanitize(location))
        .join(CACHE_FILE))
}

/// As the app does: anything but letters, digits, `-` and `_` becomes `_`,
/// so an id never names a path outside the cache folder.
fn sanitize(location: &str) -> String {
    location
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// What `sync` prints: the plan, then (unless `--dry-run`) the result.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SyncDoc {
    target: SyncTarget,
    dry_run: bool,
    /// How the two sides were paired (`linked`, `matched` by email, phone
    /// or choice, `ambiguous` with its candidates, or `new`).
    matching: Matching,
    hcp: Option<SideOut>,
    ghl: Option<SideOut>,
    /// Field changes per side, conflicts settled by `--prefer` included.
    to_ghl: Vec<ChangeOut>,
    to_hcp: Vec<ChangeOut>,
    conflicts: Vec<ConflictOut>,
    /// Values the receiving side would refuse: the apply sends nothing.
    problems: Vec<FieldError>,
    /// Created only with a new GoHighLevel contact.
    follow_up_tasks: Vec<PlannedTask>,
    will_send: bool,
    /// An earlier apply stopped part-way; this one resumes it.
    resuming: bool,
    result: Option<SyncResult>,
}

impl SyncDoc {
    /// The preview is planned without choices; the changes `choices` make to
    /// conflicts are added the way [`sync::plan`] makes them, so the printed
    /// plan is the one the apply follows.
    fn new(preview: &Preview, choices: &Choices, dry_run: bool) -> SyncDoc {
        let (mut to_ghl, mut to_hcp, mut conflicts) = (Vec::new(), Vec::new(), Vec::new());
        if let Some(plan) = &preview.plan {
            to_ghl.extend(plan.to_ghl.iter().map(ChangeOut::new));
            to_hcp.extend(plan.to_hcp.iter().map(ChangeOut::new));
            for c in &plan.conflicts {
                let resolution = choices.get(c.field);
                match resolution {
                    Choice::KeepHcp => to_ghl.push(ChangeOut::of(c.field, &c.ghl, &c.hcp)),
                    Choice::KeepGhl if !c.field.is_hcp_to_ghl_only() => {
                        to_hcp.push(ChangeOut::of(c.field, &c.hcp, &c.ghl));
                    }
                    _ => {}
                }
                conflicts.push(ConflictOut::new(c, resolution));
            }
        }
        let will_send = preview.will_send || to_ghl.len() + to_hcp.len() > 0;
        SyncDoc {
            target: preview.target.clone(),
            dry_run,
            matching: preview.matching.clone(),
            hcp: preview.hcp.as_ref().map(SideOut::new),
            ghl: preview.ghl.as_ref().map(SideOut::new),
            to_ghl,
            to_hcp,
            conflicts,
            problems: preview.problems.clone(),
            follow_up_tasks: preview.follow_up_tasks.clone(),
            will_send,
            resuming: preview.resuming,
            result: None,
        }
    }
}

/// A value as plain JSON: text as a string, a tag set as an array, empty as null.
fn plain(value: &Value) -> Json {
    match value {
        Value::Text(s) => Json::String(s.clone()),
        Value::Set(set) => set.iter().cloned().map(Json::String).collect(),
        Value::Missing => Json::Null,
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SideOut {
    id: String,
    name: String,
    /// The synced fields as read, normalised; empty ones left out.
    fields: BTreeMap<String, Json>,
}

impl SideOut {
    fn new(view: &SideView) -> SideOut {
        SideOut {
            id: view.id.clone(),
            name: view.name.clone(),
            fields: view
                .record
                .iter()
                .map(|(f, v)| (f.to_string(), plain(v)))
                .collect(),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ChangeOut {
    field: Field,
    label: &'static str,
    from: Json,
    to: Json,
    /// Tags only: they are added and removed one by one, never replaced.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    added: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    removed: Vec<String>,
}

impl ChangeOut {
    fn new(change: &Change) -> ChangeOut {
        ChangeOut {
            field: change.field,
            label: change.field.label(),
            from: plain(&change.from),
            to: plain(&change.to),
            added: change.added_tags().into_iter().collect(),
            removed: change.removed_tags().into_iter().collect(),
        }
    }

    fn of(field: Field, from: &Value, to: &Value) -> ChangeOut {
        ChangeOut::new(&Change {
            field,
            from: from.clone(),
            to: to.clone(),
        })
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ConflictOut {
    field: Field,
    label: &'static str,
    /// At the last sync (null on a first sync).
    base: Json,
    hcp: Json,
    ghl: Json,
    /// `change_nothing` (reported again next time), `keep_hcp` or `keep_ghl`.
    resolution: Choice,
}

impl ConflictOut {
    fn new(c: &Conflict, resolution: Choice) -> ConflictOut {
        ConflictOut {
            field: c.field,
            label: c.field.label(),
            base: plain(&c.base),
            hcp: plain(&c.hcp),
            ghl: plain(&c.ghl),
            resolution,
        }
    }
}

/// What the apply did.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SyncResult {
    hcp_customer_id: String,
    ghl_contact_id: String,
    /// The side whose record was created (`hcp`, `ghl`), if any.
    created: Option<Side>,
    to_ghl: Vec<ChangeOut>,
    to_hcp: Vec<ChangeOut>,
    /// Conflicts left as they are.
    unresolved: Vec<Field>,
    tasks_created: Vec<String>,
    steps_done: Vec<String>,
    nothing_sent: bool,
    last_synced_at: String,
}

impl SyncResult {
    fn new(o: sync::ApplyOutcome) -> SyncResult {
        SyncResult {
            to_ghl: o.to_ghl.iter().map(ChangeOut::new).collect(),
            to_hcp: o.to_hcp.iter().map(ChangeOut::new).collect(),
            hcp_customer_id: o.hcp_customer_id,
            ghl_contact_id: o.ghl_contact_id,
            created: o.created,
            unresolved: o.unresolved,
            tasks_created: o.tasks_created,
            steps_done: o.steps_done,
            nothing_sent: o.nothing_sent,
            last_synced_at: o.link.last_synced_at,
        }
    }
}

/// One line per candidate for the ambiguous-match error: id, name, and why
/// it matched (the email and phone stay out of error messages).
pub(crate) fn describe_candidates(candidates: &[Candidate]) -> String {
    candidates
        .iter()
        .map(|c| {
            let by: Vec<&str> = c
                .matched_by
                .iter()
                .map(|b| match b {
                    sync::MatchedBy::Email => "email",
                    sync::MatchedBy::Phone => "phone",
                    sync::MatchedBy::Choice => "choice",
                    sync::MatchedBy::EarlierApply => "earlier apply",
                })
                .collect();
            format!("{} ({}, same {})", c.id, c.name, by.join(" and "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_ids_never_leave_the_cache_folder() {
        assert_eq!(sanitize("ve9EPM428h8vShlRW1KT"), "ve9EPM428h8vShlRW1KT");
        assert_eq!(sanitize("../../etc"), "______etc");
    }

    #[test]
    fn values_print_as_plain_json() {
        assert_eq!(plain(&Value::Text("a".into())), Json::from("a"));
        assert_eq!(plain(&Value::Missing), Json::Null);
        let set = Value::Set(["b".to_owned(), "a".to_owned()].into());
        assert_eq!(plain(&set), serde_json::json!(["a", "b"]));
    }

    #[test]
    fn a_preferred_side_turns_conflicts_into_changes() {
        let conflict = |field, hcp: &str, ghl: &str| Conflict {
            field,
            base: Value::Text("old".into()),
            hcp: Value::Text(hcp.into()),
            ghl: Value::Text(ghl.into()),
            choice: Choice::ChangeNothing,
        };
        let preview = Preview {
            target: SyncTarget::Hcp("cus_1".into()),
            matching: Matching::New,
            hcp: None,
            ghl: None,
            plan: Some(sync::Plan {
                conflicts: vec![
                    conflict(Field::FirstName, "Anna", "Annie"),
                    conflict(Field::City, "Denver", "Boulder"),
                ],
                ..sync::Plan::default()
            }),
            problems: Vec::new(),
            follow_up_tasks: Vec::new(),
            steps: Vec::new(),
            will_send: false,
            resuming: false,
        };

        let none = SyncDoc::new(&preview, &Choices::new(), true);
        assert!(none.to_ghl.is_empty() && none.to_hcp.is_empty() && !none.will_send);
        assert!(none
            .conflicts
            .iter()
            .all(|c| c.resolution == Choice::ChangeNothing));

        let hcp = SyncDoc::new(&preview, &Choices::prefer(Side::Hcp), true);
        let fields: Vec<Field> = hcp.to_ghl.iter().map(|c| c.field).collect();
        assert_eq!(fields, [Field::FirstName, Field::City]);
        assert_eq!(hcp.to_ghl[0].from, Json::from("Annie"));
        assert_eq!(hcp.to_ghl[0].to, Json::from("Anna"));
        assert!(hcp.to_hcp.is_empty() && hcp.will_send);

        // The city only flows HCP → GHL: keeping GHL's writes nothing to HCP.
        let ghl = SyncDoc::new(&preview, &Choices::prefer(Side::Ghl), true);
        let fields: Vec<Field> = ghl.to_hcp.iter().map(|c| c.field).collect();
        assert_eq!(fields, [Field::FirstName]);
        assert!(ghl.to_ghl.is_empty());
        assert!(ghl
            .conflicts
            .iter()
            .all(|c| c.resolution == Choice::KeepGhl));
    }
}

//! The command tree, as clap parses it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use ghl::AccessToken;
use url::Url;

/// Shown at the end of `--help`.
const LONG_HELP_FOOTER: &str = "\
Authentication:
  The access token is read from the SWITCHBOARD_TOKEN environment variable
  (it is never accepted as a flag, so it stays out of shell history, and it
  is never printed). Without it, the sign-in the Switchboard app saved for
  --location in the OS keyring is used; an expired OAuth token is refreshed
  with the app's OAuth settings and the new pair saved back.
  `sync` also needs the Housecall Pro API key: SWITCHBOARD_HCP_KEY, else the
  key entered in the app's Settings (OS keyring).

Output:
  JSON on stdout, in the API's shapes: pretty-printed on a terminal, compact
  otherwise (one document per run, for jq and scripts).

Exit codes:
  0  success
  1  any other failure (network, timeout, unexpected response, cancelled,
     or a create whose outcome is unknown)
  2  usage or validation error (bad flags, invalid email/phone/date, a
     missing --location, a request GoHighLevel rejected as invalid, a sync
     whose match is ambiguous without --match)
  3  authentication: no token or HCP key, either rejected, or lacking a
     permission
  4  not found
  5  rate limited

Errors are one line on stderr: `error: <message>`.";

/// Switchboard's command line: GoHighLevel contacts, tasks, notes, tags and
/// appointments of one sub-account (location).
#[derive(Debug, Parser)]
#[command(
    name = "switchboard-cli",
    version,
    propagate_version = true,
    after_long_help = LONG_HELP_FOOTER
)]
pub struct Cli {
    /// API root: GoHighLevel, or a local sandbox (`http://127.0.0.1:PORT`).
    #[arg(
        long,
        global = true,
        value_name = "URL",
        env = "SWITCHBOARD_GHL_BASE_URL",
        default_value = ghl::DEFAULT_BASE_URL
    )]
    pub base_url: Url,

    /// Sub-account (location) id; needed by contacts list, business,
    /// duplicate, create, upsert and sync.
    #[arg(
        long,
        global = true,
        value_name = "ID",
        env = "SWITCHBOARD_LOCATION_ID"
    )]
    pub location: Option<String>,

    #[command(subcommand)]
    pub command: Command,

    /// Set programmatically only (tests); see [`Cli::with_token`].
    #[arg(skip)]
    pub(crate) token: Option<AccessToken>,

    /// Set programmatically only; see [`Cli::with_pretty`].
    #[arg(skip)]
    pub(crate) pretty: Option<bool>,
}

impl Cli {
    /// Uses `token` instead of [`crate::resolve_token`] (for embedding and
    /// tests; the command line itself never takes a token).
    pub fn with_token(mut self, token: AccessToken) -> Self {
        self.token = Some(token);
        self
    }

    /// Forces pretty (`true`) or compact (`false`) JSON instead of deciding
    /// by whether stdout is a terminal.
    pub fn with_pretty(mut self, pretty: bool) -> Self {
        self.pretty = Some(pretty);
        self
    }
}

// Parsed once per run, so the size of the biggest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Contacts: list and search, read, create, update, upsert, delete.
    #[command(subcommand)]
    Contacts(ContactsCmd),
    /// Tasks of a contact.
    #[command(subcommand)]
    Tasks(TasksCmd),
    /// Notes of a contact.
    #[command(subcommand)]
    Notes(NotesCmd),
    /// Add or remove a contact's tags.
    #[command(subcommand)]
    Tags(TagsCmd),
    /// Appointments of a contact.
    #[command(subcommand)]
    Appointments(AppointmentsCmd),
    /// Sync one contact between Housecall Pro and GoHighLevel.
    ///
    /// Matches the other side (the stored link, else by email, then by
    /// phone), prints the plan (field changes per side, conflicts, problems,
    /// follow-up tasks) and, unless --dry-run, applies it and prints the
    /// result: `{ "dryRun", "matching", "toGhl", "toHcp", "conflicts",
    /// "problems", "followUpTasks", "willSend", "result" }`. Running it again
    /// sends nothing new; an apply that stopped part-way resumes.
    Sync(SyncArgs),
}

impl Command {
    /// Whether the operation sends a `locationId`.
    pub(crate) fn needs_location(&self) -> bool {
        matches!(
            self,
            Command::Contacts(
                ContactsCmd::List { .. }
                    | ContactsCmd::Business { .. }
                    | ContactsCmd::Duplicate(_)
                    | ContactsCmd::Create(_)
                    | ContactsCmd::Upsert { .. }
            ) | Command::Sync(_)
        )
    }
}

#[derive(Debug, Subcommand)]
pub enum ContactsCmd {
    /// List or search contacts.
    ///
    /// Uses POST /contacts/search, paged with searchAfter (past the
    /// 10,000-record cap). Prints `{ "contacts": [...], "total": N }`.
    List {
        /// Free-text search (name, email, phone, company).
        #[arg(long, short)]
        query: Option<String>,
        /// How many contacts to print (default 20); more than one page is
        /// fetched when needed.
        #[arg(long, short, value_parser = clap::value_parser!(u32).range(1..), conflicts_with = "all")]
        limit: Option<u32>,
        /// Every matching contact, all pages.
        #[arg(long)]
        all: bool,
        /// Use the deprecated `GET /contacts/` list instead of search.
        #[arg(long)]
        legacy: bool,
    },
    /// One contact by id.
    ///
    /// Prints `{ "contact": {...} }`.
    Get {
        /// Contact id.
        id: String,
    },
    /// Create a contact.
    ///
    /// Needs a name, an email or a phone. Prints `{ "contact": {...} }`.
    Create(ContactFields),
    /// Change only the given fields of a contact.
    ///
    /// An empty `--email ""` or `--phone ""` clears it. Tags are changed
    /// with `tags add|remove`. Prints `{ "succeded": true, "contact": {...} }`.
    Update {
        /// Contact id.
        id: String,
        #[command(flatten)]
        fields: UpdateFields,
    },
    /// Delete a contact with its tasks, notes and appointments.
    ///
    /// Asks to confirm on a terminal; otherwise `--yes` is required. Prints
    /// `{ "succeded": true }`.
    Delete {
        /// Contact id.
        id: String,
        /// Do not ask for confirmation.
        #[arg(long, short)]
        yes: bool,
    },
    /// Contacts of a business.
    ///
    /// Uses GET /contacts/business/{businessId}. Prints
    /// `{ "contacts": [...], "count": N }`.
    Business {
        /// Business id.
        business_id: String,
        /// Free-text search.
        #[arg(long, short)]
        query: Option<String>,
        /// Page size (1-100).
        #[arg(long, short)]
        limit: Option<u32>,
        /// Contacts to skip.
        #[arg(long)]
        skip: Option<u32>,
    },
    /// Find the contact an email or phone would duplicate.
    ///
    /// Uses the location's duplicate rule. Prints `{ "contact": {...} }` or
    /// `{ "contact": null }`.
    Duplicate(DuplicateArgs),
    /// Update the matching contact, else create one.
    ///
    /// The location's duplicate rule (email/phone) picks the contact. Tags
    /// given here REPLACE the contact's tags. Prints
    /// `{ "new": bool, "contact": {...}, "traceId": ... }`.
    Upsert {
        #[command(flatten)]
        fields: ContactFields,
        /// Create a new contact even if a duplicate exists (when the
        /// location allows duplicates).
        #[arg(long)]
        allow_duplicate: bool,
    },
}

/// Fields of `contacts create` and `contacts upsert`.
#[derive(Debug, Args)]
pub struct ContactFields {
    #[arg(long)]
    pub first_name: Option<String>,
    #[arg(long)]
    pub last_name: Option<String>,
    /// Full name (instead of first/last).
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    /// Any common format; sent as E.164 (`+13035550142`).
    #[arg(long)]
    pub phone: Option<String>,
    /// Company name.
    #[arg(long)]
    pub company: Option<String>,
    /// A tag; repeat for several.
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Lead source, e.g. `cli`.
    #[arg(long)]
    pub source: Option<String>,
    /// Street address.
    #[arg(long)]
    pub address: Option<String>,
    #[arg(long)]
    pub city: Option<String>,
    #[arg(long)]
    pub state: Option<String>,
    #[arg(long)]
    pub postal_code: Option<String>,
    /// Two-letter country code, e.g. `US`.
    #[arg(long)]
    pub country: Option<String>,
    #[arg(long)]
    pub website: Option<String>,
    /// e.g. `America/Denver`.
    #[arg(long)]
    pub timezone: Option<String>,
    /// e.g. `1990-09-25`.
    #[arg(long, value_name = "DATE")]
    pub date_of_birth: Option<String>,
    /// User id.
    #[arg(long, value_name = "USER_ID")]
    pub assigned_to: Option<String>,
    /// Do not disturb.
    #[arg(long, value_name = "BOOL")]
    pub dnd: Option<bool>,
}

/// Fields of `contacts update` (the update body has no company; tags are
/// changed with `tags add|remove`).
#[derive(Debug, Args)]
pub struct UpdateFields {
    #[arg(long)]
    pub first_name: Option<String>,
    #[arg(long)]
    pub last_name: Option<String>,
    #[arg(long)]
    pub name: Option<String>,
    /// New email; `""` clears it.
    #[arg(long)]
    pub email: Option<String>,
    /// New phone (any common format); `""` clears it.
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long)]
    pub source: Option<String>,
    /// Street address.
    #[arg(long)]
    pub address: Option<String>,
    #[arg(long)]
    pub city: Option<String>,
    #[arg(long)]
    pub state: Option<String>,
    #[arg(long)]
    pub postal_code: Option<String>,
    #[arg(long)]
    pub country: Option<String>,
    #[arg(long)]
    pub website: Option<String>,
    #[arg(long)]
    pub timezone: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub date_of_birth: Option<String>,
    #[arg(long, value_name = "USER_ID")]
    pub assigned_to: Option<String>,
    #[arg(long, value_name = "BOOL")]
    pub dnd: Option<bool>,
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct DuplicateArgs {
    /// Look up by email.
    #[arg(long)]
    pub email: Option<String>,
    /// Look up by phone (any common format).
    #[arg(long)]
    pub phone: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum TasksCmd {
    /// A contact's tasks.
    ///
    /// Prints `{ "tasks": [...] }`.
    List { contact_id: String },
    /// One task.
    ///
    /// Prints `{ "task": {...} }`.
    Get { contact_id: String, task_id: String },
    /// Create an open task.
    ///
    /// Prints `{ "task": {...} }`.
    Create {
        contact_id: String,
        #[arg(long)]
        title: String,
        /// Due date-time, RFC 3339 with a zone, e.g. `2026-12-01T10:00:00Z`.
        #[arg(long, value_name = "DATETIME")]
        due: String,
        #[arg(long)]
        body: Option<String>,
        /// User id.
        #[arg(long, value_name = "USER_ID")]
        assigned_to: Option<String>,
    },
    /// Change only the given fields of a task.
    ///
    /// Prints `{ "task": {...} }`.
    Update {
        contact_id: String,
        task_id: String,
        #[arg(long)]
        title: Option<String>,
        /// Due date-time, RFC 3339 with a zone.
        #[arg(long, value_name = "DATETIME")]
        due: Option<String>,
        #[arg(long)]
        body: Option<String>,
        #[arg(long, value_name = "USER_ID")]
        assigned_to: Option<String>,
    },
    /// Mark a task completed (or open again with `--reopen`).
    ///
    /// Prints `{ "task": {...} }`.
    Complete {
        contact_id: String,
        task_id: String,
        /// Mark it not completed.
        #[arg(long)]
        reopen: bool,
    },
    /// Delete a task.
    ///
    /// Prints `{ "succeded": true }`.
    Delete { contact_id: String, task_id: String },
}

#[derive(Debug, Subcommand)]
pub enum NotesCmd {
    /// A contact's notes.
    ///
    /// Prints `{ "notes": [...] }`.
    List { contact_id: String },
    /// One note.
    ///
    /// Prints `{ "note": {...} }`.
    Get { contact_id: String, note_id: String },
    /// Add a note.
    ///
    /// Prints `{ "note": {...} }`.
    Create {
        contact_id: String,
        #[arg(long)]
        body: String,
        #[arg(long)]
        title: Option<String>,
        /// Pin the note.
        #[arg(long)]
        pinned: bool,
        /// e.g. `#FFAA00`.
        #[arg(long)]
        color: Option<String>,
    },
    /// Change only the given fields of a note.
    ///
    /// Prints `{ "note": {...} }`.
    Update {
        contact_id: String,
        note_id: String,
        #[arg(long)]
        body: Option<String>,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        color: Option<String>,
        /// Pin the note.
        #[arg(long, conflicts_with = "unpinned")]
        pinned: bool,
        /// Unpin the note.
        #[arg(long)]
        unpinned: bool,
    },
    /// Delete a note.
    ///
    /// Prints `{ "succeded": true }`.
    Delete { contact_id: String, note_id: String },
}

#[derive(Debug, Subcommand)]
pub enum TagsCmd {
    /// Add tags, keeping the others.
    ///
    /// Prints the contact's tags afterwards: `{ "tags": [...] }`.
    Add {
        contact_id: String,
        #[arg(required = true, value_name = "TAG")]
        tags: Vec<String>,
    },
    /// Remove tags.
    ///
    /// Prints the contact's tags afterwards: `{ "tags": [...] }`.
    Remove {
        contact_id: String,
        #[arg(required = true, value_name = "TAG")]
        tags: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AppointmentsCmd {
    /// A contact's appointments.
    ///
    /// Prints `{ "events": [...] }`.
    List { contact_id: String },
}

/// `sync`: what to sync and how.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["hcp", "ghl"])))]
pub struct SyncArgs {
    /// Sync this Housecall Pro customer.
    #[arg(long, value_name = "CUSTOMER_ID")]
    pub hcp: Option<String>,
    /// Sync this GoHighLevel contact.
    #[arg(long, value_name = "CONTACT_ID")]
    pub ghl: Option<String>,
    /// Print the plan only; send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Settle every conflict with this side's value (without it a conflict
    /// changes nothing and is reported).
    #[arg(long, value_enum, value_name = "SIDE")]
    pub prefer: Option<PreferSide>,
    /// When several records match: the id of the one to sync with, or
    /// `new` to create a record on the other side.
    #[arg(long = "match", value_name = "ID|new")]
    pub match_with: Option<String>,
    /// Sync state database (links, sync log). Default: the app's cache of
    /// --location (`<data dir>/locations/<location>/contacts.sqlite3`, data
    /// dir `$SWITCHBOARD_HOME/data` or `~/.local/share/com.example.switchboard`).
    #[arg(long, value_name = "PATH")]
    pub cache: Option<PathBuf>,
    /// Housecall Pro API root, or a local sandbox (`http://127.0.0.1:PORT`).
    #[arg(
        long,
        value_name = "URL",
        env = "SWITCHBOARD_HCP_BASE_URL",
        default_value = hcp::DEFAULT_BASE_URL
    )]
    pub hcp_base_url: Url,
}

/// The side `sync --prefer` keeps in a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PreferSide {
    Hcp,
    Ghl,
}

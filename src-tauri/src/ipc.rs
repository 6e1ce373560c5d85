//! Everything that crosses the IPC boundary to the web view. The TypeScript
//! declarations in `ui/src/bindings.ts` are generated from these types (see the
//! test at the bottom), so the two sides cannot drift apart.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum AppMode {
    /// Against the built-in sandbox with seeded sample data.
    Demo,
    /// Against a real GoHighLevel location.
    Live,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ContactSummary {
    pub id: String,
    pub display_name: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company_name: Option<String>,
    pub tags: Vec<String>,
    pub date_updated: Option<String>,
    /// Made offline and not yet sent to GoHighLevel (it has no GHL id yet).
    pub pending: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ContactPage {
    pub contacts: Vec<ContactSummary>,
    /// How many contacts the list or search has; `null` when a search has more
    /// matches than the pages loaded so far (ranked search does not count).
    pub total: Option<u32>,
    /// Opaque; hand it back to `list_contacts` for the next page. `null` at the end.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CustomFieldValue {
    pub id: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ContactDetail {
    pub id: String,
    pub display_name: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company_name: Option<String>,
    pub tags: Vec<String>,
    pub source: Option<String>,
    pub contact_type: Option<String>,
    pub address1: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub website: Option<String>,
    pub timezone: Option<String>,
    pub date_of_birth: Option<String>,
    pub date_added: Option<String>,
    pub date_updated: Option<String>,
    pub dnd: bool,
    pub business_id: Option<String>,
    pub custom_fields: Vec<CustomFieldValue>,
    /// Made offline and not yet sent to GoHighLevel.
    pub pending: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    pub id: String,
    pub title: String,
    pub body: Option<String>,
    pub due_date: Option<String>,
    pub completed: bool,
    pub assigned_to: Option<String>,
    /// Made offline and not yet sent to GoHighLevel.
    pub pending: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    pub id: String,
    pub title: Option<String>,
    pub body: String,
    pub date_added: Option<String>,
    pub pinned: bool,
    pub color: Option<String>,
    /// Made offline and not yet sent to GoHighLevel.
    pub pending: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Appointment {
    pub id: String,
    pub title: Option<String>,
    pub status: Option<String>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
}

/// A contact's editable fields. On create, absent fields are not sent; on update,
/// absent fields are left as they are and an empty string clears the field.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ContactForm {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company_name: Option<String>,
    pub address1: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub website: Option<String>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TaskForm {
    pub title: String,
    pub body: Option<String>,
    /// RFC 3339.
    pub due_date: String,
    pub completed: bool,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NoteForm {
    pub title: Option<String>,
    pub body: String,
    pub pinned: bool,
    pub color: Option<String>,
}

/// How a location was connected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum SignInMethod {
    /// "Sign in with HighLevel": OAuth in the system browser.
    Oauth,
    /// A pasted Private Integration Token.
    PrivateToken,
}

/// A signed-in location. No token ever appears here.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LocationAccount {
    pub location_id: String,
    pub name: String,
    pub method: SignInMethod,
    pub can_write: bool,
    /// The refresh token was refused or the PIT rejected: show "Reconnect".
    pub needs_reconnect: bool,
}

/// Who is signed in where; what the UI asks first on start.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    pub mode: AppMode,
    pub version: String,
    pub accounts: Vec<LocationAccount>,
    /// `null` until a location is signed in: the UI shows the sign-in screen.
    pub active_location_id: Option<String>,
    /// "Sign in with HighLevel" can start (the OAuth app is configured).
    pub oauth_ready: bool,
    /// Something the person should know about the saved sign-ins, e.g. a damaged
    /// accounts file that was set aside. Shown once on the sign-in screen.
    pub notice: Option<String>,
}

/// Which HighLevel host the browser sign-in opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum AuthorizeHost {
    /// marketplace.gohighlevel.com
    Standard,
    /// marketplace.leadconnectorhq.com
    WhiteLabel,
    /// `customAuthorizeUrl`.
    Custom,
}

/// The OAuth app registered in the HighLevel marketplace, as Settings shows it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OAuthSettings {
    pub client_id: String,
    /// The secret itself stays in the keyring; the UI only learns whether it is set.
    pub has_client_secret: bool,
    pub authorize_host: AuthorizeHost,
    pub custom_authorize_url: Option<String>,
    /// The exact redirect URIs to register for the app in the marketplace.
    pub redirect_uris: Vec<String>,
    /// Ask for `contacts.write` as well as `contacts.readonly`.
    pub editing_enabled: bool,
    /// Set when IT deployed the settings as a file: the UI shows them read-only.
    pub managed_by_file: Option<String>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OAuthSettingsForm {
    pub client_id: String,
    /// `null` keeps the stored secret.
    pub client_secret: Option<String>,
    pub authorize_host: AuthorizeHost,
    pub custom_authorize_url: Option<String>,
    pub editing_enabled: bool,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PrivateTokenForm {
    pub location_id: String,
    /// Verified with a test call, then stored in the keyring; never sent back.
    pub token: String,
}

/// A contact that already exists in GHL with the email or phone being entered.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DuplicateMatch {
    pub contact: ContactSummary,
    /// Which field matched: "email" or "phone".
    pub matched_on: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UpsertOutcome {
    pub contact: ContactDetail,
    /// False when an existing contact (same email or phone) was updated.
    pub created: bool,
}

/// What the active location's local cache is doing; streamed to the UI (see
/// `watch_cache`) whenever it changes.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CacheStatus {
    pub location_id: String,
    /// Contacts in the cache now.
    pub cached_contacts: u32,
    /// False when GoHighLevel could not be reached: lists and contacts come
    /// from the cache and edits wait in the outbox.
    pub online: bool,
    pub activity: CacheActivity,
    /// Set while downloading or refreshing.
    pub progress: Option<CacheProgress>,
    /// The first full download has finished (the cache holds every contact).
    pub download_complete: bool,
    /// The person paused the first download; "Resume" continues it.
    pub download_paused: bool,
    /// When the cache was last brought up to date with GoHighLevel (RFC 3339).
    pub last_refreshed_at: Option<String>,
    pub outbox: OutboxCounts,
    /// Activity feed entries (change alerts) not read yet.
    pub unread_activity: u32,
    /// Something the person should know about the cache (e.g. a damaged file
    /// was set aside and the cache is being rebuilt).
    pub notice: Option<String>,
    /// Why the last download, refresh or send failed, when it did.
    pub last_error: Option<String>,
    /// Goes up whenever cached data changed, so the UI re-reads what it shows.
    pub generation: u32,
    /// The background walk that caches every contact's tasks and
    /// appointments; `null` until it has counted (after the first download).
    pub task_walk: Option<TaskWalkStatus>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TaskWalkStatus {
    /// Contacts whose tasks and appointments are cached and current.
    pub checked: u32,
    pub total: u32,
    /// Fetching now (false when done, or paused: offline, the person's own
    /// requests first, or the day's budget spent).
    pub running: bool,
    /// Today's request budget for the walk is spent; it goes on tomorrow.
    pub budget_spent: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum CacheActivity {
    Idle,
    /// The first full download of the location's contacts.
    Downloading,
    /// Fetching what changed since the last refresh.
    Refreshing,
    /// Sending edits from the outbox.
    Sending,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CacheProgress {
    pub done: u32,
    pub total: u32,
    /// Requests are held back by GoHighLevel's rate limit right now.
    pub waiting_for_rate_limit: bool,
    /// Time left at the current pace; `null` until it can be estimated.
    pub eta_seconds: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OutboxCounts {
    /// Edits waiting to be sent (or re-sent after a network failure).
    pub waiting: u32,
    /// Edits held back because GoHighLevel's copy changed meanwhile.
    pub conflicts: u32,
    /// Edits GoHighLevel refused; they need a person (retry or discard).
    pub rejected: u32,
}

/// One edit in the outbox, as the outbox panel lists it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OutboxItem {
    pub id: i64,
    /// What the edit does, e.g. "Add a note".
    pub description: String,
    pub contact_id: Option<String>,
    pub contact_name: Option<String>,
    pub state: OutboxItemState,
    /// Why the last attempt failed or was refused.
    pub message: Option<String>,
    /// The fields in conflict (state `conflict` only).
    pub conflicts: Vec<FieldConflict>,
    /// When the edit was made (RFC 3339).
    pub created_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum OutboxItemState {
    Waiting,
    /// The last attempt failed on the network or the server; it is retried.
    Failed,
    Conflict,
    Rejected,
}

/// A field changed both here (offline) and in GoHighLevel meanwhile.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FieldConflict {
    /// The field's key in the edit (e.g. `phone`).
    pub field: String,
    /// The field's name for people (e.g. "Phone").
    pub label: String,
    /// The value this edit would write.
    pub mine: Option<String>,
    /// GoHighLevel's current value.
    pub theirs: Option<String>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConflictChoice {
    pub field: String,
    pub keep: KeepSide,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum KeepSide {
    /// Send this edit's value.
    Mine,
    /// Keep GoHighLevel's value (the edit drops the field).
    Theirs,
}

/// Housecall Pro as the app is set up for it (the key itself never leaves Rust).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HcpStatus {
    /// An API key is saved in the keyring.
    pub configured: bool,
    pub base_url: String,
    /// Demo mode: the built-in HCP emulator, already set up.
    pub demo: bool,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HcpKeyForm {
    pub api_key: String,
}

/// One HCP customer in the HCP panel.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HcpCustomerSummary {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    /// Mobile, else home, else work.
    pub phone: Option<String>,
    pub company: Option<String>,
    /// The first address, one line.
    pub address: Option<String>,
    pub updated_at: Option<String>,
    /// The GHL contact it is linked to by an earlier sync.
    pub linked_contact_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HcpCustomerPage {
    pub customers: Vec<HcpCustomerSummary>,
    pub page: u32,
    pub total_pages: u32,
    pub total: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum SyncSide {
    Hcp,
    Ghl,
}

/// What to sync: an HCP customer or a GHL contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncTargetRef {
    pub side: SyncSide,
    pub id: String,
}

/// The person's pick when several records of the other side match.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncMatchChoice {
    /// `null`: create a new record on the other side.
    pub existing_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum SyncMatchKind {
    /// Linked by an earlier sync.
    Linked,
    /// One record of the other side has the same email or phone.
    Matched,
    /// Several match: the person picks.
    Ambiguous,
    /// None matches: it will be created on the other side.
    New,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncCandidate {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// "email", "phone", "email and phone".
    pub matched_by: String,
}

/// One field of one side, for people.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncFieldValue {
    /// The field's key (e.g. `email`, `extra_phone.home`).
    pub field: String,
    pub label: String,
    pub value: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncRecordView {
    pub id: String,
    pub name: String,
    pub fields: Vec<SyncFieldValue>,
}

/// A field that will change on one side.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncFieldChange {
    pub field: String,
    pub label: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// A field changed on both sides since the last sync, differently.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncConflictView {
    pub field: String,
    pub label: String,
    /// The value both had at the last sync.
    pub base: Option<String>,
    pub hcp: Option<String>,
    pub ghl: Option<String>,
}

/// A value the receiving side would refuse; nothing is sent while there is one.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncProblem {
    pub side: SyncSide,
    pub field: String,
    pub label: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncTaskView {
    pub title: String,
    pub due_date: String,
}

/// What a sync would do; nothing has been sent yet.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncPreview {
    pub target: SyncTargetRef,
    pub matching: SyncMatchKind,
    /// How the sides were paired, in words ("Linked since 3 Nov", "Same email").
    pub matching_text: String,
    pub candidates: Vec<SyncCandidate>,
    pub hcp: Option<SyncRecordView>,
    pub ghl: Option<SyncRecordView>,
    pub to_ghl: Vec<SyncFieldChange>,
    pub to_hcp: Vec<SyncFieldChange>,
    pub conflicts: Vec<SyncConflictView>,
    pub problems: Vec<SyncProblem>,
    /// Added with a new GHL contact.
    pub follow_up_tasks: Vec<SyncTaskView>,
    pub will_send: bool,
    /// An earlier sync of it stopped part-way; this one finishes it.
    pub resuming: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum SyncKeep {
    /// Change nothing for this field (the default).
    Nothing,
    Hcp,
    Ghl,
}

/// The person's choice for one conflicting field.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncFieldChoice {
    pub field: String,
    pub keep: SyncKeep,
}

/// What a sync did.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncResult {
    pub ghl_contact_id: String,
    pub hcp_customer_id: String,
    /// The side whose record the sync created.
    pub created: Option<SyncSide>,
    pub changed_in_ghl: u32,
    pub changed_in_hcp: u32,
    /// Conflicts left as they were.
    pub unresolved: u32,
    pub tasks_created: Vec<String>,
    pub nothing_sent: bool,
}

/// One line of a contact's sync log.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncLogLine {
    pub at: String,
    /// The side that received the change.
    pub to: SyncSide,
    pub label: String,
    pub from: Option<String>,
    pub value: Option<String>,
    pub actor: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FollowUpTaskForm {
    pub title: String,
    pub body: String,
    pub due_in_days: u32,
    /// 0–23, UTC.
    pub due_hour: u8,
}

/// The sync settings the Settings screen edits.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncSettingsView {
    /// The field mapping in words, one line per rule.
    pub mapping: Vec<String>,
    pub home_phone_field: String,
    pub work_phone_field: String,
    pub hcp_id_field: String,
    pub follow_up_tasks: Vec<FollowUpTaskForm>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncSettingsForm {
    pub home_phone_field: String,
    pub work_phone_field: String,
    pub hcp_id_field: String,
    pub follow_up_tasks: Vec<FollowUpTaskForm>,
}

/// What the UI branches on when a command fails; the message is for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Unauthorized,
    Forbidden,
    NotFound,
    RateLimited,
    Validation,
    Network,
    Timeout,
    InvalidResponse,
    /// A write whose result never arrived: it may or may not have happened.
    OutcomeUnknown,
    /// No location is signed in (or the one asked for is not).
    NotSignedIn,
    /// The location's sign-in expired or was revoked: "Reconnect", keeping the cache.
    ReauthRequired,
    /// The person cancelled the browser sign-in.
    SignInCancelled,
    /// The person (or GHL) denied access on the consent page; details carry GHL's text.
    SignInDenied,
    /// Nobody finished the browser sign-in in time.
    SignInTimedOut,
    /// Wrong state on the callback, an error from GHL, or the token exchange failed.
    SignInFailed,
    /// The OAuth app (client id/secret) is not set up yet: see Settings.
    NotConfigured,
    /// The OS keyring (Secret Service, Keychain, Credential Manager) cannot be used.
    KeyringUnavailable,
    /// The local cache could not be read or written (disk full, unreadable file…).
    CacheUnavailable,
    /// Not in the local cache yet and GoHighLevel cannot be reached.
    Offline,
    /// Housecall Pro has no API key yet: see Settings.
    HcpNotConfigured,
    /// Several records match: the person must pick one (details: candidates).
    NeedsMatchChoice,
    /// A sync stopped part-way; Retry resumes it (details: the step).
    SyncStopped,
    Api,
    Internal,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    #[ts(type = "unknown")]
    pub details: Option<serde_json::Value>,
}

/// The generated TypeScript module, one declaration per IPC type.
pub fn typescript_bindings() -> String {
    let config = ts_rs::Config::new().with_large_int("number");
    let declarations = [
        AppMode::decl(&config),
        ContactSummary::decl(&config),
        ContactPage::decl(&config),
        CustomFieldValue::decl(&config),
        ContactDetail::decl(&config),
        Task::decl(&config),
        Note::decl(&config),
        Appointment::decl(&config),
        ContactForm::decl(&config),
        TaskForm::decl(&config),
        NoteForm::decl(&config),
        SignInMethod::decl(&config),
        LocationAccount::decl(&config),
        SessionInfo::decl(&config),
        AuthorizeHost::decl(&config),
        OAuthSettings::decl(&config),
        OAuthSettingsForm::decl(&config),
        PrivateTokenForm::decl(&config),
        DuplicateMatch::decl(&config),
        UpsertOutcome::decl(&config),
        CacheStatus::decl(&config),
        crate::alerts::AlertRuleKind::decl(&config),
        crate::alerts::AlertContact::decl(&config),
        crate::alerts::AlertRuleView::decl(&config),
        crate::alerts::AlertField::decl(&config),
        crate::alerts::AlertRules::decl(&config),
        crate::alerts::AlertRuleForm::decl(&config),
        crate::alerts::ActivityItem::decl(&config),
        CacheActivity::decl(&config),
        CacheProgress::decl(&config),
        TaskWalkStatus::decl(&config),
        OutboxCounts::decl(&config),
        OutboxItem::decl(&config),
        OutboxItemState::decl(&config),
        FieldConflict::decl(&config),
        ConflictChoice::decl(&config),
        KeepSide::decl(&config),
        HcpStatus::decl(&config),
        HcpKeyForm::decl(&config),
        HcpCustomerSummary::decl(&config),
        HcpCustomerPage::decl(&config),
        SyncSide::decl(&config),
        SyncTargetRef::decl(&config),
        SyncMatchChoice::decl(&config),
        SyncMatchKind::decl(&config),
        SyncCandidate::decl(&config),
        SyncFieldValue::decl(&config),
        SyncRecordView::decl(&config),
        SyncFieldChange::decl(&config),
        SyncConflictView::decl(&config),
        SyncProblem::decl(&config),
        SyncTaskView::decl(&config),
        SyncPreview::decl(&config),
        SyncKeep::decl(&config),
        SyncFieldChoice::decl(&config),
        SyncResult::decl(&config),
        SyncLogLine::decl(&config),
        FollowUpTaskForm::decl(&config),
        SyncSettingsView::decl(&config),
        SyncSettingsForm::decl(&config),
        crate::app_settings::LogLevel::decl(&config),
        crate::app_settings::AppSettingsView::decl(&config),
        crate::app_settings::AppSettingsForm::decl(&config),
        crate::data_location::DataMovePlan::decl(&config),
        crate::data_location::DataMoveStage::decl(&config),
        crate::data_location::DataMoveProgress::decl(&config),
        crate::data_location::DataMoveOutcome::decl(&config),
        crate::overview::Overview::decl(&config),
        crate::overview::OverviewTaskList::decl(&config),
        crate::overview::OverviewTask::decl(&config),
        crate::overview::OverviewAppointmentList::decl(&config),
        crate::overview::OverviewAppointment::decl(&config),
        crate::overview::OverviewWaiting::decl(&config),
        crate::importing::ImportField::decl(&config),
        crate::importing::ImportFieldOption::decl(&config),
        crate::importing::ImportColumn::decl(&config),
        crate::importing::ImportRowProblem::decl(&config),
        crate::importing::ImportRow::decl(&config),
        crate::importing::ImportPreview::decl(&config),
        crate::importing::ImportFollowUpForm::decl(&config),
        crate::importing::ImportOptionsForm::decl(&config),
        crate::importing::ImportProgress::decl(&config),
        crate::importing::ImportStopReason::decl(&config),
        crate::importing::ImportSummary::decl(&config),
        ErrorCode::decl(&config),
        AppError::decl(&config),
    ];
    let mut module = String::from(
        "// Generated by ts-rs from the Rust types in src-tauri/src/ipc.rs. Do not edit.\n\
         // Regenerate: UPDATE_BINDINGS=1 cargo test -p switchboard bindings\n\n",
    );
    for declaration in declarations {
        module.push_str("export ");
        module.push_str(&declaration);
        module.push('\n');
    }
    module
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn bindings_file_is_current() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
        let generated = typescript_bindings();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &generated).expect("write ui/src/bindings.ts");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "ui/src/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p switchboard bindings`"
        );
    }
}

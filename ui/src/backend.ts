// The only door to the Rust side. Every Tauri command the UI uses is wrapped here with
// its argument and result types (from the ts-rs generated `bindings.ts`), and every
// failure is normalised into an `AppError` so the UI can branch on `code` alone.
import { Channel, invoke } from "@tauri-apps/api/core";
import type {
  ActivityItem,
  AlertRuleForm,
  AlertRuleView,
  AlertRules,
  AppError,
  AppSettingsForm,
  AppSettingsView,
  Appointment,
  CacheStatus,
  ConflictChoice,
  ContactDetail,
  ContactForm,
  ContactPage,
  DataMoveOutcome,
  DataMovePlan,
  DataMoveProgress,
  DuplicateMatch,
  ErrorCode,
  HcpCustomerPage,
  HcpCustomerSummary,
  HcpKeyForm,
  HcpStatus,
  ImportField,
  ImportOptionsForm,
  ImportPreview,
  ImportProgress,
  ImportSummary,
  Note,
  NoteForm,
  OAuthSettings,
  OAuthSettingsForm,
  OutboxItem,
  Overview,
  PrivateTokenForm,
  SessionInfo,
  SyncFieldChoice,
  SyncLogLine,
  SyncMatchChoice,
  SyncPreview,
  SyncResult,
  SyncSettingsForm,
  SyncSettingsView,
  SyncTargetRef,
  Task,
  TaskForm,
  UpsertOutcome,
} from "./bindings";

export type { AppError, ErrorCode } from "./bindings";

type Invoke = <T>(command: string, args?: Record<string, unknown>) => Promise<T>;

// A record rather than a list, so tsc fails here when Rust adds an error code.
const ERROR_CODES: Record<ErrorCode, true> = {
  unauthorized: true,
  forbidden: true,
  not_found: true,
  rate_limited: true,
  validation: true,
  network: true,
  timeout: true,
  invalid_response: true,
  outcome_unknown: true,
  not_signed_in: true,
  reauth_required: true,
  sign_in_cancelled: true,
  sign_in_denied: true,
  sign_in_timed_out: true,
  sign_in_failed: true,
  not_configured: true,
  keyring_unavailable: true,
  cache_unavailable: true,
  offline: true,
  hcp_not_configured: true,
  needs_match_choice: true,
  sync_stopped: true,
  api: true,
  internal: true,
};

/** True when `value` has the shape of the `AppError` the Rust commands reject with. */
export function isAppError(value: unknown): value is AppError {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.code === "string" &&
    Object.hasOwn(ERROR_CODES, candidate.code) &&
    typeof candidate.message === "string"
  );
}

/** Turns anything a command may reject with into an `AppError`. */
export function toAppError(reason: unknown): AppError {
  if (isAppError(reason)) {
    return { code: reason.code, message: reason.message, details: reason.details ?? null };
  }
  let message: string;
  if (typeof reason === "string") {
    message = reason;
  } else if (reason instanceof Error) {
    message = reason.message;
  } else if (
    typeof reason === "object" &&
    reason !== null &&
    typeof (reason as { message?: unknown }).message === "string"
  ) {
    message = (reason as { message: string }).message;
  } else {
    message = "Unexpected error";
  }
  return { code: "internal", message: message || "Unexpected error", details: null };
}

// A dev-only in-memory backend lets the UI run in a plain browser (vite dev server, or a
// `vite build --mode fake` preview). Both conditions are compile-time constants, so in a
// production build this branch and the fake module are removed entirely.
const FAKE_BACKEND_ALLOWED = import.meta.env.DEV || import.meta.env.MODE === "fake";

let invoker: Promise<Invoke> | undefined;

function usesFakeBackend(): boolean {
  return FAKE_BACKEND_ALLOWED && typeof window !== "undefined" && !("__TAURI_INTERNALS__" in window);
}

function getInvoke(): Promise<Invoke> {
  if (invoker === undefined) {
    if (usesFakeBackend()) {
      invoker = import("./dev/fakeBackend").then((module) => module.fakeInvoke);
    } else {
      invoker = Promise.resolve(invoke);
    }
  }
  return invoker;
}

/** Commands whose first call was marked (see `markFirstCall`). */
const markedCommands = new Set<string>();

/**
 * Performance marks around the first call of each command, so the cold-start benchmark
 * (tests/benches/cold_start.rs) can show where start-up time goes.
 */
function markFirstCall(command: string): (() => void) | null {
  if (markedCommands.has(command)) return null;
  markedCommands.add(command);
  performance.mark(`switchboard:ipc:${command}:sent`);
  return () => performance.mark(`switchboard:ipc:${command}:answered`);
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  const answered = markFirstCall(command);
  const run = await getInvoke();
  try {
    return await run<T>(command, args);
  } catch (reason) {
    throw toAppError(reason);
  } finally {
    answered?.();
  }
}

// ---------- Session ----------
// Who is signed in where. Every command below resolves with the whole session after the
// change, so the UI never has to guess which location is active.

/** Asked first on start: `activeLocationId === null` means the sign-in screen. */
export function session(): Promise<SessionInfo> {
  return call<SessionInfo>("session", {});
}

/**
 * "Sign in with HighLevel" in the system browser. Resolves when the person has finished
 * there (it may take minutes); rejects with `sign_in_cancelled`, `sign_in_denied`
 * (`details.providerMessage`), `sign_in_timed_out`, `sign_in_failed`, `not_configured` or
 * `keyring_unavailable`.
 */
export function signInWithHighLevel(): Promise<SessionInfo> {
  return call<SessionInfo>("sign_in_with_highlevel", {});
}

/** Stops a pending `signInWithHighLevel`, which then rejects with `sign_in_cancelled`. */
export function cancelSignIn(): Promise<null> {
  return call<null>("cancel_sign_in", {});
}

/** Verifies a Private Integration Token with a test call, then stores it. */
export function signInWithToken(form: PrivateTokenForm): Promise<SessionInfo> {
  return call<SessionInfo>("sign_in_with_token", { form });
}

export function switchLocation(locationId: string): Promise<SessionInfo> {
  return call<SessionInfo>("switch_location", { locationId });
}

/** Forgets the location's sign-in; `deleteCache` also removes its contacts from this computer. */
export function signOut(locationId: string, deleteCache: boolean): Promise<SessionInfo> {
  return call<SessionInfo>("sign_out", { locationId, deleteCache });
}

export function oauthSettings(): Promise<OAuthSettings> {
  return call<OAuthSettings>("oauth_settings", {});
}

/** `form.clientSecret === null` keeps the stored secret. */
export function saveOAuthSettings(form: OAuthSettingsForm): Promise<OAuthSettings> {
  return call<OAuthSettings>("save_oauth_settings", { form });
}

export type ListContactsArgs = { query: string; cursor: string | null; limit: number };

export function listContacts({ query, cursor, limit }: ListContactsArgs): Promise<ContactPage> {
  return call<ContactPage>("list_contacts", { query, cursor, limit });
}

/**
 * The same page from GoHighLevel's deprecated `GET /contacts/` list instead of search: a
 * support option for comparing the two when search seems wrong. Its cursors are its own
 * (never hand one from `listContacts` to it, or back).
 */
export function listContactsLegacy({ query, cursor, limit }: ListContactsArgs): Promise<ContactPage> {
  return call<ContactPage>("list_contacts_legacy", { query, cursor, limit });
}

export function getContact(contactId: string): Promise<ContactDetail> {
  return call<ContactDetail>("get_contact", { contactId });
}

export function listContactTasks(contactId: string): Promise<Task[]> {
  return call<Task[]>("list_contact_tasks", { contactId });
}

export function listContactNotes(contactId: string): Promise<Note[]> {
  return call<Note[]>("list_contact_notes", { contactId });
}

/** The task as GoHighLevel has it now; `not_found` when it was deleted there. */
export function getTask(contactId: string, taskId: string): Promise<Task> {
  return call<Task>("get_task", { contactId, taskId });
}

/** The note as GoHighLevel has it now; `not_found` when it was deleted there. */
export function getNote(contactId: string, noteId: string): Promise<Note> {
  return call<Note>("get_note", { contactId, noteId });
}

export function listContactAppointments(contactId: string): Promise<Appointment[]> {
  return call<Appointment[]>("list_contact_appointments", { contactId });
}

// ---------- Changes ----------
// Each resolves with what GoHighLevel has after the change, or rejects with an AppError
// (`validation` names the field in `message`; `outcome_unknown` = may or may not have
// happened).

export function createContact(form: ContactForm): Promise<ContactDetail> {
  return call<ContactDetail>("create_contact", { form });
}

/** Null fields are left as they are; "" clears a field. */
export function updateContact(contactId: string, form: ContactForm): Promise<ContactDetail> {
  return call<ContactDetail>("update_contact", { contactId, form });
}

/** The contact that already has this email or phone, if any (null fields are not looked up). */
export function findDuplicateContact(email: string | null, phone: string | null): Promise<DuplicateMatch | null> {
  return call<DuplicateMatch | null>("find_duplicate_contact", { email, phone });
}

/** Creates the contact, or updates the one that already has its email or phone. */
export function upsertContact(form: ContactForm): Promise<UpsertOutcome> {
  return call<UpsertOutcome>("upsert_contact", { form });
}

export function deleteContact(contactId: string): Promise<null> {
  return call<null>("delete_contact", { contactId });
}

export function createTask(contactId: string, form: TaskForm): Promise<Task> {
  return call<Task>("create_task", { contactId, form });
}

export function updateTask(contactId: string, taskId: string, form: TaskForm): Promise<Task> {
  return call<Task>("update_task", { contactId, taskId, form });
}

export function setTaskCompleted(contactId: string, taskId: string, completed: boolean): Promise<Task> {
  return call<Task>("set_task_completed", { contactId, taskId, completed });
}

export function deleteTask(contactId: string, taskId: string): Promise<null> {
  return call<null>("delete_task", { contactId, taskId });
}

export function createNote(contactId: string, form: NoteForm): Promise<Note> {
  return call<Note>("create_note", { contactId, form });
}

export function updateNote(contactId: string, noteId: string, form: NoteForm): Promise<Note> {
  return call<Note>("update_note", { contactId, noteId, form });
}

export function deleteNote(contactId: string, noteId: string): Promise<null> {
  return call<null>("delete_note", { contactId, noteId });
}

/** Resolves with the contact's tags after the change. */
export function addTags(contactId: string, tags: string[]): Promise<string[]> {
  return call<string[]>("add_tags", { contactId, tags });
}

/** Resolves with the contact's tags after the change. */
export function removeTags(contactId: string, tags: string[]): Promise<string[]> {
  return call<string[]>("remove_tags", { contactId, tags });
}

/** Tags seen so far in this location, for autocomplete. */
export function knownTags(): Promise<string[]> {
  return call<string[]>("known_tags", {});
}

export function listBusinessContacts(businessId: string): Promise<ContactPage> {
  return call<ContactPage>("list_business_contacts", { businessId });
}

// ---------- Local cache and outbox ----------
// Reads above answer from the cache on this computer; the cache keeps itself up to date
// in the background and reports how on a status channel.

/** What the Rust side sends status updates on (a Tauri `Channel`, or the fake's stand-in). */
export type StatusChannel = { onmessage: (status: CacheStatus) => void };

export type CacheWatch = {
  /** The status when the watch started. */
  status: CacheStatus;
  /** No more updates reach `onStatus` (the Rust side drops the channel on its next send). */
  stop: () => void;
};

/**
 * The active location's cache status now; every later one goes to `onStatus` until
 * `stop`. Rejects with `not_signed_in` when no location is active. Watch again after the
 * active location changes: a watch follows the location it started with.
 */
export async function watchCache(onStatus: (status: CacheStatus) => void): Promise<CacheWatch> {
  let open = true;
  const deliver = (status: CacheStatus) => {
    if (open) onStatus(status);
  };
  // A real Channel needs the Tauri runtime; the dev fake only calls `onmessage`.
  const channel: StatusChannel = usesFakeBackend() ? { onmessage: deliver } : new Channel<CacheStatus>(deliver);
  const status = await call<CacheStatus>("watch_cache", { onStatus: channel });
  return {
    status,
    stop: () => {
      open = false;
      channel.onmessage = () => undefined;
    },
  };
}

/** Refresh from GoHighLevel now ("Refresh", F5); also checks at once whether it is back. */
export function refreshCache(): Promise<null> {
  return call<null>("refresh_cache", {});
}

/** Pauses the first full download; `resumeDownload` continues where it stopped. */
export function pauseDownload(): Promise<null> {
  return call<null>("pause_download", {});
}

export function resumeDownload(): Promise<null> {
  return call<null>("resume_download", {});
}

/**
 * Fetches the contact, its tasks, notes and appointments from GoHighLevel into the cache.
 * Resolves `false` when GoHighLevel can't be reached (the cached copy stays).
 */
export function refreshContact(contactId: string): Promise<boolean> {
  return call<boolean>("refresh_contact", { contactId });
}

/** Edits not yet in GoHighLevel: waiting, failed, in conflict or refused. */
export function outboxItems(): Promise<OutboxItem[]> {
  return call<OutboxItem[]>("outbox_items", {});
}

/** Settles a conflict field by field; the edit is then sent with the chosen values. */
export function resolveOutboxConflict(id: number, choices: ConflictChoice[]): Promise<null> {
  return call<null>("resolve_outbox_conflict", { id, choices });
}

export function retryOutboxItem(id: number): Promise<null> {
  return call<null>("retry_outbox_item", { id });
}

/** Drops the edit for good; what GoHighLevel has stays. */
export function discardOutboxItem(id: number): Promise<null> {
  return call<null>("discard_outbox_item", { id });
}

// ---------- Housecall Pro and one-contact sync ----------

/** Whether an HCP API key is saved (or the demo emulator is used). */
export function hcpStatus(): Promise<HcpStatus> {
  return call<HcpStatus>("hcp_status", {});
}

/** Verifies the key with a test call first; `unauthorized` when HCP refuses it. */
export function saveHcpKey(form: HcpKeyForm): Promise<HcpStatus> {
  return call<HcpStatus>("save_hcp_key", { form });
}

/**
 * One page (1-based, 50 per page, most recently updated first) of HCP customers matching
 * `query`. Rejects with `hcp_not_configured` when no key is saved.
 */
export function hcpCustomers(query: string, page: number): Promise<HcpCustomerPage> {
  return call<HcpCustomerPage>("hcp_customers", { query, page });
}

/** One HCP customer as HCP has it now, with the GHL contact it is linked to. */
export function hcpCustomer(customerId: string): Promise<HcpCustomerSummary> {
  return call<HcpCustomerSummary>("hcp_customer", { customerId });
}

/** The HCP customer a GHL contact is linked to by an earlier sync, or null. */
export function linkedCustomer(contactId: string): Promise<HcpCustomerSummary | null> {
  return call<HcpCustomerSummary | null>("linked_customer", { contactId });
}

/** What syncing `target` would change on each side; nothing is sent. */
export function syncPreview(target: SyncTargetRef, matchChoice: SyncMatchChoice | null): Promise<SyncPreview> {
  return call<SyncPreview>("sync_preview", { target, matchChoice });
}

/**
 * Syncs `target` with the choices for conflicting fields. Rejects with `validation`,
 * `needs_match_choice`, or `sync_stopped` (`details.step`): calling it again with the
 * same arguments resumes where it stopped.
 */
export function syncApply(
  target: SyncTargetRef,
  choices: SyncFieldChoice[],
  matchChoice: SyncMatchChoice | null,
): Promise<SyncResult> {
  return call<SyncResult>("sync_apply", { target, choices, matchChoice });
}

/** The sync log of a contact or customer, newest first. */
export function syncLog(target: SyncTargetRef): Promise<SyncLogLine[]> {
  return call<SyncLogLine[]>("sync_log", { target });
}

export function syncSettings(): Promise<SyncSettingsView> {
  return call<SyncSettingsView>("sync_settings", {});
}

export function saveSyncSettings(form: SyncSettingsForm): Promise<SyncSettingsView> {
  return call<SyncSettingsView>("save_sync_settings", { form });
}

// ---------- Overview (home screen) ----------

/**
 * Open tasks due by the end of the computer's local day, appointments from today to the
 * end of the week, recently changed contacts and contacts with edits waiting, from the
 * local cache in one read.
 */
export function overview(): Promise<Overview> {
  return call<Overview>("overview", {});
}

// ---------- App settings (Settings → General) ----------

export function appSettings(): Promise<AppSettingsView> {
  return call<AppSettingsView>("app_settings", {});
}

/** Saves and applies at once: the log level, and the refresh interval of every open location. */
export function saveAppSettings(form: AppSettingsForm): Promise<AppSettingsView> {
  return call<AppSettingsView>("save_app_settings", { form });
}

/** Opens the logs folder in the file manager. */
export function openLogsFolder(): Promise<null> {
  return call<null>("open_logs_folder", {});
}

/** Opens the folder of the cached data in the file manager. */
export function openDataFolder(): Promise<null> {
  return call<null>("open_data_folder", {});
}

// ---------- Change alerts (Settings → Alerts, the Activity feed) ----------

/** The alert rules, the fields a rule can watch, and whether Housecall Pro is set up. */
export function alertRules(): Promise<AlertRules> {
  return call<AlertRules>("alert_rules", {});
}

/** Creates a rule (no `id`) or replaces one; a rule that could never match is a `validation` error. */
export function saveAlertRule(rule: AlertRuleForm): Promise<AlertRuleView> {
  return call<AlertRuleView>("save_alert_rule", { rule });
}

export function deleteAlertRule(id: number): Promise<null> {
  return call<null>("delete_alert_rule", { id });
}

/** Activity feed entries, newest first; `before` (an entry id) continues after a page. */
export function activity(limit: number, before: number | null): Promise<ActivityItem[]> {
  return call<ActivityItem[]>("activity", { limit, before });
}

/** Marks one entry, or with `null` every entry, read (the cache status then carries the count). */
export function markActivityRead(id: number | null): Promise<null> {
  return call<null>("mark_activity_read", { id });
}

// ---------- Houzz Pro import ----------
// The web view reads the chosen file's bytes and hands them over; Rust keeps the file
// (by import id) between the preview, a changed mapping and the import itself.

/** The file's bytes as base64, in chunks (a spread of a whole 10 MB array would overflow the stack). */
function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Reads a CSV or XLSX client list: its columns with a mapping (remembered or guessed) and every row checked. */
export function importPreview(fileName: string, bytes: Uint8Array): Promise<ImportPreview> {
  return call<ImportPreview>("import_preview", { fileName, contentBase64: toBase64(bytes) });
}

/** The open file read through another mapping (one field per column). */
export function importRemap(importId: number, mapping: ImportField[]): Promise<ImportPreview> {
  return call<ImportPreview>("import_remap", { importId, mapping });
}

/** Imports into the active location; counts go to `onProgress` as rows are done. */
export async function importStart(
  importId: number,
  mapping: ImportField[],
  options: ImportOptionsForm,
  onProgress: (progress: ImportProgress) => void,
): Promise<ImportSummary> {
  const channel: { onmessage: (p: ImportProgress) => void } = usesFakeBackend()
    ? { onmessage: onProgress }
    : new Channel<ImportProgress>(onProgress);
  return call<ImportSummary>("import_start", { importId, mapping, options, onProgress: channel });
}

/** Stops a running import after the rows in flight; `importStart` then resolves with the summary. */
export function importCancel(importId: number): Promise<null> {
  return call<null>("import_cancel", { importId });
}

/** Shows the failure report (CSV in the app's data folder) in the file manager; resolves with its path. */
export function importShowReport(importId: number): Promise<string> {
  return call<string>("import_show_report", { importId });
}

// ---------- Data folder move (Settings → General → Move…) ----------

/** The system's folder picker, opened by the Rust side; `null` when the person closed it. */
export function chooseDataFolder(): Promise<string | null> {
  return call<string | null>("choose_data_folder", {});
}

/** Checks a target folder (full path, empty, writable, room enough) without changing anything. */
export function checkDataFolderMove(target: string): Promise<DataMovePlan> {
  return call<DataMovePlan>("check_data_folder_move", { target });
}

/** Copies, verifies, switches to `target` and removes the old folder; progress goes to `onProgress`. */
export function moveDataFolder(target: string, onProgress: (progress: DataMoveProgress) => void): Promise<DataMoveOutcome> {
  const channel: { onmessage: (p: DataMoveProgress) => void } = usesFakeBackend()
    ? { onmessage: onProgress }
    : new Channel<DataMoveProgress>(onProgress);
  return call<DataMoveOutcome>("move_data_folder", { target, onProgress: channel });
}

/** Stops a move before it switches; `moveDataFolder` then resolves with `moved: false`. */
export function cancelDataFolderMove(): Promise<null> {
  return call<null>("cancel_data_folder_move", {});
}

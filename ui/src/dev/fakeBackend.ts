// DEV ONLY. An in-memory stand-in for the Rust commands so the UI can run in a plain
// browser (vite dev server, or `npm run preview:fake`). backend.ts loads it only when
// `import.meta.env.DEV || MODE === "fake"` and there is no Tauri runtime; production
// builds drop it entirely.
//
// URL flags (all optional):
//   ?select=<id>|first|rich|linked   open a contact on start ("rich": data in every
//                        section; "linked": linked to a Housecall Pro customer)
//   ?latency=<ms>        base delay per command (default 250)
//   ?fail=tasks,notes    make those commands reject (contacts (both lists), contact, tasks, notes,
//                        task, note (Edit's check for newer changes), appointments,
//                        session); add "once" (fail=tasks,once) to fail only the first
//                        call of each, so Retry can be tried
//                        writes: every change fails with a network error; forbidden:
//                        every change is refused (403); unknown: every change has an
//                        unknown outcome (its answer "never arrives")
//   ?empty               no contacts at all
//   ?mode=live           report live mode (no Demo badge)
//   ?readonly            report a read-only token (canWrite: false)
//
// Sign-in (see "Session" below):
//   ?signedout           start with no location signed in (the sign-in screen)
//   ?pit                 the starting location was connected with a Private Integration Token
//   ?expired             the starting location's sign-in has expired: its first command
//                        fails with reauth_required until "Reconnect"
//   ?signin=denied|timeout|failed   how "Sign in with HighLevel" ends (default: it works,
//                        ~1.5 s after starting, unless cancelled)
//   ?oauth=unconfigured  no OAuth app set up yet (oauthReady: false)
//   ?managed             the OAuth settings come from a file (read-only)
//   A Private Integration Token "bad" is refused; any other is accepted.
//
// Local cache and outbox (see "Cache" below):
//   ?download            the first location starts with an empty cache and downloads it
//                        (about 20 s for 5,000 contacts, with rate-limit waits; Pause works)
//   ?offline             start offline: reads come from the cache, edits go to the outbox
//   ?outbox=demo         start with a conflict, a refused edit and an edit waiting to send
//   ?notice              the cache reports a notice (a damaged file set aside)
//   In the browser console: switchboardDev.setOnline(false|true) goes offline or back
//   online (the outbox is then sent), switchboardDev.conflict() queues a conflict.
//
// Changes (create/edit/delete contacts, tasks, notes, tags) are kept in memory until the
// page reloads, and are checked roughly the way the Rust side checks them.
import {
  cancelFakeDataMove,
  checkFakeDataMove,
  FAKE_PICKED_FOLDER,
  fakeAppSettings,
  moveFakeDataFolder,
  saveFakeAppSettings,
} from "./fakeSettings";
import type {
  AppSettingsForm,
  AppError,
  Appointment,
  CacheActivity,
  CacheProgress,
  CacheStatus,
  ConflictChoice,
  OutboxItem,
  ContactDetail,
  ContactForm,
  ContactPage,
  ContactSummary,
  DataMoveProgress,
  DuplicateMatch,
  HcpCustomerPage,
  HcpCustomerSummary,
  HcpKeyForm,
  HcpStatus,
  LocationAccount,
  Note,
  NoteForm,
  OAuthSettings,
  OAuthSettingsForm,
  PrivateTokenForm,
  SessionInfo,
  SyncCandidate,
  SyncConflictView,
  SyncFieldChange,
  SyncFieldChoice,
  SyncLogLine,
  SyncMatchChoice,
  SyncPreview,
  SyncProblem,
  SyncRecordView,
  SyncResult,
  SyncSettingsForm,
  SyncSettingsView,
  SyncSide,
  SyncTargetRef,
  SyncTaskView,
  Task,
  TaskForm,
  UpsertOutcome,
} from "../bindings";
import { fakeAlertsCommand, unreadActivityOf } from "./fakeAlerts";
import { fakeOverview, fakeTaskWalk, tickWhileWalking } from "./fakeOverview";
import { fakeImportCommand } from "./fakeImport";

const params = new URLSearchParams(typeof window === "undefined" ? "" : window.location.search);
const latency = Number(params.get("latency") ?? 250) || 0;
const failing = new Set((params.get("fail") ?? "").split(",").filter(Boolean));
const failOnce = failing.has("once");
const failedAlready = new Set<string>();

const EMPTY = params.has("empty");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i += 1) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

const FIRST = ["James", "Maria", "Robert", "Linda", "Michael", "Patricia", "David", "Jennifer", "William", "Elizabeth", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Carlos", "Karen", "Daniel", "Nancy", "Matthew", "Lisa", "Anthony", "Betty", "Mark", "Sandra", "Steven", "Ashley", "Andrew", "Kimberly", "Joshua", "Emily", "Kevin", "Donna", "Brian", "Michelle", "Priya", "Wei", "Aisha", "Diego", "Olga", "Hiroshi", "Fatima", "Noah", "Zoe", "Luis", "Grace", "Ethan", "Chloe", "Omar"];
const LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "O’Brien"];
const COMPANIES = ["Front Range Property Mgmt", "Mile High Dental", "Aspen Grove HOA", "Summit Bakery", "Boulder Creek Apartments", "Cherry Creek Realty", "Red Rocks Brewing Co.", "Peak Fitness", "Alpine Veterinary Clinic", "Golden Hour Café", "Foothills Self Storage", "Lakewood Auto Care"];
const TAGS = ["residential", "commercial", "hvac", "plumbing", "maintenance plan", "warranty", "vip", "new lead", "furnace", "water heater", "ac repair", "financing", "annual service", "referral", "estimate sent"];
const DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "comcast.net", "proton.me"];
const AREA = ["303", "720", "970", "719"];
const STREETS = ["Maple St", "Oak Ave", "Pine Ridge Rd", "Cedar Ln", "Elm Ct", "Aspen Way", "Willow Dr", "Spruce St", "Juniper Pl", "Colfax Ave"];
const CITIES = [["Denver", "80202"], ["Boulder", "80301"], ["Aurora", "80012"], ["Lakewood", "80226"], ["Golden", "80401"], ["Littleton", "80120"]] as const;

const NOW = Date.now();

function makeId(random: () => number): string {
  const chars = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789";
  let id = "";
  for (let i = 0; i < 20; i += 1) id += chars[Math.floor(random() * chars.length)];
  return id;
}

type FakeContact = ContactSummary & { index: number };

function buildContacts(seed: number, count: number): FakeContact[] {
  const random = rng(seed);
  const contacts: FakeContact[] = [];
  for (let index = 0; index < count; index += 1) {
    const firstName = pick(random, FIRST);
    const lastName = pick(random, LAST);
    const hasCompany = random() < 0.3;
    const companyName = hasCompany ? pick(random, COMPANIES) : null;
    const emailLocal = `${firstName}.${lastName}`.toLowerCase().replace(/[^a-z.]/g, "");
    const email = random() < 0.9 ? `${emailLocal}${Math.floor(random() * 90 + 10)}@${pick(random, DOMAINS)}` : null;
    const phone = random() < 0.92 ? `+1${pick(random, AREA)}555${String(Math.floor(random() * 10000)).padStart(4, "0")}` : null;
    const tagCount = Math.floor(random() * random() * 6);
    const tags = Array.from(new Set(Array.from({ length: tagCount }, () => pick(random, TAGS))));
    const dateUpdated = new Date(NOW - Math.floor(random() * random() * 700 * DAY) - Math.floor(random() * DAY)).toISOString();
    contacts.push({
      index,
      id: makeId(random),
      displayName: `${firstName} ${lastName}`,
      firstName,
      lastName,
      email,
      phone,
      companyName,
      tags,
      dateUpdated,
      pending: false,
    });
  }
  contacts.sort((a, b) => a.displayName.localeCompare(b.displayName) || a.id.localeCompare(b.id));
  return contacts;
}

// ---------- Session ----------
// Locations one can sign in to, each with contacts of its own.

const LOCATIONS: ReadonlyArray<{ id: string; name: string; count: number }> = [
  { id: "loc_demo_7f3k", name: "Rocky Mountain Heating & Plumbing", count: 5000 },
  { id: "loc_demo_summit", name: "Summit Roofing & Gutters", count: 800 },
  { id: "loc_demo_alpine", name: "Alpine Pest Control", count: 240 },
];
const REDIRECT_URIS = ["http://127.0.0.1:47615/callback", "http://127.0.0.1:47616/callback", "http://127.0.0.1:47617/callback"];
const SIGN_IN_MS = 1500;

/** `expired`: its token is no longer accepted (the next command says reauth_required). */
type FakeAccount = LocationAccount & { expired: boolean };

const accounts: FakeAccount[] = params.has("signedout")
  ? []
  : [
      {
        locationId: LOCATIONS[0]!.id,
        name: LOCATIONS[0]!.name,
        method: params.has("pit") ? "privateToken" : "oauth",
        canWrite: !params.has("readonly"),
        needsReconnect: false,
        expired: params.has("expired"),
      },
    ];
let activeId: string | null = accounts[0]?.locationId ?? null;

const unconfigured = params.get("oauth") === "unconfigured";
const oauth: Omit<OAuthSettings, "hasClientSecret" | "redirectUris"> & { secret: string | null } = {
  clientId: unconfigured ? "" : "sandbox-demo-client",
  secret: unconfigured ? null : "sandbox-demo-secret",
  authorizeHost: "standard",
  customAuthorizeUrl: null,
  editingEnabled: true,
  managedByFile: params.has("managed") ? "/etc/switchboard/oauth.toml" : null,
};

function oauthReady(): boolean {
  return oauth.clientId !== "" && oauth.secret !== null && (oauth.authorizeHost !== "custom" || !!oauth.customAuthorizeUrl);
}

function sessionInfo(): SessionInfo {
  return {
    mode: params.get("mode") === "live" ? "live" : "demo",
    version: "0.1.0",
    accounts: accounts.map(({ expired: _expired, ...account }) => ({ ...account })),
    activeLocationId: activeId,
    oauthReady: oauthReady(),
    notice: params.has("damaged") ? "The list of signed-in locations could not be read. It was set aside; please sign in again." : null,
  };
}

function oauthSettings(): OAuthSettings {
  const { secret, ...rest } = oauth;
  return { ...rest, hasClientSecret: secret !== null, redirectUris: [...REDIRECT_URIS] };
}

function saveOAuthSettings(form: OAuthSettingsForm): OAuthSettings {
  if (oauth.managedByFile !== null) {
    throw { code: "validation", message: `These settings are managed by ${oauth.managedByFile}`, details: null } satisfies AppError;
  }
  const problems: string[] = [];
  if (form.clientId.trim() === "") problems.push("clientId: is required");
  if (form.authorizeHost === "custom" && !/^https?:\/\/\S+$/.test(form.customAuthorizeUrl ?? "")) {
    problems.push("customAuthorizeUrl: must be an http(s) URL");
  }
  if (problems.length > 0) throw validation(problems);
  oauth.clientId = form.clientId.trim();
  if (form.clientSecret !== null) oauth.secret = form.clientSecret;
  oauth.authorizeHost = form.authorizeHost;
  oauth.customAuthorizeUrl = form.authorizeHost === "custom" ? form.customAuthorizeUrl : null;
  oauth.editingEnabled = form.editingEnabled;
  return oauthSettings();
}

function activeAccount(): FakeAccount | null {
  return accounts.find((a) => a.locationId === activeId) ?? null;
}

/** Every location command needs a signed-in location whose token still works. */
function requireSignedIn(): FakeAccount {
  const account = activeAccount();
  if (account === null) throw { code: "not_signed_in", message: "No location is signed in.", details: null } satisfies AppError;
  if (account.expired) {
    account.needsReconnect = true;
    throw {
      code: "reauth_required",
      message: `The sign-in to ${account.name} has expired; reconnect to continue.`,
      details: { locationId: account.locationId },
    } satisfies AppError;
  }
  return account;
}

function connect(locationId: string, name: string, method: FakeAccount["method"]): SessionInfo {
  const account: FakeAccount = {
    locationId,
    name,
    method,
    canWrite: !params.has("readonly") && (method === "privateToken" || oauth.editingEnabled),
    needsReconnect: false,
    expired: false,
  };
  const at = accounts.findIndex((a) => a.locationId === locationId);
  if (at >= 0) accounts[at] = account;
  else accounts.push(account);
  activeId = locationId;
  return sessionInfo();
}

let pendingSignIn: { timer: ReturnType<typeof setTimeout>; reject: (error: AppError) => void } | null = null;

/** "Sign in with HighLevel": the browser part is played by a timer. */
function signInWithHighLevel(): Promise<SessionInfo> {
  if (!oauthReady()) {
    throw { code: "not_configured", message: "The HighLevel app isn't set up: enter its client ID and secret in Settings.", details: null } satisfies AppError;
  }
  if (pendingSignIn !== null) {
    throw { code: "sign_in_failed", message: "A sign-in is already waiting in the browser.", details: null } satisfies AppError;
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      pendingSignIn = null;
      try {
        resolve(finishBrowserSignIn());
      } catch (error) {
        reject(error);
      }
    }, SIGN_IN_MS);
    pendingSignIn = { timer, reject };
  });
}

function finishBrowserSignIn(): SessionInfo {
  switch (params.get("signin")) {
    case "denied":
      throw { code: "sign_in_denied", message: "HighLevel denied access.", details: { providerMessage: "The user denied the request." } } satisfies AppError;
    case "timeout":
      throw { code: "sign_in_timed_out", message: "Nobody finished the sign-in in the browser in time.", details: null } satisfies AppError;
    case "failed":
      throw { code: "sign_in_failed", message: "The answer from HighLevel didn't match this sign-in (state mismatch).", details: null } satisfies AppError;
    default:
      break;
  }
  // Reconnecting the active location, or the next location not signed in yet.
  const active = activeAccount();
  if (active?.needsReconnect && active.method === "oauth") return connect(active.locationId, active.name, "oauth");
  const next = LOCATIONS.find((l) => !accounts.some((a) => a.locationId === l.id)) ?? LOCATIONS[0]!;
  return connect(next.id, next.name, "oauth");
}

function cancelSignIn(): null {
  if (pendingSignIn !== null) {
    clearTimeout(pendingSignIn.timer);
    pendingSignIn.reject({ code: "sign_in_cancelled", message: "The sign-in was cancelled.", details: null });
    pendingSignIn = null;
  }
  return null;
}

function signInWithToken(form: PrivateTokenForm): SessionInfo {
  const locationId = form.locationId.trim();
  const problems: string[] = [];
  if (locationId === "") problems.push("locationId: is required");
  if (form.token.trim() === "") problems.push("token: is required");
  if (problems.length > 0) throw validation(problems);
  if (form.token.trim() === "bad") {
    throw { code: "unauthorized", message: "GoHighLevel rejected the token (401): Invalid JWT", details: null } satisfies AppError;
  }
  const known = LOCATIONS.find((l) => l.id === locationId);
  return connect(locationId, known?.name ?? `Location ${locationId}`, "privateToken");
}

function switchLocation(locationId: string): SessionInfo {
  if (!accounts.some((a) => a.locationId === locationId)) {
    throw { code: "not_signed_in", message: "That location is not signed in.", details: { locationId } } satisfies AppError;
  }
  activeId = locationId;
  return sessionInfo();
}

function signOut(locationId: string, deleteCache: boolean): SessionInfo {
  const at = accounts.findIndex((a) => a.locationId === locationId);
  if (at < 0) throw { code: "not_signed_in", message: "That location is not signed in.", details: { locationId } } satisfies AppError;
  accounts.splice(at, 1);
  if (deleteCache) contactsByLocation.delete(locationId);
  if (activeId === locationId) activeId = accounts[0]?.locationId ?? null;
  return sessionInfo();
}

const contactsByLocation = new Map<string, FakeContact[]>();

/** The active location's contacts. */
function allContacts(): FakeContact[] {
  const locationId = activeId ?? LOCATIONS[0]!.id;
  let contacts = contactsByLocation.get(locationId);
  if (contacts === undefined) {
    const known = LOCATIONS.findIndex((l) => l.id === locationId);
    // The first location keeps seed 42, so `?select=` ids stay the same.
    const seed = known === 0 ? 42 : hashString(locationId);
    contacts = buildContacts(seed, EMPTY ? 0 : (LOCATIONS[known]?.count ?? 150));
    contactsByLocation.set(locationId, contacts);
  }
  return contacts;
}

function findContact(id: string): FakeContact {
  const contact = allContacts().find((c) => c.id === id);
  if (contact === undefined) {
    throw { code: "not_found", message: "This contact doesn’t exist in the sandbox.", details: { contactId: id } } satisfies AppError;
  }
  return contact;
}

// ---------- In-memory changes ----------

const details = new Map<string, ContactDetail>();
const taskStore = new Map<string, Task[]>();
const noteStore = new Map<string, Note[]>();
/** Contacts created in this session (they start with no tasks, notes or appointments). */
const created = new Set<string>();
const knownTagSet = new Set<string>(TAGS);
let idCounter = 0;

function newId(prefix: string): string {
  idCounter += 1;
  return `${prefix}${Date.now().toString(36)}${idCounter}`;
}

function validation(messages: string[]): AppError {
  return {
    code: "validation",
    message: `GoHighLevel rejected the request: ${messages.join("; ")}`,
    details: { messages },
  };
}

const E164 = /^\+[1-9]\d{7,14}$/;
const EMAIL = /^[^\s@,;:<>()[\]\\"]+@[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+$/u;

function checkContactForm(form: ContactForm, creating: boolean, selfId: string | null): void {
  const problems: string[] = [];
  const phone = form.phone?.trim();
  const email = form.email?.trim();
  if (phone && !E164.test(phone)) problems.push("phone: must be in E.164 format, like +13035550142");
  if (email && !EMAIL.test(email)) problems.push("email: is not a valid email address");
  if (email && allContacts().some((c) => c.id !== selfId && c.email?.toLowerCase() === email.toLowerCase())) {
    problems.push("email: another contact in this location already has this email");
  }
  if (creating && ![form.firstName, form.lastName, form.email, form.phone].some((v) => v && v.trim() !== "")) {
    problems.push("a contact needs at least a name, an email or a phone number");
  }
  if (problems.length > 0) throw validation(problems);
}

function displayNameOf(first: string | null, last: string | null): string {
  return [first, last].filter((v) => v && v.trim() !== "").join(" ");
}

function sortContacts(): void {
  allContacts().sort((a, b) => a.displayName.localeCompare(b.displayName) || a.id.localeCompare(b.id));
}

function summaryOfDetail(detail: ContactDetail, index: number): FakeContact {
  const { id, displayName, firstName, lastName, email, phone, companyName, tags, dateUpdated, pending } = detail;
  return { index, id, displayName, firstName, lastName, email, phone, companyName, tags, dateUpdated, pending };
}

function createContact(form: ContactForm): ContactDetail {
  checkContactForm(form, true, null);
  const clean = (v: string | null) => (v && v.trim() !== "" ? v.trim() : null);
  const id = newId("new");
  const now = new Date().toISOString();
  const detail: ContactDetail = {
    id,
    displayName: displayNameOf(clean(form.firstName), clean(form.lastName)),
    firstName: clean(form.firstName),
    lastName: clean(form.lastName),
    email: clean(form.email)?.toLowerCase() ?? null,
    phone: clean(form.phone),
    companyName: clean(form.companyName),
    tags: [],
    source: clean(form.source),
    contactType: "lead",
    address1: clean(form.address1),
    city: clean(form.city),
    state: clean(form.state),
    postalCode: clean(form.postalCode),
    country: clean(form.country),
    website: clean(form.website),
    timezone: null,
    dateOfBirth: null,
    dateAdded: now,
    dateUpdated: now,
    dnd: false,
    businessId: businessIdOf(clean(form.companyName)),
    customFields: [],
    pending: false,
  };
  created.add(id);
  details.set(id, detail);
  allContacts().push(summaryOfDetail(detail, allContacts().length));
  sortContacts();
  return detail;
}

function updateContact(id: string, form: ContactForm): ContactDetail {
  const current = getContact(id);
  checkContactForm(form, false, id);
  const next: ContactDetail = { ...current };
  for (const [key, value] of Object.entries(form) as [keyof ContactForm, string | null][]) {
    if (value === null || value === undefined) continue;
    next[key] = value.trim() === "" ? null : value.trim();
  }
  next.displayName = displayNameOf(next.firstName, next.lastName);
  next.businessId = businessIdOf(next.companyName);
  next.dateUpdated = new Date().toISOString();
  details.set(id, next);
  const list = allContacts();
  const at = list.findIndex((c) => c.id === id);
  if (at >= 0) list[at] = summaryOfDetail(next, list[at]!.index);
  sortContacts();
  return next;
}

function findDuplicate(email: string | null, phone: string | null): DuplicateMatch | null {
  const wanted = email?.trim().toLowerCase() || null;
  const byEmail = wanted === null ? undefined : allContacts().find((c) => c.email?.toLowerCase() === wanted);
  const byPhone = phone === null ? undefined : allContacts().find((c) => c.phone === phone.trim());
  const found = byEmail ?? byPhone;
  if (found === undefined) return null;
  const { index: _index, ...contact } = found;
  return { contact, matchedOn: byEmail ? "email" : "phone" };
}

function upsertContact(form: ContactForm): UpsertOutcome {
  const existing = findDuplicate(form.email, form.phone);
  if (existing === null) return { contact: createContact(form), created: true };
  return { contact: updateContact(existing.contact.id, form), created: false };
}

function deleteContact(id: string): null {
  findContact(id);
  const list = allContacts();
  list.splice(
    list.findIndex((c) => c.id === id),
    1,
  );
  details.delete(id);
  taskStore.delete(id);
  noteStore.delete(id);
  return null;
}

function setTags(id: string, change: (tags: string[]) => string[]): string[] {
  const detail = getContact(id);
  const tags = change([...detail.tags]);
  details.set(id, { ...detail, tags, dateUpdated: new Date().toISOString() });
  const summary = findContact(id);
  summary.tags = tags;
  return tags;
}

function checkTaskForm(form: TaskForm): void {
  const problems: string[] = [];
  if (form.title.trim() === "") problems.push("title: is required");
  if (Number.isNaN(Date.parse(form.dueDate))) problems.push("dueDate: must be a date and time with a zone, like 2020-10-25T11:00:00Z");
  if (problems.length > 0) throw validation(problems);
}

function taskOf(contactId: string, taskId: string): { list: Task[]; index: number } {
  const list = (listTasks(contactId), taskStore.get(contactId)!);
  const index = list.findIndex((t) => t.id === taskId);
  if (index < 0) throw { code: "not_found", message: "GoHighLevel could not find that record: task not found", details: null } satisfies AppError;
  return { list, index };
}

function noteOf(contactId: string, noteId: string): { list: Note[]; index: number } {
  const list = (listNotes(contactId), noteStore.get(contactId)!);
  const index = list.findIndex((n) => n.id === noteId);
  if (index < 0) throw { code: "not_found", message: "GoHighLevel could not find that record: note not found", details: null } satisfies AppError;
  return { list, index };
}

function checkNoteForm(form: NoteForm): void {
  if (form.body.trim() === "") throw validation(["body: should not be empty"]);
}

function businessContacts(businessId: string): ContactPage {
  const all = allContacts().filter((c) => businessIdOf(c.companyName) === businessId);
  const contacts = all.slice(0, 100).map(({ index: _index, ...summary }) => summary);
  return { contacts, total: all.length, nextCursor: null };
}

const WRITES = new Set([
  "create_contact",
  "upsert_contact",
  "update_contact",
  "delete_contact",
  "create_task",
  "update_task",
  "set_task_completed",
  "delete_task",
  "create_note",
  "update_note",
  "delete_note",
  "add_tags",
  "remove_tags",
]);

function maybeFailWrite(command: string): void {
  if (!WRITES.has(command)) return;
  if (params.has("readonly")) {
    throw { code: "forbidden", message: "GoHighLevel refused access (the token may lack a permission): The token does not have access to this location.", details: null } satisfies AppError;
  }
  for (const [flag, error] of [
    ["writes", { code: "network", message: "Could not reach GoHighLevel: connection reset", details: null }],
    ["forbidden", { code: "forbidden", message: "GoHighLevel refused access (the token may lack a permission): The token is not authorized for this scope.", details: null }],
    ["unknown", { code: "outcome_unknown", message: "GoHighLevel may or may not have completed the change (connection dropped); check before trying again", details: null }],
  ] as const) {
    if (!failing.has(flag)) continue;
    if (failOnce && failedAlready.has(`${flag}:${command}`)) continue;
    failedAlready.add(`${flag}:${command}`);
    throw error satisfies AppError;
  }
}

function matches(contact: FakeContact, q: string): boolean {
  const needle = q.toLowerCase();
  const digits = q.replace(/\D/g, "");
  return (
    contact.displayName.toLowerCase().includes(needle) ||
    (contact.email ?? "").toLowerCase().includes(needle) ||
    (contact.companyName ?? "").toLowerCase().includes(needle) ||
    (digits.length >= 3 && (contact.phone ?? "").includes(digits))
  );
}

function findContacts(query: string): FakeContact[] {
  const q = query.trim();
  const cached = cachedContacts();
  return q === "" ? cached : cached.filter((c) => matches(c, q));
}

function pageOf(found: FakeContact[], offset: number, limit: number, nextCursor: (last: FakeContact) => string): ContactPage {
  const slice = found.slice(offset, offset + limit);
  const last = slice.at(-1);
  const more = last !== undefined && offset + limit < found.length;
  return {
    contacts: slice.map(({ index: _index, ...summary }) => summary),
    total: found.length,
    nextCursor: more ? nextCursor(last) : null,
  };
}

function listContacts(query: string, cursor: string | null, limit: number): ContactPage {
  const offset = cursor === null ? 0 : Number(cursor);
  return pageOf(findContacts(query), offset, limit, () => String(offset + limit));
}

/**
 * The deprecated `GET /contacts/` list: the same contacts, but paged by the last contact
 * seen (a keyset cursor, like GoHighLevel's `startAfterId`) rather than by position.
 */
function listContactsLegacy(query: string, cursor: string | null, limit: number): ContactPage {
  const found = findContacts(query);
  let offset = 0;
  if (cursor !== null) {
    const after = found.findIndex((c) => c.id === cursor);
    if (after < 0) {
      throw { code: "validation", message: "The list position is no longer valid; reload the list.", details: null } satisfies AppError;
    }
    offset = after + 1;
  }
  return pageOf(found, offset, limit, (last) => last.id);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A time `days` from today at `hour:minute` local time. */
function at(days: number, hour: number, minute = 0): number {
  const d = new Date(NOW);
  d.setDate(d.getDate() + days);
  d.setHours(hour, minute, 0, 0);
  return d.getTime();
}

function businessIdOf(companyName: string | null): string | null {
  const slug = (companyName ?? "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  return slug === "" ? null : `biz-${slug}`;
}

function getContact(id: string): ContactDetail {
  const stored = details.get(id);
  if (stored) return stored;
  const detail = generatedContact(id);
  details.set(id, detail);
  return detail;
}

function generatedContact(id: string): ContactDetail {
  const c = findContact(id);
  const random = rng(hashString(id));
  const [city, zip] = pick(random, CITIES);
  const { index: _index, ...summary } = c;
  return {
    ...summary,
    source: pick(random, ["Website form", "Google Ads", "Referral", "Facebook", "Phone call", null]),
    contactType: random() < 0.6 ? "customer" : "lead",
    address1: random() < 0.85 ? `${Math.floor(random() * 9000 + 100)} ${pick(random, STREETS)}` : null,
    city,
    state: "CO",
    postalCode: zip,
    country: "US",
    website: c.companyName ? `www.${c.companyName.toLowerCase().replace(/[^a-z]/g, "")}.com` : null,
    timezone: "America/Denver",
    dateOfBirth: random() < 0.3 ? `19${Math.floor(random() * 40 + 55)}-0${Math.floor(random() * 9 + 1)}-1${Math.floor(random() * 9)}` : null,
    dateAdded: iso(Date.parse(c.dateUpdated ?? iso(NOW)) - Math.floor(random() * 900 * DAY)),
    dnd: random() < 0.12,
    businessId: businessIdOf(c.companyName),
    customFields:
      random() < 0.6
        ? [
            { id: "equipment", value: pick(random, ["Carrier 59MN7 furnace", "Trane XR16 heat pump", "Rheem 50 gal water heater", "Lennox EL296V"]) },
            { id: "gate_code", value: `#${Math.floor(random() * 9000 + 1000)}` },
          ]
        : [],
  };
}

const TASK_TITLES = ["Call back about estimate", "Schedule annual AC tune-up", "Send invoice #", "Order replacement igniter", "Confirm warranty registration", "Follow up on water heater quote", "Replace furnace filter", "Collect payment"];
const TASK_BODIES = [null, "Customer prefers texts after 5pm.", "Parts ETA Thursday — call supplier first.", "Ask about the maintenance plan.\nMention the spring discount.", null];

const TASK_PLAN: ReadonlyArray<{ days: number | null; hour: number; done: boolean }> = [
  { days: -3, hour: 9, done: false },
  { days: 0, hour: 8, done: false },
  { days: 0, hour: 16, done: false },
  { days: 1, hour: 10, done: false },
  { days: 4, hour: 9, done: false },
  { days: 24, hour: 13, done: false },
  { days: null, hour: 0, done: false },
  { days: -12, hour: 11, done: true },
  { days: -40, hour: 16, done: true },
  { days: 2, hour: 14, done: true },
];

function shuffled<T>(random: () => number, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

function listTasks(id: string): Task[] {
  findContact(id);
  let stored = taskStore.get(id);
  if (!stored) {
    stored = created.has(id) ? [] : generatedTasks(id);
    taskStore.set(id, stored);
  }
  return stored.map((t) => ({ ...t }));
}

function generatedTasks(id: string): Task[] {
  const random = rng(hashString(id) ^ 0x1234);
  const count = Math.floor(random() * 7);
  return shuffled(random, TASK_PLAN)
    .slice(0, count)
    .map((plan, i) => {
      const title = pick(random, TASK_TITLES);
      return {
        id: `task-${id}-${i}`,
        title: title.endsWith("#") ? `${title}${1000 + Math.floor(random() * 900)}` : title,
        body: pick(random, TASK_BODIES),
        dueDate: plan.days === null ? null : iso(at(plan.days, plan.hour, pick(random, [0, 15, 30]))),
        completed: plan.done,
        assignedTo: null,
        pending: false,
      };
    });
}

const NOTE_BODIES = [
  "Customer reported a rattling noise from the outdoor unit.\nTechnician found a loose fan blade — tightened and tested.",
  "Prefers morning appointments. Dog in the backyard — please call before entering the gate.",
  "Quoted $4,850 for a full furnace replacement. Customer wants to compare with one more quote.",
  "Water heater is 14 years old; recommended replacement before winter.",
  "Left voicemail about the spring maintenance special.",
];

function listNotes(id: string): Note[] {
  findContact(id);
  let stored = noteStore.get(id);
  if (!stored) {
    stored = created.has(id) ? [] : generatedNotes(id);
    noteStore.set(id, stored);
  }
  return stored.map((n) => ({ ...n }));
}

function generatedNotes(id: string): Note[] {
  const random = rng(hashString(id) ^ 0x5678);
  const count = Math.floor(random() * 5);
  return Array.from({ length: count }, (_, i) => ({
    id: `note-${id}-${i}`,
    title: random() < 0.4 ? pick(random, ["Site visit", "Gate code", "Quote follow-up", "Access instructions"]) : null,
    body: pick(random, NOTE_BODIES),
    dateAdded: iso(NOW - (i === 0 ? 2 * HOUR + 5 * 60_000 : Math.floor(random() * 300 * DAY))),
    pinned: i === 1 || random() < 0.1,
    color: pick(random, [null, null, "#f59e0b", "#3b82f6", "#10b981"]),
    pending: false,
  }));
}

function listAppointments(id: string): Appointment[] {
  findContact(id);
  if (created.has(id)) return [];
  const random = rng(hashString(id) ^ 0x9abc);
  const count = Math.floor(random() * 5);
  const offsets = [3, 1, -6, -30, 10, -90, 0];
  return Array.from({ length: count }, (_, i) => {
    const days = offsets[(i + Math.floor(random() * 2)) % offsets.length] as number;
    const start = at(days, pick(random, [8, 10, 13, 15]), pick(random, [0, 30]));
    const past = start < NOW;
    return {
      id: `appt-${id}-${i}`,
      title: pick(random, ["AC tune-up", "Furnace inspection", "Water heater install", "Leak repair estimate", "Drain cleaning"]),
      status: past ? pick(random, ["showed", "showed", "noshow", "cancelled"]) : pick(random, ["confirmed", "booked", "new", "cancelled"]),
      startTime: iso(start),
      endTime: iso(start + pick(random, [60, 90, 120]) * 60_000),
      address: random() < 0.8 ? `${Math.floor(random() * 9000 + 100)} ${pick(random, STREETS)}, Denver, CO` : null,
      notes: random() < 0.3 ? "Bring the replacement thermostat." : null,
    };
  });
}

function maybeFail(name: string): void {
  if (!failing.has(name)) return;
  if (failOnce && failedAlready.has(name)) return;
  failedAlready.add(name);
  throw {
    code: "network",
    message: "error sending request for url (https://services.leadconnectorhq.com/…)",
    details: null,
  } satisfies AppError;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function fakeInvoke<T>(command: string, args: Record<string, unknown> = {}): Promise<T> {
  await delay(latency * (0.6 + Math.random() * 0.8));
  const contactId = String(args.contactId ?? "");
  const sessionCommand = (): unknown => {
    switch (command) {
      case "session":
        maybeFail("session");
        return sessionInfo();
      case "sign_in_with_highlevel":
        return signInWithHighLevel();
      case "cancel_sign_in":
        return cancelSignIn();
      case "sign_in_with_token":
        return signInWithToken(args.form as PrivateTokenForm);
      case "switch_location":
        return switchLocation(String(args.locationId ?? ""));
      case "sign_out":
        return signOut(String(args.locationId ?? ""), Boolean(args.deleteCache));
      case "oauth_settings":
        return oauthSettings();
      case "save_oauth_settings":
        return saveOAuthSettings(args.form as OAuthSettingsForm);
      case "app_settings":
        return fakeAppSettings();
      case "save_app_settings":
        return saveFakeAppSettings(args.form as AppSettingsForm);
      case "open_logs_folder":
      case "open_data_folder":
        return null;
      case "choose_data_folder":
        return FAKE_PICKED_FOLDER;
      case "check_data_folder_move":
        return checkFakeDataMove(String(args.target ?? ""));
      case "move_data_folder":
        return moveFakeDataFolder(String(args.target ?? ""), (progress) =>
          (args.onProgress as { onmessage: (p: DataMoveProgress) => void }).onmessage(progress),
        );
      case "cancel_data_folder_move":
        return cancelFakeDataMove();
      default:
        requireSignedIn();
        return run();
    }
  };
  const run = (): unknown => {
    switch (command) {
      case "find_duplicate_contact":
        return findDuplicate((args.email as string | null) ?? null, (args.phone as string | null) ?? null);
      case "list_contacts":
        maybeFail("contacts");
        return listContacts(String(args.query ?? ""), (args.cursor as string | null) ?? null, Number(args.limit ?? 100));
      case "list_contacts_legacy":
        maybeFail("contacts");
        return listContactsLegacy(String(args.query ?? ""), (args.cursor as string | null) ?? null, Number(args.limit ?? 100));
      case "get_contact":
        maybeFail("contact");
        return getContact(contactId);
      case "list_contact_tasks":
        maybeFail("tasks");
        return listTasks(contactId);
      case "list_contact_notes":
        maybeFail("notes");
        return listNotes(contactId);
      case "get_task": {
        maybeFail("task");
        const { list, index } = taskOf(contactId, String(args.taskId ?? ""));
        return { ...list[index]! };
      }
      case "get_note": {
        maybeFail("note");
        const { list, index } = noteOf(contactId, String(args.noteId ?? ""));
        return { ...list[index]! };
      }
      case "list_contact_appointments":
        maybeFail("appointments");
        return listAppointments(contactId);
      case "overview":
        maybeFail("overview");
        return fakeOverview({ contacts: cachedContacts(), taskStore, tasksOf: listTasks, appointmentsOf: listAppointments, outbox: outboxItems(), walked: walkOf(cache())?.checked });
      case "known_tags":
        return [...knownTagSet].sort();
      case "list_business_contacts":
        return businessContacts(String(args.businessId ?? ""));
      case "watch_cache":
        return watchCache(args.onStatus as StatusChannel);
      case "refresh_cache":
        return refreshCache();
      case "pause_download":
        return pauseDownload();
      case "resume_download":
        return resumeDownload();
      case "refresh_contact":
        findContact(contactId);
        return cache().online;
      case "outbox_items":
        return outboxItems();
      case "resolve_outbox_conflict":
        return resolveConflict(Number(args.id), args.choices as ConflictChoice[]);
      case "retry_outbox_item":
        return retryItem(Number(args.id));
      case "discard_outbox_item":
        return discardItem(Number(args.id));
      case "alert_rules":
      case "save_alert_rule":
      case "delete_alert_rule":
      case "import_preview":
      case "import_remap":
      case "import_start":
      case "import_cancel":
      case "import_show_report":
        return fakeImportCommand(command, args, { findDuplicate, createContact });
      case "activity":
      case "mark_activity_read": {
        const answer = fakeAlertsCommand(command, args, cache().locationId, cachedContacts());
        emit(cache());
        return answer;
      }
      default: {
        const housecall = housecallCommand(command, args);
        if (housecall) return housecall.value;
        return WRITES.has(command) && !cache().online ? writeOffline(command, args, write) : write();
      }
    }
  };
  const write = (): unknown => {
    maybeFailWrite(command);
    const taskId = String(args.taskId ?? "");
    const noteId = String(args.noteId ?? "");
    switch (command) {
      case "create_contact":
        return createContact(args.form as ContactForm);
      case "upsert_contact":
        return upsertContact(args.form as ContactForm);
      case "update_contact":
        return updateContact(contactId, args.form as ContactForm);
      case "delete_contact":
        return deleteContact(contactId);
      case "add_tags": {
        const add = (args.tags as string[]).map((t) => t.trim().toLowerCase()).filter(Boolean);
        add.forEach((t) => knownTagSet.add(t));
        return setTags(contactId, (tags) => [...tags, ...add.filter((t) => !tags.includes(t))]);
      }
      case "remove_tags": {
        const remove = new Set((args.tags as string[]).map((t) => t.trim().toLowerCase()));
        return setTags(contactId, (tags) => tags.filter((t) => !remove.has(t.toLowerCase())));
      }
      case "create_task": {
        const form = args.form as TaskForm;
        checkTaskForm(form);
        listTasks(contactId);
        const task: Task = { id: newId("task-"), title: form.title.trim(), body: form.body?.trim() || null, dueDate: new Date(form.dueDate).toISOString(), completed: form.completed, assignedTo: null, pending: false };
        taskStore.get(contactId)!.push(task);
        return { ...task };
      }
      case "update_task": {
        const form = args.form as TaskForm;
        checkTaskForm(form);
        const { list, index } = taskOf(contactId, taskId);
        const task: Task = { ...list[index]!, title: form.title.trim(), body: form.body?.trim() || null, dueDate: new Date(form.dueDate).toISOString(), completed: form.completed };
        list[index] = task;
        return { ...task };
      }
      case "set_task_completed": {
        const { list, index } = taskOf(contactId, taskId);
        const task: Task = { ...list[index]!, completed: Boolean(args.completed) };
        list[index] = task;
        return { ...task };
      }
      case "delete_task": {
        const { list, index } = taskOf(contactId, taskId);
        list.splice(index, 1);
        return null;
      }
      case "create_note": {
        const form = args.form as NoteForm;
        checkNoteForm(form);
        listNotes(contactId);
        const note: Note = { id: newId("note-"), title: form.title?.trim() || null, body: form.body, dateAdded: new Date().toISOString(), pinned: form.pinned, color: form.color, pending: false };
        noteStore.get(contactId)!.push(note);
        return { ...note };
      }
      case "update_note": {
        const form = args.form as NoteForm;
        checkNoteForm(form);
        const { list, index } = noteOf(contactId, noteId);
        const note: Note = { ...list[index]!, title: form.title?.trim() || null, body: form.body, pinned: form.pinned, color: form.color };
        list[index] = note;
        return { ...note };
      }
      case "delete_note": {
        const { list, index } = noteOf(contactId, noteId);
        list.splice(index, 1);
        return null;
      }
      default:
        throw `unknown command ${command}`;
    }
  };
  return sessionCommand() as T;
}

/** `?select=first` → the first contact's id; otherwise the value itself. */
export function resolveSelection(select: string): string | null {
  if (select === "first") return allContacts()[0]?.id ?? null;
  // A contact linked to a Housecall Pro customer, changed on both sides since.
  if (select === "linked") return (hcpCustomersStore(), hcpState.links[0]?.ghlId ?? null);
  if (select === "rich") {
    // A contact with something in every section, for screenshots.
    const rich = allContacts().find(
      (c) => listTasks(c.id).length >= 4 && listNotes(c.id).length >= 3 && listAppointments(c.id).length >= 3 && c.companyName,
    );
    return rich?.id ?? null;
  }
  return select;
}

// ---------- Cache ----------
// The Rust side answers reads from a local cache that a background task keeps up to date,
// and queues edits made offline in an outbox. This plays the same story in memory.

type StatusChannel = { onmessage: (status: CacheStatus) => void };

/** An outbox entry, with what undoes its local record when discarded. */
type FakeOutboxItem = OutboxItem & { undo: (() => void) | null; apply: (choices: ConflictChoice[]) => void };

type FakeCache = {
  locationId: string;
  online: boolean;
  activity: CacheActivity;
  progress: CacheProgress | null;
  /** Contacts downloaded so far (by build order) while the first download runs. */
  downloaded: number;
  downloadComplete: boolean;
  downloadPaused: boolean;
  lastRefreshedAt: string | null;
  notice: string | null;
  lastError: string | null;
  generation: number;
  outbox: FakeOutboxItem[];
  watchers: Set<StatusChannel>;
  ticker: ReturnType<typeof setInterval> | null;
  ticks: number;
};

/** Contacts per download step, and the step's length. */
const DOWNLOAD_STEP = 125;
const DOWNLOAD_TICK_MS = 500;
const REFRESH_MS = 1200;
const REPLAY_MS = 900;

const caches = new Map<string, FakeCache>();
let outboxCounter = 0;

function cacheOf(locationId: string): FakeCache {
  let c = caches.get(locationId);
  if (c === undefined) {
    const downloading = params.has("download") && locationId === LOCATIONS[0]!.id;
    c = {
      locationId,
      online: !params.has("offline"),
      activity: "idle",
      progress: null,
      downloaded: 0,
      downloadComplete: !downloading,
      downloadPaused: false,
      lastRefreshedAt: downloading ? null : iso(NOW - 4 * 60_000),
      notice: params.has("notice")
        ? "The saved contacts could not be read, so the file was set aside and they are being downloaded again."
        : null,
      lastError: null,
      generation: 1,
      outbox: [],
      watchers: new Set(),
      ticker: null,
      ticks: 0,
    };
    caches.set(locationId, c);
    if (params.get("outbox") === "demo" && locationId === LOCATIONS[0]!.id) seedOutbox(c);
  }
  return c;
}

function cache(): FakeCache {
  return cacheOf(activeId ?? LOCATIONS[0]!.id);
}

/** What list and search see: every contact once downloaded, else those downloaded so far. */
function cachedContacts(): FakeContact[] {
  const c = cache();
  if (c.downloadComplete) return allContacts();
  return allContacts().filter((contact) => contact.index < c.downloaded || contact.pending || created.has(contact.id));
}

function statusOf(c: FakeCache): CacheStatus {
  const total = contactsByLocation.get(c.locationId)?.length ?? 0;
  const count = (state: OutboxItem["state"]) => c.outbox.filter((item) => item.state === state).length;
  return {
    locationId: c.locationId,
    cachedContacts: c.downloadComplete ? total : Math.min(c.downloaded, total),
    online: c.online,
    activity: c.activity,
    progress: c.progress === null ? null : { ...c.progress },
    downloadComplete: c.downloadComplete,
    downloadPaused: c.downloadPaused,
    lastRefreshedAt: c.lastRefreshedAt,
    outbox: { waiting: count("waiting") + count("failed"), conflicts: count("conflict"), rejected: count("rejected") },
    unreadActivity: unreadActivityOf(c.locationId),
    notice: c.notice,
    lastError: c.lastError,
    generation: c.generation,
    taskWalk: walkOf(c),
  };
}

function walkOf(c: FakeCache): CacheStatus["taskWalk"] {
  return fakeTaskWalk(c.locationId, contactsByLocation.get(c.locationId)?.length ?? 0, c.downloadComplete);
}

function emit(c: FakeCache, { changed = false } = {}): void {
  if (changed) c.generation += 1;
  const status = statusOf(c);
  c.watchers.forEach((watcher) => watcher.onmessage(status));
}

function watchCache(channel: StatusChannel): CacheStatus {
  const c = cache();
  // A watch follows its location: the others' channels stop receiving.
  caches.forEach((other) => {
    if (other !== c) other.watchers.clear();
  });
  c.watchers.add(channel);
  allContacts();
  if (!c.downloadComplete && !c.downloadPaused && c.online) startDownload(c);
  tickWhileWalking(
    () => walkOf(cache())?.running !== false,
    () => emit(cache(), { changed: true }),
  );
  return statusOf(c);
}

function startDownload(c: FakeCache): void {
  if (c.ticker !== null) return;
  c.activity = "downloading";
  c.ticker = setInterval(() => downloadStep(c), DOWNLOAD_TICK_MS);
  emit(c);
}

function stopDownload(c: FakeCache): void {
  if (c.ticker !== null) clearInterval(c.ticker);
  c.ticker = null;
  c.activity = "idle";
  c.progress = null;
}

function downloadStep(c: FakeCache): void {
  const total = contactsByLocation.get(c.locationId)?.length ?? 0;
  c.ticks += 1;
  if (!c.online) {
    stopDownload(c);
    emit(c);
    return;
  }
  // Every so often GoHighLevel's rate limit holds the next page back for a while.
  const waiting = c.ticks % 12 >= 10;
  if (!waiting) c.downloaded = Math.min(total, c.downloaded + DOWNLOAD_STEP);
  const perSecond = (DOWNLOAD_STEP * 1000) / DOWNLOAD_TICK_MS;
  c.progress = {
    done: c.downloaded,
    total,
    waitingForRateLimit: waiting,
    etaSeconds: c.ticks < 3 ? null : Math.ceil((total - c.downloaded) / perSecond),
  };
  if (c.downloaded >= total) {
    stopDownload(c);
    c.downloadComplete = true;
    c.lastRefreshedAt = new Date().toISOString();
  }
  emit(c, { changed: !waiting });
}

function pauseDownload(): null {
  const c = cache();
  if (c.downloadComplete) return null;
  stopDownload(c);
  c.downloadPaused = true;
  emit(c);
  return null;
}

function resumeDownload(): null {
  const c = cache();
  c.downloadPaused = false;
  if (!c.downloadComplete && c.online) startDownload(c);
  else emit(c);
  return null;
}

function refreshCache(): null {
  const c = cache();
  // Offline, a refresh is a check whether GoHighLevel is back: here it is not.
  if (!c.online || c.activity !== "idle") return null;
  if (!c.downloadComplete) {
    if (!c.downloadPaused) startDownload(c);
    return null;
  }
  c.activity = "refreshing";
  c.progress = { done: 0, total: 0, waitingForRateLimit: false, etaSeconds: null };
  emit(c);
  setTimeout(() => {
    if (c.activity !== "refreshing") return;
    c.activity = "idle";
    c.progress = null;
    c.lastRefreshedAt = new Date().toISOString();
    c.lastError = null;
    emit(c, { changed: true });
  }, REFRESH_MS);
  return null;
}

function setOnline(online: boolean): void {
  const c = cache();
  if (c.online === online) return;
  c.online = online;
  emit(c);
  if (online) {
    replaySoon(c);
    if (!c.downloadComplete && !c.downloadPaused) startDownload(c);
  }
}

/** Sends what waits in the outbox, in order, a moment later (as the background task would). */
function replaySoon(c: FakeCache): void {
  if (!c.outbox.some((item) => item.state === "waiting" || item.state === "failed")) return;
  c.activity = "sending";
  emit(c);
  setTimeout(() => {
    if (c.activity === "sending") c.activity = "idle";
    if (!c.online) {
      emit(c);
      return;
    }
    const sent = c.outbox.filter((item) => item.state === "waiting" || item.state === "failed");
    sent.forEach((item) => item.apply([]));
    c.outbox = c.outbox.filter((item) => !sent.includes(item));
    emit(c, { changed: true });
  }, REPLAY_MS);
}

const DESCRIPTIONS: Record<string, string> = {
  create_contact: "Add a contact",
  upsert_contact: "Add or update a contact",
  update_contact: "Edit the contact",
  delete_contact: "Delete the contact",
  create_task: "Add a task",
  update_task: "Edit a task",
  set_task_completed: "Mark a task done or open",
  delete_task: "Delete a task",
  create_note: "Add a note",
  update_note: "Edit a note",
  delete_note: "Delete a note",
  add_tags: "Add tags",
  remove_tags: "Remove tags",
};

function queue(c: FakeCache, item: Omit<FakeOutboxItem, "id" | "createdAt">): void {
  outboxCounter += 1;
  c.outbox.push({ ...item, id: outboxCounter, createdAt: new Date().toISOString() });
  emit(c, { changed: true });
}

function contactNameOf(contactId: string | null): string | null {
  if (contactId === null) return null;
  return allContacts().find((c) => c.id === contactId)?.displayName ?? null;
}

/**
 * Offline: the edit is made here at once (what the cache shows) and queued; a new record
 * gets a local id and is marked pending until it is sent.
 */
function writeOffline(command: string, args: Record<string, unknown>, write: () => unknown): unknown {
  const c = cache();
  const result = write();
  const contactId = (args.contactId as string | undefined) ?? null;
  let undo: (() => void) | null = null;
  let recordContactId = contactId;
  let answer = result;
  const markSent: Array<() => void> = [];
  if (command === "create_task" || command === "create_note") {
    const store = command === "create_task" ? taskStore : noteStore;
    const record = result as Task | Note;
    const list: Array<Task | Note> = store.get(contactId!) ?? [];
    const local = list.find((item) => item.id === record.id)!;
    local.pending = true;
    answer = { ...local };
    undo = () => {
      const at = list.indexOf(local);
      if (at >= 0) list.splice(at, 1);
    };
    markSent.push(() => {
      local.pending = false;
    });
  } else if (command === "create_contact") {
    const detail = result as ContactDetail;
    recordContactId = detail.id;
    const stored = { ...details.get(detail.id)!, pending: true };
    details.set(detail.id, stored);
    const summary = allContacts().find((s) => s.id === detail.id)!;
    summary.pending = true;
    answer = stored;
    undo = () => deleteContact(detail.id);
    markSent.push(() => {
      summary.pending = false;
      const now = details.get(detail.id);
      if (now) details.set(detail.id, { ...now, pending: false });
    });
  }
  queue(c, {
    description: DESCRIPTIONS[command] ?? command,
    contactId: recordContactId,
    contactName: contactNameOf(recordContactId),
    state: "waiting",
    message: null,
    conflicts: [],
    undo,
    apply: () => markSent.forEach((mark) => mark()),
  });
  return answer;
}

/** A conflict on the contact shown first: its phone and company changed in GoHighLevel too. */
function queueConflict(c: FakeCache): void {
  const contact = allContacts()[0];
  if (contact === undefined) return;
  const mine = { phone: "+13035550199", companyName: "Aspen Grove HOA" };
  queue(c, {
    description: "Edit the contact",
    contactId: contact.id,
    contactName: contact.displayName,
    state: "conflict",
    message: "Someone changed this contact in GoHighLevel after this edit was made.",
    conflicts: [
      { field: "phone", label: "Phone", mine: mine.phone, theirs: contact.phone },
      { field: "companyName", label: "Company", mine: mine.companyName, theirs: contact.companyName },
    ],
    undo: null,
    apply: (choices) => {
      const form: Partial<ContactForm> = {};
      choices.forEach((choice) => {
        if (choice.keep === "mine" && (choice.field === "phone" || choice.field === "companyName")) form[choice.field] = mine[choice.field];
      });
      if (Object.keys(form).length > 0) updateContact(contact.id, { ...EMPTY_FORM, ...form });
    },
  });
}

const EMPTY_FORM: ContactForm = {
  firstName: null,
  lastName: null,
  email: null,
  phone: null,
  companyName: null,
  address1: null,
  city: null,
  state: null,
  postalCode: null,
  country: null,
  website: null,
  source: null,
};

function seedOutbox(c: FakeCache): void {
  const contacts = allContacts();
  queueConflict(c);
  const second = contacts[1];
  if (second !== undefined) {
    queue(c, {
      description: "Add a task",
      contactId: second.id,
      contactName: second.displayName,
      state: "rejected",
      message: "GoHighLevel rejected the request: dueDate: must be a date and time with a zone",
      conflicts: [],
      undo: null,
      apply: () => undefined,
    });
  }
  const third = contacts[2];
  if (third !== undefined) {
    queue(c, {
      description: "Add a note",
      contactId: third.id,
      contactName: third.displayName,
      state: c.online ? "failed" : "waiting",
      message: c.online ? "Could not reach GoHighLevel: connection reset" : null,
      conflicts: [],
      undo: null,
      apply: () => undefined,
    });
  }
  c.generation = 1;
}

function outboxItems(): OutboxItem[] {
  return cache().outbox.map(({ undo: _undo, apply: _apply, ...item }) => ({ ...item, conflicts: item.conflicts.map((f) => ({ ...f })) }));
}

function outboxItem(c: FakeCache, id: number): FakeOutboxItem {
  const item = c.outbox.find((entry) => entry.id === id);
  if (item === undefined) throw { code: "not_found", message: "That edit is no longer waiting.", details: { id } } satisfies AppError;
  return item;
}

function resolveConflict(id: number, choices: ConflictChoice[]): null {
  const c = cache();
  const item = outboxItem(c, id);
  if (item.state !== "conflict") throw { code: "validation", message: "That edit is not in conflict.", details: { id } } satisfies AppError;
  if (!c.online) {
    // Settled now, sent when GoHighLevel is back.
    item.state = "waiting";
    item.conflicts = [];
    const apply = item.apply;
    item.apply = () => apply(choices);
    emit(c, { changed: true });
    return null;
  }
  item.apply(choices);
  c.outbox = c.outbox.filter((entry) => entry !== item);
  emit(c, { changed: true });
  return null;
}

function retryItem(id: number): null {
  const c = cache();
  const item = outboxItem(c, id);
  item.state = "waiting";
  item.message = null;
  emit(c);
  if (c.online) replaySoon(c);
  return null;
}

function discardItem(id: number): null {
  const c = cache();
  const item = outboxItem(c, id);
  item.undo?.();
  c.outbox = c.outbox.filter((entry) => entry !== item);
  emit(c, { changed: true });
  return null;
}

/** Console helpers for trying the offline story by hand (dev only). */
export const devControls = {
  setOnline,
  conflict: () => queueConflict(cache()),
};

if (typeof window !== "undefined") {
  (window as unknown as { switchboardDev?: typeof devControls }).switchboardDev = devControls;
}

// ---------- Housecall Pro and one-contact sync ----------
// A small HCP customer list built from the active location's contacts: some match a
// contact by email, some by phone only (written differently), one matches two contacts
// (ambiguous), one is linked and changed on both sides (a conflict), one has a malformed
// email (a problem), and the rest match nothing. Sync runs a field-level three-way merge
// against the snapshot stored at the last sync, like the Rust engine.
//   ?hcp=unconfigured    no HCP key saved yet (a key "bad" is refused, any other works)
//   ?fail=sync           the first sync stops part-way (sync_stopped); Retry finishes it

type SyncFieldKey =
  | "first_name"
  | "last_name"
  | "email"
  | "phone"
  | "company_name"
  | "address1"
  | "city"
  | "state"
  | "postal_code"
  | "source";
type SyncFields = Record<SyncFieldKey, string | null>;

const SYNC_FIELDS: ReadonlyArray<{ key: SyncFieldKey; label: string; form: keyof ContactForm; hcpWritable: boolean }> = [
  { key: "first_name", label: "First name", form: "firstName", hcpWritable: true },
  { key: "last_name", label: "Last name", form: "lastName", hcpWritable: true },
  { key: "email", label: "Email", form: "email", hcpWritable: true },
  { key: "phone", label: "Phone", form: "phone", hcpWritable: true },
  { key: "company_name", label: "Company", form: "companyName", hcpWritable: true },
  // HCP addresses can't be updated through its API: HCP → GHL only.
  { key: "address1", label: "Street address", form: "address1", hcpWritable: false },
  { key: "city", label: "City", form: "city", hcpWritable: false },
  { key: "state", label: "State", form: "state", hcpWritable: false },
  { key: "postal_code", label: "Postal code", form: "postalCode", hcpWritable: false },
  { key: "source", label: "Lead source", form: "source", hcpWritable: true },
];

type FakeCustomer = { id: string; fields: SyncFields; phoneAsTyped: string | null; updatedAt: string };
type FakeLink = { hcpId: string; ghlId: string; base: SyncFields; syncedAt: string };

const hcpState = {
  configured: params.get("hcp") !== "unconfigured",
  customers: null as FakeCustomer[] | null,
  links: [] as FakeLink[],
  log: [] as (SyncLogLine & { hcpId: string; ghlId: string })[],
  /** Targets whose last apply stopped part-way ("side:id"). */
  stopped: new Set<string>(),
  settings: {
    homePhoneField: "contact.hcp_home_phone",
    workPhoneField: "contact.hcp_work_phone",
    hcpIdField: "contact.hcp_customer_id",
    followUpTasks: [{ title: "Call to welcome", body: "Introduce yourself and confirm the service address.", dueInDays: 1, dueHour: 15 }],
  } satisfies SyncSettingsForm,
};

function e164(phone: string | null): string | null {
  if (phone === null || phone.trim() === "") return null;
  const digits = phone.replace(/\D/g, "");
  if (phone.trim().startsWith("+")) return `+${digits}`;
  if (digits.length === 10) return `+1${digits}`;
  if (digits.length === 11 && digits.startsWith("1")) return `+${digits}`;
  return phone.trim();
}

function usPhone(e: string): string {
  const d = e.replace(/\D/g, "").slice(-10);
  return `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`;
}

function ghlFields(contactId: string): SyncFields {
  const d = getContact(contactId);
  return {
    first_name: d.firstName,
    last_name: d.lastName,
    email: d.email?.toLowerCase() ?? null,
    phone: e164(d.phone),
    company_name: d.companyName,
    address1: d.address1,
    city: d.city,
    state: d.state,
    postal_code: d.postalCode,
    source: d.source,
  };
}

function customerOf(id: string, fields: SyncFields, daysAgo: number, phoneAsTyped: string | null = fields.phone): FakeCustomer {
  return { id, fields, phoneAsTyped, updatedAt: iso(NOW - daysAgo * DAY) };
}

function hcpCustomersStore(): FakeCustomer[] {
  if (hcpState.customers !== null) return hcpState.customers;
  const contacts = allContacts().filter((c) => c.email && c.phone);
  const random = rng(7);
  const list: FakeCustomer[] = [];
  let n = 0;
  const nextId = () => `cus_${String(++n).padStart(4, "0")}`;
  // Same email (and the rest much alike).
  for (const c of contacts.slice(0, 12)) list.push(customerOf(nextId(), ghlFields(c.id), Math.floor(random() * 60)));
  // Same phone only, written the way people type it.
  for (const c of contacts.slice(12, 18)) {
    const f = { ...ghlFields(c.id), email: null };
    list.push(customerOf(nextId(), f, Math.floor(random() * 60), usPhone(f.phone ?? "+13035550100")));
  }
  // One email matches a contact and its phone matches another: the person must choose.
  const [a, b] = [contacts[20], contacts[21]];
  if (a && b) {
    list.push(customerOf(nextId(), { ...ghlFields(a.id), phone: e164(b.phone) }, 1, usPhone(b.phone ?? "")));
  }
  // Linked, then changed on both sides: the phone differently (a conflict), the email in HCP only.
  const linkedConflict = contacts[25];
  if (linkedConflict) {
    const ghl = ghlFields(linkedConflict.id);
    const base = { ...ghl, phone: "+13035550100" };
    const id = nextId();
    list.push(customerOf(id, { ...base, phone: "+17205550199", email: `new.${ghl.email ?? "x@example.com"}` }, 0));
    hcpState.links.push({ hcpId: id, ghlId: linkedConflict.id, base, syncedAt: iso(NOW - 20 * DAY) });
    hcpState.log.push({ hcpId: id, ghlId: linkedConflict.id, at: iso(NOW - 20 * DAY), to: "ghl", label: "Phone", from: null, value: "+13035550100", actor: "Office (demo)" });
  }
  // Linked and already in agreement.
  const inSync = contacts[26];
  if (inSync) {
    const fields = ghlFields(inSync.id);
    const id = nextId();
    list.push(customerOf(id, fields, 30));
    hcpState.links.push({ hcpId: id, ghlId: inSync.id, base: { ...fields }, syncedAt: iso(NOW - 30 * DAY) });
  }
  // A malformed email: refused before anything is sent.
  list.push(customerOf(nextId(), { ...emptyFields(), first_name: "Maria", last_name: "Quintero", email: "maria@@example", phone: "+19705550111" }, 2));
  // Nobody in GoHighLevel yet.
  while (list.length < 72) {
    const first = pick(random, FIRST);
    const last = pick(random, LAST);
    const [city, zip] = pick(random, CITIES);
    list.push(
      customerOf(
        nextId(),
        {
          first_name: first,
          last_name: last,
          email: random() < 0.8 ? `${first}.${last}${list.length}@example.net`.toLowerCase().replace(/[^a-z0-9.@]/g, "") : null,
          phone: `+1${pick(random, AREA)}555${String(Math.floor(random() * 9000) + 1000)}`,
          company_name: random() < 0.2 ? pick(random, COMPANIES) : null,
          address1: `${Math.floor(random() * 9000 + 100)} ${pick(random, STREETS)}`,
          city,
          state: "CO",
          postal_code: zip,
          source: pick(random, ["Google", "Yelp", "Referral", null]),
        },
        Math.floor(random() * 400),
      ),
    );
  }
  hcpState.customers = list;
  return list;
}

function emptyFields(): SyncFields {
  return Object.fromEntries(SYNC_FIELDS.map((f) => [f.key, null])) as SyncFields;
}

function requireHcp(): void {
  if (!hcpState.configured) {
    throw { code: "hcp_not_configured", message: "Housecall Pro is not set up: enter its API key in Settings.", details: null } satisfies AppError;
  }
}

function hcpCustomer(id: string): FakeCustomer {
  const found = hcpCustomersStore().find((c) => c.id === id);
  if (!found) throw { code: "not_found", message: "This Housecall Pro customer doesn’t exist.", details: { customerId: id } } satisfies AppError;
  return found;
}

function customerName(c: FakeCustomer): string {
  return displayNameOf(c.fields.first_name, c.fields.last_name) || c.fields.company_name || c.fields.email || c.id;
}

function customerSummaryOf(c: FakeCustomer): HcpCustomerSummary {
  const f = c.fields;
  const address = [f.address1, f.city, f.state, f.postal_code].filter(Boolean).join(", ");
  return {
    id: c.id,
    name: customerName(c),
    email: f.email,
    phone: c.phoneAsTyped ?? f.phone,
    company: f.company_name,
    address: address === "" ? null : address,
    updatedAt: c.updatedAt,
    linkedContactId: hcpState.links.find((l) => l.hcpId === c.id)?.ghlId ?? null,
  };
}

function hcpStatusOf(): HcpStatus {
  return { configured: hcpState.configured, baseUrl: "http://127.0.0.1:47620/hcp", demo: hcpState.configured && !params.has("hcp") };
}

function saveHcpKeyFake(form: HcpKeyForm): HcpStatus {
  const key = form.apiKey.trim();
  if (key === "" || key === "bad") {
    throw { code: "unauthorized", message: "Housecall Pro didn’t accept this API key.", details: null } satisfies AppError;
  }
  hcpState.configured = true;
  return { ...hcpStatusOf(), demo: false };
}

const HCP_PAGE_SIZE = 50;

function hcpCustomersPage(query: string, page: number): HcpCustomerPage {
  requireHcp();
  const q = query.trim().toLowerCase();
  const digits = q.replace(/\D/g, "");
  const found = hcpCustomersStore()
    .filter((c) => {
      if (q === "") return true;
      const s = customerSummaryOf(c);
      return (
        [s.name, s.email, s.address, s.company].some((v) => (v ?? "").toLowerCase().includes(q)) ||
        (digits.length >= 3 && (c.fields.phone ?? "").includes(digits))
      );
    })
    .sort((x, y) => y.updatedAt.localeCompare(x.updatedAt) || x.id.localeCompare(y.id));
  const totalPages = Math.max(1, Math.ceil(found.length / HCP_PAGE_SIZE));
  const current = Math.max(1, page);
  return {
    customers: found.slice((current - 1) * HCP_PAGE_SIZE, current * HCP_PAGE_SIZE).map(customerSummaryOf),
    page: current,
    totalPages,
    total: found.length,
  };
}

function linkedCustomerOf(contactId: string): HcpCustomerSummary | null {
  hcpCustomersStore();
  const link = hcpState.links.find((l) => l.ghlId === contactId);
  if (!link) return null;
  requireHcp();
  return customerSummaryOf(hcpCustomer(link.hcpId));
}

type Pairing = {
  matching: SyncPreview["matching"];
  matchingText: string;
  candidates: SyncCandidate[];
  hcpId: string | null;
  ghlId: string | null;
  link: FakeLink | null;
};

function pair(target: SyncTargetRef, choice: SyncMatchChoice | null): Pairing {
  hcpCustomersStore(); // seeds the links too
  const fromHcp = target.side === "hcp";
  const other = fromHcp ? "GoHighLevel contact" : "Housecall Pro customer";
  const link = hcpState.links.find((l) => (fromHcp ? l.hcpId : l.ghlId) === target.id) ?? null;
  const base = { candidates: [] as SyncCandidate[], link };
  const own = { hcpId: fromHcp ? target.id : null, ghlId: fromHcp ? null : target.id };
  if (link) {
    return { ...base, ...own, hcpId: link.hcpId, ghlId: link.ghlId, matching: "linked", matchingText: `Linked by an earlier sync (last synced ${link.syncedAt.slice(0, 10)})` };
  }
  if (choice !== null) {
    if (choice.existingId === null) return { ...base, ...own, matching: "new", matchingText: `A new ${other} will be created, as you chose.` };
    const ids = fromHcp ? { ...own, ghlId: choice.existingId } : { ...own, hcpId: choice.existingId };
    return { ...base, ...ids, matching: "matched", matchingText: `The ${other} you chose` };
  }
  const mine = fromHcp ? hcpCustomer(target.id).fields : ghlFields(target.id);
  const email = mine.email?.toLowerCase() ?? null;
  const phone = e164(mine.phone);
  const found = new Map<string, SyncCandidate>();
  const note = (id: string, name: string, em: string | null, ph: string | null, by: string) => {
    const seen = found.get(id);
    found.set(id, { id, name, email: em, phone: ph, matchedBy: seen ? `${seen.matchedBy} and ${by}` : by });
  };
  if (fromHcp) {
    for (const c of allContacts()) {
      if (hcpState.links.some((l) => l.ghlId === c.id)) continue;
      if (email && c.email?.toLowerCase() === email) note(c.id, c.displayName, c.email, c.phone, "email");
      if (phone && c.phone === phone) note(c.id, c.displayName, c.email, c.phone, "phone");
    }
  } else if (hcpState.configured) {
    for (const c of hcpCustomersStore()) {
      if (hcpState.links.some((l) => l.hcpId === c.id)) continue;
      const s = customerSummaryOf(c);
      if (email && c.fields.email?.toLowerCase() === email) note(c.id, s.name, s.email, s.phone, "email");
      if (phone && e164(c.fields.phone) === phone) note(c.id, s.name, s.email, s.phone, "phone");
    }
  }
  const candidates = [...found.values()];
  if (candidates.length > 1) {
    return { ...base, ...own, candidates, matching: "ambiguous", matchingText: `${candidates.length} records match. Choose the ${other} to sync with, or create a new one.` };
  }
  const only = candidates[0];
  if (only) {
    const ids = fromHcp ? { ...own, ghlId: only.id } : { ...own, hcpId: only.id };
    const by = only.matchedBy.startsWith("email") ? "email address" : "phone number";
    return { ...base, ...ids, matching: "matched", matchingText: `The ${other} with the same ${by}` };
  }
  return { ...base, ...own, matching: "new", matchingText: `No ${other} matches: a new one will be created.` };
}

type Plan = {
  pairing: Pairing;
  hcp: SyncFields | null;
  ghl: SyncFields | null;
  toGhl: SyncFieldChange[];
  toHcp: SyncFieldChange[];
  conflicts: SyncConflictView[];
  problems: SyncProblem[];
};

function plan(target: SyncTargetRef, choice: SyncMatchChoice | null): Plan {
  requireHcp();
  const pairing = pair(target, choice);
  const hcp = pairing.hcpId ? hcpCustomer(pairing.hcpId).fields : null;
  const ghl = pairing.ghlId ? ghlFields(pairing.ghlId) : null;
  const result: Plan = { pairing, hcp, ghl, toGhl: [], toHcp: [], conflicts: [], problems: [] };
  if (pairing.matching === "ambiguous") return result;
  const base = pairing.link?.base ?? null;
  for (const { key, label, hcpWritable } of SYNC_FIELDS) {
    const h = hcp?.[key] ?? null;
    const g = ghl?.[key] ?? null;
    if (h === g) continue;
    if (ghl === null) {
      if (h !== null) result.toGhl.push({ field: key, label, from: null, to: h });
      continue;
    }
    if (hcp === null) {
      if (g !== null && hcpWritable) result.toHcp.push({ field: key, label, from: null, to: g });
      continue;
    }
    const b = base ? base[key] : null;
    const hcpChanged = base ? h !== b : h !== null;
    const ghlChanged = base ? g !== b : g !== null;
    if (hcpChanged && !ghlChanged) result.toGhl.push({ field: key, label, from: g, to: h });
    else if (ghlChanged && !hcpChanged) {
      if (hcpWritable) result.toHcp.push({ field: key, label, from: h, to: g });
    } else result.conflicts.push({ field: key, label, base: b, hcp: h, ghl: g });
  }
  for (const [side, fields] of [["hcp", hcp], ["ghl", ghl]] as const) {
    const email = fields?.email;
    if (email && !EMAIL.test(email)) {
      result.problems.push({ side, field: "email", label: "Email", message: `“${email}” is not a valid email address.` });
    }
    const phone = fields?.phone;
    if (phone && !E164.test(phone)) {
      result.problems.push({ side, field: "phone", label: "Phone", message: `“${phone}” can’t be read as a phone number.` });
    }
  }
  return result;
}

function followUpTasksOf(): SyncTaskView[] {
  return hcpState.settings.followUpTasks.map((task) => {
    const due = new Date(NOW);
    due.setUTCDate(due.getUTCDate() + task.dueInDays);
    due.setUTCHours(task.dueHour, 0, 0, 0);
    return { title: task.title, dueDate: due.toISOString() };
  });
}

function recordView(id: string | null, name: string, fields: SyncFields | null): SyncRecordView | null {
  if (id === null || fields === null) return null;
  return { id, name, fields: SYNC_FIELDS.map(({ key, label }) => ({ field: key, label, value: fields[key] })) };
}

function previewOf(target: SyncTargetRef, choice: SyncMatchChoice | null): SyncPreview {
  const p = plan(target, choice);
  const createsGhl = p.pairing.matching !== "ambiguous" && p.ghl === null;
  const createsHcp = p.pairing.matching !== "ambiguous" && p.hcp === null;
  return {
    target,
    matching: p.pairing.matching,
    matchingText: p.pairing.matchingText,
    candidates: p.pairing.candidates,
    hcp: recordView(p.pairing.hcpId, p.pairing.hcpId ? customerName(hcpCustomer(p.pairing.hcpId)) : "", p.hcp),
    ghl: recordView(p.pairing.ghlId, p.pairing.ghlId ? getContact(p.pairing.ghlId).displayName : "", p.ghl),
    toGhl: p.toGhl,
    toHcp: p.toHcp,
    conflicts: p.conflicts,
    problems: p.problems,
    followUpTasks: createsGhl ? followUpTasksOf() : [],
    willSend: p.toGhl.length > 0 || p.toHcp.length > 0 || createsGhl || createsHcp,
    resuming: hcpState.stopped.has(`${target.side}:${target.id}`),
  };
}

/** A contact form that sets the changed fields ("" clears one) and leaves the rest. */
function formOf(changes: readonly SyncFieldChange[]): ContactForm {
  const form: ContactForm = { ...EMPTY_FORM };
  for (const change of changes) {
    const field = SYNC_FIELDS.find((f) => f.key === change.field);
    if (field) form[field.form] = change.to ?? "";
  }
  return form;
}

function syncApplyFake(target: SyncTargetRef, choices: SyncFieldChoice[], choice: SyncMatchChoice | null): SyncResult {
  if (!cache().online) {
    throw { code: "offline", message: "GoHighLevel can’t be reached: sync once the connection is back.", details: null } satisfies AppError;
  }
  const p = plan(target, choice);
  if (p.pairing.matching === "ambiguous") {
    throw { code: "needs_match_choice", message: "Several records match: choose which one to sync with.", details: null } satisfies AppError;
  }
  if (p.problems.length > 0) {
    const messages = p.problems.map((x) => `${x.label} (${x.side === "hcp" ? "Housecall Pro" : "GoHighLevel"}): ${x.message}`);
    throw { code: "validation", message: messages.join(" "), details: { messages } } satisfies AppError;
  }
  const toGhl = [...p.toGhl];
  const toHcp = [...p.toHcp];
  const unresolved: string[] = [];
  for (const conflict of p.conflicts) {
    const keep = choices.find((c) => c.field === conflict.field)?.keep ?? "nothing";
    if (keep === "hcp") toGhl.push({ field: conflict.field, label: conflict.label, from: conflict.ghl, to: conflict.hcp });
    else if (keep === "ghl") toHcp.push({ field: conflict.field, label: conflict.label, from: conflict.hcp, to: conflict.ghl });
    else unresolved.push(conflict.field);
  }
  const key = `${target.side}:${target.id}`;
  const stopHere = failing.has("sync") && !failedAlready.has("sync");
  let ghlId = p.pairing.ghlId;
  let created: SyncSide | null = null;
  const tasksCreated: string[] = [];
  // Step 1: GoHighLevel (looked up first on a resumed create, so nothing is made twice).
  if (ghlId === null) {
    const earlier = hcpState.links.find((l) => l.hcpId === p.pairing.hcpId);
    if (earlier) ghlId = earlier.ghlId;
    else {
      ghlId = createContact(formOf(toGhl)).id;
      created = "ghl";
      listTasks(ghlId);
      for (const task of followUpTasksOf()) {
        taskStore.get(ghlId)!.push({ id: newId("task-"), title: task.title, body: null, dueDate: task.dueDate, completed: false, assignedTo: null, pending: false });
        tasksCreated.push(task.title);
      }
    }
  } else if (toGhl.length > 0) {
    updateContact(ghlId, formOf(toGhl));
  }
  if (stopHere) {
    failedAlready.add("sync");
    hcpState.stopped.add(key);
    if (p.pairing.hcpId && ghlId) {
      hcpState.links.push({ hcpId: p.pairing.hcpId, ghlId, base: { ...(p.hcp ?? emptyFields()) }, syncedAt: new Date().toISOString() });
    }
    throw { code: "sync_stopped", message: "Housecall Pro couldn’t be reached while updating the customer.", details: { step: "update the Housecall Pro customer" } } satisfies AppError;
  }
  // Step 2: Housecall Pro.
  let hcpId = p.pairing.hcpId;
  if (hcpId === null) {
    const fields = { ...emptyFields(), ...Object.fromEntries(toHcp.map((c) => [c.field, c.to])) } as SyncFields;
    hcpId = `cus_new_${newId("")}`;
    hcpCustomersStore().push(customerOf(hcpId, fields, 0));
    created = "hcp";
  } else if (toHcp.length > 0) {
    const customer = hcpCustomer(hcpId);
    for (const change of toHcp) customer.fields[change.field as SyncFieldKey] = change.to;
    customer.phoneAsTyped = customer.fields.phone;
    customer.updatedAt = new Date().toISOString();
  }
  // Step 3: the link and its snapshot; a field left in conflict keeps its old base.
  const now = new Date().toISOString();
  const merged = { ...ghlFields(ghlId) };
  const oldBase = p.pairing.link?.base;
  for (const field of unresolved) merged[field as SyncFieldKey] = oldBase?.[field as SyncFieldKey] ?? null;
  hcpState.links = hcpState.links.filter((l) => l.hcpId !== hcpId && l.ghlId !== ghlId);
  hcpState.links.push({ hcpId, ghlId, base: merged, syncedAt: now });
  hcpState.stopped.delete(key);
  for (const [to, changes] of [["ghl", toGhl], ["hcp", toHcp]] as const) {
    for (const change of changes) {
      hcpState.log.unshift({ hcpId, ghlId, at: now, to, label: change.label, from: change.from, value: change.to, actor: "Office (demo)" });
    }
  }
  return {
    ghlContactId: ghlId,
    hcpCustomerId: hcpId,
    created,
    changedInGhl: toGhl.length,
    changedInHcp: toHcp.length,
    unresolved: unresolved.length,
    tasksCreated,
    nothingSent: toGhl.length === 0 && toHcp.length === 0 && created === null,
  };
}

function syncLogOf(target: SyncTargetRef): SyncLogLine[] {
  hcpCustomersStore();
  return hcpState.log
    .filter((line) => (target.side === "hcp" ? line.hcpId : line.ghlId) === target.id)
    .sort((x, y) => y.at.localeCompare(x.at))
    .map(({ hcpId: _h, ghlId: _g, ...line }) => line);
}

function syncSettingsView(): SyncSettingsView {
  const s = hcpState.settings;
  const mapping = [
    "first_name / last_name ↔ firstName / lastName",
    "email ↔ email (compared lowercase)",
    "mobile_number, else home_number, else work_number ↔ phone (numbers compared in E.164, default country code +1)",
    ...(s.homePhoneField ? [`home_number (when not the phone) ↔ custom field ${s.homePhoneField}`] : []),
    ...(s.workPhoneField ? [`work_number (when not the phone) ↔ custom field ${s.workPhoneField}`] : []),
    "company ↔ companyName (HCP company_name is your own account and is not synced)",
    "first service (else first) address → address1 (street, line 2), city, state, postalCode, country; HCP → GHL only, since HCP addresses cannot be updated",
    "lead_source ↔ source",
    "tags ↔ tags, tag by tag: additions and removals on either side are copied, no list is ever replaced",
    "notes → a GHL note starting with [HCP note <hash>], created once per text",
    `the HCP customer id is kept in custom field ${s.hcpIdField}`,
    "deletes are never synced; conflicting edits change nothing until you choose",
  ];
  return { mapping, ...structuredClone(s) };
}

function saveSyncSettingsFake(form: SyncSettingsForm): SyncSettingsView {
  if (form.hcpIdField.trim() === "") {
    throw { code: "validation", message: "The custom field for the Housecall Pro id is needed: it links the two records.", details: null } satisfies AppError;
  }
  for (const task of form.followUpTasks) {
    if (task.title.trim() === "") throw { code: "validation", message: "Every follow-up task needs a title.", details: null } satisfies AppError;
    if (task.dueHour > 23 || task.dueInDays > 365) {
      throw { code: "validation", message: `“${task.title}”: the due day must be within a year and the hour 0–23.`, details: null } satisfies AppError;
    }
  }
  hcpState.settings = {
    homePhoneField: form.homePhoneField.trim(),
    workPhoneField: form.workPhoneField.trim(),
    hcpIdField: form.hcpIdField.trim(),
    followUpTasks: form.followUpTasks.map((t) => ({ ...t, title: t.title.trim(), body: t.body.trim() })),
  };
  return syncSettingsView();
}

/** The HCP and sync commands; `undefined` for any other command. */
function housecallCommand(command: string, args: Record<string, unknown>): { value: unknown } | undefined {
  const target = args.target as SyncTargetRef;
  switch (command) {
    case "hcp_status":
      return { value: hcpStatusOf() };
    case "save_hcp_key":
      return { value: saveHcpKeyFake(args.form as HcpKeyForm) };
    case "hcp_customers":
      maybeFail("hcp");
      return { value: hcpCustomersPage(String(args.query ?? ""), Number(args.page ?? 1)) };
    case "hcp_customer":
      requireHcp();
      return { value: customerSummaryOf(hcpCustomer(String(args.customerId ?? ""))) };
    case "linked_customer":
      return { value: linkedCustomerOf(String(args.contactId ?? "")) };
    case "sync_preview":
      return { value: previewOf(target, (args.matchChoice as SyncMatchChoice | null) ?? null) };
    case "sync_apply":
      return { value: syncApplyFake(target, (args.choices as SyncFieldChoice[]) ?? [], (args.matchChoice as SyncMatchChoice | null) ?? null) };
    case "sync_log":
      return { value: syncLogOf(target) };
    case "sync_settings":
      return { value: syncSettingsView() };
    case "save_sync_settings":
      return { value: saveSyncSettingsFake(args.form as SyncSettingsForm) };
    default:
      return undefined;
  }
}

// DEV ONLY. An in-memory stand-in for the Rust commands so the UI can run in a plain
// browser (vite dev server, or `npm run preview:fake`). backend.ts loads it only when
// `import.meta.env.DEV || MODE === "fake"` and there is no Tauri runtime; production
// builds drop it entirely.
//
// URL flags (all optional):
//   ?select=<id>|first|rich   open a contact on start ("rich": data in every section)
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
import type {
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
  DuplicateMatch,
  LocationAccount,
  Note,
  NoteForm,
  OAuthSettings,
  OAuthSettingsForm,
  PrivateTokenForm,
  SessionInfo,
  Task,
  TaskForm,
  UpsertOutcome,
} from "../bindings";

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
      default:
        return WRITES.has(command) && !cache().online ? writeOffline(command, args, write) : write();
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
    notice: c.notice,
    lastError: c.lastError,
    generation: c.generation,
  };
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

// DEV ONLY. An in-memory stand-in for the Rust commands so the UI can run in a plain
// browser (vite dev server, or `npm run preview:fake`). backend.ts loads it only when
// `import.meta.env.DEV || MODE === "fake"` and there is no Tauri runtime; production
// builds drop it entirely.
//
// URL flags (all optional):
//   ?select=<id>|first|rich   open a contact on start ("rich": data in every section)
//   ?latency=<ms>        base delay per command (default 250)
//   ?fail=tasks,notes    make those commands reject (contacts, contact, tasks, notes,
//                        appointments, info); add "once" (fail=tasks,once) to fail only
//                        the first call of each, so Retry can be tried
//                        writes: every change fails with a network error; forbidden:
//                        every change is refused (403); unknown: every change has an
//                        unknown outcome (its answer "never arrives")
//   ?empty               no contacts at all
//   ?mode=live           report live mode (no Demo badge)
//   ?readonly            report a read-only token (canWrite: false)
//
// Changes (create/edit/delete contacts, tasks, notes, tags) are kept in memory until the
// page reloads, and are checked roughly the way the Rust side checks them.
import type {
  AppError,
  AppInfo,
  Appointment,
  ContactDetail,
  ContactForm,
  ContactPage,
  ContactSummary,
  Note,
  NoteForm,
  Task,
  TaskForm,
} from "../bindings";

const params = new URLSearchParams(typeof window === "undefined" ? "" : window.location.search);
const latency = Number(params.get("latency") ?? 250) || 0;
const failing = new Set((params.get("fail") ?? "").split(",").filter(Boolean));
const failOnce = failing.has("once");
const failedAlready = new Set<string>();

const CONTACT_COUNT = params.has("empty") ? 0 : 5000;
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

function buildContacts(): FakeContact[] {
  const random = rng(42);
  const contacts: FakeContact[] = [];
  for (let index = 0; index < CONTACT_COUNT; index += 1) {
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
    });
  }
  contacts.sort((a, b) => a.displayName.localeCompare(b.displayName) || a.id.localeCompare(b.id));
  return contacts;
}

let contactsCache: FakeContact[] | undefined;
function allContacts(): FakeContact[] {
  contactsCache ??= buildContacts();
  return contactsCache;
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
  const { id, displayName, firstName, lastName, email, phone, companyName, tags, dateUpdated } = detail;
  return { index, id, displayName, firstName, lastName, email, phone, companyName, tags, dateUpdated };
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

function listContacts(query: string, cursor: string | null, limit: number): ContactPage {
  const q = query.trim();
  const found = q === "" ? allContacts() : allContacts().filter((c) => matches(c, q));
  const offset = cursor === null ? 0 : Number(cursor);
  const page = found.slice(offset, offset + limit).map(({ index: _index, ...summary }) => summary);
  const next = offset + limit;
  return { contacts: page, total: found.length, nextCursor: next < found.length ? String(next) : null };
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
  const run = (): unknown => {
    switch (command) {
      case "app_info":
        maybeFail("info");
        return {
          mode: params.get("mode") === "live" ? "live" : "demo",
          locationId: "loc_demo_7f3k",
          locationName: "Rocky Mountain Heating & Plumbing",
          version: "0.1.0",
          canWrite: !params.has("readonly"),
        } satisfies AppInfo;
      case "list_contacts":
        maybeFail("contacts");
        return listContacts(String(args.query ?? ""), (args.cursor as string | null) ?? null, Number(args.limit ?? 100));
      case "get_contact":
        maybeFail("contact");
        return getContact(contactId);
      case "list_contact_tasks":
        maybeFail("tasks");
        return listTasks(contactId);
      case "list_contact_notes":
        maybeFail("notes");
        return listNotes(contactId);
      case "list_contact_appointments":
        maybeFail("appointments");
        return listAppointments(contactId);
      case "known_tags":
        return [...knownTagSet].sort();
      case "list_business_contacts":
        return businessContacts(String(args.businessId ?? ""));
      default:
        return write();
    }
  };
  const write = (): unknown => {
    maybeFailWrite(command);
    const taskId = String(args.taskId ?? "");
    const noteId = String(args.noteId ?? "");
    switch (command) {
      case "create_contact":
        return createContact(args.form as ContactForm);
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
        const task: Task = { id: newId("task-"), title: form.title.trim(), body: form.body?.trim() || null, dueDate: new Date(form.dueDate).toISOString(), completed: form.completed, assignedTo: null };
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
        const note: Note = { id: newId("note-"), title: form.title?.trim() || null, body: form.body, dateAdded: new Date().toISOString(), pinned: form.pinned, color: form.color };
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
  return run() as T;
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

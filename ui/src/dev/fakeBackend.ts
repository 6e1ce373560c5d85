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
//   ?empty               no contacts at all
//   ?mode=live           report live mode (no Demo badge)
import type {
  AppError,
  AppInfo,
  Appointment,
  ContactDetail,
  ContactPage,
  ContactSummary,
  Note,
  Task,
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

function getContact(id: string): ContactDetail {
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
    businessId: null,
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

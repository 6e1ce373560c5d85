// The fake backend's `overview`: the same lists the Rust side builds, from the fake's
// contacts, tasks, appointments and outbox. As in the app, tasks and appointments count
// only for contacts whose lists are cached: those "opened on this computer" (here the
// first few of the list, plus every contact opened in this session) and those the
// background walk has checked (here the first `walked` of the list, growing at
// FAKE_WALK_PER_SECOND from the end of the first download). The first contact always has
// a task that became overdue earlier today and, until late evening, one still due today.
import type { Appointment, ContactSummary, Overview, OverviewAppointment, OverviewTask, OutboxItem, Task, TaskWalkStatus } from "../bindings";

/** Contacts treated as opened before this session. */
export const FAKE_OPENED_CONTACTS = 12;
const LIST_LIMIT = 50;
const RECENT_LIMIT = 10;
const WEEK_DAYS = 7;
const HOUR = 3_600_000;

export type FakeOverviewSource = {
  contacts: readonly ContactSummary[];
  /** The fake's task lists by contact (read and seeded in place). */
  taskStore: Map<string, Task[]>;
  /** A contact's tasks, generating (and storing) them on first use. */
  tasksOf: (contactId: string) => Task[];
  appointmentsOf: (contactId: string) => Appointment[];
  outbox: readonly OutboxItem[];
  /** Contacts (from the start of `contacts`) the background walk has checked. */
  walked?: number;
  now?: Date;
};

/** Contacts the fake's background walk checks per second (5,000 in 40 s). */
export const FAKE_WALK_PER_SECOND = 125;
const WALK_TICK_MS = 1000;
const walkStarts = new Map<string, number>();

/**
 * The fake walk of a location: it starts the first time it is asked after the first
 * download finished (`null` before, like the app's status before it has counted).
 */
export function fakeTaskWalk(locationId: string, total: number, downloadComplete: boolean, now = Date.now()): TaskWalkStatus | null {
  if (!downloadComplete || total === 0) return null;
  const started = walkStarts.get(locationId) ?? now;
  walkStarts.set(locationId, started);
  const checked = Math.min(total, Math.floor(((now - started) / 1000) * FAKE_WALK_PER_SECOND));
  return { checked, total, running: checked < total, budgetSpent: false };
}

/** Calls `tick` every second while `running()` says the walk goes on (one ticker at a time). */
let walkTicker: ReturnType<typeof setInterval> | null = null;
export function tickWhileWalking(running: () => boolean, tick: () => void): void {
  if (walkTicker !== null) return;
  walkTicker = setInterval(() => {
    const goesOn = running();
    tick();
    if (!goesOn && walkTicker !== null) {
      clearInterval(walkTicker);
      walkTicker = null;
    }
  }, WALK_TICK_MS);
}

const seeded = new Set<string>();

function startOfDay(date: Date, plusDays = 0): Date {
  const d = new Date(date);
  d.setDate(d.getDate() + plusDays);
  d.setHours(0, 0, 0, 0);
  return d;
}

/** The two tasks the overview is demonstrated with, added once to the first contact. */
function seedToday(source: FakeOverviewSource, contactId: string, now: Date): void {
  if (seeded.has(contactId)) return;
  seeded.add(contactId);
  source.tasksOf(contactId);
  const list = source.taskStore.get(contactId);
  if (list === undefined) return;
  const dayStart = startOfDay(now).getTime();
  const overdueAt = Math.max(dayStart, now.getTime() - 2 * HOUR);
  const dueAt = Math.min(now.getTime() + 2 * HOUR, startOfDay(now, 1).getTime() - 60_000);
  const task = (id: string, title: string, at: number): Task => ({
    id: `task-${contactId}-${id}`,
    title,
    body: null,
    dueDate: new Date(at).toISOString(),
    completed: false,
    assignedTo: null,
    pending: false,
  });
  list.push(task("overview-overdue", "Call back about the furnace estimate", overdueAt));
  if (dueAt > now.getTime()) list.push(task("overview-today", "Confirm tomorrow’s install window", dueAt));
}

function limited<T>(items: T[]): { items: T[]; total: number } {
  return { items: items.slice(0, LIST_LIMIT), total: items.length };
}

function time(value: string | null): number | null {
  if (value === null) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

export function fakeOverview(source: FakeOverviewSource): Overview {
  const now = source.now ?? new Date();
  const todayStart = startOfDay(now).getTime();
  const todayEnd = startOfDay(now, 1).getTime();
  const weekEnd = startOfDay(now, WEEK_DAYS).getTime();
  const byId = new Map(source.contacts.map((c) => [c.id, c]));
  const known = Math.max(FAKE_OPENED_CONTACTS, source.walked ?? 0);
  const opened = new Set(source.contacts.slice(0, known).map((c) => c.id));
  for (const id of source.taskStore.keys()) if (byId.has(id)) opened.add(id);
  const first = source.contacts[0];
  if (first !== undefined) seedToday(source, first.id, now);

  const overdue: (OverviewTask & { at: number })[] = [];
  const dueToday: (OverviewTask & { at: number })[] = [];
  const today: (OverviewAppointment & { at: number })[] = [];
  const week: (OverviewAppointment & { at: number })[] = [];
  for (const contactId of opened) {
    const contactName = byId.get(contactId)?.displayName ?? null;
    for (const task of source.tasksOf(contactId)) {
      const at = time(task.dueDate);
      if (task.completed || at === null || at >= todayEnd) continue;
      (at < now.getTime() ? overdue : dueToday).push({ contactId, contactName, task, at });
    }
    for (const appointment of source.appointmentsOf(contactId)) {
      const at = time(appointment.startTime);
      if (at === null || at < todayStart || at >= weekEnd) continue;
      (at < todayEnd ? today : week).push({ contactId, contactName, appointment, at });
    }
  }
  const soonest = (a: { at: number }, b: { at: number }) => a.at - b.at;
  const strip = <T extends { at: number }>({ at: _at, ...rest }: T): Omit<T, "at"> => rest;

  const waiting = new Map<string, Overview["waiting"][number]>();
  for (const item of source.outbox) {
    if (item.contactId === null) continue;
    const entry = waiting.get(item.contactId) ?? {
      contactId: item.contactId,
      contactName: item.contactName ?? byId.get(item.contactId)?.displayName ?? null,
      waiting: 0,
      conflicts: 0,
      rejected: 0,
    };
    if (item.state === "conflict") entry.conflicts += 1;
    else if (item.state === "rejected") entry.rejected += 1;
    else entry.waiting += 1;
    waiting.set(item.contactId, entry);
  }

  const recentlyUpdated = [...source.contacts]
    .sort((a, b) => (time(b.dateUpdated) ?? 0) - (time(a.dateUpdated) ?? 0) || a.id.localeCompare(b.id))
    .slice(0, RECENT_LIMIT);

  return {
    overdue: limited(overdue.sort((a, b) => soonest(b, a)).map(strip)),
    dueToday: limited(dueToday.sort(soonest).map(strip)),
    appointmentsToday: limited(today.sort(soonest).map(strip)),
    appointmentsWeek: limited(week.sort(soonest).map(strip)),
    recentlyUpdated,
    waiting: [...waiting.values()],
    contactsWithTasks: opened.size,
    contactsWithAppointments: opened.size,
    todayStart: new Date(todayStart).toISOString(),
    weekEnd: new Date(weekEnd).toISOString(),
  };
}

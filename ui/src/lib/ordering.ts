// Pure ordering rules for the contact view's sections. Inputs are never mutated.
import type { Appointment, Note, Task } from "../bindings";
import { parseDate } from "./dates";

function time(value: string | null | undefined): number | null {
  const date = parseDate(value);
  return date === null ? null : date.getTime();
}

/** Ascending by time; missing/invalid times go last. */
function compareAsc(a: number | null, b: number | null): number {
  if (a === null && b === null) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a - b;
}

/** Descending by time; missing/invalid times go last. */
function compareDesc(a: number | null, b: number | null): number {
  if (a === null && b === null) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return b - a;
}

function compareText(a: string, b: string): number {
  return a.localeCompare(b, "en", { sensitivity: "base" });
}

/**
 * Open tasks first, soonest due first (no due date last); then completed tasks, most
 * recently due first. Ties break on title, then id, so the order is stable.
 */
export function orderTasks(tasks: readonly Task[]): Task[] {
  return [...tasks].sort((a, b) => {
    if (a.completed !== b.completed) return a.completed ? 1 : -1;
    const byDue = a.completed
      ? compareDesc(time(a.dueDate), time(b.dueDate))
      : compareAsc(time(a.dueDate), time(b.dueDate));
    return byDue || compareText(a.title, b.title) || compareText(a.id, b.id);
  });
}

/** Pinned notes first, then newest first (undated notes last within each group). */
export function orderNotes(notes: readonly Note[]): Note[] {
  return [...notes].sort((a, b) => {
    if (a.pinned !== b.pinned) return a.pinned ? -1 : 1;
    return compareDesc(time(a.dateAdded), time(b.dateAdded)) || compareText(a.id, b.id);
  });
}

export type AppointmentGroups = { upcoming: Appointment[]; past: Appointment[] };

/**
 * Splits appointments around `now`. An appointment is upcoming until it has ended (one
 * in progress is still upcoming); with no end time, until it starts. Upcoming ones are
 * soonest first, past ones most recent first. Appointments without a usable start time
 * cannot be placed in time: they are listed last under upcoming, as still to be scheduled.
 */
export function groupAppointments(appointments: readonly Appointment[], now: Date): AppointmentGroups {
  const nowMs = now.getTime();
  const upcoming: Appointment[] = [];
  const past: Appointment[] = [];
  for (const appointment of appointments) {
    const start = time(appointment.startTime);
    const end = time(appointment.endTime);
    const finishes = end !== null && start !== null && end > start ? end : start;
    if (finishes === null || finishes >= nowMs) upcoming.push(appointment);
    else past.push(appointment);
  }
  const byId = (a: Appointment, b: Appointment) => compareText(a.id, b.id);
  upcoming.sort((a, b) => compareAsc(time(a.startTime), time(b.startTime)) || byId(a, b));
  past.sort((a, b) => compareDesc(time(a.startTime), time(b.startTime)) || byId(a, b));
  return { upcoming, past };
}

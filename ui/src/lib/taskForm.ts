// Pure helpers for the task form: the native date/time inputs speak local "YYYY-MM-DD"
// and "HH:MM"; the backend speaks RFC 3339 instants.
import { parseDate } from "./dates";

export type DueParts = { date: string; time: string };

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** The local calendar date and time of `date`, as the inputs want them. */
export function localParts(date: Date): DueParts {
  return {
    date: `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`,
    time: `${pad(date.getHours())}:${pad(date.getMinutes())}`,
  };
}

/** A new task is due tomorrow at 09:00 local time. */
export function defaultDue(now: Date): DueParts {
  const tomorrow = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 9, 0, 0, 0);
  return localParts(tomorrow);
}

/** The inputs' values for an existing due date; the default when there is none. */
export function dueParts(dueDate: string | null, now: Date): DueParts {
  const date = parseDate(dueDate);
  return date === null ? defaultDue(now) : localParts(date);
}

/**
 * Local date + time → an RFC 3339 instant in UTC ("2026-03-04T16:00:00.000Z"). Null when
 * either part is missing or not a real date/time. A wall time skipped by a DST change
 * moves forward, as the browser does.
 */
export function toDueDate(date: string, time: string): string | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  const t = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(time.trim());
  if (d === null || t === null) return null;
  const [year, month, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const [hour, minute] = [Number(t[1]), Number(t[2])];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return null;
  const local = new Date(year, month - 1, day, hour, minute, 0, 0);
  // Reject dates that rolled over (Feb 30 → Mar 2).
  if (local.getMonth() !== month - 1 || local.getDate() !== day) return null;
  return local.toISOString();
}

export type TaskValues = { title: string; body: string; dueDate: string; dueTime: string };
export type TaskErrors = Partial<Record<keyof TaskValues, string>>;

export function checkTaskValues(values: TaskValues): TaskErrors {
  const errors: TaskErrors = {};
  if (values.title.trim() === "") errors.title = "Enter a title for the task.";
  if (values.dueDate.trim() === "") errors.dueDate = "Choose a due date.";
  else if (values.dueTime.trim() === "") errors.dueTime = "Choose a due time.";
  else if (toDueDate(values.dueDate, values.dueTime) === null) errors.dueDate = "This isn’t a valid date.";
  return errors;
}

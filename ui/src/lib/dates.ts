// Pure date formatting for the whole UI. Every function takes `now` explicitly (nothing
// here reads the clock) and an optional IANA `timeZone` (default: the user's zone), so it
// is fully testable. Dates arrive from the backend as ISO 8601 / RFC 3339 strings in UTC.
//
// Conventions: a missing date (null/undefined/"") formats to `null` so callers can omit
// it; a present but unparseable date formats to UNKNOWN_DATE. Nothing returns
// "Invalid Date". Times use a 24-hour clock ("09:00", "14:05"); text is English.

export const UNKNOWN_DATE = "Unknown date";

export type DateOptions = {
  /** IANA zone, e.g. "America/Denver". Defaults to the runtime's local zone. */
  timeZone?: string;
};

type MaybeDate = string | null | undefined;

const DAY_MS = 86_400_000;
const LOCALE = "en-US";

const formatterCache = new Map<string, Intl.DateTimeFormat>();

function formatter(options: Intl.DateTimeFormatOptions, timeZone: string | undefined): Intl.DateTimeFormat {
  const key = JSON.stringify([options, timeZone ?? ""]);
  let cached = formatterCache.get(key);
  if (cached === undefined) {
    cached = new Intl.DateTimeFormat(LOCALE, timeZone === undefined ? options : { ...options, timeZone });
    formatterCache.set(key, cached);
  }
  return cached;
}

const TIME: Intl.DateTimeFormatOptions = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
const WEEKDAY: Intl.DateTimeFormatOptions = { weekday: "short" };
const MONTH_DAY: Intl.DateTimeFormatOptions = { month: "short", day: "numeric" };
const MONTH_DAY_YEAR: Intl.DateTimeFormatOptions = { month: "short", day: "numeric", year: "numeric" };
const WEEKDAY_MONTH_DAY: Intl.DateTimeFormatOptions = { weekday: "short", month: "short", day: "numeric" };
const WEEKDAY_MONTH_DAY_YEAR: Intl.DateTimeFormatOptions = {
  weekday: "short",
  month: "short",
  day: "numeric",
  year: "numeric",
};
const NUMERIC_YMD: Intl.DateTimeFormatOptions = { year: "numeric", month: "numeric", day: "numeric" };

/** Parses an ISO 8601 string; returns null when it is missing or not a real date. */
export function parseDate(value: MaybeDate): Date | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed === "") return null;
  const date = new Date(trimmed);
  return Number.isNaN(date.getTime()) ? null : date;
}

function isMissing(value: MaybeDate): boolean {
  return value === null || value === undefined || value.trim() === "";
}

/** Year/month/day of `date` as seen on a wall calendar in the zone. */
function calendarParts(date: Date, timeZone: string | undefined): { year: number; month: number; day: number } {
  let year = 0;
  let month = 0;
  let day = 0;
  for (const part of formatter(NUMERIC_YMD, timeZone).formatToParts(date)) {
    if (part.type === "year") year = Number(part.value);
    else if (part.type === "month") month = Number(part.value);
    else if (part.type === "day") day = Number(part.value);
  }
  return { year, month, day };
}

/** A day number for the calendar date of `date` in the zone (consecutive days differ by 1). */
function dayNumber(date: Date, timeZone: string | undefined): number {
  const { year, month, day } = calendarParts(date, timeZone);
  return Math.round(Date.UTC(year, month - 1, day) / DAY_MS);
}

/** Calendar days from `now` to `date` in the zone: 0 today, 1 tomorrow, -1 yesterday. */
export function calendarDayDiff(date: Date, now: Date, options: DateOptions = {}): number {
  return dayNumber(date, options.timeZone) - dayNumber(now, options.timeZone);
}

function sameYear(date: Date, now: Date, timeZone: string | undefined): boolean {
  return calendarParts(date, timeZone).year === calendarParts(now, timeZone).year;
}

export function formatTime(date: Date, options: DateOptions = {}): string {
  return formatter(TIME, options.timeZone).format(date);
}

/** "Mar 3" in the current year, "Mar 3, 2025" otherwise. */
function shortDate(date: Date, now: Date, timeZone: string | undefined): string {
  return formatter(sameYear(date, now, timeZone) ? MONTH_DAY : MONTH_DAY_YEAR, timeZone).format(date);
}

function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/**
 * A task due date: "Today 14:00", "Tomorrow 10:00", "Yesterday", "Fri 09:00" (later this
 * week), otherwise "Mar 3" or "Mar 3, 2025".
 */
export function formatDueDate(value: MaybeDate, now: Date, options: DateOptions = {}): string | null {
  if (isMissing(value)) return null;
  const due = parseDate(value);
  if (due === null) return UNKNOWN_DATE;
  const { timeZone } = options;
  const diff = calendarDayDiff(due, now, options);
  const time = formatTime(due, options);
  if (diff === 0) return `Today ${time}`;
  if (diff === 1) return `Tomorrow ${time}`;
  if (diff === -1) return "Yesterday";
  if (diff >= 2 && diff <= 6) return `${formatter(WEEKDAY, timeZone).format(due)} ${time}`;
  return shortDate(due, now, timeZone);
}

/** True when an open task's due date has passed. */
export function isOverdue(value: MaybeDate, completed: boolean, now: Date): boolean {
  if (completed) return false;
  const due = parseDate(value);
  return due !== null && due.getTime() < now.getTime();
}

/** "Overdue since 09:00" (earlier today) or "3 days overdue"; null when not overdue. */
export function formatOverdue(
  value: MaybeDate,
  completed: boolean,
  now: Date,
  options: DateOptions = {},
): string | null {
  if (!isOverdue(value, completed, now)) return null;
  const due = parseDate(value) as Date;
  const days = -calendarDayDiff(due, now, options);
  if (days <= 0) return `Overdue since ${formatTime(due, options)}`;
  return `${plural(days, "day")} overdue`;
}

/**
 * How long ago, in words: "just now", "5 minutes ago", "2 hours ago", "yesterday",
 * "3 days ago", "2 weeks ago", "4 months ago", "2 years ago". A date in the future
 * (clock skew) shows as a plain date.
 */
export function formatRelative(value: MaybeDate, now: Date, options: DateOptions = {}): string | null {
  if (isMissing(value)) return null;
  const date = parseDate(value);
  if (date === null) return UNKNOWN_DATE;
  const elapsed = now.getTime() - date.getTime();
  if (elapsed < -60_000) return shortDate(date, now, options.timeZone);
  if (elapsed < 45_000) return "just now";
  const minutes = Math.max(1, Math.round(elapsed / 60_000));
  if (minutes < 60) return `${plural(minutes, "minute")} ago`;
  const hours = Math.floor(elapsed / 3_600_000);
  if (hours < 24) return `${plural(hours, "hour")} ago`;
  const days = Math.max(1, -calendarDayDiff(date, now, options));
  if (days === 1) return "yesterday";
  if (days < 7) return `${days} days ago`;
  if (days < 30) return `${plural(Math.floor(days / 7), "week")} ago`;
  if (days < 365) return `${plural(Math.max(1, Math.floor(days / 30.4375)), "month")} ago`;
  return `${plural(Math.floor(days / 365.25) || 1, "year")} ago`;
}

/** A note's date: "Just now", "25 minutes ago", "2 hours ago", else "Nov 20, 14:05". */
export function formatNoteDate(value: MaybeDate, now: Date, options: DateOptions = {}): string | null {
  if (isMissing(value)) return null;
  const date = parseDate(value);
  if (date === null) return UNKNOWN_DATE;
  const elapsed = now.getTime() - date.getTime();
  if (elapsed >= -60_000 && elapsed < 24 * 3_600_000) {
    const relative = formatRelative(value, now, options) ?? "";
    return relative.charAt(0).toUpperCase() + relative.slice(1);
  }
  return `${shortDate(date, now, options.timeZone)}, ${formatTime(date, options)}`;
}

/**
 * An appointment slot: "Tue, Nov 24 · 10:00–11:30"; the year is added outside the current
 * year, and an end on another day reads "Tue, Nov 24 · 22:00 – Wed, Nov 25 · 01:00".
 */
export function formatTimeRange(
  start: MaybeDate,
  end: MaybeDate,
  now: Date,
  options: DateOptions = {},
): string | null {
  if (isMissing(start)) return null;
  const startDate = parseDate(start);
  if (startDate === null) return UNKNOWN_DATE;
  const { timeZone } = options;
  const dayFormat = (date: Date) =>
    formatter(sameYear(date, now, timeZone) ? WEEKDAY_MONTH_DAY : WEEKDAY_MONTH_DAY_YEAR, timeZone).format(date);
  const head = `${dayFormat(startDate)} · ${formatTime(startDate, options)}`;
  const endDate = parseDate(end);
  if (endDate === null || endDate.getTime() <= startDate.getTime()) return head;
  if (calendarDayDiff(endDate, startDate, options) === 0) return `${head}–${formatTime(endDate, options)}`;
  return `${head} – ${dayFormat(endDate)} · ${formatTime(endDate, options)}`;
}

/** A calendar date with the year: "Mar 3, 2024". */
export function formatLongDate(value: MaybeDate, options: DateOptions = {}): string | null {
  if (isMissing(value)) return null;
  const date = parseDate(value);
  if (date === null) return UNKNOWN_DATE;
  return formatter(MONTH_DAY_YEAR, options.timeZone).format(date);
}

/** Full date and time for tooltips: "Tue, Nov 24, 2026, 10:00". */
export function formatFullDateTime(value: MaybeDate, options: DateOptions = {}): string | null {
  if (isMissing(value)) return null;
  const date = parseDate(value);
  if (date === null) return UNKNOWN_DATE;
  return `${formatter(WEEKDAY_MONTH_DAY_YEAR, options.timeZone).format(date)}, ${formatTime(date, options)}`;
}

/**
 * A birthday is a calendar date, not an instant: format it in UTC so it never shifts by
 * a day for users west of Greenwich. Accepts "1990-05-12" or a full timestamp.
 */
export function formatBirthday(value: MaybeDate): string | null {
  return formatLongDate(value, { timeZone: "UTC" });
}

import { describe, expect, it } from "vitest";
import {
  UNKNOWN_DATE,
  calendarDayDiff,
  formatBirthday,
  formatDueDate,
  formatFullDateTime,
  formatLongDate,
  formatNoteDate,
  formatOverdue,
  formatRelative,
  formatTimeRange,
  isOverdue,
  parseDate,
} from "./dates";

// Denver is UTC-7 in winter (MST) and UTC-6 in summer (MDT).
const DENVER = { timeZone: "America/Denver" };
const UTC = { timeZone: "UTC" };
// Thursday, Nov 20 2025, 10:00 in Denver.
const NOW = new Date("2025-11-20T17:00:00Z");

describe("parseDate", () => {
  it("parses RFC 3339 timestamps and date-only strings", () => {
    expect(parseDate("2025-11-20T17:00:00Z")?.toISOString()).toBe("2025-11-20T17:00:00.000Z");
    expect(parseDate("2025-11-20T10:00:00-07:00")?.toISOString()).toBe("2025-11-20T17:00:00.000Z");
    expect(parseDate("2025-11-20")?.toISOString()).toBe("2025-11-20T00:00:00.000Z");
  });

  it("returns null for missing or invalid input", () => {
    expect(parseDate(null)).toBeNull();
    expect(parseDate(undefined)).toBeNull();
    expect(parseDate("")).toBeNull();
    expect(parseDate("   ")).toBeNull();
    expect(parseDate("not a date")).toBeNull();
    expect(parseDate("2025-13-45T99:00:00Z")).toBeNull();
  });
});

describe("calendarDayDiff", () => {
  it("counts calendar days in the given zone, not 24-hour periods", () => {
    // 23:30 in Denver on Nov 20 is already Nov 21 in UTC.
    const lateEvening = new Date("2025-11-21T06:30:00Z");
    expect(calendarDayDiff(lateEvening, NOW, DENVER)).toBe(0);
    expect(calendarDayDiff(lateEvening, NOW, UTC)).toBe(1);
  });

  it("spans month and year boundaries", () => {
    expect(calendarDayDiff(new Date("2026-01-01T19:00:00Z"), new Date("2025-12-31T19:00:00Z"), DENVER)).toBe(1);
    expect(calendarDayDiff(new Date("2025-03-01T19:00:00Z"), new Date("2025-02-28T19:00:00Z"), DENVER)).toBe(1);
  });
});

describe("formatDueDate", () => {
  const due = (iso: string, now = NOW) => formatDueDate(iso, now, DENVER);

  it("says Today / Tomorrow with the time", () => {
    expect(due("2025-11-20T21:00:00Z")).toBe("Today 14:00");
    expect(due("2025-11-20T16:05:00Z")).toBe("Today 09:05");
    expect(due("2025-11-21T17:00:00Z")).toBe("Tomorrow 10:00");
  });

  it("says Yesterday without a time", () => {
    expect(due("2025-11-19T20:00:00Z")).toBe("Yesterday");
  });

  it("uses the weekday for the rest of the coming week", () => {
    expect(due("2025-11-22T16:00:00Z")).toBe("Sat 09:00");
    expect(due("2025-11-24T16:00:00Z")).toBe("Mon 09:00");
    expect(due("2025-11-26T16:00:00Z")).toBe("Wed 09:00");
  });

  it("uses a short date a week or more away, with the year outside this year", () => {
    expect(due("2025-11-27T16:00:00Z")).toBe("Nov 27");
    expect(due("2025-11-17T16:00:00Z")).toBe("Nov 17");
    expect(due("2025-03-03T16:00:00Z")).toBe("Mar 3");
    expect(due("2024-03-03T16:00:00Z")).toBe("Mar 3, 2024");
    expect(due("2026-01-05T16:00:00Z")).toBe("Jan 5, 2026");
  });

  it("decides today/tomorrow by the local calendar day", () => {
    // 23:30 Denver time is still today there, though tomorrow in UTC.
    expect(due("2025-11-21T06:30:00Z")).toBe("Today 23:30");
    expect(formatDueDate("2025-11-21T06:30:00Z", NOW, UTC)).toBe("Tomorrow 06:30");
  });

  it("handles the year boundary", () => {
    const newYearsEve = new Date("2026-01-01T05:00:00Z"); // Dec 31 2025, 22:00 in Denver
    expect(due("2026-01-01T16:00:00Z", newYearsEve)).toBe("Tomorrow 09:00");
    expect(due("2026-01-05T16:00:00Z", newYearsEve)).toBe("Mon 09:00");
    expect(due("2026-01-10T16:00:00Z", newYearsEve)).toBe("Jan 10, 2026");
    const newYearsDay = new Date("2026-01-01T17:00:00Z"); // Jan 1 2026, 10:00 in Denver
    expect(due("2026-01-01T04:00:00Z", newYearsDay)).toBe("Yesterday"); // Dec 31, 21:00
    expect(due("2025-12-20T17:00:00Z", newYearsDay)).toBe("Dec 20, 2025");
  });

  it("handles the switch to daylight saving time", () => {
    const beforeSwitch = new Date("2025-03-08T20:00:00Z"); // Sat Mar 8, 13:00 MST
    expect(due("2025-03-09T16:00:00Z", beforeSwitch)).toBe("Tomorrow 10:00"); // Sun Mar 9, 10:00 MDT
  });

  it("is null without a date and never says Invalid Date", () => {
    expect(formatDueDate(null, NOW, DENVER)).toBeNull();
    expect(formatDueDate(undefined, NOW, DENVER)).toBeNull();
    expect(formatDueDate("", NOW, DENVER)).toBeNull();
    expect(formatDueDate("soon", NOW, DENVER)).toBe(UNKNOWN_DATE);
  });

  it("uses the local zone by default", () => {
    // The test run's TZ is America/Denver (see vite.config.ts).
    expect(formatDueDate("2025-11-20T21:00:00Z", NOW)).toBe("Today 14:00");
  });
});

describe("isOverdue / formatOverdue", () => {
  const overdue = (iso: string | null, completed = false, now = NOW) => formatOverdue(iso, completed, now, DENVER);

  it("says since when for a task due earlier today", () => {
    expect(overdue("2025-11-20T16:00:00Z")).toBe("Overdue since 09:00");
    expect(overdue("2025-11-20T07:00:00Z")).toBe("Overdue since 00:00");
  });

  it("counts calendar days for older ones", () => {
    expect(overdue("2025-11-19T23:00:00Z")).toBe("1 day overdue");
    expect(overdue("2025-11-17T16:00:00Z")).toBe("3 days overdue");
    expect(overdue("2024-11-20T16:00:00Z")).toBe("365 days overdue");
  });

  it("counts a task due late yesterday as a day overdue just after midnight", () => {
    const justAfterMidnight = new Date("2025-11-21T07:10:00Z"); // Nov 21, 00:10 Denver
    expect(overdue("2025-11-21T06:30:00Z", false, justAfterMidnight)).toBe("1 day overdue");
  });

  it("is null for future, completed, undated or invalid tasks", () => {
    expect(overdue("2025-11-20T17:30:00Z")).toBeNull();
    expect(overdue("2025-11-17T16:00:00Z", true)).toBeNull();
    expect(overdue(null)).toBeNull();
    expect(overdue("garbage")).toBeNull();
    expect(isOverdue("2025-11-17T16:00:00Z", true, NOW)).toBe(false);
    expect(isOverdue("2025-11-17T16:00:00Z", false, NOW)).toBe(true);
    expect(isOverdue("2025-11-20T17:00:00Z", false, NOW)).toBe(false);
  });
});

describe("formatRelative", () => {
  const ago = (ms: number) => formatRelative(new Date(NOW.getTime() - ms).toISOString(), NOW, DENVER);
  const MIN = 60_000;
  const HOUR = 60 * MIN;
  const DAY = 24 * HOUR;

  it("covers seconds to years", () => {
    expect(ago(10_000)).toBe("just now");
    expect(ago(MIN)).toBe("1 minute ago");
    expect(ago(5 * MIN)).toBe("5 minutes ago");
    expect(ago(HOUR)).toBe("1 hour ago");
    expect(ago(2 * HOUR + 10 * MIN)).toBe("2 hours ago");
    expect(ago(DAY)).toBe("yesterday");
    expect(ago(3 * DAY)).toBe("3 days ago");
    expect(ago(7 * DAY)).toBe("1 week ago");
    expect(ago(15 * DAY)).toBe("2 weeks ago");
    expect(ago(45 * DAY)).toBe("1 month ago");
    expect(ago(130 * DAY)).toBe("4 months ago");
    expect(ago(365 * DAY)).toBe("1 year ago");
    expect(ago(800 * DAY)).toBe("2 years ago");
  });

  it("shows a date for the future and handles bad input", () => {
    expect(formatRelative("2025-12-25T17:00:00Z", NOW, DENVER)).toBe("Dec 25");
    expect(formatRelative(null, NOW, DENVER)).toBeNull();
    expect(formatRelative("nope", NOW, DENVER)).toBe(UNKNOWN_DATE);
  });
});

describe("formatNoteDate", () => {
  it("is relative within a day", () => {
    expect(formatNoteDate("2025-11-20T16:59:50Z", NOW, DENVER)).toBe("Just now");
    expect(formatNoteDate("2025-11-20T16:35:00Z", NOW, DENVER)).toBe("25 minutes ago");
    expect(formatNoteDate("2025-11-20T15:00:00Z", NOW, DENVER)).toBe("2 hours ago");
  });

  it("is a date and time beyond that", () => {
    expect(formatNoteDate("2025-11-18T21:05:00Z", NOW, DENVER)).toBe("Nov 18, 14:05");
    expect(formatNoteDate("2024-11-18T21:05:00Z", NOW, DENVER)).toBe("Nov 18, 2024, 14:05");
    expect(formatNoteDate("2025-12-01T21:05:00Z", NOW, DENVER)).toBe("Dec 1, 14:05");
  });

  it("handles bad input", () => {
    expect(formatNoteDate(null, NOW, DENVER)).toBeNull();
    expect(formatNoteDate("yesterday-ish", NOW, DENVER)).toBe(UNKNOWN_DATE);
  });
});

describe("formatTimeRange", () => {
  const range = (start: string | null, end: string | null, now = NOW) => formatTimeRange(start, end, now, DENVER);

  it("formats a same-day slot", () => {
    expect(range("2025-11-25T17:00:00Z", "2025-11-25T18:30:00Z")).toBe("Tue, Nov 25 · 10:00–11:30");
  });

  it("adds the year outside the current year", () => {
    expect(range("2026-01-06T16:00:00Z", "2026-01-06T17:00:00Z")).toBe("Tue, Jan 6, 2026 · 09:00–10:00");
    expect(range("2024-11-25T17:00:00Z", "2024-11-25T18:00:00Z")).toBe("Mon, Nov 25, 2024 · 10:00–11:00");
  });

  it("spells out an end on another day", () => {
    expect(range("2025-11-25T05:00:00Z", "2025-11-25T08:00:00Z")).toBe("Mon, Nov 24 · 22:00 – Tue, Nov 25 · 01:00");
  });

  it("shows only the start without a usable end", () => {
    expect(range("2025-11-25T17:00:00Z", null)).toBe("Tue, Nov 25 · 10:00");
    expect(range("2025-11-25T17:00:00Z", "bad")).toBe("Tue, Nov 25 · 10:00");
    expect(range("2025-11-25T17:00:00Z", "2025-11-25T16:00:00Z")).toBe("Tue, Nov 25 · 10:00");
  });

  it("handles a missing or invalid start", () => {
    expect(range(null, "2025-11-25T18:30:00Z")).toBeNull();
    expect(range("whenever", null)).toBe(UNKNOWN_DATE);
  });
});

describe("long dates", () => {
  it("formats calendar dates with the year", () => {
    expect(formatLongDate("2024-03-03T16:00:00Z", DENVER)).toBe("Mar 3, 2024");
    expect(formatLongDate(null, DENVER)).toBeNull();
    expect(formatLongDate("x", DENVER)).toBe(UNKNOWN_DATE);
    expect(formatFullDateTime("2025-11-25T17:00:00Z", DENVER)).toBe("Tue, Nov 25, 2025, 10:00");
  });

  it("never shifts a birthday by the time zone", () => {
    // Midnight UTC is the previous evening in Denver, the zone of this test run.
    expect(formatBirthday("1990-05-12")).toBe("May 12, 1990");
    expect(formatBirthday("1990-05-12T00:00:00Z")).toBe("May 12, 1990");
    expect(formatBirthday(null)).toBeNull();
    expect(formatBirthday("sometime in May")).toBe(UNKNOWN_DATE);
  });
});

describe("no function ever renders Invalid Date", () => {
  const garbage = ["", " ", "invalid", "2025-02-30T25:61:00Z", "NaN", "0000-00-00"];
  it.each(garbage)("%j", (value) => {
    const outputs = [
      formatDueDate(value, NOW),
      formatOverdue(value, false, NOW),
      formatRelative(value, NOW),
      formatNoteDate(value, NOW),
      formatTimeRange(value, value, NOW),
      formatLongDate(value),
      formatFullDateTime(value),
      formatBirthday(value),
    ];
    for (const output of outputs) {
      expect(String(output)).not.toMatch(/invalid|NaN/i);
    }
  });
});

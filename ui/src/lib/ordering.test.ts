import { describe, expect, it } from "vitest";
import type { Appointment, Note, Task } from "../bindings";
import { groupAppointments, orderNotes, orderTasks } from "./ordering";

const task = (id: string, dueDate: string | null, completed = false, title = id): Task => ({
  id,
  title,
  body: null,
  dueDate,
  completed,
  assignedTo: null,
  pending: false,
});

const note = (id: string, dateAdded: string | null, pinned = false): Note => ({
  id,
  title: null,
  body: id,
  dateAdded,
  pinned,
  color: null,
  pending: false,
});

const appt = (id: string, startTime: string | null, endTime: string | null = null): Appointment => ({
  id,
  title: id,
  status: "confirmed",
  startTime,
  endTime,
  address: null,
  notes: null,
});

const ids = (items: { id: string }[]) => items.map((item) => item.id);

describe("orderTasks", () => {
  it("puts open tasks first, soonest due first, undated or invalid last", () => {
    const tasks = [
      task("done-old", "2025-01-01T00:00:00Z", true),
      task("open-none", null),
      task("open-late", "2025-12-01T00:00:00Z"),
      task("done-new", "2025-11-01T00:00:00Z", true),
      task("open-early", "2025-11-01T00:00:00Z"),
      task("open-bad", "garbage"),
      task("done-none", null, true),
    ];
    expect(ids(orderTasks(tasks))).toEqual([
      "open-early",
      "open-late",
      "open-bad", // undated (invalid) and undated tie: by title
      "open-none",
      "done-new",
      "done-old",
      "done-none",
    ]);
  });

  it("breaks ties by title and does not mutate the input", () => {
    const tasks = [task("b", null, false, "Beta"), task("a", null, false, "alpha")];
    const copy = [...tasks];
    expect(ids(orderTasks(tasks))).toEqual(["a", "b"]);
    expect(tasks).toEqual(copy);
  });

  it("handles an empty list", () => {
    expect(orderTasks([])).toEqual([]);
  });
});

describe("orderNotes", () => {
  it("puts pinned notes on top, then newest first", () => {
    const notes = [
      note("old", "2025-01-01T00:00:00Z"),
      note("pinned-old", "2024-01-01T00:00:00Z", true),
      note("undated", null),
      note("new", "2025-11-01T00:00:00Z"),
      note("pinned-new", "2025-06-01T00:00:00Z", true),
    ];
    expect(ids(orderNotes(notes))).toEqual(["pinned-new", "pinned-old", "new", "old", "undated"]);
  });
});

describe("groupAppointments", () => {
  const now = new Date("2025-11-20T17:00:00Z");

  it("splits around now: upcoming soonest first, past most recent first", () => {
    const { upcoming, past } = groupAppointments(
      [
        appt("past-old", "2025-10-01T17:00:00Z", "2025-10-01T18:00:00Z"),
        appt("next-week", "2025-11-27T17:00:00Z", "2025-11-27T18:00:00Z"),
        appt("past-recent", "2025-11-19T17:00:00Z", "2025-11-19T18:00:00Z"),
        appt("tomorrow", "2025-11-21T17:00:00Z", "2025-11-21T18:00:00Z"),
      ],
      now,
    );
    expect(ids(upcoming)).toEqual(["tomorrow", "next-week"]);
    expect(ids(past)).toEqual(["past-recent", "past-old"]);
  });

  it("keeps an appointment in progress under upcoming", () => {
    const { upcoming, past } = groupAppointments([appt("now", "2025-11-20T16:30:00Z", "2025-11-20T17:30:00Z")], now);
    expect(ids(upcoming)).toEqual(["now"]);
    expect(past).toEqual([]);
  });

  it("uses the start when there is no (valid) end", () => {
    const { upcoming, past } = groupAppointments(
      [appt("started", "2025-11-20T16:30:00Z"), appt("later", "2025-11-20T18:00:00Z", "bad")],
      now,
    );
    expect(ids(upcoming)).toEqual(["later"]);
    expect(ids(past)).toEqual(["started"]);
  });

  it("lists appointments without a start time last under upcoming", () => {
    const { upcoming } = groupAppointments(
      [appt("unscheduled", null), appt("bad", "whenever"), appt("soon", "2025-11-21T17:00:00Z")],
      now,
    );
    expect(ids(upcoming)).toEqual(["soon", "bad", "unscheduled"]);
  });
});

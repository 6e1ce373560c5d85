// Runs in America/Denver (see vite.config.ts).
import { describe, expect, it } from "vitest";
import { checkTaskValues, defaultDue, dueParts, localParts, toDueDate } from "./taskForm";

describe("task due dates", () => {
  it("defaults to tomorrow at 09:00 local time", () => {
    expect(defaultDue(new Date("2026-03-04T22:30:00-07:00"))).toEqual({ date: "2026-03-05", time: "09:00" });
    // Late in the evening local time, though already tomorrow in UTC.
    expect(defaultDue(new Date("2026-03-05T05:30:00Z"))).toEqual({ date: "2026-03-05", time: "09:00" });
    // Month and year ends.
    expect(defaultDue(new Date("2026-12-31T10:00:00-07:00"))).toEqual({ date: "2027-01-01", time: "09:00" });
  });

  it("converts local date + time to a UTC instant", () => {
    expect(toDueDate("2026-03-05", "09:00")).toBe("2026-03-05T16:00:00.000Z"); // MST
    expect(toDueDate("2026-07-05", "09:00")).toBe("2026-07-05T15:00:00.000Z"); // MDT
    expect(toDueDate("2026-07-05", "09:00:30")).toBe("2026-07-05T15:00:00.000Z");
  });

  it("refuses missing or impossible values", () => {
    expect(toDueDate("", "09:00")).toBeNull();
    expect(toDueDate("2026-03-05", "")).toBeNull();
    expect(toDueDate("2026-02-30", "09:00")).toBeNull();
    expect(toDueDate("2026-13-01", "09:00")).toBeNull();
    expect(toDueDate("2026-03-05", "24:00")).toBeNull();
    expect(toDueDate("03/05/2026", "09:00")).toBeNull();
  });

  it("round-trips through the inputs' local parts", () => {
    const iso = "2026-11-24T17:15:00.000Z";
    const parts = dueParts(iso, new Date());
    expect(parts).toEqual({ date: "2026-11-24", time: "10:15" });
    expect(toDueDate(parts.date, parts.time)).toBe(iso);
    expect(localParts(new Date(2026, 0, 2, 3, 4))).toEqual({ date: "2026-01-02", time: "03:04" });
  });

  it("uses the default for a task without a due date", () => {
    expect(dueParts(null, new Date("2026-03-04T12:00:00-07:00"))).toEqual({ date: "2026-03-05", time: "09:00" });
  });
});

describe("checkTaskValues", () => {
  it("needs a title, a date and a time", () => {
    expect(checkTaskValues({ title: " ", body: "", dueDate: "", dueTime: "" })).toEqual({
      title: "Enter a title for the task.",
      dueDate: "Choose a due date.",
    });
    expect(checkTaskValues({ title: "Call", body: "", dueDate: "2026-03-05", dueTime: "" })).toEqual({
      dueTime: "Choose a due time.",
    });
    expect(checkTaskValues({ title: "Call", body: "", dueDate: "2026-02-30", dueTime: "09:00" })).toEqual({
      dueDate: "This isn’t a valid date.",
    });
    expect(checkTaskValues({ title: "Call", body: "", dueDate: "2026-03-05", dueTime: "09:00" })).toEqual({});
  });
});

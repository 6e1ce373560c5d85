import { describe, expect, it } from "vitest";
import {
  addressLines,
  avatarTone,
  capitalise,
  formatContactCount,
  formatPhone,
  formatStatus,
  initials,
  isCancelled,
  nameOf,
  statusTone,
  visibleTags,
} from "./format";

describe("formatPhone", () => {
  it("formats US numbers", () => {
    expect(formatPhone("+13035550142")).toBe("+1 (303) 555-0142");
    expect(formatPhone("3035550142")).toBe("(303) 555-0142");
    expect(formatPhone("13035550142")).toBe("+1 (303) 555-0142");
    expect(formatPhone("+1 303-555-0142")).toBe("+1 (303) 555-0142");
  });

  it("leaves other numbers as they are", () => {
    expect(formatPhone("+442079460958")).toBe("+442079460958");
    expect(formatPhone(" 555-0142 ")).toBe("555-0142");
    expect(formatPhone(null)).toBeNull();
    expect(formatPhone("  ")).toBeNull();
  });
});

describe("initials and names", () => {
  const c = (displayName: string, firstName: string | null = null, lastName: string | null = null, email: string | null = null) => ({
    displayName,
    firstName,
    lastName,
    email,
  });

  it("prefers first and last name", () => {
    expect(initials(c("whatever", "maria", "garcía"))).toBe("MG");
    expect(initials(c("", "Cher", null))).toBe("C");
  });

  it("falls back to the display name, then the email", () => {
    expect(initials(c("Mary Ann O'Neil"))).toBe("MO");
    expect(initials(c("  élodie  "))).toBe("É");
    expect(initials(c("", null, null, "zed@example.com"))).toBe("Z");
    expect(initials(c(""))).toBe("?");
  });

  it("names a contact even without a display name", () => {
    expect(nameOf(c("Ann Lee"))).toBe("Ann Lee");
    expect(nameOf(c("", "Ann", "Lee"))).toBe("Ann Lee");
    expect(nameOf(c("", null, null, "ann@example.com"))).toBe("ann@example.com");
    expect(nameOf(c(" "))).toBe("Unnamed contact");
  });

  it("gives a stable avatar tone", () => {
    expect(avatarTone("abc")).toBe(avatarTone("abc"));
    expect(avatarTone("abc")).toBeGreaterThanOrEqual(0);
    expect(avatarTone("abc")).toBeLessThan(8);
  });
});

describe("formatContactCount", () => {
  it("counts all contacts or matches", () => {
    expect(formatContactCount(5000, "")).toBe("5,000 contacts");
    expect(formatContactCount(1, "")).toBe("1 contact");
    expect(formatContactCount(0, "")).toBe("No contacts yet");
    expect(formatContactCount(12, "smith")).toBe("12 matches for “smith”");
    expect(formatContactCount(1, " smith ")).toBe("1 match for “smith”");
    expect(formatContactCount(0, "xyz")).toBe("No contacts match “xyz”");
  });
});

describe("tags, statuses, addresses", () => {
  it("shows up to three tags and counts the rest", () => {
    expect(visibleTags(["a", "b"])).toEqual({ shown: ["a", "b"], more: 0 });
    expect(visibleTags(["a", "b", "c", "d", "e"])).toEqual({ shown: ["a", "b", "c"], more: 2 });
  });

  it("labels and colours statuses", () => {
    expect(formatStatus("confirmed")).toBe("Confirmed");
    expect(formatStatus("noshow")).toBe("No-show");
    expect(formatStatus("no_show")).toBe("No-show");
    expect(formatStatus(null)).toBeNull();
    expect(statusTone("showed")).toBe("positive");
    expect(statusTone("cancelled")).toBe("muted");
    expect(statusTone("noshow")).toBe("negative");
    expect(statusTone("booked")).toBe("info");
    expect(isCancelled("Cancelled")).toBe(true);
    expect(isCancelled("confirmed")).toBe(false);
    expect(capitalise("lead")).toBe("Lead");
    expect(capitalise(null)).toBeNull();
  });

  it("builds address lines, leaving out empty parts", () => {
    expect(
      addressLines({ address1: "12 Main St", city: "Denver", state: "CO", postalCode: "80202", country: "US" }),
    ).toEqual(["12 Main St", "Denver, CO 80202", "US"]);
    expect(addressLines({ address1: null, city: "Denver", state: null, postalCode: null, country: " " })).toEqual([
      "Denver",
    ]);
    expect(addressLines({ address1: null, city: null, state: null, postalCode: null, country: null })).toEqual([]);
  });
});

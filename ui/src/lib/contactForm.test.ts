import { describe, expect, it } from "vitest";
import type { ContactDetail } from "../bindings";
import {
  CONTACT_FIELDS,
  NEED_ONE_MESSAGE,
  checkContactValues,
  contactValuesOf,
  emailProblem,
  emptyContactValues,
  fieldOfMessage,
  serverFieldErrors,
  toCreateForm,
  toUpdateForm,
  type ContactValues,
} from "./contactForm";

function values(overrides: Partial<ContactValues> = {}): ContactValues {
  return { ...emptyContactValues(), ...overrides };
}

describe("emailProblem", () => {
  it.each(["ann@example.com", "ann.lee+jobs@mail.example.co.uk", " ann@example.com ", "josé@exämple.de"])(
    "accepts %s",
    (email) => expect(emailProblem(email)).toBeNull(),
  );
  it.each([
    "ann",
    "ann@",
    "@example.com",
    "ann@example",
    "ann@example.c",
    "ann@example.123",
    "ann lee@example.com",
    "ann@@example.com",
    ".ann@example.com",
    "ann.@example.com",
    "an..n@example.com",
    "ann@-example.com",
    "ann@example..com",
    "ann@exa_mple.com",
    "ann,lee@example.com",
  ])("rejects %s", (email) => expect(emailProblem(email)).toMatch(/name@example\.com/));
});

describe("checkContactValues", () => {
  it("needs a name, an email or a phone", () => {
    expect(checkContactValues(values({ companyName: "Acme" })).formError).toBe(NEED_ONE_MESSAGE);
    expect(checkContactValues(values({ firstName: "Ann" })).formError).toBeNull();
    expect(checkContactValues(values({ lastName: "Lee" })).formError).toBeNull();
    expect(checkContactValues(values({ email: "ann@example.com" })).formError).toBeNull();
    expect(checkContactValues(values({ phone: "3035550142" })).formError).toBeNull();
    expect(checkContactValues(values({ firstName: "   " })).formError).toBe(NEED_ONE_MESSAGE);
  });

  it("checks the email and the phone, and normalises the phone", () => {
    const bad = checkContactValues(values({ firstName: "Ann", email: "ann@", phone: "555-0142" }));
    expect(bad.errors.email).toMatch(/name@example\.com/);
    expect(bad.errors.phone).toMatch(/too short/);
    const good = checkContactValues(values({ firstName: "Ann", phone: "(303) 555-0142" }));
    expect(good.errors).toEqual({});
    expect(good.phoneE164).toBe("+13035550142");
  });

  it("doesn't re-check values left as they were when editing", () => {
    const initial = values({ firstName: "Ann", email: "legacy@localhost", phone: "555-0142" });
    expect(checkContactValues(initial, initial).errors).toEqual({});
    expect(checkContactValues({ ...initial, email: "still@bad" }, initial).errors.email).toBeDefined();
  });
});

describe("toCreateForm", () => {
  it("trims, leaves empty fields out and sends the phone in E.164", () => {
    const form = toCreateForm(values({ firstName: " Ann ", lastName: "Lee", phone: "303.555.0142", city: "" }));
    expect(form).toEqual({
      firstName: "Ann",
      lastName: "Lee",
      email: null,
      phone: "+13035550142",
      companyName: null,
      address1: null,
      city: null,
      state: null,
      postalCode: null,
      country: null,
      website: null,
      source: null,
    });
  });
});

describe("toUpdateForm", () => {
  const initial = values({ firstName: "Ann", lastName: "Lee", phone: "+13035550142", city: "Denver" });

  it("sends only what changed, and '' to clear", () => {
    const { form, changed } = toUpdateForm(initial, { ...initial, lastName: "Lee-Smith", city: "  " });
    expect(changed).toEqual(["lastName", "city"]);
    expect(form.lastName).toBe("Lee-Smith");
    expect(form.city).toBe("");
    for (const field of CONTACT_FIELDS.filter((f) => !changed.includes(f))) expect(form[field]).toBeNull();
  });

  it("treats a re-typed but equal phone as unchanged", () => {
    expect(toUpdateForm(initial, { ...initial, phone: "(303) 555-0142" }).changed).toEqual([]);
    const { form } = toUpdateForm(initial, { ...initial, phone: "720 555 0199" });
    expect(form.phone).toBe("+17205550199");
  });

  it("finds nothing changed for untouched values", () => {
    expect(toUpdateForm(initial, { ...initial, firstName: " Ann " }).changed).toEqual([]);
  });
});

describe("contactValuesOf", () => {
  it("turns nulls into empty strings", () => {
    const detail = { firstName: "Ann", lastName: null, email: null, phone: "+13035550142" } as unknown as ContactDetail;
    const v = contactValuesOf(detail);
    expect(v.firstName).toBe("Ann");
    expect(v.lastName).toBe("");
    expect(v.website).toBe("");
  });
});

describe("server validation errors", () => {
  it("finds the field a message names", () => {
    expect(fieldOfMessage("phone: is too short")).toBe("phone");
    expect(fieldOfMessage("email must be an email")).toBe("email");
    expect(fieldOfMessage("postalCode must be shorter than 10 characters")).toBe("postalCode");
    expect(fieldOfMessage("Something else broke")).toBeNull();
  });

  it("splits details.messages per field", () => {
    const result = serverFieldErrors({
      code: "validation",
      message: "GoHighLevel rejected the request: phone: is too short; email must be an email; nope",
      details: { messages: ["phone: is too short", "email must be an email", "nope"] },
    });
    expect(result.errors).toEqual({ phone: "Phone is too short", email: "Email must be an email" });
    expect(result.unmatched).toEqual(["nope"]);
  });

  it("reads the message when there are no details", () => {
    const result = serverFieldErrors({ code: "validation", message: "GoHighLevel rejected the request: email: is not a valid email address", details: null });
    expect(result.errors).toEqual({ email: "Email is not a valid email address" });
  });

  it("leaves other errors alone", () => {
    expect(serverFieldErrors({ code: "network", message: "phone down", details: null })).toEqual({ errors: {}, unmatched: [] });
  });
});

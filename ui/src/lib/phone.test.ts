import { describe, expect, it } from "vitest";
import { PHONE_MESSAGES, isE164, normalizePhone, type PhoneProblem } from "./phone";

function e164(input: string, cc?: string): string | null {
  const result = normalizePhone(input, cc);
  return result.ok ? result.e164 : null;
}

function problem(input: string, cc?: string): PhoneProblem | null {
  const result = normalizePhone(input, cc);
  return result.ok ? null : result.problem;
}

describe("normalizePhone: North American spellings", () => {
  it.each([
    "(303) 555-0142",
    "303.555.0142",
    "+1 303 555 0142",
    "1-303-555-0142",
    "3035550142",
    "13035550142",
    "+13035550142",
    " +1 (303) 555-0142 ",
    "001 303 555 0142",
    "303/555/0142",
    "303\u00a0555\u00a00142",
    "(303)555-0142",
    "+1-303-555-0142",
    "1 (303) 555 0142",
  ])("%s → +13035550142", (input) => {
    expect(e164(input)).toBe("+13035550142");
  });

  it("uses 1 as the default country code", () => {
    expect(normalizePhone("720 555 0199")).toEqual({ ok: true, e164: "+17205550199" });
  });
});

describe("normalizePhone: other countries", () => {
  it("keeps an explicit + country code", () => {
    expect(e164("+44 20 7946 0958")).toBe("+442079460958");
    expect(e164("+49 30 123456")).toBe("+4930123456");
    expect(e164("+61 2 9374 4000")).toBe("+61293744000");
  });

  it("treats a leading 00 as international", () => {
    expect(e164("0049 30 123456")).toBe("+4930123456");
    expect(e164("0044 20 7946 0958")).toBe("+442079460958");
  });

  it("reads a leading 00 as international even inside brackets, like the backend", () => {
    expect(e164("(003) 555-0142")).toBe("+35550142");
  });

  it("uses another default country code and drops one trunk 0", () => {
    expect(e164("020 7946 0958", "44")).toBe("+442079460958");
    expect(e164("20 7946 0958", "44")).toBe("+442079460958");
    expect(e164("030 123456", "49")).toBe("+4930123456");
  });

  it("rejects a bad default country code", () => {
    expect(problem("3035550142", "01")).toBe("default_country");
    expect(problem("3035550142", "x")).toBe("default_country");
    expect(problem("3035550142", "1234")).toBe("default_country");
    expect(problem("3035550142", "")).toBe("default_country");
  });
});

describe("normalizePhone: rejections", () => {
  it.each<[string, PhoneProblem]>([
    ["", "empty"],
    ["   ", "empty"],
    ["303-555-CALL", "letters"],
    ["303 555 0142 ext 5", "letters"],
    ["303 555 0142 x5", "letters"],
    ["555-0142", "too_short"],
    ["+1 303 555 01", "too_short"],
    ["+44 1234", "too_short"],
    ["12345678901234567", "too_long"],
    ["+1234567890123456", "too_long"],
    ["303555014200", "too_long"],
    ["23035550142", "too_long"],
    ["123456789012345678901", "too_long"],
    ["+1 303 555 01422", "too_long"],
    ["+0 303 555 0142", "country_code"],
    ["+", "country_code"],
    ["000 303 555 0142", "country_code"],
    ["(103) 555-0142", "area_code"],
    ["+1 103 555 0142", "area_code"],
    ["303#555#0142", "characters"],
    ["3+03 555 0142", "characters"],
    ["303_555_0142", "characters"],
    ["303\t555\t0142", "characters"],
    ["++1 303 555 0142", "characters"],
  ])("%j → %s", (input, expected) => {
    expect(problem(input)).toBe(expected);
  });

  it("explains each problem without repeating the input", () => {
    const result = normalizePhone("303-555-CALL");
    expect(result).toEqual({ ok: false, problem: "letters", message: PHONE_MESSAGES.letters });
    for (const message of Object.values(PHONE_MESSAGES)) {
      expect(message).not.toMatch(/CALL/);
      expect(message.length).toBeGreaterThan(10);
    }
  });

  it("only ever returns E.164 on success", () => {
    const inputs = ["(303) 555-0142", "+44 20 7946 0958", "0049 30 123456", "5550142", "+1", "abc", "1 2 3"];
    for (const input of inputs) {
      const result = normalizePhone(input);
      if (result.ok) expect(isE164(result.e164)).toBe(true);
    }
  });

  it("is idempotent on its own output", () => {
    for (const input of ["(303) 555-0142", "+44 20 7946 0958", "0049 30 123456"]) {
      const first = e164(input)!;
      expect(e164(first)).toBe(first);
    }
  });
});

describe("isE164", () => {
  it("accepts + and 8–15 digits", () => {
    expect(isE164("+13035550142")).toBe(true);
    expect(isE164("+4930123456")).toBe(true);
    expect(isE164("13035550142")).toBe(false);
    expect(isE164("+03035550142")).toBe(false);
    expect(isE164("+1303")).toBe(false);
    expect(isE164("+1 303 555 0142")).toBe(false);
  });
});

// Phone numbers as people type them → E.164 ("+13035550142"). Mirrors the Rust
// `ghl::validate::normalize_phone` rules, so the form rejects exactly what the backend
// would (the backend checks again before sending anything to GoHighLevel).
//
// Accepted: digits with the usual separators (spaces, - . / ( ) and non-breaking
// spaces), an optional leading "+" (or "00") for an international number. Anything
// else is a national number in the default country: for "1" (North America) 10
// digits, optionally preceded by the trunk "1"; elsewhere one leading trunk "0" is
// dropped.

export type PhoneProblem =
  | "empty"
  | "letters"
  | "characters"
  | "too_short"
  | "too_long"
  | "country_code"
  | "area_code"
  | "default_country";

export type PhoneResult = { ok: true; e164: string } | { ok: false; problem: PhoneProblem; message: string };

/** What to tell the user for each problem (the input itself is never repeated). */
export const PHONE_MESSAGES: Record<PhoneProblem, string> = {
  empty: "Enter a phone number.",
  letters: "A phone number can’t contain letters. Put an extension in a note instead.",
  characters: "Use only digits, spaces, a leading + and - . / ( ).",
  too_short: "This number is too short. Include the area code, e.g. (303) 555-0142.",
  too_long: "This number is too long for a phone number.",
  country_code: "The country code can’t start with 0. Use + and the country code, e.g. +44 20 7946 0958.",
  area_code: "US and Canadian area codes don’t start with 0 or 1.",
  default_country: "The default country calling code must be 1 to 3 digits.",
};

function fail(problem: PhoneProblem): PhoneResult {
  return { ok: false, problem, message: PHONE_MESSAGES[problem] };
}

const SEPARATORS = new Set([" ", "-", ".", "/", "(", ")", "\u00a0"]);

/**
 * Normalises `input` to E.164. `defaultCountryCode` is the calling code used for
 * numbers typed without "+": "1" (the default) for the US and Canada.
 */
export function normalizePhone(input: string, defaultCountryCode = "1"): PhoneResult {
  const cc = defaultCountryCode.trim();
  if (!/^[1-9]\d{0,2}$/.test(cc)) return fail("default_country");

  const s = input.trim();
  if (s === "") return fail("empty");

  let digits = "";
  let plus = false;
  let index = 0;
  for (const ch of s) {
    if (ch >= "0" && ch <= "9") digits += ch;
    else if (ch === "+" && index === 0) plus = true;
    else if (SEPARATORS.has(ch)) {
      // ignored
    } else if (/\p{L}/u.test(ch)) return fail("letters");
    else return fail("characters");
    index += 1;
  }
  if (digits.length > 20) return fail("too_long");

  let international: string;
  if (plus) {
    international = digits;
  } else if (digits.startsWith("00")) {
    international = digits.slice(2);
  } else if (cc === "1") {
    if (digits.length === 10) international = `1${digits}`;
    else if (digits.length === 11 && digits.startsWith("1")) international = digits;
    else if (digits.length < 10) return fail("too_short");
    else return fail("too_long");
  } else {
    international = cc + (digits.startsWith("0") ? digits.slice(1) : digits);
  }

  if (international === "" || international.startsWith("0")) return fail("country_code");
  if (international.length < 8) return fail("too_short");
  if (international.length > 15) return fail("too_long");
  // +1 numbers are North American: exactly 10 digits after the 1, and area codes never
  // start with 0 or 1.
  if (international.startsWith("1")) {
    const nanp = international.slice(1);
    if (nanp.length < 10) return fail("too_short");
    if (nanp.length > 10) return fail("too_long");
    if (nanp.startsWith("0") || nanp.startsWith("1")) return fail("area_code");
  }
  return { ok: true, e164: `+${international}` };
}

/** True for a string already in E.164 form ("+" and 8–15 digits, no leading 0). */
export function isE164(value: string): boolean {
  return /^\+[1-9]\d{7,14}$/.test(value);
}

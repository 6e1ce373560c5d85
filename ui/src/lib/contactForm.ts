// Pure rules of the contact form: values ↔ ContactForm, validation, what changed, and
// which field a server-side validation message is about.
import type { AppError, ContactDetail, ContactForm } from "../bindings";
import { normalizePhone } from "./phone";

export type ContactField = keyof ContactForm;

/** Every ContactForm key, in form order. tsc fails here when Rust adds or drops one. */
const FIELD_LABELS: Record<ContactField, string> = {
  firstName: "First name",
  lastName: "Last name",
  email: "Email",
  phone: "Phone",
  companyName: "Company",
  address1: "Street address",
  city: "City",
  state: "State",
  postalCode: "Postal code",
  country: "Country",
  website: "Website",
  source: "Source",
};

export const CONTACT_FIELDS = Object.keys(FIELD_LABELS) as ContactField[];

export function fieldLabel(field: ContactField): string {
  return FIELD_LABELS[field];
}

/** What the inputs hold: always strings ("" = empty). */
export type ContactValues = Record<ContactField, string>;
export type FieldErrors = Partial<Record<ContactField, string>>;

export function emptyContactValues(): ContactValues {
  const values = {} as ContactValues;
  for (const field of CONTACT_FIELDS) values[field] = "";
  return values;
}

export function contactValuesOf(detail: ContactDetail): ContactValues {
  const values = emptyContactValues();
  for (const field of CONTACT_FIELDS) values[field] = detail[field] ?? "";
  return values;
}

/** A syntax check of an email address, the same as the backend's. Returns an error or null. */
export function emailProblem(input: string): string | null {
  const s = input.trim();
  const bad = "Enter an email address like name@example.com.";
  if (s === "") return "Enter an email address.";
  if (s.length > 254) return bad;
  const at = s.lastIndexOf("@");
  if (at < 0) return bad;
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  const localOk =
    local.length > 0 &&
    local.length <= 64 &&
    !local.startsWith(".") &&
    !local.endsWith(".") &&
    !local.includes("..") &&
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    !/[\s\u0000-\u001f\u007f@,;:<>()[\]\\"]/u.test(local);
  const labels = domain.split(".");
  const tld = labels[labels.length - 1] ?? "";
  const domainOk =
    labels.length >= 2 &&
    labels.every(
      (label) =>
        label.length > 0 &&
        label.length <= 63 &&
        !label.startsWith("-") &&
        !label.endsWith("-") &&
        /^[\p{L}\p{N}-]+$/u.test(label),
    ) &&
    [...tld].length >= 2 &&
    !/^\d+$/.test(tld);
  return localOk && domainOk ? null : bad;
}

export const NEED_ONE_MESSAGE = "Enter at least a name, an email or a phone number.";

export type ContactCheck = {
  /** Problems per field. */
  errors: FieldErrors;
  /** A problem with the form as a whole (no way to identify the contact). */
  formError: string | null;
  /** The phone in E.164, when one is entered and valid. */
  phoneE164: string | null;
};

function same(a: string, b: string): boolean {
  return a.trim() === b.trim();
}

/**
 * Checks the values before anything is sent. With `initial` (editing), fields left as
 * they were are not re-checked: a legacy value the backend accepted once stays editable
 * around.
 */
export function checkContactValues(values: ContactValues, initial?: ContactValues): ContactCheck {
  const errors: FieldErrors = {};
  let phoneE164: string | null = null;

  const email = values.email.trim();
  if (email !== "" && !(initial && same(values.email, initial.email))) {
    const problem = emailProblem(email);
    if (problem) errors.email = problem;
  }

  const phone = values.phone.trim();
  if (phone !== "") {
    const result = normalizePhone(phone);
    if (result.ok) phoneE164 = result.e164;
    else if (!(initial && same(values.phone, initial.phone))) errors.phone = result.message;
  }

  const identified = ["firstName", "lastName", "email", "phone"].some(
    (field) => values[field as ContactField].trim() !== "",
  );
  return { errors, formError: identified ? null : NEED_ONE_MESSAGE, phoneE164 };
}

/** The value to send for a field: trimmed; the phone in E.164 when it can be. */
function outgoing(field: ContactField, value: string): string {
  const trimmed = value.trim();
  if (field === "phone" && trimmed !== "") {
    const result = normalizePhone(trimmed);
    return result.ok ? result.e164 : trimmed;
  }
  return trimmed;
}

function allNull(): ContactForm {
  const form = {} as ContactForm;
  for (const field of CONTACT_FIELDS) form[field] = null;
  return form;
}

/** A new contact: empty fields are null (not sent). */
export function toCreateForm(values: ContactValues): ContactForm {
  const form = allNull();
  for (const field of CONTACT_FIELDS) {
    const value = outgoing(field, values[field]);
    form[field] = value === "" ? null : value;
  }
  return form;
}

/**
 * Changes to a contact: unchanged fields are null (left as they are), a cleared field is
 * "" (cleared in GoHighLevel). A phone typed differently but normalising to the stored
 * number is not a change.
 */
export function toUpdateForm(initial: ContactValues, values: ContactValues): { form: ContactForm; changed: ContactField[] } {
  const form = allNull();
  const changed: ContactField[] = [];
  for (const field of CONTACT_FIELDS) {
    const before = initial[field].trim();
    const after = outgoing(field, values[field]);
    if (after === before || (field === "phone" && after !== "" && after === outgoing("phone", before))) continue;
    form[field] = after;
    changed.push(field);
  }
  return { form, changed };
}

const ALIASES: Record<string, ContactField> = {
  firstname: "firstName",
  first_name: "firstName",
  lastname: "lastName",
  last_name: "lastName",
  email: "email",
  phone: "phone",
  companyname: "companyName",
  company_name: "companyName",
  company: "companyName",
  address1: "address1",
  address: "address1",
  city: "city",
  state: "state",
  postalcode: "postalCode",
  postal_code: "postalCode",
  zip: "postalCode",
  country: "country",
  website: "website",
  source: "source",
};

/** The contact field a validation message is about, if it names one ("phone: is too short"). */
export function fieldOfMessage(message: string): ContactField | null {
  const words = message.match(/[A-Za-z][A-Za-z0-9_]*/g) ?? [];
  for (const word of words) {
    const field = ALIASES[word.toLowerCase()];
    if (field) return field;
  }
  return null;
}

/** "phone: is too short" → "Phone is too short"; other messages are kept as they are. */
function phrase(field: ContactField, message: string): string {
  const match = /^\s*([A-Za-z][A-Za-z0-9_]*)\s*:?\s*([\s\S]*)$/.exec(message);
  if (match && ALIASES[(match[1] ?? "").toLowerCase()] === field && (match[2] ?? "").trim() !== "") {
    return `${fieldLabel(field)} ${(match[2] ?? "").trim()}`;
  }
  return message.trim();
}

/**
 * Splits a rejected save into messages per field (shown under the inputs) and the rest
 * (shown above the form). Only `validation` errors are split.
 */
export function serverFieldErrors(error: AppError): { errors: FieldErrors; unmatched: string[] } {
  const errors: FieldErrors = {};
  const unmatched: string[] = [];
  if (error.code !== "validation") return { errors, unmatched };
  const details = error.details as { messages?: unknown } | null | undefined;
  let messages: string[];
  if (details && Array.isArray(details.messages) && details.messages.every((m) => typeof m === "string")) {
    messages = details.messages as string[];
  } else {
    const text = error.message.replace(/^GoHighLevel rejected the request:\s*/i, "");
    messages = text.split(/;\s*/).filter((m) => m.trim() !== "");
  }
  for (const message of messages) {
    const field = fieldOfMessage(message);
    if (field === null) {
      unmatched.push(message.trim());
      continue;
    }
    const text = phrase(field, message);
    errors[field] = errors[field] ? `${errors[field]} ${text}` : text;
  }
  return { errors, unmatched };
}

// Pure display helpers for contacts (no dates here: see dates.ts).

const NUMBER = new Intl.NumberFormat("en-US");

export function formatNumber(value: number): string {
  return NUMBER.format(value);
}

/**
 * Formats a phone number for display. US/Canada numbers (E.164 "+13035550142", or ten
 * digits) become "+1 (303) 555-0142" / "(303) 555-0142"; anything else is shown as given.
 */
export function formatPhone(phone: string | null | undefined): string | null {
  if (phone === null || phone === undefined) return null;
  const trimmed = phone.trim();
  if (trimmed === "") return null;
  const compact = trimmed.replace(/[\s().-]/g, "");
  const nanp = /^(?:\+?1)?([2-9]\d{2})([2-9]\d{2})(\d{4})$/.exec(compact);
  if (nanp !== null) {
    const [, area, exchange, line] = nanp;
    const local = `(${area}) ${exchange}-${line}`;
    return compact.startsWith("+") || compact.length === 11 ? `+1 ${local}` : local;
  }
  return trimmed;
}

function firstLetter(word: string | null | undefined): string {
  if (!word) return "";
  const match = /[\p{L}\p{N}]/u.exec(word);
  return match ? match[0].toLocaleUpperCase("en-US") : "";
}

type Named = {
  displayName: string;
  firstName: string | null;
  lastName: string | null;
  email?: string | null;
};

/** One or two letters for an avatar: first + last name, else from the display name. */
export function initials(contact: Named): string {
  const fromNames = firstLetter(contact.firstName) + firstLetter(contact.lastName);
  if (fromNames !== "") return fromNames;
  const words = contact.displayName.trim().split(/\s+/).filter((word) => firstLetter(word) !== "");
  if (words.length > 0) {
    const first = firstLetter(words[0]);
    const last = words.length > 1 ? firstLetter(words[words.length - 1]) : "";
    return first + last;
  }
  const fromEmail = firstLetter(contact.email);
  return fromEmail !== "" ? fromEmail : "?";
}

/** The name to show; falls back when the backend has none. */
export function nameOf(contact: Named): string {
  const name = contact.displayName.trim();
  if (name !== "") return name;
  const joined = [contact.firstName, contact.lastName].filter(Boolean).join(" ").trim();
  if (joined !== "") return joined;
  return contact.email?.trim() || "Unnamed contact";
}

const AVATAR_TONES = 8;

/** A stable avatar colour index (0–7) for an id. */
export function avatarTone(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i += 1) {
    hash = (hash * 31 + id.charCodeAt(i)) | 0;
  }
  return Math.abs(hash) % AVATAR_TONES;
}

/** The first `max` tags and how many more there are. */
export function visibleTags(tags: readonly string[], max = 3): { shown: string[]; more: number } {
  return { shown: tags.slice(0, max), more: Math.max(0, tags.length - max) };
}

/**
 * The count line above the contact list. `total` is null when a search has more matches
 * than the `loaded` rows ("100+ matches").
 */
export function formatContactCount(total: number | null, query: string, loaded = 0): string {
  const q = query.trim();
  if (total === null) {
    const atLeast = `${formatNumber(loaded)}+`;
    return q === "" ? `${atLeast} contacts` : `${atLeast} matches for “${q}”`;
  }
  if (q === "") {
    if (total === 0) return "No contacts yet";
    return `${formatNumber(total)} ${total === 1 ? "contact" : "contacts"}`;
  }
  if (total === 0) return `No contacts match “${q}”`;
  return `${formatNumber(total)} ${total === 1 ? "match" : "matches"} for “${q}”`;
}

/** "new" → "New", "no_show"/"noshow" → "No-show", "in progress" → "In progress". */
export function formatStatus(status: string | null | undefined): string | null {
  if (!status) return null;
  const normalised = status.trim().toLowerCase().replace(/[_-]+/g, " ");
  if (normalised === "") return null;
  if (normalised === "noshow" || normalised === "no show") return "No-show";
  return normalised.charAt(0).toUpperCase() + normalised.slice(1);
}

/** A CSS-class-safe key for a status, used to colour its chip. */
export function statusTone(status: string | null | undefined): "positive" | "info" | "negative" | "muted" | "warning" {
  const s = (status ?? "").trim().toLowerCase().replace(/[_\s-]+/g, "");
  if (s === "showed" || s === "completed" || s === "confirmed") return "positive";
  if (s === "cancelled" || s === "canceled") return "muted";
  if (s === "noshow" || s === "invalid") return "negative";
  if (s === "new" || s === "booked" || s === "pending" || s === "rescheduled") return "info";
  return "warning";
}

export function isCancelled(status: string | null | undefined): boolean {
  const s = (status ?? "").trim().toLowerCase();
  return s === "cancelled" || s === "canceled";
}

/** Address lines: street; "City, ST 80202"; country. Empty parts are left out. */
export function addressLines(address: {
  address1: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
}): string[] {
  const clean = (value: string | null) => (value ?? "").trim();
  const street = clean(address.address1);
  const city = clean(address.city);
  const regionLine = [clean(address.state), clean(address.postalCode)].filter(Boolean).join(" ");
  const locality = [city, regionLine].filter(Boolean).join(", ");
  const country = clean(address.country);
  return [street, locality, country].filter(Boolean);
}

/** "lead" → "Lead". */
export function capitalise(value: string | null | undefined): string | null {
  const v = (value ?? "").trim();
  return v === "" ? null : v.charAt(0).toUpperCase() + v.slice(1);
}

// The fake backend's Houzz Pro import, for running the UI in a plain browser: a small CSV
// reader (UTF-8 only, no XLSX), header recognition by the common names, the same checks
// as the Rust side in simpler form, and an import into the fake's contacts with progress.
import type {
  ContactDetail,
  ContactForm,
  DuplicateMatch,
  ImportField,
  ImportPreview,
  ImportProgress,
  ImportRow,
  ImportSummary,
} from "../bindings";

export type FakeImportContacts = {
  findDuplicate: (email: string | null, phone: string | null) => DuplicateMatch | null;
  createContact: (form: ContactForm) => ContactDetail;
};

type OpenFile = { fileName: string; headers: string[]; rows: string[][] };

const files = new Map<number, OpenFile>();
const cancelled = new Set<number>();
let nextId = 1;

const LABELS: Record<ImportField, string> = {
  ignore: "Don't import",
  firstName: "First name",
  lastName: "Last name",
  fullName: "Full name",
  email: "Email",
  phone: "Phone",
  secondPhone: "Mobile / second phone",
  company: "Company",
  address: "Street address",
  city: "City",
  state: "State",
  postalCode: "Postal code",
  country: "Country",
  tags: "Tags",
  source: "Source",
};

const NAMES: [ImportField, string[]][] = [
  ["email", ["email", "mail", "emailaddress"]],
  ["firstName", ["firstname", "first"]],
  ["lastName", ["lastname", "last", "surname"]],
  ["fullName", ["name", "fullname", "clientname", "client", "customername", "contactname"]],
  ["phone", ["phone", "phonenumber", "telephone"]],
  ["secondPhone", ["mobile", "cell", "cellphone", "mobilephone"]],
  ["company", ["company", "companyname", "business"]],
  ["address", ["address", "streetaddress", "street"]],
  ["city", ["city"]],
  ["state", ["state", "province"]],
  ["postalCode", ["zip", "zipcode", "postalcode", "postcode"]],
  ["country", ["country"]],
  ["tags", ["tags"]],
  ["source", ["source", "leadsource"]],
];

/** Quote-aware CSV (commas, doubled quotes, line breaks in quotes). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  const source = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (quoted) {
      if (ch === '"' && source[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell.trim());
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && source[i + 1] === "\n") i++;
      row.push(cell.trim());
      rows.push(row);
      row = [];
      cell = "";
    } else cell += ch;
  }
  if (cell !== "" || row.length > 0) rows.push([...row, cell.trim()]);
  return rows.filter((r) => r.some((c) => c !== ""));
}

function guess(headers: string[]): ImportField[] {
  const taken = new Set<ImportField>();
  return headers.map((header) => {
    const h = header.toLowerCase().replace(/[^a-z0-9]/g, "");
    const found = NAMES.find(([, names]) => names.includes(h))?.[0];
    if (found === undefined || taken.has(found)) return "ignore";
    taken.add(found);
    return found;
  });
}

type Mapped = ImportRow & { form: ContactForm };

function e164(raw: string): string | null {
  const digits = raw.replace(/[\s().\-/]/g, "");
  if (!/^\+?\d+$/.test(digits)) return null;
  if (digits.startsWith("+")) return digits.length >= 9 && digits.length <= 16 ? digits : null;
  if (digits.length === 10) return `+1${digits}`;
  if (digits.length === 11 && digits.startsWith("1")) return `+${digits}`;
  return null;
}

function mapRow(cells: string[], mapping: ImportField[], line: number): Mapped {
  const value = (field: ImportField) => cells.find((c, i) => mapping[i] === field && c !== "") ?? null;
  const problems: ImportRow["problems"] = [];
  let first = value("firstName");
  let last = value("lastName");
  const full = value("fullName");
  if (first === null && last === null && full !== null) {
    const parts = full.includes(",") ? full.split(",").reverse() : [full.replace(/\s+\S+$/, ""), full.match(/\S+$/)?.[0] ?? ""];
    first = parts[0]?.trim() || null;
    last = full.includes(" ") || full.includes(",") ? parts[1]?.trim() || null : null;
  }
  const rawEmail = value("email");
  const email = rawEmail !== null && /^[^@\s]+@[^@\s]+\.[^@\s]{2,}$/.test(rawEmail) ? rawEmail : null;
  if (rawEmail !== null && email === null) problems.push({ field: "email", message: "Email is not a valid email address" });
  const rawPhone = value("phone") ?? value("secondPhone");
  const phone = rawPhone === null ? null : e164(rawPhone);
  if (rawPhone !== null && phone === null) problems.push({ field: "phone", message: "Phone is not a phone number" });
  const company = value("company");
  if (first === null && last === null && company === null && rawEmail === null && rawPhone === null) {
    problems.push({ field: "fullName", message: "Full name is missing, and so are the email and phone" });
  } else if (rawEmail === null && rawPhone === null) {
    problems.push({ field: "email", message: "Email and phone are both missing: the contact could not be found again" });
  }
  const address = [value("address"), value("city"), value("state"), value("postalCode")].filter((v) => v !== null);
  const tags = (value("tags") ?? "").split(/[,;]/).map((t) => t.trim().toLowerCase()).filter(Boolean);
  const form: ContactForm = {
    firstName: first,
    lastName: last,
    email,
    phone,
    companyName: company,
    address1: value("address"),
    city: value("city"),
    state: value("state"),
    postalCode: value("postalCode"),
    country: value("country"),
    website: null,
    source: value("source"),
  };
  return {
    line,
    name: [first, last].filter(Boolean).join(" ") || null,
    email,
    phone,
    company,
    address: address.length > 0 ? address.join(", ") : null,
    tags,
    problems,
    form,
  };
}

function mapAll(file: OpenFile, mapping: ImportField[]): Mapped[] {
  return file.rows.map((cells, i) => mapRow(cells, mapping, i + 2));
}

function previewOf(importId: number, file: OpenFile, mapping: ImportField[]): ImportPreview {
  const rows = mapAll(file, mapping);
  const valid = rows.filter((r) => r.problems.length === 0).length;
  return {
    importId,
    fileName: file.fileName,
    columns: file.headers.map((header, i) => ({
      header,
      field: mapping[i] ?? "ignore",
      sample: file.rows.map((r) => r[i] ?? "").find((c) => c !== "") ?? null,
    })),
    fieldOptions: (Object.keys(LABELS) as ImportField[]).map((field) => ({ field, label: LABELS[field] })),
    remembered: false,
    rows: rows.map(({ form: _form, ...row }) => row),
    valid,
    withProblems: rows.length - valid,
  };
}

function openFile(fileName: string, base64: string): ImportPreview {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const table = parseCsv(new TextDecoder().decode(bytes));
  const headers = table[0];
  if (headers === undefined) throw { code: "validation", message: "The file is empty: it has no header row", details: null };
  const width = headers.length;
  const file = { fileName, headers, rows: table.slice(1).map((r) => Array.from({ length: width }, (_, i) => r[i] ?? "")) };
  const importId = nextId++;
  files.set(importId, file);
  return previewOf(importId, file, guess(headers));
}

function fileOf(importId: number): OpenFile {
  const file = files.get(importId);
  if (file === undefined) throw { code: "not_found", message: "This import is no longer open: choose the file again", details: null };
  return file;
}

async function runImport(
  importId: number,
  mapping: ImportField[],
  channel: { onmessage: (p: ImportProgress) => void },
  contacts: FakeImportContacts,
): Promise<ImportSummary> {
  const rows = mapAll(fileOf(importId), mapping);
  cancelled.delete(importId);
  const counts: ImportProgress = { total: rows.length, done: 0, created: 0, updated: 0, skipped: 0, failed: 0 };
  let reportRows = 0;
  for (const row of rows) {
    if (cancelled.has(importId)) break;
    await new Promise((resolve) => setTimeout(resolve, 40));
    if (row.problems.length > 0) {
      counts.failed++;
      reportRows++;
    } else if (contacts.findDuplicate(row.form.email, row.form.phone) !== null) {
      counts.skipped++;
    } else {
      // The fake's contacts have no tags on create: the chosen tags are not shown here.
      contacts.createContact(row.form);
      counts.created++;
    }
    counts.done++;
    channel.onmessage({ ...counts });
  }
  const stopped = cancelled.has(importId) ? "cancelled" : null;
  return { importId, counts, notDone: counts.total - counts.done, stopped, stopMessage: null, reportRows };
}

/** The import commands of the fake backend. */
export function fakeImportCommand(command: string, args: Record<string, unknown>, contacts: FakeImportContacts): unknown {
  const importId = Number(args.importId ?? 0);
  switch (command) {
    case "import_preview":
      return openFile(String(args.fileName ?? "file.csv"), String(args.contentBase64 ?? ""));
    case "import_remap":
      return previewOf(importId, fileOf(importId), args.mapping as ImportField[]);
    case "import_start":
      return runImport(
        importId,
        args.mapping as ImportField[],
        args.onProgress as { onmessage: (p: ImportProgress) => void },
        contacts,
      );
    case "import_cancel":
      cancelled.add(importId);
      return null;
    case "import_show_report":
      return `/tmp/switchboard-fake/imports/${fileOf(importId).fileName}-failures.csv`;
    default:
      throw { code: "internal", message: `Unknown import command ${command}`, details: null };
  }
}

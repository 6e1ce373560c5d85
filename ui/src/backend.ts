// The only door to the Rust side. Every Tauri command the UI uses is wrapped here with
// its argument and result types (from the ts-rs generated `bindings.ts`), and every
// failure is normalised into an `AppError` so the UI can branch on `code` alone.
import { invoke } from "@tauri-apps/api/core";
import type {
  AppError,
  AppInfo,
  Appointment,
  ContactDetail,
  ContactPage,
  ErrorCode,
  Note,
  Task,
} from "./bindings";

export type { AppError, ErrorCode } from "./bindings";

type Invoke = <T>(command: string, args?: Record<string, unknown>) => Promise<T>;

// A record rather than a list, so tsc fails here when Rust adds an error code.
const ERROR_CODES: Record<ErrorCode, true> = {
  unauthorized: true,
  forbidden: true,
  not_found: true,
  rate_limited: true,
  validation: true,
  network: true,
  timeout: true,
  invalid_response: true,
  outcome_unknown: true,
  api: true,
  internal: true,
};

/** True when `value` has the shape of the `AppError` the Rust commands reject with. */
export function isAppError(value: unknown): value is AppError {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.code === "string" &&
    Object.hasOwn(ERROR_CODES, candidate.code) &&
    typeof candidate.message === "string"
  );
}

/** Turns anything a command may reject with into an `AppError`. */
export function toAppError(reason: unknown): AppError {
  if (isAppError(reason)) {
    return { code: reason.code, message: reason.message, details: reason.details ?? null };
  }
  let message: string;
  if (typeof reason === "string") {
    message = reason;
  } else if (reason instanceof Error) {
    message = reason.message;
  } else if (
    typeof reason === "object" &&
    reason !== null &&
    typeof (reason as { message?: unknown }).message === "string"
  ) {
    message = (reason as { message: string }).message;
  } else {
    message = "Unexpected error";
  }
  return { code: "internal", message: message || "Unexpected error", details: null };
}

// A dev-only in-memory backend lets the UI run in a plain browser (vite dev server, or a
// `vite build --mode fake` preview). Both conditions are compile-time constants, so in a
// production build this branch and the fake module are removed entirely.
const FAKE_BACKEND_ALLOWED = import.meta.env.DEV || import.meta.env.MODE === "fake";

let invoker: Promise<Invoke> | undefined;

function getInvoke(): Promise<Invoke> {
  if (invoker === undefined) {
    if (FAKE_BACKEND_ALLOWED && typeof window !== "undefined" && !("__TAURI_INTERNALS__" in window)) {
      invoker = import("./dev/fakeBackend").then((module) => module.fakeInvoke);
    } else {
      invoker = Promise.resolve(invoke);
    }
  }
  return invoker;
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  const run = await getInvoke();
  try {
    return await run<T>(command, args);
  } catch (reason) {
    throw toAppError(reason);
  }
}

export function appInfo(): Promise<AppInfo> {
  return call<AppInfo>("app_info", {});
}

export type ListContactsArgs = { query: string; cursor: string | null; limit: number };

export function listContacts({ query, cursor, limit }: ListContactsArgs): Promise<ContactPage> {
  return call<ContactPage>("list_contacts", { query, cursor, limit });
}

export function getContact(contactId: string): Promise<ContactDetail> {
  return call<ContactDetail>("get_contact", { contactId });
}

export function listContactTasks(contactId: string): Promise<Task[]> {
  return call<Task[]>("list_contact_tasks", { contactId });
}

export function listContactNotes(contactId: string): Promise<Note[]> {
  return call<Note[]>("list_contact_notes", { contactId });
}

export function listContactAppointments(contactId: string): Promise<Appointment[]> {
  return call<Appointment[]>("list_contact_appointments", { contactId });
}

// What to tell the user about a failed command. Branches on the AppError code only.
import { toAppError } from "../backend";

export type ErrorDescription = { title: string; message: string };

export function describeError(error: unknown, what: string): ErrorDescription {
  const appError = toAppError(error);
  const message = appError.message.trim();
  switch (appError.code) {
    case "network":
    case "timeout":
      return {
        title: `Couldn’t load ${what}`,
        message: "The GoHighLevel service can’t be reached. Check the internet connection and try again.",
      };
    case "unauthorized":
      return {
        title: `Couldn’t load ${what}`,
        message: message || "GoHighLevel didn’t accept the access token.",
      };
    case "forbidden":
      return {
        title: `Couldn’t load ${what}`,
        message: message || "This account isn’t allowed to see this.",
      };
    case "not_found":
      return { title: `Couldn’t find ${what}`, message: message || "It may have been deleted in GoHighLevel." };
    case "rate_limited":
      return {
        title: `Couldn’t load ${what}`,
        message: message || "GoHighLevel is limiting requests right now. Wait a moment and try again.",
      };
    case "reauth_required":
      return { title: `Couldn’t load ${what}`, message: REAUTH_MESSAGE };
    case "not_signed_in":
      return { title: `Couldn’t load ${what}`, message: "No location is signed in. Sign in to continue." };
    case "offline":
      return { title: `Couldn’t load ${what}`, message: OFFLINE_READ_MESSAGE };
    case "cache_unavailable":
      return { title: `Couldn’t load ${what}`, message: message || CACHE_UNAVAILABLE_MESSAGE };
    case "hcp_not_configured":
      return { title: `Couldn’t load ${what}`, message: HCP_NOT_CONFIGURED_MESSAGE };
    case "needs_match_choice":
      return { title: `Couldn’t load ${what}`, message: message || NEEDS_MATCH_CHOICE_MESSAGE };
    case "sync_stopped":
      return { title: `Couldn’t load ${what}`, message: message || SYNC_STOPPED_MESSAGE };
    default:
      return { title: `Couldn’t load ${what}`, message: message || "Something went wrong." };
  }
}

const OFFLINE_READ_MESSAGE =
  "GoHighLevel can’t be reached and this isn’t saved on this computer yet. It will load once the connection is back.";
const CACHE_UNAVAILABLE_MESSAGE = "The contacts saved on this computer can’t be read right now. Try again in a moment.";

export const REAUTH_MESSAGE = "The sign-in to this location has expired. Reconnect to continue.";
export const READ_ONLY_MESSAGE = "Your GoHighLevel access is read-only (contacts.write scope missing)";
export const FORBIDDEN_TITLE = "Your GoHighLevel access doesn’t allow this change";

/**
 * What to tell the user about a failed change. `action` completes “Couldn’t …”:
 * "save the contact", "add the task".
 */
export function describeWriteError(error: unknown, action: string): ErrorDescription {
  const appError = toAppError(error);
  const message = appError.message.trim();
  const title = `Couldn’t ${action}`;
  switch (appError.code) {
    case "forbidden":
      return { title: FORBIDDEN_TITLE, message: message || "GoHighLevel refused the change." };
    case "outcome_unknown":
      return {
        title: "Not sure the change went through",
        message: `GoHighLevel’s answer never arrived when trying to ${action}: it may or may not have happened. Reload the contact to check before trying again.`,
      };
    case "network":
    case "timeout":
      return {
        title,
        message: "The GoHighLevel service can’t be reached. Check the internet connection and try again.",
      };
    case "unauthorized":
      return { title, message: message || "GoHighLevel didn’t accept the access token." };
    case "not_found":
      return { title, message: message || "It may have been deleted in GoHighLevel. Reload to see the latest." };
    case "rate_limited":
      return {
        title,
        message: message || "GoHighLevel is limiting requests right now. Wait a moment and try again.",
      };
    case "reauth_required":
      return { title, message: REAUTH_MESSAGE };
    case "offline":
      return { title, message: message || "GoHighLevel can’t be reached and this change can’t wait for it. Try again once the connection is back." };
    case "cache_unavailable":
      return { title, message: message || CACHE_UNAVAILABLE_MESSAGE };
    case "hcp_not_configured":
      return { title, message: HCP_NOT_CONFIGURED_MESSAGE };
    case "needs_match_choice":
      return { title, message: message || NEEDS_MATCH_CHOICE_MESSAGE };
    case "sync_stopped":
      return { title: "The sync stopped part-way", message: `${message || SYNC_STOPPED_MESSAGE} Retry continues where it stopped.` };
    default:
      return { title, message: message || "Something went wrong." };
  }
}

export const HCP_NOT_CONFIGURED_MESSAGE =
  "Housecall Pro isn’t set up yet: enter its API key in Settings → Housecall Pro.";
const NEEDS_MATCH_CHOICE_MESSAGE = "Several records match: choose which one to sync with.";
const SYNC_STOPPED_MESSAGE = "A change couldn’t be sent.";

const KEYRING_MESSAGE =
  "The system keyring, where Switchboard keeps sign-ins safe, can’t be used on this computer right now. Make sure you are logged in to your desktop session (or that the keyring service is running) and try again.";

/** What to tell the user when signing in (browser or token) or saving settings failed. */
export function describeSignInError(error: unknown): ErrorDescription {
  const appError = toAppError(error);
  const message = appError.message.trim();
  switch (appError.code) {
    case "sign_in_cancelled":
      return { title: "Sign-in cancelled", message: "Nothing was changed." };
    case "sign_in_denied": {
      const provider = (appError.details as { providerMessage?: unknown } | null)?.providerMessage;
      const text = typeof provider === "string" && provider.trim() !== "" ? provider.trim() : message;
      return {
        title: "HighLevel didn’t allow access",
        message: text ? `HighLevel said: “${text}”` : "Access was denied on HighLevel’s consent page.",
      };
    }
    case "sign_in_timed_out":
      return {
        title: "The sign-in took too long",
        message: "Nobody finished signing in in the browser in time. Try again, and finish in the browser window that opens.",
      };
    case "sign_in_failed":
      return { title: "Sign-in didn’t work", message: message || "HighLevel’s answer couldn’t be used." };
    case "not_configured":
      return {
        title: "The HighLevel app isn’t set up yet",
        message: "An administrator must enter the HighLevel app’s client ID and secret in the HighLevel app settings first.",
      };
    case "keyring_unavailable":
      return { title: "Can’t store the sign-in safely", message: KEYRING_MESSAGE };
    case "network":
    case "timeout":
      return {
        title: "Can’t reach HighLevel",
        message: "The HighLevel service can’t be reached. Check the internet connection and try again.",
      };
    case "unauthorized":
    case "forbidden":
      return { title: "HighLevel refused the sign-in", message: message || "The credentials were not accepted." };
    default:
      return { title: "Sign-in didn’t work", message: message || "Something went wrong." };
  }
}

/**
 * Which of `fields` a `validation` rejection is about: `details.field` when the backend
 * names it, else the first field whose name (or one of its words) the message mentions.
 */
export function fieldOfError<F extends string>(error: unknown, fields: Record<F, readonly string[]>): F | null {
  const appError = toAppError(error);
  if (appError.code !== "validation") return null;
  const named = (appError.details as { field?: unknown } | null)?.field;
  const names = Object.keys(fields) as F[];
  if (typeof named === "string" && (names as string[]).includes(named)) return named as F;
  const text = appError.message.toLowerCase();
  return names.find((field) => [field, ...fields[field]].some((word) => text.includes(word.toLowerCase()))) ?? null;
}

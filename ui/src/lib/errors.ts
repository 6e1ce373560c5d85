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
    default:
      return { title: `Couldn’t load ${what}`, message: message || "Something went wrong." };
  }
}

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
    default:
      return { title, message: message || "Something went wrong." };
  }
}

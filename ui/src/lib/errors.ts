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

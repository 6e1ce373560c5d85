// Opening the Settings dialog from anywhere in the workspace (the header's gear, the
// Housecall Pro panel's "set it up" prompt): the app shell owns the dialog.
import { createContext, useContext } from "react";

export type SettingsSection = "general" | "highlevel" | "hcp" | "sync" | "alerts";

export type OpenSettings = (section?: SettingsSection) => void;

export const OpenSettingsContext = createContext<OpenSettings | null>(null);

/** Opens Settings at `section`; null outside the signed-in app. */
export function useOpenSettings(): OpenSettings | null {
  return useContext(OpenSettingsContext);
}

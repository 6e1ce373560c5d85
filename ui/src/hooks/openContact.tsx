// Opening a contact from outside the workspace (the outbox dialog in the header): the
// workspace, which owns the selection, registers how.
import { createContext, useContext } from "react";

export type OpenContact = (contactId: string) => void;

export const OpenContactContext = createContext<OpenContact | null>(null);

/** Opens a contact in the workspace; null when there is no workspace to open it in. */
export function useOpenContact(): OpenContact | null {
  return useContext(OpenContactContext);
}

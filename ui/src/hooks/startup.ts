// At start, the workspace waits (briefly) for the first page of contacts, so the window
// paints once with the list in it rather than a skeleton frame and then the rows: on a
// slow machine each heavy frame costs a few hundred milliseconds of the cold start.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { storedListSource } from "./listSource";
import { prefetchFirstContactPage } from "./queries";

/** The longest the start waits for the first page before showing the workspace anyway. */
export const FIRST_PAGE_WAIT_MS = 500;

/**
 * False while the first location shown since the app started is fetching its first page
 * of contacts (at most `FIRST_PAGE_WAIT_MS`); true from then on, so a later switch of
 * location keeps the header on screen and shows the list's own loading state.
 */
export function useFirstPageAtStart(locationId: string | null): boolean {
  const client = useQueryClient();
  const startedFor = useRef<string | null>(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    if (ready || locationId === null || startedFor.current !== null) return;
    startedFor.current = locationId;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      setReady(true);
    };
    // Not cleared on unmount: `finish` only sets state, and the wait must end even if
    // the effect runs again (StrictMode) after the first run started the fetch.
    window.setTimeout(finish, FIRST_PAGE_WAIT_MS);
    // A failure shows in the list itself, with its retry.
    void prefetchFirstContactPage(client, storedListSource(locationId)).finally(finish);
  }, [client, locationId, ready]);
  return ready;
}

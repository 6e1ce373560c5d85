// Which list the contacts pane shows, per location. The deprecated list is a support
// option, so the choice lasts for this app session only (sessionStorage) and every new
// session starts with search.
import { useCallback, useState } from "react";
import type { ListSource } from "./queries";

const KEY_PREFIX = "switchboard.listSource.";

/** The list source chosen for this location in this app session. */
export function storedListSource(locationId: string): ListSource {
  try {
    return window.sessionStorage.getItem(KEY_PREFIX + locationId) === "legacy" ? "legacy" : "search";
  } catch {
    // Storage refused (private mode, quota): the choice is simply not remembered.
    return "search";
  }
}

function store(locationId: string, source: ListSource): void {
  try {
    if (source === "search") window.sessionStorage.removeItem(KEY_PREFIX + locationId);
    else window.sessionStorage.setItem(KEY_PREFIX + locationId, source);
  } catch {
    // As above: the choice still holds in memory until the pane goes away.
  }
}

export function useListSource(locationId: string): [ListSource, (next: ListSource) => void] {
  const [chosen, setChosen] = useState<Readonly<Record<string, ListSource>>>({});
  const source = chosen[locationId] ?? storedListSource(locationId);
  const setSource = useCallback(
    (next: ListSource) => {
      store(locationId, next);
      setChosen((current) => ({ ...current, [locationId]: next }));
    },
    [locationId],
  );
  return [source, setSource];
}

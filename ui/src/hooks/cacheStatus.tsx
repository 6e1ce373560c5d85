// The local cache's status for the active location, shared by the header, the download
// bar and the outbox: one watch per location. When cached data changes (`generation`),
// what is on screen is read again, at most once a second, so a list that is filling in
// during the first download does not re-read itself for every page.
import { useMutation, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { CacheStatus } from "../bindings";
import { refreshCache, toAppError, watchCache, type CacheWatch } from "../backend";
import { useToast } from "../components/Toasts";
import { describeWriteError } from "../lib/errors";
import { useDataFolderEpoch } from "./appSettings";
import { queryKeys } from "./queries";

/** The least time between two re-reads after cached data changed. */
export const REREAD_INTERVAL_MS = 1000;
/** How long after a failed watch it is tried again (doubling up to the maximum). */
const WATCH_RETRY_MS = 2000;
const WATCH_RETRY_MAX_MS = 30_000;

export type CacheState = {
  /** The latest status; null until the first one arrives (or when it can't be watched). */
  status: CacheStatus | null;
  /**
   * How many contacts the first download is fetching, as last reported (the status has
   * no progress while the download is paused).
   */
  downloadTotal: number | null;
  /** Refresh from GoHighLevel now (the Refresh button, F5, Ctrl+R). */
  refresh: () => void;
  /** A refresh was asked for or is running. */
  refreshing: boolean;
};

const NO_CACHE: CacheState = { status: null, downloadTotal: null, refresh: () => undefined, refreshing: false };

const CacheContext = createContext<CacheState>(NO_CACHE);

/** The active location's cache status (nothing outside a `CacheStatusProvider`). */
export function useCacheStatus(): CacheState {
  return useContext(CacheContext);
}

type Received = { status: CacheStatus | null; downloadTotal: number | null };

function receive(previous: Received, status: CacheStatus): Received {
  const total = status.activity === "downloading" ? (status.progress?.total ?? null) : null;
  return {
    status,
    downloadTotal: status.downloadComplete ? null : (total ?? previous.downloadTotal),
  };
}

/** Key presses that would reload the web view: they refresh the cache instead. */
export function isReloadShortcut(event: KeyboardEvent): boolean {
  if (event.key === "F5") return true;
  return (event.ctrlKey || event.metaKey) && !event.altKey && (event.key === "r" || event.key === "R");
}

function rereadShownData(client: QueryClient) {
  void client.invalidateQueries({ queryKey: queryKeys.contactLists });
  void client.invalidateQueries({ queryKey: queryKeys.businesses });
  void client.invalidateQueries({ queryKey: queryKeys.overview });
  // Marks every contact's data stale, but only what is on screen (the open contact) is
  // fetched again now.
  void client.invalidateQueries({ queryKey: ["contact"] });
}

export function CacheStatusProvider({ locationId, children }: { locationId: string; children: ReactNode }) {
  const client = useQueryClient();
  const toast = useToast();
  const [received, setReceived] = useState<Received>({ status: null, downloadTotal: null });
  // A moved data folder reopened the cache: watch the new one.
  const dataFolderEpoch = useDataFolderEpoch();

  // One watch per location; the previous one stops receiving.
  useEffect(() => {
    let cancelled = false;
    let watch: CacheWatch | null = null;
    let retry: number | undefined;
    setReceived({ status: null, downloadTotal: null });
    const onStatus = (status: CacheStatus) => {
      if (cancelled || status.locationId !== locationId) return;
      setReceived((previous) => receive(previous, status));
    };
    const start = (attempt: number) => {
      watchCache(onStatus).then(
        (started) => {
          if (cancelled) {
            started.stop();
            return;
          }
          watch = started;
          // An update that came on the channel meanwhile is at least as new.
          setReceived((previous) =>
            previous.status === null && started.status.locationId === locationId ? receive(previous, started.status) : previous,
          );
        },
        (error: unknown) => {
          if (cancelled) return;
          if (toAppError(error).code === "not_signed_in") {
            // The UI's idea of the session is stale.
            void client.invalidateQueries({ queryKey: queryKeys.session });
            return;
          }
          // E.g. the cache is being rebuilt: the header stays quiet and tries again.
          retry = window.setTimeout(() => start(attempt + 1), Math.min(WATCH_RETRY_MAX_MS, WATCH_RETRY_MS * 2 ** attempt));
        },
      );
    };
    start(0);
    return () => {
      cancelled = true;
      watch?.stop();
      window.clearTimeout(retry);
    };
  }, [locationId, client, dataFolderEpoch]);

  // Re-read what is shown when cached data changed, at most once per interval.
  const generation = received.status?.generation ?? null;
  const seen = useRef<{ locationId: string; generation: number } | null>(null);
  const lastReread = useRef(0);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  useEffect(() => {
    if (generation === null) return;
    const before = seen.current;
    seen.current = { locationId, generation };
    // A location's first status may come after changes its list was read before (a
    // short first download finishes before the watch starts): the generation counts
    // changes since the cache was opened, so anything but 0 is a reason to re-read.
    const firstOfLocation = before === null || before.locationId !== locationId;
    if (firstOfLocation ? generation === 0 : before.generation === generation) return;
    const run = () => {
      timer.current = undefined;
      // An optimistic change on the way would be overwritten by the re-read: wait for it.
      if (client.isMutating() > 0) {
        timer.current = window.setTimeout(run, REREAD_INTERVAL_MS);
        return;
      }
      lastReread.current = Date.now();
      rereadShownData(client);
    };
    if (timer.current !== undefined) return;
    const wait = lastReread.current + REREAD_INTERVAL_MS - Date.now();
    if (wait <= 0) run();
    else timer.current = window.setTimeout(run, wait);
  }, [generation, locationId, client]);

  const refreshMutation = useMutation({
    mutationKey: ["refresh-cache"],
    mutationFn: refreshCache,
    onError: (error) => {
      const { title, message } = describeWriteError(error, "refresh from GoHighLevel");
      toast.show({ tone: "error", title, message });
    },
  });
  const activityRefreshing = received.status?.activity === "refreshing";
  const refreshing = refreshMutation.isPending || activityRefreshing;
  const busy = useRef(refreshing);
  busy.current = refreshing;
  const mutate = refreshMutation.mutate;
  const refresh = useCallback(() => {
    if (!busy.current) mutate();
  }, [mutate]);

  // F5 and Ctrl+R would reload the web view (and lose what is on screen): refresh instead.
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (!isReloadShortcut(event)) return;
      event.preventDefault();
      if (!event.repeat) refresh();
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [refresh]);

  const value = useMemo<CacheState>(
    () => ({ status: received.status, downloadTotal: received.downloadTotal, refresh, refreshing }),
    [received, refresh, refreshing],
  );
  return <CacheContext.Provider value={value}>{children}</CacheContext.Provider>;
}

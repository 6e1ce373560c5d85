// The overview (home screen) data, read from the local cache. Its query waits for the
// contact list's first paint: both read the same cache connection, and the list is what
// a cold start is measured by.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { overview } from "../backend";
import type { Overview } from "../bindings";
import { FIRST_LIST_PAINT_MARK, hasMark } from "../lib/startupMarks";
import { queryKeys } from "./queries";

/** While shown, the overview is read again this often: "overdue" moves with the clock. */
export const OVERVIEW_REFETCH_MS = 60_000;
/** The longest wait for the list's first paint (an empty list never paints a row). */
export const FIRST_PAINT_WAIT_MS = 1500;
const FIRST_PAINT_POLL_MS = 50;

/** True once the contact list has painted its first rows (or after a short wait). */
export function useAfterFirstListPaint(): boolean {
  const [ready, setReady] = useState(() => hasMark(FIRST_LIST_PAINT_MARK));
  useEffect(() => {
    if (ready) return;
    const started = Date.now();
    const timer = window.setInterval(() => {
      if (hasMark(FIRST_LIST_PAINT_MARK) || Date.now() - started >= FIRST_PAINT_WAIT_MS) setReady(true);
    }, FIRST_PAINT_POLL_MS);
    return () => window.clearInterval(timer);
  }, [ready]);
  return ready;
}

/** The overview; `shown` is false while a contact is open (nothing is re-read then). */
export function useOverview(enabled: boolean, shown: boolean) {
  return useQuery({
    queryKey: queryKeys.overview,
    queryFn: overview,
    enabled,
    staleTime: 5_000,
    refetchInterval: shown ? OVERVIEW_REFETCH_MS : false,
  });
}

/** An overview with nothing in it (the tests' default answer). */
export function emptyOverview(): Overview {
  const emptyList = { items: [], total: 0 };
  return {
    overdue: emptyList,
    dueToday: emptyList,
    appointmentsToday: emptyList,
    appointmentsWeek: emptyList,
    recentlyUpdated: [],
    waiting: [],
    contactsWithTasks: 0,
    contactsWithAppointments: 0,
    todayStart: new Date(new Date().setHours(0, 0, 0, 0)).toISOString(),
    weekEnd: new Date(new Date().setHours(24 * 7, 0, 0, 0)).toISOString(),
  };
}

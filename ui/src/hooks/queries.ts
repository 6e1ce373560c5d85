// TanStack Query hooks over backend.ts. One query per concern, so every part of the
// contact view loads, fails and retries on its own.
import { keepPreviousData, useInfiniteQuery, useQuery, QueryClient } from "@tanstack/react-query";
import type { ContactPage } from "../bindings";
import { READ_ONLY_MESSAGE } from "../lib/errors";
import {
  appInfo,
  getContact,
  knownTags,
  listBusinessContacts,
  listContactAppointments,
  listContactNotes,
  listContactTasks,
  listContacts,
  toAppError,
} from "../backend";

/** Contacts requested per page. */
export const CONTACT_PAGE_SIZE = 100;

export const queryKeys = {
  appInfo: ["app-info"] as const,
  contacts: (query: string) => ["contacts", query] as const,
  contact: (id: string) => ["contact", id] as const,
  tasks: (id: string) => ["contact", id, "tasks"] as const,
  notes: (id: string) => ["contact", id, "notes"] as const,
  appointments: (id: string) => ["contact", id, "appointments"] as const,
  /** Prefix of every contact-list query (all searches). */
  contactLists: ["contacts"] as const,
  knownTags: ["known-tags"] as const,
  /** Prefix of every business-contacts query. */
  businesses: ["business"] as const,
  business: (businessId: string) => ["business", businessId] as const,
};

/** Only failures that may go away by themselves are retried, once, before showing Retry. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  const { code } = toAppError(error);
  return failureCount < 1 && (code === "network" || code === "timeout");
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: shouldRetry,
        staleTime: 60_000,
        gcTime: 5 * 60_000,
        refetchOnWindowFocus: false,
      },
    },
  });
}

export function useAppInfo() {
  return useQuery({ queryKey: queryKeys.appInfo, queryFn: appInfo, staleTime: Infinity });
}

/** A page of contacts, tagged with the query it answers (for the count line). */
export type TaggedContactPage = ContactPage & { query: string };

export function useContactSearch(query: string) {
  return useInfiniteQuery({
    queryKey: queryKeys.contacts(query),
    queryFn: async ({ pageParam }): Promise<TaggedContactPage> => {
      const page = await listContacts({ query, cursor: pageParam, limit: CONTACT_PAGE_SIZE });
      return { ...page, query };
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useContact(id: string) {
  return useQuery({ queryKey: queryKeys.contact(id), queryFn: () => getContact(id) });
}

export function useContactTasks(id: string) {
  return useQuery({ queryKey: queryKeys.tasks(id), queryFn: () => listContactTasks(id) });
}

export function useContactNotes(id: string) {
  return useQuery({ queryKey: queryKeys.notes(id), queryFn: () => listContactNotes(id) });
}

export function useContactAppointments(id: string) {
  return useQuery({ queryKey: queryKeys.appointments(id), queryFn: () => listContactAppointments(id) });
}

export type WriteAccess = {
  /** Edit controls are enabled. */
  canWrite: boolean;
  /** Why they are not (for a tooltip), when the token is known to be read-only. */
  reason: string | undefined;
};

/**
 * Whether edits are allowed. Enabled once the app info says so; also when the info
 * couldn't be loaded (GoHighLevel still refuses what the token may not do).
 */
export function useWriteAccess(): WriteAccess {
  const info = useAppInfo();
  if (info.data?.canWrite === false) return { canWrite: false, reason: READ_ONLY_MESSAGE };
  return { canWrite: info.data?.canWrite === true || info.isError, reason: undefined };
}

/** Tags seen so far, for the tag autocomplete; loaded once the tag input is used. */
export function useKnownTags(enabled: boolean) {
  return useQuery({ queryKey: queryKeys.knownTags, queryFn: knownTags, enabled, staleTime: 30_000 });
}

export function useBusinessContacts(businessId: string) {
  return useQuery({ queryKey: queryKeys.business(businessId), queryFn: () => listBusinessContacts(businessId) });
}

// TanStack Query hooks over backend.ts. One query per concern, so every part of the
// contact view loads, fails and retries on its own.
import { keepPreviousData, useInfiniteQuery, useQuery, QueryClient } from "@tanstack/react-query";
import type { ContactPage } from "../bindings";
import {
  appInfo,
  getContact,
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

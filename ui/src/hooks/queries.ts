// TanStack Query hooks over backend.ts. One query per concern, so every part of the
// contact view loads, fails and retries on its own.
import {
  infiniteQueryOptions,
  MutationCache,
  QueryCache,
  QueryClient,
  useInfiniteQuery,
  useQuery,
  type Query,
} from "@tanstack/react-query";
import type { ContactPage, DuplicateMatch, LocationAccount, SessionInfo } from "../bindings";
import { READ_ONLY_MESSAGE } from "../lib/errors";
import {
  findDuplicateContact,
  getContact,
  knownTags,
  listBusinessContacts,
  listContactAppointments,
  listContactNotes,
  listContactTasks,
  listContacts,
  listContactsLegacy,
  oauthSettings,
  type ListContactsArgs,
  session,
  toAppError,
} from "../backend";

/** Contacts requested per page. */
export const CONTACT_PAGE_SIZE = 100;

/**
 * Where the contact list comes from: GoHighLevel's search (what everyone uses), or its
 * deprecated `GET /contacts/` list, which support staff compare with when search seems wrong.
 */
export type ListSource = "search" | "legacy";

const LIST_COMMANDS: Record<ListSource, (args: ListContactsArgs) => Promise<ContactPage>> = {
  search: listContacts,
  legacy: listContactsLegacy,
};

export const queryKeys = {
  session: ["session"] as const,
  oauthSettings: ["oauth-settings"] as const,
  contacts: (source: ListSource, query: string) => ["contacts", source, query] as const,
  contact: (id: string) => ["contact", id] as const,
  tasks: (id: string) => ["contact", id, "tasks"] as const,
  notes: (id: string) => ["contact", id, "notes"] as const,
  appointments: (id: string) => ["contact", id, "appointments"] as const,
  /** Prefix of every contact-list query (all searches, from either source). */
  contactLists: ["contacts"] as const,
  knownTags: ["known-tags"] as const,
  /** Prefix of every business-contacts query. */
  businesses: ["business"] as const,
  business: (businessId: string) => ["business", businessId] as const,
  duplicate: (email: string | null, phone: string | null) => ["duplicate", email, phone] as const,
  overview: ["overview"] as const,
};

/** Queries that belong to no location: everything else is the active location's data. */
const APP_WIDE: ReadonlySet<unknown> = new Set([queryKeys.session[0], queryKeys.oauthSettings[0]]);

function isLocationQuery(query: Query): boolean {
  return !APP_WIDE.has(query.queryKey[0]);
}

/**
 * Puts a session the backend answered with in the cache. When the active location
 * changed, the previous location's data is dropped first, so none of it shows under the
 * new one; with `refetch` (after a reconnect) the same location's data is loaded again.
 */
export function applySession(client: QueryClient, next: SessionInfo, { refetch = false } = {}) {
  const previous = client.getQueryData<SessionInfo>(queryKeys.session);
  if (previous?.activeLocationId !== next.activeLocationId) {
    void client.cancelQueries({ predicate: isLocationQuery });
    client.removeQueries({ predicate: isLocationQuery });
  } else if (refetch) {
    void client.invalidateQueries({ predicate: isLocationQuery });
  }
  client.setQueryData(queryKeys.session, next);
}

export function activeAccountOf(info: SessionInfo | undefined): LocationAccount | null {
  if (info?.activeLocationId == null) return null;
  return info.accounts.find((account) => account.locationId === info.activeLocationId) ?? null;
}

/**
 * What every failed command tells the session: `reauth_required` marks the active
 * account for "Reconnect" (keeping everything on screen), `not_signed_in` means the UI's
 * idea of the session is stale.
 */
function noteFailure(client: QueryClient, error: unknown, key: readonly unknown[] | undefined) {
  if (key?.[0] === queryKeys.session[0]) return;
  const { code } = toAppError(error);
  if (code === "reauth_required") {
    client.setQueryData<SessionInfo>(queryKeys.session, (info) => {
      const active = activeAccountOf(info);
      if (info === undefined || active === null || active.needsReconnect) return info;
      return {
        ...info,
        accounts: info.accounts.map((a) => (a === active ? { ...a, needsReconnect: true } : a)),
      };
    });
  } else if (code === "not_signed_in") {
    void client.invalidateQueries({ queryKey: queryKeys.session });
  }
}

/** Only failures that may go away by themselves are retried, once, before showing Retry. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  const { code } = toAppError(error);
  return failureCount < 1 && (code === "network" || code === "timeout");
}

export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError: (error, query) => noteFailure(client, error, query.queryKey) }),
    mutationCache: new MutationCache({
      onError: (error, _vars, _context, mutation) => noteFailure(client, error, mutation.options.mutationKey),
    }),
    defaultOptions: {
      queries: {
        retry: shouldRetry,
        staleTime: 60_000,
        gcTime: 5 * 60_000,
        refetchOnWindowFocus: false,
      },
    },
  });
  return client;
}

/** Who is signed in where. Changed only by the answers of the session commands. */
export function useSession() {
  return useQuery({ queryKey: queryKeys.session, queryFn: session, staleTime: Infinity });
}

/** The account whose data is on screen; null on the sign-in screen. */
export function useActiveAccount(): LocationAccount | null {
  return activeAccountOf(useSession().data);
}

export function useOAuthSettings() {
  return useQuery({ queryKey: queryKeys.oauthSettings, queryFn: oauthSettings, staleTime: Infinity });
}

/** A page of contacts, tagged with the query and source it answers (for the count line). */
export type TaggedContactPage = ContactPage & { query: string; source: ListSource };

function contactSearchOptions(query: string, source: ListSource) {
  return infiniteQueryOptions({
    queryKey: queryKeys.contacts(source, query),
    queryFn: async ({ pageParam }): Promise<TaggedContactPage> => {
      const page = await LIST_COMMANDS[source]({ query, cursor: pageParam, limit: CONTACT_PAGE_SIZE });
      return { ...page, query, source };
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // The previous search's rows stay while the next one loads, but one source's rows
    // never show as the other's: switching source starts from the loading state.
    placeholderData: (previous) => (previous?.pages[0]?.source === source ? previous : undefined),
    // Cached data changes are announced (the cache status re-reads what is shown), so a
    // page fetched a moment ago is not fetched again when the list mounts.
    staleTime: 2000,
    // A page that failed (also one fetched ahead at start) shows its error and Retry
    // rather than being asked for again just because the list mounted.
    retryOnMount: false,
  });
}

export function useContactSearch(query: string, source: ListSource = "search") {
  return useInfiniteQuery(contactSearchOptions(query, source));
}

/** Fetches the list's first page (no search) ahead of the screen that shows it. */
export function prefetchFirstContactPage(client: QueryClient, source: ListSource): Promise<void> {
  return client.prefetchInfiniteQuery(contactSearchOptions("", source));
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

/** Whether edits are allowed: what the active account's sign-in permits. */
export function useWriteAccess(): WriteAccess {
  const account = useActiveAccount();
  if (account?.canWrite === false) return { canWrite: false, reason: READ_ONLY_MESSAGE };
  return { canWrite: account !== null, reason: undefined };
}

/** Tags seen so far, for the tag autocomplete; loaded once the tag input is used. */
export function useKnownTags(enabled: boolean) {
  return useQuery({ queryKey: queryKeys.knownTags, queryFn: knownTags, enabled, staleTime: 30_000 });
}

export function useBusinessContacts(businessId: string) {
  return useQuery({ queryKey: queryKeys.business(businessId), queryFn: () => listBusinessContacts(businessId) });
}

/**
 * The contact that already has this email or phone (each `null` when not yet valid).
 * Lookup failures stay quiet: the check is a convenience, saving still works.
 */
export function useDuplicateContact(email: string | null, phone: string | null, enabled: boolean) {
  return useQuery<DuplicateMatch | null>({
    queryKey: queryKeys.duplicate(email, phone),
    queryFn: () => findDuplicateContact(email, phone),
    enabled: enabled && (email !== null || phone !== null),
    staleTime: 30_000,
    retry: false,
  });
}

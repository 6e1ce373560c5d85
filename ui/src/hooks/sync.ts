// TanStack Query hooks for Housecall Pro and the one-contact sync.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import type {
  HcpCustomerPage,
  HcpKeyForm,
  SyncFieldChoice,
  SyncMatchChoice,
  SyncResult,
  SyncSettingsForm,
  SyncTargetRef,
} from "../bindings";
import {
  hcpCustomer,
  hcpCustomers,
  hcpStatus,
  linkedCustomer,
  saveHcpKey,
  saveSyncSettings,
  syncApply,
  syncLog,
  syncPreview,
  syncSettings,
} from "../backend";
import { queryKeys } from "./queries";

export const syncKeys = {
  hcpStatus: ["hcp-status"] as const,
  /** Prefix of every HCP customer list. */
  hcpCustomerLists: ["hcp-customers"] as const,
  hcpCustomers: (query: string) => ["hcp-customers", query] as const,
  /** Under the lists' prefix, so whatever refreshes the lists refreshes it too. */
  hcpCustomer: (customerId: string) => ["hcp-customers", "by-id", customerId] as const,
  /** Prefix of every linked-customer query. */
  linkedCustomers: ["linked-customer"] as const,
  linkedCustomer: (contactId: string) => ["linked-customer", contactId] as const,
  /** Prefix of every sync log. */
  syncLogs: ["sync-log"] as const,
  syncLog: (target: SyncTargetRef) => ["sync-log", target.side, target.id] as const,
  preview: (target: SyncTargetRef, choice: SyncMatchChoice | null) =>
    ["sync-preview", target.side, target.id, choice === null ? "auto" : (choice.existingId ?? "new")] as const,
  syncSettings: ["sync-settings"] as const,
};

export function useHcpStatus() {
  return useQuery({ queryKey: syncKeys.hcpStatus, queryFn: hcpStatus, staleTime: Infinity });
}

/** A page of HCP customers, tagged with the query it answers. */
export type TaggedCustomerPage = HcpCustomerPage & { query: string };

export function useHcpCustomers(query: string) {
  return useInfiniteQuery({
    queryKey: syncKeys.hcpCustomers(query),
    queryFn: async ({ pageParam }): Promise<TaggedCustomerPage> => ({ ...(await hcpCustomers(query, pageParam)), query }),
    initialPageParam: 1,
    getNextPageParam: (last) => (last.page < last.totalPages ? last.page + 1 : undefined),
    // The previous search's rows stay while the next one loads.
    placeholderData: (previous) => previous,
  });
}

/** One customer as HCP has it now (a sync may have changed or linked it). */
export function useHcpCustomer(customerId: string | null) {
  return useQuery({
    queryKey: syncKeys.hcpCustomer(customerId ?? ""),
    queryFn: () => hcpCustomer(customerId!),
    enabled: customerId !== null,
  });
}

export function useLinkedCustomer(contactId: string, enabled = true) {
  return useQuery({
    queryKey: syncKeys.linkedCustomer(contactId),
    queryFn: () => linkedCustomer(contactId),
    enabled,
  });
}

export function useSyncLog(target: SyncTargetRef, enabled = true) {
  return useQuery({ queryKey: syncKeys.syncLog(target), queryFn: () => syncLog(target), enabled });
}

/** The preview is always computed afresh: both sides may have changed since. */
export function useSyncPreview(target: SyncTargetRef, choice: SyncMatchChoice | null) {
  return useQuery({
    queryKey: syncKeys.preview(target, choice),
    queryFn: () => syncPreview(target, choice),
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });
}

export type SyncApplyArgs = { target: SyncTargetRef; choices: SyncFieldChoice[]; matchChoice: SyncMatchChoice | null };

/** Everything a sync may have changed: both records, their lists, link and log. */
export function invalidateAfterSync(client: QueryClient, result: Pick<SyncResult, "ghlContactId">) {
  void client.invalidateQueries({ queryKey: queryKeys.contact(result.ghlContactId) });
  void client.invalidateQueries({ queryKey: queryKeys.contactLists });
  void client.invalidateQueries({ queryKey: queryKeys.businesses });
  void client.invalidateQueries({ queryKey: queryKeys.knownTags });
  void client.invalidateQueries({ queryKey: syncKeys.hcpCustomerLists });
  void client.invalidateQueries({ queryKey: syncKeys.linkedCustomers });
  void client.invalidateQueries({ queryKey: syncKeys.syncLogs });
}

export function useSyncApply() {
  const client = useQueryClient();
  return useMutation({
    mutationKey: ["sync-apply"],
    mutationFn: ({ target, choices, matchChoice }: SyncApplyArgs) => syncApply(target, choices, matchChoice),
    onSuccess: (result) => invalidateAfterSync(client, result),
    onError: () => {
      // A stopped sync may have written part of its changes: show what is there now.
      void client.invalidateQueries({ queryKey: syncKeys.hcpCustomerLists });
      void client.invalidateQueries({ queryKey: syncKeys.linkedCustomers });
      void client.invalidateQueries({ queryKey: syncKeys.syncLogs });
    },
  });
}

export function useSaveHcpKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (form: HcpKeyForm) => saveHcpKey(form),
    onSuccess: (status) => {
      client.setQueryData(syncKeys.hcpStatus, status);
      void client.invalidateQueries({ queryKey: syncKeys.hcpCustomerLists });
      void client.invalidateQueries({ queryKey: syncKeys.linkedCustomers });
    },
  });
}

export function useSyncSettings() {
  return useQuery({ queryKey: syncKeys.syncSettings, queryFn: syncSettings, staleTime: Infinity });
}

export function useSaveSyncSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (form: SyncSettingsForm) => saveSyncSettings(form),
    onSuccess: (saved) => client.setQueryData(syncKeys.syncSettings, saved),
  });
}

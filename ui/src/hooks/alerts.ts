// Change alerts: the rules (Settings → Alerts) and the activity feed they fill. The
// unread count comes with the cache status; when it changes, the feed is read again.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ActivityItem, AlertRuleForm, AlertRuleKind } from "../bindings";
import { activity, alertRules, deleteAlertRule, markActivityRead, saveAlertRule } from "../backend";
import { formatPhone } from "../lib/format";

export const alertRulesKey = ["alert-rules"] as const;
export const activityKey = ["activity"] as const;

/** Feed entries per page. */
export const ACTIVITY_PAGE_SIZE = 30;

export const KIND_LABELS: Record<AlertRuleKind, string> = {
  fieldChanged: "A contact’s field changes",
  tagAdded: "A contact gets a tag",
  taskOverdue: "A task becomes overdue",
  hcpChanged: "A linked Housecall Pro customer changes",
};

/**
 * Whose tasks "overdue" watches. GoHighLevel does not tell Switchboard who is signed in,
 * so it is every open task of the watched contacts the app has loaded.
 */
export const OVERDUE_SCOPE_NOTE =
  "Switchboard can’t tell which GoHighLevel user you are, so this watches every open task of the watched contacts (tasks are known once a contact has been opened).";

export function useAlertRules() {
  return useQuery({ queryKey: alertRulesKey, queryFn: alertRules });
}

export function useSaveAlertRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (rule: AlertRuleForm) => saveAlertRule(rule),
    onSettled: () => client.invalidateQueries({ queryKey: alertRulesKey }),
  });
}

export function useDeleteAlertRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => deleteAlertRule(id),
    onSettled: () => client.invalidateQueries({ queryKey: alertRulesKey }),
  });
}

export function useActivity() {
  return useInfiniteQuery({
    queryKey: activityKey,
    queryFn: ({ pageParam }) => activity(ACTIVITY_PAGE_SIZE, pageParam),
    initialPageParam: null as number | null,
    getNextPageParam: (last: ActivityItem[]) =>
      last.length < ACTIVITY_PAGE_SIZE ? undefined : (last[last.length - 1]?.id ?? undefined),
    staleTime: 0,
  });
}

/** Marks one entry (`id`) or all (`null`) read. */
export function useMarkActivityRead() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number | null) => markActivityRead(id),
    onSettled: () => client.invalidateQueries({ queryKey: activityKey }),
  });
}

/** What happened, in one line: "Phone: 555 0101 → 555 0199". */
export function describeActivity(item: ActivityItem): string {
  const subject = item.subject ?? "";
  // Phones are kept as E.164; shown the way the rest of the app shows them.
  const shown = (value: string) => (/phone/i.test(subject) ? (formatPhone(value) ?? value) : value);
  switch (item.kind) {
    case "fieldChanged":
      if (item.from !== null && item.to !== null) return `${subject}: ${shown(item.from)} → ${shown(item.to)}`;
      if (item.to !== null) return `${subject} set to ${shown(item.to)}`;
      if (item.from !== null) return `${subject} cleared (was ${shown(item.from)})`;
      return `${subject} changed`;
    case "tagAdded":
      return `Tagged “${subject}”`;
    case "taskOverdue":
      return `Task overdue: ${subject}`;
    case "hcpChanged":
      return `Housecall Pro customer ${subject} changed`;
  }
}

/** "Phone changes", "Gets tag vip", … : a rule in a few words. */
export function describeRule(kind: AlertRuleKind, field: string | null, tag: string | null, fieldLabel: (key: string) => string): string {
  switch (kind) {
    case "fieldChanged":
      return `${field === null ? "A field" : fieldLabel(field)} changes`;
    case "tagAdded":
      return `Gets tag “${tag ?? ""}”`;
    case "taskOverdue":
      return "A task becomes overdue";
    case "hcpChanged":
      return "Linked Housecall Pro customer changes";
  }
}

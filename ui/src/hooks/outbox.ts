// The outbox: edits made while GoHighLevel could not be reached (or that it refused, or
// that met a newer change there), and what a person can do about each.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ConflictChoice, OutboxCounts } from "../bindings";
import { discardOutboxItem, outboxItems, resolveOutboxConflict, retryOutboxItem } from "../backend";

export const outboxKey = ["outbox"] as const;

/** How many edits need sending or a person's attention; 0 hides the outbox button. */
export function outboxTotal(counts: OutboxCounts): number {
  return counts.waiting + counts.conflicts + counts.rejected;
}

/**
 * The parts of "3 edits waiting to send · 1 conflict to resolve · 1 edit refused",
 * what needs a person first.
 */
export function outboxParts(counts: OutboxCounts): string[] {
  const parts: string[] = [];
  if (counts.conflicts > 0) parts.push(`${counts.conflicts} ${counts.conflicts === 1 ? "conflict" : "conflicts"} to resolve`);
  if (counts.rejected > 0) parts.push(`${counts.rejected} ${counts.rejected === 1 ? "edit" : "edits"} refused`);
  if (counts.waiting > 0) parts.push(`${counts.waiting} ${counts.waiting === 1 ? "edit" : "edits"} waiting to send`);
  return parts;
}

export function useOutboxItems() {
  return useQuery({ queryKey: outboxKey, queryFn: outboxItems, staleTime: 0 });
}

/** After an outbox action: the list, and whatever the edit touched, read again. */
function useSettled() {
  const client = useQueryClient();
  return () => {
    void client.invalidateQueries({ queryKey: outboxKey });
  };
}

export function useResolveConflict() {
  const settled = useSettled();
  return useMutation({
    mutationKey: ["outbox", "resolve"],
    mutationFn: ({ id, choices }: { id: number; choices: ConflictChoice[] }) => resolveOutboxConflict(id, choices),
    onSettled: settled,
  });
}

export function useRetryOutboxItem() {
  const settled = useSettled();
  return useMutation({
    mutationKey: ["outbox", "retry"],
    mutationFn: (id: number) => retryOutboxItem(id),
    onSettled: settled,
  });
}

export function useDiscardOutboxItem() {
  const settled = useSettled();
  return useMutation({
    mutationKey: ["outbox", "discard"],
    mutationFn: (id: number) => discardOutboxItem(id),
    onSettled: settled,
  });
}

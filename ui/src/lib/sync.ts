// Words for the one-contact sync between Housecall Pro and GoHighLevel: pure, so the
// dialog, the contact view and the tests agree on them.
import type { SyncConflictView, SyncFieldChoice, SyncKeep, SyncResult, SyncSide } from "../bindings";
import { formatPhone } from "./format";

export const SIDE_NAMES: Record<SyncSide, string> = { hcp: "Housecall Pro", ghl: "GoHighLevel" };

/** How an empty value shows in a diff. */
export const EMPTY_VALUE = "—";

/** Phones travel as E.164 ("+17205550278"); they read as everywhere else in the app. */
const E164 = /^\+\d{8,15}$/;

export function isPhoneValue(value: string | null | undefined): boolean {
  return value !== null && value !== undefined && E164.test(value);
}

export function shownValue(value: string | null | undefined): string {
  if (value === null || value === undefined || value.trim() === "") return EMPTY_VALUE;
  return isPhoneValue(value) ? (formatPhone(value) ?? value) : value;
}

/** "Label: from → to", the one line a change reads as. */
export function changeText(label: string, from: string | null, to: string | null): string {
  return `${label}: ${shownValue(from)} → ${shownValue(to)}`;
}

/** One choice per conflict, in the order shown; a field not chosen keeps "change nothing". */
export function choicesFor(conflicts: readonly SyncConflictView[], picked: Readonly<Record<string, SyncKeep>>): SyncFieldChoice[] {
  return conflicts.map((conflict) => ({ field: conflict.field, keep: picked[conflict.field] ?? "nothing" }));
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function quotedList(titles: readonly string[]): string {
  const quoted = titles.map((title) => `“${title}”`);
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} and ${quoted.at(-1)}`;
}

/**
 * The result in one sentence: "Synced: 3 changes in GoHighLevel, 1 in Housecall Pro,
 * created the contact, added task “Call to welcome”".
 */
export function describeSyncResult(result: SyncResult): string {
  const parts: string[] = [];
  if (result.changedInGhl > 0) parts.push(`${plural(result.changedInGhl, "change", "changes")} in GoHighLevel`);
  if (result.changedInHcp > 0) {
    parts.push(
      result.changedInGhl > 0
        ? `${result.changedInHcp} in Housecall Pro`
        : `${plural(result.changedInHcp, "change", "changes")} in Housecall Pro`,
    );
  }
  if (result.created === "ghl") parts.push("created the contact");
  if (result.created === "hcp") parts.push("created the customer");
  if (result.tasksCreated.length > 0) {
    parts.push(`added ${result.tasksCreated.length === 1 ? "task" : "tasks"} ${quotedList(result.tasksCreated)}`);
  }
  const unresolved =
    result.unresolved > 0 ? `${plural(result.unresolved, "conflict", "conflicts")} left as they were` : null;
  if (parts.length === 0) {
    const agreed = result.nothingSent ? "Nothing to sync — both sides already agree" : "Synced: the two records are linked";
    return unresolved ? `${agreed}; ${unresolved}` : agreed;
  }
  if (unresolved) parts.push(unresolved);
  return `Synced: ${parts.join(", ")}`;
}

/** "→ GoHighLevel": where a logged change went. */
export function directionText(to: SyncSide): string {
  return `→ ${SIDE_NAMES[to]}`;
}

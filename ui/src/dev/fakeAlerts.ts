// The change alerts of the in-browser fake backend: rules and an activity feed per
// location, kept in memory. A few sample entries make the feed worth looking at in the
// preview; the real app fills it from its background refresh.
import type { ActivityItem, AlertField, AlertRuleForm, AlertRules, AlertRuleView, ContactSummary } from "../bindings";

const FIELDS: AlertField[] = [
  { key: "name", label: "Name" },
  { key: "email", label: "Email" },
  { key: "phone", label: "Phone" },
  { key: "companyName", label: "Company" },
  { key: "address", label: "Address" },
  { key: "tags", label: "Tags" },
  { key: "dnd", label: "Do not disturb" },
  { key: "source", label: "Source" },
  { key: "website", label: "Website" },
  { key: "assignedTo", label: "Assigned user" },
  { key: "dateOfBirth", label: "Date of birth" },
];

type Alerts = { rules: AlertRuleView[]; feed: ActivityItem[]; nextId: number };

const byLocation = new Map<string, Alerts>();

function fail(code: "validation" | "not_found", message: string): never {
  throw { code, message, details: null };
}

function sampleFeed(contacts: readonly ContactSummary[]): ActivityItem[] {
  const [first, second] = contacts;
  if (first === undefined || second === undefined) return [];
  const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();
  return [
    {
      id: 2,
      contactId: first.id,
      contactName: first.displayName,
      kind: "fieldChanged",
      subject: "Phone",
      from: first.phone,
      to: "+1 303 555 0199",
      happenedAt: minutesAgo(12),
      read: false,
    },
    {
      id: 1,
      contactId: second.id,
      contactName: second.displayName,
      kind: "tagAdded",
      subject: "vip",
      from: null,
      to: null,
      happenedAt: minutesAgo(95),
      read: true,
    },
  ];
}

function alertsOf(locationId: string, contacts: readonly ContactSummary[]): Alerts {
  let alerts = byLocation.get(locationId);
  if (alerts === undefined) {
    const feed = sampleFeed(contacts);
    alerts = { rules: [], feed, nextId: feed.length + 1 };
    byLocation.set(locationId, alerts);
  }
  return alerts;
}

/** Unread entries of a location, for its cache status. */
export function unreadActivityOf(locationId: string): number {
  return byLocation.get(locationId)?.feed.filter((item) => !item.read).length ?? 0;
}

function ruleOf(form: AlertRuleForm, id: number, contacts: readonly ContactSummary[]): AlertRuleView {
  if (form.kind === "fieldChanged" && !FIELDS.some((f) => f.key === form.field)) {
    fail("validation", "This alert rule is incomplete: choose which field to watch");
  }
  if (form.kind === "tagAdded" && (form.tag ?? "").trim() === "") {
    fail("validation", "This alert rule is incomplete: enter the tag to watch for");
  }
  if (form.contactIds !== undefined && form.contactIds.length === 0) {
    fail("validation", "This alert rule is incomplete: choose at least one contact, or watch all contacts");
  }
  return {
    id,
    kind: form.kind,
    field: form.kind === "fieldChanged" ? (form.field ?? null) : null,
    tag: form.kind === "tagAdded" ? (form.tag ?? "").trim() : null,
    contacts:
      form.contactIds?.map((contactId) => ({
        id: contactId,
        name: contacts.find((c) => c.id === contactId)?.displayName ?? contactId,
      })) ?? null,
    enabled: form.enabled,
    createdAt: new Date().toISOString(),
  };
}

/** Answers the alert commands for the active location. */
export function fakeAlertsCommand(
  command: string,
  args: Record<string, unknown>,
  locationId: string,
  contacts: readonly ContactSummary[],
): unknown {
  const alerts = alertsOf(locationId, contacts);
  switch (command) {
    case "alert_rules": {
      const answer: AlertRules = { rules: alerts.rules.map((r) => ({ ...r })), fields: FIELDS, hcpConfigured: true };
      return answer;
    }
    case "save_alert_rule": {
      const form = args.rule as AlertRuleForm;
      if (form.id === undefined) {
        const rule = ruleOf(form, alerts.nextId, contacts);
        alerts.nextId += 1;
        alerts.rules.push(rule);
        return rule;
      }
      const index = alerts.rules.findIndex((r) => r.id === form.id);
      if (index < 0) fail("not_found", `alert rule ${form.id} is not in the local cache`);
      const rule = { ...ruleOf(form, form.id, contacts), createdAt: alerts.rules[index]!.createdAt };
      alerts.rules[index] = rule;
      return rule;
    }
    case "delete_alert_rule":
      alerts.rules = alerts.rules.filter((r) => r.id !== Number(args.id));
      return null;
    case "activity": {
      const before = args.before === null || args.before === undefined ? Infinity : Number(args.before);
      const limit = Number(args.limit ?? 50);
      return alerts.feed.filter((item) => item.id < before).slice(0, limit).map((item) => ({ ...item }));
    }
    case "mark_activity_read": {
      const id = args.id === null || args.id === undefined ? null : Number(args.id);
      alerts.feed = alerts.feed.map((item) => (id === null || item.id === id ? { ...item, read: true } : item));
      return null;
    }
    default:
      return undefined;
  }
}

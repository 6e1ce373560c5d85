// The home screen beside the contact list when no contact is open: what is due, what is
// booked, what changed and what waits to be sent, each item opening its contact.
import { forwardRef, useEffect, useImperativeHandle, useRef, useState, type ReactNode } from "react";
import type { Overview as OverviewData, OverviewAppointment, OverviewTask, TaskWalkStatus } from "../bindings";
import { useCacheStatus } from "../hooks/cacheStatus";
import { useNow } from "../hooks/now";
import { outboxParts, outboxTotal } from "../hooks/outbox";
import { useAfterFirstListPaint, useOverview } from "../hooks/overview";
import { formatDueDate, formatFullDateTime, formatOverdue, formatRelative, formatTime, parseDate } from "../lib/dates";
import { formatNumber, formatPhone } from "../lib/format";
import { ErrorMessage, ProgressBar, Skeleton, Spinner } from "./common";
import { AlertIcon, CheckCircleIcon, ClockIcon, OutboxIcon, RefreshIcon, UsersIcon } from "./icons";
import { OutboxDialog } from "./OutboxDialog";
import { OverviewList, type OverviewEntry, type OverviewListHandle } from "./OverviewList";
import { REFRESH_LABEL } from "./CacheStatusBar";

export type OverviewHandle = {
  /** Focuses the list last used (or the first with items), else the overview itself. */
  focus: () => void;
};

type Props = {
  /** False while a contact is open: the overview stays mounted (its place in the lists). */
  shown: boolean;
  onOpen: (contactId: string) => void;
};

const NO_CONTACT = "Contact not on this computer";

const LIST_ORDER = ["overdue", "due-today", "appointments-today", "appointments-week", "recent", "waiting"] as const;
type ListId = (typeof LIST_ORDER)[number];

type SectionSpec = {
  id: ListId;
  title: string;
  empty: string;
  icon: ReactNode;
  entries: OverviewEntry[];
  total: number;
  hint?: string;
  actions?: ReactNode;
};

function taskEntries(tasks: OverviewTask[], now: Date, overdue: boolean): OverviewEntry[] {
  return tasks.map(({ contactId, contactName, task }) => ({
    key: `${contactId}/${task.id}`,
    contactId,
    title: task.title,
    detail: contactName ?? NO_CONTACT,
    when: overdue ? formatOverdue(task.dueDate, false, now) : formatDueDate(task.dueDate, now),
    whenTitle: formatFullDateTime(task.dueDate) ?? undefined,
    tone: overdue ? "overdue" : undefined,
  }));
}

function appointmentEntries(appointments: OverviewAppointment[], now: Date, today: boolean): OverviewEntry[] {
  return appointments.map(({ contactId, contactName, appointment }) => {
    const start = parseDate(appointment.startTime);
    return {
      key: `${contactId}/${appointment.id}`,
      contactId,
      title: appointment.title ?? "Appointment",
      detail: contactName ?? NO_CONTACT,
      when: start === null ? null : today ? formatTime(start) : formatDueDate(appointment.startTime, now),
      whenTitle: formatFullDateTime(appointment.startTime) ?? undefined,
    };
  });
}

function sections(data: OverviewData, now: Date, openOutbox: (() => void) | null): SectionSpec[] {
  const lastDay = new Date(Date.parse(data.weekEnd) - 1);
  const weekday = new Intl.DateTimeFormat("en-US", { weekday: "long" }).format(lastDay);
  return [
    {
      id: "overdue",
      title: "Overdue tasks",
      empty: "No overdue tasks",
      icon: <AlertIcon size={16} />,
      entries: taskEntries(data.overdue.items, now, true),
      total: data.overdue.total,
    },
    {
      id: "due-today",
      title: "Due today",
      empty: "No more tasks due today",
      icon: <CheckCircleIcon size={16} />,
      entries: taskEntries(data.dueToday.items, now, false),
      total: data.dueToday.total,
    },
    {
      id: "appointments-today",
      title: "Appointments today",
      empty: "No appointments today",
      icon: <ClockIcon size={16} />,
      entries: appointmentEntries(data.appointmentsToday.items, now, true),
      total: data.appointmentsToday.total,
    },
    {
      id: "appointments-week",
      title: "This week",
      hint: `Tomorrow to ${weekday}`,
      empty: "No appointments later this week",
      icon: <ClockIcon size={16} />,
      entries: appointmentEntries(data.appointmentsWeek.items, now, false),
      total: data.appointmentsWeek.total,
    },
    {
      id: "recent",
      title: "Recently changed contacts",
      empty: "No contacts saved yet",
      icon: <UsersIcon size={16} />,
      entries: data.recentlyUpdated.map((contact) => ({
        key: contact.id,
        contactId: contact.id,
        title: contact.displayName,
        detail: contact.companyName ?? contact.email ?? formatPhone(contact.phone) ?? "",
        when: formatRelative(contact.dateUpdated, now),
        whenTitle: formatFullDateTime(contact.dateUpdated) ?? undefined,
      })),
      total: data.recentlyUpdated.length,
    },
    {
      id: "waiting",
      title: "Waiting to send",
      empty: "Every edit is in GoHighLevel",
      icon: <OutboxIcon size={16} />,
      entries: data.waiting.map((w) => ({
        key: w.contactId,
        contactId: w.contactId,
        title: w.contactName ?? NO_CONTACT,
        detail: outboxParts(w).join(" · "),
        when: null,
        tone: w.conflicts + w.rejected > 0 ? "attention" : undefined,
      })),
      total: data.waiting.length,
      actions: openOutbox ? (
        <button type="button" className="button button-small" data-testid="overview-open-outbox" aria-haspopup="dialog" onClick={openOutbox}>
          Review edits
        </button>
      ) : null,
    },
  ];
}

export const Overview = forwardRef<OverviewHandle, Props>(function Overview({ shown, onOpen }, ref) {
  const afterList = useAfterFirstListPaint();
  const query = useOverview(afterList, shown);
  const now = useNow();
  const { status, refresh, refreshing } = useCacheStatus();
  const [outboxOpen, setOutboxOpen] = useState(false);
  const rootRef = useRef<HTMLElement>(null);
  const lists = useRef(new Map<ListId, OverviewListHandle>());
  const lastList = useRef<ListId | null>(null);

  const data = query.data;
  // Back from a contact: its edits (a task done) may not have changed the cache's
  // generation, and time has moved on.
  const { refetch } = query;
  const wasShown = useRef(shown);
  useEffect(() => {
    if (shown && !wasShown.current && afterList) void refetch();
    wasShown.current = shown;
  }, [shown, afterList, refetch]);
  const pendingEdits = status ? outboxTotal(status.outbox) : 0;
  const specs = data ? sections(data, now, pendingEdits > 0 ? () => setOutboxOpen(true) : null) : [];
  const withItems = specs.filter((s) => s.entries.length > 0).map((s) => s.id);

  useImperativeHandle(ref, () => ({
    focus: () => {
      const target = lastList.current !== null && withItems.includes(lastList.current) ? lastList.current : withItems[0];
      const list = target === undefined ? undefined : lists.current.get(target);
      if (list) list.focusAt("same");
      else rootRef.current?.focus();
    },
  }));

  const leave = (from: ListId, direction: "up" | "down") => {
    const at = withItems.indexOf(from);
    const next = withItems[direction === "down" ? at + 1 : at - 1];
    if (next !== undefined) lists.current.get(next)?.focusAt(direction === "down" ? "first" : "last");
  };

  const updated = status ? formatRelative(status.lastRefreshedAt, now) : null;
  const today = new Intl.DateTimeFormat("en-US", { weekday: "long", month: "long", day: "numeric" }).format(now);

  return (
    <section
      ref={rootRef}
      className="overview"
      data-testid="overview"
      aria-labelledby="overview-heading"
      hidden={!shown}
      tabIndex={-1}
    >
      <div className="overview-content">
        <header className="overview-header">
          <div className="overview-title">
            <h2 id="overview-heading">Overview</h2>
            <p className="overview-date">{today}</p>
          </div>
          <div className="overview-status">
            <span className="overview-refreshed" data-testid="overview-last-refresh" title={formatFullDateTime(status?.lastRefreshedAt) ?? undefined}>
              {updated ? `Last updated ${updated}` : "Not updated from GoHighLevel yet"}
            </span>
            <button
              type="button"
              className="button button-small"
              data-testid="overview-refresh"
              title={REFRESH_LABEL}
              disabled={refreshing || status === null}
              aria-busy={refreshing || undefined}
              onClick={refresh}
            >
              {refreshing ? <Spinner size={12} /> : <RefreshIcon size={14} />}
              {refreshing ? "Refreshing…" : "Refresh"}
            </button>
          </div>
        </header>
        {query.isError && data === undefined ? (
          <ErrorMessage error={query.error} what="the overview" onRetry={() => void query.refetch()} retrying={query.isFetching} />
        ) : data === undefined ? (
          <div className="overview-grid" aria-busy="true">
            {LIST_ORDER.map((id) => (
              <div key={id} className="card panel overview-card">
                <Skeleton lines={2} label="Loading the overview" />
              </div>
            ))}
          </div>
        ) : (
          <>
            <OverviewScope walk={status?.taskWalk ?? null} online={status?.online ?? true} contactsWithTasks={data.contactsWithTasks} />
            <div className="overview-grid">
              {specs.map((spec) => (
                <OverviewCard key={spec.id} spec={spec}>
                  <OverviewList
                    ref={(handle) => {
                      if (handle) lists.current.set(spec.id, handle);
                      else lists.current.delete(spec.id);
                    }}
                    id={`overview-${spec.id}`}
                    label={spec.title}
                    entries={spec.entries}
                    onOpen={onOpen}
                    onLeave={(direction) => leave(spec.id, direction)}
                    onFocus={() => {
                      lastList.current = spec.id;
                    }}
                  />
                </OverviewCard>
              ))}
            </div>
          </>
        )}
      </div>
      {outboxOpen && status ? <OutboxDialog counts={status.outbox} onClose={() => setOutboxOpen(false)} /> : null}
    </section>
  );
});

function scopeText(contacts: number): string {
  if (contacts === 0) return "Tasks and appointments show here for the contacts you open on this computer.";
  const whose = contacts === 1 ? "the contact" : `the ${formatNumber(contacts)} contacts`;
  return `Tasks and appointments of ${whose} opened on this computer.`;
}

/**
 * Where the tasks and appointments come from: while the background walk fetches every
 * contact's, how far it is (with a bar); once it has checked them all, that they cover
 * every contact; before it has counted (first download), the contacts opened here.
 */
function OverviewScope({ walk, online, contactsWithTasks }: { walk: TaskWalkStatus | null; online: boolean; contactsWithTasks: number }) {
  if (walk === null || walk.total === 0) {
    return (
      <p className="overview-scope" data-testid="overview-scope">
        {scopeText(contactsWithTasks)}
      </p>
    );
  }
  const checked = Math.min(walk.checked, walk.total);
  if (checked >= walk.total) {
    const whose = walk.total === 1 ? "your contact" : `all ${formatNumber(walk.total)} contacts`;
    return (
      <p className="overview-scope" data-testid="overview-scope">
        Tasks and appointments of {whose}.
      </p>
    );
  }
  const counted = `${formatNumber(checked)} of ${formatNumber(walk.total)} contacts`;
  const why = walk.budgetSpent
    ? "The rest tomorrow: today’s share of GoHighLevel requests is used."
    : !online
      ? "Paused while GoHighLevel cannot be reached."
      : null;
  return (
    <div className="overview-scope overview-walk" data-testid="overview-scope">
      <p id="overview-walk-label">Checking tasks and appointments: {counted}</p>
      <ProgressBar labelledBy="overview-walk-label" done={checked} total={walk.total} valueText={counted} testId="overview-walk-progress" />
      {why ? <p className="overview-walk-note">{why}</p> : null}
    </div>
  );
}

function OverviewCard({ spec, children }: { spec: SectionSpec; children: ReactNode }) {
  const headingId = `overview-${spec.id}-heading`;
  const more = spec.total - spec.entries.length;
  return (
    <section className="card panel overview-card" data-testid={`overview-${spec.id}`} aria-labelledby={headingId}>
      <header className="panel-header">
        <span className={spec.id === "overdue" && spec.total > 0 ? "panel-icon overview-icon-overdue" : "panel-icon"}>{spec.icon}</span>
        <h3 id={headingId}>
          {spec.title}
          {spec.total > 0 ? <span className="count-pill">{formatNumber(spec.total)}</span> : null}
        </h3>
        {spec.hint ? <span className="overview-hint">{spec.hint}</span> : null}
        {spec.actions ? <div className="panel-actions">{spec.actions}</div> : null}
      </header>
      {spec.entries.length === 0 ? (
        <p className="empty-state" data-testid="overview-empty">
          {spec.empty}
        </p>
      ) : (
        children
      )}
      {more > 0 ? <p className="overview-more">and {formatNumber(more)} more</p> : null}
    </section>
  );
}

export default Overview;

import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { toAppError } from "../backend";
import { EmptyState, ErrorMessage, Skeleton } from "./common";

type Props<T> = {
  /** Used for ids and data-testid: "tasks" → data-testid="tasks-section". */
  name: string;
  title: string;
  /** Plural noun for messages: "tasks". */
  noun: string;
  query: UseQueryResult<T[]>;
  empty: string;
  icon: ReactNode;
  /** Buttons at the right of the header ("Add task"). */
  actions?: ReactNode;
  /** Shown between the header and the items (an add form). */
  before?: ReactNode;
  children: (items: T[]) => ReactNode;
};

/** A contact-view section that loads on its own: skeleton, error + Retry, empty, or items. */
export function Section<T>({ name, title, noun, query, empty, icon, actions, before, children }: Props<T>) {
  const headingId = `${name}-heading`;
  const count = query.data?.length;
  return (
    <section
      className="card panel"
      data-testid={`${name}-section`}
      aria-labelledby={headingId}
      aria-busy={query.isPending || (query.isError && query.isFetching)}
    >
      <header className="panel-header">
        <span className="panel-icon">{icon}</span>
        <h3 id={headingId}>
          {title}
          {count !== undefined ? (
            <span className="count-pill" data-testid={`${name}-count`}>
              {count}
            </span>
          ) : null}
        </h3>
        {actions ? <div className="panel-actions">{actions}</div> : null}
      </header>
      {before}
      {query.isPending ? (
        <Skeleton lines={2} label={`Loading ${noun}`} />
      ) : query.isError && isOffline(query.error) ? (
        // Not an error the person can fix: this contact's records were never fetched on
        // this computer. Adding still works (the edit waits in the outbox).
        <p className="section-offline" role="status" data-testid={`${name}-offline`}>
          The {noun} of this contact aren’t saved on this computer yet. They will show once
          GoHighLevel can be reached; anything you add now is sent then.
        </p>
      ) : query.isError ? (
        <ErrorMessage
          error={query.error}
          what={noun}
          onRetry={() => void query.refetch()}
          retrying={query.isFetching}
        />
      ) : query.data.length === 0 ? (
        before ? null : <EmptyState>{empty}</EmptyState>
      ) : (
        children(query.data)
      )}
    </section>
  );
}

/** True when the section could not load only because GoHighLevel is out of reach. */
export function isOffline(error: unknown): boolean {
  return toAppError(error).code === "offline";
}

import type { ReactNode } from "react";
import { describeError } from "../lib/errors";
import { avatarTone, initials, visibleTags } from "../lib/format";
import { AlertIcon, ClockIcon } from "./icons";

export function Spinner({ size = 16, label }: { size?: number; label?: string }) {
  return (
    <span className="spinner" style={{ width: size, height: size }} role={label ? "status" : undefined}>
      {label ? <span className="visually-hidden">{label}</span> : null}
    </span>
  );
}

/** Grey placeholder bars shown while something loads. */
export function Skeleton({ lines = 3, label }: { lines?: number; label: string }) {
  return (
    <div className="skeleton" aria-busy="true" role="status" data-testid="skeleton">
      <span className="visually-hidden">{label}</span>
      {Array.from({ length: lines }, (_, i) => (
        <div key={i} className="skeleton-item" aria-hidden="true">
          <span className="skeleton-dot" />
          <span className="skeleton-lines">
            <span className="skeleton-bar" />
            <span className="skeleton-bar short" />
          </span>
        </div>
      ))}
    </div>
  );
}

/** An inline error with a Retry button. `what` names the thing that failed ("tasks"). */
export function ErrorMessage({
  error,
  what,
  onRetry,
  retrying = false,
  compact = false,
}: {
  error: unknown;
  what: string;
  onRetry: () => void;
  retrying?: boolean;
  compact?: boolean;
}) {
  const { title, message } = describeError(error, what);
  return (
    <div className={compact ? "error-box compact" : "error-box"} role="alert" data-testid="error-message">
      <AlertIcon className="error-icon" size={18} />
      <div className="error-text">
        <p className="error-title">{title}</p>
        <p className="error-detail">{message}</p>
      </div>
      <button
        type="button"
        className="button"
        onClick={onRetry}
        disabled={retrying}
        aria-busy={retrying}
        data-testid="retry-button"
      >
        {retrying ? <Spinner size={12} /> : null}
        Retry
      </button>
    </div>
  );
}

export function EmptyState({ children, icon }: { children: ReactNode; icon?: ReactNode }) {
  return (
    <div className="empty-state" data-testid="empty-state">
      {icon}
      <p>{children}</p>
    </div>
  );
}

export function Avatar({
  contact,
  size = "medium",
}: {
  contact: { id: string; displayName: string; firstName: string | null; lastName: string | null; email?: string | null };
  size?: "medium" | "large";
}) {
  return (
    <span className={`avatar avatar-${size} tone-${avatarTone(contact.id)}`} aria-hidden="true">
      {initials(contact)}
    </span>
  );
}

export function TagList({ tags, max }: { tags: readonly string[]; max?: number }) {
  if (tags.length === 0) return null;
  const { shown, more } = max === undefined ? { shown: [...tags], more: 0 } : visibleTags(tags, max);
  return (
    <ul className="tags" aria-label="Tags">
      {shown.map((tag, i) => (
        <li key={`${tag}-${i}`} className="tag" title={tag}>
          {tag}
        </li>
      ))}
      {more > 0 ? (
        <li className="tag tag-more" title={tags.slice(shown.length).join(", ")}>
          +{more}
          <span className="visually-hidden"> more</span>
        </li>
      ) : null}
    </ul>
  );
}

export const WAITING_TOOLTIP = "Made while GoHighLevel couldn’t be reached: it is sent as soon as it can be.";

/** Marks a record made offline that GoHighLevel doesn’t have yet (text, not only colour). */
export function WaitingBadge() {
  return (
    <span className="badge badge-waiting" data-testid="waiting-badge" title={WAITING_TOOLTIP}>
      <ClockIcon size={12} />
      Waiting to send
    </span>
  );
}

type ProgressBarProps = {
  /** The id of the element that names what is in progress. */
  labelledBy: string;
  done: number;
  total: number;
  /** What a screen reader says, e.g. "120 of 400 rows". */
  valueText: string;
  testId: string;
};

/** A determinate progress bar (import, data folder move, task walk). */
export function ProgressBar({ labelledBy, done, total, valueText, testId }: ProgressBarProps) {
  const percent = total > 0 ? Math.min(100, (done / total) * 100) : 0;
  return (
    <div
      className="progress-track"
      role="progressbar"
      aria-labelledby={labelledBy}
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={done}
      aria-valuetext={valueText}
      data-testid={testId}
    >
      <span className="progress-fill" style={{ width: `${percent}%` }} />
    </div>
  );
}

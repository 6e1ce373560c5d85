// The header's part about the local cache: offline or not, when it was last brought up to
// date, Refresh (F5), and the edits waiting in the outbox.
import { useState } from "react";
import { useCacheStatus } from "../hooks/cacheStatus";
import { useNow } from "../hooks/now";
import { outboxParts, outboxTotal } from "../hooks/outbox";
import { formatFullDateTime, formatRelative } from "../lib/dates";
import { Spinner } from "./common";
import { AlertIcon, CloudOffIcon, OutboxIcon, RefreshIcon } from "./icons";
import { OutboxDialog } from "./OutboxDialog";

export const REFRESH_LABEL = "Refresh from GoHighLevel (F5)";

export function CacheStatusBar() {
  const { status, refresh, refreshing } = useCacheStatus();
  const now = useNow();
  const [outboxOpen, setOutboxOpen] = useState(false);
  if (status === null) return null;

  const updated = formatRelative(status.lastRefreshedAt, now);
  const pendingEdits = outboxTotal(status.outbox);
  const needsAttention = status.outbox.conflicts + status.outbox.rejected > 0;
  // The header is narrow: the most pressing part shows, the rest is read out.
  const [firstPart, ...moreParts] = outboxParts(status.outbox);

  return (
    <div className="cache-status" data-testid="cache-status">
      {status.online ? null : (
        <span
          className="badge badge-offline"
          role="status"
          data-testid="offline-indicator"
          title="GoHighLevel can’t be reached. Search and contacts work from what is saved on this computer; edits are sent when it is back."
        >
          <CloudOffIcon size={13} />
          Offline<span className="offline-detail"> — showing saved contacts</span>
        </span>
      )}
      {status.online && status.lastError ? (
        <span className="cache-error" data-testid="cache-error" title={status.lastError}>
          <AlertIcon size={12} />
          <span className="cache-error-text">{status.lastError}</span>
        </span>
      ) : null}
      {updated ? (
        <span className="last-refreshed" data-testid="last-refreshed" title={formatFullDateTime(status.lastRefreshedAt) ?? undefined}>
          Last updated {updated}
        </span>
      ) : null}
      <button
        type="button"
        className="header-button"
        data-testid="refresh-button"
        aria-label={REFRESH_LABEL}
        title={updated ? `${REFRESH_LABEL} · last updated ${updated}` : REFRESH_LABEL}
        disabled={refreshing}
        aria-busy={refreshing || undefined}
        onClick={refresh}
      >
        {refreshing ? <Spinner size={14} label="Refreshing" /> : <RefreshIcon size={15} />}
      </button>
      {pendingEdits > 0 ? (
        <button
          type="button"
          className={needsAttention ? "header-button outbox-button needs-attention" : "header-button outbox-button"}
          data-testid="outbox-button"
          aria-haspopup="dialog"
          title={[firstPart, ...moreParts].join(" · ")}
          onClick={() => setOutboxOpen(true)}
        >
          <OutboxIcon size={15} />
          {firstPart}
          {moreParts.length > 0 ? (
            <>
              <span aria-hidden="true" className="outbox-more">
                +{moreParts.length}
              </span>
              <span className="visually-hidden"> · {moreParts.join(" · ")}</span>
            </>
          ) : null}
        </button>
      ) : null}
      {outboxOpen ? <OutboxDialog counts={status.outbox} onClose={() => setOutboxOpen(false)} /> : null}
    </div>
  );
}

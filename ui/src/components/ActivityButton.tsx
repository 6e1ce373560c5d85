// The header's "Activity" button: how many alerts are unread (from the cache status),
// opening the feed.
import { useState } from "react";
import { useCacheStatus } from "../hooks/cacheStatus";
import { ActivityFeed } from "./ActivityFeed";
import { BellIcon } from "./icons";

export function ActivityButton() {
  const { status } = useCacheStatus();
  const [open, setOpen] = useState(false);
  const unread = status?.unreadActivity ?? 0;
  const label = unread === 0 ? "Activity" : `Activity, ${unread} unread`;
  return (
    <>
      <button
        type="button"
        className={unread > 0 ? "header-button activity-button has-unread" : "header-button activity-button"}
        data-testid="activity-button"
        data-unread={unread}
        aria-haspopup="dialog"
        aria-label={label}
        title={label}
        onClick={() => setOpen(true)}
      >
        <BellIcon size={15} />
        <span aria-hidden="true" className="header-button-label">
          Activity
        </span>
        {unread > 0 ? (
          <span className="activity-count" aria-hidden="true" data-testid="activity-unread">
            {unread > 99 ? "99+" : unread}
          </span>
        ) : null}
      </button>
      {open ? <ActivityFeed unread={unread} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

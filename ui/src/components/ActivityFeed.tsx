// The activity feed: what the alert rules caught, newest first. An entry opens its
// contact (and counts as read); "Mark all read" clears the header's count.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import type { ActivityItem } from "../bindings";
import { activityKey, describeActivity, useActivity, useMarkActivityRead } from "../hooks/alerts";
import { useNow } from "../hooks/now";
import { useOpenContact } from "../hooks/openContact";
import { useOpenSettings } from "../hooks/settings";
import { formatFullDateTime, formatRelative } from "../lib/dates";
import { describeWriteError } from "../lib/errors";
import { EmptyState, ErrorMessage, Skeleton, Spinner } from "./common";
import { Modal } from "./Modal";
import { useToast } from "./Toasts";

type Props = {
  /** The unread count of the cache status: when it changes, the feed is read again. */
  unread: number;
  onClose: () => void;
};

export function ActivityFeed({ unread, onClose }: Props) {
  const feed = useActivity();
  const client = useQueryClient();
  const markRead = useMarkActivityRead();
  const openContact = useOpenContact();
  const openSettings = useOpenSettings();
  const toast = useToast();
  const firstUnread = useRef(unread);
  useEffect(() => {
    // Read on open; a different count later means new entries (or read elsewhere).
    if (unread !== firstUnread.current) {
      firstUnread.current = unread;
      void client.invalidateQueries({ queryKey: activityKey });
    }
  }, [unread, client]);

  const items = feed.data?.pages.flat() ?? [];
  const anyUnread = items.some((item) => !item.read) || unread > 0;

  const markAll = () =>
    markRead.mutate(null, {
      onError: (reason) => {
        const described = describeWriteError(reason, "mark the alerts read");
        toast.show({ tone: "error", title: described.title, message: described.message });
      },
    });

  const open = (item: ActivityItem) => {
    if (!item.read) markRead.mutate(item.id);
    onClose();
    openContact?.(item.contactId);
  };

  return (
    <Modal title="Activity" onClose={onClose} testId="activity-feed" className="modal-wide activity-dialog">
      <div className="activity-toolbar">
        <p className="muted">Changes your alert rules caught, newest first.</p>
        <div className="activity-actions">
          {openSettings ? (
            <button
              type="button"
              className="button"
              data-testid="activity-rules"
              onClick={() => {
                onClose();
                openSettings("alerts");
              }}
            >
              Alert rules
            </button>
          ) : null}
          <button
            type="button"
            className="button"
            data-testid="activity-mark-all-read"
            disabled={!anyUnread || markRead.isPending}
            aria-busy={markRead.isPending || undefined}
            onClick={markAll}
          >
            {markRead.isPending ? <Spinner size={12} label="Marking read" /> : null}
            Mark all read
          </button>
        </div>
      </div>
      {feed.isPending ? (
        <Skeleton lines={4} label="Loading the activity" />
      ) : feed.isError ? (
        <ErrorMessage error={feed.error} what="the activity" onRetry={() => void feed.refetch()} retrying={feed.isFetching} />
      ) : items.length === 0 ? (
        <EmptyState>Nothing yet. Set up alert rules to hear about changes to your contacts.</EmptyState>
      ) : (
        <>
          <ul className="activity-list" aria-label="Alerts">
            {items.map((item) => (
              <ActivityEntry key={item.id} item={item} onOpen={() => open(item)} canOpen={openContact !== null} />
            ))}
          </ul>
          {feed.hasNextPage ? (
            <button
              type="button"
              className="button activity-more"
              disabled={feed.isFetchingNextPage}
              aria-busy={feed.isFetchingNextPage || undefined}
              onClick={() => void feed.fetchNextPage()}
            >
              {feed.isFetchingNextPage ? <Spinner size={12} label="Loading" /> : null}
              Show older
            </button>
          ) : null}
        </>
      )}
    </Modal>
  );
}

function ActivityEntry({ item, onOpen, canOpen }: { item: ActivityItem; onOpen: () => void; canOpen: boolean }) {
  const now = useNow();
  const when = formatRelative(item.happenedAt, now) ?? item.happenedAt;
  return (
    <li>
      <button
        type="button"
        className={item.read ? "activity-entry" : "activity-entry is-unread"}
        data-testid="activity-entry"
        data-read={item.read}
        data-contact-id={item.contactId}
        disabled={!canOpen}
        onClick={onOpen}
      >
        {item.read ? null : (
          <span className="activity-dot" aria-hidden="true" />
        )}
        <span className="activity-main">
          <span className="activity-name">{item.contactName}</span>
          <span className="activity-what">{describeActivity(item)}</span>
        </span>
        <time className="activity-when muted" dateTime={item.happenedAt} title={formatFullDateTime(item.happenedAt) ?? undefined}>
          {when}
        </time>
        {item.read ? null : <span className="visually-hidden"> (unread)</span>}
      </button>
    </li>
  );
}

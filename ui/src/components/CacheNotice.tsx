// Something the person should know about the saved contacts (e.g. a damaged file was set
// aside and the cache is being rebuilt). Dismissed per message: a new one shows again.
import { useState } from "react";
import { useCacheStatus } from "../hooks/cacheStatus";
import { AlertIcon, XIcon } from "./icons";

export function CacheNotice() {
  const { status } = useCacheStatus();
  const [dismissed, setDismissed] = useState<string | null>(null);
  const notice = status?.notice?.trim() || null;
  if (notice === null || notice === dismissed) return null;
  return (
    <div className="cache-notice" data-testid="cache-notice" role="status">
      <AlertIcon size={16} />
      <p className="cache-notice-text">{notice}</p>
      <button type="button" className="icon-button" aria-label="Dismiss this message" title="Dismiss" onClick={() => setDismissed(notice)}>
        <XIcon size={16} />
      </button>
    </div>
  );
}

// Above the contact list while the first full download runs (or is paused): how far it
// got, about how long is left, and Pause/Resume. A refresh gets only a slim bar.
import { useMutation } from "@tanstack/react-query";
import { pauseDownload, resumeDownload } from "../backend";
import type { CacheProgress } from "../bindings";
import { useCacheStatus } from "../hooks/cacheStatus";
import { describeWriteError } from "../lib/errors";
import { formatNumber } from "../lib/format";
import { PauseIcon, PlayIcon } from "./icons";
import { useToast } from "./Toasts";

export const RATE_LIMIT_TEXT = "Waiting for GoHighLevel’s rate limit…";

/** "about 2 min left", "less than a minute left", "about 1 h 20 min left". */
export function formatTimeLeft(seconds: number): string {
  if (seconds < 60) return "less than a minute left";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min left`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `about ${hours} h left` : `about ${hours} h ${rest} min left`;
}

function downloadedText(progress: CacheProgress): string {
  return `${formatNumber(progress.done)} of ${formatNumber(progress.total)}`;
}

export function DownloadProgress() {
  const { status, downloadTotal } = useCacheStatus();
  const toast = useToast();
  const onError = (action: string) => (error: unknown) => {
    const { title, message } = describeWriteError(error, action);
    toast.show({ tone: "error", title, message });
  };
  const pause = useMutation({ mutationFn: pauseDownload, onError: onError("pause the download") });
  const resume = useMutation({ mutationFn: resumeDownload, onError: onError("resume the download") });
  if (status === null) return null;

  const progress = status.progress;
  if (status.activity === "downloading" && !status.downloadPaused) {
    const known = progress !== null && progress.total > 0;
    const label = known ? `Downloading contacts ${downloadedText(progress)}` : "Downloading contacts…";
    const detail = progress?.waitingForRateLimit
      ? RATE_LIMIT_TEXT
      : progress?.etaSeconds != null
        ? formatTimeLeft(progress.etaSeconds)
        : null;
    return (
      <div className="download-progress" data-testid="download-progress">
        <div className="download-row">
          <p className="download-text" id="download-label">
            {label}
            {detail ? <span className="download-detail"> · {detail}</span> : null}
          </p>
          <button
            type="button"
            className="button button-small"
            data-testid="pause-download-button"
            disabled={pause.isPending}
            onClick={() => pause.mutate()}
          >
            <PauseIcon size={13} />
            Pause
          </button>
        </div>
        <ProgressTrack
          done={progress?.done ?? 0}
          total={known ? progress.total : null}
          valueText={known ? `${downloadedText(progress)} contacts` : "Starting"}
        />
      </div>
    );
  }

  if (status.downloadPaused && !status.downloadComplete) {
    const done = status.cachedContacts;
    const text =
      downloadTotal !== null && downloadTotal > 0
        ? `Download paused at ${formatNumber(done)} of ${formatNumber(downloadTotal)}`
        : `Download paused at ${formatNumber(done)} ${done === 1 ? "contact" : "contacts"}`;
    return (
      <div className="download-progress is-paused" data-testid="download-progress">
        <div className="download-row">
          <p className="download-text" id="download-label">
            {text}
            <span className="download-detail"> · search covers the contacts downloaded so far</span>
          </p>
          <button
            type="button"
            className="button button-small button-primary"
            data-testid="resume-download-button"
            disabled={resume.isPending}
            onClick={() => resume.mutate()}
          >
            <PlayIcon size={13} />
            Resume
          </button>
        </div>
        <ProgressTrack done={done} total={downloadTotal || null} paused />
      </div>
    );
  }

  if (status.activity === "refreshing") {
    // A background refresh: present, but it shouldn't draw the eye.
    return (
      <div className="refresh-bar" data-testid="refresh-indicator" role="progressbar" aria-label="Refreshing from GoHighLevel">
        <span className="progress-fill is-indeterminate" />
      </div>
    );
  }
  return null;
}

/**
 * The bar of the download: determinate when the total is known, else a moving stripe
 * (still when paused: nothing is happening).
 */
function ProgressTrack({
  done,
  total,
  valueText,
  paused = false,
}: {
  done: number;
  total: number | null;
  valueText?: string;
  paused?: boolean;
}) {
  return (
    <div
      className="progress-track"
      role="progressbar"
      aria-labelledby="download-label"
      aria-valuemin={0}
      aria-valuemax={total ?? undefined}
      aria-valuenow={total !== null ? Math.min(done, total) : undefined}
      aria-valuetext={valueText}
    >
      <span
        className={total !== null || paused ? "progress-fill" : "progress-fill is-indeterminate"}
        style={total !== null ? { width: `${Math.min(100, (done / total) * 100)}%` } : undefined}
      />
    </div>
  );
}

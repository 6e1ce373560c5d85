import { useAppInfo } from "../hooks/queries";
import { READ_ONLY_MESSAGE } from "../lib/errors";
import { LockIcon, SwitchboardMark } from "./icons";

export const DEMO_TOOLTIP = "Demo mode: sample data from the built-in sandbox";

export function Header() {
  const info = useAppInfo();
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-mark">
          <SwitchboardMark size={18} />
        </span>
        <h1 className="wordmark">Switchboard</h1>
      </div>
      <div className="header-location" data-testid="location">
        {info.isPending ? (
          <span className="skeleton-bar header-skeleton" aria-busy="true" aria-label="Loading location" role="status" />
        ) : info.isError ? (
          <span className="muted" title="The location couldn’t be loaded">
            Location unavailable
          </span>
        ) : (
          <>
            <span className="location-label">Location</span>
            <span className="location-name" data-testid="location-name">
              {info.data.locationName || info.data.locationId}
            </span>
          </>
        )}
      </div>
      <div className="header-end">
        {info.data?.canWrite === false ? (
          <span className="badge badge-readonly" data-testid="read-only-badge" title={READ_ONLY_MESSAGE}>
            <LockIcon size={12} />
            Read-only
          </span>
        ) : null}
        {info.data?.mode === "demo" ? (
          <span className="badge badge-demo" data-testid="demo-badge" title={DEMO_TOOLTIP}>
            <span className="badge-dot" aria-hidden="true" />
            Demo
          </span>
        ) : null}
        {info.data?.version ? <span className="version">v{info.data.version}</span> : null}
      </div>
    </header>
  );
}

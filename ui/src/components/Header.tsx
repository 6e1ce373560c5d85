import { useState } from "react";
import type { LocationAccount, SessionInfo } from "../bindings";
import { useOpenSettings } from "../hooks/settings";
import { READ_ONLY_MESSAGE } from "../lib/errors";
import { ActivityButton } from "./ActivityButton";
import { CacheStatusBar } from "./CacheStatusBar";
import { ImportButton } from "./ImportDialog";
import { LocationSwitcher } from "./LocationSwitcher";
import { SignOutDialog } from "./SignOutDialog";
import { GearIcon, LockIcon, SignOutIcon, SwitchboardMark } from "./icons";

export const DEMO_TOOLTIP = "Demo mode: sample data from the built-in sandbox";

type Props = {
  session: SessionInfo;
  account: LocationAccount;
  onAddLocation: () => void;
};

export function Header({ session, account, onAddLocation }: Props) {
  const [dialog, setDialog] = useState<"sign-out" | null>(null);
  const openSettings = useOpenSettings();
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-mark">
          <SwitchboardMark size={18} />
        </span>
        <h1 className="wordmark">Switchboard</h1>
      </div>
      <div className="header-location" data-testid="location">
        <span className="location-label" aria-hidden="true">
          Location
        </span>
        <LocationSwitcher session={session} active={account} onAddLocation={onAddLocation} />
      </div>
      <div className="header-end">
        <CacheStatusBar />
        {account.canWrite ? null : (
          <span className="badge badge-readonly" data-testid="read-only-badge" title={READ_ONLY_MESSAGE}>
            <LockIcon size={12} />
            Read-only
          </span>
        )}
        {session.mode === "demo" ? (
          <span className="badge badge-demo" data-testid="demo-badge" title={DEMO_TOOLTIP}>
            <span className="badge-dot" aria-hidden="true" />
            Demo
          </span>
        ) : null}
        <ActivityButton />
        {account.canWrite ? <ImportButton /> : null}
        <button
          type="button"
          className="header-button"
          data-testid="oauth-settings-button"
          aria-haspopup="dialog"
          title="Settings"
          onClick={() => openSettings?.()}
        >
          <GearIcon size={15} />
          <span className="visually-hidden">Settings</span>
        </button>
        <button
          type="button"
          className="header-button"
          data-testid="sign-out-button"
          aria-haspopup="dialog"
          aria-label="Sign out"
          title={`Sign out of ${account.name}`}
          onClick={() => setDialog("sign-out")}
        >
          <SignOutIcon size={15} />
          <span aria-hidden="true" className="header-button-label">
            Sign out
          </span>
        </button>
        <span className="version">v{session.version}</span>
      </div>
      {dialog === "sign-out" ? <SignOutDialog account={account} onClose={() => setDialog(null)} /> : null}
    </header>
  );
}

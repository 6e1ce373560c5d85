// Shown under the header when the active location's sign-in has expired (a command
// failed with `reauth_required`, or the session says so). Everything on screen stays;
// Reconnect signs in again the way the location was connected, then reloads its data.
import { useRef, useState } from "react";
import type { LocationAccount } from "../bindings";
import { useHighLevelSignIn } from "../hooks/session";
import { AlertIcon } from "./icons";
import { Modal } from "./Modal";
import { OAuthSettingsDialog } from "./OAuthSettingsDialog";
import { OAuthWaiting, SignInError, TokenForm } from "./SignIn";

export function ReconnectBanner({ account }: { account: LocationAccount }) {
  const buttonRef = useRef<HTMLButtonElement>(null);
  const [tokenOpen, setTokenOpen] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const signIn = useHighLevelSignIn(buttonRef, { refetch: true });
  const name = account.name || account.locationId;

  return (
    <div className="reconnect-banner" data-testid="reconnect-banner" role="region" aria-label="Sign-in expired">
      <div className="reconnect-row">
        <AlertIcon size={16} />
        <p className="reconnect-text">
          Your sign-in to <strong>{name}</strong> has expired.
          <span className="muted"> What is on screen may be out of date until you reconnect.</span>
        </p>
        {signIn.waiting ? (
          <OAuthWaiting signIn={signIn} compact />
        ) : (
          <button
            ref={buttonRef}
            type="button"
            className="button button-primary button-small"
            data-testid="reconnect-button"
            aria-haspopup={account.method === "privateToken" ? "dialog" : undefined}
            onClick={() => (account.method === "oauth" ? signIn.start() : setTokenOpen(true))}
          >
            Reconnect
          </button>
        )}
      </div>
      {signIn.error && !signIn.waiting ? (
        <SignInError error={signIn.error} onRetry={signIn.start} onOpenSettings={() => setSettingsOpen(true)} />
      ) : null}
      {tokenOpen ? (
        <Modal title={`Reconnect ${name}`} onClose={() => setTokenOpen(false)} testId="reconnect-dialog" className="modal-medium">
          <TokenForm
            locationId={account.locationId}
            refetch
            onCancel={() => setTokenOpen(false)}
            onSignedIn={() => setTokenOpen(false)}
            intro={
              <p className="form-note">
                HighLevel no longer accepts the Private Integration Token saved for this location. Paste a current one (Settings →
                Private Integrations in HighLevel).
              </p>
            }
          />
        </Modal>
      ) : null}
      {settingsOpen ? <OAuthSettingsDialog onClose={() => setSettingsOpen(false)} /> : null}
    </div>
  );
}

// The sign-in screen (first start, after the last sign-out, "Add a location…") and the
// pieces the reconnect banner shares with it: the browser sign-in's waiting state, its
// error, and the Private Integration Token form.
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from "react";
import type { SessionInfo } from "../bindings";
import { toAppError } from "../backend";
import { useHighLevelSignIn, useSignInWithToken } from "../hooks/session";
import { describeSignInError, fieldOfError } from "../lib/errors";
import { Spinner } from "./common";
import { FormAlert, InputField, SubmitButton } from "./forms";
import { AlertIcon, SwitchboardMark } from "./icons";
import { OAuthSettingsDialog } from "./OAuthSettingsDialog";

type SignInScreenProps = {
  session: SessionInfo;
  /** Back to the main screen ("Add a location…" while signed in elsewhere). */
  onBack?: () => void;
  onSignedIn?: () => void;
};

export function SignInScreen({ session, onBack, onSignedIn }: SignInScreenProps) {
  const oauthButton = useRef<HTMLButtonElement>(null);
  const tokenButton = useRef<HTMLButtonElement>(null);
  const [usingToken, setUsingToken] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const signIn = useHighLevelSignIn(oauthButton, { onSignedIn });
  const notReadyId = useId();
  const adding = session.accounts.length > 0;

  const settingsButton = (
    <button
      type="button"
      className={session.oauthReady ? "button button-link" : "button"}
      data-testid="oauth-settings-button"
      aria-haspopup="dialog"
      onClick={() => setSettingsOpen(true)}
    >
      {session.oauthReady ? "HighLevel app settings…" : "Open HighLevel app settings"}
    </button>
  );

  return (
    <main className="sign-in-page">
      <section className="sign-in-card card" data-testid="sign-in-screen" aria-labelledby="sign-in-title">
        <div className="sign-in-brand">
          <span className="brand-mark">
            <SwitchboardMark size={22} />
          </span>
          <h1 id="sign-in-title" className="wordmark">
            Switchboard
          </h1>
        </div>
        <p className="sign-in-lead">
          {adding
            ? "Sign in to another HighLevel location. You can switch between your locations at the top of the window."
            : "Browse your GoHighLevel contacts, tasks, notes and appointments. Sign in to the location you work in to begin."}
        </p>

        {usingToken ? (
          <TokenForm
            onCancel={() => {
              setUsingToken(false);
              window.setTimeout(() => tokenButton.current?.focus(), 0);
            }}
            onSignedIn={onSignedIn}
          />
        ) : signIn.waiting ? (
          <OAuthWaiting signIn={signIn} />
        ) : (
          <>
            {signIn.error ? (
              <SignInError
                error={signIn.error}
                onRetry={signIn.start}
                onOpenSettings={() => setSettingsOpen(true)}
                settingsButtonShown
              />
            ) : null}
            {session.notice ? (
              <div className="sign-in-notice" role="status" data-testid="session-notice">
                <AlertIcon size={16} />
                <p>{session.notice}</p>
              </div>
            ) : null}
            {session.oauthReady ? null : (
              <div className="sign-in-notice" id={notReadyId} data-testid="oauth-not-ready">
                <AlertIcon size={16} />
                <div>
                  <p>
                    An administrator must set up the HighLevel app before you can sign in with HighLevel. Until then you can
                    use a Private Integration Token.
                  </p>
                  {settingsButton}
                </div>
              </div>
            )}
            <div className="sign-in-actions">
              <button
                ref={oauthButton}
                type="button"
                className="button button-primary button-large"
                data-testid="sign-in-oauth-button"
                disabled={!session.oauthReady}
                aria-describedby={session.oauthReady ? undefined : notReadyId}
                onClick={signIn.start}
              >
                Sign in with HighLevel
              </button>
              <button
                ref={tokenButton}
                type="button"
                className="button button-large"
                data-testid="sign-in-token-button"
                onClick={() => {
                  signIn.dismissError();
                  setUsingToken(true);
                }}
              >
                Use a Private Integration Token
              </button>
            </div>
            <p className="sign-in-note">
              {session.mode === "demo"
                ? "Demo mode: the built-in sandbox’s consent page opens in your browser. Choose a location there and allow access."
                : "Your browser opens HighLevel’s sign-in page. Choose your location there and allow access, then come back here."}
            </p>
          </>
        )}

        <footer className="sign-in-footer">
          {onBack && !signIn.waiting ? (
            <button type="button" className="button button-link" onClick={onBack}>
              ← Back to {session.accounts.find((a) => a.locationId === session.activeLocationId)?.name ?? "your locations"}
            </button>
          ) : null}
          {session.oauthReady && !signIn.waiting ? settingsButton : null}
          <span className="version muted">v{session.version}</span>
        </footer>
      </section>
      {settingsOpen ? <OAuthSettingsDialog onClose={() => setSettingsOpen(false)} /> : null}
    </main>
  );
}

type SignInState = ReturnType<typeof useHighLevelSignIn>;

/** "Waiting for you to finish in your browser…" with Cancel, which gets the focus. */
export function OAuthWaiting({ signIn, compact = false }: { signIn: SignInState; compact?: boolean }) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => cancelRef.current?.focus(), []);
  return (
    <div className={compact ? "sign-in-waiting compact" : "sign-in-waiting"} data-testid="sign-in-waiting" aria-busy="true">
      <div className="sign-in-waiting-text" role="status">
        <Spinner size={compact ? 14 : 20} />
        <span>Waiting for you to finish in your browser…</span>
      </div>
      {compact ? null : (
        <p className="muted">
          Switchboard opened HighLevel in your web browser. Sign in there and allow access; this window continues by itself.
        </p>
      )}
      {signIn.cancelError ? (
        <p className="field-error" role="alert">
          <AlertIcon size={13} />
          <span>Couldn’t cancel: {toAppError(signIn.cancelError).message}</span>
        </p>
      ) : null}
      <button
        ref={cancelRef}
        type="button"
        className="button"
        data-testid="sign-in-cancel"
        disabled={signIn.cancelling}
        aria-busy={signIn.cancelling || undefined}
        onClick={signIn.cancel}
      >
        {signIn.cancelling ? <Spinner size={12} /> : null}
        Cancel
      </button>
    </div>
  );
}

/** Why signing in failed, in words for the person, with "Try again". */
export function SignInError({
  error,
  onRetry,
  onOpenSettings,
  settingsButtonShown = false,
}: {
  error: unknown;
  onRetry: () => void;
  onOpenSettings?: () => void;
  /** The screen already has a settings button: don't repeat it here. */
  settingsButtonShown?: boolean;
}) {
  const { title, message } = describeSignInError(error);
  const notConfigured = toAppError(error).code === "not_configured";
  return (
    <div className="error-box sign-in-error" role="alert" data-testid="sign-in-error">
      <AlertIcon className="error-icon" size={18} />
      <div className="error-text">
        <p className="error-title">{title}</p>
        <p className="error-detail">{message}</p>
      </div>
      <div className="error-actions">
        {notConfigured && onOpenSettings && !settingsButtonShown ? (
          <button type="button" className="button" onClick={onOpenSettings}>
            Settings…
          </button>
        ) : null}
        <button type="button" className="button" data-testid="sign-in-retry" onClick={onRetry}>
          Try again
        </button>
      </div>
    </div>
  );
}

type TokenFormProps = {
  /** Reconnecting this location: its id is filled in and can't be changed. */
  locationId?: string;
  onCancel: () => void;
  onSignedIn?: () => void;
  /** Load the location's data again afterwards (a reconnect). */
  refetch?: boolean;
  /** Extra content above the fields (a dialog's explanation). */
  intro?: ReactNode;
};

type TokenField = "locationId" | "token";
const TOKEN_FIELD_WORDS: Record<TokenField, readonly string[]> = {
  locationId: ["location"],
  token: ["token"],
};

/** Location id + Private Integration Token, checked by HighLevel before it is stored. */
export function TokenForm({ locationId: fixedLocation, onCancel, onSignedIn, refetch = false, intro }: TokenFormProps) {
  const [locationId, setLocationId] = useState(fixedLocation ?? "");
  const [token, setToken] = useState("");
  const [errors, setErrors] = useState<Partial<Record<TokenField, string>>>({});
  const [problem, setProblem] = useState<{ title: string; message: string } | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const id = useId();
  const save = useSignInWithToken({ refetch, onSignedIn });

  useEffect(() => {
    formRef.current?.querySelector<HTMLInputElement>(fixedLocation ? '[name="token"]' : '[name="locationId"]')?.focus();
    // Once, when the form opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const focus = (field: TokenField) => formRef.current?.querySelector<HTMLInputElement>(`[name="${field}"]`)?.focus();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (save.isPending) return;
    setProblem(null);
    const found: Partial<Record<TokenField, string>> = {};
    const location = locationId.trim();
    if (location === "") found.locationId = "Enter the location ID.";
    else if (/\s/.test(location)) found.locationId = "A location ID has no spaces.";
    if (token.trim() === "") found.token = "Paste the Private Integration Token.";
    setErrors(found);
    const first = (["locationId", "token"] as const).find((field) => found[field]);
    if (first) {
      focus(first);
      return;
    }
    save.mutate(
      { locationId: location, token: token.trim() },
      {
        onError: (error) => {
          const appError = toAppError(error);
          if (appError.code === "unauthorized" || appError.code === "forbidden") {
            const text = "HighLevel refused this token. Check that it was copied whole, that it is for this location, and that it hasn’t been deleted.";
            setErrors({ token: appError.message ? `${text} (${appError.message})` : text });
            focus("token");
            return;
          }
          const field = fieldOfError(error, TOKEN_FIELD_WORDS);
          if (field !== null) {
            setErrors({ [field]: appError.message });
            focus(field);
            return;
          }
          setProblem(describeSignInError(error));
        },
      },
    );
  };

  return (
    <form ref={formRef} className="form token-form" data-testid="token-form" noValidate onSubmit={submit} aria-busy={save.isPending || undefined}>
      {intro}
      {problem ? <FormAlert title={problem.title} message={problem.message} /> : null}
      <InputField
        id={`${id}-location`}
        name="locationId"
        label="Location ID"
        value={locationId}
        onChange={(value) => {
          setLocationId(value);
          if (errors.locationId) setErrors(({ locationId: _gone, ...rest }) => rest);
        }}
        error={errors.locationId}
        hint="In HighLevel: Settings → Business Profile, under “Location ID”."
        readOnly={fixedLocation !== undefined}
        required
        maxLength={100}
      />
      <InputField
        id={`${id}-token`}
        name="token"
        label="Private Integration Token"
        type="password"
        value={token}
        onChange={(value) => {
          setToken(value);
          if (errors.token) setErrors(({ token: _gone, ...rest }) => rest);
        }}
        error={errors.token}
        hint="In HighLevel: Settings → Private Integrations. Create one with the contacts scopes and copy its token. It is checked with HighLevel, then kept in this computer’s keyring."
        required
        maxLength={4000}
      />
      {save.isPending ? (
        <p className="form-progress" role="status">
          <Spinner size={13} /> Checking the token with HighLevel…
        </p>
      ) : null}
      <div className="form-actions">
        <button type="button" className="button" onClick={onCancel} disabled={save.isPending}>
          {fixedLocation ? "Cancel" : "Back"}
        </button>
        <SubmitButton pending={save.isPending} testId="token-form-submit">
          Verify &amp; save
        </SubmitButton>
      </div>
    </form>
  );
}

// The HighLevel (OAuth) app settings: what an administrator registered in the HighLevel
// marketplace. The client secret never comes back from Rust; leaving it empty keeps it.
import { useId, useState, type FormEvent } from "react";
import type { AuthorizeHost, OAuthSettings } from "../bindings";
import { toAppError } from "../backend";
import { useOAuthSettings } from "../hooks/queries";
import { useSaveOAuthSettings } from "../hooks/session";
import { describeSignInError, fieldOfError } from "../lib/errors";
import { ErrorMessage, Skeleton } from "./common";
import { CheckboxField, FormAlert, InputField, SubmitButton } from "./forms";
import { Modal } from "./Modal";
import { useToast } from "./Toasts";

const HOSTS: { value: AuthorizeHost; label: string; hint: string }[] = [
  { value: "standard", label: "Standard", hint: "marketplace.gohighlevel.com" },
  { value: "whiteLabel", label: "White-label", hint: "marketplace.leadconnectorhq.com" },
  { value: "custom", label: "Custom URL", hint: "your own authorize page" },
];

export function OAuthSettingsDialog({ onClose }: { onClose: () => void }) {
  return (
    <Modal title="HighLevel app settings" onClose={onClose} testId="oauth-settings-dialog" className="modal-medium">
      <OAuthSettingsPanel onClose={onClose} />
    </Modal>
  );
}

/** The settings form on its own, for the Settings dialog's "HighLevel app" section. */
export function OAuthSettingsPanel({ onClose }: { onClose: () => void }) {
  const settings = useOAuthSettings();
  return (
    <>
      {settings.isPending ? (
        <Skeleton lines={3} label="Loading the settings" />
      ) : settings.isError ? (
        <ErrorMessage
          error={settings.error}
          what="the settings"
          onRetry={() => void settings.refetch()}
          retrying={settings.isFetching}
        />
      ) : (
        <SettingsForm settings={settings.data} onClose={onClose} />
      )}
    </>
  );
}

type Field = "clientId" | "clientSecret" | "customAuthorizeUrl";
const FIELD_WORDS: Record<Field, readonly string[]> = {
  clientId: ["client id", "client_id"],
  clientSecret: ["secret"],
  customAuthorizeUrl: ["url", "authorize"],
};

function checkUrl(text: string): string | null {
  if (text === "") return "Enter the address of the authorize page.";
  try {
    const url = new URL(text);
    if (url.protocol !== "https:" && url.protocol !== "http:") return "The address must start with https://.";
    return null;
  } catch {
    return "Enter a whole address, like https://app.example.com/oauth/chooselocation.";
  }
}

function SettingsForm({ settings, onClose }: { settings: OAuthSettings; onClose: () => void }) {
  const [clientId, setClientId] = useState(settings.clientId);
  const [clientSecret, setClientSecret] = useState("");
  const [host, setHost] = useState<AuthorizeHost>(settings.authorizeHost);
  const [customUrl, setCustomUrl] = useState(settings.customAuthorizeUrl ?? "");
  const [editing, setEditing] = useState(settings.editingEnabled);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [problem, setProblem] = useState<{ title: string; message: string } | null>(null);
  const save = useSaveOAuthSettings();
  const toast = useToast();
  const id = useId();
  const managed = settings.managedByFile !== null;

  const clear = (field: Field) => {
    if (errors[field]) setErrors(({ [field]: _gone, ...rest }) => rest);
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (managed || save.isPending) return;
    setProblem(null);
    const found: Partial<Record<Field, string>> = {};
    if (clientId.trim() === "") found.clientId = "Enter the app’s client ID.";
    if (host === "custom") {
      const urlProblem = checkUrl(customUrl.trim());
      if (urlProblem) found.customAuthorizeUrl = urlProblem;
    }
    setErrors(found);
    const form = event.currentTarget;
    const first = (["clientId", "customAuthorizeUrl"] as const).find((field) => found[field]);
    if (first) {
      form.querySelector<HTMLInputElement>(`[name="${first}"]`)?.focus();
      return;
    }
    save.mutate(
      {
        clientId: clientId.trim(),
        clientSecret: clientSecret.trim() === "" ? null : clientSecret.trim(),
        authorizeHost: host,
        customAuthorizeUrl: host === "custom" ? customUrl.trim() : null,
        editingEnabled: editing,
      },
      {
        onSuccess: () => {
          toast.show({ tone: "success", title: "HighLevel app settings saved" });
          onClose();
        },
        onError: (error) => {
          const field = fieldOfError(error, FIELD_WORDS);
          if (field !== null) {
            setErrors({ [field]: toAppError(error).message });
            form.querySelector<HTMLInputElement>(`[name="${field}"]`)?.focus();
          } else {
            const described = describeSignInError(error);
            setProblem({ title: "Couldn’t save the settings", message: described.message });
          }
        },
      },
    );
  };

  return (
    <form className="form" data-testid="oauth-settings-form" noValidate onSubmit={submit} aria-busy={save.isPending || undefined}>
      {managed ? (
        <p className="form-note managed-note" data-testid="oauth-settings-managed">
          These settings are managed by your IT department in <span className="mono">{settings.managedByFile}</span>, so
          they can’t be changed here.
        </p>
      ) : (
        <p className="form-note">
          The app an administrator created in the HighLevel marketplace (My Apps → your app → Advanced Settings → Auth).
        </p>
      )}
      {problem ? <FormAlert title={problem.title} message={problem.message} /> : null}
      <InputField
        id={`${id}-client-id`}
        name="clientId"
        label="Client ID"
        value={clientId}
        onChange={(value) => {
          setClientId(value);
          clear("clientId");
        }}
        error={errors.clientId}
        readOnly={managed}
        required
        maxLength={200}
      />
      <InputField
        id={`${id}-client-secret`}
        name="clientSecret"
        label="Client secret"
        type="password"
        value={clientSecret}
        onChange={(value) => {
          setClientSecret(value);
          clear("clientSecret");
        }}
        error={errors.clientSecret}
        hint={
          settings.hasClientSecret
            ? "Stored in the keyring. Leave empty to keep it; type a new one to replace it."
            : "Not set yet. It is kept in this computer’s keyring, never in a file."
        }
        placeholder={settings.hasClientSecret ? "••••••••" : undefined}
        readOnly={managed}
        maxLength={500}
      />
      <fieldset className="form-group">
        <legend className="form-legend">Sign-in page</legend>
        <div className="radio-group">
          {HOSTS.map((option) => (
            <label key={option.value} className="radio-option">
              <input
                type="radio"
                name="authorizeHost"
                value={option.value}
                checked={host === option.value}
                disabled={managed}
                onChange={() => setHost(option.value)}
              />
              <span>
                {option.label} <span className="muted">({option.hint})</span>
              </span>
            </label>
          ))}
        </div>
        {host === "custom" ? (
          <InputField
            id={`${id}-custom-url`}
            name="customAuthorizeUrl"
            label="Authorize page address"
            type="url"
            inputMode="url"
            placeholder="https://app.example.com/oauth/chooselocation"
            value={customUrl}
            onChange={(value) => {
              setCustomUrl(value);
              clear("customAuthorizeUrl");
            }}
            error={errors.customAuthorizeUrl}
            readOnly={managed}
            required
            maxLength={500}
          />
        ) : null}
      </fieldset>
      <CheckboxField
        id={`${id}-editing`}
        name="editingEnabled"
        label="Allow editing (asks HighLevel for contacts.write)"
        checked={editing}
        onChange={setEditing}
        disabled={managed}
        hint="Without it, people can look at contacts but not change them. Locations signed in before the change must sign in again to get it."
      />
      <RedirectUris uris={settings.redirectUris} />
      <div className="form-actions">
        <button type="button" className="button" onClick={onClose}>
          {managed ? "Close" : "Cancel"}
        </button>
        {managed ? null : (
          <SubmitButton pending={save.isPending} testId="oauth-settings-save">
            Save settings
          </SubmitButton>
        )}
      </div>
    </form>
  );
}

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // Older web views: the selection-and-copy way.
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  if (!ok) throw new Error("copy refused");
}

function RedirectUris({ uris }: { uris: string[] }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const headingId = useId();
  return (
    <section className="redirect-uris" aria-labelledby={headingId}>
      <h3 id={headingId} className="form-legend">
        Redirect URIs to register
      </h3>
      <p className="form-note">
        HighLevel compares redirect URIs letter for letter, so register every one of these in the app’s settings: Switchboard
        uses whichever is free on this computer.
      </p>
      <ul className="uri-list" data-testid="redirect-uris">
        {uris.map((uri) => (
          <li key={uri} className="mono">
            {uri}
          </li>
        ))}
      </ul>
      <div className="copy-row">
        <button
          type="button"
          className="button button-small"
          data-testid="copy-redirect-uris"
          disabled={uris.length === 0}
          onClick={() => {
            copyText(uris.join("\n")).then(
              () => setCopied("yes"),
              () => setCopied("failed"),
            );
          }}
        >
          Copy
        </button>
        <span role="status" className="muted">
          {copied === "yes" ? "Copied" : copied === "failed" ? "Couldn’t copy: select the addresses and copy them by hand." : ""}
        </span>
      </div>
    </section>
  );
}

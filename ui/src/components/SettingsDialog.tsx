// Settings in one place: the HighLevel (OAuth) app, the Housecall Pro API key, how the
// one-contact sync maps fields and which follow-up tasks it adds, and General (refresh
// interval, log level, where the data and the logs are, moving the data folder).
import type { UseQueryResult } from "@tanstack/react-query";
import { useId, useRef, useState, type FormEvent, type ReactNode } from "react";
import type { AppSettingsView, FollowUpTaskForm, HcpStatus, LogLevel, SyncSettingsView } from "../bindings";
import { toAppError } from "../backend";
import { useAppSettings, useOpenFolder, useSaveAppSettings } from "../hooks/appSettings";
import type { SettingsSection } from "../hooks/settings";
import { useHcpStatus, useSaveHcpKey, useSaveSyncSettings, useSyncSettings } from "../hooks/sync";
import { describeWriteError } from "../lib/errors";
import { AlertSettings } from "./AlertSettings";
import { DataFolderMove } from "./DataFolderMove";
import { ErrorMessage, Skeleton } from "./common";
import { FormAlert, InputField, SubmitButton, TextAreaField } from "./forms";
import { PlusIcon, TrashIcon } from "./icons";
import { Modal } from "./Modal";
import { OAuthSettingsPanel } from "./OAuthSettingsDialog";
import { tabPanelProps, Tabs, type TabItem } from "./Tabs";
import { useToast } from "./Toasts";

const SECTIONS: readonly TabItem<SettingsSection>[] = [
  { id: "highlevel", label: "HighLevel app", testId: "settings-tab-highlevel" },
  { id: "hcp", label: "Housecall Pro", testId: "settings-tab-hcp" },
  { id: "sync", label: "Sync", testId: "settings-tab-sync" },
  { id: "general", label: "General", testId: "settings-tab-general" },
  { id: "alerts", label: "Alerts", testId: "settings-tab-alerts" },
];

export function SettingsDialog({ initial = "highlevel", onClose }: { initial?: SettingsSection; onClose: () => void }) {
  const [section, setSection] = useState<SettingsSection>(initial);
  const idBase = useId();
  return (
    <Modal title="Settings" onClose={onClose} testId="settings-dialog" className="modal-wide settings-dialog">
      <Tabs label="Settings sections" idBase={idBase} tabs={SECTIONS} selected={section} onSelect={setSection} className="settings-tabs" />
      <div {...tabPanelProps(idBase, section)} className="settings-panel">
        {section === "highlevel" ? <OAuthSettingsPanel onClose={onClose} /> : null}
        {section === "hcp" ? <HcpSettings /> : null}
        {section === "sync" ? <SyncSettings onClose={onClose} /> : null}
        {section === "general" ? <GeneralSettings onClose={onClose} /> : null}
        {section === "alerts" ? <AlertSettings /> : null}
      </div>
    </Modal>
  );
}

/** A section's settings once loaded: a skeleton meanwhile, the error with Retry if they can't be. */
function Loaded<T>({
  query,
  what,
  lines = 3,
  children,
}: {
  query: UseQueryResult<T>;
  what: string;
  lines?: number;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Skeleton lines={lines} label={`Loading ${what}`} />;
  if (query.isError) {
    return <ErrorMessage error={query.error} what={what} onRetry={() => void query.refetch()} retrying={query.isFetching} />;
  }
  return <>{children(query.data)}</>;
}

/** After Save in a settings form: a toast and the dialog closes, or the refusal shown in the form. */
function afterSave(
  toast: ReturnType<typeof useToast>,
  title: string,
  onClose: () => void,
  setProblem: (message: string) => void,
) {
  return {
    onSuccess: () => {
      toast.show({ tone: "success", title });
      onClose();
    },
    onError: (reason: unknown) => setProblem(toAppError(reason).message || "The settings couldn’t be saved."),
  };
}

// ---------- Housecall Pro ----------

function statusText(status: HcpStatus): string {
  if (status.demo) return "Demo: the built-in Housecall Pro emulator is used, already set up.";
  if (status.configured) return "Connected: an API key is saved in this computer’s keyring.";
  return "Not set up yet: enter the API key to browse and sync Housecall Pro customers.";
}

function HcpSettings() {
  return (
    <Loaded query={useHcpStatus()} what="the Housecall Pro status" lines={2}>
      {(status) => <HcpKeyForm status={status} />}
    </Loaded>
  );
}

function HcpKeyForm({ status }: { status: HcpStatus }) {
  // Never prefilled: the key stays in the keyring and is never sent back.
  const [apiKey, setApiKey] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [problem, setProblem] = useState<{ title: string; message: string } | null>(null);
  const save = useSaveHcpKey();
  const toast = useToast();
  const id = useId();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (save.isPending) return;
    setProblem(null);
    const input = event.currentTarget.querySelector<HTMLInputElement>('[name="apiKey"]');
    const key = apiKey.trim();
    if (key === "") {
      setError("Enter the API key (Housecall Pro → App Store → API).");
      input?.focus();
      return;
    }
    save.mutate(
      { apiKey: key },
      {
        onSuccess: () => {
          setApiKey("");
          setError(null);
          toast.show({ tone: "success", title: "Housecall Pro key saved" });
        },
        onError: (reason) => {
          const appError = toAppError(reason);
          if (appError.code === "unauthorized" || appError.code === "validation" || appError.code === "forbidden") {
            setError(appError.message || "Housecall Pro didn’t accept this key.");
            input?.focus();
          } else {
            const described = describeWriteError(reason, "save the key");
            setProblem({ title: described.title, message: described.message });
          }
        },
      },
    );
  };

  return (
    <form className="form" data-testid="hcp-key-form" noValidate onSubmit={submit} aria-busy={save.isPending || undefined}>
      <p className="form-note" data-testid="hcp-status" data-configured={status.configured} data-demo={status.demo}>
        {statusText(status)}
        {status.baseUrl ? <span className="muted mono"> {status.baseUrl}</span> : null}
      </p>
      {problem ? <FormAlert title={problem.title} message={problem.message} /> : null}
      <InputField
        id={`${id}-key`}
        name="apiKey"
        label={status.configured ? "New API key" : "API key"}
        type="password"
        value={apiKey}
        onChange={(value) => {
          setApiKey(value);
          setError(null);
        }}
        error={error}
        hint="Checked with a test call to Housecall Pro, then kept in the keyring, never in a file."
        placeholder={status.configured ? "••••••••" : undefined}
        required
        maxLength={500}
        testId="hcp-key-input"
      />
      <div className="form-actions">
        <SubmitButton pending={save.isPending} testId="hcp-key-save">
          Save key
        </SubmitButton>
      </div>
    </form>
  );
}

// ---------- Sync ----------

function SyncSettings({ onClose }: { onClose: () => void }) {
  return (
    <Loaded query={useSyncSettings()} what="the sync settings">
      {(settings) => <SyncSettingsForm settings={settings} onClose={onClose} />}
    </Loaded>
  );
}

/** A task template as typed (numbers as text until saved). */
type TaskDraft = { key: number; title: string; body: string; dueInDays: string; dueHour: number };
type TaskErrors = { title?: string; dueInDays?: string };

let draftKey = 0;
function draftOf(task: FollowUpTaskForm): TaskDraft {
  draftKey += 1;
  return { key: draftKey, title: task.title, body: task.body, dueInDays: String(task.dueInDays), dueHour: task.dueHour };
}

const HOURS = Array.from({ length: 24 }, (_, hour) => hour);

/** Whole days, 0 (the same day) to 365. */
export function parseDueInDays(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,3}$/.test(trimmed)) return null;
  const days = Number(trimmed);
  return days <= 365 ? days : null;
}

function SyncSettingsForm({ settings, onClose }: { settings: SyncSettingsView; onClose: () => void }) {
  const [homePhone, setHomePhone] = useState(settings.homePhoneField);
  const [workPhone, setWorkPhone] = useState(settings.workPhoneField);
  const [hcpId, setHcpId] = useState(settings.hcpIdField);
  const [tasks, setTasks] = useState<TaskDraft[]>(() => settings.followUpTasks.map(draftOf));
  const [hcpIdError, setHcpIdError] = useState<string | null>(null);
  const [taskErrors, setTaskErrors] = useState<Record<number, TaskErrors>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const save = useSaveSyncSettings();
  const toast = useToast();
  const id = useId();

  const change = (key: number, patch: Partial<TaskDraft>) => {
    setTasks((current) => current.map((task) => (task.key === key ? { ...task, ...patch } : task)));
    setTaskErrors(({ [key]: _gone, ...rest }) => rest);
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (save.isPending) return;
    setProblem(null);
    const form = event.currentTarget;
    const idProblem = hcpId.trim() === "" ? "Enter the custom field that keeps the Housecall Pro id: it links the two records." : null;
    const found: Record<number, TaskErrors> = {};
    const parsed: FollowUpTaskForm[] = [];
    for (const task of tasks) {
      const errors: TaskErrors = {};
      if (task.title.trim() === "") errors.title = "Enter a title.";
      const days = parseDueInDays(task.dueInDays);
      if (days === null) errors.dueInDays = "Enter a whole number of days from 0 to 365.";
      if (errors.title || errors.dueInDays) found[task.key] = errors;
      parsed.push({ title: task.title.trim(), body: task.body.trim(), dueInDays: days ?? 0, dueHour: task.dueHour });
    }
    setHcpIdError(idProblem);
    setTaskErrors(found);
    if (idProblem) {
      form.querySelector<HTMLInputElement>('[name="hcpIdField"]')?.focus();
      return;
    }
    const firstBad = tasks.find((task) => found[task.key]);
    if (firstBad) {
      const field = found[firstBad.key]?.title ? "title" : "dueInDays";
      form.querySelector<HTMLInputElement>(`[name="${field}-${firstBad.key}"]`)?.focus();
      return;
    }
    save.mutate(
      { homePhoneField: homePhone.trim(), workPhoneField: workPhone.trim(), hcpIdField: hcpId.trim(), followUpTasks: parsed },
      afterSave(toast, "Sync settings saved", onClose, setProblem),
    );
  };

  return (
    <form className="form" data-testid="sync-settings-form" noValidate onSubmit={submit} aria-busy={save.isPending || undefined}>
      <section aria-labelledby={`${id}-mapping`}>
        <h3 id={`${id}-mapping`} className="form-legend">
          How fields are matched
        </h3>
        <ul className="sync-mapping" data-testid="sync-mapping">
          {settings.mapping.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </section>
      {problem ? <FormAlert title="Couldn’t save the sync settings" message={problem} /> : null}
      <fieldset className="form-group">
        <legend className="form-legend">GoHighLevel custom fields</legend>
        <p className="form-note">
          GoHighLevel has one phone field: Housecall Pro’s other numbers go to these custom fields (leave empty to not sync
          that number).
        </p>
        <InputField
          id={`${id}-home`}
          name="homePhoneField"
          label="Home phone"
          value={homePhone}
          onChange={setHomePhone}
          placeholder="contact.hcp_home_phone"
          optional
          maxLength={200}
        />
        <InputField
          id={`${id}-work`}
          name="workPhoneField"
          label="Work phone"
          value={workPhone}
          onChange={setWorkPhone}
          placeholder="contact.hcp_work_phone"
          optional
          maxLength={200}
        />
        <InputField
          id={`${id}-hcp-id`}
          name="hcpIdField"
          label="Housecall Pro id"
          value={hcpId}
          onChange={(value) => {
            setHcpId(value);
            setHcpIdError(null);
          }}
          error={hcpIdError}
          placeholder="contact.hcp_customer_id"
          required
          maxLength={200}
        />
      </fieldset>
      <fieldset className="form-group">
        <legend className="form-legend">Follow-up tasks for contacts created from Housecall Pro</legend>
        {tasks.length === 0 ? <p className="form-note">None: new contacts get no tasks.</p> : null}
        <ul className="task-templates">
          {tasks.map((task, index) => {
            const errors = taskErrors[task.key] ?? {};
            const n = index + 1;
            return (
              <li key={task.key} className="task-template" data-testid="task-template">
                <InputField
                  id={`${id}-title-${task.key}`}
                  name={`title-${task.key}`}
                  label={`Task ${n} title`}
                  value={task.title}
                  onChange={(title) => change(task.key, { title })}
                  error={errors.title}
                  required
                  maxLength={200}
                />
                <TextAreaField
                  id={`${id}-body-${task.key}`}
                  name={`body-${task.key}`}
                  label={`Task ${n} description`}
                  value={task.body}
                  onChange={(body) => change(task.key, { body })}
                  optional
                  rows={2}
                />
                <div className="task-template-due">
                  <InputField
                    id={`${id}-days-${task.key}`}
                    name={`dueInDays-${task.key}`}
                    label={`Task ${n} due in (days)`}
                    inputMode="numeric"
                    value={task.dueInDays}
                    onChange={(dueInDays) => change(task.key, { dueInDays })}
                    error={errors.dueInDays}
                    hint="0 = the day the contact is created"
                    maxLength={3}
                  />
                  <div className="form-field">
                    <label htmlFor={`${id}-hour-${task.key}`} className="form-label">
                      Task {n} at (UTC)
                    </label>
                    <select
                      id={`${id}-hour-${task.key}`}
                      name={`dueHour-${task.key}`}
                      className="text-input"
                      value={task.dueHour}
                      onChange={(event) => change(task.key, { dueHour: Number(event.target.value) })}
                    >
                      {HOURS.map((hour) => (
                        <option key={hour} value={hour}>
                          {String(hour).padStart(2, "0")}:00 UTC
                        </option>
                      ))}
                    </select>
                  </div>
                </div>
                <button
                  type="button"
                  className="button button-small button-danger-quiet"
                  onClick={() => {
                    setTasks((current) => current.filter((t) => t.key !== task.key));
                    // Focus would be lost with the removed task: keep it in the list.
                    form(document.activeElement)?.querySelector<HTMLButtonElement>("[data-add-task]")?.focus();
                  }}
                >
                  <TrashIcon size={13} />
                  Remove task {n}
                </button>
              </li>
            );
          })}
        </ul>
        <button
          type="button"
          className="button button-small"
          data-add-task=""
          data-testid="add-task-template"
          onClick={() => setTasks((current) => [...current, draftOf({ title: "", body: "", dueInDays: 1, dueHour: 15 })])}
        >
          <PlusIcon size={13} />
          Add a task
        </button>
      </fieldset>
      <div className="form-actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <SubmitButton pending={save.isPending} testId="sync-settings-save">
          Save sync settings
        </SubmitButton>
      </div>
    </form>
  );
}

function form(element: Element | null): HTMLFormElement | null {
  return element?.closest("form") ?? null;
}

// ---------- General ----------

const LOG_LEVELS: readonly { level: LogLevel; label: string }[] = [
  { level: "error", label: "Errors only" },
  { level: "warn", label: "Warnings and errors" },
  { level: "info", label: "Normal (recommended)" },
  { level: "debug", label: "Detailed, for support" },
];

/** Whole minutes within `min`–`max`. */
export function parseMinutes(text: string, min: number, max: number): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,5}$/.test(trimmed)) return null;
  const minutes = Number(trimmed);
  return minutes >= min && minutes <= max ? minutes : null;
}

function GeneralSettings({ onClose }: { onClose: () => void }) {
  return (
    <Loaded query={useAppSettings()} what="the general settings">
      {(settings) => <GeneralSettingsForm settings={settings} onClose={onClose} />}
    </Loaded>
  );
}

function GeneralSettingsForm({ settings, onClose }: { settings: AppSettingsView; onClose: () => void }) {
  const [minutes, setMinutes] = useState(String(settings.refreshIntervalMinutes));
  const [logLevel, setLogLevel] = useState<LogLevel>(settings.logLevel);
  const [minutesError, setMinutesError] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [moving, setMoving] = useState(false);
  const moveButton = useRef<HTMLButtonElement>(null);
  const save = useSaveAppSettings();
  const toast = useToast();
  const id = useId();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (save.isPending) return;
    setProblem(null);
    const parsed = parseMinutes(minutes, settings.minRefreshMinutes, settings.maxRefreshMinutes);
    if (parsed === null) {
      setMinutesError(
        `Enter a whole number of minutes from ${settings.minRefreshMinutes} to ${settings.maxRefreshMinutes}.`,
      );
      event.currentTarget.querySelector<HTMLInputElement>('[name="refreshIntervalMinutes"]')?.focus();
      return;
    }
    save.mutate({ refreshIntervalMinutes: parsed, logLevel }, afterSave(toast, "Settings saved", onClose, setProblem));
  };

  return (
    <form className="form" data-testid="general-settings-form" noValidate onSubmit={submit} aria-busy={save.isPending || undefined}>
      {problem ? <FormAlert title="Couldn’t save the settings" message={problem} /> : null}
      <InputField
        id={`${id}-minutes`}
        name="refreshIntervalMinutes"
        label="Refresh contacts every (minutes)"
        inputMode="numeric"
        value={minutes}
        onChange={(value) => {
          setMinutes(value);
          setMinutesError(null);
        }}
        error={minutesError}
        hint="How often the saved contacts are brought up to date with GoHighLevel while the app runs. Applies at once."
        maxLength={5}
        required
        testId="refresh-interval-input"
      />
      <div className="form-field">
        <label htmlFor={`${id}-log-level`} className="form-label">
          Log detail
        </label>
        <select
          id={`${id}-log-level`}
          name="logLevel"
          className="text-input"
          value={logLevel}
          aria-describedby={`${id}-log-level-hint`}
          data-testid="log-level-select"
          onChange={(event) => setLogLevel(event.target.value as LogLevel)}
        >
          {LOG_LEVELS.map(({ level, label }) => (
            <option key={level} value={level}>
              {label}
            </option>
          ))}
        </select>
        <p id={`${id}-log-level-hint`} className="field-hint">
          Logs never hold a password, a token or a contact’s details. Applies at once.
          {settings.logFilterFromEnv ? (
            <>
              {" "}
              Now set by <span className="mono">SWITCHBOARD_LOG={settings.logFilterFromEnv}</span> until you save a
              level here.
            </>
          ) : null}
        </p>
      </div>
      <section className="settings-folders" aria-labelledby={`${id}-folders`}>
        <h3 id={`${id}-folders`} className="form-legend">
          Files on this computer
        </h3>
        <FolderRow
          label="Data (saved contacts)"
          path={settings.dataDir}
          which="data"
          button="Open data folder"
          testId="open-data-folder"
        >
          <button
            ref={moveButton}
            type="button"
            className="button button-small"
            aria-expanded={moving}
            onClick={() => setMoving(true)}
            data-testid="move-data-folder"
          >
            Move…
          </button>
        </FolderRow>
        {moving ? (
          <DataFolderMove
            onClose={() => {
              setMoving(false);
              // Back to the button that opened it.
              moveButton.current?.focus();
            }}
          />
        ) : null}
        <FolderRow label="Logs" path={settings.logsDir} which="logs" button="Open logs folder" testId="open-logs-folder" />
      </section>
      <div className="form-actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <SubmitButton pending={save.isPending} testId="general-settings-save">
          Save settings
        </SubmitButton>
      </div>
    </form>
  );
}

function FolderRow(props: {
  label: string;
  path: string;
  which: "logs" | "data";
  button: string;
  testId: string;
  children?: ReactNode;
}) {
  const open = useOpenFolder(props.which);
  const toast = useToast();
  return (
    <div className="folder-row">
      <dl className="folder-row-text">
        <dt className="form-label">{props.label}</dt>
        <dd className="folder-path mono" data-testid={`${props.testId}-path`}>
          {props.path}
        </dd>
      </dl>
      <button
        type="button"
        className="button button-small"
        disabled={open.isPending}
        data-testid={props.testId}
        onClick={() =>
          open.mutate(undefined, {
            onError: (reason) =>
              toast.show({ tone: "error", title: "Couldn’t open the folder", message: toAppError(reason).message }),
          })
        }
      >
        {props.button}
      </button>
      {props.children}
    </div>
  );
}

// Settings, in three sections: the HighLevel (OAuth) app, the Housecall Pro API key, and
// how the one-contact sync maps fields and which follow-up tasks it adds.
import { useId, useState, type FormEvent } from "react";
import type { FollowUpTaskForm, HcpStatus, SyncSettingsView } from "../bindings";
import { toAppError } from "../backend";
import type { SettingsSection } from "../hooks/settings";
import { useHcpStatus, useSaveHcpKey, useSaveSyncSettings, useSyncSettings } from "../hooks/sync";
import { describeWriteError } from "../lib/errors";
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
      </div>
    </Modal>
  );
}

// ---------- Housecall Pro ----------

function statusText(status: HcpStatus): string {
  if (status.demo) return "Demo: the built-in Housecall Pro emulator is used, already set up.";
  if (status.configured) return "Connected: an API key is saved in this computer’s keyring.";
  return "Not set up yet: enter the API key to browse and sync Housecall Pro customers.";
}

function HcpSettings() {
  const status = useHcpStatus();
  if (status.isPending) return <Skeleton lines={2} label="Loading the Housecall Pro status" />;
  if (status.isError) {
    return (
      <ErrorMessage
        error={status.error}
        what="the Housecall Pro status"
        onRetry={() => void status.refetch()}
        retrying={status.isFetching}
      />
    );
  }
  return <HcpKeyForm status={status.data} />;
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
  const settings = useSyncSettings();
  if (settings.isPending) return <Skeleton lines={3} label="Loading the sync settings" />;
  if (settings.isError) {
    return (
      <ErrorMessage
        error={settings.error}
        what="the sync settings"
        onRetry={() => void settings.refetch()}
        retrying={settings.isFetching}
      />
    );
  }
  return <SyncSettingsForm settings={settings.data} onClose={onClose} />;
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
      {
        onSuccess: () => {
          toast.show({ tone: "success", title: "Sync settings saved" });
          onClose();
        },
        onError: (reason) => setProblem(toAppError(reason).message || "The settings couldn’t be saved."),
      },
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

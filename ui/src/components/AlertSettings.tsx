// Settings → Alerts: the rules that fill the Activity feed (and show a desktop
// notification): a field of a contact changes, a contact gets a tag, a task becomes
// overdue, a linked Housecall Pro customer changes; each for every contact or a few.
import { useId, useState, type FormEvent } from "react";
import type { AlertContact, AlertField, AlertRuleKind, AlertRules, AlertRuleView } from "../bindings";
import { toAppError } from "../backend";
import { describeRule, KIND_LABELS, OVERDUE_SCOPE_NOTE, useAlertRules, useDeleteAlertRule, useSaveAlertRule } from "../hooks/alerts";
import { describeWriteError } from "../lib/errors";
import { AlertContactPicker } from "./AlertContactPicker";
import { EmptyState, ErrorMessage, Skeleton, Spinner } from "./common";
import { FormAlert, InputField, SubmitButton } from "./forms";
import { TrashIcon } from "./icons";
import { useToast } from "./Toasts";

const KINDS: readonly AlertRuleKind[] = ["fieldChanged", "tagAdded", "taskOverdue", "hcpChanged"];

export function AlertSettings() {
  const rules = useAlertRules();
  if (rules.isPending) return <Skeleton lines={3} label="Loading the alert rules" />;
  if (rules.isError) {
    return <ErrorMessage error={rules.error} what="the alert rules" onRetry={() => void rules.refetch()} retrying={rules.isFetching} />;
  }
  return (
    <div className="alert-settings" data-testid="alert-settings">
      <p className="form-note">
        Each alert shows as a desktop notification and in <strong>Activity</strong> in the header. Changes are found
        when the saved contacts are refreshed. Your own edits and syncs made in Switchboard never raise an alert.
      </p>
      <AlertRuleList data={rules.data} />
      <NewAlertRule data={rules.data} />
    </div>
  );
}

function labelOf(fields: readonly AlertField[]) {
  return (key: string) => fields.find((f) => f.key === key)?.label ?? key;
}

function scopeText(rule: AlertRuleView): string {
  if (rule.contacts === null) return "All contacts";
  const names = rule.contacts.map((c) => c.name);
  return names.length <= 3 ? names.join(", ") : `${names.slice(0, 3).join(", ")} and ${names.length - 3} more`;
}

function AlertRuleList({ data }: { data: AlertRules }) {
  const id = useId();
  if (data.rules.length === 0) {
    return <EmptyState>No alert rules yet. Add one below.</EmptyState>;
  }
  return (
    <section aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="form-legend">
        Your rules
      </h3>
      <ul className="alert-rules">
        {data.rules.map((rule) => (
          <AlertRuleRow key={rule.id} rule={rule} fields={data.fields} />
        ))}
      </ul>
    </section>
  );
}

function AlertRuleRow({ rule, fields }: { rule: AlertRuleView; fields: readonly AlertField[] }) {
  const save = useSaveAlertRule();
  const remove = useDeleteAlertRule();
  const toast = useToast();
  const id = useId();
  const title = describeRule(rule.kind, rule.field, rule.tag, labelOf(fields));
  const failed = (what: string) => (reason: unknown) => {
    const described = describeWriteError(reason, what);
    toast.show({ tone: "error", title: described.title, message: described.message });
  };
  const toggle = (enabled: boolean) =>
    save.mutate(
      {
        id: rule.id,
        kind: rule.kind,
        field: rule.field ?? undefined,
        tag: rule.tag ?? undefined,
        contactIds: rule.contacts?.map((c) => c.id),
        enabled,
      },
      { onError: failed(enabled ? "turn the rule on" : "turn the rule off") },
    );
  return (
    <li className={rule.enabled ? "alert-rule" : "alert-rule is-off"} data-testid="alert-rule" data-rule-kind={rule.kind}>
      <div className="alert-rule-text">
        <span id={`${id}-title`} className="alert-rule-title">
          {title}
        </span>
        <span className="muted alert-rule-scope">{scopeText(rule)}</span>
      </div>
      <label className="alert-rule-toggle">
        <input
          type="checkbox"
          checked={rule.enabled}
          disabled={save.isPending}
          aria-describedby={`${id}-title`}
          data-testid="alert-rule-enabled"
          onChange={(event) => toggle(event.target.checked)}
        />
        <span>On</span>
      </label>
      <button
        type="button"
        className="button button-danger-quiet"
        aria-label={`Delete the rule “${title}”`}
        title="Delete this rule"
        disabled={remove.isPending}
        aria-busy={remove.isPending || undefined}
        data-testid="alert-rule-delete"
        onClick={() => remove.mutate(rule.id, { onError: failed("delete the rule") })}
      >
        {remove.isPending ? <Spinner size={12} label="Deleting" /> : <TrashIcon size={14} />}
        Delete
      </button>
    </li>
  );
}

type Errors = { field?: string; tag?: string; contacts?: string };

function NewAlertRule({ data }: { data: AlertRules }) {
  const id = useId();
  const save = useSaveAlertRule();
  const toast = useToast();
  const [kind, setKind] = useState<AlertRuleKind>("fieldChanged");
  const [field, setField] = useState(data.fields[0]?.key ?? "");
  const [tag, setTag] = useState("");
  const [everyone, setEveryone] = useState(true);
  const [chosen, setChosen] = useState<AlertContact[]>([]);
  const [errors, setErrors] = useState<Errors>({});
  const [problem, setProblem] = useState<{ title: string; message: string } | null>(null);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (save.isPending) return;
    const found: Errors = {};
    if (kind === "tagAdded" && tag.trim() === "") found.tag = "Enter the tag to watch for.";
    if (!everyone && chosen.length === 0) found.contacts = "Choose at least one contact, or watch all contacts.";
    setErrors(found);
    setProblem(null);
    if (Object.keys(found).length > 0) return;
    save.mutate(
      {
        kind,
        field: kind === "fieldChanged" ? field : undefined,
        tag: kind === "tagAdded" ? tag.trim() : undefined,
        contactIds: everyone ? undefined : chosen.map((c) => c.id),
        enabled: true,
      },
      {
        onSuccess: () => {
          setTag("");
          setChosen([]);
          setEveryone(true);
          toast.show({ tone: "success", title: "Alert rule added" });
        },
        onError: (reason) => {
          const appError = toAppError(reason);
          const described = describeWriteError(reason, "add the rule");
          setProblem(appError.code === "validation" ? { title: "Check the rule", message: appError.message } : described);
        },
      },
    );
  };

  return (
    <form className="form alert-rule-form" data-testid="alert-rule-form" noValidate onSubmit={submit} aria-busy={save.isPending || undefined}>
      <h3 className="form-legend">New rule</h3>
      {problem ? <FormAlert title={problem.title} message={problem.message} /> : null}
      <div className="form-field">
        <label htmlFor={`${id}-kind`} className="form-label">
          Tell me when
        </label>
        <select
          id={`${id}-kind`}
          name="kind"
          className="text-input"
          value={kind}
          data-testid="alert-kind"
          onChange={(event) => setKind(event.target.value as AlertRuleKind)}
        >
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_LABELS[k]}
            </option>
          ))}
        </select>
      </div>
      {kind === "fieldChanged" ? (
        <div className="form-field">
          <label htmlFor={`${id}-field`} className="form-label">
            Field
          </label>
          <select
            id={`${id}-field`}
            name="field"
            className="text-input"
            value={field}
            data-testid="alert-field"
            onChange={(event) => setField(event.target.value)}
          >
            {data.fields.map((f) => (
              <option key={f.key} value={f.key}>
                {f.label}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {kind === "tagAdded" ? (
        <InputField
          id={`${id}-tag`}
          name="tag"
          label="Tag"
          value={tag}
          onChange={(value) => {
            setTag(value);
            setErrors((e) => ({ ...e, tag: undefined }));
          }}
          error={errors.tag}
          maxLength={100}
          required
          testId="alert-tag"
        />
      ) : null}
      {kind === "taskOverdue" ? (
        <p className="field-hint" data-testid="alert-overdue-note">
          {OVERDUE_SCOPE_NOTE}
        </p>
      ) : null}
      {kind === "hcpChanged" ? (
        <p className="field-hint" data-testid="alert-hcp-note">
          Only customers linked to a contact by a sync are watched; Housecall Pro is checked at every refresh.
          {data.hcpConfigured ? null : " Housecall Pro is not set up yet: add its API key under Housecall Pro."}
        </p>
      ) : null}
      <fieldset className="form-group">
        <legend className="form-legend">For</legend>
        <div className="radio-group">
          <label className="radio-option">
            <input type="radio" name="scope" checked={everyone} onChange={() => setEveryone(true)} data-testid="alert-scope-all" />
            <span>All contacts</span>
          </label>
          <label className="radio-option">
            <input type="radio" name="scope" checked={!everyone} onChange={() => setEveryone(false)} data-testid="alert-scope-chosen" />
            <span>Only these contacts</span>
          </label>
        </div>
        {everyone ? null : (
          <AlertContactPicker
            chosen={chosen}
            error={errors.contacts}
            onChange={(next) => {
              setChosen(next);
              setErrors((e) => ({ ...e, contacts: undefined }));
            }}
          />
        )}
      </fieldset>
      <div className="form-actions">
        <SubmitButton pending={save.isPending} testId="alert-rule-save">
          Add rule
        </SubmitButton>
      </div>
    </form>
  );
}

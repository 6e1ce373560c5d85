// "Sync": compare a Housecall Pro customer with its GoHighLevel contact, show every field
// that will change on each side (and the conflicts to settle), then apply. Nothing is sent
// before the person presses Sync; a sync that stopped part-way resumes on Retry.
import { useId, useRef, useState } from "react";
import type {
  SyncCandidate,
  SyncConflictView,
  SyncFieldChange,
  SyncKeep,
  SyncMatchChoice,
  SyncPreview,
  SyncResult,
  SyncSide,
  SyncTargetRef,
} from "../bindings";
import { toAppError } from "../backend";
import { useOpenSettings } from "../hooks/settings";
import { useSyncApply, useSyncPreview, type SyncApplyArgs } from "../hooks/sync";
import { formatFullDateTime } from "../lib/dates";
import { describeWriteError } from "../lib/errors";
import { formatPhone } from "../lib/format";
import { changeText, choicesFor, describeSyncResult, isPhoneValue, shownValue, SIDE_NAMES } from "../lib/sync";
import { ErrorMessage, Spinner } from "./common";
import { FormAlert } from "./forms";
import { CheckCircleIcon } from "./icons";
import { Modal } from "./Modal";

type Props = {
  target: SyncTargetRef;
  /** Who is being synced, for the title. */
  name: string;
  onClose: () => void;
  /** Opens a GoHighLevel contact (offered when the sync created one). */
  onOpenContact?: (contactId: string) => void;
};

/** Choices for the candidates' radio group: an existing record's id, or a new one. */
const NEW_RECORD = "__new__";

export function SyncDialog({ target, name, onClose, onOpenContact }: Props) {
  const [matchChoice, setMatchChoice] = useState<SyncMatchChoice | null>(null);
  const preview = useSyncPreview(target, matchChoice);
  const apply = useSyncApply();
  const [result, setResult] = useState<SyncResult | null>(null);
  const lastArgs = useRef<SyncApplyArgs | null>(null);

  const run = (args: SyncApplyArgs) => {
    lastArgs.current = args;
    apply.mutate(args, {
      onSuccess: setResult,
      onError: (error) => {
        // The pairing changed since the preview (another record matches now): show it again.
        if (toAppError(error).code === "needs_match_choice") void preview.refetch();
      },
    });
  };

  let body;
  if (result !== null) {
    body = <SyncResultView result={result} onClose={onClose} onOpenContact={onOpenContact} />;
  } else if (apply.isPending) {
    body = <Progress text="Syncing…" />;
  } else if (preview.isPending || (preview.isFetching && preview.isError)) {
    body = <Progress text="Comparing both sides…" />;
  } else if (preview.isError) {
    body = <PreviewError error={preview.error} onRetry={() => void preview.refetch()} retrying={preview.isFetching} onClose={onClose} />;
  } else {
    body = (
      <PreviewView
        key={`${preview.data.matching}:${matchChoice?.existingId ?? "auto"}`}
        preview={preview.data}
        refreshing={preview.isFetching}
        applyError={apply.error}
        onChooseMatch={setMatchChoice}
        onCancel={onClose}
        onApply={(choices) => run({ target, choices, matchChoice })}
        onRetry={() => {
          if (lastArgs.current) run(lastArgs.current);
        }}
      />
    );
  }

  return (
    <Modal title={`Sync ${name}`} onClose={onClose} testId="sync-dialog" className="modal-wide sync-dialog">
      {body}
    </Modal>
  );
}

function Progress({ text }: { text: string }) {
  return (
    <p className="sync-progress" role="status" data-testid="sync-progress">
      <Spinner size={16} />
      {text}
    </p>
  );
}

function PreviewError({
  error,
  onRetry,
  retrying,
  onClose,
}: {
  error: unknown;
  onRetry: () => void;
  retrying: boolean;
  onClose: () => void;
}) {
  const openSettings = useOpenSettings();
  if (toAppError(error).code === "hcp_not_configured") {
    return <HcpSetupPrompt onOpenSettings={openSettings ? () => { onClose(); openSettings("hcp"); } : null} />;
  }
  return <ErrorMessage error={error} what="both sides to compare" onRetry={onRetry} retrying={retrying} />;
}

/** The call to action when no Housecall Pro key is saved yet. */
export function HcpSetupPrompt({ onOpenSettings }: { onOpenSettings: (() => void) | null }) {
  return (
    <div className="hcp-setup" data-testid="hcp-setup">
      <p className="hcp-setup-title">Connect Housecall Pro</p>
      <p className="muted">Enter your Housecall Pro API key in Settings to browse its customers and sync them with GoHighLevel.</p>
      {onOpenSettings ? (
        <button type="button" className="button button-primary" data-testid="hcp-setup-button" onClick={onOpenSettings}>
          Open Settings
        </button>
      ) : null}
    </div>
  );
}

type PreviewProps = {
  preview: SyncPreview;
  refreshing: boolean;
  applyError: unknown;
  onChooseMatch: (choice: SyncMatchChoice) => void;
  onCancel: () => void;
  onApply: (choices: ReturnType<typeof choicesFor>) => void;
  onRetry: () => void;
};

function PreviewView({ preview, refreshing, applyError, onChooseMatch, onCancel, onApply, onRetry }: PreviewProps) {
  const [keep, setKeep] = useState<Record<string, SyncKeep>>({});
  const ambiguous = preview.matching === "ambiguous";
  const blocked = ambiguous || preview.problems.length > 0 || refreshing;
  const nothing = !preview.willSend && preview.conflicts.length === 0;
  const error = applyError ? toAppError(applyError) : null;
  const retryable = error !== null && ["sync_stopped", "network", "timeout", "rate_limited", "outcome_unknown"].includes(error.code);
  const problem = error ? describeWriteError(error, "sync") : null;

  return (
    <div className="sync-preview" aria-busy={refreshing || undefined}>
      <p className="sync-matching" data-testid="sync-matching">
        {preview.matchingText}
      </p>
      {preview.resuming ? (
        <p className="form-note sync-resuming" data-testid="sync-resuming" role="note">
          An earlier sync of this record stopped part-way: this one finishes it.
        </p>
      ) : null}
      {ambiguous ? (
        <CandidateChoice candidates={preview.candidates} target={preview.target.side} onContinue={onChooseMatch} />
      ) : (
        <>
          {nothing ? (
            <p className="sync-nothing" data-testid="sync-nothing">
              <CheckCircleIcon size={16} />
              Nothing to sync — both sides already agree
            </p>
          ) : (
            <div className="sync-columns">
              <ChangeList side="ghl" changes={preview.toGhl} />
              <ChangeList side="hcp" changes={preview.toHcp} />
            </div>
          )}
          {preview.conflicts.length > 0 ? (
            <section className="sync-block" aria-labelledby="sync-conflicts-heading">
              <h3 id="sync-conflicts-heading" className="form-legend">
                Changed differently on both sides
              </h3>
              <p className="form-note">Choose which value to keep for each field; “Change nothing” leaves both as they are.</p>
              <div className="conflict-form">
                {preview.conflicts.map((conflict) => (
                  <ConflictRow
                    key={conflict.field}
                    conflict={conflict}
                    keep={keep[conflict.field] ?? "nothing"}
                    onChange={(value) => setKeep((current) => ({ ...current, [conflict.field]: value }))}
                  />
                ))}
              </div>
            </section>
          ) : null}
          {preview.problems.length > 0 ? (
            <section className="sync-block" aria-labelledby="sync-problems-heading">
              <h3 id="sync-problems-heading" className="form-legend">
                Fix these first
              </h3>
              <ul className="sync-problems" data-testid="sync-problems">
                {preview.problems.map((p) => (
                  <li key={`${p.side}:${p.field}`} className="sync-problem" data-testid="sync-problem" data-field={p.field} data-side={p.side}>
                    <strong>
                      {p.label} in {SIDE_NAMES[p.side]}:
                    </strong>{" "}
                    {p.message}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          {preview.followUpTasks.length > 0 ? (
            <section className="sync-block" aria-labelledby="sync-tasks-heading">
              <h3 id="sync-tasks-heading" className="form-legend">
                Follow-up tasks for the new contact
              </h3>
              <ul className="sync-tasks" data-testid="sync-tasks">
                {preview.followUpTasks.map((task, i) => (
                  <li key={`${task.title}-${i}`} data-testid="sync-task">
                    “{task.title}” <span className="muted">due {formatFullDateTime(task.dueDate) ?? task.dueDate}</span>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </>
      )}
      {problem && error ? (
        <div className="sync-apply-error" data-testid="sync-error">
          <FormAlert title={problem.title} message={problem.message} />
          {retryable ? (
            <button type="button" className="button" data-testid="sync-retry-button" onClick={onRetry}>
              Retry
            </button>
          ) : null}
        </div>
      ) : null}
      <div className="form-actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        {ambiguous ? null : (
          <button
            type="button"
            className="button button-primary"
            data-testid="sync-apply-button"
            disabled={blocked}
            title={preview.problems.length > 0 ? "Fix the problems listed first" : undefined}
            onClick={() => onApply(choicesFor(preview.conflicts, keep))}
          >
            Sync
          </button>
        )}
      </div>
    </div>
  );
}

function ChangeList({ side, changes }: { side: SyncSide; changes: readonly SyncFieldChange[] }) {
  const headingId = useId();
  return (
    <section className="sync-column" aria-labelledby={headingId} data-testid={`sync-changes-${side}`}>
      <h3 id={headingId} className="form-legend">
        Changes in {SIDE_NAMES[side]}
      </h3>
      {changes.length === 0 ? (
        <p className="muted">No changes</p>
      ) : (
        <ul className="sync-changes">
          {changes.map((change) => (
            <li key={change.field} className="sync-change" data-testid="sync-change" data-field={change.field} data-side={side}>
              <span className="sync-change-label">{change.label}:</span>{" "}
              <SyncValue value={change.from} className="sync-from" /> → <SyncValue value={change.to} className="sync-to" />
              <span className="visually-hidden">{changeText(change.label, change.from, change.to)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** A value in a sync change or conflict; a phone number never breaks across lines. */
export function SyncValue({ value, className }: { value: string | null; className?: string }) {
  const classes = [className, isPhoneValue(value) ? "sync-phone" : null].filter(Boolean).join(" ");
  return <span className={classes || undefined}>{shownValue(value)}</span>;
}

const KEEP_OPTIONS: { value: SyncKeep; label: string }[] = [
  { value: "hcp", label: "Keep Housecall Pro" },
  { value: "ghl", label: "Keep GoHighLevel" },
  { value: "nothing", label: "Change nothing" },
];

function ConflictRow({
  conflict,
  keep,
  onChange,
}: {
  conflict: SyncConflictView;
  keep: SyncKeep;
  onChange: (keep: SyncKeep) => void;
}) {
  const name = useId();
  return (
    <fieldset className="conflict-field" data-testid="sync-conflict" data-field={conflict.field}>
      <legend className="conflict-label">{conflict.label}</legend>
      <div className="conflict-sides sync-conflict-sides">
        <p className="conflict-side">
          <span className="conflict-side-name">At the last sync: </span>
          <SyncValue value={conflict.base} />
        </p>
        <p className="conflict-side">
          <span className="conflict-side-name">Housecall Pro: </span>
          <SyncValue value={conflict.hcp} />
        </p>
        <p className="conflict-side">
          <span className="conflict-side-name">GoHighLevel: </span>
          <SyncValue value={conflict.ghl} />
        </p>
      </div>
      <div className="conflict-choice">
        {KEEP_OPTIONS.map((option) => (
          <label key={option.value}>
            <input
              type="radio"
              name={name}
              value={option.value}
              checked={keep === option.value}
              onChange={() => onChange(option.value)}
            />
            {option.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function CandidateChoice({
  candidates,
  target,
  onContinue,
}: {
  candidates: readonly SyncCandidate[];
  target: SyncSide;
  onContinue: (choice: SyncMatchChoice) => void;
}) {
  const [picked, setPicked] = useState<string | null>(null);
  const name = useId();
  const other = target === "hcp" ? "contact" : "customer";
  return (
    <fieldset className="form-group sync-candidates">
      <legend className="form-legend">Which {other} is it?</legend>
      <div className="radio-group">
        {candidates.map((candidate) => (
          <label key={candidate.id} className="radio-option" data-testid="match-candidate" data-candidate-id={candidate.id}>
            <input
              type="radio"
              name={name}
              value={candidate.id}
              checked={picked === candidate.id}
              onChange={() => setPicked(candidate.id)}
            />
            <span>
              <strong>{candidate.name}</strong>
              {reach(candidate).length > 0 ? <span className="muted"> · {reach(candidate).join(" · ")}</span> : null}
              <span className="muted"> (same {candidate.matchedBy})</span>
            </span>
          </label>
        ))}
        <label className="radio-option" data-testid="match-candidate-new">
          <input type="radio" name={name} value={NEW_RECORD} checked={picked === NEW_RECORD} onChange={() => setPicked(NEW_RECORD)} />
          <span>Create a new one</span>
        </label>
      </div>
      <div className="sync-candidates-actions">
        <button
          type="button"
          className="button button-primary"
          data-testid="match-continue-button"
          disabled={picked === null}
          onClick={() => {
            if (picked !== null) onContinue({ existingId: picked === NEW_RECORD ? null : picked });
          }}
        >
          Continue
        </button>
      </div>
    </fieldset>
  );
}

function reach(candidate: SyncCandidate): string[] {
  return [candidate.email, formatPhone(candidate.phone)].filter((v): v is string => !!v);
}

function SyncResultView({
  result,
  onClose,
  onOpenContact,
}: {
  result: SyncResult;
  onClose: () => void;
  onOpenContact?: (contactId: string) => void;
}) {
  const doneRef = useRef<HTMLButtonElement>(null);
  return (
    <div className="sync-result-view">
      <p className="sync-result" data-testid="sync-result" role="status">
        <CheckCircleIcon size={18} />
        {describeSyncResult(result)}
      </p>
      <div className="form-actions">
        {result.created === "ghl" && onOpenContact ? (
          <button
            type="button"
            className="button"
            data-testid="sync-open-contact"
            onClick={() => {
              onClose();
              onOpenContact(result.ghlContactId);
            }}
          >
            Open contact
          </button>
        ) : null}
        {/* eslint-disable-next-line jsx-a11y/no-autofocus -- the result replaces the focused Sync button */}
        <button ref={doneRef} type="button" className="button button-primary" data-testid="sync-done-button" autoFocus onClick={onClose}>
          Done
        </button>
      </div>
    </div>
  );
}

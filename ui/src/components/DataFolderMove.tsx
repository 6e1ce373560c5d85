// Settings → General → Data → Move…: choose an empty folder (the system picker or a typed
// full path), read what will happen, then watch the copy, check and switch, with Cancel
// until the switch. Nothing changes before the confirmation; a failure or a cancel leaves
// the old folder in use.
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import type { DataMovePlan, DataMoveProgress } from "../bindings";
import { toAppError } from "../backend";
import { useCancelDataFolderMove, useCheckDataFolderMove, useChooseDataFolder, useMoveDataFolder } from "../hooks/appSettings";
import { formatNumber } from "../lib/format";
import { ProgressBar, Spinner } from "./common";
import { FormAlert, InputField } from "./forms";

/** "512 bytes", "3.4 MB", "1.2 GB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${formatNumber(bytes)} bytes`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function files(count: number): string {
  return count === 1 ? "1 file" : `${formatNumber(count)} files`;
}

/** What the progress line says at each stage. */
export function describeMoveProgress(progress: DataMoveProgress): string {
  switch (progress.stage) {
    case "closing":
      return "Closing the saved contacts…";
    case "copying":
      return `Copying: ${formatNumber(progress.filesDone)} of ${files(progress.filesTotal)}, ${formatBytes(progress.bytesDone)} of ${formatBytes(progress.bytesTotal)}`;
    case "verifying":
      return `Checking the copy: ${formatNumber(progress.filesDone)} of ${files(progress.filesTotal)}`;
    case "switching":
      return "Switching to the new folder…";
    case "removingOld":
      return "Removing the old folder…";
  }
}

type Step =
  | { kind: "choose"; problem: string | null; notice: string | null }
  | { kind: "confirm"; plan: DataMovePlan }
  | { kind: "moving"; plan: DataMovePlan; progress: DataMoveProgress | null; cancelling: boolean };

export function DataFolderMove({ onClose }: { onClose: () => void }) {
  const [target, setTarget] = useState("");
  const [step, setStep] = useState<Step>({ kind: "choose", problem: null, notice: null });
  const choose = useChooseDataFolder();
  const check = useCheckDataFolderMove();
  const move = useMoveDataFolder();
  const cancel = useCancelDataFolderMove();
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (step.kind === "choose") inputRef.current?.focus();
    if (step.kind === "confirm") confirmRef.current?.focus();
  }, [step.kind]);

  const toChoose = (problem: string | null, notice: string | null = null) => setStep({ kind: "choose", problem, notice });

  const pick = () =>
    choose.mutate(undefined, {
      onSuccess: (folder) => {
        if (folder !== null) setTarget(folder);
        inputRef.current?.focus();
      },
      onError: (reason) => toChoose(toAppError(reason).message),
    });

  const proceed = () => {
    if (check.isPending) return;
    if (target.trim() === "") {
      toChoose("Choose a folder, or type its full path.");
      inputRef.current?.focus();
      return;
    }
    check.mutate(target.trim(), {
      onSuccess: (plan) => setStep({ kind: "confirm", plan }),
      onError: (reason) => {
        toChoose(toAppError(reason).message);
        inputRef.current?.focus();
      },
    });
  };

  const start = (plan: DataMovePlan) => {
    setStep({ kind: "moving", plan, progress: null, cancelling: false });
    move.mutate(
      {
        target: plan.to,
        onProgress: (progress) => setStep((now) => (now.kind === "moving" ? { ...now, progress } : now)),
      },
      {
        onSuccess: (outcome) => {
          if (!outcome.moved) {
            toChoose(null, `Cancelled: nothing was changed, the data stays in ${outcome.dataDir}.`);
            return;
          }
          onClose();
        },
        onError: (reason) => toChoose(toAppError(reason).message),
      },
    );
  };

  const stop = () => {
    setStep((now) => (now.kind === "moving" ? { ...now, cancelling: true } : now));
    cancel.mutate();
  };

  // Enter in the path field continues, instead of saving the surrounding settings form.
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === "Enter" && event.target instanceof HTMLInputElement) {
      event.preventDefault();
      proceed();
    }
  };

  return (
    <section className="data-move" aria-labelledby={`${id}-title`} data-testid="data-move-panel">
      <h4 id={`${id}-title`} className="data-move-title">
        Move the data folder
      </h4>
      {step.kind === "choose" ? (
        // eslint-disable-next-line jsx-a11y/no-static-element-interactions -- Enter from the field inside
        <div className="data-move-step" onKeyDown={onKeyDown}>
          {step.problem ? <FormAlert title="Couldn’t move the data folder" message={step.problem} /> : null}
          {step.notice ? (
            <p className="data-move-notice" role="status" data-testid="data-move-notice">
              {step.notice}
            </p>
          ) : null}
          <div className="data-move-target">
            <InputField
              id={`${id}-target`}
              name="dataFolderTarget"
              label="New folder"
              value={target}
              onChange={setTarget}
              inputRef={inputRef}
              hint="An empty folder (or a new one), given as a full path. The saved contacts, the changes not yet sent, import reports and logs move there."
              testId="data-move-target"
            />
            <button type="button" className="button" disabled={choose.isPending} onClick={pick} data-testid="data-move-choose">
              {choose.isPending ? <Spinner size={12} /> : null}
              Choose…
            </button>
          </div>
          <div className="form-actions">
            <button type="button" className="button" onClick={onClose} data-testid="data-move-close">
              Cancel
            </button>
            <button
              type="button"
              className="button button-primary"
              disabled={check.isPending}
              onClick={proceed}
              data-testid="data-move-continue"
            >
              {check.isPending ? <Spinner size={12} /> : null}
              Continue
            </button>
          </div>
        </div>
      ) : null}
      {step.kind === "confirm" ? (
        <div className="data-move-step" data-testid="data-move-confirm">
          <p className="data-move-text">
            Switchboard will copy {files(step.plan.files)} ({formatBytes(step.plan.bytes)}) to{" "}
            <span className="mono">{step.plan.to}</span>, check the copy, switch to it, and then delete the old folder{" "}
            <span className="mono">{step.plan.from}</span>.
          </p>
          <p className="data-move-text">
            The contacts are unavailable for the few moments it takes. If anything goes wrong, the old folder stays in use
            as it is. Free space there: {formatBytes(step.plan.availableBytes)}.
          </p>
          <div className="form-actions">
            <button type="button" className="button" onClick={() => toChoose(null)} data-testid="data-move-back">
              Back
            </button>
            <button
              ref={confirmRef}
              type="button"
              className="button button-primary"
              onClick={() => start(step.plan)}
              data-testid="data-move-start"
            >
              Move data folder
            </button>
          </div>
        </div>
      ) : null}
      {step.kind === "moving" ? <Moving step={step} onCancel={stop} /> : null}
      {/* Announced once per stage, not at every megabyte. */}
      <p className="visually-hidden" aria-live="polite">
        {step.kind === "moving" && step.progress ? STAGE_NAMES[step.progress.stage] : ""}
      </p>
    </section>
  );
}

const STAGE_NAMES: Record<DataMoveProgress["stage"], string> = {
  closing: "Closing the saved contacts",
  copying: "Copying",
  verifying: "Checking the copy",
  switching: "Switching to the new folder",
  removingOld: "Removing the old folder",
};

function Moving({ step, onCancel }: { step: Extract<Step, { kind: "moving" }>; onCancel: () => void }) {
  const id = useId();
  const progress = step.progress;
  const total = progress?.bytesTotal ?? step.plan.bytes;
  const done = progress?.bytesDone ?? 0;
  const cancellable = (progress?.cancellable ?? true) && !step.cancelling;
  const label = step.cancelling ? "Cancelling…" : progress ? describeMoveProgress(progress) : "Starting…";
  return (
    <div className="data-move-step" data-testid="data-move-running">
      <p id={`${id}-label`} className="data-move-text" data-testid="data-move-progress-text">
        {label}
      </p>
      <ProgressBar
        labelledBy={`${id}-label`}
        done={done}
        total={total}
        valueText={`${formatBytes(done)} of ${formatBytes(total)}`}
        testId="data-move-progress"
      />
      <div className="form-actions">
        {/* eslint-disable-next-line jsx-a11y/no-autofocus -- the progress replaces the focused Move button */}
        <button type="button" className="button" disabled={!cancellable} autoFocus onClick={onCancel} data-testid="data-move-cancel">
          {step.cancelling ? <Spinner size={12} /> : null}
          Cancel move
        </button>
      </div>
    </div>
  );
}

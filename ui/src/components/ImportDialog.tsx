// Houzz Pro client lists (CSV or XLSX) into GoHighLevel: pick the file, check which column
// is which field, preview every row with its problems, import with a progress bar, and
// read the summary (with a report of the rows that failed).
import { useId, useMemo, useState } from "react";
import { importShowReport, toAppError, type AppError } from "../backend";
import type { ImportField, ImportPreview, ImportProgress, ImportSummary } from "../bindings";
import { DEFAULT_IMPORT_TAGS, parseTags, useImportWizard } from "../hooks/imports";
import { formatNumber } from "../lib/format";
import { ProgressBar, Spinner } from "./common";
import { CheckboxField, FormAlert, InputField } from "./forms";
import { ImportRows } from "./ImportRows";
import { Modal } from "./Modal";
import { CheckCircleIcon } from "./icons";

const UploadIcon = ({ size = 15 }: { size?: number }) => (
  <svg className="icon" width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
    <path d="M12 15V3m0 0-4 4m4-4 4 4" />
    <path d="M4 15v4a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-4" />
  </svg>
);

/** The header's Import button; shown only when the account can write. */
export function ImportButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="header-button"
        data-testid="import-button"
        aria-haspopup="dialog"
        aria-label="Import"
        title="Import a Houzz Pro client list (CSV or Excel)"
        onClick={() => setOpen(true)}
      >
        <UploadIcon />
        <span aria-hidden="true" className="header-button-label">
          Import
        </span>
      </button>
      {open ? <ImportDialog onClose={() => setOpen(false)} /> : null}
    </>
  );
}

const STEP_TITLES = {
  pick: "Import clients · Choose a file",
  map: "Import clients · Match the columns",
  preview: "Import clients · Check the rows",
  running: "Import clients · Importing",
  summary: "Import clients · Done",
} as const;

export function ImportDialog({ onClose }: { onClose: () => void }) {
  const wizard = useImportWizard();
  const { step } = wizard;
  // Closing while rows are being sent stops the import first (the summary then shows).
  const close = step.kind === "running" ? () => wizard.cancel(step.preview.importId) : onClose;
  return (
    <Modal title={STEP_TITLES[step.kind]} onClose={close} testId="import-dialog" className="import-dialog">
      {wizard.error ? <FormAlert title={errorTitle(step.kind)} message={wizard.error.message} /> : null}
      {step.kind === "pick" ? <PickFile busy={wizard.busy} onFile={(f) => void wizard.openFile(f)} onCancel={onClose} /> : null}
      {step.kind === "map" ? (
        <MapColumns
          preview={step.preview}
          onChange={(column, field) => void wizard.remap(step.preview, column, field)}
          onBack={wizard.restart}
          onNext={() => wizard.showPreview(step.preview)}
        />
      ) : null}
      {step.kind === "preview" ? (
        <PreviewRows
          preview={step.preview}
          onBack={() => wizard.showMapping(step.preview)}
          onImport={(options) => void wizard.start(step.preview, options)}
        />
      ) : null}
      {step.kind === "running" ? (
        <Running preview={step.preview} progress={step.progress} cancelling={step.cancelling} onCancel={() => wizard.cancel(step.preview.importId)} />
      ) : null}
      {step.kind === "summary" ? <Summary summary={step.summary} onAnother={wizard.restart} onDone={onClose} /> : null}
    </Modal>
  );
}

function errorTitle(kind: keyof typeof STEP_TITLES): string {
  if (kind === "pick") return "The file couldn’t be read";
  if (kind === "map") return "The rows couldn’t be checked";
  return "The import couldn’t start";
}

function PickFile({ busy, onFile, onCancel }: { busy: boolean; onFile: (file: File) => void; onCancel: () => void }) {
  const id = useId();
  return (
    <div className="import-step">
      <p className="muted">
        Export your client list from Houzz Pro (or any spreadsheet) as CSV or Excel. Columns can be in any order; you
        check which is which next. Contacts already in GoHighLevel (same email or phone) are updated, not duplicated.
      </p>
      <div className="form-field">
        <label htmlFor={id} className="form-label">
          Client list file (.csv or .xlsx)
        </label>
        <input
          id={id}
          type="file"
          className="import-file"
          accept=".csv,.xlsx,text/csv"
          data-testid="import-file"
          disabled={busy}
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) onFile(file);
            // Choosing the same file again (after fixing it) must fire again.
            event.target.value = "";
          }}
        />
      </div>
      {busy ? (
        <p className="import-busy" role="status">
          <Spinner size={14} /> Reading the file…
        </p>
      ) : null}
      <div className="form-actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}

function Counts({ preview }: { preview: ImportPreview }) {
  const total = preview.valid + preview.withProblems;
  return (
    <p className="import-counts" data-testid="import-counts" data-valid={preview.valid} data-problems={preview.withProblems} role="status">
      <strong>{formatNumber(total)}</strong> {total === 1 ? "row" : "rows"} in {preview.fileName}:{" "}
      <span className="import-count-ok">{formatNumber(preview.valid)} ready to import</span>
      {preview.withProblems > 0 ? (
        <>
          , <span className="import-count-bad">{formatNumber(preview.withProblems)} with problems (not imported)</span>
        </>
      ) : null}
    </p>
  );
}

function MapColumns({
  preview,
  onChange,
  onBack,
  onNext,
}: {
  preview: ImportPreview;
  onChange: (column: number, field: ImportField) => void;
  onBack: () => void;
  onNext: () => void;
}) {
  const id = useId();
  const mapped = preview.columns.some((c) => c.field !== "ignore");
  return (
    <div className="import-step">
      <Counts preview={preview} />
      <p className="muted" id={`${id}-hint`}>
        {preview.remembered
          ? "These are the choices you made the last time you imported a file with these columns."
          : "Recognised from the column names. Change any that are wrong; your choices are remembered for files with the same columns."}
      </p>
      <table className="import-mapping" data-testid="import-mapping" aria-describedby={`${id}-hint`}>
        <thead>
          <tr>
            <th scope="col">Column in the file</th>
            <th scope="col">Example</th>
            <th scope="col">Import as</th>
          </tr>
        </thead>
        <tbody>
          {preview.columns.map((column, index) => (
            <tr key={index} data-testid="import-column">
              <th scope="row" id={`${id}-col-${index}`}>
                {column.header}
              </th>
              <td className="import-sample">{column.sample ?? <span className="muted">empty</span>}</td>
              <td>
                <select
                  className="text-input import-select"
                  aria-labelledby={`${id}-col-${index}`}
                  data-testid="import-column-field"
                  value={column.field}
                  onChange={(event) => onChange(index, event.target.value as ImportField)}
                >
                  {preview.fieldOptions.map((option) => (
                    <option key={option.field} value={option.field}>
                      {option.label}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="form-actions">
        <button type="button" className="button" onClick={onBack}>
          Choose another file
        </button>
        <button type="button" className="button button-primary" data-testid="import-next" disabled={!mapped} onClick={onNext}>
          Next: check the rows
        </button>
      </div>
    </div>
  );
}

function PreviewRows({
  preview,
  onBack,
  onImport,
}: {
  preview: ImportPreview;
  onBack: () => void;
  onImport: (options: { tags: string[]; followUp: { title: string; dueInDays: number } | null }) => void;
}) {
  const id = useId();
  const [onlyProblems, setOnlyProblems] = useState(false);
  const [tags, setTags] = useState(DEFAULT_IMPORT_TAGS);
  const [withTask, setWithTask] = useState(false);
  const [taskTitle, setTaskTitle] = useState("Follow up on Houzz Pro client");
  const [dueInDays, setDueInDays] = useState("3");
  const rows = useMemo(
    () => (onlyProblems ? preview.rows.filter((r) => r.problems.length > 0) : preview.rows),
    [onlyProblems, preview.rows],
  );
  const days = Number(dueInDays);
  const daysError = withTask && (!Number.isInteger(days) || days < 0 || days > 365) ? "Enter a number of days from 0 to 365" : null;
  const titleError = withTask && taskTitle.trim() === "" ? "Give the task a title" : null;
  return (
    <form
      className="import-step"
      onSubmit={(event) => {
        event.preventDefault();
        if (daysError || titleError || preview.valid === 0) return;
        onImport({ tags: parseTags(tags), followUp: withTask ? { title: taskTitle.trim(), dueInDays: days } : null });
      }}
    >
      <Counts preview={preview} />
      {preview.withProblems > 0 ? (
        <CheckboxField
          id={`${id}-only`}
          name="only-problems"
          label="Show only rows with problems"
          checked={onlyProblems}
          onChange={setOnlyProblems}
        />
      ) : null}
      <ImportRows rows={rows} label={onlyProblems ? "Rows with problems" : "Rows of the file"} />
      <fieldset className="import-options">
        <legend>For new contacts</legend>
        <InputField
          id={`${id}-tags`}
          name="tags"
          label="Tags to add"
          value={tags}
          onChange={setTags}
          hint="Separated by commas. Existing contacts keep their tags."
          testId="import-tags"
          optional
        />
        <CheckboxField id={`${id}-task`} name="follow-up" label="Add a follow-up task" checked={withTask} onChange={setWithTask} />
        {withTask ? (
          <div className="import-task">
            <InputField id={`${id}-task-title`} name="task-title" label="Task" value={taskTitle} onChange={setTaskTitle} error={titleError} testId="import-task-title" />
            <InputField
              id={`${id}-task-days`}
              name="task-days"
              label="Due in (days)"
              inputMode="numeric"
              value={dueInDays}
              onChange={setDueInDays}
              error={daysError}
              className="import-days"
            />
          </div>
        ) : null}
      </fieldset>
      <div className="form-actions">
        <button type="button" className="button" onClick={onBack}>
          Back to columns
        </button>
        <button type="submit" className="button button-primary" data-testid="import-start" disabled={preview.valid === 0}>
          Import {formatNumber(preview.valid)} {preview.valid === 1 ? "contact" : "contacts"}
        </button>
      </div>
    </form>
  );
}

function Running({
  preview,
  progress,
  cancelling,
  onCancel,
}: {
  preview: ImportPreview;
  progress: ImportProgress | null;
  cancelling: boolean;
  onCancel: () => void;
}) {
  const id = useId();
  const total = progress?.total ?? preview.rows.length;
  const done = progress?.done ?? 0;
  return (
    <div className="import-step" data-testid="import-running">
      <p id={`${id}-label`} className="import-progress-label">
        {cancelling ? "Stopping after the rows in progress…" : `Importing ${preview.fileName}: ${formatNumber(done)} of ${formatNumber(total)} rows`}
      </p>
      <ProgressBar
        labelledBy={`${id}-label`}
        done={done}
        total={total}
        valueText={`${formatNumber(done)} of ${formatNumber(total)} rows`}
        testId="import-progress"
      />
      {progress ? <CountList counts={progress} /> : null}
      <div className="form-actions">
        {/* eslint-disable-next-line jsx-a11y/no-autofocus -- the progress replaces the focused Import button */}
        <button type="button" className="button" data-testid="import-cancel" disabled={cancelling} autoFocus onClick={onCancel}>
          {cancelling ? <Spinner size={12} /> : null}
          Cancel import
        </button>
      </div>
    </div>
  );
}

function CountList({ counts }: { counts: ImportProgress }) {
  const items: [string, number][] = [
    ["Created", counts.created],
    ["Updated", counts.updated],
    ["Already up to date", counts.skipped],
    ["Failed", counts.failed],
  ];
  return (
    <dl className="import-count-list">
      {items.map(([label, n]) => (
        <div key={label} className={label === "Failed" && n > 0 ? "is-bad" : undefined}>
          <dt>{label}</dt>
          <dd>{formatNumber(n)}</dd>
        </div>
      ))}
    </dl>
  );
}

function Summary({ summary, onAnother, onDone }: { summary: ImportSummary; onAnother: () => void; onDone: () => void }) {
  const [report, setReport] = useState<{ path: string } | { error: AppError } | null>(null);
  const { counts } = summary;
  const headline =
    summary.stopped === "cancelled"
      ? `Import stopped: ${formatNumber(summary.notDone)} rows were not imported.`
      : summary.stopped === "unreachable"
        ? "GoHighLevel can’t be reached: the import stopped."
        : "Import finished.";
  return (
    <div
      className="import-step"
      data-testid="import-summary"
      data-created={counts.created}
      data-updated={counts.updated}
      data-skipped={counts.skipped}
      data-failed={counts.failed}
      data-not-done={summary.notDone}
    >
      <p className={summary.stopped ? "import-headline is-stopped" : "import-headline"} role="status">
        {summary.stopped ? null : <CheckCircleIcon size={18} />}
        {headline}
      </p>
      {summary.stopMessage ? <p className="muted">{summary.stopMessage}</p> : null}
      <CountList counts={counts} />
      {summary.reportRows > 0 ? (
        <div className="import-report">
          <p>
            {formatNumber(summary.reportRows)} {summary.reportRows === 1 ? "row needs" : "rows need"} attention. The report lists
            them with the reason, in the file’s own columns, so you can fix them and import the report again.
          </p>
          <button
            type="button"
            className="button"
            data-testid="import-show-report"
            onClick={() =>
              void importShowReport(summary.importId).then(
                (path) => setReport({ path }),
                (reason) => setReport({ error: toAppError(reason) }),
              )
            }
          >
            Show failure report in folder
          </button>
          {report && "path" in report ? (
            <p className="muted import-report-path" data-testid="import-report-path">
              Saved as {report.path}
            </p>
          ) : null}
          {report && "error" in report ? <FormAlert title="The report couldn’t be shown" message={report.error.message} /> : null}
        </div>
      ) : null}
      <div className="form-actions">
        <button type="button" className="button" data-testid="import-another" onClick={onAnother}>
          Import another file
        </button>
        {/* eslint-disable-next-line jsx-a11y/no-autofocus -- the summary replaces the focused Cancel button */}
        <button type="button" className="button button-primary" data-testid="import-done" autoFocus onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}

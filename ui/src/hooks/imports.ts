// The Houzz Pro import wizard's state: pick a file → map its columns → preview the rows →
// import with progress → summary. Every step's data comes from Rust; nothing here parses.
import { useCallback, useRef, useState } from "react";
import { importCancel, importPreview, importRemap, importStart, toAppError, type AppError } from "../backend";
import type { ImportField, ImportOptionsForm, ImportPreview, ImportProgress, ImportSummary } from "../bindings";

export type ImportStep =
  | { kind: "pick" }
  | { kind: "map"; preview: ImportPreview }
  | { kind: "preview"; preview: ImportPreview }
  | { kind: "running"; preview: ImportPreview; progress: ImportProgress | null; cancelling: boolean }
  | { kind: "summary"; preview: ImportPreview; summary: ImportSummary };

export const DEFAULT_IMPORT_TAGS = "houzz-pro";

/** "houzz-pro, Kitchen ;vip" → ["houzz-pro", "Kitchen", "vip"]. */
export function parseTags(text: string): string[] {
  const seen = new Set<string>();
  return text
    .split(/[,;]/)
    .map((t) => t.trim())
    .filter((t) => {
      const key = t.toLowerCase();
      if (t === "" || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

export function mappingOf(preview: ImportPreview): ImportField[] {
  return preview.columns.map((c) => c.field);
}

export function useImportWizard() {
  const [step, setStep] = useState<ImportStep>({ kind: "pick" });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  // Answers to an earlier remap that arrive after a later one are dropped.
  const remapSeq = useRef(0);

  const openFile = useCallback(async (file: File) => {
    setBusy(true);
    setError(null);
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const preview = await importPreview(file.name, bytes);
      setStep({ kind: "map", preview });
    } catch (reason) {
      setError(toAppError(reason));
    } finally {
      setBusy(false);
    }
  }, []);

  const remap = useCallback(async (preview: ImportPreview, column: number, field: ImportField) => {
    const mapping = mappingOf(preview);
    mapping[column] = field;
    const seq = ++remapSeq.current;
    // Show the choice at once; the rows are re-checked by Rust.
    setStep({
      kind: "map",
      preview: { ...preview, columns: preview.columns.map((c, i) => (i === column ? { ...c, field } : c)) },
    });
    setError(null);
    try {
      const next = await importRemap(preview.importId, mapping);
      if (seq === remapSeq.current) setStep({ kind: "map", preview: next });
    } catch (reason) {
      if (seq === remapSeq.current) setError(toAppError(reason));
    }
  }, []);

  const start = useCallback(async (preview: ImportPreview, options: ImportOptionsForm) => {
    setError(null);
    setStep({ kind: "running", preview, progress: null, cancelling: false });
    try {
      const summary = await importStart(preview.importId, mappingOf(preview), options, (progress) =>
        setStep((current) => (current.kind === "running" ? { ...current, progress } : current)),
      );
      setStep({ kind: "summary", preview, summary });
    } catch (reason) {
      setError(toAppError(reason));
      setStep({ kind: "preview", preview });
    }
  }, []);

  const cancel = useCallback((importId: number) => {
    setStep((current) => (current.kind === "running" ? { ...current, cancelling: true } : current));
    void importCancel(importId).catch(() => undefined);
  }, []);

  return {
    step,
    busy,
    error,
    openFile,
    remap,
    start,
    cancel,
    showPreview: (preview: ImportPreview) => setStep({ kind: "preview", preview }),
    showMapping: (preview: ImportPreview) => setStep({ kind: "map", preview }),
    restart: () => {
      setError(null);
      setStep({ kind: "pick" });
    },
  };
}

// Toasts: short messages about changes, in one polite live region at the bottom right.
// Error toasts stay until dismissed (they usually carry a Retry); others fade after a
// few seconds, but not while the pointer or focus is on them.
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from "react";
import { AlertIcon, CheckCircleIcon, XIcon } from "./icons";

export type ToastTone = "error" | "success" | "info";

export type ToastInput = {
  tone?: ToastTone;
  title: string;
  message?: string;
  action?: { label: string; run: () => void };
  /** Milliseconds before it goes away by itself; null = until dismissed. */
  durationMs?: number | null;
};

type Toast = ToastInput & { id: number; tone: ToastTone };

type ToastApi = { show: (toast: ToastInput) => number; dismiss: (id: number) => void };

const ToastContext = createContext<ToastApi | null>(null);

/** At most this many toasts at once; the oldest go first. */
const MAX_TOASTS = 4;
const DEFAULT_DURATION_MS = 5000;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => {
    setToasts((current) => current.filter((toast) => toast.id !== id));
  }, []);

  const show = useCallback((input: ToastInput) => {
    const id = nextId.current;
    nextId.current += 1;
    const tone = input.tone ?? "info";
    setToasts((current) => [...current, { ...input, id, tone }].slice(-MAX_TOASTS));
    return id;
  }, []);

  const api = useMemo(() => ({ show, dismiss }), [show, dismiss]);

  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toast-region" role="status" aria-live="polite" aria-label="Notifications">
        {toasts.map((toast) => (
          <ToastView key={toast.id} toast={toast} onDismiss={() => dismiss(toast.id)} />
        ))}
      </div>
    </ToastContext.Provider>
  );
}

function ToastView({ toast, onDismiss }: { toast: Toast; onDismiss: () => void }) {
  const [held, setHeld] = useState(false);
  const duration = toast.durationMs === undefined ? (toast.tone === "error" ? null : DEFAULT_DURATION_MS) : toast.durationMs;
  const dismissRef = useRef(onDismiss);
  useEffect(() => {
    dismissRef.current = onDismiss;
  });

  useEffect(() => {
    if (duration === null || held) return;
    const timer = window.setTimeout(() => dismissRef.current(), duration);
    return () => window.clearTimeout(timer);
  }, [duration, held]);

  return (
    <div
      className={`toast toast-${toast.tone}`}
      data-testid="toast"
      data-tone={toast.tone}
      onMouseEnter={() => setHeld(true)}
      onMouseLeave={() => setHeld(false)}
      onFocus={() => setHeld(true)}
      onBlur={() => setHeld(false)}
    >
      <span className="toast-icon">
        {toast.tone === "error" ? <AlertIcon size={18} /> : <CheckCircleIcon size={18} />}
      </span>
      <div className="toast-text">
        <p className="toast-title">{toast.title}</p>
        {toast.message ? <p className="toast-message">{toast.message}</p> : null}
        {toast.action ? (
          <button
            type="button"
            className="button button-small toast-action"
            data-testid="toast-action"
            onClick={() => {
              onDismiss();
              toast.action?.run();
            }}
          >
            {toast.action.label}
          </button>
        ) : null}
      </div>
      <button type="button" className="icon-button" aria-label="Dismiss" title="Dismiss" onClick={onDismiss}>
        <XIcon size={16} />
      </button>
    </div>
  );
}

export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (api === null) throw new Error("useToast needs a <ToastProvider>");
  return api;
}

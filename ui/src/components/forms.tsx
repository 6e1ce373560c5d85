// Labelled inputs with their hint and error linked through aria-describedby, and a
// busy-aware submit button. Shared by the contact, task and note forms.
import {
  useState,
  type ChangeEvent,
  type FormHTMLAttributes,
  type HTMLAttributes,
  type ReactNode,
  type Ref,
} from "react";
import { useSlow } from "../hooks/useSlow";
import { Spinner } from "./common";
import { AlertIcon } from "./icons";

type FieldProps = {
  id: string;
  name: string;
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  onBlur?: () => void;
  error?: string | null;
  hint?: ReactNode;
  /** Extra ids to describe the input with (a form-level error, say). */
  describedBy?: string | null;
  className?: string;
  optional?: boolean;
  disabled?: boolean;
};

type InputProps = FieldProps & {
  /** "password": hidden as typed, with a Show/Hide button. */
  type?: "text" | "email" | "tel" | "date" | "time" | "url" | "password";
  autoComplete?: string;
  inputMode?: HTMLAttributes<HTMLInputElement>["inputMode"];
  placeholder?: string;
  maxLength?: number;
  inputRef?: Ref<HTMLInputElement>;
  required?: boolean;
  readOnly?: boolean;
  testId?: string;
};

function describedByOf(id: string, hint: ReactNode, error: string | null | undefined, extra: string | null | undefined) {
  const ids = [error ? `${id}-error` : null, hint ? `${id}-hint` : null, extra ?? null].filter(Boolean);
  return ids.length > 0 ? ids.join(" ") : undefined;
}

function Label({ id, label, optional }: { id: string; label: ReactNode; optional?: boolean }) {
  return (
    <label htmlFor={id} className="form-label">
      {label}
      {optional ? <span className="optional"> (optional)</span> : null}
    </label>
  );
}

function Messages({ id, hint, error }: { id: string; hint: ReactNode; error: string | null | undefined }) {
  return (
    <>
      {error ? (
        <p id={`${id}-error`} className="field-error" data-testid="field-error">
          <AlertIcon size={13} />
          <span>{error}</span>
        </p>
      ) : null}
      {hint ? (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      ) : null}
    </>
  );
}

export function InputField({
  id,
  name,
  label,
  value,
  onChange,
  onBlur,
  error,
  hint,
  describedBy,
  className,
  optional,
  disabled,
  type = "text",
  autoComplete,
  inputMode,
  placeholder,
  maxLength,
  inputRef,
  required,
  readOnly,
  testId,
}: InputProps) {
  const [revealed, setRevealed] = useState(false);
  const secret = type === "password";
  const input = (
    <input
      ref={inputRef}
      id={id}
      name={name}
      type={secret && revealed ? "text" : type}
      className="text-input"
      value={value}
      onChange={(event: ChangeEvent<HTMLInputElement>) => onChange(event.target.value)}
      onBlur={onBlur}
      aria-invalid={error ? true : undefined}
      aria-describedby={describedByOf(id, hint, error, describedBy)}
      aria-required={required || undefined}
      autoComplete={autoComplete ?? "off"}
      inputMode={inputMode}
      placeholder={placeholder}
      maxLength={maxLength}
      disabled={disabled}
      readOnly={readOnly}
      data-testid={testId}
      spellCheck={type === "text" ? undefined : false}
    />
  );
  return (
    <div className={className ? `form-field ${className}` : "form-field"}>
      <Label id={id} label={label} optional={optional} />
      {secret ? (
        <div className="input-with-button">
          {input}
          <button
            type="button"
            className="button button-small reveal-button"
            aria-controls={id}
            disabled={disabled}
            onClick={() => setRevealed((shown) => !shown)}
          >
            {revealed ? "Hide" : "Show"}
          </button>
        </div>
      ) : (
        input
      )}
      <Messages id={id} hint={hint} error={error} />
    </div>
  );
}

type TextAreaProps = FieldProps & { rows?: number; placeholder?: string; textAreaRef?: Ref<HTMLTextAreaElement>; required?: boolean };

export function TextAreaField({
  id,
  name,
  label,
  value,
  onChange,
  onBlur,
  error,
  hint,
  describedBy,
  className,
  optional,
  disabled,
  rows = 3,
  placeholder,
  textAreaRef,
  required,
}: TextAreaProps) {
  return (
    <div className={className ? `form-field ${className}` : "form-field"}>
      <Label id={id} label={label} optional={optional} />
      <textarea
        ref={textAreaRef}
        id={id}
        name={name}
        className="text-input textarea"
        value={value}
        rows={rows}
        onChange={(event) => onChange(event.target.value)}
        onBlur={onBlur}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedByOf(id, hint, error, describedBy)}
        aria-required={required || undefined}
        placeholder={placeholder}
        disabled={disabled}
      />
      <Messages id={id} hint={hint} error={error} />
    </div>
  );
}

/** A submit button that is disabled while saving and shows a spinner once it takes over a second. */
export function SubmitButton({
  pending,
  children,
  testId,
  disabled = false,
  title,
  className = "button button-primary",
}: {
  pending: boolean;
  children: ReactNode;
  testId?: string;
  disabled?: boolean;
  title?: string;
  className?: string;
}) {
  const slow = useSlow(pending);
  return (
    <button
      type="submit"
      className={className}
      disabled={pending || disabled}
      aria-busy={pending || undefined}
      data-testid={testId}
      title={title}
    >
      {slow ? <Spinner size={13} label="Saving" /> : null}
      {children}
    </button>
  );
}

/** A labelled checkbox with an optional explanation under it. */
export function CheckboxField({
  id,
  name,
  label,
  checked,
  onChange,
  hint,
  disabled,
  testId,
}: {
  id: string;
  name: string;
  label: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
  hint?: ReactNode;
  disabled?: boolean;
  testId?: string;
}) {
  return (
    <div className="form-field checkbox-field">
      <input
        id={id}
        name={name}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        onChange={(event) => onChange(event.target.checked)}
        aria-describedby={hint ? `${id}-hint` : undefined}
        data-testid={testId}
      />
      <label htmlFor={id} className="checkbox-label">
        {label}
      </label>
      {hint ? (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** An error about the whole form, read out when it appears. */
export function FormAlert({ id, title, message }: { id?: string; title: string; message?: string | null }) {
  return (
    <div id={id} className="form-alert" role="alert" data-testid="form-error">
      <AlertIcon className="error-icon" size={16} />
      <div>
        <p className="form-alert-title">{title}</p>
        {message ? <p className="form-alert-message">{message}</p> : null}
      </div>
    </div>
  );
}

type InlineFormProps = Omit<FormHTMLAttributes<HTMLFormElement>, "onKeyDown" | "className" | "noValidate"> & {
  onCancel: () => void;
  formRef?: Ref<HTMLFormElement>;
  children: ReactNode;
};

/** A form shown in place (task, note): validated by us, and Esc anywhere in it cancels. */
export function InlineForm({ onCancel, formRef, children, ...rest }: InlineFormProps) {
  return (
    // Esc anywhere in the form cancels it (delegated from the inputs).
    // eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions
    <form
      ref={formRef}
      className="inline-form"
      noValidate
      {...rest}
      onKeyDown={(event) => {
        if (event.key === "Escape") {
          event.preventDefault();
          onCancel();
        }
      }}
    >
      {children}
    </form>
  );
}

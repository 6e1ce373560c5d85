// The contact form, in a modal dialog: "New contact" and "Edit". Checks what it can
// before sending (a name, email or phone; email syntax; phone → E.164), sends only what
// changed when editing, and shows GoHighLevel's refusals next to the field they name.
// Nothing typed is lost when a save fails. A new contact's email and phone are looked up
// as they are typed, so an existing contact can be opened or updated instead.
import { useId, useMemo, useRef, useState, type FormEvent } from "react";
import type { ContactDetail, ContactSummary, DuplicateMatch } from "../bindings";
import { toAppError } from "../backend";
import { useCreateContact, useUpdateContact, useUpsertContact } from "../hooks/mutations";
import { useDuplicateContact } from "../hooks/queries";
import { useDebouncedValue } from "../hooks/useDebouncedValue";
import {
  CONTACT_FIELDS,
  checkContactValues,
  contactValuesOf,
  emptyContactValues,
  fieldLabel,
  serverFieldErrors,
  toCreateForm,
  toUpdateForm,
  type ContactField,
  type ContactValues,
  type FieldErrors,
} from "../lib/contactForm";
import { describeWriteError } from "../lib/errors";
import { FormAlert, InputField, SubmitButton } from "./forms";
import { Modal } from "./Modal";
import { Spinner } from "./common";
import { useToast } from "./Toasts";

type Props = {
  /** Editing this contact; a new contact when null. */
  contact: ContactDetail | null;
  onClose: () => void;
  onSaved: (contact: ContactDetail) => void;
  /** "Open" on the duplicate notice: show that contact instead (new contacts only). */
  onOpenExisting?: (contact: ContactSummary) => void;
};

/** How long the email or phone must stay unchanged before it is looked up. */
export const DUPLICATE_DEBOUNCE_MS = 400;

type FieldSpec = {
  field: ContactField;
  type?: "text" | "email" | "tel";
  autoComplete: string;
  className?: string;
  placeholder?: string;
  inputMode?: "url" | "email" | "tel";
};

const GROUPS: { legend: string; fields: FieldSpec[] }[] = [
  {
    legend: "Name",
    fields: [
      { field: "firstName", autoComplete: "off", className: "span-6" },
      { field: "lastName", autoComplete: "off", className: "span-6" },
      { field: "companyName", autoComplete: "off", className: "span-12" },
    ],
  },
  {
    legend: "How to reach them",
    fields: [
      { field: "email", type: "email", autoComplete: "off", className: "span-6", placeholder: "name@example.com" },
      { field: "phone", type: "tel", autoComplete: "off", className: "span-6", placeholder: "(303) 555-0142" },
    ],
  },
  {
    legend: "Address",
    fields: [
      { field: "address1", autoComplete: "off", className: "span-12" },
      { field: "city", autoComplete: "off", className: "span-4" },
      { field: "state", autoComplete: "off", className: "span-2", placeholder: "CO" },
      { field: "postalCode", autoComplete: "off", className: "span-3" },
      { field: "country", autoComplete: "off", className: "span-3", placeholder: "US" },
    ],
  },
  {
    legend: "More",
    fields: [
      { field: "website", autoComplete: "off", className: "span-8", inputMode: "url", placeholder: "www.example.com" },
      { field: "source", autoComplete: "off", className: "span-4", placeholder: "Referral" },
    ],
  },
];

/** Fields whose problems the "at least a name, email or phone" message is about. */
const IDENTITY: ContactField[] = ["firstName", "lastName", "email", "phone"];

export function ContactFormDialog({ contact, onClose, onSaved, onOpenExisting }: Props) {
  const editing = contact !== null;
  const initial = useMemo(() => (contact ? contactValuesOf(contact) : emptyContactValues()), [contact]);
  const [values, setValues] = useState<ContactValues>(initial);
  const [touched, setTouched] = useState<Partial<Record<ContactField, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [formProblem, setFormProblem] = useState<{ title: string; message: string | null } | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const baseId = useId();
  const formErrorId = `${baseId}-form-error`;

  const create = useCreateContact();
  const update = useUpdateContact(contact?.id ?? "");
  const upsert = useUpsertContact();
  const toast = useToast();
  const mutation = editing ? update : upsert.isPending ? upsert : create;

  const check = checkContactValues(values, editing ? initial : undefined);
  // Only what would be saved is looked up: a valid email, a phone in E.164.
  const lookupEmail = values.email.trim() !== "" && !check.errors.email ? values.email.trim().toLowerCase() : null;
  const lookupPhone = check.phoneE164;
  const debouncedEmail = useDebouncedValue(lookupEmail, DUPLICATE_DEBOUNCE_MS);
  const debouncedPhone = useDebouncedValue(lookupPhone, DUPLICATE_DEBOUNCE_MS);
  const settled = debouncedEmail === lookupEmail && debouncedPhone === lookupPhone;
  const duplicate = useDuplicateContact(debouncedEmail, debouncedPhone, !editing);
  const match = settled ? (duplicate.data ?? null) : null;
  const shown = (field: ContactField): string | null => {
    if (serverErrors[field]) return serverErrors[field] ?? null;
    if (!submitted && !touched[field]) return null;
    return check.errors[field] ?? null;
  };
  const needOne = submitted && check.formError !== null;

  const setField = (field: ContactField, value: string) => {
    setValues((current) => ({ ...current, [field]: value }));
    if (serverErrors[field]) setServerErrors(({ [field]: _gone, ...rest }) => rest);
  };

  const focusField = (field: ContactField) => {
    formRef.current?.querySelector<HTMLInputElement>(`[name="${field}"]`)?.focus();
  };

  /** Shows what is wrong and returns false, or true when the values can be sent. */
  const validate = (): boolean => {
    setSubmitted(true);
    setFormProblem(null);
    const firstBad = CONTACT_FIELDS.find((field) => check.errors[field]);
    if (check.formError !== null) {
      focusField("firstName");
      return false;
    }
    if (firstBad) {
      focusField(firstBad);
      return false;
    }
    return true;
  };

  const onError = (error: unknown) => {
    const appError = toAppError(error);
    const { errors, unmatched } = serverFieldErrors(appError);
    setServerErrors(errors);
    const firstField = CONTACT_FIELDS.find((field) => errors[field]);
    if (appError.code === "outcome_unknown" && !editing) {
      setFormProblem({
        title: "Not sure the contact was created",
        message:
          "GoHighLevel’s answer never arrived, so the contact may or may not exist now. Search for it in the list before trying again.",
      });
    } else if (firstField === undefined || unmatched.length > 0) {
      const described = describeWriteError(appError, editing ? "save the changes" : "create the contact");
      setFormProblem({
        title: described.title,
        message: firstField === undefined ? described.message : unmatched.join(" "),
      });
    }
    if (firstField) focusField(firstField);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (mutation.isPending || !validate()) return;
    if (editing) {
      const { form, changed } = toUpdateForm(initial, values);
      if (changed.length === 0) {
        onClose();
        return;
      }
      update.mutate(form, { onSuccess: onSaved, onError });
    } else {
      create.mutate(toCreateForm(values), { onSuccess: onSaved, onError });
    }
  };

  /** "Update it instead": the existing contact gets what was typed. */
  const updateExisting = (existing: DuplicateMatch) => {
    if (mutation.isPending || !validate()) return;
    upsert.mutate(toCreateForm(values), {
      onSuccess: ({ contact: saved, created }) => {
        const name = saved.displayName.trim() || existing.contact.displayName.trim() || "the contact";
        toast.show({ tone: "success", title: created ? `Created ${name}` : `Updated ${name}` });
        onSaved(saved);
      },
      onError,
    });
  };

  const phoneHint =
    check.phoneE164 !== null && values.phone.trim() !== check.phoneE164 ? (
      <>
        Saved as <span className="mono">{check.phoneE164}</span>
      </>
    ) : values.phone.trim() === "" ? (
      "US numbers need no +1"
    ) : null;

  return (
    <Modal
      title={editing ? `Edit ${contact.displayName.trim() || "contact"}` : "New contact"}
      onClose={onClose}
      testId="contact-dialog"
      className="modal-wide"
    >
      <form ref={formRef} className="form" data-testid="contact-form" noValidate onSubmit={submit} aria-busy={mutation.isPending || undefined}>
        {needOne ? <FormAlert id={formErrorId} title={check.formError ?? ""} /> : null}
        {formProblem ? <FormAlert title={formProblem.title} message={formProblem.message} /> : null}
        {GROUPS.map((group) => (
          <fieldset key={group.legend} className="form-group">
            <legend className="form-legend">{group.legend}</legend>
            <div className="form-grid">
              {group.fields.map((spec) => (
                <InputField
                  key={spec.field}
                  id={`${baseId}-${spec.field}`}
                  name={spec.field}
                  label={fieldLabel(spec.field)}
                  type={spec.type}
                  autoComplete={spec.autoComplete}
                  inputMode={spec.inputMode}
                  placeholder={spec.placeholder}
                  className={spec.className}
                  value={values[spec.field]}
                  onChange={(value) => setField(spec.field, value)}
                  onBlur={() => setTouched((t) => (values[spec.field].trim() === "" || t[spec.field] ? t : { ...t, [spec.field]: true }))}
                  error={shown(spec.field)}
                  hint={spec.field === "phone" ? phoneHint : null}
                  describedBy={needOne && IDENTITY.includes(spec.field) ? formErrorId : null}
                  maxLength={spec.field === "address1" ? 200 : 120}
                />
              ))}
            </div>
            {group.fields.some((spec) => spec.field === "email") && !editing ? (
              <div className="duplicate-region" aria-live="polite">
                {match ? (
                  <DuplicateNotice
                    match={match}
                    pending={upsert.isPending}
                    disabled={mutation.isPending}
                    onOpen={onOpenExisting ? () => onOpenExisting(match.contact) : undefined}
                    onUpdate={() => updateExisting(match)}
                  />
                ) : null}
              </div>
            ) : null}
          </fieldset>
        ))}
        <div className="form-actions">
          <p className="form-note">Only a name, an email or a phone number is needed.</p>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <SubmitButton pending={editing ? update.isPending : create.isPending} disabled={upsert.isPending} testId="contact-form-submit">
            {editing ? "Save changes" : "Create contact"}
          </SubmitButton>
        </div>
      </form>
    </Modal>
  );
}

function DuplicateNotice({
  match,
  pending,
  disabled,
  onOpen,
  onUpdate,
}: {
  match: DuplicateMatch;
  pending: boolean;
  disabled: boolean;
  onOpen?: () => void;
  onUpdate: () => void;
}) {
  const existing = match.contact;
  const name = existing.displayName.trim() || existing.email || existing.phone || "A contact";
  const what = match.matchedOn === "phone" ? "phone number" : "email";
  return (
    <div className="duplicate-notice" data-testid="duplicate-notice">
      <p>
        <strong>{name}</strong> already has this {what}.
      </p>
      <div className="duplicate-actions">
        {onOpen ? (
          <button type="button" className="button button-small" data-testid="duplicate-open" onClick={onOpen} disabled={disabled}>
            Open
          </button>
        ) : null}
        <button
          type="button"
          className="button button-small"
          data-testid="duplicate-upsert"
          onClick={onUpdate}
          disabled={disabled}
          aria-busy={pending || undefined}
          title={`Save what you typed into ${name} instead of creating a new contact`}
        >
          {pending ? <Spinner size={12} label="Updating" /> : null}
          Update it instead
        </button>
      </div>
    </div>
  );
}

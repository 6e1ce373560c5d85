// The contact form, in a modal dialog: "New contact" and "Edit". Checks what it can
// before sending (a name, email or phone; email syntax; phone → E.164), sends only what
// changed when editing, and shows GoHighLevel's refusals next to the field they name.
// Nothing typed is lost when a save fails.
import { useId, useMemo, useRef, useState, type FormEvent } from "react";
import type { ContactDetail } from "../bindings";
import { toAppError } from "../backend";
import { useCreateContact, useUpdateContact } from "../hooks/mutations";
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

type Props = {
  /** Editing this contact; a new contact when null. */
  contact: ContactDetail | null;
  onClose: () => void;
  onSaved: (contact: ContactDetail) => void;
};

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

export function ContactFormDialog({ contact, onClose, onSaved }: Props) {
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
  const mutation = editing ? update : create;

  const check = checkContactValues(values, editing ? initial : undefined);
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

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (mutation.isPending) return;
    setSubmitted(true);
    setFormProblem(null);
    const firstBad = CONTACT_FIELDS.find((field) => check.errors[field]);
    if (check.formError !== null) {
      focusField("firstName");
      return;
    }
    if (firstBad) {
      focusField(firstBad);
      return;
    }
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
          </fieldset>
        ))}
        <div className="form-actions">
          <p className="form-note">Only a name, an email or a phone number is needed.</p>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <SubmitButton pending={mutation.isPending} testId="contact-form-submit">
            {editing ? "Save changes" : "Create contact"}
          </SubmitButton>
        </div>
      </form>
    </Modal>
  );
}

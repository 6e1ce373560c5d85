import { useEffect, useRef } from "react";
import type { ContactSummary } from "../bindings";
import { AppointmentsSection } from "./AppointmentsSection";
import { ContactCard } from "./ContactCard";
import { NotesSection } from "./NotesSection";
import { TasksSection } from "./TasksSection";
import { ContactCardIcon } from "./icons";

type Props = {
  contactId: string | null;
  /** The row the user clicked, shown while the full record loads. */
  summary: ContactSummary | null;
  onOpenContact: (contact: ContactSummary) => void;
  onDeleted: (contactId: string) => void;
};

export function ContactView({ contactId, summary, onOpenContact, onDeleted }: Props) {
  const scrollRef = useRef<HTMLElement>(null);

  useEffect(() => {
    scrollRef.current?.scrollTo?.({ top: 0 });
  }, [contactId]);

  return (
    <section ref={scrollRef} className="contact-view" data-testid="contact-view" aria-label="Contact details">
      {contactId === null ? (
        <div className="view-empty" data-testid="contact-view-empty">
          <span className="view-empty-icon">
            <ContactCardIcon size={40} />
          </span>
          <p>Select a contact to see their details, tasks, notes and appointments</p>
        </div>
      ) : (
        <div className="view-content" key={contactId}>
          <ContactCard
            contactId={contactId}
            summary={summary?.id === contactId ? summary : null}
            onOpenContact={onOpenContact}
            onDeleted={onDeleted}
          />
          <div className="view-sections">
            <TasksSection contactId={contactId} />
            <NotesSection contactId={contactId} />
            <AppointmentsSection contactId={contactId} />
          </div>
        </div>
      )}
    </section>
  );
}

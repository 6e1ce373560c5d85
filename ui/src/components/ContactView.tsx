import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { refreshContact } from "../backend";
import type { ContactSummary } from "../bindings";
import { queryKeys, useContact } from "../hooks/queries";
import { nameOf } from "../lib/format";
import { Spinner } from "./common";
import { AppointmentsSection } from "./AppointmentsSection";
import { ContactCard } from "./ContactCard";
import { ContactHcpSections, useHcpPresence } from "./HcpViews";
import { SyncDialog } from "./SyncDialog";
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
  const updating = useRefreshOnOpen(contactId);

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
          {updating ? (
            <p className="view-updating" data-testid="contact-updating" role="status">
              <Spinner size={11} />
              Updating…
            </p>
          ) : null}
          <ContactWithHcp
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

type CardProps = {
  contactId: string;
  summary: ContactSummary | null;
  onOpenContact: (contact: ContactSummary) => void;
  onDeleted: (contactId: string) => void;
};

/** The contact card, and beside it the Housecall Pro side when there is one. */
function ContactWithHcp({ contactId, summary, onOpenContact, onDeleted }: CardProps) {
  const [syncing, setSyncing] = useState(false);
  const hcp = useHcpPresence(contactId);
  const contact = useContact(contactId);
  const name = contact.data ? nameOf(contact.data) : summary ? nameOf(summary) : "this contact";
  const openSync = () => setSyncing(true);
  return (
    <>
      <ContactCard
        contactId={contactId}
        summary={summary}
        onOpenContact={onOpenContact}
        onDeleted={onDeleted}
        onSync={hcp.visible ? openSync : undefined}
      />
      <ContactHcpSections contactId={contactId} onSync={openSync} />
      {syncing ? <SyncDialog target={{ side: "ghl", id: contactId }} name={name} onClose={() => setSyncing(false)} /> : null}
    </>
  );
}

/**
 * The view shows the cached contact at once; meanwhile the contact, its tasks, notes and
 * appointments are fetched from GoHighLevel into the cache, and re-read when they arrived.
 * Offline (`false`) or failing, the cached copy simply stays. True while it runs.
 */
function useRefreshOnOpen(contactId: string | null): boolean {
  const client = useQueryClient();
  const refresh = useMutation({
    // Keyed, so a failure still tells the session (e.g. the sign-in expired).
    mutationKey: ["refresh-contact"],
    mutationFn: (id: string) => refreshContact(id),
    onSuccess: (fetched, id) => {
      if (fetched) void client.invalidateQueries({ queryKey: queryKeys.contact(id) });
    },
  });
  const { mutate } = refresh;
  useEffect(() => {
    if (contactId !== null) mutate(contactId);
  }, [contactId, mutate]);
  return refresh.isPending && refresh.variables === contactId;
}

import { useCallback, useState } from "react";
import type { ContactSummary } from "./bindings";
import { ContactsPane } from "./components/ContactsPane";
import { ContactView } from "./components/ContactView";
import { Header } from "./components/Header";
import { ToastProvider } from "./components/Toasts";
import { NowProvider } from "./hooks/now";

type Props = {
  /** Open this contact on start (used by the dev fake backend's `?select=`). */
  initialContactId?: string | null;
};

export function App({ initialContactId = null }: Props) {
  const [selectedId, setSelectedId] = useState<string | null>(initialContactId);
  const [summary, setSummary] = useState<ContactSummary | null>(null);

  const open = useCallback((contact: ContactSummary) => {
    setSelectedId(contact.id);
    setSummary(contact);
  }, []);

  const deleted = useCallback((contactId: string) => {
    setSelectedId((current) => (current === contactId ? null : current));
    setSummary(null);
  }, []);

  return (
    <NowProvider>
      <ToastProvider>
        <div className="app">
          <Header />
          <main className="workspace">
            <ContactsPane selectedId={selectedId} onOpen={open} />
            <ContactView contactId={selectedId} summary={summary} onOpenContact={open} onDeleted={deleted} />
          </main>
        </div>
      </ToastProvider>
    </NowProvider>
  );
}

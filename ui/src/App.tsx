import { useCallback, useEffect, useMemo, useRef, useState, type MutableRefObject } from "react";
import type { ContactSummary } from "./bindings";
import { ErrorMessage, Spinner } from "./components/common";
import { CacheNotice } from "./components/CacheNotice";
import { ContactsPane } from "./components/ContactsPane";
import { ContactView } from "./components/ContactView";
import { Header } from "./components/Header";
import { ReconnectBanner } from "./components/ReconnectBanner";
import { SignInScreen } from "./components/SignIn";
import { ToastProvider } from "./components/Toasts";
import { CacheStatusProvider } from "./hooks/cacheStatus";
import { NowProvider } from "./hooks/now";
import { OpenContactContext, type OpenContact } from "./hooks/openContact";
import { activeAccountOf, useSession } from "./hooks/queries";

type Props = {
  /** Open this contact on start (used by the dev fake backend's `?select=`). */
  initialContactId?: string | null;
};

export function App({ initialContactId = null }: Props) {
  return (
    <NowProvider>
      <ToastProvider>
        <Screens initialContactId={initialContactId} />
      </ToastProvider>
    </NowProvider>
  );
}

/** The session decides the screen: sign-in, or the active location's contacts. */
function Screens({ initialContactId }: { initialContactId: string | null }) {
  const session = useSession();
  const [addingLocation, setAddingLocation] = useState(false);
  // `initialContactId` belongs to the location shown first, not to the others.
  const firstLocation = useRef<string | null>(null);
  // The workspace registers how to open a contact; the header's outbox dialog uses it.
  const openInWorkspace = useRef<OpenContact | null>(null);
  const openContact = useMemo<OpenContact>(() => (contactId) => openInWorkspace.current?.(contactId), []);

  if (session.isPending) {
    return (
      <div className="app-starting">
        <Spinner size={24} label="Starting Switchboard" />
      </div>
    );
  }
  if (session.isError) {
    return (
      <div className="app-starting">
        <ErrorMessage
          error={session.error}
          what="the sign-in state"
          onRetry={() => void session.refetch()}
          retrying={session.isFetching}
        />
      </div>
    );
  }

  const info = session.data;
  const account = activeAccountOf(info);
  firstLocation.current ??= account?.locationId ?? null;
  if (account === null || addingLocation) {
    return (
      <SignInScreen
        session={info}
        onBack={account !== null ? () => setAddingLocation(false) : undefined}
        onSignedIn={() => setAddingLocation(false)}
      />
    );
  }
  return (
    <CacheStatusProvider locationId={account.locationId}>
      <OpenContactContext.Provider value={openContact}>
        <div className="app">
          <Header session={info} account={account} onAddLocation={() => setAddingLocation(true)} />
          {account.needsReconnect ? <ReconnectBanner key={`reconnect-${account.locationId}`} account={account} /> : null}
          <CacheNotice key={`notice-${account.locationId}`} />
          {/* A fresh workspace per location: nothing selected in one shows in another. */}
          <Workspace
            key={`workspace-${account.locationId}`}
            initialContactId={account.locationId === firstLocation.current ? initialContactId : null}
            openRef={openInWorkspace}
          />
        </div>
      </OpenContactContext.Provider>
    </CacheStatusProvider>
  );
}

type WorkspaceProps = {
  initialContactId: string | null;
  /** Set to how this workspace opens a contact by id, while it is mounted. */
  openRef: MutableRefObject<OpenContact | null>;
};

function Workspace({ initialContactId, openRef }: WorkspaceProps) {
  const [selectedId, setSelectedId] = useState<string | null>(initialContactId);
  const [summary, setSummary] = useState<ContactSummary | null>(null);

  const open = useCallback((contact: ContactSummary) => {
    setSelectedId(contact.id);
    setSummary(contact);
  }, []);

  useEffect(() => {
    const openById: OpenContact = (contactId) => {
      setSelectedId(contactId);
      setSummary(null);
    };
    openRef.current = openById;
    return () => {
      if (openRef.current === openById) openRef.current = null;
    };
  }, [openRef]);

  const deleted = useCallback((contactId: string) => {
    setSelectedId((current) => (current === contactId ? null : current));
    setSummary(null);
  }, []);

  return (
    <main className="workspace">
      <ContactsPane selectedId={selectedId} onOpen={open} />
      <ContactView contactId={selectedId} summary={summary} onOpenContact={open} onDeleted={deleted} />
    </main>
  );
}

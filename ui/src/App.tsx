import { useCallback, useEffect, useMemo, useRef, useState, type MutableRefObject } from "react";
import type { ContactSummary, HcpCustomerSummary } from "./bindings";
import { ErrorMessage, Spinner } from "./components/common";
import { CacheNotice } from "./components/CacheNotice";
import { ContactsPane } from "./components/ContactsPane";
import { ContactView } from "./components/ContactView";
import { Header } from "./components/Header";
import { HcpCustomerView } from "./components/HcpViews";
import { HCP_SEARCH_DEBOUNCE_MS, HcpPane } from "./components/HcpPane";
import { SettingsDialog } from "./components/SettingsDialog";
import { tabPanelProps, Tabs, type TabItem } from "./components/Tabs";
import { ReconnectBanner } from "./components/ReconnectBanner";
import { SignInScreen } from "./components/SignIn";
import { ToastProvider } from "./components/Toasts";
import { CacheStatusProvider } from "./hooks/cacheStatus";
import { NowProvider } from "./hooks/now";
import { OpenContactContext, type OpenContact } from "./hooks/openContact";
import { activeAccountOf, useSession } from "./hooks/queries";
import { OpenSettingsContext, type OpenSettings, type SettingsSection } from "./hooks/settings";
import { useHcpCustomer } from "./hooks/sync";
import { useDebouncedValue } from "./hooks/useDebouncedValue";

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
  const [settings, setSettings] = useState<SettingsSection | null>(null);
  const openSettings = useCallback<OpenSettings>((section = "highlevel") => setSettings(section), []);

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
        <OpenSettingsContext.Provider value={openSettings}>
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
          {settings !== null ? <SettingsDialog initial={settings} onClose={() => setSettings(null)} /> : null}
        </OpenSettingsContext.Provider>
      </OpenContactContext.Provider>
    </CacheStatusProvider>
  );
}

type WorkspaceProps = {
  initialContactId: string | null;
  /** Set to how this workspace opens a contact by id, while it is mounted. */
  openRef: MutableRefObject<OpenContact | null>;
};

type Source = "ghl" | "hcp";

const SOURCES: readonly TabItem<Source>[] = [
  { id: "ghl", label: "GoHighLevel", testId: "ghl-tab" },
  { id: "hcp", label: "Housecall Pro", testId: "hcp-tab" },
];

function Workspace({ initialContactId, openRef }: WorkspaceProps) {
  const [selectedId, setSelectedId] = useState<string | null>(initialContactId);
  const [summary, setSummary] = useState<ContactSummary | null>(null);
  const [source, setSource] = useState<Source>("ghl");
  // The HCP panel is mounted the first time it is shown, then kept (with its search).
  const [hcpShown, setHcpShown] = useState(false);
  const [customer, setCustomer] = useState<HcpCustomerSummary | null>(null);
  const [hcpText, setHcpText] = useState("");
  const hcpQuery = useDebouncedValue(hcpText.trim(), HCP_SEARCH_DEBOUNCE_MS);

  const open = useCallback((contact: ContactSummary) => {
    setSelectedId(contact.id);
    setSummary(contact);
  }, []);

  const openById = useCallback<OpenContact>((contactId) => {
    setSource("ghl");
    setSelectedId(contactId);
    setSummary(null);
  }, []);

  useEffect(() => {
    openRef.current = openById;
    return () => {
      if (openRef.current === openById) openRef.current = null;
    };
  }, [openRef, openById]);

  const deleted = useCallback((contactId: string) => {
    setSelectedId((current) => (current === contactId ? null : current));
    setSummary(null);
  }, []);

  const selectSource = (next: Source) => {
    setSource(next);
    if (next === "hcp") setHcpShown(true);
  };

  return (
    <main className="workspace">
      <div className="source-pane">
        <Tabs label="Source" idBase="source" tabs={SOURCES} selected={source} onSelect={selectSource} className="source-tabs" />
        <div {...tabPanelProps("source", "ghl")} className="source-panel" hidden={source !== "ghl"}>
          <ContactsPane selectedId={selectedId} onOpen={open} />
        </div>
        {hcpShown ? (
          <div {...tabPanelProps("source", "hcp")} className="source-panel" hidden={source !== "hcp"}>
            <HcpPane
              text={hcpText}
              onTextChange={setHcpText}
              query={hcpQuery}
              selectedId={customer?.id ?? null}
              onSelect={setCustomer}
            />
          </div>
        ) : null}
      </div>
      {source === "ghl" ? (
        <ContactView contactId={selectedId} summary={summary} onOpenContact={open} onDeleted={deleted} />
      ) : (
        <SelectedCustomer customer={customer} onOpenContact={openById} />
      )}
    </main>
  );
}

/** The selected customer as HCP has it now (a sync may have changed or linked it since). */
function SelectedCustomer({
  customer,
  onOpenContact,
}: {
  customer: HcpCustomerSummary | null;
  onOpenContact: OpenContact;
}) {
  const current = useHcpCustomer(customer?.id ?? null);
  const fresh = customer === null ? null : (current.data ?? customer);
  return <HcpCustomerView customer={fresh} onOpenContact={onOpenContact} />;
}

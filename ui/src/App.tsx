import {
  lazy,
  Suspense,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type MutableRefObject,
} from "react";
import type { ContactSummary, HcpCustomerSummary } from "./bindings";
import { ErrorMessage, Spinner } from "./components/common";
import { CacheNotice } from "./components/CacheNotice";
import { ContactsPane } from "./components/ContactsPane";
import { ContactView } from "./components/ContactView";
import { Header } from "./components/Header";
import { HcpCustomerView } from "./components/HcpViews";
import { HCP_SEARCH_DEBOUNCE_MS, HcpPane } from "./components/HcpPane";
import type { OverviewHandle } from "./components/Overview";
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
import { useFirstPageAtStart } from "./hooks/startup";
import { useDebouncedValue } from "./hooks/useDebouncedValue";
import { markOnce } from "./lib/startupMarks";

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
  const firstPageReady = useFirstPageAtStart(activeAccountOf(session.data)?.locationId ?? null);

  if (session.isPending || (activeAccountOf(session.data) !== null && !firstPageReady && !addingLocation)) {
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
  markOnce("switchboard:workspace-render");
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

// Not needed for the first paint of the list: its code loads meanwhile, its data after.
const Overview = lazy(() => import("./components/Overview"));

/** A control where keys are typed (Esc and "/" belong to it). */
function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !["checkbox", "radio", "button", "submit", "reset", "range", "color", "file"].includes(target.type);
}

function inDialog(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest("dialog, [role=dialog], [role=alertdialog]") !== null;
}

type FocusTarget = "detail" | "overview" | "search";

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
  const overviewRef = useRef<OverviewHandle>(null);
  const detailRef = useRef<HTMLDivElement>(null);
  // Where focus goes once the next render is on screen (the target may be hidden now).
  const [focusRequest, setFocusRequest] = useState<{ target: FocusTarget } | null>(null);

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

  const openFromOverview = useCallback(
    (contactId: string) => {
      openById(contactId);
      // Into the contact, so Esc (handled there) comes back.
      setFocusRequest({ target: "detail" });
    },
    [openById],
  );

  const showOverview = useCallback(() => {
    setSource("ghl");
    setSelectedId(null);
    setSummary(null);
    setFocusRequest({ target: "overview" });
  }, []);

  useEffect(() => {
    if (focusRequest === null) return;
    if (focusRequest.target === "detail") detailRef.current?.focus();
    else if (focusRequest.target === "overview") overviewRef.current?.focus();
    else document.querySelector<HTMLElement>("[data-testid=contact-search]")?.focus();
  }, [focusRequest]);

  // "/" goes to the contact search from anywhere but a text field or a dialog.
  useEffect(() => {
    const onKeyDown = (event: globalThis.KeyboardEvent) => {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      if (isTextEntry(event.target) || inDialog(event.target) || document.querySelector("dialog[open]")) return;
      event.preventDefault();
      setSource("ghl");
      setFocusRequest({ target: "search" });
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);

  // Esc in the open contact goes back to the overview, unless a field or dialog takes it.
  const onDetailKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== "Escape" || event.defaultPrevented || source !== "ghl" || selectedId === null) return;
    if (isTextEntry(event.target) || inDialog(event.target)) return;
    event.preventDefault();
    showOverview();
  };

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
        <div className="source-head">
          <Tabs label="Source" idBase="source" tabs={SOURCES} selected={source} onSelect={selectSource} className="source-tabs" />
          <button
            type="button"
            className="overview-button"
            data-testid="overview-button"
            aria-current={source === "ghl" && selectedId === null ? "page" : undefined}
            title="Overview (Esc from a contact)"
            onClick={showOverview}
          >
            Overview
          </button>
        </div>
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
      {/* Focusable so a contact opened from the overview takes focus, and Esc brings it back. */}
      {/* eslint-disable-next-line jsx-a11y/no-static-element-interactions */}
      <div ref={detailRef} className="workspace-detail" tabIndex={-1} onKeyDown={onDetailKeyDown}>
        {source === "ghl" ? (
          <>
            <Suspense fallback={null}>
              <Overview ref={overviewRef} shown={selectedId === null} onOpen={openFromOverview} />
            </Suspense>
            {selectedId !== null ? (
              <ContactView contactId={selectedId} summary={summary} onOpenContact={open} onDeleted={deleted} />
            ) : null}
          </>
        ) : (
          <SelectedCustomer customer={customer} onOpenContact={openById} />
        )}
      </div>
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

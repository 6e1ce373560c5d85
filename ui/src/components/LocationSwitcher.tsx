// The location switcher: a menu button (WAI-ARIA menu pattern) listing the signed-in
// locations, the active one checked, and "Add a location…". Arrow keys, Home/End move,
// Enter/Space choose, Esc closes and gives focus back to the button.
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import type { LocationAccount, SessionInfo } from "../bindings";
import { useSwitchLocation } from "../hooks/session";
import { describeWriteError } from "../lib/errors";
import { Spinner } from "./common";
import { AlertIcon, CheckIcon, ChevronDownIcon, PlusIcon } from "./icons";
import { useToast } from "./Toasts";

type Props = {
  session: SessionInfo;
  active: LocationAccount;
  onAddLocation: () => void;
};

export function LocationSwitcher({ session, active, onAddLocation }: Props) {
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const menuId = useId();
  const switcher = useSwitchLocation();
  const toast = useToast();

  const items = () => Array.from(menuRef.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? []);

  useEffect(() => {
    if (!open) return;
    // Start on the active location.
    const all = items();
    (all.find((item) => item.getAttribute("aria-checked") === "true") ?? all[0])?.focus();
    const onPointerDown = (event: MouseEvent) => {
      const target = event.target as Node;
      if (!menuRef.current?.contains(target) && !buttonRef.current?.contains(target)) setOpen(false);
    };
    document.addEventListener("mousedown", onPointerDown);
    return () => document.removeEventListener("mousedown", onPointerDown);
  }, [open]);

  const close = (focusButton: boolean) => {
    setOpen(false);
    if (focusButton) buttonRef.current?.focus();
  };

  const choose = (account: LocationAccount) => {
    close(true);
    if (account.locationId === active.locationId) return;
    switcher.mutate(account.locationId, {
      onError: (error) => {
        const { title, message } = describeWriteError(error, `switch to ${account.name}`);
        toast.show({ tone: "error", title, message, action: { label: "Retry", run: () => choose(account) } });
      },
    });
  };

  const onMenuKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const all = items();
    const at = all.indexOf(document.activeElement as HTMLElement);
    const move = (index: number) => all[(index + all.length) % all.length]?.focus();
    switch (event.key) {
      case "ArrowDown":
        move(at + 1);
        break;
      case "ArrowUp":
        move(at - 1);
        break;
      case "Home":
        move(0);
        break;
      case "End":
        move(all.length - 1);
        break;
      case "Escape":
        close(true);
        break;
      case "Tab":
        // Leave the menu the way Tab goes; it closes behind.
        setOpen(false);
        return;
      default:
        return;
    }
    event.preventDefault();
    event.stopPropagation();
  };

  const switchingTo = switcher.isPending ? session.accounts.find((a) => a.locationId === switcher.variables) : undefined;

  return (
    <div className="location-switcher">
      <button
        ref={buttonRef}
        type="button"
        className="location-button"
        data-testid="location-switcher"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-busy={switcher.isPending || undefined}
        aria-label={`Location: ${active.name}. Switch location`}
        title={switchingTo ? `Switching to ${switchingTo.name}…` : "Switch location"}
        disabled={switcher.isPending}
        onClick={() => setOpen((shown) => !shown)}
        onKeyDown={(event) => {
          if ((event.key === "ArrowDown" || event.key === "ArrowUp") && !open) {
            event.preventDefault();
            setOpen(true);
          }
        }}
      >
        <span className="location-name" data-testid="active-location-name">
          {active.name || active.locationId}
        </span>
        {active.needsReconnect ? <AlertIcon size={13} className="location-warning" /> : null}
        {switcher.isPending ? <Spinner size={12} label={`Switching to ${switchingTo?.name ?? "another location"}`} /> : <ChevronDownIcon size={14} />}
      </button>
      {open ? (
        // Key handling for the whole menu sits on its container (roving focus).
        // eslint-disable-next-line jsx-a11y/interactive-supports-focus
        <div ref={menuRef} id={menuId} className="menu" role="menu" aria-label="Locations" onKeyDown={onMenuKeyDown}>
          {session.accounts.map((account) => {
            const current = account.locationId === active.locationId;
            return (
              <button
                key={account.locationId}
                type="button"
                role="menuitemradio"
                aria-checked={current}
                tabIndex={-1}
                className={current ? "menu-item is-current" : "menu-item"}
                data-testid="location-option"
                data-location-id={account.locationId}
                onClick={() => choose(account)}
              >
                <span className="menu-check">{current ? <CheckIcon size={14} /> : null}</span>
                <span className="menu-label">
                  <span className="menu-title">{account.name || account.locationId}</span>
                  <span className="menu-detail">
                    {account.method === "oauth" ? "Signed in with HighLevel" : "Private Integration Token"}
                    {account.needsReconnect ? " · sign-in expired" : ""}
                    {account.canWrite ? "" : " · read-only"}
                  </span>
                </span>
              </button>
            );
          })}
          <div className="menu-separator" role="separator" />
          <button
            type="button"
            role="menuitem"
            tabIndex={-1}
            className="menu-item"
            data-testid="add-location"
            onClick={() => {
              setOpen(false);
              onAddLocation();
            }}
          >
            <span className="menu-check">
              <PlusIcon size={14} />
            </span>
            <span className="menu-label">
              <span className="menu-title">Add a location…</span>
            </span>
          </button>
        </div>
      ) : null}
    </div>
  );
}

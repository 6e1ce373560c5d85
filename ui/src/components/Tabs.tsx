// A WAI-ARIA tab list: one tab in the Tab order (the selected one), arrows, Home and End
// move between tabs and select them. The caller renders the panels, each with
// `tabPanelProps(idBase, id)`.
import { useRef, type KeyboardEvent } from "react";

export type TabItem<T extends string> = { id: T; label: string; testId?: string };

type Props<T extends string> = {
  /** Names the tab list for assistive technology. */
  label: string;
  /** Prefix of the tab and panel ids (unique on the page). */
  idBase: string;
  tabs: readonly TabItem<T>[];
  selected: T;
  onSelect: (id: T) => void;
  className?: string;
};

export function tabId(idBase: string, id: string): string {
  return `${idBase}-tab-${id}`;
}

export function tabPanelProps(idBase: string, id: string) {
  return { id: `${idBase}-panel-${id}`, role: "tabpanel", "aria-labelledby": tabId(idBase, id) } as const;
}

export function Tabs<T extends string>({ label, idBase, tabs, selected, onSelect, className }: Props<T>) {
  const refs = useRef(new Map<T, HTMLButtonElement>());

  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    const index = tabs.findIndex((tab) => tab.id === selected);
    let next: number | null = null;
    if (event.key === "ArrowRight" || event.key === "ArrowDown") next = (index + 1) % tabs.length;
    else if (event.key === "ArrowLeft" || event.key === "ArrowUp") next = (index - 1 + tabs.length) % tabs.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = tabs.length - 1;
    if (next === null) return;
    event.preventDefault();
    const target = tabs[next];
    if (target === undefined) return;
    onSelect(target.id);
    refs.current.get(target.id)?.focus();
  };

  return (
    <div role="tablist" aria-label={label} className={className ? `tabs ${className}` : "tabs"}>
      {tabs.map((tab) => {
        const active = tab.id === selected;
        return (
          <button
            key={tab.id}
            ref={(element) => {
              if (element) refs.current.set(tab.id, element);
              else refs.current.delete(tab.id);
            }}
            type="button"
            role="tab"
            id={tabId(idBase, tab.id)}
            className={active ? "tab is-selected" : "tab"}
            aria-selected={active}
            aria-controls={`${idBase}-panel-${tab.id}`}
            tabIndex={active ? 0 : -1}
            data-testid={tab.testId}
            onClick={() => onSelect(tab.id)}
            onKeyDown={onKeyDown}
          >
            {tab.label}
          </button>
        );
      })}
    </div>
  );
}

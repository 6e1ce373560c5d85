import { useEffect, useRef } from "react";

/**
 * For an inline form: remembers what had focus when it opened, and when it closes puts
 * focus back there if focus would otherwise be lost (on <body>). `fallback` is used when
 * that element is gone (an Edit button replaced by the form, say).
 */
export function useReturnFocus(fallback: () => HTMLElement | null) {
  const fallbackRef = useRef(fallback);
  useEffect(() => {
    fallbackRef.current = fallback;
  });
  useEffect(() => {
    const focused = document.activeElement;
    // By the time this runs, the button that opened it may be gone or disabled (focus on <body>).
    const opener = focused instanceof HTMLElement && focused !== document.body ? focused : null;
    return () => {
      window.setTimeout(() => {
        const active = document.activeElement;
        if (active !== null && active !== document.body && active.isConnected) return;
        const usable = opener !== null && opener.isConnected && !(opener as HTMLButtonElement).disabled;
        (usable ? opener : fallbackRef.current())?.focus();
      }, 0);
    };
  }, []);
}

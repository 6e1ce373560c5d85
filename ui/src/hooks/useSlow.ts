import { useEffect, useState } from "react";

/** True once `active` has stayed true for `delayMs`: show a spinner only for slow work. */
export function useSlow(active: boolean, delayMs = 1000): boolean {
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    if (!active) {
      setSlow(false);
      return;
    }
    const timer = window.setTimeout(() => setSlow(true), delayMs);
    return () => window.clearTimeout(timer);
  }, [active, delayMs]);
  return active && slow;
}

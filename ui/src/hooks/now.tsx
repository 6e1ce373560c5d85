import { createContext, useContext, useEffect, useState, type ReactNode } from "react";

const NowContext = createContext<Date | null>(null);

/** Shares one clock with the whole tree, ticking every `intervalMs`. */
export function NowProvider({ children, intervalMs = 30_000 }: { children: ReactNode; intervalMs?: number }) {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return <NowContext.Provider value={now}>{children}</NowContext.Provider>;
}

/** The shared current time (or the real time outside a provider). */
export function useNow(): Date {
  const now = useContext(NowContext);
  return now ?? new Date();
}

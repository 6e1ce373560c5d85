// For the cold-start benchmark: imports are hoisted, so this runs once every module of
// the bundle has been evaluated, before React starts.
performance.mark("switchboard:modules-loaded");
import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { createQueryClient } from "./hooks/queries";
import "./styles/app.css";
import "./styles/alerts.css";
import "./styles/overview.css";
import "./styles/import.css";
import "./styles/dataMove.css";

/**
 * Dev only (vite dev server or a `--mode fake` build, outside Tauri): `?select=<id>` or
 * `?select=first` opens a contact on start. A constant `null` in production builds.
 */
async function devInitialSelection(): Promise<string | null> {
  if (!(import.meta.env.DEV || import.meta.env.MODE === "fake")) return null;
  if ("__TAURI_INTERNALS__" in window) return null;
  const select = new URLSearchParams(window.location.search).get("select");
  if (!select) return null;
  const fake = await import("./dev/fakeBackend");
  return fake.resolveSelection(select);
}

const queryClient = createQueryClient();
const root = createRoot(document.getElementById("root")!);

void devInitialSelection().then((initialContactId) => {
  root.render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <App initialContactId={initialContactId} />
      </QueryClientProvider>
    </StrictMode>,
  );
});

// Settings → General as the Rust side answers it by default, for the UI tests.
import type { AppSettingsView } from "../bindings";

export function appSettingsView(overrides: Partial<AppSettingsView> = {}): AppSettingsView {
  return {
    refreshIntervalMinutes: 5,
    logLevel: "info",
    logFilterFromEnv: null,
    dataDir: "/home/office/.local/share/com.example.switchboard",
    logsDir: "/home/office/.local/share/com.example.switchboard/logs",
    minRefreshMinutes: 1,
    maxRefreshMinutes: 1440,
    ...overrides,
  };
}

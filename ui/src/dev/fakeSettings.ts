// The fake backend's Settings → General: kept in memory for the page's life, checked
// like the Rust side (whole minutes within bounds), folders "opened" by doing nothing.
import type { AppError, AppSettingsForm, AppSettingsView } from "../bindings";

const MIN_MINUTES = 1;
const MAX_MINUTES = 24 * 60;

let current: AppSettingsForm = { refreshIntervalMinutes: 5, logLevel: "info" };

function view(): AppSettingsView {
  return {
    ...current,
    logFilterFromEnv: null,
    dataDir: "/home/office/.local/share/com.example.switchboard",
    logsDir: "/home/office/.local/share/com.example.switchboard/logs",
    minRefreshMinutes: MIN_MINUTES,
    maxRefreshMinutes: MAX_MINUTES,
  };
}

export function fakeAppSettings(): AppSettingsView {
  return view();
}

export function saveFakeAppSettings(form: AppSettingsForm): AppSettingsView {
  const minutes = form.refreshIntervalMinutes;
  if (!Number.isInteger(minutes) || minutes < MIN_MINUTES || minutes > MAX_MINUTES) {
    throw {
      code: "validation",
      message: `The refresh interval must be between ${MIN_MINUTES} and ${MAX_MINUTES} minutes.`,
      details: { field: "refreshIntervalMinutes" },
    } satisfies AppError;
  }
  current = { refreshIntervalMinutes: minutes, logLevel: form.logLevel };
  return view();
}

// The fake backend's Settings → General: kept in memory for the page's life, checked
// like the Rust side (whole minutes within bounds), folders "opened" by doing nothing, and
// the data folder moved with progress.
import type {
  AppError,
  AppSettingsForm,
  AppSettingsView,
  DataMoveOutcome,
  DataMovePlan,
  DataMoveProgress,
} from "../bindings";

const MIN_MINUTES = 1;
const MAX_MINUTES = 24 * 60;

let current: AppSettingsForm = { refreshIntervalMinutes: 5, logLevel: "info" };
let dataDir = "/home/office/.local/share/com.example.switchboard";

function view(): AppSettingsView {
  return {
    ...current,
    logFilterFromEnv: null,
    dataDir,
    logsDir: `${dataDir}/logs`,
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

// ---------- Data folder move ----------
// Checked like the Rust side (a full path, not the folder in use nor inside it, empty),
// then "moved" in a few steps with progress, cancellable until it switches.

/** What the fake folder picker answers. */
export const FAKE_PICKED_FOLDER = "/media/backup/Switchboard";
/** A folder the fake treats as holding other files. */
export const FAKE_FULL_FOLDER = "/home/office/Documents";
const FAKE_FILES = 4;
const FAKE_BYTES = 48 * 1024 * 1024;

let cancelRequested = false;

function refusal(reason: string, message: string): AppError {
  return { code: "validation", message, details: { reason } };
}

export function checkFakeDataMove(target: string): DataMovePlan {
  const to = target.trim().replace(/\/+$/, "");
  const from = dataDir;
  if (!to.startsWith("/")) throw refusal("notAbsolute", `${target} is not a full path; choose a folder with Choose… or type its full path.`);
  if (to === from) throw refusal("sameFolder", "That is the data folder already in use.");
  if (to.startsWith(`${from}/`)) throw refusal("insideCurrent", `${to} is inside the current data folder; choose a folder outside it.`);
  if (to === FAKE_FULL_FOLDER)
    throw refusal(
      "notEmpty",
      `${to} is not empty. Choose an empty folder, or create a new one, so nothing there is mixed with or overwritten by Switchboard's files.`,
    );
  return { from, to, files: FAKE_FILES, bytes: FAKE_BYTES, availableBytes: 120 * 1024 ** 3 };
}

export function cancelFakeDataMove(): null {
  cancelRequested = true;
  return null;
}

/** Moves in steps `stepMs` apart; a cancel before "switching" leaves the old folder in use. */
export async function moveFakeDataFolder(
  target: string,
  onProgress: (progress: DataMoveProgress) => void,
  stepMs = 400,
): Promise<DataMoveOutcome> {
  const plan = checkFakeDataMove(target);
  cancelRequested = false;
  const wait = () => new Promise((resolve) => setTimeout(resolve, stepMs));
  const report = (stage: DataMoveProgress["stage"], filesDone: number) =>
    onProgress({
      stage,
      filesDone,
      filesTotal: FAKE_FILES,
      bytesDone: Math.round((FAKE_BYTES * filesDone) / FAKE_FILES),
      bytesTotal: FAKE_BYTES,
      cancellable: stage === "closing" || stage === "copying" || stage === "verifying",
    });
  const steps: [DataMoveProgress["stage"], number][] = [["closing", 0]];
  for (let file = 0; file <= FAKE_FILES; file += 1) steps.push(["copying", file]);
  steps.push(["verifying", FAKE_FILES]);
  for (const [stage, files] of steps) {
    report(stage, files);
    await wait();
    if (cancelRequested) return { moved: false, dataDir, files: 0, bytes: 0, leftBehind: null };
  }
  report("switching", FAKE_FILES);
  dataDir = plan.to;
  report("removingOld", FAKE_FILES);
  await wait();
  return { moved: true, dataDir, files: plan.files, bytes: plan.bytes, leftBehind: null };
}

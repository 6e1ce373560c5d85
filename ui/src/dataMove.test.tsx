// Settings → General → Move…: the target is checked before anything happens, the
// confirmation says what will happen, the move shows its progress and can be cancelled
// until it switches; afterwards the new folder is shown and the cache is watched again.
// The backend answers with the dev fake's logic (fakeSettings.ts).
import { screen, waitFor, within } from "@testing-library/react";
import axe from "axe-core";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { contactSummary, renderApp, SIGNED_IN } from "./test/helpers";

vi.mock("./backend", () => import("./test/backendMock").then((m) => m.mockBackend()));

import * as backend from "./backend";
import { describeMoveProgress, formatBytes } from "./components/DataFolderMove";
import {
  cancelFakeDataMove,
  checkFakeDataMove,
  FAKE_FULL_FOLDER,
  FAKE_PICKED_FOLDER,
  fakeAppSettings,
  moveFakeDataFolder,
} from "./dev/fakeSettings";

const api = vi.mocked(backend);
// axe probes icon fonts with a canvas, which jsdom lacks.
HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;

/** axe's rule ids broken inside `root` (contrast needs a real browser: scripts/a11y-browser.mjs). */
async function axeViolations(root: Element): Promise<string[]> {
  const results = await axe.run(root, { resultTypes: ["violations"], rules: { "color-contrast": { enabled: false } } });
  return results.violations.map((violation) => violation.id);
}
const OLD_DIR = fakeAppSettings().dataDir;
let stepMs = 20;

beforeEach(() => {
  api.session.mockResolvedValue(SIGNED_IN);
  api.listContacts.mockResolvedValue({ contacts: [contactSummary("c1", "Anna Smith")], total: 1, nextCursor: null });
  api.appSettings.mockImplementation(async () => fakeAppSettings());
  api.chooseDataFolder.mockImplementation(async () => FAKE_PICKED_FOLDER);
  api.checkDataFolderMove.mockImplementation(async (target) => checkFakeDataMove(target));
  api.moveDataFolder.mockImplementation((target, onProgress) => moveFakeDataFolder(target, onProgress, stepMs));
  api.cancelDataFolderMove.mockImplementation(async () => cancelFakeDataMove());
});

async function openMove() {
  const rendered = renderApp();
  await screen.findByText("1 contact");
  await rendered.user.click(screen.getByTestId("oauth-settings-button"));
  const dialog = await screen.findByTestId("settings-dialog");
  await rendered.user.click(within(dialog).getByTestId("settings-tab-general"));
  await rendered.user.click(await within(dialog).findByTestId("move-data-folder"));
  const panel = within(dialog).getByTestId("data-move-panel");
  return { ...rendered, dialog, panel };
}

describe("Settings → General → Move…", () => {
  it("refuses a folder that is not empty, and changes nothing before the confirmation", async () => {
    const { panel, user } = await openMove();
    const input = within(panel).getByTestId("data-move-target");
    expect(input).toHaveFocus();
    await user.click(within(panel).getByTestId("data-move-continue"));
    expect(within(panel).getByTestId("form-error")).toHaveTextContent("Choose a folder");
    expect(await axeViolations(panel)).toEqual([]);

    await user.type(input, `${FAKE_FULL_FOLDER}{Enter}`);
    expect(await within(panel).findByTestId("form-error")).toHaveTextContent("is not empty");
    expect(api.checkDataFolderMove).toHaveBeenCalledWith(FAKE_FULL_FOLDER);
    await user.clear(input);
    await user.type(input, `${OLD_DIR}/backup{Enter}`);
    expect(await within(panel).findByTestId("form-error")).toHaveTextContent("inside the current data folder");
    expect(api.saveAppSettings).not.toHaveBeenCalled();

    // The confirmation says what will happen; Back returns without moving.
    await user.click(within(panel).getByTestId("data-move-choose"));
    expect(input).toHaveValue(FAKE_PICKED_FOLDER);
    await user.click(within(panel).getByTestId("data-move-continue"));
    const confirm = await within(panel).findByTestId("data-move-confirm");
    expect(confirm).toHaveTextContent(`copy 4 files (48.0 MB) to ${FAKE_PICKED_FOLDER}`);
    expect(confirm).toHaveTextContent(`delete the old folder ${OLD_DIR}`);
    expect(within(panel).getByTestId("data-move-start")).toHaveFocus();
    expect(await axeViolations(panel)).toEqual([]);
    await user.click(within(panel).getByTestId("data-move-back"));
    expect(within(panel).getByTestId("data-move-target")).toHaveValue(FAKE_PICKED_FOLDER);
    expect(api.moveDataFolder).not.toHaveBeenCalled();
  });

  it("cancels a move before the switch: the old folder stays in use", async () => {
    stepMs = 150;
    const { dialog, panel, user } = await openMove();
    const watchesBefore = api.watchCache.mock.calls.length;
    await user.click(within(panel).getByTestId("data-move-choose"));
    await user.click(within(panel).getByTestId("data-move-continue"));
    await user.click(await within(panel).findByTestId("data-move-start"));
    await waitFor(() => expect(within(panel).getByTestId("data-move-progress-text")).toHaveTextContent("Copying"));
    const cancel = within(panel).getByTestId("data-move-cancel");
    expect(cancel).toHaveFocus();
    await user.click(cancel);
    expect(await within(panel).findByTestId("data-move-notice", {}, { timeout: 3000 })).toHaveTextContent(
      `nothing was changed, the data stays in ${OLD_DIR}`,
    );
    expect(within(dialog).getByTestId("open-data-folder-path")).toHaveTextContent(OLD_DIR);
    // The cache was closed for the move and opened again: it is watched again.
    await waitFor(() => expect(api.watchCache.mock.calls.length).toBeGreaterThan(watchesBefore));
  });

  it("moves with progress, then shows the new folder and watches the reopened cache", async () => {
    stepMs = 60;
    const { dialog, panel, user } = await openMove();
    const watchesBefore = api.watchCache.mock.calls.length;
    await user.click(within(panel).getByTestId("data-move-choose"));
    await user.click(within(panel).getByTestId("data-move-continue"));
    await user.click(await within(panel).findByTestId("data-move-start"));

    const bar = await within(panel).findByTestId("data-move-progress");
    await waitFor(() => expect(Number(bar.getAttribute("aria-valuenow"))).toBeGreaterThan(0));
    expect(bar).toHaveAttribute("aria-valuemax", String(48 * 1024 * 1024));
    expect(await screen.findByText("Data folder moved", {}, { timeout: 3000 })).toBeInTheDocument();
    expect(within(dialog).queryByTestId("data-move-panel")).toBeNull();
    await waitFor(() => expect(within(dialog).getByTestId("open-data-folder-path")).toHaveTextContent(FAKE_PICKED_FOLDER));
    expect(within(dialog).getByTestId("move-data-folder")).toHaveFocus();
    await waitFor(() => expect(api.watchCache.mock.calls.length).toBeGreaterThan(watchesBefore));
  });

  it("describes each stage", () => {
    const base = { filesDone: 2, filesTotal: 4, bytesDone: 3 * 1024 * 1024, bytesTotal: 12 * 1024 * 1024, cancellable: true };
    expect(describeMoveProgress({ ...base, stage: "copying" })).toBe("Copying: 2 of 4 files, 3.0 MB of 12.0 MB");
    expect(describeMoveProgress({ ...base, stage: "verifying" })).toBe("Checking the copy: 2 of 4 files");
    expect(formatBytes(512)).toBe("512 bytes");
    expect(formatBytes(1536)).toBe("1.5 KB");
  });
});

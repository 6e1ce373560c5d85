// Settings → General: the refresh interval and log level are checked and saved, and the
// data and logs folders are shown and opened.
import { screen, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { appSettingsView } from "./test/appSettings";
import { contactSummary, renderApp, SIGNED_IN } from "./test/helpers";

vi.mock("./backend", () => import("./test/backendMock").then((m) => m.mockBackend()));

import * as backend from "./backend";
import { parseMinutes } from "./components/SettingsDialog";

const api = vi.mocked(backend);

const GENERAL = appSettingsView();

beforeEach(() => {
  api.session.mockResolvedValue(SIGNED_IN);
  api.listContacts.mockResolvedValue({ contacts: [contactSummary("c1", "Anna Smith")], total: 1, nextCursor: null });
  api.appSettings.mockResolvedValue(GENERAL);
  api.saveAppSettings.mockImplementation(async (form) => ({ ...GENERAL, ...form }));
  api.openLogsFolder.mockResolvedValue(null);
  api.openDataFolder.mockResolvedValue(null);
});

async function openGeneral() {
  const rendered = renderApp();
  await screen.findByText("1 contact");
  await rendered.user.click(screen.getByTestId("oauth-settings-button"));
  const dialog = await screen.findByTestId("settings-dialog");
  await rendered.user.click(within(dialog).getByTestId("settings-tab-general"));
  await within(dialog).findByTestId("general-settings-form");
  return { ...rendered, dialog };
}

describe("Settings → General", () => {
  it("shows where the data and the logs are, and opens those folders", async () => {
    const { dialog, user } = await openGeneral();
    expect(within(dialog).getByTestId("open-data-folder-path")).toHaveTextContent(GENERAL.dataDir);
    expect(within(dialog).getByTestId("open-logs-folder-path")).toHaveTextContent(GENERAL.logsDir);
    await user.click(within(dialog).getByTestId("open-logs-folder"));
    expect(api.openLogsFolder).toHaveBeenCalledTimes(1);
    await user.click(within(dialog).getByTestId("open-data-folder"));
    expect(api.openDataFolder).toHaveBeenCalledTimes(1);
  });

  it("refuses an interval out of range, then saves interval and log level", async () => {
    const { dialog, user } = await openGeneral();
    const minutes = within(dialog).getByTestId("refresh-interval-input");
    expect(minutes).toHaveValue("5");
    await user.clear(minutes);
    await user.type(minutes, "0");
    await user.click(within(dialog).getByTestId("general-settings-save"));
    expect(await within(dialog).findByTestId("field-error")).toHaveTextContent("from 1 to 1440");
    expect(minutes).toHaveFocus();
    expect(api.saveAppSettings).not.toHaveBeenCalled();

    await user.clear(minutes);
    await user.type(minutes, "15");
    await user.selectOptions(within(dialog).getByTestId("log-level-select"), "debug");
    await user.click(within(dialog).getByTestId("general-settings-save"));
    expect(api.saveAppSettings).toHaveBeenCalledWith({ refreshIntervalMinutes: 15, logLevel: "debug" });
    expect(await screen.findByText("Settings saved")).toBeInTheDocument();
  });

  it("says when SWITCHBOARD_LOG decides the log level", async () => {
    api.appSettings.mockResolvedValue(appSettingsView({ logFilterFromEnv: "debug" }));
    const { dialog } = await openGeneral();
    expect(dialog).toHaveTextContent("SWITCHBOARD_LOG=debug");
  });

  it("reads whole minutes within the bounds only", () => {
    expect(parseMinutes(" 30 ", 1, 1440)).toBe(30);
    for (const bad of ["", "0", "1441", "2.5", "-3", "ten"]) expect(parseMinutes(bad, 1, 1440)).toBeNull();
  });
});

// The Houzz Pro import wizard: the Import button (only with write access), choosing a
// file, changing a column's field, the preview with row problems, the import with its
// progress bar, cancelling, the summary and the failure report.
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import axe from "axe-core";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ImportPreview, ImportProgress, ImportSummary } from "./bindings";
import { ImportDialog } from "./components/ImportDialog";
import { account, deferred, renderApp, sessionOf, SIGNED_IN } from "./test/helpers";

vi.mock("./backend", () => import("./test/backendMock").then((m) => m.mockBackend()));

import * as backend from "./backend";

const api = vi.mocked(backend);

// jsdom's Blob has no arrayBuffer() (browsers and the web view do): read it the old way.
if (typeof Blob.prototype.arrayBuffer !== "function") {
  Blob.prototype.arrayBuffer = function arrayBuffer(this: Blob) {
    return new Promise<ArrayBuffer>((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result as ArrayBuffer);
      reader.onerror = () => reject(reader.error);
      reader.readAsArrayBuffer(this);
    });
  };
}

const FIELD_OPTIONS: ImportPreview["fieldOptions"] = [
  { field: "ignore", label: "Don't import" },
  { field: "fullName", label: "Full name" },
  { field: "email", label: "Email" },
  { field: "phone", label: "Phone" },
  { field: "company", label: "Company" },
];

function preview(overrides: Partial<ImportPreview> = {}): ImportPreview {
  return {
    importId: 7,
    fileName: "clients.csv",
    columns: [
      { header: "Client Name", field: "fullName", sample: "Ada Lovelace" },
      { header: "E-mail", field: "email", sample: "ada@example.com" },
      { header: "Mobile", field: "phone", sample: "(720) 555-0101" },
    ],
    fieldOptions: FIELD_OPTIONS,
    remembered: false,
    rows: [
      { line: 2, name: "Ada Lovelace", email: "ada@example.com", phone: "+17205550101", company: null, address: null, tags: [], problems: [] },
      {
        line: 3,
        name: "Bad Email",
        email: null,
        phone: null,
        company: null,
        address: null,
        tags: [],
        problems: [{ field: "email", message: "Email is not a valid email address" }],
      },
    ],
    valid: 1,
    withProblems: 1,
    ...overrides,
  };
}

function summary(overrides: Partial<ImportSummary> = {}): ImportSummary {
  return {
    importId: 7,
    counts: { total: 2, done: 2, created: 1, updated: 0, skipped: 0, failed: 1 },
    notDone: 0,
    stopped: null,
    stopMessage: null,
    reportRows: 1,
    ...overrides,
  };
}

function renderDialog() {
  const onClose = vi.fn();
  const user = userEvent.setup();
  render(<ImportDialog onClose={onClose} />);
  return { user, onClose };
}

async function chooseFile(user: ReturnType<typeof userEvent.setup>, text = "Client Name,E-mail\nAda,ada@example.com\n") {
  const file = new File([text], "clients.csv", { type: "text/csv" });
  await user.upload(screen.getByTestId("import-file"), file);
}

beforeEach(() => {
  api.importPreview.mockResolvedValue(preview());
});

describe("the Import button", () => {
  it("is in the header with write access and absent without it", async () => {
    api.session.mockResolvedValue(SIGNED_IN);
    const first = renderApp();
    expect(await screen.findByTestId("import-button")).toBeVisible();
    first.unmount();

    api.session.mockResolvedValue(sessionOf([account({ canWrite: false })]));
    renderApp();
    await screen.findByTestId("read-only-badge");
    expect(screen.queryByTestId("import-button")).not.toBeInTheDocument();
  });
});

describe("the import wizard", () => {
  it("sends the chosen file's bytes and shows its columns with their guessed fields", async () => {
    const { user } = renderDialog();
    await chooseFile(user);
    await screen.findByTestId("import-mapping");
    const [name, bytes] = api.importPreview.mock.calls[0]!;
    expect(name).toBe("clients.csv");
    expect(new TextDecoder().decode(bytes)).toBe("Client Name,E-mail\nAda,ada@example.com\n");

    const selects = screen.getAllByTestId("import-column-field");
    expect(selects).toHaveLength(3);
    expect(screen.getByRole("combobox", { name: "E-mail" })).toHaveValue("email");
    expect(screen.getByTestId("import-counts")).toHaveTextContent("1 ready to import, 1 with problems");
  });

  it("re-checks the rows when a column's field changes", async () => {
    api.importRemap.mockResolvedValue(preview({ valid: 2, withProblems: 0 }));
    const { user } = renderDialog();
    await chooseFile(user);
    await user.selectOptions(await screen.findByRole("combobox", { name: "Mobile" }), "ignore");
    expect(api.importRemap).toHaveBeenCalledWith(7, ["fullName", "email", "ignore"]);
    await waitFor(() => expect(screen.getByTestId("import-counts")).toHaveAttribute("data-valid", "2"));
  });

  it("says when a file cannot be read", async () => {
    api.importPreview.mockRejectedValue({ code: "validation", message: "The file is empty: it has no header row", details: null });
    const { user } = renderDialog();
    await chooseFile(user, "");
    expect(await screen.findByRole("alert")).toHaveTextContent("The file is empty");
    expect(screen.getByTestId("import-file")).toBeEnabled();
  });

  it("previews the rows with their problems, imports with progress and sums up", async () => {
    const answer = deferred<ImportSummary>();
    let report: (p: ImportProgress) => void = () => undefined;
    api.importStart.mockImplementation((_id, _mapping, _options, onProgress) => {
      report = onProgress;
      return answer.promise;
    });
    api.importShowReport.mockResolvedValue("/data/imports/clients-failures.csv");
    const { user } = renderDialog();
    await chooseFile(user);
    await user.click(await screen.findByTestId("import-next"));

    const rows = screen.getAllByTestId("import-row");
    expect(rows).toHaveLength(2);
    expect(rows[1]).toHaveAttribute("data-valid", "false");
    expect(within(rows[1]!).getByTestId("import-row-problems")).toHaveTextContent("Email is not a valid email address");

    await user.click(screen.getByRole("checkbox", { name: "Show only rows with problems" }));
    expect(screen.getAllByTestId("import-row")).toHaveLength(1);

    await user.click(screen.getByRole("checkbox", { name: "Add a follow-up task" }));
    await user.clear(screen.getByRole("textbox", { name: "Due in (days)" }));
    await user.type(screen.getByRole("textbox", { name: "Due in (days)" }), "2");
    await user.click(screen.getByTestId("import-start"));
    expect(api.importStart).toHaveBeenCalledWith(
      7,
      ["fullName", "email", "phone"],
      { tags: ["houzz-pro"], followUp: { title: "Follow up on Houzz Pro client", dueInDays: 2 } },
      expect.any(Function),
    );

    const bar = await screen.findByRole("progressbar");
    act(() => report({ total: 2, done: 1, created: 1, updated: 0, skipped: 0, failed: 0 }));
    expect(bar).toHaveAttribute("aria-valuenow", "1");
    expect(bar).toHaveAttribute("aria-valuemax", "2");

    await act(async () => answer.resolve(summary()));
    const done = await screen.findByTestId("import-summary");
    expect(done).toHaveAttribute("data-created", "1");
    expect(done).toHaveAttribute("data-failed", "1");
    await user.click(screen.getByTestId("import-show-report"));
    expect(api.importShowReport).toHaveBeenCalledWith(7);
    expect(await screen.findByTestId("import-report-path")).toHaveTextContent("clients-failures.csv");
  });

  it("refuses a follow-up task without a title or with a bad number of days", async () => {
    const { user } = renderDialog();
    await chooseFile(user);
    await user.click(await screen.findByTestId("import-next"));
    await user.click(screen.getByRole("checkbox", { name: "Add a follow-up task" }));
    await user.clear(screen.getByRole("textbox", { name: "Due in (days)" }));
    await user.type(screen.getByRole("textbox", { name: "Due in (days)" }), "soon");
    await user.click(screen.getByTestId("import-start"));
    expect(screen.getByText("Enter a number of days from 0 to 365")).toBeInTheDocument();
    expect(api.importStart).not.toHaveBeenCalled();
  });

  it("cancels a running import, also with Esc, and shows what was done", async () => {
    const answer = deferred<ImportSummary>();
    api.importStart.mockReturnValue(answer.promise);
    api.importCancel.mockResolvedValue(null);
    const { user, onClose } = renderDialog();
    await chooseFile(user);
    await user.click(await screen.findByTestId("import-next"));
    await user.click(screen.getByTestId("import-start"));
    await user.keyboard("{Escape}");
    expect(api.importCancel).toHaveBeenCalledWith(7);
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.getByTestId("import-cancel")).toBeDisabled();

    await act(async () =>
      answer.resolve(
        summary({
          counts: { total: 2, done: 1, created: 1, updated: 0, skipped: 0, failed: 0 },
          notDone: 1,
          stopped: "cancelled",
          reportRows: 0,
        }),
      ),
    );
    expect(await screen.findByTestId("import-summary")).toHaveTextContent("Import stopped: 1 rows were not imported.");
    expect(screen.queryByTestId("import-show-report")).not.toBeInTheDocument();
  });

  it("has no accessibility violations on the mapping and preview steps", async () => {
    // axe probes for icon ligatures with a canvas, which jsdom lacks.
    HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;
    const check = async () => {
      const { violations } = await axe.run(screen.getByTestId("import-dialog"), {
        resultTypes: ["violations"],
        // Contrast needs real layout (a browser).
        rules: { "color-contrast": { enabled: false } },
      });
      expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html.slice(0, 120)).join(" | ")}`)).toEqual([]);
    };
    const { user } = renderDialog();
    await chooseFile(user);
    await screen.findByTestId("import-mapping");
    await check();
    await user.click(screen.getByTestId("import-next"));
    await screen.findByTestId("import-rows");
    await check();
  });

  it("says when GoHighLevel cannot be reached", async () => {
    api.importStart.mockResolvedValue(
      summary({
        counts: { total: 2, done: 0, created: 0, updated: 0, skipped: 0, failed: 0 },
        notDone: 2,
        stopped: "unreachable",
        stopMessage: "GoHighLevel cannot be reached, so the import stopped.",
        reportRows: 0,
      }),
    );
    const { user } = renderDialog();
    await chooseFile(user);
    await user.click(await screen.findByTestId("import-next"));
    await user.click(screen.getByTestId("import-start"));
    expect(await screen.findByTestId("import-summary")).toHaveTextContent("GoHighLevel can’t be reached");
  });
});

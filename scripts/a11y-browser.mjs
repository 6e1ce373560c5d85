#!/usr/bin/env -S node --experimental-websocket
// axe-core in a real browser: the checks jsdom cannot make (colour contrast above all)
// on the main screens of the fake-backend UI, in the light and the dark theme.
//
//   (cd ui && npm run preview:fake) &      # serves http://localhost:4173/
//   node --experimental-websocket scripts/a11y-browser.mjs [url]
//
// Drives headless Chromium over the DevTools protocol (no extra npm package): for each
// colour scheme it opens the app, then a contact, then Settings and each of its tabs,
// and runs axe on every screen. Exits 1 listing the violations, if any.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const url = process.argv[2] ?? "http://localhost:4173/";
const axeSource = readFileSync(join(root, "ui/node_modules/axe-core/axe.min.js"), "utf8");
const profile = mkdtempSync(join(tmpdir(), "a11y-browser-"));

const chromium = spawn(
  "chromium",
  [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--remote-debugging-port=0",
    `--user-data-dir=${profile}`,
    "--window-size=1280,800",
    "about:blank",
  ],
  { stdio: ["ignore", "ignore", "pipe"] },
);

function devtoolsPort() {
  return new Promise((resolve, reject) => {
    let seen = "";
    chromium.stderr.on("data", (chunk) => {
      seen += chunk;
      const match = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(seen);
      if (match) resolve(Number(match[1]));
    });
    chromium.on("exit", (code) => reject(new Error(`chromium exited (${code}) before listening:\n${seen}`)));
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function connect(port) {
  const pages = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const page = pages.find((p) => p.type === "page");
  const socket = new WebSocket(page.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  let nextId = 0;
  const waiting = new Map();
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    const pending = waiting.get(message.id);
    if (!pending) return;
    waiting.delete(message.id);
    if (message.error) pending.reject(new Error(JSON.stringify(message.error)));
    else pending.resolve(message.result);
  };
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      nextId += 1;
      waiting.set(nextId, { resolve, reject });
      socket.send(JSON.stringify({ id: nextId, method, params }));
    });
  return { send, close: () => socket.close() };
}

async function evaluate(cdp, expression) {
  const { result, exceptionDetails } = await cdp.send("Runtime.evaluate", {
    expression,
    awaitPromise: true,
    returnByValue: true,
  });
  if (exceptionDetails) throw new Error(`${expression.slice(0, 80)}: ${exceptionDetails.exception?.description}`);
  return result.value;
}

/** Waits until `selector` matches (the fake backend answers after a short delay). */
async function waitFor(cdp, selector) {
  for (let i = 0; i < 100; i += 1) {
    if (await evaluate(cdp, `!!document.querySelector(${JSON.stringify(selector)})`)) return;
    await sleep(100);
  }
  throw new Error(`${selector} never appeared`);
}

async function click(cdp, selector) {
  await waitFor(cdp, selector);
  await evaluate(cdp, `document.querySelector(${JSON.stringify(selector)}).click()`);
}

async function axe(cdp) {
  await sleep(600); // let transitions and late answers settle
  return evaluate(
    cdp,
    `axe.run(document, { resultTypes: ["violations"] }).then((r) =>
       r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ") + ": " + (n.failureSummary ?? "").split("\\n").slice(-1)[0]) })))`,
  );
}

const screens = [
  ["contact list", async () => {}],
  [
    "outbox",
    async (cdp) => {
      await click(cdp, "[data-testid=outbox-button]");
      await waitFor(cdp, "[data-testid=outbox-item]");
    },
  ],
  ["contact", (cdp) => click(cdp, "[aria-label=Close]").then(() => click(cdp, "[data-testid=contact-row]"))],
  ...["highlevel", "hcp", "sync", "general"].map((tab) => [
    `settings: ${tab}`,
    async (cdp) => {
      if (!(await evaluate(cdp, `!!document.querySelector("[data-testid=settings-dialog]")`))) {
        await click(cdp, "[data-testid=oauth-settings-button]");
      }
      await click(cdp, `[data-testid=settings-tab-${tab}]`);
      await waitFor(cdp, "[data-testid=settings-dialog] form");
    },
  ]),
];

let failures = 0;
function report(scheme, name, violations) {
  console.log(`${violations.length === 0 ? "ok  " : "FAIL"} ${scheme}: ${name}`);
  for (const v of violations) {
    failures += 1;
    console.log(`     ${v.id}: ${v.help}\n       ${v.nodes.join("\n       ")}`);
  }
}

try {
  const cdp = await connect(await devtoolsPort());
  for (const scheme of ["light", "dark"]) {
    await cdp.send("Emulation.setEmulatedMedia", { features: [{ name: "prefers-color-scheme", value: scheme }] });
    const page = new URL(url);
    page.searchParams.set("signedout", "");
    await cdp.send("Page.navigate", { url: page.href });
    await sleep(500);
    await waitFor(cdp, "[data-testid=sign-in-screen]");
    await evaluate(cdp, axeSource);
    report(scheme, "sign-in", await axe(cdp));

    page.searchParams.delete("signedout");
    page.searchParams.set("outbox", "demo"); // a conflict, a refusal and a waiting edit
    await cdp.send("Page.navigate", { url: page.href });
    await sleep(500);
    await waitFor(cdp, "[data-testid=contact-row]");
    await evaluate(cdp, axeSource);
    for (const [name, open] of screens) {
      await open(cdp);
      report(scheme, name, await axe(cdp));
    }
  }
  cdp.close();
} finally {
  const exited = new Promise((resolve) => chromium.once("exit", resolve));
  chromium.kill();
  await exited;
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failures === 0 ? 0 : 1);

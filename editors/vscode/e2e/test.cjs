// Drives code-server in chromium and asserts, from the page only, what a user of the viewls
// extension sees. run.sh prepares the workspace and code-server; this script only uses the UI.
//
// Environment: VIEWLS_E2E_URL (the workbench with ?folder=), VIEWLS_E2E_ARTIFACTS (screenshots).
"use strict";

const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");

const url = requireEnv("VIEWLS_E2E_URL");
const artifacts = requireEnv("VIEWLS_E2E_ARTIFACTS");

// The seeded error (see run.sh): `emial` on line 5, column 5 of views/broken_view.sql.
const BROKEN_FILE = "broken_view.sql";
const BAD_TOKEN = "emial";
const FIX = "email";
const BAD_LINE = 5;
const BAD_COLUMN = 5;
const BAD_CODE = "unknown-column";
// The seeded spec row (see run.sh): `contry` inside the select value "upper(contry)" of
// specs/seeded.toml, line 6, column 55; its row generates the view users_spec.
const SPEC_FILE = "seeded.toml";
const SPEC_VIEW = "users_spec";
const SPEC_TOKEN = "contry";
const SPEC_FIX = "country";
const SPEC_LINE = 6;
const SPEC_COLUMN = 55;

// Generous: two shared cores run the workbench, the extension host, the server and chromium.
const SLOW = +(process.env.VIEWLS_E2E_SLOW || 180_000);
const NORMAL = 60_000;

function requireEnv(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`test.cjs: ${name} is not set; run this test through run.sh`);
    process.exit(2);
  }
  return value;
}

function log(message) {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}

let page;
let stepNumber = 0;

/** Runs one numbered step and screenshots the page after it, passed or failed. */
async function step(name, body) {
  stepNumber += 1;
  const label = `${String(stepNumber).padStart(2, "0")}-${name}`;
  const started = Date.now();
  log(`step ${label} ...`);
  try {
    await body();
  } catch (error) {
    await screenshot(`${label}-FAILED`);
    throw new Error(`step ${label} failed: ${error.message}`);
  }
  await screenshot(label);
  log(`step ${label} passed in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

async function screenshot(label) {
  try {
    await page.screenshot({ path: path.join(artifacts, `${label}.png`) });
  } catch (error) {
    log(`(no screenshot ${label}: ${error.message})`);
  }
}

/** An error that ends a wait at once: the page shows a state that will not get better. */
class Hopeless extends Error {}

/** Polls `probe` until it returns a truthy value; fails with `describe()` of the last state. */
async function waitFor(what, probe, timeout, describe) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (last) return last;
    } catch (error) {
      if (error instanceof Hopeless) throw error;
      last = error;
    }
    if (Date.now() > deadline) {
      const state = describe ? await describe().catch((e) => `(unavailable: ${e.message})`) : last;
      throw new Error(`timed out after ${timeout / 1000}s waiting for ${what}; last seen: ${JSON.stringify(state)}`);
    }
    await page.waitForTimeout(500);
  }
}

// ---- workbench helpers ------------------------------------------------------------------------

const statusBar = () => page.locator("#workbench\\.parts\\.statusbar");

async function statusTexts() {
  return statusBar().locator(".statusbar-item").allInnerTexts();
}

/** Opens the quick input (F1) in command mode, or in file mode when `files` is set. */
async function openQuickInput(files) {
  await page.keyboard.press("Escape");
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input.input");
  await input.waitFor({ state: "visible", timeout: NORMAL });
  if (files) await input.fill("");
  return input;
}

/**
 * Runs a command from the palette by its label. On a fresh profile an extension's commands
 * appear only once it has activated, so a missing entry is retried until the deadline.
 */
async function runCommand(label) {
  await waitFor(`the command "${label}" in the palette`, async () => {
    const input = await openQuickInput(false);
    await input.fill(`>${label}`);
    const entry = page.locator(".quick-input-list .monaco-list-row", { hasText: label }).first();
    try {
      await entry.waitFor({ state: "visible", timeout: 5_000 });
    } catch {
      await page.keyboard.press("Escape");
      return false;
    }
    await entry.click();
    return true;
  }, NORMAL);
}

/** Opens a workspace file through Quick Open, and waits until its editor tab is active. */
async function openFile(name) {
  const input = await openQuickInput(true);
  await input.fill(name);
  const entry = page.locator(".quick-input-list .monaco-list-row", { hasText: name }).first();
  await entry.waitFor({ state: "visible", timeout: NORMAL });
  await entry.click();
  await page.locator(".tab.active", { hasText: name }).waitFor({ state: "visible", timeout: NORMAL });
  await page.locator(".editor-group-container .monaco-editor .view-lines").first().waitFor({ timeout: NORMAL });
}

/** The centre of the first occurrence of `word` in the visible text of the active editor. */
async function wordCentre(word) {
  const box = await page.evaluate((word) => {
    for (const line of document.querySelectorAll(".editor-group-container .monaco-editor .view-line")) {
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      // Monaco splits a line into token spans; join them to find words that span several.
      const nodes = [];
      let text = "";
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        nodes.push({ node, start: text.length });
        text += node.data;
      }
      const at = text.search(new RegExp(`\\b${word}\\b`));
      if (at < 0) continue;
      const range = document.createRange();
      const locate = (offset) => {
        const hit = nodes.filter((n) => n.start <= offset).pop();
        return [hit.node, offset - hit.start];
      };
      range.setStart(...locate(at));
      range.setEnd(...locate(at + word.length - 1));
      const rect = range.getBoundingClientRect();
      return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
    }
    return null;
  }, word);
  if (!box) throw new Error(`"${word}" is not visible in the active editor`);
  return box;
}

/** Shows the Problems panel and returns the texts of its marker rows. */
async function problemRows() {
  const panel = page.locator(".markers-panel");
  if (!(await panel.isVisible())) await runCommand("View: Focus Problems");
  await panel.waitFor({ state: "visible", timeout: NORMAL });
  return panel.locator(".monaco-list-row").evaluateAll((rows) =>
    rows.map((row) => `${row.getAttribute("aria-label") || ""} | ${row.innerText.replace(/\s+/g, " ")}`));
}

/** The Problems panel's row of the `code` problem naming `token`, checked to be listed under
 * `file` at `line`:`column` (1-based, as the panel shows them). */
async function problemAt(file, code, token, line, column) {
  const matches = (text) => text.includes(code) && text.includes(token);
  const rows = await waitFor(`the ${code} error on "${token}" in the Problems panel`, async () => {
    const rows = await problemRows();
    return rows.some(matches) && rows;
  }, SLOW, problemRows);
  const at = rows.findIndex(matches);
  const row = rows[at];
  // The panel is a tree: the file's row comes before its problems' rows.
  const parent = rows.slice(0, at).reverse().find((text) => !text.includes("[Ln "));
  if (!parent || !parent.includes(file)) throw new Error(`the problem is not listed under ${file}: ${rows.join(" / ")}`);
  // The panel's marker row reads "... viewls(unknown-column) [Ln 5, Col 5]".
  if (!row.includes(`[Ln ${line}, Col ${column}]`)) throw new Error(`the problem is not at line ${line}, column ${column}: ${row}`);
  return row;
}

/** Replaces the first visible `word` of the active editor by `fix`, typed as a user would. */
async function typeOver(word, fix) {
  const bad = await wordCentre(word);
  await page.mouse.dblclick(bad.x, bad.y); // selects the word
  await page.keyboard.type(fix);
  await page.keyboard.press("Escape"); // closes the completion list that typing opened
  await waitFor(`"${fix}" to appear in the editor`, async () => {
    try { return await wordCentre(fix); } catch { return null; }
  }, NORMAL);
}

/** Saves the active editor and waits until its tab is clean. */
async function save() {
  await page.keyboard.press("Control+S");
  await page.locator(".tab.active.dirty").waitFor({ state: "detached", timeout: NORMAL });
}

/** The text of the hover shown over the first visible `word` of the active editor. */
async function hoverText(word) {
  await page.keyboard.press("Escape");
  const target = await wordCentre(word);
  const hover = page.locator(".monaco-hover:visible").first();
  return waitFor(`a hover over ${word}`, async () => {
    await page.mouse.move(target.x, target.y - 30);
    await page.mouse.move(target.x, target.y, { steps: 5 });
    await hover.waitFor({ state: "visible", timeout: 5_000 });
    return hover.innerText();
  }, NORMAL);
}

/** Throws unless `text` (a hover) lists each [column, type] pair of a derived schema. */
function expectSchema(what, text, columns) {
  for (const [column, type] of columns) {
    if (!new RegExp(`\\b${column}\\s+${type}\\b`).test(text)) {
      throw new Error(`${what} does not show the column ${column} with type ${type}: ${text}`);
    }
  }
}

/** The status item once it says `pattern` (the project's state after an edit). */
async function statusSays(what, pattern) {
  return waitFor(`the status item to say ${what}`, async () =>
    (await statusTexts()).find((text) => pattern.test(text.trim())), SLOW, statusTexts);
}

/** The first frame (webviews are iframes in iframes) that has an element matching `selector`. */
async function frameWith(selector) {
  for (const frame of page.frames()) {
    if (await frame.locator(selector).count().catch(() => 0)) return frame;
  }
  return null;
}

// ---- the test -----------------------------------------------------------------------------------

async function main() {
  fs.mkdirSync(artifacts, { recursive: true });
  const browser = await chromium.launch({ executablePath: process.env.VIEWLS_E2E_CHROMIUM || "/usr/bin/chromium" });
  try {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    page = await context.newPage();
    const console_ = fs.createWriteStream(path.join(artifacts, "browser-console.log"));
    page.on("console", (message) => console_.write(`${message.type()}: ${message.text()}\n`));
    page.on("pageerror", (error) => console_.write(`pageerror: ${error.message}\n`));

    await step("workbench", async () => {
      await page.goto(url, { timeout: NORMAL });
      await page.locator(".monaco-workbench").waitFor({ timeout: SLOW });
      await statusBar().waitFor({ timeout: SLOW });
      // The explorer shows the project: the folder was opened.
      await page.locator(".explorer-folders-view .monaco-list-row", { hasText: "viewls.toml" })
        .waitFor({ timeout: SLOW });
    });

    await step("status-ready", async () => {
      // "viewls: shop ready · 2 errors": the server analysed the project and found the seeded
      // errors, the SQL view's and the spec row's.
      const ready = await waitFor("the viewls status item to say ready", async () => {
        const texts = await statusTexts();
        const failed = texts.find((text) => /viewls: .*failed/.test(text));
        if (failed) throw new Hopeless(`the status item says "${failed.trim()}"; see the viewls log in vscode-logs/`);
        return texts.find((text) => /viewls: .*ready/.test(text));
      }, SLOW, statusTexts);
      if (!/shop ready · 2 errors\b/.test(ready)) throw new Error(`status item says "${ready}", expected "shop ready · 2 errors"`);
      log(`status: ${ready}`);
    });

    await step("problem-listed", async () => {
      log(`problem: ${await problemAt(BROKEN_FILE, BAD_CODE, BAD_TOKEN, BAD_LINE, BAD_COLUMN)}`);
    });

    await step("fix-typed", async () => {
      await openFile(BROKEN_FILE);
      await typeOver(BAD_TOKEN, FIX);
      await waitFor(`the ${BAD_CODE} error on ${BAD_TOKEN} to leave the Problems panel`, async () =>
        !(await problemRows()).some((text) => text.includes(BAD_CODE) && text.includes(BAD_TOKEN)), SLOW, problemRows);
      // The spec row's error remains until its own step.
      await statusSays("ready with the spec row's error only", /viewls: shop ready · 1 error$/);
      // Saved, so that preview (which refuses unsaved buffers) runs on the fixed view.
      await save();
    });

    await step("hover-schema", async () => {
      const text = await hoverText("users_clean");
      // users_clean's derived schema: its columns and their types.
      expectSchema("the hover over users_clean", text, [["user_id", "int64"], ["email", "string"], ["signup_date", "date32"]]);
      log(`hover: ${text.replace(/\s+/g, " ").slice(0, 200)}`);
    });

    await step("graph-webview", async () => {
      await page.keyboard.press("Escape");
      await runCommand("viewls: Show Dependency Graph");
      const frame = await waitFor("graph nodes in a webview", () => frameWith("g.node[data-name]"), SLOW);
      const names = await frame.locator("g.node[data-name]").evaluateAll((nodes) => nodes.map((n) => n.dataset.name));
      // The neighbourhood of broken_view: itself, the view it reads and that view's extract.
      for (const expected of ["broken_view", "users_clean", "users"]) {
        if (!names.includes(expected)) throw new Error(`the graph lacks the node ${expected}: ${names.join(", ")}`);
      }
      log(`graph nodes: ${names.join(", ")}`);
    });

    await step("preview-webview", async () => {
      await openFile(BROKEN_FILE);
      await runCommand("viewls: Preview View");
      const frame = await waitFor("preview rows in a webview", () => frameWith("table#preview tbody tr"), SLOW);
      const table = frame.locator("table#preview");
      const header = await table.locator("thead").innerText();
      const rows = await table.locator("tbody tr").count();
      for (const expected of ["user_id", "country", "email"]) {
        if (!header.includes(expected)) throw new Error(`the preview lacks the column ${expected}: ${header}`);
      }
      if (rows < 1) throw new Error("the preview shows no rows");
      log(`preview: ${rows} rows; header ${header.replace(/\s+/g, " ")}`);
    });

    // A dataset spec file: its rows are views the server checks as they are typed, with
    // problems inside the TOML strings that produced them.
    await step("spec-problem", async () => {
      // The whole width for the spec's long line: the webviews beside would hide its end.
      await runCommand("View: Close All Editors");
      await openFile(SPEC_FILE);
      const row = await problemAt(SPEC_FILE, BAD_CODE, SPEC_TOKEN, SPEC_LINE, SPEC_COLUMN);
      if (!row.includes(SPEC_VIEW)) throw new Error(`the problem does not name the generated view ${SPEC_VIEW}: ${row}`);
      log(`spec problem: ${row}`);
    });

    await step("spec-fix-typed", async () => {
      await typeOver(SPEC_TOKEN, SPEC_FIX);
      await waitFor(`the ${BAD_CODE} error to leave the Problems panel`, async () =>
        !(await problemRows()).some((text) => text.includes(BAD_CODE)), SLOW, problemRows);
      await statusSays("ready without errors", /viewls: shop ready$/);
      await save();
    });

    await step("spec-hover-schema", async () => {
      // On the row's name: the schema derived from the row.
      const text = await hoverText(SPEC_VIEW);
      expectSchema(`the hover over ${SPEC_VIEW}`, text, [["user_id", "int64"], ["country_code", "string"]]);
      log(`spec hover: ${text.replace(/\s+/g, " ").slice(0, 200)}`);
    });

    await step("graph-opens-spec-row", async () => {
      // The generated view's node opens its spec file at the row (the cursor is on line 6 now).
      await runCommand("viewls: Show Project Graph");
      const node = `g.node[data-name="${SPEC_VIEW}"]`;
      const frame = await waitFor(`the node ${SPEC_VIEW} in the graph webview`, () => frameWith(node), SLOW);
      await frame.locator(node).click();
      const cursor = page.locator("#workbench\\.parts\\.statusbar .statusbar-item", { hasText: /^Ln \d+, Col \d+/ });
      const at = await waitFor(`the cursor on the row of ${SPEC_VIEW} (line 4)`, async () =>
        (await page.locator(".tab.active", { hasText: SPEC_FILE }).count()) &&
        (await cursor.allInnerTexts()).find((text) => text.startsWith("Ln 4,")), NORMAL, () => cursor.allInnerTexts());
      log(`graph node opened ${SPEC_FILE} at ${at}`);
    });

    await step("spec-preview", async () => {
      // With the cursor on the row (the previous step put it there), the view commands act on
      // the row's view.
      await runCommand("viewls: Preview View");
      const frame = await waitFor(`preview rows of ${SPEC_VIEW} in a webview`, async () => {
        const found = await frameWith("table#preview tbody tr");
        return found && (await found.locator("table#preview thead").innerText()).includes("country_code") && found;
      }, SLOW);
      const rows = await frame.locator("table#preview tbody tr").count();
      if (!(await page.locator(".tab", { hasText: `viewls preview: ${SPEC_VIEW}` }).count())) {
        throw new Error(`no tab "viewls preview: ${SPEC_VIEW}"`);
      }
      log(`spec preview: ${rows} rows of ${SPEC_VIEW}`);
    });
  } finally {
    await browser.close();
  }
}

main().then(
  () => log(`all ${stepNumber} steps passed`),
  (error) => {
    console.error(`FAILED: ${error.message}`);
    process.exitCode = 1;
  },
);

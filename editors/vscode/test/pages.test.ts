import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { escapeHtml, makeNonce } from "../src/html";
import { runSummary, unsavedFiles } from "../src/messages";
import { graphPageHtml, previewPageHtml } from "../src/webviewPages";

test("pages have a strict CSP: only their own nonce-tagged script and style", () => {
  const nonce = makeNonce(randomBytes);
  assert.match(nonce, /^[A-Za-z0-9+/]{22}==$/);
  for (const html of [graphPageHtml({ title: "viewls graph: a", toggle: "Whole project", svg: "<svg></svg>" }, nonce),
    previewPageHtml({ title: "viewls preview: a", limit: 20, table: "" }, nonce)]) {
    const csp = /content="(default-src 'none';[^"]*)"/.exec(html)?.[1] ?? "";
    assert.match(csp, new RegExp(`script-src 'nonce-${nonce.replace(/[+/]/g, "\\$&")}'`));
    assert.doesNotMatch(csp, /unsafe|https?:/);
    const scripts = [...html.matchAll(/<script([^>]*)>/g)];
    assert.equal(scripts.length, 1);
    assert.equal(scripts[0][1], ` nonce="${nonce}"`);
    assert.doesNotMatch(html, /\son[a-z]+=/, "no inline event handlers");
    assert.doesNotMatch(html, /src="http/);
  }
});

test("the graph page has its hooks", () => {
  const html = graphPageHtml({ title: "viewls graph: <x>", toggle: "Whole project", svg: '<svg id="graph"></svg>', error: "bad & worse" }, "n");
  assert.match(html, /<h1 id="title">viewls graph: &lt;x&gt;<\/h1>/);
  assert.match(html, /<button id="toggle">Whole project<\/button>/);
  assert.match(html, /<div id="error">bad &amp; worse<\/div>/);
  assert.match(html, /<div id="canvas"><svg id="graph"><\/svg><\/div>/);
});

test("the preview page has its hooks", () => {
  const html = previewPageHtml({ title: "viewls preview: v", limit: 50, table: '<table id="preview"></table>' }, "n");
  assert.match(html, /<button id="refresh">Refresh<\/button>/);
  assert.match(html, /<input id="limit" type="number" min="0" step="1" value="50">/);
  assert.match(html, /<div id="content"><table id="preview"><\/table><\/div>/);
});

test("escapeHtml", () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
});

test("run summaries", () => {
  const ok = runSummary({ views: [{ name: "a", status: "built", rows: 10, seconds: 0.5, message: null }],
    summary: { built: 1, up_to_date: 14, failed: 0, skipped: 0, cancelled: 0, seconds: 1.234 } });
  assert.deepEqual(ok, { text: "1 built, 14 up to date in 1.2 s", failed: false, details: ["a: built, 10 rows, 0.50 s"] });
  const bad = runSummary({ views: [{ name: "b", status: "failed", rows: null, seconds: 0.1, message: "division by zero" }, { name: "c", status: "skipped" }],
    summary: { built: 0, up_to_date: 0, failed: 1, skipped: 1, cancelled: 0, seconds: 0.2 } });
  assert.equal(bad.text, "0 built, 0 up to date, 1 failed, 1 skipped in 0.2 s. b: division by zero");
  assert.equal(bad.failed, true);
  assert.equal(runSummary(null).text, "materialize finished without a summary");
});

test("the server's refusal for unsaved buffers names the files", () => {
  assert.deepEqual(unsavedFiles("save a.sql, b.sql first: runs use the files on disk"), ["a.sql", "b.sql"]);
  assert.equal(unsavedFiles("nothing was run; these views have errors: x.sql:1: bad"), undefined);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { cellHtml, parsePreview, previewTableHtml } from "../src/previewModel";

const result = parsePreview({
  view: "people",
  columns: [{ name: "id", type: "Int64" }, { name: "name<x>", type: "Utf8" }, { name: "tags", type: "List(Utf8)" }, { name: "ok", type: "Boolean" }],
  rows: [[1, "<b>Ann</b> & co", ["a", "b"], true], [2, null, null, false], [3, "NULL", [], null]],
});

test("header cells carry the column name and type, escaped", () => {
  const html = previewTableHtml(result, 20);
  assert.match(html, /<table id="preview">/);
  assert.match(html, /<th scope="col"><span class="column">name&lt;x&gt;<\/span><span class="type">Utf8<\/span><\/th>/);
  assert.match(html, /<span class="type">List\(Utf8\)<\/span>/);
});

test("NULL is a distinct cell; the string 'NULL' is not", () => {
  const html = previewTableHtml(result, 20);
  assert.equal((html.match(/<td class="null">NULL<\/td>/g) ?? []).length, 3);
  assert.match(html, /<tr><td class="number">3<\/td><td>NULL<\/td>/);
});

test("values are escaped; nested values are JSON; numbers and booleans marked", () => {
  assert.equal(cellHtml("<b>Ann</b> & co"), "<td>&lt;b&gt;Ann&lt;/b&gt; &amp; co</td>");
  assert.equal(cellHtml(["a", "<"]), '<td class="nested">[&quot;a&quot;,&quot;&lt;&quot;]</td>');
  assert.equal(cellHtml({ k: 1 }), '<td class="nested">{&quot;k&quot;:1}</td>');
  assert.equal(cellHtml(1.5), '<td class="number">1.5</td>');
  assert.equal(cellHtml(false), '<td class="boolean">false</td>');
  assert.equal(cellHtml(undefined), '<td class="null">NULL</td>');
});

test("row count and limit", () => {
  assert.match(previewTableHtml(result, 20), /<p id="summary" data-rows="3" data-limit="20">3 rows \(limit 20\)<\/p>/);
  assert.match(previewTableHtml(result, 3), />first 3 rows \(limit 3\)</);
  const one = parsePreview({ view: "v", columns: [{ name: "a", type: "Int64" }], rows: [[1]] });
  assert.match(previewTableHtml(one, 5), />1 row \(limit 5\)</);
  assert.equal((previewTableHtml(result, 20).match(/<tr>/g) ?? []).length, 4);  // header + 3 rows
});

test("short rows are padded with NULL cells, never shifted", () => {
  const short = parsePreview({ view: "v", columns: [{ name: "a", type: "Int64" }, { name: "b", type: "Int64" }], rows: [[1]] });
  assert.match(previewTableHtml(short, 5), /<tr><td class="number">1<\/td><td class="null">NULL<\/td><\/tr>/);
});

test("a malformed answer is a clear error", () => {
  assert.throws(() => parsePreview({ rows: [] }), /no columns or rows/);
  assert.throws(() => parsePreview({ columns: [{ name: 1 }], rows: [] }), /bad column/);
  assert.throws(() => parsePreview({ columns: [], rows: [{}] }), /not a list/);
});

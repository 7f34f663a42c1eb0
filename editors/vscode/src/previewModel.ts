// The rows of `viewls.preview` as an HTML table. Pure (no `vscode`).
import { escapeHtml } from "./html";

export interface PreviewResult {
  view: string;
  columns: { name: string; type: string }[];
  rows: unknown[][];
}

/** The server's answer, checked. */
export function parsePreview(value: unknown): PreviewResult {
  const v = value as Record<string, unknown> | null;
  if (typeof v !== "object" || v === null || !Array.isArray(v.columns) || !Array.isArray(v.rows)) {
    throw new Error("viewls.preview returned an unexpected result (no columns or rows)");
  }
  const columns = (v.columns as unknown[]).map((c) => {
    const column = c as Record<string, unknown>;
    if (typeof column?.name !== "string" || typeof column.type !== "string") {
      throw new Error(`viewls.preview returned a bad column: ${JSON.stringify(c)}`);
    }
    return { name: column.name, type: column.type };
  });
  const rows = (v.rows as unknown[]).map((r) => {
    if (!Array.isArray(r)) throw new Error(`viewls.preview returned a row that is not a list: ${JSON.stringify(r)}`);
    return r as unknown[];
  });
  return { view: typeof v.view === "string" ? v.view : "", columns, rows };
}

/** One value as a table cell: NULL distinct from the string "NULL", numbers right-aligned,
 * nested values (lists, structs, maps) as JSON. */
export function cellHtml(value: unknown): string {
  if (value === null || value === undefined) return `<td class="null">NULL</td>`;
  if (typeof value === "number" || typeof value === "bigint") return `<td class="number">${escapeHtml(String(value))}</td>`;
  if (typeof value === "boolean") return `<td class="boolean">${value}</td>`;
  if (typeof value === "string") return `<td>${escapeHtml(value)}</td>`;
  return `<td class="nested">${escapeHtml(JSON.stringify(value))}</td>`;
}

/** The summary line and `<table id="preview">` for a result fetched with `limit`. */
export function previewTableHtml(result: PreviewResult, limit: number): string {
  const count = result.rows.length;
  const summary = count >= limit && limit > 0
    ? `first ${count} ${count === 1 ? "row" : "rows"} (limit ${limit})`
    : `${count} ${count === 1 ? "row" : "rows"} (limit ${limit})`;
  const header = result.columns.map((c) =>
    `<th scope="col"><span class="column">${escapeHtml(c.name)}</span><span class="type">${escapeHtml(c.type)}</span></th>`).join("");
  const body = result.rows.map((row) => `<tr>${result.columns.map((_, i) => cellHtml(row[i])).join("")}</tr>`).join("\n");
  return `<p id="summary" data-rows="${count}" data-limit="${limit}">${summary}</p>\n` +
    `<table id="preview"><thead><tr>${header}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}

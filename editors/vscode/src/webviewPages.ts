// The two webview pages. Each page's script only relays clicks to the extension and swaps in
// the markup the extension renders (`{type: "render", ...}` messages), so all logic stays in
// tested modules. Pure (no `vscode`).
import { escapeHtml, pageHtml } from "./html";

const BASE_STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 12px 12px; }
.toolbar { position: sticky; top: 0; display: flex; gap: 12px; align-items: center; padding: 8px 0; background: var(--vscode-editor-background); z-index: 1; flex-wrap: wrap; }
.toolbar h1 { font-size: 1.1em; margin: 0; font-weight: 600; }
button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 4px 10px; cursor: pointer; }
button:hover { background: var(--vscode-button-hoverBackground); }
#error { color: var(--vscode-errorForeground); white-space: pre-wrap; }
#error:empty { display: none; }
.busy { opacity: 0.6; }
`;

/** Messages the pages post to the extension. */
export type GraphMessage = { type: "open"; name: string } | { type: "toggle" } | { type: "ready" };
export type PreviewMessage = { type: "refresh"; limit: number } | { type: "ready" };

export interface GraphPageState {
  title: string;
  /** The toggle's label: what a click switches to. */
  toggle: string;
  svg: string;
  error?: string;
}

const GRAPH_STYLE = BASE_STYLE + `
#canvas { overflow: auto; }
.zoom { display: flex; gap: 4px; align-items: center; }
#zoom { min-width: 3.5em; text-align: center; font-variant-numeric: tabular-nums; }
.legend { display: flex; gap: 10px; font-size: 0.9em; opacity: 0.9; }
.legend span::before { content: ""; display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 4px; vertical-align: -1px; background: currentColor; }
.legend .view { color: var(--vscode-charts-blue); }
.legend .extract { color: var(--vscode-charts-green); }
.legend .broken { color: var(--vscode-errorForeground); }
svg text { font-family: var(--vscode-editor-font-family, monospace); font-size: 13px; fill: var(--vscode-foreground); }
.edge { fill: none; stroke: var(--vscode-descriptionForeground); stroke-width: 1.3; }
marker path { fill: var(--vscode-descriptionForeground); }
.node { cursor: pointer; outline: none; }
.node rect { fill: var(--vscode-editorWidget-background, var(--vscode-editor-background)); stroke-width: 1.5; }
.node.view rect { stroke: var(--vscode-charts-blue); }
.node.view .marker { fill: var(--vscode-charts-blue); }
.node.extract rect { stroke: var(--vscode-charts-green); stroke-dasharray: 4 2; }
.node.extract .marker { fill: var(--vscode-charts-green); }
.node.broken rect { stroke: var(--vscode-errorForeground); }
.node.broken .marker { fill: var(--vscode-errorForeground); }
.node.broken text { fill: var(--vscode-errorForeground); }
.node.cycle rect { stroke: var(--vscode-charts-orange); }
.node.centre rect { stroke-width: 3; fill: var(--vscode-list-activeSelectionBackground, var(--vscode-editor-background)); }
.node.centre text { font-weight: bold; }
.node:hover rect, .node:focus rect { stroke: var(--vscode-focusBorder); }
`;

const GRAPH_SCRIPT = `
const vscode = acquireVsCodeApi();
const canvas = document.getElementById("canvas");
function open(event) {
  const node = event.target.closest && event.target.closest("g.node");
  if (node) vscode.postMessage({ type: "open", name: node.dataset.name });
}
canvas.addEventListener("click", open);
canvas.addEventListener("keydown", (event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); open(event); } });
document.getElementById("toggle").addEventListener("click", () => vscode.postMessage({ type: "toggle" }));
// Zoom: "fit" scales a wide graph down to the panel's width (never below 55 %, where labels
// become unreadable: then it scrolls); the buttons step from the current scale.
let zoom = "fit";
function applyZoom() {
  const svg = canvas.querySelector("svg");
  if (!svg) return;
  const width = Number(svg.dataset.width), height = Number(svg.dataset.height);
  const scale = zoom === "fit" ? Math.max(0.55, Math.min(1, (canvas.clientWidth - 4) / width)) : zoom;
  svg.setAttribute("width", String(Math.round(width * scale)));
  svg.setAttribute("height", String(Math.round(height * scale)));
  document.getElementById("zoom").textContent = Math.round(scale * 100) + " %";
  return scale;
}
function step(factor) {
  const svg = canvas.querySelector("svg");
  if (!svg) return;
  const current = Number(svg.getAttribute("width")) / Number(svg.dataset.width);
  zoom = Math.max(0.2, Math.min(3, current * factor));
  applyZoom();
}
document.getElementById("zoom-in").addEventListener("click", () => step(1.25));
document.getElementById("zoom-out").addEventListener("click", () => step(0.8));
document.getElementById("fit").addEventListener("click", () => { zoom = "fit"; applyZoom(); });
window.addEventListener("resize", () => { if (zoom === "fit") applyZoom(); });
window.addEventListener("message", (event) => {
  const message = event.data;
  if (message.type === "render") {
    document.getElementById("title").textContent = message.title;
    document.getElementById("toggle").textContent = message.toggle;
    document.getElementById("error").textContent = message.error || "";
    if (message.svg !== undefined) canvas.innerHTML = message.svg;
    applyZoom();
    document.body.classList.remove("busy");
  } else if (message.type === "busy") {
    document.body.classList.add("busy");
  }
});
applyZoom();
vscode.postMessage({ type: "ready" });
`;

export function graphPageHtml(state: GraphPageState, nonce: string): string {
  const body = `<div class="toolbar"><h1 id="title">${escapeHtml(state.title)}</h1>` +
    `<button id="toggle">${escapeHtml(state.toggle)}</button>` +
    `<span class="zoom"><button id="zoom-out" title="Zoom out" aria-label="Zoom out">−</button><span id="zoom">100 %</span>` +
    `<button id="zoom-in" title="Zoom in" aria-label="Zoom in">+</button><button id="fit" title="Fit to the panel's width">Fit</button></span>` +
    `<div class="legend"><span class="view">view</span><span class="extract">extract</span><span class="broken">view with errors</span></div></div>` +
    `<div id="error">${escapeHtml(state.error ?? "")}</div>` +
    `<div id="canvas">${state.svg}</div>`;
  return pageHtml({ title: state.title, nonce, style: GRAPH_STYLE, body, script: GRAPH_SCRIPT });
}

export interface PreviewPageState {
  title: string;
  limit: number;
  /** The table markup (previewTableHtml), or "" while nothing is loaded. */
  table: string;
  error?: string;
}

const PREVIEW_STYLE = BASE_STYLE + `
#limit { width: 6em; background: var(--vscode-input-background); color: var(--vscode-input-foreground); border: 1px solid var(--vscode-input-border, transparent); padding: 3px; }
#summary { color: var(--vscode-descriptionForeground); margin: 4px 0 8px; }
table { border-collapse: collapse; font-family: var(--vscode-editor-font-family, monospace); font-size: var(--vscode-editor-font-size, 13px); }
th, td { border: 1px solid var(--vscode-panel-border, rgba(128,128,128,0.35)); padding: 3px 8px; text-align: left; vertical-align: top; white-space: pre; }
th { position: sticky; top: 40px; background: var(--vscode-editorWidget-background, var(--vscode-editor-background)); }
th .column { display: block; }
th .type { display: block; font-weight: normal; font-size: 0.85em; color: var(--vscode-descriptionForeground); }
td.number { text-align: right; }
td.null { color: var(--vscode-descriptionForeground); font-style: italic; }
td.nested { color: var(--vscode-textPreformat-foreground, inherit); }
tbody tr:nth-child(even) { background: var(--vscode-list-hoverBackground, transparent); }
`;

const PREVIEW_SCRIPT = `
const vscode = acquireVsCodeApi();
const limit = document.getElementById("limit");
function refresh() {
  const value = Number.parseInt(limit.value, 10);
  vscode.postMessage({ type: "refresh", limit: Number.isFinite(value) && value >= 0 ? value : 20 });
}
document.getElementById("refresh").addEventListener("click", refresh);
limit.addEventListener("keydown", (event) => { if (event.key === "Enter") refresh(); });
window.addEventListener("message", (event) => {
  const message = event.data;
  if (message.type === "render") {
    document.getElementById("title").textContent = message.title;
    document.getElementById("error").textContent = message.error || "";
    if (message.table !== undefined) document.getElementById("content").innerHTML = message.table;
    document.body.classList.remove("busy");
  } else if (message.type === "busy") {
    document.body.classList.add("busy");
  }
});
vscode.postMessage({ type: "ready" });
`;

export function previewPageHtml(state: PreviewPageState, nonce: string): string {
  const body = `<div class="toolbar"><h1 id="title">${escapeHtml(state.title)}</h1>` +
    `<button id="refresh">Refresh</button>` +
    `<label>Limit <input id="limit" type="number" min="0" step="1" value="${state.limit}"></label></div>` +
    `<div id="error">${escapeHtml(state.error ?? "")}</div>` +
    `<div id="content">${state.table}</div>`;
  return pageHtml({ title: state.title, nonce, style: PREVIEW_STYLE, body, script: PREVIEW_SCRIPT });
}

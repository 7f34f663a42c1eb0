// The dependency graph as the server's `viewls.showGraph` "json" format gives it, laid out with
// dagre and drawn as SVG. Pure (no `vscode`): the webview only receives the finished SVG.
import * as dagre from "@dagrejs/dagre";
import { escapeHtml } from "./html";

export interface GraphNode {
  name: string;
  kind: "view" | "extract";
  ok: boolean;
  /** Relative to the graph's root: the view's file, or "viewls.toml" for extracts. */
  path: string;
}

export interface GraphJson {
  root: string;
  nodes: GraphNode[];
  edges: { from: string; to: string }[];
  order: string[];
  cycles: string[][];
}

/** The server's answer, checked: a clear error rather than a blank panel. */
export function parseGraph(value: unknown): GraphJson {
  const fail = (what: string): never => {
    throw new Error(`viewls.showGraph returned an unexpected graph: ${what}`);
  };
  if (typeof value !== "object" || value === null) fail("not an object");
  const v = value as Record<string, unknown>;
  if (typeof v.root !== "string") fail("no root");
  if (!Array.isArray(v.nodes)) fail("no nodes");
  if (!Array.isArray(v.edges)) fail("no edges");
  const nodes = (v.nodes as unknown[]).map((n) => {
    const node = n as Record<string, unknown>;
    if (typeof node?.name !== "string" || (node.kind !== "view" && node.kind !== "extract") ||
      typeof node.ok !== "boolean" || typeof node.path !== "string") fail(`bad node ${JSON.stringify(n)}`);
    return { name: node.name as string, kind: node.kind as "view" | "extract", ok: node.ok as boolean, path: node.path as string };
  });
  const names = new Set(nodes.map((n) => n.name));
  const edges = (v.edges as unknown[]).map((e) => {
    const edge = e as Record<string, unknown>;
    if (typeof edge?.from !== "string" || typeof edge.to !== "string") fail(`bad edge ${JSON.stringify(e)}`);
    return { from: edge.from as string, to: edge.to as string };
  }).filter((e) => names.has(e.from) && names.has(e.to));
  const cycles = Array.isArray(v.cycles) ? (v.cycles as unknown[]).filter(Array.isArray) as string[][] : [];
  const order = Array.isArray(v.order) ? (v.order as unknown[]).filter((n): n is string => typeof n === "string") : [];
  return { root: v.root as string, nodes, edges, order, cycles };
}

export interface PlacedNode extends GraphNode {
  /** Top-left corner and size. */
  x: number;
  y: number;
  width: number;
  height: number;
  centre: boolean;
  inCycle: boolean;
}

export interface PlacedEdge {
  from: string;
  to: string;
  points: { x: number; y: number }[];
}

export interface Layout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

// The node font is monospace (see the webview's CSS), so a label's width is its length times
// one character's width.
const CHAR_WIDTH = 7.8;
const NODE_HEIGHT = 30;
const PADDING = 14;
const MARGIN = 16;

/** Positions for every node and edge, dependencies left of what reads them. */
export function layoutGraph(graph: GraphJson, centre?: string): Layout {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 14, ranksep: 48, marginx: MARGIN, marginy: MARGIN });
  g.setDefaultEdgeLabel(() => ({}));
  const sorted = [...graph.nodes].sort((a, b) => a.name.localeCompare(b.name));  // stable pictures
  for (const node of sorted) {
    g.setNode(node.name, { width: Math.ceil(node.name.length * CHAR_WIDTH) + 2 * PADDING + 14, height: NODE_HEIGHT });
  }
  for (const edge of graph.edges) g.setEdge(edge.from, edge.to);
  dagre.layout(g);
  const cyclic = new Set(graph.cycles.flat());
  const nodes = sorted.map((node) => {
    const placed = g.node(node.name);
    return {
      ...node, x: placed.x - placed.width / 2, y: placed.y - placed.height / 2, width: placed.width, height: placed.height,
      centre: node.name === centre, inCycle: cyclic.has(node.name),
    };
  });
  const edges = graph.edges.map((edge) => ({ ...edge, points: g.edge(edge.from, edge.to).points.map(({ x, y }) => ({ x, y })) }));
  const size = g.graph();
  return { width: Math.ceil(size.width ?? 0), height: Math.ceil(size.height ?? 0), nodes, edges };
}

const round = (n: number) => Math.round(n * 10) / 10;

/** The SVG of a layout. Each node is `<g class="node" data-name data-kind data-ok>`; colours
 * come from the webview's CSS classes (theme colours), never inline styles (the CSP forbids them). */
export function renderSvg(layout: Layout): string {
  const edges = layout.edges.map((edge) => {
    const d = smoothPath(edge.points);
    return `<path class="edge" data-from="${escapeHtml(edge.from)}" data-to="${escapeHtml(edge.to)}" d="${d}" marker-end="url(#arrow)"/>`;
  });
  const nodes = layout.nodes.map((node) => {
    const classes = ["node", node.kind, node.ok ? "ok" : "broken", node.centre ? "centre" : "", node.inCycle ? "cycle" : ""].filter(Boolean).join(" ");
    const what = `${node.kind}${node.ok ? "" : " with errors"}${node.inCycle ? ", in a cycle" : ""}: ${node.name} (${node.path})`;
    return `<g class="${classes}" data-name="${escapeHtml(node.name)}" data-kind="${node.kind}" data-ok="${node.ok}" ` +
      `transform="translate(${round(node.x)},${round(node.y)})" tabindex="0" role="button" aria-label="${escapeHtml(what)}">` +
      `<title>${escapeHtml(what)}</title>` +
      `<rect width="${round(node.width)}" height="${round(node.height)}" rx="${node.kind === "extract" ? 2 : 8}"/>` +
      `<text x="${PADDING + 14}" y="${round(node.height / 2)}" dominant-baseline="central">${escapeHtml(node.name)}</text>` +
      `<circle class="marker" cx="${PADDING + 3}" cy="${round(node.height / 2)}" r="4"/></g>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" id="graph" width="${layout.width}" height="${layout.height}" ` +
    `data-width="${layout.width}" data-height="${layout.height}" ` +
    `viewBox="0 0 ${layout.width} ${layout.height}" role="img" aria-label="dependency graph">` +
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">` +
    `<path d="M0,0 L10,5 L0,10 z"/></marker></defs>` +
    `<g class="edges">${edges.join("")}</g><g class="nodes">${nodes.join("")}</g></svg>`;
}

/** An SVG path through dagre's edge points, curving through the bends instead of kinking:
 * a cubic B-spline whose ends are straight pieces to the first and last point (so the arrow
 * head keeps the direction of the last bend). */
export function smoothPath(points: { x: number; y: number }[]): string {
  const p = points.map(({ x, y }) => ({ x: round(x), y: round(y) }));
  if (p.length < 3) return p.map((q, i) => `${i ? "L" : "M"}${q.x},${q.y}`).join(" ");
  const at = (a: number, q: { x: number; y: number }, b: number, r: { x: number; y: number }, c = 0, s = r, d = a + b + c) =>
    `${round((a * q.x + b * r.x + c * s.x) / d)},${round((a * q.y + b * r.y + c * s.y) / d)}`;
  const n = p.length;
  const parts = [`M${p[0].x},${p[0].y}`, `L${at(5, p[0], 1, p[1])}`];
  for (let k = 2; k <= n; k++) {
    const [x0, x1] = [p[k - 2], p[k - 1]];
    const x = k < n ? p[k] : x1;  // past the end, the last point again
    parts.push(`C${at(2, x0, 1, x1)} ${at(1, x0, 2, x1)} ${at(1, x0, 4, x1, 1, x)}`);
  }
  parts.push(`L${p[n - 1].x},${p[n - 1].y}`);
  return parts.join(" ");
}

/** The node whose file is `fsPath` (the view of the editor a graph was asked from). */
export function nodeAtPath(graph: GraphJson, fsPath: string): GraphNode | undefined {
  const normal = (p: string) => p.replace(/\\/g, "/").replace(/\/+$/, "");
  const root = normal(graph.root);
  return graph.nodes.find((n) => n.kind === "view" && `${root}/${normal(n.path)}` === normal(fsPath));
}

/** The line of `[extracts.<name>]` (or an inline `<name> =` under `[extracts]`) in viewls.toml,
 * 0-based, to reveal an extract's declaration; 0 when not found. */
export function extractLine(tomlText: string, name: string): number {
  const quoted = `(?:${escapeRegExp(name)}|"${escapeRegExp(name)}"|'${escapeRegExp(name)}')`;
  const patterns = [new RegExp(`^\\s*\\[\\s*extracts\\s*\\.\\s*${quoted}\\s*\\]`), new RegExp(`^\\s*extracts\\s*\\.\\s*${quoted}\\s*[.=]`),
    new RegExp(`^\\s*${quoted}\\s*=`)];
  const lines = tomlText.split(/\r\n|\r|\n/);
  for (const pattern of patterns) {
    const index = lines.findIndex((line) => pattern.test(line));
    if (index >= 0) return index;
  }
  return 0;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

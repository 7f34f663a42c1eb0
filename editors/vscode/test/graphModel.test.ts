import assert from "node:assert/strict";
import { test } from "node:test";
import { extractLine, GraphJson, layoutGraph, nodeAtPath, parseGraph, renderSvg, smoothPath } from "../src/graphModel";

const graph: GraphJson = parseGraph({
  root: "/p/shop",
  nodes: [
    { name: "orders", kind: "extract", ok: true, path: "viewls.toml" },
    { name: "order_lines", kind: "view", ok: true, path: "views/order_lines.sql" },
    { name: "daily<revenue>", kind: "view", ok: false, path: "views/daily.sql" },
  ],
  edges: [{ from: "orders", to: "order_lines" }, { from: "order_lines", to: "daily<revenue>" }, { from: "ghost", to: "orders" }],
  order: ["orders", "order_lines", "daily<revenue>"],
  cycles: [],
});

test("parseGraph keeps known edges and rejects what is not a graph", () => {
  assert.equal(graph.edges.length, 2);  // the edge from an unknown node is dropped
  assert.throws(() => parseGraph("digraph {}"), /unexpected graph: not an object/);
  assert.throws(() => parseGraph({ root: "/", nodes: [{ name: "x", kind: "table", ok: true, path: "" }], edges: [] }), /bad node/);
  assert.throws(() => parseGraph({ root: "/", nodes: [], edges: [{ from: 1 }] }), /bad edge/);
});

test("layout: dependencies left of their readers, nothing overlaps, inside the canvas", () => {
  const layout = layoutGraph(graph, "order_lines");
  const at = Object.fromEntries(layout.nodes.map((n) => [n.name, n]));
  assert.ok(at.orders.x + at.orders.width <= at.order_lines.x);
  assert.ok(at.order_lines.x + at.order_lines.width <= at["daily<revenue>"].x);
  for (const n of layout.nodes) {
    assert.ok(n.x >= 0 && n.y >= 0 && n.x + n.width <= layout.width && n.y + n.height <= layout.height, n.name);
    assert.ok(n.width > n.name.length * 7, "the label fits");
  }
  assert.equal(at.order_lines.centre, true);
  assert.equal(at.orders.centre, false);
  assert.equal(layout.edges.length, 2);
  assert.ok(layout.edges.every((e) => e.points.length >= 2));
});

test("svg: one g.node per node with data attributes, escaped names, classes for colours", () => {
  const svg = renderSvg(layoutGraph(graph, "order_lines"));
  const nodes = [...svg.matchAll(/<g class="([^"]*)" data-name="([^"]*)" data-kind="([^"]*)" data-ok="([^"]*)"/g)]
    .map((m) => ({ classes: m[1], name: m[2], kind: m[3], ok: m[4] }));
  assert.deepEqual(nodes.map((n) => [n.name, n.kind, n.ok]), [
    ["daily&lt;revenue&gt;", "view", "false"], ["order_lines", "view", "true"], ["orders", "extract", "true"]]);
  assert.match(nodes[0].classes, /\bnode\b.*\bbroken\b/);
  assert.match(nodes[1].classes, /\bcentre\b/);
  assert.match(nodes[2].classes, /\bextract\b/);
  assert.equal((svg.match(/class="edge"/g) ?? []).length, 2);
  assert.doesNotMatch(svg, /daily<revenue>/);
  assert.doesNotMatch(svg, /style=/, "the CSP forbids inline styles");
});

test("cycles are marked", () => {
  const cyclic = parseGraph({ root: "/p", nodes: [{ name: "a", kind: "view", ok: false, path: "views/a.sql" }, { name: "b", kind: "view", ok: false, path: "views/b.sql" }],
    edges: [{ from: "a", to: "b" }, { from: "b", to: "a" }], order: [], cycles: [["a", "b"]] });
  const svg = renderSvg(layoutGraph(cyclic));
  assert.equal((svg.match(/class="node view broken cycle"/g) ?? []).length, 2);
});

test("an empty graph draws an empty svg", () => {
  const svg = renderSvg(layoutGraph(parseGraph({ root: "/p", nodes: [], edges: [], order: [], cycles: [] })));
  assert.match(svg, /^<svg .*<\/svg>$/);
});

test("nodeAtPath finds the view of a file", () => {
  assert.equal(nodeAtPath(graph, "/p/shop/views/order_lines.sql")?.name, "order_lines");
  assert.equal(nodeAtPath(graph, "/p/shop/viewls.toml"), undefined);
});

test("extractLine finds an extract's declaration in viewls.toml", () => {
  const toml = '[project]\nviews = ["v/*.sql"]\n\n[extracts.users]\npath = "u.csv"\n[extracts."order.items"]\npath = "o.parquet"\n';
  assert.equal(extractLine(toml, "users"), 3);
  assert.equal(extractLine(toml, "order.items"), 5);
  assert.equal(extractLine("[extracts]\nusers = { path = 'u.csv' }\n", "users"), 1);
  assert.equal(extractLine(toml, "missing"), 0);
});

test("edges: straight for two points; a curve from the first point to the last otherwise", () => {
  assert.equal(smoothPath([{ x: 0, y: 0 }, { x: 10, y: 5 }]), "M0,0 L10,5");
  const d = smoothPath([{ x: 0, y: 0 }, { x: 60, y: 0 }, { x: 60, y: 60 }]);
  assert.match(d, /^M0,0 L10,0 C/);
  assert.match(d, / L60,60$/);
  // Every coordinate stays within the points' bounding box (a B-spline is inside their hull).
  for (const [, x, y] of d.matchAll(/(-?[\d.]+),(-?[\d.]+)/g)) {
    assert.ok(+x >= 0 && +x <= 60 && +y >= 0 && +y <= 60, `${x},${y}`);
  }
  assert.equal((d.match(/C/g) ?? []).length, 2);
});

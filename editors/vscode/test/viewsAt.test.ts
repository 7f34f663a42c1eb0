import assert from "node:assert/strict";
import { test } from "node:test";
import { viewsAt } from "../src/viewsAt";

// As the server names the views of examples/shop/specs/normalize.toml: a [[view]] row, then a
// [[template]] row with two instances (symbol ranges on the rows' names).
const SYMBOLS = [
  { name: "shipments_norm", startLine: 5, endLine: 5 },
  { name: "order_items_keys", startLine: 15, endLine: 15 },
  { name: "orders_keys", startLine: 15, endLine: 15 },
];

test("the view whose symbol holds the line", () => {
  assert.deepEqual(viewsAt(SYMBOLS, 5), ["shipments_norm"]);
});

test("below a name, the row above it", () => {
  assert.deepEqual(viewsAt(SYMBOLS, 8), ["shipments_norm"]);
  assert.deepEqual(viewsAt(SYMBOLS, 10), ["shipments_norm"]);
});

test("a template row: every instance", () => {
  assert.deepEqual(viewsAt(SYMBOLS, 15), ["order_items_keys", "orders_keys"]);
  assert.deepEqual(viewsAt(SYMBOLS, 30), ["order_items_keys", "orders_keys"]);
});

test("above the first view, or without symbols: none", () => {
  assert.deepEqual(viewsAt(SYMBOLS, 0), []);
  assert.deepEqual(viewsAt([], 3), []);
});

test("ranges spanning whole rows are used as such", () => {
  const rows = [{ name: "a", startLine: 2, endLine: 6 }, { name: "b", startLine: 8, endLine: 12 }];
  assert.deepEqual(viewsAt(rows, 6), ["a"]);
  assert.deepEqual(viewsAt(rows, 8), ["b"]);
});

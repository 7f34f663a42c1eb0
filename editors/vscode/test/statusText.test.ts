import assert from "node:assert/strict";
import { test } from "node:test";
import { isStatusParams, STARTING, StatusParams, statusView } from "../src/statusText";

const shop = (over: Partial<StatusParams> = {}): StatusParams =>
  ({ root: "file:///p/shop", name: "shop", state: "ready", views: 15, extracts: 5, errors: 0, warnings: 0, ...over });

test("starting before any status", () => {
  assert.equal(statusView([]).text, "$(loading~spin) viewls: starting");
  assert.equal(statusView([]), STARTING);
});

test("one project through its states", () => {
  assert.equal(statusView([shop({ state: "loading" })]).text, "$(sync~spin) viewls: shop loading");
  assert.equal(statusView([shop({ state: "analysing" })]).text, "$(sync~spin) viewls: shop analysing");
  assert.equal(statusView([shop()]).text, "$(check) viewls: shop ready");
  assert.equal(statusView([shop({ errors: 1 })]).text, "$(error) viewls: shop ready · 1 error");
  assert.equal(statusView([shop({ errors: 2, warnings: 1 })]).text, "$(error) viewls: shop ready · 2 errors, 1 warning");
  assert.equal(statusView([shop({ warnings: 3 })]).text, "$(warning) viewls: shop ready · 3 warnings");
  const failed = statusView([shop({ state: "failed", message: "viewls.toml: bad" })]);
  assert.equal(failed.text, "$(error) viewls: shop failed");
  assert.equal(failed.error, true);
  assert.match(failed.tooltip, /shop: failed — viewls\.toml: bad/);
});

test("the tooltip has the counts", () => {
  assert.match(statusView([shop({ errors: 1 })]).tooltip, /shop: ready \(15 views, 5 extracts; 1 error\)/);
});

test("several projects: the least settled state, findings summed", () => {
  const broken = shop({ root: "file:///p/broken", name: "broken", errors: 12, warnings: 1 });
  assert.equal(statusView([shop(), broken]).text, "$(error) viewls: 2 projects ready · 12 errors, 1 warning");
  assert.equal(statusView([shop(), shop({ root: "file:///p/b", name: "b", state: "analysing" })]).text, "$(sync~spin) viewls: 2 projects analysing");
  assert.equal(statusView([shop({ state: "analysing" }), shop({ root: "file:///p/b", state: "loading" })]).text, "$(sync~spin) viewls: 2 projects loading");
  assert.equal(statusView([shop(), shop({ root: "file:///p/b", state: "failed" })]).text, "$(error) viewls: 1 of 2 projects failed");
  assert.equal(statusView([shop(), shop({ root: "file:///p/b", name: "b" })]).text, "$(check) viewls: 2 projects ready");
});

test("'ready' is in the text exactly when every project is ready", () => {
  for (const state of ["loading", "analysing", "failed"] as const) {
    assert.doesNotMatch(statusView([shop(), shop({ root: "file:///x", state })]).text, /ready/);
  }
});

test("malformed params are recognised", () => {
  assert.ok(isStatusParams(shop()));
  assert.ok(!isStatusParams(null));
  assert.ok(!isStatusParams({ ...shop(), state: "sleeping" }));
  assert.ok(!isStatusParams({ ...shop(), errors: "1" }));
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_VIEW_GLOBS, projectFilters, viewGlobs } from "../src/selector";

test("the [project] views globs are read", () => {
  assert.deepEqual(viewGlobs('[project]\nviews = ["models/**/*.sql", "./extra/*.sql"]\noutput = "target"\n'),
    { globs: ["models/**/*.sql", "extra/*.sql"] });
});

test("defaults when the file has no [project] or no views", () => {
  assert.deepEqual(viewGlobs("[extracts.users]\npath = 'u.csv'\n"), { globs: DEFAULT_VIEW_GLOBS });
  assert.deepEqual(viewGlobs('[project]\noutput = "target"\n'), { globs: DEFAULT_VIEW_GLOBS });
  assert.deepEqual(viewGlobs(""), { globs: DEFAULT_VIEW_GLOBS });
});

test("the example project's viewls.toml", async () => {
  const { readFileSync } = await import("node:fs");
  const text = readFileSync(`${__dirname}/../../../../examples/shop/viewls.toml`, "utf8");
  assert.deepEqual(viewGlobs(text), { globs: ["views/**/*.sql"] });
});

test("broken TOML keeps the defaults and says why", () => {
  const result = viewGlobs("[project\nviews = 1");
  assert.deepEqual(result.globs, DEFAULT_VIEW_GLOBS);
  assert.match(result.problem ?? "", /not valid TOML/);
});

test("wrong types are reported; non-strings dropped", () => {
  assert.match(viewGlobs('[project]\nviews = "views/*.sql"\n').problem ?? "", /not an array/);
  assert.match(viewGlobs('project = 3\n').problem ?? "", /not a table/);
  const mixed = viewGlobs('[project]\nviews = ["a/*.sql", 3, ""]\n');
  assert.deepEqual(mixed.globs, ["a/*.sql"]);
  assert.match(mixed.problem ?? "", /not glob strings/);
});

test("backslashes become slashes (globs are matched with /)", () => {
  assert.deepEqual(viewGlobs('[project]\nviews = ["sql\\\\views\\\\*.sql"]\n').globs, ["sql/views/*.sql"]);
});

test("filters: SQL files under each glob of the project directory, and its viewls.toml", () => {
  const { globs } = viewGlobs('[project]\nviews = ["views/**/*.sql", "adhoc/*.sql"]\n');
  assert.deepEqual(projectFilters("file:///w/shop", globs), [
    { scheme: "file", language: "sql", pattern: { baseUri: "file:///w/shop", pattern: "views/**/*.sql" } },
    { scheme: "file", language: "sql", pattern: { baseUri: "file:///w/shop", pattern: "adhoc/*.sql" } },
    { scheme: "file", pattern: { baseUri: "file:///w/shop", pattern: "viewls.toml" } },
  ]);
  assert.deepEqual(projectFilters("file:///w/empty", viewGlobs('[project]\nviews = []\n').globs),
    [{ scheme: "file", pattern: { baseUri: "file:///w/empty", pattern: "viewls.toml" } }]);
});

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { allGlobs, DEFAULT_GLOBS, projectFilters, sourceGlobs } from "../src/selector";

const SHOP = `${__dirname}/../../../../examples/shop`;

test("the [project] views, specs and builders globs are read", () => {
  const text = '[project]\nviews = ["models/**/*.sql", "./extra/*.sql"]\nspecs = ["datasets/*.toml"]\n' +
    'builders = ["specs/**/*.py"]\noutput = "target"\n';
  assert.deepEqual(sourceGlobs(text), {
    globs: { views: ["models/**/*.sql", "extra/*.sql"], specs: ["datasets/*.toml"], builders: ["specs/**/*.py"] },
    problems: [],
  });
});

test("defaults where the file says nothing: specs/**/*.toml, and no builders (they are opt-in)", () => {
  const defaults = { globs: { views: ["views/**/*.sql"], specs: ["specs/**/*.toml"], builders: [] }, problems: [] };
  assert.deepEqual(sourceGlobs("[extracts.users]\npath = 'u.csv'\n"), defaults);
  assert.deepEqual(sourceGlobs('[project]\noutput = "target"\n'), defaults);
  assert.deepEqual(sourceGlobs(""), defaults);
  assert.deepEqual(sourceGlobs('[project]\nviews = ["sql/*.sql"]\n').globs, { ...defaults.globs, views: ["sql/*.sql"] });
  assert.deepEqual(sourceGlobs('[project]\nspecs = []\n').globs, { ...defaults.globs, specs: [] });
});

test("the defaults cannot be changed through a result", () => {
  sourceGlobs("").globs.specs.push("x/*.toml");
  assert.deepEqual(DEFAULT_GLOBS.specs, ["specs/**/*.toml"]);
});

test("the example project's viewls.toml: its views, the default specs, no builders", () => {
  assert.deepEqual(sourceGlobs(readFileSync(`${SHOP}/viewls.toml`, "utf8")),
    { globs: { views: ["views/**/*.sql"], specs: ["specs/**/*.toml"], builders: [] }, problems: [] });
});

test("broken TOML keeps the defaults and says why", () => {
  const result = sourceGlobs("[project\nviews = 1");
  assert.deepEqual(result.globs, DEFAULT_GLOBS);
  assert.equal(result.problems.length, 1);
  assert.match(result.problems[0], /not valid TOML/);
});

test("wrong types are reported per key; non-strings dropped", () => {
  const wrong = sourceGlobs('[project]\nviews = 3\nbuilders = ["b/*.py", 3, ""]\n');
  assert.deepEqual(wrong.globs, { views: ["views/**/*.sql"], specs: ["specs/**/*.toml"], builders: ["b/*.py"] });
  assert.deepEqual(wrong.problems, ["project.views is not an array of globs",
    "project.builders holds entries that are not glob strings; they are ignored"]);
  assert.deepEqual(sourceGlobs("project = 3\n").problems, ["[project] is not a table"]);
});

test("a single glob string is used as one glob, as the server does, and reported", () => {
  const result = sourceGlobs('[project]\nspecs = "datasets/*.toml"\n');
  assert.deepEqual(result.globs.specs, ["datasets/*.toml"]);
  assert.match(result.problems[0], /project\.specs is a string/);
});

test("backslashes become slashes (globs are matched with /)", () => {
  assert.deepEqual(sourceGlobs('[project]\nspecs = ["spec\\\\ds\\\\*.toml"]\n').globs.specs, ["spec/ds/*.toml"]);
});

test("filters: SQL views, spec files of any language, Python builders, then viewls.toml", () => {
  const { globs } = sourceGlobs('[project]\nviews = ["views/**/*.sql", "adhoc/*.sql"]\nbuilders = ["specs/**/*.py"]\n');
  const base = "file:///w/shop";
  assert.deepEqual(projectFilters(base, globs), [
    { scheme: "file", language: "sql", pattern: { baseUri: base, pattern: "views/**/*.sql" } },
    { scheme: "file", language: "sql", pattern: { baseUri: base, pattern: "adhoc/*.sql" } },
    { scheme: "file", pattern: { baseUri: base, pattern: "specs/**/*.toml" } },
    { scheme: "file", language: "python", pattern: { baseUri: base, pattern: "specs/**/*.py" } },
    { scheme: "file", pattern: { baseUri: base, pattern: "viewls.toml" } },
  ]);
});

test("filters: a project without sources still serves its viewls.toml", () => {
  const { globs } = sourceGlobs('[project]\nviews = []\nspecs = []\n');
  assert.deepEqual(projectFilters("file:///w/empty", globs), [{ scheme: "file", pattern: { baseUri: "file:///w/empty", pattern: "viewls.toml" } }]);
});

test("allGlobs lists views first", () => {
  assert.deepEqual(allGlobs({ views: ["v/*.sql"], specs: ["s/*.toml"], builders: ["b/*.py"] }), ["v/*.sql", "s/*.toml", "b/*.py"]);
});

-- Unit tests of the plugin's pure parts (source globs, TOML reading, rendering), run
-- headless by test/run.sh before the end-to-end test; quits with cquit 0 or 1.
local project = require("viewls.project")
local render = require("viewls.render")

local failures = 0
local function eq(actual, expected, what)
  if not vim.deep_equal(actual, expected) then
    failures = failures + 1
    io.stdout:write(("  FAIL %s\n    expected %s\n    got      %s\n"):format(what, vim.inspect(expected), vim.inspect(actual)))
  end
end

local ok, err = xpcall(function()
  -- [project] views, specs and builders, as viewls.toml spells them.
  eq(project.parse_globs('[project]\nviews = ["views/**/*.sql"]\noutput = "target"\n', "views"), { "views/**/*.sql" }, "one glob")
  eq(project.parse_globs("# top\n[project] # the project\nviews = [\n  'sql/*.sql', # flat\n  \"more/**/*.sql\",\n]\n", "views"),
    { "more/**/*.sql", "sql/*.sql" }, "multi-line array, comments, both quotes")
  eq(project.parse_globs('[extracts.x]\nviews = ["no"]\n', "views"), nil, "views outside [project]")
  eq(project.parse_globs('[project]\noutput = "target"\n[extracts.a]\npath = "a.csv"\n', "views"), nil, "no views key")
  eq(project.parse_globs('[project]\nold_views = ["x"]\n', "views"), nil, "a key that only ends in views")
  eq(project.parse_globs('[project]\nviews = ["a#b/*.sql"]\n', "views"), { "a#b/*.sql" }, "# inside a string")
  local sources = '[project]\nviews = ["v/*.sql"]\nspecs = ["datasets/**/*.toml"]\nbuilders = [\n  "specs/**/*.py",\n]\n'
  eq(project.parse_globs(sources, "specs"), { "datasets/**/*.toml" }, "specs")
  eq(project.parse_globs(sources, "builders"), { "specs/**/*.py" }, "builders")
  eq(project.parse_globs('[project]\nviews = ["v/*.sql"]\n', "builders"), nil, "no builders key")

  -- A project's source globs, read from its viewls.toml with the server's defaults.
  local root = vim.fn.tempname()
  vim.fn.mkdir(root, "p")
  vim.fn.writefile({ "[project]", 'builders = ["specs/**/*.py"]' }, root .. "/viewls.toml")
  eq(project.source_globs(root), { "views/**/*.sql", "specs/**/*.toml", "specs/**/*.py" }, "defaults for views and specs")
  local markers = { "viewls.toml" }
  for file, expected in pairs({ ["views/a.sql"] = root, ["specs/s.toml"] = root, ["specs/b.py"] = root,
      ["viewls.toml"] = root, ["notes.toml"] = false, ["tools/x.py"] = false, ["specs/s.sql"] = false }) do
    eq(project.source_root(root .. "/" .. file, markers) or false, expected, "source_root of " .. file)
  end
  vim.fn.writefile({ "[project]", "specs = []" }, root .. "/viewls.toml")
  vim.loop.fs_utime(root .. "/viewls.toml", 1, 1) -- a new mtime, whatever the clock's resolution
  eq(project.source_globs(root), { "views/**/*.sql" }, "an edited viewls.toml is read again; no builders by default")
  vim.fn.delete(root, "rf")

  local cases = {
    { "views/**/*.sql", "views/a.sql", true },
    { "views/**/*.sql", "views/x/y/a.sql", true },
    { "views/**/*.sql", "views/a.txt", false },
    { "views/**/*.sql", "other/a.sql", false },
    { "views/**/*.sql", "views/.hidden/a.sql", false },
    { "views/**/*.sql", "a.sql", false },
    { "sql/*.sql", "sql/x/a.sql", false },
    { "**/*.sql", "a.sql", true },
    { "**/*.sql", "deep/er/a.sql", true },
    { "views/[ab]?.sql", "views/b1.sql", true },
    { "views/[!ab]?.sql", "views/b1.sql", false },
    { "./views/*.sql", "views/a.sql", true },
    { "views/a.b.sql", "views/aXb.sql", false },
    { "v-1/*.sql", "v-1/a.sql", true },
  }
  for _, case in ipairs(cases) do
    eq(project.glob_matches(case[1], case[2]), case[3], ("glob %s on %s"):format(case[1], case[2]))
  end

  eq(render.cell(nil), "NULL", "nil is NULL")
  eq(render.cell(vim.NIL), "NULL", "JSON null is NULL")
  eq(render.cell(1e15), "1000000000000000", "large integers without exponent")
  eq(render.cell(-3), "-3", "negative integer")
  eq(render.cell(1.5), "1.5", "float")
  eq(render.cell(true), "true", "boolean")
  eq(render.cell("a\nb\tc"), "a\\nb\\tc", "control characters escaped")

  eq(render.table({ columns = { { name = "id", type = "int64" }, { name = "city", type = "string" } },
      rows = { { 1, "Zürich" }, { 100, vim.NIL } } }), {
    "id    │ city",
    "int64 │ string",
    "──────┼───────",
    "    1 │ Zürich",
    "  100 │ NULL",
  }, "aligned table, numbers right, NULL visible, display width of ü")
  eq(render.table({ columns = { { name = "x", type = "utf8" } }, rows = {} })[4], "(no rows)", "empty preview")
  eq(render.table({ columns = { { name = "x", type = "utf8" } }, rows = { { "abcdefgh" } } }, 5)[4], "abcd…",
    "long cells are cut")

  eq(render.summary({ summary = { built = 1, up_to_date = 2, failed = 1, seconds = 0.5 }, views = {
      { name = "a", status = "built", rows = 3, message = vim.NIL },
      { name = "b", status = "up to date", rows = 9 },
      { name = "c", status = "failed", rows = vim.NIL, message = "boom" } } }), {
    "materialized: 1 built, 2 up to date, 1 failed in 0.50s",
    "  a: built, 3 rows",
    "  c: failed: boom",
  }, "materialize summary")
end, debug.traceback)
if not ok then
  failures = failures + 1
  io.stdout:write("  FAIL unit tests raised: " .. err .. "\n")
end
io.stdout:write(failures == 0 and "unit tests: PASS\n" or ("unit tests: %d FAILED\n"):format(failures))
vim.cmd("cquit " .. (failures == 0 and 0 or 1))

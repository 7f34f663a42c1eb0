-- End-to-end test of the viewls plugin in a real, headless Neovim against the real
-- server. Run by test/run.sh:
--   VIEWLS_TEST_PROJECT=<copy of examples/shop> VIEWLS_TEST_SERVER=<viewls executable> \
--   nvim --headless --clean -u NONE --cmd "set rtp^=<editors/nvim>" -c "luafile test/e2e.lua"
-- Neovim always quits: with `cquit 0` when every check passed, `cquit 1` otherwise.
local project = assert(os.getenv("VIEWLS_TEST_PROJECT"), "set VIEWLS_TEST_PROJECT")
local server = assert(os.getenv("VIEWLS_TEST_SERVER"), "set VIEWLS_TEST_SERVER")
local TIMEOUT = 30000

local failures, notes = {}, {}
local function say(text)
  io.stdout:write(text .. "\n")
end
local function check(ok, what, detail)
  say(("%s %s%s"):format(ok and "  ok  " or "  FAIL", what, (not ok and detail) and (": " .. detail) or ""))
  if not ok then
    failures[#failures + 1] = what
  end
  return ok
end
local function wait(condition, what)
  local ok = vim.wait(TIMEOUT, condition, 50)
  if not ok then
    check(false, what, "timed out after " .. TIMEOUT .. " ms")
  end
  return ok
end
local function write(path, lines)
  vim.fn.mkdir(vim.fn.fnamemodify(path, ":h"), "p")
  vim.fn.writefile(lines, path)
end
local function find_buffer(name)
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_get_name(bufnr) == name then
      return bufnr
    end
  end
end
local function lines_of(bufnr)
  return vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
end
local function contains(lines, needle)
  return table.concat(lines, "\n"):find(needle, 1, true) ~= nil
end

local function run()
  -- Record notifications: the commands report through vim.notify.
  vim.notify = function(message, level)
    notes[#notes + 1] = message
    say("  notify[" .. tostring(level) .. "] " .. message:gsub("\n", "\n    "))
  end

  -- A seeded error (line 4, column 5: 0-based 3, 4), a SQL file outside the view globs,
  -- and one outside any project.
  write(project .. "/views/bad_names.sql", { "-- a seeded error", "select", "    user_id,", "    nmae", "from users_clean" })
  write(project .. "/scratch.sql", { "select 1" })
  -- A view slow to run (a filter over 2 billion generated rows: a minute), to cancel.
  write(project .. "/views/slow.sql", { "select value from range(2000000000) where value % 1000 = 0" })
  local outside = vim.fn.tempname() .. "/loose.sql"
  write(outside, { "select 1" })
  -- A spec row whose select value holds an unknown column (line 6, column 55: 0-based 5,
  -- 54), a builder module (opted in below) with one (line 6, column 29: 0-based 5, 28),
  -- and a TOML file that is no spec.
  local spec_path = project .. "/specs/seeded.toml"
  write(spec_path, { "# a seeded error inside a TOML string", "", "[[view]]", 'name = "users_spec"', 'from = "users"',
    'select = { user_id = "user_id", country_code = "upper(contry)" }', 'description = "Users with their country code"' })
  local builder_path = project .. "/specs/countries.py"
  write(builder_path, { "from viewls.spec import view", "", "", '@view(description="Countries of the users")',
    "def user_countries():", '    return "SELECT DISTINCT contry FROM users"' })
  local config = vim.fn.readfile(project .. "/viewls.toml")
  for index, line in ipairs(config) do
    if line == "[project]" then
      table.insert(config, index + 1, 'builders = ["specs/**/*.py"]')
      break
    end
  end
  write(project .. "/viewls.toml", config)
  write(project .. "/notes.toml", { "[notes]", 'text = "not a spec file"' })

  vim.cmd("filetype on")
  say("attach")
  -- The first view is open before setup() (as when lazy-loading on the sql filetype);
  -- views opened later attach through the FileType autocmd or vim.lsp.enable.
  vim.cmd("edit " .. vim.fn.fnameescape(project .. "/views/bad_names.sql"))
  local bad = vim.api.nvim_get_current_buf()
  check(vim.bo.filetype == "sql", "filetype detection says sql", vim.bo.filetype)
  local viewls = require("viewls")
  viewls.setup({ cmd = { server, "serve" }, preview = { limit = 5 } })
  if not wait(function() return #viewls.clients(bad) == 1 end, "client attached to a view") then
    return
  end
  local client = viewls.clients(bad)[1]
  check(client.config.root_dir == project, "client root is the project", client.config.root_dir)
  check(wait(function() return (viewls.statuses[project] or {}).state == "ready" end, "viewls/status ready"),
    "status notification reaches ready")
  check(viewls.status(bad):find("ready", 1, true) ~= nil, "status() for statuslines", viewls.status(bad))

  say("diagnostics")
  wait(function() return #vim.diagnostic.get(bad) > 0 end, "diagnostics published")
  local found = vim.diagnostic.get(bad)
  local first = found[1] or {}
  check(#found == 1, "one diagnostic in the broken view", vim.inspect(found))
  check(first.code == "unknown-column", "its code is unknown-column", tostring(first.code))
  check(first.lnum == 3 and first.col == 4, "at line 3, column 4 (0-based)", ("%s:%s"):format(first.lnum, first.col))
  check((first.message or ""):find("nmae", 1, true) ~= nil, "message names the column", first.message)

  say("hover")
  local hover = vim.lsp.buf_request_sync(bad, "textDocument/hover", {
    textDocument = { uri = vim.uri_from_bufnr(bad) }, position = { line = 4, character = 8 } }, TIMEOUT)
  local contents = ""
  for _, response in pairs(hover or {}) do
    local value = response.result and response.result.contents
    contents = contents .. (type(value) == "table" and (value.value or vim.inspect(value)) or tostring(value))
  end
  check(contents:find("users_clean", 1, true) and contents:find("signup_date", 1, true)
    and contents:find("marketing_opt_in", 1, true), "hover on users_clean shows its derived schema", contents)

  say("definition")
  -- On `user_id` (line 3): the column is defined in users_clean.sql's select list.
  vim.api.nvim_win_set_cursor(0, { 3, 6 })
  vim.lsp.buf.definition()
  local target = project .. "/views/users_clean.sql"
  if wait(function() return vim.api.nvim_buf_get_name(0) == target end, "go-to-definition opens users_clean.sql") then
    local cursor = vim.api.nvim_win_get_cursor(0)
    local line = vim.api.nvim_buf_get_lines(0, cursor[1] - 1, cursor[1], false)[1]
    check(cursor[1] == 5 and cursor[2] == 4, "jumps to the column in its select list (line 5, column 4)",
      ("line %d, column %d: %q"):format(cursor[1], cursor[2], line))
  end

  say("root detection")
  local users = vim.api.nvim_get_current_buf()
  wait(function() return #viewls.clients(users) == 1 end, "a view opened after setup() is attached")
  check(viewls.clients(users)[1] and viewls.clients(users)[1].id == client.id, "one client per project root")
  vim.cmd("edit " .. vim.fn.fnameescape(project .. "/scratch.sql"))
  local scratch = vim.api.nvim_get_current_buf()
  vim.cmd("edit " .. vim.fn.fnameescape(outside))
  local loose = vim.api.nvim_get_current_buf()
  vim.wait(500)
  check(#viewls.clients(scratch) == 0, "not attached to a SQL file outside the view globs")
  check(#viewls.clients(loose) == 0, "not attached to a SQL file outside any project")
  check(#viewls.clients() == 1, "still one client")
  vim.cmd("buffer " .. users)

  say("code lenses")
  local lenses
  wait(function()
    lenses = vim.lsp.codelens.get(users)
    return #lenses >= 3
  end, "code lenses are shown")
  local titles = {}
  for _, lens in ipairs(lenses or {}) do
    titles[#titles + 1] = lens.command and lens.command.title or "?"
  end
  check(table.concat(titles, " | "):find("downstream", 1, true) ~= nil, "the graph lens counts neighbours",
    table.concat(titles, " | "))
  -- Running the Preview lens (picked from the menu) shows rows through the plugin.
  local preview_lens
  for _, lens in ipairs(lenses or {}) do
    if lens.command and lens.command.title:find("Preview", 1, true) then
      preview_lens = lens
    end
  end
  if check(preview_lens ~= nil, "a Preview lens", table.concat(titles, " | ")) then
    local select = vim.ui.select
    vim.ui.select = function(items, opts, choose)
      for _, item in ipairs(items) do
        if opts.format_item(item):find("Preview", 1, true) then
          return choose(item)
        end
      end
      choose(nil)
    end
    vim.api.nvim_win_set_cursor(0, { preview_lens.range.start.line + 1, 0 })
    vim.lsp.codelens.run()
    vim.ui.select = select
    wait(function() return find_buffer("viewls://preview/users_clean") ~= nil end, "the Preview lens opens a preview")
    vim.cmd("buffer " .. users)
  end

  say("materialize")
  local parquet = project .. "/target/users_clean.parquet"
  vim.fn.delete(parquet)
  vim.cmd("ViewlsMaterialize")
  if wait(function() return vim.loop.fs_stat(parquet) ~= nil end, ":ViewlsMaterialize writes target/users_clean.parquet") then
    check(wait(function() return contains(notes, "materialized: 1 built") end, "summary notified"),
      "the summary is notified", table.concat(notes, " | "))
  end
  vim.cmd("ViewlsMaterialize customer_orders")
  wait(function() return vim.loop.fs_stat(project .. "/target/customer_orders.parquet") ~= nil end,
    ":ViewlsMaterialize customer_orders writes its Parquet file")

  say("cancel")
  local before_cancel, started = #notes, vim.loop.hrtime()
  vim.cmd("ViewlsMaterialize slow")
  if wait(function() return contains({ unpack(notes, before_cancel + 1) }, "materialize: 1 views to build") end,
    "the slow run reports its progress") then
    vim.cmd("ViewlsCancel")
    check(wait(function() return contains({ unpack(notes, before_cancel + 1) }, "1 cancelled") end,
      "the summary says cancelled"), ":ViewlsCancel stops the run", table.concat(notes, " | "))
    local seconds = (vim.loop.hrtime() - started) / 1e9
    check(seconds < 10, "promptly", ("%.1fs"):format(seconds))
    check(vim.loop.fs_stat(project .. "/target/slow.parquet") == nil, "no output is left")
  end

  say("preview")
  vim.cmd("ViewlsPreview customer_orders")
  local preview
  if wait(function()
    preview = find_buffer("viewls://preview/customer_orders")
    return preview ~= nil
  end, ":ViewlsPreview opens a preview buffer") then
    local shown = lines_of(preview)
    check(#shown == 3 + 5, "names, types, rule and 5 rows (the configured limit)", vim.inspect(shown))
    check(shown[1]:find("user_id", 1, true) and shown[1]:find("previous_order_date", 1, true), "column names", shown[1])
    check((shown[2] or ""):find("int64", 1, true) and (shown[2] or ""):find("date32", 1, true), "column types", shown[2])
    check((shown[4] or ""):find("NULL", 1, true), "NULLs are visible (the first order has no previous one)", shown[4])
    local bars = {}
    for _, line in ipairs(shown) do
      local bar = line:find("│", 1, true) or line:find("┼", 1, true)
      bars[#bars + 1] = bar and vim.fn.strdisplaywidth(line:sub(1, bar - 1)) or -1
    end
    check(#bars > 0 and vim.tbl_count(vim.tbl_filter(function(w) return w ~= bars[1] end, bars)) == 0,
      "columns are aligned", vim.inspect(bars))
    check(vim.api.nvim_get_current_buf() == preview and vim.bo.buftype == "nofile", "a scratch buffer in a window")
  end

  say("graph")
  vim.cmd("buffer " .. users)
  vim.cmd("ViewlsGraph")
  local graph
  if wait(function()
    graph = find_buffer("viewls://graph/users_clean")
    return graph ~= nil
  end, ":ViewlsGraph opens a graph buffer") then
    local text = table.concat(lines_of(graph), "\n")
    check(text:find("flowchart", 1, true) ~= nil and text:find("users_clean", 1, true) ~= nil
      and text:find("customer_keys", 1, true) ~= nil, "the buffer holds the Mermaid text of the neighbourhood", text)
    check(vim.api.nvim_buf_get_option(graph, "filetype") == "mermaid", "filetype mermaid")
    if vim.fn.executable("dot") == 1 then
      local image
      wait(function()
        local ok, value = pcall(vim.api.nvim_buf_get_var, graph, "viewls_graph_image")
        image = ok and value or nil
        return image ~= nil
      end, "graphviz renders the graph")
      check(image and contains(vim.fn.readfile(image), "<svg"), "an SVG image is written", tostring(image))
      check(contains(notes, "graph image: "), "its path is notified")
    else
      check(false, "graphviz `dot` is installed for this test (run.sh installs it)")
    end
  end
  vim.cmd("ViewlsGraph!")
  wait(function() return find_buffer("viewls://graph/project") ~= nil end, ":ViewlsGraph! shows the whole project")
  if find_buffer("viewls://graph/project") then
    check(contains(lines_of(find_buffer("viewls://graph/project")), "unsold_products"), "whole graph has every view")
  end

  say("errors")
  local before = #notes
  vim.cmd("ViewlsPreview no_such_view")
  wait(function() return #notes > before end, "an unknown view is reported")
  check(contains({ notes[#notes] or "" }, "no view named"), "with the server's message", notes[#notes])

  say("restart")
  vim.cmd("buffer " .. bad)
  vim.cmd("ViewlsRestart")
  wait(function()
    local now = viewls.clients(bad)[1]
    return now ~= nil and now.id ~= client.id
  end, ":ViewlsRestart starts a new client for the buffer")
  wait(function() return #vim.diagnostic.get(bad) == 1 end, "the new client publishes diagnostics")

  say("editing")
  vim.api.nvim_buf_set_lines(bad, 3, 4, false, { "    name" })
  check(wait(function() return #vim.diagnostic.get(bad) == 0 end, "typing the fix clears the diagnostic"),
    "the fixed view has no diagnostics")
  local before_save = #notes
  vim.cmd("ViewlsMaterialize")
  check(#notes > before_save and notes[#notes]:find("save the buffer first", 1, true) ~= nil,
    "materializing an unsaved view asks to save it first", notes[#notes])

  say("spec files")
  vim.cmd("edit " .. vim.fn.fnameescape(spec_path))
  local spec = vim.api.nvim_get_current_buf()
  check(vim.bo.filetype == "toml", "a spec file's filetype is toml", vim.bo.filetype)
  if wait(function() return #viewls.clients(spec) == 1 end, "the project's client attaches to a spec file") then
    check(viewls.clients(spec)[1].id == viewls.clients(bad)[1].id, "the same client as the SQL views")
  end
  wait(function() return #vim.diagnostic.get(spec) > 0 end, "diagnostics published on the spec file")
  local in_spec = vim.diagnostic.get(spec)
  local spec_error = in_spec[1] or {}
  check(#in_spec == 1 and spec_error.code == "unknown-column", "one unknown-column error in the spec file", vim.inspect(in_spec))
  check(spec_error.lnum == 5 and spec_error.col == 54 and spec_error.end_col == 60,
    "on `contry` inside the TOML string (line 5, columns 54-60, 0-based)",
    ("%s:%s-%s"):format(spec_error.lnum, spec_error.col, spec_error.end_col))
  check((spec_error.message or ""):find("users_spec", 1, true) ~= nil, "the message names the generated view", spec_error.message)
  vim.api.nvim_buf_set_text(spec, 5, 54, 5, 60, { "country" })
  check(wait(function() return #vim.diagnostic.get(spec) == 0 end, "typing the fix clears the spec's diagnostic"),
    "the fixed spec row has no diagnostics")
  local row_hover = vim.lsp.buf_request_sync(spec, "textDocument/hover", {
    textDocument = { uri = vim.uri_from_bufnr(spec) }, position = { line = 3, character = 10 } }, TIMEOUT)
  local row_contents = ""
  for _, response in pairs(row_hover or {}) do
    local value = response.result and response.result.contents
    row_contents = row_contents .. (type(value) == "table" and (value.value or vim.inspect(value)) or tostring(value))
  end
  check(row_contents:find("users_spec", 1, true) and row_contents:find("country_code", 1, true)
    and row_contents:find("string", 1, true), "hover on the row's name shows the derived schema", row_contents)
  vim.cmd("write")
  -- The commands act on the row under the cursor (the file defines a view per row).
  vim.api.nvim_win_set_cursor(0, { 6, 0 })
  vim.cmd("ViewlsPreview")
  wait(function() return find_buffer("viewls://preview/users_spec") ~= nil end, ":ViewlsPreview in a spec file previews the row's view")
  vim.cmd("buffer " .. spec)

  say("builder modules")
  vim.cmd("edit " .. vim.fn.fnameescape(builder_path))
  local builder = vim.api.nvim_get_current_buf()
  wait(function() return #viewls.clients(builder) == 1 end, "the project's client attaches to a builder module")
  wait(function() return #vim.diagnostic.get(builder) > 0 end, "diagnostics published on the builder module")
  local built = vim.diagnostic.get(builder)[1] or {}
  check(built.code == "unknown-column" and built.lnum == 5 and built.col == 28,
    "the builder's error on `contry` in its SQL literal (line 5, column 28, 0-based)", vim.inspect(built))
  vim.api.nvim_buf_set_text(builder, 5, 28, 5, 34, { "country" })
  check(wait(function() return #vim.diagnostic.get(builder) == 0 end, "typing the fix clears the builder's diagnostic"),
    "the fixed builder has no diagnostics")
  vim.cmd("write")

  say("other files")
  for _, name in ipairs({ "viewls.toml", "notes.toml", "generate_data.py" }) do
    vim.cmd("edit " .. vim.fn.fnameescape(project .. "/" .. name))
  end
  vim.wait(500)
  check(#viewls.clients(find_buffer(project .. "/viewls.toml")) == 1, "attached to viewls.toml")
  check(#viewls.clients(find_buffer(project .. "/notes.toml")) == 0, "not attached to a TOML file outside the spec globs")
  check(#viewls.clients(find_buffer(project .. "/generate_data.py")) == 0, "not attached to a Python file outside the builder globs")

  say("info")
  wait(function()
    local status = viewls.statuses[project] or {}
    return status.state == "ready" and status.errors == 0
  end, "the status reaches ready with no errors after the fix")
  vim.cmd("ViewlsInfo")
  -- The views of SQL files, spec rows and builders, as the server counts them.
  check(notes[#notes]:find(project, 1, true) ~= nil and notes[#notes]:find("%(ready%)\n  %d+ views, 5 extracts, 0 errors, 0 warnings") ~= nil,
    ":ViewlsInfo names the project and its state", notes[#notes])
end

local ok, err = xpcall(run, debug.traceback)
if not ok then
  check(false, "the test ran to the end", err)
end
say(#failures == 0 and ("PASS (Neovim %s)"):format(tostring(vim.version().major .. "." .. vim.version().minor .. "." .. vim.version().patch))
  or ("FAILED: %d check(s): %s"):format(#failures, table.concat(failures, "; ")))
for _, c in ipairs(require("viewls").clients()) do
  vim.lsp.stop_client(c.id, true)
end
vim.cmd("cquit " .. (#failures == 0 and 0 or 1))

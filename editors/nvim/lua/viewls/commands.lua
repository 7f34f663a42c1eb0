-- User commands for the server's workspace commands (viewls.materialize,
-- viewls.preview, viewls.showGraph); each command takes ONE object argument.
local viewls = require("viewls")
local render = require("viewls.render")

local M = {}

local ERROR = vim.log.levels.ERROR

-- The client to ask, and the current buffer's uri when it is one of its views.
local function target()
  local bufnr = vim.api.nvim_get_current_buf()
  local attached = viewls.clients(bufnr)
  if #attached > 0 then
    return attached[1], vim.uri_from_bufnr(bufnr), bufnr
  end
  local all = viewls.clients()
  if #all == 1 then
    return all[1], nil, bufnr
  end
  if #all == 0 then
    viewls.notify("no server is running: open a view file of a viewls project (a directory with viewls.toml)", ERROR)
  else
    viewls.notify("several viewls projects are open: run this from a view file of the one you mean", ERROR)
  end
  return nil
end

--- Run a server command with `options` as its one argument; `done(result)` on success.
--- The client is the current buffer's unless given (code lenses name theirs).
function M.execute(command, options, done, client)
  local uri, bufnr
  if client then
    bufnr = vim.api.nvim_get_current_buf()
  else
    client, uri, bufnr = target()
    if not client then
      return
    end
  end
  options.uri = options.uri or uri
  viewls.request(client, "workspace/executeCommand", { command = command, arguments = { options } },
    function(err, result)
      if err then
        viewls.notify(command .. " failed: " .. (err.message or vim.inspect(err)), ERROR)
      else
        done(result)
      end
    end, bufnr)
end

--- Show `lines` in the scratch buffer called `name`, reusing its window if visible.
function M.scratch(name, lines, filetype)
  local bufnr
  for _, candidate in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_get_name(candidate) == name then
      bufnr = candidate
    end
  end
  if not bufnr then
    bufnr = vim.api.nvim_create_buf(false, true)
    vim.api.nvim_buf_set_name(bufnr, name)
    vim.api.nvim_buf_set_option(bufnr, "bufhidden", "hide")
  end
  vim.api.nvim_buf_set_option(bufnr, "modifiable", true)
  vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, lines)
  vim.api.nvim_buf_set_option(bufnr, "modifiable", false)
  vim.api.nvim_buf_set_option(bufnr, "filetype", filetype)
  local window = vim.fn.bufwinid(bufnr)
  if window == -1 then
    vim.cmd("botright split")
    vim.api.nvim_win_set_buf(0, bufnr)
    vim.api.nvim_win_set_option(0, "wrap", false)
  else
    vim.api.nvim_set_current_win(window)
  end
  return bufnr
end

--- The view defined at the cursor, from the server's document symbols (a view is a
--- class symbol): a spec file or builder module defines several, each at its row. The
--- symbol whose range holds the cursor line, else the last one starting above it; nil
--- when the buffer is no view source (the server then picks a file's only view).
function M.view_at_cursor()
  local client, uri, bufnr = target()
  if not client or not uri then
    return nil
  end
  local response = viewls.request_sync(client, "textDocument/documentSymbol", { textDocument = { uri = uri } }, 2000, bufnr)
  local line = vim.api.nvim_win_get_cursor(0)[1] - 1
  local above
  for _, symbol in ipairs(response and response.result or {}) do
    local range = symbol.range or (symbol.location or {}).range
    if symbol.kind == vim.lsp.protocol.SymbolKind.Class and range and range.start.line <= line then
      if line <= range["end"].line then
        return symbol.name
      end
      if not above or range.start.line > above.line then
        above = { name = symbol.name, line = range.start.line }
      end
    end
  end
  return above and above.name
end

--- :ViewlsMaterialize: the views named (selectors), every view, or the buffer's view.
function M.materialize(views, all)
  local options = {}
  if all then
    options.all = true
  elseif #views > 0 then
    options.views = views
  elseif vim.api.nvim_buf_get_option(0, "modified") then
    viewls.notify("save the buffer first: runs use the files on disk", ERROR)
    return
  else
    local view = M.view_at_cursor()
    options.views = view and { view } or nil
  end
  M.run_materialize(options)
end

function M.run_materialize(options, client)
  M.execute("viewls.materialize", options, function(result)
    local lines = render.summary(result)
    local failed = (result.summary or {}).failed or 0
    viewls.notify(table.concat(lines, "\n"), failed > 0 and ERROR or vim.log.levels.INFO)
    vim.api.nvim_exec_autocmds("User", { pattern = "ViewlsMaterialized", modeline = false })
  end, client)
end

--- :ViewlsPreview: rows of `view` (nil: the view at the cursor) in a scratch buffer.
function M.preview(view, limit)
  M.run_preview({ view = view or M.view_at_cursor(), limit = limit })
end

function M.run_preview(options, client)
  options.limit = options.limit or viewls.config.preview.limit
  M.execute("viewls.preview", options, function(result)
    local lines = render.table(result, viewls.config.preview.max_width)
    M.scratch("viewls://preview/" .. (result.view or options.view or "view"), lines, "viewls-preview")
  end, client)
end

-- Render DOT text to an image with graphviz, asynchronously; `done(path)` when written.
local function render_image(dot, name, done)
  local format = viewls.config.graph.image_format
  if not format or vim.fn.executable("dot") ~= 1 then
    return
  end
  local directory = vim.fn.stdpath("cache") .. "/viewls"
  vim.fn.mkdir(directory, "p")
  local source = ("%s/graph-%s.dot"):format(directory, name)
  local image = ("%s/graph-%s.%s"):format(directory, name, format)
  vim.fn.writefile(vim.split(dot, "\n", { plain = true }), source)
  vim.fn.jobstart({ "dot", "-T" .. format, "-o", image, source }, {
    stderr_buffered = true,
    on_stderr = function(_, data)
      local text = vim.trim(table.concat(data or {}, "\n"))
      if text ~= "" then
        viewls.notify("dot: " .. text, vim.log.levels.WARN)
      end
    end,
    on_exit = function(_, code)
      if code == 0 then
        done(image)
      else
        viewls.notify(("dot exited with code %d rendering %s"):format(code, source), ERROR)
      end
    end,
  })
end

--- :ViewlsGraph: the graph of `view`'s neighbourhood (nil: the view at the cursor),
--- or with `whole` of the whole project.
function M.graph(view, whole)
  M.run_graph({ view = whole and vim.NIL or view or M.view_at_cursor() })
end

function M.run_graph(options, client)
  local format = viewls.config.graph.format
  options.format = format
  local name = options.view == vim.NIL and "project" or options.view or vim.fn.expand("%:t:r")
  M.execute("viewls.showGraph", options, function(text)
    local bufnr = M.scratch("viewls://graph/" .. name, vim.split(text, "\n", { plain = true }), format)
    local function show(dot)
      render_image(dot, name, function(image)
        vim.api.nvim_buf_set_var(bufnr, "viewls_graph_image", image)
        viewls.notify("graph image: " .. image)
      end)
    end
    if format == "dot" then
      show(text)
    elseif viewls.config.graph.image_format and vim.fn.executable("dot") == 1 then
      M.execute("viewls.showGraph", vim.tbl_extend("force", options, { format = "dot" }), show, client)
    end
  end, client)
end

--- Client-side handlers for the commands of the server's code lenses, so that running
--- a lens shows its result instead of dropping it (the client config's `commands`).
function M.lens_commands()
  local runners = { ["viewls.materialize"] = M.run_materialize, ["viewls.preview"] = M.run_preview,
    ["viewls.showGraph"] = M.run_graph }
  local handlers = {}
  for name, runner in pairs(runners) do
    handlers[name] = function(command, ctx)
      local options = vim.deepcopy((command.arguments or {})[1] or {})
      runner(options, vim.lsp.get_client_by_id(ctx.client_id))
    end
  end
  return handlers
end

--- View and extract names for command-line completion (from the server's graph).
function M.complete_views(lead)
  local client, uri = target()
  if not client then
    return {}
  end
  local response = viewls.request_sync(client, "workspace/executeCommand",
    { command = "viewls.showGraph", arguments = { { uri = uri, view = vim.NIL, format = "json" } } }, 1000)
  local names = {}
  for _, node in ipairs(response and response.result and response.result.nodes or {}) do
    if node.name:sub(1, #lead) == lead then
      names[#names + 1] = node.name
    end
  end
  table.sort(names)
  return names
end

local function info()
  local lines = {}
  for _, client in ipairs(viewls.clients()) do
    local root = client.config.root_dir
    local status = viewls.statuses[root] or {}
    lines[#lines + 1] = ("client %d: %s (%s)"):format(client.id, root, status.state or "starting")
    if status.state then
      lines[#lines + 1] = "  " .. table.concat({ render.plural(status.views, "view"),
        render.plural(status.extracts, "extract"), render.plural(status.errors, "error"),
        render.plural(status.warnings, "warning") }, ", ") .. (status.message and (": " .. status.message) or "")
    end
    lines[#lines + 1] = "  cmd: " .. table.concat(client.config.cmd, " ")
  end
  if #lines == 0 then
    lines[1] = "no viewls server is running; cmd: " .. table.concat(viewls.config.cmd, " ")
  end
  lines[#lines + 1] = "log: " .. vim.lsp.get_log_path()
  viewls.notify(table.concat(lines, "\n"))
end

function M.create()
  local command = vim.api.nvim_create_user_command
  local complete = function(lead)
    return M.complete_views(lead)
  end
  -- Neovim 0.7 passes { "" } as the arguments of a bare `:Command` with nargs="?".
  local function arguments(opts)
    return vim.tbl_filter(function(a) return a ~= "" end, opts.fargs)
  end
  command("ViewlsMaterialize", function(opts)
    M.materialize(arguments(opts), opts.bang)
  end, { nargs = "*", bang = true, complete = complete,
    desc = "viewls: materialize the current view, the views named (selectors such as +x), or with ! all" })
  command("ViewlsPreview", function(opts)
    local args = arguments(opts)
    local limit = args[2] and tonumber(args[2])
    if args[2] and not limit then
      return viewls.notify("the row count must be a number, e.g. :ViewlsPreview orders 50", ERROR)
    end
    M.preview(args[1], limit)
  end, { nargs = "*", complete = complete, desc = "viewls: first rows of a view [view] [limit]" })
  command("ViewlsGraph", function(opts)
    M.graph(arguments(opts)[1], opts.bang)
  end, { nargs = "?", bang = true, complete = complete,
    desc = "viewls: dependency graph of a view's neighbourhood, or with ! the whole project" })
  command("ViewlsCancel", function()
    viewls.cancel()
  end, { desc = "viewls: cancel the running materializations" })
  command("ViewlsRestart", function()
    viewls.restart()
  end, { desc = "viewls: restart the language servers" })
  command("ViewlsInfo", info, { desc = "viewls: servers, their state and the log path" })
end

return M

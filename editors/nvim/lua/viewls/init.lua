-- viewls for Neovim: starts `viewls serve` for the view sources of viewls projects
-- (SQL views, dataset spec files, builder modules; one client per project root) and
-- adds commands for the server's materialize, preview and graph commands. Neovim 0.11+
-- gets a vim.lsp.config("viewls") and vim.lsp.enable; older ones (down to 0.7) a
-- FileType autocmd that starts clients itself.
local project = require("viewls.project")

local M = {}

M.defaults = {
  cmd = { "viewls", "serve" },
  -- SQL views, TOML spec files (and viewls.toml), Python builder modules.
  filetypes = { "sql", "toml", "python" },
  root_markers = { "viewls.toml" },
  settings = {},
  init_options = nil,
  on_attach = nil,
  capabilities = nil,
  autostart = true,
  -- Attach only to the project's view sources (its `[project]` views, specs and
  -- builders globs) and its viewls.toml; false: any file of a filetype above inside a
  -- project root.
  only_view_files = true,
  preview = { limit = 20 },
  -- "mermaid" or "dot"; with graphviz's `dot` on PATH the graph is also rendered to
  -- an image of `image_format` (false: never).
  graph = { format = "mermaid", image_format = "svg" },
  -- vim.notify the begin and end of materializations and analysis failures.
  notify_progress = true,
  -- Show the server's code lenses ("N upstream · M downstream", "▶ Materialize",
  -- "Preview"); run the one under the cursor with vim.lsp.codelens.run().
  codelens = true,
}

M.config = vim.deepcopy(M.defaults)

-- Latest `viewls/status` params per project root (a path), for statuslines.
M.statuses = {}

local legacy_clients = {} -- root -> client id, where vim.lsp.start is missing (0.7)

local function notify(message, level)
  vim.notify("viewls: " .. message, level or vim.log.levels.INFO)
end
M.notify = notify

--- Every running viewls client, or those attached to `bufnr`.
function M.clients(bufnr)
  local all = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
  local found = {}
  for _, client in ipairs(all) do
    if client.name == "viewls" and (bufnr == nil or vim.lsp.buf_is_attached(bufnr, client.id)) then
      found[#found + 1] = client
    end
  end
  return found
end

-- Neovim 0.11 made a client's request/notify/request_sync methods (client:request); before,
-- they are plain function fields.
local client_methods = vim.fn.has("nvim-0.11") == 1

local function call(client, name, ...)
  if client_methods then
    return client[name](client, ...)
  end
  return client[name](...)
end

--- Send a request through one client.
function M.request(client, method, params, handler, bufnr)
  return call(client, "request", method, params, handler, bufnr)
end

function M.notify_server(client, method, params)
  return call(client, "notify", method, params)
end

function M.request_sync(client, method, params, timeout, bufnr)
  return call(client, "request_sync", method, params, timeout, bufnr)
end

local function root_uri(params)
  return params.root and vim.uri_to_fname(params.root) or nil
end

local function on_status(_, params)
  local root = root_uri(params)
  if root then
    local previous = M.statuses[root]
    M.statuses[root] = params
    if params.state == "failed" and M.config.notify_progress
      and not (previous and previous.state == "failed" and previous.message == params.message) then
      notify(params.name .. " could not be analysed: " .. (params.message or "see :ViewlsInfo"), vim.log.levels.ERROR)
    end
  end
  vim.api.nvim_exec_autocmds("User", { pattern = "ViewlsStatus", modeline = false })
end

-- $/progress from the server's materialize runs: the begin as a notification (the
-- command notifies the summary), then on to Neovim's own handler (its progress UI).
-- Running tokens are kept for :ViewlsCancel.
local running = {} -- token -> client id
local function on_progress(err, result, ctx, config)
  local value = result and result.value
  if value and value.kind == "begin" and (value.title or ""):match("^viewls") then
    running[result.token] = ctx.client_id
    if M.config.notify_progress then
      notify(value.title:gsub("^viewls: ", "") .. (value.message and (": " .. value.message) or ""))
    end
  elseif value and value.kind == "end" then
    running[result.token] = nil
  end
  local default = vim.lsp.handlers["$/progress"]
  if default then
    return default(err, result, ctx, config)
  end
end

local function refresh_lenses(bufnr)
  -- 0.7's refresh() takes no arguments and refreshes the current buffer.
  if M.config.codelens and vim.api.nvim_get_current_buf() == bufnr then
    pcall(vim.lsp.codelens.refresh, { bufnr = bufnr })
  end
end

local function on_attach(client, bufnr)
  if M.config.codelens then
    local group = vim.api.nvim_create_augroup("viewls_lenses_" .. bufnr, { clear = true })
    vim.api.nvim_create_autocmd({ "BufEnter", "InsertLeave", "BufWritePost" }, {
      group = group,
      buffer = bufnr,
      callback = function()
        refresh_lenses(bufnr)
      end,
    })
    -- Counts change when the analysis of other views ends.
    vim.api.nvim_create_autocmd("User", {
      group = group,
      pattern = "ViewlsStatus",
      callback = function()
        refresh_lenses(bufnr)
      end,
    })
    refresh_lenses(bufnr)
  end
  if M.config.on_attach then
    M.config.on_attach(client, bufnr)
  end
end

local function capabilities()
  local base = M.config.capabilities or vim.lsp.protocol.make_client_capabilities()
  base = vim.deepcopy(base)
  base.experimental = vim.tbl_extend("force", base.experimental or {}, { viewlsStatus = true })
  base.window = vim.tbl_extend("force", base.window or {}, { workDoneProgress = true })
  return base
end

--- The client configuration for the project at `root` (nil: for vim.lsp.config,
--- which finds the root with `root_dir` below).
function M.client_config(root)
  local config = M.config
  return {
    name = "viewls",
    cmd = config.cmd,
    filetypes = config.filetypes,
    root_dir = root,
    workspace_folders = root and { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ":t") } } or nil,
    capabilities = capabilities(),
    settings = config.settings,
    init_options = config.init_options,
    handlers = { ["viewls/status"] = on_status, ["$/progress"] = on_progress },
    on_attach = on_attach,
    commands = require("viewls.commands").lens_commands(),
    on_exit = function(_, _, client_id)
      if root then
        legacy_clients[root] = nil
      end
      -- Neovim 0.7 keeps a stopped client's diagnostics on buffers it never attached to
      -- (the server publishes every file's): they would outlive a :ViewlsRestart.
      vim.schedule(function()
        vim.diagnostic.reset(vim.lsp.diagnostic.get_namespace(client_id))
      end)
    end,
  }
end

--- The configuration for Neovim 0.11's vim.lsp.config("viewls", ...): the client
--- configuration with a `root_dir` function that accepts view sources of projects only.
function M.lsp_config()
  local config = M.client_config(nil)
  config.root_dir = function(bufnr, on_dir)
    local root = M.buffer_root(bufnr)
    -- The resolved config: the user's vim.lsp.config("viewls", ...) may set cmd.
    if root and M.check_cmd(vim.lsp.config.viewls.cmd) then
      on_dir(root)
    end
  end
  return config
end

--- The project root `bufnr` belongs to as a view source (or its viewls.toml), or nil.
function M.buffer_root(bufnr)
  if vim.api.nvim_buf_get_option(bufnr, "buftype") ~= "" then
    return nil
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == "" or name:match("^%a[%w+.-]*://") then
    return nil
  end
  if M.config.only_view_files then
    return project.source_root(name, M.config.root_markers)
  end
  return project.find_root(name, M.config.root_markers)
end

local reported_cmd = nil -- the missing executable already reported, to say it once

--- Whether the server executable of `cmd` (default: the configured one) exists; says
--- how to fix it (once) when not. A function `cmd` (0.11's RPC client) is trusted.
function M.check_cmd(cmd)
  cmd = cmd or M.config.cmd
  local executable = type(cmd) == "table" and cmd[1]
  if not executable or vim.fn.executable(executable) == 1 then
    return true
  end
  if reported_cmd ~= executable then
    reported_cmd = executable
    notify(("cannot start the server: %q is not executable. Install viewls (pip install viewls) or set "
      .. "`cmd` in require('viewls').setup{}, e.g. cmd = { '/path/to/.venv/bin/viewls', 'serve' }"):format(executable),
      vim.log.levels.ERROR)
  end
  return false
end

-- Neovim 0.11+: clients are configured with vim.lsp.config and started by vim.lsp.enable.
local function modern()
  return vim.lsp.config ~= nil and vim.lsp.enable ~= nil
end

--- Start (or reuse) the client of the buffer's project and attach it. Returns the
--- client id, or nil when the buffer is not a view of a project.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local root = M.buffer_root(bufnr)
  if not root then
    return nil
  end
  if vim.lsp.start then
    -- Reuses the running client with the same name and root_dir. With 0.11's
    -- vim.lsp.config, the user's own overrides of "viewls" apply too.
    local config = M.client_config(root)
    if modern() then
      config = vim.tbl_extend("force", vim.lsp.config.viewls, { root_dir = root, workspace_folders = config.workspace_folders })
    end
    return M.check_cmd(config.cmd) and vim.lsp.start(config, { bufnr = bufnr }) or nil
  end
  if not M.check_cmd() then
    return nil
  end
  local id = legacy_clients[root]
  if not id or not vim.lsp.get_client_by_id(id) then
    id = vim.lsp.start_client(M.client_config(root))
    if not id then
      notify("could not start " .. table.concat(M.config.cmd, " "), vim.log.levels.ERROR)
      return nil
    end
    legacy_clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- Stop every viewls client and start them again for the buffers they served.
function M.restart()
  local buffers, ids = {}, {}
  for _, client in ipairs(M.clients()) do
    ids[#ids + 1] = client.id
    for bufnr in pairs(client.attached_buffers or {}) do
      buffers[#buffers + 1] = bufnr
    end
  end
  if #ids == 0 then
    buffers = { vim.api.nvim_get_current_buf() }
  end
  vim.lsp.stop_client(ids)
  local function stopped()
    for _, id in ipairs(ids) do
      if vim.lsp.get_client_by_id(id) then
        return false
      end
    end
    return true
  end
  local tries = 0
  local function again()
    tries = tries + 1
    if not stopped() and tries < 50 then
      return vim.defer_fn(again, 100)
    end
    legacy_clients = {}
    for _, bufnr in ipairs(buffers) do
      if vim.api.nvim_buf_is_loaded(bufnr) then
        M.attach(bufnr)
      end
    end
    notify("restarted")
  end
  again()
end

--- Cancel the running materializations (they stop at their next batch of rows).
--- Returns how many were asked to stop.
function M.cancel()
  local count = 0
  for token, id in pairs(running) do
    local client = vim.lsp.get_client_by_id(id)
    if client then
      M.notify_server(client, "window/workDoneProgress/cancel", { token = token })
      count = count + 1
    end
    running[token] = nil
  end
  notify(count > 0 and "cancelling the materialization" or "nothing is running")
  return count
end

--- A short status for statuslines: "viewls: shop ready, 1 error".
function M.status(bufnr)
  -- The attached client knows the root: no file system look-ups on each redraw.
  local client = M.clients(bufnr or vim.api.nvim_get_current_buf())[1]
  local status = client and M.statuses[client.config.root_dir]
  if not status then
    return ""
  end
  local text = ("viewls: %s %s"):format(status.name, status.state)
  if status.state == "ready" and (status.errors > 0 or status.warnings > 0) then
    local render = require("viewls.render")
    text = text .. ", " .. render.plural(status.errors, "error") .. ", " .. render.plural(status.warnings, "warning")
  end
  return text
end

local function validate(options)
  vim.validate({
    cmd = { options.cmd, "table" },
    filetypes = { options.filetypes, "table" },
    root_markers = { options.root_markers, "table" },
    settings = { options.settings, "table" },
    on_attach = { options.on_attach, "function", true },
    capabilities = { options.capabilities, "table", true },
    autostart = { options.autostart, "boolean" },
    ["preview.limit"] = { options.preview.limit, "number" },
    ["graph.format"] = { options.graph.format, function(f) return f == "mermaid" or f == "dot" end, '"mermaid" or "dot"' },
  })
  if #options.cmd == 0 then
    error("viewls: `cmd` must name the server executable, e.g. { 'viewls', 'serve' }")
  end
end

function M.setup(options)
  local merged = vim.tbl_deep_extend("force", vim.deepcopy(M.defaults), options or {})
  -- Lists replace the defaults instead of merging index by index.
  for _, key in ipairs({ "cmd", "filetypes", "root_markers" }) do
    if options and options[key] then
      merged[key] = options[key]
    end
  end
  validate(merged)
  M.config = merged
  require("viewls.commands").create()
  local group = vim.api.nvim_create_augroup("viewls", { clear = true })
  if modern() then
    vim.lsp.config("viewls", M.lsp_config())
    if M.config.autostart then
      vim.lsp.enable("viewls")
    end
  elseif M.config.autostart then
    vim.api.nvim_create_autocmd("FileType", {
      group = group,
      pattern = M.config.filetypes,
      callback = function(args)
        M.attach(args.buf)
      end,
    })
  end
  -- Buffers opened before setup() ran (e.g. lazy-loading on the sql filetype).
  if M.config.autostart then
    for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(bufnr)
        and vim.tbl_contains(M.config.filetypes, vim.api.nvim_buf_get_option(bufnr, "filetype")) then
        M.attach(bufnr)
      end
    end
  end
end

return M

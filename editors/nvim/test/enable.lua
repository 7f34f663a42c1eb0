-- Neovim 0.11+ without setup(): `vim.lsp.enable("viewls")` finds lsp/viewls.lua on the
-- runtimepath and plugin/viewls.lua has made the commands. Run by test/run.sh with
-- --clean (plugins load) instead of -u NONE; quits with cquit 0 or 1.
local project = assert(os.getenv("VIEWLS_TEST_PROJECT"), "set VIEWLS_TEST_PROJECT")
local server = assert(os.getenv("VIEWLS_TEST_SERVER"), "set VIEWLS_TEST_SERVER")

local function run()
  vim.cmd("filetype on")
  vim.lsp.config("viewls", { cmd = { server, "serve" } })
  vim.lsp.enable("viewls")
  vim.cmd("edit " .. vim.fn.fnameescape(project .. "/views/users_clean.sql"))
  local viewls = require("viewls")
  assert(vim.wait(30000, function() return #viewls.clients(0) == 1 end, 50), "vim.lsp.enable did not attach viewls")
  assert(viewls.clients(0)[1].config.root_dir == project, "wrong root " .. tostring(viewls.clients(0)[1].config.root_dir))
  assert(vim.fn.exists(":ViewlsPreview") == 2, "plugin/viewls.lua did not create :ViewlsPreview")
  vim.cmd("ViewlsPreview")
  local preview
  assert(vim.wait(30000, function()
    preview = vim.fn.bufnr("viewls://preview/users_clean")
    return preview > 0
  end, 50), ":ViewlsPreview showed nothing")
  local lines = vim.api.nvim_buf_get_lines(preview, 0, -1, false)
  assert(#lines == 3 + 20, "expected 20 rows (the default limit), got:\n" .. table.concat(lines, "\n"))
end

local ok, err = xpcall(run, debug.traceback)
io.stdout:write(ok and "vim.lsp.enable without setup(): PASS\n" or ("vim.lsp.enable without setup(): FAIL\n  " .. err .. "\n"))
vim.cmd("cquit " .. (ok and 0 or 1))

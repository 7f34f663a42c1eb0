-- The user commands exist as soon as the plugin is on the runtimepath, so that they
-- also work with `vim.lsp.enable("viewls")` alone; servers start only after setup()
-- or vim.lsp.enable.
if vim.g.loaded_viewls then
  return
end
vim.g.loaded_viewls = true
require("viewls.commands").create()

-- Neovim 0.11+ reads lsp/<name>.lua from the runtimepath: with this file
-- `vim.lsp.enable("viewls")` works without setup() (default options); setup() layers
-- its options on top through vim.lsp.config("viewls", ...).
return require("viewls").lsp_config()

-- require('ssmd').setup(): ssmd-ls for every registry file, on any Neovim from 0.7.
-- On 0.11+ it is `vim.lsp.enable('ssmd')` (lsp/ssmd.lua); before, the autocommand client of
-- editors/nvim/ssmd-legacy.lua (vim.lsp.start_client, one client per registry root).
local M = {}

local function repository()
  local here = debug.getinfo(1, 'S').source:sub(2) -- <repo>/lua/ssmd/init.lua
  return vim.fn.fnamemodify(here, ':p:h:h:h')
end

function M.setup()
  if vim.lsp.enable then
    vim.lsp.enable('ssmd')
  else
    dofile(repository() .. '/editors/nvim/ssmd-legacy.lua')
  end
end

return M

-- ssmd-ls for Neovim 0.11+: a config file in the `lsp/` folder of the runtimepath.
-- Copy this file to ~/.config/nvim/lsp/ssmd.lua and add `vim.lsp.enable('ssmd')` to init.lua
-- (or use editors/nvim/ssmd-0.11.lua, which does both in one place).
-- Why a root_dir function: only files of an ssmd registry (exchanges/**/*.yaml and *.capnp)
-- go to the server; other YAML in the same project is left to other tools.

local function server_cmd(root)
  if vim.fn.executable('ssmd-ls') == 1 then
    return { 'ssmd-ls' }
  end
  local venv_python = root and (root .. '/.venv/bin/python')
  if venv_python and vim.fn.executable(venv_python) == 1 then
    return { venv_python, '-m', 'ssmd_ls' }
  end
  return { 'python3', '-m', 'ssmd_ls' }
end

return {
  cmd = function(dispatchers)
    local root = vim.fs.root(0, 'exchanges') or vim.fn.getcwd()
    return vim.lsp.rpc.start(server_cmd(root), dispatchers, { cwd = root })
  end,
  filetypes = { 'yaml', 'capnp' },
  root_dir = function(bufnr, on_dir)
    local name = vim.api.nvim_buf_get_name(bufnr)
    local root = vim.fs.root(bufnr, 'exchanges')
    if root and (name:match('%.capnp$') or vim.startswith(name, root .. '/exchanges/')) then
      on_dir(root)
    end
  end,
  -- What the server reads at start and answers to workspace/configuration: asOf = '' is today.
  init_options = { settings = { asOf = '' } },
  settings = { ssmd = { asOf = '' } },
}

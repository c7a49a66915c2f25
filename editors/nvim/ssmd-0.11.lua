-- ssmd-ls for Neovim 0.11+ (vim.lsp.config / vim.lsp.enable), in one snippet for init.lua.
-- Needs `ssmd-ls` on PATH, or a `.venv` with ssmd in the registry's root, or
-- `python3 -m ssmd_ls` working.

-- *.capnp files get their own filetype (Neovim may not know the extension).
vim.filetype.add({ extension = { capnp = 'capnp' } })

vim.lsp.config('ssmd', {
  cmd = function(dispatchers)
    local root = vim.fs.root(0, 'exchanges') or vim.fn.getcwd()
    local cmd = { 'python3', '-m', 'ssmd_ls' }
    if vim.fn.executable('ssmd-ls') == 1 then
      cmd = { 'ssmd-ls' }
    elseif vim.fn.executable(root .. '/.venv/bin/python') == 1 then
      cmd = { root .. '/.venv/bin/python', '-m', 'ssmd_ls' }
    end
    return vim.lsp.rpc.start(cmd, dispatchers, { cwd = root })
  end,
  filetypes = { 'yaml', 'capnp' },
  -- Only registry files: exchanges/**/*.yaml and *.capnp under a folder holding exchanges/.
  root_dir = function(bufnr, on_dir)
    local name = vim.api.nvim_buf_get_name(bufnr)
    local root = vim.fs.root(bufnr, 'exchanges')
    if root and (name:match('%.capnp$') or vim.startswith(name, root .. '/exchanges/')) then
      on_dir(root)
    end
  end,
  init_options = { settings = { asOf = '' } }, -- '' = today (UTC); or 'YYYY-MM-DD'
  settings = { ssmd = { asOf = '' } },
})
vim.lsp.enable('ssmd')

-- :SsmdAsOf 2025-06-01 resolves versions as of that day; :SsmdAsOf alone goes back to today.
vim.api.nvim_create_user_command('SsmdAsOf', function(opts)
  local arguments = opts.args ~= '' and { opts.args } or {}
  vim.lsp.buf_request(0, 'workspace/executeCommand',
    { command = 'ssmd.setAsOf', arguments = arguments })
end, { nargs = '?', desc = 'ssmd: set the as-of date (YYYY-MM-DD, empty for today)' })

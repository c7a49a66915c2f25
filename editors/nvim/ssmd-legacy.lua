-- ssmd-ls for Neovim 0.7-0.10 without plugins (vim.lsp.start_client + an autocommand).
-- One client per registry root; every exchanges/**/*.yaml and *.capnp buffer attaches to it.

local clients = {} -- registry root -> client id

local function find_root(path)
  local dir = vim.fn.fnamemodify(path, ':p:h')
  while dir and dir ~= '' do
    if vim.fn.isdirectory(dir .. '/exchanges') == 1 then
      return dir
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      return nil
    end
    dir = parent
  end
  return nil
end

local function server_cmd(root)
  if vim.fn.executable('ssmd-ls') == 1 then
    return { 'ssmd-ls' }
  end
  if vim.fn.executable(root .. '/.venv/bin/python') == 1 then
    return { root .. '/.venv/bin/python', '-m', 'ssmd_ls' }
  end
  return { 'python3', '-m', 'ssmd_ls' }
end

local function attach(args)
  local path = vim.api.nvim_buf_get_name(args.buf)
  local root = find_root(path)
  if not root then
    return
  end
  if not path:match('%.capnp$') and path:sub(1, #root + 11) ~= root .. '/exchanges/' then
    return
  end
  local id = clients[root]
  if not id or not vim.lsp.get_client_by_id(id) then
    id = vim.lsp.start_client({
      name = 'ssmd',
      cmd = server_cmd(root),
      cmd_cwd = root,
      root_dir = root,
      workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
      init_options = { settings = { asOf = '' } }, -- '' = today (UTC); or 'YYYY-MM-DD'
      settings = { ssmd = { asOf = '' } },
      flags = { debounce_text_changes = 150 },
    })
    clients[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(args.buf, id)
  end
end

vim.api.nvim_create_autocmd({ 'BufReadPost', 'BufNewFile' }, {
  pattern = { '*/exchanges/*.yaml', '*.capnp' },
  callback = attach,
  desc = 'ssmd: start or attach ssmd-ls',
})

-- :SsmdAsOf 2025-06-01 resolves versions as of that day; :SsmdAsOf alone goes back to today.
vim.api.nvim_create_user_command('SsmdAsOf', function(opts)
  local arguments = opts.args ~= '' and { opts.args } or {}
  vim.lsp.buf_request(0, 'workspace/executeCommand',
    { command = 'ssmd.setAsOf', arguments = arguments })
end, { nargs = '?', desc = 'ssmd: set the as-of date (YYYY-MM-DD, empty for today)' })

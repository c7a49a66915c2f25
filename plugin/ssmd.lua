-- ssmd for Neovim, loaded when this repository is on the runtimepath (lazy.nvim, packer,
-- vim-plug, or a pack/*/start folder). It starts nothing by itself: 0.11+ users write
-- `vim.lsp.enable('ssmd')` (the config is lsp/ssmd.lua), 0.7-0.10 users
-- `require('ssmd').setup()`.
if vim.g.loaded_ssmd then
  return
end
vim.g.loaded_ssmd = true

if vim.filetype and vim.filetype.add then
  vim.filetype.add({ extension = { capnp = 'capnp' } }) -- Neovim may not know the extension
end

-- :SsmdAsOf 2025-06-01 resolves versions as of that day; :SsmdAsOf alone goes back to today.
vim.api.nvim_create_user_command('SsmdAsOf', function(opts)
  local arguments = opts.args ~= '' and { opts.args } or {}
  vim.lsp.buf_request(0, 'workspace/executeCommand',
    { command = 'ssmd.setAsOf', arguments = arguments })
end, { nargs = '?', desc = 'ssmd: set the as-of date (YYYY-MM-DD, empty for today)' })

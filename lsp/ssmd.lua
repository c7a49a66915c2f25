---@brief
---
--- https://github.com/ssmd/ssmd-metadata (PyPI: ssmd-metadata)
---
--- `ssmd-ls`: the language server of ssmd market-data registries (`exchanges/` YAML and
--- Cap'n Proto schemas): diagnostics with SSMD codes, hover, completion, go to definition,
--- references, rename and code actions. Install the server with
--- `pipx install ssmd-metadata` (or `pip install ssmd-metadata`), put this repository (or
--- just this file) on the runtimepath, then in init.lua:
---
--- ```lua
--- vim.lsp.enable('ssmd')
--- ```
---
--- The root is the nearest folder holding `exchanges/`; a monorepo with several registries
--- gets one client per registry. Settings: `settings = { ssmd = { asOf = 'YYYY-MM-DD' } }`
--- ('' is today, UTC). Without `ssmd-ls` on PATH, `<root>/.venv/bin/python -m ssmd_ls` and
--- then `python3 -m ssmd_ls` are tried.

local function server_cmd(root)
  if vim.fn.executable('ssmd-ls') == 1 then
    return { 'ssmd-ls' }
  end
  local venv_python = root .. '/.venv/bin/python'
  if vim.fn.executable(venv_python) == 1 then
    return { venv_python, '-m', 'ssmd_ls' }
  end
  return { 'python3', '-m', 'ssmd_ls' }
end

---@type vim.lsp.Config
return {
  cmd = function(dispatchers, config)
    local root = (config and config.root_dir) or vim.fs.root(0, 'exchanges') or vim.fn.getcwd()
    return vim.lsp.rpc.start(server_cmd(root), dispatchers, { cwd = root })
  end,
  filetypes = { 'yaml', 'capnp' },
  root_markers = { 'exchanges' },
  -- What the server reads at start and answers to workspace/configuration: '' is today.
  init_options = { settings = { asOf = '' } },
  settings = { ssmd = { asOf = '' } },
}

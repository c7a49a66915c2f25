-- ssmd-ls with nvim-lspconfig (its `setup{}` style, Neovim 0.8-0.10 or 0.11 with lspconfig).
-- nvim-lspconfig has no built-in `ssmd` entry, so the snippet registers one first.
local configs = require('lspconfig.configs')
local util = require('lspconfig.util')

vim.filetype.add({ extension = { capnp = 'capnp' } })

if not configs.ssmd then
  configs.ssmd = {
    default_config = {
      cmd = { 'ssmd-ls' }, -- or { '/path/to/.venv/bin/python', '-m', 'ssmd_ls' }
      filetypes = { 'yaml', 'capnp' },
      -- Only registry files: a buffer outside <root>/exchanges/ (and not .capnp) gets no client.
      root_dir = function(fname)
        local root = util.root_pattern('exchanges')(fname)
        if root and (fname:match('%.capnp$') or vim.startswith(fname, root .. '/exchanges/')) then
          return root
        end
        return nil
      end,
      init_options = { settings = { asOf = '' } },
      settings = { ssmd = { asOf = '' } },
      single_file_support = false,
    },
    docs = { description = 'ssmd-ls: the ssmd metadata registry language server' },
  }
end

require('lspconfig').ssmd.setup({})

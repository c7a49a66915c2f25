-- What every headless Neovim run of the tests shares (0.7 and 0.11): start ssmd-ls on the
-- open buffer, write the result to $SSMD_OUT as JSON and quit, and run the script's body
-- once Neovim has started (an error is written as the result, never a hang).
local M = {}
local out = os.getenv("SSMD_OUT")

function M.finish(result)
  local file = io.open(out, "w")
  file:write(vim.fn.json_encode(result))
  file:close()
  vim.cmd("qa!")
end

-- Starts the server for the current buffer; `extra` fields go into the client config.
function M.start(extra)
  local config = {
    name = "ssmd",
    cmd = { os.getenv("SSMD_PYTHON"), "-m", "ssmd_ls" },
    root_dir = os.getenv("SSMD_ROOT"),
  }
  for key, value in pairs(extra or {}) do
    config[key] = value
  end
  if vim.fn.has("nvim-0.10") == 1 then
    return vim.lsp.start(config)
  end
  local client_id = vim.lsp.start_client(config)
  vim.lsp.buf_attach_client(0, client_id)
  return client_id
end

function M.on_enter(run)
  vim.api.nvim_create_autocmd("VimEnter", {
    callback = function()
      local ok, err = pcall(run)
      if not ok then
        M.finish({ error = tostring(err) })
      end
    end,
  })
end

return M

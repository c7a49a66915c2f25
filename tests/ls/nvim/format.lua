-- Formats the open file through ssmd-ls from a real, headless Neovim (0.7 and 0.11),
-- with the editor's own formatting command, and writes the buffer's lines to $SSMD_OUT.
local harness = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":h") .. "/harness.lua")

local function run()
  local client_id = harness.start()
  local ready = vim.wait(60000, function()
    local client = vim.lsp.get_client_by_id(client_id)
    if client == nil then
      return false
    end
    -- server_capabilities is filled in when the initialize answer arrives (0.7 and 0.11)
    return client.server_capabilities ~= nil and next(client.server_capabilities) ~= nil
  end, 100)
  local client = vim.lsp.get_client_by_id(client_id)
  local capabilities = client and client.server_capabilities or {}
  local result = { ready = ready, advertised = capabilities.documentFormattingProvider == true }
  if vim.fn.has("nvim-0.8") == 1 then
    vim.lsp.buf.format({ timeout_ms = 20000 })
  else
    vim.lsp.buf.formatting_sync(nil, 20000)
  end
  result.lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  harness.finish(result)
end

harness.on_enter(run)

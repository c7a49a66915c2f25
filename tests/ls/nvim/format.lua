-- Formats the open file through ssmd-ls from a real, headless Neovim (0.7 and 0.11),
-- with the editor's own formatting command, and writes the buffer's lines to $SSMD_OUT.
local root = os.getenv("SSMD_ROOT")
local out = os.getenv("SSMD_OUT")
local python = os.getenv("SSMD_PYTHON")

local function finish(result)
  local file = io.open(out, "w")
  file:write(vim.fn.json_encode(result))
  file:close()
  vim.cmd("qa!")
end

local function run()
  local config = { name = "ssmd", cmd = { python, "-m", "ssmd_ls" }, root_dir = root }
  local client_id
  if vim.fn.has("nvim-0.10") == 1 then
    client_id = vim.lsp.start(config)
  else
    client_id = vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(0, client_id)
  end
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
  finish(result)
end

vim.api.nvim_create_autocmd("VimEnter", {
  callback = function()
    local ok, err = pcall(run)
    if not ok then
      finish({ error = tostring(err) })
    end
  end,
})

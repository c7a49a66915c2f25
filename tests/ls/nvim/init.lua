-- Drives ssmd-ls from a real, headless Neovim (0.7 and 0.11): wait for the
-- server's diagnostics on the open file, ask for a hover and a completion,
-- write what the editor got to $SSMD_OUT as JSON, quit.
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
  local result = { version = tostring(vim.version().major) .. "." .. tostring(vim.version().minor) }
  local config = {
    name = "ssmd",
    cmd = { python, "-m", "ssmd_ls" },
    root_dir = root,
    flags = { debounce_text_changes = 0 },
  }
  local client_id
  if vim.fn.has("nvim-0.10") == 1 then
    client_id = vim.lsp.start(config)
  else
    client_id = vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(0, client_id)
  end
  result.client = client_id ~= nil
  local got = vim.wait(60000, function()
    return #vim.diagnostic.get(0) > 0
  end, 100)
  result.diagnostics = {}
  if got then
    for _, d in ipairs(vim.diagnostic.get(0)) do
      table.insert(result.diagnostics, {
        line = d.lnum, col = d.col, message = d.message,
        code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code),
        source = d.source,
      })
    end
  end
  local uri = vim.uri_from_bufnr(0)
  local hover = vim.lsp.buf_request_sync(0, "textDocument/hover", {
    textDocument = { uri = uri }, position = { line = 2, character = 9 },
  }, 20000)
  result.hover = ""
  for _, answer in pairs(hover or {}) do
    if answer.result and answer.result.contents then
      result.hover = answer.result.contents.value or ""
    end
  end
  local completion = vim.lsp.buf_request_sync(0, "textDocument/completion", {
    textDocument = { uri = uri }, position = { line = 1, character = 6 },
  }, 20000)
  result.completion = {}
  for _, answer in pairs(completion or {}) do
    local items = answer.result and (answer.result.items or answer.result) or {}
    for _, item in ipairs(items) do
      table.insert(result.completion, item.label)
    end
  end
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

-- Drives ssmd-ls from a real, headless Neovim (0.7 and 0.11): wait for the
-- server's diagnostics on the open file, ask for a hover and a completion,
-- write what the editor got to $SSMD_OUT as JSON, quit.
local harness = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":h") .. "/harness.lua")

local function run()
  local result = { version = tostring(vim.version().major) .. "." .. tostring(vim.version().minor) }
  local client_id = harness.start({ flags = { debounce_text_changes = 0 } })
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
  harness.finish(result)
end

harness.on_enter(run)

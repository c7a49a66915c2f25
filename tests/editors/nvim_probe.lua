-- Test harness for the documented Neovim snippets (tests/editors/test_nvim_snippets.py):
-- loads the snippet named by $SSMD_SNIPPET exactly as a user's init.lua would, then, once the
-- file is open, waits for the server's diagnostics and asks for a hover and a completion,
-- and writes what it saw to $SSMD_PROBE_OUT as JSON.
dofile(os.getenv('SSMD_SNIPPET'))

local function encode(value)
  if vim.json and vim.json.encode then
    return vim.json.encode(value)
  end
  return vim.fn.json_encode(value)
end

local function finish(result)
  local file = io.open(os.getenv('SSMD_PROBE_OUT'), 'w')
  file:write(encode(result))
  file:close()
  vim.cmd('qa!')
end

local function text_of(contents)
  if type(contents) == 'string' then
    return contents
  end
  if contents.value then
    return contents.value
  end
  local parts = {}
  for _, item in ipairs(contents) do
    table.insert(parts, type(item) == 'string' and item or item.value)
  end
  return table.concat(parts, '\n')
end

vim.api.nvim_create_autocmd('VimEnter', {
  callback = function()
    vim.defer_fn(function()
      local result = { errors = {} }
      local buf = vim.api.nvim_get_current_buf()
      local attached = vim.wait(60000, function()
        return #vim.lsp.get_active_clients({ bufnr = buf }) > 0
      end, 100)
      result.attached = attached
      if not attached then
        table.insert(result.errors, 'no ssmd client attached to ' .. vim.api.nvim_buf_get_name(buf))
        return finish(result)
      end
      vim.wait(60000, function()
        return #vim.diagnostic.get(buf) > 0
      end, 100)
      result.diagnostics = {}
      for _, d in ipairs(vim.diagnostic.get(buf)) do
        table.insert(result.diagnostics, {
          lnum = d.lnum, col = d.col, code = d.code, message = d.message, source = d.source,
        })
      end
      local line = tonumber(os.getenv('SSMD_PROBE_LINE')) -- 0-based line of `feed:`
      local position = { line = line, character = 8 }
      local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = position }
      local hover = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, 20000) or {}
      for _, answer in pairs(hover) do
        if answer.result and answer.result.contents then
          result.hover = text_of(answer.result.contents)
        end
      end
      -- Completion after `feed: ` (the value removed first, as when typing it anew).
      vim.api.nvim_buf_set_lines(buf, line, line + 1, false, { 'feed: ' })
      params.position = { line = line, character = 6 }
      local completion = vim.lsp.buf_request_sync(buf, 'textDocument/completion', params, 20000) or {}
      result.completion = {}
      for _, answer in pairs(completion) do
        local items = answer.result and (answer.result.items or answer.result) or {}
        for _, item in ipairs(items) do
          table.insert(result.completion, item.label)
        end
      end
      finish(result)
    end, 100)
  end,
})

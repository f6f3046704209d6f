-- End-to-end test of `drc lsp` with Neovim's built-in client (0.7.2, Debian's), headless:
-- opens a file with errors through the plugin in editors/nvim, receives its diagnostics,
-- asks for hover, completion and definition, fixes the errors, formats, and checks each
-- answer. Exits non-zero on the first failure.
--
--   DRC=target/debug/drc nvim --headless --clean -u NONE -i NONE -c "luafile editors/nvim/test/e2e.lua"

local drc = os.getenv('DRC') or 'drc'
local here = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h')
vim.opt.runtimepath:prepend(vim.fn.fnamemodify(here, ':h'))
vim.cmd('filetype off')
vim.cmd('filetype plugin on')
vim.cmd('syntax on')

local function fail(message)
  io.stderr:write('nvim e2e: FAILED: ' .. message .. '\n')
  vim.cmd('cquit 1')
end

local function check(condition, message)
  if not condition then
    fail(message)
  end
end

local function write(path, text)
  local file = assert(io.open(path, 'w'))
  file:write(text)
  file:close()
end

local dir = vim.fn.tempname()
vim.fn.mkdir(dir, 'p')
write(dir .. '/shared.dr', 'bucket backups {\n  versioned = true\n}\n')
local main = table.concat({
  'import "shared.dr"',
  '',
  'bucket logs {',
  '  versioned: true',
  '}',
  '',
  'function copy {',
  '  runtime = nodejs24.x',
  '  handler = "index.handler"',
  '  code    = "lambda"',
  '  env { TARGET = backups.name }',
  '  put  backups "daily/"',
  '  read missing',
  '}',
  '',
}, '\n')
write(dir .. '/main.dr', main)

require('drc').setup({ cmd = { drc, 'lsp' } })
vim.cmd('edit ' .. dir .. '/main.dr')
local buf = vim.api.nvim_get_current_buf()
check(vim.bo[buf].filetype == 'dr', 'filetype is dr, not ' .. vim.bo[buf].filetype)
check(vim.b[buf].current_syntax == 'dr', 'the dr syntax is loaded')

-- Diagnostics: the syntax error in `logs` and the undefined name in `copy`, which is
-- still checked.
local arrived = vim.wait(20000, function()
  return #vim.diagnostic.get(buf) >= 2
end, 50)
check(arrived, 'diagnostics arrive: got ' .. #vim.diagnostic.get(buf))
local found = {}
for _, d in ipairs(vim.diagnostic.get(buf)) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
  table.insert(found, string.format('%s@%d:%d', tostring(code), d.lnum, d.col))
end
table.sort(found)
check(vim.deep_equal(found, { 'E0101@3:11', 'E0401@12:7' }), 'diagnostics: ' .. table.concat(found, ' '))

local function request(method, line, character)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = line, character = character },
  }
  local responses = vim.lsp.buf_request_sync(buf, method, params, 10000)
  check(responses ~= nil, method .. ' answered')
  for _, response in pairs(responses) do
    check(response.err == nil, method .. ': ' .. vim.inspect(response.err))
    return response.result
  end
  fail(method .. ': no response')
end

-- Hover on `put`: the actions it grants and where.
local hover = request('textDocument/hover', 11, 3)
local text = hover and hover.contents and hover.contents.value or ''
check(text:find('s3:PutObject', 1, true) ~= nil, 'hover on put: ' .. text)
check(text:find('daily/*', 1, true) ~= nil, 'hover names the ARN: ' .. text)

-- Completion after `runtime = `: the runtimes.
local completion = request('textDocument/completion', 7, 12)
local labels = {}
for _, item in ipairs(completion and (completion.items or completion) or {}) do
  labels[item.label] = true
end
check(labels['nodejs24.x'], 'completion offers nodejs24.x: ' .. vim.inspect(vim.tbl_keys(labels)))

-- Definition of `backups`: in the imported file.
local definition = request('textDocument/definition', 11, 8)
local target = definition and (definition[1] or definition) or {}
check(target.uri == vim.uri_from_fname(dir .. '/shared.dr'), 'definition in shared.dr: ' .. vim.inspect(definition))
check(target.range and target.range.start.line == 0 and target.range.start.character == 7, 'definition range: ' .. vim.inspect(target.range))

-- Fix both errors (the text left unformatted): the errors go away.
vim.api.nvim_buf_set_lines(buf, 3, 4, false, { '    versioned=true' })
vim.api.nvim_buf_set_lines(buf, 12, 13, false, { '  read   backups' })
local cleared = vim.wait(20000, function()
  return #vim.diagnostic.get(buf, { severity = vim.diagnostic.severity.ERROR }) == 0
end, 50)
check(cleared, 'errors cleared after the edit')

-- Formatting: drc fmt's layout.
vim.lsp.buf.formatting_sync(nil, 10000)
local formatted = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n') .. '\n'
local expected = main:gsub('  versioned: true', '  versioned = true'):gsub('read missing', 'read   backups')
check(formatted == expected, 'formatted:\n' .. formatted .. '\nexpected:\n' .. expected)

io.stdout:write('nvim e2e: diagnostics, hover, completion, definition, formatting: ok\n')
vim.cmd('qall!')

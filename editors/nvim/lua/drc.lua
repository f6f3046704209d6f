-- drc for Neovim (0.7 and later): starts `drc lsp` for .dr buffers with the built-in
-- client (`vim.lsp.start_client`, which 0.7 has; `vim.lsp.start` came in 0.8) and attaches
-- every .dr buffer to it.
--
--   require('drc').setup()                        -- `drc` on PATH
--   require('drc').setup({ cmd = { '/path/to/drc', 'lsp' } })

local M = {}

local config = { cmd = { 'drc', 'lsp' } }
local client_id = nil

--- Starts the server once and attaches the buffer to it.
function M.attach(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  if client_id == nil or vim.lsp.get_client_by_id(client_id) == nil then
    local name = vim.api.nvim_buf_get_name(bufnr)
    local root = vim.fn.fnamemodify(name ~= '' and name or '.', ':p:h')
    client_id = vim.lsp.start_client({
      name = 'drc',
      cmd = config.cmd,
      root_dir = root,
      on_attach = config.on_attach,
    })
  end
  if client_id ~= nil then
    vim.lsp.buf_attach_client(bufnr, client_id)
    -- Completion with <C-x><C-o>.
    vim.api.nvim_buf_set_option(bufnr, 'omnifunc', 'v:lua.vim.lsp.omnifunc')
  end
  return client_id
end

--- Sets the command (`cmd`) and an `on_attach(client, bufnr)`, and attaches every .dr
--- buffer opened from now on.
function M.setup(options)
  config = vim.tbl_extend('force', config, options or {})
  vim.cmd([[
    augroup drc_lsp
      autocmd!
      autocmd FileType dr lua require('drc').attach(tonumber(vim.fn.expand('<abuf>')))
    augroup END
  ]])
end

return M

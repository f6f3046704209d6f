" .dr files are drc stacks.
autocmd BufRead,BufNewFile *.dr setfiletype dr

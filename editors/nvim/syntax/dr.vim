" Syntax of .dr files (drc): items, attributes, nested blocks, verbs and values.
if exists('b:current_syntax')
  finish
endif

syntax match drComment "#.*$" contains=@Spell
syntax keyword drImport import
syntax match drItem "^\s*\(stack\|bucket\|function\|schedule\|queue\|topic\|output\|param\)\>\ze\s\+\h\w*" nextgroup=drItemName skipwhite
syntax match drItemName "\h\w*" contained
syntax match drVerb "\<\(read\|list\|put\|delete\|invoke\|read_versions\|list_versions\|delete_versions\|tag\|read_tags\|publish\|send\)\>\ze\s\+\h" nextgroup=drTarget skipwhite
syntax match drTarget "\h\w*" contained
syntax match drKey "\h\w*\ze\s*="
syntax match drBlock "\h\w*\ze\s*\(\"[^"]*\"\s*\)\?{"
syntax keyword drBoolean true false
syntax match drQuantity "\<\d\+\a\+\>"
syntax match drNumber "\<\d\+\>"
syntax match drReference "\<\h\w*\.\(name\|arn\)\>"
syntax region drString start=+"+ skip=+\\.+ end=+"\|$+ contains=drEscape,drInterpolation
syntax match drEscape "\\[\"\\nt]\|\$\${" contained
syntax match drInterpolation "\${\h\w*}" contained

highlight default link drComment Comment
highlight default link drImport Include
highlight default link drItem Keyword
highlight default link drItemName Identifier
highlight default link drVerb Statement
highlight default link drTarget Identifier
highlight default link drKey Type
highlight default link drBlock Structure
highlight default link drBoolean Boolean
highlight default link drQuantity Number
highlight default link drNumber Number
highlight default link drReference Identifier
highlight default link drString String
highlight default link drEscape SpecialChar
highlight default link drInterpolation Special

let b:current_syntax = 'dr'

"""The language server (`modenhet lsp`): the checker's diagnostics for the text being typed, and
completion of evidence paths from the schema, of lets, functions and keywords, over the Language
Server Protocol with pygls. Only `modenhet.cli.lsp` imports it (pygls is an extra).

- `server`: the pygls server, its handlers and what it keeps per document
- `overlay`: a rule set loaded with the editor's unsaved texts
- `diagnostics`: the checker's findings as the protocol publishes them, file by file
- `positions`: the editor's document and its two ways of counting columns
- `context`: what half-typed text says without the parser (paths, lets, the schema line)
- `completion`: completion items for one position
"""

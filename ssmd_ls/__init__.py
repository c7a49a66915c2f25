"""ssmd-ls: the language server for exchanges/ (pygls), a thin adapter over `ssmd`."""

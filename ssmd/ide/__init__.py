"""Editor services: completion, hover, navigation and code lenses, built on the core.

Everything here answers a question an editor asks about one cursor or one file,
from the same `Workspace` index and views the CLI uses. The language server
(`ssmd_ls`) only converts these answers to LSP; nothing in the core imports this
package.
"""

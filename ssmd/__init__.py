"""ssmd metadata: a GitOps registry of market-data feeds, Cap'n Proto schemas and environments.

This package is the one core: loading with source positions, models, rules,
as-of resolution, git history and the data inventory. Front ends (the `ssmd`
CLI in `ssmd.cli`, the language server in `ssmd_ls`) only adapt it.
Importing `ssmd` must stay cheap: no typer, pygls, lsprotocol or boto3 here.
"""

__version__ = "0.1.0"

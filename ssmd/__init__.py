"""ssmd metadata: a GitOps registry of market-data feeds, Cap'n Proto schemas and environments.

This package is the one core: loading with source positions, models, rules,
as-of resolution, git history and the data inventory. Front ends (the `ssmd`
CLI in `ssmd.cli`, the language server in `ssmd_ls`) only adapt it.
Importing `ssmd` must stay cheap: no typer, pygls, lsprotocol or boto3 here,
and the library API below is imported on first use (module `__getattr__`).

The public, semver-covered API is what `__all__` lists; docs/library.md
documents it. Everything else (`ssmd.workspace`, `ssmd.rules`, ...) is internal.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "Registry": "ssmd.registry",
    "RegistryError": "ssmd.registry",
    "InvalidRegistry": "ssmd.registry",
    "UnknownEntity": "ssmd.registry",
    "UnknownFeed": "ssmd.registry",
    "UnknownSchema": "ssmd.registry",
    "UnknownEnvironment": "ssmd.registry",
    "BrokenFile": "ssmd.registry",
    "NotInEffect": "ssmd.registry",
    "FeedEntry": "ssmd.registry",
    "SchemaEntry": "ssmd.registry",
    "EnvironmentEntry": "ssmd.registry",
    "EffectiveConfiguration": "ssmd.effective",
    "EffectiveFeed": "ssmd.effective",
    "EffectiveSchema": "ssmd.effective",
    "EffectiveStorage": "ssmd.effective",
    "EffectiveTransport": "ssmd.effective",
    "KeyVariable": "ssmd.effective",
    "Diagnostic": "ssmd.check",
    "Severity": "ssmd.rules",
}

__all__ = ["__version__", *_EXPORTS]

if TYPE_CHECKING:
    from ssmd.check import Diagnostic as Diagnostic
    from ssmd.effective import (
        EffectiveConfiguration as EffectiveConfiguration,
    )
    from ssmd.effective import (
        EffectiveFeed as EffectiveFeed,
    )
    from ssmd.effective import (
        EffectiveSchema as EffectiveSchema,
    )
    from ssmd.effective import (
        EffectiveStorage as EffectiveStorage,
    )
    from ssmd.effective import (
        EffectiveTransport as EffectiveTransport,
    )
    from ssmd.effective import (
        KeyVariable as KeyVariable,
    )
    from ssmd.registry import (
        BrokenFile as BrokenFile,
    )
    from ssmd.registry import (
        EnvironmentEntry as EnvironmentEntry,
    )
    from ssmd.registry import (
        FeedEntry as FeedEntry,
    )
    from ssmd.registry import (
        InvalidRegistry as InvalidRegistry,
    )
    from ssmd.registry import (
        NotInEffect as NotInEffect,
    )
    from ssmd.registry import (
        Registry as Registry,
    )
    from ssmd.registry import (
        RegistryError as RegistryError,
    )
    from ssmd.registry import (
        SchemaEntry as SchemaEntry,
    )
    from ssmd.registry import (
        UnknownEntity as UnknownEntity,
    )
    from ssmd.registry import (
        UnknownEnvironment as UnknownEnvironment,
    )
    from ssmd.registry import (
        UnknownFeed as UnknownFeed,
    )
    from ssmd.registry import (
        UnknownSchema as UnknownSchema,
    )
    from ssmd.rules import Severity as Severity


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ssmd' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

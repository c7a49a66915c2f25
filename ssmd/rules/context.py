"""What a rule may ask about the rest of the workspace."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ssmd.capnp.compiler import CompileResult
from ssmd.history import RepositoryHistory
from ssmd.models import Feed, FeedVersion, Schema, SchemaVersion
from ssmd.resolve import SchemaRef, resolve_as_of, schema_version_for
from ssmd.workspace import Workspace


@dataclass(slots=True)
class Context:
    workspace: Workspace
    as_of: dt.date
    base: RepositoryHistory | None = None
    """Git pinned at the commit to compare with (SSMD401), when the caller gives one."""

    def feed_version(self, feed: Feed) -> FeedVersion | None:
        return resolve_as_of(feed.versions, self.as_of)

    def schema_version(self, schema: Schema, ref: SchemaRef) -> SchemaVersion | None:
        """The version `ref` means on the checked date (`ssmd.resolve.schema_version_for`)."""
        return schema_version_for(schema, ref, self.as_of)

    @property
    def history(self) -> RepositoryHistory:
        """Git history of the registry (created on first use, shared with the workspace)."""
        return self.workspace.history

    def compiled(self, path: str) -> CompileResult | None:
        return self.workspace.compiled([path]).get(path)

"""The registry's templates for new files, shared by the write side and the rules' fixes.

`ssmd feed create` writes `feed_data`; SSMD301's "Create feed" fix creates
`starter_feed`. Both come from here so that the two can never drift apart, and the
rules need not import the write side to offer a file.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any

from ssmd.document import Kind, registry_path
from ssmd.introspect import model_keys
from ssmd.models import FeedStatus, FeedType, FeedVersion, Protocol
from ssmd.yamlemit import new_text

FEED_VERSION_KEYS = model_keys(FeedVersion)
"""A feed version's keys in declaration order: the order new versions are written in."""


def feed_data(
    name: str,
    feed_type: FeedType,
    entry: Mapping[str, Any],
    *,
    display_name: str | None = None,
    status: FeedStatus | None = None,
) -> dict[str, Any]:
    """The one feed template: a feed with one version (`entry`, keys in model order)."""
    feed: dict[str, Any] = {"name": name}
    if display_name:
        feed["display_name"] = display_name
    feed["type"] = feed_type.value
    if status is not None:
        feed["status"] = status.value
    feed["versions"] = [{key: entry[key] for key in FEED_VERSION_KEYS if key in entry}]
    return feed


@functools.lru_cache(maxsize=256)
def starter_feed(name: str, effective_from: dt.date) -> tuple[str, str] | None:
    """(path, text) of a valid feed to fill in, for a reference to a feed that does not exist
    (SSMD301's "Create feed" fix); the endpoint is a placeholder, marked as one. None when
    the name cannot be written as a feed that reads back.

    Cached: every check of every environment naming a missing feed asks again (a feed
    deleted under 500 environments), and one rendering costs ~2 ms."""
    endpoint = f"wss://{name}.example.com/ws"
    entry = {
        "version": "v1",
        "effective_from": effective_from,
        "endpoint": endpoint,
        "protocol": Protocol.WSS.value,
    }
    text = new_text(feed_data(name, FeedType.WEBSOCKET, entry, status=FeedStatus.ACTIVE))
    if text is None:
        return None
    marked = text.replace(
        f"endpoint: {endpoint}\n", f"endpoint: {endpoint}  # replace with the venue's endpoint\n"
    )
    return registry_path(Kind.FEED, name), marked

"""The closed value sets of the registry's files (feed type, statuses, protocols...).

Plain StrEnums with no pydantic, so the CLI can name them in option types (Typer reads them
when it builds a command) without loading the models: `ssmd feed list --help` stays cheap.
`ssmd.models` re-exports every one; `ssmd.models.FeedStatus` is the name to use.
"""

from __future__ import annotations

from enum import StrEnum


class FeedType(StrEnum):
    WEBSOCKET = "websocket"
    REST = "rest"
    FIX = "fix"
    MULTICAST = "multicast"
    FILE = "file"


class FeedStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    DEPRECATED = "deprecated"


class Protocol(StrEnum):
    WSS = "wss"
    WS = "ws"
    HTTPS = "https"
    HTTP = "http"
    TCP = "tcp"
    UDP = "udp"
    FIX = "fix"


class AuthMethod(StrEnum):
    API_KEY = "api_key"
    HMAC = "hmac"
    OAUTH = "oauth"
    NONE = "none"


class SchemaStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    DEPRECATED = "deprecated"

    @property
    def rank(self) -> int:
        """Position in the forward-only lifecycle draft -> active -> deprecated."""
        return list(SchemaStatus).index(self)


class SchemaFormat(StrEnum):
    CAPNP = "capnp"


class KeyType(StrEnum):
    API_KEY = "api_key"
    HMAC = "hmac"
    OAUTH = "oauth"


class KeySource(StrEnum):
    ENV = "env"


class TransportType(StrEnum):
    NATS = "nats"
    NONE = "none"


class StorageType(StrEnum):
    LOCAL = "local"
    S3 = "s3"

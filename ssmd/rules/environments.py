"""Rules about environments and what they reference (SSMD301-309)."""

from __future__ import annotations

from collections.abc import Iterator

from ssmd import codes
from ssmd.document import Document, Kind
from ssmd.models import (
    NAME_PATTERN,
    AuthMethod,
    Environment,
    FeedStatus,
    Schema,
    SchemaStatus,
    SchemaVersion,
    StorageType,
    TransportType,
)
from ssmd.resolve import SchemaRef, resolvable_schema_version, resolve_as_of
from ssmd.rules.context import Context
from ssmd.rules.registry import Edit, Finding, Fix, NewFile, Severity, rule
from ssmd.suggest import closest
from ssmd.templates import starter_feed

FEED = ("feed",)
SCHEMA = ("schema",)


def _environment(document: Document) -> Environment | None:
    return document.model if isinstance(document.model, Environment) else None


def _suggest(name: str, candidates: list[str], path: tuple[str, ...]) -> tuple[str, Fix | None]:
    close = closest(name, candidates)
    if close is None:
        return "", None
    return f"; did you mean '{close}'?", Fix(f"Change to '{close}'", (Edit(close, path),))


@rule(codes.UNKNOWN_FEED, "unknown-feed", Severity.ERROR, Kind.ENVIRONMENT)
def feed_exists(document: Document, context: Context) -> Iterator[Finding]:
    """The environment's `feed` names no feed in exchanges/feeds/."""
    env = _environment(document)
    if env is None or context.workspace.paths_named(Kind.FEED, env.feed):
        return
    hint, fix = _suggest(env.feed, context.workspace.names(Kind.FEED), FEED)
    create = _create_feed(env.feed, context)
    yield Finding(f"unknown feed '{env.feed}'{hint}", FEED, fix=fix, more_fixes=create)


def _create_feed(name: str, context: Context) -> tuple[Fix, ...]:
    """The "Create feed NAME" fix: the one feed template (`ssmd.templates`), at the name's path."""
    if not NAME_PATTERN.match(name):  # the path comes from the name: never outside feeds/
        return ()
    starter = starter_feed(name, context.as_of)
    if starter is None:
        return ()
    path, text = starter
    if (context.workspace.root / path).exists():  # a file that does not load: not ours
        return ()
    return (Fix(f"Create feed '{name}' ({path})", (), (NewFile(path, text),)),)


@rule(codes.UNKNOWN_SCHEMA, "unknown-schema", Severity.ERROR, Kind.ENVIRONMENT)
def schema_exists(document: Document, context: Context) -> Iterator[Finding]:
    """The environment's `schema` names no schema in exchanges/schemas/."""
    env = _environment(document)
    if env is None:
        return
    ref = SchemaRef.parse(env.schema_ref)
    if context.workspace.paths_named(Kind.SCHEMA, ref.name):
        return
    names = context.workspace.names(Kind.SCHEMA)
    close = closest(ref.name, names)
    hint, fix = "", None
    if close is not None:
        replacement = str(SchemaRef(close, ref.version))
        hint = f"; did you mean '{close}'?"
        fix = Fix(f"Change to '{replacement}'", (Edit(replacement, SCHEMA),))
    yield Finding(f"unknown schema '{ref.name}'{hint}", SCHEMA, fix=fix)


def _pinned(document: Document, context: Context):  # type: ignore[no-untyped-def]
    """(environment, schema, pinned version or None) when the schema exists."""
    env = _environment(document)
    if env is None:
        return None
    ref = SchemaRef.parse(env.schema_ref)
    schema = context.workspace.schema(ref.name)
    if schema is None:
        return None
    return env, ref, schema


@rule(codes.UNKNOWN_SCHEMA_VERSION, "unknown-schema-version", Severity.ERROR, Kind.ENVIRONMENT)
def schema_version_exists(document: Document, context: Context) -> Iterator[Finding]:
    """The environment pins a version the schema does not have."""
    found = _pinned(document, context)
    if found is None:
        return
    _env, ref, schema = found
    if not ref.pinned or context.schema_version(schema, ref) is not None:
        return
    ids = ", ".join(v.version for v in schema.versions)
    yield Finding(f"schema {ref.name} has no version {ref.version} (versions: {ids})", SCHEMA)


def _switch_to_current(
    context: Context, ref: SchemaRef, schema: Schema, offending: SchemaVersion
) -> Fix | None:
    """Pin the version in effect instead, unless that is the offending version itself."""
    current = resolve_as_of(schema.versions, context.as_of, resolvable_schema_version())
    if current is None or current.version == offending.version:
        return None
    target = f"{ref.name}:{current.version}"
    return Fix(f"Use {target} ({current.status.value}, in effect)", (Edit(target, SCHEMA),))


@rule(
    codes.DRAFT_SCHEMA_IN_ENVIRONMENT,
    "draft-schema-in-environment",
    Severity.ERROR,
    Kind.ENVIRONMENT,
)
def no_draft_schema(document: Document, context: Context) -> Iterator[Finding]:
    """An environment may not reference a `draft` schema version.

    Drafts are work in progress; promote it (`ssmd schema set-status NAME:V
    active`) or pin the active version. The quick fix pins the version in effect.
    """
    found = _pinned(document, context)
    if found is None:
        return
    _env, ref, schema = found
    version = context.schema_version(schema, ref) if ref.pinned else None
    if version is not None and version.status is SchemaStatus.DRAFT:
        yield Finding(
            f"{ref} is a draft; promote it or use the active version",
            SCHEMA,
            fix=_switch_to_current(context, ref, schema, version),
        )


@rule(
    codes.DEPRECATED_SCHEMA_IN_ENVIRONMENT,
    "deprecated-schema-in-environment",
    Severity.WARNING,
    Kind.ENVIRONMENT,
)
def deprecated_schema(document: Document, context: Context) -> Iterator[Finding]:
    """An environment references a `deprecated` schema version; move it to a current one."""
    found = _pinned(document, context)
    if found is None:
        return
    _env, ref, schema = found
    version = context.schema_version(schema, ref)
    if version is not None and version.status is SchemaStatus.DEPRECATED:
        yield Finding(
            f"{ref.name}:{version.version} is deprecated; move to a current version",
            SCHEMA,
            fix=_switch_to_current(context, ref, schema, version),
        )


@rule(codes.NOTHING_IN_EFFECT, "nothing-in-effect", Severity.ERROR, Kind.ENVIRONMENT)
def something_in_effect(document: Document, context: Context) -> Iterator[Finding]:
    """The feed, or an unpinned schema, has no version in effect on the date (default today).

    Every feed and unpinned schema reference must resolve: a version with
    `effective_from` on or before the date (for schemas: active or deprecated).
    """
    env = _environment(document)
    if env is None:
        return
    feed = context.workspace.feed(env.feed)
    if feed is not None and context.feed_version(feed) is None:
        first = min(v.effective_from for v in feed.versions)
        yield Finding(
            f"feed {env.feed} has no version in effect on {context.as_of} "
            f"(its first takes effect {first})",
            FEED,
        )
    ref = SchemaRef.parse(env.schema_ref)
    schema = context.workspace.schema(ref.name)
    if schema is not None and not ref.pinned and context.schema_version(schema, ref) is None:
        yield Finding(
            f"schema {ref.name} has no active or deprecated version in effect on "
            f"{context.as_of}; activate one or pin a version",
            SCHEMA,
        )


@rule(codes.INACTIVE_FEED, "inactive-feed", Severity.WARNING, Kind.ENVIRONMENT)
def feed_is_active(document: Document, context: Context) -> Iterator[Finding]:
    """The environment uses a feed whose status is not `active`."""
    env = _environment(document)
    feed = context.workspace.feed(env.feed) if env else None
    if feed is not None and feed.status is not FeedStatus.ACTIVE:
        yield Finding(f"feed {feed.name} is {feed.status.value}", FEED)


@rule(codes.UNDECLARED_AUTH_KEY, "undeclared-auth-key", Severity.WARNING, Kind.ENVIRONMENT)
def keys_for_auth(document: Document, context: Context) -> Iterator[Finding]:
    """The feed version in effect authenticates with a method the environment declares no key for.

    For `auth_method: api_key`, `hmac` or `oauth`, the environment's `keys`
    must hold an entry of that `type`.
    """
    env = _environment(document)
    feed = context.workspace.feed(env.feed) if env else None
    if env is None or feed is None:
        return
    version = context.feed_version(feed)
    if version is None or version.auth_method is AuthMethod.NONE:
        return
    if any(key.type.value == version.auth_method.value for key in env.keys.values()):
        return
    method = version.auth_method.value
    yield Finding(
        f"feed {feed.name} {version.version} authenticates with {method}, but no key of type "
        f"{method} is declared; add one under keys:",
        ("keys",) if env.keys else FEED,
    )


@rule(
    codes.STORAGE_TRANSPORT_INCONSISTENT,
    "storage-transport-inconsistent",
    Severity.ERROR,
    Kind.ENVIRONMENT,
)
def storage_and_transport(document: Document, context: Context) -> Iterator[Finding]:
    """The `storage` or `transport` block does not hang together.

    nats needs a `nats://` url; `none` takes no url; local storage needs a
    `path` and no bucket settings; s3 storage takes no `path` and no empty
    bucket names.
    """
    env = _environment(document)
    if env is None:
        return
    transport = env.transport
    if transport is not None:
        if transport.type is TransportType.NATS and not transport.url:
            yield Finding(
                "nats transport needs a url, e.g. nats://localhost:4222", ("transport", "type")
            )
        elif transport.type is TransportType.NATS and not str(transport.url).startswith(
            ("nats://", "tls://")
        ):
            yield Finding("nats url must start with nats:// or tls://", ("transport", "url"))
        elif transport.type is TransportType.NONE and transport.url:
            yield Finding(
                "transport type none takes no url; remove it or use nats", ("transport", "url")
            )
    storage = env.storage
    if storage is None:
        return
    s3_keys = ("raw_bucket", "normalized_bucket", "prefix", "region", "endpoint_url")
    if storage.type is StorageType.LOCAL:
        if not storage.path:
            yield Finding("local storage needs a path", ("storage", "type"))
        for key in s3_keys:
            if getattr(storage, key) is not None:
                yield Finding(
                    f"{key} applies to s3 storage only; remove it or use type: s3",
                    ("storage", key),
                    part="key",
                )
    else:
        if storage.path is not None:
            yield Finding(
                "path applies to local storage only; s3 uses raw_bucket and normalized_bucket",
                ("storage", "path"),
                part="key",
            )
        for key in ("raw_bucket", "normalized_bucket"):
            if getattr(storage, key) == "":
                yield Finding(
                    f"{key} is empty; name a bucket or remove the key for the default",
                    ("storage", key),
                )

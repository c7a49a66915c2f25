"""Which environment's storage a data command reads: `--env`, else `SSMD_ENV`, else the only one.

Guessing between several environments would silently read the wrong store
(dev data reported as prod), so anything but a single candidate is refused
with the candidates listed.
"""

from __future__ import annotations

from dataclasses import dataclass

from ssmd.data.storage import DataError
from ssmd.document import Document, Kind, registry_path
from ssmd.models import Environment, Feed
from ssmd.workspace import Workspace

ENV_VARIABLE = "SSMD_ENV"


@dataclass(frozen=True, slots=True)
class Selection:
    feed: Feed
    environment: Environment
    path: str
    """The environment's file, root-relative, for messages that say where to fix things."""
    chosen_by: str
    """`--env`, `SSMD_ENV` or `only environment of the feed`."""


def select_environment(
    workspace: Workspace, feed_name: str, explicit: str | None, from_variable: str | None
) -> Selection:
    feed = workspace.feed(feed_name)
    if feed is None:
        feeds = ", ".join(workspace.names(Kind.FEED)) or "none"
        raise DataError(f"no feed named '{feed_name}' (feeds: {feeds})")
    candidates = [_stem(p) for p in workspace.environments_using_feed(feed_name)]
    if explicit:
        name, chosen_by = explicit, "--env"
    elif from_variable:
        name, chosen_by = from_variable, ENV_VARIABLE
    elif len(candidates) == 1:
        name, chosen_by = candidates[0], "only environment of the feed"
    elif not candidates:
        raise DataError(
            f"no environment uses feed {feed_name}, so there is no storage to read; "
            f"create one (ssmd env create NAME --feed {feed_name} ...) with a storage block"
        )
    else:
        raise DataError(
            f"{len(candidates)} environments use feed {feed_name} "
            f"({', '.join(candidates)}); choose one with --env or {ENV_VARIABLE}"
        )
    source = "--env" if chosen_by == "--env" else f"{ENV_VARIABLE}={name}"
    environment, document = _load_environment(workspace, name, source)
    if environment.feed != feed_name:
        others = f" (environments of {feed_name}: {', '.join(candidates)})" if candidates else ""
        raise DataError(
            f"environment {name} ({source}) runs feed {environment.feed}, not {feed_name}; "
            f"pass the environment of {feed_name} with --env{others}"
        )
    return Selection(feed, environment, document.path, chosen_by)


def _load_environment(workspace: Workspace, name: str, source: str) -> tuple[Environment, Document]:
    environment = workspace.environment(name)
    # A file too broken to declare its name is still found at its canonical path.
    document = workspace.named(Kind.ENVIRONMENT, name) or workspace.documents.get(
        registry_path(Kind.ENVIRONMENT, name)
    )
    if environment is None or document is None:
        known = ", ".join(workspace.names(Kind.ENVIRONMENT)) or "none"
        if document is not None:
            raise DataError(
                f"environment {name} ({document.path}) does not load; run `ssmd validate` "
                "and fix it"
            )
        raise DataError(f"no environment named '{name}' ({source}); environments: {known}")
    return environment, document


def _stem(path: str) -> str:
    return path.rsplit("/", 1)[-1].removesuffix(".yaml")


def select_environments(
    workspace: Workspace,
    feed_name: str | None,
    explicit: list[str],
    every: bool,
    from_variable: str | None,
) -> list[Selection]:
    """The environments one call reports, in order, each bringing its feed and storage.

    `--all` takes every environment with a storage block (of `feed_name` when
    given); repeated `--env` takes those (each must run `feed_name` when
    given); `--feed` alone keeps the single-environment rules above.
    """
    if every and explicit:
        raise DataError("--all takes every environment with storage; drop --env, or --all")
    if not every and not explicit:
        if feed_name is None:
            raise DataError("say which data to report: --feed F, --env E (repeatable) or --all")
        return [select_environment(workspace, feed_name, None, from_variable)]
    if every:
        names = _environments_with_storage(workspace, feed_name)
    else:
        names = list(dict.fromkeys(explicit))
    return [_select_named(workspace, feed_name, name) for name in names]


def _select_named(workspace: Workspace, feed_name: str | None, name: str) -> Selection:
    if feed_name is not None:
        return select_environment(workspace, feed_name, name, None)
    environment, _ = _load_environment(workspace, name, "--env")
    return select_environment(workspace, environment.feed, name, None)


def _environments_with_storage(workspace: Workspace, feed_name: str | None) -> list[str]:
    if feed_name is not None and workspace.feed(feed_name) is None:
        feeds = ", ".join(workspace.names(Kind.FEED)) or "none"
        raise DataError(f"no feed named '{feed_name}' (feeds: {feeds})")
    names = []
    for document in sorted(workspace.documents.values(), key=lambda d: d.path):
        if document.kind is not Kind.ENVIRONMENT:
            continue
        environment = document.model
        if not isinstance(environment, Environment):
            raise DataError(
                f"the environment file {document.path} does not load, so --all cannot tell "
                "whether it has storage; run `ssmd validate` and fix it"
            )
        if environment.storage is None:
            continue
        if feed_name is None or environment.feed == feed_name:
            names.append(environment.name)
    if not names:
        which = f" of feed {feed_name}" if feed_name else ""
        raise DataError(
            f"no environment{which} has a storage block, so --all has nothing to read; "
            "add `storage:` to an environment"
        )
    return names

"""`ssmd-ls`: the server object, its lifecycle, documents, files and settings.

Requests (hover, completion, navigation, edits, pull diagnostics) are in
`ssmd_ls.requests`, registered on the same `server`. Each handler asks the
library and converts the answer, nothing more.

Diagnostics are scheduled by `Checker` (one worker thread, coalesced edits);
this module decides only where they go: pushed (`publishDiagnostics`, only
lists that changed, empty ones included) or, when the client pulls
(`textDocument/diagnostic`), kept for the pull with a refresh request sent
when a cross-file change alters them.
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import logging
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from ssmd import __version__ as version_text
from ssmd.check import Diagnostic
from ssmd.document import kind_of
from ssmd.lintconfig import CONFIG_FILE
from ssmd.resolve import parse_date
from ssmd.write.journal import JournalUnreadable, recover_pending
from ssmd_ls import convert
from ssmd_ls.checker import Checked, Checker, DocumentUpdate
from ssmd_ls.documents import count_lines_like_editors
from ssmd_ls.pygls_fixes import forget_finished_futures
from ssmd_ls.registries import Registries, current_uri, registries_under, routed
from ssmd_ls.settings import Settings, parse_settings

T = TypeVar("T")
log = logging.getLogger("ssmd_ls")
SET_AS_OF = "ssmd.setAsOf"
WATCHERS = ("**/exchanges/**/*.yaml", "**/*.capnp", "**/ssmd.yaml")
FILE_FILTER = lsp.FileOperationFilter(
    pattern=lsp.FileOperationPattern(glob="**/exchanges/**"), scheme="file"
)


class SsmdServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("ssmd-ls", version_text)
        self.registries = Registries()
        self.settings = Settings()
        self.published: dict[str, list[convert.WireDiagnostic]] = {}
        self.result_ids: dict[str, str] = {}
        self.pull_mode = False
        self.client_extension_version: object = None
        self.ready: asyncio.Event | None = None
        self._flush_task: asyncio.Task[None] | None = None

    # -- plumbing --------------------------------------------------------------------

    @property
    def encoding(self) -> str:
        return str(self.workspace.position_encoding or lsp.PositionEncodingKind.Utf16)

    @property
    def checker(self) -> Checker | None:
        """The registry of the document being handled (the first one for workspace requests)."""
        return self.registries.for_uri(current_uri.get())

    @property
    def root(self) -> Path:
        assert self.checker is not None
        return self.checker.root

    def path_of(self, uri: str) -> str | None:
        if self.checker is None:
            return None
        path = convert.uri_to_path(self.checker.root, uri)
        known = path is not None and (kind_of(path) is not None or path == CONFIG_FILE)
        return path if known else None

    async def on_worker(self, work: Callable[[], T]) -> T:
        if self.ready is not None:
            await self.ready.wait()
        checker = self.checker
        assert checker is not None
        context = contextvars.copy_context()  # the worker sees the same `current_uri`
        return await checker.run(lambda: context.run(work))

    def tell(self, message: str, kind: lsp.MessageType = lsp.MessageType.Warning) -> None:
        self.window_show_message(lsp.ShowMessageParams(type=kind, message=message))

    def schedule(self) -> None:
        """Make sure a flush runs; one that is running picks up newer changes itself."""
        if self._flush_task is None or self._flush_task.done():
            self._flush_task = asyncio.ensure_future(self._flush())

    async def _flush(self) -> None:
        if self.ready is not None:
            await self.ready.wait()
        while True:
            busy = [checker for checker in self.registries.all() if not checker.idle()]
            if not busy:
                return
            for checker in busy:
                if not await self._flush_one(checker):
                    return

    async def _flush_one(self, checker: Checker) -> bool:
        """Check one registry's dirty files; False when checking failed."""

        def work() -> list[tuple[Checked, list[convert.WireDiagnostic]]]:
            encoding, as_of = self.encoding, self.settings.effective_as_of()
            checked = checker.check_dirty(as_of)
            hints = self.settings.suppressed == "hint"
            related = checker.root if self.shows_related_information else None
            return [
                (c, convert.wire_diagnostics(_shown(c, hints), c.text, encoding, related))
                for c in checked
            ]

        try:
            results = await asyncio.get_running_loop().run_in_executor(checker.executor, work)
        except Exception:  # a bug in a rule must not stop diagnostics for good
            log.exception("checking failed")
            self.tell("ssmd-ls: checking failed; see the server log", lsp.MessageType.Error)
            return False
        self._deliver(checker.root, results)
        return True

    def _deliver(
        self, root: Path, results: Sequence[tuple[Checked, list[convert.WireDiagnostic]]]
    ) -> None:
        changed = False
        for checked, diagnostics in results:
            uri = convert.path_to_uri(root, checked.path)
            if self.published.get(uri, []) == diagnostics and uri in self.published:
                continue
            if not diagnostics and uri not in self.published:
                continue
            self.published[uri] = diagnostics
            self.result_ids[uri] = uuid.uuid4().hex
            changed = True
            if not self.pull_mode:  # already JSON: pygls only dumps and frames it
                self.protocol._send_data(convert.publish_message(uri, diagnostics, checked.version))
        if changed and self.pull_mode and self._client_refreshes():
            self.workspace_diagnostic_refresh(None)

    @property
    def shows_related_information(self) -> bool:
        """The client displays `relatedInformation` (an alias finding's anchor)."""
        text_document = self.client_capabilities.text_document
        if text_document is None:
            return False
        publish, pull = text_document.publish_diagnostics, text_document.diagnostic
        return bool(
            (publish and publish.related_information) or (pull and pull.related_information)
        )

    def _client_refreshes(self) -> bool:
        capabilities = self.client_capabilities.workspace
        diagnostics = capabilities.diagnostics if capabilities else None
        return bool(diagnostics and diagnostics.refresh_support)

    @property
    def client_capabilities(self) -> lsp.ClientCapabilities:
        return self.protocol.client_capabilities

    def submit(self, path: str, change: DocumentUpdate) -> None:
        assert self.checker is not None
        self.checker.submit(path, change)
        self.schedule()

    def submit_from_disk(self, path: str) -> None:
        """A file changed on disk: take its content unless an editor buffer owns it."""
        uri = convert.path_to_uri(self.root, path)
        if uri in self.workspace.text_documents:
            return
        self.submit(path, DocumentUpdate(from_disk=True))

    def apply_settings(self, raw: Any) -> None:
        settings, problem = parse_settings(raw)
        if problem:
            self.tell(problem)
        if settings != self.settings:
            self.settings = settings
            for checker in self.registries.all():
                checker.mark_all_dirty()
            self.schedule()


server = SsmdServer()
F = TypeVar("F", bound=Callable[..., Any])


def feature(method: str, options: Any = None) -> Callable[[F], F]:
    """`server.feature`, the handler run with `current_uri` set to the message's document
    (so `ls.checker` is that document's registry)."""

    def register(handler: F) -> F:
        server.feature(method, options)(routed(handler))
        return handler

    return register


def _shown(checked: Checked, hints: bool) -> list[Diagnostic]:
    """What the editor shows: the findings, and the suppressed ones as hints if so set."""
    return checked.diagnostics + checked.suppressed if hints else checked.diagnostics


def texts_of(checker: Checker) -> dict[str, str]:
    return {p: d.text for p, d in checker.workspace.documents.items()}


# -- lifecycle ---------------------------------------------------------------------------


def _recover(ls: SsmdServer, root: Path) -> None:
    """A write of several files a dead ssmd process left half done: finish or undo it."""
    try:
        recover_pending(root, log.warning)
    except JournalUnreadable as error:
        ls.tell(str(error), lsp.MessageType.Error)


@feature(lsp.INITIALIZE)
def initialize(ls: SsmdServer, params: lsp.InitializeParams) -> None:
    folders = [f.uri for f in params.workspace_folders or []]
    if not folders:
        folders = [params.root_uri] if params.root_uri else [Path.cwd().as_uri()]
    for folder in folders:
        for root in registries_under(convert.uri_to_file(folder)):
            _recover(ls, root)
            ls.registries.add(root)
    if not ls.registries.checkers:  # no registry yet: the first folder, for `exchanges/` to come
        ls.registries.add(convert.uri_to_file(folders[0]))
    capabilities = params.capabilities.text_document
    ls.pull_mode = bool(capabilities and capabilities.diagnostic is not None)
    options = params.initialization_options
    if isinstance(options, dict):
        ls.client_extension_version = options.get("extensionVersion")
    if isinstance(options, dict) and "settings" in options:
        options = options["settings"]
    if options is not None:
        ls.apply_settings(options)


@feature(lsp.INITIALIZED)
async def initialized(ls: SsmdServer, params: lsp.InitializedParams) -> None:
    ls.ready = asyncio.Event()
    _compare_versions(ls)
    await _register_watchers(ls)
    await _fetch_configuration(ls)
    token = await _index_workspace(ls)
    ls.ready.set()
    ls.schedule()
    if ls._flush_task is not None:  # the progress ends once every file has been checked
        await asyncio.shield(ls._flush_task)
    # The indexed workspace is long-lived: move it out of the collector's way, or every
    # full collection walks ~100 MB of objects (a 50-100 ms pause in the middle of edits).
    gc.collect()
    gc.freeze()
    if token is not None:
        ls.work_done_progress.end(token, lsp.WorkDoneProgressEnd(message="checked"))


async def _register_watchers(ls: SsmdServer) -> None:
    workspace = ls.client_capabilities.workspace
    watched = workspace.did_change_watched_files if workspace else None
    if not (watched and watched.dynamic_registration):
        return
    options = lsp.DidChangeWatchedFilesRegistrationOptions(
        watchers=[lsp.FileSystemWatcher(glob_pattern=glob) for glob in WATCHERS]
    )
    registration = lsp.Registration(
        id="ssmd-watchers", method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options
    )
    try:
        await ls.client_register_capability_async(lsp.RegistrationParams([registration]))
    except Exception as error:  # the client may refuse; diagnostics still work without
        log.warning("file watcher registration refused: %s", error)


async def _fetch_configuration(ls: SsmdServer) -> None:
    workspace = ls.client_capabilities.workspace
    if not (workspace and workspace.configuration):
        return
    try:
        answer = await asyncio.wait_for(
            ls.workspace_configuration_async(
                lsp.ConfigurationParams(items=[lsp.ConfigurationItem(section="ssmd")])
            ),
            timeout=5,
        )
    except Exception as error:
        log.warning("workspace/configuration failed: %s", error)
        return
    if answer:
        ls.apply_settings(answer[0])


def _compare_versions(ls: SsmdServer) -> None:
    """The VS Code extension sends its version: say so when it is not the server's."""
    theirs = ls.client_extension_version
    if isinstance(theirs, str) and theirs != version_text:
        ls.tell(
            f"ssmd-ls is version {version_text} but the editor extension is {theirs}; "
            f"install the matching server (pip install ssmd-metadata=={theirs}) "
            "or update the extension",
            lsp.MessageType.Info,
        )


async def _index_workspace(ls: SsmdServer) -> str | None:
    """Read every registry's files (each on its worker), reporting progress; returns the token."""
    window = ls.client_capabilities.window
    token: str | None = None
    if window and window.work_done_progress:
        token = f"ssmd-index-{uuid.uuid4().hex}"
        try:
            await asyncio.wait_for(ls.work_done_progress.create_async(token), timeout=5)
            ls.work_done_progress.begin(
                token, lsp.WorkDoneProgressBegin(title="ssmd: indexing exchanges/", percentage=0)
            )
        except Exception:
            token = None
    loop = asyncio.get_running_loop()

    def progress(done: int, total: int) -> None:
        if token is not None and total:
            report = lsp.WorkDoneProgressReport(
                message=f"{done}/{total} files", percentage=int(100 * done / total)
            )
            loop.call_soon_threadsafe(ls.work_done_progress.report, token, report)

    for checker in ls.registries.all():
        await _load(ls, checker, progress)
    if token is not None:
        report = lsp.WorkDoneProgressReport(message="checking every file", percentage=100)
        ls.work_done_progress.report(token, report)
    return token


async def _load(
    ls: SsmdServer, checker: Checker, progress: Callable[[int, int], None] = lambda *_: None
) -> None:
    try:
        await asyncio.get_running_loop().run_in_executor(checker.executor, checker.load, progress)
    except Exception:
        log.exception("indexing %s failed", checker.root)
        ls.tell(
            f"ssmd-ls could not read the registry in {checker.root}; see the server log",
            lsp.MessageType.Error,
        )


def _adopt(ls: SsmdServer, root: Path) -> None:
    """A registry found while running: its worker reads it (before anything queued after),
    then the files are checked."""
    checker, created = ls.registries.add(root)
    if not created:
        return
    _recover(ls, checker.root)  # as for the registries found at initialize, before reading
    loop = asyncio.get_running_loop()

    def loaded(done: Future[None]) -> None:
        if done.exception() is not None:
            log.error("indexing %s failed: %s", checker.root, done.exception())
        loop.call_soon_threadsafe(ls.schedule)

    checker.executor.submit(checker.load, lambda *_: None).add_done_callback(loaded)


@feature(lsp.SHUTDOWN)
def shutdown(ls: SsmdServer, params: None) -> None:
    for checker in ls.registries.all():
        checker.executor.shutdown(wait=False, cancel_futures=True)


# -- documents and files -------------------------------------------------------------------


@feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: SsmdServer, params: lsp.DidOpenTextDocumentParams) -> None:
    count_lines_like_editors(ls.workspace, params.text_document.uri)
    root = ls.registries.root_for(params.text_document.uri)
    if root is not None and root not in ls.registries.checkers:
        # A registry outside the workspace folders (or created since): its worker reads it
        # first, then applies this buffer (one thread, in order). Synchronous on purpose:
        # a didChange right behind must not overtake the didOpen.
        _adopt(ls, root)
    path = ls.path_of(params.text_document.uri)
    if path is not None:
        ls.submit(
            path,
            DocumentUpdate(text=params.text_document.text, version=params.text_document.version),
        )


@feature(lsp.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
def did_change_workspace_folders(
    ls: SsmdServer, params: lsp.DidChangeWorkspaceFoldersParams
) -> None:
    """Folders added while running get their registries; a removed folder's stay indexed."""
    for folder in params.event.added:
        for root in registries_under(convert.uri_to_file(folder.uri)):
            _adopt(ls, root)


@feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: SsmdServer, params: lsp.DidChangeTextDocumentParams) -> None:
    forget_finished_futures(ls.protocol)  # pygls 2.1 keeps one per notification otherwise
    path = ls.path_of(params.text_document.uri)
    if path is None:
        return
    document = ls.workspace.get_text_document(params.text_document.uri)
    ls.submit(path, DocumentUpdate(text=document.source, version=params.text_document.version))


@feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: SsmdServer, params: lsp.DidCloseTextDocumentParams) -> None:
    path = ls.path_of(params.text_document.uri)
    if path is not None:
        ls.submit_from_disk(path)  # unsaved edits are gone: the file on disk counts again


@feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(ls: SsmdServer, params: lsp.DidChangeWatchedFilesParams) -> None:
    _reread(ls, [event.uri for event in params.changes])


def _reread(ls: SsmdServer, uris: list[str]) -> None:
    """Files changed on disk (watchers, file operations): take them from disk again."""
    for uri in uris:
        token = current_uri.set(uri)  # each file goes to its own registry
        try:
            path = ls.path_of(uri)
            if path is not None:
                ls.submit_from_disk(path)
        finally:
            current_uri.reset(token)


@feature(
    lsp.WORKSPACE_DID_RENAME_FILES, lsp.FileOperationRegistrationOptions(filters=[FILE_FILTER])
)
def did_rename_files(ls: SsmdServer, params: lsp.RenameFilesParams) -> None:
    _reread(ls, [uri for renamed in params.files for uri in (renamed.old_uri, renamed.new_uri)])


@feature(
    lsp.WORKSPACE_DID_CREATE_FILES, lsp.FileOperationRegistrationOptions(filters=[FILE_FILTER])
)
def did_create_files(ls: SsmdServer, params: lsp.CreateFilesParams) -> None:
    _reread(ls, [created.uri for created in params.files])


@feature(
    lsp.WORKSPACE_DID_DELETE_FILES, lsp.FileOperationRegistrationOptions(filters=[FILE_FILTER])
)
def did_delete_files(ls: SsmdServer, params: lsp.DeleteFilesParams) -> None:
    _reread(ls, [deleted.uri for deleted in params.files])


@feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(
    ls: SsmdServer, params: lsp.DidChangeConfigurationParams
) -> None:
    settings = params.settings
    if isinstance(settings, dict) and "ssmd" in settings:
        ls.apply_settings(settings["ssmd"])
    else:  # the notification carries nothing useful (VS Code style): ask for the section
        await _fetch_configuration(ls)


@server.command(SET_AS_OF)
def set_as_of(ls: SsmdServer, *args: Any) -> str:
    """`ssmd.setAsOf` with a date (YYYY-MM-DD), or nothing/empty to go back to today."""
    value = args[0] if args else None
    if isinstance(value, list):
        value = value[0] if value else None
    if value in (None, ""):
        ls.apply_settings({**ls.settings.model_dump(by_alias=True), "asOf": None})
        return str(ls.settings.effective_as_of())
    try:
        parse_date(str(value))
    except ValueError as error:
        ls.tell(str(error))
        return str(ls.settings.effective_as_of())
    ls.apply_settings({**ls.settings.model_dump(by_alias=True), "asOf": str(value)})
    return str(ls.settings.effective_as_of())

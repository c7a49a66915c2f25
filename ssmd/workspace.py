"""All registry files under a root, indexed both ways, updatable one file at a time.

The language server keeps one `Workspace` and calls `set_text` / `remove` on
every edit; each returns the paths whose diagnostics may have changed (the
file and exactly the files that depend on it), so only those are re-checked.
The CLI builds one with `Workspace.load(root)`.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from ssmd import codes
from ssmd.capnp.compiler import CapnpCompiler, CompileResult
from ssmd.capnp.imports import find_cycles, scan_imports
from ssmd.confine import escapes_schemas_dir, import_escapes, outside_registry, schema_file_path
from ssmd.document import (
    MAX_FILE_BYTES,
    REGISTRY_DIR,
    Document,
    Kind,
    LoadProblem,
    kind_of,
    load_document,
    refused_document,
    too_large,
)
from ssmd.encoding import decode_registry_bytes
from ssmd.git import read_blobs, tree_files
from ssmd.history import RepositoryHistory
from ssmd.locate import discover
from ssmd.models import Environment, Feed, Schema
from ssmd.resolve import SchemaRef


def load_yaml_bytes(path: str, content: bytes) -> Document:
    """A registry YAML file from its bytes: UTF-8 only, anything else one located SSMD001."""
    decoded = decode_registry_bytes(content)
    if decoded.problem is None:
        return load_document(path, decoded.text)
    kind = kind_of(path)
    if kind is None:
        raise ValueError(f"{path} is not a registry file")
    problem = LoadProblem(codes.YAML_SYNTAX, decoded.problem, decoded.span)
    return Document(path, kind, decoded.text, problems=[problem])


class Workspace:
    """The registry under `root`: documents by path, names and references indexed."""

    def __init__(self, root: Path, compiler: CapnpCompiler | None = None) -> None:
        self.root = root
        self.documents: dict[str, Document] = {}
        self.capnp_bytes: dict[str, bytes] = {}
        self._capnp_from_editor: set[str] = set()
        """`.capnp` paths whose content is not (known to be) the file on disk."""
        self.compiler = compiler or CapnpCompiler()
        self._compiled: dict[str, CompileResult] = {}
        self._by_name: dict[Kind, dict[str, set[str]]] = {k: defaultdict(set) for k in Kind}
        self._envs_by_feed: dict[str, set[str]] = defaultdict(set)
        self._envs_by_schema: dict[str, set[str]] = defaultdict(set)
        self._schemas_by_file: dict[str, set[str]] = defaultdict(set)
        self._importers: dict[str, set[str]] = defaultdict(set)
        self._memberships: dict[str, list[set[str]]] = defaultdict(list)
        """path -> the index sets it was added to, so unindexing one file is O(its entries)."""
        self._cyclic: set[str] | None = None
        self._escaping: set[str] | None = None
        self._history: RepositoryHistory | None = None
        self.commit: str | None = None
        """The commit the files were read from (`load_at`); None for the work tree."""

    @property
    def history(self) -> RepositoryHistory:
        """Git history of the registry, created on first use: rules without git pay nothing."""
        if self._history is None:
            self._history = RepositoryHistory(self.root, head=self.commit)
        return self._history

    # -- building -----------------------------------------------------------------

    @classmethod
    def load(
        cls,
        root: Path,
        overlays: Mapping[str, str] | None = None,
        compiler: CapnpCompiler | None = None,
    ) -> Workspace:
        """Every registry file under `root`, with `overlays` (path -> unsaved text) laid over."""
        workspace = cls(root, compiler)
        for path in discover(root):
            if overlays and path in overlays:
                continue
            workspace.read_file(path)
        for path, text in (overlays or {}).items():
            if kind_of(path) is not None:
                workspace.set_text(path, text)
        return workspace

    @classmethod
    def load_at(
        cls,
        root: Path,
        commit: str,
        compiler: CapnpCompiler | None = None,
        parsed: dict[tuple[str, str], Document] | None = None,
    ) -> Workspace:
        """The registry as committed at `commit` (for `--known-at`): no work-tree file is read.

        One `git ls-tree` lists the files, one `git cat-file --batch` reads them;
        the workspace's history is pinned to that commit too. `parsed` ((path, blob id)
        -> document), shared between loads of several commits, parses a file that is the
        same in both once (`ssmd plan` loads two commits that differ in a few files).
        """
        workspace = cls(root, compiler)
        workspace.commit = commit
        listed = tree_files(root, commit, REGISTRY_DIR)
        wanted = {p: oid for p, oid in listed.items() if kind_of(p) is not None}
        contents = read_blobs(root, sorted(set(wanted.values())))
        for path in sorted(wanted):
            content = contents.get(wanted[path])
            if content is None:
                continue
            if kind_of(path) is Kind.CAPNP:
                workspace._set_capnp(path, content)
            else:
                key = (path, wanted[path])
                document = parsed.get(key) if parsed is not None else None
                if document is None:
                    document = load_yaml_bytes(path, content)
                    if parsed is not None:
                        parsed[key] = document
                workspace._set_document(document)
        return workspace

    def read_file(self, path: str) -> set[str]:
        """(Re)read one registry file from disk; returns the paths whose findings may change.

        The file is not read when it resolves outside its registry folder (a
        symbolic link pointing out) or is larger than MAX_FILE_BYTES: it is
        kept as a document carrying that one problem, so the user is told.
        """
        file = self.root / path
        refusal = outside_registry(self.root, path)
        if refusal is None:
            size = file.stat().st_size
            if size > MAX_FILE_BYTES:
                return self._refuse(too_large(path, size))
        else:
            return self._refuse(refused_document(path, codes.SCHEMA_FILE_ESCAPES, refusal))
        return self.set_bytes(path, file.read_bytes())

    def _refuse(self, document: Document) -> set[str]:
        affected = self.remove(document.path)
        self._set_document(document)
        return affected

    def set_text(self, path: str, text: str) -> set[str]:
        """Replace one file's content; returns the paths whose findings may change."""
        affected = self.dependents(path)
        if kind_of(path) is Kind.CAPNP and len(text) > MAX_FILE_BYTES:
            self.remove(path)
            self._set_document(too_large(path, len(text.encode("utf-8", "replace")), text))
        elif kind_of(path) is Kind.CAPNP:
            self._set_capnp(path, text.encode("utf-8", "replace"))
            self._capnp_from_editor.add(path)
        else:
            self._set_document(load_document(path, text))
        return affected | self.dependents(path)

    def set_bytes(self, path: str, content: bytes) -> set[str]:
        """Like `set_text` for a file read from disk (a `.capnp` keeps its exact bytes)."""
        if kind_of(path) is Kind.CAPNP and len(content) > MAX_FILE_BYTES:
            return self._refuse(too_large(path, len(content)))
        if kind_of(path) is Kind.CAPNP:
            affected = self.dependents(path)
            self._set_capnp(path, content)
            self._capnp_from_editor.discard(path)
            return affected | self.dependents(path)
        affected = self.dependents(path)
        self._set_document(load_yaml_bytes(path, content))
        return affected | self.dependents(path)

    def remove(self, path: str) -> set[str]:
        affected = self.dependents(path)
        self._unindex(path)
        self.documents.pop(path, None)
        self.capnp_bytes.pop(path, None)
        self._capnp_from_editor.discard(path)
        self._compiled.pop(path, None)
        self._cyclic = None
        self._escaping = None
        affected.discard(path)
        return affected | {path} | self.dependents(path)

    def _set_document(self, document: Document) -> None:
        self._unindex(document.path)
        self.documents[document.path] = document
        self._index(document)

    def _set_capnp(self, path: str, content: bytes) -> None:
        # Only this file and, transitively, the files importing it compile differently now;
        # every other result stays (no cache-key rehash of the whole folder per keystroke).
        stale = {path, *(p for p in self.dependents(path) if p in self.capnp_bytes)}
        self._unindex(path)
        self.capnp_bytes[path] = content
        text = content.decode("utf-8", "replace")
        self.documents[path] = Document(path, Kind.CAPNP, text)
        for file in stale:
            self._compiled.pop(file, None)
        self._cyclic = None
        self._escaping = None
        self._index(self.documents[path])

    def _index(self, document: Document) -> None:
        path = document.path
        entries: list[set[str]] = []
        if document.kind is Kind.CAPNP:
            for imported in scan_imports(document.text):
                target = imported.resolve(path)
                if target is not None:
                    entries.append(self._importers[target])
        else:
            name = _index_name(document)
            if name is not None:
                entries.append(self._by_name[document.kind][name])
            model = document.model
            if isinstance(model, Environment):
                entries.append(self._envs_by_feed[model.feed])
                entries.append(self._envs_by_schema[SchemaRef.parse(model.schema_ref).name])
            elif isinstance(model, Schema):
                entries.extend(self._schemas_by_file[file] for file in self.schema_files(model))
        for members in entries:
            members.add(path)
        self._memberships[path] = entries

    def _unindex(self, path: str) -> None:
        for members in self._memberships.pop(path, ()):
            members.discard(path)

    # -- questions ----------------------------------------------------------------

    def schemas_using(self, path: str) -> set[str]:
        """Paths of the schema documents naming the `.capnp` file `path` (SSMD208's edit check)."""
        return set(self._schemas_by_file.get(path, set()))

    def dependents(self, path: str) -> set[str]:
        """`path` and the files whose findings depend on it."""
        result = {path}
        document = self.documents.get(path)
        if document is None:
            return result
        if document.kind is Kind.CAPNP:
            pending = [path]
            while pending:  # a changed import changes every file that imports it, transitively
                current = pending.pop()
                result.add(current)
                result |= self._schemas_by_file.get(current, set())
                pending.extend(self._importers.get(current, set()) - result)
            return result
        name = _index_name(document)
        if name is not None:
            result |= self._by_name[document.kind].get(name, set())
            if document.kind is Kind.FEED:
                result |= self._envs_by_feed.get(name, set())
            elif document.kind is Kind.SCHEMA:
                result |= self._envs_by_schema.get(name, set())
        return result

    def of_kind(self, kind: Kind) -> Iterator[Document]:
        for path in sorted(self.documents):
            document = self.documents[path]
            if document.kind is kind:
                yield document

    def paths_named(self, kind: Kind, name: str) -> set[str]:
        return set(self._by_name[kind].get(name, set()))

    def named(self, kind: Kind, name: str) -> Document | None:
        """The document defining `name`: the one at the canonical path if several claim it."""
        paths = self._by_name[kind].get(name)
        if not paths:
            return None
        if len(paths) == 1:  # the usual case; rules ask this for every environment
            for only in paths:
                return self.documents[only]
        canonical = f"{REGISTRY_DIR}/{kind.folder}/{name}.yaml"
        return self.documents[canonical if canonical in paths else min(paths)]

    def feed(self, name: str) -> Feed | None:
        document = self.named(Kind.FEED, name)
        return document.model if document and isinstance(document.model, Feed) else None

    def schema(self, name: str) -> Schema | None:
        document = self.named(Kind.SCHEMA, name)
        return document.model if document and isinstance(document.model, Schema) else None

    def environment(self, name: str) -> Environment | None:
        document = self.named(Kind.ENVIRONMENT, name)
        return document.model if document and isinstance(document.model, Environment) else None

    def names(self, kind: Kind) -> list[str]:
        return sorted(name for name, paths in self._by_name[kind].items() if paths)

    def environments_using_feed(self, feed: str) -> list[str]:
        return sorted(self._envs_by_feed.get(feed, set()))

    def environments_using_schema(self, schema: str) -> list[str]:
        return sorted(self._envs_by_schema.get(schema, set()))

    @staticmethod
    def schema_files(schema: Schema) -> set[str]:
        files = {schema.schema_file, *(v.schema_file for v in schema.versions if v.schema_file)}
        return {schema_file_path(f) for f in files if not escapes_schemas_dir(f)}

    def file_hash(self, path: str) -> str | None:
        """`sha256:<hex>` of a `.capnp` file's bytes as the workspace has them, or None."""
        content = self.capnp_bytes.get(path)
        if content is None:
            return None
        return "sha256:" + hashlib.sha256(content).hexdigest()

    def cyclic_files(self) -> set[str]:
        if self._cyclic is None:
            graph = {
                path: [
                    t
                    for i in scan_imports(self.documents[path].text)
                    if (t := i.resolve(path)) is not None
                ]
                for path in self.capnp_bytes
            }
            self._cyclic = find_cycles(graph)
        return self._cyclic

    def escaping_files(self) -> set[str]:
        """`.capnp` files that import, directly or through others, a path outside
        exchanges/schemas/: never handed to the compiler, which would read it (SSMD204)."""
        if self._escaping is not None:
            return self._escaping
        escaping = {
            path
            for path in self.capnp_bytes
            if any(import_escapes(i) for i in scan_imports(self.documents[path].text))
        }
        pending = list(escaping)
        while pending:
            for importer in self._importers.get(pending.pop(), set()):
                if importer not in escaping:
                    escaping.add(importer)
                    pending.append(importer)
        self._escaping = escaping
        return escaping

    def compiled(self, paths: Iterable[str]) -> dict[str, CompileResult]:
        """Compile results for `.capnp` files (files on an import cycle, or importing
        something outside exchanges/schemas/, are not compiled)."""
        refused = self.cyclic_files() | self.escaping_files()
        wanted = [p for p in paths if p in self.capnp_bytes and p not in refused]
        todo = [p for p in wanted if p not in self._compiled]
        if todo:
            in_place = None if self._capnp_from_editor else self.root
            self._compiled.update(self.compiler.compile(self.capnp_bytes, todo, in_place))
        return {p: self._compiled[p] for p in wanted}


def _index_name(document: Document) -> str | None:
    """The name a document is found by: its `name`, else (unreadable) its file name.

    A feed file with a syntax error still exists: environments naming it must
    not also get "unknown feed" (one mistake, one finding), and fixing it must
    re-check them.
    """
    if document.declared_name is not None:
        return document.declared_name
    return document.stem if document.model is None else None

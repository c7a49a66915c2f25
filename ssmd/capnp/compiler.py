"""Compile `.capnp` files safely: in a child process, cached by content.

The child (`ssmd.capnp._child`) may die on any schema error (pycapnp 2.2
aborts instead of raising), so the parent records which file it had started,
turns the abort message into a `CompileError`, and restarts the child for the
files still to do. Where Debian's `capnp` tool is installed it is asked once
more about a failed file, because it reports every error with a 1-based
line and column; pycapnp's message has a 0-based line and no column.

Results are cached by the content of the file and of everything it imports,
in memory and (unless disabled) on disk, so an unchanged file is never
recompiled, not even by the next `ssmd validate`.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ssmd.capnp.imports import scan_imports

CHILD_TIMEOUT_SECONDS = 60.0
CHILD_PROCESSES = max(1, min(4, os.cpu_count() or 1))
"""Children compiling in parallel for large batches (a cold workspace)."""
_ENGINE = "pycapnp-3/structure-4"  # cache key part: a new compiler or description differs
_PYCAPNP_ERROR = re.compile(r"(?P<path>[^\s:]+\.capnp):(?P<line>\d+): failed: (?P<message>.*)")
_CAPNP_TOOL_ERROR = re.compile(
    r"^(?P<path>[^\s:]+\.capnp):(?P<line>\d+):(?P<column>\d+)(?:-(?P<end>\d+))?: "
    r"error: (?P<message>.*)$"
)


@dataclass(frozen=True, slots=True)
class CompileError:
    file: str
    """Root-relative path of the file the error is in (may be an imported file)."""
    line: int
    """0-based."""
    column: int | None
    """0-based, when the compiler gives one."""
    end_column: int | None
    message: str


@dataclass(frozen=True, slots=True)
class CompileResult:
    ok: bool
    errors: tuple[CompileError, ...] = ()
    structure: dict[str, Any] | None = field(default=None, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "errors": [asdict(e) for e in self.errors],
            "structure": self.structure,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CompileResult:
        errors = tuple(CompileError(**e) for e in data["errors"])
        return cls(bool(data["ok"]), errors, data.get("structure"))


def default_cache_dir() -> Path | None:
    """`SSMD_CACHE_DIR` (`off` disables), else `$XDG_CACHE_HOME/ssmd`, else `~/.cache/ssmd`."""
    configured = os.environ.get("SSMD_CACHE_DIR")
    if configured:
        return None if configured == "off" else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ssmd"


class CapnpCompiler:
    """Compiles sets of `.capnp` files; one instance keeps its memory cache for its lifetime."""

    def __init__(self, cache_dir: Path | None = None, use_disk_cache: bool = True) -> None:
        self.cache_dir = (cache_dir or default_cache_dir()) if use_disk_cache else None
        self._memory: dict[str, CompileResult] = {}
        self.compiled_count = 0
        """How many files this instance has actually compiled (cache misses), for tests."""

    def compile(
        self, files: Mapping[str, bytes], targets: Iterable[str], on_disk: Path | None = None
    ) -> dict[str, CompileResult]:
        """Compile each of `targets`; `files` holds every `.capnp` file they may import.

        Keys are root-relative posix paths of files in one folder tree. When
        `on_disk` is the root those paths are relative to and the files there
        hold exactly `files`, they are compiled in place instead of copied.
        """
        keys = {target: self._cache_key(target, files) for target in targets}
        results: dict[str, CompileResult] = {}
        missing: list[str] = []
        for target, key in keys.items():
            cached = self._memory.get(key) or self._read_disk(key)
            if cached is None:
                missing.append(target)
            else:
                self._memory[key] = cached
                results[target] = cached
        if missing:
            for target, result in self._compile_in_child(files, missing, on_disk).items():
                self._memory[keys[target]] = result
                self._write_disk(keys[target], result)
                results[target] = result
        return results

    def _cache_key(self, target: str, files: Mapping[str, bytes]) -> str:
        digest = hashlib.sha256(_ENGINE.encode())
        seen: set[str] = set()
        pending = [target]
        while pending:
            path = pending.pop()
            if path in seen:
                continue
            seen.add(path)
            content = files.get(path)
            if content is None:
                continue
            for imported in scan_imports(content.decode("utf-8", "replace")):
                resolved = imported.resolve(path)
                if resolved is not None:
                    pending.append(resolved)
        for path in sorted(seen):
            digest.update(path.encode() + b"\0" + files.get(path, b"\0missing") + b"\0")
        return digest.hexdigest()

    def _read_disk(self, key: str) -> CompileResult | None:
        if self.cache_dir is None:
            return None
        try:
            data = json.loads((self.cache_dir / "capnp" / f"{key}.json").read_text())
            return CompileResult.from_json(data)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _write_disk(self, key: str, result: CompileResult) -> None:
        if self.cache_dir is None:
            return
        folder = self.cache_dir / "capnp"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            temporary = folder / f".{key}.{os.getpid()}.tmp"
            temporary.write_text(json.dumps(result.to_json()))
            temporary.replace(folder / f"{key}.json")
        except OSError:
            pass  # a cache that cannot be written is only slower

    def _compile_in_child(
        self, files: Mapping[str, bytes], targets: list[str], on_disk: Path | None
    ) -> dict[str, CompileResult]:
        common = _common_folder(files.keys())
        relative = {_relative(t, common): t for t in targets}
        with tempfile.TemporaryDirectory(prefix="ssmd-capnp-") as scratch:
            if on_disk is not None:
                directory = str(on_disk / common)
            else:
                directory = scratch
                for path, content in files.items():
                    destination = Path(scratch, _relative(path, common))
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    destination.write_bytes(content)
            # imported here: it brings logging, and commands that never compile skip both
            from concurrent.futures import ThreadPoolExecutor

            chunks = _chunks(sorted(relative), CHILD_PROCESSES if len(relative) > 64 else 1)

            with ThreadPoolExecutor(max_workers=len(chunks)) as pool:
                outcomes = list(pool.map(lambda chunk: _compile_chunk(directory, chunk), chunks))
        results: dict[str, CompileResult] = {}
        for outcome in outcomes:
            self.compiled_count += len(outcome)
            for name, result in outcome.items():
                results[relative[name]] = _with_real_paths(result, common)
        return results

    def compile_variants(
        self, variants: Sequence[tuple[Mapping[str, bytes], str]]
    ) -> list[CompileResult]:
        """Compile one target in each of several file sets, all in one child run.

        For one schema file's texts at several git revisions (SSMD208, `schema
        diff`): each set gets its own folder, so one path may hold different
        bytes in each, and one child start serves them all instead of one per
        revision. Results are cached exactly as `compile` caches them.
        """
        keys = [self._cache_key(target, files) for files, target in variants]
        results: list[CompileResult | None] = []
        for key in keys:
            cached = self._memory.get(key) or self._read_disk(key)
            if cached is not None:
                self._memory[key] = cached
            results.append(cached)
        todo = {keys[i]: i for i, result in enumerate(results) if result is None}
        if todo:
            names: dict[str, tuple[int, str]] = {}
            with tempfile.TemporaryDirectory(prefix="ssmd-capnp-") as scratch:
                for index in todo.values():
                    files, target = variants[index]
                    common = _common_folder(files.keys())
                    for path, content in files.items():
                        destination = Path(scratch, f"v{index}", _relative(path, common))
                        destination.parent.mkdir(parents=True, exist_ok=True)
                        destination.write_bytes(content)
                    names[f"v{index}/{_relative(target, common)}"] = (index, common)
                outcome = _compile_chunk(scratch, sorted(names), nested=True)
            self.compiled_count += len(outcome)
            for name, result in outcome.items():
                index, common = names[name]
                real = _with_real_paths(_outside_variant(result), common)
                self._memory[keys[index]] = real
                self._write_disk(keys[index], real)
        return [self._memory[key] for key in keys]


def _outside_variant(result: CompileResult) -> CompileResult:
    """Error paths without the `v<N>/` folder `compile_variants` put each file set in."""
    if not result.errors:
        return result
    errors = tuple(
        CompileError(e.file.split("/", 1)[-1], e.line, e.column, e.end_column, e.message)
        for e in result.errors
    )
    return CompileResult(result.ok, errors, result.structure)


def _chunks(names: list[str], count: int) -> list[list[str]]:
    return [chunk for chunk in (names[i::count] for i in range(count)) if chunk]


def _compile_chunk(
    directory: str, names: list[str], nested: bool = False
) -> dict[str, CompileResult]:
    """Compile `names` in a child, restarting it after each file that kills it."""
    results: dict[str, CompileResult] = {}
    remaining = list(names)
    while remaining:
        done, failed_file, stderr = _run_child(directory, remaining, nested)
        results.update(done)
        if failed_file is None:
            for name in remaining:
                if name not in done:
                    results[name] = _died(name, stderr)
            break
        results[failed_file] = _from_abort(directory, failed_file, stderr)
        remaining = [n for n in remaining if n not in done and n != failed_file]
    return results


def _run_child(
    directory: str, files: list[str], nested: bool = False
) -> tuple[dict[str, CompileResult], str | None, str]:
    """Run the child on `files`; returns results, the file it died on (if any) and its stderr."""
    package_parent = str(Path(__file__).resolve().parents[2])
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        p for p in (package_parent, environment.get("PYTHONPATH")) if p
    )
    request = json.dumps(
        {"dir": directory, "files": files, "nested": nested, "standard": standard_import_dirs()}
    )
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "ssmd.capnp._child"],
            input=request,
            capture_output=True,
            text=True,
            env=environment,
            timeout=CHILD_TIMEOUT_SECONDS,
            check=False,
        )
        stdout, stderr = completed.stdout, completed.stderr
    except subprocess.TimeoutExpired as expired:
        stdout = _text(expired.stdout)
        stderr = f"the compiler took longer than {CHILD_TIMEOUT_SECONDS:.0f} s and was stopped"
    done: dict[str, CompileResult] = {}
    started: str | None = None
    for line in stdout.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if "start" in event:
            started = event["start"]
        elif event.get("ok"):
            done[event["file"]] = CompileResult(True, (), event.get("structure"))
        else:
            message = str(event.get("message", "does not compile"))
            done[event["file"]] = _from_abort(directory, event["file"], message)
    failed = started if started is not None and started not in done else None
    return done, failed, stderr


def _text(value: bytes | str | None) -> str:
    if value is None:
        return ""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _from_abort(directory: str, relative: str, stderr: str) -> CompileResult:
    """Turn what the dead child printed into errors, asking the `capnp` tool for columns."""
    precise = _ask_capnp_tool(directory, relative)
    if precise:
        return CompileResult(False, tuple(precise))
    errors = []
    for match in _PYCAPNP_ERROR.finditer(stderr):
        file = _inside(directory, match["path"], relative)
        line = int(match["line"])  # pycapnp reports 0-based lines
        errors.append(CompileError(file, line, None, None, match["message"].strip()))
    if errors:
        return CompileResult(False, tuple(errors))
    detail = stderr.strip().splitlines()[-1] if stderr.strip() else "the compiler stopped"
    return CompileResult(False, (CompileError(relative, 0, None, None, detail),))


@functools.cache
def standard_import_dirs() -> list[str]:
    """Folders that resolve Cap'n Proto's standard imports (`import "/capnp/c++.capnp"`).

    pycapnp ships those files inside its package and Debian's `capnproto`
    ships none, so with only the registry folder as import path a schema using
    the common `$Cxx.namespace(...)` annotation would not compile. Found
    without importing pycapnp (the parent process never loads the compiler).
    """
    candidates: list[Path] = []
    spec = importlib.util.find_spec("capnp")
    if spec is not None and spec.submodule_search_locations:
        candidates.extend(Path(p).parent for p in spec.submodule_search_locations)
    candidates += [Path("/usr/local/include"), Path("/usr/include")]
    return [str(c) for c in candidates if (c / "capnp" / "c++.capnp").is_file()]


def _ask_capnp_tool(directory: str, relative: str) -> list[CompileError]:
    tool = shutil.which("capnp")
    if tool is None:
        return []
    try:
        completed = subprocess.run(
            # --no-standard-import: only the registry and pycapnp's bundled standard
            # files are searched, exactly as the pycapnp child does.
            [
                tool,
                "compile",
                "-o-",
                "--no-standard-import",
                f"-I{directory}",
                *(f"-I{folder}" for folder in standard_import_dirs()),
                relative,
            ],
            cwd=directory,
            # `-o-` writes the compiled binary to stdout: discard it, never decode it as text.
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=CHILD_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    errors = []
    for line in completed.stderr.decode("utf-8", "replace").splitlines():
        match = _CAPNP_TOOL_ERROR.match(line)
        if match is None:
            continue
        column = int(match["column"]) - 1
        end = int(match["end"]) - 1 if match["end"] else None
        file = _inside(directory, match["path"], relative)
        errors.append(CompileError(file, int(match["line"]) - 1, column, end, match["message"]))
    return _fold_notes(errors)


_NOTE = re.compile(r"^(?P<what>.*) (?:originally used|previously defined) here\.$")


def _fold_notes(errors: list[CompileError]) -> list[CompileError]:
    """Merge the tool's "... originally used here." lines into the error they explain.

    `capnp` prints a duplicate as two errors, the mistake and then where the
    first one was; that is one mistake, so it becomes one message.
    """
    folded: list[CompileError] = []
    for error in errors:
        note = _NOTE.match(error.message)
        if note is None or not folded or folded[-1].file != error.file:
            folded.append(error)
            continue
        primary = folded[-1]
        where = f"{error.message.removesuffix(' here.').rstrip('.')} on line {error.line + 1}"
        message = f"{primary.message.rstrip('.')}; {where[0].lower()}{where[1:]}"
        folded[-1] = CompileError(
            primary.file, primary.line, primary.column, primary.end_column, message
        )
    return folded


def _inside(directory: str, reported: str, fallback: str) -> str:
    """The scratch-relative path of a file the compiler names, or `fallback`."""
    path = Path(reported)
    if not path.is_absolute():
        path = Path(directory, reported)
    try:
        return path.resolve().relative_to(Path(directory).resolve()).as_posix()
    except ValueError:
        return fallback


def _died(target: str, stderr: str) -> CompileResult:
    detail = stderr.strip().splitlines()[-1] if stderr.strip() else "no output"
    message = f"the schema compiler stopped unexpectedly ({detail})"
    return CompileResult(False, (CompileError(target, 0, None, None, message),))


def _with_real_paths(result: CompileResult, common: str) -> CompileResult:
    if not result.errors:
        return result
    errors = tuple(
        CompileError(_join(common, e.file), e.line, e.column, e.end_column, e.message)
        for e in result.errors
    )
    return CompileResult(result.ok, errors, result.structure)


def _common_folder(paths: Iterable[str]) -> str:
    folders = {str(PurePosixPath(p).parent) for p in paths}
    if len(folders) == 1:
        return folders.pop()
    return os.path.commonpath(list(folders)) if folders else ""


def _relative(path: str, common: str) -> str:
    return str(PurePosixPath(path).relative_to(common)) if common else path


def _join(common: str, relative: str) -> str:
    if relative.startswith(common + "/") or not common:
        return relative
    return f"{common}/{relative}"

"""Language-server latency on a large generated registry: ssmd-ls, with a peer beside it.

    python benchmarks/lsp_latency.py [--edits 200] [--feeds 500 --schemas 1000 --environments 1500]
                                     [--no-peer] [--keep DIR]

Measures, over a real stdio connection (a minimal JSON-RPC client, no editor):
- start-up: `initialized` -> indexing progress `end` (every file read and checked);
- env edit: `didChange` of one environment -> its `publishDiagnostics`, p50/p95 over N edits
  (the edit toggles a typo in `feed:`, so every edit changes the diagnostics);
- feed edit: `didChange` of the feed shared by ~500 environments -> the last of those
  environments' `publishDiagnostics` (status toggles active/inactive: SSMD307 on and off);
- hover and completion p95 while edits arrive every 5 ms (an edit storm);
- code lens and formatting of the shared feed and of one environment, one request at a time;
- server RSS after all of it (VmRSS from /proc);
- the peer: yaml-language-server@1.25.0 (npm, JSON Schema of the environment model) on the
  same file with the same kind of edit (an enum value toggled), and the ratio of medians.
Targets (issue 4): env edit p95 <= 25 ms; feed edit over 500 environments <= 150 ms;
RSS <= 150 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.generate import generate  # noqa: E402

PEER_VERSION = "1.25.0"
PEER_DIR = REPO / "benchmarks" / "out" / "yaml-language-server"


class Client:
    """Just enough LSP client: framing, requests by id, server requests answered."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        self.process: asyncio.subprocess.Process | None = None
        self.next_id = 0
        self.waiting: dict[int, asyncio.Future[Any]] = {}
        self.published: dict[str, tuple[float, int, int | None]] = {}
        """uri -> (arrival time, number of diagnostics, version) of the latest publish."""
        self.progress_ended = asyncio.Event()
        self.changed = asyncio.Event()
        self.reader: asyncio.Future[None] | None = None

    async def start(self, command: list[str], cwd: Path) -> None:
        self.process = await asyncio.create_subprocess_exec(
            *command,
            cwd=cwd,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            limit=1 << 26,
        )
        self.reader = asyncio.ensure_future(self._read())

    def _write(self, message: dict[str, Any]) -> None:
        assert self.process is not None and self.process.stdin is not None
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.process.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)

    def notify(self, method: str, params: Any) -> None:
        self._write({"method": method, "params": params})

    async def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.waiting[self.next_id] = future
        self._write({"id": self.next_id, "method": method, "params": params})
        return await future

    async def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        stream = self.process.stdout
        while True:
            length = 0
            while True:
                line = await stream.readline()
                if not line:
                    return
                if line.startswith(b"Content-Length:"):
                    length = int(line.split(b":")[1])
                elif line in (b"\r\n", b"\n"):
                    break
            message = json.loads(await stream.readexactly(length))
            self._dispatch(message)

    def _dispatch(self, message: dict[str, Any]) -> None:
        if "id" in message and "method" not in message:
            future = self.waiting.pop(message["id"], None)
            if future is not None and not future.done():
                future.set_result(message.get("result"))
            return
        method, params = message.get("method"), message.get("params")
        if "id" in message:  # a request from the server
            result: Any = None
            if method == "workspace/configuration":
                result = [self.settings.get(i.get("section") or "", None) for i in params["items"]]
            self._write({"id": message["id"], "result": result})
            return
        if method == "textDocument/publishDiagnostics":
            self.published[params["uri"]] = (
                time.perf_counter(),
                len(params["diagnostics"]),
                params.get("version"),
            )
            self.changed.set()
        elif method == "$/progress" and params["value"].get("kind") == "end":
            self.progress_ended.set()

    async def until(self, ready: Callable[[], bool], timeout: float = 60) -> None:
        deadline = time.perf_counter() + timeout
        while not ready():
            self.changed.clear()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError("the server did not publish what was expected")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), remaining)

    def capabilities(self, progress: bool) -> dict[str, Any]:
        return {
            "window": {"workDoneProgress": progress},
            "workspace": {"configuration": True},
            "textDocument": {
                "publishDiagnostics": {"versionSupport": True},
                "hover": {"contentFormat": ["markdown"]},
                "completion": {"completionItem": {"snippetSupport": False}},
            },
        }

    async def initialize(self, root: Path, progress: bool) -> None:
        capabilities = self.capabilities(progress)
        await self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root.as_uri(),
                "capabilities": capabilities,
                "workspaceFolders": [{"uri": root.as_uri(), "name": "registry"}],
            },
        )
        self.notify("initialized", {})

    def open(self, uri: str, text: str) -> None:
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
        )

    def change(self, uri: str, text: str, version: int) -> float:
        sent = time.perf_counter()
        self.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]},
        )
        return sent

    async def stop(self) -> None:
        assert self.process is not None
        try:
            await asyncio.wait_for(self.request("shutdown", None), 10)
            self.notify("exit", None)
            await asyncio.wait_for(self.process.wait(), 10)
        except (TimeoutError, ConnectionError):
            self.process.kill()
            await self.process.wait()

    def rss_mb(self) -> float:
        assert self.process is not None
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
        return int(line.split()[1]) / 1024


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary(name: str, values: list[float]) -> str:
    return (
        f"{name:<44} p50 {statistics.median(values):7.1f} ms   "
        f"p95 {percentile(values, 0.95):7.1f} ms   (n={len(values)})"
    )


async def toggle_edits(
    client: Client,
    uri: str,
    texts: tuple[str, str],
    counts: tuple[int, int],
    edits: int,
    first_version: int,
) -> list[float]:
    """Alternate between two texts; time each didChange to the publish that reflects it."""
    latencies = []
    for index in range(edits):
        which = (index + 1) % 2
        version = first_version + index
        sent = client.change(uri, texts[which], version)
        expected = counts[which]

        def arrived(sent: float = sent, expected: int = expected) -> bool:
            entry = client.published.get(uri)
            return entry is not None and entry[0] >= sent and entry[1] == expected

        await client.until(arrived)
        latencies.append((client.published[uri][0] - sent) * 1000)
    return latencies


async def measure_ssmd(root: Path, edits: int, env: str, hot_feed: str) -> dict[str, Any]:
    client = Client({"ssmd": {}})
    await client.start([sys.executable, "-m", "ssmd_ls"], REPO)
    started = time.perf_counter()
    await client.initialize(root, progress=True)
    await asyncio.wait_for(client.progress_ended.wait(), 600)
    results: dict[str, Any] = {"startup_s": time.perf_counter() - started}
    await asyncio.sleep(1.0)  # let the first full check's publishes drain
    results["rss_after_start_mb"] = client.rss_mb()

    env_path = root / env
    env_uri = env_path.as_uri()
    text = env_path.read_text()
    feed_line = next(line for line in text.splitlines() if line.startswith("feed: "))
    typo = text.replace(feed_line, feed_line + "q")
    client.open(env_uri, text)
    await asyncio.sleep(0.5)
    results["env_edit"] = await toggle_edits(client, env_uri, (text, typo), (0, 1), edits, 2)

    enum_typo = text.replace("  type: nats", "  type: natz")
    results["env_enum_edit"] = await toggle_edits(
        client, env_uri, (text, enum_typo), (0, 1), edits, 2 + edits
    )
    client.change(env_uri, text, 3 + 2 * edits)

    feed_path = root / hot_feed
    feed_uri = feed_path.as_uri()
    feed_text = feed_path.read_text()
    inactive = feed_text.replace("status: active", "status: inactive", 1)
    users = [
        p.as_uri()
        for p in sorted((root / "exchanges/environments").glob("*.yaml"))
        if f"feed: {feed_path.stem}\n" in p.read_text()
    ]
    results["hot_feed_users"] = len(users)
    client.open(feed_uri, feed_text)
    await asyncio.sleep(0.5)
    feed_latencies = []
    for index in range(edits):
        status_inactive = index % 2 == 0
        sent = client.change(feed_uri, inactive if status_inactive else feed_text, 2 + index)

        def all_arrived(sent: float = sent, warned: bool = status_inactive) -> bool:
            for uri in users:
                entry = client.published.get(uri)
                if entry is None or entry[0] < sent:
                    return False
                if warned and entry[1] == 0:
                    return False
            return True

        await client.until(all_arrived)
        feed_latencies.append((max(client.published[u][0] for u in users) - sent) * 1000)
    results["feed_edit"] = feed_latencies
    client.change(feed_uri, feed_text, 2 + edits)
    lens_count = min(edits, 50)
    results["code_lens_feed"] = await timed(
        client, "textDocument/codeLens", {"textDocument": {"uri": feed_uri}}, lens_count
    )
    results["code_lens_env"] = await timed(
        client, "textDocument/codeLens", {"textDocument": {"uri": env_uri}}, lens_count
    )
    options = {"tabSize": 2, "insertSpaces": True}
    for name, uri in (("formatting_feed", feed_uri), ("formatting_env", env_uri)):
        results[name] = await timed(
            client,
            "textDocument/formatting",
            {"textDocument": {"uri": uri}, "options": options},
            lens_count,
        )

    results["hover_storm"], results["completion_storm"] = await storm(
        client, env_uri, text, typo, feed_line
    )
    results["rss_end_mb"] = client.rss_mb()
    await client.stop()
    return results


async def timed(client: Client, method: str, params: Any, count: int) -> list[float]:
    """Milliseconds per request, one at a time (no edits meanwhile)."""
    latencies = []
    for _ in range(count):
        started = time.perf_counter()
        await client.request(method, params)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


async def storm(
    client: Client, uri: str, text: str, typo: str, feed_line: str
) -> tuple[list[float], list[float]]:
    """Edits every 5 ms in the background; hovers and completions timed meanwhile."""
    stop = asyncio.Event()
    version = 10_000

    async def edit_forever() -> None:
        nonlocal version
        while not stop.is_set():
            version += 1
            client.change(uri, typo if version % 2 else text, version)
            await asyncio.sleep(0.005)

    editor = asyncio.ensure_future(edit_forever())
    feed_line_number = text.splitlines().index(feed_line)
    hovers, completions = [], []
    for _ in range(100):
        position = {"line": feed_line_number, "character": 7}
        started = time.perf_counter()
        await client.request(
            "textDocument/hover", {"textDocument": {"uri": uri}, "position": position}
        )
        hovers.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        await client.request(
            "textDocument/completion",
            {"textDocument": {"uri": uri}, "position": {"line": feed_line_number, "character": 6}},
        )
        completions.append((time.perf_counter() - started) * 1000)
    stop.set()
    await editor
    client.change(uri, text, version + 1)
    return hovers, completions


def install_peer() -> Path | None:
    """yaml-language-server@1.25.0 from npm into benchmarks/out (None when npm cannot)."""
    server = PEER_DIR / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
    if server.exists():
        return server
    npm = shutil.which("npm")
    if npm is None:
        return None
    PEER_DIR.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [npm, "install", "--prefix", str(PEER_DIR), f"yaml-language-server@{PEER_VERSION}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(f"yaml-language-server not installed: {done.stderr.strip()[-300:]}")
        return None
    return server if server.exists() else None


async def measure_peer(server: Path, root: Path, env: str, edits: int) -> dict[str, Any]:
    from ssmd.models import Environment

    schema_file = root / "environment.schema.json"
    schema_file.write_text(json.dumps(Environment.model_json_schema(by_alias=True)))
    yaml_settings = {
        "validate": True,
        "hover": True,
        "completion": True,
        "schemas": {schema_file.as_uri(): ["exchanges/environments/*.yaml"]},
        "schemaStore": {"enable": False},
    }
    client = Client({"yaml": yaml_settings})
    await client.start(["node", str(server), "--stdio"], root)
    await client.initialize(root, progress=False)
    client.notify("workspace/didChangeConfiguration", {"settings": {"yaml": yaml_settings}})
    env_uri = (root / env).as_uri()
    text = (root / env).read_text()
    client.open(env_uri, text)
    await client.until(lambda: env_uri in client.published)
    enum_typo = text.replace("  type: nats", "  type: natz")
    results: dict[str, Any] = {
        "env_enum_edit": await toggle_edits(client, env_uri, (text, enum_typo), (0, 1), edits, 2)
    }
    results["rss_end_mb"] = client.rss_mb()
    await client.stop()
    return results


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--peer-edits", type=int, default=100)
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--schemas", type=int, default=1000)
    parser.add_argument("--environments", type=int, default=1500)
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    arguments = parser.parse_args()

    root = arguments.keep or Path(tempfile.mkdtemp(prefix="ssmd-lsp-bench-"))
    if not (root / "exchanges").exists():
        generate(root, arguments.feeds, arguments.schemas, arguments.environments)
    files = sum(1 for _ in (root / "exchanges").rglob("*") if _.is_file())
    os.environ.setdefault("SSMD_CACHE_DIR", str(root / ".cache"))
    # An environment on another feed, clean at the start, for the single-file edit.
    env = next(
        f"exchanges/environments/{p.name}"
        for p in sorted((root / "exchanges/environments").glob("*.yaml"))
        if "feed: feed-0000\n" not in p.read_text() and "x\n" not in p.read_text().split("\n")[1]
    )
    hot_feed = "exchanges/feeds/feed-0000.yaml"
    print(f"registry: {files} files in {root}")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    ours = await measure_ssmd(root, arguments.edits, env, hot_feed)
    print(f"ssmd-ls start-up (index + check all)        {ours['startup_s']:7.2f} s")
    print(summary("ssmd-ls env edit (feed typo, cross-file)", ours["env_edit"]))
    print(summary("ssmd-ls env edit (enum value)", ours["env_enum_edit"]))
    print(summary(f"ssmd-ls feed edit ({ours['hot_feed_users']} environments)", ours["feed_edit"]))
    print(
        summary(f"ssmd-ls code lens, feed of {ours['hot_feed_users']} envs", ours["code_lens_feed"])
    )
    print(summary("ssmd-ls code lens, environment", ours["code_lens_env"]))
    print(summary("ssmd-ls formatting, feed", ours["formatting_feed"]))
    print(summary("ssmd-ls formatting, environment", ours["formatting_env"]))
    print(summary("ssmd-ls hover during edit storm", ours["hover_storm"]))
    print(summary("ssmd-ls completion during edit storm", ours["completion_storm"]))
    print(
        f"ssmd-ls RSS after start {ours['rss_after_start_mb']:.0f} MB, "
        f"at the end {ours['rss_end_mb']:.0f} MB"
    )
    targets = [
        ("env edit p95 <= 25 ms", percentile(ours["env_edit"], 0.95) <= 25),
        ("feed edit p95 <= 150 ms", percentile(ours["feed_edit"], 0.95) <= 150),
        ("RSS <= 150 MB", ours["rss_end_mb"] <= 150),
    ]
    for name, met in targets:
        print(f"target {name}: {'met' if met else 'MISSED'}")
    if arguments.no_peer:
        return
    server = install_peer()
    if server is None:
        print("peer: yaml-language-server could not be installed; no ratio")
        return
    peer = await measure_peer(server, root, env, arguments.peer_edits)
    print(summary(f"yaml-language-server {PEER_VERSION} env edit (enum)", peer["env_enum_edit"]))
    print(f"yaml-language-server RSS at the end {peer['rss_end_mb']:.0f} MB")
    ratio = statistics.median(peer["env_enum_edit"]) / statistics.median(ours["env_enum_edit"])
    print(f"ratio (median, same file, same edit): ssmd-ls is {ratio:.1f}x faster")


if __name__ == "__main__":
    asyncio.run(main())

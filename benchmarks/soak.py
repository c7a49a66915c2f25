"""Soak: ssmd-ls under an edit storm at typing speed, RSS sampled, stalls detected.

    python benchmarks/soak.py [--minutes 30] [--files 50] [--keys-per-second 8] [--keep DIR]
                              [--out results.json]

On the generated 3,000-file registry (benchmarks/generate.py, seed 7), the server is
started over stdio (the minimal client of benchmarks/lsp_latency.py), 50 files are opened
(feeds, schemas, environments: seeded choice), and for `--minutes` a typist edits them:
one keystroke every 1/`--keys-per-second` s, each an incremental insert of one character
or a backspace, words typed at random places and often erased again, a switch to another
file every few words, now and then a whole-text revert to the file on disk.

Measured:
- RSS (VmRSS of the server) every minute; the check: after the first 5 minutes, no sample
  more than 10% above the 5-minute sample;
- a stall: any probe slower than 1 s. Every 0.5 s the file being typed in gets a hover
  and a pulled `textDocument/diagnostic` (the client advertises pull diagnostics, and a
  pull waits until the edits sent before it are checked, so it times the check of the
  latest keystroke). Each stall is printed with its time and file;
- pull and hover latency p50/p95/p99/max.

Prints one line per minute and a summary; `--out` writes the samples as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import string
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.generate import generate  # noqa: E402
from benchmarks.lsp_latency import Client, percentile  # noqa: E402

STALL_SECONDS = 1.0


@dataclass
class Buffer:
    uri: str
    disk: str
    text: str
    version: int = 1


@dataclass
class Soak:
    client: Client
    buffers: list[Buffer]
    rng: random.Random
    started: float = field(default_factory=time.perf_counter)
    pull_ms: list[float] = field(default_factory=list)
    hover_ms: list[float] = field(default_factory=list)
    stalls: list[str] = field(default_factory=list)
    keystrokes: int = 0
    current: Buffer | None = None

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def stall(self, what: str) -> None:
        line = f"STALL at {self.elapsed():7.1f} s: {what}"
        self.stalls.append(line)
        print(line, flush=True)

    def position(self, text: str, offset: int) -> dict[str, int]:
        """Line and UTF-16 column of `offset` (the generated registry is ASCII)."""
        line = text.count("\n", 0, offset)
        start = text.rfind("\n", 0, offset) + 1
        return {"line": line, "character": offset - start}

    def send(self, buffer: Buffer, start: int, end: int, new: str) -> None:
        change = {
            "range": {
                "start": self.position(buffer.text, start),
                "end": self.position(buffer.text, end),
            },
            "text": new,
        }
        buffer.text = buffer.text[:start] + new + buffer.text[end:]
        buffer.version += 1
        self.client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": buffer.uri, "version": buffer.version},
                "contentChanges": [change],
            },
        )
        self.keystrokes += 1

    def revert(self, buffer: Buffer) -> None:
        buffer.text = buffer.disk
        buffer.version += 1
        self.client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": buffer.uri, "version": buffer.version},
                "contentChanges": [{"text": buffer.disk}],
            },
        )

    async def typist(self, seconds: float, keys_per_second: float) -> None:
        interval = 1.0 / keys_per_second
        deadline = self.started + seconds
        while time.perf_counter() < deadline:
            buffer = self.rng.choice(self.buffers)
            self.current = buffer
            for _ in range(self.rng.randint(1, 6)):  # a few words in this file
                word = "".join(
                    self.rng.choices(string.ascii_lowercase + ": -", k=self.rng.randint(1, 8))
                )
                at = self.rng.randrange(len(buffer.text) + 1)
                for index, char in enumerate(word):
                    self.send(buffer, at + index, at + index, char)
                    await asyncio.sleep(interval)
                if self.rng.random() < 0.7:  # erased again, one backspace at a time
                    for index in range(len(word), 0, -1):
                        self.send(buffer, at + index - 1, at + index, "")
                        await asyncio.sleep(interval)
                if time.perf_counter() >= deadline:
                    break
            if self.rng.random() < 0.1:
                self.revert(buffer)

    async def timed(
        self, what: str, method: str, params: dict[str, Any], into: list[float]
    ) -> None:
        sent = time.perf_counter()
        try:
            await asyncio.wait_for(self.client.request(method, params), 60)
        except TimeoutError:
            self.stall(f"{what} unanswered after 60 s")
            into.append(60_000.0)
            return
        took = time.perf_counter() - sent
        into.append(took * 1000)
        if took > STALL_SECONDS:
            self.stall(f"{what} took {took:.2f} s")

    async def prober(self, seconds: float) -> None:
        deadline = self.started + seconds
        while time.perf_counter() < deadline:
            await asyncio.sleep(0.5)
            buffer = self.current or self.buffers[0]
            name = Path(buffer.uri).name
            document = {"uri": buffer.uri}
            offset = self.rng.randrange(len(buffer.text) + 1)
            position = self.position(buffer.text, offset)
            await self.timed(
                f"pull diagnostics of {name} v{buffer.version}",
                "textDocument/diagnostic",
                {"textDocument": document},
                self.pull_ms,
            )
            await self.timed(
                f"hover on {name} v{buffer.version}",
                "textDocument/hover",
                {"textDocument": document, "position": position},
                self.hover_ms,
            )


class PullClient(Client):
    """The benchmark client, advertising pull diagnostics (as Neovim 0.10+ and VS Code do)."""

    def capabilities(self, progress: bool) -> dict[str, Any]:
        return {
            "window": {"workDoneProgress": progress},
            "workspace": {"configuration": True},
            "textDocument": {
                "diagnostic": {"dynamicRegistration": False},
                "hover": {"contentFormat": ["markdown"]},
            },
        }


async def soak(
    root: Path, minutes: float, files: int, keys_per_second: float, seed: int
) -> dict[str, Any]:
    client = PullClient({"ssmd": {}})
    await client.start([sys.executable, "-m", "ssmd_ls"], REPO)
    began = time.perf_counter()
    await client.initialize(root, progress=True)
    await asyncio.wait_for(client.progress_ended.wait(), 900)
    startup = time.perf_counter() - began
    rng = random.Random(seed)
    exchanges = root / "exchanges"
    candidates = sorted(p for p in exchanges.rglob("*.yaml"))
    chosen = rng.sample(candidates, files)
    buffers = [Buffer(p.as_uri(), p.read_text(), p.read_text()) for p in chosen]
    for buffer in buffers:
        client.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": buffer.uri,
                    "languageId": "yaml",
                    "version": 1,
                    "text": buffer.text,
                }
            },
        )
    await asyncio.sleep(2.0)
    run = Soak(client, buffers, rng)
    seconds = minutes * 60
    rss: list[tuple[float, float]] = [(0.0, client.rss_mb())]
    print(f"start-up {startup:.1f} s; {files} files open; RSS {rss[0][1]:.0f} MB", flush=True)

    async def sampler() -> None:
        while run.elapsed() < seconds:
            await asyncio.sleep(min(60.0, max(0.1, seconds - run.elapsed())))
            rss.append((run.elapsed(), client.rss_mb()))
            print(
                f"minute {run.elapsed() / 60:5.1f}: RSS {rss[-1][1]:6.1f} MB, "
                f"keystrokes {run.keystrokes}, stalls {len(run.stalls)}, "
                f"load {os.getloadavg()[0]:.1f}",
                flush=True,
            )

    await asyncio.gather(run.typist(seconds, keys_per_second), run.prober(seconds), sampler())
    alive = client.process is not None and client.process.returncode is None
    await client.stop()
    return {
        "startup_s": startup,
        "minutes": minutes,
        "files": files,
        "keystrokes": run.keystrokes,
        "rss": rss,
        "pull_ms": run.pull_ms,
        "hover_ms": run.hover_ms,
        "stalls": run.stalls,
        "alive_at_end": alive,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--keys-per-second", type=float, default=8)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    parser.add_argument("--out", type=Path, help="write the samples here as JSON")
    arguments = parser.parse_args()
    root = arguments.keep or Path(tempfile.mkdtemp(prefix="ssmd-soak-"))
    if not (root / "exchanges").exists():
        generate(root)
    os.environ.setdefault("SSMD_CACHE_DIR", str(root / ".cache"))
    print(f"registry {root}; machine: {os.cpu_count()} cores shared, load {os.getloadavg()[0]:.1f}")
    result = asyncio.run(
        soak(root, arguments.minutes, arguments.files, arguments.keys_per_second, arguments.seed)
    )
    rss = result["rss"]
    print(
        f"keystrokes {result['keystrokes']} in {result['minutes']} min on {result['files']} files"
    )
    for name in ("pull_ms", "hover_ms"):
        values = result[name]
        if values:
            print(
                f"{name}: p50 {statistics.median(values):.0f} p95 {percentile(values, 0.95):.0f} "
                f"p99 {percentile(values, 0.99):.0f} max {max(values):.0f} (n={len(values)})"
            )
    print("RSS samples (min, MB): " + ", ".join(f"{t / 60:.0f}:{m:.0f}" for t, m in rss))
    after_five = [m for t, m in rss if t >= 5 * 60 - 1]
    if after_five:
        base = after_five[0]
        growth = (max(after_five) - base) / base * 100
        print(
            f"RSS growth after minute 5: {growth:+.1f}% (limit +10%): "
            f"{'met' if growth <= 10 else 'MISSED'}"
        )
    print(f"stalls over {STALL_SECONDS:.0f} s: {len(result['stalls'])}")
    for line in result["stalls"][:50]:
        print("  " + line)
    print(f"server alive at the end: {result['alive_at_end']}")
    if arguments.out:
        arguments.out.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()

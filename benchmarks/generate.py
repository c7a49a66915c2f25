"""Generate a large, realistic registry with a few planted errors (seeded, reproducible).

    python benchmarks/generate.py OUT_DIR [--feeds 500] [--schemas 1000] [--environments 1500]

Feeds have 1-4 versions, schemas 1-3 versions over small `.capnp` files (real,
compiling Cap'n Proto), environments reference them pinned or unpinned. About
1% of files carry a planted error (unknown feed, hash mismatch, unknown key,
draft reference) so the benchmark measures a run that reports findings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
from dataclasses import dataclass, field
from pathlib import Path

FIELD_TYPES = ["UInt64", "UInt32", "Int64", "Float64", "Text", "Bool", "Data"]


@dataclass
class Planted:
    """What the generator broke on purpose, for benchmarks that check they were found."""

    errors: list[str] = field(default_factory=list)


def capnp_text(rng: random.Random, name: str, fields: int) -> str:
    file_id = rng.getrandbits(63) | (1 << 63)
    struct = "".join(part.capitalize() for part in name.replace("-", "_").split("_"))
    lines = [
        f"@0x{file_id:016x};",
        f"# {name}: generated for benchmarks",
        "",
        f"struct {struct} {{",
    ]
    for ordinal in range(fields):
        lines.append(f"  field{ordinal} @{ordinal} :{rng.choice(FIELD_TYPES)};")
    lines += [
        f"  kind @{fields} :Kind;",
        "",
        "  enum Kind {",
        "    a @0;",
        "    b @1;",
        "  }",
        "}",
    ]
    return "\n".join(lines) + "\n"


def feed_text(rng: random.Random, name: str, versions: int, plant: bool) -> str:
    lines = [
        f"# Feed {name}",
        f"name: {name}",
        f"display_name: Feed {name.title()}",
        f"type: {rng.choice(['websocket', 'rest'])}",
        f"status: {'active' if rng.random() < 0.97 else 'inactive'}",
        "versions:",
    ]
    start = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(300))
    for number in range(1, versions + 1):
        date = start + dt.timedelta(days=120 * (number - 1))
        scheme, protocol = rng.choice([("wss", "wss"), ("https", "https")])
        lines += [
            f"  - version: v{number}",
            f"    effective_from: {date}",
            f"    protocol: {protocol}",
            f"    endpoint: {scheme}://api.{name}.example.com/v{number}/stream",
            f"    auth_method: {rng.choice(['api_key', 'none'])}",
            f"    rate_limit_per_second: {rng.randrange(1, 50)}",
            f"    max_symbols_per_connection: {rng.randrange(10, 500)}",
            f"    supports_orderbook: {rng.choice(['true', 'false'])}",
            "    supports_trades: true",
        ]
    if plant:
        lines.append("    suports_trades: true")  # SSMD003
    lines += ["calendar:", "  timezone: America/New_York", "  holiday_calendar: us_equity"]
    return "\n".join(lines) + "\n"


def schema_text(rng: random.Random, name: str, files: list[tuple[str, str]], plant: bool) -> str:
    lines = [f"name: {name}", "format: capnp", f"schema_file: {files[-1][0]}", "versions:"]
    start = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(200))
    for number, (file, text) in enumerate(files, start=1):
        digest = hashlib.sha256(text.encode()).hexdigest()
        if plant and number == len(files):
            digest = "0" * 64  # SSMD202
        last = number == len(files)
        status = "draft" if last and number > 1 and rng.random() < 0.3 else "active"
        lines += [
            f"  - version: v{number}",
            f"    effective_from: {start + dt.timedelta(days=90 * (number - 1))}",
            f"    status: {status}",
            f"    hash: sha256:{digest}",
            f"    schema_file: {file}",
        ]
        if number > 1:
            lines.append(f"    compatible_with: [v{number - 1}]")
    return "\n".join(lines) + "\n"


def environment_text(
    rng: random.Random, name: str, feed: str, schema: str, versions: int, plant: bool
) -> str:
    """`versions` counts the schema's versions that are not drafts."""
    reference = schema if rng.random() < 0.3 else f"{schema}:v{rng.randrange(1, versions + 1)}"
    lines = [
        f"name: {name}",
        f"feed: {feed + 'x' if plant else feed}",  # SSMD301 when planted
        f"schema: {reference}",
        "keys:",
        f"  {feed.replace('-', '_')}:",
        "    type: api_key",
        "    required: true",
        "    fields: [api_key, api_secret]",
        "    source: env",
        "transport:",
        "  type: nats",
        "  url: nats://localhost:4222",
        "storage:",
        "  type: local",
        f"  path: data/{name}",
    ]
    return "\n".join(lines) + "\n"


def generate(
    out: Path, feeds: int = 500, schemas: int = 1000, environments: int = 1500, seed: int = 7
) -> Planted:
    rng = random.Random(seed)
    planted = Planted()
    base = out / "exchanges"
    for folder in ("feeds", "schemas", "environments"):
        (base / folder).mkdir(parents=True, exist_ok=True)
    feed_names = [f"feed-{i:04d}" for i in range(feeds)]
    for name in feed_names:
        plant = rng.random() < 0.01
        planted.errors += [f"SSMD003 {name}"] if plant else []
        text = feed_text(rng, name, rng.randrange(1, 5), plant)
        if name == feed_names[0]:
            text = text.replace("status: inactive", "status: active")
        (base / "feeds" / f"{name}.yaml").write_text(text)
    schema_versions: dict[str, int] = {}
    for index in range(schemas):
        name = f"schema-{index:04d}"
        count = rng.randrange(1, 4)
        files = []
        for number in range(1, count + 1):
            file = f"{name}.v{number}.capnp"
            text = capnp_text(rng, name.replace("-", "_"), 4 + number)
            (base / "schemas" / file).write_text(text)
            files.append((file, text))
        plant = rng.random() < 0.01
        planted.errors += [f"SSMD202 {name}"] if plant else []
        text = schema_text(rng, name, files, plant)
        (base / "schemas" / f"{name}.yaml").write_text(text)
        schema_versions[name] = count - text.count("status: draft")
    schema_names = list(schema_versions)
    active_feeds = [
        n for n in feed_names if "status: active" in (base / "feeds" / f"{n}.yaml").read_text()
    ]
    for index in range(environments):
        name = f"env-{index:04d}"
        # Feed 0 is shared by a third of all environments: one edit re-checks ~500 files.
        feed = feed_names[0] if index % 3 == 0 else rng.choice(active_feeds)
        schema = rng.choice(schema_names)
        plant = rng.random() < 0.01
        planted.errors += [f"SSMD301 {name}"] if plant else []
        text = environment_text(rng, name, feed, schema, schema_versions[schema], plant)
        (base / "environments" / f"{name}.yaml").write_text(text)
    return planted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--schemas", type=int, default=1000)
    parser.add_argument("--environments", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args()
    planted = generate(
        arguments.out, arguments.feeds, arguments.schemas, arguments.environments, arguments.seed
    )
    print(f"generated {arguments.out} with {len(planted.errors)} planted errors")


if __name__ == "__main__":
    main()

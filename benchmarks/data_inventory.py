"""`ssmd data inventory` on S3 (moto's server on loopback) against a plain sequential GET loop.

    python benchmarks/data_inventory.py [--days 365] [--jobs 16] [--latency-ms 0]

3 feeds x --days days, raw and normalized manifests, in two buckets on a
moto_server child process. Measured in the same run, on the same data:
  baseline    one boto3 client, a plain loop: GET (or 404) and json.loads, one after another
  cold        the library's `build_inventory` per feed (a listing per bucket, then a bounded
              thread pool of GETs for the manifests that exist), with an empty manifest cache
  warm        the same again: unchanged manifests (same ETag in the listing) come from the cache
  cli         `ssmd data inventory --json` for one feed, in a fresh process (imports included)
and the peak RSS of this process (it ran both) and of the CLI child.
`--latency-ms N` puts a TCP relay in front of moto that delays each connection
by N ms, as a remote store's round trip would (moto on loopback has none).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402

from ssmd.calendars import closed_reason  # noqa: E402
from ssmd.data.cache import ManifestCache  # noqa: E402
from ssmd.data.inventory import build_inventory  # noqa: E402
from ssmd.data.s3 import S3Storage  # noqa: E402
from ssmd.models import Feed, Storage  # noqa: E402

RAW, NORMALIZED = "bench-raw", "bench-normalized"
FEEDS: dict[str, dict[str, Any]] = {
    # NYSE calendar: no manifests on weekends and holidays (what a real archive looks like).
    "equities": {"timezone": "America/New_York", "holiday_calendar": "us_equity"},
    # Trades every day; its calendar says weekends only, but data exists on them.
    "crypto": {"timezone": "UTC", "holiday_calendar": "none"},
    # No calendar; a month of outage with nothing written.
    "events": None,
}
os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on port {port}")


def start_moto() -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    command = Path(sys.executable).with_name("moto_server")
    server = subprocess.Popen(
        [str(command), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(port)
    return server, port


def start_latency_relay(upstream: int, delay: float) -> int:
    """A TCP relay that waits `delay` seconds per connection before passing bytes through."""
    port = free_port()

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        finally:
            writer.close()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(delay)
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", upstream)
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    async def serve() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", port)
        async with server:
            await server.serve_forever()

    threading.Thread(target=lambda: asyncio.run(serve()), daemon=True).start()
    wait_for(port)
    return port


def feed_model(name: str) -> Feed:
    calendar = FEEDS[name]
    return Feed.model_validate(
        {
            "name": name,
            "type": "websocket",
            "versions": [
                {
                    "version": "v1",
                    "effective_from": "2020-01-01",
                    "protocol": "wss",
                    "endpoint": "wss://example.com/ws",
                }
            ],
            **({"calendar": calendar} if calendar else {}),
        }
    )


def has_data(feed: str, day: dt.date) -> bool:
    if feed == "equities":
        return closed_reason(day, "us_equity") is None
    if feed == "events":
        return day.month != 8
    return True


def manifest(feed: str, day: dt.date, data_type: str) -> bytes:
    start = dt.datetime.combine(day, dt.time(), dt.UTC)
    return json.dumps(
        {
            "feed": feed,
            "date": day.isoformat(),
            "data_type": data_type,
            "schema_version": "v1" if data_type == "normalized" else None,
            "status": "complete" if day.day != 13 else "partial",
            "record_count": 1_000_000 + day.toordinal() % 977,
            "byte_size": 400_000_000 + day.toordinal() % 991,
            "first_timestamp": start.isoformat(),
            "last_timestamp": (start + dt.timedelta(days=1, seconds=-1)).isoformat(),
            "gaps": [
                {
                    "start": start.isoformat(),
                    "end": (start + dt.timedelta(minutes=3)).isoformat(),
                    "reason": "reconnect",
                }
            ]
            if day.day == 13
            else [],
            "quality_score": 0.98,
            "connector_version": "1.4.2",
            "created_at": (start + dt.timedelta(days=1, minutes=5)).isoformat(),
        }
    ).encode()


def populate(client: Any, days: list[dt.date]) -> int:
    for bucket in (RAW, NORMALIZED):
        client.create_bucket(Bucket=bucket)
    objects = [
        (bucket, data_type, feed, day)
        for feed in FEEDS
        for day in days
        if has_data(feed, day)
        for bucket, data_type in ((RAW, "raw"), (NORMALIZED, "normalized"))
    ]

    def put(item: tuple[str, str, str, dt.date]) -> None:
        bucket, data_type, feed, day = item
        key = f"{feed}/{day:%Y/%m/%d}/manifest.json"
        client.put_object(Bucket=bucket, Key=key, Body=manifest(feed, day, data_type))

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(put, objects))
    return len(objects)


def baseline(client: Any, days: list[dt.date]) -> tuple[float, int]:
    """The obvious loop: every manifest, one GET after another."""
    found = 0
    start = time.perf_counter()
    for feed in FEEDS:
        for day in days:
            for bucket in (RAW, NORMALIZED):
                key = f"{feed}/{day:%Y/%m/%d}/manifest.json"
                try:
                    body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
                except client.exceptions.NoSuchKey:
                    continue
                json.loads(body)
                found += 1
    return time.perf_counter() - start, found


def inventory(
    endpoint: str, days: list[dt.date], jobs: int, cache: ManifestCache
) -> tuple[float, int, int]:
    storage = Storage.model_validate(
        {"type": "s3", "raw_bucket": RAW, "normalized_bucket": NORMALIZED,
         "region": "us-east-1", "endpoint_url": endpoint}
    )  # fmt: skip
    start = time.perf_counter()
    backend = S3Storage(storage, "benchmark", jobs, cache)
    found = 0
    for name in FEEDS:
        report = build_inventory(backend, feed_model(name), "bench", days[0], days[-1], jobs)
        found += sum((r.raw is not None) + (r.normalized is not None) for r in report.days)
    backend.close()
    return time.perf_counter() - start, found, backend.requests


def cli_run(endpoint: str, days: list[dt.date]) -> tuple[float, float]:
    """`ssmd data inventory` for one feed in a fresh process: wall seconds and peak RSS (MB).

    With an empty cache of its own: the figure is a first run's.
    """
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for kind in ("feeds", "environments"):
            (root / "exchanges" / kind).mkdir(parents=True)
        (root / "exchanges/feeds/crypto.yaml").write_text(
            "name: crypto\ntype: websocket\nversions:\n  - version: v1\n"
            "    effective_from: 2020-01-01\n    endpoint: wss://example.com/ws\n"
            "    protocol: wss\ncalendar:\n  timezone: UTC\n  holiday_calendar: none\n"
        )
        (root / "exchanges/environments/crypto-bench.yaml").write_text(
            "name: crypto-bench\nfeed: crypto\nschema: trade\nstorage:\n  type: s3\n"
            f"  raw_bucket: {RAW}\n  normalized_bucket: {NORMALIZED}\n"
            f"  region: us-east-1\n  endpoint_url: {endpoint}\n"
        )
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "ssmd", "--root", str(root), "data", "inventory",
             "--feed", "crypto", "--from", str(days[0]), "--to", str(days[-1]), "--json"],
            check=True, stdout=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(REPO), "SSMD_CACHE_DIR": str(root / "cache")},
        )  # fmt: skip
        elapsed = time.perf_counter() - start
    return elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--jobs", type=int, default=16)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args()
    days = [dt.date(2025, 1, 1) + dt.timedelta(days=n) for n in range(args.days)]

    server, port = start_moto()
    try:
        direct = f"http://127.0.0.1:{port}"
        setup = boto3.client("s3", endpoint_url=direct, region_name="us-east-1")
        stored = populate(setup, days)
        endpoint = direct
        if args.latency_ms:
            endpoint = f"http://127.0.0.1:{start_latency_relay(port, args.latency_ms / 1000)}"
        client = boto3.client(
            "s3", endpoint_url=endpoint, region_name="us-east-1",
            config=Config(retries={"mode": "standard"}),
        )  # fmt: skip
        requests = len(FEEDS) * len(days) * 2
        print(f"{len(FEEDS)} feeds x {len(days)} days: {requests} manifest reads, "
              f"{stored} manifests stored, latency added {args.latency_ms:g} ms")  # fmt: skip
        base_time, base_found = baseline(client, days)
        print(f"baseline  sequential GET loop   {base_time:7.2f} s  ({base_found} found)")
        with tempfile.TemporaryDirectory() as folder:
            cache = ManifestCache(Path(folder))
            cold, cold_found, cold_requests = inventory(endpoint, days, args.jobs, cache)
            warm, warm_found, warm_requests = inventory(endpoint, days, args.jobs, cache)
        assert cold_found == warm_found == base_found == stored, (cold_found, base_found, stored)
        for label, seconds, sent in (("cold", cold, cold_requests), ("warm", warm, warm_requests)):
            print(f"inventory {label}, {args.jobs} workers    {seconds:7.2f} s  ({sent} requests)"
                  f"  ratio {base_time / seconds:5.1f}x (target >= 6x)")  # fmt: skip
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS  this process          {peak:7.0f} MB (target <= 150 MB)")
        cli_time, cli_rss = cli_run(endpoint, days)
        print(f"cli       one feed, fresh proc  {cli_time:7.2f} s, peak RSS {cli_rss:.0f} MB")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()

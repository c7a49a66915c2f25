"""`ssmd data inventory` against a keep-alive S3 server with latency on every request.

    python benchmarks/data_inventory.py [--latency-ms 25] [--jobs 64] [--feeds 10] [--years 3]
        [--s3-clients boto3,obstore] [--no-baseline] [--no-client-comparison] [--no-sweep]

The store is s3rver (npm, `bash scripts/setup.d/60-data.sh`; started with
`node --openssl-legacy-provider`), a real S3 API server that keeps
connections alive like S3 does. A relay in its own process delays **every
request** by --latency-ms (each chunk the client sends waits that long before
it is passed on), which is what a remote store's round trip feels like;
filling the buckets goes to the server directly.

Data: --feeds feeds x --years years ending 2025-12-31, raw and normalized, in
two buckets. Feeds cycle through three shapes: an NYSE-calendar feed (no
manifests on weekends and holidays), a 7-day feed, a feed with a month of
outage (nothing written in August).

Measured in the same run, on the same data, each beside its ideal R*L/C
(R requests sent, L the latency added, C requests in flight):
  relay      40 sequential GETs on one keep-alive connection, direct and relayed: the
             difference is the delay per request (proves it is not once per connection)
  baseline   one boto3 client, a plain loop over 3 feeds x 365 days: GET (or 404) and
             json.loads, one after another (ideal R*L)
  3 feeds    `build_inventories` for those 3 feeds in one call, cold (empty manifest
             cache) and warm (unchanged manifests come from the cache), once per S3 client
             of --s3-clients (the ssmd backends: boto3 S3Storage, obstore ObstoreStorage)
  all        every feed x every year in one call, cold: what `--all` on 10 environments
             does, once per S3 client
  cli        `ssmd data inventory --all --json --s3-client C` in a fresh process (imports
             included), wall time and peak RSS, once per S3 client
Under each 3-feed and all row, a `cpu:` line: this process's CPU (the client), the s3rver
process's own CPU (utime + stime from /proc/<pid>/stat) per request, and the server
floor: its CPU alone on one core (s3rver is one node thread) as a ratio to the ideal.
When the floor is above the target, the target cannot be met on this server.
  sweep      3 feeds cold at --jobs 16/32/64/128, at --latency-ms and at 100 ms
  clients    boto3 (threads) against obstore (async, and sync calls from threads; if
             installed): the same GETs, each client in a fresh process: wall, client CPU
             per GET, peak RSS
Every row ends with the load average when it was taken; the machine's load at the
start and the end is printed too.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import multiprocessing
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402

from ssmd.calendars import closed_reason  # noqa: E402
from ssmd.data.cache import ManifestCache  # noqa: E402
from ssmd.data.clients import ClientCache  # noqa: E402
from ssmd.data.fetch import DEFAULT_WORKERS  # noqa: E402
from ssmd.data.inventory import Target, build_inventories  # noqa: E402
from ssmd.data.s3 import S3Storage  # noqa: E402
from ssmd.data.s3_layout import S3Layout  # noqa: E402
from ssmd.models import Feed, Storage  # noqa: E402

RAW, NORMALIZED = "bench-raw", "bench-normalized"
SHAPES: list[dict[str, str] | None] = [
    {"timezone": "America/New_York", "holiday_calendar": "us_equity"},  # NYSE days only
    {"timezone": "UTC", "holiday_calendar": "none"},  # data every day, weekends too
    None,  # no calendar; a month of outage with nothing written
]
KINDS = ["equities", "crypto", "events"]
LAST_DAY = dt.date(2025, 12, 31)
SLOW_MS = 100
"""The second latency of the --jobs sweep: a store in another region."""
S3RVER = REPO / ".cache/s3rver/node_modules/s3rver/bin/s3rver.js"
os.environ.setdefault("AWS_ACCESS_KEY_ID", "S3RVER")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "S3RVER")
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"


def feed_names(count: int) -> list[str]:
    return [KINDS[i % 3] + (f"-{i // 3 + 1}" if i >= 3 else "") for i in range(count)]


def shape(feed: str) -> int:
    return KINDS.index(feed.split("-")[0])


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


def start_s3rver(folder: Path) -> tuple[subprocess.Popen[bytes], int]:
    if not S3RVER.exists() or shutil.which("node") is None:
        raise SystemExit("s3rver is not installed: run `bash scripts/setup.d/60-data.sh`")
    port = free_port()
    server = subprocess.Popen(
        ["node", "--openssl-legacy-provider", str(S3RVER), "-d", str(folder), "-a", "127.0.0.1",
         "-p", str(port), "--silent", "--configure-bucket", RAW, "--configure-bucket", NORMALIZED],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_for(port)
    return server, port


def relay(upstream: int, port: int, delay: float) -> None:
    """Pass bytes both ways; every chunk from the client waits `delay` first (one per request)."""

    async def forward(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, wait: float
    ) -> None:
        try:
            while data := await reader.read(65536):
                if wait:
                    await asyncio.sleep(wait)
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", upstream)
        await asyncio.gather(forward(reader, up_writer, delay), forward(up_reader, writer, 0))

    async def serve() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=512)
        async with server:
            await server.serve_forever()

    asyncio.run(serve())


def start_relay(upstream: int, delay: float) -> tuple[BaseProcess, int]:
    """The relay in a process of its own, so its work does not compete for this one's GIL."""
    port = free_port()
    process = multiprocessing.get_context("fork").Process(
        target=relay, args=(upstream, port, delay), daemon=True
    )
    process.start()
    wait_for(port)
    return process, port


def feed_model(name: str) -> Feed:
    calendar = SHAPES[shape(name)]
    return Feed.model_validate(
        {
            "name": name,
            "type": "websocket",
            "versions": [{"version": "v1", "effective_from": "2020-01-01", "protocol": "wss",
                          "endpoint": "wss://example.com/ws"}],
            **({"calendar": calendar} if calendar else {}),
        }
    )  # fmt: skip


def has_data(feed: str, day: dt.date) -> bool:
    kind = shape(feed)
    if kind == 0:
        return closed_reason(day, "us_equity") is None
    if kind == 2:
        return day.month != 8
    return True


def manifest(feed: str, day: dt.date, data_type: str) -> bytes:
    start = dt.datetime.combine(day, dt.time(), dt.UTC)
    odd = day.day == 13
    gaps = [{"start": start.isoformat(), "end": (start + dt.timedelta(minutes=3)).isoformat(),
             "reason": "reconnect"}] if odd else []  # fmt: skip
    return json.dumps(
        {
            "feed": feed,
            "date": day.isoformat(),
            "data_type": data_type,
            "schema_version": "v1" if data_type == "normalized" else None,
            "status": "partial" if odd else "complete",
            "record_count": 1_000_000 + day.toordinal() % 977,
            "byte_size": 400_000_000 + day.toordinal() % 991,
            "first_timestamp": start.isoformat(),
            "last_timestamp": (start + dt.timedelta(days=1, seconds=-1)).isoformat(),
            "gaps": gaps,
            "quality_score": 0.98,
            "connector_version": "1.4.2",
            "created_at": (start + dt.timedelta(days=1, minutes=5)).isoformat(),
        }
    ).encode()


def s3_client(endpoint: str, connections: int = 10) -> Any:
    return boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1",
        config=Config(retries={"mode": "standard"}, max_pool_connections=connections),
    )  # fmt: skip


def populate(client: Any, feeds: list[str], days: list[dt.date]) -> int:
    objects = [
        (bucket, data_type, feed, day)
        for feed in feeds
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


def baseline(client: Any, feeds: list[str], days: list[dt.date]) -> tuple[float, int, int]:
    """The obvious loop: every manifest place, one GET after another."""
    found = sent = 0
    start = time.perf_counter()
    for feed in feeds:
        for day in days:
            for bucket in (RAW, NORMALIZED):
                key = f"{feed}/{day:%Y/%m/%d}/manifest.json"
                sent += 1
                try:
                    body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
                except client.exceptions.NoSuchKey:
                    continue
                json.loads(body)
                found += 1
    return time.perf_counter() - start, found, sent


def relay_check(direct: str, relayed: str, keys: list[str]) -> tuple[float, float]:
    """Mean ms per sequential GET on ONE keep-alive connection, direct and through the relay.

    Their difference is what the relay adds per request: --latency-ms if it delays every
    request, ~0 if it delayed only once per connection.
    """
    means = []
    for endpoint in (direct, relayed):
        client = s3_client(endpoint, 1)
        client.get_object(Bucket=RAW, Key=keys[0])["Body"].read()  # opens the one connection
        start = time.perf_counter()
        for key in keys:
            client.get_object(Bucket=RAW, Key=key)["Body"].read()
        means.append(1000 * (time.perf_counter() - start) / len(keys))
    return means[0], means[1]


def storage_block(endpoint: str) -> Storage:
    return Storage.model_validate(
        {"type": "s3", "raw_bucket": RAW, "normalized_bucket": NORMALIZED,
         "region": "us-east-1", "endpoint_url": endpoint}
    )  # fmt: skip


Backend = Callable[[Storage, str, int, ManifestCache | None, ClientCache], S3Layout]


def backend_class(client: str) -> Backend:
    if client == "obstore":
        from ssmd.data.s3_obstore import ObstoreStorage

        return ObstoreStorage
    return S3Storage


def inventory(
    endpoint: str,
    feeds: list[str],
    days: list[dt.date],
    jobs: int,
    cache: ManifestCache | None,
    client: str = "boto3",
) -> tuple[float, int, int]:
    """One call for every feed, as `--all` does: one pool, one shared client."""
    start = time.perf_counter()
    clients = ClientCache()
    kind = backend_class(client)
    backends = [kind(storage_block(endpoint), f"env-{f}", jobs, cache, clients) for f in feeds]
    targets = [Target(b, feed_model(f), f"env-{f}") for b, f in zip(backends, feeds, strict=True)]
    reports = build_inventories(targets, days[0], days[-1], jobs)
    clients.close()
    found = sum((r.raw is not None) + (r.normalized is not None) for x in reports for r in x.days)
    return time.perf_counter() - start, found, sum(b.requests for b in backends)


# Linux keeps, at exec, the high-water RSS of the memory the child had before it: for a child
# spawned (vfork) from this big process, that is THIS process's RSS, so wait4's ru_maxrss of a
# direct child is at least ours (that is how 148-160 MB "peaks" were measured for a 125 MB
# run). A small Python starts the measured command instead and reports its wait4 figure.
MEASURER = """import os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
open(sys.argv[1], "w").write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def measured(command: list[str], **popen: Any) -> tuple[subprocess.Popen[bytes], Path]:
    """Start `command` under MEASURER; after `wait()`, the file holds its peak RSS in KB."""
    handle, name = tempfile.mkstemp(prefix="ssmd-rss-")
    os.close(handle)
    process = subprocess.Popen([sys.executable, "-c", MEASURER, name, *command], **popen)
    return process, Path(name)


def peak_mb(record: Path) -> float:
    kilobytes = int(record.read_text() or 0)  # empty if the starter itself failed
    record.unlink()
    return kilobytes / 1024


def cli_run(
    endpoint: str, feeds: list[str], days: list[dt.date], jobs: int, client: str = "boto3"
) -> tuple[float, float]:
    """`ssmd data inventory --all` in a fresh process, empty cache: wall seconds, peak RSS (MB)."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for kind in ("feeds", "environments"):
            (root / "exchanges" / kind).mkdir(parents=True)
        for feed in feeds:
            calendar = SHAPES[shape(feed)]
            text = (f"name: {feed}\ntype: websocket\nversions:\n  - version: v1\n"
                    "    effective_from: 2020-01-01\n    endpoint: wss://example.com/ws\n"
                    "    protocol: wss\n")  # fmt: skip
            if calendar:
                text += "calendar:\n" + "".join(f"  {k}: {v}\n" for k, v in calendar.items())
            (root / f"exchanges/feeds/{feed}.yaml").write_text(text)
            (root / f"exchanges/environments/{feed}-bench.yaml").write_text(
                f"name: {feed}-bench\nfeed: {feed}\nschema: trade\nstorage:\n  type: s3\n"
                f"  raw_bucket: {RAW}\n  normalized_bucket: {NORMALIZED}\n"
                f"  region: us-east-1\n  endpoint_url: {endpoint}\n"
            )
        start = time.perf_counter()
        child, record = measured(
            [sys.executable, "-m", "ssmd", "--root", str(root), "data", "inventory", "--all",
             "--from", str(days[0]), "--to", str(days[-1]), "--json", "--jobs", str(jobs),
             "--s3-client", client],
            stdout=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(REPO), "SSMD_CACHE_DIR": str(root / "cache")},
        )  # fmt: skip
        if child.wait():
            raise SystemExit(f"ssmd data inventory --all failed ({child.returncode})")
        elapsed = time.perf_counter() - start
    return elapsed, peak_mb(record)


CLIENTS = ["boto3, threads", "obstore, async", "obstore, sync in threads"]


def client_child(name: str, endpoint: str, keys: list[str], jobs: int) -> dict[str, float]:
    """One client's GETs of `keys` (run in a fresh process): wall s and client CPU ms per GET."""
    if name.startswith("boto3"):
        client = s3_client(endpoint, jobs)
        client.get_object(Bucket=RAW, Key=keys[0])["Body"].read()  # set-up and first connection

        def get(key: str) -> int:
            return len(client.get_object(Bucket=RAW, Key=key)["Body"].read())

    else:
        import obstore
        from obstore.store import S3Store

        store = S3Store(
            RAW, endpoint=endpoint, region="us-east-1", virtual_hosted_style_request=False,
            client_options={"allow_http": True, "pool_max_idle_per_host": str(jobs)},
        )  # fmt: skip
        obstore.get(store, keys[0]).bytes()

        def get(key: str) -> int:
            return len(obstore.get(store, key).bytes())

    cpu, wall = time.process_time(), time.perf_counter()
    if name == "obstore, async":

        async def all_gets() -> None:
            gate = asyncio.Semaphore(jobs)

            async def one(key: str) -> None:
                async with gate:
                    result = await obstore.get_async(store, key)
                    await result.bytes_async()

            await asyncio.gather(*(one(k) for k in keys))

        asyncio.run(all_gets())
    else:
        with ThreadPoolExecutor(jobs) as pool:
            list(pool.map(get, keys))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"wall": wall, "cpu_ms": 1000 * cpu / len(keys)}


def compare_clients(
    endpoint: str, keys: list[str], jobs: int
) -> list[tuple[str, dict[str, float]]]:
    """Each client in a fresh process (interleaved, boto3 first): wall, CPU per GET, peak RSS."""
    try:
        import obstore  # noqa: F401
    except ImportError:
        names = CLIENTS[:1]
    else:
        names = CLIENTS
    results = []
    with tempfile.TemporaryDirectory() as folder:
        listed = Path(folder) / "keys"
        listed.write_text("\n".join(keys))
        for name in names:
            child, record = measured(
                [sys.executable, __file__, "--client-child", name, "--endpoint", endpoint,
                 "--keys", str(listed), "--jobs", str(jobs)],
                stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(REPO)},
            )  # fmt: skip
            output, _ = child.communicate()
            rss = peak_mb(record)
            if child.returncode:  # said on stderr; the other clients' rows still stand
                print(f"clients: {name} failed (exit {child.returncode})", flush=True)
                continue
            result = json.loads(output)
            result["rss_mb"] = rss
            results.append((name, result))
    return results


def sweep(
    endpoints: dict[float, str], feeds: list[str], days: list[dt.date]
) -> list[tuple[float, int, float, int]]:
    """3 feeds x 365 d cold at each latency and --jobs: (latency, jobs, seconds, requests)."""
    results = []
    for latency, endpoint in endpoints.items():
        for jobs in SWEEP_JOBS:
            took, _, sent = inventory(endpoint, feeds, days, jobs, None)
            results.append((latency, jobs, took, sent))
    return results


SWEEP_JOBS = (16, 32, 64, 128)


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, from /proc/<pid>/stat (fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Cpu:
    """CPU seconds of this process (the client) and of the server over one measured call."""

    def __init__(self, server: int) -> None:
        self.server = server
        self.client, self.served = time.process_time(), cpu_seconds(server)

    def line(self, sent: int, ideal: float, target: float | None) -> str:
        client = time.process_time() - self.client
        served = cpu_seconds(self.server) - self.served
        floor = served / 1  # s3rver is one node thread: its CPU alone needs this long on 1 core
        verdict = ""
        if target is not None:
            verdict = (" > target: unreachable on this server" if floor / ideal > target
                       else " <= target")  # fmt: skip
        return (f"    cpu: client {client:.1f} s ({client / sent * 1000:.2f} ms/request), "
                f"s3rver {served:.1f} s ({served / sent * 1000:.2f} ms/request); server floor "
                f"{floor:.1f} s = {floor / ideal:.2f}x ideal{verdict}")  # fmt: skip


def row(label: str, seconds: float, ideal: float, extra: str = "") -> None:
    print(f"{label:<46} {seconds:7.2f} s   ideal {ideal:6.2f} s   {seconds / ideal:5.2f}x ideal"
          f"{extra}   [load {os.getloadavg()[0]:.1f}]", flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--latency-ms", type=float, default=25.0)
    parser.add_argument("--jobs", type=int, default=DEFAULT_WORKERS)
    parser.add_argument("--feeds", type=int, default=10, help="environments for the 'all' run")
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--no-baseline", action="store_true", help="skip the slow sequential loop")
    parser.add_argument(
        "--s3-clients", default="boto3,obstore", help="ssmd S3 clients to measure, in order"
    )
    parser.add_argument("--no-client-comparison", action="store_true")
    parser.add_argument("--no-sweep", action="store_true", help="skip the --jobs sweep")
    parser.add_argument("--client-child", help=argparse.SUPPRESS)
    parser.add_argument("--endpoint", help=argparse.SUPPRESS)
    parser.add_argument("--keys", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client_child:
        keys = Path(args.keys).read_text().split("\n")
        print(json.dumps(client_child(args.client_child, args.endpoint, keys, args.jobs)))
        return
    latency, jobs = args.latency_ms / 1000, args.jobs
    first_day = dt.date(LAST_DAY.year - args.years + 1, 1, 1)
    all_days = [first_day + dt.timedelta(days=n) for n in range((LAST_DAY - first_day).days + 1)]
    year = [d for d in all_days if d.year == LAST_DAY.year]
    feeds = feed_names(max(3, args.feeds))
    load = os.getloadavg()
    print(f"load average at the start {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} "
          f"({os.cpu_count()} cores)", flush=True)  # fmt: skip

    with tempfile.TemporaryDirectory() as folder:
        server, port = start_s3rver(Path(folder))
        relay_process, relay_port = start_relay(port, latency)
        slow_process, slow_port = start_relay(port, SLOW_MS / 1000)
        try:
            direct, endpoint = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{relay_port}"
            began = time.perf_counter()
            stored = populate(s3_client(direct, 16), feeds, all_days)
            print(f"s3rver: {stored} manifests of {len(feeds)} feeds x {len(all_days)} days "
                  f"stored in {time.perf_counter() - began:.0f} s; latency {args.latency_ms:g} ms "
                  f"on every request; {jobs} in flight", flush=True)  # fmt: skip
            three = feeds[:3]
            sample = [f"{feeds[1]}/{d:%Y/%m/%d}/manifest.json" for d in year[:40]]
            alone, relayed = relay_check(direct, endpoint, sample)
            print(f"relay check: one connection, 40 sequential GETs: {alone:.1f} ms direct, "
                  f"{relayed:.1f} ms relayed: +{relayed - alone:.1f} ms per request "
                  f"(latency {args.latency_ms:g} ms)", flush=True)  # fmt: skip
            if not args.no_baseline:
                seconds, found, sent = baseline(s3_client(endpoint), three, year)
                row(f"baseline: sequential GETs, 3 feeds x {len(year)} d", seconds, sent * latency,
                    f"   ({sent} requests, {found} found)")  # fmt: skip
            else:
                seconds = 0.0
            names = [c for c in args.s3_clients.split(",") if c]
            pid = server.pid
            for client in names:
                with tempfile.TemporaryDirectory() as cache_folder:
                    cache = ManifestCache(Path(cache_folder))
                    for label in ("cold", "warm"):
                        cpu = Cpu(pid)
                        took, found, sent = inventory(endpoint, three, year, jobs, cache, client)
                        ratio = f", {seconds / took:5.1f}x sequential" if seconds else ""
                        target = ">= 11x" if label == "cold" else ">= 30x"
                        ideal = sent * latency / jobs
                        row(f"{client}: 3 feeds x {len(year)} d, {label}", took, ideal,
                            f"   ({sent} requests{ratio}; target {target})")  # fmt: skip
                        # the target as a multiple of the ideal: took <= baseline / 11 (or 30)
                        times = 11 if label == "cold" else 30
                        goal = seconds / times / ideal if seconds else None
                        print(cpu.line(sent, ideal, goal), flush=True)
            every_sent = 0
            for client in names:
                cpu = Cpu(pid)
                took, found, sent = inventory(endpoint, feeds, all_days, jobs, None, client)
                every_sent = sent
                ideal = sent * latency / jobs
                row(f"{client}: {len(feeds)} envs x {args.years} y in one call, cold", took,
                    ideal, f"   ({sent} requests; target <= 1.2x ideal)")  # fmt: skip
                print(cpu.line(sent, ideal, 1.2), flush=True)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"peak RSS of this process (all of the above): {peak:.0f} MB")
            for client in names:
                wall, rss = cli_run(endpoint, feeds, all_days, jobs, client)
                row(
                    f"{client}: cli --all, {len(feeds)} envs x {args.years} y, fresh process",
                    wall,
                    every_sent * latency / jobs,
                    f"   (empty cache; peak RSS {rss:.0f} MB, target <= 150 MB)",
                )
            if not args.no_sweep:
                print(f"--jobs sweep: 3 feeds x {len(year)} d, cold, at {args.latency_ms:g} and "
                      f"{SLOW_MS} ms", flush=True)  # fmt: skip
                slow = f"http://127.0.0.1:{slow_port}"
                for delay, width, took, sent in sweep({latency: endpoint, SLOW_MS / 1000: slow},
                                                      three, year):  # fmt: skip
                    row(f"  {delay * 1000:g} ms, --jobs {width}", took, sent * delay / width,
                        f"   ({sent} requests)")  # fmt: skip
            if not args.no_client_comparison:
                keys = [f"{f}/{d:%Y/%m/%d}/manifest.json" for f in feeds[1:2] for d in all_days]
                for name, result in compare_clients(endpoint, keys, jobs):
                    row(f"clients: {len(keys)} GETs, {name}", result["wall"],
                        len(keys) * latency / jobs,
                        f"   ({result['cpu_ms']:.2f} ms client CPU per GET, "
                        f"peak RSS {result['rss_mb']:.0f} MB)")  # fmt: skip
        finally:
            relay_process.terminate()
            slow_process.terminate()
            server.terminate()
            server.wait()
    load = os.getloadavg()
    print(f"load average at the end {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main()

"""Reading many manifests at once: one bounded pool, listings and GETs interleaved.

Real object stores answer one request in tens of milliseconds, so a year of
a feed (730 manifests) read one by one takes most of a minute. Every read of
one run -- all environments, both data types -- goes through one bounded
pool of threads (boto3 clients are thread-safe), so the waiting overlaps:

- a store that lists (S3) is listed per year segment and data type, all
  segments in parallel; each page of a listing queues the GETs of the
  manifests it names as soon as it arrives, while the next page is asked for;
- days a finished listing did not name are absent without any request;
- a store that does not list (a local folder, a short range, a denied
  s3:ListBucket) gets one read per manifest.

The bound keeps the connection pool, memory and the store's rate limits in
check. A store-wide fault (`StorageError`) stops the whole run at once: the
queued requests are cancelled, not retried one by one.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial

from ssmd.data.manifest import ABSENT, DataType, ManifestRead, parse_manifest
from ssmd.data.storage import ListingDenied, Segment, StorageBackend, StorageError

DEFAULT_WORKERS = 64
"""Requests in flight. Measured (docs/benchmarks.md, --jobs sweep): at 25 ms a process is
CPU-bound from 32-64 on (64 loses nothing), and at 100 ms 64 is 1.05-1.65x faster than 32;
memory barely moves (10 envs x 3 y: 129 MB at 64, 127 MB at 128)."""
Progress = Callable[[int], None]
"""Called with the number of manifests just settled (from worker threads)."""
Reads = dict[tuple[DataType, dt.date], ManifestRead]
Keep = Callable[[DataType, dt.date, ManifestRead], None]
"""Takes each read as it lands (from worker threads), instead of `FetchJob.reads`."""


def read_manifest(
    backend: StorageBackend, data_type: DataType, feed: str, day: dt.date, tag: str | None = None
) -> ManifestRead:
    content = backend.read(data_type, feed, day, tag)
    return ABSENT if content is None else parse_manifest(content, feed, day, data_type)


@dataclass
class FetchJob:
    """The days of one feed on one store: what one environment's report needs."""

    backend: StorageBackend
    feed: str
    days: Sequence[dt.date]
    label: str | None = None
    """Named in a store fault's message when several jobs share a run (the environment)."""
    keep: Keep | None = None
    reads: Reads = field(default_factory=dict)

    def record(self, data_type: DataType, day: dt.date, read: ManifestRead) -> None:
        if self.keep is None:
            self.reads[(data_type, day)] = read
        else:
            self.keep(data_type, day, read)


class _Run:
    """A pool whose tasks may queue more tasks; finished when none is left, or at a first error."""

    def __init__(self, workers: int, progress: Progress | None) -> None:
        self.pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="manifest")
        self.progress = progress
        self.lock = threading.Lock()
        self.pending = 1  # the submitting thread holds one until it has queued the first tasks
        self.finished = threading.Event()
        self.error: BaseException | None = None

    def submit(self, task: Callable[[], None]) -> None:
        with self.lock:
            if self.error is not None:
                return
            self.pending += 1
        self.pool.submit(self._run, task)

    def _run(self, task: Callable[[], None]) -> None:
        try:
            if self.error is None:
                task()
        except BaseException as error:  # handed to the caller's thread, raised there
            with self.lock:
                if self.error is None:
                    self.error = error
            self.finished.set()
        finally:
            self.release()

    def release(self) -> None:
        with self.lock:
            self.pending -= 1
            if self.pending == 0:
                self.finished.set()

    def settled(self, count: int) -> None:
        if self.progress is not None and count:
            self.progress(count)

    def wait(self) -> None:
        try:
            self.release()
            self.finished.wait()
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)
        if self.error is not None:
            raise self.error


def fetch_all(
    jobs: Sequence[FetchJob], workers: int = DEFAULT_WORKERS, progress: Progress | None = None
) -> None:
    """Fill every job's `reads`: raw and normalized manifests keyed by (data type, day)."""
    run = _Run(workers, progress)

    def get(job: FetchJob, data_type: DataType, day: dt.date, tag: str | None) -> None:
        with _labelled(job):
            job.record(data_type, day, read_manifest(job.backend, data_type, job.feed, day, tag))
        run.settled(1)

    def queue_gets(job: FetchJob, data_type: DataType, days: Sequence[dt.date]) -> None:
        for day in days:
            run.submit(partial(get, job, data_type, day, None))

    def listed(job: FetchJob, data_type: DataType, segment: Segment, wanted: set[dt.date]) -> None:
        named: set[dt.date] = set()
        try:
            for page in _labelled_pages(job, segment):
                for day, tag in page.items():
                    if day in wanted and day not in named:
                        named.add(day)
                        run.submit(partial(get, job, data_type, day, tag))
        except ListingDenied:  # no s3:ListBucket: one GET per manifest not queued yet
            queue_gets(job, data_type, sorted(wanted - named))
            return
        for day in wanted - named:
            job.record(data_type, day, ABSENT)
        run.settled(len(wanted - named))

    try:
        for job in jobs:
            if not job.days:
                continue
            first, last = min(job.days), max(job.days)
            for data_type in DataType:
                segments = job.backend.listing(data_type, job.feed, first, last)
                if segments is None:
                    queue_gets(job, data_type, job.days)
                    continue
                for segment in segments:
                    wanted = {d for d in job.days if segment.first <= d <= segment.last}
                    run.submit(partial(listed, job, data_type, segment, wanted))
    finally:
        run.wait()


@contextmanager
def _labelled(job: FetchJob) -> Iterator[None]:
    try:
        yield
    except StorageError as error:
        if job.label is None:
            raise
        raise StorageError(f"environment {job.label}: {error}") from None


def _labelled_pages(job: FetchJob, segment: Segment) -> Iterator[dict[dt.date, str]]:
    pages = iter(segment.pages)
    while True:
        with _labelled(job):
            page = next(pages, None)
        if page is None:
            return
        yield page


def fetch_manifests(
    backend: StorageBackend,
    feed: str,
    days: Sequence[dt.date],
    workers: int = DEFAULT_WORKERS,
    progress: Progress | None = None,
) -> Reads:
    """Raw and normalized manifests of one feed for every day, keyed by (data type, day)."""
    job = FetchJob(backend, feed, days)
    fetch_all([job], workers, progress)
    return job.reads

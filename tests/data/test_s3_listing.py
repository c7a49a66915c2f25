"""S3 reads: one listing per bucket says what exists; the ETag-checked cache skips re-reads."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest

from ssmd.data.cache import ManifestCache
from ssmd.data.inventory import Inventory, build_inventory
from ssmd.data.s3 import S3Storage
from ssmd.data.s3_layout import S3Layout
from ssmd.data.s3_obstore import ObstoreStorage
from ssmd.models import Feed, Storage
from ssmd.workspace import Workspace
from tests.conftest import SAMPLE
from tests.data import dataset
from tests.data.conftest import MotoServer, S3Store, Throttling
from tests.data.dataset import END, EXPECTED_STATUS, FEED, START

MANIFESTS = len(dataset.manifests())


@pytest.fixture(scope="module")
def kalshi() -> Feed:
    feed = Workspace.load(SAMPLE.parent).feed(FEED)
    assert feed is not None
    return feed


def backend(store: S3Store, cache: ManifestCache | None = None, client: str = "boto3") -> S3Layout:
    """The store read through `client`: boto3 (S3Storage) or obstore (ObstoreStorage)."""
    storage = Storage.model_validate(store.storage_block())
    if client == "obstore":
        return ObstoreStorage(storage, "test", cache=cache)
    return S3Storage(storage, "test", cache=cache)


def boto3_backend(store: S3Store) -> S3Storage:
    """Tests that watch botocore's event hooks need the boto3 backend itself."""
    return S3Storage(Storage.model_validate(store.storage_block()), "test")


def statuses(report: Inventory) -> dict[str, str]:
    return {str(row.date): row.status.value for row in report.days}


def test_absent_manifests_cost_no_request(
    moto_server: MotoServer, kalshi: Feed, s3_client: str
) -> None:
    store = S3Store(moto_server, f"raw-listed-{s3_client}", f"normalized-listed-{s3_client}")
    dataset.fill(store)
    # Neighbours outside the range and data files beside the manifests must not confuse it.
    for day in (START - dt.timedelta(days=1), END + dt.timedelta(days=1)):
        store.put("raw", FEED, day, dataset.encoded(dataset.body(day, "raw")))
    store.client.put_object(
        Bucket=f"raw-listed-{s3_client}",
        Key=f"team/md/{FEED}/2025/11/24/part-0001.capnp.zst",
        Body=b"x",
    )
    s3 = backend(store, client=s3_client)
    s3.page_size = 3  # several pages per bucket
    report = build_inventory(s3, kalshi, "test", START, END)
    assert statuses(report) == EXPECTED_STATUS
    listing_pages = s3.requests - MANIFESTS
    assert 2 <= listing_pages <= 10
    assert 2 * len(EXPECTED_STATUS) > MANIFESTS  # the data set has absent manifests to skip


def test_cache_skips_unchanged_manifests_and_rereads_changed_ones(
    moto_server: MotoServer, kalshi: Feed, tmp_path: Path, s3_client: str
) -> None:
    store = S3Store(moto_server, f"raw-cached-{s3_client}", f"normalized-cached-{s3_client}")
    dataset.fill(store)
    cache = ManifestCache(tmp_path / "cache")
    cold = backend(store, cache, s3_client)
    first = build_inventory(cold, kalshi, "test", START, END)
    assert cold.requests == 2 + MANIFESTS

    warm = backend(store, cache, s3_client)
    assert build_inventory(warm, kalshi, "test", START, END) == first
    assert warm.requests == 2  # the two listings; every manifest came from the cache

    day = dt.date(2025, 11, 26)  # processing -> complete: a new ETag, so it is read again
    store.put("raw", FEED, day, dataset.encoded(dataset.body(day, "raw")))
    store.put("normalized", FEED, day, dataset.encoded(dataset.body(day, "normalized")))
    after = backend(store, cache, s3_client)
    report = build_inventory(after, kalshi, "test", START, END)
    assert after.requests == 2 + 2
    assert statuses(report)[str(day)] == "complete"


def test_single_day_reads_skip_the_listing(
    moto_server: MotoServer, kalshi: Feed, s3_client: str
) -> None:
    store = S3Store(moto_server, f"raw-single-{s3_client}", f"normalized-single-{s3_client}")
    dataset.fill(store)
    s3 = backend(store, client=s3_client)
    report = build_inventory(s3, kalshi, "test", START, START)
    assert statuses(report) == {str(START): "complete"}
    assert s3.requests == 2


def test_without_list_permission_every_manifest_is_fetched(
    kalshi: Feed, monkeypatch: pytest.MonkeyPatch, s3_client: str
) -> None:
    """moto enforces IAM after its first N requests; the reader may GET but not list."""
    setup_requests = 2 + MANIFESTS + 3  # buckets, manifests, user, policy, key
    server = MotoServer({"INITIAL_NO_AUTH_ACTION_COUNT": str(setup_requests)})
    try:
        store = S3Store(server, f"raw-getonly-{s3_client}", f"normalized-getonly-{s3_client}")
        dataset.fill(store)
        iam = boto3.client("iam", endpoint_url=server.endpoint, region_name="us-east-1")
        iam.create_user(UserName="reader")
        policy = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
        }
        iam.put_user_policy(
            UserName="reader", PolicyName="get-only", PolicyDocument=json.dumps(policy)
        )  # fmt: skip
        key = iam.create_access_key(UserName="reader")["AccessKey"]
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
        s3 = backend(store, client=s3_client)
        report = build_inventory(s3, kalshi, "test", START, END)
    finally:
        server.stop()
    assert statuses(report) == EXPECTED_STATUS
    assert s3.requests == 2 + 2 * len(EXPECTED_STATUS)  # two denied listings, then every GET


def test_gets_start_while_the_listing_still_pages(moto_server: MotoServer, kalshi: Feed) -> None:
    """A page's GETs are queued when it arrives, not after the whole listing (botocore's hooks
    record the order in which requests go out)."""
    store = S3Store(moto_server, "raw-overlap", "normalized-overlap")
    dataset.fill(store)
    s3 = boto3_backend(store)
    s3.page_size = 2
    sent: list[tuple[str, str]] = []

    def record(params: dict[str, object], model: object, **_: object) -> None:
        sent.append((str(getattr(model, "name", "")), str(params.get("Bucket", ""))))

    s3.client.meta.events.register("provide-client-params.s3.*", record)
    report = build_inventory(s3, kalshi, "test", START, END, workers=4)
    assert statuses(report) == EXPECTED_STATUS
    raw = [name for name, bucket in sent if bucket == "raw-overlap"]
    last_page = max(i for i, name in enumerate(raw) if name == "ListObjectsV2")
    assert raw.index("GetObject") < last_page, raw


def test_a_range_over_new_year_lists_each_year(
    moto_server: MotoServer, kalshi: Feed, s3_client: str
) -> None:
    """Seen on the wire (a pass-through front records each request): one listing per year."""
    store = S3Store(moto_server, f"raw-years-{s3_client}", f"normalized-years-{s3_client}")
    days = [dt.date(2024, 12, 30), dt.date(2024, 12, 31), dt.date(2025, 1, 2)]
    for day in days:
        for data_type in ("raw", "normalized"):
            store.put(data_type, FEED, day, dataset.encoded(dataset.body(day, data_type)))
    front = Throttling(moto_server.endpoint, throttle=False)
    thread = threading.Thread(target=front.serve_forever, daemon=True)
    thread.start()
    try:
        block = {**store.storage_block(), "endpoint_url": front.endpoint}
        storage = Storage.model_validate(block)
        s3 = ObstoreStorage(storage, "t") if s3_client == "obstore" else S3Storage(storage, "t")
        report = build_inventory(s3, kalshi, "test", days[0], days[-1])
    finally:
        front.shutdown()
        front.server_close()
    listings = [parse_qs(urlsplit(path).query) for path in front.hits if "list-type=2" in path]
    assert sorted(query["prefix"][0] for query in listings) == sorted(
        f"team/md/{FEED}/{year}/" for year in (2024, 2025) for _ in ("raw", "normalized")
    )
    assert {str(r.date): r.status.value for r in report.days} == {
        "2024-12-30": "complete", "2024-12-31": "complete",
        "2025-01-01": "closed", "2025-01-02": "complete",
    }  # fmt: skip
    assert s3.requests == 4 + 6  # two listings per bucket, one GET per manifest present
    assert sum(front.hits.values()) == 4 + 6  # and that is what reached the server

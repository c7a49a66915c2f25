"""Choosing the environment, and faults: each is one sentence and exit 1, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssmd.data.inventory import DayStatus, build_inventory
from ssmd.data.selection import select_environment
from ssmd.data.storage import DataError, StorageError
from ssmd.data.stores import open_storage
from ssmd.workspace import Workspace
from tests.conftest import run_ssmd
from tests.data import dataset
from tests.data.conftest import MotoServer, S3Store, Throttling, add_environment, free_port
from tests.data.dataset import END, EXPECTED_STATUS, FEED, START

ENV = "kalshi-test"


def refused(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run `ssmd data inventory` expecting a refusal; returns the one error sentence."""
    result = run_ssmd(
        "data", "inventory", "--feed", FEED, "--from", str(START), "--to", str(END), *args,
        root=root, env=env,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


# -- choosing the environment -------------------------------------------------------


def select(root: Path, feed: str, explicit: str | None = None, variable: str | None = None) -> str:
    return select_environment(Workspace.load(root), feed, explicit, variable).environment.name


def test_the_only_environment_of_a_feed_is_chosen(sample_root: Path) -> None:
    assert select(sample_root, "polymarket") == "polymarket-dev"


def test_env_option_wins_over_the_variable(sample_root: Path) -> None:
    assert select(sample_root, FEED, "kalshi-prod", "kalshi-dev") == "kalshi-prod"
    assert select(sample_root, FEED, None, "kalshi-dev") == "kalshi-dev"


@pytest.mark.parametrize(
    ("feed", "explicit", "variable", "message"),
    [
        (FEED, None, None, "2 environments use feed kalshi (kalshi-dev, kalshi-prod); "
         "choose one with --env or SSMD_ENV"),
        ("coinbase", None, None, "no environment uses feed coinbase"),
        ("nasdaq", None, None, "no feed named 'nasdaq' (feeds: coinbase, kalshi, polymarket)"),
        (FEED, "kalshi-qa", None, "no environment named 'kalshi-qa' (--env); environments: "
         "kalshi-dev, kalshi-prod, polymarket-dev"),
        (FEED, None, "polymarket-dev", "environment polymarket-dev (SSMD_ENV=polymarket-dev) "
         "runs feed polymarket, not kalshi"),
    ],
)  # fmt: skip
def test_selection_refusals_name_the_candidates(
    sample_root: Path, feed: str, explicit: str | None, variable: str | None, message: str
) -> None:
    with pytest.raises(DataError) as error:
        select(sample_root, feed, explicit, variable)
    assert message in str(error.value)


def test_cli_lists_the_candidates_and_reads_ssmd_env(sample_root: Path) -> None:
    line = refused(sample_root)
    assert "(kalshi-dev, kalshi-prod)" in line
    line = refused(sample_root, env={"SSMD_ENV": "kalshi-dev"})  # chosen, but no sample-data here
    assert "the storage folder" in line and "sample-data does not exist" in line
    assert "exchanges/environments/kalshi-dev.yaml" in line


def test_environment_without_storage_is_refused(sample_root: Path) -> None:
    add_environment(sample_root, ENV, FEED, "trade:v1", None)
    line = refused(sample_root, "--env", ENV)
    assert line == (
        "error: environment kalshi-test has no storage block, so there is no data to inventory; "
        "add `storage:` (type local with a path, or type s3) to "
        "exchanges/environments/kalshi-test.yaml"
    )


def test_environment_that_does_not_load_is_refused(sample_root: Path) -> None:
    path = sample_root / "exchanges" / "environments" / f"{ENV}.yaml"
    path.write_text(f"name: {ENV}\nfeed: {FEED}\nschema: trade:v1\nstorage: [oops\n")
    with pytest.raises(DataError, match="does not load; run `ssmd validate`"):
        select(sample_root, FEED, ENV)


def test_dates_are_checked(sample_root: Path) -> None:
    backwards = run_ssmd(
        "data", "inventory", "--feed", "polymarket", "--from", "2025-12-05", "--to", "2025-12-01",
        root=sample_root,
    )  # fmt: skip
    assert backwards.returncode == 2
    assert "ends (2025-12-01) before it starts (2025-12-05)" in backwards.stderr
    typo = run_ssmd(
        "data", "gaps", "--feed", "polymarket", "--date", "2025-13-01", root=sample_root
    )
    assert typo.returncode == 2
    assert "'2025-13-01' is not a date" in typo.stderr


# -- S3 faults ----------------------------------------------------------------------


def s3_environment(root: Path, endpoint: str, raw: str, normalized: str) -> None:
    storage = {
        "type": "s3", "raw_bucket": raw, "normalized_bucket": normalized,
        "region": "us-east-1", "endpoint_url": endpoint,
    }  # fmt: skip
    add_environment(root, ENV, FEED, "trade:v1", storage)


def test_missing_bucket(sample_root: Path, moto_server: MotoServer, s3_client: str) -> None:
    store = S3Store(moto_server, f"raw-present-{s3_client}", f"normalized-present-{s3_client}")
    s3_environment(sample_root, moto_server.endpoint, store.raw_bucket, "normalized-absent")
    line = refused(sample_root, "--env", ENV)
    assert line == (
        f"error: the bucket normalized-absent does not exist at {moto_server.endpoint}; "
        "create it or fix storage.normalized_bucket in exchanges/environments/kalshi-test.yaml"
    )


def test_unreachable_endpoint(sample_root: Path, s3_client: str) -> None:
    endpoint = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    s3_environment(sample_root, endpoint, "raw-x", "normalized-x")
    line = refused(sample_root, "--env", ENV)
    assert line.startswith(f"error: cannot reach the S3 endpoint {endpoint} (tried with retries)")


def test_server_stopped_after_the_data_was_written(sample_root: Path, s3_client: str) -> None:
    server = MotoServer()
    try:
        store = S3Store(server, "raw-gone", "normalized-gone")
        dataset.fill(store)
        s3_environment(sample_root, server.endpoint, "raw-gone", "normalized-gone")
    finally:
        server.stop()
    assert "cannot reach the S3 endpoint" in refused(sample_root, "--env", ENV)


def test_access_denied(sample_root: Path, s3_client: str) -> None:
    """moto enforces IAM after its first N requests: a user with no policy is denied."""
    server = MotoServer({"INITIAL_NO_AUTH_ACTION_COUNT": "3"})
    try:
        import boto3

        admin = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
        server.client(**admin).create_bucket(Bucket="raw-locked")
        iam = boto3.client("iam", endpoint_url=server.endpoint, region_name="us-east-1", **admin)
        iam.create_user(UserName="reader")
        key = iam.create_access_key(UserName="reader")["AccessKey"]
        s3_environment(sample_root, server.endpoint, "raw-locked", "normalized-locked")
        line = refused(
            sample_root, "--env", ENV,
            env={"AWS_ACCESS_KEY_ID": key["AccessKeyId"],
                 "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]},
        )  # fmt: skip
    finally:
        server.stop()
    assert line.startswith("error: access to the bucket ")
    assert "was denied (AccessDenied); check the AWS credentials in use" in line


def test_no_credentials(sample_root: Path, moto_server: MotoServer, s3_client: str) -> None:
    s3_environment(sample_root, moto_server.endpoint, "raw-y", "normalized-y")
    line = refused(
        sample_root, "--env", ENV, env={"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}
    )
    assert line.startswith("error: no usable AWS credentials were found")


def test_library_raises_storage_error_not_botocore(sample_root: Path, s3_client: str) -> None:
    s3_environment(sample_root, f"http://127.0.0.1:{free_port()}", "raw-z", "normalized-z")
    workspace = Workspace.load(sample_root)
    selection = select_environment(workspace, FEED, ENV, None)
    backend = open_storage(selection.environment, sample_root, selection.path, s3_client=s3_client)
    assert type(backend).__name__ == {"boto3": "S3Storage", "obstore": "ObstoreStorage"}[s3_client]
    with pytest.raises(StorageError):
        build_inventory(backend, selection.feed, ENV, START, END)


# -- retries ------------------------------------------------------------------------


def test_throttled_requests_are_retried(
    sample_root: Path, moto_server: MotoServer, throttling: Throttling, s3_client: str
) -> None:
    raw, normalized = f"raw-throttled-{s3_client}", f"normalized-throttled-{s3_client}"
    store = S3Store(moto_server, raw, normalized, prefix="")
    dataset.fill(store)
    s3_environment(sample_root, throttling.endpoint, raw, normalized)
    workspace = Workspace.load(sample_root)
    selection = select_environment(workspace, FEED, ENV, None)
    backend = open_storage(selection.environment, sample_root, selection.path, s3_client=s3_client)
    report = build_inventory(backend, selection.feed, ENV, START, END)
    assert {str(r.date): r.status.value for r in report.days} == EXPECTED_STATUS
    listings = {path for path in throttling.hits if "list-type=2" in path}
    assert len(listings) == 2  # one per bucket; then a GET per listed manifest, none for the rest
    assert len(throttling.hits) - len(listings) == len(dataset.manifests())
    assert set(throttling.hits.values()) == {2}  # each request: throttled once, then served
    assert report.days[0].status is DayStatus.COMPLETE

"""Both S3 clients take their settings from the standard AWS chain, and the choice between them.

obstore is handed what boto3 resolves: credentials from a profile in the shared
files, the endpoint from the profile or AWS_ENDPOINT_URL_S3, the region from the
profile, the attempts from AWS_MAX_ATTEMPTS. moto enforces IAM here, so a run
that succeeds proves the profile's keys were the ones used.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from tests.conftest import run_ssmd
from tests.data import dataset
from tests.data.conftest import MotoServer, S3Store, Throttling, add_environment
from tests.data.dataset import END, EXPECTED_STATUS, FEED, START
from tests.data.test_errors import ENV, refused, s3_environment

MANIFESTS = len(dataset.manifests())


@pytest.fixture(scope="module")
def guarded() -> Iterator[tuple[MotoServer, dict[str, str]]]:
    """moto with IAM enforced once the data is in; the keys of a reader allowed s3:*."""
    setup_requests = 2 + MANIFESTS + 3  # buckets, manifests, user, policy, key
    server = MotoServer({"INITIAL_NO_AUTH_ACTION_COUNT": str(setup_requests)})
    try:
        dataset.fill(S3Store(server, "raw-chain", "normalized-chain"))
        iam = boto3.client("iam", endpoint_url=server.endpoint, region_name="us-east-1")
        iam.create_user(UserName="reader")
        policy = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
        }
        iam.put_user_policy(
            UserName="reader", PolicyName="read", PolicyDocument=json.dumps(policy)
        )  # fmt: skip
        key = iam.create_access_key(UserName="reader")["AccessKey"]
        yield server, {"id": key["AccessKeyId"], "secret": key["SecretAccessKey"]}
    finally:
        server.stop()


def inventory_statuses(root: Path) -> dict[str, str]:
    result = run_ssmd(
        "data", "inventory", "--env", ENV, "--from", str(START), "--to", str(END), "--json",
        root=root,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return {row["date"]: row["status"] for row in json.loads(result.stdout)["days"]}


def test_profile_credentials_region_and_endpoint_come_from_the_chain(
    sample_root: Path,
    tmp_path: Path,
    guarded: tuple[MotoServer, dict[str, str]],
    s3_client: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, key = guarded
    aws = tmp_path / "home" / ".aws"
    aws.mkdir(parents=True)
    (aws / "credentials").write_text(
        f"[reader]\naws_access_key_id = {key['id']}\naws_secret_access_key = {key['secret']}\n"
    )
    config = aws / "config"
    config.write_text(f"[profile reader]\nregion = us-east-1\nendpoint_url = {server.endpoint}\n")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(aws / "credentials"))
    monkeypatch.setenv("AWS_PROFILE", "reader")
    # No region and no endpoint in the storage block: both come from the profile.
    storage = {
        "type": "s3", "raw_bucket": "raw-chain", "normalized_bucket": "normalized-chain",
        "prefix": "team/md",
    }  # fmt: skip
    add_environment(sample_root, ENV, FEED, "trade:v1", storage)
    assert inventory_statuses(sample_root) == EXPECTED_STATUS

    # The endpoint from AWS_ENDPOINT_URL_S3 instead, as botocore reads it.
    config.write_text("[profile reader]\nregion = us-east-1\n")
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", server.endpoint)
    assert inventory_statuses(sample_root) == EXPECTED_STATUS

    # Another profile's keys are refused by the server: the profile really was used.
    (aws / "credentials").write_text(
        "[reader]\naws_access_key_id = AKIANOTKNOWN\naws_secret_access_key = nope\n"
    )
    line = refused(sample_root, "--env", ENV)
    assert "was denied (InvalidAccessKeyId); check the AWS credentials in use" in line


def test_max_attempts_come_from_the_chain(
    sample_root: Path, moto_server: MotoServer, throttling: Throttling, s3_client: str
) -> None:
    """With AWS_MAX_ATTEMPTS=1 a throttled request is not retried: the same sentence either way."""
    raw, normalized = f"raw-once-{s3_client}", f"normalized-once-{s3_client}"
    store = S3Store(moto_server, raw, normalized, prefix="")
    dataset.fill(store)
    s3_environment(sample_root, throttling.endpoint, raw, normalized)
    line = refused(sample_root, "--env", ENV, env={"AWS_MAX_ATTEMPTS": "1"})
    assert re.fullmatch(
        r"error: S3 refused reading from the bucket (raw|normalized)-once-\w+: SlowDown "
        r"Reduce your request rate\.; check storage\.(raw|normalized)_bucket in "
        r"exchanges/environments/kalshi-test\.yaml",
        line,
    ), line
    assert set(throttling.hits.values()) == {1}


def test_unknown_client_is_refused(sample_root: Path, moto_server: MotoServer) -> None:
    s3_environment(sample_root, moto_server.endpoint, "raw-any", "normalized-any")
    line = refused(sample_root, "--env", ENV, env={"SSMD_S3_CLIENT": "aiobotocore"})
    assert line == (
        "error: unknown S3 client 'aiobotocore' ($SSMD_S3_CLIENT); choose one of boto3, obstore"
    )
    line = refused(sample_root, "--env", ENV, "--s3-client", "s5cmd")
    assert line.startswith("error: unknown S3 client 's5cmd' (--s3-client)")


def test_obstore_asked_for_but_not_installed(
    sample_root: Path, moto_server: MotoServer, tmp_path: Path
) -> None:
    """An install without the extra: the import of obstore fails, as it would there."""
    hidden = tmp_path / "no-obstore"
    hidden.mkdir()
    (hidden / "obstore.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'obstore'\", name='obstore')\n"
    )
    s3_environment(sample_root, moto_server.endpoint, "raw-any", "normalized-any")
    repo = Path(__file__).resolve().parents[2]
    line = refused(
        sample_root, "--env", ENV, "--s3-client", "obstore",
        env={"PYTHONPATH": f"{hidden}:{repo}"},
    )  # fmt: skip
    assert line == (
        "error: the obstore S3 client was asked for (SSMD_S3_CLIENT or --s3-client) but obstore "
        "is not installed; install it with `pip install 'ssmd-metadata[s3-obstore]'`, or use "
        "--s3-client boto3"
    )

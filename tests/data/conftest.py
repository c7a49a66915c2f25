"""Stores for the data tests: a local folder, and S3 through moto's server on loopback.

The S3 store is a real HTTP endpoint (moto_server in a child process), filled
through boto3; nothing inside boto3 is patched. Every test that takes the
`store` fixture runs once per backend, so both must give the same reports.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol

import boto3
import pytest

AWS_TEST_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def moto_server_command() -> str:
    beside = Path(sys.executable).with_name("moto_server")
    found = str(beside) if beside.exists() else shutil.which("moto_server")
    if found is None:
        pytest.fail("moto_server is not installed: run `bash scripts/setup.sh test`")
    return found


class MotoServer:
    """moto's S3 server as a child process on a free loopback port."""

    def __init__(self, environment: Mapping[str, str] | None = None) -> None:
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [moto_server_command(), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, **(environment or {})},
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    pytest.fail(f"moto_server did not start on port {self.port}")
                time.sleep(0.05)

    def client(self, **credentials: str) -> Any:
        return boto3.client(
            "s3", endpoint_url=self.endpoint, region_name="us-east-1", **credentials
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="session", autouse=True)
def aws_test_credentials() -> Iterator[None]:
    """Fake credentials, and no user AWS config, for this process and the CLI children."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in AWS_TEST_ENVIRONMENT.items():
            patch.setenv(name, value)
        patch.delenv("AWS_PROFILE", raising=False)
        patch.delenv("SSMD_ENV", raising=False)
        patch.delenv("SSMD_S3_CLIENT", raising=False)
        for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_MAX_ATTEMPTS", "AWS_REGION"):
            patch.delenv(name, raising=False)
        yield


S3_CLIENTS = ["boto3", "obstore"]


@pytest.fixture(params=S3_CLIENTS)
def s3_client(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each S3 test once per client library; the CLI children get it through SSMD_S3_CLIENT."""
    client: str = request.param
    monkeypatch.setenv("SSMD_S3_CLIENT", client)
    return client


@pytest.fixture(scope="session")
def moto_server(aws_test_credentials: None) -> Iterator[MotoServer]:
    server = MotoServer()
    yield server
    server.stop()


class Store(Protocol):
    kind: str

    def put(self, data_type: str, feed: str, day: dt.date, content: bytes) -> None: ...

    def storage_block(self) -> dict[str, Any]: ...


@dataclass
class LocalStore:
    path: Path
    kind: str = "local"

    def put(self, data_type: str, feed: str, day: dt.date, content: bytes) -> None:
        target = self.path / data_type / feed / f"{day:%Y/%m/%d}" / "manifest.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)

    def storage_block(self) -> dict[str, Any]:
        return {"type": "local", "path": str(self.path)}


@dataclass
class S3Store:
    server: MotoServer
    raw_bucket: str
    normalized_bucket: str
    prefix: str = "team/md"
    kind: str = "s3"

    def __post_init__(self) -> None:
        self.client = self.server.client()
        for bucket in (self.raw_bucket, self.normalized_bucket):
            self.client.create_bucket(Bucket=bucket)

    def put(self, data_type: str, feed: str, day: dt.date, content: bytes) -> None:
        bucket = self.raw_bucket if data_type == "raw" else self.normalized_bucket
        key = f"{feed}/{day:%Y/%m/%d}/manifest.json"
        key = f"{self.prefix}/{key}" if self.prefix else key
        self.client.put_object(Bucket=bucket, Key=key, Body=content)

    def storage_block(self) -> dict[str, Any]:
        return {
            "type": "s3",
            "raw_bucket": self.raw_bucket,
            "normalized_bucket": self.normalized_bucket,
            "prefix": self.prefix,
            "region": "us-east-1",
            "endpoint_url": self.server.endpoint,
        }


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    if request.param == "local":
        return LocalStore(tmp_path / "store")
    server: MotoServer = request.getfixturevalue("moto_server")
    tag = uuid.uuid4().hex[:10]
    return S3Store(server, f"raw-{tag}", f"normalized-{tag}")


def environment_yaml(name: str, feed: str, schema: str, storage: dict[str, Any] | None) -> str:
    lines = [f"name: {name}", f"feed: {feed}", f"schema: {schema}"]
    if storage is not None:
        lines.append("storage:")
        lines += [f"  {key}: {json.dumps(value)}" for key, value in storage.items()]
    return "\n".join(lines) + "\n"


def add_environment(
    root: Path, name: str, feed: str, schema: str, storage: dict[str, Any] | None
) -> None:
    path = root / "exchanges" / "environments" / f"{name}.yaml"
    path.write_text(environment_yaml(name, feed, schema, storage))


class Throttling(ThreadingHTTPServer):
    """An S3 front that answers 503 SlowDown to the first request for each object,
    then passes requests through to moto: the client's retries must ride it out.
    With `throttle=False` it only passes requests through and counts them."""

    def __init__(self, upstream: str, throttle: bool = True) -> None:
        self.upstream = upstream
        self.throttle = throttle
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), ThrottlingHandler)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class ThrottlingHandler(BaseHTTPRequestHandler):
    server: Throttling

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.hits[self.path] += 1
            first = self.server.throttle and self.server.hits[self.path] == 1
        if first:
            body = (
                b"<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>"
            )
            self.send_response(503)
        else:
            request = urllib.request.Request(
                self.server.upstream + self.path, headers=dict(self.headers)
            )
            try:
                with urllib.request.urlopen(request) as response:
                    status, body = response.status, response.read()
            except urllib.error.HTTPError as error:
                status, body = error.code, error.read()
            self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def throttling(moto_server: MotoServer) -> Iterator[Throttling]:
    front = Throttling(moto_server.endpoint)
    thread = threading.Thread(target=front.serve_forever, daemon=True)
    thread.start()
    yield front
    front.shutdown()
    front.server_close()

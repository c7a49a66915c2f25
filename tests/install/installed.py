"""Drive an installed ssmd (its own `bin/`, never this checkout) like a user and an editor do."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
from pathlib import Path
from typing import Any

from tests.cli.test_any_layout import BROKEN, write_registry


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without this checkout on PYTHONPATH (the installed copy must answer)."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "SSMD_ROOT"}}
    return {**env, **extra}


class StdioClient:
    """A minimal LSP client over a child's stdio: Content-Length frames, answers server requests."""

    def __init__(self, command: list[str], cwd: Path) -> None:
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=cwd, env=clean_env()
        )
        self.inbox: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.next_id = 0

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while (line := stream.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not line:
                return
            self.inbox.put(json.loads(stream.read(length)))

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.process.stdin.flush()

    def request(self, method: str, params: Any) -> int:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        return self.next_id

    def wait_for(self, wanted: Any, timeout: float = 60) -> dict[str, Any]:
        while True:
            message = self.inbox.get(timeout=timeout)
            if "method" in message and "id" in message:  # a request from the server
                self.send({"id": message["id"], "result": None})
            elif wanted(message):
                return message

    def close(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)


def check_installed(bin_dir: Path, work: Path) -> None:
    """`ssmd validate` and a real `ssmd-ls` session from an install, outside the checkout."""
    root = write_registry(work / "team-registry", BROKEN)
    ssmd = str(bin_dir / "ssmd")
    version = subprocess.run([ssmd, "--version"], capture_output=True, text=True, env=clean_env())
    assert version.returncode == 0 and version.stdout.startswith("ssmd "), version.stderr
    ls_version = subprocess.run(
        [str(bin_dir / "ssmd-ls"), "--version"], capture_output=True, text=True, env=clean_env()
    )
    assert ls_version.stdout.startswith("ssmd-ls "), ls_version.stderr
    result = subprocess.run(
        [ssmd, "validate"], capture_output=True, text=True, cwd=root, env=clean_env()
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "exchanges/feeds/kalshi.yaml:3:1: error SSMD003 unknown key 'owner'" in result.stdout
    # Without the [s3] extra (no boto3 in this venv), an S3 data command says how to get it.
    (root / "exchanges/environments/prod.yaml").write_text(
        "name: prod\nfeed: kalshi\nschema: trade:v1\nstorage:\n  type: s3\n"
        "  raw_bucket: raw\n  normalized_bucket: normalized\n  region: us-east-1\n"
    )
    s3 = subprocess.run(
        [ssmd, "data", "inventory", "--feed", "kalshi", "--env", "prod",
         "--from", "2026-01-05", "--to", "2026-01-06"],
        capture_output=True, text=True, cwd=root, env=clean_env(),
    )  # fmt: skip
    assert s3.returncode == 1, s3.stdout + s3.stderr
    assert s3.stderr == (
        "error: environment prod stores its data in S3, which needs boto3; "
        "install it with `pip install 'ssmd-metadata[s3]'`\n"
    )
    # The README's first step after the install: a new registry that validates clean.
    started = subprocess.run(
        [ssmd, "init", "new-registry", "--all"], capture_output=True, text=True, cwd=work,
        env=clean_env(),
    )  # fmt: skip
    assert started.returncode == 0, started.stdout + started.stderr
    fresh = subprocess.run(
        [ssmd, "validate", "--strict"], capture_output=True, text=True, cwd=work / "new-registry",
        env=clean_env(),
    )  # fmt: skip
    assert fresh.returncode == 0 and "All validations passed." in fresh.stdout, fresh.stdout
    where = subprocess.run(
        [str(bin_dir / "python"), "-c", "import ssmd; print(ssmd.__file__)"],
        capture_output=True,
        text=True,
        cwd=work,
        env=clean_env(),
    )
    assert str(bin_dir.parent) in where.stdout  # the installed copy, not this checkout

    client = StdioClient([str(bin_dir / "ssmd-ls")], cwd=root)
    try:
        uri = (root / "exchanges/feeds/kalshi.yaml").as_uri()
        initialize = client.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root.as_uri(),
                "capabilities": {},
                "workspaceFolders": [{"uri": root.as_uri(), "name": "registry"}],
            },
        )
        answer = client.wait_for(lambda m: m.get("id") == initialize)
        assert answer["result"]["serverInfo"]["name"] == "ssmd-ls"
        client.send({"method": "initialized", "params": {}})
        client.send(
            {
                "method": "textDocument/didOpen",
                "params": {
                    "textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": BROKEN}
                },
            }
        )
        published = client.wait_for(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == uri
                and m["params"]["diagnostics"]
            )
        )
        (diagnostic,) = published["params"]["diagnostics"]
        assert diagnostic["code"] == "SSMD003"
        assert diagnostic["range"]["start"] == {"line": 2, "character": 0}
    finally:
        client.close()

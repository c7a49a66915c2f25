"""How many diagnostics a user sees for one problem when redhat YAML and ssmd-ls both run.

Usage: python benchmarks/editors_double_errors.py YLS, where YLS is the path of
yaml-language-server/bin/yaml-language-server (`npm install yaml-language-server@1.25.0`).

It plants each problem in a copy of the sample registry's kalshi-dev.yaml, runs
yaml-language-server over stdio with the `ssmd json-schema` schemas mapped and without
any, and ssmd-ls, and prints what each published for the file (docs/editors.md).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from ssmd.schema_export import KINDS, file_name, rendered

REPO = Path(__file__).resolve().parents[1]
TARGET = "exchanges/environments/kalshi-dev.yaml"
PROBLEMS = {
    "unknown key": lambda text: text + "colour: blue\n",
    "YAML syntax error": lambda text: text.replace("feed: kalshi", "feed: [kalshi"),
}


class Server:
    def __init__(self, command: list[str], cwd: Path, config: dict[str, Any]) -> None:
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=cwd,
        )
        self.config = config
        self.messages: list[dict[str, Any]] = []
        threading.Thread(target=self._read, daemon=True).start()

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            header = b""
            while not header.endswith(b"\r\n\r\n"):
                byte = stream.read(1)
                if not byte:
                    return
                header += byte
            length = next(
                int(line.split(":")[1])
                for line in header.decode().split("\r\n")
                if line.lower().startswith("content-length")
            )
            message = json.loads(stream.read(length))
            self.messages.append(message)
            if "id" in message and "method" in message:  # a request: answer it
                result = None
                if message["method"] == "workspace/configuration":
                    items = message["params"]["items"]
                    result = [self.config.get(item.get("section")) for item in items]
                self.send({"id": message["id"], "result": result})


def published(command: list[str], root: Path, text: str, config: dict[str, Any]) -> list[str]:
    server = Server(command, root, config)
    target = (root / TARGET).as_uri()
    capabilities = {"workspace": {"configuration": True}}
    folders = [{"uri": root.as_uri(), "name": "registry"}]
    server.send(
        {
            "id": 1,
            "method": "initialize",
            "params": {
                "processId": None,
                "rootUri": root.as_uri(),
                "capabilities": capabilities,
                "workspaceFolders": folders,
            },
        }
    )
    time.sleep(3)
    server.send({"method": "initialized", "params": {}})
    server.send({"method": "workspace/didChangeConfiguration", "params": {"settings": config}})
    document = {"uri": target, "languageId": "yaml", "version": 1, "text": text}
    server.send({"method": "textDocument/didOpen", "params": {"textDocument": document}})
    deadline = time.monotonic() + 60  # the first publish for the file, then 2 s for more
    while time.monotonic() < deadline and not any(
        m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == target
        for m in list(server.messages)
    ):
        time.sleep(0.1)
    time.sleep(2)
    server.process.kill()
    lists = [
        m["params"]["diagnostics"]
        for m in server.messages
        if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == target
    ]
    return [f"{d.get('code')}: {d['message'][:60]}" for d in (lists[-1] if lists else [])]


def main() -> None:
    yls = sys.argv[1]
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "registry"
        shutil.copytree(REPO / "exchanges", root / "exchanges")
        schemas = Path(scratch) / "schemas"
        schemas.mkdir()
        for name, text in rendered().items():
            (schemas / name).write_text(text)
        mapped = {
            (schemas / file_name(kind)).as_uri(): [f"**/exchanges/{folder}/*.yaml"]
            for kind, (_, folder, _) in KINDS.items()
        }
        original = (root / TARGET).read_text()
        for problem, plant in PROBLEMS.items():
            text = plant(original)
            (root / TARGET).write_text(text)
            for label, command, config in (
                (
                    "yaml-language-server, schemas mapped",
                    ["node", yls, "--stdio"],
                    {
                        "yaml": {
                            "validate": True,
                            "schemas": mapped,
                            "schemaStore": {"enable": False},
                        }
                    },
                ),
                (
                    "yaml-language-server, no schema",
                    ["node", yls, "--stdio"],
                    {"yaml": {"validate": True, "schemas": {}, "schemaStore": {"enable": False}}},
                ),
                ("ssmd-ls", [sys.executable, "-m", "ssmd_ls"], {"ssmd": {"asOf": ""}}),
            ):
                found = published(command, root, text, config)
                print(f"{problem:18} | {label:37} | {len(found)} | {'; '.join(found)}")


if __name__ == "__main__":
    main()

"""The VS Code extension end to end: the built .vsix in real code-server, in headless Chromium.

Why this shape: VS Code itself cannot be downloaded on the build machines, code-server can
(it is VS Code's workbench served to a browser), and reading squiggles, the Problems panel,
hovers and the suggest widget from the page is what a user sees. The browser steps live in
`editors/vscode/e2e/drive.mjs` (playwright-core); it reports what it saw as JSON and this test
judges it. Everything is installed by `scripts/setup.d/50-vscode.sh`.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
EXTENSION = REPO / "editors" / "vscode"
TOOLS = EXTENSION / ".e2e"
CODE_SERVER = TOOLS / "node_modules" / ".bin" / "code-server"
CHROMIUM = Path("/usr/lib/chromium/chromium")
ARTIFACTS = REPO / "test-artifacts" / "vscode"
SETUP = "bash scripts/setup.d/50-vscode.sh"

AS_OF = "2024-12-31"  # kalshi v1 (2024-06-01) is in effect; v2 starts 2025-01-01
PLANTED_FILE = "exchanges/environments/polymarket-dev.yaml"
PLANTED_CODE = "SSMD301"  # environment references an unknown feed
MESSY_FILE = "exchanges/feeds/coinbase.yaml"  # planted with needless quotes: Format Document


def _require_tools() -> None:
    missing = [
        str(path)
        for path in (CODE_SERVER, CHROMIUM, EXTENSION / "node_modules" / ".bin" / "vsce")
        if not path.exists()
    ]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: run `{SETUP}` (scripts/test.sh runs it).")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(command: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        pytest.fail(
            f"`{' '.join(command)}` failed with exit code {done.returncode}:\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return done


@pytest.fixture(scope="module")
def vsix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The extension built and packaged exactly as `npm run package` does for a release."""
    _require_tools()
    _run(["npm", "run", "package"], EXTENSION, timeout=300)
    built = EXTENSION / "ssmd.vsix"
    target = tmp_path_factory.mktemp("vsix") / "ssmd.vsix"
    shutil.copy(built, target)
    return target


def _workspace(root: Path) -> Path:
    """A copy of the sample registry with a planted error and a fixed as-of date."""
    folder = root / "registry"
    shutil.copytree(REPO / "exchanges", folder / "exchanges")
    planted = folder / PLANTED_FILE
    planted.write_text(planted.read_text().replace("feed: polymarket", "feed: polymarkett"))
    messy = folder / MESSY_FILE
    messy.write_text(messy.read_text().replace("name: coinbase", "name: 'coinbase'"))
    (folder / ".vscode").mkdir()
    (folder / ".vscode" / "settings.json").write_text(json.dumps({"ssmd.asOf": AS_OF}))
    return folder


def _user_settings(user_data: Path) -> None:
    settings = {
        # The extension finds `python -m ssmd_ls` through this setting (no ms-python here).
        "python.defaultInterpreterPath": sys.executable,
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": False,
        "workbench.enableExperiments": False,
        "security.workspace.trust.enabled": False,
        "telemetry.telemetryLevel": "off",
        "extensions.ignoreRecommendations": True,
        "extensions.autoCheckUpdates": False,
        "extensions.autoUpdate": False,
        "update.mode": "none",
        "editor.hover.delay": 100,
        "editor.quickSuggestions": {"other": False, "comments": False, "strings": False},
        "files.autoSave": "off",
        "chat.disableAIFeatures": True,
    }
    (user_data / "User").mkdir(parents=True, exist_ok=True)
    (user_data / "User" / "settings.json").write_text(json.dumps(settings, indent=2))


@contextlib.contextmanager
def _code_server(
    folder: Path, user_data: Path, extensions: Path, log: Path, env: dict[str, str] | None = None
) -> Iterator[str]:
    """code-server on a free loopback port, in its own process group, stopped as a whole."""
    port = _free_port()
    command = [
        str(CODE_SERVER),
        "--auth",
        "none",
        "--bind-addr",
        f"127.0.0.1:{port}",
        "--user-data-dir",
        str(user_data),
        "--extensions-dir",
        str(extensions),
        "--disable-telemetry",
        "--disable-update-check",
        "--disable-workspace-trust",
        "--disable-getting-started-override",
        "--config",
        str(user_data / "code-server.yaml"),
        str(folder),
    ]
    with log.open("w") as output:
        process = subprocess.Popen(
            command,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "SSMD_CACHE_DIR": "off", **(env or {})},
        )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{url}/healthz", timeout=2) as response,
            ):
                if response.status == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"code-server did not come up on {url}:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield f"{url}/?folder={folder}"
    finally:
        _stop_group(process)


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """Stop code-server and everything it started (the extension host, the language server)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
    # Children (extension host, ssmd-ls) may outlive the leader: the group goes either way.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


def _line_of(path: Path, prefix: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if line.startswith(prefix):
            return number
    raise AssertionError(f"{path} has no line starting with {prefix!r}")


def _install_vsix(vsix: Path, user_data: Path, extensions: Path) -> None:
    _run(
        [
            str(CODE_SERVER),
            "--user-data-dir",
            str(user_data),
            "--extensions-dir",
            str(extensions),
            "--config",
            str(user_data / "code-server.yaml"),
            "--install-extension",
            str(vsix),
        ],
        REPO,
        timeout=120,
    )
    assert list(extensions.glob("ssmd-metadata.ssmd-*")), "code-server did not install the .vsix"


def _drive(spec: dict[str, Any], tmp_path: Path, user_data: Path) -> tuple[dict[str, Any], str]:
    """Run the browser driver on `spec`; what it saw, and the extension's own log."""
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps(spec))
    driver = subprocess.run(
        ["node", str(EXTENSION / "e2e" / "drive.mjs"), str(spec_file)],
        capture_output=True,
        text=True,
        timeout=480,
        check=False,
    )
    (Path(spec["artifacts"]) / "driver.log").write_text(driver.stderr)
    # The extension's own log (server command, start errors, the server's stderr).
    extension_log = "\n".join(
        f"== {path.name}\n{path.read_text(errors='replace')}"
        for path in sorted(user_data.glob("logs/**/*SSMD*.log"))
    )
    (Path(spec["artifacts"]) / "extension.log").write_text(extension_log)
    try:
        seen: dict[str, Any] = json.loads(driver.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"the browser driver printed no result:\n{driver.stderr[-4000:]}")
    (Path(spec["artifacts"]) / "observed.json").write_text(json.dumps(seen, indent=2))
    return seen, extension_log


def test_extension_in_code_server(vsix: Path, tmp_path: Path) -> None:
    folder = _workspace(tmp_path)
    user_data = tmp_path / "user-data"
    extensions = tmp_path / "extensions"
    _user_settings(user_data)
    _install_vsix(vsix, user_data, extensions)

    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    ARTIFACTS.mkdir(parents=True)
    hover_file = folder / "exchanges/environments/kalshi-prod.yaml"
    feed_line = _line_of(hover_file, "feed:")
    planted_line = _line_of(folder / PLANTED_FILE, "feed:")
    log = ARTIFACTS / "code-server.log"
    # `ssmd-ls` where pipx and uv tool put it (~/.local/bin): found before any Python
    # interpreter, even when the editor's PATH lacks that folder (started from a desktop).
    home = tmp_path / "home"
    tool_bin = home / ".local" / "bin"
    tool_bin.mkdir(parents=True)
    (tool_bin / "ssmd-ls").symlink_to(Path(sys.executable).with_name("ssmd-ls"))
    with _code_server(folder, user_data, extensions, log, {"HOME": str(home)}) as url:
        spec = {
            "url": url,
            "toolsDir": str(TOOLS),
            "chromium": str(CHROMIUM),
            "artifacts": str(ARTIFACTS),
            "diagnosticTimeoutMs": 90_000,
            "errorFile": PLANTED_FILE,
            "errorCode": PLANTED_CODE,
            "errorPosition": [planted_line, 9],
            "hoverFile": "exchanges/environments/kalshi-prod.yaml",
            "hoverPosition": [feed_line, 9],
            "hoverExpect": ["v1", AS_OF],
            "completionPosition": [feed_line, 7],
            "completionExpect": ["kalshi", "polymarket", "coinbase"],
            "badAsOf": "2025-02-30",
            "newAsOf": "2025-06-01",
            "hoverAfterExpect": ["2025-06-01", "v2"],
            "lensFile": "exchanges/feeds/kalshi.yaml",
            "lensExpect": ["in effect on 2025-06-01", "used by 2 environments", "superseded"],
            "formatFile": MESSY_FILE,
            "formatExpect": "name: coinbase",
        }
        seen, extension_log = _drive(spec, tmp_path, user_data)
    where = f"(screenshots and logs in {ARTIFACTS})"

    started = f"Starting {tool_bin / 'ssmd-ls'}"
    assert started in extension_log and "(from ssmd-ls on PATH)" in extension_log, (
        f"the extension did not start ssmd-ls from PATH:\n{extension_log[-2000:]}"
    )
    assert not seen["errors"], (
        f"the editor did not show everything expected {where}:\n"
        + "\n".join(seen["errors"])
        + f"\nThe extension's log:\n{extension_log[-3000:]}"
    )
    assert seen["squiggles"] >= 1, f"no error squiggle in {PLANTED_FILE} {where}"
    problems = [row for row in seen.get("problems", []) if PLANTED_CODE in row]
    assert problems, f"no {PLANTED_CODE} row in the Problems panel: {seen.get('problems')} {where}"
    assert "polymarkett" in problems[0], f"the Problems row does not name the bad feed: {problems}"
    assert "polymarkett" in seen["errorHover"], f"the squiggle's hover: {seen['errorHover']!r}"
    assert "v1" in seen["hover"] and AS_OF in seen["hover"], (
        f"the hover on `feed: kalshi` does not show v1 as of {AS_OF}: {seen['hover']!r} {where}"
    )
    for feed in ("kalshi", "polymarket", "coinbase"):
        completions = seen["completions"]
        assert feed in completions, f"completion lacks {feed}: {completions} {where}"
    assert f"SSMD as of {AS_OF}" in seen["statusBar"], f"status bar: {seen['statusBar']!r}"
    assert "not a day of the calendar" in seen["asOfRefusal"], seen["asOfRefusal"]
    assert "As of 2025-06-01: v2" in seen["hoverAfter"], f"hover after set: {seen['hoverAfter']!r}"
    assert "polymarkett" in seen["validateOutput"], seen["validateOutput"]
    lenses = " | ".join(seen["codeLenses"])  # one entry per line of lenses: "a\n | \nb"
    for lens in ("in effect on 2025-06-01", "used by 2 environments", "superseded"):
        assert lens in lenses, f"code lenses over kalshi's versions: {lenses!r} {where}"
    assert "name: coinbase" in [line.strip() for line in seen["formatted"]], seen["formatted"]


def test_install_button_on_a_machine_without_ssmd(vsix: Path, tmp_path: Path) -> None:
    """No ssmd anywhere: the notification's Install makes a venv from a local wheel folder."""
    wheels = tmp_path / "wheels"  # this checkout and its dependencies, as an offline index
    _run(
        [sys.executable, "-m", "pip", "wheel", "-q", "-w", str(wheels), str(REPO)],
        REPO,
        timeout=600,
    )
    assert list(wheels.glob("ssmd_metadata-*.whl"))
    folder = _workspace(tmp_path)
    user_data = tmp_path / "user-data"
    extensions = tmp_path / "extensions"
    _user_settings(user_data)
    settings_file = user_data / "User" / "settings.json"
    settings = json.loads(settings_file.read_text())
    del settings["python.defaultInterpreterPath"]  # no interpreter with ssmd to find
    settings_file.write_text(json.dumps(settings))
    _install_vsix(vsix, user_data, extensions)
    artifacts = ARTIFACTS.with_name("vscode-install")
    shutil.rmtree(artifacts, ignore_errors=True)
    artifacts.mkdir(parents=True)
    bare_path = os.pathsep.join(["/usr/local/bin", "/usr/bin", "/bin"])  # Debian's python3 only
    env = {
        "HOME": str(tmp_path / "home"),
        "PATH": bare_path,
        "PYTHONPATH": "",  # nothing of this checkout leaks into the installed server
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheels),
    }
    with _code_server(folder, user_data, extensions, artifacts / "code-server.log", env) as url:
        spec = {
            "url": url,
            "toolsDir": str(TOOLS),
            "chromium": str(CHROMIUM),
            "artifacts": str(artifacts),
            "diagnosticTimeoutMs": 300_000,
            "installButton": "Install",
            "stopAfterSquiggle": True,
            "errorFile": PLANTED_FILE,
            "errorCode": PLANTED_CODE,
        }
        seen, extension_log = _drive(spec, tmp_path, user_data)
    assert not seen["errors"], "\n".join(seen["errors"]) + f"\n{extension_log[-3000:]}"
    assert "not installed" in seen["installOffer"], seen["installOffer"]
    assert seen["squiggles"] >= 1, f"no squiggle after the install (see {artifacts})"
    assert "(from the extension's managed install)" in extension_log, extension_log[-3000:]
    assert "pip install --disable-pip-version-check ssmd-metadata==" in extension_log

"""The extension's contract with the server, and its static checks.

Why: the extension's package.json declares the settings a user edits, the server's
`ssmd_ls.settings.Settings` reads them. A default the server refused would put a
warning in front of every user on first start, so each default is checked here, in the
shape VS Code sends it (the `ssmd` section, dotted keys nested).
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ssmd_ls.settings import Settings, parse_settings

REPO = Path(__file__).resolve().parents[2]
EXTENSION = REPO / "editors" / "vscode"
MANIFEST = json.loads((EXTENSION / "package.json").read_text())
PROPERTIES: dict[str, dict[str, Any]] = MANIFEST["contributes"]["configuration"]["properties"]


def _section(values: dict[str, Any]) -> dict[str, Any]:
    """`{"ssmd.server.path": x}` -> `{"server": {"path": x}}`, as VS Code sends the section."""
    section: dict[str, Any] = {}
    for key, value in values.items():
        parts = key.removeprefix("ssmd.").split(".")
        node = section
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return section


@pytest.mark.parametrize("key", sorted(PROPERTIES))
def test_each_default_is_accepted_by_the_server(key: str) -> None:
    settings, problem = parse_settings(_section({key: PROPERTIES[key]["default"]}))
    assert problem is None, f"the server refuses the extension's default for {key}: {problem}"
    assert settings == Settings()


def test_all_defaults_together_are_the_servers_defaults() -> None:
    every = _section({key: spec["default"] for key, spec in PROPERTIES.items()})
    # workspace/configuration answers the section; didChangeConfiguration wraps it in "ssmd".
    for raw in (every, {"ssmd": every}):
        settings, problem = parse_settings(raw)
        assert problem is None, problem
        assert settings == Settings()


def test_every_server_setting_is_declared_by_the_extension() -> None:
    declared = {key.removeprefix("ssmd.") for key in PROPERTIES}
    for name, field in Settings.model_fields.items():
        assert (field.alias or name) in declared, f"the extension does not declare ssmd.{name}"


def test_as_of_values_the_extension_accepts_reach_the_server() -> None:
    pattern = PROPERTIES["ssmd.asOf"]["pattern"]
    for value in ("2024-12-31", "2025-06-01"):
        assert re.fullmatch(pattern, value)
        settings, problem = parse_settings({"asOf": value})
        assert problem is None and str(settings.effective_as_of()) == value
    # A value the settings UI flags is refused by the server too, which says why.
    assert not re.fullmatch(pattern, "31/12/2024")
    settings, problem = parse_settings({"asOf": "31/12/2024"})
    assert problem is not None and "asOf" in problem and settings == Settings()


def test_document_selector_and_activation_cover_the_registry() -> None:
    # Registries anywhere: a monorepo's infra/registry/exchanges/ activates the extension too.
    assert "workspaceContains:**/exchanges/**/*.yaml" in MANIFEST["activationEvents"]
    assert "workspaceContains:**/*.capnp" in MANIFEST["activationEvents"]
    source = (EXTENSION / "src" / "extension.ts").read_text()
    assert '"**/exchanges/**/*.yaml"' in source and '"**/*.capnp"' in source
    titles = {command["title"] for command in MANIFEST["contributes"]["commands"]}
    assert titles == {"Restart Server", "Set As-Of Date", "Validate Workspace"}


def test_every_contributed_command_is_registered_and_differs_from_the_servers() -> None:
    """A contributed id the code never registers fails only when a user picks it."""
    source = (EXTENSION / "src" / "extension.ts").read_text()
    server = (REPO / "ssmd_ls" / "server.py").read_text()
    for command in MANIFEST["contributes"]["commands"]:
        registered = f'registerCommand("{command["command"]}"' in source
        assert registered, f"{command['command']} is contributed but not registered"
        # vscode-languageclient registers every server command under its own id: a clash
        # would make the client fail to start.
        assert f'"{command["command"]}"' not in server, f"{command['command']} is a server command"


def test_typecheck_and_lint_pass() -> None:
    """`tsc --noEmit` and eslint, as `npm run check` runs them."""
    if not (EXTENSION / "node_modules" / ".bin" / "tsc").exists():
        pytest.fail("the extension's tools are missing: run `bash scripts/setup.d/50-vscode.sh`.")
    done = subprocess.run(
        ["npm", "run", "--silent", "check"],
        cwd=EXTENSION,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"npm run check failed:\n{done.stdout}\n{done.stderr}"


def test_manifest_is_marketplace_ready() -> None:
    """`vsce package` (and ovsx) need these with no flags; the icon and images are packaged."""
    assert MANIFEST["publisher"] != "ssmd" and "private" not in MANIFEST
    assert MANIFEST["repository"]["url"].startswith("https://github.com/")
    assert MANIFEST["license"] == "Apache-2.0" and (EXTENSION / "LICENSE").is_file()
    assert (EXTENSION / "CHANGELOG.md").read_text().startswith("# Changelog")
    assert (EXTENSION / MANIFEST["icon"]).read_bytes().startswith(b"\x89PNG")
    assert MANIFEST["scripts"]["package"] == "vsce package --out ssmd.vsix"
    assert MANIFEST["vsce"] == {"dependencies": False}  # the bundle carries its dependencies
    ignore = (EXTENSION / ".vscodeignore").read_text().splitlines()
    for kept in ("!README.md", "!CHANGELOG.md", "!LICENSE", "!images/*.png"):
        assert kept in ignore
    for image in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", (EXTENSION / "README.md").read_text()):
        assert (EXTENSION / image).is_file(), f"README shows {image}, which is not in the package"


def test_server_is_found_in_the_documented_order() -> None:
    source = (EXTENSION / "src" / "serverCommand.ts").read_text()
    body = source[source.index("export async function resolveServerCommand") :]
    steps = ["configuredServerPath(", "serverOnPath()", "interpreterWith(", "managedServer("]
    positions = [body.index(step) for step in steps]
    assert positions == sorted(positions), "the server is looked for out of order"
    extension = (EXTENSION / "src" / "extension.ts").read_text()
    assert "extensionVersion: extensionVersion(context)" in extension

"""The schema YAML's `compatibility` level and `compatibility_ignore` list, end to end.

Real registries in temp folders (each version on its own `.capnp` file, so
no git history is needed), checked through the library (`compare_versions`,
`check`) and once through the real CLI for the text, JSON and SARIF shapes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ssmd.check import check
from ssmd.document import MAX_FILE_BYTES
from ssmd.models import CompatibilityLevel
from ssmd.schema_diff import compare_versions
from ssmd.workspace import Workspace
from tests.conftest import run_ssmd
from tests.gitrepo import sha256

SCHEMAS = "exchanges/schemas"
V1 = "@0xd8a4bd5c2f1e9a01;\nstruct Trade {\n  price @0 :Float64;\n  size @1 :UInt32;\n}\n"
V2 = "@0xd8a4bd5c2f1e9a01;\nstruct Trade {\n  price @0 :Float64;\n  quantity @1 :UInt32;\n}\n"


def registry(root: Path, new: str | bytes, extra: str = "", old: str = V1) -> Workspace:
    files: dict[str, str | bytes] = {"trade_v1.capnp": old, "trade_v2.capnp": new}
    for name, content in files.items():
        target = root / SCHEMAS / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode())
    yaml = (
        "name: trade\nformat: capnp\nschema_file: trade_v2.capnp\n"
        f"{extra}"
        "versions:\n"
        "  - version: v1\n    effective_from: 2025-01-01\n    status: active\n"
        f"    hash: {sha256(old)}\n    schema_file: trade_v1.capnp\n"
        "  - version: v2\n    effective_from: 2025-03-01\n    status: active\n"
        f"    hash: {sha256(new)}\n    compatible_with: [v1]\n"
    )
    (root / SCHEMAS / "trade.yaml").write_text(yaml)
    return Workspace.load(root)


def ssmd208(workspace: Workspace) -> list[str]:
    found = check(workspace)
    return [d.message for ds in found.values() for d in ds if d.code == "SSMD208"]


def diff(workspace: Workspace, level: CompatibilityLevel | None = None) -> object:
    schema = workspace.schema("trade")
    assert schema is not None
    return compare_versions(
        workspace, (schema, schema.versions[0]), (schema, schema.versions[1]), level
    )


def test_a_rename_keeps_wire_but_breaks_wire_text(tmp_path: Path) -> None:
    wire = registry(tmp_path / "wire", V2)
    assert ssmd208(wire) == []
    text = registry(tmp_path / "text", V2, "compatibility: wire+text\n")
    (message,) = ssmd208(text)
    assert "FIELD_SAME_NAME at level wire+text" in message
    # The command line overrides the YAML: at wire the same pair is compatible.
    comparison = diff(text, CompatibilityLevel.WIRE)
    assert comparison.breaking == []  # type: ignore[attr-defined]
    (change,) = comparison.changes  # type: ignore[attr-defined]
    assert change.new_location == (3, 2)  # `quantity @1` in trade_v2.capnp
    assert change.old_location == (3, 2)  # `size @1` in trade_v1.capnp
    assert comparison.new_path == f"{SCHEMAS}/trade_v2.capnp"  # type: ignore[attr-defined]


def test_an_ignore_with_a_reason_suppresses_one_element(tmp_path: Path) -> None:
    accepted = (
        "compatibility: wire+text\ncompatibility_ignore:\n"
        "  - rule: FIELD_SAME_NAME\n    element: Trade.size\n"
        "    reason: no JSON consumer reads Trade yet\n"
    )
    workspace = registry(tmp_path / "a", V2, accepted)
    assert ssmd208(workspace) == []
    comparison = diff(workspace)
    (change,) = comparison.suppressed  # type: ignore[attr-defined]
    assert change.suppressed == "no JSON consumer reads Trade yet"
    # Another element of the same rule is not accepted by that entry.
    other = V2.replace("price @0", "px @0")
    assert len(ssmd208(registry(tmp_path / "b", other, accepted))) == 1


def test_an_unknown_rule_id_in_the_ignore_list_is_reported(tmp_path: Path) -> None:
    workspace = registry(
        tmp_path, V2, "compatibility_ignore:\n  - rule: FIELD_RENAMED\n    reason: typo\n"
    )
    messages = [d.message for ds in check(workspace).values() for d in ds]
    assert any("'FIELD_RENAMED' is not an evolution rule id" in m for m in messages), messages


def test_cli_levels_and_formats(tmp_path: Path) -> None:
    registry(
        tmp_path,
        V2.replace("}\n", "  side @2 :UInt8;\n}\n"),
        "compatibility_ignore:\n  - rule: FIELD_SAME_NAME\n    reason: renamed on purpose\n",
    )
    wire = run_ssmd("schema", "diff", "trade:v1", "trade:v2", root=tmp_path)
    assert wire.returncode == 0, wire.stdout + wire.stderr
    assert "suppressed FIELD_SAME_NAME [wire+text]" in wire.stdout
    assert "accepted: renamed on purpose" in wire.stdout
    as_json = run_ssmd(
        "schema",
        "diff",
        "trade:v1",
        "trade:v2",
        "--level",
        "source",
        "--format",
        "json",
        root=tmp_path,
    )
    data = json.loads(as_json.stdout)
    assert data["level"] == "source" and data["compatible"] is True  # the only break is accepted
    (change,) = data["changes"]
    assert change["rule"] == "FIELD_SAME_NAME" and change["suppressed"] == "renamed on purpose"
    assert change["new_location"] == {"line": 3, "column": 2}
    sarif = json.loads(
        run_ssmd(
            "schema", "diff", "trade:v1", "trade:v2", "--format", "sarif", root=tmp_path
        ).stdout
    )
    (result,) = sarif["runs"][0]["results"]
    assert result["suppressions"] == [{"kind": "external", "justification": "renamed on purpose"}]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (4, 3)
    bad = run_ssmd("schema", "diff", "trade:v1", "trade:v2", "--level", "binary", root=tmp_path)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_a_link_pointing_out_of_the_registry_is_named(tmp_path: Path) -> None:
    outside = tmp_path / "outside.capnp"
    outside.write_text(V2)
    root = tmp_path / "registry"
    registry(root, V2)
    link = root / SCHEMAS / "trade_v2.capnp"
    link.unlink()
    link.symlink_to(outside)
    comparison = diff(Workspace.load(root))
    assert comparison.problem is not None  # type: ignore[attr-defined]
    assert "was not read" in comparison.problem  # type: ignore[attr-defined]
    assert "not in a git repository" not in comparison.problem  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        (
            "@0xd8a4bd5c2f1e9a01;\nstruct Trade {\n  price @0 :Float64;\n  size @1 :UInt32;\n"
            + "".join(f"g{i} :group {{\n" for i in range(330))
            + "x @2 :UInt8;\n"
            + "}\n" * 330
            + "}\n",
            "nests groups more than 64 levels deep",
        ),
        (
            "@0xd8a4bd5c2f1e9a01;\nstruct Trade {\n  price @0 :Float64;\n  size @1 :UInt32;\n"
            "  x @2 :" + "List(" * 1200 + "UInt8" + ")" * 1200 + ";\n}\n",
            "nests types (such as `List(`) more than 64 levels deep",
        ),
        (
            '@0xd8a4bd5c2f1e9a01;\nusing O = import "../../outside.capnp";\n'
            + V1.split("\n", 1)[1],
            "imports (directly or through another file) a path outside exchanges/schemas/",
        ),
        (b"#" * (MAX_FILE_BYTES + 1), "was not read: the file is 1,048,577 bytes"),
    ],
    ids=["deep groups", "deep lists", "escaping import", "over the size limit"],
)
def test_odd_schemas_give_a_reason_not_a_traceback(
    tmp_path: Path, new: str | bytes, expected: str
) -> None:
    comparison = diff(registry(tmp_path, new))
    assert comparison.problem is not None and expected in comparison.problem  # type: ignore[attr-defined]
    assert "not in a git repository" not in comparison.problem  # type: ignore[attr-defined]
    assert "import cycle" not in comparison.problem  # type: ignore[attr-defined]


def test_diff_findings_land_from_the_working_directory_and_the_git_top(tmp_path: Path) -> None:
    """A registry in a monorepo subfolder: text findings at column 0 with the path from where
    the command ran (compilers' layout, editors jump to it), SARIF from the git top."""
    import subprocess

    from tests.cli.test_validate_cli import sarif_validator

    top = tmp_path / "mono"
    root = top / "infra/reg"
    root.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    registry(root, V1.replace("size @1 :UInt32", "size @1 :UInt64"))
    args = ["schema", "diff", "trade:v1", "trade:v2", "--root", "infra/reg"]
    text = run_ssmd(*args, cwd=top)
    assert text.returncode == 1, text.stderr
    finding = text.stdout.splitlines()[1]
    assert finding.startswith(
        "infra/reg/exchanges/schemas/trade_v2.capnp:4:3: error FIELD_SAME_TYPE [wire] Trade.size"
    )
    from_infra = [*args[:-1], "reg", "--format", "sarif"]  # the working directory is no matter
    log = json.loads(run_ssmd(*from_infra, cwd=top / "infra").stdout)
    errors = [f"{list(e.path)}: {e.message}" for e in sarif_validator().iter_errors(log)]
    assert errors == []
    (run,) = log["runs"]
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {
        "uri": "infra/reg/exchanges/schemas/trade_v2.capnp",
        "uriBaseId": "%SRCROOT%",
    }
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == top.resolve().as_uri() + "/"

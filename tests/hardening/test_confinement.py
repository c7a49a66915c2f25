"""A registry cannot make ssmd read outside it, construct objects, or run anything.

`schema_file` values and `.capnp` imports stay inside exchanges/schemas/; a
registry file that is a symbolic link pointing out is refused and never
opened (an audit hook in the child process records every file it opens);
YAML tags build plain strings only.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_ssmd

from ssmd.check import check
from ssmd.document import load_document
from ssmd.workspace import Workspace
from ssmd.yamlsource import parse_yaml

from .fuzzing import SAMPLE


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    root = tmp_path / "registry"
    shutil.copytree(SAMPLE, root / "exchanges")
    return root


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the registry holding a file nobody may read through it."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.capnp").write_text(
        "@0xd8a4bd5c2f1e9a0f;\nstruct OutsideMarker { x @0 :Nope; }  # OUTSIDE-MARKER\n"
    )
    (folder / "secret.yaml").write_text("name: kalshi  # OUTSIDE-MARKER\n")
    return folder


def codes_for(root: Path, path: str) -> list[tuple[str, str]]:
    results = check(Workspace.load(root))
    return [(d.code, d.message) for d in results.get(path, [])]


@pytest.mark.parametrize(
    "schema_file",
    [
        "../feeds/kalshi.yaml",
        "/etc/hostname",
        "../../outside/secret.capnp",
        "a/../../x.capnp",
        "..\\..\\x.capnp",
        "C:/x.capnp",
    ],
)
def test_schema_file_may_not_leave_the_schemas_folder(registry: Path, schema_file: str) -> None:
    path = registry / "exchanges/schemas/trade.yaml"
    path.write_text(
        path.read_text().replace("schema_file: trade.capnp", f"schema_file: {schema_file!r}")
    )
    found = codes_for(registry, "exchanges/schemas/trade.yaml")
    assert "SSMD204" in {c for c, _ in found}, found
    assert not {"SSMD201", "SSMD202"} & {c for c, _ in found if schema_file in _}


_OPENS = """
import json, sys
from pathlib import Path
opened = []
sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == "open" else None)
from ssmd.check import check
from ssmd.workspace import Workspace
from ssmd.yamlsource import parse_yaml
results = check(Workspace.load(Path(sys.argv[1])))
found = [[d.file, d.code, d.message] for ds in results.values() for d in ds]
print(json.dumps({"opened": [p for p in opened if sys.argv[2] in p], "found": found}))
"""


def opened_and_found(root: Path, watched: Path) -> tuple[list[str], list[list[str]]]:
    completed = subprocess.run(
        [sys.executable, "-c", _OPENS, str(root), str(watched)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    report = json.loads(completed.stdout)
    return report["opened"], report["found"]


def test_symlinked_capnp_pointing_out_is_refused_and_never_opened(
    registry: Path, outside: Path
) -> None:
    link = registry / "exchanges/schemas/linked.capnp"
    link.symlink_to(outside / "secret.capnp")
    opened, found = opened_and_found(registry, outside)
    assert opened == [], f"ssmd opened {opened}"
    mine = [(c, m) for f, c, m in found if f == "exchanges/schemas/linked.capnp"]
    assert [c for c, _ in mine] == ["SSMD204"], mine
    assert "symbolic link" in mine[0][1]
    result = run_ssmd("validate", root=registry)
    assert "OUTSIDE-MARKER" not in result.stdout + result.stderr
    assert "OutsideMarker" not in result.stdout + result.stderr
    assert "linked.capnp:1:1: error SSMD204" in result.stdout


def test_symlinked_yaml_pointing_out_is_refused_and_never_opened(
    registry: Path, outside: Path
) -> None:
    (registry / "exchanges/feeds/linked.yaml").symlink_to(outside / "secret.yaml")
    opened, found = opened_and_found(registry, outside)
    assert opened == []
    assert [c for f, c, _ in found if f == "exchanges/feeds/linked.yaml"] == ["SSMD204"]


def test_symlink_inside_the_registry_is_followed(registry: Path) -> None:
    (registry / "exchanges/schemas/alias.capnp").symlink_to("trade.capnp")
    found = codes_for(registry, "exchanges/schemas/alias.capnp")
    assert found == []


def test_dangling_and_looping_links_do_not_crash(registry: Path) -> None:
    (registry / "exchanges/schemas/dangling.capnp").symlink_to("/nonexistent/x.capnp")
    (registry / "exchanges/feeds/loop.yaml").symlink_to("loop.yaml")
    results = check(Workspace.load(registry))
    assert "exchanges/schemas/trade.capnp" in results


@pytest.mark.parametrize(
    "target",
    [
        "../../outside/secret.capnp",
        "../../../../../../{outside}/secret.capnp",
        "./../schemas/../../outside/secret.capnp",
    ],
)
def test_capnp_import_may_not_leave_the_schemas_folder(
    registry: Path, outside: Path, target: str
) -> None:
    target = target.format(outside=outside)
    (registry / "exchanges/schemas/importer.capnp").write_text(
        f'@0xd8a4bd5c2f1e9a10;\nusing S = import "{target}";\n'
        "struct T { s @0 :S.OutsideMarker; }\n"
    )
    found = codes_for(registry, "exchanges/schemas/importer.capnp")
    codes = [c for c, _ in found]
    assert codes == ["SSMD204"], found  # not compiled: no SSMD203 from reading the outside file
    assert "reaches outside" in found[0][1]


def test_importing_a_file_that_escapes_is_not_compiled_either(
    registry: Path, outside: Path
) -> None:
    schemas = registry / "exchanges/schemas"
    (schemas / "middle.capnp").write_text(
        '@0xd8a4bd5c2f1e9a11;\nusing S = import "../../outside/secret.capnp";\n'
    )
    (schemas / "top.capnp").write_text(
        '@0xd8a4bd5c2f1e9a12;\nusing M = import "middle.capnp";\nstruct T { x @0 :UInt8; }\n'
    )
    workspace = Workspace.load(registry)
    assert workspace.escaping_files() == {
        "exchanges/schemas/middle.capnp",
        "exchanges/schemas/top.capnp",
    }
    assert workspace.compiled(["exchanges/schemas/top.capnp"]) == {}


PYTHON_TAGS = [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/new:subprocess.Popen [['touch', '{marker}']]",
    "!!python/name:os.system",
    "!!python/module:os",
    "!!python/object:argparse.Namespace {{x: 1}}",
]


@pytest.mark.parametrize("tag", PYTHON_TAGS)
def test_yaml_tags_never_construct_objects(registry: Path, tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "constructed"
    value = tag.format(marker=marker)
    for relative in ("feeds/kalshi.yaml", "schemas/trade.yaml", "environments/kalshi-dev.yaml"):
        path = registry / "exchanges" / relative
        text = path.read_text()
        path.write_text(text.replace("name:", f"extra: {value}\nname:", 1))
        assert_plain(parse_yaml(path.read_text()).data)
    for command in (
        ["validate"],
        ["feed", "show", "kalshi"],
        ["env", "show", "kalshi-dev"],
        ["schema", "show", "trade"],
    ):
        run_ssmd(*command, root=registry)
    assert not marker.exists(), "a YAML tag ran a command"


def assert_plain(value: object) -> None:
    """Only YAML's safe core types: no object of any other class was constructed."""
    assert type(value) in (str, int, float, bool, type(None), dt.date, dt.datetime, list, dict)
    children = (
        value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    )
    for child in children:
        assert_plain(child)


def test_loader_values_are_plain_data() -> None:
    text = (
        "name: x\na: !!python/object/apply:os.getcwd []\nb: !!binary aGVsbG8=\nc: !!set {q: null}\n"
    )
    assert_plain(parse_yaml(text).data)
    assert load_document("exchanges/feeds/x.yaml", text).problems  # reported, nothing run

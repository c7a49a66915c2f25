"""Without Debian's `capnp` tool, compile errors still get a file and line (from pycapnp).

The rule cases run with the tool installed (scripts/setup.d/10-apt.sh), which
adds exact columns; this checks the fallback a machine without it gets.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ssmd.check import check
from ssmd.workspace import Workspace
from tests.conftest import WriteFiles

BROKEN = "@0xd8a4bd5c2f1e9a01;\nstruct Trade {\n  price @0 :Float64;\n  size @1 :Uint32;\n}\n"


def test_pycapnp_alone_reports_the_line(
    write_files: WriteFiles, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_tools = tmp_path / "empty-path"
    no_tools.mkdir()
    monkeypatch.setenv("PATH", str(no_tools))
    root = write_files({"exchanges/schemas/trade.capnp": BROKEN})
    (diagnostic,) = check(Workspace.load(root))["exchanges/schemas/trade.capnp"]
    assert diagnostic.code == "SSMD203"
    assert diagnostic.span.one_based() == (4, 1)  # the whole line: pycapnp gives no column
    assert "Uint32" in diagnostic.message

"""Editing one .capnp re-judges it and the files importing it, and nothing else."""

from __future__ import annotations

from pathlib import Path

from ssmd.capnp.compiler import CapnpCompiler
from ssmd.workspace import Workspace

BASE = "exchanges/schemas/base.capnp"
USER = "exchanges/schemas/user.capnp"
OTHER = "exchanges/schemas/other.capnp"


def test_an_edit_invalidates_the_file_and_its_importers_only(tmp_path: Path) -> None:
    schemas = tmp_path / "exchanges/schemas"
    schemas.mkdir(parents=True)
    (schemas / "base.capnp").write_text("@0xd8a4bd5c2f1e9a21;\nstruct Base { a @0 :UInt32; }\n")
    (schemas / "user.capnp").write_text(
        '@0xd8a4bd5c2f1e9a22;\nusing B = import "base.capnp";\nstruct U { b @0 :B.Base; }\n'
    )
    (schemas / "other.capnp").write_text("@0xd8a4bd5c2f1e9a23;\nstruct O { c @0 :Text; }\n")
    compiler = CapnpCompiler(use_disk_cache=False)
    workspace = Workspace.load(tmp_path, compiler=compiler)
    assert all(r.ok for r in workspace.compiled([BASE, USER, OTHER]).values())

    workspace.set_text(BASE, "@0xd8a4bd5c2f1e9a21;\nstruct Base { a @0 :Nope; }\n")
    before = compiler.compiled_count
    results = workspace.compiled([BASE, USER, OTHER])
    assert not results[BASE].ok and not results[USER].ok and results[OTHER].ok
    assert compiler.compiled_count - before == 2  # base and its importer, not other

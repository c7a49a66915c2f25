"""The core must stay free of front-end dependencies (fast CLI start, clean layering)."""

import subprocess
import sys

FRONT_END_MODULES = ("typer", "pygls", "lsprotocol", "boto3")


def imported_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return set(output.split())


def test_importing_the_library_pulls_in_no_front_end() -> None:
    modules = imported_after(
        "import ssmd, ssmd.workspace, ssmd.check, ssmd.views, ssmd.report, ssmd.resolve"
    )
    leaked = {m for m in modules if m.split(".")[0] in FRONT_END_MODULES}
    assert leaked == set()


def test_cli_help_loads_neither_the_server_nor_boto3() -> None:
    run_help = "sys.argv = ['ssmd', '--help']\ntry:\n import ssmd.cli; ssmd.cli.main()\n"
    modules = imported_after(run_help + "except SystemExit: pass")
    leaked = {m for m in modules if m.split(".")[0] in ("pygls", "lsprotocol", "boto3")}
    assert leaked == set()
    assert "typer" in modules  # the probe really ran the CLI

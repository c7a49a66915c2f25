"""The `ssmd` executable: answer what needs no Typer before importing it.

`ssmd --version` is printed here; help and the read-only `feed show|list`, `env show|list`
and `schema list` are replayed from a recording of an earlier identical run when there is
one (`ssmd.output_cache`, which says what a recording is keyed by), else run by the real
CLI (`ssmd.cli.main`) and recorded.
This module imports neither Typer nor the library: that is the point of it.
"""

from __future__ import annotations

import sys


def main() -> None:
    argv = sys.argv[1:]
    if argv == ["--version"]:
        from ssmd import __version__

        sys.stdout.write(f"ssmd {__version__}\n")
        return
    from ssmd import output_cache

    plan = output_cache.plan(argv)
    if plan is not None:
        code = plan.replay(sys.stdout, sys.stderr)
        if code is not None:
            raise SystemExit(code)
    from ssmd.cli import main as run

    if plan is None:
        run()
    else:
        plan.record(run)


if __name__ == "__main__":
    main()

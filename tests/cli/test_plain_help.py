"""Help is plain Click text (ssmd.cli.helpformat): no rich on the help path, whole command
lines, examples that can be copied, no word broken at a hyphen, usage errors still clear."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import run_ssmd

PROBE = (
    "import runpy, sys\n"
    "sys.argv = ['ssmd', *sys.argv[1:]]\n"
    "try:\n    runpy.run_module('ssmd', run_name='__main__')\n"
    "except SystemExit:\n    pass\n"
    "heavy = ('rich', 'pydantic', 'markdown_it', 'pygments')\n"
    "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)), file=sys.stderr)\n"
    "library = ('ssmd.models', 'ssmd.workspace', 'ssmd.views', 'ssmd.yamlsource')\n"
    "print(sorted(set(sys.modules) & set(library)), file=sys.stderr)\n"
)


def imported_heavy(*args: str) -> str:
    """The heavy packages `ssmd ARGS` (the real entry point, no recorded output) imports."""
    return _probe(*args)[-2]


def imported_library(*args: str) -> str:
    """The ssmd library modules (models, YAML, views) `ssmd ARGS` imports."""
    return _probe(*args)[-1]


def _probe(*args: str) -> list[str]:
    env = {**os.environ, "SSMD_CACHE_DIR": "off", "COLUMNS": "80"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, check=False
    )
    assert "Usage: ssmd" in done.stdout, done.stdout + done.stderr
    return done.stderr.strip().splitlines()


def test_root_help_imports_neither_rich_nor_pydantic() -> None:
    assert imported_heavy("--help") == "[]"


def test_feed_help_loads_no_library() -> None:
    """ssmd.cli.feed imports the library only in its command bodies (option types come from
    ssmd.choices). pydantic still comes in with Typer 0.29's own parameter adapters."""
    for args in (["feed", "--help"], ["feed", "show", "--help"], ["feed", "list", "--help"]):
        assert imported_heavy(*args) in ("[]", "['pydantic']"), args
        assert imported_library(*args) == "[]", args


def test_sub_command_help_imports_no_rich() -> None:
    for args in (["feed", "show", "--help"], ["validate", "--help"], ["data", "gaps", "--help"]):
        assert "rich" not in imported_heavy(*args), args


def test_every_command_is_built_for_plain_help() -> None:
    from ssmd.cli import command
    from ssmd.cli.helpformat import PlainHelpContext
    from ssmd.cli.lazy import LAZY, load

    built = [command(), *(load(name) for name in LAZY)]
    while built:
        one = built.pop()
        assert getattr(one, "rich_markup_mode", None) is None, one.name
        assert one.context_class is PlainHelpContext, one.name
        built += getattr(one, "commands", {}).values()


def test_help_keeps_command_lines_examples_and_hyphens_whole() -> None:
    env = {"COLUMNS": "80"}
    top = run_ssmd("--help", env=env).stdout
    assert "..." not in top.split("Commands:")[1]
    assert "SchemaStore-style catalog" in top  # wrapped at the space, not at the hyphen
    validate = run_ssmd("validate", "--help", env=env).stdout
    assert "  Examples:\n    ssmd validate\n    ssmd validate infra/registry\n" in validate
    assert "    ssmd validate -f sarif > ssmd.sarif\n" in validate
    show = run_ssmd("env", "show", "--help", env=env).stdout
    assert "  Example: ssmd env show kalshi-prod --as-of 2025-12-01 --known-at 2025-11-15\n" in show
    commit = run_ssmd("commit", "--help", env=env).stdout
    assert "cherry-pick" in commit and "-\n" not in commit
    for text in (top, validate, show, commit):
        assert "\x1b[" not in text and "\u2500" not in text and "\u2011" not in text


def test_usage_errors_stay_clear_without_rich() -> None:
    missing = run_ssmd("feed", "show")
    assert missing.returncode == 2
    assert missing.stderr.splitlines() == [
        "Usage: ssmd feed show [OPTIONS] {name}",
        "Try 'ssmd feed show --help' for help.",
        "",
        "Error: Missing argument 'name'.",
    ]
    unknown = run_ssmd("feedx")
    assert unknown.returncode == 2 and "Error: No such command 'feedx'." in unknown.stderr

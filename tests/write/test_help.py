"""Every write command explains itself with an example."""

from __future__ import annotations

import pytest

from tests.conftest import run_ssmd

WRITE_COMMANDS = [
    ["feed", "create"],
    ["feed", "add-version"],
    ["schema", "register"],
    ["schema", "set-status"],
    ["env", "create"],
    ["env", "update"],
    ["diff"],
    ["commit"],
]


@pytest.mark.parametrize("command", WRITE_COMMANDS, ids=" ".join)
def test_help_has_an_example(command: list[str]) -> None:
    result = run_ssmd(*command, "--help", env={"COLUMNS": "200"})
    assert result.returncode == 0
    assert f"Example: ssmd {' '.join(command)}" in result.stdout

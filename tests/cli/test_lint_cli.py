"""`ssmd validate` with ssmd.yaml and suppressions: --show-config, --show-suppressed, SARIF."""

from __future__ import annotations

import json
from pathlib import Path

from ssmd.check import check_report
from ssmd.report import RENDERERS, Checked, Format, RenderOptions
from ssmd.workspace import Workspace
from tests.cli.test_validate_cli import CAPNP, FEED, SCHEMA, sarif_validator
from tests.conftest import WriteFiles, run_ssmd

SUPPRESSED_ENV = (
    "name: dev\nfeed: kalshi  # ssmd: ignore[SSMD307] paused, replaying\nschema: trade:v1\n"
)


def registry(write_files: WriteFiles, config: str | None = None, env: str = SUPPRESSED_ENV) -> Path:
    files = {
        "exchanges/feeds/kalshi.yaml": FEED.format(extra="status: inactive\n"),
        "exchanges/schemas/trade.capnp": CAPNP,
        "exchanges/schemas/trade.yaml": SCHEMA,
        "exchanges/environments/dev.yaml": env,
    }
    if config is not None:
        files["ssmd.yaml"] = config
    return write_files(files)


def test_a_suppressed_warning_no_longer_fails_strict_and_is_counted(
    write_files: WriteFiles,
) -> None:
    root = registry(write_files)
    result = run_ssmd("validate", "--strict", root=root)
    assert result.returncode == 0, result.stdout
    assert "1 finding suppressed" in result.stdout
    assert "SSMD307" not in result.stdout
    shown = run_ssmd("validate", "--show-suppressed", root=root)
    assert "SSMD307" in shown.stdout and "paused, replaying" in shown.stdout


def test_json_flags_suppressed_findings(write_files: WriteFiles) -> None:
    result = run_ssmd("validate", "--format", "json", root=registry(write_files))
    payload = json.loads(result.stdout)
    assert payload["summary"]["suppressed"] == 1
    assert payload["summary"]["warnings"] == 0
    (finding,) = payload["diagnostics"]
    assert finding["code"] == "SSMD307" and finding["suppressed"] is True
    assert finding["suppression_reason"] == "paused, replaying"


def test_sarif_marks_suppressed_results_and_info_as_note(write_files: WriteFiles) -> None:
    env = "name: dev\nfeed: kalshi  # ssmd: ignore[SSMD307] paused, replaying\nschema: trade\n"
    root = registry(write_files, "rules: {SSMD306: info}\n", env)
    result = run_ssmd("validate", "--format", "sarif", "--as-of", "2023-01-01", root=root)
    log = json.loads(result.stdout)
    assert list(sarif_validator().iter_errors(log)) == []
    results = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    assert results["SSMD307"]["suppressions"] == [
        {"kind": "inSource", "justification": "paused, replaying"}
    ]
    assert results["SSMD306"]["level"] == "note" and "suppressions" not in results["SSMD306"]
    assert result.returncode == 0, "info never fails validate"
    strict = run_ssmd("validate", "--strict", "--as-of", "2023-01-01", root=root)
    assert strict.returncode == 0, strict.stdout


def test_show_config_prints_effective_levels_and_fails_on_a_bad_config(
    write_files: WriteFiles,
) -> None:
    config = "rules:\n  SSMD305: off\n  SSMD307: info\nprotected_environments: ['*-prod']\n"
    root = registry(write_files, config)
    result = run_ssmd("validate", "--show-config", "--format", "json", root=root)
    assert result.returncode == 0, result.stdout
    data = json.loads(result.stdout)
    assert data["rules"]["SSMD305"] == "off" and data["rules"]["SSMD307"] == "info"
    assert data["rules"]["SSMD301"] == "error"
    assert data["protected_environments"] == ["*-prod"]
    assert data["protected_codes"] == ["SSMD301", "SSMD302", "SSMD303", "SSMD304"]
    (root / "ssmd.yaml").write_text("rulez: {}\n")
    bad = run_ssmd("validate", "--show-config", root=root)
    assert bad.returncode == 1
    assert "ssmd.yaml:1:1: SSMD010 unknown key 'rulez'" in bad.stdout
    validated = run_ssmd("validate", "--format", "json", root=root)
    codes = [(d["code"], d["file"]) for d in json.loads(validated.stdout)["diagnostics"]]
    assert ("SSMD010", "ssmd.yaml") in codes
    assert validated.returncode == 1


def test_every_renderer_takes_the_same_options(write_files: WriteFiles) -> None:
    """One signature (checked, RenderOptions) for every format: validate has no per-format
    branch; only text lists suppressed findings one by one, the others always carry them."""
    workspace = Workspace.load(registry(write_files))
    report = check_report(workspace)
    checked = [Checked(workspace, report.results, suppressed=report.suppressed)]
    for output_format, render in RENDERERS.items():
        plain, listed = render(checked, RenderOptions()), render(checked, RenderOptions(True))
        if output_format is Format.TEXT:
            assert "SSMD307" not in plain and "1 finding suppressed" in plain
            assert "SSMD307" in listed and "(suppressed: paused, replaying)" in listed
        else:
            assert plain == listed
    shown = run_ssmd("validate", "--show-suppressed", "--format", "json", root=workspace.root)
    assert json.loads(shown.stdout)["summary"]["suppressed"] == 1

"""`ssmd validate` through the real CLI: output, formats, exit codes, one finding per mistake."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import jsonschema
import pytest

from ssmd.rules import RULES
from tests.conftest import WriteFiles, run_ssmd

SARIF_SCHEMA = Path(__file__).resolve().parents[1] / "data" / "sarif-2.1.0-rtm.5.json"
SARIF_SCHEMA_SHA256 = "2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8"

CAPNP = "@0xd8a4bd5c2f1e9a01;\nstruct Trade { price @0 :Float64; }\n"
FEED = """\
name: kalshi
type: websocket
{extra}versions:
  - version: v1
    effective_from: 2024-01-01
    protocol: wss
    endpoint: wss://a.example.com/ws
"""
SCHEMA = f"""\
name: trade
schema_file: trade.capnp
versions:
  - version: v1
    effective_from: 2024-01-01
    status: active
    hash: sha256:{hashlib.sha256(CAPNP.encode()).hexdigest()}
"""
ENV = "name: dev\nfeed: kalshi\nschema: trade:v1\n"


def registry(write_files: WriteFiles, feed_extra: str = "") -> Path:
    return write_files(
        {
            "exchanges/feeds/kalshi.yaml": FEED.format(extra=feed_extra),
            "exchanges/schemas/trade.capnp": CAPNP,
            "exchanges/schemas/trade.yaml": SCHEMA,
            "exchanges/environments/dev.yaml": ENV,
        }
    )


ONE_ERROR_ONE_WARNING = "owner: market-data\nstatus: deprecated\n"
"""An unknown key (SSMD003, error) and a deprecated feed (SSMD307 on the environment, warning)."""


def test_text_output_of_a_clean_registry(write_files: WriteFiles) -> None:
    result = run_ssmd("validate", root=registry(write_files))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Validating feeds...\n"
        "  ✓ kalshi: valid\n"
        "Validating schemas...\n"
        "  ✓ trade: v1 hash matches\n"
        "Validating environments...\n"
        "  ✓ dev: references valid feed and schema\n"
        "\n"
        "All validations passed.\n"
    )
    assert result.stderr == ""


def test_text_output_lists_each_finding_as_path_line_col_code_message(
    write_files: WriteFiles,
) -> None:
    """Each finding at column 0, `path:line:col: severity CODE message`, path from the cwd."""
    result = run_ssmd("validate", cwd=registry(write_files, ONE_ERROR_ONE_WARNING))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "Validating feeds...",
        "  ✗ kalshi",
        "exchanges/feeds/kalshi.yaml:3:1: error SSMD003 unknown key 'owner'; allowed keys: "
        "calendar, display_name, name, status, type, versions",
    ]
    assert lines[3:8] == [
        "Validating schemas...",
        "  ✓ trade: v1 hash matches",
        "Validating environments...",
        "  ! dev",
        "exchanges/environments/dev.yaml:2:7: warning SSMD307 feed kalshi is deprecated",
    ]
    assert lines[8:] == ["", "1 error, 1 warning."]


def test_sample_registry_text_output_has_the_spec_shape() -> None:
    result = run_ssmd("validate", root=Path(__file__).resolve().parents[2])
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    headings = [line for line in lines if line.startswith("Validating ")]
    assert headings == [
        "Validating feeds...",
        "Validating schemas...",
        "Validating environments...",
    ]
    entries = [line for line in lines if line.startswith("  ")]
    assert entries and all(re.match(r"^  ✓ [a-z][a-z0-9_-]*: \S", e) for e in entries)
    assert "  ✓ kalshi: valid" in entries
    assert "  ✓ kalshi-dev: references valid feed and schema" in entries
    assert lines[-2:] == ["", "All validations passed."]


WARNING_ONLY = "status: deprecated\n"
EXIT_CODES = [
    pytest.param("text", "", False, 0, id="text-clean"),
    pytest.param("text", "", True, 0, id="text-clean-strict"),
    pytest.param("text", ONE_ERROR_ONE_WARNING, True, 1, id="text-error-strict"),
    *(
        pytest.param(output_format, extra, strict, code, id=f"{output_format}-{name}")
        for output_format in ("text", "json", "sarif", "github")
        for name, extra, strict, code in (
            ("warning", WARNING_ONLY, False, 0),
            ("warning-strict", WARNING_ONLY, True, 1),
            ("error", ONE_ERROR_ONE_WARNING, False, 1),
        )
    ),
]


@pytest.mark.parametrize(("output_format", "extra", "strict", "code"), EXIT_CODES)
def test_exit_codes(
    write_files: WriteFiles, output_format: str, extra: str, strict: bool, code: int
) -> None:
    """0: no errors; 1: errors, or warnings with --strict (whatever the format)."""
    root = registry(write_files, extra)
    args = ["validate", "--format", output_format, *(["--strict"] if strict else [])]
    result = run_ssmd(*args, root=root)
    assert result.returncode == code, result.stdout + result.stderr


def test_json_output(write_files: WriteFiles) -> None:
    result = run_ssmd(
        "validate", "--format", "json", root=registry(write_files, ONE_ERROR_ONE_WARNING)
    )
    payload = json.loads(result.stdout)
    assert payload["summary"] == {"errors": 1, "warnings": 1, "files": 4, "suppressed": 0}
    by_code = {d["code"]: d for d in payload["diagnostics"]}
    assert set(by_code) == {"SSMD003", "SSMD307"}
    unknown = by_code["SSMD003"]
    assert unknown["rule"] == "unknown-key"
    assert unknown["severity"] == "error"
    assert (unknown["file"], unknown["line"], unknown["column"]) == (
        "exchanges/feeds/kalshi.yaml",
        3,
        1,
    )
    assert (unknown["end_line"], unknown["end_column"]) == (3, 6)
    assert by_code["SSMD307"]["severity"] == "warning"


def test_json_output_carries_quick_fixes(write_files: WriteFiles) -> None:
    root = registry(write_files, "dispaly_name: Kalshi\n")
    payload = json.loads(run_ssmd("validate", "--format", "json", root=root).stdout)
    (diagnostic,) = payload["diagnostics"]
    assert diagnostic["fix"]["title"] == "Change to 'display_name'"
    (edit,) = diagnostic["fix"]["edits"]
    assert edit == {
        "file": "exchanges/feeds/kalshi.yaml",
        "line": 3,
        "column": 1,
        "end_line": 3,
        "end_column": 13,
        "new_text": "display_name",
    }


def test_github_output_is_workflow_commands(write_files: WriteFiles) -> None:
    root = registry(write_files, "'50%,off': 1\nstatus: deprecated\n")
    result = run_ssmd("validate", "--format", "github", root=root)
    assert result.returncode == 1
    lines = sorted(result.stdout.splitlines()[:-1])  # one line per finding, then the summary
    assert lines[0] == (
        "::error file=exchanges/feeds/kalshi.yaml,line=3,col=1,endLine=3,endColumn=10,"
        "title=SSMD003 unknown-key::unknown key '50%25,off'; allowed keys: calendar, "
        "display_name, name, status, type, versions"
    )
    assert lines[1] == (
        "::warning file=exchanges/environments/dev.yaml,line=2,col=7,endLine=2,endColumn=13,"
        "title=SSMD307 inactive-feed::feed kalshi is deprecated"
    )
    assert result.stdout.splitlines()[-1] == "ssmd: 1 error, 1 warning"


def sarif_validator() -> jsonschema.protocols.Validator:
    content = SARIF_SCHEMA.read_bytes()
    assert hashlib.sha256(content).hexdigest() == SARIF_SCHEMA_SHA256, "vendored schema changed"
    schema = json.loads(content)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)


@pytest.mark.parametrize("extra", ["", ONE_ERROR_ONE_WARNING])
def test_sarif_output_validates_against_the_official_schema(
    write_files: WriteFiles, extra: str
) -> None:
    result = run_ssmd("validate", "--format", "sarif", root=registry(write_files, extra))
    log = json.loads(result.stdout)
    errors = sorted(sarif_validator().iter_errors(log), key=lambda e: list(e.path))
    assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors]
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert len(rules) == len(RULES)
    for sarif_result in run["results"]:
        assert rules[sarif_result["ruleIndex"]]["id"] == sarif_result["ruleId"]
    located = {
        r["ruleId"]: (
            r["level"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"],
        )
        for r in run["results"]
    }
    if extra:
        assert located == {
            "SSMD003": ("error", "exchanges/feeds/kalshi.yaml", 3, 1),
            "SSMD307": ("warning", "exchanges/environments/dev.yaml", 2, 7),
        }
    else:
        assert located == {}


def test_sarif_of_a_non_compiling_schema_validates(sample_root: Path) -> None:
    (sample_root / "exchanges/schemas/orderbook.capnp").write_text("struct {\n")
    result = run_ssmd("validate", "--format", "sarif", root=sample_root)
    assert result.returncode == 1
    log = json.loads(result.stdout)
    assert list(sarif_validator().iter_errors(log)) == []
    assert "SSMD203" in {r["ruleId"] for r in log["runs"][0]["results"]}


# -- usage errors: exit 2 -----------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate", "--as-of", "2025-13-01"], "is not a date: write YYYY-MM-DD"),
        (["validate", "--as-of", "yesterday"], "is not a date: write YYYY-MM-DD"),
        (["validate", "--format", "xml"], "'xml' is not one of"),
        (["validate", "--bogus"], "No such option"),
        (["frobnicate"], "No such command"),
        (["feed", "show", "kalshi", "--as-of", "20250101"], "is not a date"),
    ],
)
def test_usage_errors_exit_2(sample_root: Path, args: list[str], message: str) -> None:
    result = run_ssmd(*args, root=sample_root)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_no_registry_root_is_a_usage_error(tmp_path: Path) -> None:
    empty = tmp_path / "nowhere"
    empty.mkdir()
    result = run_ssmd("validate", cwd=empty, env={"SSMD_ROOT": ""})
    assert result.returncode == 2
    assert "no exchanges/ folder" in result.stderr and "--root" in result.stderr
    result = run_ssmd("validate", root=empty)
    assert result.returncode == 2
    assert f"{empty} has no exchanges/ folder" in result.stderr
    result = run_ssmd("validate", cwd=empty, env={"SSMD_ROOT": str(tmp_path / "missing")})
    assert result.returncode == 2


# -- one mistake, one clear finding, no crash ---------------------------------------


def break_syntax(root: Path) -> None:
    path = root / "exchanges/feeds/kalshi.yaml"
    path.write_text(path.read_text().replace("display_name: Kalshi", 'display_name: "Kalshi'))


def break_duplicate_key(root: Path) -> None:
    path = root / "exchanges/feeds/polymarket.yaml"
    path.write_text(path.read_text() + "type: rest\n")


def break_type(root: Path) -> None:
    path = root / "exchanges/feeds/kalshi.yaml"
    text = path.read_text().replace("rate_limit_per_second: 5\n", "rate_limit_per_second: five\n")
    path.write_text(text)


def break_unknown_key(root: Path) -> None:
    path = root / "exchanges/environments/kalshi-prod.yaml"
    path.write_text(path.read_text().replace("transport:", "transprot:"))


def break_capnp(root: Path) -> None:
    capnp = root / "exchanges/schemas/orderbook.capnp"
    broken = capnp.read_text().replace("size @1 :UInt32;", "size @1 :UInt33;").encode()
    capnp.write_bytes(broken)
    metadata = root / "exchanges/schemas/orderbook.yaml"
    digest = "sha256:" + hashlib.sha256(broken).hexdigest()
    metadata.write_text(re.sub(r"sha256:[0-9a-f]{64}", digest, metadata.read_text()))


@pytest.mark.parametrize(
    ("breakage", "expected", "words"),
    [
        (break_syntax, "exchanges/feeds/kalshi.yaml:3:15: error SSMD001 ", "never closed"),
        (
            break_duplicate_key,
            "exchanges/feeds/polymarket.yaml:15:1: error SSMD002 ",
            "duplicate key 'type'",
        ),
        (break_type, "exchanges/feeds/kalshi.yaml:12:28: error SSMD005 ", "valid integer"),
        (
            break_unknown_key,
            "exchanges/environments/kalshi-prod.yaml:10:1: error SSMD003 ",
            "did you mean 'transport'?",
        ),
        (
            break_capnp,
            "exchanges/schemas/orderbook.capnp:6:12: error SSMD203 ",
            "Not defined: UInt33",
        ),
    ],
    ids=["syntax", "duplicate-key", "wrong-type", "unknown-key", "capnp"],
)
def test_one_mistake_gives_one_clear_finding(
    sample_root: Path, breakage: object, expected: str, words: str
) -> None:
    breakage(sample_root)  # type: ignore[operator]
    text = run_ssmd("validate", cwd=sample_root)
    assert text.returncode == 1
    assert "Traceback" not in text.stderr and text.stderr == ""
    finding = re.compile(r"^\S+:\d+:\d+: (error|warning) SSMD")
    findings = [line for line in text.stdout.splitlines() if finding.search(line)]
    assert len(findings) == 1, text.stdout
    assert findings[0].startswith(expected)
    assert words in findings[0]
    assert text.stdout.endswith("1 error, 0 warnings.\n")
    payload = json.loads(run_ssmd("validate", "--format", "json", root=sample_root).stdout)
    assert len(payload["diagnostics"]) == 1

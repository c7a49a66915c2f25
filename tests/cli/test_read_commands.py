"""`feed`, `schema` and `env` read commands through the real CLI, and root discovery."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import WriteFiles, run_ssmd

REPO = Path(__file__).resolve().parents[2]


# -- feed ---------------------------------------------------------------------------


def test_feed_show_at_two_dates(sample_root: Path) -> None:
    before = run_ssmd("feed", "show", "kalshi", "--as-of", "2024-12-31", root=sample_root)
    after = run_ssmd("feed", "show", "kalshi", "--as-of", "2025-01-01", root=sample_root)
    assert before.returncode == after.returncode == 0
    assert "As of 2024-12-31: v1 (effective 2024-06-01)" in before.stdout
    assert "endpoint: wss://trading-api.kalshi.com/trade-api/ws/v2" in before.stdout
    assert "rate_limit_per_second: 5" in before.stdout
    assert "supports_trades: true" in before.stdout
    assert "As of 2025-01-01: v2 (effective 2025-01-01)" in after.stdout
    assert "endpoint: wss://api.kalshi.com/trade-api/ws/v2" in after.stdout
    assert "  * v1    2024-06-01 .. 2024-12-31" in before.stdout
    assert "  * v2    2025-01-01 .. (open)" in after.stdout
    assert "Used by: kalshi-dev, kalshi-prod" in after.stdout


def test_feed_show_before_the_first_version(sample_root: Path) -> None:
    result = run_ssmd("feed", "show", "kalshi", "--as-of", "2024-05-31", root=sample_root)
    assert result.returncode == 0
    assert "As of 2024-05-31: no version in effect" in result.stdout


def test_feed_show_json(sample_root: Path) -> None:
    result = run_ssmd("feed", "show", "kalshi", "--as-of", "2024-12-31", "--json", root=sample_root)
    view = json.loads(result.stdout)
    assert view["as_of"] == "2024-12-31"
    assert view["in_effect"]["version"] == "v1"
    assert [p["version"] for p in view["timeline"]] == ["v1", "v2"]
    assert view["timeline"][0]["effective_until"] == "2024-12-31"


def test_feed_show_unknown_names_the_known_ones(sample_root: Path) -> None:
    result = run_ssmd("feed", "show", "kalshy", root=sample_root)
    assert result.returncode == 1
    assert "no feed named 'kalshy' (feeds: coinbase, kalshi, polymarket)" in result.stderr


@pytest.mark.parametrize(
    ("status", "names"),
    [
        (None, ["coinbase", "kalshi", "polymarket"]),
        ("active", ["kalshi", "polymarket"]),
        ("deprecated", ["coinbase"]),
        ("inactive", []),
    ],
)
def test_feed_list_by_status(sample_root: Path, status: str | None, names: list[str]) -> None:
    option = ["--status", status] if status else []
    listed = json.loads(run_ssmd("feed", "list", *option, "--json", root=sample_root).stdout)
    assert [feed["name"] for feed in listed] == names
    text = run_ssmd("feed", "list", *option, root=sample_root)
    assert text.returncode == 0
    rows = text.stdout.splitlines()
    assert rows[0].split() == ["NAME", "TYPE", "STATUS", "VERSIONS", "CURRENT", "ENDPOINT"]
    assert [row.split()[0] for row in rows[1:]] == names


# -- schema -------------------------------------------------------------------------


def test_schema_list(sample_root: Path) -> None:
    text = run_ssmd("schema", "list", root=sample_root)
    assert text.returncode == 0
    assert "trade      trade.capnp      v1 (active), v2 (draft)" in text.stdout
    listed = json.loads(run_ssmd("schema", "list", "--json", root=sample_root).stdout)
    assert [s["name"] for s in listed] == ["orderbook", "trade"]


def test_schema_show_prints_each_versions_own_capnp_text(sample_root: Path) -> None:
    v1 = run_ssmd("schema", "show", "trade:v1", root=sample_root)
    v2 = run_ssmd("schema", "show", "trade:v2", root=sample_root)
    assert v1.returncode == v2.returncode == 0
    assert "--- trade:v1 " in v1.stdout and "venue @6" not in v1.stdout
    assert "--- trade:v2 " in v2.stdout and "venue @6 :Text;" in v2.stdout


def test_schema_show_unpinned_skips_drafts_unless_asked(sample_root: Path) -> None:
    plain = run_ssmd("schema", "show", "trade", "--as-of", "2026-02-01", root=sample_root)
    assert "As of 2026-02-01: v1 (active)" in plain.stdout
    assert "  * v1    2025-01-01 .. (open)" in plain.stdout
    preview = run_ssmd(
        "schema", "show", "trade", "--as-of", "2026-02-01", "--include-drafts", root=sample_root
    )
    assert "As of 2026-02-01: v2 (draft)" in preview.stdout
    assert "--- trade:v2 " in preview.stdout


@pytest.mark.parametrize(
    ("reference", "code", "message"),
    [
        ("trade:v9", 1, "schema trade has no version v9"),
        ("quotes", 1, "no schema named 'quotes'"),
        ("Trade", 2, "is not a schema reference"),
    ],
)
def test_schema_show_refusals(sample_root: Path, reference: str, code: int, message: str) -> None:
    result = run_ssmd("schema", "show", reference, root=sample_root)
    assert result.returncode == code
    assert message in result.stderr


def test_schema_show_before_the_first_version(sample_root: Path) -> None:
    result = run_ssmd("schema", "show", "trade", "--as-of", "2024-12-31", root=sample_root)
    assert result.returncode == 1
    assert "schema trade has no version in effect on 2024-12-31" in result.stderr


def test_schema_hash_verifies_and_exits_1_on_a_mismatch(sample_root: Path) -> None:
    good = run_ssmd("schema", "hash", "trade", root=sample_root)
    assert good.returncode == 0
    assert good.stdout.count("matches") == 2
    capnp = sample_root / "exchanges/schemas/trade.capnp"
    capnp.write_text(capnp.read_text() + "# edited\n")
    bad = run_ssmd("schema", "hash", "trade", root=sample_root)
    assert bad.returncode == 1
    v1_row = next(line for line in bad.stdout.splitlines() if line.startswith("v1 "))
    assert v1_row.split()[-1] == "differs"
    assert "record the new hash" in bad.stderr
    missing = run_ssmd("schema", "hash", "nothing", root=sample_root)
    assert missing.returncode == 1


# -- env ----------------------------------------------------------------------------

SECRET = "planted-secret"


@pytest.mark.parametrize(
    "args",
    [
        ["env", "show", "kalshi-dev"],
        ["env", "show", "kalshi-dev", "--json"],
        ["env", "show", "kalshi-prod", "--as-of", "2025-06-01"],
        ["env", "list"],
        ["env", "list", "--json"],
        ["validate", "--format", "json"],
    ],
)
def test_secrets_are_never_printed(sample_root: Path, args: list[str]) -> None:
    result = run_ssmd(
        *args, root=sample_root, env={"KALSHI_API_KEY": SECRET, "KALSHI_API_SECRET": SECRET}
    )
    assert result.returncode == 0, result.stderr
    assert SECRET not in result.stdout + result.stderr


def test_env_show_says_which_keys_are_set(sample_root: Path) -> None:
    result = run_ssmd("env", "show", "kalshi-dev", root=sample_root, env={"KALSHI_API_KEY": SECRET})
    lines = result.stdout.splitlines()
    key_line = next(line for line in lines if "KALSHI_API_KEY" in line)
    secret_line = next(line for line in lines if "KALSHI_API_SECRET" in line)
    assert key_line.split()[1:] == ["set", "(required)"]
    assert secret_line.split()[1:] == ["NOT", "SET", "(required)"]
    assert SECRET not in result.stdout
    payload = json.loads(
        run_ssmd(
            "env", "show", "kalshi-dev", "--json", root=sample_root, env={"KALSHI_API_KEY": SECRET}
        ).stdout
    )
    assert {v["variable"]: v["is_set"] for v in payload["variables"]} == {
        "KALSHI_API_KEY": True,
        "KALSHI_API_SECRET": False,
    }


def test_env_show_resolves_feed_and_schema_as_of_the_date(sample_root: Path) -> None:
    early = run_ssmd("env", "show", "kalshi-prod", "--as-of", "2024-12-31", root=sample_root)
    late = run_ssmd("env", "show", "kalshi-prod", "--as-of", "2026-02-01", root=sample_root)
    assert "feed:   kalshi v1 (wss://trading-api.kalshi.com/trade-api/ws/v2)" in early.stdout
    assert "schema: trade -> (does not resolve)" in early.stdout
    assert "feed:   kalshi v2 (wss://api.kalshi.com/trade-api/ws/v2)" in late.stdout
    assert "schema: trade -> trade:v1, active" in late.stdout  # draft v2 does not resolve
    assert "Storage: s3 s3://ssmd-raw, s3://ssmd-normalized (prefix prod)" in late.stdout


def test_env_list(sample_root: Path) -> None:
    result = run_ssmd("env", "list", root=sample_root)
    assert result.returncode == 0
    assert [row.split()[0] for row in result.stdout.splitlines()] == [
        "NAME",
        "kalshi-dev",
        "kalshi-prod",
        "polymarket-dev",
    ]


def test_env_show_unknown(sample_root: Path) -> None:
    result = run_ssmd("env", "show", "nowhere", root=sample_root)
    assert result.returncode == 1
    assert "no environment named 'nowhere'" in result.stderr


# -- root discovery -----------------------------------------------------------------


def feed_file(name: str) -> str:
    return (
        f"name: {name}\ntype: rest\nversions:\n  - version: v1\n    effective_from: 2024-01-01\n"
        f"    protocol: https\n    endpoint: https://{name}.example.com/\n"
    )


@pytest.fixture
def two_registries(write_files: WriteFiles) -> tuple[Path, Path]:
    root = write_files(
        {
            "alpha/exchanges/feeds/alpha.yaml": feed_file("alpha"),
            "beta/exchanges/feeds/beta.yaml": feed_file("beta"),
            "beta/docs/notes/deeper/readme.txt": "not a registry\n",
        }
    )
    return root / "alpha", root / "beta"


def listed_feeds(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 0, result.stderr
    return [feed["name"] for feed in json.loads(result.stdout)]


def test_root_option_wins_over_ssmd_root_and_the_working_directory(
    two_registries: tuple[Path, Path],
) -> None:
    alpha, beta = two_registries
    result = run_ssmd("feed", "list", "--json", root=alpha, env={"SSMD_ROOT": str(beta)}, cwd=beta)
    assert listed_feeds(result) == ["alpha"]


def test_ssmd_root_wins_over_the_working_directory(two_registries: tuple[Path, Path]) -> None:
    alpha, beta = two_registries
    result = run_ssmd("feed", "list", "--json", env={"SSMD_ROOT": str(alpha)}, cwd=beta)
    assert listed_feeds(result) == ["alpha"]


@pytest.mark.parametrize("subfolder", [".", "exchanges", "exchanges/feeds", "docs/notes/deeper"])
def test_root_is_found_walking_up_from_a_subfolder(
    two_registries: tuple[Path, Path], subfolder: str
) -> None:
    _alpha, beta = two_registries
    result = run_ssmd("feed", "list", "--json", env={"SSMD_ROOT": ""}, cwd=beta / subfolder)
    assert listed_feeds(result) == ["beta"]

"""The documented library API (docs/library.md): its examples run, a third-party script works."""

from __future__ import annotations

import doctest
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import ssmd
from tests.conftest import run_ssmd
from tests.gitrepo import GitRepo

REPO = Path(__file__).resolve().parents[1]
LIBRARY_DOC = REPO / "docs" / "library.md"

# Written only from docs/library.md, as a connector's author would.
CONNECTOR = textwrap.dedent(
    """
    import sys
    import ssmd

    try:
        registry = ssmd.Registry.open(sys.argv[1])
    except ssmd.InvalidRegistry as error:
        for finding in error.diagnostics:
            line, column = finding.span.one_based()
            print(f"{finding.file}:{line}:{column}: {finding.code} {finding.message}",
                  file=sys.stderr)
        sys.exit(1)
    print(registry.feed("kalshi").as_of("2025-12-01").endpoint)
    print(registry.environment("kalshi-prod").resolve("2025-12-01").feed.endpoint)
    """
)


def run_script(tmp_path: Path, root: Path) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "connector.py"
    script.write_text(CONNECTOR)
    return subprocess.run(
        [sys.executable, str(script), str(root)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


def test_the_documented_examples_run(sample_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sample_root)
    monkeypatch.delenv("SSMD_ROOT", raising=False)
    result = doctest.testfile(str(LIBRARY_DOC), module_relative=False, verbose=False)
    assert result.attempted >= 15, "the examples in docs/library.md were not found"
    assert result.failed == 0


def test_a_third_party_script_gets_the_endpoint_and_refuses_a_broken_copy(
    sample_root: Path, tmp_path: Path
) -> None:
    good = run_script(tmp_path, sample_root)
    assert good.returncode == 0, good.stderr
    assert good.stdout.splitlines() == ["wss://api.kalshi.com/trade-api/ws/v2"] * 2

    environment = sample_root / "exchanges" / "environments" / "kalshi-prod.yaml"
    environment.write_text(environment.read_text().replace("feed: kalshi", "feed: kalshy"))
    broken = run_script(tmp_path, sample_root)
    assert broken.returncode == 1
    assert "exchanges/environments/kalshi-prod.yaml:2:7: SSMD301" in broken.stderr
    assert "kalshy" in broken.stderr


def test_invalid_registry_carries_every_error(sample_root: Path) -> None:
    feed = sample_root / "exchanges" / "feeds" / "kalshi.yaml"
    feed.write_text(
        feed.read_text().replace("effective_from: 2025-01-01", "effective_from: 2024-06-01")
    )
    with pytest.raises(ssmd.InvalidRegistry) as raised:
        ssmd.Registry.open(sample_root)
    codes = {d.code for d in raised.value.diagnostics}
    assert "SSMD102" in codes  # the duplicate effective_from does not resolve silently
    assert "SSMD102" in str(raised.value)
    assert all(d.severity is ssmd.Severity.ERROR for d in raised.value.diagnostics)


def test_unknown_is_told_apart_from_broken(sample_root: Path) -> None:
    feed = sample_root / "exchanges" / "feeds" / "kalshi.yaml"
    feed.write_text(feed.read_text().replace("type: websocket", "type: [websocket"))
    registry = ssmd.Registry.open(sample_root, strict=False)
    with pytest.raises(ssmd.BrokenFile) as broken:
        registry.feed("kalshi")
    assert broken.value.path == "exchanges/feeds/kalshi.yaml"
    assert broken.value.diagnostics and broken.value.diagnostics[0].code == "SSMD001"
    with pytest.raises(ssmd.UnknownFeed) as unknown:
        registry.feed("kraken")
    assert unknown.value.known == ("coinbase", "kalshi", "polymarket")
    assert isinstance(unknown.value, LookupError)
    with pytest.raises(ssmd.UnknownEnvironment):
        registry.environment("kalshi-staging")
    with pytest.raises(ssmd.UnknownSchema):
        registry.schema("quote")


def test_no_registry_is_an_invalid_registry(tmp_path: Path) -> None:
    with pytest.raises(ssmd.InvalidRegistry, match="no exchanges/ folder"):
        ssmd.Registry.open(tmp_path)


def test_known_at_reads_the_registry_as_git_had_it(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "registry")
    feed = (REPO / "exchanges" / "feeds" / "kalshi.yaml").read_text()
    files = {
        "exchanges/feeds/kalshi.yaml": feed.replace("api.kalshi.com", "old.kalshi.com"),
    }
    repo.commit("old endpoint", files, date="2025-11-01")
    repo.commit("new endpoint", {"exchanges/feeds/kalshi.yaml": feed}, date="2025-11-20")
    then = ssmd.Registry.open(repo.root, known_at="2025-11-15")
    now = ssmd.Registry.open(repo.root)
    assert then.commit is not None and now.commit is None
    assert (
        then.feed("kalshi").as_of("2025-12-01").endpoint == "wss://old.kalshi.com/trade-api/ws/v2"
    )
    assert now.feed("kalshi").as_of("2025-12-01").endpoint == "wss://api.kalshi.com/trade-api/ws/v2"
    with pytest.raises(ssmd.InvalidRegistry, match="no commit on or before 2024-01-01"):
        ssmd.Registry.open(repo.root, known_at="2024-01-01")


def test_resolve_without_require_gives_none_before_the_first_version(sample_root: Path) -> None:
    registry = ssmd.Registry.open(sample_root)
    config = registry.environment("kalshi-prod").resolve("2020-01-01", require=False)
    assert config.feed is None and config.schema is None
    assert config.to_json()["feed"] is None
    with pytest.raises(ssmd.NotInEffect):
        registry.feed("kalshi").as_of("2024-05-31")


def test_importing_ssmd_loads_only_the_version() -> None:
    code = "import sys, ssmd; print('\\n'.join(sys.modules))"
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert "ssmd" in output
    assert "ssmd.registry" not in output and "pydantic" not in output
    assert set(ssmd.__all__) >= {"Registry", "InvalidRegistry", "UnknownFeed", "NotInEffect"}
    assert all(hasattr(ssmd, name) for name in ssmd.__all__)
    assert (REPO / "ssmd" / "py.typed").is_file()


# -- ssmd env resolve -----------------------------------------------------------------


def test_env_resolve_json_is_the_library_shape(sample_root: Path) -> None:
    result = run_ssmd(
        "env",
        "resolve",
        "kalshi-prod",
        "--as-of",
        "2025-12-01",
        "--format",
        "json",
        root=sample_root,
    )
    assert result.returncode == 0, result.stderr
    import json

    data = json.loads(result.stdout)
    expected = ssmd.Registry.open(sample_root).environment("kalshi-prod").resolve("2025-12-01")
    as_json = expected.to_json()
    del as_json["schema"]["text"]
    assert data == as_json


def test_env_resolve_env_lines_load_in_a_shell_and_hold_no_secret(sample_root: Path) -> None:
    environment = sample_root / "exchanges" / "environments" / "kalshi-dev.yaml"
    environment.write_text(
        environment.read_text().replace(
            "url: nats://localhost:4222", 'url: "nats://localhost:4222/a b"'
        )
    )
    secret = {"KALSHI_API_KEY": "very-secret-value"}
    result = run_ssmd(
        "env",
        "resolve",
        "kalshi-dev",
        "--as-of",
        "2025-12-01",
        "--format",
        "env",
        root=sample_root,
        env=secret,
    )
    assert result.returncode == 0, result.stderr
    assert "very-secret-value" not in result.stdout
    env_file = sample_root / "kalshi.env"
    env_file.write_text(result.stdout)
    shell = subprocess.run(
        [
            "bash",
            "-c",
            f'set -a; . {env_file}; echo "$SSMD_FEED_ENDPOINT|$SSMD_TRANSPORT_URL|'
            '$SSMD_KEY_VARIABLES|$SSMD_STORAGE_PATH|$SSMD_SCHEMA_VERSION"',
        ],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": os.environ["PATH"]},
    )
    assert shell.stdout.strip() == (
        "wss://api.kalshi.com/trade-api/ws/v2|nats://localhost:4222/a b|"
        f"KALSHI_API_KEY,KALSHI_API_SECRET|{sample_root / 'sample-data'}|v1"
    )

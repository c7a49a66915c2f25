"""`ssmd plan`, SSMD401 and `ssmd log` on real git repositories holding the sample registry."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest

from ssmd.document import Kind
from ssmd.plan import Plan, plan
from ssmd.registry_log import registry_log
from tests.conftest import SAMPLE, run_ssmd
from tests.gitrepo import GitRepo, sha256

FEED = "exchanges/feeds/kalshi.yaml"
TRADE = "exchanges/schemas/trade.yaml"
TRADE_CAPNP = "exchanges/schemas/trade.capnp"
V2_ENDPOINT = "wss://api.kalshi.com/trade-api/ws/v2"
V3_VERSION = """  - version: v3
    effective_from: {date}
    protocol: wss
    endpoint: wss://api.kalshi.com/trade-api/ws/v3
    auth_method: api_key
    rate_limit_per_second: 20
"""


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """The sample registry committed on 2025-06-01, then a polymarket-only commit."""
    git = GitRepo(tmp_path / "registry")
    files = {
        f"exchanges/{p.relative_to(SAMPLE)}": p.read_bytes()
        for p in SAMPLE.rglob("*")
        if p.is_file()
    }
    git.commit("sample registry", files, date="2025-06-01")
    polymarket = (SAMPLE / "feeds" / "polymarket.yaml").read_text()
    git.commit(
        "polymarket: display name",
        {
            "exchanges/feeds/polymarket.yaml": polymarket.replace(
                "display_name: Polymarket\n", "display_name: Polymarket CLOB\n"
            )
        },
        date="2025-06-02",
    )
    return git


def text(root: Path, path: str) -> str:
    return (root / path).read_text()


def add_v3(root: Path, date: str) -> None:
    feed = text(root, FEED)
    feed = feed.replace("\ncalendar:", "\n" + V3_VERSION.format(date=date) + "calendar:")
    (root / FEED).write_text(feed)


def named(result: Plan, name: str) -> dict[str, object]:
    for env in result.to_json()["environments"]:
        if env["name"] == name:
            return env  # type: ignore[no-any-return]
    raise AssertionError(f"{name} not in the plan")


def test_unchanged_registry_says_so(repo: GitRepo) -> None:
    result = plan(repo.root)
    assert result.empty and result.unchanged == 3
    shown = run_ssmd("plan", root=repo.root)
    assert shown.returncode == 0, shown.stderr
    assert "No changes" in shown.stdout and "3 unchanged" in shown.stdout


def test_a_future_version_changes_both_kalshi_environments_from_its_date(repo: GitRepo) -> None:
    add_v3(repo.root, "2099-01-01")
    result = plan(repo.root)
    assert [e.name for e in result.environments] == ["kalshi-dev", "kalshi-prod"]
    assert result.unchanged == 1 and result.retroactive == []
    prod = named(result, "kalshi-prod")
    [interval] = prod["intervals"]  # type: ignore[misc]
    assert interval["from"] == "2099-01-01" and interval["until"] is None
    differences = {d["aspect"]: (d["before"], d["after"]) for d in interval["differences"]}
    assert differences["feed.endpoint"] == (V2_ENDPOINT, "wss://api.kalshi.com/trade-api/ws/v3")
    assert differences["feed.version"] == ("v2", "v3")
    assert differences["feed.rate_limit_per_second"] == ("10", "20")
    assert "feed kalshi: version v3 added, effective 2099-01-01" in result.entities[0].details
    shown = run_ssmd("plan", "--format", "text", root=repo.root)
    assert (
        "from 2099-01-01: runs feed version v3 (was v2); connects to "
        "wss://api.kalshi.com/trade-api/ws/v3 (was wss://api.kalshi.com/trade-api/ws/v2)"
    ) in shown.stdout
    assert "SSMD401" not in shown.stdout


def test_editing_a_version_in_effect_is_retroactive_and_refused(repo: GitRepo) -> None:
    (repo.root / FEED).write_text(
        text(repo.root, FEED).replace("rate_limit_per_second: 10", "rate_limit_per_second: 12")
    )
    result = plan(repo.root, on=dt.date(2026, 1, 10))
    retro = result.to_json()["retroactive"]
    assert retro == [
        {
            "environment": "kalshi-dev",
            "from": "2025-01-01",
            "until": "2026-01-09",
            "aspects": ["feed.rate_limit_per_second"],
        },
        {
            "environment": "kalshi-prod",
            "from": "2025-01-01",
            "until": "2026-01-09",
            "aspects": ["feed.rate_limit_per_second"],
        },
    ]
    shown = run_ssmd("plan", "--format", "text", root=repo.root)
    lines = shown.stdout.splitlines()
    warning = next(i for i, line in enumerate(lines) if "SSMD401" in line)
    assert warning < next(i for i, line in enumerate(lines) if line == "Environments:")
    assert any("kalshi-prod: replays of 2025-01-01 to" in line for line in lines)

    validated = run_ssmd("validate", "--base", "HEAD", "--format", "json", root=repo.root)
    assert validated.returncode == 1
    found = [d for d in json.loads(validated.stdout)["diagnostics"] if d["code"] == "SSMD401"]
    assert len(found) == 1 and "v2 edited (rate_limit_per_second)" in found[0]["message"]
    assert found[0]["file"] == FEED
    allowed = run_ssmd("validate", "--base", "HEAD", "--allow-retroactive", root=repo.root)
    assert allowed.returncode == 0, allowed.stdout
    plain = run_ssmd("validate", "--format", "json", root=repo.root)
    assert "SSMD401" not in plain.stdout  # no base, nothing to compare with

    refused = run_ssmd("commit", "-m", "raise the limit", root=repo.root)
    assert refused.returncode == 1 and "SSMD401" in refused.stderr
    assert "--allow-retroactive" in refused.stderr
    committed = run_ssmd("commit", "-m", "raise the limit", "--allow-retroactive", root=repo.root)
    assert committed.returncode == 0, committed.stderr
    assert repo.git("log", "-1", "--format=%s") == "raise the limit"


def test_moving_an_effective_from_into_the_past_is_retroactive(repo: GitRepo) -> None:
    add_v3(repo.root, "2099-01-01")
    repo.commit("kalshi v3 in 2099", date="2025-06-03")
    (repo.root / FEED).write_text(text(repo.root, FEED).replace("2099-01-01", "2025-07-01"))
    result = plan(repo.root, on=dt.date(2025, 9, 1))
    prod = named(result, "kalshi-prod")
    assert [(i["from"], i["until"], i["retroactive"]) for i in prod["intervals"]] == [  # type: ignore[attr-defined]
        ("2025-07-01", "2098-12-31", True)
    ]
    assert result.to_json()["retroactive"][1]["until"] == "2025-08-31"


def test_a_schema_file_change_under_an_active_version(repo: GitRepo) -> None:
    capnp = text(repo.root, TRADE_CAPNP).replace(
        "# One executed trade", "# One executed (filled) trade"
    )
    (repo.root / TRADE_CAPNP).write_text(capnp)
    trade = text(repo.root, TRADE)
    old_hash = sha256((SAMPLE / "schemas" / "trade.capnp").read_bytes())
    (repo.root / TRADE).write_text(trade.replace(old_hash, sha256(capnp)))
    result = plan(repo.root)
    # kalshi-dev pins trade:v1 (in effect whatever the date); kalshi-prod resolves it by date
    for name, start in (("kalshi-dev", None), ("kalshi-prod", "2025-01-01")):
        [interval] = named(result, name)["intervals"]  # type: ignore[misc]
        assert interval["from"] == start and interval["retroactive"]
        assert [d["aspect"] for d in interval["differences"]] == ["schema.hash"]
    kinds = {(e.kind, e.name) for e in result.entities}
    assert kinds == {("schema", "trade"), ("schema file", "trade.capnp")}
    markdown = run_ssmd("plan", "--format", "markdown", root=repo.root).stdout
    assert "| Environment | Change | From | What changes |" in markdown
    assert "| `kalshi-prod` | changed | from 2025-01-01 ⚠ | schema.hash |" in markdown
    assert "<details><summary><code>kalshi-prod</code></summary>" in markdown
    assert "SSMD401: this change rewrites history" in markdown


def test_a_renamed_feed_shows_as_the_environments_changing_feed(repo: GitRepo) -> None:
    repo.git("mv", FEED, "exchanges/feeds/kalshi-exchange.yaml")
    renamed = repo.root / "exchanges/feeds/kalshi-exchange.yaml"
    renamed.write_text(renamed.read_text().replace("name: kalshi\n", "name: kalshi-exchange\n"))
    for env in ("kalshi-dev", "kalshi-prod"):
        path = repo.root / f"exchanges/environments/{env}.yaml"
        path.write_text(path.read_text().replace("feed: kalshi\n", "feed: kalshi-exchange\n"))
    result = plan(repo.root)
    [interval] = named(result, "kalshi-prod")["intervals"]  # type: ignore[misc]
    assert interval["from"] is None  # the whole timeline: "always"
    assert {d["aspect"]: (d["before"], d["after"]) for d in interval["differences"]} == {
        "feed": ("kalshi", "kalshi-exchange")
    }
    changes = {(e.kind, e.name, e.change.value) for e in result.entities}
    assert ("feed", "kalshi", "removed") in changes and (
        "feed",
        "kalshi-exchange",
        "added",
    ) in changes
    repo.commit("rename the kalshi feed", date="2025-06-05")
    log = registry_log(repo.root, Kind.FEED, "kalshi-exchange")
    subjects = [e.subject for e in log.entries]
    assert subjects == ["rename the kalshi feed", "sample registry"]  # followed across the rename
    assert any(
        "renamed to exchanges/feeds/kalshi-exchange.yaml" in c for c in log.entries[0].changes
    )


def test_added_and_removed_environments_are_listed(repo: GitRepo) -> None:
    (repo.root / "exchanges/environments/polymarket-dev.yaml").unlink()
    dev = text(repo.root, "exchanges/environments/kalshi-dev.yaml")
    (repo.root / "exchanges/environments/kalshi-qa.yaml").write_text(
        dev.replace("kalshi-dev", "kalshi-qa")
    )
    result = plan(repo.root)
    assert [(e.name, e.change.value) for e in result.environments] == [
        ("kalshi-qa", "added"),
        ("polymarket-dev", "removed"),
    ]
    assert result.unchanged == 2
    assert result.retroactive == []  # a new environment has no past to replay differently


def test_a_base_that_is_not_an_ancestor_is_compared_with_a_note(repo: GitRepo) -> None:
    repo.git("checkout", "-q", "-b", "other", "HEAD~1")
    add_v3(repo.root, "2099-01-01")
    other = repo.commit("kalshi v3 on another branch", date="2025-06-04")
    repo.git("checkout", "-q", "main")
    result = plan(repo.root, base=other)
    assert result.notes and "is not an ancestor" in result.notes[0]
    assert named(result, "kalshi-prod")["intervals"][0]["differences"][0]["before"] == "v3"  # type: ignore[index]
    shown = run_ssmd(
        "plan", "--base", "other", "--head", "HEAD", "--format", "json", root=repo.root
    )
    assert shown.returncode == 0, shown.stderr
    assert "is not an ancestor" in json.loads(shown.stdout)["notes"][0]


def test_a_shallow_clone_says_history_is_missing(repo: GitRepo, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)], check=True
    )
    shown = run_ssmd("plan", "--base", "HEAD~1", root=clone)
    assert shown.returncode == 2
    assert "the clone is shallow" in shown.stderr and "git fetch --unshallow" in shown.stderr
    validated = run_ssmd("validate", "--base", "HEAD~1", root=clone)
    assert validated.returncode == 2 and "the clone is shallow" in validated.stderr
    log = run_ssmd("log", root=clone)
    assert log.returncode == 0 and "shallow" in log.stdout


def test_the_default_base_is_the_merge_base_with_upstream(repo: GitRepo, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo.root), str(clone)], check=True)
    work = GitRepo.__new__(GitRepo)
    work.root = clone
    work.git("checkout", "-q", "-b", "feature", "--track", "origin/main")
    add_v3(clone, "2099-01-01")
    work.commit("kalshi v3", date="2025-06-06")
    result = plan(clone)
    assert result.base_label == "merge base with origin/main"
    assert [e.name for e in result.environments] == ["kalshi-dev", "kalshi-prod"]


def test_env_log_includes_commits_that_only_touched_its_feed_or_schema(repo: GitRepo) -> None:
    add_v3(repo.root, "2099-01-01")
    repo.commit("kalshi v3", date="2025-06-03")
    prod = run_ssmd("log", "env", "kalshi-prod", "--format", "json", root=repo.root)
    assert prod.returncode == 0, prod.stderr
    entries = json.loads(prod.stdout)["entries"]
    assert [e["subject"] for e in entries] == ["kalshi v3", "sample registry"]
    assert entries[0]["changes"] == ["feed kalshi: version v3 added, effective 2099-01-01"]
    polymarket = registry_log(repo.root, Kind.ENVIRONMENT, "polymarket-dev")
    assert [e.subject for e in polymarket.entries] == [
        "polymarket: display name",
        "sample registry",
    ]
    since = registry_log(repo.root, since=dt.date(2025, 6, 2))
    assert [e.subject for e in since.entries] == ["kalshi v3", "polymarket: display name"]
    v2 = "exchanges/schemas/trade.v2.capnp"
    repo.commit(
        "trade v2: a comment", {v2: text(repo.root, v2) + "# reviewed\n"}, date="2025-06-04"
    )
    trade = registry_log(repo.root, Kind.SCHEMA, "trade")
    assert trade.entries[0].changes == ("schema file trade.v2.capnp: changed",)
    prod_again = registry_log(repo.root, Kind.ENVIRONMENT, "kalshi-prod")
    assert prod_again.entries[0].subject == "trade v2: a comment"  # only its schema's file
    dev = registry_log(repo.root, Kind.ENVIRONMENT, "polymarket-dev")
    assert "trade v2: a comment" not in [e.subject for e in dev.entries]
    text_log = run_ssmd("log", "feed", "kalshi", root=repo.root).stdout
    assert "Test: kalshi v3" in text_log and "polymarket" not in text_log


def test_which_version_changes_rewrite_history() -> None:
    from ssmd.document import load_document
    from ssmd.models import Schema
    from ssmd.rules.retroactive import removed_in_effect, rewrites

    def schema(versions: str) -> Schema:
        text = f"name: trade\nformat: capnp\nschema_file: trade.capnp\nversions:\n{versions}"
        model = load_document("exchanges/schemas/trade.yaml", text).model
        assert isinstance(model, Schema)
        return model

    def version(v: str, date: str, status: str, extra: str = "") -> str:
        return (
            f"  - version: {v}\n    effective_from: {date}\n    status: {status}\n"
            f"    hash: sha256:{'1' * 64}\n{extra}"
        )

    on = dt.date(2026, 1, 1)
    v1 = version("v1", "2025-01-01", "active")
    before = schema(v1)
    # a past draft is added: it never resolves, nothing replays differently
    assert list(rewrites(before, schema(v1 + version("v2", "2025-06-01", "draft")), on)) == []
    # a past version added active, a future one, a documentation-only edit
    active = schema(v1 + version("v2", "2025-06-01", "active"))
    assert [m for _, m in rewrites(before, active, on)] == [
        "v2 added effective 2025-06-01, before today (2026-01-01)"
    ]
    assert list(rewrites(before, schema(v1 + version("v2", "2026-06-01", "active")), on)) == []
    documented = schema(version("v1", "2025-01-01", "active", "    breaking_changes: none\n"))
    assert list(rewrites(before, documented, on)) == []
    # deprecating keeps it resolvable; promoting a past draft changes what resolves
    assert list(rewrites(before, schema(version("v1", "2025-01-01", "deprecated")), on)) == []
    draft = schema(v1 + version("v2", "2025-06-01", "draft"))
    assert [i for i, _ in rewrites(draft, active, on)] == [1]
    assert removed_in_effect(active, before, on) == ["v2"]
    assert removed_in_effect(draft, before, on) == []

"""`--known-at`: the registry as git had it, combined with `--as-of`, on a real repository.

The feed gains v2 and v3 over three commits, then loses v3 (rolled back)
and changes v2's endpoint; the schema gains v2 in the third commit.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_ssmd
from tests.gitrepo import GitRepo, sha256

FEED = "exchanges/feeds/kalshi.yaml"
SCHEMA = "exchanges/schemas/trade.yaml"
ENV = "exchanges/environments/kalshi-prod.yaml"
TRADE_V1 = "@0xd8a4bd5c2f1e9a01;\nstruct Trade {\n  price @0 :Float64;\n}\n"
TRADE_V2 = TRADE_V1.replace("}\n", "  size @1 :UInt32;\n}\n")


def feed(*versions: tuple[str, str, str]) -> str:
    lines = ["name: kalshi", "type: websocket", "versions:"]
    for version, date, host in versions:
        lines += [
            f"  - version: {version}",
            f"    effective_from: {date}",
            "    protocol: wss",
            f"    endpoint: wss://{host}/ws",
        ]
    return "\n".join(lines) + "\n"


def schema(*versions: tuple[str, str, str]) -> str:
    lines = ["name: trade", "format: capnp", "schema_file: trade.capnp", "versions:"]
    for version, date, text in versions:
        lines += [
            f"  - version: {version}",
            f"    effective_from: {date}",
            "    status: active",
            f"    hash: {sha256(text)}",
        ]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[GitRepo, list[str]]:
    repo = GitRepo(tmp_path_factory.mktemp("known-at"))
    commits = [
        repo.commit(
            "kalshi v1, trade v1",
            {
                FEED: feed(("v1", "2024-06-01", "v1.kalshi.test")),
                "exchanges/schemas/trade.capnp": TRADE_V1,
                SCHEMA: schema(("v1", "2025-01-01", TRADE_V1)),
                ENV: "name: kalshi-prod\nfeed: kalshi\nschema: trade\n",
            },
            date="2025-01-10",
        ),
        repo.commit(
            "kalshi v2",
            {
                FEED: feed(
                    ("v1", "2024-06-01", "v1.kalshi.test"), ("v2", "2025-04-01", "v2.kalshi.test")
                )
            },
            date="2025-03-10",
        ),
        repo.commit(
            "kalshi v3, trade v2",
            {
                FEED: feed(
                    ("v1", "2024-06-01", "v1.kalshi.test"),
                    ("v2", "2025-04-01", "v2.kalshi.test"),
                    ("v3", "2025-06-01", "v3.kalshi.test"),
                ),
                "exchanges/schemas/trade.capnp": TRADE_V2,
                SCHEMA: schema(("v1", "2025-01-01", TRADE_V1), ("v2", "2025-06-01", TRADE_V2)),
            },
            date="2025-05-10",
        ),
        repo.commit(
            "roll back kalshi v3; v2 moves host",
            {
                FEED: feed(
                    ("v1", "2024-06-01", "v1.kalshi.test"),
                    ("v2", "2025-04-01", "v2b.kalshi.test"),
                )
            },
            date="2025-07-10",
        ),
    ]
    # Uncommitted work: a v4 only the work tree knows.
    repo.write(
        {
            FEED: feed(
                ("v1", "2024-06-01", "v1.kalshi.test"),
                ("v2", "2025-04-01", "v2b.kalshi.test"),
                ("v4", "2025-09-01", "v4.kalshi.test"),
            )
        }
    )
    return repo, commits


def feed_json(root: Path, *args: str) -> Any:
    completed = run_ssmd("feed", "show", "kalshi", "--json", *args, root=root)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


@pytest.mark.parametrize(
    ("known_at", "as_of", "in_effect", "endpoint", "versions"),
    [
        # Known on the day of the second commit: v2 exists, v3 not yet.
        ("2025-03-10", "2024-01-01", None, None, ["v1", "v2"]),  # as-of before every version
        ("2025-03-10", "2025-03-31", "v1", "wss://v1.kalshi.test/ws", ["v1", "v2"]),
        ("2025-03-10", "2025-07-01", "v2", "wss://v2.kalshi.test/ws", ["v1", "v2"]),
        # Between the third and fourth commits: v3 is known and in effect after June 1.
        ("2025-06-15", "2025-07-01", "v3", "wss://v3.kalshi.test/ws", ["v1", "v2", "v3"]),
        ("2025-06-15", "2025-05-01", "v2", "wss://v2.kalshi.test/ws", ["v1", "v2", "v3"]),
        # After the rollback: v3 is gone again, v2 has its new host.
        ("2025-08-01", "2025-07-01", "v2", "wss://v2b.kalshi.test/ws", ["v1", "v2"]),
        # A day's last commit counts through 23:59:59 UTC; the day before does not see it.
        ("2025-05-09", "2025-07-01", "v2", "wss://v2.kalshi.test/ws", ["v1", "v2"]),
        ("2025-05-10", "2025-07-01", "v3", "wss://v3.kalshi.test/ws", ["v1", "v2", "v3"]),
    ],
)
def test_feed_show_known_at_and_as_of(
    repo: tuple[GitRepo, list[str]],
    known_at: str,
    as_of: str,
    in_effect: str | None,
    endpoint: str | None,
    versions: list[str],
) -> None:
    view = feed_json(repo[0].root, "--known-at", known_at, "--as-of", as_of)
    assert [v["version"] for v in view["feed"]["versions"]] == versions
    if in_effect is None:
        assert view["in_effect"] is None
    else:
        assert view["in_effect"]["version"] == in_effect
        assert view["in_effect"]["endpoint"] == endpoint


def test_known_at_accepts_a_commit_and_says_which_commit_it_read(
    repo: tuple[GitRepo, list[str]],
) -> None:
    root, commits = repo[0].root, repo[1]
    completed = run_ssmd("feed", "show", "kalshi", "--json", "--known-at", commits[0], root=root)
    assert [v["version"] for v in json.loads(completed.stdout)["feed"]["versions"]] == ["v1"]
    assert f"committed in {commits[0][:7]} (2025-01-10)" in completed.stderr
    head = feed_json(root, "--known-at", "HEAD")
    assert [v["version"] for v in head["feed"]["versions"]] == ["v1", "v2"]
    assert [v["version"] for v in feed_json(root)["feed"]["versions"]] == ["v1", "v2", "v4"]


def test_env_show_resolves_the_schema_as_known_then(repo: tuple[GitRepo, list[str]]) -> None:
    root = repo[0].root
    for known_at, schema_version, feed_version in [
        ("2025-03-10", "trade:v1", "v2"),
        ("2025-05-10", "trade:v2", "v3"),
        ("2025-08-01", "trade:v2", "v2"),
    ]:
        completed = run_ssmd(
            "env", "show", "kalshi-prod", "--json", "--as-of", "2025-07-01",
            "--known-at", known_at, root=root,
        )  # fmt: skip
        assert completed.returncode == 0, completed.stderr
        view = json.loads(completed.stdout)
        assert (view["schema_resolved"], view["feed_version"]["version"]) == (
            schema_version,
            feed_version,
        )


def test_schema_show_known_at_prints_the_text_of_that_commit(
    repo: tuple[GitRepo, list[str]],
) -> None:
    root, commits = repo[0].root, repo[1]
    completed = run_ssmd("schema", "show", "trade", "--known-at", "2025-03-10", root=root)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.endswith(TRADE_V1)
    assert f"--- trade:v1 (git {commits[1][:7]}) ---" in completed.stdout
    later = run_ssmd("schema", "show", "trade:v1", "--known-at", "2025-08-01", root=root)
    assert later.stdout.endswith(TRADE_V1)  # v1's text found in the history before that commit
    assert f"(git {commits[0][:7]} (2025-01-10))" in later.stdout


def test_validate_known_at_checks_the_committed_registry(
    repo: tuple[GitRepo, list[str]],
) -> None:
    root = repo[0].root
    completed = run_ssmd("validate", "--known-at", "2025-08-01", root=root)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_known_at_refuses_what_it_cannot_read(
    repo: tuple[GitRepo, list[str]], tmp_path: Path
) -> None:
    root = repo[0].root
    before = run_ssmd("feed", "show", "kalshi", "--known-at", "2025-01-01", root=root)
    assert before.returncode == 2
    assert "no commit on or before 2025-01-01" in before.stderr
    nonsense = run_ssmd("feed", "show", "kalshi", "--known-at", "no-such-branch", root=root)
    assert nonsense.returncode == 2
    assert "neither a date" in nonsense.stderr
    (tmp_path / "plain" / "exchanges").mkdir(parents=True)
    outside = run_ssmd("validate", "--known-at", "2025-01-01", root=tmp_path / "plain")
    assert outside.returncode == 2
    assert "not in a git repository" in outside.stderr
    assert "Traceback" not in before.stderr + nonsense.stderr + outside.stderr


def test_list_commands_take_known_at_too(repo: tuple[GitRepo, list[str]]) -> None:
    root = repo[0].root
    feeds = run_ssmd("feed", "list", "--json", "--known-at", "2025-03-10", root=root)
    assert [v["version"] for v in json.loads(feeds.stdout)[0]["versions"]] == ["v1", "v2"]
    schemas = run_ssmd("schema", "list", "--json", "--known-at", "2025-03-10", root=root)
    assert [v["version"] for v in json.loads(schemas.stdout)[0]["versions"]] == ["v1"]
    environments = run_ssmd("env", "list", "--known-at", "2025-01-10", root=root)
    assert environments.returncode == 0 and "kalshi-prod" in environments.stdout

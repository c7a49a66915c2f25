"""Schema history from real git repositories: exact old texts, SSMD206, SSMD209."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ssmd.check import check
from ssmd.git import file_revisions, read_blobs
from ssmd.history import RepositoryHistory
from ssmd.workspace import Workspace
from tests.conftest import run_ssmd
from tests.gitrepo import GitRepo, sha256

CAPNP = "exchanges/schemas/trade.capnp"
YAML = "exchanges/schemas/trade.yaml"

# v1 deliberately ends without a newline and has a CRLF line: "exact bytes" must mean exact.
V1 = b"@0xd8a4bd5c2f1e9a01;\r\nstruct Trade {\n  price @0 :Float64;\n}"
V2 = b"@0xd8a4bd5c2f1e9a01;\nstruct Trade {\n  price @0 :Float64;\n  size @1 :UInt32;\n}\n"
V3 = V2.replace(b"}\n", b"  venue @2 :Text;\n}\n")


def schema_yaml(*versions: tuple[str, str, str, bytes]) -> str:
    lines = ["name: trade", "format: capnp", "schema_file: trade.capnp", "versions:"]
    for version, date, status, content in versions:
        lines += [
            f"  - version: {version}",
            f"    effective_from: {date}",
            f"    status: {status}",
            f"    hash: {sha256(content)}",
        ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """trade.capnp committed three times (v1, v2, v3); the YAML lists all three."""
    repo = GitRepo(tmp_path)
    repo.commit("v1", {CAPNP: V1, YAML: schema_yaml(("v1", "2025-01-01", "active", V1))})
    repo.commit(
        "v2",
        {
            CAPNP: V2,
            YAML: schema_yaml(
                ("v1", "2025-01-01", "active", V1), ("v2", "2025-03-01", "active", V2)
            ),
        },
        date="2025-02-01",
    )
    repo.commit(
        "v3",
        {
            CAPNP: V3,
            YAML: schema_yaml(
                ("v1", "2025-01-01", "deprecated", V1),
                ("v2", "2025-03-01", "active", V2),
                ("v3", "2025-06-01", "draft", V3),
            ),
        },
        date="2025-05-01",
    )
    return repo


def codes(root: Path) -> list[tuple[str, str, int]]:
    results = check(Workspace.load(root))
    return sorted((d.code, d.message, d.span.start.line) for ds in results.values() for d in ds)


def test_git_helpers_list_revisions_and_read_blobs_in_bulk(repo: GitRepo) -> None:
    revisions = file_revisions(repo.root, CAPNP)
    assert len(revisions) == 3
    blobs = read_blobs(repo.root, [blob for _, blob in revisions] + ["0" * 40])
    assert sorted(blobs.values()) == sorted([V1, V2, V3])  # the missing id is left out


def test_history_follows_a_renamed_file(repo: GitRepo) -> None:
    repo.git("mv", CAPNP, "exchanges/schemas/trades.capnp")
    repo.commit("rename", date="2025-05-02")
    index = RepositoryHistory(repo.root, use_disk_cache=False).revisions_by_hash(
        "exchanges/schemas/trades.capnp"
    )
    assert {sha256(V1), sha256(V2), sha256(V3)} <= set(index)


def test_schema_show_prints_the_exact_bytes_of_an_older_version(repo: GitRepo) -> None:
    first = repo.git("rev-list", "--max-parents=0", "HEAD")
    shown = run_ssmd("schema", "show", "trade:v1", root=repo.root)
    assert shown.returncode == 0, shown.stderr
    _, _, body = shown.stdout.partition("--- trade:v1 (")
    source, _, text = body.partition(") ---\n")
    assert source == f"git {first[:7]} (2025-01-01)"
    assert text.replace("\r\n", "\n") == V1.decode().replace("\r\n", "\n") + "\n"
    as_json = json.loads(run_ssmd("schema", "show", "trade:v1", "--json", root=repo.root).stdout)
    assert as_json["text_commit"] == first
    assert as_json["text"].encode() == V1


def test_schema_show_bytes_are_exact_on_the_byte_stream(repo: GitRepo) -> None:
    import subprocess
    import sys

    completed = subprocess.run(
        [sys.executable, "-m", "ssmd", "--root", str(repo.root), "schema", "show", "trade:v2"],
        capture_output=True,
        check=True,
    )
    assert completed.stdout.endswith(V2)  # CRLF-free v2 from history, byte for byte
    completed = subprocess.run(
        [sys.executable, "-m", "ssmd", "--root", str(repo.root), "schema", "show", "trade:v1"],
        capture_output=True,
        check=True,
    )
    assert completed.stdout.endswith(V1 + b"\n")


def test_ssmd206_is_quiet_when_every_older_version_is_in_history(repo: GitRepo) -> None:
    assert [c for c in codes(repo.root) if c[0] == "SSMD206"] == []


def test_ssmd206_fires_when_an_older_text_was_never_committed(repo: GitRepo) -> None:
    never = V2.replace(b"size", b"quantity")
    repo.write(
        {
            YAML: schema_yaml(
                ("v1", "2025-01-01", "deprecated", V1),
                ("v2", "2025-03-01", "active", never),
                ("v3", "2025-06-01", "draft", V3),
            )
        }
    )
    found = [c for c in codes(repo.root) if c[0] == "SSMD206"]
    assert len(found) == 1
    assert "v2's hash matches neither" in found[0][1]
    assert found[0][2] == 11  # the v2 hash line (0-based)


def test_ssmd206_outside_git_says_so_once(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    (root / "exchanges/schemas").mkdir(parents=True)
    (root / CAPNP).write_bytes(V3)
    (root / YAML).write_text(
        schema_yaml(
            ("v1", "2025-01-01", "deprecated", V1),
            ("v2", "2025-03-01", "active", V2),
            ("v3", "2025-06-01", "draft", V3),
        )
    )
    found = [c for c in codes(root) if c[0] == "SSMD206"]
    assert len(found) == 1
    assert "not in a git repository" in found[0][1]


def test_ssmd209_fires_when_a_committed_active_version_becomes_draft(repo: GitRepo) -> None:
    repo.write(
        {
            YAML: schema_yaml(
                ("v1", "2025-01-01", "deprecated", V1),
                ("v2", "2025-03-01", "draft", V2),
                ("v3", "2025-06-01", "draft", V3),
            )
        }
    )
    found = [c for c in codes(repo.root) if c[0] == "SSMD209"]
    assert len(found) == 1
    assert "v2 was active in the committed file" in found[0][1]
    assert found[0][2] == 10  # v2's status line (0-based)


def test_ssmd209_accepts_forward_moves_and_new_versions(repo: GitRepo) -> None:
    repo.write(
        {
            YAML: schema_yaml(
                ("v1", "2025-01-01", "deprecated", V1),
                ("v2", "2025-03-01", "deprecated", V2),
                ("v3", "2025-06-01", "active", V3),
            )
        }
    )
    assert [c for c in codes(repo.root) if c[0] == "SSMD209"] == []


def test_history_index_is_cached_on_disk_per_head(repo: GitRepo, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = RepositoryHistory(repo.root, cache_dir=cache)
    assert first.find(CAPNP, sha256(V1)) is not None
    assert len(list((cache / "history").glob("*.json"))) == 1
    second = RepositoryHistory(repo.root, cache_dir=cache)
    revision = second.find(CAPNP, sha256(V1))
    assert revision is not None and second.content(revision) == V1
    repo.commit("another", {CAPNP: V3 + b"# more\n"}, date="2025-05-03")
    third = RepositoryHistory(repo.root, cache_dir=cache)
    assert third.find(CAPNP, sha256(V3 + b"# more\n")) is not None  # new HEAD, new index


def test_ssmd208_compares_against_an_older_version_read_from_history(repo: GitRepo) -> None:
    """v4 claims compatibility with v1, whose text only git still has; v4 changed price's type."""
    v4 = V3.replace(b"price @0 :Float64", b"price @0 :Float32")
    repo.write(
        {
            CAPNP: v4,
            YAML: schema_yaml(
                ("v1", "2025-01-01", "deprecated", V1),
                ("v2", "2025-03-01", "active", V2),
                ("v3", "2025-06-01", "draft", V3),
                ("v4", "2025-09-01", "draft", v4),
            )
            + "    compatible_with: [v2, v1]\n",
        }
    )
    repo.commit("v4", date="2025-08-01")
    results = check(Workspace.load(repo.root))
    found = [d for ds in results.values() for d in ds if d.code == "SSMD208"]
    claims = sorted((d.severity.value, d.span.start.character, d.message) for d in found)
    # Errors at both compatible_with entries (0-based columns); v4 also breaks v3, which it
    # does not claim, without breaking_changes text: a warning.
    assert [c[:2] for c in claims] == [("error", 22), ("error", 26), ("warning", 13)], claims
    assert all(
        "FIELD_SAME_TYPE: Trade.price @0 changed type from Float64 to Float32" in c[2]
        for c in claims
    )
    diff = run_ssmd("schema", "diff", "trade:v1", "trade:v4", "--format", "json", root=repo.root)
    assert diff.returncode == 1
    report = json.loads(diff.stdout)
    assert report["compatible"] is False
    assert [c["rule"] for c in report["changes"]] == ["FIELD_SAME_TYPE"]
    ok = run_ssmd("schema", "diff", "trade:v1", "trade:v3", root=repo.root)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "wire-compatible" in ok.stdout or "compatible" in ok.stdout


def test_ssmd208_undocumented_break_is_a_warning(repo: GitRepo) -> None:
    v4 = V3.replace(b"  venue @2 :Text;\n", b"")
    repo.write(
        {
            CAPNP: v4,
            YAML: schema_yaml(
                ("v1", "2025-01-01", "deprecated", V1),
                ("v2", "2025-03-01", "active", V2),
                ("v3", "2025-06-01", "draft", V3),
                ("v4", "2025-09-01", "draft", v4),
            ),
        }
    )
    repo.commit("v4", date="2025-08-01")
    results = check(Workspace.load(repo.root))
    found = [d for ds in results.values() for d in ds if d.code == "SSMD208"]
    assert [(d.severity.value, d.message.split(" (")[0]) for d in found] == [
        ("warning", "v4 breaks v3")
    ]


def test_a_registry_in_a_subfolder_of_the_repository(tmp_path: Path) -> None:
    """Paths are root-relative; git's are repository-relative: the prefix is handled."""
    repo = GitRepo(tmp_path)
    sub = "registry/"
    repo.commit(
        "v1", {sub + CAPNP: V1, sub + YAML: schema_yaml(("v1", "2025-01-01", "active", V1))}
    )
    both = schema_yaml(("v1", "2025-01-01", "active", V1), ("v2", "2025-03-01", "active", V2))
    head = repo.commit("v2", {sub + CAPNP: V2, sub + YAML: both}, date="2025-02-01")
    root = tmp_path / "registry"
    workspace = Workspace.load(root)
    assert workspace.history.find(CAPNP, sha256(V1)) is not None
    assert workspace.history.committed([YAML]) == {YAML: both.encode()}
    at_head = Workspace.load_at(root, head)
    assert at_head.capnp_bytes == {CAPNP: V2}
    assert sorted(at_head.documents) == [CAPNP, YAML]


def test_schema_diff_text_and_unknown_versions(repo: GitRepo) -> None:
    v4 = V3.replace(b"size @1 :UInt32", b"size @1 :UInt64")
    repo.write({CAPNP: v4})
    repo.write(
        {
            YAML: schema_yaml(
                ("v1", "2025-01-01", "deprecated", V1),
                ("v2", "2025-03-01", "active", V2),
                ("v3", "2025-06-01", "draft", V3),
                ("v4", "2025-09-01", "draft", v4),
            )
        }
    )
    repo.commit("v4", date="2025-08-01")
    text = run_ssmd("schema", "diff", "trade:v2", "trade:v4", root=repo.root, cwd=repo.root)
    assert text.returncode == 1
    lines = text.stdout.splitlines()
    assert lines[0].startswith("trade:v2 -> trade:v4 (level wire): 1 breaking")
    assert lines[1].split()[1:3] == ["error", "FIELD_SAME_TYPE"]
    assert lines[1].split()[0].startswith(f"{CAPNP}:")  # the field's line in the new text
    assert "Trade.size @1 changed type from UInt32 to UInt64" in lines[1]
    unknown = run_ssmd("schema", "diff", "trade:v1", "trade:v9", root=repo.root)
    assert unknown.returncode == 1
    assert "schema trade has no version v9 (versions: v1, v2, v3, v4)" in unknown.stderr


def test_without_git_on_path_history_is_reported_not_crashed(repo: GitRepo) -> None:
    completed = run_ssmd(
        "validate", "--format", "json", root=repo.root, env={"PATH": "/nonexistent"}
    )
    assert "Traceback" not in completed.stderr
    assert "git is not installed" in completed.stdout

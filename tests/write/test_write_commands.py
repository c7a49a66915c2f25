"""Every write command on hand-written files: the change lands, every other byte stays."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import SAMPLE, run_ssmd
from tests.write.textdiff import changed_files, inserted_lines, replaced_lines, snapshot

FEEDS = "exchanges/feeds"
SCHEMAS = "exchanges/schemas"
ENVS = "exchanges/environments"


def run_ok(root: Path, *args: str) -> str:
    result = run_ssmd(*args, root=root)
    assert result.returncode == 0, result.stderr
    assert "wrote" in result.stdout
    return result.stdout


def text(root: Path, path: str) -> str:
    return (root / path).read_bytes().decode()


def assert_valid(root: Path) -> None:
    result = run_ssmd("validate", root=root)
    assert result.returncode == 0, result.stdout


def test_add_version_between_versions_keeps_the_comment_above_the_next(
    decorated_root: Path,
) -> None:
    before = snapshot(decorated_root)
    out = run_ok(
        decorated_root,
        "feed",
        "add-version",
        "kalshi",
        "--effective-from",
        "2024-09-01",
        "--rate-limit",
        "7",
    )
    assert "version v3 added, effective 2024-09-01 (from v1" in out
    assert changed_files(before, snapshot(decorated_root)) == {f"{FEEDS}/kalshi.yaml"}
    old, new = before[f"{FEEDS}/kalshi.yaml"].decode(), text(decorated_root, f"{FEEDS}/kalshi.yaml")
    assert inserted_lines(old, new) == [
        "  - version: v3",
        "    effective_from: 2024-09-01",
        "    protocol: wss",
        '    endpoint: "wss://trading-api.kalshi.com/trade-api/ws/v2"',  # v1's quoting
        "    auth_method: api_key",
        "    rate_limit_per_second: 7",
        "    max_symbols_per_connection: 50",
        "    supports_orderbook: true",
        "    supports_trades: true",
    ]
    # In date order: between v1 and the comment that introduces v2.
    assert new.index("version: v1") < new.index("version: v3") < new.index("# v2: moved")
    assert_valid(decorated_root)


def test_add_version_at_the_end_infers_protocol_from_the_new_endpoint(
    decorated_root: Path,
) -> None:
    before = snapshot(decorated_root)
    run_ok(
        decorated_root,
        "feed",
        "add-version",
        "kalshi",
        "--version",
        "v3",
        "--effective-from",
        "2026-07-01",
        "--endpoint",
        "https://api.kalshi.com/rest",
    )
    old, new = before[f"{FEEDS}/kalshi.yaml"].decode(), text(decorated_root, f"{FEEDS}/kalshi.yaml")
    block = inserted_lines(old, new)
    assert block[:4] == [
        "  - version: 'v3'",  # the quoting of the version it copies (v2)
        "    effective_from: 2026-07-01",
        "    protocol: https",
        "    endpoint: https://api.kalshi.com/rest",
    ]
    assert new.index("version: 'v3'") < new.index("calendar:")
    assert new.endswith(
        '    supports_trades: true\n\ncalendar:\n  timezone: "America/New_York"\n'
        "  holiday_calendar: us_equity   # NYSE\n"
    )


def test_add_version_in_a_four_space_file_uses_its_indentation(decorated_root: Path) -> None:
    before = snapshot(decorated_root)
    run_ok(
        decorated_root,
        "feed",
        "add-version",
        "polymarket",
        "--effective-from",
        "2026-02-01",
        "--no-supports-orderbook",
    )
    old = before[f"{FEEDS}/polymarket.yaml"].decode()
    assert inserted_lines(old, text(decorated_root, f"{FEEDS}/polymarket.yaml")) == [
        "    -   version: v2",
        "        effective_from: 2026-02-01",
        "        protocol: wss",
        "        endpoint: 'wss://ws-subscriptions-clob.polymarket.com/ws/market'",
        "        supports_orderbook: false",
        "        supports_trades: true",
    ]


def test_add_version_keeps_crlf_and_the_missing_final_newline(decorated_root: Path) -> None:
    before = snapshot(decorated_root)
    run_ok(
        decorated_root,
        "feed",
        "add-version",
        "coinbase",
        "--effective-from",
        "2025-01-01",
        "--rate-limit",
        "4",
    )
    raw = (decorated_root / FEEDS / "coinbase.yaml").read_bytes()
    assert b"\n" not in raw.replace(b"\r\n", b""), "every line ends in CRLF"
    assert not raw.endswith(b"\n")
    block = inserted_lines(before[f"{FEEDS}/coinbase.yaml"].decode(), raw.decode())
    assert block[0] == "  - version: v2" and "    rate_limit_per_second: 4" in block
    assert_valid(decorated_root)


def test_set_status_changes_one_value_and_keeps_its_comment(decorated_root: Path) -> None:
    before = snapshot(decorated_root)
    out = run_ok(decorated_root, "schema", "set-status", "trade:v2", "active")
    assert "trade:v2: status draft -> active" in out
    assert changed_files(before, snapshot(decorated_root)) == {f"{SCHEMAS}/trade.yaml"}
    (pair,) = replaced_lines(
        before[f"{SCHEMAS}/trade.yaml"].decode(), text(decorated_root, f"{SCHEMAS}/trade.yaml")
    )
    assert pair[0] == "    status: draft   # promote after review"
    assert re.fullmatch(r"    status: active +# promote after review", pair[1])


def test_register_changed_file_adds_the_next_draft_version(
    decorated_root: Path, tmp_path: Path
) -> None:
    changed = tmp_path / "incoming" / "trade.capnp"
    changed.parent.mkdir()
    v2 = (SAMPLE / "schemas" / "trade.v2.capnp").read_text()
    changed.write_text(v2.replace("venue @6 :Text;", "venue @6 :Text;\n  feeCents @7 :UInt32;"))
    before = snapshot(decorated_root)
    out = run_ok(
        decorated_root,
        "schema",
        "register",
        "trade",
        "--file",
        str(changed),
        "--effective-from",
        "2026-06-01",
    )
    assert "version v3 added (draft), effective 2026-06-01" in out
    after = snapshot(decorated_root)
    assert changed_files(before, after) == {f"{SCHEMAS}/trade.yaml", f"{SCHEMAS}/trade.capnp"}
    assert after[f"{SCHEMAS}/trade.capnp"] == changed.read_bytes()
    block = inserted_lines(
        before[f"{SCHEMAS}/trade.yaml"].decode(), after[f"{SCHEMAS}/trade.yaml"].decode()
    )
    assert block[:3] == ["  - version: v3", "    effective_from: 2026-06-01", "    status: draft"]
    assert re.fullmatch(r"    hash: sha256:[0-9a-f]{64}", block[3]) and len(block) == 4
    assert (
        after[f"{SCHEMAS}/trade.yaml"]
        .decode()
        .endswith("    hash: " + block[3][10:] + "\n# end of trade\n")
    )


def test_register_new_file_name_records_it_on_the_version(
    decorated_root: Path, tmp_path: Path
) -> None:
    source = tmp_path / "orderbook.v2.capnp"
    source.write_text(
        (SAMPLE / "schemas" / "orderbook.capnp")
        .read_text()
        .replace("sequence @5 :UInt64;", "sequence @5 :UInt64;\n  venue @6 :Text;")
    )
    before = snapshot(decorated_root)
    run_ok(
        decorated_root,
        "schema",
        "register",
        "orderbook",
        "--file",
        str(source),
        "--effective-from",
        "2026-03-01",
    )
    after = snapshot(decorated_root)
    assert changed_files(before, after) == {
        f"{SCHEMAS}/orderbook.yaml",
        f"{SCHEMAS}/orderbook.v2.capnp",
    }
    block = inserted_lines(
        before[f"{SCHEMAS}/orderbook.yaml"].decode(), after[f"{SCHEMAS}/orderbook.yaml"].decode()
    )
    assert block[-1] == "    schema_file: orderbook.v2.capnp"
    assert after[f"{SCHEMAS}/orderbook.yaml"].startswith(b"---\n# Order books")
    assert_valid(decorated_root)


@pytest.mark.parametrize(
    ("name", "options", "expected"),
    [
        (
            "kalshi-dev",
            ["--transport-url", "nats://other:4222"],
            [
                (
                    "  url: 'nats://localhost:4222'   # docker compose",
                    r"  url: 'nats://other:4222' +# docker compose",
                )
            ],
        ),
        (
            "kalshi-prod",
            ["--schema", "trade:v1", "--s3-prefix", "staging"],
            [
                (
                    "schema: trade        # unpinned: the version in effect on the day",
                    r"schema: trade:v1 +# unpinned: the version in effect on the day",
                ),
                (
                    "  prefix: prod   # per-environment prefix",
                    r"  prefix: staging +# per-environment prefix",
                ),
            ],
        ),
        (
            "polymarket-dev",
            ["--storage-path", "other-data"],
            [
                (
                    '    path: "sample-data"     # relative to the root',
                    r'    path: "other-data" +# relative to the root',
                )
            ],
        ),
    ],
)
def test_env_update_replaces_only_the_given_values(
    decorated_root: Path, name: str, options: list[str], expected: list[tuple[str, str]]
) -> None:
    before = snapshot(decorated_root)
    run_ok(decorated_root, "env", "update", name, *options)
    path = f"{ENVS}/{name}.yaml"
    assert changed_files(before, snapshot(decorated_root)) == {path}
    pairs = replaced_lines(before[path].decode(), text(decorated_root, path))
    assert [old for old, _ in pairs] == [old for old, _ in expected]
    for (_, new), (_, pattern) in zip(pairs, expected, strict=True):
        assert re.fullmatch(pattern, new), new


def test_env_update_switching_storage_type_replaces_the_block(decorated_root: Path) -> None:
    run_ok(
        decorated_root,
        "env",
        "update",
        "kalshi-dev",
        "--s3-raw-bucket",
        "dev-raw",
        "--s3-endpoint-url",
        "http://127.0.0.1:9000",
    )
    assert text(decorated_root, f"{ENVS}/kalshi-dev.yaml").endswith(
        "storage:\n  type: s3\n  raw_bucket: dev-raw\n  endpoint_url: http://127.0.0.1:9000\n"
    )


def test_creates_write_one_new_file_and_touch_nothing_else(
    decorated_root: Path, tmp_path: Path
) -> None:
    before = snapshot(decorated_root)
    run_ok(
        decorated_root,
        "feed",
        "create",
        "polymarket-us",
        "--type",
        "websocket",
        "--endpoint",
        "wss://api.polymarket.us/ws",
        "--effective-from",
        "2026-01-01",
        "--display-name",
        "Polymarket US",
        "--supports-trades",
    )
    run_ok(
        decorated_root,
        "env",
        "create",
        "polymarket-us-dev",
        "--feed",
        "polymarket-us",
        "--schema",
        "trade:v1",
        "--no-transport",
        "--storage-path",
        "data/us",
    )
    source = tmp_path / "quote.capnp"
    source.write_text("@0xc5a1f2e3d4b59687;\nstruct Quote {\n  bid @0 :Float64;\n}\n")
    run_ok(
        decorated_root,
        "schema",
        "register",
        "quote",
        "--file",
        str(source),
        "--effective-from",
        "2026-02-01",
    )
    after = snapshot(decorated_root)
    assert changed_files(before, after) == {
        f"{FEEDS}/polymarket-us.yaml",
        f"{ENVS}/polymarket-us-dev.yaml",
        f"{SCHEMAS}/quote.yaml",
        f"{SCHEMAS}/quote.capnp",
    }
    assert after[f"{FEEDS}/polymarket-us.yaml"].decode() == (
        "name: polymarket-us\n"
        "display_name: Polymarket US\n"
        "type: websocket\n"
        "versions:\n"
        "  - version: v1\n"
        "    effective_from: 2026-01-01\n"
        "    protocol: wss\n"
        "    endpoint: wss://api.polymarket.us/ws\n"
        "    supports_trades: true\n"
    )
    assert after[f"{ENVS}/polymarket-us-dev.yaml"].decode() == (
        "name: polymarket-us-dev\nfeed: polymarket-us\nschema: trade:v1\n"
        "transport:\n  type: none\nstorage:\n  type: local\n  path: data/us\n"
    )
    quote = after[f"{SCHEMAS}/quote.yaml"].decode()
    assert quote.startswith(
        "name: quote\nformat: capnp\nschema_file: quote.capnp\nversions:\n"
        "  - version: v1\n    effective_from: 2026-02-01\n    status: draft\n"
    )
    assert after[f"{SCHEMAS}/quote.capnp"] == source.read_bytes()
    assert_valid(decorated_root)


def test_registering_identical_content_names_the_version_that_has_it(
    decorated_root: Path,
) -> None:
    before = snapshot(decorated_root)
    result = run_ssmd(
        "schema",
        "register",
        "trade",
        "--file",
        str(decorated_root / SCHEMAS / "trade.v2.capnp"),
        root=decorated_root,
    )
    assert result.returncode == 0
    assert "trade:v2 (draft) already has this content" in result.stdout
    assert snapshot(decorated_root) == before


def test_first_feed_of_an_empty_registry_and_values_yaml_would_misread(tmp_path: Path) -> None:
    (tmp_path / "exchanges").mkdir()
    run_ok(
        tmp_path,
        "feed",
        "create",
        "venue",
        "--type",
        "rest",
        "--endpoint",
        "https://venue.example/api",
        "--display-name",
        "on",
        "--effective-from",
        "2025-01-01",
    )
    run_ok(
        tmp_path,
        "feed",
        "add-version",
        "venue",
        "--effective-from",
        "2025-06-01",
        "--endpoint",
        "https://venue.example/v2",
    )
    feed = text(tmp_path, f"{FEEDS}/venue.yaml")
    assert "display_name: 'on'\n" in feed, "a bare `on` would load as a bool"
    assert_valid(tmp_path)


def test_register_a_fixed_file_over_a_broken_one(sample_root: Path, tmp_path: Path) -> None:
    """The new .capnp is checked as the text about to be written, not the file on disk."""
    on_disk = sample_root / SCHEMAS / "trade.capnp"
    fixed = tmp_path / "trade.capnp"
    fixed.write_text(
        on_disk.read_text().replace(
            "tradeId @4 :Text;", "tradeId @4 :Text;\n  feeCents @6 :UInt32;"
        )
    )
    on_disk.write_text(on_disk.read_text().replace("size @3 :UInt32;", "size @3 :Nope;"))
    out = run_ok(
        sample_root,
        "schema",
        "register",
        "trade",
        "--file",
        str(fixed),
        "--effective-from",
        "2026-06-01",
    )
    assert "version v3 added (draft)" in out
    assert on_disk.read_bytes() == fixed.read_bytes()


def test_env_keys_are_added_and_updated_in_place(decorated_root: Path) -> None:
    run_ok(
        decorated_root,
        "env",
        "create",
        "kalshi-ci",
        "--feed",
        "kalshi",
        "--schema",
        "trade:v1",
        "--key",
        "kalshi:api_key:api_key,api_secret",
    )
    assert text(decorated_root, f"{ENVS}/kalshi-ci.yaml") == (
        "name: kalshi-ci\nfeed: kalshi\nschema: trade:v1\nkeys:\n  kalshi:\n    type: api_key\n"
        "    required: true\n    fields: [api_key, api_secret]\n    source: env\n"
    )
    path = f"{ENVS}/kalshi-dev.yaml"
    before = snapshot(decorated_root)
    run_ok(
        decorated_root,
        "env",
        "update",
        "kalshi-dev",
        "--key",
        "kalshi:api_key:api_key,api_secret,passphrase",
    )
    assert replaced_lines(before[path].decode(), text(decorated_root, path)) == [
        ("    fields: [api_key, api_secret]", "    fields: [api_key, api_secret, passphrase]")
    ]


def test_written_and_committed_paths_are_shown_from_the_working_directory(
    tmp_path: Path,
) -> None:
    """From a monorepo's top, `wrote exchanges/...` names no file there: the path printed is
    the one to open or `git add` from where the command ran, as findings are."""
    import shutil
    import subprocess

    top = tmp_path / "mono"
    shutil.copytree(SAMPLE, top / "infra/reg/exchanges")
    identity = {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.com",
                "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.com"}  # fmt: skip
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    created = run_ssmd(
        "feed", "create", "newfeed", "--type", "websocket", "--protocol", "wss",
        "--endpoint", "wss://x.example.com/ws", "--effective-from", "2027-01-04",
        "--root", "infra/reg", cwd=top,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert "  wrote infra/reg/exchanges/feeds/newfeed.yaml\n" in created.stdout
    committed = run_ssmd("commit", "-m", "newfeed", "--root", "infra/reg", cwd=top, env=identity)
    assert committed.returncode == 0, committed.stderr
    assert "  infra/reg/exchanges/feeds/newfeed.yaml\n" in committed.stdout

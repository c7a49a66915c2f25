"""Fixes that create files are rule fixes: SSMD301 offers to create the feed it names."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from ssmd.check import Diagnostic, check
from ssmd.report import Checked, render_json
from ssmd.templates import starter_feed
from ssmd.workspace import Workspace

DEV = "exchanges/environments/kalshi-dev.yaml"
DAY = dt.date(2026, 3, 1)


def _unknown_feed(root: Path, name: str) -> tuple[Workspace, Diagnostic]:
    path = root / DEV
    path.write_text(path.read_text().replace("feed: kalshi", f"feed: {name}"))
    workspace = Workspace.load(root)
    found = [d for d in check(workspace, [DEV], DAY)[DEV] if d.code == "SSMD301"]
    assert len(found) == 1
    return workspace, found[0]


def test_the_create_fix_makes_a_feed_that_validates(sample_root: Path) -> None:
    workspace, finding = _unknown_feed(sample_root, "krakenx")
    assert finding.fix is None  # no close name: nothing to change the reference to
    (create,) = finding.more_fixes
    assert create.title == "Create feed 'krakenx' (exchanges/feeds/krakenx.yaml)"
    assert create.edits == ()
    (new,) = create.creates
    assert (new.file, new.text) == starter_feed("krakenx", DAY)
    assert "effective_from: 2026-03-01" in new.text
    assert "# replace with the venue's endpoint" in new.text
    workspace.set_text(new.file, new.text)
    after = check(workspace, None, DAY)
    assert after[new.file] == [] and after[DEV] == []


def test_a_close_name_keeps_the_change_fix_first(sample_root: Path) -> None:
    _, finding = _unknown_feed(sample_root, "kalsh")
    assert finding.fix is not None and finding.fix.title == "Change to 'kalshi'"
    assert [f.title for f in finding.more_fixes] == [
        "Create feed 'kalsh' (exchanges/feeds/kalsh.yaml)"
    ]


def test_no_create_fix_where_a_file_already_sits(sample_root: Path) -> None:
    feeds = sample_root / "exchanges/feeds"
    (feeds / "other.yaml").write_text((feeds / "kalshi.yaml").read_text().replace("kalshi", "x"))
    _, finding = _unknown_feed(sample_root, "other")  # other.yaml declares `name: x`
    assert finding.more_fixes == ()


def test_json_keeps_fix_and_adds_more_fixes_with_creates(sample_root: Path) -> None:
    workspace, _ = _unknown_feed(sample_root, "kalsh")
    payload = json.loads(render_json([Checked(workspace, check(workspace, None, DAY))]))
    (found,) = [d for d in payload["diagnostics"] if d["code"] == "SSMD301"]
    assert found["fix"]["title"] == "Change to 'kalshi'"
    assert "creates" not in found["fix"]  # unchanged shape for a fix that creates nothing
    (more,) = found["more_fixes"]
    assert more["edits"] == []
    assert more["creates"] == [
        {"file": "exchanges/feeds/kalsh.yaml", "text": starter_feed("kalsh", DAY)[1]}
    ]
    others = [d for d in payload["diagnostics"] if d["code"] != "SSMD301"]
    assert all("more_fixes" not in d for d in others)

"""The server's scheduling: edits coalesce, stale work stops early, nothing is lost."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

import ssmd_ls.checker as checker_module
from ssmd_ls.checker import Checker, DocumentUpdate

DAY = dt.date(2026, 3, 1)
DEV = "exchanges/environments/kalshi-dev.yaml"
FEED = "exchanges/feeds/kalshi.yaml"


def loaded(root: Path) -> Checker:
    checker = Checker(root)
    checker.load(lambda done, total: None)
    checker.check_dirty(DAY)
    return checker


def test_rapid_edits_coalesce_into_one_check_of_the_newest_text(sample_root: Path) -> None:
    checker = loaded(sample_root)
    text = (sample_root / DEV).read_text()
    for version, feed in enumerate(("k", "ka", "kal", "kalsh", "kalshy"), start=2):
        checker.submit(
            DEV, DocumentUpdate(text=text.replace("feed: kalshi", f"feed: {feed}"), version=version)
        )
    [checked] = checker.check_dirty(DAY)
    assert checked.version == 6
    assert [d.code for d in checked.diagnostics] == ["SSMD301"]
    assert "kalshy" in checked.diagnostics[0].message


def test_feed_edit_rechecks_exactly_its_environments(sample_root: Path) -> None:
    checker = loaded(sample_root)
    text = (sample_root / FEED).read_text()
    checker.submit(FEED, DocumentUpdate(text=text.replace("status: active", "status: inactive")))
    checked = {c.path: c for c in checker.check_dirty(DAY)}
    assert set(checked) == {FEED, DEV, "exchanges/environments/kalshi-prod.yaml"}
    assert [d.code for d in checked[DEV].diagnostics] == ["SSMD307"]


def test_newer_text_stops_a_long_check_and_keeps_the_rest(
    sample_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checker = loaded(sample_root)
    monkeypatch.setattr(checker_module, "CHUNK", 2)
    real_check = checker_module.check_report
    calls: list[list[str]] = []

    def check_then_edit(*args: Any, **kwargs: Any) -> Any:
        calls.append(list(args[1]))
        if len(calls) == 1:  # an edit arrives while the first chunk is being checked
            checker.submit(DEV, DocumentUpdate(text=(sample_root / DEV).read_text(), version=9))
        return real_check(*args, **kwargs)

    monkeypatch.setattr(checker_module, "check_report", check_then_edit)
    checker.mark_all_dirty()
    first = checker.check_dirty(DAY)
    assert len(first) == 2 and len(calls) == 1  # stopped after one chunk
    rest = checker.check_dirty(DAY)
    assert {c.path for c in first} | {c.path for c in rest} == set(checker.workspace.documents)
    assert checker.idle()


def test_removed_file_gets_an_empty_result(sample_root: Path) -> None:
    checker = loaded(sample_root)
    checker.submit(DEV, DocumentUpdate(removed=True))
    checked = {c.path: c for c in checker.check_dirty(DAY)}
    assert checked[DEV].diagnostics == []
    assert DEV not in checker.workspace.documents

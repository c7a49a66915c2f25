"""An interrupted write leaves the old file whole and no temp file behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ssmd.write.atomic import WriteFailed, temp_files, write_atomically
from tests.conftest import run_ssmd
from tests.write.textdiff import snapshot

FEED = "exchanges/feeds/kalshi.yaml"


def test_failure_between_temp_write_and_rename_keeps_the_old_file(
    sample_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = sample_root / FEED
    old = target.read_bytes()

    def failing_replace(source: str, destination: str) -> None:
        assert Path(source).exists(), "the temp file is complete before the rename"
        raise OSError(28, "No space left on device", str(destination))

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(WriteFailed, match="No space left on device; nothing was changed"):
        write_atomically({target: b"name: kalshi\n"})
    assert target.read_bytes() == old
    assert temp_files(target.parent) == []


def test_a_failed_second_file_rolls_back_the_first(
    sample_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`schema register` writes a .capnp and a .yaml: both or neither."""
    capnp = sample_root / "exchanges/schemas/trade.capnp"
    yaml_file = sample_root / "exchanges/schemas/trade.yaml"
    before = snapshot(sample_root)
    real_replace = os.replace

    def replace_once(source: str, destination: str) -> None:
        if Path(destination) == yaml_file:
            raise OSError(5, "Input/output error", str(destination))
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", replace_once)
    with pytest.raises(WriteFailed):
        write_atomically({capnp: b"@0xd8a4bd5c2f1e9a01;\n", yaml_file: b"name: trade\n"})
    monkeypatch.setattr(os, "replace", real_replace)
    assert snapshot(sample_root) == before
    assert temp_files(capnp.parent) == []


def test_new_file_gets_permissions_of_the_umask_and_old_file_keeps_its_mode(
    sample_root: Path,
) -> None:
    target = sample_root / FEED
    target.chmod(0o640)
    write_atomically({target: b"x: 1\n"})
    assert target.stat().st_mode & 0o777 == 0o640


# A child that writes through the real library and stops between the temp write
# and the rename, so the test can kill it exactly there.
_PAUSING_WRITER = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from ssmd.write import atomic

    def pause(source, destination):
        print("staged", flush=True)
        time.sleep(60)

    os.replace = pause
    atomic.write_atomically({Path(sys.argv[1]): b"name: half-written\\n"})
    """
)


def _start_paused_writer(target: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", _PAUSING_WRITER, str(target)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "staged"
    return child


def test_sigterm_mid_write_cleans_up(sample_root: Path) -> None:
    target = sample_root / FEED
    old = target.read_bytes()
    child = _start_paused_writer(target)
    assert len(temp_files(target.parent)) == 1, "the temp file exists while paused"
    child.send_signal(signal.SIGTERM)
    child.wait(timeout=30)
    assert target.read_bytes() == old
    assert temp_files(target.parent) == []


def test_sigkill_mid_write_keeps_the_old_file_and_the_next_write_sweeps_the_temp(
    sample_root: Path,
) -> None:
    target = sample_root / FEED
    old = target.read_bytes()
    child = _start_paused_writer(target)
    child.kill()
    child.wait(timeout=30)
    assert target.read_bytes() == old
    assert len(temp_files(target.parent)) == 1, "SIGKILL leaves its temp file"
    assert run_ssmd("validate", root=sample_root).returncode == 0, "loader ignores temp files"

    result = run_ssmd(
        "feed", "add-version", "kalshi", "--effective-from", "2026-07-01", root=sample_root
    )
    assert result.returncode == 0, result.stderr
    assert temp_files(target.parent) == []
    assert target.read_bytes().startswith(old.rstrip(b"\n").split(b"calendar:")[0])

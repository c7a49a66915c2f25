"""The calendar and the HTML page, checked as a person sees them.

The terminal grid runs in a real tmux pane and is read back with
`capture-pane` (glyphs and colours); the HTML page is opened by headless
Chromium and its screenshot (kept in test-artifacts/) is checked for the
status colours, next to structural checks of the page itself.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ssmd.cli.data_calendar import COLOURED, PLAIN, WEEKDAYS
from ssmd.cli.data_html import COLOURS
from ssmd.data.inventory import DayStatus
from tests.conftest import REPO, run_ssmd
from tests.data import dataset
from tests.data.conftest import LocalStore, add_environment
from tests.data.dataset import END, EXPECTED_STATUS, FEED, START

ENV = "kalshi-pictures"
ARTIFACTS = REPO / "test-artifacts" / "data"


@pytest.fixture
def root(sample_root: Path) -> Path:
    store = LocalStore(sample_root / "store")
    dataset.fill(store)
    add_environment(sample_root, ENV, FEED, "trade:v1", store.storage_block())
    add_environment(sample_root, "kalshi-again", FEED, "trade:v1", store.storage_block())
    return sample_root


def grid_cells(lines: list[str], title: str, first: dt.date) -> dict[dt.date, str]:
    """Date -> cell text of the grid under `title`, whose first column is the week of `first`."""
    top = lines.index(title)
    rows = lines[top + 2 : top + 9]
    assert [row[:3] for row in rows] == list(WEEKDAYS)
    origin = first - dt.timedelta(days=first.weekday())
    cells = {}
    for weekday, row in enumerate(rows):
        for week, text in enumerate(row[4:]):
            if text != " ":
                cells[origin + dt.timedelta(days=7 * week + weekday)] = text
    return cells


def test_plain_calendar_has_one_cell_per_day(root: Path) -> None:
    result = run_ssmd(
        "data", "inventory", "--env", ENV, "--from", str(START), "--to", str(END),
        "--format", "calendar", root=root,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "\x1b[" not in result.stdout  # a pipe gets no colour
    lines = result.stdout.splitlines()
    cells = grid_cells(lines, f"{ENV} ({FEED}, America/New_York): 2025", START)
    assert {str(day): text for day, text in cells.items()} == {
        day: PLAIN[DayStatus(status)] for day, status in EXPECTED_STATUS.items()
    }
    assert lines[lines.index(f"{ENV} ({FEED}, America/New_York): 2025") + 1].strip() == "Nov"
    assert "Legend: # complete  + partial  ~ processing  x failed  ? invalid  ! missing" in (
        result.stdout
    )


def test_calendar_follows_the_color_option(root: Path) -> None:
    """`--color always` colours a pipe too (`| less -R`), as for `ssmd diff`; `never` wins."""
    args = ["data", "inventory", "--env", ENV, "--from", str(START), "--to", str(END),
            "--format", "calendar"]  # fmt: skip
    always = run_ssmd("--color", "always", *args, root=root, env={"NO_COLOR": "1"})
    assert always.returncode == 0, always.stderr
    assert "\x1b[32m" in always.stdout
    never = run_ssmd("--color", "never", *args, root=root)
    assert "\x1b[" not in never.stdout


def test_a_range_across_new_year_gets_a_grid_per_year(root: Path) -> None:
    result = run_ssmd(
        "data", "inventory", "--env", ENV, "--from", "2025-12-29", "--to", "2026-01-04",
        "--format", "calendar", root=root,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    late = grid_cells(lines, f"{ENV} ({FEED}, America/New_York): 2025", dt.date(2025, 12, 29))
    early = grid_cells(lines, f"{ENV} ({FEED}, America/New_York): 2026", dt.date(2026, 1, 1))
    assert sorted(late) == [dt.date(2025, 12, d) for d in (29, 30, 31)]
    assert sorted(early) == [dt.date(2026, 1, d) for d in (1, 2, 3, 4)]
    assert early[dt.date(2026, 1, 1)] == PLAIN[DayStatus.CLOSED]  # New Year's Day
    assert late[dt.date(2025, 12, 29)] == PLAIN[DayStatus.MISSING]


SGR = re.compile(r"\x1b\[([0-9;]*)m")


def coloured_cells(text: str) -> list[list[tuple[str, str | None]]]:
    """Each line as (character, foreground SGR code) pairs, from `capture-pane -e` output."""
    lines = []
    for line in text.splitlines():
        chars: list[tuple[str, str | None]] = []
        colour: str | None = None
        position = 0
        for match in SGR.finditer(line):
            chars += [(c, colour) for c in line[position : match.start()]]
            for code in (match.group(1) or "0").split(";"):
                if code in ("0", "39"):
                    colour = None
                elif re.fullmatch(r"3[0-7]|9[0-7]", code):
                    colour = code
            position = match.end()
        chars += [(c, colour) for c in line[position:]]
        lines.append(chars)
    return lines


def tmux_capture(command: str, colour: bool) -> tuple[str, str]:
    """Run `command` in a new tmux server's 120x40 pane; the screen without and with SGR codes."""
    tmux = shutil.which("tmux")
    if tmux is None:
        pytest.fail("tmux is not installed: run `bash scripts/setup.sh test` (scripts/setup.d)")
    socket = f"ssmd-test-{uuid.uuid4().hex[:8]}"
    marker = "__ssmd_done__"
    shell = f"{command}; echo {marker}; sleep 120"
    environment = "env -u NO_COLOR" if colour else "env NO_COLOR=1"
    base = [tmux, "-L", socket, "-f", "/dev/null"]
    subprocess.run(
        [*base, "new-session", "-d", "-x", "120", "-y", "40",
         f"{environment} TERM=tmux-256color sh -c {shlex.quote(shell)}"],
        check=True, timeout=30,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            plain = subprocess.run(
                [*base, "capture-pane", "-p", "-t", "0"], capture_output=True, text=True
            ).stdout
            if marker in plain or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert marker in plain, plain
        escaped = subprocess.run(
            [*base, "capture-pane", "-p", "-e", "-t", "0"], capture_output=True, text=True
        ).stdout
        return plain, escaped
    finally:
        subprocess.run([*base, "kill-server"], capture_output=True, timeout=30)


def calendar_in_tmux(root: Path, colour: bool) -> tuple[str, str]:
    command = shlex.join(
        [sys.executable, "-m", "ssmd", "--root", str(root), "data", "inventory", "--env", ENV,
         "--from", str(START), "--to", str(END), "--format", "calendar"]
    )  # fmt: skip
    return tmux_capture(f"PYTHONPATH={shlex.quote(str(REPO))} {command}", colour)


def test_calendar_in_a_terminal_is_coloured(root: Path) -> None:
    plain, escaped = calendar_in_tmux(root, colour=True)
    title = f"{ENV} ({FEED}, America/New_York): 2025"
    shown = grid_cells(plain.splitlines(), title, START)
    assert {str(day): glyph for day, glyph in shown.items()} == {
        day: COLOURED[DayStatus(status)][1] for day, status in EXPECTED_STATUS.items()
    }
    lines = coloured_cells(escaped)
    top = next(i for i, line in enumerate(lines) if "".join(c for c, _ in line) == title)
    origin = START - dt.timedelta(days=START.weekday())
    colours = {}
    for weekday in range(7):
        for week, (_, code) in enumerate(lines[top + 2 + weekday][4:]):
            day = origin + dt.timedelta(days=7 * week + weekday)
            if str(day) in EXPECTED_STATUS:
                colours[str(day)] = code
    assert colours == {
        day: COLOURED[DayStatus(status)][0] for day, status in EXPECTED_STATUS.items()
    }
    assert colours["2025-11-24"] == "32" and colours["2025-11-28"] == "31"  # green, red


def test_no_color_in_a_terminal_gives_plain_characters(root: Path) -> None:
    plain, escaped = calendar_in_tmux(root, colour=False)
    shown = grid_cells(plain.splitlines(), f"{ENV} ({FEED}, America/New_York): 2025", START)
    assert set(shown.values()) <= set(PLAIN.values())
    assert not any(code for line in coloured_cells(escaped) for _, code in line)


class Squares(HTMLParser):
    """The day squares of the page, per environment section: date -> (status, tooltip)."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, dict[str, tuple[str, str]]] = {}
        self._section = ""
        self._square: tuple[str, str] | None = None
        self._title: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "section":
            self._section = found["data-environment"] or ""
            self.sections[self._section] = {}
        elif tag == "rect" and found.get("class") == "day":
            self._square = (found["data-date"] or "", found["data-status"] or "")
        elif tag == "title" and self._square is not None:
            self._title = []

    def handle_data(self, data: str) -> None:
        if self._title is not None:
            self._title.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._square is not None and self._title is not None:
            day, status = self._square
            self.sections[self._section][day] = (status, "".join(self._title))
            self._square, self._title = None, None


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and RGB rows of an 8-bit RGB/RGBA PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat, header = 8, b"", b""
    while position < len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        header = body if kind == b"IHDR" else header
        idat += body if kind == b"IDAT" else b""
        position += 12 + length
    width, height = int.from_bytes(header[0:4], "big"), int.from_bytes(header[4:8], "big")
    depth, colour_type = header[8], header[9]
    assert depth == 8 and colour_type in (2, 6), (depth, colour_type)
    channels = 3 if colour_type == 2 else 4
    stride = width * channels
    raw = zlib.decompress(idat)
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                guess = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                line[i] = (line[i] + guess) & 255
        previous = line
        rows.append(bytes(line[c] for c in range(stride) if c % channels < 3))
    return width, height, rows


def test_html_page_has_a_square_per_day_and_shows_the_colours(root: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.fail("chromium is not installed: run `bash scripts/setup.sh test` (scripts/setup.d)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = ARTIFACTS / "inventory.html"
    result = run_ssmd(
        "data", "inventory", "--env", ENV, "--env", "kalshi-again", "--from", str(START),
        "--to", str(END), "--format", "html", "--out", str(page), root=root,
    )  # fmt: skip
    assert (result.returncode, result.stdout) == (0, ""), result.stderr
    html = page.read_text()
    assert "<script" not in html and "http://" not in html.replace('xmlns="http://', "")
    squares = Squares()
    squares.feed(html)
    assert list(squares.sections) == [ENV, "kalshi-again"]
    mine = squares.sections[ENV]
    assert {day: status for day, (status, _) in mine.items()} == EXPECTED_STATUS
    status, tip = mine["2025-11-25"]
    assert tip.splitlines() == [
        "2025-11-25 Tue: partial",
        "raw 400KB (1,000 records), normalized 250KB (990 records)",
        "quality 0.90, gaps 2",
    ]
    assert "unusable" in mine["2025-12-02"][1] and "not valid JSON" in mine["2025-12-02"][1]
    assert squares.sections["kalshi-again"] == mine

    shot = ARTIFACTS / "inventory.png"
    shot.unlink(missing_ok=True)
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--force-device-scale-factor=1", "--window-size=720,820",
         f"--screenshot={shot}", page.as_uri()],
        capture_output=True, timeout=90, check=False,
    )  # fmt: skip
    assert shot.exists(), "chromium wrote no screenshot"
    _, _, rows = png_pixels(shot.read_bytes())
    counts: dict[bytes, int] = {}
    for row in rows:
        for x in range(0, len(row), 3):
            pixel = row[x : x + 3]
            counts[pixel] = counts.get(pixel, 0) + 1
    seen = {status: 0 for status in DayStatus}
    for status, colour in COLOURS.items():
        seen[status] = counts.get(bytes.fromhex(colour[1:]), 0)
    days = {s: 0 for s in DayStatus}
    for day_status in EXPECTED_STATUS.values():
        days[DayStatus(day_status)] += 1
    for status in (DayStatus.COMPLETE, DayStatus.FAILED, DayStatus.INVALID, DayStatus.MISSING):
        # two environments: each 11 px square shows at least its 9x9 inside in that colour
        assert seen[status] >= 2 * 81 * days[status], (status, seen)

"""Read what a child process printed on a pseudo-terminal (tests that need a real tty)."""

from __future__ import annotations

import os
import subprocess


def read_terminal(leader: int, process: subprocess.Popen[bytes]) -> bytes:
    """Everything written to the terminal whose other side is `leader`, until the child
    closes it; then wait for the child and close `leader`."""
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks)

"""Entry point of `ssmd-ls` and `python -m ssmd_ls`: the language server over stdio."""

from __future__ import annotations

import argparse
import logging
import sys

from ssmd import __version__


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="ssmd-ls", description="Language server for the ssmd registry (LSP over stdio)."
    )
    parser.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (default)")
    parser.add_argument("--log-file", help="write the server log here (default: stderr)")
    parser.add_argument("--verbose", action="store_true", help="log debug messages")
    parser.add_argument("--version", action="version", version=f"ssmd-ls {__version__}")
    args = parser.parse_args(argv)
    handler: logging.Handler = (
        logging.FileHandler(args.log_file) if args.log_file else logging.StreamHandler(sys.stderr)
    )
    logging.basicConfig(
        handlers=[handler],
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Imported after argument parsing (`--help` stays instant); `requests` registers
    # the request handlers on `server`.
    from ssmd_ls import (
        features,  # noqa: F401
        requests,  # noqa: F401
    )
    from ssmd_ls.server import server

    # The checking thread holds the GIL while it works; pygls reads stdin in another
    # thread and hands each message to the event loop. At the default 5 ms switch
    # interval every hand-off can wait 5 ms, so an edit storm backs up the input and
    # a hover waits seconds behind it; 0.5 ms keeps reading ahead of the storm.
    sys.setswitchinterval(0.0005)

    server.start_io()


if __name__ == "__main__":
    main()

"""Entry point of `ssmd-ls` (the server lands with the language-server issue)."""

import sys


def main() -> None:
    sys.stderr.write("ssmd-ls: the language server is not built yet\n")
    raise SystemExit(1)


if __name__ == "__main__":
    main()

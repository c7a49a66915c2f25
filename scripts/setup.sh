#!/usr/bin/env bash
# Create .venv and install ssmd into it (editable). Quick when nothing changed.
#   bash scripts/setup.sh          # the product
#   bash scripts/setup.sh test     # the product and its test tools
set -euo pipefail
cd "$(dirname "$0")/.."
extra=${1:-}
python=${PYTHON:-python3}

if [ ! -x .venv/bin/python ]; then
  if ! "$python" -m venv .venv 2>/dev/null; then
    # Debian ships venv separately; install it when we may.
    rm -rf .venv
    if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
      apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
    else
      echo "error: '$python -m venv' failed; install python3-venv (sudo apt-get install python3-venv)" >&2
      exit 1
    fi
    "$python" -m venv .venv
  fi
fi

spec="."
[ "$extra" = "test" ] && spec=".[test]"
stamp=".venv/.ssmd-installed-${extra:-base}"
want="$(sha256sum pyproject.toml | cut -c1-16)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install -q --disable-pip-version-check -e "$spec"
  echo "$want" > "$stamp"
  # The test install holds the product too: the demo's plain setup then has nothing to do.
  if [ "$extra" = "test" ]; then echo "$want" > .venv/.ssmd-installed-base; fi
fi

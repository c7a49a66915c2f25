#!/usr/bin/env bash
# The data inventory's picture tests and benchmark:
#   tmux     - Debian: a real terminal for the calendar test (tests/data/test_pictures.py reads
#              the grid back with `tmux capture-pane`); chromium comes from 50-vscode.sh
#   .cache/s3rver - npm s3rver@3, a keep-alive S3 API server for benchmarks/data_inventory.py
#              (project-local, gitignored; only when npm is present, the tests do not need it)
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! dpkg -s tmux >/dev/null 2>&1; then
  echo "installing Debian packages: tmux"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux >/dev/null
fi
if command -v npm >/dev/null && [ ! -x .cache/s3rver/node_modules/.bin/s3rver ]; then
  echo "installing s3rver@3 into .cache/s3rver (benchmarks only)"
  npm install --prefix .cache/s3rver --no-audit --no-fund --loglevel=error s3rver@3
fi

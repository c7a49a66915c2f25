#!/usr/bin/env bash
# Set up everything the suite needs on a fresh Debian 12 machine, then run it:
# lint, type checks, and every test (unit, rule cases, CLI, git, S3, editors).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
for step in scripts/setup.d/*.sh; do
  bash "$step"
done
export SSMD_CACHE_DIR=off

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy"
.venv/bin/mypy ssmd ssmd_ls
echo "== pytest"
# Two workers: the suite is safe to run in parallel (free ports, temp folders), and CI has 2 cores.
.venv/bin/python -m pytest -n "${SSMD_TEST_WORKERS:-2}" "$@"

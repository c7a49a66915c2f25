#!/usr/bin/env bash
# Set up ssmd and walk through the bundled sample registry (exchanges/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
ssmd=".venv/bin/ssmd"
bold='' plain=''
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m' plain=$'\033[0m'; fi
step() { printf '\n%s$ ssmd %s%s\n' "$bold" "$*" "$plain"; "$ssmd" "$@"; }

step validate
step feed list
step feed show kalshi --as-of 2024-12-31
step feed show kalshi --as-of 2025-06-01
step schema list
step env show kalshi-prod --as-of 2025-06-01
step data inventory --feed kalshi --from 2025-12-01 --to 2025-12-28 --env kalshi-dev
step data inventory --env kalshi-dev --env polymarket-dev --from 2025-11-01 --to 2025-12-31 --format calendar
step data gaps --feed kalshi --date 2025-12-03 --env kalshi-dev

# Review a change the way a pull request does, on a throwaway copy of the sample in a
# temporary git repository (the checkout is never changed): add a version, then plan.
review=$(mktemp -d)
trap 'rm -rf "$review"' EXIT
cp -r exchanges "$review/"
git -C "$review" init -q -b main
git -C "$review" add -A
git -C "$review" -c user.name=demo -c user.email=demo@example.com commit -q -m "sample registry"
step --root "$review" feed add-version kalshi --version v3 --effective-from 2099-07-01 \
  --endpoint wss://api.elections.kalshi.com/trade-api/ws/v2 --rate-limit 20
step --root "$review" plan
step --root "$review" plan --format markdown

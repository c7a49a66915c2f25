#!/usr/bin/env bash
# Debian packages the tests drive for real:
#   capnproto - the `capnp` tool; ssmd asks it for exact columns of schema errors
#   neovim    - Neovim 0.7.2, a real LSP client for the language-server tests
#   git       - real repositories for the history, diff and commit tests
#   emacs-nox, elpa-eglot - Emacs 28 and eglot 1.9 for the headless eglot test
set -euo pipefail
want=(capnproto neovim git emacs-nox elpa-eglot)
missing=()
for package in "${want[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

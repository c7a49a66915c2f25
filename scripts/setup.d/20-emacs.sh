#!/usr/bin/env bash
# Debian packages for the Emacs eglot test (tests/editors/test_emacs_eglot.py):
#   emacs-nox  - Emacs 28 without X (Debian 12); it has no built-in eglot
#   elpa-eglot - eglot 1.9 for it
set -euo pipefail
want=(emacs-nox elpa-eglot)
missing=()
for package in "${want[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

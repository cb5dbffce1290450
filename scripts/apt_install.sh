#!/usr/bin/env bash
# Install Debian packages that are missing: apt-get as root; otherwise say what is skipped.
# Usage: scripts/apt_install.sh PACKAGE...   (the callers decide what is missing)
set -euo pipefail
[ $# -gt 0 ] || exit 0
if [ "$(id -u)" = 0 ]; then
  echo "== apt-get install $*"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
else
  echo "== not root: cannot install $*; install them yourself (what needs them is skipped or fails)"
fi

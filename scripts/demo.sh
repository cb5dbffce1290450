#!/usr/bin/env bash
# The README's first command: set up, fill the demo municipality and serve it on localhost.
# Usage: scripts/demo.sh [addr:port]   (default 127.0.0.1:8000)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v npm >/dev/null 2>&1 || bash scripts/apt_install.sh nodejs npm
bash scripts/setup.sh
exec .venv/bin/openveiligheid demo "${1:-127.0.0.1:8000}"

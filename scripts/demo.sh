#!/usr/bin/env bash
# The README's first command: set up, fill the demo municipality and serve it on localhost.
# Usage: scripts/demo.sh [addr:port]   (default 127.0.0.1:8000)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/openveiligheid demo "${1:-127.0.0.1:8000}"

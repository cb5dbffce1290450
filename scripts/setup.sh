#!/usr/bin/env bash
# Create the virtual environment .venv with pinned packages and the project itself.
# Usage: scripts/setup.sh [dev]   ("dev" adds the test and lint tools)
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r requirements.txt
if [ "${1:-}" = "dev" ]; then
  .venv/bin/python -m pip install --quiet -r requirements-dev.txt
fi
.venv/bin/python -m pip install --quiet --no-deps -e .

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
# Front-end packages (NL Design System CSS, font; axe-core for the browser tests) from the npm
# registry, exactly as package-lock.json pins them; the app serves its own copy (static/vendor).
npm ci --prefix frontend --no-audit --no-fund --loglevel=error
if [ "${1:-}" = "dev" ]; then
  # A real OpenID Connect provider for the single sign-on tests (node-oidc-provider), as
  # tests/oidc/package-lock.json pins it.
  npm ci --prefix tests/oidc --no-audit --no-fund --loglevel=error
fi
.venv/bin/python scripts/vendor_assets.py

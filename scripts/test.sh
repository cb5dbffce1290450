#!/usr/bin/env bash
# The README's second command: set up everything and run all checks and tests.
#   lint (ruff), import layers (import-linter), migrations check, deploy check, the test
#   suite on SQLite (browser tests included), then the suite again on PostgreSQL.
# As root it installs what is missing with apt-get (chromium, postgresql). Otherwise it uses
# what is there and says what it skips. OV_TEST_POSTGRES_URL=postgres://… uses your own server.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONDONTWRITEBYTECODE=1

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
bash scripts/apt_install.sh "${need_apt[@]}"

echo "== setup"
bash scripts/setup.sh dev
PY=.venv/bin/python

echo "== ruff"
.venv/bin/ruff check src tests scripts bench
.venv/bin/ruff format --check src tests scripts bench

echo "== import layers"
.venv/bin/lint-imports

echo "== migrations and deploy checks"
OV_DEMO=true $PY manage.py makemigrations --check --dry-run
OV_SECRET_KEY="check-$(date +%s%N)-not-a-real-key-but-long-enough-for-the-check" \
  OV_SECURE_COOKIES=true OV_ALLOWED_HOSTS=veiligheid.example.nl \
  $PY manage.py check --deploy --fail-level WARNING

echo "== tests (SQLite)"
$PY -m pytest -p no:cacheprovider -n auto --dist loadfile "$@"

echo "== tests (PostgreSQL)"
bash scripts/with-postgres.sh $PY -m pytest -p no:cacheprovider -n auto --dist loadfile \
  -m "not browser and not packaging" -q "$@"

#!/usr/bin/env bash
# Run a command with OV_DATABASE_URL pointing at a PostgreSQL server: OV_TEST_POSTGRES_URL if
# set, else a throwaway cluster on 127.0.0.1:54329 started here and removed afterwards.
set -euo pipefail
if [ -n "${OV_TEST_POSTGRES_URL:-}" ]; then
  OV_DATABASE_URL="$OV_TEST_POSTGRES_URL" exec "$@"
fi
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ]; then
  echo "PostgreSQL is not installed: PostgreSQL tests skipped (set OV_TEST_POSTGRES_URL to use a server)."
  exit 0
fi
run_as=()
# As root, the server runs as the postgres user, from / (it may not enter our folder).
if [ "$(id -u)" = 0 ]; then run_as=(env -C / runuser -u postgres --); fi
dir=$(mktemp -d /tmp/ov-pg.XXXXXX)
[ "$(id -u)" = 0 ] && chown postgres "$dir"
port=${OV_TEST_POSTGRES_PORT:-54329}
"${run_as[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c fsync=off -c synchronous_commit=off" start >/dev/null
cleanup() { "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
OV_DATABASE_URL="postgres://postgres@127.0.0.1:$port/openveiligheid" "$@"

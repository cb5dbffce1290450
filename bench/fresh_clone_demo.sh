#!/usr/bin/env bash
# Benchmark: seconds from a fresh clone to the first served page of the demo.
# Clones this repository into a temporary folder, runs the README's first command there in the
# background, polls the login page until it answers 200, prints the time, and stops the server.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d /tmp/ov-fresh.XXXXXX)
port=${PORT:-8771}
git clone -q "$repo" "$dir/openveiligheid"
cd "$dir/openveiligheid"
start=$(date +%s.%N)
setsid bash scripts/demo.sh "127.0.0.1:$port" >"$dir/demo.log" 2>&1 &
pid=$!
trap 'kill -- -$pid 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 600); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/inloggen/" || true)
  if [ "$code" = 200 ]; then
    end=$(date +%s.%N)
    python3 -c "print(f'fresh clone -> served login page: {$end - $start:.1f} s')"
    grep -E "Klaar in|Inloggen" "$dir/demo.log" || true
    exit 0
  fi
  sleep 0.5
done
echo "no page after 300 s; log:"; tail -20 "$dir/demo.log"; exit 1

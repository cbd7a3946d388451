#!/usr/bin/env bash
# HTTP load benchmark of the public availability endpoints on the standard data set (50 members,
# 4 weeks, 6 bookings + 3 busy events per member per working day), with wrk on loopback:
# 16 connections, 2 threads. Runs on SQLite, and on PostgreSQL when MM_TEST_POSTGRES_URL names a
# cluster (`just bench` wraps this in scripts/with-postgres.sh). Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${BENCH_SECONDS:-10}
connections=16

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
cargo build --release -q -p mm-server -p mm-bench
work=$(mktemp -d /tmp/mm-bench.XXXXXX)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# Requests per second and p99 latency of one wrk run, e.g. "41234.5 1.23ms".
measure() {
  wrk -t2 -c"$connections" -d"${duration}s" --latency "$1" > "$work/wrk.out"
  if grep -q "Non-2xx" "$work/wrk.out"; then echo "non-2xx answers from $1" >&2; cat "$work/wrk.out" >&2; exit 1; fi
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk.out")
  p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.out")
  echo "$rps $p99"
}

ms() { awk -v s="$1" 'BEGIN {printf "%.1f ms", 1000 * s}'; }

bench_backend() {
  local name=$1 url=$2
  MM_DATABASE_URL=$url target/release/mm-bench-seed > "$work/seed.out"
  local first_day; first_day=$(sed -n 's/^first_day=//p' "$work/seed.out")
  local wednesday; wednesday=$(date -d "$first_day + 9 days" +%F)
  local month; month=$(date -d "$first_day + 14 days" +%Y-%m)
  MM_DATABASE_URL=$url MM_BIND=127.0.0.1:0 MM_LOG=warn MM_ADMIN_PASSWORD=bench-admin-password \
    target/release/meeting-manager serve > "$work/server.out" 2>"$work/server.err" &
  server_pid=$!
  for _ in $(seq 1 100); do grep -q "^listening on" "$work/server.out" 2>/dev/null && break; sleep 0.1; done
  local base; base=$(sed -n 's/^listening on //p' "$work/server.out")
  local api="$base/api/v1/public/departments/bench/meeting-types/call"
  local slots="$api/slots?date=$wednesday&timezone=Europe/Copenhagen"
  local dates="$api/available-dates?month=$month&timezone=America/New_York"
  # The first request of each kind finds no cached table: it reads the data and computes.
  local slots_cold dates_cold
  slots_cold=$(curl -sf -o /dev/null -w '%{time_total}' "$slots")
  dates_cold=$(curl -sf -o /dev/null -w '%{time_total}' "$dates")
  read -r health_rps health_p99 < <(measure "$base/health")
  read -r slots_rps slots_p99 < <(measure "$slots")
  read -r dates_rps dates_p99 < <(measure "$dates")
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
  local ratio; ratio=$(awk -v a="$slots_rps" -v b="$health_rps" 'BEGIN {printf "%.0f %%", 100 * a / b}')
  echo "| $name | \`/health\` | $health_rps | $health_p99 | |"
  echo "| $name | \`…/slots\` (one day, 50 members) | $slots_rps | $slots_p99 | $ratio of /health; uncached: $(ms "$slots_cold") |"
  echo "| $name | \`…/available-dates\` (one month) | $dates_rps | $dates_p99 | uncached: $(ms "$dates_cold") |"
}

echo "| database | endpoint | requests/s | p99 latency | |"
echo "|---|---|---|---|---|"
bench_backend SQLite "sqlite://$work/bench.db"
if [ -n "${MM_TEST_POSTGRES_URL:-}" ]; then
  psql "$MM_TEST_POSTGRES_URL" -q -c "CREATE DATABASE mm_bench"
  bench_backend PostgreSQL "${MM_TEST_POSTGRES_URL%/*}/mm_bench"
fi

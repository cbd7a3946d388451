#!/usr/bin/env bash
# HTTP load benchmark of the public endpoints on the standard data set (50 members, 4 weeks,
# 6 bookings + 3 busy events per member per working day), with wrk on loopback (16 connections,
# 2 threads) and mm-bench-load for the customers who book:
# - reads alone: one day's slots, a month's available dates, and the slots of 26 days in turn;
# - the same 26 days while customers book into that department at 5 per second;
# - 50 customers at once racing for the first open slots of a 10-member department until 600
#   bookings are made (on PostgreSQL through two server processes), then a count of double
#   bookings in the database, which must be zero.
# Runs on SQLite, and on PostgreSQL when MM_TEST_POSTGRES_URL names a cluster (`just bench` wraps
# this in scripts/with-postgres.sh). Prints Markdown tables.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${BENCH_SECONDS:-10}
connections=16

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
cargo build --release -q -p mm-server -p mm-bench
work=$(mktemp -d /tmp/mm-bench.XXXXXX)
server_pid=
second_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  [ -n "$second_pid" ] && kill "$second_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# Requests per second, p50 and p99 latency of one wrk run, e.g. "41234.5 0.40ms 1.23ms"; extra
# arguments go to wrk (a script).
measure() {
  local url=$1; shift
  wrk -t2 -c"$connections" -d"${duration}s" --latency "$@" "$url" > "$work/wrk.out"
  if grep -q "Non-2xx" "$work/wrk.out"; then echo "non-2xx answers from $url" >&2; cat "$work/wrk.out" >&2; exit 1; fi
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk.out")
  p50=$(awk '$1 == "50%" {print $2}' "$work/wrk.out")
  p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.out")
  echo "$rps $p50 $p99"
}

# Starts a server on the database $1 and prints its base URL; the pid lands in $work/$2.pid.
start_server() {
  MM_DATABASE_URL=$1 MM_BIND=127.0.0.1:0 MM_LOG=warn MM_ADMIN_PASSWORD=bench-admin-password \
    MM_JWT_SECRET=bench-secret-bench-secret-bench-secret MM_PUBLIC_BOOKING_RATE_LIMIT=0 \
    target/release/meeting-manager serve > "$work/$2.out" 2>"$work/$2.err" &
  echo $! > "$work/$2.pid"
  for _ in $(seq 1 100); do grep -q "^listening on" "$work/$2.out" 2>/dev/null && break; sleep 0.1; done
  sed -n 's/^listening on //p' "$work/$2.out"
}

ms() { awk -v s="$1" 'BEGIN {printf "%.1f ms", 1000 * s}'; }

bench_backend() {
  local name=$1 url=$2
  MM_DATABASE_URL=$url target/release/mm-bench-seed > "$work/seed.out"
  local first_day; first_day=$(sed -n 's/^first_day=//p' "$work/seed.out")
  local wednesday; wednesday=$(date -d "$first_day + 9 days" +%F)
  local month; month=$(date -d "$first_day + 14 days" +%Y-%m)
  local path="/api/v1/public/departments/bench/meeting-types/call"
  local slots_path="$path/slots?date=$wednesday&timezone=Europe/Copenhagen"
  local dates_path="$path/available-dates?month=$month&timezone=America/New_York"
  # The first request of each kind, each on a server just started, finds no cached table: it
  # reads the data and computes (a day's slots alone, while its month computes behind it).
  local base dates_cold slots_cold
  base=$(start_server "$url" first)
  dates_cold=$(curl -sf -o /dev/null -w '%{time_total}' "$base$dates_path")
  kill "$(cat "$work/first.pid")"; wait "$(cat "$work/first.pid")" 2>/dev/null || true
  base=$(start_server "$url" first)
  server_pid=$(cat "$work/first.pid")
  slots_cold=$(curl -sf -o /dev/null -w '%{time_total}' "$base$slots_path")
  local api="$base$path"
  local slots="$base$slots_path"
  local dates="$base$dates_path"
  read -r health_rps _ health_p99 < <(measure "$base/health")
  read -r slots_rps _ slots_p99 < <(measure "$slots")
  read -r dates_rps _ dates_p99 < <(measure "$dates")
  # 26 days in turn, alone and then while customers book into the same department.
  local paths="" day
  for n in $(seq 0 25); do
    day=$(date -d "$first_day + $n days" +%F)
    paths+=" ${api#"$base"}/slots?date=$day&timezone=Europe/Copenhagen"
  done
  export MM_BENCH_PATHS=$paths
  read -r days_rps days_p50 days_p99 < <(measure "$base" -s scripts/bench-days.lua)
  target/release/mm-bench-load steady --base "$base" --first-day "$first_day" --rate 5 \
    --seconds "$duration" > "$work/steady.out" &
  local booker=$!
  read -r busy_rps busy_p50 busy_p99 < <(measure "$base" -s scripts/bench-days.lua)
  wait "$booker"
  local steady; steady=$(cat "$work/steady.out")
  # The crowd, through a second process on PostgreSQL.
  local bases=$base
  if [ "$name" = PostgreSQL ]; then
    bases+=",$(start_server "$url" second)"
    second_pid=$(cat "$work/second.pid")
  fi
  local crowd; crowd=$(target/release/mm-bench-load crowd --base "$bases" --first-day "$first_day")
  [ -n "$second_pid" ] && { kill "$second_pid"; wait "$second_pid" 2>/dev/null || true; second_pid=; }
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
  local doubles; doubles=$(MM_DATABASE_URL=$url target/release/mm-bench-load doubles)
  local ratio; ratio=$(awk -v a="$slots_rps" -v b="$health_rps" 'BEGIN {printf "%.0f %%", 100 * a / b}')
  local busy_ratio; busy_ratio=$(awk -v a="$busy_rps" -v b="$days_rps" 'BEGIN {printf "%.0f %%", 100 * a / b}')
  echo "| $name | \`/health\` | $health_rps | $health_p99 | |" >> "$work/reads.md"
  echo "| $name | \`…/slots\` (one day, 50 members) | $slots_rps | $slots_p99 | $ratio of /health; uncached: $(ms "$slots_cold") |" >> "$work/reads.md"
  echo "| $name | \`…/available-dates\` (one month) | $dates_rps | $dates_p99 | uncached: $(ms "$dates_cold") |" >> "$work/reads.md"
  echo "| $name | \`…/slots\` of 26 days in turn, reads alone | $days_rps | $days_p50 | $days_p99 | |" >> "$work/mixed.md"
  echo "| $name | the same while customers book 5/s | $busy_rps | $busy_p50 | $busy_p99 | $busy_ratio of reads alone; bookings: $steady |" >> "$work/mixed.md"
  echo "| $name | $crowd | $doubles |" >> "$work/crowd.md"
}

bench_backend SQLite "sqlite://$work/bench.db"
if [ -n "${MM_TEST_POSTGRES_URL:-}" ]; then
  psql "$MM_TEST_POSTGRES_URL" -q -c "DROP DATABASE IF EXISTS mm_bench" -c "CREATE DATABASE mm_bench"
  bench_backend PostgreSQL "${MM_TEST_POSTGRES_URL%/*}/mm_bench"
fi
echo "| database | endpoint | requests/s | p99 latency | |"
echo "|---|---|---|---|---|"
cat "$work/reads.md"
echo
echo "| database | reads | requests/s | p50 | p99 | |"
echo "|---|---|---|---|---|---|"
cat "$work/mixed.md"
echo
echo "| database | 50 customers booking at once (600 bookings, 10 members) | double bookings |"
echo "|---|---|---|"
cat "$work/crowd.md"

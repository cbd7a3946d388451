#!/usr/bin/env bash
# The soak benchmark: SOAK_MINUTES (default 30) of mixed traffic against a release server on the
# standard data set (SQLite) — four visitors browsing dates and times without pause, a customer
# booking every second, a leader moving a meeting every two seconds, twenty members' iCal feeds
# synced every minute — sampling the server's memory (RSS) and each kind of request's latency
# every 30 s. Writes the samples to target/soak.csv and prints them; the last line compares the
# end of the warm-up (SOAK_WARM_UP_MINUTES, default a sixth of the run) with the end.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${SOAK_MINUTES:-30}
warm_up=${SOAK_WARM_UP_MINUTES:-$((minutes / 6))}
cargo build --release -q -p mm-server -p mm-bench
work=$(mktemp -d /tmp/mm-soak.XXXXXX)
server_pid= feed_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  [ -n "$feed_pid" ] && kill "$feed_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# The members' calendar: a week of busy evenings, served as a real iCal feed on loopback.
mkdir -p "$work/feed"
{
  printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//soak//EN\r\n'
  for d in $(seq 0 27); do
    day=$(date -d "+$d days" +%Y%m%d)
    printf 'BEGIN:VEVENT\r\nUID:soak-%s@example.com\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:%sT180000Z\r\nDTEND:%sT190000Z\r\nSUMMARY:Busy\r\nEND:VEVENT\r\n' "$d" "$day" "$day"
  done
  printf 'END:VCALENDAR\r\n'
} > "$work/feed/calendar.ics"
feed_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$feed_port" --bind 127.0.0.1 --directory "$work/feed" > /dev/null 2>&1 &
feed_pid=$!

url="sqlite://$work/soak.db"
MM_DATABASE_URL=$url target/release/mm-bench-seed > "$work/seed.out"
first_day=$(sed -n 's/^first_day=//p' "$work/seed.out")
MM_DATABASE_URL=$url MM_BIND=127.0.0.1:0 MM_LOG=warn MM_ADMIN_EMAIL=soak@example.com \
  MM_ADMIN_PASSWORD=soak-admin-password MM_JWT_SECRET=soak-secret-soak-secret-soak-secret \
  MM_PUBLIC_BOOKING_RATE_LIMIT=0 MM_ICAL_ALLOW_PRIVATE_HOSTS=1 MM_CALENDAR_SYNC_INTERVAL_SECONDS=60 \
  target/release/meeting-manager serve > "$work/server.out" 2> "$work/server.err" &
server_pid=$!
for _ in $(seq 1 100); do grep -q "^listening on" "$work/server.out" 2>/dev/null && break; sleep 0.1; done
base=$(sed -n 's/^listening on //p' "$work/server.out")
[ -n "$base" ] || { cat "$work/server.err" >&2; exit 1; }

echo "soaking $base for $minutes minutes (pid $server_pid)" >&2
target/release/mm-bench-load soak --base "$base" --first-day "$first_day" --minutes "$minutes" \
  --warm-up-minutes "$warm_up" \
  --pid "$server_pid" --admin-email soak@example.com --admin-password soak-admin-password \
  --feed-url "http://127.0.0.1:$feed_port/calendar.ics" | tee target/soak.csv

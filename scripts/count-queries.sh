#!/usr/bin/env bash
# Counts the SQL statements one public booking costs: starts the server on a fresh SQLite file
# with the demo data, books the first free slot of the demo's "30-min Call" through the public
# API, and counts the `sqlx::query` events logged while that request ran (the background workers
# are slowed down so that nothing else runs meanwhile), and how long its transaction held SQLite's
# write lock.
#   ./scripts/count-queries.sh            # debug build
#   PROFILE=release ./scripts/count-queries.sh
#   VERBOSE=1 ./scripts/count-queries.sh     # and each statement
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${PROFILE:-debug}
if [ "$profile" = release ]; then cargo build -q --release -p mm-server; else cargo build -q -p mm-server; fi
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port/api/v1"
MM_DEMO=1 MM_REMINDER_INTERVAL_SECONDS=3600 MM_DATABASE_URL="sqlite://$work/mm.db" MM_BIND="127.0.0.1:$port" \
  MM_LOG="warn,sqlx::query=trace,mm_store::write_lock=debug" MM_LOG_FORMAT=json \
  "./target/$profile/meeting-manager" serve 2>"$work/log.jsonl" >/dev/null &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -sf "$base/public/departments" >/dev/null && break; sleep 0.2; done
type="$base/public/departments/support/meeting-types/30-min-call"
start=$(python3 - "$type" <<'PY'
import datetime, json, sys, urllib.request
base = sys.argv[1]
get = lambda url: json.load(urllib.request.urlopen(url))
today = datetime.date.today()
for months in range(3):
    month = (today.replace(day=1) + datetime.timedelta(days=32 * months)).strftime("%Y-%m")
    for day in get(f"{base}/available-dates?month={month}")["available_dates"]:
        slots = get(f"{base}/slots?date={day}")["slots"]
        if slots:
            print(slots[0]["start_utc"])
            sys.exit(0)
sys.exit("no free slot in three months")
PY
)
body=$(printf '{"department_slug":"support","meeting_slug":"30-min-call","start_utc":"%s","customer_name":"Query Count","customer_email":"count@example.com","customer_phone":"+4512345678"}' "$start")
sleep 1
before=$(wc -l <"$work/log.jsonl")
curl -sf -X POST -H 'Content-Type: application/json' -d "$body" "$base/public/bookings" >/dev/null
sleep 0.5
python3 - "$work/log.jsonl" "$before" <<'PY'
import json, os, sys
count = 0
kinds = {}
held = []
for line in open(sys.argv[1]).readlines()[int(sys.argv[2]):]:
    try:
        event = json.loads(line)
    except ValueError:
        continue
    if event.get("target") == "mm_store::write_lock":
        held.append(int(event.get("fields", {}).get("held_us", 0)))
    if event.get("target") != "sqlx::query":
        continue
    count += 1
    summary = event.get("fields", {}).get("summary", "?")
    if os.environ.get("VERBOSE"):
        print(summary)
    statement = summary.split()[0].upper()
    kinds[statement] = kinds.get(statement, 0) + 1
print(f"one public booking: {count} SQL statements", dict(sorted(kinds.items())))
if held:
    print(f"write lock held: {', '.join(f'{us / 1000:.2f} ms' for us in held)}")
PY

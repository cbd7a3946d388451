#!/usr/bin/env bash
# Fuzzes the whole API (public and staff) from openapi/openapi.json with schemathesis (PyPI)
# against a debug server on a fresh SQLite database with the demo data, signed in as a System
# Manager. It fails on any server error (5xx); with `--all-checks` every contract check runs and
# is reported (the description's exactness is the integrator issue's work).
#
#   ./scripts/fuzz-api.sh               # server errors only, about 2 minutes
#   MAX_EXAMPLES=200 ./scripts/fuzz-api.sh --all-checks
set -euo pipefail
cd "$(dirname "$0")/.."
checks="not_a_server_error"
if [ "${1:-}" = "--all-checks" ]; then checks="all"; fi
command -v st >/dev/null || python3 -m pip install -q 'schemathesis>=4,<5'
cargo build -q -p mm-server

dir=$(mktemp -d /tmp/mm-fuzz.XXXXXX)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$dir"' EXIT
# Limits off: a fuzzer is one client repeating everything.
MM_DATABASE_URL="sqlite://$dir/fuzz.db" MM_BIND=127.0.0.1:0 MM_DEMO=1 \
  MM_JWT_SECRET="fuzz-secret-fuzz-secret-fuzz-secret-0123" \
  MM_ADMIN_EMAIL=admin@example.com MM_ADMIN_PASSWORD=fuzz-password-1 \
  MM_PUBLIC_BOOKING_RATE_LIMIT=0 MM_PUBLIC_CHANGE_RATE_LIMIT=0 \
  MM_SIGN_IN_LIMIT=1000000 MM_SIGN_IN_LIMIT_PER_ADDRESS=1000000 MM_LINK_FAILURE_LIMIT=1000000 \
  MM_LOG=error ./target/debug/meeting-manager serve >"$dir/out" 2>"$dir/log" &
server=$!
for _ in $(seq 600); do grep -q "listening on" "$dir/out" 2>/dev/null && break; sleep 0.1; done
base=$(sed -n 's/^listening on //p' "$dir/out")
token=$(curl -sf "$base/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"email":"admin@example.com","password":"fuzz-password-1"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

# Signing out would end the fuzzer's own session: that one operation is left out.
status=0
st run openapi/openapi.json --url "$base" -H "Authorization: Bearer $token" \
  --checks "$checks" --max-examples "${MAX_EXAMPLES:-50}" --workers 2 \
  --exclude-path /api/v1/auth/logout --suppress-health-check all \
  --continue-on-failure --request-timeout 30 --seed "${SEED:-1}" || status=$?
if grep -q "request failed" "$dir/log"; then
  echo "the server logged internal errors:"; grep "request failed" "$dir/log" | head -20
  exit 1
fi
exit $status

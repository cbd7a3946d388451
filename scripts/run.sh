#!/usr/bin/env bash
# `just run`: builds the server and the web apps and starts the app on embedded SQLite with demo
# data. The server's release build needs only the machine's Rust, so it starts at once in the
# background while the WASM toolchain is installed and the web apps are built: on two cores the
# two builds fill each other's idle time (linking, the one-crate tails). Progress is printed as
# it goes; the server's compiler output is in target/run-server-build.log.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
elapsed() { printf '%dm%02ds' $(((SECONDS - started) / 60)) $(((SECONDS - started) % 60)); }
mkdir -p target
log=target/run-server-build.log
echo "==> [$(elapsed)] building the server (release) in the background; log: $log"
cargo build --release --locked -p mm-server > "$log" 2>&1 &
server_build=$!
trap 'kill "$server_build" 2>/dev/null || true' EXIT
echo "==> [$(elapsed)] installing what is missing (WASM toolchain)"
./scripts/bootstrap.sh run
echo "==> [$(elapsed)] building the web apps"
./scripts/build-frontend.sh
echo "==> [$(elapsed)] web apps built; waiting for the server build ($(grep -c '^ *Compiling' "$log" || true) crates compiled so far)"
if ! wait "$server_build"; then
  tail -n 40 "$log" >&2
  echo "the server did not build (whole log: $log)" >&2
  exit 1
fi
trap - EXIT
echo "==> [$(elapsed)] built; starting"
bind=${MM_BIND:-127.0.0.1:8080}
echo "Book a demo meeting at http://$bind/book"
echo "Staff app at http://$bind/admin : admin@example.com / meeting-manager (demo members: e.g. anna.jensen@example.com / demo-password); API reference at /api/docs/"
exec env MM_DEMO=1 MM_ADMIN_EMAIL=admin@example.com MM_ADMIN_PASSWORD=meeting-manager \
  MM_DATABASE_URL="${MM_DATABASE_URL:-sqlite://data/meeting-manager.db}" MM_BIND="$bind" \
  ./target/release/meeting-manager serve

#!/usr/bin/env bash
# Builds what the container image ships and lays it out in DEST (default target/image):
#   DEST/meeting-manager      the server, release build
#   DEST/frontend/dist/       the web apps, built as `just frontend` builds them
# then starts the laid-out server on a scratch SQLite file and checks that it answers `/ready`
# and serves both apps. The Dockerfile's build stage runs this script, and so does CI (`just
# test`), so the image's build is exercised where no container engine runs.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=$(realpath -m "${1:-target/image}")
scripts/install-wasm-bindgen.sh
echo "building the web apps"
scripts/build-frontend.sh
echo "building the server (release)"
cargo build --release --locked -p mm-server
rm -rf "$dest" && mkdir -p "$dest/frontend"
cp target/release/meeting-manager "$dest/"
cp -r frontend/dist "$dest/frontend/dist"

echo "checking the layout"
scratch=$(mktemp -d)
trap 'kill "$server" 2>/dev/null; rm -rf "$scratch"' EXIT
# `exec`: the background job is the server itself, which the trap then stops.
(cd "$scratch" && exec env MM_DATABASE_URL="sqlite://$scratch/check.db" MM_BIND=127.0.0.1:0 \
  MM_LOG=warn MM_STATIC_DIR="$dest/frontend/dist" "$dest/meeting-manager" serve \
  > "$scratch/out" 2> "$scratch/err") &
server=$!
for _ in $(seq 100); do grep -q '^listening on' "$scratch/out" 2>/dev/null && break; sleep 0.2; done
base=$(sed -n 's/^listening on //p' "$scratch/out")
[ -n "$base" ] || { echo "the built server did not start:" >&2; cat "$scratch/err" >&2; exit 1; }
curl -fsS "$base/ready" >/dev/null
curl -fsS "$base/book" | grep -q wizard-boot.js
curl -fsS "$base/admin" | grep -q staff-boot.js
echo "built $dest: $(du -sh "$dest" | cut -f1) ($("$dest/meeting-manager" --version))"

#!/usr/bin/env bash
# Builds the Leptos apps (the wizard and the staff app, one WASM each) into frontend/dist with
# Debian's Rust and build-std: `just frontend`, and the container image's build, run this.
# On a machine with rustup, Debian's compiler is the linked `debian-web` toolchain; in the image's
# build stage, where Debian's Rust is the only one, it is plain `cargo`. FRONTEND_PROFILE=quick
# (what `just run` uses) builds faster and downloads larger; see frontend/Cargo.toml.
set -euo pipefail
cd "$(dirname "$0")/../frontend"
if command -v rustup >/dev/null; then wasm_cargo=(cargo +debian-web); else wasm_cargo=(cargo); fi
profile=${FRONTEND_PROFILE:-release}
RUSTC_BOOTSTRAP=1 "${wasm_cargo[@]}" build --profile "$profile" --target wasm32-unknown-unknown --bins
rm -rf dist && mkdir -p dist
for app in wizard staff; do
  wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
    --out-dir dist "target/wasm32-unknown-unknown/$profile/$app.wasm"
done
cp index.html admin.html wizard-boot.js staff-boot.js style.css dist/

#!/usr/bin/env bash
# Installs wasm-bindgen-cli when the one on PATH is not the version frontend/Cargo.toml pins with
# `=` (the two must be equal). bootstrap.sh and build-release.sh (the image's build) call this.
# A tool run a few times per build needs little optimisation: opt-level 1 compiles it faster, and
# without its default features it leaves out TLS (rustls and ring), which only its test runner's
# downloads use. Not `--locked`: its lock file names a webpki-roots release the registry no
# longer serves.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' frontend/Cargo.toml)
if ! wasm-bindgen --version 2>/dev/null | grep -q "$version"; then
  echo "==> installing wasm-bindgen-cli $version"
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 cargo install wasm-bindgen-cli --version "$version" \
    --no-default-features
fi

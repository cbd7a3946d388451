#!/usr/bin/env bash
# Installs what building and testing need on a fresh Debian machine: PostgreSQL, aiosmtpd, Chromium, Debian's
# WASM-capable Rust (rustc-web + std sources + lld + clippy), `just`, `wasm-bindgen-cli` and nextest.
set -euo pipefail
need_apt=()
command -v psql >/dev/null || need_apt+=(postgresql)
# The browser tests' Chromium and its WebDriver.
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
# The tests' SMTP server.
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || need_apt+=(python3-aiosmtpd)
[ -x /usr/bin/rustc ] && /usr/bin/rustc --version | grep -q '1\.9[6-9]\|1\.[1-9][0-9][0-9]' || need_apt+=(rustc-web cargo-web)
[ -d /usr/lib/rustlib/src/rust ] || need_apt+=(rust-web-src)
command -v lld-22 >/dev/null || [ -x /usr/lib/llvm-22/bin/lld ] || need_apt+=(lld-22)
# Lints the frontend with the same compiler that builds it.
[ -x /usr/bin/clippy-driver ] || need_apt+=(rust-web-clippy)
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
rustup toolchain list | grep -q '^debian-web' || rustup toolchain link debian-web /usr
command -v just >/dev/null || cargo install just --locked
# wasm-bindgen-cli must equal the crate, which frontend/Cargo.toml pins with `=`.
wb_version=$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' frontend/Cargo.toml)
if ! wasm-bindgen --version 2>/dev/null | grep -q "$wb_version"; then
  cargo install wasm-bindgen-cli --version "$wb_version"
fi
command -v cargo-nextest >/dev/null || cargo install cargo-nextest --locked

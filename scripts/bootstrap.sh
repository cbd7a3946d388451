#!/usr/bin/env bash
# Installs what is missing on a fresh Debian machine. `bootstrap.sh run`: only what building and
# starting the app needs (Debian's WASM-capable Rust: rustc-web + std sources + lld, and
# `wasm-bindgen-cli`). Without an argument: everything the tests need too (PostgreSQL, aiosmtpd,
# Chromium and ChromeDriver, clippy for the WASM build, nextest).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-test}
need_apt=()
if [ "$mode" != run ]; then
  command -v psql >/dev/null || need_apt+=(postgresql)
  # The browser tests' Chromium and its WebDriver.
  [ -x /usr/bin/chromium ] || need_apt+=(chromium)
  command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
  # The tests' SMTP server.
  /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || need_apt+=(python3-aiosmtpd)
  # Lints the frontend with the same compiler that builds it.
  [ -x /usr/bin/clippy-driver ] || need_apt+=(rust-web-clippy)
fi
[ -x /usr/bin/rustc ] && /usr/bin/rustc --version | grep -q '1\.9[6-9]\|1\.[1-9][0-9][0-9]' || need_apt+=(rustc-web cargo-web)
[ -d /usr/lib/rustlib/src/rust ] || need_apt+=(rust-web-src)
command -v lld-22 >/dev/null || [ -x /usr/lib/llvm-22/bin/lld ] || need_apt+=(lld-22)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "==> installing Debian packages: ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
rustup toolchain list | grep -q '^debian-web' || rustup toolchain link debian-web /usr
command -v just >/dev/null || cargo install just --locked
./scripts/install-wasm-bindgen.sh
if [ "$mode" != run ]; then
  command -v cargo-nextest >/dev/null || cargo install cargo-nextest --locked
fi

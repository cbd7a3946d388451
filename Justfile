# Meeting Manager — the few recipes a person types. `just run` and `just test` are the two that matter.

set shell := ["bash", "-euo", "pipefail", "-c"]

# Build everything and start the app with demo data on embedded SQLite, printing progress.
run:
    ./scripts/run.sh

# Everything CI checks: formatting and lints (the WASM frontend's too), the frontend build, unit and
# black-box tests on SQLite and PostgreSQL, browser tests, the server against its own OpenAPI
# contract (schemathesis, every check, both security schemes), and the container image's build.
test: bootstrap
    cargo fmt --all --check
    cargo clippy --all-targets -- -D warnings
    cd frontend && cargo fmt --check
    cd frontend && RUSTC_BOOTSTRAP=1 cargo +debian-web clippy --release --target wasm32-unknown-unknown --bins -- -D warnings
    just frontend
    cargo build -p mm-server
    ./scripts/with-postgres.sh cargo nextest run --workspace --no-fail-fast
    ./scripts/fuzz-api.sh
    ./scripts/build-release.sh

# The container image (needs a Docker engine): the same build as `scripts/build-release.sh`.
image:
    docker build -t meeting-manager .

# Install what is missing (Debian packages, WASM toolchain, just, wasm-bindgen, nextest).
bootstrap:
    ./scripts/bootstrap.sh

# Build the Leptos apps (the wizard and the staff app, one WASM each) to frontend/dist with
# Debian's Rust and build-std.
frontend:
    ./scripts/build-frontend.sh

# Regenerate the committed OpenAPI description.
openapi:
    cargo run -q -p mm-server -- openapi > openapi/openapi.json

# Benchmarks of the README's "Performance" section: the engine (criterion), then the public
# endpoints under wrk, and customers booking under load, on SQLite and PostgreSQL. Takes about
# six minutes.
bench: bootstrap
    cargo bench -p mm-bench --bench engine
    ./scripts/with-postgres.sh ./scripts/bench-http.sh

# Half an hour of mixed traffic (browsing, booking, staff moves, iCal syncs) sampling the server's
# memory and latencies: target/soak.csv. SOAK_MINUTES=5 for a shorter run.
bench-soak: bootstrap
    ./scripts/bench-soak.sh

# The web app in headless Chromium: download size, time to the first page, each step's answer.
bench-web: bootstrap frontend
    cargo build --release -q -p mm-server
    cargo run --release -q -p mm-blackbox-tests --example web_bench

# The staff app in headless Chromium: its download and a 20-member department's week on screen.
bench-staff: bootstrap frontend
    cargo build --release -q -p mm-server
    cargo run --release -q -p mm-blackbox-tests --example staff_bench

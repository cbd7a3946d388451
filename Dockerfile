# The Meeting Manager image: the server and both web apps, built by scripts/build-release.sh (the
# same script CI runs, with the same recipe as `just frontend`), shipped on a small Debian as a
# non-root user. `docker compose up` builds and runs it on PostgreSQL with a mail catcher.

# Debian's Rust is the one that builds the WASM apps (build-std from rust-web-src, linked by
# lld); it builds the server too.
FROM debian:bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      rustc-web cargo-web rust-web-src lld-22 gcc libc6-dev ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*
ENV PATH=/root/.cargo/bin:$PATH
WORKDIR /src
COPY . .
RUN scripts/build-release.sh /out

FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin meeting-manager \
 && mkdir -p /app/data && chown meeting-manager /app/data
COPY --from=build /out/ /app/
WORKDIR /app
USER meeting-manager
# SQLite in the volume unless MM_DATABASE_URL names PostgreSQL; secrets come from the
# environment (see .env.example), never from the image.
ENV MM_BIND=0.0.0.0:8080 \
    MM_STATIC_DIR=/app/frontend/dist \
    MM_DATABASE_URL=sqlite:///app/data/meeting-manager.db
VOLUME /app/data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/ready || exit 1
ENTRYPOINT ["/app/meeting-manager"]
CMD ["serve"]

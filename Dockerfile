# The Yui API as a container image.
#
#   docker build -t yui .
#   docker run -p 8080:8080 -v yui-data:/data yui                          # SQLite in /data
#   docker run -p 8080:8080 -e DATABASE_URL=postgres://… -e YUI_JWT_SECRET=… yui
#
# docker-compose.yml runs it with PostgreSQL; docs/operations.md has the details.

# --- build ---------------------------------------------------------------------
FROM rust:1.95-bookworm AS build

# pq-sys's `bundled` feature compiles libpq from source and links it against the
# system OpenSSL (headers from libssl-dev, found through pkg-config). SQLite is
# compiled in from source by libsqlite3-sys's `bundled` feature: no package needed,
# and so is jemalloc, the binary's allocator, by tikv-jemalloc-sys (with the C
# compiler and `make` the rust image has; its settings come from .cargo/config.toml).
# The rust image already ships both packages; naming them keeps the build honest.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libssl-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
# The whole workspace: migrations/ is embedded into the binary at compile time, and
# the root package's manifest may name targets under tests/.
COPY . .
RUN cargo build --release --locked --bin yui \
    && install -m 0755 target/release/yui /usr/local/bin/yui

# --- runtime -------------------------------------------------------------------
FROM debian:bookworm-slim

# libssl3: the bundled libpq links OpenSSL dynamically (TLS to PostgreSQL).
# ca-certificates: to verify the server's certificate with `sslmode=verify-full`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates libssl3 \
    && rm -rf /var/lib/apt/lists/*

# An unprivileged user with a fixed numeric id (so `runAsNonRoot` and volume
# permissions can be checked). /data holds the SQLite database and the generated
# JWT secret; it is created owned by `yui` so that a fresh named volume is, too.
RUN groupadd --system --gid 10001 yui \
    && useradd --system --uid 10001 --gid yui --home-dir /data --no-create-home \
       --shell /usr/sbin/nologin yui \
    && mkdir /data \
    && chown yui:yui /data \
    && chmod 0700 /data

COPY --from=build /usr/local/bin/yui /usr/local/bin/yui

USER 10001:10001
WORKDIR /data

# NO_COLOR: container logs go to files and collectors, not a terminal; without it
# the log lines carry ANSI colour codes.
ENV YUI_DATA_DIR=/data \
    YUI_BIND=0.0.0.0:8080 \
    NO_COLOR=1
VOLUME ["/data"]
EXPOSE 8080

# No HEALTHCHECK: the image has no curl or wget. Let the orchestrator probe
# GET /healthz (liveness) and GET /readyz (database reachable; 503 otherwise).
ENTRYPOINT ["yui"]
CMD ["serve"]

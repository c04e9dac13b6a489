-- API keys: machine credentials of a centre or a client organisation, acting as the
-- person who created them narrowed to their scopes. Only the SHA-256 of the secret
-- is kept; `prefix` (the first characters of the key) tells keys apart in lists.
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    center_id TEXT REFERENCES centers (id),
    organization_id TEXT REFERENCES organizations (id),
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP,
    CHECK ((center_id IS NULL) <> (organization_id IS NULL))
);
CREATE INDEX api_keys_center_idx ON api_keys (center_id, id);
CREATE INDEX api_keys_organization_idx ON api_keys (organization_id, id);

-- Requests per caller per fixed one-minute window, counted with one atomic upsert
-- so every API instance on the database shares the budget.
CREATE TABLE rate_limit_counters (
    caller TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits INTEGER NOT NULL,
    PRIMARY KEY (caller, window_start)
);
CREATE INDEX rate_limit_counters_window_idx ON rate_limit_counters (window_start);

-- Idempotency keys: the first request under a key claims the row (`running`, until
-- `locked_until`), then stores its response (`done`) for 24 hours.
CREATE TABLE idempotency_records (
    caller TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('running', 'done')),
    locked_until TIMESTAMP NOT NULL,
    status_code INTEGER,
    headers TEXT,
    body BYTEA,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (caller, idempotency_key)
);
CREATE INDEX idempotency_records_created_idx ON idempotency_records (created_at);

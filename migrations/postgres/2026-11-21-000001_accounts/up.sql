-- Accounts and tenancy: centres, client organisations, users, sessions, invitations.
-- Ids are UUIDv7 stored as text (portable across both engines); timestamps are UTC.

CREATE TABLE centers (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    time_zone TEXT NOT NULL,
    currency TEXT NOT NULL,
    minimum_hourly_rate BIGINT NOT NULL CHECK (minimum_hourly_rate >= 0),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE organizations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'director', 'worker', 'client')),
    center_id TEXT REFERENCES centers (id),
    organization_id TEXT REFERENCES organizations (id),
    active BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (
        (role = 'client' AND organization_id IS NOT NULL AND center_id IS NULL)
        OR (role <> 'client' AND center_id IS NOT NULL AND organization_id IS NULL)
    )
);
CREATE INDEX users_center_idx ON users (center_id, id);
CREATE INDEX users_organization_idx ON users (organization_id, id);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id),
    created_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

CREATE TABLE login_failures (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    address TEXT NOT NULL,
    failed_at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_email_idx ON login_failures (email, failed_at);
CREATE INDEX login_failures_address_idx ON login_failures (address, failed_at);

CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'director', 'worker', 'client')),
    center_id TEXT REFERENCES centers (id),
    organization_id TEXT REFERENCES organizations (id),
    invited_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    CHECK (
        (role = 'client' AND organization_id IS NOT NULL AND center_id IS NULL)
        OR (role <> 'client' AND center_id IS NOT NULL AND organization_id IS NULL)
    )
);
CREATE INDEX invitations_center_idx ON invitations (center_id, id);
CREATE INDEX invitations_organization_idx ON invitations (organization_id, id);

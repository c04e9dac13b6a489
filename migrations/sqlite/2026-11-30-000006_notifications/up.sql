-- Notifications: the recipient's language, verified e-mail addresses, single-use
-- account tokens (e-mail verification, password reset), per-user notice
-- preferences, the transactional outbox and the housekeeping schedule.
ALTER TABLE users ADD COLUMN locale TEXT NOT NULL DEFAULT 'ja' CHECK (locale IN ('ja', 'en'));
ALTER TABLE users ADD COLUMN email_verified_at TIMESTAMP;
ALTER TABLE invitations ADD COLUMN locale TEXT NOT NULL DEFAULT 'ja' CHECK (locale IN ('ja', 'en'));

CREATE TABLE account_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX account_tokens_user_idx ON account_tokens (user_id, purpose);

CREATE TABLE notice_preferences (
    user_id TEXT NOT NULL REFERENCES users (id),
    notice TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    delivery TEXT NOT NULL CHECK (delivery IN ('immediately', 'daily_digest')),
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, notice)
);

-- One row per message to the outside, written in the transaction that causes it.
-- `pending` rows are sent by the dispatcher (claimed until `locked_until`), `held`
-- rows wait for their recipient's daily digest (then `digested`); `sent`, `dead` (gave up after
-- retries) and `dropped` (the transport is off) are final.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    recipient_user_id TEXT REFERENCES users (id),
    recipient TEXT NOT NULL,
    locale TEXT NOT NULL CHECK (locale IN ('ja', 'en')),
    template TEXT NOT NULL,
    data TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'held', 'digested', 'sent', 'dead', 'dropped')),
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due_idx ON outbox (status, next_attempt_at);
CREATE INDEX outbox_recipient_idx ON outbox (recipient_user_id, status);

-- When each periodic job last ran; claimed with compare-and-set, so among several
-- dispatchers exactly one runs each job each time it is due.
CREATE TABLE housekeeping_runs (
    job TEXT PRIMARY KEY,
    last_run_at TIMESTAMP NOT NULL
);

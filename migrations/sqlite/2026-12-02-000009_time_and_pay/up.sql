-- Time logs and pay: what workers logged on their tasks, their dated hourly rates,
-- and the centre's dated minimum wages.

-- The most minutes a worker may log on one of the centre's calendar days.
ALTER TABLE centers ADD COLUMN max_daily_minutes INTEGER NOT NULL DEFAULT 480
    CHECK (max_daily_minutes BETWEEN 1 AND 1440);

-- Minimum hourly wages from a day on (a new regional minimum each autumn); before
-- the first, the centre's `minimum_hourly_rate` (the one it was opened with).
CREATE TABLE minimum_wages (
    center_id TEXT NOT NULL REFERENCES centers (id),
    effective_from TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
    currency TEXT NOT NULL,
    set_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (center_id, effective_from)
);

-- Each worker's hourly rate from a day on; without one, the minimum in force.
CREATE TABLE pay_rates (
    worker_id TEXT NOT NULL REFERENCES users (id),
    effective_from TEXT NOT NULL,
    center_id TEXT NOT NULL REFERENCES centers (id),
    amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
    currency TEXT NOT NULL,
    set_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (worker_id, effective_from)
);
CREATE INDEX pay_rates_center_idx ON pay_rates (center_id);

-- The rates saved on profiles so far become each worker's first dated rate.
INSERT INTO pay_rates (worker_id, effective_from, center_id, amount_minor, currency, set_by, created_at)
SELECT worker_id, '2000-01-01', center_id, hourly_rate, currency, NULL, updated_at FROM worker_profiles;
ALTER TABLE worker_profiles DROP COLUMN hourly_rate;
ALTER TABLE worker_profiles DROP COLUMN currency;

-- Spans of time a worker logged on a task: `running` while the timer runs (no end
-- yet), then `pending` until a director approves or rejects it. An adjustment
-- keeps the worker's original times and the reason.
CREATE TABLE time_entries (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    worker_id TEXT NOT NULL REFERENCES users (id),
    job_id TEXT NOT NULL REFERENCES jobs (id),
    task_id TEXT NOT NULL REFERENCES tasks (id),
    started_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP,
    minutes BIGINT,
    note TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running', 'pending', 'approved', 'rejected')),
    original_started_at TIMESTAMP,
    original_ended_at TIMESTAMP,
    adjustment_reason TEXT,
    adjusted_by TEXT REFERENCES users (id),
    rejection_reason TEXT,
    decided_by TEXT REFERENCES users (id),
    decided_at TIMESTAMP,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((status = 'running') = (ended_at IS NULL)),
    CHECK ((ended_at IS NULL) = (minutes IS NULL)),
    CHECK (ended_at IS NULL OR ended_at > started_at)
);
-- One running timer per worker.
CREATE UNIQUE INDEX time_entries_one_timer_idx ON time_entries (worker_id) WHERE status = 'running';
CREATE INDEX time_entries_worker_idx ON time_entries (worker_id, started_at);
CREATE INDEX time_entries_job_idx ON time_entries (job_id, id);
CREATE INDEX time_entries_task_idx ON time_entries (task_id, id);
-- The dashboard's time waiting for approval.
CREATE INDEX time_entries_center_status_idx ON time_entries (center_id, status);

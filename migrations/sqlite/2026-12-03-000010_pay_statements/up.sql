-- Earnings statements: monthly pay periods closed by directors, each worker's
-- statement frozen at closing, and the approved time each statement paid.

-- The day each pay period closes on (1–28, or 31 for the month's end), and whether
-- withholding is computed for the workers marked for it.
ALTER TABLE centers ADD COLUMN closing_day INTEGER NOT NULL DEFAULT 31
    CHECK (closing_day BETWEEN 1 AND 28 OR closing_day = 31);
ALTER TABLE centers ADD COLUMN withholding_enabled BOOLEAN NOT NULL DEFAULT FALSE;

-- Workers paid as contractors, whose fees are withheld on (when the centre turns it on).
CREATE TABLE worker_withholding (
    worker_id TEXT PRIMARY KEY REFERENCES users (id),
    center_id TEXT NOT NULL REFERENCES centers (id),
    withheld BOOLEAN NOT NULL,
    updated_by TEXT NOT NULL REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL
);

-- Closed pay periods (`YYYY-MM`, the month they close in); open ones have no row.
CREATE TABLE pay_periods (
    center_id TEXT NOT NULL REFERENCES centers (id),
    period TEXT NOT NULL,
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL,
    closed_by TEXT NOT NULL REFERENCES users (id),
    closed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (center_id, period)
);

-- A worker's statement of a closed period, frozen: its lines (with the job and task
-- titles of the day) as JSON, and the totals.
CREATE TABLE pay_statements (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL,
    period TEXT NOT NULL,
    worker_id TEXT NOT NULL REFERENCES users (id),
    display_name TEXT NOT NULL,
    minutes BIGINT NOT NULL,
    exact_sixtieths BIGINT NOT NULL,
    gross BIGINT NOT NULL,
    withholding BIGINT NOT NULL,
    net BIGINT NOT NULL,
    currency TEXT NOT NULL,
    lines TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (center_id, period, worker_id),
    FOREIGN KEY (center_id, period) REFERENCES pay_periods (center_id, period)
);

-- The statement that paid an approved entry (none yet: not paid).
ALTER TABLE time_entries ADD COLUMN statement_id TEXT;
CREATE INDEX time_entries_unpaid_idx ON time_entries (center_id, status, statement_id);

DROP TABLE time_entries;
-- SQLite cannot add a NOT NULL column without a default: the profiles table is
-- rebuilt as it was, with the rate in force today (else the centre's starting
-- minimum), and its index and triggers recreated.
CREATE TABLE worker_profiles_restored (
    worker_id TEXT PRIMARY KEY REFERENCES users (id),
    center_id TEXT NOT NULL REFERENCES centers (id),
    work_modes TEXT NOT NULL,
    hourly_rate BIGINT NOT NULL CHECK (hourly_rate >= 0),
    currency TEXT NOT NULL,
    weekly_cap_minutes INTEGER NOT NULL CHECK (weekly_cap_minutes BETWEEN 0 AND 10080),
    daily_cap_minutes INTEGER NOT NULL CHECK (daily_cap_minutes BETWEEN 0 AND 1440),
    time_zone TEXT NOT NULL,
    accommodations TEXT NOT NULL,
    public_name TEXT,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO worker_profiles_restored
SELECT p.worker_id, p.center_id, p.work_modes,
    COALESCE((SELECT r.amount_minor FROM pay_rates r WHERE r.worker_id = p.worker_id
        AND r.effective_from <= date('now') ORDER BY r.effective_from DESC LIMIT 1), c.minimum_hourly_rate),
    c.currency, p.weekly_cap_minutes, p.daily_cap_minutes, p.time_zone, p.accommodations, p.public_name,
    p.updated_at
FROM worker_profiles p JOIN centers c ON c.id = p.center_id;
DROP TABLE worker_profiles;
ALTER TABLE worker_profiles_restored RENAME TO worker_profiles;
CREATE INDEX worker_profiles_center_idx ON worker_profiles (center_id);
CREATE TRIGGER worker_profiles_roster_insert AFTER INSERT ON worker_profiles
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = NEW.center_id;
END;
CREATE TRIGGER worker_profiles_roster_update AFTER UPDATE ON worker_profiles
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = NEW.center_id;
END;
CREATE TRIGGER worker_profiles_roster_delete AFTER DELETE ON worker_profiles
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = OLD.center_id;
END;
DROP TABLE pay_rates;
DROP TABLE minimum_wages;
ALTER TABLE centers DROP COLUMN max_daily_minutes;

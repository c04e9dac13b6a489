DROP TABLE time_entries;
-- Profiles get back the rate in force today (else the centre's starting minimum).
ALTER TABLE worker_profiles ADD COLUMN hourly_rate BIGINT CHECK (hourly_rate >= 0);
ALTER TABLE worker_profiles ADD COLUMN currency TEXT;
UPDATE worker_profiles SET
    hourly_rate = COALESCE((SELECT r.amount_minor FROM pay_rates r WHERE r.worker_id = worker_profiles.worker_id
        AND r.effective_from <= to_char(now(), 'YYYY-MM-DD') ORDER BY r.effective_from DESC LIMIT 1),
        (SELECT c.minimum_hourly_rate FROM centers c WHERE c.id = worker_profiles.center_id)),
    currency = (SELECT c.currency FROM centers c WHERE c.id = worker_profiles.center_id);
ALTER TABLE worker_profiles ALTER COLUMN hourly_rate SET NOT NULL;
ALTER TABLE worker_profiles ALTER COLUMN currency SET NOT NULL;
DROP TABLE pay_rates;
DROP TABLE minimum_wages;
ALTER TABLE centers DROP COLUMN max_daily_minutes;

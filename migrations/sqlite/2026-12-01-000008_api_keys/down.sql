DROP TABLE idempotency_records;
DROP TABLE rate_limit_counters;
DROP TABLE api_keys;

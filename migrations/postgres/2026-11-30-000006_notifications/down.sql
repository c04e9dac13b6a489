DROP TABLE housekeeping_runs;
DROP TABLE outbox;
DROP TABLE notice_preferences;
DROP TABLE account_tokens;
ALTER TABLE invitations DROP COLUMN locale;
ALTER TABLE users DROP COLUMN email_verified_at;
ALTER TABLE users DROP COLUMN locale;

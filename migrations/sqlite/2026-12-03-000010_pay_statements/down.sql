DROP INDEX time_entries_unpaid_idx;
ALTER TABLE time_entries DROP COLUMN statement_id;
DROP TABLE pay_statements;
DROP TABLE pay_periods;
DROP TABLE worker_withholding;
ALTER TABLE centers DROP COLUMN withholding_enabled;
ALTER TABLE centers DROP COLUMN closing_day;

-- Each worker's committed minutes (the estimates of their unfinished assigned tasks)
-- kept in one row, so ranking candidates reads one row per worker instead of
-- summing their tasks (docs/benchmarks.md). The triggers below keep it equal to
-- that sum in the same transaction as every write to tasks, whatever code path
-- writes; the test harness checks the equality after every end-to-end test.
CREATE TABLE worker_commitments (
    worker_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    committed_minutes BIGINT NOT NULL CHECK (committed_minutes >= 0)
);
INSERT INTO worker_commitments (worker_id, committed_minutes)
SELECT assignee_id, SUM(estimated_minutes) FROM tasks
WHERE assignee_id IS NOT NULL AND status IN ('assigned', 'in_progress', 'changes_requested')
GROUP BY assignee_id;

-- The status lists are yui_store::tasks::COMMITTED (a unit test checks them).
CREATE TRIGGER tasks_commitment_insert AFTER INSERT ON tasks
WHEN NEW.assignee_id IS NOT NULL AND NEW.status IN ('assigned', 'in_progress', 'changes_requested')
BEGIN
    INSERT INTO worker_commitments (worker_id, committed_minutes) VALUES (NEW.assignee_id, NEW.estimated_minutes)
    ON CONFLICT (worker_id) DO UPDATE SET committed_minutes = committed_minutes + excluded.committed_minutes;
END;

-- An update takes the old commitment off (if there was one) and puts the new one
-- on (if there is one); both fire only when a column they read changed.
CREATE TRIGGER tasks_commitment_update_off AFTER UPDATE OF assignee_id, status, estimated_minutes ON tasks
WHEN OLD.assignee_id IS NOT NULL AND OLD.status IN ('assigned', 'in_progress', 'changes_requested')
 AND (NEW.assignee_id IS NOT OLD.assignee_id OR NEW.status IS NOT OLD.status
      OR NEW.estimated_minutes IS NOT OLD.estimated_minutes)
BEGIN
    UPDATE worker_commitments SET committed_minutes = committed_minutes - OLD.estimated_minutes
    WHERE worker_id = OLD.assignee_id;
END;
CREATE TRIGGER tasks_commitment_update_on AFTER UPDATE OF assignee_id, status, estimated_minutes ON tasks
WHEN NEW.assignee_id IS NOT NULL AND NEW.status IN ('assigned', 'in_progress', 'changes_requested')
 AND (NEW.assignee_id IS NOT OLD.assignee_id OR NEW.status IS NOT OLD.status
      OR NEW.estimated_minutes IS NOT OLD.estimated_minutes)
BEGIN
    INSERT INTO worker_commitments (worker_id, committed_minutes) VALUES (NEW.assignee_id, NEW.estimated_minutes)
    ON CONFLICT (worker_id) DO UPDATE SET committed_minutes = committed_minutes + excluded.committed_minutes;
END;

CREATE TRIGGER tasks_commitment_delete AFTER DELETE ON tasks
WHEN OLD.assignee_id IS NOT NULL AND OLD.status IN ('assigned', 'in_progress', 'changes_requested')
BEGIN
    UPDATE worker_commitments SET committed_minutes = committed_minutes - OLD.estimated_minutes
    WHERE worker_id = OLD.assignee_id;
END;

-- Each worker's committed minutes (the estimates of their unfinished assigned tasks)
-- kept in one row, so ranking candidates reads one row per worker instead of
-- summing their tasks (docs/benchmarks.md). The trigger below keeps it equal to
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

-- Takes the old commitment off (if there was one) and puts the new one on (if there
-- is one); the status lists are yui_store::tasks::COMMITTED (a unit test checks
-- them). The row lock on a worker's row orders concurrent changes to that worker's
-- commitments. Locks on several workers' rows are always taken in ascending worker
-- id, so two transactions cannot deadlock on them: a hand-over locks both rows in
-- that order first, and transactions that change several workers' tasks do so in
-- that order (docs/architecture.md, "Worker commitments").
CREATE FUNCTION track_worker_commitment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.assignee_id IS NOT DISTINCT FROM OLD.assignee_id
       AND NEW.status = OLD.status AND NEW.estimated_minutes = OLD.estimated_minutes THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.assignee_id <> NEW.assignee_id THEN
        PERFORM 1 FROM worker_commitments WHERE worker_id IN (OLD.assignee_id, NEW.assignee_id)
        ORDER BY worker_id FOR UPDATE;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.assignee_id IS NOT NULL
       AND OLD.status IN ('assigned', 'in_progress', 'changes_requested') THEN
        UPDATE worker_commitments SET committed_minutes = committed_minutes - OLD.estimated_minutes
        WHERE worker_id = OLD.assignee_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.assignee_id IS NOT NULL
       AND NEW.status IN ('assigned', 'in_progress', 'changes_requested') THEN
        INSERT INTO worker_commitments (worker_id, committed_minutes) VALUES (NEW.assignee_id, NEW.estimated_minutes)
        ON CONFLICT (worker_id) DO UPDATE
        SET committed_minutes = worker_commitments.committed_minutes + EXCLUDED.committed_minutes;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER tasks_commitment AFTER INSERT OR UPDATE OF assignee_id, status, estimated_minutes OR DELETE ON tasks
FOR EACH ROW EXECUTE FUNCTION track_worker_commitment();

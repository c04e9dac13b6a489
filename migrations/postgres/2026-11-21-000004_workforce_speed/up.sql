-- Workforce speed (docs/benchmarks.md): indexes that answer the dashboard's and the
-- ranking's task questions from the index alone, and a per-centre roster version
-- that lets each server cache the slow-changing workforce data (accounts, profiles,
-- availability, levels, teams) and know, with one read, whether the cache is current.

-- Unfinished assigned work (what a worker has committed to). The predicate is
-- written exactly as yui_store::tasks::COMMITTED_SQL writes it, so the planner uses
-- the index; status is the last column so the index covers the queries.
CREATE INDEX tasks_commitments_idx ON tasks (center_id, assignee_id, due_at, estimated_minutes, status, id)
WHERE status IN ('assigned', 'in_progress', 'changes_requested');

-- Not yet approved or cancelled, by due date (the overdue count); the predicate is
-- yui_store::tasks::UNFINISHED_SQL.
CREATE INDEX tasks_unfinished_due_idx ON tasks (center_id, due_at, status)
WHERE status IN ('open', 'assigned', 'in_progress', 'submitted', 'changes_requested');

-- Hours handed in this week (the fairness factor): each submission keeps the
-- estimate of the work it hands in, so a worker's week is read from one index seek
-- instead of joining their submissions to their tasks.
ALTER TABLE submissions ADD COLUMN estimated_minutes BIGINT NOT NULL DEFAULT 0;
UPDATE submissions SET estimated_minutes = tasks.estimated_minutes FROM tasks WHERE tasks.id = submissions.task_id;
CREATE INDEX submissions_author_week_idx
ON submissions (author_id, created_at, version_number, by_director, estimated_minutes);

-- Bumped, in the same transaction, by every write to the roster tables below. The
-- row lock it takes serialises roster writes within one centre (they are rare), so
-- each committed change gets its own version.
CREATE TABLE roster_versions (
    center_id TEXT PRIMARY KEY REFERENCES centers (id),
    version BIGINT NOT NULL
);
INSERT INTO roster_versions (center_id, version) SELECT id, 1 FROM centers;

CREATE FUNCTION roster_row_for_center() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO roster_versions (center_id, version) VALUES (NEW.id, 1);
    RETURN NULL;
END;
$$;
CREATE TRIGGER centers_roster_row AFTER INSERT ON centers
FOR EACH ROW EXECUTE FUNCTION roster_row_for_center();

CREATE FUNCTION bump_roster_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    center TEXT;
BEGIN
    IF TG_TABLE_NAME = 'centers' THEN
        center := NEW.id;
    ELSIF TG_OP = 'DELETE' THEN
        center := OLD.center_id;
    ELSE
        center := NEW.center_id;
    END IF;
    IF center IS NOT NULL THEN
        UPDATE roster_versions SET version = version + 1 WHERE center_id = center;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER centers_roster_update AFTER UPDATE ON centers
FOR EACH ROW EXECUTE FUNCTION bump_roster_version();

-- Accounts: a worker added, renamed, deactivated or reactivated.
CREATE TRIGGER users_roster_insert_delete AFTER INSERT OR DELETE ON users
FOR EACH ROW EXECUTE FUNCTION bump_roster_version();
CREATE TRIGGER users_roster_update AFTER UPDATE OF display_name, role, center_id, active ON users
FOR EACH ROW EXECUTE FUNCTION bump_roster_version();

-- Levels, profiles, availability and teams.
CREATE TRIGGER worker_skills_roster AFTER INSERT OR UPDATE OR DELETE ON worker_skills
FOR EACH ROW EXECUTE FUNCTION bump_roster_version();
CREATE TRIGGER worker_profiles_roster AFTER INSERT OR UPDATE OR DELETE ON worker_profiles
FOR EACH ROW EXECUTE FUNCTION bump_roster_version();
CREATE TRIGGER availability_windows_roster AFTER INSERT OR UPDATE OR DELETE ON availability_windows
FOR EACH ROW EXECUTE FUNCTION bump_roster_version();
CREATE TRIGGER availability_exceptions_roster AFTER INSERT OR UPDATE OR DELETE ON availability_exceptions
FOR EACH ROW EXECUTE FUNCTION bump_roster_version();
CREATE TRIGGER teams_roster AFTER INSERT OR UPDATE OR DELETE ON teams
FOR EACH ROW EXECUTE FUNCTION bump_roster_version();
CREATE TRIGGER team_members_roster AFTER INSERT OR UPDATE OR DELETE ON team_members
FOR EACH ROW EXECUTE FUNCTION bump_roster_version();

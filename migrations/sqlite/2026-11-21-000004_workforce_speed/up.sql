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
UPDATE submissions SET estimated_minutes = (SELECT tasks.estimated_minutes FROM tasks WHERE tasks.id = submissions.task_id);
CREATE INDEX submissions_author_week_idx
ON submissions (author_id, created_at, version_number, by_director, estimated_minutes);

-- Bumped, in the same transaction, by every write to the roster tables below.
CREATE TABLE roster_versions (
    center_id TEXT PRIMARY KEY REFERENCES centers (id),
    version BIGINT NOT NULL
);
INSERT INTO roster_versions (center_id, version) SELECT id, 1 FROM centers;

CREATE TRIGGER centers_roster_row AFTER INSERT ON centers
BEGIN
    INSERT INTO roster_versions (center_id, version) VALUES (NEW.id, 1);
END;
CREATE TRIGGER centers_roster_update AFTER UPDATE ON centers
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = NEW.id;
END;

CREATE TRIGGER users_roster_insert AFTER INSERT ON users WHEN NEW.center_id IS NOT NULL
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = NEW.center_id;
END;
CREATE TRIGGER users_roster_update AFTER UPDATE OF display_name, role, center_id, active ON users
WHEN NEW.center_id IS NOT NULL
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = NEW.center_id;
END;
CREATE TRIGGER users_roster_delete AFTER DELETE ON users WHEN OLD.center_id IS NOT NULL
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = OLD.center_id;
END;

-- Levels, profiles, availability and teams.
CREATE TRIGGER worker_skills_roster_insert AFTER INSERT ON worker_skills
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = NEW.center_id;
END;
CREATE TRIGGER worker_skills_roster_update AFTER UPDATE ON worker_skills
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = NEW.center_id;
END;
CREATE TRIGGER worker_skills_roster_delete AFTER DELETE ON worker_skills
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = OLD.center_id;
END;
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
CREATE TRIGGER availability_windows_roster_insert AFTER INSERT ON availability_windows
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = NEW.center_id;
END;
CREATE TRIGGER availability_windows_roster_update AFTER UPDATE ON availability_windows
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = NEW.center_id;
END;
CREATE TRIGGER availability_windows_roster_delete AFTER DELETE ON availability_windows
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = OLD.center_id;
END;
CREATE TRIGGER availability_exceptions_roster_insert AFTER INSERT ON availability_exceptions
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = NEW.center_id;
END;
CREATE TRIGGER availability_exceptions_roster_update AFTER UPDATE ON availability_exceptions
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = NEW.center_id;
END;
CREATE TRIGGER availability_exceptions_roster_delete AFTER DELETE ON availability_exceptions
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = OLD.center_id;
END;
CREATE TRIGGER teams_roster_insert AFTER INSERT ON teams
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = NEW.center_id;
END;
CREATE TRIGGER teams_roster_update AFTER UPDATE ON teams
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = NEW.center_id;
END;
CREATE TRIGGER teams_roster_delete AFTER DELETE ON teams
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = OLD.center_id;
END;
CREATE TRIGGER team_members_roster_insert AFTER INSERT ON team_members
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = NEW.center_id;
END;
CREATE TRIGGER team_members_roster_update AFTER UPDATE ON team_members
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = NEW.center_id;
END;
CREATE TRIGGER team_members_roster_delete AFTER DELETE ON team_members
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = OLD.center_id;
END;

-- Incremental roster reloads (docs/benchmarks.md, "After a roster change"). Until
-- now a server knew only that *something* in a centre's roster changed (its
-- `roster_versions` row) and reloaded all of it: 110-140 ms at 10 000 workers. Now
-- the same triggers also note, in the same transaction, *whose* rows changed and at
-- which version, so a server reads again only the workers changed since the version
-- it holds. One row per worker (the last change wins), so the table never grows
-- beyond the centre's workers; `*` stands for a change to the centre itself or to a
-- team, after which a server reloads the whole roster.
CREATE TABLE roster_changes (
    center_id TEXT NOT NULL,
    worker_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (center_id, worker_id)
);
-- A server asks for the changes after the version it holds.
CREATE INDEX roster_changes_version_idx ON roster_changes (center_id, version);

-- A roster cached before this migration may miss changes it cannot list: every
-- centre starts with a whole reload.
UPDATE roster_versions SET version = version + 1;
INSERT INTO roster_changes (center_id, worker_id, version) SELECT center_id, '*', version FROM roster_versions;

-- SQLite cannot alter a trigger: each roster trigger is created again, now also
-- noting whose rows changed (after the bump, so it notes the new version). An
-- upsert, not `INSERT OR REPLACE`: the conflict clause of the statement that fires
-- a trigger overrides the trigger's own, so an upsert of a level would turn a
-- `REPLACE` here back into a failing plain insert.
DROP TRIGGER centers_roster_update;
DROP TRIGGER users_roster_insert;
DROP TRIGGER users_roster_update;
DROP TRIGGER users_roster_delete;
DROP TRIGGER worker_skills_roster_insert;
DROP TRIGGER worker_skills_roster_update;
DROP TRIGGER worker_skills_roster_delete;
DROP TRIGGER worker_profiles_roster_insert;
DROP TRIGGER worker_profiles_roster_update;
DROP TRIGGER worker_profiles_roster_delete;
DROP TRIGGER availability_windows_roster_insert;
DROP TRIGGER availability_windows_roster_update;
DROP TRIGGER availability_windows_roster_delete;
DROP TRIGGER availability_exceptions_roster_insert;
DROP TRIGGER availability_exceptions_roster_update;
DROP TRIGGER availability_exceptions_roster_delete;
DROP TRIGGER teams_roster_insert;
DROP TRIGGER teams_roster_update;
DROP TRIGGER teams_roster_delete;
DROP TRIGGER team_members_roster_insert;
DROP TRIGGER team_members_roster_update;
DROP TRIGGER team_members_roster_delete;

CREATE TRIGGER centers_roster_update AFTER UPDATE ON centers
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = NEW.id;
    INSERT INTO roster_changes (center_id, worker_id, version)
    SELECT center_id, '*', version FROM roster_versions WHERE center_id = NEW.id
    ON CONFLICT (center_id, worker_id) DO UPDATE SET version = excluded.version;
END;

CREATE TRIGGER users_roster_insert AFTER INSERT ON users WHEN NEW.center_id IS NOT NULL
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = NEW.center_id;
    INSERT INTO roster_changes (center_id, worker_id, version)
    SELECT center_id, NEW.id, version FROM roster_versions WHERE center_id = NEW.center_id
    ON CONFLICT (center_id, worker_id) DO UPDATE SET version = excluded.version;
END;

CREATE TRIGGER users_roster_update AFTER UPDATE OF display_name, role, center_id, active ON users
WHEN NEW.center_id IS NOT NULL
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = NEW.center_id;
    INSERT INTO roster_changes (center_id, worker_id, version)
    SELECT center_id, NEW.id, version FROM roster_versions WHERE center_id = NEW.center_id
    ON CONFLICT (center_id, worker_id) DO UPDATE SET version = excluded.version;
END;

CREATE TRIGGER users_roster_delete AFTER DELETE ON users WHEN OLD.center_id IS NOT NULL
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = OLD.center_id;
    INSERT INTO roster_changes (center_id, worker_id, version)
    SELECT center_id, OLD.id, version FROM roster_versions WHERE center_id = OLD.center_id
    ON CONFLICT (center_id, worker_id) DO UPDATE SET version = excluded.version;
END;

CREATE TRIGGER worker_skills_roster_insert AFTER INSERT ON worker_skills
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = NEW.center_id;
    INSERT INTO roster_changes (center_id, worker_id, version)
    SELECT center_id, NEW.worker_id, version FROM roster_versions WHERE center_id = NEW.center_id
    ON CONFLICT (center_id, worker_id) DO UPDATE SET version = excluded.version;
END;

CREATE TRIGGER worker_skills_roster_update AFTER UPDATE ON worker_skills
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = NEW.center_id;
    INSERT INTO roster_changes (center_id, worker_id, version)
    SELECT center_id, NEW.worker_id, version FROM roster_versions WHERE center_id = NEW.center_id
    ON CONFLICT (center_id, worker_id) DO UPDATE SET version = excluded.version;
END;

CREATE TRIGGER worker_skills_roster_delete AFTER DELETE ON worker_skills
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = OLD.center_id;
    INSERT INTO roster_changes (center_id, worker_id, version)
    SELECT center_id, OLD.worker_id, version FROM roster_versions WHERE center_id = OLD.center_id
    ON CONFLICT (center_id, worker_id) DO UPDATE SET version = excluded.version;
END;

CREATE TRIGGER worker_profiles_roster_insert AFTER INSERT ON worker_profiles
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = NEW.center_id;
    INSERT INTO roster_changes (center_id, worker_id, version)
    SELECT center_id, NEW.worker_id, version FROM roster_versions WHERE center_id = NEW.center_id
    ON CONFLICT (center_id, worker_id) DO UPDATE SET version = excluded.version;
END;

CREATE TRIGGER worker_profiles_roster_update AFTER UPDATE ON worker_profiles
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = NEW.center_id;
    INSERT INTO roster_changes (center_id, worker_id, version)
    SELECT center_id, NEW.worker_id, version FROM roster_versions WHERE center_id = NEW.center_id
    ON CONFLICT (center_id, worker_id) DO UPDATE SET version = excluded.version;
END;

CREATE TRIGGER worker_profiles_roster_delete AFTER DELETE ON worker_profiles
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = OLD.center_id;
    INSERT INTO roster_changes (center_id, worker_id, version)
    SELECT center_id, OLD.worker_id, version FROM roster_versions WHERE center_id = OLD.center_id
    ON CONFLICT (center_id, worker_id) DO UPDATE SET version = excluded.version;
END;

CREATE TRIGGER availability_windows_roster_insert AFTER INSERT ON availability_windows
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = NEW.center_id;
    INSERT INTO roster_changes (center_id, worker_id, version)
    SELECT center_id, NEW.worker_id, version FROM roster_versions WHERE center_id = NEW.center_id
    ON CONFLICT (center_id, worker_id) DO UPDATE SET version = excluded.version;
END;

CREATE TRIGGER availability_windows_roster_update AFTER UPDATE ON availability_windows
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = NEW.center_id;
    INSERT INTO roster_changes (center_id, worker_id, version)
    SELECT center_id, NEW.worker_id, version FROM roster_versions WHERE center_id = NEW.center_id
    ON CONFLICT (center_id, worker_id) DO UPDATE SET version = excluded.version;
END;

CREATE TRIGGER availability_windows_roster_delete AFTER DELETE ON availability_windows
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = OLD.center_id;
    INSERT INTO roster_changes (center_id, worker_id, version)
    SELECT center_id, OLD.worker_id, version FROM roster_versions WHERE center_id = OLD.center_id
    ON CONFLICT (center_id, worker_id) DO UPDATE SET version = excluded.version;
END;

CREATE TRIGGER availability_exceptions_roster_insert AFTER INSERT ON availability_exceptions
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = NEW.center_id;
    INSERT INTO roster_changes (center_id, worker_id, version)
    SELECT center_id, NEW.worker_id, version FROM roster_versions WHERE center_id = NEW.center_id
    ON CONFLICT (center_id, worker_id) DO UPDATE SET version = excluded.version;
END;

CREATE TRIGGER availability_exceptions_roster_update AFTER UPDATE ON availability_exceptions
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = NEW.center_id;
    INSERT INTO roster_changes (center_id, worker_id, version)
    SELECT center_id, NEW.worker_id, version FROM roster_versions WHERE center_id = NEW.center_id
    ON CONFLICT (center_id, worker_id) DO UPDATE SET version = excluded.version;
END;

CREATE TRIGGER availability_exceptions_roster_delete AFTER DELETE ON availability_exceptions
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = OLD.center_id;
    INSERT INTO roster_changes (center_id, worker_id, version)
    SELECT center_id, OLD.worker_id, version FROM roster_versions WHERE center_id = OLD.center_id
    ON CONFLICT (center_id, worker_id) DO UPDATE SET version = excluded.version;
END;

CREATE TRIGGER teams_roster_insert AFTER INSERT ON teams
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = NEW.center_id;
    INSERT INTO roster_changes (center_id, worker_id, version)
    SELECT center_id, '*', version FROM roster_versions WHERE center_id = NEW.center_id
    ON CONFLICT (center_id, worker_id) DO UPDATE SET version = excluded.version;
END;

CREATE TRIGGER teams_roster_update AFTER UPDATE ON teams
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = NEW.center_id;
    INSERT INTO roster_changes (center_id, worker_id, version)
    SELECT center_id, '*', version FROM roster_versions WHERE center_id = NEW.center_id
    ON CONFLICT (center_id, worker_id) DO UPDATE SET version = excluded.version;
END;

CREATE TRIGGER teams_roster_delete AFTER DELETE ON teams
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = OLD.center_id;
    INSERT INTO roster_changes (center_id, worker_id, version)
    SELECT center_id, '*', version FROM roster_versions WHERE center_id = OLD.center_id
    ON CONFLICT (center_id, worker_id) DO UPDATE SET version = excluded.version;
END;

CREATE TRIGGER team_members_roster_insert AFTER INSERT ON team_members
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = NEW.center_id;
    INSERT INTO roster_changes (center_id, worker_id, version)
    SELECT center_id, NEW.worker_id, version FROM roster_versions WHERE center_id = NEW.center_id
    ON CONFLICT (center_id, worker_id) DO UPDATE SET version = excluded.version;
END;

CREATE TRIGGER team_members_roster_update AFTER UPDATE ON team_members
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = NEW.center_id;
    INSERT INTO roster_changes (center_id, worker_id, version)
    SELECT center_id, NEW.worker_id, version FROM roster_versions WHERE center_id = NEW.center_id
    ON CONFLICT (center_id, worker_id) DO UPDATE SET version = excluded.version;
END;

CREATE TRIGGER team_members_roster_delete AFTER DELETE ON team_members
BEGIN
    UPDATE roster_versions SET version = version + 1 WHERE center_id = OLD.center_id;
    INSERT INTO roster_changes (center_id, worker_id, version)
    SELECT center_id, OLD.worker_id, version FROM roster_versions WHERE center_id = OLD.center_id
    ON CONFLICT (center_id, worker_id) DO UPDATE SET version = excluded.version;
END;

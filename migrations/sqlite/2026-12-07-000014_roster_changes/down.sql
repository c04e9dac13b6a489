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

DROP TABLE roster_changes;

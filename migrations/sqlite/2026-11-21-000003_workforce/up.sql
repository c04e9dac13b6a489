-- Workforce: the centre's skill catalogue and workers' assessed levels (with their
-- history), worker profiles, weekly availability with dated exceptions, teams with
-- their members and queues, and per-worker quality counters kept by the review flow.

CREATE TABLE skills (
    center_id TEXT NOT NULL REFERENCES centers (id),
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (center_id, slug)
);

-- Every assessment ever made (the history); the current level is the latest one,
-- kept in worker_skills for fast ranking.
CREATE TABLE skill_assessments (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    worker_id TEXT NOT NULL REFERENCES users (id),
    skill TEXT NOT NULL,
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    evidence TEXT NOT NULL,
    assessed_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    FOREIGN KEY (center_id, skill) REFERENCES skills (center_id, slug)
);
CREATE INDEX skill_assessments_worker_idx ON skill_assessments (worker_id, skill, id);

CREATE TABLE worker_skills (
    worker_id TEXT NOT NULL REFERENCES users (id),
    center_id TEXT NOT NULL REFERENCES centers (id),
    skill TEXT NOT NULL,
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (worker_id, skill),
    FOREIGN KEY (center_id, skill) REFERENCES skills (center_id, slug)
);
CREATE INDEX worker_skills_skill_idx ON worker_skills (center_id, skill, level);

CREATE TABLE worker_profiles (
    worker_id TEXT PRIMARY KEY REFERENCES users (id),
    center_id TEXT NOT NULL REFERENCES centers (id),
    work_modes TEXT NOT NULL,
    hourly_rate BIGINT NOT NULL CHECK (hourly_rate >= 0),
    currency TEXT NOT NULL,
    weekly_cap_minutes INTEGER NOT NULL CHECK (weekly_cap_minutes BETWEEN 0 AND 10080),
    daily_cap_minutes INTEGER NOT NULL CHECK (daily_cap_minutes BETWEEN 0 AND 1440),
    time_zone TEXT NOT NULL,
    accommodations TEXT NOT NULL,
    public_name TEXT,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX worker_profiles_center_idx ON worker_profiles (center_id);

-- Weekly windows in the worker's time zone: weekday 0 = Monday.
CREATE TABLE availability_windows (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    worker_id TEXT NOT NULL REFERENCES users (id),
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute INTEGER NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
    CHECK (start_minute < end_minute)
);
CREATE INDEX availability_windows_worker_idx ON availability_windows (worker_id);
CREATE INDEX availability_windows_center_idx ON availability_windows (center_id, worker_id);

-- Dated exceptions: a whole-day absence, or an extra window on one day.
CREATE TABLE availability_exceptions (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    worker_id TEXT NOT NULL REFERENCES users (id),
    day TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('absent', 'extra')),
    start_minute INTEGER,
    end_minute INTEGER,
    note TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX availability_exceptions_worker_idx ON availability_exceptions (worker_id, day);
CREATE INDEX availability_exceptions_center_idx ON availability_exceptions (center_id, day);

CREATE TABLE teams (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (center_id, name)
);

CREATE TABLE team_members (
    team_id TEXT NOT NULL REFERENCES teams (id),
    worker_id TEXT NOT NULL REFERENCES users (id),
    center_id TEXT NOT NULL REFERENCES centers (id),
    role TEXT NOT NULL CHECK (role IN ('member', 'reviewer')),
    joined_at TIMESTAMP NOT NULL,
    PRIMARY KEY (team_id, worker_id)
);
CREATE INDEX team_members_worker_idx ON team_members (worker_id);

-- Quality counters per worker, kept in step by the review flow.
CREATE TABLE worker_stats (
    worker_id TEXT PRIMARY KEY REFERENCES users (id),
    center_id TEXT NOT NULL REFERENCES centers (id),
    submissions BIGINT NOT NULL,
    reviewed_tasks BIGINT NOT NULL,
    first_pass_approvals BIGINT NOT NULL,
    changes_requested BIGINT NOT NULL,
    director_fixes BIGINT NOT NULL,
    approved_tasks BIGINT NOT NULL,
    on_time_approvals BIGINT NOT NULL,
    approved_minutes BIGINT NOT NULL
);

-- Tasks: a team queue, and a skill from the catalogue with a minimum level (the free
-- skill tag becomes a reference to the catalogue). SQLite cannot later drop a column
-- that a foreign key names, so team_id is checked by the application here.
ALTER TABLE tasks ADD COLUMN team_id TEXT;
ALTER TABLE tasks ADD COLUMN min_level INTEGER CHECK (min_level BETWEEN 1 AND 5);
ALTER TABLE tasks RENAME COLUMN skill_tag TO skill;
CREATE INDEX tasks_team_idx ON tasks (team_id, status);

-- Existing free tags become catalogue skills (minimum level 1).
INSERT OR IGNORE INTO skills (center_id, slug, name, description, created_at)
SELECT DISTINCT center_id, skill, skill, '', CURRENT_TIMESTAMP FROM tasks WHERE skill IS NOT NULL;
INSERT OR IGNORE INTO skills (center_id, slug, name, description, created_at)
SELECT DISTINCT jobs.center_id, tag.value, tag.value, '', CURRENT_TIMESTAMP
FROM jobs, json_each(jobs.required_skills) AS tag;
UPDATE tasks SET min_level = 1 WHERE skill IS NOT NULL;
UPDATE jobs SET required_skills = (
    SELECT json_group_array(json_object('skill', tag.value, 'min_level', 1))
    FROM json_each(jobs.required_skills) AS tag);

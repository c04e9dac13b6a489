UPDATE jobs SET required_skills = COALESCE(
    (SELECT json_agg(entry->>'skill') FROM json_array_elements(jobs.required_skills::json) AS entry),
    '[]'::json)::text;
DROP INDEX tasks_team_idx;
ALTER TABLE tasks RENAME COLUMN skill TO skill_tag;
ALTER TABLE tasks DROP COLUMN min_level;
ALTER TABLE tasks DROP COLUMN team_id;
DROP TABLE worker_stats;
DROP TABLE team_members;
DROP TABLE teams;
DROP TABLE availability_exceptions;
DROP TABLE availability_windows;
DROP TABLE worker_profiles;
DROP TABLE worker_skills;
DROP TABLE skill_assessments;
DROP TABLE skills;

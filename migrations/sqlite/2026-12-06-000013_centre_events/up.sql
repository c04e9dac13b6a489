-- Events that are not about one job: a centre's (a pay period closed) have no job;
-- a client organisation's (its invoices) name the organisation, so its feed and
-- webhooks find them with or without a job. SQLite cannot drop a NOT NULL: the table
-- is rebuilt with the same rows and its indexes recreated.
CREATE TABLE events_rebuilt (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    job_id TEXT REFERENCES jobs (id),
    task_id TEXT REFERENCES tasks (id),
    actor_id TEXT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT,
    details TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    organization_id TEXT REFERENCES organizations (id)
);
INSERT INTO events_rebuilt (id, center_id, job_id, task_id, actor_id, kind, from_state, to_state, details, created_at)
SELECT id, center_id, job_id, task_id, actor_id, kind, from_state, to_state, details, created_at FROM events;
DROP TABLE events;
ALTER TABLE events_rebuilt RENAME TO events;
CREATE INDEX events_job_idx ON events (job_id, id);
CREATE INDEX events_task_idx ON events (task_id, id);
CREATE INDEX events_organization_idx ON events (organization_id, id);

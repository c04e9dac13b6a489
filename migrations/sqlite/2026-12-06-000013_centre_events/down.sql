-- Back to events that always name a job: those that do not are dropped.
CREATE TABLE events_restored (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    job_id TEXT NOT NULL REFERENCES jobs (id),
    task_id TEXT REFERENCES tasks (id),
    actor_id TEXT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT,
    details TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO events_restored
SELECT id, center_id, job_id, task_id, actor_id, kind, from_state, to_state, details, created_at
FROM events WHERE job_id IS NOT NULL;
DROP TABLE events;
ALTER TABLE events_restored RENAME TO events;
CREATE INDEX events_job_idx ON events (job_id, id);
CREATE INDEX events_task_idx ON events (task_id, id);

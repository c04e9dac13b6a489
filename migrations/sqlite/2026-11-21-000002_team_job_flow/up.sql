-- The team-job flow: jobs and their quotes, tasks, submissions and reviews,
-- deliveries, comments, and the event history. Every row carries its centre.
-- Rows people race on (jobs, tasks) carry a version for compare-and-set updates.

CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    created_by TEXT NOT NULL REFERENCES users (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    category TEXT NOT NULL,
    required_skills TEXT NOT NULL,
    pricing TEXT NOT NULL CHECK (pricing IN ('hourly', 'fixed')),
    budget_amount BIGINT NOT NULL CHECK (budget_amount >= 0),
    currency TEXT NOT NULL,
    due_at TIMESTAMP NOT NULL,
    deliverable_spec TEXT NOT NULL,
    preferred_team_id TEXT,
    status TEXT NOT NULL CHECK (status IN ('draft', 'posted', 'quoted', 'active', 'completed', 'declined', 'cancelled')),
    decline_reason TEXT,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX jobs_organization_idx ON jobs (organization_id, id);
CREATE INDEX jobs_center_idx ON jobs (center_id, status, id);

CREATE TABLE quotes (
    id TEXT PRIMARY KEY,
    job_id TEXT NOT NULL REFERENCES jobs (id),
    center_id TEXT NOT NULL REFERENCES centers (id),
    director_id TEXT NOT NULL REFERENCES users (id),
    estimated_minutes BIGINT NOT NULL CHECK (estimated_minutes > 0),
    price_amount BIGINT NOT NULL CHECK (price_amount >= 0),
    currency TEXT NOT NULL,
    planned_delivery_at TIMESTAMP NOT NULL,
    note TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    decision_reason TEXT,
    decided_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX quotes_job_idx ON quotes (job_id, id);

CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    job_id TEXT NOT NULL REFERENCES jobs (id),
    center_id TEXT NOT NULL REFERENCES centers (id),
    title TEXT NOT NULL,
    instructions TEXT NOT NULL,
    estimated_minutes BIGINT NOT NULL CHECK (estimated_minutes > 0),
    due_at TIMESTAMP NOT NULL,
    skill_tag TEXT,
    status TEXT NOT NULL CHECK (status IN ('open', 'assigned', 'in_progress', 'submitted', 'changes_requested',
                                           'approved', 'delivered', 'accepted', 'cancelled')),
    assignee_id TEXT REFERENCES users (id),
    current_submission_id TEXT,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX tasks_job_idx ON tasks (job_id, id);
CREATE INDEX tasks_job_status_idx ON tasks (job_id, status);
CREATE INDEX tasks_assignee_idx ON tasks (assignee_id, id);
CREATE INDEX tasks_qc_idx ON tasks (center_id, status, current_submission_id);

CREATE TABLE submissions (
    id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL REFERENCES tasks (id),
    center_id TEXT NOT NULL REFERENCES centers (id),
    version_number BIGINT NOT NULL,
    author_id TEXT NOT NULL REFERENCES users (id),
    by_director BOOLEAN NOT NULL,
    result_text TEXT NOT NULL,
    links TEXT NOT NULL,
    payload TEXT,
    note TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (task_id, version_number)
);

CREATE TABLE reviews (
    id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL REFERENCES tasks (id),
    submission_id TEXT NOT NULL REFERENCES submissions (id),
    center_id TEXT NOT NULL REFERENCES centers (id),
    reviewer_id TEXT NOT NULL REFERENCES users (id),
    verdict TEXT NOT NULL CHECK (verdict IN ('approved', 'changes_requested', 'fixed')),
    comment TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX reviews_task_idx ON reviews (task_id, id);

CREATE TABLE deliveries (
    id TEXT PRIMARY KEY,
    job_id TEXT NOT NULL REFERENCES jobs (id),
    center_id TEXT NOT NULL REFERENCES centers (id),
    created_by TEXT NOT NULL REFERENCES users (id),
    note TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
    decision_reason TEXT,
    decided_at TIMESTAMP,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX deliveries_job_idx ON deliveries (job_id, id);

CREATE TABLE delivery_items (
    delivery_id TEXT NOT NULL REFERENCES deliveries (id),
    task_id TEXT NOT NULL REFERENCES tasks (id),
    submission_id TEXT NOT NULL REFERENCES submissions (id),
    PRIMARY KEY (delivery_id, task_id)
);
CREATE INDEX delivery_items_task_idx ON delivery_items (task_id);

CREATE TABLE comments (
    id TEXT PRIMARY KEY,
    center_id TEXT NOT NULL REFERENCES centers (id),
    job_id TEXT NOT NULL REFERENCES jobs (id),
    task_id TEXT REFERENCES tasks (id),
    author_id TEXT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX comments_thread_idx ON comments (job_id, task_id, id);

CREATE TABLE events (
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
CREATE INDEX events_job_idx ON events (job_id, id);
CREATE INDEX events_task_idx ON events (task_id, id);

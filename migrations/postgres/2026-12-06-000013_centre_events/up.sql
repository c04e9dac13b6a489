-- Events that are not about one job: a centre's (a pay period closed) have no job;
-- a client organisation's (its invoices) name the organisation, so its feed and
-- webhooks find them with or without a job.
ALTER TABLE events ALTER COLUMN job_id DROP NOT NULL;
ALTER TABLE events ADD COLUMN organization_id TEXT REFERENCES organizations (id);
CREATE INDEX events_organization_idx ON events (organization_id, id);

DROP INDEX events_organization_idx;
ALTER TABLE events DROP COLUMN organization_id;
DELETE FROM events WHERE job_id IS NULL;
ALTER TABLE events ALTER COLUMN job_id SET NOT NULL;

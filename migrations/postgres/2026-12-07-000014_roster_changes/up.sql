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

-- The roster triggers keep calling this function; it now also notes whose rows
-- changed, at the version it bumped to. The version row's lock orders the writers,
-- so every version up to the one a reader sees has committed, with its notes.
CREATE OR REPLACE FUNCTION bump_roster_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed RECORD;
    center TEXT;
    worker TEXT;
    bumped BIGINT;
BEGIN
    IF TG_OP = 'DELETE' THEN
        changed := OLD;
    ELSE
        changed := NEW;
    END IF;
    IF TG_TABLE_NAME = 'centers' THEN
        center := changed.id;
        worker := '*';
    ELSIF TG_TABLE_NAME = 'teams' THEN
        center := changed.center_id;
        worker := '*';
    ELSIF TG_TABLE_NAME = 'users' THEN
        center := changed.center_id;
        worker := changed.id;
    ELSE
        center := changed.center_id;
        worker := changed.worker_id;
    END IF;
    IF center IS NOT NULL THEN
        UPDATE roster_versions SET version = version + 1 WHERE center_id = center RETURNING version INTO bumped;
        INSERT INTO roster_changes (center_id, worker_id, version) VALUES (center, worker, bumped)
        ON CONFLICT (center_id, worker_id) DO UPDATE SET version = excluded.version;
    END IF;
    RETURN NULL;
END;
$$;

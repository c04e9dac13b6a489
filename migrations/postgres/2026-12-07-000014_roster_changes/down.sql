CREATE OR REPLACE FUNCTION bump_roster_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    center TEXT;
BEGIN
    IF TG_TABLE_NAME = 'centers' THEN
        center := NEW.id;
    ELSIF TG_OP = 'DELETE' THEN
        center := OLD.center_id;
    ELSE
        center := NEW.center_id;
    END IF;
    IF center IS NOT NULL THEN
        UPDATE roster_versions SET version = version + 1 WHERE center_id = center;
    END IF;
    RETURN NULL;
END;
$$;
DROP TABLE roster_changes;

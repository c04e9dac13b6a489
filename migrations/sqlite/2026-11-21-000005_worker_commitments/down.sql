DROP TRIGGER tasks_commitment_delete;
DROP TRIGGER tasks_commitment_update_on;
DROP TRIGGER tasks_commitment_update_off;
DROP TRIGGER tasks_commitment_insert;
DROP TABLE worker_commitments;

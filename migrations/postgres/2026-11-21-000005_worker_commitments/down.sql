DROP TRIGGER tasks_commitment ON tasks;
DROP FUNCTION track_worker_commitment();
DROP TABLE worker_commitments;

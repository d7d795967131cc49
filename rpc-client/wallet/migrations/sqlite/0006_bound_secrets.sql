-- Work the service does once, at its next start, in Rust (it needs the server key): each row
-- names a task, deleted in the same transaction as the work it names.
-- `reseal_with_context`: every sealed value (holder keys, claim secrets, e-mailed link tokens)
-- is sealed again bound to its row, so that a value copied into another row does not open.
CREATE TABLE pending_tasks (
	name TEXT PRIMARY KEY
);
INSERT INTO pending_tasks (name) VALUES ('reseal_with_context');

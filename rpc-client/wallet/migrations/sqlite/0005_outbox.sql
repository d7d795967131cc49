-- E-mails waiting to be sent, written in the same transaction as the application or link they
-- announce, and deleted once the mail server has taken them. A message is rendered when it is
-- sent, in `lang`; its link's token stays sealed with the server key until then (the `links`
-- table keeps only its hash). `due_at` is when the next attempt may start (a sender leases a row
-- by moving it forward); `attempts` and `last_error` tell an operator why a message waits.
CREATE TABLE outbox (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	kind TEXT NOT NULL,
	email TEXT NOT NULL,
	lang TEXT NOT NULL,
	issuer_name TEXT,
	application_id BIGINT REFERENCES applications(id) ON DELETE CASCADE,
	token_enc BLOB NOT NULL,
	expires_at BIGINT NOT NULL,
	attempts BIGINT NOT NULL DEFAULT 0,
	due_at BIGINT NOT NULL,
	last_error TEXT,
	created_at BIGINT NOT NULL
);
CREATE INDEX outbox_due ON outbox(due_at);
CREATE INDEX outbox_email ON outbox(email);

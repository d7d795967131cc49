-- Login sessions: the cookie's token is stored only as its SHA-256; `csrf` is the token every
-- form of the session carries.
CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	holder_id BIGINT NOT NULL REFERENCES holders(id) ON DELETE CASCADE,
	csrf TEXT NOT NULL,
	expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_holder ON sessions(holder_id);

-- Issuers that may register applications (API tokens are stored hashed).
CREATE TABLE issuers (
	id BIGSERIAL PRIMARY KEY,
	name TEXT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	created_at BIGINT NOT NULL
);
-- Wallet holders: e-mail proven by a registration link, argon2 password, custodial chain key
-- encrypted with the server key.
CREATE TABLE holders (
	id BIGSERIAL PRIMARY KEY,
	email TEXT NOT NULL UNIQUE,
	password_hash TEXT NOT NULL,
	account TEXT NOT NULL UNIQUE,
	key_enc BYTEA NOT NULL,
	created_at BIGINT NOT NULL
);
-- Applications: one issued badge awaiting (or past) receipt by the person at `email`; the claim
-- secret is encrypted with the server key.
CREATE TABLE applications (
	id BIGSERIAL PRIMARY KEY,
	issuer_id BIGINT NOT NULL REFERENCES issuers(id),
	email TEXT NOT NULL,
	badge_id TEXT NOT NULL UNIQUE,
	claim_enc BYTEA NOT NULL,
	status TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	received_at BIGINT
);
CREATE INDEX applications_email ON applications(email);
-- Single-use links sent by e-mail (only their SHA-256 is stored).
CREATE TABLE links (
	token_hash TEXT PRIMARY KEY,
	kind TEXT NOT NULL,
	email TEXT NOT NULL,
	application_id BIGINT REFERENCES applications(id),
	expires_at BIGINT NOT NULL,
	used_at BIGINT
);

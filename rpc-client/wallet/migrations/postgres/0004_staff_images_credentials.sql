-- The issuer's chain account (SS58), when known: badge classes and badges of another account
-- are refused.
ALTER TABLE issuers ADD COLUMN account TEXT;
-- Issuer staff who log in to the issuer pages (web form, results-file import, badge images).
-- A new member sets a password through a single-use link (kind 'staff' in `links`).
CREATE TABLE staff (
	id BIGSERIAL PRIMARY KEY,
	issuer_id BIGINT NOT NULL REFERENCES issuers(id),
	email TEXT NOT NULL UNIQUE,
	password_hash TEXT,
	created_at BIGINT NOT NULL
);
CREATE TABLE staff_sessions (
	token_hash TEXT PRIMARY KEY,
	staff_id BIGINT NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
	csrf TEXT NOT NULL,
	expires_at BIGINT NOT NULL
);
-- Badge class images, checked against the digest the class pins on chain (blake2-256).
CREATE TABLE class_images (
	class_id BIGINT PRIMARY KEY,
	issuer_id BIGINT NOT NULL REFERENCES issuers(id),
	content_type TEXT NOT NULL,
	bytes BYTEA NOT NULL,
	uploaded_at BIGINT NOT NULL
);
-- The signed OB 3.0 credential an issuer supplied with an application (JSON), if any.
ALTER TABLE applications ADD COLUMN credential TEXT;

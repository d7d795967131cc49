-- The public ledger's registry events (issuers, classes, issuances, revocations) as the indexer
-- reads them from finalized blocks, for the explorer's "recent" lists. Public data only: no
-- holder accounts, no personal data.
CREATE TABLE ledger (
	block BIGINT NOT NULL,
	idx BIGINT NOT NULL,
	kind TEXT NOT NULL,
	issuer TEXT NOT NULL,
	class_id BIGINT,
	badge_id TEXT,
	reason TEXT,
	at BIGINT NOT NULL,
	PRIMARY KEY (block, idx)
);
CREATE INDEX ledger_kind_block ON ledger(kind, block);
-- The last finalized block the indexer has read (one row, id 1).
CREATE TABLE ledger_cursor (
	id BIGINT PRIMARY KEY,
	block BIGINT NOT NULL,
	block_hash TEXT NOT NULL
);

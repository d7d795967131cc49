//! The wallet's database: SQLite (one file, the default) or PostgreSQL, through one code path
//! (sqlx's `Any` driver, `$N` placeholders, types both understand), with numbered migrations
//! applied at start.

use badge_client::BadgeId;
use sqlx::{any::AnyPoolOptions, AnyPool, Row};

/// A migration: its number and its SQL for each backend.
struct Migration {
	version: i64,
	sqlite: &'static str,
	postgres: &'static str,
}

/// Every migration, oldest first. Never edit a released one: add the next.
const MIGRATIONS: &[Migration] = &[
	Migration {
		version: 1,
		sqlite: include_str!("../migrations/sqlite/0001_intake_and_links.sql"),
		postgres: include_str!("../migrations/postgres/0001_intake_and_links.sql"),
	},
	Migration {
		version: 2,
		sqlite: include_str!("../migrations/sqlite/0002_sessions.sql"),
		postgres: include_str!("../migrations/postgres/0002_sessions.sql"),
	},
	Migration {
		version: 3,
		sqlite: include_str!("../migrations/sqlite/0003_ledger.sql"),
		postgres: include_str!("../migrations/postgres/0003_ledger.sql"),
	},
	Migration {
		version: 4,
		sqlite: include_str!("../migrations/sqlite/0004_staff_images_credentials.sql"),
		postgres: include_str!("../migrations/postgres/0004_staff_images_credentials.sql"),
	},
	Migration {
		version: 5,
		sqlite: include_str!("../migrations/sqlite/0005_outbox.sql"),
		postgres: include_str!("../migrations/postgres/0005_outbox.sql"),
	},
	Migration {
		version: 6,
		sqlite: include_str!("../migrations/sqlite/0006_bound_secrets.sql"),
		postgres: include_str!("../migrations/postgres/0006_bound_secrets.sql"),
	},
];

/// A sealed value and what it is bound to, as [`Store::reseal_once`] hands it over.
pub struct SealedValue {
	/// Which secret it is.
	pub kind: SealedKind,
	/// What the value belongs to: the holder's account, the badge id, the address.
	pub owner: String,
	/// The sealed bytes.
	pub sealed: Vec<u8>,
}

/// The kinds of sealed values the database keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SealedKind {
	/// `holders.key_enc`, owned by `holders.account`.
	HolderKey,
	/// `applications.claim_enc`, owned by `applications.badge_id`.
	ClaimSecret,
	/// `outbox.token_enc`, owned by `outbox.email`.
	MailLink,
}

impl SealedKind {
	/// The query reading every value (`id`, `owner`, `sealed`), and the one replacing one.
	fn queries(self) -> (&'static str, &'static str) {
		match self {
			SealedKind::HolderKey => (
				"SELECT id, account AS owner, key_enc AS sealed FROM holders",
				"UPDATE holders SET key_enc = $1 WHERE id = $2",
			),
			SealedKind::ClaimSecret => (
				"SELECT id, badge_id AS owner, claim_enc AS sealed FROM applications",
				"UPDATE applications SET claim_enc = $1 WHERE id = $2",
			),
			SealedKind::MailLink => (
				"SELECT id, email AS owner, token_enc AS sealed FROM outbox",
				"UPDATE outbox SET token_enc = $1 WHERE id = $2",
			),
		}
	}
}

/// Ledger rows kept for the explorer; older ones are pruned as new blocks come in.
pub const LEDGER_ROWS_KEPT: i64 = 10_000;

/// The schema version this build migrates to (its newest migration).
pub fn latest_schema() -> i64 {
	MIGRATIONS.last().map_or(0, |m| m.version)
}

/// What a storage operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
	/// The database refused or failed.
	#[error("database: {0}")]
	Db(#[from] sqlx::Error),
	/// The database URL names a backend we do not support.
	#[error("unsupported database URL `{0}`: use sqlite://FILE or postgres://…")]
	Unsupported(String),
}

/// The database connection pool and its backend.
#[derive(Clone)]
pub struct Store {
	pool: AnyPool,
	postgres: bool,
}

/// The current time in seconds since the Unix epoch.
pub fn now() -> i64 {
	std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.map(|d| d.as_secs() as i64)
		.unwrap_or(0)
}

/// A badge application as stored.
#[derive(Clone, Debug)]
pub struct Application {
	/// Row id.
	pub id: i64,
	/// The applicant's e-mail address.
	pub email: String,
	/// The badge's on-chain id.
	pub badge_id: BadgeId,
	/// The claim secret, encrypted with the server key.
	pub claim_enc: Vec<u8>,
	/// Whether the applicant has received it.
	pub status: ApplicationStatus,
}

/// Where an application stands (`applications.status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
	/// Issued on chain, not yet received into a wallet.
	Pending,
	/// Received: bound to the holder's account on chain.
	Received,
}

impl ApplicationStatus {
	/// Its name in the `applications` table.
	pub fn name(self) -> &'static str {
		match self {
			ApplicationStatus::Pending => "pending",
			ApplicationStatus::Received => "received",
		}
	}

	fn read(row: &sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
		let name: String = row.try_get("status")?;
		match name.as_str() {
			"pending" => Ok(ApplicationStatus::Pending),
			"received" => Ok(ApplicationStatus::Received),
			_ => Err(sqlx::Error::Decode(
				format!("an application of status `{name}`").into(),
			)),
		}
	}
}

/// A holder as stored.
#[derive(Clone, Debug)]
pub struct Holder {
	/// Row id.
	pub id: i64,
	/// E-mail (proven at registration).
	pub email: String,
	/// argon2 PHC string.
	pub password_hash: String,
	/// SS58 account of the custodial key.
	pub account: String,
	/// The chain key's seed, encrypted with the server key.
	pub key_enc: Vec<u8>,
}

/// A registry event of the public ledger as indexed.
#[derive(Clone, Debug, serde::Serialize)]
pub struct LedgerRow {
	/// Block number.
	pub block: i64,
	/// Event index in the block.
	pub idx: i64,
	/// `badge_issued`, `badge_revoked`, `class_created`, … ([`badge_client::LedgerKind::name`]).
	pub kind: String,
	/// The issuer's account (SS58).
	pub issuer: String,
	/// The class, if any.
	pub class_id: Option<i64>,
	/// The badge, if any.
	pub badge_id: Option<BadgeId>,
	/// A revocation's reason.
	pub reason: Option<String>,
	/// Block time (ms since the epoch).
	pub at: i64,
}

/// An issuer's staff member as stored.
#[derive(Clone, Debug)]
pub struct Staff {
	/// Row id.
	pub id: i64,
	/// Their issuer's row id.
	pub issuer_id: i64,
	/// Their issuer's name.
	pub issuer_name: String,
	/// Login e-mail.
	pub email: String,
	/// argon2 PHC string, once set.
	pub password_hash: Option<String>,
}

/// A badge class image as stored.
#[derive(Clone, Debug)]
pub struct ClassImage {
	/// `image/png` or `image/svg+xml`.
	pub content_type: String,
	/// The exact bytes whose blake2-256 the class pins on chain.
	pub bytes: Vec<u8>,
}

/// An application to record, with the link its first e-mail carries
/// ([`Store::add_applications`]).
#[derive(Clone, Debug)]
pub struct NewIntake {
	/// The applicant's e-mail address (normalised).
	pub email: String,
	/// The badge's on-chain id.
	pub badge_id: BadgeId,
	/// The claim secret, sealed with the server key.
	pub claim_enc: Vec<u8>,
	/// The issuer's signed credential (JSON), if supplied.
	pub credential: Option<String>,
	/// The language of the e-mail (`ja`, `en`).
	pub lang: String,
	/// The SHA-256 of the first e-mail's link token.
	pub token_hash: String,
	/// That token, sealed with the server key until the e-mail is sent.
	pub token_enc: Vec<u8>,
}

/// A receipt e-mail to queue with a registration ([`Store::register_holder`]).
pub struct NewReceipt {
	/// The application it is for.
	pub application: i64,
	/// The e-mail's language code.
	pub lang: String,
	/// The SHA-256 of its link's token.
	pub token_hash: String,
	/// That token, sealed.
	pub token_enc: Vec<u8>,
	/// When the link stops working.
	pub expires_at: i64,
}

/// The first e-mail an application gets: a registered holder is sent the receipt link, anyone
/// else a registration link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FirstMail {
	/// A registration link.
	Register,
	/// A receipt link.
	Receive,
}

impl FirstMail {
	/// The kind of e-mail (and link) it is.
	pub fn kind(self) -> MailKind {
		match self {
			FirstMail::Register => MailKind::Register,
			FirstMail::Receive => MailKind::Receive,
		}
	}
}

/// Seconds an expired link is kept before [`Store::prune`] deletes it.
pub const LINK_KEPT_SECS: i64 = 30 * 24 * 3600;

/// What an e-mail of the outbox carries: a link of the same kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailKind {
	/// A link to register a wallet (`links.kind` `register`).
	Register,
	/// A link to receive one badge (`links.kind` `receive`).
	Receive,
	/// A link to choose a new password (`links.kind` `reset`).
	Reset,
}

impl MailKind {
	/// Its name in the `links` and `outbox` tables.
	pub fn name(self) -> &'static str {
		match self {
			MailKind::Register => "register",
			MailKind::Receive => "receive",
			MailKind::Reset => "reset",
		}
	}

	fn from_name(name: &str) -> Option<MailKind> {
		match name {
			"register" => Some(MailKind::Register),
			"receive" => Some(MailKind::Receive),
			"reset" => Some(MailKind::Reset),
			_ => None,
		}
	}
}

/// What a link lets its holder do: its `links.kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkKind {
	/// Register a wallet.
	Register,
	/// Receive one badge.
	Receive,
	/// Choose a new password.
	Reset,
	/// Set up an issuer's staff account (handed over by the operator, never e-mailed).
	Staff,
}

impl LinkKind {
	/// Its name in the `links` table.
	pub fn name(self) -> &'static str {
		match self {
			LinkKind::Register => "register",
			LinkKind::Receive => "receive",
			LinkKind::Reset => "reset",
			LinkKind::Staff => "staff",
		}
	}

	fn from_name(name: &str) -> Option<LinkKind> {
		[
			LinkKind::Register,
			LinkKind::Receive,
			LinkKind::Reset,
			LinkKind::Staff,
		]
		.into_iter()
		.find(|kind| kind.name() == name)
	}
}

impl From<MailKind> for LinkKind {
	fn from(mail: MailKind) -> LinkKind {
		match mail {
			MailKind::Register => LinkKind::Register,
			MailKind::Receive => LinkKind::Receive,
			MailKind::Reset => LinkKind::Reset,
		}
	}
}

/// An e-mail of the outbox, leased for sending ([`Store::lease_mail`]).
#[derive(Clone, Debug)]
pub struct QueuedMail {
	/// Row id.
	pub id: i64,
	/// What it announces.
	pub kind: MailKind,
	/// Recipient.
	pub email: String,
	/// Language code.
	pub lang: String,
	/// The issuer named in a registration e-mail.
	pub issuer_name: Option<String>,
	/// The application a receipt e-mail is for.
	pub application_id: Option<i64>,
	/// The badge of that application.
	pub badge_id: Option<BadgeId>,
	/// The link's token, sealed with the server key.
	pub token_enc: Vec<u8>,
	/// When the link stops working.
	pub expires_at: i64,
	/// Attempts made before this one.
	pub attempts: i64,
}

/// A link as stored.
#[derive(Clone, Debug)]
pub struct Link {
	/// What it lets its holder do.
	pub kind: LinkKind,
	/// Whom it was sent to.
	pub email: String,
	/// The application a receipt link is for.
	pub application_id: Option<i64>,
	/// When it stops working.
	pub expires_at: i64,
	/// When it was used, if it was.
	pub used_at: Option<i64>,
}

impl Store {
	/// Connect to `url` (`sqlite://path?mode=rwc`, `sqlite::memory:`, `postgres://…`) and apply
	/// pending migrations.
	pub async fn open(url: &str) -> Result<Store, StoreError> {
		sqlx::any::install_default_drivers();
		let postgres = url.starts_with("postgres:") || url.starts_with("postgresql:");
		if !postgres && !url.starts_with("sqlite:") {
			return Err(StoreError::Unsupported(url.to_string()));
		}
		let pool = AnyPoolOptions::new()
			// SQLite allows one writer; a small pool keeps lock waits short.
			.max_connections(if postgres { 10 } else { 4 })
			.connect(url)
			.await?;
		if !postgres {
			sqlx::raw_sql(
				"PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;",
			)
			.execute(&pool)
			.await?;
		}
		let store = Store { pool, postgres };
		store.migrate().await?;
		Ok(store)
	}

	async fn migrate(&self) -> Result<(), StoreError> {
		sqlx::raw_sql(
			"CREATE TABLE IF NOT EXISTS wallet_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
		)
		.execute(&self.pool)
		.await?;
		for m in MIGRATIONS {
			let done = sqlx::query("SELECT version FROM wallet_migrations WHERE version = $1")
				.bind(m.version)
				.fetch_optional(&self.pool)
				.await?
				.is_some();
			if done {
				continue;
			}
			let mut tx = self.pool.begin().await?;
			let sql = if self.postgres { m.postgres } else { m.sqlite };
			sqlx::raw_sql(sql).execute(&mut *tx).await?;
			sqlx::query("INSERT INTO wallet_migrations (version, applied_at) VALUES ($1, $2)")
				.bind(m.version)
				.bind(now())
				.execute(&mut *tx)
				.await?;
			tx.commit().await?;
			tracing::info!(version = m.version, "applied database migration");
		}
		Ok(())
	}

	/// Run the pending task `task` once: every sealed value is passed to `reseal` and replaced
	/// by what it returns, and the task is deleted, all in one transaction (a crash leaves the
	/// task to the next start). `None` when the task was done before; else how many values.
	pub async fn reseal_once<E>(
		&self,
		task: &str,
		reseal: impl Fn(&SealedValue) -> Result<Vec<u8>, E>,
	) -> Result<Option<Result<usize, E>>, StoreError> {
		let mut tx = self.pool.begin().await?;
		let pending = sqlx::query("SELECT name FROM pending_tasks WHERE name = $1")
			.bind(task)
			.fetch_optional(&mut *tx)
			.await?
			.is_some();
		if !pending {
			return Ok(None);
		}
		let mut count = 0;
		for kind in [
			SealedKind::HolderKey,
			SealedKind::ClaimSecret,
			SealedKind::MailLink,
		] {
			let (select, update) = kind.queries();
			let rows = sqlx::query(select).fetch_all(&mut *tx).await?;
			for row in rows {
				let value = SealedValue {
					kind,
					owner: row.try_get("owner")?,
					sealed: row.try_get("sealed")?,
				};
				let resealed = match reseal(&value) {
					Ok(resealed) => resealed,
					Err(e) => return Ok(Some(Err(e))),
				};
				sqlx::query(update)
					.bind(resealed)
					.bind(row.try_get::<i64, _>("id")?)
					.execute(&mut *tx)
					.await?;
				count += 1;
			}
		}
		sqlx::query("DELETE FROM pending_tasks WHERE name = $1")
			.bind(task)
			.execute(&mut *tx)
			.await?;
		tx.commit().await?;
		Ok(Some(Ok(count)))
	}

	/// The newest applied migration.
	pub async fn schema_version(&self) -> Result<i64, StoreError> {
		let row = sqlx::query("SELECT MAX(version) AS v FROM wallet_migrations")
			.fetch_one(&self.pool)
			.await?;
		Ok(row.try_get::<Option<i64>, _>("v")?.unwrap_or(0))
	}

	/// Add an issuer with the SHA-256 of its API token and its chain account (SS58).
	pub async fn add_issuer(
		&self,
		name: &str,
		token_hash: &str,
		account: &str,
	) -> Result<i64, StoreError> {
		let row = sqlx::query(
			"INSERT INTO issuers (name, token_hash, created_at, account) \
			 VALUES ($1, $2, $3, $4) RETURNING id",
		)
		.bind(name)
		.bind(token_hash)
		.bind(now())
		.bind(account)
		.fetch_one(&self.pool)
		.await?;
		Ok(row.try_get("id")?)
	}

	/// The issuer (id, name) whose API token hashes to `token_hash`.
	pub async fn issuer_by_token(
		&self,
		token_hash: &str,
	) -> Result<Option<(i64, String)>, StoreError> {
		let row = sqlx::query("SELECT id, name FROM issuers WHERE token_hash = $1")
			.bind(token_hash)
			.fetch_optional(&self.pool)
			.await?;
		Ok(row
			.map(|r| -> Result<(i64, String), sqlx::Error> {
				Ok((r.try_get("id")?, r.try_get("name")?))
			})
			.transpose()?)
	}

	/// Record applications of issuer `issuer`, each with its first e-mail queued in the outbox
	/// and that e-mail's link (a receipt link for an address with a wallet, a registration link
	/// otherwise, valid until `receive_expires` or `register_expires`), in one transaction: for
	/// each row its application id and the e-mail queued, or `None` if an application for its
	/// badge exists already (nothing is written for that row).
	pub async fn add_applications(
		&self,
		issuer: i64,
		issuer_name: &str,
		rows: &[NewIntake],
		register_expires: i64,
		receive_expires: i64,
	) -> Result<Vec<Option<(i64, FirstMail)>>, StoreError> {
		let mut tx = self.pool.begin().await?;
		let now = now();
		let mut added = Vec::with_capacity(rows.len());
		for row in rows {
			let inserted = sqlx::query(
				"INSERT INTO applications \
				 (issuer_id, email, badge_id, claim_enc, status, created_at, credential) \
				 VALUES ($1, $2, $3, $4, 'pending', $5, $6) \
				 ON CONFLICT (badge_id) DO NOTHING RETURNING id",
			)
			.bind(issuer)
			.bind(&row.email)
			.bind(row.badge_id)
			.bind(row.claim_enc.clone())
			.bind(now)
			.bind(row.credential.as_deref())
			.fetch_optional(&mut *tx)
			.await?;
			let Some(inserted) = inserted else {
				added.push(None);
				continue;
			};
			let id: i64 = inserted.try_get("id")?;
			let registered = sqlx::query("SELECT id FROM holders WHERE email = $1")
				.bind(&row.email)
				.fetch_optional(&mut *tx)
				.await?
				.is_some();
			let (first, expires) = if registered {
				(FirstMail::Receive, receive_expires)
			} else {
				(FirstMail::Register, register_expires)
			};
			Self::queue_mail_in(
				&mut tx,
				first.kind(),
				&row.email,
				&row.lang,
				Some(issuer_name),
				Some(id),
				&row.token_hash,
				&row.token_enc,
				expires,
			)
			.await?;
			added.push(Some((id, first)));
		}
		tx.commit().await?;
		Ok(added)
	}

	/// Store a link (by its token's hash) and queue the e-mail carrying it, in one transaction.
	#[allow(clippy::too_many_arguments)]
	pub async fn queue_mail(
		&self,
		kind: MailKind,
		email: &str,
		lang: &str,
		issuer_name: Option<&str>,
		application: Option<i64>,
		token_hash: &str,
		token_enc: &[u8],
		expires_at: i64,
	) -> Result<(), StoreError> {
		let mut tx = self.pool.begin().await?;
		Self::queue_mail_in(
			&mut tx,
			kind,
			email,
			lang,
			issuer_name,
			application,
			token_hash,
			token_enc,
			expires_at,
		)
		.await?;
		tx.commit().await?;
		Ok(())
	}

	#[allow(clippy::too_many_arguments)]
	async fn queue_mail_in(
		tx: &mut sqlx::Transaction<'_, sqlx::Any>,
		kind: MailKind,
		email: &str,
		lang: &str,
		issuer_name: Option<&str>,
		application: Option<i64>,
		token_hash: &str,
		token_enc: &[u8],
		expires_at: i64,
	) -> Result<(), StoreError> {
		// A registration link is not tied to one application (it serves all of the address's).
		let link_application = application.filter(|_| kind == MailKind::Receive);
		sqlx::query(
			"INSERT INTO links (token_hash, kind, email, application_id, expires_at) \
			 VALUES ($1, $2, $3, $4, $5)",
		)
		.bind(token_hash)
		.bind(LinkKind::from(kind).name())
		.bind(email)
		.bind(link_application)
		.bind(expires_at)
		.execute(&mut **tx)
		.await?;
		let now = now();
		sqlx::query(
			"INSERT INTO outbox (kind, email, lang, issuer_name, application_id, token_enc, \
			 expires_at, attempts, due_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $8)",
		)
		.bind(kind.name())
		.bind(email)
		.bind(lang)
		.bind(issuer_name)
		.bind(application)
		.bind(token_enc.to_vec())
		.bind(expires_at)
		.bind(now)
		.execute(&mut **tx)
		.await?;
		Ok(())
	}

	/// Lease up to `limit` queued e-mails due at `now` until `lease_until` (another sender
	/// leaves them alone meanwhile; one that is neither sent nor failed by then is due again),
	/// oldest first.
	pub async fn lease_mail(
		&self,
		now: i64,
		lease_until: i64,
		limit: i64,
	) -> Result<Vec<QueuedMail>, StoreError> {
		// The outer `due_at` test makes a row leased by a concurrent sender drop out here
		// (PostgreSQL re-checks it after waiting for that sender's row lock).
		let rows = sqlx::query(
			"UPDATE outbox SET due_at = $1 WHERE due_at <= $2 AND id IN \
			 (SELECT id FROM outbox WHERE due_at <= $2 ORDER BY id LIMIT $3) \
			 RETURNING id, kind, email, lang, issuer_name, application_id, token_enc, \
			 expires_at, attempts",
		)
		.bind(lease_until)
		.bind(now)
		.bind(limit)
		.fetch_all(&self.pool)
		.await?;
		let mut leased = Vec::with_capacity(rows.len());
		for row in rows {
			let kind: String = row.try_get("kind")?;
			let application_id: Option<i64> = row.try_get("application_id")?;
			let badge_id = match application_id {
				Some(id) => sqlx::query("SELECT badge_id FROM applications WHERE id = $1")
					.bind(id)
					.fetch_optional(&self.pool)
					.await?
					.map(|r| r.try_get::<BadgeId, _>("badge_id"))
					.transpose()?,
				None => None,
			};
			leased.push(QueuedMail {
				id: row.try_get("id")?,
				kind: MailKind::from_name(&kind).ok_or_else(|| {
					sqlx::Error::Decode(format!("an outbox row of kind `{kind}`").into())
				})?,
				email: row.try_get("email")?,
				lang: row.try_get("lang")?,
				issuer_name: row.try_get("issuer_name")?,
				application_id,
				badge_id,
				token_enc: row.try_get("token_enc")?,
				expires_at: row.try_get("expires_at")?,
				attempts: row.try_get("attempts")?,
			});
		}
		leased.sort_by_key(|m| m.id);
		Ok(leased)
	}

	/// Take a sent (or undeliverable) e-mail off the outbox.
	pub async fn remove_mail(&self, id: i64) -> Result<(), StoreError> {
		sqlx::query("DELETE FROM outbox WHERE id = $1")
			.bind(id)
			.execute(&self.pool)
			.await?;
		Ok(())
	}

	/// Record a failed attempt at sending e-mail `id`: try again at `due_at`.
	pub async fn mail_failed(&self, id: i64, due_at: i64, error: &str) -> Result<(), StoreError> {
		sqlx::query(
			"UPDATE outbox SET attempts = attempts + 1, due_at = $1, last_error = $2 WHERE id = $3",
		)
		.bind(due_at)
		.bind(error)
		.bind(id)
		.execute(&self.pool)
		.await?;
		Ok(())
	}

	/// How many e-mails wait in the outbox, and when the next one is due (if any).
	pub async fn outbox_backlog(&self) -> Result<(i64, Option<i64>), StoreError> {
		let row = sqlx::query("SELECT COUNT(*) AS n, MIN(due_at) AS due FROM outbox")
			.fetch_one(&self.pool)
			.await?;
		Ok((row.try_get("n")?, row.try_get("due")?))
	}

	fn application_of(row: &sqlx::any::AnyRow) -> Result<Application, sqlx::Error> {
		Ok(Application {
			id: row.try_get("id")?,
			email: row.try_get("email")?,
			badge_id: row.try_get("badge_id")?,
			claim_enc: row.try_get("claim_enc")?,
			status: ApplicationStatus::read(row)?,
		})
	}

	fn holder_of(row: &sqlx::any::AnyRow) -> Result<Holder, sqlx::Error> {
		Ok(Holder {
			id: row.try_get("id")?,
			email: row.try_get("email")?,
			password_hash: row.try_get("password_hash")?,
			account: row.try_get("account")?,
			key_enc: row.try_get("key_enc")?,
		})
	}

	/// An application by id.
	pub async fn application(&self, id: i64) -> Result<Option<Application>, StoreError> {
		let row = sqlx::query(
			"SELECT id, email, badge_id, claim_enc, status FROM applications WHERE id = $1",
		)
		.bind(id)
		.fetch_optional(&self.pool)
		.await?;
		Ok(row.map(|r| Self::application_of(&r)).transpose()?)
	}

	/// The application of issuer `issuer` for badge `badge_id`, if there is one.
	pub async fn issuer_application(
		&self,
		issuer: i64,
		badge_id: BadgeId,
	) -> Result<Option<Application>, StoreError> {
		let row = sqlx::query(
			"SELECT id, email, badge_id, claim_enc, status FROM applications \
			 WHERE issuer_id = $1 AND badge_id = $2",
		)
		.bind(issuer)
		.bind(badge_id)
		.fetch_optional(&self.pool)
		.await?;
		Ok(row.map(|r| Self::application_of(&r)).transpose()?)
	}

	/// The name of the issuer of the latest application still waiting for `email`, if any.
	pub async fn pending_issuer_name(&self, email: &str) -> Result<Option<String>, StoreError> {
		let row = sqlx::query(
			"SELECT i.name AS name FROM applications a JOIN issuers i ON i.id = a.issuer_id \
			 WHERE a.email = $1 AND a.status = 'pending' ORDER BY a.id DESC LIMIT 1",
		)
		.bind(email)
		.fetch_optional(&self.pool)
		.await?;
		Ok(row.map(|r| r.try_get("name")).transpose()?)
	}

	/// Pending applications for `email`.
	pub async fn pending_applications(&self, email: &str) -> Result<Vec<Application>, StoreError> {
		self.applications_of(
			"SELECT id, email, badge_id, claim_enc, status FROM applications \
			 WHERE email = $1 AND status = 'pending' ORDER BY id",
			email,
		)
		.await
	}

	/// The applications `sql` selects for `email` (its `$1`).
	async fn applications_of(
		&self,
		sql: &'static str,
		email: &str,
	) -> Result<Vec<Application>, StoreError> {
		let rows = sqlx::query(sql).bind(email).fetch_all(&self.pool).await?;
		Ok(rows
			.iter()
			.map(Self::application_of)
			.collect::<Result<_, _>>()?)
	}

	/// Mark an application received.
	pub async fn mark_received(&self, id: i64) -> Result<(), StoreError> {
		sqlx::query("UPDATE applications SET status = 'received', received_at = $1 WHERE id = $2")
			.bind(now())
			.bind(id)
			.execute(&self.pool)
			.await?;
		Ok(())
	}

	/// Store a link by the hash of its token.
	pub async fn add_link(
		&self,
		token_hash: &str,
		kind: LinkKind,
		email: &str,
		application: Option<i64>,
		expires_at: i64,
	) -> Result<(), StoreError> {
		sqlx::query(
			"INSERT INTO links (token_hash, kind, email, application_id, expires_at) \
			 VALUES ($1, $2, $3, $4, $5)",
		)
		.bind(token_hash)
		.bind(kind.name())
		.bind(email)
		.bind(application)
		.bind(expires_at)
		.execute(&self.pool)
		.await?;
		Ok(())
	}

	/// Delete what has lapsed by `now`: expired holder and staff sessions, and links that
	/// expired more than [`LINK_KEPT_SECS`] before (until then a late click on an old link is
	/// told it expired rather than that it is unknown). How many rows went.
	pub async fn prune(&self, now: i64) -> Result<u64, StoreError> {
		let mut gone = 0;
		for (sql, before) in [
			("DELETE FROM sessions WHERE expires_at <= $1", now),
			("DELETE FROM staff_sessions WHERE expires_at <= $1", now),
			(
				"DELETE FROM links WHERE expires_at <= $1",
				now - LINK_KEPT_SECS,
			),
		] {
			gone += sqlx::query(sql)
				.bind(before)
				.execute(&self.pool)
				.await?
				.rows_affected();
		}
		Ok(gone)
	}

	/// The link whose token hashes to `token_hash`.
	pub async fn link(&self, token_hash: &str) -> Result<Option<Link>, StoreError> {
		let row = sqlx::query(
			"SELECT kind, email, application_id, expires_at, used_at FROM links WHERE token_hash = $1",
		)
		.bind(token_hash)
		.fetch_optional(&self.pool)
		.await?;
		Ok(row
			.map(|r| -> Result<Link, sqlx::Error> {
				let kind: String = r.try_get("kind")?;
				Ok(Link {
					kind: LinkKind::from_name(&kind).ok_or_else(|| {
						sqlx::Error::Decode(format!("a link of kind `{kind}`").into())
					})?,
					email: r.try_get("email")?,
					application_id: r.try_get("application_id")?,
					expires_at: r.try_get("expires_at")?,
					used_at: r.try_get("used_at")?,
				})
			})
			.transpose()?)
	}

	/// Use a registration link, create the holder and queue `receipts` (their links and
	/// e-mails), atomically: `None` (and nothing changed) if the link was used or expired
	/// meanwhile or the e-mail is taken.
	pub async fn register_holder(
		&self,
		token_hash: &str,
		holder: &Holder,
		receipts: &[NewReceipt],
	) -> Result<Option<i64>, StoreError> {
		let mut tx = self.pool.begin().await?;
		let now = now();
		let used = sqlx::query(
			"UPDATE links SET used_at = $1 WHERE token_hash = $2 AND kind = 'register' \
			 AND used_at IS NULL AND expires_at > $1",
		)
		.bind(now)
		.bind(token_hash)
		.execute(&mut *tx)
		.await?;
		if used.rows_affected() != 1 {
			return Ok(None);
		}
		let taken = sqlx::query("SELECT id FROM holders WHERE email = $1")
			.bind(&holder.email)
			.fetch_optional(&mut *tx)
			.await?;
		if taken.is_some() {
			return Ok(None);
		}
		let row = sqlx::query(
			"INSERT INTO holders (email, password_hash, account, key_enc, created_at) \
			 VALUES ($1, $2, $3, $4, $5) RETURNING id",
		)
		.bind(&holder.email)
		.bind(&holder.password_hash)
		.bind(&holder.account)
		.bind(holder.key_enc.clone())
		.bind(now)
		.fetch_one(&mut *tx)
		.await?;
		let id: i64 = row.try_get("id")?;
		for receipt in receipts {
			Self::queue_mail_in(
				&mut tx,
				MailKind::Receive,
				&holder.email,
				&receipt.lang,
				None,
				Some(receipt.application),
				&receipt.token_hash,
				&receipt.token_enc,
				receipt.expires_at,
			)
			.await?;
		}
		tx.commit().await?;
		Ok(Some(id))
	}

	/// Use a password-reset link for `email` and give its holder `password_hash`, ending every
	/// session of theirs, atomically: `false` (and nothing changed) if the link was used or
	/// expired meanwhile.
	pub async fn reset_password(
		&self,
		token_hash: &str,
		email: &str,
		password_hash: &str,
	) -> Result<bool, StoreError> {
		let mut tx = self.pool.begin().await?;
		let now = now();
		let used = sqlx::query(
			"UPDATE links SET used_at = $1 WHERE token_hash = $2 AND kind = 'reset' \
			 AND email = $3 AND used_at IS NULL AND expires_at > $1",
		)
		.bind(now)
		.bind(token_hash)
		.bind(email)
		.execute(&mut *tx)
		.await?;
		if used.rows_affected() != 1 {
			return Ok(false);
		}
		let changed = sqlx::query("UPDATE holders SET password_hash = $1 WHERE email = $2")
			.bind(password_hash)
			.bind(email)
			.execute(&mut *tx)
			.await?;
		if changed.rows_affected() != 1 {
			return Ok(false);
		}
		sqlx::query(
			"DELETE FROM sessions WHERE holder_id = (SELECT id FROM holders WHERE email = $1)",
		)
		.bind(email)
		.execute(&mut *tx)
		.await?;
		tx.commit().await?;
		Ok(true)
	}

	/// Mark a link used; `false` if it was used already.
	pub async fn use_link(&self, token_hash: &str) -> Result<bool, StoreError> {
		let done =
			sqlx::query("UPDATE links SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL")
				.bind(now())
				.bind(token_hash)
				.execute(&self.pool)
				.await?;
		Ok(done.rows_affected() == 1)
	}

	/// The holder registered with `email`.
	pub async fn holder_by_email(&self, email: &str) -> Result<Option<Holder>, StoreError> {
		let row = sqlx::query(
			"SELECT id, email, password_hash, account, key_enc FROM holders WHERE email = $1",
		)
		.bind(email)
		.fetch_optional(&self.pool)
		.await?;
		Ok(row.map(|r| Self::holder_of(&r)).transpose()?)
	}

	/// Applications received into the wallet of `email`, newest first.
	pub async fn received_applications(&self, email: &str) -> Result<Vec<Application>, StoreError> {
		self.applications_of(
			"SELECT id, email, badge_id, claim_enc, status FROM applications \
			 WHERE email = $1 AND status = 'received' ORDER BY received_at DESC, id DESC",
			email,
		)
		.await
	}

	/// Start a session for `holder` (the cookie token's hash and the session's CSRF token).
	pub async fn add_session(
		&self,
		token_hash: &str,
		holder: i64,
		csrf: &str,
		expires_at: i64,
	) -> Result<(), StoreError> {
		sqlx::query(
			"INSERT INTO sessions (token_hash, holder_id, csrf, expires_at) VALUES ($1, $2, $3, $4)",
		)
		.bind(token_hash)
		.bind(holder)
		.bind(csrf)
		.bind(expires_at)
		.execute(&self.pool)
		.await?;
		Ok(())
	}

	/// The holder and CSRF token of a live session.
	pub async fn session(&self, token_hash: &str) -> Result<Option<(Holder, String)>, StoreError> {
		let row = sqlx::query(
			"SELECT h.id, h.email, h.password_hash, h.account, h.key_enc, s.csrf \
			 FROM sessions s JOIN holders h ON h.id = s.holder_id \
			 WHERE s.token_hash = $1 AND s.expires_at > $2",
		)
		.bind(token_hash)
		.bind(now())
		.fetch_optional(&self.pool)
		.await?;
		Ok(row
			.map(|r| -> Result<(Holder, String), sqlx::Error> {
				Ok((Self::holder_of(&r)?, r.try_get("csrf")?))
			})
			.transpose()?)
	}

	/// Erase a holder and everything the service keeps about their address: sessions, links,
	/// queued e-mails, applications (with their sealed claim secrets) and the holder row with its
	/// sealed key, in one transaction. The chain keeps only what it always had (hashes and the account).
	pub async fn delete_holder(&self, holder: &Holder) -> Result<(), StoreError> {
		let mut tx = self.pool.begin().await?;
		sqlx::query("DELETE FROM sessions WHERE holder_id = $1")
			.bind(holder.id)
			.execute(&mut *tx)
			.await?;
		sqlx::query("DELETE FROM links WHERE email = $1")
			.bind(&holder.email)
			.execute(&mut *tx)
			.await?;
		sqlx::query("DELETE FROM outbox WHERE email = $1")
			.bind(&holder.email)
			.execute(&mut *tx)
			.await?;
		sqlx::query("DELETE FROM applications WHERE email = $1")
			.bind(&holder.email)
			.execute(&mut *tx)
			.await?;
		sqlx::query("DELETE FROM holders WHERE id = $1")
			.bind(holder.id)
			.execute(&mut *tx)
			.await?;
		tx.commit().await?;
		Ok(())
	}

	/// How many holder, application, link and outbox rows mention `email` (zero after an
	/// erasure).
	pub async fn rows_mentioning(&self, email: &str) -> Result<i64, StoreError> {
		let row = sqlx::query(
			"SELECT (SELECT COUNT(*) FROM holders WHERE email = $1) \
			 + (SELECT COUNT(*) FROM applications WHERE email = $1) \
			 + (SELECT COUNT(*) FROM links WHERE email = $1) \
			 + (SELECT COUNT(*) FROM outbox WHERE email = $1) AS n",
		)
		.bind(email)
		.fetch_one(&self.pool)
		.await?;
		Ok(row.try_get("n")?)
	}

	/// The last block the ledger indexer read, and its hash.
	pub async fn ledger_cursor(&self) -> Result<Option<(i64, String)>, StoreError> {
		let row = sqlx::query("SELECT block, block_hash FROM ledger_cursor WHERE id = 1")
			.fetch_optional(&self.pool)
			.await?;
		Ok(row
			.map(|r| -> Result<(i64, String), sqlx::Error> {
				Ok((r.try_get("block")?, r.try_get("block_hash")?))
			})
			.transpose()?)
	}

	/// Record block `block`'s registry events and move the cursor to it, atomically; prune
	/// rows beyond [`LEDGER_ROWS_KEPT`].
	pub async fn add_ledger_block(
		&self,
		block: i64,
		block_hash: &str,
		rows: &[LedgerRow],
	) -> Result<(), StoreError> {
		let mut tx = self.pool.begin().await?;
		for row in rows {
			sqlx::query(
				"INSERT INTO ledger (block, idx, kind, issuer, class_id, badge_id, reason, at) \
				 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
			)
			.bind(row.block)
			.bind(row.idx)
			.bind(&row.kind)
			.bind(&row.issuer)
			.bind(row.class_id)
			.bind(row.badge_id)
			.bind(row.reason.as_deref())
			.bind(row.at)
			.execute(&mut *tx)
			.await?;
		}
		let moved =
			sqlx::query("UPDATE ledger_cursor SET block = $1, block_hash = $2 WHERE id = 1")
				.bind(block)
				.bind(block_hash)
				.execute(&mut *tx)
				.await?;
		if moved.rows_affected() == 0 {
			sqlx::query("INSERT INTO ledger_cursor (id, block, block_hash) VALUES (1, $1, $2)")
				.bind(block)
				.bind(block_hash)
				.execute(&mut *tx)
				.await?;
		}
		if !rows.is_empty() {
			sqlx::query(
				"DELETE FROM ledger WHERE block < (SELECT MIN(block) FROM \
				 (SELECT block FROM ledger ORDER BY block DESC, idx DESC LIMIT $1) AS newest)",
			)
			.bind(LEDGER_ROWS_KEPT)
			.execute(&mut *tx)
			.await?;
		}
		tx.commit().await?;
		Ok(())
	}

	/// The newest ledger rows of the given kinds, newest first.
	pub async fn recent_ledger(
		&self,
		kinds: &[&str],
		limit: i64,
	) -> Result<Vec<LedgerRow>, StoreError> {
		// Kinds are a fixed vocabulary; an unknown one simply matches nothing.
		let kinds = kinds.join(",");
		let rows = sqlx::query(
			"SELECT block, idx, kind, issuer, class_id, badge_id, reason, at FROM ledger \
			 WHERE ',' || $1 || ',' LIKE '%,' || kind || ',%' \
			 ORDER BY block DESC, idx DESC LIMIT $2",
		)
		.bind(kinds)
		.bind(limit)
		.fetch_all(&self.pool)
		.await?;
		Ok(rows
			.iter()
			.map(|r| -> Result<LedgerRow, sqlx::Error> {
				Ok(LedgerRow {
					block: r.try_get("block")?,
					idx: r.try_get("idx")?,
					kind: r.try_get("kind")?,
					issuer: r.try_get("issuer")?,
					class_id: r.try_get("class_id")?,
					badge_id: r.try_get("badge_id")?,
					reason: r.try_get("reason")?,
					at: r.try_get("at")?,
				})
			})
			.collect::<Result<_, _>>()?)
	}

	/// The credential supplied with the application for `badge_id`, if any.
	pub async fn credential(&self, badge_id: BadgeId) -> Result<Option<String>, StoreError> {
		let row = sqlx::query("SELECT credential FROM applications WHERE badge_id = $1")
			.bind(badge_id)
			.fetch_optional(&self.pool)
			.await?;
		Ok(row
			.map(|r| r.try_get::<Option<String>, _>("credential"))
			.transpose()?
			.flatten())
	}

	/// Bind issuer `issuer` to its chain account (SS58): `false` if there is no such issuer.
	pub async fn set_issuer_account(&self, issuer: i64, account: &str) -> Result<bool, StoreError> {
		let done = sqlx::query("UPDATE issuers SET account = $1 WHERE id = $2")
			.bind(account)
			.bind(issuer)
			.execute(&self.pool)
			.await?;
		Ok(done.rows_affected() == 1)
	}

	/// The chain account of issuer `issuer`, if recorded (an issuer added by an older version
	/// may have none: it can do nothing until it is bound).
	pub async fn issuer_account(&self, issuer: i64) -> Result<Option<String>, StoreError> {
		let row = sqlx::query("SELECT account FROM issuers WHERE id = $1")
			.bind(issuer)
			.fetch_optional(&self.pool)
			.await?;
		Ok(row
			.map(|r| r.try_get::<Option<String>, _>("account"))
			.transpose()?
			.flatten())
	}

	/// The issuer named `name`, or with row id `name`.
	pub async fn issuer_id(&self, name: &str) -> Result<Option<i64>, StoreError> {
		let by_id = name.parse::<i64>().unwrap_or(-1);
		let row = sqlx::query("SELECT id FROM issuers WHERE id = $1 OR name = $2 ORDER BY id")
			.bind(by_id)
			.bind(name)
			.fetch_optional(&self.pool)
			.await?;
		Ok(row.map(|r| r.try_get("id")).transpose()?)
	}

	/// Add a staff member of `issuer` (no password yet); `None` if the e-mail is taken.
	pub async fn add_staff(&self, issuer: i64, email: &str) -> Result<Option<i64>, StoreError> {
		let taken = sqlx::query("SELECT id FROM staff WHERE email = $1")
			.bind(email)
			.fetch_optional(&self.pool)
			.await?;
		if taken.is_some() {
			return Ok(None);
		}
		let row = sqlx::query(
			"INSERT INTO staff (issuer_id, email, created_at) VALUES ($1, $2, $3) RETURNING id",
		)
		.bind(issuer)
		.bind(email)
		.bind(now())
		.fetch_one(&self.pool)
		.await?;
		Ok(Some(row.try_get("id")?))
	}

	fn staff_of(row: &sqlx::any::AnyRow) -> Result<Staff, sqlx::Error> {
		Ok(Staff {
			id: row.try_get("id")?,
			issuer_id: row.try_get("issuer_id")?,
			issuer_name: row.try_get("issuer_name")?,
			email: row.try_get("email")?,
			password_hash: row.try_get("password_hash")?,
		})
	}

	/// The staff member with login `email`.
	pub async fn staff_by_email(&self, email: &str) -> Result<Option<Staff>, StoreError> {
		let row = sqlx::query(
			"SELECT s.id, s.issuer_id, i.name AS issuer_name, s.email, s.password_hash \
			 FROM staff s JOIN issuers i ON i.id = s.issuer_id WHERE s.email = $1",
		)
		.bind(email)
		.fetch_optional(&self.pool)
		.await?;
		Ok(row.map(|r| Self::staff_of(&r)).transpose()?)
	}

	/// Use a staff link and set the member's password, atomically; `false` if the link was
	/// used or expired meanwhile.
	pub async fn set_staff_password(
		&self,
		token_hash: &str,
		email: &str,
		password_hash: &str,
	) -> Result<bool, StoreError> {
		let mut tx = self.pool.begin().await?;
		let now = now();
		let used = sqlx::query(
			"UPDATE links SET used_at = $1 WHERE token_hash = $2 AND kind = 'staff' \
			 AND used_at IS NULL AND expires_at > $1",
		)
		.bind(now)
		.bind(token_hash)
		.execute(&mut *tx)
		.await?;
		if used.rows_affected() != 1 {
			return Ok(false);
		}
		sqlx::query("UPDATE staff SET password_hash = $1 WHERE email = $2")
			.bind(password_hash)
			.bind(email)
			.execute(&mut *tx)
			.await?;
		tx.commit().await?;
		Ok(true)
	}

	/// Start a staff session.
	pub async fn add_staff_session(
		&self,
		token_hash: &str,
		staff: i64,
		csrf: &str,
		expires_at: i64,
	) -> Result<(), StoreError> {
		sqlx::query(
			"INSERT INTO staff_sessions (token_hash, staff_id, csrf, expires_at) \
			 VALUES ($1, $2, $3, $4)",
		)
		.bind(token_hash)
		.bind(staff)
		.bind(csrf)
		.bind(expires_at)
		.execute(&self.pool)
		.await?;
		Ok(())
	}

	/// The staff member and CSRF token of a live staff session.
	pub async fn staff_session(
		&self,
		token_hash: &str,
	) -> Result<Option<(Staff, String)>, StoreError> {
		let row = sqlx::query(
			"SELECT s.id, s.issuer_id, i.name AS issuer_name, s.email, s.password_hash, t.csrf \
			 FROM staff_sessions t JOIN staff s ON s.id = t.staff_id \
			 JOIN issuers i ON i.id = s.issuer_id \
			 WHERE t.token_hash = $1 AND t.expires_at > $2",
		)
		.bind(token_hash)
		.bind(now())
		.fetch_optional(&self.pool)
		.await?;
		Ok(row
			.map(|r| -> Result<(Staff, String), sqlx::Error> {
				Ok((Self::staff_of(&r)?, r.try_get("csrf")?))
			})
			.transpose()?)
	}

	/// End a staff session.
	pub async fn delete_staff_session(&self, token_hash: &str) -> Result<(), StoreError> {
		sqlx::query("DELETE FROM staff_sessions WHERE token_hash = $1")
			.bind(token_hash)
			.execute(&self.pool)
			.await?;
		Ok(())
	}

	/// The newest applications of `issuer`: (e-mail, badge id, status, created at).
	pub async fn issuer_applications(
		&self,
		issuer: i64,
		limit: i64,
	) -> Result<Vec<(String, BadgeId, ApplicationStatus, i64)>, StoreError> {
		let rows = sqlx::query(
			"SELECT email, badge_id, status, created_at FROM applications \
			 WHERE issuer_id = $1 ORDER BY id DESC LIMIT $2",
		)
		.bind(issuer)
		.bind(limit)
		.fetch_all(&self.pool)
		.await?;
		Ok(rows
			.iter()
			.map(|r| -> Result<_, sqlx::Error> {
				Ok((
					r.try_get("email")?,
					r.try_get("badge_id")?,
					ApplicationStatus::read(r)?,
					r.try_get("created_at")?,
				))
			})
			.collect::<Result<_, _>>()?)
	}

	/// Store (or replace) the image of `class`.
	pub async fn put_class_image(
		&self,
		class: i64,
		issuer: i64,
		image: &ClassImage,
	) -> Result<(), StoreError> {
		let mut tx = self.pool.begin().await?;
		sqlx::query("DELETE FROM class_images WHERE class_id = $1")
			.bind(class)
			.execute(&mut *tx)
			.await?;
		sqlx::query(
			"INSERT INTO class_images (class_id, issuer_id, content_type, bytes, uploaded_at) \
			 VALUES ($1, $2, $3, $4, $5)",
		)
		.bind(class)
		.bind(issuer)
		.bind(&image.content_type)
		.bind(image.bytes.clone())
		.bind(now())
		.execute(&mut *tx)
		.await?;
		tx.commit().await?;
		Ok(())
	}

	/// The image of `class`, if an issuer uploaded it.
	pub async fn class_image(&self, class: i64) -> Result<Option<ClassImage>, StoreError> {
		let row = sqlx::query("SELECT content_type, bytes FROM class_images WHERE class_id = $1")
			.bind(class)
			.fetch_optional(&self.pool)
			.await?;
		Ok(row
			.map(|r| -> Result<ClassImage, sqlx::Error> {
				Ok(ClassImage {
					content_type: r.try_get("content_type")?,
					bytes: r.try_get("bytes")?,
				})
			})
			.transpose()?)
	}

	/// End a session.
	pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
		sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
			.bind(token_hash)
			.execute(&self.pool)
			.await?;
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn link_kinds_are_read_back_by_name_and_a_mail_links_to_its_own_kind() {
		for kind in [
			LinkKind::Register,
			LinkKind::Receive,
			LinkKind::Reset,
			LinkKind::Staff,
		] {
			assert_eq!(LinkKind::from_name(kind.name()), Some(kind));
		}
		assert_eq!(LinkKind::from_name("Register"), None);
		for mail in [MailKind::Register, MailKind::Receive, MailKind::Reset] {
			assert_eq!(LinkKind::from(mail).name(), mail.name());
			assert_eq!(MailKind::from_name(mail.name()), Some(mail));
		}
	}
}

//! # badge-wallet
//!
//! The Open Badge Wallet service. An issuer registers an application (a badge it issued on
//! chain, the applicant's e-mail and the badge's claim secret) through the JSON API; the
//! applicant gets an e-mail with a single-use, expiring registration link, registers a wallet
//! (password, and a custodial chain key the service generates and keeps encrypted), then gets a
//! receipt e-mail per badge; following it, the wallet submits the receipt to the chain with the
//! holder's key and waits for finality.
//!
//! Storage is SQLite by default (one file) or PostgreSQL, through the same code ([`store`]);
//! e-mail goes over SMTP or, with none configured, to an outbox folder ([`mail`]).
//!
//! The holder logs in (argon2 password, session cookie, CSRF token in every form, attempts
//! limited per address) to the wallet's front page, which lists their badges with a switch each
//! that sets the badge public or private on chain. Anyone can open `/badges/{id}`, which verifies
//! the badge live against the chain and shows only "not disclosed" for a private one.
//!
//! On `/account` a holder downloads their chain key (self-custody) or deletes their wallet
//! account ([`account`]). Issuer staff log in to `/issuer` to register applications by form,
//! import `badge bulk` results files with signed credentials, and upload class images
//! ([`issuer`]). A public badge's page carries its share kit: card PNG and PDF, credential,
//! baked image ([`share`]). `/explorer`, issuer, class and holder pages show the public ledger
//! ([`explorer`], fed by the [`indexer`]). Every page and e-mail is in Japanese or English
//! ([`i18n`]). `/metrics` serves Prometheus metrics and every request is logged as one
//! structured line ([`metrics`]); the link pages are rate limited per client and per link.
//!
//! For third-party verifiers the service publishes, from finalized chain state only, each
//! issuer's `did:web` document ([`identity`]) and its revocation status lists, signed with a
//! key the issuer delegates to the service on chain ([`status`]).

pub mod account;
pub mod config;
pub mod domain;
pub mod explorer;
pub mod i18n;
pub mod identity;
pub mod indexer;
pub mod intake;
pub mod issuer;
pub mod limits;
pub mod mail;
pub mod metrics;
pub mod outbox;
pub mod pages;
pub mod passwords;
pub mod prune;
pub mod recover;
pub mod secrets;
pub mod server;
pub mod sessions;
pub mod share;
pub mod status;
pub mod store;
pub mod templates;
pub mod web;

use badge_client::BadgeClient;
use tokio::sync::Mutex;

/// Seal again, bound to its row, every value sealed before values were bound (once; see
/// migration 6). A value the server key does not open stops the start: the key is not the one
/// the data was sealed with.
async fn reseal_with_context(store: &store::Store, key: &secrets::ServerKey) -> Result<(), String> {
	let done = store
		.reseal_once("reseal_with_context", |value| -> Result<Vec<u8>, String> {
			let context = match value.kind {
				store::SealedKind::HolderKey => secrets::Context::HolderKey(&value.owner),
				store::SealedKind::ClaimSecret => secrets::Context::ClaimSecret(&value.owner),
				store::SealedKind::MailLink => secrets::Context::MailLink(&value.owner),
			};
			// Bound already (written since): kept.
			if key.open(&value.sealed, &context).is_ok() {
				return Ok(value.sealed.clone());
			}
			let plain = key.open_unbound(&value.sealed).map_err(|_| {
				format!(
					"the server key does not open the sealed {:?} of {}: start with the server \
					 key this database was written with",
					value.kind, value.owner
				)
			})?;
			Ok(key.seal(&plain, &context))
		})
		.await
		.map_err(|e| e.to_string())?;
	if let Some(count) = done {
		let count = count?;
		tracing::info!(count, "sealed values bound to their rows");
	}
	Ok(())
}

/// What every request handler shares.
pub struct State {
	/// Settings.
	pub config: config::Config,
	/// The database.
	pub store: store::Store,
	/// Outgoing e-mail.
	pub mailer: mail::Mailer,
	/// Wakes the outbox sender when e-mail is queued.
	pub outbox_wake: tokio::sync::Notify,
	/// The key sealing holder keys and claim secrets.
	pub key: secrets::ServerKey,
	/// Rate limits (logins per address).
	pub limiter: limits::Limiter,
	/// Password hashing, bounded.
	pub passwords: passwords::Passwords,
	/// The chain connection, made on first use and remade after it fails.
	client: std::sync::Mutex<Option<BadgeClient>>,
	/// Held by the one request connecting to the chain; when the last try failed.
	connecting: Mutex<Option<std::time::Instant>>,
	/// When the chain last vouched for each served credential (by blake2-256 of its text).
	vouched: std::sync::Mutex<std::collections::HashMap<[u8; 32], std::time::Instant>>,
	/// The key signing the status lists issuers delegate to this service.
	pub status_signer: status::StatusSigner,
	/// Status lists served recently.
	status_lists: status::ListCache,
	/// Share cards rendered recently.
	pub cards: share::Cards,
	/// Explorer pages built recently.
	pub pages: web::PageCache,
}

/// How long connecting to the chain node may take before the request is answered 503.
pub const CHAIN_CONNECT: std::time::Duration = std::time::Duration::from_secs(2);
/// After a failed connection, requests are answered 503 at once for this long (no storm of
/// connections to a node that is down).
const CHAIN_RETRY_AFTER: std::time::Duration = std::time::Duration::from_secs(2);

/// How long a credential the chain vouched for is served without asking again.
const VOUCHED_FOR: std::time::Duration = std::time::Duration::from_secs(60);
/// Most credential verdicts kept at once (the map is emptied when full).
const VOUCHED_KEPT: usize = 10_000;

impl State {
	/// A state over these parts (the chain is connected on first use).
	pub fn new(
		config: config::Config,
		store: store::Store,
		mailer: mail::Mailer,
		key: secrets::ServerKey,
		status_signer: status::StatusSigner,
	) -> State {
		State {
			config,
			store,
			mailer,
			outbox_wake: tokio::sync::Notify::new(),
			key,
			status_signer,
			status_lists: Default::default(),
			cards: Default::default(),
			pages: Default::default(),
			limiter: limits::Limiter::default(),
			passwords: passwords::Passwords::for_this_machine(),
			client: std::sync::Mutex::new(None),
			connecting: Mutex::new(None),
			vouched: Default::default(),
		}
	}

	/// Whether the chain vouched for the credential with this digest in the last minute.
	pub fn credential_vouched_recently(&self, digest: &[u8; 32]) -> bool {
		let kept = self.vouched.lock().unwrap_or_else(|e| e.into_inner());
		kept.get(digest)
			.is_some_and(|at| at.elapsed() < VOUCHED_FOR)
	}

	/// Note that the chain vouched for the credential with this digest now.
	pub fn note_credential_vouched(&self, digest: [u8; 32]) {
		let mut kept = self.vouched.lock().unwrap_or_else(|e| e.into_inner());
		if kept.len() >= VOUCHED_KEPT {
			kept.clear();
		}
		kept.insert(digest, std::time::Instant::now());
	}

	/// Build everything `config` describes: open (and migrate) the database, load or create the
	/// server key, set up e-mail.
	pub async fn from_config(config: config::Config) -> Result<State, String> {
		std::fs::create_dir_all(&config.data_dir)
			.map_err(|e| format!("cannot create {}: {e}", config.data_dir.display()))?;
		let store = store::Store::open(&config.database_url())
			.await
			.map_err(|e| e.to_string())?;
		let key = secrets::ServerKey::load_or_create(&config.server_key_file())?;
		reseal_with_context(&store, &key).await?;
		let mailer = mail::Mailer::new(config.smtp_url.as_deref(), &config.outbox())?;
		let status_signer = status::StatusSigner::load_or_create(&config.status_key_file())?;
		Ok(State::new(config, store, mailer, key, status_signer))
	}

	/// A connection to the chain node, connecting if there is none. It fails fast: one request
	/// connects while the others wait for it, all for at most [`CHAIN_CONNECT`]; after a failure
	/// every request is answered at once for [`CHAIN_RETRY_AFTER`].
	pub async fn client(&self) -> Result<BadgeClient, badge_client::Error> {
		if let Some(client) = self.connected() {
			return Ok(client);
		}
		let url = &self.config.node_url;
		let unreachable = |reason: String| badge_client::Error::Unreachable {
			url: url.clone(),
			reason,
		};
		let deadline = tokio::time::Instant::now() + CHAIN_CONNECT;
		let mut failed_at = tokio::time::timeout_at(deadline, self.connecting.lock())
			.await
			.map_err(|_| unreachable("another request is still connecting".into()))?;
		if let Some(client) = self.connected() {
			return Ok(client);
		}
		if failed_at.is_some_and(|at| at.elapsed() < CHAIN_RETRY_AFTER) {
			return Err(unreachable("the last try failed moments ago".into()));
		}
		let connected = tokio::time::timeout_at(deadline, BadgeClient::connect(url))
			.await
			.unwrap_or_else(|_| {
				Err(unreachable(format!(
					"no answer within {} s",
					CHAIN_CONNECT.as_secs()
				)))
			});
		match connected {
			Ok(client) => {
				*failed_at = None;
				*self.client.lock().unwrap_or_else(|e| e.into_inner()) = Some(client.clone());
				Ok(client)
			}
			Err(e) => {
				*failed_at = Some(std::time::Instant::now());
				Err(e)
			}
		}
	}

	fn connected(&self) -> Option<BadgeClient> {
		self.client
			.lock()
			.unwrap_or_else(|e| e.into_inner())
			.clone()
	}

	/// The custodial chain key of `holder`, unsealed with the server key (and refused unless
	/// it is the key of the holder's own account).
	pub fn holder_key(
		&self,
		holder: &store::Holder,
	) -> Result<badge_client::Keypair, secrets::DecryptError> {
		let seed: [u8; 32] = self
			.key
			.open(
				&holder.key_enc,
				&secrets::Context::HolderKey(&holder.account),
			)?
			.try_into()
			.map_err(|_| secrets::DecryptError)?;
		let pair = secrets::holder_key(seed);
		if badge_client::account_of(&pair).to_string() != holder.account {
			return Err(secrets::DecryptError);
		}
		Ok(pair)
	}

	/// Drop the chain connection so the next request reconnects.
	pub async fn forget_client(&self) {
		*self.client.lock().unwrap_or_else(|e| e.into_inner()) = None;
	}
}

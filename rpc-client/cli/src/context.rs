//! What every command shares: the global options and the context built from them, errors
//! with their exit codes, and parsing helpers.

use crate::config;
use badge_client::{
	account_of, AccountId32, BadgeClient, BadgeId, BadgeIdError, Error as ClientError, Wait,
};
use badge_credential::dates;
use clap::Args;
use serde_json::json;
use std::{path::PathBuf, str::FromStr, time::Duration};

/// Exit codes, as documented in `--help`.
pub mod exit {
	/// Done (for `verify`: the badge is valid).
	pub const OK: u8 = 0;
	/// `verify`: the badge is not valid.
	pub const NOT_VALID: u8 = 1;
	/// Bad input (a file, a flag, a CSV row).
	pub const INPUT: u8 = 3;
	/// The chain refused the call.
	pub const REJECTED: u8 = 4;
	/// The node is unreachable or did not answer in time.
	pub const NODE: u8 = 5;
	/// Stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it).
	pub const INTERRUPTED: u8 = 130;
}

/// What can go wrong, each with its exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
	/// Bad input: a file, a flag, a CSV row.
	#[error("{0}")]
	Input(String),
	/// The chain refused the call.
	#[error("{0}")]
	Rejected(String),
	/// The node is unreachable, or did not answer in time.
	#[error("{0}")]
	Node(String),
}

impl CliError {
	/// The process exit code of this error.
	pub fn code(&self) -> u8 {
		match self {
			CliError::Input(_) => exit::INPUT,
			CliError::Rejected(_) => exit::REJECTED,
			CliError::Node(_) => exit::NODE,
		}
	}
}

impl From<dates::DateError> for CliError {
	fn from(e: dates::DateError) -> Self {
		CliError::Input(e.to_string())
	}
}

impl From<badge_credential::baking::BakeError> for CliError {
	fn from(e: badge_credential::baking::BakeError) -> Self {
		CliError::Input(e.to_string())
	}
}

impl From<ClientError> for CliError {
	fn from(e: ClientError) -> Self {
		match e {
			ClientError::Rejected { .. }
			| ClientError::Invalid(_)
			| ClientError::Dropped(_)
			| ClientError::MotionFailed { .. }
			| ClientError::MotionOpen { .. } => CliError::Rejected(e.to_string()),
			ClientError::InvalidInput(m) => CliError::Input(m),
			other => CliError::Node(other.to_string()),
		}
	}
}

/// The options every command takes.
#[derive(Args, Debug)]
pub struct Global {
	/// Node RPC URL (ws:// or http://).
	#[arg(long, env = "BADGE_NODE_URL", global = true)]
	pub url: Option<String>,
	/// Config file.
	#[arg(long, env = "BADGE_CONFIG", global = true)]
	pub config: Option<PathBuf>,
	/// File holding the signing key (secret URI, mnemonic or 0x seed).
	#[arg(long, global = true)]
	pub key_file: Option<PathBuf>,
	/// Print JSON for scripts instead of text.
	#[arg(long, global = true)]
	pub json: bool,
	/// Return once transactions are in a block instead of waiting for finality.
	#[arg(long, global = true)]
	pub no_wait_finality: bool,
	/// Seconds to wait for a transaction before giving up.
	#[arg(long, default_value_t = 120, global = true)]
	pub timeout: u64,
}

/// Everything a command needs.
pub struct Ctx {
	/// The global options.
	pub global: Global,
	/// The configuration file's settings.
	pub config: config::ConfigFile,
}

impl Ctx {
	/// The node's URL: `--url`, else the config file's, else the default.
	pub fn url(&self) -> String {
		self.global
			.url
			.clone()
			.or_else(|| self.config.url.clone())
			.unwrap_or_else(|| config::DEFAULT_URL.to_string())
	}

	/// The wallet service's base URL, for badge pages and DIDs.
	pub fn base_url(&self) -> String {
		self.config
			.base_url
			.clone()
			.unwrap_or_else(|| config::DEFAULT_BASE_URL.to_string())
	}

	/// The account given, or the signing key's own.
	pub fn account_or_own(&self, account: Option<String>) -> Result<AccountId32, CliError> {
		match account {
			Some(a) => parse_account(&a),
			None => Ok(account_of(&self.key()?.pair)),
		}
	}

	/// What transactions wait for: finality, or inclusion with `--no-wait-finality`.
	pub fn wait(&self) -> Wait {
		if self.global.no_wait_finality {
			Wait::InBlock
		} else {
			Wait::Finalized
		}
	}

	/// The signing key: `--key-file`, `$BADGE_KEY`, or the config file's.
	pub fn key(&self) -> Result<config::SigningKey, CliError> {
		let env = std::env::var("BADGE_KEY").ok();
		config::signing_key(
			self.global.key_file.as_deref(),
			env.as_deref(),
			&self.config,
		)
	}

	/// A client of the node, with `--timeout`.
	pub async fn client(&self) -> Result<BadgeClient, CliError> {
		Ok(BadgeClient::connect(&self.url())
			.await?
			.with_timeout(Duration::from_secs(self.global.timeout)))
	}

	/// Print `value` as JSON, or `text` for people.
	pub fn print(&self, value: serde_json::Value, text: impl FnOnce() -> String) {
		if self.global.json {
			println!("{value}");
		} else {
			println!("{}", text());
		}
	}
}

/// An SS58 account address.
pub fn parse_account(s: &str) -> Result<AccountId32, CliError> {
	AccountId32::from_str(s.trim())
		.map_err(|_| CliError::Input(format!("`{s}` is not an SS58 account address")))
}

/// A badge id (`0x` and 64 hex digits).
pub fn parse_badge_id(s: &str) -> Result<BadgeId, CliError> {
	s.parse()
		.map_err(|e: BadgeIdError| CliError::Input(e.to_string()))
}

/// SHA-256 of `text` (evidence URLs and reasons go on chain as this).
pub fn sha256(text: &str) -> [u8; 32] {
	sp_crypto_hashing::sha2_256(text.as_bytes())
}

/// Print what an admin act (a council motion) did: done, or proposed and awaiting votes.
pub fn report_governed(
	ctx: &Ctx,
	governed: badge_client::Governed,
	done: serde_json::Value,
	done_text: impl FnOnce() -> String,
) {
	match governed {
		badge_client::Governed::Done(_) => ctx.print(done, done_text),
		badge_client::Governed::Proposed(motion) => ctx.print(
			json!({
				"proposed": {
					"index": motion.index,
					"hash": format!("{:?}", motion.hash),
					"threshold": motion.threshold,
				}
			}),
			|| {
				format!(
					"council motion #{} proposed ({:?}); it needs {} ayes: members run \
					 `badge council vote {:?} {}` and then one runs `badge council close {:?} {}`",
					motion.index,
					motion.hash,
					motion.threshold,
					motion.hash,
					motion.index,
					motion.hash,
					motion.index
				)
			},
		),
	}
}

/// The bytes of a file the user named, or an input error naming it.
pub fn read(path: &std::path::Path) -> Result<Vec<u8>, CliError> {
	std::fs::read(path).map_err(|e| CliError::Input(format!("cannot read {}: {e}", path.display())))
}

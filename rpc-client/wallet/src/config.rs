//! Configuration: a TOML file (every key optional) overridden by `WALLET_*` environment
//! variables. With nothing configured the service runs on loopback against a local dev node,
//! keeps its data in `./wallet-data` (SQLite, server key, e-mail outbox) and writes e-mails to
//! the outbox instead of sending them.

use serde::Deserialize;
use std::path::PathBuf;

/// The service's settings.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
	/// Address to listen on (`WALLET_LISTEN`).
	pub listen: String,
	/// Address of the operations listener, serving `/health` and `/metrics` to monitoring only
	/// (`WALLET_OPS_LISTEN`); empty: none. Neither is served on `listen`.
	pub ops_listen: String,
	/// Public URL of the service, used in e-mailed links (`WALLET_BASE_URL`).
	pub base_url: String,
	/// The chain node's RPC URL (`WALLET_NODE_URL`).
	pub node_url: String,
	/// Folder for the default database, the server key and the outbox (`WALLET_DATA_DIR`).
	pub data_dir: PathBuf,
	/// `sqlite://FILE?mode=rwc` or `postgres://…` (`WALLET_DATABASE_URL`); default: SQLite in
	/// `data_dir`.
	pub database_url: Option<String>,
	/// The server key file (64 hex digits, created if missing) (`WALLET_SERVER_KEY_FILE`);
	/// default: `data_dir/server.key`.
	pub server_key_file: Option<PathBuf>,
	/// The key this service signs issuers' revocation status lists with (64 hex digits of an
	/// Ed25519 seed, created if missing) (`WALLET_STATUS_KEY_FILE`); default:
	/// `data_dir/status.key`. An issuer delegates its lists to the service by publishing the
	/// key's public half on chain (`badge issuer key add --purpose status-lists`).
	pub status_key_file: Option<PathBuf>,
	/// Seconds a status list is served before it is rebuilt from finalized chain state
	/// (`WALLET_STATUS_LIST_REFRESH`, 1 to 60): a revocation shows at most this long after
	/// its block is final.
	pub status_list_refresh: u64,
	/// SMTP server URL, e.g. `smtp://127.0.0.1:2525` or `smtps://user:pass@mail.example.jp`
	/// (`WALLET_SMTP_URL`); without it e-mails go to the outbox folder.
	pub smtp_url: Option<String>,
	/// The outbox folder for `.eml` files (`WALLET_OUTBOX`); default: `data_dir/outbox`.
	pub outbox: Option<PathBuf>,
	/// Sender of the e-mails (`WALLET_MAIL_FROM`).
	pub mail_from: String,
	/// Hours a registration link works.
	pub registration_link_hours: i64,
	/// Hours a receipt link works.
	pub receipt_link_hours: i64,
	/// Behind a reverse proxy: take the client's address for rate limits from the last
	/// `X-Forwarded-For` entry (`WALLET_TRUST_PROXY=1`). Leave off when clients connect directly,
	/// or they could pick their own address.
	pub trust_proxy: bool,
	/// Log lines as `text` or `json` (`WALLET_LOG_FORMAT`).
	pub log_format: String,
	/// Interface and e-mail language when a browser names neither of ours: `ja` or `en`
	/// (`WALLET_DEFAULT_LANG`).
	pub default_lang: String,
}

impl Default for Config {
	fn default() -> Self {
		Config {
			listen: "127.0.0.1:8080".into(),
			ops_listen: "127.0.0.1:9617".into(),
			base_url: "http://127.0.0.1:8080".into(),
			node_url: "ws://127.0.0.1:9944".into(),
			data_dir: PathBuf::from("wallet-data"),
			database_url: None,
			server_key_file: None,
			status_key_file: None,
			status_list_refresh: 30,
			smtp_url: None,
			outbox: None,
			mail_from: "Open Badge Wallet <wallet@localhost>".into(),
			registration_link_hours: 7 * 24,
			receipt_link_hours: 30 * 24,
			trust_proxy: false,
			log_format: "text".into(),
			default_lang: "en".into(),
		}
	}
}

impl Config {
	/// Read `path` (if given) and apply the environment.
	pub fn load(path: Option<&std::path::Path>) -> Result<Config, String> {
		let mut config = match path {
			Some(path) => {
				let text = std::fs::read_to_string(path)
					.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
				toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?
			}
			None => Config::default(),
		};
		config.apply_env(|k| std::env::var(k).ok());
		config.check()?;
		Ok(config)
	}

	/// Override settings from `WALLET_*` variables (read through `var`).
	pub fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) {
		if let Some(v) = var("WALLET_LISTEN") {
			self.listen = v;
		}
		if let Some(v) = var("WALLET_OPS_LISTEN") {
			self.ops_listen = v;
		}
		if let Some(v) = var("WALLET_BASE_URL") {
			self.base_url = v;
		}
		if let Some(v) = var("WALLET_NODE_URL") {
			self.node_url = v;
		}
		if let Some(v) = var("WALLET_DATA_DIR") {
			self.data_dir = v.into();
		}
		if let Some(v) = var("WALLET_DATABASE_URL") {
			self.database_url = Some(v);
		}
		if let Some(v) = var("WALLET_SERVER_KEY_FILE") {
			self.server_key_file = Some(v.into());
		}
		if let Some(v) = var("WALLET_STATUS_KEY_FILE") {
			self.status_key_file = Some(v.into());
		}
		if let Some(v) = var("WALLET_STATUS_LIST_REFRESH") {
			// A value that is not a number is caught by `check`.
			self.status_list_refresh = v.parse().unwrap_or(0);
		}
		if let Some(v) = var("WALLET_SMTP_URL") {
			// Set but empty: no SMTP server, e-mails go to the outbox folder.
			self.smtp_url = Some(v).filter(|v| !v.is_empty());
		}
		if let Some(v) = var("WALLET_OUTBOX") {
			self.outbox = Some(v.into());
		}
		if let Some(v) = var("WALLET_MAIL_FROM") {
			self.mail_from = v;
		}
		if let Some(v) = var("WALLET_TRUST_PROXY") {
			self.trust_proxy = matches!(v.as_str(), "1" | "true" | "yes");
		}
		if let Some(v) = var("WALLET_LOG_FORMAT") {
			self.log_format = v;
		}
		if let Some(v) = var("WALLET_DEFAULT_LANG") {
			self.default_lang = v;
		}
	}

	fn check(&self) -> Result<(), String> {
		if !matches!(self.log_format.as_str(), "text" | "json") {
			return Err(format!(
				"log_format `{}` must be text or json",
				self.log_format
			));
		}
		if crate::i18n::Lang::from_code(&self.default_lang).is_none() {
			return Err(format!(
				"default_lang `{}` must be ja or en",
				self.default_lang
			));
		}
		if !(self.base_url.starts_with("http://") || self.base_url.starts_with("https://")) {
			return Err(format!(
				"base_url `{}` must start with http:// or https://",
				self.base_url
			));
		}
		if !(1..=60).contains(&self.status_list_refresh) {
			return Err(
				"status_list_refresh must be 1 to 60 seconds (a revocation must show within a minute)"
					.into(),
			);
		}
		if self.registration_link_hours < 1 || self.receipt_link_hours < 1 {
			return Err("link lifetimes must be at least one hour".into());
		}
		self.mail_from
			.parse::<lettre::message::Mailbox>()
			.map_err(|e| format!("mail_from `{}`: {e}", self.mail_from))?;
		Ok(())
	}

	/// The default language.
	pub fn default_lang(&self) -> crate::i18n::Lang {
		crate::i18n::Lang::from_code(&self.default_lang).unwrap_or(crate::i18n::Lang::En)
	}

	/// The database URL in effect.
	pub fn database_url(&self) -> String {
		self.database_url.clone().unwrap_or_else(|| {
			format!(
				"sqlite://{}?mode=rwc",
				self.data_dir.join("wallet.db").display()
			)
		})
	}

	/// The status-list signing key file in effect.
	pub fn status_key_file(&self) -> PathBuf {
		self.status_key_file
			.clone()
			.unwrap_or_else(|| self.data_dir.join("status.key"))
	}

	/// The server key file in effect.
	pub fn server_key_file(&self) -> PathBuf {
		self.server_key_file
			.clone()
			.unwrap_or_else(|| self.data_dir.join("server.key"))
	}

	/// The outbox folder in effect.
	pub fn outbox(&self) -> PathBuf {
		self.outbox
			.clone()
			.unwrap_or_else(|| self.data_dir.join("outbox"))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn environment_overrides_the_file_and_defaults_fill_the_rest() {
		let mut config: Config = toml::from_str("node_url = \"ws://node:9944\"\n").unwrap();
		config.apply_env(|k| (k == "WALLET_SMTP_URL").then(|| "smtp://127.0.0.1:2525".into()));
		assert_eq!(config.node_url, "ws://node:9944");
		assert_eq!(config.smtp_url.as_deref(), Some("smtp://127.0.0.1:2525"));
		assert_eq!(config.outbox(), PathBuf::from("wallet-data/outbox"));
		assert!(config
			.database_url()
			.starts_with("sqlite://wallet-data/wallet.db"));
		assert!(
			toml::from_str::<Config>("nonsense = 1").is_err(),
			"unknown keys are refused"
		);
	}

	#[test]
	fn a_status_list_is_rebuilt_within_a_minute() {
		let mut config = Config::default();
		assert_eq!(config.status_list_refresh, 30);
		assert_eq!(
			config.status_key_file(),
			PathBuf::from("wallet-data/status.key")
		);
		assert!(config.check().is_ok());
		for refused in ["0", "61", "soon"] {
			config.apply_env(|k| (k == "WALLET_STATUS_LIST_REFRESH").then(|| refused.into()));
			assert!(config.check().is_err(), "{refused}");
		}
		config.apply_env(|k| (k == "WALLET_STATUS_LIST_REFRESH").then(|| "2".into()));
		assert!(config.check().is_ok());
	}
}

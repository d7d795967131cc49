//! `badge-wallet`: run the Open Badge Wallet service, or manage its issuers.

use badge_wallet::{config::Config, secrets, server, store::Store, web, State};
use clap::{Parser, Subcommand};
use std::{path::PathBuf, str::FromStr, sync::Arc};

/// The Open Badge Wallet service.
///
/// Settings come from --config (TOML) and WALLET_* environment variables; with none, it listens
/// on 127.0.0.1:8080, uses the node at ws://127.0.0.1:9944, keeps SQLite data, the server key and
/// an e-mail outbox in ./wallet-data.
#[derive(Parser)]
#[command(version)]
struct Cli {
	/// Configuration file (TOML).
	#[arg(long, env = "WALLET_CONFIG", global = true)]
	config: Option<PathBuf>,
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Run the service.
	Serve,
	/// Issuers allowed to register applications.
	#[command(subcommand)]
	Issuer(IssuerCmd),
	/// Print the public key this service signs status lists with (created if missing), for
	/// issuers to delegate their lists: `badge issuer key add --purpose status-lists --public
	/// KEY`.
	StatusKey,
}

#[derive(Subcommand)]
enum IssuerCmd {
	/// Add an issuer and print its API token (shown once; only its hash is kept).
	Add {
		/// The issuer's name, as shown in e-mails.
		name: String,
		/// The issuer's chain account (SS58): it registers applications for, and uploads images
		/// of, its own badges and classes only.
		#[arg(long)]
		account: String,
	},
	/// Bind an issuer added without its chain account (by an older version) to it: until then
	/// its applications and uploads are refused.
	Bind {
		/// The issuer's name or number.
		issuer: String,
		/// Its chain account (SS58).
		#[arg(long)]
		account: String,
	},
	/// Add a staff member of an issuer and print their single-use link to set a password for
	/// the issuer pages (`/issuer`).
	Staff {
		/// The issuer's name or number.
		issuer: String,
		/// The member's e-mail address (their login).
		email: String,
	},
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
	let cli = Cli::parse();
	match run(cli).await {
		Ok(()) => std::process::ExitCode::SUCCESS,
		Err(e) => {
			eprintln!("error: {e}");
			std::process::ExitCode::FAILURE
		}
	}
}

async fn run(cli: Cli) -> Result<(), String> {
	let config = Config::load(cli.config.as_deref())?;
	init_logs(&config.log_format);
	match cli.command {
		Command::Serve => serve(config).await,
		Command::StatusKey => {
			let signer =
				badge_wallet::status::StatusSigner::load_or_create(&config.status_key_file())?;
			println!("{}", signer.multikey());
			Ok(())
		}
		Command::Issuer(IssuerCmd::Staff { issuer, email }) => {
			let state = State::from_config(config).await?;
			let link = badge_wallet::issuer::add_staff(&state, &issuer, &email).await?;
			println!("{link}");
			eprintln!(
				"staff member {email} added; hand them the link above (it works once, for {} days)",
				badge_wallet::issuer::STAFF_LINK_HOURS / 24
			);
			Ok(())
		}
		Command::Issuer(IssuerCmd::Bind { issuer, account }) => {
			let account = ss58(&account)?;
			let store = Store::open(&config.database_url())
				.await
				.map_err(|e| e.to_string())?;
			let id = store
				.issuer_id(&issuer)
				.await
				.map_err(|e| e.to_string())?
				.ok_or_else(|| {
					format!("no issuer `{issuer}`: add it with `badge-wallet issuer add`")
				})?;
			store
				.set_issuer_account(id, &account)
				.await
				.map_err(|e| e.to_string())?;
			eprintln!("issuer #{id} bound to {account}");
			Ok(())
		}
		Command::Issuer(IssuerCmd::Add { name, account }) => {
			let account = ss58(&account)?;
			std::fs::create_dir_all(&config.data_dir)
				.map_err(|e| format!("cannot create {}: {e}", config.data_dir.display()))?;
			let store = Store::open(&config.database_url())
				.await
				.map_err(|e| e.to_string())?;
			let (token, hash) = secrets::new_token();
			let id = store
				.add_issuer(&name, &hash, &account)
				.await
				.map_err(|e| e.to_string())?;
			println!("{token}");
			eprintln!("issuer #{id} `{name}` added; pass the token above as `Authorization: Bearer TOKEN` (it is not stored)");
			Ok(())
		}
	}
}

/// `account` checked as an SS58 address, in its canonical form.
fn ss58(account: &str) -> Result<String, String> {
	badge_client::AccountId32::from_str(account.trim())
		.map(|a| a.to_string())
		.map_err(|_| format!("`{account}` is not an SS58 account address"))
}

/// Log to stderr, as text or one JSON object per line; `RUST_LOG` filters (default `info`).
fn init_logs(format: &str) {
	let filter =
		tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
	let logs = tracing_subscriber::fmt()
		.with_env_filter(filter)
		.with_writer(std::io::stderr);
	if format == "json" {
		logs.json().flatten_event(true).init();
	} else {
		logs.init();
	}
}

async fn serve(config: Config) -> Result<(), String> {
	let listen = config.listen.clone();
	let state = Arc::new(State::from_config(config).await?);
	let listener = tokio::net::TcpListener::bind(&listen)
		.await
		.map_err(|e| format!("cannot listen on {listen}: {e}"))?;
	let addr = listener.local_addr().map_err(|e| e.to_string())?;
	tokio::spawn(badge_wallet::indexer::run(state.clone()));
	tokio::spawn(badge_wallet::outbox::run(state.clone()));
	tokio::spawn(badge_wallet::prune::run(state.clone()));
	if !state.config.ops_listen.is_empty() {
		let ops_listen = state.config.ops_listen.clone();
		let ops = tokio::net::TcpListener::bind(&ops_listen)
			.await
			.map_err(|e| format!("cannot listen on {ops_listen} (ops_listen): {e}"))?;
		let ops_addr = ops.local_addr().map_err(|e| e.to_string())?;
		let router = web::ops_router(state.clone());
		tokio::spawn(server::serve(
			ops,
			router,
			server::HEADER_READ_TIMEOUT,
			std::future::pending(),
		));
		tracing::info!(addr = %ops_addr, "health and metrics listening");
	}
	tracing::info!(%addr, base_url = %state.config.base_url, node = %state.config.node_url, "wallet service listening");
	server::serve(
		listener,
		web::router(state),
		server::HEADER_READ_TIMEOUT,
		stop_signal(),
	)
	.await;
	Ok(())
}

/// Ctrl-C or SIGTERM (what service managers send): the server stops taking connections and
/// answers the requests it has. E-mail being sent is safe to cut off: its outbox lease ends and
/// it is sent again (docs/decisions/mail-outbox.md).
async fn stop_signal() {
	let terminate = async {
		match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
			Ok(mut term) => {
				term.recv().await;
			}
			Err(e) => {
				tracing::warn!(error = %e, "cannot listen for SIGTERM: only Ctrl-C stops cleanly");
				std::future::pending::<()>().await;
			}
		}
	};
	tokio::select! {
		_ = tokio::signal::ctrl_c() => {}
		_ = terminate => {}
	}
	tracing::info!("stopping: answering the requests under way");
}

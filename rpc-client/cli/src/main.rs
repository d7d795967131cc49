//! `badge`: the command line for issuers and verifiers of the Open Badge chain. This file parses
//! the command line and hands each command to its module.

mod bake;
mod bulk;
mod class;
mod config;
mod context;
mod council;
mod credential;
mod issue;
mod issuer;
mod keys;
mod qr;
mod verify;

pub use bake::is_svg;
pub use context::{
	exit, parse_account, parse_badge_id, read, report_governed, sha256, CliError, Ctx, Global,
};

use badge_client::account_of;
use clap::{Parser, Subcommand};
use serde_json::json;
use std::process::ExitCode;

const AFTER_HELP: &str = "\
Configuration: flags win over environment variables, which win over the config file
(--config, $BADGE_CONFIG, or ~/.config/badge/config.toml with keys url, key_file, base_url).
The signing key (sr25519) comes from --key-file, $BADGE_KEY or key_file: a secret URI
(//Alice), a mnemonic or a 0x seed. It is never printed.

Exit codes: 0 success (for `verify`: the badge is valid), 1 the badge is not valid,
2 usage error, 3 bad input, 4 the chain refused the call, 5 node unreachable or timed out.

Examples:
  badge class create --file class.toml --image badge.png
  badge issue --class 0 --email applicant@example.jp --expires 2028-03-31
  badge bulk --class 0 --csv applicants.csv --results issued.csv
  badge verify 0x5f3a...e1 --image badge.png
  badge verify qr-photo.png
  badge qr 0x5f3a...e1 --out badge-qr.svg --base-url https://badges.example.jp";

/// Issue, revoke, list and verify Open Badges on the Open Badge chain.
#[derive(Parser, Debug)]
#[command(name = "badge", version, about, after_help = AFTER_HELP)]
struct Cli {
	#[command(flatten)]
	global: Global,
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
	/// Print the account of the signing key.
	Account,
	/// Issuer profiles (register, suspend and reinstate are council motions: a member's key).
	#[command(subcommand)]
	Issuer(issuer::IssuerCmd),
	/// Badge classes (achievements).
	#[command(subcommand)]
	Class(class::ClassCmd),
	/// Issue one badge to an e-mail address (hashed with a salt; never sent to the chain).
	Issue(issue::IssueArgs),
	/// Issue badges to every row of a CSV file (email, expires, evidence_url), in batches of the
	/// chain's maximum size; re-running the same file never issues a badge twice.
	Bulk(bulk::BulkArgs),
	/// Revoke a badge you issued (with --admin, a council member proposes revoking any badge).
	Revoke(issue::RevokeArgs),
	/// List public badges by issuer, class or holder.
	List(issue::ListArgs),
	/// Verify a badge by id, disclosure-page URL or QR code image; exit 0 only if valid.
	Verify(verify::VerifyArgs),
	/// Write the QR code leading to a badge's disclosure and verification page (SVG or PNG).
	Qr(qr::QrArgs),
	/// Export a badge as a signed Open Badges 3.0 credential (eddsa-rdfc-2022), optionally baked
	/// into the badge image.
	Credential(credential::CredentialArgs),
	/// Embed a credential (JSON or compact JWS) in a badge image (PNG or SVG).
	Bake(bake::BakeArgs),
	/// Print the credential baked into a badge image.
	Extract(bake::ExtractArgs),
	/// Council members and motions: vote on and close motions (members' keys).
	#[command(subcommand)]
	Council(council::CouncilCmd),
	/// The validator set: list, propose adding or removing one, set your session keys.
	#[command(subcommand)]
	Validator(council::ValidatorCmd),
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
	let cli = Cli::parse();
	let config = match config::ConfigFile::load(cli.global.config.as_deref()) {
		Ok(c) => c,
		Err(e) => {
			eprintln!("error: {e}");
			return ExitCode::from(e.code());
		}
	};
	let ctx = Ctx {
		global: cli.global,
		config,
	};
	match run(&ctx, cli.command).await {
		Ok(code) => ExitCode::from(code),
		Err(e) => {
			if ctx.global.json {
				println!(
					"{}",
					json!({ "error": e.to_string(), "exitCode": e.code() })
				);
			}
			eprintln!("error: {e}");
			ExitCode::from(e.code())
		}
	}
}

async fn run(ctx: &Ctx, command: Command) -> Result<u8, CliError> {
	match command {
		Command::Account => {
			let key = ctx.key()?;
			let account = account_of(&key.pair);
			ctx.print(json!({ "account": account.to_string() }), || {
				account.to_string()
			});
			Ok(exit::OK)
		}
		Command::Issuer(cmd) => issuer::run(ctx, cmd).await,
		Command::Class(cmd) => class::run(ctx, cmd).await,
		Command::Issue(args) => issue::issue(ctx, args).await,
		Command::Bulk(args) => bulk::run(ctx, args).await,
		Command::Revoke(args) => issue::revoke(ctx, args).await,
		Command::List(args) => issue::list(ctx, args).await,
		Command::Verify(args) => verify::run(ctx, args).await,
		Command::Qr(args) => qr::run(ctx, args),
		Command::Credential(args) => credential::export(ctx, args).await,
		Command::Bake(args) => bake::bake(ctx, args),
		Command::Extract(args) => bake::extract(args),
		Command::Council(cmd) => council::council(ctx, cmd).await,
		Command::Validator(cmd) => council::validator(ctx, cmd).await,
	}
}

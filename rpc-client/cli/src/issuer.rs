//! `badge issuer`: issuer profiles and their keys.

use crate::{exit, keys, parse_account, report_governed, CliError, Ctx};
use badge_client::Profile;
use clap::Subcommand;
use serde_json::json;

/// `badge issuer` subcommands.
#[derive(Subcommand, Debug)]
pub enum IssuerCmd {
	/// Show an issuer (default: the signing key's account).
	Show {
		/// Issuer account (SS58).
		account: Option<String>,
	},
	/// Register an issuer (admin key).
	Register {
		/// Issuer account (SS58).
		account: String,
		/// Organisation name.
		#[arg(long)]
		name: String,
		/// Home page URL.
		#[arg(long)]
		url_home: String,
		/// Organisational contact (role address or form URL).
		#[arg(long)]
		contact: Option<String>,
	},
	/// Replace the signing issuer's own public profile.
	Update {
		/// Organisation name.
		#[arg(long)]
		name: String,
		/// Home page URL.
		#[arg(long)]
		url_home: String,
		/// Organisational contact (role address or form URL).
		#[arg(long)]
		contact: Option<String>,
	},
	/// Suspend an issuer (admin key).
	Suspend {
		/// Issuer account (SS58).
		account: String,
	},
	/// Reinstate a suspended issuer (admin key).
	Reinstate {
		/// Issuer account (SS58).
		account: String,
	},
	/// The keys that sign your credentials, published on chain: list, add, rotate, revoke.
	#[command(subcommand)]
	Key(keys::KeyCmd),
}

/// `badge issuer`.
pub async fn run(ctx: &Ctx, cmd: IssuerCmd) -> Result<u8, CliError> {
	let client = ctx.client().await?;
	match cmd {
		IssuerCmd::Key(cmd) => keys::run(ctx, &client, cmd).await,
		IssuerCmd::Show { account } => {
			let account = ctx.account_or_own(account)?;
			let found = client
				.issuer_json(&account)
				.await?
				.ok_or_else(|| CliError::Input(format!("{account} is not a registered issuer")))?;
			let json = serde_json::to_value(&found).expect("answers serialize");
			ctx.print(json, || {
				format!(
					"{}\n  account:  {}\n  url:      {}\n  status:   {}\n  classes:  {}\n  issued:   {}",
					found.name,
					account,
					found.url,
					found.status.as_str(),
					found.classes,
					found.issued,
				)
			});
			Ok(exit::OK)
		}
		IssuerCmd::Register {
			account,
			name,
			url_home,
			contact,
		} => {
			let account = parse_account(&account)?;
			let profile = Profile {
				name,
				url: url_home,
				contact,
			};
			let governed = client
				.register_issuer(&ctx.key()?.pair, &account, &profile, ctx.wait())
				.await?;
			report_governed(
				ctx,
				governed,
				json!({ "registered": account.to_string() }),
				|| format!("registered issuer {account}"),
			);
			Ok(exit::OK)
		}
		IssuerCmd::Update {
			name,
			url_home,
			contact,
		} => {
			let profile = Profile {
				name,
				url: url_home,
				contact,
			};
			client
				.update_issuer_profile(&ctx.key()?.pair, &profile, ctx.wait())
				.await?;
			ctx.print(json!({ "updated": profile.name }), || {
				"profile updated".to_string()
			});
			Ok(exit::OK)
		}
		IssuerCmd::Suspend { account } => {
			let account = parse_account(&account)?;
			let governed = client
				.suspend_issuer(&ctx.key()?.pair, &account, ctx.wait())
				.await?;
			report_governed(
				ctx,
				governed,
				json!({ "suspended": account.to_string() }),
				|| format!("suspended {account}"),
			);
			Ok(exit::OK)
		}
		IssuerCmd::Reinstate { account } => {
			let account = parse_account(&account)?;
			let governed = client
				.reinstate_issuer(&ctx.key()?.pair, &account, ctx.wait())
				.await?;
			report_governed(
				ctx,
				governed,
				json!({ "reinstated": account.to_string() }),
				|| format!("reinstated {account}"),
			);
			Ok(exit::OK)
		}
	}
}

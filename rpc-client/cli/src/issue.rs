//! `badge issue`, `badge revoke` and `badge list`: one badge at a time, and the listings.

use crate::{exit, parse_account, parse_badge_id, report_governed, sha256, CliError, Ctx};
use badge_client::{
	badge_spec,
	recipient::{normalize_email, recipient},
	BadgeId, RevocationReason,
};
use badge_credential::dates;
use clap::{Args, ValueEnum};
use serde_json::json;

/// Arguments of `badge issue`.
#[derive(Args, Debug)]
pub struct IssueArgs {
	/// Class id.
	#[arg(long)]
	class: u32,
	/// Recipient e-mail address.
	#[arg(long)]
	email: String,
	/// Expiry (YYYY-MM-DD, or RFC 3339 in UTC).
	#[arg(long)]
	expires: Option<String>,
	/// Evidence URL (its SHA-256 goes on chain).
	#[arg(long)]
	evidence_url: Option<String>,
}

/// Why a badge is revoked (the chain's reason codes).
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Reason {
	Unspecified,
	IssuedInError,
	NoLongerEligible,
	RecipientRequest,
	Misconduct,
	Superseded,
	Other,
}

impl From<Reason> for RevocationReason {
	fn from(r: Reason) -> Self {
		match r {
			Reason::Unspecified => RevocationReason::Unspecified,
			Reason::IssuedInError => RevocationReason::IssuedInError,
			Reason::NoLongerEligible => RevocationReason::NoLongerEligible,
			Reason::RecipientRequest => RevocationReason::RecipientRequest,
			Reason::Misconduct => RevocationReason::Misconduct,
			Reason::Superseded => RevocationReason::Superseded,
			Reason::Other => RevocationReason::Other,
		}
	}
}

/// Arguments of `badge revoke`.
#[derive(Args, Debug)]
pub struct RevokeArgs {
	/// Badge id (0x + 64 hex digits).
	badge: String,
	/// Reason code.
	#[arg(long, value_enum, default_value_t = Reason::Unspecified)]
	reason: Reason,
	/// A longer reason kept off chain; its SHA-256 goes on chain.
	#[arg(long)]
	reason_text: Option<String>,
	/// Revoke as the admin origin (sudo), for any issuer's badge.
	#[arg(long)]
	admin: bool,
}

/// Arguments of `badge list`.
#[derive(Args, Debug)]
#[group(required = true, multiple = false)]
pub struct ListArgs {
	/// Badges of this issuer (SS58).
	#[arg(long)]
	issuer: Option<String>,
	/// Badges of this class.
	#[arg(long)]
	class: Option<u32>,
	/// Badges of this holder (SS58).
	#[arg(long)]
	holder: Option<String>,
}

/// `badge issue`.
pub async fn issue(ctx: &Ctx, args: IssueArgs) -> Result<u8, CliError> {
	normalize_email(&args.email).map_err(|e| CliError::Input(e.to_string()))?;
	let expires = args
		.expires
		.as_deref()
		.map(dates::parse_millis)
		.transpose()?;
	let key = ctx.key()?;
	let client = ctx.client().await?;
	let r = recipient(&key, args.class, &args.email);
	let evidence = args.evidence_url.as_deref().map(sha256);
	let spec = badge_spec(r.commitment, &r.claim, expires, evidence);
	let badge = client
		.issue(&key.pair, args.class, spec, ctx.wait())
		.await?;
	let id = BadgeId::from(badge);
	ctx.print(
		json!({
			"badge": id.to_string(),
			"class": args.class,
			"claimSecret": r.claim.secret_hex(),
			"salt": r.salt,
			"identityHash": format!("sha256${}", hex::encode(r.commitment.0)),
		}),
		|| {
			format!(
				"issued badge {id}\n  claim secret (send to the recipient only): {}\n  salt: {}",
				r.claim.secret_hex(),
				r.salt
			)
		},
	);
	Ok(exit::OK)
}

/// `badge revoke`.
pub async fn revoke(ctx: &Ctx, args: RevokeArgs) -> Result<u8, CliError> {
	let id = parse_badge_id(&args.badge)?;
	let badge = id.hash();
	let digest = args.reason_text.as_deref().map(sha256);
	let client = ctx.client().await?;
	let key = ctx.key()?;
	if args.admin {
		let governed = client
			.force_revoke(&key.pair, badge, args.reason.into(), digest, ctx.wait())
			.await?;
		report_governed(ctx, governed, json!({ "revoked": id.to_string() }), || {
			format!("revoked {id}")
		});
		return Ok(exit::OK);
	} else {
		client
			.revoke(&key.pair, badge, args.reason.into(), digest, ctx.wait())
			.await?;
	}
	ctx.print(json!({ "revoked": id.to_string() }), || {
		format!("revoked {id}")
	});
	Ok(exit::OK)
}

/// `badge list`.
pub async fn list(ctx: &Ctx, args: ListArgs) -> Result<u8, CliError> {
	let client = ctx.client().await?;
	let mut all = Vec::new();
	let mut cursor = None;
	loop {
		let page = match (&args.issuer, args.class, &args.holder) {
			(Some(i), _, _) => {
				client
					.badges_by_issuer(&parse_account(i)?, cursor, 1000)
					.await?
			}
			(_, Some(c), _) => client.badges_by_class(c, cursor, 1000).await?,
			(_, _, Some(h)) => {
				client
					.badges_by_holder(&parse_account(h)?, cursor, 1000)
					.await?
			}
			_ => unreachable!("clap requires one of --issuer, --class, --holder"),
		};
		all.extend(page.items);
		match page.next {
			Some(next) => cursor = Some(next),
			None => break,
		}
	}
	let ids: Vec<String> = all
		.iter()
		.map(|id| BadgeId::from(*id).to_string())
		.collect();
	ctx.print(json!({ "badges": ids }), || ids.join("\n"));
	Ok(exit::OK)
}

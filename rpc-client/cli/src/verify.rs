//! `badge verify`: a badge's verdict by id, page URL, QR code, credential or baked image.

use crate::{credential, exit, parse_badge_id, qr, CliError, Ctx};
use badge_client::{crypto, BadgeId, DisclosureName, Verdict, H256};
use badge_credential::dates;
use clap::Args;
use serde_json::json;
use std::path::PathBuf;

/// Arguments of `badge verify`.
#[derive(Args, Debug)]
pub struct VerifyArgs {
	/// A badge id, a disclosure-page URL, or a PNG/JPEG image of its QR code.
	target: String,
	/// The badge image shown to you: checked against the class's pinned design.
	#[arg(long)]
	image: Option<PathBuf>,
	/// The recipient's e-mail address: a credential must have been issued to it.
	#[arg(long)]
	email: Option<String>,
}

/// Find the badge id in a verification target: an id, a URL ending in one, or a QR image.
fn target_badge(target: &str) -> Result<BadgeId, CliError> {
	let path = std::path::Path::new(target);
	let lower = target.to_lowercase();
	if path.is_file() && [".png", ".jpg", ".jpeg"].iter().any(|e| lower.ends_with(e)) {
		let url = qr::decode_file(path)?;
		return badge_in_url(&url);
	}
	if lower.starts_with("http://") || lower.starts_with("https://") {
		return badge_in_url(target);
	}
	parse_badge_id(target)
}

/// The badge id in a URL (its last path segment or query value that is one).
pub fn badge_in_url(url: &str) -> Result<BadgeId, CliError> {
	url.split(['/', '?', '#', '='])
		.rev()
		.find_map(|part| parse_badge_id(part).ok())
		.ok_or_else(|| CliError::Input(format!("no badge id in `{url}`")))
}

fn verdict_text(v: &Verdict) -> String {
	match v {
		Verdict::Valid => "VALID".into(),
		Verdict::NotFound => "NOT VALID: no such badge was ever issued".into(),
		Verdict::Revoked { at, reason, .. } => format!(
			"NOT VALID: revoked on {} ({reason:?})",
			dates::format_millis(*at)
		),
		Verdict::IssuerSuspended => "NOT VALID: the issuer is suspended".into(),
		Verdict::Expired { at } => format!("NOT VALID: expired on {}", dates::format_millis(*at)),
		Verdict::DesignMismatch => {
			"NOT VALID: the image is not this badge's registered design".into()
		}
		Verdict::NotYetReceived => "NOT VALID: not yet received by its recipient".into(),
	}
}

/// What `badge verify` was given.
enum Target {
	/// A credential (a file, or baked into an image).
	Credential(serde_json::Value),
	/// A badge id (given, in a URL or in a QR code).
	Badge(BadgeId),
}

/// `badge verify`.
pub async fn run(ctx: &Ctx, args: VerifyArgs) -> Result<u8, CliError> {
	// Read the target before the node is asked anything.
	let target = match credential::in_target(&args.target)? {
		Some(found) => Target::Credential(found),
		None if args.email.is_some() => {
			return Err(CliError::Input(
				"--email checks the recipient of a credential file or baked image".into(),
			))
		}
		None => Target::Badge(target_badge(&args.target)?),
	};
	let client = ctx.client().await?;
	// A credential counts only if the chain vouches for it (issuer key, claims); then its
	// badge's verdict is reported.
	let (badge, trusted) = match target {
		Target::Badge(badge) => (badge.hash(), None),
		Target::Credential(found) => {
			match badge_client::trust::check_credential(&client, &found, args.email.as_deref())
				.await
			{
				Ok(t) => (t.badge, Some(t)),
				Err(badge_client::Refusal::Chain(e)) => return Err(e.into()),
				Err(refusal) => {
					ctx.print(
						json!({
							"valid": false,
							"verdict": refusal.code(),
							"reason": refusal.to_string(),
						}),
						|| format!("{}: NOT VALID: {refusal}", args.target),
					);
					return Ok(exit::NOT_VALID);
				}
			}
		}
	};
	let image = match &args.image {
		Some(path) => Some(crypto::image_digest(&std::fs::read(path).map_err(|e| {
			CliError::Input(format!("cannot read {}: {e}", path.display()))
		})?)),
		None => None,
	};
	let answer = client.verify_json(badge, image.map(H256)).await?;
	let mut json = serde_json::to_value(&answer).expect("answers serialize");
	let typed = client.verify(badge, image).await?;
	let valid = typed.verdict == Verdict::Valid;
	if let (Some(t), Some(object)) = (&trusted, json.as_object_mut()) {
		object.insert(
			"credential".into(),
			json!({ "method": t.method, "signed": dates::format_iso(t.created) }),
		);
	}
	ctx.print(json, || {
		let mut text = format!("{}: {}", BadgeId::from(badge), verdict_text(&typed.verdict));
		if let Some(d) = &answer.details {
			text.push_str(&format!(
				"\n  badge:   {}\n  issuer:  {} ({})\n  issued:  {}",
				d.class_name,
				d.issuer_name,
				d.issuer,
				dates::format_millis(d.issued_at),
			));
			if let Some(exp) = d.expires_at {
				text.push_str(&format!("\n  expires: {}", dates::format_millis(exp)));
			}
			if d.disclosure == DisclosureName::Private {
				text.push_str("\n  (the holder keeps this badge private)");
			}
		}
		if let Some(t) = &trusted {
			text.push_str(&format!(
				"\n  credential: signed by the issuer's key on chain ({}) on {}",
				t.method,
				dates::format_millis(t.created)
			));
		}
		text
	});
	Ok(if valid { exit::OK } else { exit::NOT_VALID })
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn badge_ids_are_found_in_urls() {
		let id = format!("0x{}", "ab".repeat(32));
		let want = parse_badge_id(&id).unwrap();
		for url in [
			format!("https://badges.example.jp/badges/{id}"),
			format!("https://badges.example.jp/badges/{id}?lang=ja"),
			format!("https://badges.example.jp/verify?badge={id}"),
		] {
			assert_eq!(badge_in_url(&url).unwrap(), want, "{url}");
		}
		assert!(badge_in_url("https://badges.example.jp/badges/").is_err());
		assert!(parse_badge_id("0x1234").is_err());
	}
}

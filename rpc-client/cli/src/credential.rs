//! `badge credential`: a badge as a signed Open Badges 3.0 credential; and reading credentials
//! back for `badge verify`.

use crate::{parse_badge_id, CliError, Ctx};
use badge_client::recipient::recipient_identity;
use badge_client::{crypto, BadgeId};
use badge_credential::baking;
use badge_credential::{ob3, status};
use clap::Args;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// Arguments of `badge credential`.
#[derive(Args, Debug)]
pub struct CredentialArgs {
	/// Badge id.
	badge: String,
	/// The recipient's e-mail address (as issued).
	#[arg(long)]
	email: String,
	/// The salt it was issued with (from `badge issue` or the bulk results file).
	#[arg(long)]
	salt: String,
	/// Base URL of the public badge pages [default: config `base_url`].
	#[arg(long)]
	base_url: Option<String>,
	/// Write the credential JSON here (default: standard output).
	#[arg(long)]
	out: Option<PathBuf>,
	/// Also bake the credential into this badge image (PNG or SVG) ...
	#[arg(long, requires = "baked_out")]
	bake_into: Option<PathBuf>,
	/// ... and write the baked image here.
	#[arg(long)]
	baked_out: Option<PathBuf>,
	/// Also write the Open Badges 2.0 hosted assertion (for older backpacks) here; it must be
	/// served at `<base-url>/badges/<id>/assertion.json`.
	#[arg(long)]
	ob2_out: Option<PathBuf>,
}

fn page(base: &str, kind: &str, id: &str) -> String {
	format!("{}/{kind}/{id}", base.trim_end_matches('/'))
}

/// A badge's signed OB 3.0 credential, and the facts and class page it was made of.
pub struct Signed {
	/// The credential with its proof.
	pub credential: Value,
	/// What it states.
	pub facts: ob3::BadgeFacts,
	/// The public page of its class.
	pub class_page: String,
}

/// `badge credential`.
pub async fn export(ctx: &Ctx, args: CredentialArgs) -> Result<u8, CliError> {
	let badge = parse_badge_id(&args.badge)?;
	let key = ctx.key()?;
	let client = ctx.client().await?;
	let base = args.base_url.clone().unwrap_or_else(|| ctx.base_url());
	let signer = crate::keys::credential_signer(&client, &key, &base).await?;
	let Signed {
		credential: signed,
		facts,
		class_page,
	} = sign_badge(ctx, &client, &signer, badge, &args.email, &args.salt, &base).await?;
	let pretty = serde_json::to_string_pretty(&signed).expect("JSON serializes");
	match &args.out {
		Some(path) => std::fs::write(path, &pretty)
			.map_err(|e| CliError::Input(format!("cannot write {}: {e}", path.display())))?,
		None if args.bake_into.is_none() && args.ob2_out.is_none() => println!("{pretty}"),
		None => {}
	}
	if let (Some(image), Some(out)) = (&args.bake_into, &args.baked_out) {
		let compact = signed.to_string();
		let bytes = std::fs::read(image)
			.map_err(|e| CliError::Input(format!("cannot read {}: {e}", image.display())))?;
		let baked = if crate::is_svg(image) {
			let svg = String::from_utf8(bytes)
				.map_err(|_| CliError::Input("the SVG is not UTF-8 text".into()))?;
			baking::bake_svg(&svg, baking::Version::V3, &compact)?.into_bytes()
		} else {
			baking::bake_png(&bytes, baking::Version::V3, &compact)?
		};
		std::fs::write(out, baked)
			.map_err(|e| CliError::Input(format!("cannot write {}: {e}", out.display())))?;
	}
	if let Some(path) = &args.ob2_out {
		let page = facts.page_url.clone();
		let assertion = badge_credential::ob2::assertion(
			&facts,
			&format!("{page}/assertion.json"),
			&format!("{class_page}/badgeclass.json"),
		);
		std::fs::write(
			path,
			serde_json::to_string_pretty(&assertion).expect("JSON serializes"),
		)
		.map_err(|e| CliError::Input(format!("cannot write {}: {e}", path.display())))?;
	}
	if args.out.is_some() || args.bake_into.is_some() || args.ob2_out.is_some() {
		ctx.print(
			json!({ "credential": signed["id"], "method": signed["proof"]["verificationMethod"] }),
			|| {
				format!(
					"signed credential {}",
					signed["id"].as_str().unwrap_or_default()
				)
			},
		);
	}
	Ok(crate::exit::OK)
}

/// Sign the OB 3.0 credential of `badge`, issued to `email` with `salt`, with pages under
/// `base`, by the issuer's current credential key (`signer`).
pub async fn sign_badge(
	ctx: &Ctx,
	client: &badge_client::BadgeClient,
	signer: &crate::keys::CredentialSigner,
	id: BadgeId,
	email: &str,
	salt: &str,
	base: &str,
) -> Result<Signed, CliError> {
	let badge = id.hash();
	let verdict = client.verify_json(badge, None).await?;
	let details = verdict
		.details
		.ok_or_else(|| CliError::Input(format!("{id} was never issued")))?;
	let class_id = details.class;
	let (commitment, identity_hash) = recipient_identity(email, salt);
	if !crypto::is_badge_of(&badge, class_id, &commitment) {
		return Err(CliError::Input(
			"this e-mail address and salt are not the recipient of this badge".into(),
		));
	}
	let class = client
		.class_json(class_id)
		.await?
		.ok_or_else(|| CliError::Input(format!("the class {class_id} of {id} is not on chain")))?;
	let issuer_account = details.issuer.to_string();
	if !signer.did.ends_with(&format!(":issuers:{issuer_account}")) {
		return Err(CliError::Input(format!(
			"{id} was issued by {issuer_account}, not by the signing key's account"
		)));
	}
	let issuer = client
		.issuer_json(&details.issuer)
		.await?
		.ok_or_else(|| CliError::Input(format!("{issuer_account} is not a registered issuer")))?;
	let status_index = client
		.status_index(badge)
		.await?
		.ok_or_else(|| CliError::Input(format!("{id} was never issued")))?;
	let class_page = page(base, "classes", &class_id.to_string());
	let facts = ob3::BadgeFacts {
		page_url: page(base, "badges", &id.to_string()),
		status_url: ctx.url(),
		status_entry: Some(status::entry(base, &issuer_account, status_index)),
		issuer: ob3::IssuerFacts {
			id: signer.did.clone(),
			name: issuer.name,
			url: issuer.url,
			email: issuer
				.contact
				.as_deref()
				.and_then(|c| c.strip_prefix("mailto:"))
				.map(String::from),
		},
		achievement: ob3::AchievementFacts {
			id: class_page.clone(),
			name: class.name,
			description: class.description,
			// A narrative is kept off chain (only its digest is on it): point at the class page.
			criteria_url: Some(
				class
					.criteria_url
					.unwrap_or(format!("{class_page}#criteria")),
			),
			criteria_narrative: None,
			achievement_type: class.achievement_type,
			image: format!("{class_page}/image"),
		},
		identity_hash,
		salt: Some(salt.to_string()),
		holder: details
			.holder
			.as_ref()
			.map(|h| format!("urn:open-badge-chain:account:{h}")),
		valid_from: details.issued_at,
		valid_until: details.expires_at,
	};
	let now = badge_credential::dates::now_millis();
	// Dated no earlier than the badge's issuance or the key's publication (a proof dated
	// before either is refused, and the chain's clock may run ahead of this machine's); the
	// date is written in whole seconds, so it is rounded up.
	let created = now
		.max(facts.valid_from)
		.max(signer.valid_from)
		.div_ceil(1000)
		* 1000;
	let credential = ob3::sign(
		ob3::credential(&facts),
		&signer.seed,
		created,
		&signer.method,
	)
	.await
	.map_err(|e| CliError::Input(e.to_string()))?;
	Ok(Signed {
		credential,
		facts,
		class_page,
	})
}

/// A credential found in a verification target: a `.json` file, or a PNG/SVG with one baked in.
pub fn in_target(target: &str) -> Result<Option<Value>, CliError> {
	let path = Path::new(target);
	if !path.is_file() {
		return Ok(None);
	}
	let lower = target.to_lowercase();
	let bytes = std::fs::read(path)
		.map_err(|e| CliError::Input(format!("cannot read {}: {e}", path.display())))?;
	let text = if lower.ends_with(".json") || lower.ends_with(".jsonld") {
		Some(String::from_utf8_lossy(&bytes).into_owned())
	} else if lower.ends_with(".svg") {
		baking::extract_svg(&String::from_utf8_lossy(&bytes), baking::Version::V3)
	} else if lower.ends_with(".png") {
		baking::extract_png(&bytes, baking::Version::V3)
			.ok()
			.flatten()
	} else {
		None
	};
	match text {
		Some(text) => serde_json::from_str(&text)
			.map(Some)
			.map_err(|e| CliError::Input(format!("{target}: not a credential: {e}"))),
		None => Ok(None),
	}
}

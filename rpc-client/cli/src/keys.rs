//! `badge issuer key`: the Ed25519 keys an issuer signs credentials with, published on chain.
//!
//! The CLI derives an issuer's credential keys from its signing key: key generation `g` is
//! `derive("credential/ed25519")` for `g = 0` and `derive("credential/ed25519/g")` after, so
//! nothing but the signing key needs keeping. Publishing one adds it to the chain's list for
//! the issuer; rotating publishes the next generation and ends the current one at the same
//! block time; a credential names its key as `<issuer DID>#key-<n>`, the chain list's `n`th.

use crate::{config::SigningKey, exit, parse_account, report_governed, CliError, Ctx};
use badge_client::{account_of, recipient::Derive, BadgeClient, IssuerKey, KeyPurpose, KeyStatus};
use badge_credential::{dates, did, proof};
use clap::{Subcommand, ValueEnum};
use serde_json::{json, Value};

/// `badge issuer key …`.
#[derive(Subcommand, Debug)]
pub enum KeyCmd {
	/// List an issuer's signing keys (default: the signing key's account).
	List {
		/// Issuer account (SS58).
		account: Option<String>,
	},
	/// Publish a signing key: by default the next credential key derived from your signing
	/// key; with --public, a key held elsewhere (a status-list key the wallet service holds).
	Add {
		/// What the key may sign.
		#[arg(long, value_enum, default_value_t = Purpose::Credentials)]
		purpose: Purpose,
		/// The key's public half as a Multikey (`z6Mk…`), when you do not hold it.
		#[arg(long)]
		public: Option<String>,
	},
	/// Replace your current credential key with the next one: credentials signed before keep
	/// verifying, new ones are signed with the new key.
	Rotate,
	/// Revoke one of your keys (lost or compromised): nothing it signs from now on verifies.
	Revoke {
		/// The key: its number in `badge issuer key list` or its Multikey (`z6Mk…`).
		key: String,
	},
	/// Revoke a key of any issuer (council member's key: a council motion).
	ForceRevoke {
		/// Issuer account (SS58).
		account: String,
		/// The key: its number in `badge issuer key list` or its Multikey (`z6Mk…`).
		key: String,
	},
}

/// What a published key may sign.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Purpose {
	/// Badge credentials.
	Credentials,
	/// Status lists only.
	StatusLists,
}

/// The seed of credential key generation `generation` of `key`.
pub fn credential_seed(key: &SigningKey, generation: usize) -> [u8; 32] {
	if generation == 0 {
		key.derive(b"credential/ed25519")
	} else {
		key.derive(format!("credential/ed25519/{generation}").as_bytes())
	}
}

/// What signs the credentials of an issuer: the seed of its current credential key and the
/// verification method naming it.
pub struct CredentialSigner {
	/// The Ed25519 seed.
	pub seed: [u8; 32],
	/// `<issuer DID>#key-<n>`.
	pub method: String,
	/// The issuer's DID.
	pub did: String,
	/// When the key was published (ms since the Unix epoch): nothing it signs is dated before.
	pub valid_from: u64,
}

/// The generation of `key`'s derived credential key that `public` is, if any (every
/// generation up to the number of published keys is tried).
fn generation_of(key: &SigningKey, public: &[u8; 32], published: usize) -> Option<usize> {
	(0..=published).find(|g| proof::public_key(&credential_seed(key, *g)) == *public)
}

/// The current credential key of the issuer `key` signs for, under the badge pages at `base`.
pub async fn credential_signer(
	client: &BadgeClient,
	key: &SigningKey,
	base: &str,
) -> Result<CredentialSigner, CliError> {
	let account = account_of(&key.pair);
	let did = did::issuer_did(base, &account.to_string())
		.map_err(|e| CliError::Input(format!("base URL: {e}")))?;
	let keys = client.issuer_keys(&account).await?;
	// The newest current key this signing key derives.
	let current = keys.iter().enumerate().rev().find_map(|(index, k)| {
		let usable = k.purpose == KeyPurpose::Credentials && k.status == KeyStatus::Current;
		usable
			.then(|| generation_of(key, &k.public_key(), keys.len()))
			.flatten()
			.map(|g| (index, g))
	});
	let (index, generation) = current.ok_or_else(|| {
		CliError::Input(
			"none of your current keys on chain is one this signing key derives: publish one \
			 with `badge issuer key add` (once its block is final, credentials can be signed)"
				.into(),
		)
	})?;
	// Credentials name the issuer's revocation list, which only a service holding a current
	// status-list key of the issuer can serve.
	if !keys
		.iter()
		.any(|k| k.purpose == KeyPurpose::StatusLists && k.status == KeyStatus::Current)
	{
		eprintln!(
			"warning: no status-list key of yours is current on chain, so standard verifiers \
			 cannot read these credentials' revocation status yet: delegate your lists to the \
			 wallet service with `badge issuer key add --purpose status-lists --public KEY` \
			 (KEY from `badge-wallet status-key` or {}/status-key)",
			base.trim_end_matches('/')
		);
	}
	Ok(CredentialSigner {
		seed: credential_seed(key, generation),
		method: did::key_method(&did, index),
		did,
		valid_from: keys[index].valid_from,
	})
}

fn key_json(index: usize, key: &IssuerKey) -> Value {
	let (status, ended) = match &key.status {
		KeyStatus::Current => ("current", None),
		KeyStatus::Rotated { at } => ("rotated", Some(*at)),
		KeyStatus::Revoked { at, .. } => ("revoked", Some(*at)),
	};
	json!({
		"number": index + 1,
		"publicKeyMultibase": proof::multikey(&key.public_key()),
		"purpose": match key.purpose {
			KeyPurpose::Credentials => "credentials",
			KeyPurpose::StatusLists => "status_lists",
		},
		"status": status,
		"validFrom": dates::format_iso(key.valid_from),
		"endedAt": ended.map(dates::format_iso),
	})
}

/// The public key a `list` number or Multikey names among `keys`.
fn named_key(keys: &[IssuerKey], name: &str) -> Result<[u8; 32], CliError> {
	let name = name.trim();
	if let Ok(number) = name.parse::<usize>() {
		return keys
			.get(number.wrapping_sub(1))
			.map(IssuerKey::public_key)
			.ok_or_else(|| CliError::Input(format!("there is no key number {number}")));
	}
	let public = proof::from_multikey(name).map_err(|_| {
		CliError::Input(format!("`{name}` is neither a key number nor a z6Mk… key"))
	})?;
	keys.iter()
		.any(|k| k.public_key() == public)
		.then_some(public)
		.ok_or_else(|| CliError::Input(format!("{name} is not one of the issuer's keys")))
}

/// Run a `badge issuer key` command.
pub async fn run(ctx: &Ctx, client: &BadgeClient, cmd: KeyCmd) -> Result<u8, CliError> {
	match cmd {
		KeyCmd::List { account } => {
			let account = ctx.account_or_own(account)?;
			let keys = client.issuer_keys(&account).await?;
			let listed: Vec<Value> = keys
				.iter()
				.enumerate()
				.map(|(i, k)| key_json(i, k))
				.collect();
			ctx.print(
				json!({ "issuer": account.to_string(), "keys": listed }),
				|| {
					if listed.is_empty() {
						return format!("{account} has published no signing keys");
					}
					listed
						.iter()
						.map(|k| {
							format!(
								"#{} {} {} {} from {}{}",
								k["number"],
								k["publicKeyMultibase"].as_str().unwrap_or_default(),
								k["purpose"].as_str().unwrap_or_default(),
								k["status"].as_str().unwrap_or_default(),
								k["validFrom"].as_str().unwrap_or_default(),
								k["endedAt"]
									.as_str()
									.map(|at| format!(" until {at}"))
									.unwrap_or_default(),
							)
						})
						.collect::<Vec<_>>()
						.join("\n")
				},
			);
			Ok(exit::OK)
		}
		KeyCmd::Add { purpose, public } => {
			let key = ctx.key()?;
			let account = account_of(&key.pair);
			let keys = client.issuer_keys(&account).await?;
			let public = match public {
				Some(text) => proof::from_multikey(text.trim())
					.map_err(|_| CliError::Input(format!("`{text}` is not a z6Mk… Ed25519 key")))?,
				None => next_derived(&key, &keys),
			};
			let purpose = match purpose {
				Purpose::Credentials => KeyPurpose::Credentials,
				Purpose::StatusLists => KeyPurpose::StatusLists,
			};
			client
				.add_issuer_key(&key.pair, public, purpose, ctx.wait())
				.await?;
			let multikey = proof::multikey(&public);
			ctx.print(
				json!({ "added": multikey, "number": keys.len() + 1 }),
				|| format!("published key #{} {multikey}", keys.len() + 1),
			);
			Ok(exit::OK)
		}
		KeyCmd::Rotate => {
			let key = ctx.key()?;
			let signer = credential_signer(client, &key, &ctx.base_url()).await?;
			let keys = client.issuer_keys(&account_of(&key.pair)).await?;
			let old = proof::public_key(&signer.seed);
			let new = next_derived(&key, &keys);
			client
				.rotate_issuer_key(&key.pair, old, new, ctx.wait())
				.await?;
			let (old, new) = (proof::multikey(&old), proof::multikey(&new));
			ctx.print(
				json!({ "rotated": old, "to": new, "number": keys.len() + 1 }),
				|| format!("replaced {old} with key #{} {new}", keys.len() + 1),
			);
			Ok(exit::OK)
		}
		KeyCmd::Revoke { key: name } => {
			let key = ctx.key()?;
			let keys = client.issuer_keys(&account_of(&key.pair)).await?;
			let public = named_key(&keys, &name)?;
			client
				.revoke_issuer_key(&key.pair, public, ctx.wait())
				.await?;
			let multikey = proof::multikey(&public);
			ctx.print(json!({ "revoked": multikey }), || {
				format!("revoked {multikey}: nothing it signs from now on verifies")
			});
			Ok(exit::OK)
		}
		KeyCmd::ForceRevoke { account, key: name } => {
			let account = parse_account(&account)?;
			let keys = client.issuer_keys(&account).await?;
			let public = named_key(&keys, &name)?;
			let governed = client
				.force_revoke_issuer_key(&ctx.key()?.pair, &account, public, ctx.wait())
				.await?;
			let multikey = proof::multikey(&public);
			report_governed(ctx, governed, json!({ "revoked": multikey }), || {
				format!("revoked {multikey} of {account}")
			});
			Ok(exit::OK)
		}
	}
}

/// The first derived credential key `keys` does not hold yet.
fn next_derived(key: &SigningKey, keys: &[IssuerKey]) -> [u8; 32] {
	(0..)
		.map(|g| proof::public_key(&credential_seed(key, g)))
		.find(|public| !keys.iter().any(|k| k.public_key() == *public))
		.expect("an unbounded range holds a key not among finitely many")
}

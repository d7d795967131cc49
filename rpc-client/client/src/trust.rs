//! Whether a signed Open Badges credential is what the chain says it is.
//!
//! A credential's proof is only as good as the key behind it. The chain publishes each
//! issuer's signing keys with their validity ([`crate::IssuerKey`]); [`check_credential`]
//! accepts a credential only when:
//!
//! 1. its proof is an `eddsa-rdfc-2022` proof for `assertionMethod` with a creation time;
//! 2. its `issuer.id` is an issuer's `did:web`, the proof's verification method is that DID's
//!    `#key-n`, and the DID names the account the chain holds as the badge's issuer;
//! 3. the chain's `n`th key of that issuer vouches for credentials signed at the proof's
//!    creation time (added before, not rotated or revoked by then), which is no earlier than
//!    the badge's issuance and not in the future;
//! 4. the signature verifies, strictly, under that key;
//! 5. every claim the chain can confirm matches its records: the badge id, its class (the
//!    achievement's id, name and description), the recipient's identity hash (it must yield
//!    the badge id), issuance and expiry dates; and, given the recipient's e-mail address,
//!    the salt;
//! 6. it is within its `validFrom`/`validUntil` now;
//! 7. its revocation `BitstringStatusListEntry`, if it has one, is the badge's: the list and
//!    entry of the badge's on-chain status index, in the issuer's lists served where its DID
//!    document is (a wrong entry would show standard verifiers another badge's status).
//!
//! Every refusal is a named [`Refusal`]. A re-signed copy, a lookalike issuer, a key of
//! another issuer or one revoked before the proof's date all fail here; whether the badge is
//! still valid (revoked, suspended issuer) is the chain's verdict, asked separately.

use crate::{
	crypto, AccountId32, BadgeClient, DetailsAnswer, Error, KeyPurpose, KeyRefusal, VerifyAnswer,
	H256,
};
use badge_credential::{dates, did, ob3, status};
use serde_json::Value;

/// How far in the future a proof's creation time may lie (clocks differ).
pub const CLOCK_SKEW_MS: u64 = 5 * 60 * 1000;

/// A credential the chain vouches for.
#[derive(Clone, Debug)]
pub struct Trusted {
	/// The badge it is for.
	pub badge: H256,
	/// The badge's issuer.
	pub issuer: AccountId32,
	/// The issuer's DID, as the credential names it.
	pub issuer_did: String,
	/// The verification method that signed it.
	pub method: String,
	/// When it was signed (ms since the Unix epoch).
	pub created: u64,
	/// The node's verdict on the badge (`badges_verify` JSON) the check used.
	pub verification: VerifyAnswer,
}

/// Why a credential is refused.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
	/// It carries no `eddsa-rdfc-2022` Data Integrity proof.
	#[error("the credential carries no eddsa-rdfc-2022 proof")]
	NoProof,
	/// Its proof is not for `assertionMethod`.
	#[error("the proof's purpose is `{0}`, not assertionMethod")]
	WrongPurpose(String),
	/// Its proof has no readable creation time.
	#[error("the proof's creation time `{0}` is not an ISO 8601 UTC time")]
	BadCreated(String),
	/// Its proof is dated in the future.
	#[error("the proof is dated in the future")]
	SignedInFuture,
	/// `issuer.id` is not an issuer's `did:web`.
	#[error("the issuer `{0}` is not an issuer's did:web")]
	NotIssuerDid(String),
	/// The proof's verification method is not a key of the DID the credential names as issuer.
	#[error("the proof's key `{0}` is not one of the credential's issuer's keys")]
	ForeignMethod(String),
	/// The credential's id names no badge.
	#[error("the credential's id `{0}` names no badge")]
	NoBadge(String),
	/// The chain never issued the badge.
	#[error("badge {0:?} was never issued")]
	NeverIssued(H256),
	/// The credential names another issuer than the chain holds for the badge.
	#[error("the credential names issuer {named}, the chain {chain}")]
	IssuerMismatch {
		/// The account the credential's DID names.
		named: String,
		/// The badge's issuer on chain.
		chain: String,
	},
	/// The issuer has no key with the method's number on chain.
	#[error("the issuer published no key `{0}` on chain")]
	UnknownKey(String),
	/// The key does not vouch for a credential signed when the proof says.
	#[error("the signing key does not vouch for this credential: {0}")]
	KeyRefused(KeyRefusal),
	/// The proof is dated before the badge was issued.
	#[error("the proof is dated before the badge was issued")]
	SignedBeforeIssuance,
	/// The signature does not verify under the issuer's key: altered, or signed by another key.
	#[error("the credential was altered or not signed by its issuer's key")]
	BadSignature,
	/// A claim differs from the chain's record.
	#[error("the credential's {0} differs from the chain's record")]
	ClaimMismatch(&'static str),
	/// The recipient's e-mail address and the credential's salt do not make its identity hash.
	#[error("the credential was not issued to this e-mail address")]
	NotTheRecipient,
	/// `validFrom` lies ahead.
	#[error("the credential is not valid before {0}")]
	NotYetValid(String),
	/// `validUntil` has passed.
	#[error("the credential expired on {0}")]
	Expired(String),
	/// The document cannot be canonicalized (unknown contexts, bad JSON-LD).
	#[error("the credential cannot be read: {0}")]
	Malformed(String),
	/// The chain could not be asked: no verdict either way.
	#[error(transparent)]
	Chain(#[from] Error),
}

impl Refusal {
	/// A stable machine-readable name of the refusal (`snake_case`).
	pub fn code(&self) -> &'static str {
		match self {
			Self::NoProof => "no_proof",
			Self::WrongPurpose(_) => "wrong_proof_purpose",
			Self::BadCreated(_) => "bad_proof_time",
			Self::SignedInFuture => "signed_in_future",
			Self::NotIssuerDid(_) => "not_issuer_did",
			Self::ForeignMethod(_) => "foreign_key",
			Self::NoBadge(_) => "no_badge",
			Self::NeverIssued(_) => "not_found",
			Self::IssuerMismatch { .. } => "issuer_mismatch",
			Self::UnknownKey(_) => "unknown_key",
			Self::KeyRefused(KeyRefusal::WrongPurpose) => "key_wrong_purpose",
			Self::KeyRefused(KeyRefusal::NotYetValid) => "key_not_yet_valid",
			Self::KeyRefused(KeyRefusal::Rotated) => "key_rotated",
			Self::KeyRefused(KeyRefusal::Revoked) => "key_revoked",
			Self::SignedBeforeIssuance => "signed_before_issuance",
			Self::BadSignature => "altered",
			Self::ClaimMismatch(_) => "claim_mismatch",
			Self::NotTheRecipient => "not_the_recipient",
			Self::NotYetValid(_) => "not_yet_valid",
			Self::Expired(_) => "expired",
			Self::Malformed(_) => "malformed",
			Self::Chain(_) => "chain_unreachable",
		}
	}
}

impl From<ob3::VerifyError> for Refusal {
	fn from(e: ob3::VerifyError) -> Self {
		match e {
			ob3::VerifyError::NoProof | ob3::VerifyError::NoMethod => Self::NoProof,
			ob3::VerifyError::WrongPurpose(p) => Self::WrongPurpose(p),
			ob3::VerifyError::BadCreated(c) => Self::BadCreated(c),
			ob3::VerifyError::Canon(e) => Self::Malformed(e.to_string()),
			ob3::VerifyError::Proof(_) => Self::BadSignature,
		}
	}
}

/// The badge id a credential's `id` (its disclosure page URL) ends with.
pub fn badge_of(credential: &Value) -> Result<H256, Refusal> {
	let id = credential["id"].as_str().unwrap_or_default();
	id.rsplit('/')
		.next()
		.and_then(|last| last.strip_prefix("0x"))
		.filter(|hex_id| hex_id.len() == 64)
		.and_then(|hex_id| hex::decode(hex_id).ok())
		.map(|bytes| H256::from_slice(&bytes))
		.ok_or_else(|| Refusal::NoBadge(id.chars().take(120).collect()))
}

/// Check `credential` against the chain (see the module docs); `email`, when known, must be
/// the recipient's.
pub async fn check_credential(
	client: &BadgeClient,
	credential: &Value,
	email: Option<&str>,
) -> Result<Trusted, Refusal> {
	let claims = ob3::proof_claims(credential)?;
	let now = dates::now_millis();
	if claims.created > now + CLOCK_SKEW_MS {
		return Err(Refusal::SignedInFuture);
	}
	let issuer_did = credential["issuer"]["id"]
		.as_str()
		.or_else(|| credential["issuer"].as_str())
		.unwrap_or_default()
		.to_string();
	let (_, named_account) = did::split_issuer_did(&issuer_did)
		.map_err(|_| Refusal::NotIssuerDid(issuer_did.chars().take(120).collect()))?;
	let key_index = match did::split_key_method(&claims.method) {
		Ok((controller, index)) if controller == issuer_did => index,
		_ => {
			return Err(Refusal::ForeignMethod(
				claims.method.chars().take(160).collect(),
			))
		}
	};
	let badge = badge_of(credential)?;

	let verification = client.verify_json(badge, None).await?;
	let details = verification
		.details
		.clone()
		.ok_or(Refusal::NeverIssued(badge))?;
	let issuer = details.issuer;
	if named_account != issuer.to_string() {
		return Err(Refusal::IssuerMismatch {
			named: named_account.to_string(),
			chain: issuer.to_string(),
		});
	}
	let keys = client.issuer_keys(&issuer).await?;
	let key = keys
		.get(key_index)
		.ok_or_else(|| Refusal::UnknownKey(claims.method.clone()))?;
	key.vouches_for(&KeyPurpose::Credentials, claims.created)
		.map_err(Refusal::KeyRefused)?;
	if claims.created < details.issued_at {
		return Err(Refusal::SignedBeforeIssuance);
	}

	// Canonicalization is CPU work: off the async threads.
	let public_key = key.public_key();
	let owned = credential.clone();
	tokio::task::spawn_blocking(move || ob3::verify_signature_blocking(&owned, &public_key))
		.await
		.map_err(|e| Refusal::Malformed(e.to_string()))??;

	check_claims(client, credential, badge, &details, email).await?;
	check_status_entry(client, credential, badge, &issuer_did).await?;
	Ok(Trusted {
		badge,
		issuer,
		issuer_did,
		method: claims.method,
		created: claims.created,
		verification,
	})
}

/// The claims of a correctly signed credential against the chain's records of its badge.
async fn check_claims(
	client: &BadgeClient,
	credential: &Value,
	badge: H256,
	details: &DetailsAnswer,
	email: Option<&str>,
) -> Result<(), Refusal> {
	let class = details.class;
	let achievement = &credential["credentialSubject"]["achievement"];
	let class_in_credential = achievement["id"]
		.as_str()
		.and_then(|id| id.rsplit('/').next())
		.and_then(|n| n.parse::<u32>().ok());
	if class_in_credential != Some(class) {
		return Err(Refusal::ClaimMismatch("achievement id"));
	}
	let record = client.class_json(class).await?;
	if achievement["name"].as_str() != record.as_ref().map(|r| r.name.as_str()) {
		return Err(Refusal::ClaimMismatch("achievement name"));
	}
	if achievement["description"].as_str() != record.as_ref().map(|r| r.description.as_str()) {
		return Err(Refusal::ClaimMismatch("achievement description"));
	}
	let identities = credential["credentialSubject"]["identifier"]
		.as_array()
		.cloned()
		.unwrap_or_default();
	let [identity] = &identities[..] else {
		return Err(Refusal::ClaimMismatch("recipient"));
	};
	let commitment = identity["identityHash"]
		.as_str()
		.and_then(|h| h.strip_prefix("sha256$"))
		.filter(|h| h.len() == 64)
		.and_then(|h| hex::decode(h).ok())
		.map(|bytes| H256::from_slice(&bytes))
		.ok_or(Refusal::ClaimMismatch("recipient"))?;
	if identity["hashed"] != true || !crypto::is_badge_of(&badge, class, &commitment) {
		return Err(Refusal::ClaimMismatch("recipient"));
	}
	if let Some(email) = email {
		let salt = identity["salt"].as_str().unwrap_or_default();
		if crypto::recipient_commitment(email, salt) != commitment {
			return Err(Refusal::NotTheRecipient);
		}
	}
	let issued_at = details.issued_at;
	if credential["validFrom"].as_str() != Some(&dates::format_iso(issued_at)) {
		return Err(Refusal::ClaimMismatch("validFrom"));
	}
	let expires_at = details.expires_at;
	if credential["validUntil"].as_str().map(str::to_string) != expires_at.map(dates::format_iso) {
		return Err(Refusal::ClaimMismatch("validUntil"));
	}
	let now = dates::now_millis();
	if issued_at > now + CLOCK_SKEW_MS {
		return Err(Refusal::NotYetValid(dates::format_iso(issued_at)));
	}
	if let Some(expiry) = expires_at.filter(|e| *e <= now) {
		return Err(Refusal::Expired(dates::format_iso(expiry)));
	}
	Ok(())
}

/// The credential's revocation status entry against the badge's on-chain status index.
async fn check_status_entry(
	client: &BadgeClient,
	credential: &Value,
	badge: H256,
	issuer_did: &str,
) -> Result<(), Refusal> {
	let entries = status::revocation_entries(credential)
		.map_err(|_| Refusal::ClaimMismatch("credentialStatus"))?;
	let entry = match &entries[..] {
		[] => return Ok(()),
		[entry] => entry,
		_ => return Err(Refusal::ClaimMismatch("credentialStatus")),
	};
	let index = client
		.status_index(badge)
		.await?
		.ok_or(Refusal::NeverIssued(badge))?;
	if !status_entry_is(entry, issuer_did, index) {
		return Err(Refusal::ClaimMismatch("credentialStatus"));
	}
	Ok(())
}

/// Whether `entry` is the revocation entry of status index `index` in the lists of the
/// issuer `issuer_did`, served on its DID's host (over https, or http for a local service).
pub fn status_entry_is(entry: &status::Entry, issuer_did: &str, index: u32) -> bool {
	let (list, position) = status::position(index);
	let Ok((base_did, account)) = did::split_issuer_did(issuer_did) else {
		return false;
	};
	let Ok(base) = did::web_location(base_did) else {
		return false;
	};
	let expected = status::list_url(&base, account, list);
	let url = entry
		.list_url
		.strip_prefix("https://")
		.or_else(|| entry.list_url.strip_prefix("http://"));
	entry.index == position && url == Some(expected.as_str())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_badge_is_the_last_segment_of_the_credential_id() {
		let id = format!("0x{}", "ab".repeat(32));
		let credential = serde_json::json!({ "id": format!("https://b.example.jp/badges/{id}") });
		assert_eq!(format!("{:?}", badge_of(&credential).unwrap()), id);
		for bad in [
			format!("https://b.example.jp/badges/{id}/x"),
			format!("https://b.example.jp/badges/{id}0"),
			"https://b.example.jp/badges/".to_string(),
		] {
			let credential = serde_json::json!({ "id": bad });
			assert!(matches!(badge_of(&credential), Err(Refusal::NoBadge(_))));
		}
	}

	#[test]
	fn a_status_entry_must_be_the_badges_own_on_the_issuers_host() {
		let account = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
		let did = did::issuer_did("https://badges.example.jp/pages", account).unwrap();
		let entry = |base: &str, account: &str, index: u32| {
			status::revocation_entries(&serde_json::json!({
				"credentialStatus": status::entry(base, account, index)
			}))
			.unwrap()
			.remove(0)
		};
		let ours = entry("https://badges.example.jp/pages", account, 131_080);
		assert!(status_entry_is(&ours, &did, 131_080));
		// Another badge's entry, another list, another issuer's lists, another host.
		assert!(!status_entry_is(&ours, &did, 131_081));
		assert!(!status_entry_is(&ours, &did, 8));
		let theirs = entry("https://badges.example.jp/pages", "5FHneW46", 131_080);
		assert!(!status_entry_is(&theirs, &did, 131_080));
		let elsewhere = entry("https://evil.example/pages", account, 131_080);
		assert!(!status_entry_is(&elsewhere, &did, 131_080));
		// A local service may serve its lists over plain http.
		let local_did = did::issuer_did("http://127.0.0.1:8080", account).unwrap();
		let local = entry("http://127.0.0.1:8080", account, 3);
		assert!(status_entry_is(&local, &local_did, 3));
	}

	#[test]
	fn the_client_applies_the_pallets_key_rule() {
		use pallet_badges::{IssuerKey as PalletKey, KeyPurpose as P, KeyStatus as S};
		let statuses = [
			(S::Current, crate::KeyStatus::Current),
			(S::Rotated { at: 20 }, crate::KeyStatus::Rotated { at: 20 }),
			(
				S::Revoked {
					at: 30,
					by: pallet_badges::RevokedBy::Admin,
				},
				crate::KeyStatus::Revoked {
					at: 30,
					by: crate::RevokedBy::Admin,
				},
			),
		];
		for (pallet_status, client_status) in statuses {
			for (pallet_purpose, client_purpose) in [
				(P::Credentials, KeyPurpose::Credentials),
				(P::StatusLists, KeyPurpose::StatusLists),
			] {
				let theirs = PalletKey {
					key: sp_core::ed25519::Public::from_raw([1; 32]),
					purpose: pallet_purpose,
					valid_from: 10,
					status: pallet_status,
				};
				let ours = crate::IssuerKey {
					key: [1; 32],
					purpose: client_purpose,
					valid_from: 10,
					status: client_status.clone(),
				};
				for t in 0..40 {
					let expected = theirs
						.vouches_for(P::Credentials, t)
						.map_err(|r| format!("{r:?}"));
					let got = ours
						.vouches_for(&KeyPurpose::Credentials, t)
						.map_err(|r| format!("{r:?}"));
					assert_eq!(got, expected, "{client_status:?} at {t}");
				}
			}
		}
	}
}

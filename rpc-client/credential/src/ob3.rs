//! The Open Badges 3.0 `OpenBadgeCredential` document for a badge on the chain (unsigned: the
//! `eddsa-rdfc-2022` proof is added over its canonical form, see [`crate::proof`]).

use crate::{contexts, dates};
use serde_json::{json, Map, Value};

/// The `credentialStatus` type of badges whose status is the chain's verdict.
pub const CHAIN_STATUS_TYPE: &str = "urn:open-badge-chain:status:badges_verify";

/// The issuing organisation (OB `Profile`).
#[derive(Clone, Debug)]
pub struct IssuerFacts {
	/// The issuer's `did:web` ([`crate::did::issuer_did`]): it resolves to the document
	/// listing the keys that sign its credentials.
	pub id: String,
	/// Name.
	pub name: String,
	/// Home page.
	pub url: String,
	/// Organisational e-mail, if any.
	pub email: Option<String>,
}

/// The badge class (OB `Achievement`).
#[derive(Clone, Debug)]
pub struct AchievementFacts {
	/// Resolvable id of the class page.
	pub id: String,
	/// Name.
	pub name: String,
	/// Description.
	pub description: String,
	/// Criteria URL, when the criteria are published at one.
	pub criteria_url: Option<String>,
	/// Criteria narrative, when kept as text (its SHA-256 is on chain).
	pub criteria_narrative: Option<String>,
	/// OB achievement type, e.g. `Membership`.
	pub achievement_type: String,
	/// URL of the badge image (the design pinned on chain).
	pub image: String,
}

/// Everything a credential states about one badge.
#[derive(Clone, Debug)]
pub struct BadgeFacts {
	/// The badge's public disclosure and verification page: the credential's id.
	pub page_url: String,
	/// The node endpoint that answers `badges_verify` for the badge (named as the credential's
	/// status when there is no `status_entry`).
	pub status_url: String,
	/// The badge's revocation entry in its issuer's Bitstring Status List
	/// ([`crate::status::entry`]), if the issuer's lists are served.
	pub status_entry: Option<Value>,
	/// Issuer.
	pub issuer: IssuerFacts,
	/// Class.
	pub achievement: AchievementFacts,
	/// `sha256$<hex>` of the recipient's e-mail and salt (the on-chain commitment).
	pub identity_hash: String,
	/// The salt, so the recipient can prove the hash is theirs.
	pub salt: Option<String>,
	/// The holder's wallet, as a URI, once received.
	pub holder: Option<String>,
	/// Issued at (ms since the Unix epoch).
	pub valid_from: u64,
	/// Expiry, if any.
	pub valid_until: Option<u64>,
}

fn insert_some(object: &mut Map<String, Value>, key: &str, value: Option<Value>) {
	if let Some(value) = value {
		object.insert(key.into(), value);
	}
}

/// The unsigned `OpenBadgeCredential` (VC data model 2.0, OB context 3.0.3). Optional values
/// are omitted, never `null`, as the OB serialization rules ask.
pub fn credential(f: &BadgeFacts) -> Value {
	let a = &f.achievement;
	let mut criteria = Map::new();
	insert_some(&mut criteria, "id", a.criteria_url.clone().map(Value::from));
	insert_some(
		&mut criteria,
		"narrative",
		a.criteria_narrative.clone().map(Value::from),
	);
	let achievement = json!({
		"id": a.id,
		"type": ["Achievement"],
		"achievementType": a.achievement_type,
		"name": a.name,
		"description": a.description,
		"criteria": criteria,
		"image": { "id": a.image, "type": "Image" },
	});
	let mut identity = json!({
		"type": "IdentityObject",
		"identityType": "emailAddress",
		"hashed": true,
		"identityHash": f.identity_hash,
	});
	insert_some(
		identity.as_object_mut().expect("an object"),
		"salt",
		f.salt.clone().map(Value::from),
	);
	let mut subject = json!({
		"type": ["AchievementSubject"],
		"identifier": [identity],
		"achievement": achievement,
	});
	insert_some(
		subject.as_object_mut().expect("an object"),
		"id",
		f.holder.clone().map(Value::from),
	);
	let mut issuer = json!({ "id": f.issuer.id, "type": ["Profile"], "name": f.issuer.name, "url": f.issuer.url });
	insert_some(
		issuer.as_object_mut().expect("an object"),
		"email",
		f.issuer.email.clone().map(Value::from),
	);
	// The badge's status lives on chain: any verifier may ask a node (`badges_verify`) with
	// the badge id at the end of the credential's id. Standard verifiers read the Bitstring
	// Status List entry, a list the wallet service builds from the same chain state; it is the
	// only entry, as verifiers that meet a status type they do not know fail closed. Without a
	// list, the entry names the chain's check, its type an absolute IRI so that it survives
	// JSON-LD expansion and is signed.
	let status = match &f.status_entry {
		Some(entry) => entry.clone(),
		None => json!({ "id": f.status_url, "type": CHAIN_STATUS_TYPE }),
	};
	let mut credential = json!({
		"@context": [contexts::VC_V2, contexts::OB_V3P0, contexts::OB_EXTENSIONS],
		"id": f.page_url,
		"type": ["VerifiableCredential", "OpenBadgeCredential"],
		"name": a.name,
		"issuer": issuer,
		"validFrom": dates::format_iso(f.valid_from),
		"credentialSubject": subject,
		"credentialStatus": status,
		"credentialSchema": [{
			"id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
			"type": "1EdTechJsonSchemaValidator2019",
		}],
	});
	insert_some(
		credential.as_object_mut().expect("an object"),
		"validUntil",
		f.valid_until.map(|ms| Value::from(dates::format_iso(ms))),
	);
	credential
}

/// Why a credential's proof does not verify.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
	/// No `proof`, or one that is not an `eddsa-rdfc-2022` `DataIntegrityProof`.
	#[error("the credential carries no eddsa-rdfc-2022 DataIntegrityProof")]
	NoProof,
	/// The proof's purpose is not `assertionMethod`: it does not assert the credential.
	#[error("the proof's purpose is `{0}`, not assertionMethod")]
	WrongPurpose(String),
	/// The proof's `created` is missing or not an ISO 8601 UTC time.
	#[error("the proof's creation time `{0}` is not an ISO 8601 UTC time")]
	BadCreated(String),
	/// The proof names no verification method.
	#[error("the proof names no verification method")]
	NoMethod,
	/// The document cannot be canonicalized.
	#[error(transparent)]
	Canon(#[from] crate::canon::CanonError),
	/// The signature does not verify: the credential was altered or signed by another key.
	#[error(transparent)]
	Proof(#[from] crate::proof::ProofError),
}

/// What a credential's proof claims, read before its signature is checked: which key signed
/// it, and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProofClaims {
	/// The verification method (`<issuer DID>#key-<n>`).
	pub method: String,
	/// When the proof was made (ms since the Unix epoch).
	pub created: u64,
}

fn proof_options(credential: &Value, verification_method: &str, created: &str) -> Value {
	json!({
		"@context": credential["@context"].clone(),
		"type": "DataIntegrityProof",
		"cryptosuite": "eddsa-rdfc-2022",
		"created": created,
		"verificationMethod": verification_method,
		"proofPurpose": "assertionMethod",
	})
}

/// Add an `eddsa-rdfc-2022` `DataIntegrityProof` for `assertionMethod` by the Ed25519 key with
/// secret `seed`, published as `verification_method`; `created` is ms since the Unix epoch.
pub async fn sign(
	mut credential: Value,
	seed: &[u8; 32],
	created: u64,
	verification_method: &str,
) -> Result<Value, crate::canon::CanonError> {
	let created = dates::format_iso(created);
	if let Some(object) = credential.as_object_mut() {
		object.remove("proof");
	}
	let options = proof_options(&credential, verification_method, &created);
	let canonical_options = crate::canon::canonical_nquads(&options).await?;
	let canonical_document = crate::canon::canonical_nquads(&credential).await?;
	let proof_value = crate::proof::sign(seed, &canonical_options, &canonical_document);
	let mut proof = options;
	let proof_object = proof.as_object_mut().expect("an object");
	proof_object.remove("@context");
	proof_object.insert("proofValue".into(), Value::from(proof_value));
	credential["proof"] = proof;
	Ok(credential)
}

/// [`sign`] for callers outside an async runtime (or on a blocking thread: the
/// canonicalization is CPU work).
pub fn sign_blocking(
	credential: Value,
	seed: &[u8; 32],
	created: u64,
	verification_method: &str,
) -> Result<Value, crate::canon::CanonError> {
	tokio::runtime::Builder::new_current_thread()
		.build()
		.map_err(|e| crate::canon::CanonError::Canonicalization(e.to_string()))?
		.block_on(sign(credential, seed, created, verification_method))
}

/// The proof of a credential, if it is an `eddsa-rdfc-2022` `DataIntegrityProof` for
/// `assertionMethod` with a creation time: what the verifier must look up (the key) and
/// check it against (its validity at that time) before [`verify_signature`].
pub fn proof_claims(credential: &Value) -> Result<ProofClaims, VerifyError> {
	let proof = credential.get("proof").ok_or(VerifyError::NoProof)?;
	let field = |name: &str| proof.get(name).and_then(Value::as_str);
	if field("type") != Some("DataIntegrityProof")
		|| field("cryptosuite") != Some("eddsa-rdfc-2022")
		|| field("proofValue").is_none()
	{
		return Err(VerifyError::NoProof);
	}
	match field("proofPurpose") {
		Some("assertionMethod") => {}
		other => {
			return Err(VerifyError::WrongPurpose(
				other.unwrap_or("(none)").chars().take(60).collect(),
			))
		}
	}
	let created_text = field("created").unwrap_or_default();
	let created = created_text
		.strip_suffix('Z')
		.filter(|t| t.len() == "YYYY-MM-DDTHH:MM:SS".len())
		.and_then(|_| dates::parse_millis(created_text).ok())
		.ok_or_else(|| VerifyError::BadCreated(created_text.chars().take(60).collect()))?;
	let method = field("verificationMethod")
		.filter(|m| !m.is_empty())
		.ok_or(VerifyError::NoMethod)?;
	Ok(ProofClaims {
		method: method.to_string(),
		created,
	})
}

/// Check a credential's `eddsa-rdfc-2022` proof against `public_key` (strict Ed25519: no
/// small-order keys, canonical signatures only). Whether that key may vouch for the
/// credential is the caller's question ([`proof_claims`]).
pub async fn verify_signature(
	credential: &Value,
	public_key: &[u8; 32],
) -> Result<(), VerifyError> {
	proof_claims(credential)?;
	let proof = &credential["proof"];
	let proof_value = proof["proofValue"].as_str().ok_or(VerifyError::NoProof)?;
	let mut options = proof.clone();
	let options_object = options.as_object_mut().ok_or(VerifyError::NoProof)?;
	options_object.remove("proofValue");
	options_object.insert("@context".into(), credential["@context"].clone());
	let mut unsecured = credential.clone();
	unsecured
		.as_object_mut()
		.expect("has a proof, so an object")
		.remove("proof");
	let canonical_options = crate::canon::canonical_nquads(&options).await?;
	let canonical_document = crate::canon::canonical_nquads(&unsecured).await?;
	crate::proof::verify(
		public_key,
		&canonical_options,
		&canonical_document,
		proof_value,
	)?;
	Ok(())
}

/// [`verify_signature`] for callers outside an async runtime (or on a blocking thread: the
/// canonicalization is CPU work).
pub fn verify_signature_blocking(
	credential: &Value,
	public_key: &[u8; 32],
) -> Result<(), VerifyError> {
	tokio::runtime::Builder::new_current_thread()
		.build()
		.map_err(|e| crate::canon::CanonError::Canonicalization(e.to_string()))?
		.block_on(verify_signature(credential, public_key))
}

#[cfg(test)]
pub(crate) mod tests {
	use super::*;

	pub(crate) fn facts() -> BadgeFacts {
		BadgeFacts {
			page_url: "https://badges.example.jp/badges/0xab".into(),
			status_url: "https://node.example.jp".into(),
			status_entry: Some(crate::status::entry("https://badges.example.jp", "5Grw", 7)),
			issuer: IssuerFacts {
				id: "did:web:badges.example.jp:issuers:5Grw".into(),
				name: "Digital Agency".into(),
				url: "https://agency.example.jp".into(),
				email: None,
			},
			achievement: AchievementFacts {
				id: "https://badges.example.jp/classes/0".into(),
				name: "Digital Promotion Committee member".into(),
				description: "Appointed to the committee.".into(),
				criteria_url: None,
				criteria_narrative: Some("Appointed after application and training.".into()),
				achievement_type: "Membership".into(),
				image: "https://badges.example.jp/classes/0/image.png".into(),
			},
			identity_hash:
				"sha256$15a4030c73ff156c86d2d8356d7fdb3916318152002dbe10d4ccec6ac9ce606f".into(),
			salt: Some("q7H2kX9d".into()),
			holder: None,
			valid_from: 1_743_465_600_000,
			valid_until: Some(1_806_537_599_000),
		}
	}

	#[test]
	fn the_credential_has_what_ob_3_requires() {
		let c = credential(&facts());
		assert_eq!(c["@context"][0], "https://www.w3.org/ns/credentials/v2");
		assert!(regex_like_ob_context(c["@context"][1].as_str().unwrap()));
		assert_eq!(
			c["type"],
			json!(["VerifiableCredential", "OpenBadgeCredential"])
		);
		assert_eq!(c["validFrom"], "2025-04-01T00:00:00Z");
		assert_eq!(c["validUntil"], "2027-03-31T23:59:59Z");
		let subject = &c["credentialSubject"];
		assert_eq!(subject["type"], json!(["AchievementSubject"]));
		assert_eq!(subject["identifier"][0]["hashed"], true);
		assert_eq!(
			subject["achievement"]["criteria"],
			json!({"narrative": "Appointed after application and training."})
		);
		assert_eq!(c["issuer"]["type"], json!(["Profile"]));
		// Optional values are left out, never null.
		assert!(subject.get("id").is_none());
		assert!(c["issuer"].get("email").is_none());
		let text = c.to_string();
		assert!(!text.contains("null"), "{text}");
	}

	fn regex_like_ob_context(url: &str) -> bool {
		// ^https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d\.\d)*\.json$
		url.strip_prefix("https://purl.imsglobal.org/spec/ob/v3p0/context")
			.and_then(|rest| rest.strip_suffix(".json"))
			.is_some_and(|version| {
				version.is_empty()
					|| (version.len() == 6
						&& version.starts_with("-3.")
						&& version.as_bytes()[3].is_ascii_digit()
						&& version.as_bytes()[4] == b'.'
						&& version.as_bytes()[5].is_ascii_digit())
			})
	}

	fn block_on<F: std::future::Future>(f: F) -> F::Output {
		tokio::runtime::Builder::new_current_thread()
			.build()
			.unwrap()
			.block_on(f)
	}

	const METHOD: &str = "did:web:badges.example.jp:issuers:5Grw#key-1";

	fn verify(credential: &Value, seed: &[u8; 32]) -> Result<(), VerifyError> {
		block_on(verify_signature(
			credential,
			&crate::proof::public_key(seed),
		))
	}

	#[test]
	fn signed_credentials_verify_and_edits_are_caught() {
		let seed = [7u8; 32];
		let signed =
			block_on(sign(credential(&facts()), &seed, 1_743_465_600_000, METHOD)).unwrap();
		let proof = &signed["proof"];
		assert_eq!(proof["cryptosuite"], "eddsa-rdfc-2022");
		assert_eq!(proof["verificationMethod"], METHOD);
		assert!(proof["proofValue"].as_str().unwrap().starts_with('z'));
		assert_eq!(
			proof_claims(&signed).unwrap(),
			ProofClaims {
				method: METHOD.into(),
				created: 1_743_465_600_000
			}
		);
		verify(&signed, &seed).unwrap();
		assert!(matches!(
			verify(&signed, &[8u8; 32]),
			Err(VerifyError::Proof(_))
		));

		let mut edited = signed.clone();
		edited["credentialSubject"]["achievement"]["name"] = "Committee chair".into();
		assert!(matches!(verify(&edited, &seed), Err(VerifyError::Proof(_))));
		let mut later = signed.clone();
		later["validUntil"] = "2099-12-31T23:59:59Z".into();
		assert!(matches!(verify(&later, &seed), Err(VerifyError::Proof(_))));
		let mut unsigned = signed.clone();
		unsigned.as_object_mut().unwrap().remove("proof");
		assert!(matches!(
			verify(&unsigned, &seed),
			Err(VerifyError::NoProof)
		));
		// Signing again replaces the proof rather than signing it.
		let resigned = block_on(sign(signed, &seed, 1_743_465_600_000, METHOD)).unwrap();
		verify(&resigned, &seed).unwrap();
	}

	#[test]
	fn a_proof_for_another_purpose_or_without_a_time_is_refused_before_its_signature() {
		let seed = [7u8; 32];
		let signed =
			block_on(sign(credential(&facts()), &seed, 1_743_465_600_000, METHOD)).unwrap();
		let mut authentication = signed.clone();
		authentication["proof"]["proofPurpose"] = "authentication".into();
		assert!(matches!(
			proof_claims(&authentication),
			Err(VerifyError::WrongPurpose(p)) if p == "authentication"
		));
		for created in ["2025-04-01", "yesterday", "2025-04-01T00:00:00+09:00"] {
			let mut undated = signed.clone();
			undated["proof"]["created"] = created.into();
			assert!(
				matches!(proof_claims(&undated), Err(VerifyError::BadCreated(_))),
				"{created}"
			);
		}
		let mut anonymous = signed.clone();
		anonymous["proof"]["verificationMethod"] = "".into();
		assert!(matches!(
			proof_claims(&anonymous),
			Err(VerifyError::NoMethod)
		));
	}

	#[test]
	fn holders_and_expiry_appear_when_known() {
		let mut f = facts();
		f.holder = Some("urn:open-badge-chain:account:5Grw".into());
		f.valid_until = None;
		let c = credential(&f);
		assert_eq!(
			c["credentialSubject"]["id"],
			"urn:open-badge-chain:account:5Grw"
		);
		assert!(c.get("validUntil").is_none());
	}
}

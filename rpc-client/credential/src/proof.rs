//! The `eddsa-rdfc-2022` Data Integrity cryptosuite, from canonical N-Quads on:
//! `hashData = SHA-256(canonical proof options) ‖ SHA-256(canonical document)`, signed with
//! Ed25519, `proofValue = "z" + base58btc(signature)`; keys as `Multikey` (`z6Mk…`).
//!
//! Producing the canonical N-Quads (JSON-LD expansion and RDFC-1.0) is the caller's part; this
//! module is checked against the Open Badges specification's known-answer vector.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

/// Multicodec prefix of an Ed25519 public key (`ed25519-pub`, varint 0xed).
const ED25519_PUB: [u8; 2] = [0xed, 0x01];

/// Why a proof could not be made or checked.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProofError {
	/// The proof value is not `z` + base58btc of 64 bytes.
	#[error("the proof value is not a multibase base58btc Ed25519 signature")]
	MalformedProofValue,
	/// The public key is not a valid Ed25519 key or Multikey.
	#[error("not an Ed25519 Multikey")]
	MalformedKey,
	/// The signature does not verify.
	#[error("the proof does not verify")]
	BadSignature,
}

/// The 64 bytes an `eddsa-rdfc-2022` proof signs.
pub fn hash_data(canonical_proof_options: &str, canonical_document: &str) -> [u8; 64] {
	let mut data = [0u8; 64];
	data[..32].copy_from_slice(&sp_crypto_hashing::sha2_256(
		canonical_proof_options.as_bytes(),
	));
	data[32..].copy_from_slice(&sp_crypto_hashing::sha2_256(canonical_document.as_bytes()));
	data
}

/// The `proofValue` for these canonical forms, signed with the Ed25519 key whose secret seed is
/// `seed`.
pub fn sign(seed: &[u8; 32], canonical_proof_options: &str, canonical_document: &str) -> String {
	let signature =
		SigningKey::from_bytes(seed).sign(&hash_data(canonical_proof_options, canonical_document));
	format!("z{}", bs58::encode(signature.to_bytes()).into_string())
}

/// Check a `proofValue` against the canonical forms and the signer's Ed25519 public key, strictly
/// (`verify_strict`: a small-order key or a non-canonical signature never verifies, so no
/// second signature or key verifies the same data).
pub fn verify(
	public_key: &[u8; 32],
	canonical_proof_options: &str,
	canonical_document: &str,
	proof_value: &str,
) -> Result<(), ProofError> {
	let encoded = proof_value
		.strip_prefix('z')
		.ok_or(ProofError::MalformedProofValue)?;
	let bytes = bs58::decode(encoded)
		.into_vec()
		.map_err(|_| ProofError::MalformedProofValue)?;
	let signature = Signature::from_slice(&bytes).map_err(|_| ProofError::MalformedProofValue)?;
	let key = VerifyingKey::from_bytes(public_key).map_err(|_| ProofError::MalformedKey)?;
	key.verify_strict(
		&hash_data(canonical_proof_options, canonical_document),
		&signature,
	)
	.map_err(|_| ProofError::BadSignature)
}

/// The public key of an Ed25519 secret seed.
pub fn public_key(seed: &[u8; 32]) -> [u8; 32] {
	SigningKey::from_bytes(seed).verifying_key().to_bytes()
}

/// An Ed25519 public key as a `Multikey` `publicKeyMultibase` (`z6Mk…`).
pub fn multikey(public_key: &[u8; 32]) -> String {
	let mut bytes = ED25519_PUB.to_vec();
	bytes.extend_from_slice(public_key);
	format!("z{}", bs58::encode(bytes).into_string())
}

/// The Ed25519 public key in a `z6Mk…` `publicKeyMultibase`.
pub fn from_multikey(multibase: &str) -> Result<[u8; 32], ProofError> {
	let encoded = multibase
		.strip_prefix('z')
		.ok_or(ProofError::MalformedKey)?;
	let bytes = bs58::decode(encoded)
		.into_vec()
		.map_err(|_| ProofError::MalformedKey)?;
	let key = bytes
		.strip_prefix(&ED25519_PUB[..])
		.ok_or(ProofError::MalformedKey)?;
	key.try_into().map_err(|_| ProofError::MalformedKey)
}

#[cfg(test)]
mod tests {
	use super::*;
	use serde_json::Value;

	fn vector() -> Value {
		serde_json::from_str(include_str!("../testdata/ob3-eddsa-rdfc-2022.json")).unwrap()
	}

	fn field<'a>(v: &'a Value, name: &str) -> &'a str {
		v[name]
			.as_str()
			.unwrap_or_else(|| panic!("vector field {name}"))
	}

	fn bytes32(hex_text: &str) -> [u8; 32] {
		hex::decode(hex_text).unwrap().try_into().unwrap()
	}

	#[test]
	fn reproduces_the_open_badges_known_answer_vector() {
		let v = vector();
		let seed = bytes32(field(&v, "ed25519_secret_seed_hex"));
		let proof_canon = field(&v, "proof_canonical_nquads");
		let doc_canon = field(&v, "document_canonical_nquads");

		let public = public_key(&seed);
		assert_eq!(hex::encode(public), field(&v, "ed25519_public_key_hex"));
		assert_eq!(multikey(&public), field(&v, "public_key_multibase"));
		assert_eq!(
			from_multikey(field(&v, "public_key_multibase")).unwrap(),
			public
		);

		let data = hash_data(proof_canon, doc_canon);
		assert_eq!(hex::encode(&data[..32]), field(&v, "proof_hash_hex"));
		assert_eq!(hex::encode(&data[32..]), field(&v, "document_hash_hex"));
		assert_eq!(hex::encode(data), field(&v, "data_to_sign_hex"));

		let proof_value = sign(&seed, proof_canon, doc_canon);
		let expected_signature = hex::decode(field(&v, "signature_hex")).unwrap();
		assert_eq!(
			bs58::decode(&proof_value[1..]).into_vec().unwrap(),
			expected_signature
		);
		assert_eq!(proof_value, field(&v, "proof_value"));
		assert_eq!(
			verify(&public, proof_canon, doc_canon, &proof_value),
			Ok(())
		);
	}

	#[test]
	fn an_edited_document_or_a_bad_value_fails() {
		let v = vector();
		let seed = bytes32(field(&v, "ed25519_secret_seed_hex"));
		let public = public_key(&seed);
		let (proof_canon, doc_canon) = (
			field(&v, "proof_canonical_nquads"),
			field(&v, "document_canonical_nquads"),
		);
		let value = field(&v, "proof_value");
		let edited = doc_canon.replacen("Teamwork Badge", "Teamw0rk Badge", 1);
		assert_ne!(edited, doc_canon, "the edit changed something");
		assert_eq!(
			verify(&public, proof_canon, &edited, value),
			Err(ProofError::BadSignature)
		);
		assert_eq!(
			verify(&public, proof_canon, doc_canon, &value[1..]),
			Err(ProofError::MalformedProofValue)
		);
		assert_eq!(
			verify(&public, proof_canon, doc_canon, "z1111"),
			Err(ProofError::MalformedProofValue)
		);
		assert_eq!(from_multikey("zQ3s"), Err(ProofError::MalformedKey));
	}
}

//! `did:web` identities of issuers.
//!
//! An issuer's credentials name it by `did:web:<host>[:<path>]:issuers:<account>`, built from
//! the public base URL of the badge pages; the DID resolves to
//! `https://<host>[/<path>]/issuers/<account>/did.json`, a document listing the issuer's
//! signing keys as the chain holds them. A proof's verification method is `<DID>#key-<n>`,
//! the `n`th key (from 1) of the issuer's on-chain key list, so the DID is both the
//! credential's `issuer.id` and the method's controller, as standard verifiers require.

use serde_json::{json, Value};

/// What comes between a base's DID and an issuer's account.
const ISSUERS: &str = ":issuers:";

/// Why a text is not the DID or method this module makes.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DidError {
	/// The base URL is not `http(s)://host[:port][/path]`.
	#[error("`{0}` is not an http(s) base URL with a host")]
	BadBase(String),
	/// The text is not an issuer's `did:web`.
	#[error("`{0}` is not an issuer's did:web")]
	NotIssuerDid(String),
	/// The text is not `<DID>#key-<n>`.
	#[error("`{0}` is not a key of an issuer's did:web")]
	NotKeyMethod(String),
}

/// The `did:web` of `account`'s issuer profile under the badge pages at `base_url`.
pub fn issuer_did(base_url: &str, account: &str) -> Result<String, DidError> {
	let bad = || DidError::BadBase(base_url.to_string());
	let rest = base_url
		.strip_prefix("https://")
		.or_else(|| base_url.strip_prefix("http://"))
		.ok_or_else(bad)?;
	let mut parts = rest.trim_end_matches('/').split('/');
	let host = parts.next().filter(|h| !h.is_empty()).ok_or_else(bad)?;
	if host.contains(['@', '?', '#', '%']) || account.is_empty() || account.contains([':', '/']) {
		return Err(bad());
	}
	let mut did = format!("did:web:{}", host.replace(':', "%3A"));
	for segment in parts {
		if segment.is_empty() || segment.contains([':', '%', '?', '#']) {
			return Err(bad());
		}
		did.push(':');
		did.push_str(segment);
	}
	Ok(format!("{did}{ISSUERS}{account}"))
}

/// The account an issuer's `did:web` names, and the DID of the base it is under.
pub fn split_issuer_did(did: &str) -> Result<(&str, &str), DidError> {
	let bad = || DidError::NotIssuerDid(did.to_string());
	if !did.starts_with("did:web:") {
		return Err(bad());
	}
	let (base, account) = did.rsplit_once(ISSUERS).ok_or_else(bad)?;
	if base.len() <= "did:web:".len() || account.is_empty() || account.contains([':', '#', '/']) {
		return Err(bad());
	}
	Ok((base, account))
}

/// The host and path a `did:web` names (`host[:port][/path]`, no scheme): where its
/// document is served, and, for an issuer's DID, the base of its pages and status lists.
pub fn web_location(did: &str) -> Result<String, DidError> {
	let rest = did
		.strip_prefix("did:web:")
		.filter(|r| !r.is_empty() && !r.contains(['/', '#', '?']))
		.ok_or_else(|| DidError::NotIssuerDid(did.to_string()))?;
	let mut segments = rest.split(':');
	let host = segments
		.next()
		.expect("split yields at least one item")
		.replace("%3A", ":")
		.replace("%3a", ":");
	Ok(segments.fold(host, |location, segment| format!("{location}/{segment}")))
}

/// Where a `did:web` document is served (the did:web method's "Read" rule).
pub fn document_url(did: &str) -> Result<String, DidError> {
	let location = web_location(did)?;
	Ok(if location.contains('/') {
		format!("https://{location}/did.json")
	} else {
		format!("https://{location}/.well-known/did.json")
	})
}

/// The verification method of the issuer's `index`th on-chain key (from 0).
pub fn key_method(did: &str, index: usize) -> String {
	format!("{did}#key-{}", index + 1)
}

/// The controller DID of a verification method, and the on-chain index (from 0) of its key.
pub fn split_key_method(method: &str) -> Result<(&str, usize), DidError> {
	let bad = || DidError::NotKeyMethod(method.to_string());
	let (did, fragment) = method.split_once('#').ok_or_else(bad)?;
	let number: usize = fragment
		.strip_prefix("key-")
		.filter(|n| !n.starts_with('0') && n.bytes().all(|b| b.is_ascii_digit()))
		.and_then(|n| n.parse().ok())
		.ok_or_else(bad)?;
	Ok((did, number - 1))
}

/// One key of an issuer's DID document, as the chain holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentKey {
	/// The Ed25519 public key.
	pub public_key: [u8; 32],
	/// When it was revoked, if it was (ms since the Unix epoch).
	pub revoked_at: Option<u64>,
}

/// The DID document of an issuer: every key it ever published, in on-chain order (so
/// `#key-n` is the chain's `n`th), all in `assertionMethod`. Rotated keys stay listed: what
/// they signed before the rotation stays valid. A revoked key carries `revoked` (CID 1.0), so
/// that verifiers which read it refuse it; the chain's validity windows are the full history.
pub fn document(did: &str, keys: &[DocumentKey], profile_page: Option<&str>) -> Value {
	let methods: Vec<Value> = keys
		.iter()
		.enumerate()
		.map(|(index, key)| {
			let mut method = json!({
				"id": key_method(did, index),
				"type": "Multikey",
				"controller": did,
				"publicKeyMultibase": crate::proof::multikey(&key.public_key),
			});
			if let Some(at) = key.revoked_at {
				method["revoked"] = Value::from(crate::dates::format_iso(at));
			}
			method
		})
		.collect();
	let assertion: Vec<Value> = (0..keys.len())
		.map(|index| Value::from(key_method(did, index)))
		.collect();
	let mut document = json!({
		"@context": [crate::contexts::DID_V1, crate::contexts::MULTIKEY_V1],
		"id": did,
		"verificationMethod": methods,
		"assertionMethod": assertion,
	});
	if let Some(page) = profile_page {
		document["alsoKnownAs"] = json!([page]);
	}
	document
}

#[cfg(test)]
mod tests {
	use super::*;

	const ACCOUNT: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

	#[test]
	fn dids_follow_the_did_web_rules_both_ways() {
		let did = issuer_did("https://badges.example.jp/", ACCOUNT).unwrap();
		assert_eq!(did, format!("did:web:badges.example.jp:issuers:{ACCOUNT}"));
		assert_eq!(
			document_url(&did).unwrap(),
			format!("https://badges.example.jp/issuers/{ACCOUNT}/did.json")
		);
		let did = issuer_did("http://localhost:8080/wallet", ACCOUNT).unwrap();
		assert_eq!(
			did,
			format!("did:web:localhost%3A8080:wallet:issuers:{ACCOUNT}")
		);
		assert_eq!(
			document_url(&did).unwrap(),
			format!("https://localhost:8080/wallet/issuers/{ACCOUNT}/did.json")
		);
		assert_eq!(
			document_url("did:web:example.com").unwrap(),
			"https://example.com/.well-known/did.json"
		);
		assert_eq!(
			split_issuer_did(&did).unwrap(),
			("did:web:localhost%3A8080:wallet", ACCOUNT)
		);
	}

	#[test]
	fn lookalikes_are_not_issuer_dids() {
		for bad in [
			format!("https://badges.example.jp/issuers/{ACCOUNT}"),
			format!("did:key:issuers:{ACCOUNT}"),
			format!("did:web:issuers:{ACCOUNT}x:y"),
			format!("did:web:badges.example.jp:issuers:{ACCOUNT}#key-1"),
			"did:web:badges.example.jp:issuers:".to_string(),
		] {
			assert!(split_issuer_did(&bad).is_err(), "{bad}");
		}
		assert!(issuer_did("ftp://badges.example.jp", ACCOUNT).is_err());
		assert!(issuer_did("https://", ACCOUNT).is_err());
		assert!(issuer_did("https://user@host", ACCOUNT).is_err());
	}

	#[test]
	fn methods_number_keys_from_one() {
		let did = issuer_did("https://b.example.jp", ACCOUNT).unwrap();
		let method = key_method(&did, 0);
		assert!(method.ends_with("#key-1"));
		assert_eq!(split_key_method(&method).unwrap(), (did.as_str(), 0));
		for bad in ["x#key-0", "x#key-01", "x#key-", "x#key-1a", "x", "x#z6Mk"] {
			assert!(split_key_method(bad).is_err(), "{bad}");
		}
	}

	#[test]
	fn the_document_lists_every_key_and_marks_revoked_ones() {
		let did = issuer_did("https://b.example.jp", ACCOUNT).unwrap();
		let keys = [
			DocumentKey {
				public_key: [1; 32],
				revoked_at: None,
			},
			DocumentKey {
				public_key: [2; 32],
				revoked_at: Some(1_743_465_600_000),
			},
		];
		let doc = document(&did, &keys, Some("https://b.example.jp/issuers/x"));
		assert_eq!(doc["id"], did);
		assert_eq!(doc["verificationMethod"][1]["controller"], did);
		assert_eq!(
			doc["verificationMethod"][1]["revoked"],
			"2025-04-01T00:00:00Z"
		);
		assert!(doc["verificationMethod"][0].get("revoked").is_none());
		assert_eq!(doc["assertionMethod"][1], key_method(&did, 1));
		assert!(doc["verificationMethod"][0]["publicKeyMultibase"]
			.as_str()
			.unwrap()
			.starts_with("z6Mk"));
	}
}

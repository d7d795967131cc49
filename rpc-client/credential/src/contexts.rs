//! The JSON-LD context documents an Open Badges 3.0 credential with an `eddsa-rdfc-2022` proof
//! needs, bundled: verification never fetches a context from the network, and an unknown context
//! URL is an error (an exact-match allowlist).

/// `(URL, document, SHA-256 of the document)` of every bundled context.
pub const CONTEXTS: [(&str, &str, &str); 5] = [
	(
		"https://www.w3.org/ns/credentials/v2",
		include_str!("../contexts/credentials-v2.json"),
		"59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
	),
	(
		"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
		include_str!("../contexts/ob-v3p0-context-3.0.3.json"),
		"3d34f4d4ef1bce691106e63798beb5e7b862ba841423f5ee1e53ab7ddf3bca84",
	),
	(
		"https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
		include_str!("../contexts/ob-v3p0-extensions.json"),
		"87c06c81bc2317663bf288d740d94fddd2818c4342b186270ff6371dfaa63f93",
	),
	(
		"https://w3id.org/security/data-integrity/v2",
		include_str!("../contexts/security-data-integrity-v2.json"),
		"67f21e6e33a6c14e5ccfd2fc7865f7474fb71a04af7e94136cb399dfac8ae8f4",
	),
	(
		"https://w3id.org/security/multikey/v1",
		include_str!("../contexts/security-multikey-v1.json"),
		"ba2c182de2d92f7e47184bcca8fcf0beaee6d3986c527bf664c195bbc7c58597",
	),
];

/// The VC 2.0 context URL.
pub const VC_V2: &str = "https://www.w3.org/ns/credentials/v2";
/// The OB 3.0.3 context URL (never the unversioned `context.json`).
pub const OB_V3P0: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
/// The OB 3.0 extensions context URL.
pub const OB_EXTENSIONS: &str = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json";
/// The DID 1.0 context URL (DID documents only: never expanded here).
pub const DID_V1: &str = "https://www.w3.org/ns/did/v1";
/// The Multikey context URL.
pub const MULTIKEY_V1: &str = "https://w3id.org/security/multikey/v1";

/// The bundled document for `url`, if it is on the allowlist.
pub fn document(url: &str) -> Option<&'static str> {
	CONTEXTS
		.iter()
		.find(|(u, _, _)| *u == url)
		.map(|(_, doc, _)| *doc)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn bundled_contexts_are_intact() {
		for (url, doc, sha) in CONTEXTS {
			assert_eq!(
				hex::encode(sp_crypto_hashing::sha2_256(doc.as_bytes())),
				sha,
				"{url}"
			);
			let parsed: serde_json::Value = serde_json::from_str(doc).expect("a JSON document");
			assert!(
				parsed.get("@context").is_some(),
				"{url} is a JSON-LD context"
			);
		}
	}

	#[test]
	fn only_allowlisted_urls_resolve() {
		assert!(document(OB_V3P0).is_some());
		assert!(document("https://purl.imsglobal.org/spec/ob/v3p0/context.json").is_none());
		assert!(document("https://www.w3.org/ns/credentials/v2/").is_none());
	}
}

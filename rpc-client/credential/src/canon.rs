//! JSON-LD to canonical N-Quads (RDFC-1.0), with the bundled contexts only: what an
//! `eddsa-rdfc-2022` proof signs.

use crate::contexts;
use sophia_api::prelude::*;
use sophia_jsonld::{
	json_ld::future::FutureExt, loader::ClosureLoader, JsonLdOptions, JsonLdParser,
};

/// Why a document could not be canonicalized.
#[derive(Debug, thiserror::Error)]
pub enum CanonError {
	/// The document is not JSON-LD we can expand (an unknown context, a malformed term).
	#[error("not expandable JSON-LD: {0}")]
	JsonLd(String),
	/// Canonicalization failed.
	#[error("canonicalization failed: {0}")]
	Canonicalization(String),
}

/// The canonical N-Quads of a JSON-LD document. Contexts come only from
/// [`contexts::document`]; any other context URL is an error.
pub async fn canonical_nquads(document: &serde_json::Value) -> Result<String, CanonError> {
	let options = JsonLdOptions::new().with_document_loader_closure(|| {
		ClosureLoader::new(|url: sophia_iri::Iri<String>| {
			let found = contexts::document(url.as_str())
				.map(str::to_string)
				.ok_or_else(|| format!("context {} is not bundled", url.as_str()));
			async move { found }.boxed()
		})
	});
	let parser = JsonLdParser::new_with_options(options);
	let text = document.to_string();
	let dataset: sophia_inmem::dataset::LightDataset = parser
		.async_parse_str(&text)
		.await
		.collect_quads()
		.map_err(|e| CanonError::JsonLd(e.to_string()))?;
	let mut out = Vec::new();
	sophia_c14n::rdfc10::normalize(&dataset, &mut out)
		.map_err(|e| CanonError::Canonicalization(e.to_string()))?;
	String::from_utf8(out).map_err(|e| CanonError::Canonicalization(e.to_string()))
}

/// [`canonical_nquads`] for callers outside an async runtime.
pub fn canonical_nquads_blocking(document: &serde_json::Value) -> Result<String, CanonError> {
	tokio::runtime::Builder::new_current_thread()
		.build()
		.map_err(|e| CanonError::Canonicalization(e.to_string()))?
		.block_on(canonical_nquads(document))
}

#[cfg(test)]
mod tests {
	use super::*;
	use serde_json::json;

	#[test]
	fn unknown_contexts_are_refused() {
		let doc = json!({"@context": "https://example.org/evil.jsonld", "name": "x"});
		assert!(matches!(
			canonical_nquads_blocking(&doc),
			Err(CanonError::JsonLd(_))
		));
	}

	#[test]
	fn blank_nodes_get_canonical_labels() {
		let doc = json!({
			"@context": [contexts::VC_V2],
			"id": "urn:example:1",
			"type": ["VerifiableCredential"],
			"issuer": "urn:example:issuer",
			"validFrom": "2025-04-01T00:00:00Z",
			"credentialSubject": { "name": "Taro" },
		});
		let nquads = canonical_nquads_blocking(&doc).unwrap();
		assert!(
			nquads.contains("_:c14n0 <https://schema.org/name> \"Taro\""),
			"{nquads}"
		);
		assert!(
			nquads.contains("^^<http://www.w3.org/2001/XMLSchema#dateTime>"),
			"{nquads}"
		);
		// Canonical: sorted lines, each ending in " .\n".
		let lines: Vec<&str> = nquads.lines().collect();
		let mut sorted = lines.clone();
		sorted.sort();
		assert_eq!(lines, sorted);
		assert_eq!(
			canonical_nquads_blocking(&doc).unwrap(),
			nquads,
			"deterministic"
		);
	}
}

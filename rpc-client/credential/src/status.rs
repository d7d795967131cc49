//! W3C Bitstring Status List v1.0 for badge revocation.
//!
//! Every badge has a status index on chain, its position among its issuer's badges in
//! issuance order. The issuer's badges are split into revocation lists of [`LIST_LENGTH`]
//! entries (the specification's minimum, for herd privacy): badge `i` is entry
//! `i % LIST_LENGTH` of list `i / LIST_LENGTH`. A credential names its list and entry in a
//! `BitstringStatusListEntry`; the list is a `BitstringStatusListCredential` served by the
//! wallet service under the issuer's `did:web` and built from the chain's finalized state, in
//! which revocation is final: a set bit never clears.

use crate::dates;
use base64::Engine as _;
use serde_json::{json, Value};
use std::io::{Read as _, Write as _};

/// Entries per list: 131,072 bits, 16 KiB before compression.
pub const LIST_LENGTH: u32 = 131_072;

/// The one status purpose badges use: revocation is final.
pub const PURPOSE: &str = "revocation";

/// Why a status entry or an encoded list is not one this module reads.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StatusError {
	/// `encodedList` is not `u` + base64url of a GZIP stream.
	#[error("the encoded list is not multibase base64url GZIP: {0}")]
	BadEncoding(String),
	/// The decoded list is shorter than the specification's minimum.
	#[error("the list holds {0} entries, fewer than {LIST_LENGTH}")]
	TooShort(usize),
	/// The entry's index is not a base-10 number inside a list.
	#[error("status list index `{0}` is not a number below {LIST_LENGTH}")]
	BadIndex(String),
}

/// Which list holds status index `index`, and its entry there.
pub fn position(index: u32) -> (u32, u32) {
	(index / LIST_LENGTH, index % LIST_LENGTH)
}

/// The URL of `account`'s revocation list number `list` under the badge pages at `base_url`
/// (the base of the issuer's `did:web`, so the list is served where its DID document is).
pub fn list_url(base_url: &str, account: &str, list: u32) -> String {
	format!(
		"{}/issuers/{account}/status/{PURPOSE}/{list}",
		base_url.trim_end_matches('/')
	)
}

/// The `BitstringStatusListEntry` of the badge with status index `index`, whose issuer's lists
/// are at `list_url(base, account, _)`.
pub fn entry(base_url: &str, account: &str, index: u32) -> Value {
	let (list, entry) = position(index);
	let url = list_url(base_url, account, list);
	json!({
		"id": format!("{url}#{entry}"),
		"type": "BitstringStatusListEntry",
		"statusPurpose": PURPOSE,
		"statusListIndex": entry.to_string(),
		"statusListCredential": url,
	})
}

/// A credential's revocation entry: its list's URL and its position there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
	/// `statusListCredential`.
	pub list_url: String,
	/// `statusListIndex`.
	pub index: u32,
}

/// The `BitstringStatusListEntry` items of `credential` whose purpose is revocation (its
/// `credentialStatus` may be one object or an array).
pub fn revocation_entries(credential: &Value) -> Result<Vec<Entry>, StatusError> {
	let statuses = match &credential["credentialStatus"] {
		Value::Array(items) => items.iter().collect(),
		Value::Null => Vec::new(),
		item => vec![item],
	};
	statuses
		.into_iter()
		.filter(|s| {
			s["type"].as_str() == Some("BitstringStatusListEntry")
				&& s["statusPurpose"].as_str() == Some(PURPOSE)
		})
		.map(|s| {
			let text = s["statusListIndex"].as_str().unwrap_or_default();
			let index = text
				.parse::<u32>()
				.ok()
				.filter(|i| *i < LIST_LENGTH && (text == "0" || !text.starts_with('0')))
				.ok_or_else(|| StatusError::BadIndex(text.chars().take(20).collect()))?;
			Ok(Entry {
				list_url: s["statusListCredential"]
					.as_str()
					.unwrap_or_default()
					.to_string(),
				index,
			})
		})
		.collect()
}

/// `encodedList` of a list of [`LIST_LENGTH`] entries with the bits at `set` on: `u` +
/// base64url (no padding) of the GZIP-compressed bitstring, entry 0 being the most significant
/// bit of the first byte.
pub fn encode_list(set: impl IntoIterator<Item = u32>) -> String {
	let mut bits = vec![0u8; (LIST_LENGTH / 8) as usize];
	for entry in set {
		if entry < LIST_LENGTH {
			bits[(entry / 8) as usize] |= 0x80 >> (entry % 8);
		}
	}
	let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
	gzip.write_all(&bits).expect("writing to memory");
	let compressed = gzip.finish().expect("writing to memory");
	format!(
		"u{}",
		base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(compressed)
	)
}

/// The bitstring of an `encodedList` (at most 16 MiB decompressed: a list is never larger).
pub fn decode_list(encoded: &str) -> Result<Vec<u8>, StatusError> {
	let bad = |e: &dyn std::fmt::Display| StatusError::BadEncoding(e.to_string());
	let body = encoded
		.strip_prefix('u')
		.ok_or_else(|| bad(&"no `u` multibase prefix"))?;
	let compressed = base64::engine::general_purpose::URL_SAFE_NO_PAD
		.decode(body)
		.map_err(|e| bad(&e))?;
	let mut bits = Vec::new();
	flate2::read::GzDecoder::new(&compressed[..])
		.take(16 << 20)
		.read_to_end(&mut bits)
		.map_err(|e| bad(&e))?;
	if bits.len() * 8 < LIST_LENGTH as usize {
		return Err(StatusError::TooShort(bits.len() * 8));
	}
	Ok(bits)
}

/// Whether entry `entry` of a decoded list is set.
pub fn is_set(bits: &[u8], entry: u32) -> bool {
	bits.get((entry / 8) as usize)
		.is_some_and(|byte| byte & (0x80 >> (entry % 8)) != 0)
}

/// The unsigned `BitstringStatusListCredential` of revocation list `url`, issued by
/// `issuer_did` (the badges' issuer, as verifiers require), valid from `valid_from` until
/// `valid_until` (ms); `ttl` (ms) tells verifiers how long to cache it.
pub fn list_credential(
	issuer_did: &str,
	url: &str,
	encoded_list: &str,
	valid_from: u64,
	valid_until: u64,
	ttl: u64,
) -> Value {
	json!({
		"@context": [crate::contexts::VC_V2],
		"id": url,
		"type": ["VerifiableCredential", "BitstringStatusListCredential"],
		"issuer": issuer_did,
		"validFrom": dates::format_iso(valid_from),
		"validUntil": dates::format_iso(valid_until),
		"credentialSubject": {
			"id": format!("{url}#list"),
			"type": "BitstringStatusList",
			"statusPurpose": PURPOSE,
			"encodedList": encoded_list,
			"ttl": ttl,
		},
	})
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn entries_are_split_into_lists_of_the_minimum_length() {
		assert_eq!(position(0), (0, 0));
		assert_eq!(position(131_071), (0, 131_071));
		assert_eq!(position(131_072), (1, 0));
		let e = entry("https://badges.example.jp/", "5Grw", 131_075);
		assert_eq!(
			e["statusListCredential"],
			"https://badges.example.jp/issuers/5Grw/status/revocation/1"
		);
		assert_eq!(e["statusListIndex"], "3");
		assert_ne!(e["id"], e["statusListCredential"]);
		let credential = json!({ "credentialStatus": [e, { "type": "Other" }] });
		assert_eq!(
			revocation_entries(&credential).unwrap(),
			vec![Entry {
				list_url: "https://badges.example.jp/issuers/5Grw/status/revocation/1".into(),
				index: 3
			}]
		);
	}

	#[test]
	fn malformed_indices_are_refused() {
		for bad in ["-1", "007", "131072", "x", ""] {
			let credential = json!({ "credentialStatus": {
				"type": "BitstringStatusListEntry", "statusPurpose": "revocation",
				"statusListIndex": bad, "statusListCredential": "https://x/l" } });
			assert!(
				matches!(
					revocation_entries(&credential),
					Err(StatusError::BadIndex(_))
				),
				"{bad}"
			);
		}
	}

	#[test]
	fn the_list_round_trips_with_the_specifications_bit_order() {
		let encoded = encode_list([0, 9, 131_071]);
		assert!(encoded.starts_with('u'));
		let bits = decode_list(&encoded).unwrap();
		assert_eq!(bits.len(), 16_384);
		// Entry 0 is the left-most bit of byte 0.
		assert_eq!(bits[0], 0x80);
		assert_eq!(bits[1], 0x40);
		assert_eq!(bits[16_383], 0x01);
		assert!(is_set(&bits, 9) && !is_set(&bits, 8) && !is_set(&bits, 10));
		// An empty list compresses to a few dozen bytes.
		assert!(encode_list([]).len() < 100);
	}

	#[test]
	fn short_or_foreign_lists_are_refused() {
		let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
		gzip.write_all(&[0u8; 100]).unwrap();
		let short = format!(
			"u{}",
			base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(gzip.finish().unwrap())
		);
		assert_eq!(decode_list(&short), Err(StatusError::TooShort(800)));
		assert!(matches!(
			decode_list("zabc"),
			Err(StatusError::BadEncoding(_))
		));
		assert!(matches!(
			decode_list("uAAAA"),
			Err(StatusError::BadEncoding(_))
		));
	}
}

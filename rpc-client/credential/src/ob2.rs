//! The Open Badges 2.0 `Assertion` for a badge, for older backpacks (hosted verification: the
//! assertion is served at its id).

use crate::{dates, ob3::BadgeFacts};
use serde_json::{json, Value};

/// The OB 2.0 context.
pub const OB_V2_CONTEXT: &str = "https://w3id.org/openbadges/v2";

/// The hosted `Assertion` for a badge; `assertion_url` is where it is served.
pub fn assertion(f: &BadgeFacts, assertion_url: &str, class_url: &str) -> Value {
	let mut recipient = json!({
		"type": "email",
		"hashed": true,
		"identity": f.identity_hash,
	});
	if let Some(salt) = &f.salt {
		recipient["salt"] = Value::from(salt.clone());
	}
	let mut assertion = json!({
		"@context": OB_V2_CONTEXT,
		"type": "Assertion",
		"id": assertion_url,
		"recipient": recipient,
		"badge": class_url,
		"verification": { "type": "HostedBadge" },
		"issuedOn": dates::format_iso(f.valid_from),
	});
	if let Some(until) = f.valid_until {
		assertion["expires"] = Value::from(dates::format_iso(until));
	}
	assertion
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_assertion_has_what_ob_2_requires() {
		let f = crate::ob3::tests::facts();
		let a = assertion(
			&f,
			"https://badges.example.jp/badges/0xab/assertion.json",
			"https://badges.example.jp/classes/0/badgeclass.json",
		);
		for key in [
			"id",
			"type",
			"recipient",
			"badge",
			"verification",
			"issuedOn",
		] {
			assert!(a.get(key).is_some(), "{key}");
		}
		assert_eq!(a["recipient"]["identity"], f.identity_hash);
		assert_eq!(a["recipient"]["salt"], "q7H2kX9d");
		assert_eq!(a["issuedOn"], "2025-04-01T00:00:00Z");
		assert_eq!(a["expires"], "2027-03-31T23:59:59Z");
	}
}

//! # badge-rpc-types
//!
//! The JSON answers of the node's `badges_*` methods, in one place for both sides: the node
//! serializes them (`node/src/rpc.rs`) and clients deserialize them (`badge_client`), so a
//! field renamed on one side is a compile error on the other, not a silent `null`.
//!
//! Accounts are generic: the node writes its runtime's `AccountId32`, a client reads its own;
//! both are SS58 text. Hashes are `0x` and 64 hex digits; times are ms since the Unix epoch.

use primitive_types::H256;
use serde::{Deserialize, Serialize};

/// A verdict's name in an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerdictName {
	/// Issued, received, not revoked or expired, its issuer active, its image (if presented)
	/// the class's.
	Valid,
	/// No badge has this id.
	NotFound,
	/// Revoked (see [`Verification::revocation`]).
	Revoked,
	/// Its issuer is suspended.
	IssuerSuspended,
	/// Past its expiry (see [`Verification::expired_at`]).
	Expired,
	/// The presented image is not the class's.
	DesignMismatch,
	/// Issued, not yet received by its holder.
	NotYetReceived,
}

impl VerdictName {
	/// The name as the answer writes it (`valid`, `not_found`, …).
	pub fn as_str(self) -> &'static str {
		match self {
			VerdictName::Valid => "valid",
			VerdictName::NotFound => "not_found",
			VerdictName::Revoked => "revoked",
			VerdictName::IssuerSuspended => "issuer_suspended",
			VerdictName::Expired => "expired",
			VerdictName::DesignMismatch => "design_mismatch",
			VerdictName::NotYetReceived => "not_yet_received",
		}
	}
}

impl std::fmt::Display for VerdictName {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str(self.as_str())
	}
}

/// Whether a badge's details and holder are public.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisclosureName {
	/// Listed and shown with its holder.
	Public,
	/// Verifiable by id, holder withheld, not listed.
	Private,
}

/// Whether an issuer may issue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssuerStatusName {
	/// It may issue, and its badges verify.
	Active,
	/// Suspended by the council: its badges do not verify.
	Suspended,
}

impl IssuerStatusName {
	/// The name as the answer writes it (`active`, `suspended`).
	pub fn as_str(self) -> &'static str {
		match self {
			IssuerStatusName::Active => "active",
			IssuerStatusName::Suspended => "suspended",
		}
	}
}

/// `badges_verify`'s answer (and each of `badges_verifyMany`'s).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Verification<AccountId> {
	/// The badge id asked about.
	pub badge: H256,
	/// The verdict.
	pub verdict: VerdictName,
	/// Whether the verdict is `valid`.
	pub valid: bool,
	/// Revocation time, reason and reason digest, for `revoked`.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub revocation: Option<Revocation>,
	/// Expiry time, for `expired`.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub expired_at: Option<u64>,
	/// Public details, unless `not_found`.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub details: Option<Details<AccountId>>,
	/// Chain time of the verdict.
	pub checked_at: u64,
	/// The block the verdict was computed at.
	pub block: H256,
}

/// How a badge was revoked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Revocation {
	/// When.
	pub at: u64,
	/// Reason code name, e.g. `NoLongerEligible`.
	pub reason: String,
	/// Digest of a longer reason, if any.
	pub reason_digest: Option<H256>,
}

/// Public details of a badge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Details<AccountId> {
	/// Class id.
	pub class: u32,
	/// Class name.
	pub class_name: String,
	/// Issuer account.
	pub issuer: AccountId,
	/// Issuer name.
	pub issuer_name: String,
	/// The class's pinned image digest (blake2-256).
	pub image_digest: H256,
	/// When it was issued.
	pub issued_at: u64,
	/// When it expires, if ever.
	pub expires_at: Option<u64>,
	/// Evidence digest, if any.
	pub evidence: Option<H256>,
	/// Holder account, only for a public, received badge.
	pub holder: Option<AccountId>,
	/// Public or private.
	pub disclosure: DisclosureName,
}

/// A page of badge ids from the `badges_listBy*` methods.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page {
	/// Badge ids.
	pub items: Vec<H256>,
	/// Cursor for the next page (`startAfter`), absent on the last page.
	pub next: Option<H256>,
}

/// `badges_issuer`'s answer: an issuer's public profile and status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Issuer<AccountId> {
	/// Account.
	pub account: AccountId,
	/// Name.
	pub name: String,
	/// Home page.
	pub url: String,
	/// Organisational contact.
	pub contact: Option<String>,
	/// Active or suspended.
	pub status: IssuerStatusName,
	/// When it was registered.
	pub registered_at: u64,
	/// Classes created.
	pub classes: u32,
	/// Badges issued.
	pub issued: u32,
}

/// `badges_class`'s answer: a badge class.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Class<AccountId> {
	/// Class id.
	pub id: u32,
	/// Issuer account.
	pub issuer: AccountId,
	/// Name.
	pub name: String,
	/// Description.
	pub description: String,
	/// Criteria URL, if published at a URL.
	pub criteria_url: Option<String>,
	/// SHA-256 of the criteria narrative, if kept off chain.
	pub criteria_digest: Option<H256>,
	/// OB 3.0 achievement type, e.g. `Membership`.
	pub achievement_type: String,
	/// Pinned image digest (blake2-256).
	pub image_digest: H256,
	/// Whether it no longer takes badges.
	pub retired: bool,
	/// When it was created.
	pub created_at: u64,
	/// Badges issued.
	pub issued: u32,
}

#[cfg(test)]
mod tests {
	use super::*;
	use serde_json::json;

	#[test]
	fn answers_read_back_as_written() {
		let answer = json!({
			"badge": format!("0x{}", "ab".repeat(32)),
			"verdict": "revoked",
			"valid": false,
			"revocation": { "at": 5, "reason": "Misconduct", "reasonDigest": null },
			"details": {
				"class": 1, "className": "c", "issuer": "5Issuer", "issuerName": "i",
				"imageDigest": format!("0x{}", "01".repeat(32)), "issuedAt": 1,
				"expiresAt": null, "evidence": null, "holder": null, "disclosure": "private"
			},
			"checkedAt": 9,
			"block": format!("0x{}", "02".repeat(32)),
		});
		let read: Verification<String> = serde_json::from_value(answer.clone()).unwrap();
		assert_eq!(read.verdict, VerdictName::Revoked);
		assert_eq!(
			read.details.as_ref().unwrap().disclosure,
			DisclosureName::Private
		);
		assert_eq!(read.expired_at, None);
		// Written again, the same JSON: absent stays absent, null stays null.
		assert_eq!(serde_json::to_value(&read).unwrap(), answer);
		for name in [
			VerdictName::Valid,
			VerdictName::NotFound,
			VerdictName::Revoked,
			VerdictName::IssuerSuspended,
			VerdictName::Expired,
			VerdictName::DesignMismatch,
			VerdictName::NotYetReceived,
		] {
			assert_eq!(serde_json::to_value(name).unwrap(), json!(name.as_str()));
		}
		for status in [IssuerStatusName::Active, IssuerStatusName::Suspended] {
			assert_eq!(
				serde_json::to_value(status).unwrap(),
				json!(status.as_str())
			);
		}
	}
}

//! The runtime API verifiers, wallets and explorers call (directly with `state_call`, or through
//! the node's `badges_*` JSON-RPC methods, which wrap it).

use crate::types::{BadgeId, ClassId, Digest, Page, Verification};
use codec::Codec;

sp_api::decl_runtime_apis! {
	/// Verification, listings and lookups of the badge registry.
	///
	/// Listings never show private badges; `verify` answers for any id and names the holder only
	/// of a public badge.
	#[api_version(1)]
	pub trait BadgesApi<AccountId, IssuerInfo, ClassInfo>
	where
		AccountId: Codec,
		IssuerInfo: Codec,
		ClassInfo: Codec,
	{
		/// The verdict on `badge`; with `image_digest` (blake2-256 of a presented image), also
		/// whether the image is the class's pinned design.
		fn verify(badge: BadgeId, image_digest: Option<Digest>) -> Verification<AccountId>;

		/// Public badges held by `holder`, at most `limit` (capped at 1,000) after
		/// `start_after`.
		fn badges_by_holder(holder: AccountId, start_after: Option<BadgeId>, limit: u32) -> Page<BadgeId>;

		/// Public badges of `class`, a page at a time. Private badges are skipped a bounded
		/// stretch at a time: a page may be short, even empty, and still have a `next`.
		fn badges_by_class(class: ClassId, start_after: Option<BadgeId>, limit: u32) -> Page<BadgeId>;

		/// Public badges of `issuer`, a page at a time (short pages as by class).
		fn badges_by_issuer(issuer: AccountId, start_after: Option<BadgeId>, limit: u32) -> Page<BadgeId>;

		/// The issuer registered under `account`, if any.
		fn issuer(account: AccountId) -> Option<IssuerInfo>;

		/// The class `class`, if any.
		fn class(class: ClassId) -> Option<ClassInfo>;
	}
}

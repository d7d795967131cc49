//! Types of the badge registry: issuer profiles, badge classes (OB 3.0 `Achievement`), badges
//! (OB 3.0 `AchievementCredential`) and the verification verdict.
//!
//! Everything here is bounded (`MaxEncodedLen`) so that storage and proof sizes are known ahead.
//! Nothing here holds personal data: a recipient is a salted hash commitment, a holder an account.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::BoundedVec;
use scale_info::TypeInfo;
use sp_core::{sr25519, H256};

use crate::Config;

/// The account id type of a runtime.
pub type AccountIdOf<T> = <T as frame_system::Config>::AccountId;
/// A bounded name (issuer or class), UTF-8.
pub type NameOf<T> = BoundedVec<u8, <T as Config>::MaxNameLength>;
/// A bounded URL, UTF-8.
pub type UrlOf<T> = BoundedVec<u8, <T as Config>::MaxUrlLength>;
/// A bounded description, UTF-8.
pub type DescriptionOf<T> = BoundedVec<u8, <T as Config>::MaxDescriptionLength>;
/// An issuer profile as stored for a runtime.
pub type IssuerProfileOf<T> = IssuerProfile<NameOf<T>, UrlOf<T>>;
/// An issuer record as stored for a runtime.
pub type IssuerOf<T> = Issuer<IssuerProfileOf<T>>;
/// A badge class as stored for a runtime.
pub type BadgeClassOf<T> = BadgeClass<AccountIdOf<T>, NameOf<T>, DescriptionOf<T>, UrlOf<T>>;
/// A badge as stored for a runtime.
pub type BadgeOf<T> = Badge<AccountIdOf<T>>;
/// A verification result for a runtime.
pub type VerificationOf<T> = Verification<AccountIdOf<T>>;
/// An issuer's signing keys as stored for a runtime, oldest first.
pub type IssuerKeysOf<T> = BoundedVec<IssuerKey, <T as Config>::MaxIssuerKeys>;

/// Identifier of a badge class: a counter, assigned in creation order.
pub type ClassId = u32;

/// Identifier of a badge: its class (4 bytes, little-endian) followed by the first 28 bytes of
/// `blake2_256(SCALE(b"openbadge/badge", class, recipient))` ([`badge_id`]).
///
/// Deterministic, so an issuer can compute it before submitting (and a re-run of the same bulk
/// file finds the badges it already issued); a second badge with the same id is refused with
/// [`crate::Error::BadgeAlreadyExists`], so ids never collide. The class in front makes the
/// badges of a class one stretch of [`crate::Badges`]' keys, which is the class listing: one
/// storage entry per badge.
pub type BadgeId = H256;

/// A 32-byte digest (blake2-256 of an image, SHA-256 of evidence, ...).
pub type Digest = [u8; 32];

/// Milliseconds since the Unix epoch, as kept by the chain's timestamp.
pub type Moment = u64;

/// The public part of a per-badge claim key: whoever holds its secret may receive the badge.
pub type ClaimKey = sr25519::Public;

/// A signature by a claim key over [`receipt_payload`].
pub type ClaimSignature = sr25519::Signature;

/// What a badge record keeps of its claim key: [`claim_digest`].
pub type ClaimDigest = [u8; 16];

/// The digest of `key` a badge record keeps: blake2-128 of the key's bytes.
///
/// A receipt presents the key itself, and the chain checks it against this digest before the
/// signature. Half the key's bytes, so that a record fits in its storage trie leaf; finding
/// another key with the same digest takes about 2^128 tries.
pub fn claim_digest(key: &ClaimKey) -> ClaimDigest {
	sp_io::hashing::blake2_128(key.as_ref())
}

/// Domain separator of badge ids.
pub const BADGE_ID_DOMAIN: &[u8] = b"openbadge/badge";
/// Domain separator of receipt proofs.
pub const RECEIPT_DOMAIN: &[u8] = b"openbadge/receive";

/// The badge id for `recipient` in `class` (see [`BadgeId`]).
pub fn badge_id(class: ClassId, recipient: &H256) -> BadgeId {
	let digest = sp_io::hashing::blake2_256(&(BADGE_ID_DOMAIN, class, recipient).encode());
	let mut id = [0u8; 32];
	id[..CLASS_PREFIX_LEN].copy_from_slice(&class.to_le_bytes());
	id[CLASS_PREFIX_LEN..].copy_from_slice(&digest[..32 - CLASS_PREFIX_LEN]);
	H256(id)
}

/// Bytes of the class in front of a [`BadgeId`].
pub const CLASS_PREFIX_LEN: usize = core::mem::size_of::<ClassId>();

/// The class a [`BadgeId`] starts with: the badge's class.
pub fn class_in_id(badge: &BadgeId) -> ClassId {
	let mut class = [0u8; CLASS_PREFIX_LEN];
	class.copy_from_slice(&badge[..CLASS_PREFIX_LEN]);
	ClassId::from_le_bytes(class)
}

/// Domain separator of the recipients of badges generated at genesis.
pub const GENERATED_DOMAIN: &[u8] = b"openbadge/generated";

/// The recipient commitment of the `n`th badge generated at genesis (see the genesis config's
/// `generated_badges`): `blake2_256(GENERATED_DOMAIN ++ n as u32 little-endian)`, so a tool
/// can name any generated badge without listing them.
pub fn generated_recipient(n: u32) -> H256 {
	H256(sp_io::hashing::blake2_256(&(GENERATED_DOMAIN, n).encode()))
}

/// The bytes a claim key signs to let `receiver` receive `badge` on the chain whose genesis
/// hash is `genesis`.
///
/// The receiving account is part of the signed message, so a proof copied from a pending
/// transaction is useless to any other account; the genesis hash stops replay on another chain.
pub fn receipt_payload<AccountId: Encode>(
	genesis: &[u8],
	badge: &BadgeId,
	receiver: &AccountId,
) -> [u8; 32] {
	sp_io::hashing::blake2_256(&(RECEIPT_DOMAIN, genesis, badge, receiver).encode())
}

/// Whether an issuer may act.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Eq,
	PartialEq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum IssuerStatus {
	/// The issuer may create classes, issue and revoke.
	Active,
	/// The admin origin suspended the issuer: it can do nothing, and its badges verify as
	/// [`Verdict::IssuerSuspended`].
	Suspended,
}

/// Public profile of an issuing organisation (OB 3.0 `Profile`). No personal data.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct IssuerProfile<Name, Url> {
	/// Name of the organisation.
	pub name: Name,
	/// Home page of the organisation.
	pub url: Url,
	/// An organisational contact (a role address or web form), if any.
	pub contact: Option<Url>,
}

/// A registered issuer.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct Issuer<Profile> {
	/// Public profile.
	pub profile: Profile,
	/// Active or suspended.
	pub status: IssuerStatus,
	/// When the issuer was registered.
	pub registered_at: Moment,
	/// Number of classes the issuer created.
	pub classes: u32,
	/// Number of badges the issuer issued (revoked ones included).
	pub issued: u32,
}

/// How an achievement's criteria are published.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen,
)]
pub enum Criteria<Url> {
	/// Criteria are published at this URL.
	Url(Url),
	/// Criteria are a narrative kept off chain; this is the SHA-256 digest of its UTF-8 text.
	NarrativeDigest(Digest),
}

/// The kind of achievement (OB 3.0 `achievementType` vocabulary, a common subset).
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Eq,
	PartialEq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum AchievementType {
	/// `Achievement`: a generic achievement.
	Achievement,
	/// `Award`.
	Award,
	/// `Badge`.
	Badge,
	/// `Certificate`.
	Certificate,
	/// `CertificateOfCompletion`.
	CertificateOfCompletion,
	/// `Competency`.
	Competency,
	/// `Course`.
	Course,
	/// `License`.
	License,
	/// `Membership`: e.g. appointment to a committee.
	Membership,
	/// `MicroCredential`.
	MicroCredential,
}

/// Whether a class still accepts new badges.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Eq,
	PartialEq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum ClassStatus {
	/// New badges may be issued.
	Active,
	/// Retired at this moment: no new badges; existing ones stay verifiable.
	Retired {
		/// When the class was retired.
		at: Moment,
	},
}

/// A badge class (OB 3.0 `Achievement`).
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct BadgeClass<AccountId, Name, Description, Url> {
	/// The issuer that created the class and alone issues its badges.
	pub issuer: AccountId,
	/// Name of the achievement.
	pub name: Name,
	/// Description of the achievement.
	pub description: Description,
	/// How to earn it.
	pub criteria: Criteria<Url>,
	/// Kind of achievement.
	pub achievement_type: AchievementType,
	/// blake2-256 digest of the exact badge image bytes: pins the design.
	pub image_digest: Digest,
	/// Active or retired.
	pub status: ClassStatus,
	/// When the class was created.
	pub created_at: Moment,
	/// Number of badges issued in this class.
	pub issued: u32,
}

/// Why a badge was revoked.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Eq,
	PartialEq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum RevocationReason {
	/// No reason given.
	Unspecified,
	/// The badge was issued by mistake (wrong person, wrong class, wrong data).
	IssuedInError,
	/// The recipient no longer meets the criteria (e.g. left the committee).
	NoLongerEligible,
	/// The recipient asked for it.
	RecipientRequest,
	/// Misconduct or fraud.
	Misconduct,
	/// Replaced by another badge.
	Superseded,
	/// Any other reason; see the reason digest.
	Other,
}

/// Who revoked a badge.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Eq,
	PartialEq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum RevokedBy {
	/// The issuer of the badge.
	Issuer,
	/// The admin origin (governance).
	Admin,
}

/// Lifecycle of a badge. A revoked badge is kept for ever as a tombstone.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Eq,
	PartialEq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum BadgeStatus {
	/// In force (subject to expiry and the issuer's status).
	Active,
	/// Revoked; the record stays so that "revoked" differs from "never issued".
	Revoked {
		/// When it was revoked.
		at: Moment,
		/// Reason code.
		reason: RevocationReason,
		/// Digest of a longer reason kept off chain, if any.
		reason_digest: Option<Digest>,
		/// Who revoked it.
		by: RevokedBy,
	},
}

/// Whether a received badge appears in public listings.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Eq,
	PartialEq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum Disclosure {
	/// Listed by holder, class and issuer; verification shows the holder.
	Public,
	/// In no listing; verification by id still answers, without the holder.
	Private,
}

/// A badge awarded to one recipient (OB 3.0 `AchievementCredential`).
///
/// Its class is in its id ([`class_in_id`]), its issuer is its class's, and its recipient commitment (a
/// salted hash, e.g. SHA-256 of e-mail and salt: no personal data on chain) is committed to by
/// its id ([`badge_id`]): a verifier given the e-mail and salt recomputes the id. None of them
/// is repeated here, and the claim key is kept as its digest: a badge not yet received
/// encodes in 30 to 33 bytes (its status index is compact): below the 33 from which the
/// storage trie keeps a value in a node of its own while its issuer has issued fewer than
/// 16,384 badges.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct Badge<AccountId> {
	/// Digest of the public key whose secret, sent to the recipient off chain, lets them
	/// receive the badge ([`claim_digest`]).
	pub claim: ClaimDigest,
	/// The wallet account the badge is bound to, once received.
	pub holder: Option<AccountId>,
	/// When it was issued (chain timestamp).
	pub issued_at: Moment,
	/// When it expires, if ever.
	pub expires_at: Option<Moment>,
	/// Digest of evidence kept off chain, if any.
	pub evidence: Option<Digest>,
	/// Active or revoked.
	pub status: BadgeStatus,
	/// Public or private.
	pub disclosure: Disclosure,
	/// Its position among its issuer's badges, in issuance order from 0: the index of its
	/// entry in the issuer's revocation status lists (W3C Bitstring Status List) and the key
	/// of [`crate::RevokedStatusIndices`] once revoked. Unique per issuer, below the issuer's
	/// `issued` count.
	#[codec(compact)]
	pub status_index: u32,
}

impl<AccountId> Badge<AccountId> {
	/// Whether the badge appears in the class and issuer listings.
	pub fn listed(&self) -> bool {
		self.disclosure == Disclosure::Public
	}

	/// Whether the badge appears in its holder's listing.
	pub fn listed_for_holder(&self) -> bool {
		self.listed() && self.holder.is_some()
	}
}

/// One badge of a batch: the per-recipient part of an issuance.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct BadgeSpec {
	/// Salted hash commitment to the recipient.
	pub recipient: H256,
	/// Public claim key of this badge.
	pub claim_key: ClaimKey,
	/// Expiry, if any; must lie in the future.
	pub expires_at: Option<Moment>,
	/// Digest of off-chain evidence, if any.
	pub evidence: Option<Digest>,
}

/// The verification verdict for a badge, in order of precedence.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Eq,
	PartialEq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum Verdict {
	/// The badge is in force and (if an image was given) its design matches.
	Valid,
	/// No badge with this id was ever issued.
	NotFound,
	/// The badge was revoked.
	Revoked {
		/// When.
		at: Moment,
		/// Reason code.
		reason: RevocationReason,
		/// Digest of a longer reason, if any.
		reason_digest: Option<Digest>,
	},
	/// The issuer is suspended.
	IssuerSuspended,
	/// The badge expired at this moment.
	Expired {
		/// When.
		at: Moment,
	},
	/// The presented image is not the class's pinned design.
	DesignMismatch,
	/// Issued but not yet received by its recipient.
	NotYetReceived,
}

/// Public details of a badge, returned with a verdict.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct BadgeDetails<AccountId> {
	/// The class.
	pub class: ClassId,
	/// The issuer.
	pub issuer: AccountId,
	/// The class's pinned image digest.
	pub image_digest: Digest,
	/// When issued.
	pub issued_at: Moment,
	/// When it expires, if ever.
	pub expires_at: Option<Moment>,
	/// Evidence digest, if any.
	pub evidence: Option<Digest>,
	/// The holder, only for a received, public badge.
	pub holder: Option<AccountId>,
	/// Disclosure state.
	pub disclosure: Disclosure,
}

/// What `verify` answers.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct Verification<AccountId> {
	/// The verdict.
	pub verdict: Verdict,
	/// Public details, unless the badge was not found.
	pub details: Option<BadgeDetails<AccountId>>,
	/// The chain's time the verdict was computed at.
	pub checked_at: Moment,
}

/// A class as [`Verification::of`] takes it: its id and its record.
pub type ClassEntry<'a, AccountId, Name, Description, Url> =
	(ClassId, &'a BadgeClass<AccountId, Name, Description, Url>);

impl<AccountId> Verification<AccountId> {
	/// The verification of a badge from the records it depends on: the badge's record, its
	/// class (id and record) and its issuer (each `None` if absent), the chain's time and the
	/// digest of a presented image, if any.
	///
	/// Pure: the runtime's `verify` is this function over its storage, and the node runs the
	/// same function natively over the same storage entries when the chain runs the node's own
	/// runtime (see the node's `badges_verify`), so both paths answer alike by construction.
	///
	/// Precedence: not found, revoked, issuer suspended, expired, design mismatch, not yet
	/// received, valid. A private badge still gets its verdict, without the holder. A badge
	/// without its class (which `try_state` rules out: classes are never deleted) counts as
	/// not found, as it names no issuer.
	pub fn of<Name, Description, Url, Profile>(
		record: Option<Badge<AccountId>>,
		class: Option<ClassEntry<'_, AccountId, Name, Description, Url>>,
		issuer: Option<&Issuer<Profile>>,
		now: Moment,
		image_digest: Option<Digest>,
	) -> Self
	where
		AccountId: Clone,
	{
		let (Some(record), Some((class_id, class))) = (record, class) else {
			return Verification {
				verdict: Verdict::NotFound,
				details: None,
				checked_at: now,
			};
		};
		let class_digest = class.image_digest;
		let issuer_active = issuer.is_some_and(|i| i.status == IssuerStatus::Active);
		let verdict = match record.status {
			BadgeStatus::Revoked {
				at,
				reason,
				reason_digest,
				..
			} => Verdict::Revoked {
				at,
				reason,
				reason_digest,
			},
			BadgeStatus::Active if !issuer_active => Verdict::IssuerSuspended,
			BadgeStatus::Active => match record.expires_at {
				Some(at) if now >= at => Verdict::Expired { at },
				_ if image_digest.is_some_and(|d| d != class_digest) => Verdict::DesignMismatch,
				_ if record.holder.is_none() => Verdict::NotYetReceived,
				_ => Verdict::Valid,
			},
		};
		let holder = match record.disclosure {
			Disclosure::Public => record.holder,
			Disclosure::Private => None,
		};
		let details = BadgeDetails {
			class: class_id,
			issuer: class.issuer.clone(),
			image_digest: class_digest,
			issued_at: record.issued_at,
			expires_at: record.expires_at,
			evidence: record.evidence,
			holder,
			disclosure: record.disclosure,
		};
		Verification {
			verdict,
			details: Some(details),
			checked_at: now,
		}
	}
}

/// One page of a listing.
#[derive(Clone, Encode, Decode, Eq, PartialEq, Debug, TypeInfo)]
pub struct Page<Id> {
	/// The ids on this page.
	pub items: alloc::vec::Vec<Id>,
	/// Pass this as `start_after` to get the next page; `None` on the last page.
	pub next: Option<Id>,
}

/// An Ed25519 public key an issuer signs credentials (or status lists) with: the `Multikey` of
/// a verification method in the issuer's DID document.
pub type CredentialKey = sp_core::ed25519::Public;

/// What an issuer key may sign.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Eq,
	PartialEq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum KeyPurpose {
	/// Badge credentials; the issuer keeps its secret.
	Credentials,
	/// Only the status lists of the issuer's credentials; its secret may live on the service
	/// that publishes them, since a credential signed by it is refused.
	StatusLists,
}

/// Whether an issuer key is in use, and if not, since when.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Eq,
	PartialEq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum KeyStatus {
	/// The key signs now.
	Current,
	/// The issuer replaced the key at `at`: what it signed before then stays valid.
	Rotated {
		/// When it was replaced (ms since the Unix epoch).
		at: Moment,
	},
	/// The key was revoked at `at` (compromised or lost): nothing it signs from then on is
	/// valid.
	Revoked {
		/// When it was revoked (ms since the Unix epoch).
		at: Moment,
		/// The issuer or the admin origin.
		by: RevokedBy,
	},
}

/// A key an issuer signs with, as the chain keeps it: never deleted, so that what it signed
/// while valid keeps verifying.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Eq,
	PartialEq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct IssuerKey {
	/// The Ed25519 public key.
	pub key: CredentialKey,
	/// What it may sign.
	pub purpose: KeyPurpose,
	/// When it was added (ms since the Unix epoch): it signs nothing dated before.
	pub valid_from: Moment,
	/// Current, rotated or revoked.
	pub status: KeyStatus,
}

/// Why an issuer key does not vouch for something it signed at a given time
/// ([`IssuerKey::vouches_for`]).
#[derive(Clone, Copy, Eq, PartialEq, Debug)]
pub enum KeyRefusal {
	/// The key may sign only another purpose (a status-list key signed a credential).
	WrongPurpose,
	/// The signature is dated before the key was added.
	NotYetValid,
	/// The signature is dated after the issuer replaced the key.
	Rotated,
	/// The signature is dated after the key was revoked.
	Revoked,
}

impl IssuerKey {
	/// A current key for `purpose`, valid from `now`.
	pub fn new(key: CredentialKey, purpose: KeyPurpose, now: Moment) -> Self {
		Self {
			key,
			purpose,
			valid_from: now,
			status: KeyStatus::Current,
		}
	}

	/// Whether the key vouches for a `purpose` signature dated `signed_at` (ms since the Unix
	/// epoch). The one rule every verifier applies, on chain and off.
	pub fn vouches_for(&self, purpose: KeyPurpose, signed_at: Moment) -> Result<(), KeyRefusal> {
		if self.purpose != purpose {
			return Err(KeyRefusal::WrongPurpose);
		}
		if signed_at < self.valid_from {
			return Err(KeyRefusal::NotYetValid);
		}
		match self.status {
			KeyStatus::Current => Ok(()),
			KeyStatus::Rotated { at } if signed_at < at => Ok(()),
			KeyStatus::Rotated { .. } => Err(KeyRefusal::Rotated),
			KeyStatus::Revoked { at, .. } if signed_at < at => Ok(()),
			KeyStatus::Revoked { .. } => Err(KeyRefusal::Revoked),
		}
	}

	/// When the key stopped signing, if it has.
	pub fn ended_at(&self) -> Option<Moment> {
		match self.status {
			KeyStatus::Current => None,
			KeyStatus::Rotated { at } | KeyStatus::Revoked { at, .. } => Some(at),
		}
	}
}

//! # Badges pallet
//!
//! An Open Badges 3.0 registry: issuers publish badge classes (OB `Achievement`s) and award
//! non-transferable badges (OB `AchievementCredential`s) that their recipients receive into a
//! wallet account, disclose or hide, and that issuers may revoke. Verifiers ask the chain for a
//! verdict ([`Pallet::verify`]).
//!
//! ## Terminology
//!
//! - **Issuer**: an organisation's account registered by the admin origin (governance). It
//!   creates classes and issues, retires and revokes, and does nothing while suspended.
//! - **Class**: what a badge attests (name, description, criteria, achievement type) plus the
//!   blake2-256 digest of the exact badge image, which pins the design: a changed image no
//!   longer verifies.
//! - **Recipient commitment**: a salted hash of the recipient's identifier (e-mail), the OB
//!   `IdentityObject` idea. No personal data is ever stored on chain.
//! - **Claim key**: a per-badge sr25519 key pair made off chain by the issuer. Its public half is
//!   stored with the badge; its secret reaches the recipient (by e-mail, through the wallet
//!   service). To receive, the recipient's account submits a signature by the claim key over the
//!   badge id **and its own account id** ([`types::receipt_payload`]): a proof seen in a pending
//!   transaction is useless to any other account.
//! - **Holder**: the account a badge was received into. Badges never move to another account:
//!   the pallet has no transfer call.
//!
//! ## Calls
//!
//! Admin origin: [`Pallet::register_issuer`], [`Pallet::suspend_issuer`],
//! [`Pallet::reinstate_issuer`], [`Pallet::force_revoke`], [`Pallet::force_revoke_issuer_key`].
//!
//! Issuers: [`Pallet::update_issuer_profile`], [`Pallet::create_class`],
//! [`Pallet::retire_class`], [`Pallet::issue`], [`Pallet::issue_batch`], [`Pallet::revoke`],
//! [`Pallet::add_issuer_key`], [`Pallet::rotate_issuer_key`], [`Pallet::revoke_issuer_key`].
//!
//! Recipients and holders: [`Pallet::receive`], [`Pallet::set_disclosure`].
//!
//! ## Bulk issuance is all or nothing
//!
//! [`Pallet::issue_batch`] awards up to [`Config::MaxBatch`] badges of one class. If any item is
//! bad (a duplicate id, an expiry in the past) the whole batch fails and nothing is written.
//! Every item shares the class and issuer checks, and the only per-item failures are ones the
//! issuer can check before submitting (badge ids are deterministic, see [`types::BadgeId`]), so
//! an atomic batch keeps the issuer's records simple: a batch either landed with all its ids or
//! must be sent again. Per-item reporting would leave partly issued ceremonies to reconcile.
//!
//! ## Disclosure and listings
//!
//! A badge is public when issued and when received. Its holder alone switches it private and
//! back. Private badges are removed from every listing index (by holder, class and issuer), so
//! listings never show them; [`Pallet::verify`] still answers for a private badge's id but
//! leaves the holder out.
//!
//! ## Revocation
//!
//! Revoking keeps the record as a tombstone with time, reason code and optional reason digest:
//! a verifier always tells "revoked" from "never issued".
//!
//! ## Issuer keys
//!
//! Credentials (the signed Open Badges documents handed to holders) are signed off chain with
//! Ed25519 keys the issuer publishes here ([`IssuerKeys`]): a verifier accepts a credential's
//! proof only from a key of the badge's issuer that was valid when the proof was made
//! ([`IssuerKey::vouches_for`]). Keys are never deleted: a rotated key keeps vouching for what
//! it signed before the rotation, a revoked (compromised) key for nothing signed from its
//! revocation on. A key of purpose [`KeyPurpose::StatusLists`] signs only status lists, so a
//! service that publishes them may hold it without being able to sign a credential.
//!
//! ## Transaction validation
//!
//! [`CheckBadgeAccess`] is a transaction extension that runs the same authorization checks as
//! the calls while a transaction is validated, so an unauthorized badge call never reaches a
//! block, and rejects signers that have no business on the chain. Nobody needs tokens.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

mod extension;
mod functions;
pub mod migrations;
pub mod runtime_api;
pub mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use extension::{AccessError, CheckBadgeAccess};
pub use types::*;
pub use weights::WeightInfo;

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::badges";

/// Largest page a listing returns.
pub const MAX_PAGE_SIZE: u32 = 1000;

/// How many badges a class listing reads per badge of the page it asks for: it skips private
/// badges, so a page may come back short (even empty) with a `next` cursor to go on from.
pub const SCAN_PER_PAGE_ITEM: u32 = 4;

/// The Open Badges registry: issuers, badge classes that pin their design, and non-transferable
/// badges that recipients receive with a per-badge claim key, disclose or hide, and that
/// issuers revoke (the record stays as a tombstone). No personal data is stored.
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::{Contains, Time},
	};
	use frame_system::pallet_prelude::*;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(7);

	/// The badge registry pallet.
	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the badge registry.
	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The origin that registers, suspends and reinstates issuers and may revoke any badge
		/// (Root on the dev chain, a council motion on a consortium chain).
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The chain's clock, in milliseconds since the Unix epoch.
		type Time: Time<Moment = Moment>;

		/// Accounts allowed to sign any transaction (governance members, the sudo key), in
		/// addition to issuers and badge recipients; see [`CheckBadgeAccess`].
		type TrustedSigners: Contains<Self::AccountId>;

		/// Longest issuer or class name, in bytes.
		#[pallet::constant]
		type MaxNameLength: Get<u32>;

		/// Longest URL, in bytes.
		#[pallet::constant]
		type MaxUrlLength: Get<u32>;

		/// Longest class description, in bytes.
		#[pallet::constant]
		type MaxDescriptionLength: Get<u32>;

		/// Most badges one [`Pallet::issue_batch`] awards.
		#[pallet::constant]
		type MaxBatch: Get<u32>;

		/// Most signing keys an issuer ever adds (keys are never deleted, so this bounds its
		/// rotations over its lifetime).
		#[pallet::constant]
		type MaxIssuerKeys: Get<u32>;

		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Registered issuers.
	///
	/// Keyed by account with `Blake2_128Concat`: account ids are chosen by users.
	#[pallet::storage]
	pub type Issuers<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, IssuerOf<T>>;

	/// Badge classes by id.
	///
	/// `Twox64Concat`: class ids are sequential counters assigned by the chain, not chosen by
	/// users, so a fast non-cryptographic hasher cannot be gamed.
	#[pallet::storage]
	pub type Classes<T: Config> = StorageMap<_, Twox64Concat, ClassId, BadgeClassOf<T>>;

	/// The id the next class gets.
	#[pallet::storage]
	pub type NextClassId<T: Config> = StorageValue<_, ClassId, ValueQuery>;

	/// The classes of each issuer (the issuer listing walks them).
	#[pallet::storage]
	pub type ClassesByIssuer<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, ClassId, ()>;

	/// Every badge ever issued, revoked ones included (tombstones are never deleted).
	///
	/// `Identity`: a badge id is its class followed by a blake2-256 digest ([`badge_id`]), so
	/// the badges of a class are one stretch of this map, which the class and issuer listings
	/// walk (skipping private badges): a badge is one storage entry. The digest spreads the
	/// badges of a class as evenly, and is as costly to steer, as a second hash would be.
	#[pallet::storage]
	pub type Badges<T: Config> = StorageMap<_, Identity, BadgeId, BadgeOf<T>>;

	/// Number of badges ever issued.
	#[pallet::storage]
	pub type BadgeCount<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// Listing index: public, received badges by holder (badge ids as in [`Badges`]).
	#[pallet::storage]
	pub type BadgesByHolder<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Identity, BadgeId, ()>;

	/// The keys each issuer signs credentials and status lists with, oldest first; never
	/// deleted (see [`IssuerKey`]). An issuer without keys has no entry.
	#[pallet::storage]
	pub type IssuerKeys<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, IssuerKeysOf<T>>;

	/// The status indices ([`Badge::status_index`]) of each issuer's revoked badges: the set
	/// bits of its revocation status lists. Written once, when a badge is revoked (revocation
	/// is final); the status list service reads an issuer's entries from finalized state.
	///
	/// `Twox64Concat` on the index: indices are assigned by the chain, in order.
	#[pallet::storage]
	pub type RevokedStatusIndices<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, u32, ()>;

	/// Issuers registered at genesis.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// `(account, name, url)` of each issuer.
		pub issuers: alloc::vec::Vec<(T::AccountId, alloc::vec::Vec<u8>, alloc::vec::Vec<u8>)>,
		/// For benchmarks and test networks only: `(issuer, count)` gives the issuer (one of
		/// `issuers`) a class named `Generated` holding `count` badges, issued through the
		/// normal issuance path, for the recipients [`generated_recipient`]`(0..count)`. It
		/// lets a chain start with a million badges in seconds instead of hours of blocks.
		pub generated_badges: Option<(T::AccountId, u32)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (account, name, url) in &self.issuers {
				let profile = IssuerProfile {
					name: name
						.clone()
						.try_into()
						.expect("genesis issuer name too long"),
					url: url.clone().try_into().expect("genesis issuer url too long"),
					contact: None,
				};
				Pallet::<T>::do_register_issuer(account.clone(), profile)
					.expect("genesis issuers must be valid and distinct");
			}
			if let Some((issuer, count)) = &self.generated_badges {
				Pallet::<T>::do_generate_badges(issuer.clone(), *count)
					.expect("generated badges need a genesis issuer");
			}
		}
	}

	/// Events: enough to rebuild the registry from events alone.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An issuer was registered.
		IssuerRegistered {
			/// The issuer's account.
			issuer: T::AccountId,
			/// Its profile.
			profile: IssuerProfileOf<T>,
		},
		/// An issuer changed its profile.
		IssuerProfileUpdated {
			/// The issuer's account.
			issuer: T::AccountId,
			/// The new profile.
			profile: IssuerProfileOf<T>,
		},
		/// An issuer was suspended.
		IssuerSuspended {
			/// The issuer's account.
			issuer: T::AccountId,
		},
		/// A suspended issuer was reinstated.
		IssuerReinstated {
			/// The issuer's account.
			issuer: T::AccountId,
		},
		/// A badge class was created.
		BadgeClassCreated {
			/// The new class id.
			class: ClassId,
			/// The issuer that created it.
			issuer: T::AccountId,
			/// The class as stored.
			details: BadgeClassOf<T>,
		},
		/// A badge class was retired: no new badges.
		BadgeClassRetired {
			/// The class.
			class: ClassId,
			/// Its issuer.
			issuer: T::AccountId,
		},
		/// A badge was issued. What else it was issued with (recipient commitment, claim key,
		/// expiry, evidence digest) is in the call that issued it, in the same block.
		BadgeIssued {
			/// The badge id.
			badge: BadgeId,
			/// Its class.
			class: ClassId,
			/// Its issuer.
			issuer: T::AccountId,
		},
		/// A recipient received a badge into its wallet account.
		BadgeReceived {
			/// The badge.
			badge: BadgeId,
			/// The account it is now bound to.
			holder: T::AccountId,
		},
		/// A holder made a badge public or private.
		DisclosureChanged {
			/// The badge.
			badge: BadgeId,
			/// Its holder.
			holder: T::AccountId,
			/// The new state.
			disclosure: Disclosure,
		},
		/// A badge was revoked.
		BadgeRevoked {
			/// The badge.
			badge: BadgeId,
			/// Its issuer.
			issuer: T::AccountId,
			/// Reason code.
			reason: RevocationReason,
			/// Digest of a longer reason, if any.
			reason_digest: Option<Digest>,
			/// The issuer or the admin origin.
			by: RevokedBy,
		},
		/// An issuer added a signing key.
		IssuerKeyAdded {
			/// The issuer's account.
			issuer: T::AccountId,
			/// The new key.
			key: CredentialKey,
			/// What it may sign.
			purpose: KeyPurpose,
		},
		/// An issuer replaced a signing key with a new one of the same purpose.
		IssuerKeyRotated {
			/// The issuer's account.
			issuer: T::AccountId,
			/// The key replaced: it keeps vouching for what it signed before now.
			old: CredentialKey,
			/// The key that replaces it.
			new: CredentialKey,
		},
		/// An issuer's signing key was revoked: it vouches for nothing signed from now on.
		IssuerKeyRevoked {
			/// The issuer's account.
			issuer: T::AccountId,
			/// The revoked key.
			key: CredentialKey,
			/// The issuer or the admin origin.
			by: RevokedBy,
		},
	}

	/// Errors. The same names reach clients when a transaction is refused by the pool
	/// ([`CheckBadgeAccess`] reports them as `InvalidTransaction::Custom(error index)`).
	#[pallet::error]
	pub enum Error<T> {
		/// The account is already a registered issuer.
		IssuerAlreadyExists,
		/// The account is not a registered issuer. Ask governance to register it.
		NotIssuer,
		/// The issuer is suspended and can do nothing until reinstated.
		IssuerSuspended,
		/// The issuer is not suspended, so it cannot be reinstated.
		IssuerNotSuspended,
		/// A name is empty.
		EmptyName,
		/// No class has this id.
		ClassNotFound,
		/// The class belongs to another issuer.
		NotClassIssuer,
		/// The class is retired: it takes no new badges.
		ClassRetired,
		/// The class counter is exhausted.
		TooManyClasses,
		/// No badge has this id.
		BadgeNotFound,
		/// A badge with this id (same class and recipient commitment) already exists.
		BadgeAlreadyExists,
		/// The badge belongs to another issuer.
		NotBadgeIssuer,
		/// The badge was already revoked.
		AlreadyRevoked,
		/// The badge was revoked: it cannot be received.
		BadgeRevoked,
		/// The badge expired: it cannot be received.
		BadgeExpired,
		/// The badge was already received; a badge is received once and never moves.
		AlreadyReceived,
		/// The receipt proof is not the claim key's signature over this badge and the sending
		/// account.
		InvalidReceiptProof,
		/// Only the badge's holder may do this.
		NotHolder,
		/// The badge already has this disclosure.
		DisclosureUnchanged,
		/// The expiry lies in the past.
		ExpiryInPast,
		/// A batch must hold at least one badge.
		EmptyBatch,
		/// A counter would overflow.
		CounterOverflow,
		/// The claim key presented is not the badge's (its digest differs).
		ClaimKeyMismatch,
		/// The issuer has this signing key already (keys are never deleted, so a key is added
		/// once).
		IssuerKeyExists,
		/// The issuer has as many signing keys as it may ever have ([`Config::MaxIssuerKeys`]).
		TooManyIssuerKeys,
		/// The issuer has no such signing key.
		IssuerKeyNotFound,
		/// The signing key was already rotated or revoked.
		IssuerKeyNotCurrent,
		/// The signing key was already revoked.
		IssuerKeyAlreadyRevoked,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(
				T::MaxBatch::get() >= 1,
				"MaxBatch must allow at least one badge"
			);
			assert!(
				T::MaxNameLength::get() >= 1,
				"MaxNameLength must be positive"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call(weight(<T as Config>::WeightInfo))]
	impl<T: Config> Pallet<T> {
		/// Register `issuer` with a public `profile`.
		///
		/// The dispatch origin must be the admin origin.
		///
		/// Emits [`Event::IssuerRegistered`].
		///
		/// # Errors
		/// - [`Error::IssuerAlreadyExists`] if the account is already an issuer.
		/// - [`Error::EmptyName`] if the profile's name is empty.
		#[pallet::call_index(0)]
		pub fn register_issuer(
			origin: OriginFor<T>,
			issuer: T::AccountId,
			profile: IssuerProfileOf<T>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_register_issuer(issuer, profile)
		}

		/// Replace the signing issuer's public profile.
		///
		/// The dispatch origin must be an active issuer.
		///
		/// Emits [`Event::IssuerProfileUpdated`].
		///
		/// # Errors
		/// - [`Error::NotIssuer`], [`Error::IssuerSuspended`].
		/// - [`Error::EmptyName`] if the profile's name is empty.
		#[pallet::call_index(1)]
		pub fn update_issuer_profile(
			origin: OriginFor<T>,
			profile: IssuerProfileOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_update_issuer_profile(who, profile)
		}

		/// Suspend `issuer`: it can do nothing, and its badges verify as suspended.
		///
		/// The dispatch origin must be the admin origin.
		///
		/// Emits [`Event::IssuerSuspended`].
		///
		/// # Errors
		/// - [`Error::NotIssuer`] if the account is not an issuer.
		/// - [`Error::IssuerSuspended`] if it is suspended already.
		#[pallet::call_index(2)]
		pub fn suspend_issuer(origin: OriginFor<T>, issuer: T::AccountId) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_set_issuer_status(issuer, IssuerStatus::Suspended)
		}

		/// Reinstate a suspended `issuer`.
		///
		/// The dispatch origin must be the admin origin.
		///
		/// Emits [`Event::IssuerReinstated`].
		///
		/// # Errors
		/// - [`Error::NotIssuer`] if the account is not an issuer.
		/// - [`Error::IssuerNotSuspended`] if it is active.
		#[pallet::call_index(3)]
		pub fn reinstate_issuer(origin: OriginFor<T>, issuer: T::AccountId) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_set_issuer_status(issuer, IssuerStatus::Active)
		}

		/// Create a badge class owned by the signing issuer.
		///
		/// `image_digest` is the blake2-256 digest of the exact badge image bytes; it pins the
		/// design for every badge of the class.
		///
		/// The dispatch origin must be an active issuer.
		///
		/// Emits [`Event::BadgeClassCreated`].
		///
		/// # Errors
		/// - [`Error::NotIssuer`], [`Error::IssuerSuspended`].
		/// - [`Error::EmptyName`] if `name` is empty.
		/// - [`Error::TooManyClasses`] if the class counter is exhausted.
		#[pallet::call_index(4)]
		pub fn create_class(
			origin: OriginFor<T>,
			name: NameOf<T>,
			description: DescriptionOf<T>,
			criteria: Criteria<UrlOf<T>>,
			achievement_type: AchievementType,
			image_digest: Digest,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_create_class(
				who,
				name,
				description,
				criteria,
				achievement_type,
				image_digest,
			)
		}

		/// Retire a class: it takes no new badges; its badges stay verifiable.
		///
		/// The dispatch origin must be the class's issuer, active.
		///
		/// Emits [`Event::BadgeClassRetired`].
		///
		/// # Errors
		/// - [`Error::NotIssuer`], [`Error::IssuerSuspended`], [`Error::ClassNotFound`],
		///   [`Error::NotClassIssuer`].
		/// - [`Error::ClassRetired`] if it is retired already.
		#[pallet::call_index(5)]
		pub fn retire_class(origin: OriginFor<T>, class: ClassId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_retire_class(who, class)
		}

		/// Issue one badge of `class` to the recipient committed to in `spec`.
		///
		/// The dispatch origin must be the class's issuer, active.
		///
		/// Emits [`Event::BadgeIssued`].
		///
		/// # Errors
		/// - [`Error::NotIssuer`], [`Error::IssuerSuspended`], [`Error::ClassNotFound`],
		///   [`Error::NotClassIssuer`], [`Error::ClassRetired`].
		/// - [`Error::BadgeAlreadyExists`] if this class already has a badge for this recipient
		///   commitment.
		/// - [`Error::ExpiryInPast`] if the expiry is not in the future.
		#[pallet::call_index(6)]
		#[pallet::weight(<T as Config>::WeightInfo::issue())]
		pub fn issue(origin: OriginFor<T>, class: ClassId, spec: BadgeSpec) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_issue(who, class, core::iter::once(spec))
		}

		/// Issue up to [`Config::MaxBatch`] badges of `class` at once, all or nothing.
		///
		/// The dispatch origin must be the class's issuer, active.
		///
		/// Emits one [`Event::BadgeIssued`] per badge.
		///
		/// ## Complexity
		/// - `O(n)` in the number of badges.
		///
		/// # Errors
		/// - As [`Pallet::issue`] for any item; the whole batch then fails.
		/// - [`Error::EmptyBatch`] if `specs` is empty.
		#[pallet::call_index(7)]
		#[pallet::weight(<T as Config>::WeightInfo::issue_batch(specs.len() as u32))]
		pub fn issue_batch(
			origin: OriginFor<T>,
			class: ClassId,
			specs: BoundedVec<BadgeSpec, T::MaxBatch>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!specs.is_empty(), Error::<T>::EmptyBatch);
			Self::do_issue(who, class, specs.into_iter())
		}

		/// Receive `badge` into the signing account, proving possession of its claim key.
		///
		/// `claim_key` is the badge's claim key (its record keeps only its digest) and `proof`
		/// the key's sr25519 signature over [`receipt_payload`]`(genesis hash, badge, signer)`.
		/// The badge becomes public.
		///
		/// The dispatch origin must be signed (any account: the recipient's wallet).
		///
		/// Emits [`Event::BadgeReceived`].
		///
		/// # Errors
		/// - [`Error::BadgeNotFound`], [`Error::AlreadyReceived`], [`Error::BadgeRevoked`],
		///   [`Error::BadgeExpired`], [`Error::IssuerSuspended`].
		/// - [`Error::ClaimKeyMismatch`] if `claim_key` is not the badge's.
		/// - [`Error::InvalidReceiptProof`] if the proof does not cover this badge and account.
		#[pallet::call_index(8)]
		pub fn receive(
			origin: OriginFor<T>,
			badge: BadgeId,
			claim_key: ClaimKey,
			proof: ClaimSignature,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_receive(who, badge, claim_key, proof)
		}

		/// Make a received badge public or private.
		///
		/// The dispatch origin must be the badge's holder.
		///
		/// Emits [`Event::DisclosureChanged`].
		///
		/// # Errors
		/// - [`Error::BadgeNotFound`], [`Error::NotHolder`].
		/// - [`Error::DisclosureUnchanged`] if the badge already has this disclosure.
		#[pallet::call_index(9)]
		pub fn set_disclosure(
			origin: OriginFor<T>,
			badge: BadgeId,
			disclosure: Disclosure,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_disclosure(who, badge, disclosure)
		}

		/// Revoke a badge the signing issuer issued. The record stays as a tombstone.
		///
		/// The dispatch origin must be the badge's issuer, active.
		///
		/// Emits [`Event::BadgeRevoked`].
		///
		/// # Errors
		/// - [`Error::NotIssuer`], [`Error::IssuerSuspended`], [`Error::BadgeNotFound`].
		/// - [`Error::NotBadgeIssuer`] if another issuer issued it.
		/// - [`Error::AlreadyRevoked`].
		#[pallet::call_index(10)]
		pub fn revoke(
			origin: OriginFor<T>,
			badge: BadgeId,
			reason: RevocationReason,
			reason_digest: Option<Digest>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::ensure_badge_issuer(&who, &badge)?;
			Self::do_revoke(badge, reason, reason_digest, RevokedBy::Issuer)
		}

		/// Revoke any badge.
		///
		/// The dispatch origin must be the admin origin.
		///
		/// Emits [`Event::BadgeRevoked`].
		///
		/// # Errors
		/// - [`Error::BadgeNotFound`], [`Error::AlreadyRevoked`].
		#[pallet::call_index(11)]
		pub fn force_revoke(
			origin: OriginFor<T>,
			badge: BadgeId,
			reason: RevocationReason,
			reason_digest: Option<Digest>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_revoke(badge, reason, reason_digest, RevokedBy::Admin)
		}

		/// Add `key` to the signing issuer's keys, for `purpose`, valid from now.
		///
		/// The dispatch origin must be an active issuer.
		///
		/// Emits [`Event::IssuerKeyAdded`].
		///
		/// # Errors
		/// - [`Error::NotIssuer`], [`Error::IssuerSuspended`].
		/// - [`Error::IssuerKeyExists`] if the issuer has this key already.
		/// - [`Error::TooManyIssuerKeys`] if it has [`Config::MaxIssuerKeys`] keys.
		#[pallet::call_index(12)]
		pub fn add_issuer_key(
			origin: OriginFor<T>,
			key: CredentialKey,
			purpose: KeyPurpose,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_add_issuer_key(who, key, purpose)
		}

		/// Replace the signing issuer's current key `old` with `new`, of the same purpose: `old`
		/// keeps vouching for what it signed before now, `new` for what it signs from now on.
		///
		/// The dispatch origin must be an active issuer.
		///
		/// Emits [`Event::IssuerKeyRotated`].
		///
		/// # Errors
		/// - [`Error::NotIssuer`], [`Error::IssuerSuspended`].
		/// - [`Error::IssuerKeyNotFound`] if `old` is not one of its keys.
		/// - [`Error::IssuerKeyNotCurrent`] if `old` was rotated or revoked already.
		/// - [`Error::IssuerKeyExists`] if `new` is one of its keys already.
		/// - [`Error::TooManyIssuerKeys`] if it has [`Config::MaxIssuerKeys`] keys.
		#[pallet::call_index(13)]
		pub fn rotate_issuer_key(
			origin: OriginFor<T>,
			old: CredentialKey,
			new: CredentialKey,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_rotate_issuer_key(who, old, new)
		}

		/// Revoke one of the signing issuer's keys (lost or compromised): it vouches for nothing
		/// signed from now on. A suspended issuer may revoke its keys too.
		///
		/// The dispatch origin must be an issuer.
		///
		/// Emits [`Event::IssuerKeyRevoked`].
		///
		/// # Errors
		/// - [`Error::NotIssuer`].
		/// - [`Error::IssuerKeyNotFound`] if `key` is not one of its keys.
		/// - [`Error::IssuerKeyAlreadyRevoked`].
		#[pallet::call_index(14)]
		pub fn revoke_issuer_key(origin: OriginFor<T>, key: CredentialKey) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_revoke_issuer_key(who, key, RevokedBy::Issuer)
		}

		/// Revoke a key of `issuer` (compromised): it vouches for nothing signed from now on.
		///
		/// The dispatch origin must be the admin origin.
		///
		/// Emits [`Event::IssuerKeyRevoked`].
		///
		/// # Errors
		/// - [`Error::NotIssuer`] if the account is not an issuer.
		/// - [`Error::IssuerKeyNotFound`] if `key` is not one of its keys.
		/// - [`Error::IssuerKeyAlreadyRevoked`].
		#[pallet::call_index(15)]
		pub fn force_revoke_issuer_key(
			origin: OriginFor<T>,
			issuer: T::AccountId,
			key: CredentialKey,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_revoke_issuer_key(issuer, key, RevokedBy::Admin)
		}
	}
}

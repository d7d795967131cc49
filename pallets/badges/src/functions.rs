//! The pallet's logic: `do_*` helpers behind the calls, the authorization checks that calls and
//! [`crate::CheckBadgeAccess`] share, the read-only queries behind the runtime API, and the
//! storage invariants.

use crate::{pallet::*, types::*, MAX_PAGE_SIZE, SCAN_PER_PAGE_ITEM};
use alloc::{boxed::Box, vec::Vec};
use frame_support::{
	ensure,
	pallet_prelude::*,
	storage::{with_transaction, TransactionOutcome},
	traits::{Contains, Time},
	StoragePrefixedMap,
};
use sp_runtime::traits::Zero;

impl<T: Config> Pallet<T> {
	fn now() -> Moment {
		T::Time::now()
	}

	fn genesis_hash() -> T::Hash {
		frame_system::Pallet::<T>::block_hash(
			frame_system::pallet_prelude::BlockNumberFor::<T>::zero(),
		)
	}

	// ---- authorization checks (shared by calls and transaction validation) ----

	/// The issuer record of `who`, if `who` is an active issuer.
	pub fn ensure_active_issuer(who: &T::AccountId) -> Result<IssuerOf<T>, Error<T>> {
		let issuer = Issuers::<T>::get(who).ok_or(Error::<T>::NotIssuer)?;
		ensure!(
			issuer.status == IssuerStatus::Active,
			Error::<T>::IssuerSuspended
		);
		Ok(issuer)
	}

	/// The class `class`, if `who` is its active issuer.
	pub fn ensure_class_issuer(
		who: &T::AccountId,
		class: ClassId,
	) -> Result<BadgeClassOf<T>, Error<T>> {
		Self::ensure_active_issuer(who)?;
		let details = Classes::<T>::get(class).ok_or(Error::<T>::ClassNotFound)?;
		ensure!(details.issuer == *who, Error::<T>::NotClassIssuer);
		Ok(details)
	}

	/// The class `class`, if `who` is its active issuer and it takes new badges.
	pub fn ensure_can_issue(
		who: &T::AccountId,
		class: ClassId,
	) -> Result<BadgeClassOf<T>, Error<T>> {
		let details = Self::ensure_class_issuer(who, class)?;
		ensure!(
			details.status == ClassStatus::Active,
			Error::<T>::ClassRetired
		);
		Ok(details)
	}

	/// The badge `badge`, if `who` is its active issuer and it is not revoked yet.
	pub fn ensure_badge_issuer(
		who: &T::AccountId,
		badge: &BadgeId,
	) -> Result<BadgeOf<T>, Error<T>> {
		Self::ensure_active_issuer(who)?;
		let record = Badges::<T>::get(badge).ok_or(Error::<T>::BadgeNotFound)?;
		ensure!(
			ClassesByIssuer::<T>::contains_key(who, Self::class_of(badge)),
			Error::<T>::NotBadgeIssuer
		);
		ensure!(
			record.status == BadgeStatus::Active,
			Error::<T>::AlreadyRevoked
		);
		Ok(record)
	}

	/// The badge `badge`, if `who` may receive it with `claim_key` and `proof`.
	pub fn ensure_can_receive(
		who: &T::AccountId,
		badge: &BadgeId,
		claim_key: &ClaimKey,
		proof: &ClaimSignature,
	) -> Result<BadgeOf<T>, Error<T>> {
		let record = Badges::<T>::get(badge).ok_or(Error::<T>::BadgeNotFound)?;
		ensure!(record.holder.is_none(), Error::<T>::AlreadyReceived);
		ensure!(
			record.status == BadgeStatus::Active,
			Error::<T>::BadgeRevoked
		);
		if let Some(expiry) = record.expires_at {
			ensure!(Self::now() < expiry, Error::<T>::BadgeExpired);
		}
		let class = Classes::<T>::get(Self::class_of(badge)).ok_or(Error::<T>::ClassNotFound)?;
		let issuer = Issuers::<T>::get(&class.issuer).ok_or(Error::<T>::NotIssuer)?;
		ensure!(
			issuer.status == IssuerStatus::Active,
			Error::<T>::IssuerSuspended
		);
		ensure!(
			claim_digest(claim_key) == record.claim,
			Error::<T>::ClaimKeyMismatch
		);
		let payload = receipt_payload(Self::genesis_hash().as_ref(), badge, who);
		ensure!(
			sp_io::crypto::sr25519_verify(proof, &payload, claim_key),
			Error::<T>::InvalidReceiptProof
		);
		Ok(record)
	}

	/// The badge `badge`, if `who` holds it and `disclosure` changes it.
	pub fn ensure_can_disclose(
		who: &T::AccountId,
		badge: &BadgeId,
		disclosure: Disclosure,
	) -> Result<BadgeOf<T>, Error<T>> {
		let record = Badges::<T>::get(badge).ok_or(Error::<T>::BadgeNotFound)?;
		ensure!(record.holder.as_ref() == Some(who), Error::<T>::NotHolder);
		ensure!(
			record.disclosure != disclosure,
			Error::<T>::DisclosureUnchanged
		);
		Ok(record)
	}

	/// Whether `who` may sign `call` at all, with the same checks the call makes.
	///
	/// Used by [`crate::CheckBadgeAccess`] while validating transactions. For a batch only the
	/// class and issuer are checked here (each item is checked when the batch is applied).
	pub fn authorize_signed(who: &T::AccountId, call: &Call<T>) -> Result<(), Error<T>> {
		match call {
			Call::update_issuer_profile { .. } => Self::ensure_active_issuer(who).map(drop),
			Call::create_class { .. } => Self::ensure_active_issuer(who).map(drop),
			Call::retire_class { class } => Self::ensure_class_issuer(who, *class).and_then(|c| {
				ensure!(c.status == ClassStatus::Active, Error::<T>::ClassRetired);
				Ok(())
			}),
			Call::issue { class, spec } => {
				Self::ensure_can_issue(who, *class)?;
				Self::check_spec(*class, spec, Self::now()).map(drop)
			}
			Call::issue_batch { class, .. } => Self::ensure_can_issue(who, *class).map(drop),
			Call::receive {
				badge,
				claim_key,
				proof,
			} => Self::ensure_can_receive(who, badge, claim_key, proof).map(drop),
			Call::set_disclosure { badge, disclosure } => {
				Self::ensure_can_disclose(who, badge, *disclosure).map(drop)
			}
			Call::revoke { badge, .. } => Self::ensure_badge_issuer(who, badge).map(drop),
			Call::add_issuer_key { key, .. } => {
				Self::ensure_active_issuer(who)?;
				Self::ensure_key_addable(&IssuerKeys::<T>::get(who).unwrap_or_default(), key)
			}
			Call::rotate_issuer_key { old, new } => {
				Self::ensure_active_issuer(who)?;
				let keys = IssuerKeys::<T>::get(who).unwrap_or_default();
				Self::ensure_current_key(&keys, old)?;
				Self::ensure_key_addable(&keys, new)
			}
			Call::revoke_issuer_key { key } => {
				ensure!(Issuers::<T>::contains_key(who), Error::<T>::NotIssuer);
				let keys = IssuerKeys::<T>::get(who).unwrap_or_default();
				Self::ensure_revocable_key(&keys, key).map(drop)
			}
			// Admin calls: only trusted signers (who dispatch them through governance or sudo).
			_ => {
				if T::TrustedSigners::contains(who) {
					Ok(())
				} else {
					Err(Error::<T>::NotIssuer)
				}
			}
		}
	}

	/// Whether `key` may join `keys`: it is new to them, and they have room.
	fn ensure_key_addable(keys: &IssuerKeysOf<T>, key: &CredentialKey) -> Result<(), Error<T>> {
		ensure!(
			!keys.iter().any(|k| k.key == *key),
			Error::<T>::IssuerKeyExists
		);
		ensure!(
			keys.len() < T::MaxIssuerKeys::get() as usize,
			Error::<T>::TooManyIssuerKeys
		);
		Ok(())
	}

	/// The position of `key` in `keys`, if it is current.
	fn ensure_current_key(keys: &IssuerKeysOf<T>, key: &CredentialKey) -> Result<usize, Error<T>> {
		let index = keys
			.iter()
			.position(|k| k.key == *key)
			.ok_or(Error::<T>::IssuerKeyNotFound)?;
		ensure!(
			keys[index].status == KeyStatus::Current,
			Error::<T>::IssuerKeyNotCurrent
		);
		Ok(index)
	}

	/// The position of `key` in `keys`, if it is not revoked yet.
	fn ensure_revocable_key(
		keys: &IssuerKeysOf<T>,
		key: &CredentialKey,
	) -> Result<usize, Error<T>> {
		let index = keys
			.iter()
			.position(|k| k.key == *key)
			.ok_or(Error::<T>::IssuerKeyNotFound)?;
		ensure!(
			!matches!(keys[index].status, KeyStatus::Revoked { .. }),
			Error::<T>::IssuerKeyAlreadyRevoked
		);
		Ok(index)
	}

	/// Whether `who` is an active issuer.
	pub fn is_active_issuer(who: &T::AccountId) -> bool {
		Self::ensure_active_issuer(who).is_ok()
	}

	// ---- state changes ----

	fn ensure_name(name: &[u8]) -> Result<(), Error<T>> {
		ensure!(!name.is_empty(), Error::<T>::EmptyName);
		Ok(())
	}

	/// Register an issuer (no origin check).
	pub fn do_register_issuer(issuer: T::AccountId, profile: IssuerProfileOf<T>) -> DispatchResult {
		ensure!(
			!Issuers::<T>::contains_key(&issuer),
			Error::<T>::IssuerAlreadyExists
		);
		Self::ensure_name(&profile.name)?;
		Issuers::<T>::insert(
			&issuer,
			Issuer {
				profile: profile.clone(),
				status: IssuerStatus::Active,
				registered_at: Self::now(),
				classes: 0,
				issued: 0,
			},
		);
		Self::deposit_event(Event::IssuerRegistered { issuer, profile });
		Ok(())
	}

	/// Replace an active issuer's profile.
	pub fn do_update_issuer_profile(
		issuer: T::AccountId,
		profile: IssuerProfileOf<T>,
	) -> DispatchResult {
		let mut record = Self::ensure_active_issuer(&issuer)?;
		Self::ensure_name(&profile.name)?;
		record.profile = profile.clone();
		Issuers::<T>::insert(&issuer, record);
		Self::deposit_event(Event::IssuerProfileUpdated { issuer, profile });
		Ok(())
	}

	/// Suspend or reinstate an issuer.
	pub fn do_set_issuer_status(issuer: T::AccountId, status: IssuerStatus) -> DispatchResult {
		Issuers::<T>::try_mutate(&issuer, |record| -> DispatchResult {
			let record = record.as_mut().ok_or(Error::<T>::NotIssuer)?;
			match (record.status, status) {
				(IssuerStatus::Suspended, IssuerStatus::Suspended) => {
					return Err(Error::<T>::IssuerSuspended.into())
				}
				(IssuerStatus::Active, IssuerStatus::Active) => {
					return Err(Error::<T>::IssuerNotSuspended.into())
				}
				_ => record.status = status,
			}
			Ok(())
		})?;
		Self::deposit_event(match status {
			IssuerStatus::Suspended => Event::IssuerSuspended { issuer },
			IssuerStatus::Active => Event::IssuerReinstated { issuer },
		});
		Ok(())
	}

	/// Add a signing key of an active issuer, valid from now.
	pub fn do_add_issuer_key(
		issuer: T::AccountId,
		key: CredentialKey,
		purpose: KeyPurpose,
	) -> DispatchResult {
		Self::ensure_active_issuer(&issuer)?;
		let mut keys = IssuerKeys::<T>::get(&issuer).unwrap_or_default();
		Self::ensure_key_addable(&keys, &key)?;
		keys.try_push(IssuerKey::new(key, purpose, Self::now()))
			.map_err(|_| Error::<T>::TooManyIssuerKeys)?;
		IssuerKeys::<T>::insert(&issuer, keys);
		Self::deposit_event(Event::IssuerKeyAdded {
			issuer,
			key,
			purpose,
		});
		Ok(())
	}

	/// Replace an active issuer's current key `old` with `new`, at the same instant: no
	/// signature time falls between the two keys.
	pub fn do_rotate_issuer_key(
		issuer: T::AccountId,
		old: CredentialKey,
		new: CredentialKey,
	) -> DispatchResult {
		Self::ensure_active_issuer(&issuer)?;
		let mut keys = IssuerKeys::<T>::get(&issuer).unwrap_or_default();
		let index = Self::ensure_current_key(&keys, &old)?;
		Self::ensure_key_addable(&keys, &new)?;
		let now = Self::now();
		keys[index].status = KeyStatus::Rotated { at: now };
		let purpose = keys[index].purpose;
		keys.try_push(IssuerKey::new(new, purpose, now))
			.map_err(|_| Error::<T>::TooManyIssuerKeys)?;
		IssuerKeys::<T>::insert(&issuer, keys);
		Self::deposit_event(Event::IssuerKeyRotated { issuer, old, new });
		Ok(())
	}

	/// Revoke an issuer's key. A key rotated earlier is revoked from its rotation on, so that
	/// revoking never makes valid a signature that was not.
	pub fn do_revoke_issuer_key(
		issuer: T::AccountId,
		key: CredentialKey,
		by: RevokedBy,
	) -> DispatchResult {
		ensure!(Issuers::<T>::contains_key(&issuer), Error::<T>::NotIssuer);
		let mut keys = IssuerKeys::<T>::get(&issuer).unwrap_or_default();
		let index = Self::ensure_revocable_key(&keys, &key)?;
		let at = keys[index].ended_at().unwrap_or_else(Self::now);
		keys[index].status = KeyStatus::Revoked { at, by };
		IssuerKeys::<T>::insert(&issuer, keys);
		Self::deposit_event(Event::IssuerKeyRevoked { issuer, key, by });
		Ok(())
	}

	/// Create a class for an active issuer.
	pub fn do_create_class(
		issuer: T::AccountId,
		name: NameOf<T>,
		description: DescriptionOf<T>,
		criteria: Criteria<UrlOf<T>>,
		achievement_type: AchievementType,
		image_digest: Digest,
	) -> DispatchResult {
		let mut record = Self::ensure_active_issuer(&issuer)?;
		Self::ensure_name(&name)?;
		let class = NextClassId::<T>::get();
		let next = class.checked_add(1).ok_or(Error::<T>::TooManyClasses)?;
		record.classes = record
			.classes
			.checked_add(1)
			.ok_or(Error::<T>::CounterOverflow)?;
		let details = BadgeClass {
			issuer: issuer.clone(),
			name,
			description,
			criteria,
			achievement_type,
			image_digest,
			status: ClassStatus::Active,
			created_at: Self::now(),
			issued: 0,
		};
		NextClassId::<T>::put(next);
		Classes::<T>::insert(class, &details);
		ClassesByIssuer::<T>::insert(&issuer, class, ());
		Issuers::<T>::insert(&issuer, record);
		Self::deposit_event(Event::BadgeClassCreated {
			class,
			issuer,
			details,
		});
		Ok(())
	}

	/// Retire a class of an active issuer.
	pub fn do_retire_class(issuer: T::AccountId, class: ClassId) -> DispatchResult {
		let mut details = Self::ensure_class_issuer(&issuer, class)?;
		ensure!(
			details.status == ClassStatus::Active,
			Error::<T>::ClassRetired
		);
		details.status = ClassStatus::Retired { at: Self::now() };
		Classes::<T>::insert(class, details);
		Self::deposit_event(Event::BadgeClassRetired { class, issuer });
		Ok(())
	}

	/// Check one badge of an issuance: its id, unless `class` holds it already.
	fn check_spec(class: ClassId, spec: &BadgeSpec, now: Moment) -> Result<BadgeId, Error<T>> {
		if let Some(expiry) = spec.expires_at {
			ensure!(expiry > now, Error::<T>::ExpiryInPast);
		}
		let badge = badge_id(class, &spec.recipient);
		ensure!(
			!Badges::<T>::contains_key(badge),
			Error::<T>::BadgeAlreadyExists
		);
		Ok(badge)
	}

	/// The class of `badge`: the one its id starts with ([`class_in_id`]).
	pub fn class_of(badge: &BadgeId) -> ClassId {
		class_in_id(badge)
	}

	/// Issue badges of `class` by `issuer`, all or nothing.
	pub fn do_issue(
		issuer: T::AccountId,
		class: ClassId,
		specs: impl Iterator<Item = BadgeSpec>,
	) -> DispatchResult {
		with_transaction(|| {
			let outcome = Self::do_issue_inner(issuer, class, specs);
			if outcome.is_ok() {
				TransactionOutcome::Commit(outcome)
			} else {
				TransactionOutcome::Rollback(outcome)
			}
		})
	}

	fn do_issue_inner(
		issuer: T::AccountId,
		class: ClassId,
		specs: impl Iterator<Item = BadgeSpec>,
	) -> DispatchResult {
		let mut details = Self::ensure_can_issue(&issuer, class)?;
		let mut issuer_record = Self::ensure_active_issuer(&issuer)?;
		let now = Self::now();
		let mut count: u32 = 0;
		for spec in specs {
			let badge = Self::check_spec(class, &spec, now)?;
			let record = Badge {
				claim: claim_digest(&spec.claim_key),
				holder: None,
				issued_at: now,
				expires_at: spec.expires_at,
				evidence: spec.evidence,
				status: BadgeStatus::Active,
				disclosure: Disclosure::Public,
				status_index: issuer_record
					.issued
					.checked_add(count)
					.ok_or(Error::<T>::CounterOverflow)?,
			};
			Badges::<T>::insert(badge, record);
			count = count.checked_add(1).ok_or(Error::<T>::CounterOverflow)?;
			Self::deposit_event(Event::BadgeIssued {
				badge,
				class,
				issuer: issuer.clone(),
			});
		}
		details.issued = details
			.issued
			.checked_add(count)
			.ok_or(Error::<T>::CounterOverflow)?;
		issuer_record.issued = issuer_record
			.issued
			.checked_add(count)
			.ok_or(Error::<T>::CounterOverflow)?;
		BadgeCount::<T>::mutate(|n| *n = n.saturating_add(count.into()));
		Classes::<T>::insert(class, details);
		Issuers::<T>::insert(&issuer, issuer_record);
		Ok(())
	}

	/// Genesis only (see the genesis config's `generated_badges`): a class `Generated` of
	/// `issuer` and `count` badges in it for [`generated_recipient`]`(0..count)`, each with its
	/// recipient's bytes as claim key (nobody holds the secret: they are never received).
	pub fn do_generate_badges(issuer: T::AccountId, count: u32) -> DispatchResult {
		let class = NextClassId::<T>::get();
		let name = BoundedVec::truncate_from(b"Generated".to_vec());
		let image = sp_io::hashing::blake2_256(GENERATED_DOMAIN);
		Self::do_create_class(
			issuer.clone(),
			name,
			Default::default(),
			Criteria::NarrativeDigest(image),
			AchievementType::Badge,
			image,
		)?;
		Self::do_issue(
			issuer,
			class,
			(0..count).map(|n| {
				let recipient = generated_recipient(n);
				BadgeSpec {
					recipient,
					claim_key: ClaimKey::from_raw(recipient.0),
					expires_at: None,
					evidence: None,
				}
			}),
		)
		.map(drop)
	}

	/// Bind a badge to the account that proves possession of its claim key.
	pub fn do_receive(
		who: T::AccountId,
		badge: BadgeId,
		claim_key: ClaimKey,
		proof: ClaimSignature,
	) -> DispatchResult {
		let mut record = Self::ensure_can_receive(&who, &badge, &claim_key, &proof)?;
		record.holder = Some(who.clone());
		record.disclosure = Disclosure::Public;
		Self::reindex(&badge, None, &record);
		Badges::<T>::insert(badge, record);
		Self::deposit_event(Event::BadgeReceived { badge, holder: who });
		Ok(())
	}

	/// Change a received badge's disclosure.
	pub fn do_set_disclosure(
		who: T::AccountId,
		badge: BadgeId,
		disclosure: Disclosure,
	) -> DispatchResult {
		let mut record = Self::ensure_can_disclose(&who, &badge, disclosure)?;
		let before = record.clone();
		record.disclosure = disclosure;
		Self::reindex(&badge, Some(&before), &record);
		Badges::<T>::insert(badge, record);
		Self::deposit_event(Event::DisclosureChanged {
			badge,
			holder: who,
			disclosure,
		});
		Ok(())
	}

	/// Revoke a badge (no authorization check).
	pub fn do_revoke(
		badge: BadgeId,
		reason: RevocationReason,
		reason_digest: Option<Digest>,
		by: RevokedBy,
	) -> DispatchResult {
		let mut record = Badges::<T>::get(badge).ok_or(Error::<T>::BadgeNotFound)?;
		ensure!(
			record.status == BadgeStatus::Active,
			Error::<T>::AlreadyRevoked
		);
		record.status = BadgeStatus::Revoked {
			at: Self::now(),
			reason,
			reason_digest,
			by,
		};
		let issuer = Classes::<T>::get(Self::class_of(&badge))
			.ok_or(Error::<T>::ClassNotFound)?
			.issuer;
		RevokedStatusIndices::<T>::insert(&issuer, record.status_index, ());
		Badges::<T>::insert(badge, record);
		Self::deposit_event(Event::BadgeRevoked {
			badge,
			issuer,
			reason,
			reason_digest,
			by,
		});
		Ok(())
	}

	/// Bring the holder listing in line with `after` (and away from `before`); the class
	/// listing is the class's stretch of [`Badges`] and needs no index.
	fn reindex(badge: &BadgeId, before: Option<&BadgeOf<T>>, after: &BadgeOf<T>) {
		let was_held = before.is_some_and(|b| b.listed_for_holder());
		if was_held != after.listed_for_holder() {
			if let Some(holder) = after.holder.as_ref() {
				if after.listed_for_holder() {
					BadgesByHolder::<T>::insert(holder, badge, ());
				} else {
					BadgesByHolder::<T>::remove(holder, badge);
				}
			}
		}
	}

	// ---- queries (runtime API) ----

	/// The verdict on `badge`, optionally checking a presented image's blake2-256 digest:
	/// [`Verification::of`] over the badge's record, its class and its issuer.
	pub fn verify(badge: BadgeId, image_digest: Option<Digest>) -> VerificationOf<T> {
		let record = Badges::<T>::get(badge);
		let class = record.as_ref().and_then(|_| {
			let id = Self::class_of(&badge);
			Classes::<T>::get(id).map(|class| (id, class))
		});
		let issuer = class
			.as_ref()
			.and_then(|(_, c)| Issuers::<T>::get(&c.issuer));
		Verification::of(
			record,
			class.as_ref().map(|(id, class)| (*id, class)),
			issuer.as_ref(),
			Self::now(),
			image_digest,
		)
	}

	/// A page of at most `limit` listed badges from `walk`, which yields every badge it passes
	/// with whether it is listed. It reads at most [`SCAN_PER_PAGE_ITEM`] times `limit` of them:
	/// a page cut short by that has fewer items (perhaps none) and a `next` cursor.
	fn page(walk: impl Iterator<Item = (BadgeId, bool)>, limit: u32) -> Page<BadgeId> {
		let limit = limit.clamp(1, MAX_PAGE_SIZE) as usize;
		let budget = limit.saturating_mul(SCAN_PER_PAGE_ITEM as usize);
		let mut items = Vec::with_capacity(limit);
		let mut last = None;
		for (read, (badge, listed)) in walk.enumerate() {
			if read == budget {
				return Page { items, next: last };
			}
			if listed {
				if items.len() == limit {
					return Page {
						next: items.last().copied(),
						items,
					};
				}
				items.push(badge);
			}
			last = Some(badge);
		}
		Page { items, next: None }
	}

	/// The class listing's walk of `class` after `start_after` (nothing if that is not a badge
	/// of the class): the class's stretch of [`Badges`], each badge with whether it is listed.
	fn class_walk(
		class: ClassId,
		start_after: Option<BadgeId>,
	) -> Box<dyn Iterator<Item = (BadgeId, bool)>> {
		let prefix = class.to_le_bytes();
		let start = match start_after {
			None => [&Badges::<T>::final_prefix()[..], &prefix[..]].concat(),
			Some(last) if Self::class_of(&last) == class && Badges::<T>::contains_key(last) => {
				Badges::<T>::hashed_key_for(last)
			}
			Some(_) => return Box::new(core::iter::empty()),
		};
		Box::new(
			Badges::<T>::iter_from(start)
				.take_while(move |(badge, _)| badge[..CLASS_PREFIX_LEN] == prefix)
				.map(|(badge, record)| (badge, record.listed())),
		)
	}

	/// Public badges held by `holder`, a page at a time, after `start_after` if given.
	pub fn badges_by_holder(
		holder: T::AccountId,
		start_after: Option<BadgeId>,
		limit: u32,
	) -> Page<BadgeId> {
		let walk = match start_after {
			Some(last) => BadgesByHolder::<T>::iter_key_prefix_from(
				&holder,
				BadgesByHolder::<T>::hashed_key_for(&holder, last),
			),
			None => BadgesByHolder::<T>::iter_key_prefix(&holder),
		};
		Self::page(walk.map(|badge| (badge, true)), limit)
	}

	/// Public badges of `class`, a page at a time, after `start_after` if given (a badge of
	/// the class, as a previous page's `next`). A page may hold fewer than `limit` badges and
	/// still have a `next`: the listing skips private badges, reading at most
	/// [`SCAN_PER_PAGE_ITEM`] badges per badge asked for.
	pub fn badges_by_class(
		class: ClassId,
		start_after: Option<BadgeId>,
		limit: u32,
	) -> Page<BadgeId> {
		Self::page(Self::class_walk(class, start_after), limit)
	}

	/// Public badges of `issuer`, a page at a time: the class listing of each of its classes
	/// in turn (in [`ClassesByIssuer`]'s key order), so pages may come back short as there.
	/// After `start_after`, the walk resumes in that badge's class; a badge of another issuer
	/// gives an empty page.
	pub fn badges_by_issuer(
		issuer: T::AccountId,
		start_after: Option<BadgeId>,
		limit: u32,
	) -> Page<BadgeId> {
		let by_class = |class| Self::class_walk(class, None);
		let walk: Box<dyn Iterator<Item = (BadgeId, bool)>> = match start_after {
			None => Box::new(ClassesByIssuer::<T>::iter_key_prefix(&issuer).flat_map(by_class)),
			Some(last) => match Self::class_of(&last) {
				class
					if Badges::<T>::contains_key(last)
						&& ClassesByIssuer::<T>::contains_key(&issuer, class) =>
				{
					Box::new(
						Self::class_walk(class, Some(last)).chain(
							ClassesByIssuer::<T>::iter_key_prefix_from(
								&issuer,
								ClassesByIssuer::<T>::hashed_key_for(&issuer, class),
							)
							.flat_map(by_class),
						),
					)
				}
				_ => Box::new(core::iter::empty()),
			},
		};
		Self::page(walk, limit)
	}

	// ---- invariants ----

	/// Check the storage invariants: every index entry points at a badge that belongs there,
	/// every listed badge is indexed, counters equal what they count, and every badge's class
	/// and issuer exist and agree.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		let mut per_class: BTreeMap<ClassId, u32> = BTreeMap::new();
		let mut per_issuer: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		let mut status_indices: alloc::collections::btree_set::BTreeSet<(T::AccountId, u32)> =
			Default::default();
		let mut revoked_indices = 0usize;
		let mut total: u64 = 0;
		for (id, badge) in Badges::<T>::iter() {
			total += 1;
			let class_id = Self::class_of(&id);
			let class = Classes::<T>::get(class_id).ok_or("badge of a missing class")?;
			let issuer = Issuers::<T>::get(&class.issuer).ok_or("badge of a missing issuer")?;
			ensure!(
				badge.status_index < issuer.issued,
				"a status index not below its issuer's count"
			);
			ensure!(
				status_indices.insert((class.issuer.clone(), badge.status_index)),
				"a status index given to two badges of one issuer"
			);
			let revoked = matches!(badge.status, BadgeStatus::Revoked { .. });
			revoked_indices += usize::from(revoked);
			ensure!(
				RevokedStatusIndices::<T>::contains_key(&class.issuer, badge.status_index)
					== revoked,
				"revoked status index disagrees with the badge's status"
			);
			*per_class.entry(class_id).or_default() += 1;
			*per_issuer.entry(class.issuer).or_default() += 1;
			if let Some(holder) = &badge.holder {
				ensure!(
					BadgesByHolder::<T>::contains_key(holder, id) == badge.listed_for_holder(),
					"holder index disagrees with disclosure"
				);
			}
		}
		ensure!(BadgeCount::<T>::get() == total, "badge count differs");
		ensure!(
			RevokedStatusIndices::<T>::iter_keys().count() == revoked_indices,
			"a revoked status index of no revoked badge"
		);
		for (holder, id, ()) in BadgesByHolder::<T>::iter() {
			let badge = Badges::<T>::get(id).ok_or("holder index points nowhere")?;
			ensure!(
				badge.holder.as_ref() == Some(&holder),
				"holder index of another holder"
			);
		}
		let next = NextClassId::<T>::get();
		let mut classes_per_issuer: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		for (id, class) in Classes::<T>::iter() {
			ensure!(id < next, "class id not below the counter");
			ensure!(
				class.issued == per_class.get(&id).copied().unwrap_or(0),
				"class issued counter differs"
			);
			ensure!(
				ClassesByIssuer::<T>::contains_key(&class.issuer, id),
				"class missing from its issuer's classes"
			);
			*classes_per_issuer.entry(class.issuer).or_default() += 1;
		}
		for (issuer, id, ()) in ClassesByIssuer::<T>::iter() {
			let class = Classes::<T>::get(id).ok_or("issuer's class index points nowhere")?;
			ensure!(class.issuer == issuer, "class index of another issuer");
		}
		for (account, keys) in IssuerKeys::<T>::iter() {
			let issuer = Issuers::<T>::get(&account).ok_or("keys of a missing issuer")?;
			ensure!(!keys.is_empty(), "an empty key list is stored");
			for (i, key) in keys.iter().enumerate() {
				ensure!(
					key.valid_from >= issuer.registered_at,
					"a key valid before its issuer was registered"
				);
				ensure!(
					key.ended_at().is_none_or(|end| end >= key.valid_from),
					"a key that ended before it began"
				);
				ensure!(
					!keys[..i].iter().any(|earlier| earlier.key == key.key),
					"a key listed twice"
				);
			}
		}
		for (account, issuer) in Issuers::<T>::iter() {
			ensure!(
				issuer.issued == per_issuer.get(&account).copied().unwrap_or(0),
				"issuer issued counter differs"
			);
			ensure!(
				issuer.classes == classes_per_issuer.get(&account).copied().unwrap_or(0),
				"issuer class counter differs"
			);
		}
		Ok(())
	}
}

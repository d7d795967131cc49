//! Storage migrations of the badge registry.

/// v1 → v2: badge ids are kept as they are (`Identity`) in the keys of [`crate::Badges`],
/// [`crate::BadgesByClass`] and [`crate::BadgesByHolder`] instead of behind a second
/// `blake2_128` (16 bytes less per key); the per-badge `BadgesByIssuer` index is gone: the
/// issuer listing walks the class listing of the issuer's classes, kept in the new
/// [`crate::ClassesByIssuer`].
///
/// One block: every badge is read and written once, so it suits the registries of a young
/// network (the weight it returns says what it cost); a registry of millions would need a
/// multi-block migration.
pub mod v2 {
	use crate::{pallet::*, types::*, LOG_TARGET};
	use alloc::vec::Vec;
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, storage_alias,
		traits::UncheckedOnRuntimeUpgrade,
	};

	/// The v1 layout (the aliases' generated prefix types carry no docs).
	#[allow(missing_docs)]
	pub mod v1 {
		use super::*;

		/// v1 `Badges`: badge ids behind `Blake2_128Concat` (records as until v4).
		#[storage_alias]
		pub type Badges<T: Config> =
			StorageMap<Pallet<T>, Blake2_128Concat, BadgeId, crate::migrations::v4::v3::BadgeOf<T>>;

		/// v1 `BadgesByHolder`.
		#[storage_alias]
		pub type BadgesByHolder<T: Config> = StorageDoubleMap<
			Pallet<T>,
			Blake2_128Concat,
			<T as frame_system::Config>::AccountId,
			Blake2_128Concat,
			BadgeId,
			(),
		>;

		/// v1 `BadgesByClass`.
		#[storage_alias]
		pub type BadgesByClass<T: Config> =
			StorageDoubleMap<Pallet<T>, Twox64Concat, ClassId, Blake2_128Concat, BadgeId, ()>;

		/// v1 `BadgesByIssuer`, dropped in v2.
		#[storage_alias]
		pub type BadgesByIssuer<T: Config> = StorageDoubleMap<
			Pallet<T>,
			Blake2_128Concat,
			<T as frame_system::Config>::AccountId,
			Blake2_128Concat,
			BadgeId,
			(),
		>;
	}

	/// The migration without its version check (see [`MigrateV1ToV2`]).
	pub struct UncheckedMigrateV1ToV2<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateV1ToV2<T> {
		fn on_runtime_upgrade() -> Weight {
			// Old and new keys share each map's prefix: everything is read before the prefix is
			// cleared and written anew.
			let badges: Vec<_> = v1::Badges::<T>::iter().collect();
			let by_class: Vec<_> = v1::BadgesByClass::<T>::iter_keys().collect();
			let by_holder: Vec<_> = v1::BadgesByHolder::<T>::iter_keys().collect();
			let by_issuer = v1::BadgesByIssuer::<T>::clear(u32::MAX, None).unique;
			let _ = v1::Badges::<T>::clear(u32::MAX, None);
			let _ = v1::BadgesByClass::<T>::clear(u32::MAX, None);
			let _ = v1::BadgesByHolder::<T>::clear(u32::MAX, None);
			let read = badges.len() + by_class.len() + by_holder.len() + by_issuer as usize;
			for (id, badge) in &badges {
				crate::migrations::v4::v3::Badges::<T>::insert(id, badge);
			}
			for (class, id) in &by_class {
				BadgesByClass::<T>::insert(class, id, ());
			}
			for (holder, id) in &by_holder {
				BadgesByHolder::<T>::insert(holder, id, ());
			}
			let mut classes = 0usize;
			for (id, class) in Classes::<T>::iter() {
				ClassesByIssuer::<T>::insert(&class.issuer, id, ());
				classes += 1;
			}
			let written = badges.len() + by_class.len() + by_holder.len() + classes;
			log::info!(
				target: LOG_TARGET,
				"v2: {} badges, {} class and {} holder listing entries re-keyed, {by_issuer} issuer \
				 listing entries dropped, {classes} classes indexed by issuer",
				badges.len(),
				by_class.len(),
				by_holder.len(),
			);
			T::DbWeight::get().reads_writes((read + classes) as u64, (read + written) as u64)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			use codec::Encode;
			let counts = (
				v1::Badges::<T>::iter_keys().count() as u64,
				v1::BadgesByClass::<T>::iter_keys().count() as u64,
				v1::BadgesByHolder::<T>::iter_keys().count() as u64,
			);
			Ok(counts.encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			use codec::Decode;
			let (badges, by_class, by_holder) = <(u64, u64, u64)>::decode(&mut &state[..])
				.map_err(|_| "v2: the pre-upgrade counts do not decode")?;
			ensure!(
				crate::migrations::v4::v3::Badges::<T>::iter_keys().count() as u64 == badges,
				"v2: badges lost"
			);
			ensure!(
				BadgesByClass::<T>::iter_keys().count() as u64 == by_class,
				"v2: class listing entries lost"
			);
			ensure!(
				BadgesByHolder::<T>::iter_keys().count() as u64 == by_holder,
				"v2: holder listing entries lost"
			);
			// The invariants are those of the latest version: `v3`'s `post_upgrade` checks them.
			Ok(())
		}
	}

	/// v1 → v2, run only while the pallet's storage version is 1 (it then becomes 2).
	pub type MigrateV1ToV2<T> = VersionedMigration<
		1,
		2,
		UncheckedMigrateV1ToV2<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// v2 → v3: a badge id starts with its class ([`crate::badge_id`]), so the badges of a class
/// are one stretch of [`crate::Badges`] and the class listing needs no index entry of its own:
/// one storage entry per badge issued from now on.
///
/// Badges already issued keep their ids (they are printed on paper as QR codes) and their
/// entries in [`crate::BadgesByClass`], which now holds only them; the migration records how
/// many classes existed ([`crate::ClassesBeforeV3`]): only those classes may hold such badges,
/// so issuance checks their older id for duplicates only there. Constant cost: one read, two
/// writes.
pub mod v3 {
	use crate::{pallet::*, LOG_TARGET};
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
	};

	/// The migration without its version check (see [`MigrateV2ToV3`]).
	pub struct UncheckedMigrateV2ToV3<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateV2ToV3<T> {
		fn on_runtime_upgrade() -> Weight {
			let classes = NextClassId::<T>::get();
			ClassesBeforeV3::<T>::put(classes);
			log::info!(
				target: LOG_TARGET,
				"v3: badges of the {classes} classes created so far keep their ids and listing \
				 entries; new badges are keyed by class"
			);
			T::DbWeight::get().reads_writes(1, 1)
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			ensure!(
				ClassesBeforeV3::<T>::get() == NextClassId::<T>::get(),
				"v3: the classes before v3 are not recorded"
			);
			// The invariants are those of the latest version: `v4`'s `post_upgrade` checks them.
			Ok(())
		}
	}

	/// v2 → v3, run only while the pallet's storage version is 2 (it then becomes 3).
	pub type MigrateV2ToV3<T> = VersionedMigration<
		2,
		3,
		UncheckedMigrateV2ToV3<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// v3 → v4: a badge's record no longer repeats its issuer (its class's) nor its recipient
/// commitment (its id commits to it: [`crate::badge_id`]), 64 bytes less per badge. An older id
/// ([`crate::legacy_badge_id`]) is now told apart by not starting with its class, so the few
/// that start with it by chance (one in 2^32) leave [`crate::BadgesByClass`]: their class's
/// stretch of [`crate::Badges`] lists them.
///
/// One block: every badge is read and written once, as in [`super::v2`].
pub mod v4 {
	use crate::{pallet::*, types::*, LOG_TARGET};
	use alloc::vec::Vec;
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, storage_alias,
		traits::UncheckedOnRuntimeUpgrade,
	};
	use sp_core::H256;

	/// The layout until v3 (the aliases' generated prefix types carry no docs).
	#[allow(missing_docs)]
	pub mod v3 {
		use super::*;

		/// A badge record until v3.
		#[derive(Clone, Encode, Decode, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen)]
		pub struct Badge<AccountId> {
			pub class: ClassId,
			pub issuer: AccountId,
			pub recipient: H256,
			pub claim_key: ClaimKey,
			pub holder: Option<AccountId>,
			pub issued_at: Moment,
			pub expires_at: Option<Moment>,
			pub evidence: Option<Digest>,
			pub status: BadgeStatus,
			pub disclosure: Disclosure,
		}

		/// A badge record until v3 for a runtime.
		pub type BadgeOf<T> = Badge<AccountIdOf<T>>;

		/// `Badges` of v2 and v3.
		#[storage_alias]
		pub type Badges<T: Config> = StorageMap<Pallet<T>, Identity, BadgeId, BadgeOf<T>>;
	}

	/// The migration without its version check (see [`MigrateV3ToV4`]).
	pub struct UncheckedMigrateV3ToV4<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateV3ToV4<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut badges = 0u64;
			super::v5::v4::Badges::<T>::translate::<v3::BadgeOf<T>, _>(|_, old| {
				badges += 1;
				Some(super::v5::v4::Badge {
					class: old.class,
					claim_key: old.claim_key,
					holder: old.holder,
					issued_at: old.issued_at,
					expires_at: old.expires_at,
					evidence: old.evidence,
					status: old.status,
					disclosure: old.disclosure,
				})
			});
			let mut entries = 0u64;
			let keyed: Vec<_> = BadgesByClass::<T>::iter_keys()
				.inspect(|_| entries += 1)
				.filter(|(class, id)| id[..CLASS_PREFIX_LEN] == class.to_le_bytes())
				.collect();
			for (class, id) in &keyed {
				BadgesByClass::<T>::remove(class, id);
			}
			log::info!(
				target: LOG_TARGET,
				"v4: {badges} badge records shortened, {} of {entries} class listing entries \
				 dropped (ids that start with their class)",
				keyed.len(),
			);
			T::DbWeight::get().reads_writes(badges + entries, badges + keyed.len() as u64)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			Ok((v3::Badges::<T>::iter_keys().count() as u64).encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let badges = u64::decode(&mut &state[..])
				.map_err(|_| "v4: the pre-upgrade count does not decode")?;
			ensure!(
				super::v5::v4::Badges::<T>::iter().count() as u64 == badges,
				"v4: badges lost or not decodable"
			);
			// The invariants are those of the latest version: `v5`'s `post_upgrade` checks them.
			Ok(())
		}
	}

	/// v3 → v4, run only while the pallet's storage version is 3 (it then becomes 4).
	pub type MigrateV3ToV4<T> = VersionedMigration<
		3,
		4,
		UncheckedMigrateV3ToV4<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// v4 → v5: a badge's record keeps the digest of its claim key ([`crate::claim_digest`], 16
/// bytes; the receipt presents the key) and not its class, which its id starts with
/// ([`crate::class_in_id`]): 49 → 29 bytes for a badge not yet received, below the 33 bytes
/// from which the storage trie keeps a value in a node of its own, so a badge is one trie
/// leaf instead of a leaf and a value node.
///
/// The class of a badge issued before v3 under an id that does not start with it moves to
/// [`crate::LegacyBadgeClass`]. One block: every badge is read and written once, as in
/// [`super::v2`].
pub mod v5 {
	use crate::{pallet::*, types::*, LOG_TARGET};
	use alloc::vec::Vec;
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, storage_alias,
		traits::UncheckedOnRuntimeUpgrade,
	};

	/// The layout of v4 (the aliases' generated prefix types carry no docs).
	#[allow(missing_docs)]
	pub mod v4 {
		use super::*;

		/// A badge record of v4.
		#[derive(Clone, Encode, Decode, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen)]
		pub struct Badge<AccountId> {
			pub class: ClassId,
			pub claim_key: ClaimKey,
			pub holder: Option<AccountId>,
			pub issued_at: Moment,
			pub expires_at: Option<Moment>,
			pub evidence: Option<Digest>,
			pub status: BadgeStatus,
			pub disclosure: Disclosure,
		}

		/// A badge record of v4 for a runtime.
		pub type BadgeOf<T> = Badge<AccountIdOf<T>>;

		/// `Badges` of v4.
		#[storage_alias]
		pub type Badges<T: Config> = StorageMap<Pallet<T>, Identity, BadgeId, BadgeOf<T>>;
	}

	/// The migration without its version check (see [`MigrateV4ToV5`]).
	pub struct UncheckedMigrateV4ToV5<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateV4ToV5<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut badges = 0u64;
			let mut older = Vec::new();
			crate::migrations::v7::v6::Badges::<T>::translate::<v4::BadgeOf<T>, _>(|id, old| {
				badges += 1;
				if class_in_id(&id) != old.class {
					older.push((id, old.class));
				}
				Some(crate::migrations::v7::v6::Badge {
					claim: claim_digest(&old.claim_key),
					holder: old.holder,
					issued_at: old.issued_at,
					expires_at: old.expires_at,
					evidence: old.evidence,
					status: old.status,
					disclosure: old.disclosure,
				})
			});
			for (id, class) in &older {
				LegacyBadgeClass::<T>::insert(id, class);
			}
			log::info!(
				target: LOG_TARGET,
				"v5: {badges} badge records shortened, the classes of {} older ids kept apart",
				older.len(),
			);
			T::DbWeight::get().reads_writes(badges, badges + older.len() as u64)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			Ok((v4::Badges::<T>::iter_keys().count() as u64).encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let badges = u64::decode(&mut &state[..])
				.map_err(|_| "v5: the pre-upgrade count does not decode")?;
			ensure!(
				crate::migrations::v7::v6::Badges::<T>::iter().count() as u64 == badges,
				"v5: badges lost or not decodable"
			);
			Ok(())
		}
	}

	/// v4 → v5, run only while the pallet's storage version is 4 (it then becomes 5).
	pub type MigrateV4ToV5<T> = VersionedMigration<
		4,
		5,
		UncheckedMigrateV4ToV5<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// v5 → v6: issuers gain signing keys in [`crate::IssuerKeys`], a new map that starts empty
/// (an issuer adds its first key by extrinsic), so no stored value changes: the step moves the
/// storage version on, which tells tools and later migrations that the map may hold entries.
pub mod v6 {
	use crate::{pallet::*, LOG_TARGET};
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
	};

	/// The migration without its version check (see [`MigrateV5ToV6`]).
	pub struct UncheckedMigrateV5ToV6<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateV5ToV6<T> {
		fn on_runtime_upgrade() -> Weight {
			log::info!(target: LOG_TARGET, "v6: issuers may now publish signing keys");
			Weight::zero()
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
			ensure!(
				IssuerKeys::<T>::iter_keys().next().is_none(),
				"v6: issuer keys before the map exists"
			);
			Ok(alloc::vec::Vec::new())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			// The records are still in the v6 layout: the invariants are checked after v7.
			Ok(())
		}
	}

	/// v5 → v6, run only while the pallet's storage version is 5 (it then becomes 6).
	pub type MigrateV5ToV6<T> = VersionedMigration<
		5,
		6,
		UncheckedMigrateV5ToV6<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// v6 → v7: every badge gets its status index ([`Badge::status_index`]): its issuer's
/// badges are numbered from 0 in storage order (the issuer's `issued` count is the number of
/// its badges, so new badges continue from it without a clash), and the indices of the badges
/// already revoked enter [`crate::RevokedStatusIndices`], from which status lists are built.
/// One block: every badge is read and written once, as in [`super::v2`].
pub mod v7 {
	use crate::{pallet::*, types::*, LOG_TARGET};
	use alloc::collections::btree_map::BTreeMap;
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, storage_alias,
		traits::UncheckedOnRuntimeUpgrade,
	};

	/// The layout of v5 and v6 (the aliases' generated prefix types carry no docs).
	#[allow(missing_docs)]
	pub mod v6 {
		use super::*;

		/// A badge record of v5 and v6.
		#[derive(Clone, Encode, Decode, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen)]
		pub struct Badge<AccountId> {
			pub claim: ClaimDigest,
			pub holder: Option<AccountId>,
			pub issued_at: Moment,
			pub expires_at: Option<Moment>,
			pub evidence: Option<Digest>,
			pub status: BadgeStatus,
			pub disclosure: Disclosure,
		}

		/// A badge record of v6 for a runtime.
		pub type BadgeOf<T> = Badge<AccountIdOf<T>>;

		/// `Badges` of v5 and v6.
		#[storage_alias]
		pub type Badges<T: Config> = StorageMap<Pallet<T>, Identity, BadgeId, BadgeOf<T>>;
	}

	/// The migration without its version check (see [`MigrateV6ToV7`]).
	pub struct UncheckedMigrateV6ToV7<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateV6ToV7<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut issuers: BTreeMap<ClassId, Option<T::AccountId>> = BTreeMap::new();
			let mut next: BTreeMap<T::AccountId, u32> = BTreeMap::new();
			let mut revoked = alloc::vec::Vec::new();
			let mut badges = 0u64;
			let mut orphans = 0u64;
			Badges::<T>::translate::<v6::BadgeOf<T>, _>(|id, old| {
				badges += 1;
				let class = Pallet::<T>::class_of(&id).0;
				let issuer = issuers
					.entry(class)
					.or_insert_with(|| Classes::<T>::get(class).map(|c| c.issuer))
					.clone();
				let status_index = match issuer {
					Some(issuer) => {
						let counter = next.entry(issuer.clone()).or_default();
						let index = *counter;
						*counter = counter.saturating_add(1);
						if matches!(old.status, BadgeStatus::Revoked { .. }) {
							revoked.push((issuer, index));
						}
						index
					}
					None => {
						orphans += 1;
						0
					}
				};
				Some(Badge {
					claim: old.claim,
					holder: old.holder,
					issued_at: old.issued_at,
					expires_at: old.expires_at,
					evidence: old.evidence,
					status: old.status,
					disclosure: old.disclosure,
					status_index,
				})
			});
			for (issuer, index) in &revoked {
				RevokedStatusIndices::<T>::insert(issuer, index, ());
			}
			if orphans > 0 {
				log::error!(target: LOG_TARGET, "v7: {orphans} badges of a missing class");
			}
			log::info!(
				target: LOG_TARGET,
				"v7: {badges} badges numbered for status lists, {} of them revoked",
				revoked.len(),
			);
			T::DbWeight::get()
				.reads_writes(badges + issuers.len() as u64, badges + revoked.len() as u64)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
			ensure!(
				RevokedStatusIndices::<T>::iter_keys().next().is_none(),
				"v7: revoked status indices before the map exists"
			);
			Ok((v6::Badges::<T>::iter_keys().count() as u64).encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let badges = u64::decode(&mut &state[..])
				.map_err(|_| "v7: the pre-upgrade count does not decode")?;
			ensure!(
				Badges::<T>::iter().count() as u64 == badges,
				"v7: badges lost or not decodable"
			);
			Pallet::<T>::do_try_state()
		}
	}

	/// v6 → v7, run only while the pallet's storage version is 6 (it then becomes 7).
	pub type MigrateV6ToV7<T> = VersionedMigration<
		6,
		7,
		UncheckedMigrateV6ToV7<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

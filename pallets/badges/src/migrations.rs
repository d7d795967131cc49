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

		/// v1 `Badges`: badge ids behind `Blake2_128Concat`.
		#[storage_alias]
		pub type Badges<T: Config> = StorageMap<Pallet<T>, Blake2_128Concat, BadgeId, BadgeOf<T>>;

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
				Badges::<T>::insert(id, badge);
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
				Badges::<T>::iter_keys().count() as u64 == badges,
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
			Pallet::<T>::do_try_state()
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

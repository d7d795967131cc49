//! Storage migrations of the badge registry, from storage version 5, the oldest any chain runs
//! (docs/decisions/storage-versions.md).

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
/// One block: every badge is read and written once (a registry of millions would need a
/// multi-block migration).
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
				let class = Pallet::<T>::class_of(&id);
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

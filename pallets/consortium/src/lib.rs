//! # Consortium pallet
//!
//! The pieces of a permissioned consortium chain that polkadot-sdk does not ship:
//!
//! - **A governed validator set.** [`Validators`] is the list of accounts that should author and
//!   finalize blocks. The council adds and removes validators ([`Pallet::add_validator`],
//!   [`Pallet::remove_validator`]); the pallet is `pallet_session`'s
//!   [`SessionManager`](pallet_session::SessionManager), so a change made during session `s` is
//!   planned at the start of session `s + 1` and takes effect from session `s + 2`, the usual
//!   session delay that lets every node learn the next authorities before they act. A removal can
//!   never leave fewer than [`MinValidators`]: below four validators GRANDPA tolerates no
//!   lost node at all.
//! - **The session length** ([`SessionLength`]) and the floor ([`MinValidators`]), both set at
//!   genesis,, read by
//!   `pallet_session::PeriodicSessions` through [`SessionLengthOf`], so that a test network can
//!   rotate every few blocks and a production network every hour without two runtimes.
//! - **Council enactment of Root calls** ([`Pallet::enact`]): the consortium has no sudo key, but
//!   a few calls must run as Root (a runtime upgrade's `system.authorize_upgrade`, GRANDPA's
//!   `note_stalled`). [`Config::EnactOrigin`] (a two-thirds council motion) may dispatch exactly
//!   the calls [`Config::EnactableCalls`] lets through, and nothing else.
//!
//! Accounts carry no balance on this chain, so a new validator would have no provider reference
//! and `session.set_keys` would refuse it (`NoAccount`). Adding a validator therefore gives its
//! account a provider reference (once); it is kept after removal so that the account can still
//! purge its keys.
//!
//! Layout (as the solochain template's pallet): `lib.rs` (config, storage, events, errors,
//! calls), [`types`], [`functions`] (`do_*` helpers and invariants), [`weights`], `benchmarking`,
//! `mock` and `tests`.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

pub mod functions;
pub mod types;
pub mod weights;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::{boxed::Box, vec::Vec};
	use frame_support::{
		dispatch::{GetDispatchInfo, PostDispatchInfo},
		pallet_prelude::*,
		traits::Contains,
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::Dispatchable;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The calls [`Pallet::enact`] may dispatch.
		type RuntimeCall: Parameter
			+ Dispatchable<RuntimeOrigin = Self::RuntimeOrigin, PostInfo = PostDispatchInfo>
			+ GetDispatchInfo;

		/// Who may add and remove validators: the council.
		type ValidatorOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Who may enact a Root call: the council.
		type EnactOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The Root calls the council may enact (runtime upgrades, `grandpa.note_stalled`).
		type EnactableCalls: Contains<<Self as Config>::RuntimeCall>;

		/// The validators `pallet_session` uses in the current session. Planning compares them
		/// with [`Validators`]: the next set is sent only when they differ.
		type SessionValidators: Get<Vec<Self::AccountId>>;

		/// The most validators the set may have (at most the consensus pallets'
		/// `MaxAuthorities`).
		#[pallet::constant]
		type MaxValidators: Get<u32>;

		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// The validator set that sessions from the next planned one on will use, in the order it
	/// was built (genesis order, then additions).
	#[pallet::storage]
	pub type Validators<T: Config> = StorageValue<_, ValidatorsOf<T>, ValueQuery>;

	/// How many blocks a session lasts. Set at genesis.
	#[pallet::storage]
	pub type SessionLength<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	/// The fewest validators the set may have; a removal below it fails. Set at genesis: four
	/// validators tolerate one lost node, three none.
	#[pallet::storage]
	pub type MinValidators<T: Config> = StorageValue<_, u32, ValueQuery>;

	#[pallet::genesis_config]
	pub struct GenesisConfig<T: Config> {
		/// The validators of the first sessions (their session keys go in `pallet_session`'s
		/// genesis).
		pub validators: Vec<T::AccountId>,
		/// Blocks per session; must be at least one.
		pub session_length: BlockNumberFor<T>,
		/// The fewest validators the set may have.
		pub min_validators: u32,
	}

	impl<T: Config> Default for GenesisConfig<T> {
		fn default() -> Self {
			Self {
				validators: Vec::new(),
				session_length: 10u32.into(),
				min_validators: 1,
			}
		}
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			assert!(
				!self.session_length.is_zero(),
				"the session length must be at least one block"
			);
			SessionLength::<T>::put(self.session_length);
			MinValidators::<T>::put(self.min_validators);
			let mut set = ValidatorsOf::<T>::default();
			for who in &self.validators {
				assert!(!set.contains(who), "duplicate genesis validator");
				set.try_push(who.clone())
					.expect("genesis validators must fit in MaxValidators");
				Pallet::<T>::ensure_provider(who);
			}
			assert!(
				set.is_empty() || set.len() as u32 >= self.min_validators,
				"genesis needs at least min_validators validators"
			);
			Validators::<T>::put(set);
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `validator` was added; it takes part from the session after next, once its session
		/// keys are set.
		ValidatorAdded {
			/// The new validator's account.
			validator: T::AccountId,
		},
		/// `validator` was removed; it stops taking part from the session after next.
		ValidatorRemoved {
			/// The removed validator's account.
			validator: T::AccountId,
		},
		/// A new validator set was planned for `session`.
		ValidatorSetPlanned {
			/// The session the set takes effect in.
			session: u32,
			/// How many validators the set has.
			validators: u32,
		},
		/// The council enacted a Root call.
		Enacted {
			/// The hash of the enacted call.
			call_hash: T::Hash,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account is already a validator.
		AlreadyValidator,
		/// The account is not a validator.
		NotValidator,
		/// The validator set is full (`MaxValidators`).
		TooManyValidators,
		/// Removing this validator would leave fewer than `MinValidators`.
		TooFewValidators,
		/// The council may not enact this call as Root.
		CallNotEnactable,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Add `validator` to the validator set (council only).
		///
		/// The account then sets its session keys (`session.set_keys`); it authors and votes
		/// from the second session boundary after both have happened.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::add_validator())]
		pub fn add_validator(origin: OriginFor<T>, validator: T::AccountId) -> DispatchResult {
			T::ValidatorOrigin::ensure_origin(origin)?;
			Self::do_add_validator(validator)
		}

		/// Remove `validator` from the validator set (council only). Fails if fewer than
		/// `MinValidators` would remain.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::remove_validator())]
		pub fn remove_validator(origin: OriginFor<T>, validator: T::AccountId) -> DispatchResult {
			T::ValidatorOrigin::ensure_origin(origin)?;
			Self::do_remove_validator(validator)
		}

		/// Dispatch `call` as Root (council only), if it is one of the enactable calls: a
		/// runtime upgrade's `system.authorize_upgrade`, or `grandpa.note_stalled` to recover a
		/// stalled finality. The call's own error, if any, is this call's error.
		#[pallet::call_index(2)]
		#[pallet::weight({
			let info = call.get_dispatch_info();
			(T::WeightInfo::enact().saturating_add(info.call_weight), info.class)
		})]
		pub fn enact(
			origin: OriginFor<T>,
			call: Box<<T as Config>::RuntimeCall>,
		) -> DispatchResult {
			T::EnactOrigin::ensure_origin(origin)?;
			Self::do_enact(*call)
		}
	}
}

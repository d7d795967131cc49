//! The pallet's logic: `do_*` helpers behind the calls, the session manager and the storage
//! invariants.

use crate::{Config, Error, Event, MinValidators, Pallet, SessionLength, Validators};
use alloc::vec::Vec;
use frame_support::{
	dispatch::DispatchResult,
	ensure,
	traits::{Contains, Get},
};
use sp_runtime::traits::{Dispatchable, Hash, Zero};

impl<T: Config> Pallet<T> {
	/// Whether `who` is in the validator set (planned or active).
	pub fn is_validator(who: &T::AccountId) -> bool {
		Validators::<T>::get().contains(who)
	}

	/// Give `who` a provider reference unless it has one: accounts have no balance here, and
	/// `session.set_keys` needs the account to exist.
	pub(crate) fn ensure_provider(who: &T::AccountId) {
		if frame_system::Pallet::<T>::providers(who).is_zero() {
			frame_system::Pallet::<T>::inc_providers(who);
		}
	}

	/// Add `validator` to the set.
	pub fn do_add_validator(validator: T::AccountId) -> DispatchResult {
		Validators::<T>::try_mutate(|set| -> DispatchResult {
			ensure!(!set.contains(&validator), Error::<T>::AlreadyValidator);
			set.try_push(validator.clone())
				.map_err(|_| Error::<T>::TooManyValidators)?;
			Ok(())
		})?;
		Self::ensure_provider(&validator);
		Self::deposit_event(Event::ValidatorAdded { validator });
		Ok(())
	}

	/// Remove `validator` from the set, keeping at least [`MinValidators`].
	pub fn do_remove_validator(validator: T::AccountId) -> DispatchResult {
		Validators::<T>::try_mutate(|set| -> DispatchResult {
			let at = set
				.iter()
				.position(|v| v == &validator)
				.ok_or(Error::<T>::NotValidator)?;
			ensure!(
				set.len() as u32 > MinValidators::<T>::get(),
				Error::<T>::TooFewValidators
			);
			set.remove(at);
			Ok(())
		})?;
		Self::deposit_event(Event::ValidatorRemoved { validator });
		Ok(())
	}

	/// Dispatch `call` as Root if it is enactable.
	pub fn do_enact(call: <T as Config>::RuntimeCall) -> DispatchResult {
		ensure!(
			T::EnactableCalls::contains(&call),
			Error::<T>::CallNotEnactable
		);
		let call_hash = T::Hashing::hash_of(&call);
		call.dispatch(frame_system::RawOrigin::Root.into())
			.map_err(|e| e.error)?;
		Self::deposit_event(Event::Enacted { call_hash });
		Ok(())
	}

	/// The set to plan, if it differs from the one in use.
	fn plan(session: u32) -> Option<Vec<T::AccountId>> {
		let planned = Validators::<T>::get().into_inner();
		let mut wanted = planned.clone();
		let mut active = T::SessionValidators::get();
		wanted.sort();
		active.sort();
		if wanted == active {
			return None;
		}
		log::info!(
			target: "runtime::consortium",
			"planning {} validators for session {session}",
			planned.len(),
		);
		Self::deposit_event(Event::ValidatorSetPlanned {
			session,
			validators: planned.len() as u32,
		});
		Some(planned)
	}

	/// The storage invariants: a non-empty session length; validators unique, at least
	/// `MinValidators` of them, each with a provider reference.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		ensure!(
			!SessionLength::<T>::get().is_zero(),
			"the session length is zero"
		);
		let set = Validators::<T>::get();
		ensure!(
			set.len() as u32 >= MinValidators::<T>::get(),
			"fewer validators than MinValidators"
		);
		for (i, who) in set.iter().enumerate() {
			ensure!(!set[..i].contains(who), "a validator appears twice");
			ensure!(
				!frame_system::Pallet::<T>::providers(who).is_zero(),
				"a validator account has no provider reference"
			);
		}
		Ok(())
	}
}

/// Plans [`Validators`] for the session after next whenever it differs from the set in use.
///
/// Validators without session keys are left out by `pallet_session`, so the planned set keeps
/// differing from the active one, and is planned again at every session boundary, until they
/// set their keys.
impl<T: Config> pallet_session::SessionManager<T::AccountId> for Pallet<T> {
	fn new_session(new_index: u32) -> Option<Vec<T::AccountId>> {
		Self::plan(new_index)
	}

	fn new_session_genesis(_new_index: u32) -> Option<Vec<T::AccountId>> {
		let set = Validators::<T>::get().into_inner();
		(!set.is_empty()).then_some(set)
	}

	fn end_session(_end_index: u32) {}

	fn start_session(_start_index: u32) {}
}

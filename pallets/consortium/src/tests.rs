//! Unit tests: every call, every error, the session manager and the invariants.

use crate::{mock::*, Error, Event, SessionLengthOf, Validators};
use frame_support::{assert_noop, assert_ok, traits::Get};
use pallet_session::SessionManager;
use sp_runtime::{traits::Hash, DispatchError};

fn set() -> Vec<u64> {
	Validators::<Test>::get().into_inner()
}

fn last_event() -> RuntimeEvent {
	System::events()
		.pop()
		.expect("an event was deposited")
		.event
}

#[test]
fn genesis_sets_validators_session_length_and_providers() {
	run(|| {
		assert_eq!(set(), GENESIS.to_vec());
		assert_eq!(SessionLengthOf::<Test>::get(), SESSION_LENGTH);
		for v in GENESIS {
			assert_eq!(System::providers(&v), 1);
		}
		assert_eq!(
			<Consortium as SessionManager<u64>>::new_session_genesis(0),
			Some(GENESIS.to_vec())
		);
	});
}

#[test]
fn council_adds_a_validator_and_it_gets_a_provider() {
	run(|| {
		assert_eq!(System::providers(&5), 0);
		assert_ok!(Consortium::add_validator(RuntimeOrigin::root(), 5));
		assert_eq!(set(), vec![1, 2, 3, 4, 5]);
		assert_eq!(System::providers(&5), 1);
		assert_eq!(
			last_event(),
			RuntimeEvent::Consortium(Event::ValidatorAdded { validator: 5 })
		);
	});
}

#[test]
fn only_the_validator_origin_changes_the_set() {
	run(|| {
		assert_noop!(
			Consortium::add_validator(RuntimeOrigin::signed(STRANGER), 5),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Consortium::add_validator(RuntimeOrigin::signed(1), 5),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Consortium::remove_validator(RuntimeOrigin::signed(COUNCIL), 4),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn add_refuses_duplicates_and_a_full_set() {
	run(|| {
		assert_noop!(
			Consortium::add_validator(RuntimeOrigin::root(), 2),
			Error::<Test>::AlreadyValidator
		);
		assert_ok!(Consortium::add_validator(RuntimeOrigin::root(), 5));
		assert_ok!(Consortium::add_validator(RuntimeOrigin::root(), 6));
		assert_noop!(
			Consortium::add_validator(RuntimeOrigin::root(), 7),
			Error::<Test>::TooManyValidators
		);
	});
}

#[test]
fn remove_keeps_the_floor() {
	run(|| {
		assert_noop!(
			Consortium::remove_validator(RuntimeOrigin::root(), 9),
			Error::<Test>::NotValidator
		);
		assert_ok!(Consortium::remove_validator(RuntimeOrigin::root(), 2));
		assert_eq!(set(), vec![1, 3, 4]);
		assert_eq!(
			last_event(),
			RuntimeEvent::Consortium(Event::ValidatorRemoved { validator: 2 })
		);
		assert_noop!(
			Consortium::remove_validator(RuntimeOrigin::root(), 1),
			Error::<Test>::TooFewValidators
		);
		// The removed account keeps its provider so that it can purge its session keys.
		assert_eq!(System::providers(&2), 1);
	});
}

#[test]
fn planning_sends_a_set_only_when_it_differs_from_the_active_one() {
	run(|| {
		assert_eq!(<Consortium as SessionManager<u64>>::new_session(2), None);
		assert_ok!(Consortium::add_validator(RuntimeOrigin::root(), 5));
		assert_eq!(
			<Consortium as SessionManager<u64>>::new_session(3),
			Some(vec![1, 2, 3, 4, 5])
		);
		assert_eq!(
			last_event(),
			RuntimeEvent::Consortium(Event::ValidatorSetPlanned {
				session: 3,
				validators: 5
			})
		);
		// Until the session pallet uses the new set (say 5 has no keys yet), it is sent again.
		assert_eq!(
			<Consortium as SessionManager<u64>>::new_session(4),
			Some(vec![1, 2, 3, 4, 5])
		);
		// Once active (in any order), nothing more is planned.
		ActiveValidators::set(vec![5, 4, 3, 2, 1]);
		assert_eq!(<Consortium as SessionManager<u64>>::new_session(5), None);
		assert_ok!(Consortium::remove_validator(RuntimeOrigin::root(), 5));
		assert_eq!(
			<Consortium as SessionManager<u64>>::new_session(6),
			Some(vec![1, 2, 3, 4])
		);
	});
}

#[test]
fn the_council_enacts_an_upgrade_authorization_as_root() {
	run(|| {
		let call: RuntimeCall = frame_system::Call::authorize_upgrade {
			code_hash: [7u8; 32].into(),
		}
		.into();
		let call_hash = <Test as frame_system::Config>::Hashing::hash_of(&call);
		assert_ok!(Consortium::enact(
			RuntimeOrigin::signed(COUNCIL),
			Box::new(call)
		));
		assert!(frame_system::Pallet::<Test>::authorized_upgrade().is_some());
		assert_eq!(
			last_event(),
			RuntimeEvent::Consortium(Event::Enacted { call_hash })
		);
	});
}

#[test]
fn enact_refuses_strangers_and_calls_off_the_list() {
	run(|| {
		let upgrade: RuntimeCall = frame_system::Call::authorize_upgrade {
			code_hash: [7u8; 32].into(),
		}
		.into();
		assert_noop!(
			Consortium::enact(RuntimeOrigin::signed(STRANGER), Box::new(upgrade.clone())),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Consortium::enact(RuntimeOrigin::root(), Box::new(upgrade)),
			DispatchError::BadOrigin
		);
		let storage: RuntimeCall = frame_system::Call::set_storage { items: vec![] }.into();
		assert_noop!(
			Consortium::enact(RuntimeOrigin::signed(COUNCIL), Box::new(storage)),
			Error::<Test>::CallNotEnactable
		);
	});
}

#[test]
fn an_enacted_calls_error_is_the_enact_error() {
	run(|| {
		let call: RuntimeCall = crate::Call::remove_validator { validator: 9 }.into();
		assert_noop!(
			Consortium::enact(RuntimeOrigin::signed(COUNCIL), Box::new(call)),
			Error::<Test>::NotValidator
		);
		let call: RuntimeCall = crate::Call::remove_validator { validator: 4 }.into();
		assert_ok!(Consortium::enact(
			RuntimeOrigin::signed(COUNCIL),
			Box::new(call)
		));
		assert_eq!(set(), vec![1, 2, 3]);
	});
}

#[test]
fn try_state_catches_a_broken_set() {
	run(|| {
		Validators::<Test>::put(crate::ValidatorsOf::<Test>::try_from(vec![1, 1, 2, 3]).unwrap());
		assert!(Consortium::do_try_state().is_err());
		Validators::<Test>::put(crate::ValidatorsOf::<Test>::try_from(vec![1, 2]).unwrap());
		assert!(Consortium::do_try_state().is_err());
		Validators::<Test>::put(crate::ValidatorsOf::<Test>::try_from(vec![1, 2, 9]).unwrap());
		assert!(Consortium::do_try_state().is_err());
		Validators::<Test>::put(crate::ValidatorsOf::<Test>::try_from(GENESIS.to_vec()).unwrap());
	});
}

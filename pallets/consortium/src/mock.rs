//! A mock runtime for the pallet's tests and benchmark tests.

use crate as pallet_consortium;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, Contains},
};
use frame_system::{EnsureRoot, EnsureSignedBy};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

/// The account standing in for a two-thirds council motion in `enact`.
pub const COUNCIL: u64 = 100;
/// An account with no rights.
pub const STRANGER: u64 = 11;
/// The genesis validators.
pub const GENESIS: [u64; 4] = [1, 2, 3, 4];
/// The genesis session length.
pub const SESSION_LENGTH: u64 = 5;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system::Pallet<Test>;

	#[runtime::pallet_index(1)]
	pub type Consortium = pallet_consortium::Pallet<Test>;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

parameter_types! {
	/// The set `pallet_session` would report as active; tests move it along.
	pub static ActiveValidators: Vec<u64> = GENESIS.to_vec();
}

/// The stand-in council: [`COUNCIL`] alone.
pub struct Council;
impl frame_support::traits::SortedMembers<u64> for Council {
	fn sorted_members() -> Vec<u64> {
		vec![COUNCIL]
	}
}

/// Enactable: `system.authorize_upgrade` and the pallet's own `remove_validator` (to see an
/// inner error come out).
pub struct Enactable;
impl Contains<RuntimeCall> for Enactable {
	fn contains(call: &RuntimeCall) -> bool {
		matches!(
			call,
			RuntimeCall::System(frame_system::Call::authorize_upgrade { .. })
				| RuntimeCall::Consortium(crate::Call::remove_validator { .. })
		)
	}
}

impl pallet_consortium::Config for Test {
	type RuntimeCall = RuntimeCall;
	type ValidatorOrigin = EnsureRoot<u64>;
	type EnactOrigin = EnsureSignedBy<Council, u64>;
	type EnactableCalls = Enactable;
	type SessionValidators = ActiveValidators;
	type MaxValidators = ConstU32<6>;
	type WeightInfo = ();
}

/// Externalities with the [`GENESIS`] validators and sessions of [`SESSION_LENGTH`] blocks, at
/// block 1.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = RuntimeGenesisConfig {
		consortium: pallet_consortium::GenesisConfig {
			validators: GENESIS.to_vec(),
			session_length: SESSION_LENGTH,
			min_validators: 3,
		},
		..Default::default()
	}
	.build_storage()
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test`, then checks the storage invariants.
pub fn run(test: impl FnOnce()) {
	ActiveValidators::set(GENESIS.to_vec());
	new_test_ext().execute_with(|| {
		test();
		Consortium::do_try_state().expect("storage invariants hold after the test");
	})
}

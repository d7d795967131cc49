//! The council governs the badge registry: a motion of two thirds of its members registers an
//! issuer; one member alone cannot; non-members cannot propose.

use badge_runtime::{
	configs::CouncilCollective, AccountId, BuildStorage, Runtime, RuntimeCall, RuntimeEvent,
	RuntimeGenesisConfig, RuntimeOrigin, System,
};
use codec::Encode;
use frame_support::{assert_noop, assert_ok, weights::Weight};
use sp_keyring::Sr25519Keyring::{Alice, Bob, Charlie, Ferdie};
use sp_runtime::traits::Hash;

type Council = pallet_collective::Pallet<Runtime, CouncilCollective>;

fn ext(members: &[AccountId]) -> sp_io::TestExternalities {
	let mut genesis = RuntimeGenesisConfig::default();
	genesis.council_membership.members = members.to_vec().try_into().unwrap();
	let mut ext: sp_io::TestExternalities = genesis.build_storage().unwrap().into();
	ext.execute_with(|| System::set_block_number(1));
	ext
}

fn register(issuer: AccountId) -> RuntimeCall {
	RuntimeCall::Badges(pallet_badges::Call::register_issuer {
		issuer,
		profile: pallet_badges::IssuerProfile {
			name: b"Ministry".to_vec().try_into().unwrap(),
			url: b"https://ministry.example.jp".to_vec().try_into().unwrap(),
			contact: None,
		},
	})
}

/// A council of Alice, Bob and Charlie.
fn three_members() -> [AccountId; 3] {
	[
		Alice.to_account_id(),
		Bob.to_account_id(),
		Charlie.to_account_id(),
	]
}

fn is_issuer(who: &AccountId) -> bool {
	pallet_badges::Issuers::<Runtime>::contains_key(who)
}

#[test]
fn two_thirds_of_the_council_register_an_issuer() {
	ext(&three_members()).execute_with(|| {
		let call = register(Ferdie.to_account_id());
		let length = call.encoded_size() as u32;
		let hash = <Runtime as frame_system::Config>::Hashing::hash_of(&call);
		assert_ok!(Council::propose(
			RuntimeOrigin::signed(Alice.to_account_id()),
			2,
			Box::new(call),
			length
		));
		assert_ok!(Council::vote(
			RuntimeOrigin::signed(Alice.to_account_id()),
			hash,
			0,
			true
		));
		assert!(
			!is_issuer(&Ferdie.to_account_id()),
			"one vote is not enough"
		);
		// Closing with one aye of three is refused.
		assert!(Council::close(
			RuntimeOrigin::signed(Alice.to_account_id()),
			hash,
			0,
			Weight::from_parts(1_000_000_000_000, 1_000_000),
			length
		)
		.is_err());
		assert_ok!(Council::vote(
			RuntimeOrigin::signed(Bob.to_account_id()),
			hash,
			0,
			true
		));
		assert_ok!(Council::close(
			RuntimeOrigin::signed(Bob.to_account_id()),
			hash,
			0,
			Weight::from_parts(1_000_000_000_000, 1_000_000),
			length
		));
		assert!(
			is_issuer(&Ferdie.to_account_id()),
			"two of three pass the motion"
		);
	});
}

#[test]
fn one_member_cannot_pass_a_motion_alone() {
	ext(&three_members()).execute_with(|| {
		let call = register(Ferdie.to_account_id());
		let length = call.encoded_size() as u32;
		// A threshold of one executes at once, with the origin "1 of 3": not two thirds.
		assert_ok!(Council::propose(
			RuntimeOrigin::signed(Alice.to_account_id()),
			1,
			Box::new(call),
			length
		));
		assert!(!is_issuer(&Ferdie.to_account_id()));
		let executed = System::events().into_iter().any(|r| {
			matches!(
				r.event,
				RuntimeEvent::Council(pallet_collective::Event::Executed { result: Err(_), .. })
			)
		});
		assert!(executed, "the motion ran and was refused");
	});
}

#[test]
fn non_members_cannot_propose_and_signed_accounts_are_not_admin() {
	ext(&[Alice.to_account_id()]).execute_with(|| {
		let call = register(Ferdie.to_account_id());
		let length = call.encoded_size() as u32;
		assert_noop!(
			Council::propose(
				RuntimeOrigin::signed(Bob.to_account_id()),
				1,
				Box::new(call),
				length
			),
			pallet_collective::Error::<Runtime, CouncilCollective>::NotMember
		);
		assert_noop!(
			pallet_badges::Pallet::<Runtime>::register_issuer(
				RuntimeOrigin::signed(Alice.to_account_id()),
				Ferdie.to_account_id(),
				pallet_badges::IssuerProfile {
					name: b"x".to_vec().try_into().unwrap(),
					url: Default::default(),
					contact: None
				}
			),
			sp_runtime::DispatchError::BadOrigin
		);
	});
}

#[test]
fn a_single_member_dev_council_governs_alone() {
	ext(&[Alice.to_account_id()]).execute_with(|| {
		let call = register(Ferdie.to_account_id());
		let length = call.encoded_size() as u32;
		assert_ok!(Council::propose(
			RuntimeOrigin::signed(Alice.to_account_id()),
			1,
			Box::new(call),
			length
		));
		assert!(is_issuer(&Ferdie.to_account_id()), "1 of 1 is two thirds");
	});
}

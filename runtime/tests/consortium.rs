//! The consortium on the real runtime with the `local_testnet` genesis (four members, each a
//! council member and validator, their nodes authorized): validators join and leave by council
//! motion, effective from the session after next; the floor holds; the council, and no one
//! else, authorizes runtime upgrades and recovers a stalled GRANDPA. There is no sudo.

use badge_runtime::{
	configs::CouncilCollective, genesis_config_presets, AccountId, Grandpa, Runtime, RuntimeCall,
	RuntimeEvent, RuntimeGenesisConfig, RuntimeOrigin, Session, SessionKeys, System,
};
use codec::Encode;
use frame_support::{assert_noop, assert_ok, weights::Weight};
use sp_core::OpaquePeerId;
use sp_keyring::Sr25519Keyring::{Alice, Bob, Charlie, Dave, Eve};
use sp_keystore::{testing::MemoryKeystore, KeystoreExt};
use sp_runtime::{traits::Hash, DispatchError};

type Council = pallet_collective::Pallet<Runtime, CouncilCollective>;

/// Externalities with the `local_testnet` preset's genesis and a keystore, at block 1.
fn local() -> sp_io::TestExternalities {
	let mut ext = sp_io::TestExternalities::default();
	ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
	ext.execute_with(|| {
		// As the node does: the preset is a patch over the default genesis.
		let mut genesis = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
		merge(&mut genesis, genesis_config_presets::local_config_genesis());
		frame_support::genesis_builder_helper::build_state::<RuntimeGenesisConfig>(
			serde_json::to_vec(&genesis).unwrap(),
		)
		.expect("the local preset builds");
		System::set_block_number(1);
	});
	ext
}

/// End the session: rotate, let GRANDPA enact its scheduled change, go to the next block.
fn rotate() {
	use frame_support::traits::Hooks;
	let now = System::block_number();
	Session::rotate_session();
	<Grandpa as Hooks<u32>>::on_finalize(now);
	System::set_block_number(now + 1);
}

/// Merge a JSON patch into `base` (objects key by key, anything else replaced).
fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
	match (base, patch) {
		(serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
			for (key, value) in patch {
				merge(base.entry(key).or_insert(serde_json::Value::Null), value);
			}
		}
		(base, patch) => *base = patch,
	}
}

/// Pass `call` by motion: Alice proposes, Alice, Bob and Charlie vote aye (3 of 4), Bob closes.
/// Returns the motion's dispatch result.
fn motion(call: RuntimeCall) -> Result<(), DispatchError> {
	let length = call.encoded_size() as u32;
	let hash = <Runtime as frame_system::Config>::Hashing::hash_of(&call);
	let index = pallet_collective::ProposalCount::<Runtime, CouncilCollective>::get();
	assert_ok!(Council::propose(
		RuntimeOrigin::signed(Alice.to_account_id()),
		3,
		Box::new(call),
		length
	));
	for voter in [Alice, Bob, Charlie] {
		assert_ok!(Council::vote(
			RuntimeOrigin::signed(voter.to_account_id()),
			hash,
			index,
			true
		));
	}
	System::reset_events();
	assert_ok!(Council::close(
		RuntimeOrigin::signed(Bob.to_account_id()),
		hash,
		index,
		Weight::from_parts(500_000_000_000, 1_000_000),
		length
	));
	System::events()
		.into_iter()
		.find_map(|r| match r.event {
			RuntimeEvent::Council(pallet_collective::Event::Executed { result, .. }) => {
				Some(result)
			}
			_ => None,
		})
		.expect("the motion was executed")
}

fn aura_authorities() -> Vec<sp_consensus_aura::sr25519::AuthorityId> {
	pallet_aura::Authorities::<Runtime>::get().into_inner()
}

fn aura_key(who: sp_keyring::Sr25519Keyring) -> sp_consensus_aura::sr25519::AuthorityId {
	who.public().into()
}

fn validators() -> Vec<AccountId> {
	pallet_consortium::Validators::<Runtime>::get().into_inner()
}

/// Eve's node's peer id (any bytes do for the runtime).
fn eve_node() -> OpaquePeerId {
	OpaquePeerId(b"eve-node".to_vec())
}

#[test]
fn local_genesis_has_four_validators_four_authorized_nodes_and_no_sudo() {
	local().execute_with(|| {
		let members = [Alice, Bob, Charlie, Dave];
		assert_eq!(
			validators(),
			members
				.iter()
				.map(|m| m.to_account_id())
				.collect::<Vec<_>>()
		);
		assert_eq!(
			aura_authorities(),
			members.iter().map(|m| aura_key(*m)).collect::<Vec<_>>()
		);
		assert_eq!(Grandpa::grandpa_authorities().len(), 4);
		assert_eq!(pallet_session::Validators::<Runtime>::get().len(), 4);
		assert_eq!(
			pallet_node_authorization::WellKnownNodes::<Runtime>::get().len(),
			4
		);
		assert_eq!(
			pallet_collective::Members::<Runtime, CouncilCollective>::get().len(),
			4
		);
		let metadata = badge_runtime::Runtime::metadata_at_version(16).unwrap();
		let text = format!("{:?}", &*metadata);
		assert!(
			!text.contains("pallet_sudo"),
			"no sudo pallet in the runtime"
		);
		pallet_consortium::Pallet::<Runtime>::do_try_state().unwrap();
	});
}

#[test]
fn a_fifth_member_joins_from_the_session_after_next_and_leaves_the_same_way() {
	local().execute_with(|| {
		let eve = Eve.to_account_id();
		// The council adds Eve's validator and authorizes her node in one motion.
		assert_ok!(motion(RuntimeCall::Utility(
			pallet_utility::Call::batch_all {
				calls: vec![
					RuntimeCall::Consortium(pallet_consortium::Call::add_validator {
						validator: eve.clone()
					}),
					RuntimeCall::NodeAuthorization(
						pallet_node_authorization::Call::add_well_known_node {
							node: eve_node(),
							owner: eve.clone().into(),
						}
					),
				]
			}
		)));
		assert!(pallet_node_authorization::WellKnownNodes::<Runtime>::get().contains(&eve_node()));
		// Eve generates session keys (as `author_rotateKeysWithOwner` does on her node) and
		// sets them: her account exists (a provider reference came with the validator seat).
		let generated = SessionKeys::generate(&eve.encode(), None);
		let keys: SessionKeys = generated.keys;
		assert_ok!(Session::set_keys(
			RuntimeOrigin::signed(eve.clone()),
			keys.clone(),
			generated.proof.encode()
		));
		// First boundary: planned, not active.
		rotate();
		assert!(!aura_authorities().contains(&keys.aura));
		// Second boundary: Eve authors.
		rotate();
		assert!(aura_authorities().contains(&keys.aura));
		assert_eq!(aura_authorities().len(), 5);
		assert!(Grandpa::grandpa_authorities()
			.iter()
			.any(|(k, _)| k == &keys.grandpa));

		// Removal works the same way round.
		assert_ok!(motion(RuntimeCall::Utility(
			pallet_utility::Call::batch_all {
				calls: vec![
					RuntimeCall::Consortium(pallet_consortium::Call::remove_validator {
						validator: eve.clone()
					}),
					RuntimeCall::NodeAuthorization(
						pallet_node_authorization::Call::remove_well_known_node {
							node: eve_node()
						}
					),
				]
			}
		)));
		rotate();
		assert!(aura_authorities().contains(&keys.aura));
		rotate();
		assert!(!aura_authorities().contains(&keys.aura));
		assert_eq!(aura_authorities().len(), 4);
		pallet_consortium::Pallet::<Runtime>::do_try_state().unwrap();
	});
}

#[test]
fn removals_stop_at_the_floor_and_only_the_council_changes_the_set() {
	local().execute_with(|| {
		assert_noop!(
			pallet_consortium::Pallet::<Runtime>::add_validator(
				RuntimeOrigin::signed(Alice.to_account_id()),
				Eve.to_account_id()
			),
			DispatchError::BadOrigin
		);
		assert_ok!(motion(RuntimeCall::Consortium(
			pallet_consortium::Call::remove_validator {
				validator: Dave.to_account_id()
			}
		)));
		let refused = motion(RuntimeCall::Consortium(
			pallet_consortium::Call::remove_validator {
				validator: Charlie.to_account_id(),
			},
		));
		assert_eq!(
			refused,
			Err(pallet_consortium::Error::<Runtime>::TooFewValidators.into())
		);
		assert_eq!(validators().len(), 3);
	});
}

#[test]
fn the_council_authorizes_a_runtime_upgrade_and_anyone_applies_it() {
	local().execute_with(|| {
		let code = badge_runtime::WASM_BINARY
			.expect("built with the WASM runtime")
			.to_vec();
		let code_hash = <Runtime as frame_system::Config>::Hashing::hash(&code);
		// One member alone cannot.
		assert_noop!(
			pallet_consortium::Pallet::<Runtime>::enact(
				RuntimeOrigin::signed(Alice.to_account_id()),
				Box::new(RuntimeCall::System(frame_system::Call::authorize_upgrade {
					code_hash
				}))
			),
			DispatchError::BadOrigin
		);
		// The usual way: authorized with the version check (applying it then needs a newer
		// runtime, which the node checks with its executor).
		assert_ok!(motion(RuntimeCall::Consortium(
			pallet_consortium::Call::enact {
				call: Box::new(RuntimeCall::System(frame_system::Call::authorize_upgrade {
					code_hash
				}))
			}
		)));
		assert!(System::events().iter().any(|r| matches!(
			r.event,
			RuntimeEvent::System(frame_system::Event::UpgradeAuthorized {
				check_version: true,
				..
			})
		)));
		// Without the version check (an emergency), the code is applied.
		assert_ok!(motion(RuntimeCall::Consortium(
			pallet_consortium::Call::enact {
				call: Box::new(RuntimeCall::System(
					frame_system::Call::authorize_upgrade_without_checks { code_hash }
				))
			}
		)));
		System::reset_events();
		assert_ok!(frame_system::Pallet::<Runtime>::apply_authorized_upgrade(
			RuntimeOrigin::signed(Eve.to_account_id()),
			code
		));
		assert!(System::events().iter().any(|r| matches!(
			r.event,
			RuntimeEvent::System(frame_system::Event::CodeUpdated { .. })
		)));
	});
}

#[test]
fn the_council_recovers_a_stalled_finality_but_may_not_enact_anything_else() {
	local().execute_with(|| {
		assert_ok!(motion(RuntimeCall::Consortium(
			pallet_consortium::Call::enact {
				call: Box::new(RuntimeCall::Grandpa(pallet_grandpa::Call::note_stalled {
					delay: 5,
					best_finalized_block_number: 1,
				}))
			}
		)));
		assert_eq!(pallet_grandpa::Stalled::<Runtime>::get(), Some((5, 1)));
		let refused = motion(RuntimeCall::Consortium(pallet_consortium::Call::enact {
			call: Box::new(RuntimeCall::System(frame_system::Call::set_storage {
				items: vec![],
			})),
		}));
		assert_eq!(
			refused,
			Err(pallet_consortium::Error::<Runtime>::CallNotEnactable.into())
		);
		assert_eq!(aura_authorities().len(), 4);
	});
}

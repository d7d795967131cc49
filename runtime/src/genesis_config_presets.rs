//! Genesis presets: the chain specs are generated from these (by the node's `build-spec` and by
//! `chain-spec-builder`), so both always agree.

use crate::{AccountId, BadgesConfig, CouncilMembershipConfig, RuntimeGenesisConfig, SudoConfig};
use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

/// Name of the four-validator loopback preset.
pub const LOCAL_TESTNET_RUNTIME_PRESET: &str = "local_testnet";

/// The genesis of a chain with these validators, sudo key, council and genesis issuers.
fn testnet_genesis(
	authorities: Vec<(AuraId, GrandpaId)>,
	root: AccountId,
	council: Vec<AccountId>,
	issuers: Vec<(AccountId, Vec<u8>, Vec<u8>)>,
) -> Value {
	let council: frame_support::BoundedVec<_, _> =
		council.try_into().expect("at most 32 council members; qed");
	build_struct_json_patch!(RuntimeGenesisConfig {
		aura: pallet_aura::GenesisConfig {
			authorities: authorities
				.iter()
				.map(|(aura, _)| aura.clone())
				.collect::<Vec<_>>(),
		},
		grandpa: pallet_grandpa::GenesisConfig {
			authorities: authorities
				.iter()
				.map(|(_, grandpa)| (grandpa.clone(), 1))
				.collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: Some(root) },
		council_membership: CouncilMembershipConfig { members: council },
		badges: BadgesConfig { issuers },
	})
}

/// The well-known dev session keys of `name`: sr25519 `//Name` for Aura, ed25519 `//Name` for
/// GRANDPA. Public knowledge: never for a real network.
fn dev_authority(name: Sr25519Keyring) -> (AuraId, GrandpaId) {
	let grandpa = match name {
		Sr25519Keyring::Alice => Ed25519Keyring::Alice,
		Sr25519Keyring::Bob => Ed25519Keyring::Bob,
		Sr25519Keyring::Charlie => Ed25519Keyring::Charlie,
		Sr25519Keyring::Dave => Ed25519Keyring::Dave,
		Sr25519Keyring::Eve => Ed25519Keyring::Eve,
		_ => Ed25519Keyring::Ferdie,
	};
	(name.public().into(), grandpa.public().into())
}

/// `development`: one validator (Alice), Alice as sudo and sole council member. Dev keys: never
/// for a real network.
pub fn development_config_genesis() -> Value {
	testnet_genesis(
		vec![dev_authority(Sr25519Keyring::Alice)],
		Sr25519Keyring::Alice.to_account_id(),
		vec![Sr25519Keyring::Alice.to_account_id()],
		vec![],
	)
}

/// `local_testnet`: four validators (Alice, Bob, Charlie, Dave) on loopback, the same four as
/// the council, Alice as sudo.
pub fn local_config_genesis() -> Value {
	testnet_genesis(
		[
			Sr25519Keyring::Alice,
			Sr25519Keyring::Bob,
			Sr25519Keyring::Charlie,
			Sr25519Keyring::Dave,
		]
		.into_iter()
		.map(dev_authority)
		.collect(),
		Sr25519Keyring::Alice.to_account_id(),
		[
			Sr25519Keyring::Alice,
			Sr25519Keyring::Bob,
			Sr25519Keyring::Charlie,
			Sr25519Keyring::Dave,
		]
		.into_iter()
		.map(|k| k.to_account_id())
		.collect(),
		vec![],
	)
}

/// The preset called `id`, as JSON.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("serialization to json is expected to work; qed")
			.into_bytes(),
	)
}

/// The names of the presets.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(LOCAL_TESTNET_RUNTIME_PRESET),
	]
}

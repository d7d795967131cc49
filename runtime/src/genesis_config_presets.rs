//! Genesis presets: the chain specs are generated from these (by the node's `build-spec` and by
//! `chain-spec-builder`), so both always agree. The consortium spec is not a preset: it is built
//! from a description of member organisations with fresh keys (the node's `consortium-spec`
//! command), through [`ConsortiumGenesis`].

use crate::{
	AccountId, BadgesConfig, ConsortiumConfig, CouncilMembershipConfig, NodeAuthorizationConfig,
	RuntimeGenesisConfig, SessionConfig, SessionKeys,
};
use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_core::OpaquePeerId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

/// Name of the four-validator loopback preset.
pub const LOCAL_TESTNET_RUNTIME_PRESET: &str = "local_testnet";

/// Sessions of the dev and local chains: 10 blocks (20 s), so that validator changes show within
/// a minute.
pub const TEST_SESSION_LENGTH: crate::BlockNumber = 10;

/// The network keys of the local testnet's four nodes are the 32-byte secrets 1, 2, 3 and 4
/// (`printf '%064x' 1 > key; badge-node --node-key-file key`): public knowledge, for loopback
/// only. These are their peer ids, as bytes (`12D3KooWEyopp…`, `12D3KooWHdiA…`,
/// `12D3KooWSCuf…`, `12D3KooWSsCh…`); a node test checks them against the node's own derivation.
pub const LOCAL_TESTNET_PEER_IDS: [[u8; 38]; 4] = [
	hex_literal(b"0024080112204cb5abf6ad79fbf5abbccafcc269d85cd2651ed4b885b5869f241aedf0a5ba29"),
	hex_literal(b"0024080112207422b9887598068e32c4448a949adb290d0f4e35b9e01b0ee5f1a1e600fe2674"),
	hex_literal(b"002408011220f381626e41e7027ea431bfe3009e94bdd25a746beec468948d6c3c7c5dc9a54b"),
	hex_literal(b"002408011220fd50b8e3b144ea244fbf7737f550bc8dd0c2650bbc1aada833ca17ff8dbf329b"),
];

/// Decodes 76 hex digits at compile time.
const fn hex_literal(hex: &[u8; 76]) -> [u8; 38] {
	const fn digit(c: u8) -> u8 {
		match c {
			b'0'..=b'9' => c - b'0',
			b'a'..=b'f' => c - b'a' + 10,
			_ => panic!("not a lowercase hex digit"),
		}
	}
	let mut out = [0u8; 38];
	let mut i = 0;
	while i < 38 {
		out[i] = digit(hex[2 * i]) << 4 | digit(hex[2 * i + 1]);
		i += 1;
	}
	out
}

/// One member organisation at genesis: its account (council member and validator), its session
/// keys and its node's peer id.
#[derive(Clone)]
pub struct Member {
	/// The organisation's account: council member, validator, owner of its node.
	pub account: AccountId,
	/// Aura (block authoring) key.
	pub aura: AuraId,
	/// GRANDPA (finality) key.
	pub grandpa: GrandpaId,
	/// The peer id of its validator node, if node authorization is on.
	pub peer_id: Option<Vec<u8>>,
}

/// What a genesis needs beyond the members.
pub struct ConsortiumGenesis {
	/// The member organisations, each a council member and validator.
	pub members: Vec<Member>,
	/// Blocks per session.
	pub session_length: crate::BlockNumber,
	/// The fewest validators the council may leave.
	pub min_validators: u32,
	/// Issuers registered at genesis: (account, name, url).
	pub issuers: Vec<(AccountId, Vec<u8>, Vec<u8>)>,
}

impl ConsortiumGenesis {
	/// The genesis patch: members as council and validators with their session keys, their
	/// nodes as the well-known nodes, no sudo.
	pub fn patch(self) -> Value {
		let council: frame_support::BoundedVec<_, _> = self
			.members
			.iter()
			.map(|m| m.account.clone())
			.collect::<Vec<_>>()
			.try_into()
			.expect("at most 32 council members; qed");
		let keys = self
			.members
			.iter()
			.map(|m| {
				(
					m.account.clone(),
					m.account.clone(),
					SessionKeys {
						aura: m.aura.clone(),
						grandpa: m.grandpa.clone(),
					},
				)
			})
			.collect::<Vec<_>>();
		let nodes = self
			.members
			.iter()
			.filter_map(|m| Some((OpaquePeerId(m.peer_id.clone()?), m.account.clone())))
			.collect::<Vec<_>>();
		build_struct_json_patch!(RuntimeGenesisConfig {
			session: SessionConfig { keys },
			consortium: ConsortiumConfig {
				validators: self
					.members
					.iter()
					.map(|m| m.account.clone())
					.collect::<Vec<_>>(),
				session_length: self.session_length,
				min_validators: self.min_validators,
			},
			council_membership: CouncilMembershipConfig { members: council },
			node_authorization: NodeAuthorizationConfig { nodes },
			badges: BadgesConfig {
				issuers: self.issuers
			},
		})
	}
}

/// The well-known dev member `name`: account and sr25519 `//Name` for Aura, ed25519 `//Name` for
/// GRANDPA. Public knowledge: never for a real network.
fn dev_member(name: Sr25519Keyring, peer_id: Option<Vec<u8>>) -> Member {
	let grandpa = match name {
		Sr25519Keyring::Alice => Ed25519Keyring::Alice,
		Sr25519Keyring::Bob => Ed25519Keyring::Bob,
		Sr25519Keyring::Charlie => Ed25519Keyring::Charlie,
		Sr25519Keyring::Dave => Ed25519Keyring::Dave,
		Sr25519Keyring::Eve => Ed25519Keyring::Eve,
		_ => Ed25519Keyring::Ferdie,
	};
	Member {
		account: name.to_account_id(),
		aura: name.public().into(),
		grandpa: grandpa.public().into(),
		peer_id,
	}
}

/// `development`: one validator (Alice), Alice the sole council member, so a newcomer governs
/// alone (a motion of one passes at once). No authorized nodes: node authorization makes a dev
/// node run alone (its offchain worker allows no peer) until the council authorizes some. Dev
/// keys: never for a real network.
pub fn development_config_genesis() -> Value {
	ConsortiumGenesis {
		members: vec![dev_member(Sr25519Keyring::Alice, None)],
		session_length: TEST_SESSION_LENGTH,
		min_validators: 1,
		issuers: vec![],
	}
	.patch()
}

/// `local_testnet`: four validators (Alice, Bob, Charlie, Dave) on loopback, the same four as
/// the council, their nodes (network keys 1 to 4) the only authorized ones; at least three
/// validators must remain.
pub fn local_config_genesis() -> Value {
	ConsortiumGenesis {
		members: [
			Sr25519Keyring::Alice,
			Sr25519Keyring::Bob,
			Sr25519Keyring::Charlie,
			Sr25519Keyring::Dave,
		]
		.into_iter()
		.zip(LOCAL_TESTNET_PEER_IDS)
		.map(|(name, peer)| dev_member(name, Some(peer.to_vec())))
		.collect(),
		session_length: TEST_SESSION_LENGTH,
		min_validators: 3,
		issuers: vec![],
	}
	.patch()
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

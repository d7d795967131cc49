//! `badge-node consortium-spec`: the chain spec of a real consortium, from a small description
//! of its member organisations (TOML). Every member brings its own fresh keys; the command
//! refuses the well-known development keys, duplicates and a floor the members cannot meet.
//!
//! ```toml
//! name = "Open Badge Consortium"
//! id = "open_badge_consortium"
//! session_length = 1800          # blocks per session (1 hour at 2 s)
//! min_validators = 3             # the council cannot remove validators below this
//! boot_nodes = ["/dns/node.agency.example.jp/tcp/30333/p2p/12D3KooW…"]
//!
//! [[members]]
//! name = "Digital Agency"        # for people and error messages; not stored on chain
//! account = "5F…"                # SS58: council member, validator, node owner
//! aura = "5G…"                   # SS58 or 0x hex of the sr25519 block-authoring key
//! grandpa = "5H…"                # SS58 or 0x hex of the ed25519 finality key
//! peer_id = "12D3KooW…"          # its validator node (`key inspect-node-key`)
//! ```

use crate::chain_spec::ChainSpec;
use badge_runtime::{
	genesis_config_presets::{ConsortiumGenesis, Member},
	AccountId,
};
use sc_service::ChainType;
use sp_core::{
	crypto::{ByteArray, Ss58Codec},
	ed25519, sr25519,
};
use std::{
	collections::{HashMap, HashSet},
	path::PathBuf,
	str::FromStr,
};

/// Write the chain spec of a consortium described in a TOML file.
#[derive(Debug, clap::Parser)]
pub struct ConsortiumSpecCmd {
	/// The description of the member organisations (TOML; see `chain-specs/consortium.toml`).
	#[arg(long, value_name = "FILE")]
	pub description: PathBuf,

	/// Where to write the chain spec (JSON); standard output if absent.
	#[arg(long, value_name = "FILE")]
	pub output: Option<PathBuf>,

	/// Write the raw form (genesis storage) instead of the genesis configuration.
	#[arg(long)]
	pub raw: bool,
}

/// The description file.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Description {
	/// The network's human-readable name.
	pub name: String,
	/// The network's id (also its database folder name).
	pub id: String,
	/// Blocks per session: validator changes take effect one to two sessions after the motion.
	pub session_length: u32,
	/// The fewest validators the council may leave.
	pub min_validators: u32,
	/// Multiaddresses of nodes a new node dials first.
	#[serde(default)]
	pub boot_nodes: Vec<String>,
	/// The member organisations.
	pub members: Vec<MemberDescription>,
}

/// One member organisation in the description.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberDescription {
	/// The organisation's name (for people and error messages only).
	pub name: String,
	/// Its account (SS58).
	pub account: String,
	/// Its Aura key (SS58 or 0x hex, sr25519).
	pub aura: String,
	/// Its GRANDPA key (SS58 or 0x hex, ed25519).
	pub grandpa: String,
	/// Its validator node's peer id.
	pub peer_id: String,
}

/// The most members a council holds (the runtime's `MaxMembers`).
const MAX_MEMBERS: usize = 32;

impl ConsortiumSpecCmd {
	/// Read the description, check it, and write the spec.
	pub fn run(&self) -> Result<(), String> {
		let text = std::fs::read_to_string(&self.description)
			.map_err(|e| format!("cannot read {}: {e}", self.description.display()))?;
		let description: Description =
			toml::from_str(&text).map_err(|e| format!("{}: {e}", self.description.display()))?;
		let spec =
			build(&description).map_err(|e| format!("{}: {e}", self.description.display()))?;
		let json = sc_service::ChainSpec::as_json(&spec, self.raw)?;
		match &self.output {
			Some(path) => std::fs::write(path, json + "\n")
				.map_err(|e| format!("cannot write {}: {e}", path.display())),
			None => {
				use std::io::Write;
				writeln!(std::io::stdout(), "{json}")
					.map_err(|e| format!("cannot write the spec: {e}"))
			}
		}
	}
}

/// The chain spec of `description`, after checking it.
pub fn build(description: &Description) -> Result<ChainSpec, String> {
	let members = members(description)?;
	let patch = ConsortiumGenesis {
		members,
		session_length: description.session_length,
		min_validators: description.min_validators,
		issuers: vec![],
	}
	.patch();
	let boot_nodes = description
		.boot_nodes
		.iter()
		.map(|a| {
			sc_network::config::MultiaddrWithPeerId::from_str(a)
				.map_err(|e| format!("boot node `{a}`: {e}"))
		})
		.collect::<Result<Vec<_>, _>>()?;
	let mut properties = sc_service::Properties::new();
	properties.insert("ss58Format".into(), 42.into());
	Ok(ChainSpec::builder(crate::chain_spec::wasm()?, None)
		.with_name(&description.name)
		.with_id(&description.id)
		.with_chain_type(ChainType::Live)
		.with_boot_nodes(boot_nodes)
		.with_genesis_config_patch(patch)
		.with_properties(properties)
		.build())
}

/// The members of `description` as genesis members, refusing dev keys, duplicates and a
/// membership that cannot meet its own floor.
fn members(description: &Description) -> Result<Vec<Member>, String> {
	if description.session_length == 0 {
		return Err("session_length must be at least 1 block".into());
	}
	if description.min_validators == 0 {
		return Err("min_validators must be at least 1".into());
	}
	let count = description.members.len();
	if count < description.min_validators as usize {
		return Err(format!(
			"{count} members cannot meet min_validators = {}",
			description.min_validators
		));
	}
	if count > MAX_MEMBERS {
		return Err(format!(
			"{count} members: a council holds at most {MAX_MEMBERS}"
		));
	}
	let dev = dev_keys();
	// Every key seen so far, with the member who brought it.
	let mut seen = HashMap::new();
	let mut out = Vec::with_capacity(count);
	for m in &description.members {
		let who = |what: &str, e: String| format!("member `{}`: {what}: {e}", m.name);
		let account = AccountId::from_ss58check(m.account.trim())
			.map_err(|e| who("account", format!("not an SS58 address ({e:?})")))?;
		let aura = public::<sr25519::Public>(&m.aura).map_err(|e| who("aura", e))?;
		let grandpa = public::<ed25519::Public>(&m.grandpa).map_err(|e| who("grandpa", e))?;
		let peer_id = sc_network::PeerId::from_str(m.peer_id.trim())
			.map_err(|e| who("peer_id", e.to_string()))?;
		for (what, key) in [
			("account", AsRef::<[u8]>::as_ref(&account).to_vec()),
			("aura", aura.to_raw_vec()),
			("grandpa", grandpa.to_raw_vec()),
		] {
			if dev.contains(&key) {
				return Err(who(
					what,
					"a well-known development key: generate a fresh one".into(),
				));
			}
			if let Some(owner) = seen.insert(key, &m.name) {
				return Err(who(what, used_by(owner, &m.name)));
			}
		}
		if let Some(owner) = seen.insert(peer_id.to_bytes(), &m.name) {
			return Err(who("peer_id", used_by(owner, &m.name)));
		}
		out.push(Member {
			account,
			aura: aura.into(),
			grandpa: grandpa.into(),
			peer_id: Some(peer_id.to_bytes()),
		});
	}
	Ok(out)
}

/// Why a key of member `name` already seen with `owner` is refused.
fn used_by(owner: &str, name: &str) -> String {
	if owner == name {
		// Session keys live on the node; the account key should stay offline.
		"the same key as another of this member's keys: use separate keys".into()
	} else {
		format!("already used by member `{owner}`")
	}
}

/// A public key written as SS58 or as `0x` and 64 hex digits.
fn public<P: Ss58Codec + ByteArray>(text: &str) -> Result<P, String> {
	let text = text.trim();
	if let Some(hex) = text.strip_prefix("0x") {
		let bytes = hex::decode(hex).map_err(|e| format!("bad hex: {e}"))?;
		P::from_slice(&bytes).map_err(|_| format!("{} bytes, not {}", bytes.len(), P::LEN))
	} else {
		P::from_ss58check(text).map_err(|e| format!("not SS58 or 0x hex ({e:?})"))
	}
}

/// Every well-known development public key (`//Alice` … `//Ferdie` and their `//stash`, sr25519
/// and ed25519), raw.
fn dev_keys() -> HashSet<Vec<u8>> {
	let sr = sp_keyring::Sr25519Keyring::iter().map(|k| k.public().to_raw_vec());
	let ed = sp_keyring::Ed25519Keyring::iter().map(|k| k.public().to_raw_vec());
	sr.chain(ed).collect()
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::Pair;

	fn member(name: &str, seed: u8) -> MemberDescription {
		let account = sr25519::Pair::from_seed(&[seed; 32]);
		let sr = sr25519::Pair::from_seed(&[seed + 100; 32]);
		let ed = ed25519::Pair::from_seed(&[seed; 32]);
		let node = sc_network::config::ed25519::SecretKey::try_from_bytes([seed; 32]).unwrap();
		let node = sc_network::config::ed25519::Keypair::from(node);
		MemberDescription {
			name: name.into(),
			account: account.public().to_ss58check(),
			aura: sr.public().to_ss58check(),
			grandpa: format!("0x{}", hex::encode(ed.public())),
			peer_id: node.public().to_peer_id().to_string(),
		}
	}

	fn description(members: Vec<MemberDescription>) -> Description {
		Description {
			name: "Test".into(),
			id: "test".into(),
			session_length: 10,
			min_validators: 2,
			boot_nodes: vec![],
			members,
		}
	}

	/// Why `members` refuses these members.
	fn refused(members: Vec<MemberDescription>) -> String {
		match super::members(&description(members)) {
			Ok(_) => panic!("the description was accepted"),
			Err(e) => e,
		}
	}

	#[test]
	fn fresh_distinct_keys_make_members() {
		let members = members(&description(vec![member("A", 1), member("B", 2)])).unwrap();
		assert_eq!(members.len(), 2);
		assert!(members.iter().all(|m| m.peer_id.is_some()));
	}

	#[test]
	fn dev_keys_duplicates_and_an_unmeetable_floor_are_refused() {
		let mut alice = member("Alice's", 3);
		alice.account = sp_keyring::Sr25519Keyring::Alice
			.to_account_id()
			.to_ss58check();
		let err = refused(vec![member("A", 1), alice]);
		assert!(err.contains("development key"), "{err}");

		let err = refused(vec![member("A", 1), member("B", 1)]);
		assert!(err.contains("already used by member `A`"), "{err}");

		let mut reused = member("B", 2);
		reused.aura = reused.account.clone();
		let err = refused(vec![member("A", 1), reused]);
		assert!(err.contains("member `B`: aura: the same key"), "{err}");

		let err = refused(vec![member("A", 1)]);
		assert!(err.contains("min_validators"), "{err}");

		let mut bad = member("B", 2);
		bad.grandpa = "0x1234".into();
		let err = refused(vec![member("A", 1), bad]);
		assert!(err.contains("member `B`: grandpa"), "{err}");
	}
}

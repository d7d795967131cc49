//! Council motions and the consortium's validator and node administration.
//!
//! Every admin act on this chain is a council motion: a member proposes a call, members vote,
//! and once at least two thirds say aye any member closes the motion, which dispatches the call.
//! A council of one (the dev chain) passes its motion as it proposes it. These helpers wrap the
//! collective's `propose`, `vote` and `close` and report what happened as a [`Governed`].

use crate::{account_of, runtime, AccountId32, BadgeClient, Error, Keypair, Landed, Wait, H256};
use runtime::runtime_types::{
	badge_runtime::RuntimeCall, pallet_consortium::pallet::Call as Consortium,
	pallet_node_authorization::pallet::Call as Nodes, pallet_utility::pallet::Call as Utility,
};

/// The bytes of a base58 peer id (`12D3KooW…`, as a node logs it and `key inspect-node-key`
/// prints it): what node authorization stores.
pub fn peer_id_bytes(peer_id: &str) -> Result<Vec<u8>, Error> {
	const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
	let s = peer_id.trim();
	let bad = || Error::InvalidInput(format!("`{s}` is not a peer id (base58, 12D3KooW…)"));
	// Big-endian base-256 digits of the base-58 number.
	let mut bytes: Vec<u8> = Vec::new();
	for c in s.bytes() {
		let mut carry = ALPHABET.iter().position(|a| *a == c).ok_or_else(bad)? as u32;
		for b in bytes.iter_mut().rev() {
			carry += (*b as u32) * 58;
			*b = (carry & 0xff) as u8;
			carry >>= 8;
		}
		while carry > 0 {
			bytes.insert(0, (carry & 0xff) as u8);
			carry >>= 8;
		}
	}
	let zeros = s.bytes().take_while(|c| *c == b'1').count();
	let mut out = vec![0u8; zeros];
	out.extend(bytes);
	// An ed25519 peer id: identity multihash (0x00, length 0x24) of a protobuf public key.
	if out.len() < 6 || out[0] != 0x00 || out[1] as usize != out.len() - 2 {
		return Err(bad());
	}
	Ok(out)
}

/// What a motion did.
pub enum Governed {
	/// The call was dispatched and succeeded (in the block of `Landed`).
	Done(Landed),
	/// The motion is open: members vote, then one closes it.
	Proposed(Motion),
}

impl Governed {
	/// The landed transaction if the call was dispatched, or [`Error::MotionOpen`].
	pub fn done(self) -> Result<Landed, Error> {
		match self {
			Governed::Done(landed) => Ok(landed),
			Governed::Proposed(motion) => Err(Error::MotionOpen {
				index: motion.index,
				hash: motion.hash,
				threshold: motion.threshold,
			}),
		}
	}
}

impl std::fmt::Debug for Governed {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			Governed::Done(landed) => f.debug_tuple("Done").field(&landed.block).finish(),
			Governed::Proposed(motion) => f.debug_tuple("Proposed").field(motion).finish(),
		}
	}
}

/// An open council motion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Motion {
	/// The motion's index (needed to vote and close).
	pub index: u32,
	/// The hash of the proposed call.
	pub hash: H256,
	/// Ayes needed to pass.
	pub threshold: u32,
	/// Ayes so far.
	pub ayes: u32,
	/// Nays so far.
	pub nays: u32,
	/// The block number after which the motion may be closed whatever the votes.
	pub end: u32,
}

/// The length bound given with motions: admin calls are small (a runtime upgrade's code travels
/// in `system.apply_authorized_upgrade`, outside any motion).
const LENGTH_BOUND: u32 = 64 * 1024;

/// Whether the motion's call was dispatched in `landed` (a council `Executed` event); the call's
/// own error if it failed.
fn executed(landed: &Landed) -> Result<bool, Error> {
	match landed
		.events
		.find_first::<runtime::council::events::Executed>()
		.transpose()?
	{
		Some(done) => match done.result {
			Ok(()) => Ok(true),
			Err(e) => Err(Error::from_runtime_dispatch_error(e, &landed.metadata)),
		},
		None => Ok(false),
	}
}

/// The two-thirds threshold of a council of `members`.
pub fn two_thirds(members: u32) -> u32 {
	(2 * members).div_ceil(3).max(1)
}

impl BadgeClient {
	/// The council's members (finalized state).
	pub async fn council_members(&self) -> Result<Vec<AccountId32>, Error> {
		let at = self.api.at_current_block().await?;
		Ok(at
			.storage()
			.fetch(runtime::storage().council().members(), ())
			.await?
			.decode()?)
	}

	/// The open motions (finalized state).
	pub async fn motions(&self) -> Result<Vec<Motion>, Error> {
		let at = self.api.at_current_block().await?;
		let hashes = at
			.storage()
			.fetch(runtime::storage().council().proposals(), ())
			.await?
			.decode()?;
		let mut motions = Vec::new();
		for hash in hashes.0 {
			let Some(votes) = at
				.storage()
				.try_fetch(runtime::storage().council().voting(), (hash,))
				.await?
			else {
				continue;
			};
			let votes = votes.decode()?;
			motions.push(Motion {
				index: votes.index,
				hash,
				threshold: votes.threshold,
				ayes: votes.ayes.len() as u32,
				nays: votes.nays.len() as u32,
				end: votes.end,
			});
		}
		Ok(motions)
	}

	/// Propose `call` as council `member`, asking for two thirds of the current council. A
	/// council of one passes it at once ([`Governed::Done`]); otherwise the motion is open and
	/// the proposer's own aye is not yet counted ([`Governed::Proposed`]).
	pub async fn propose(
		&self,
		member: &Keypair,
		call: RuntimeCall,
		wait: Wait,
	) -> Result<Governed, Error> {
		let members = self.council_members().await?;
		if !members.contains(&account_of(member)) {
			return Err(Error::InvalidInput(format!(
				"{} is not a council member",
				account_of(member)
			)));
		}
		let threshold = two_thirds(members.len() as u32);
		let tx = runtime::tx()
			.council()
			.propose(threshold, call, LENGTH_BOUND);
		let landed = self.submit(&tx, member, wait).await?;
		if executed(&landed)? {
			return Ok(Governed::Done(landed));
		}
		let proposed = landed
			.events
			.find_first::<runtime::council::events::Proposed>()
			.transpose()?
			.ok_or(Error::MissingEvent("Council::Proposed"))?;
		Ok(Governed::Proposed(Motion {
			index: proposed.proposal_index,
			hash: proposed.proposal_hash,
			threshold: proposed.threshold,
			ayes: 0,
			nays: 0,
			end: 0,
		}))
	}

	/// Vote on the motion `hash` (number `index`) as council `member`.
	pub async fn vote(
		&self,
		member: &Keypair,
		hash: H256,
		index: u32,
		aye: bool,
		wait: Wait,
	) -> Result<Landed, Error> {
		let tx = runtime::tx().council().vote(hash, index, aye);
		self.submit(&tx, member, wait).await
	}

	/// Close the motion `hash` (number `index`) as council `member`: with enough ayes the call
	/// is dispatched ([`Governed::Done`], or the call's own error); with enough nays, or after
	/// its end, it is disapproved ([`Error::MotionFailed`]).
	pub async fn close(
		&self,
		member: &Keypair,
		hash: H256,
		index: u32,
		wait: Wait,
	) -> Result<Governed, Error> {
		// The heaviest call a motion may dispatch (the runtime's `MaxProposalWeight`).
		let weight = runtime::runtime_types::sp_weights::weight_v2::Weight {
			ref_time: 500_000_000_000,
			proof_size: 5 * 1024 * 1024,
		};
		let tx = runtime::tx()
			.council()
			.close(hash, index, weight, LENGTH_BOUND);
		let landed = self.submit(&tx, member, wait).await?;
		if executed(&landed)? {
			return Ok(Governed::Done(landed));
		}
		if let Some(closed) = landed
			.events
			.find_first::<runtime::council::events::Closed>()
			.transpose()?
		{
			return Err(Error::MotionFailed {
				hash,
				yes: closed.yes,
				no: closed.no,
			});
		}
		Err(Error::MissingEvent("Council::Executed"))
	}

	/// Pass `call` by motion with the given council members: the first proposes, each votes aye,
	/// the first closes. For scripts and tests that hold enough members' keys.
	pub async fn pass_motion(
		&self,
		members: &[&Keypair],
		call: RuntimeCall,
		wait: Wait,
	) -> Result<Landed, Error> {
		let first = members
			.first()
			.ok_or_else(|| Error::InvalidInput("no council member given".into()))?;
		let motion = match self.propose(first, call, Wait::InBlock).await? {
			Governed::Done(landed) => return Ok(landed),
			Governed::Proposed(motion) => motion,
		};
		for member in members {
			self.vote(member, motion.hash, motion.index, true, Wait::InBlock)
				.await?;
		}
		self.close(first, motion.hash, motion.index, wait)
			.await?
			.done()
	}

	// ---- the validator set and node authorization ----

	/// The validator set the council has decided on (finalized state); it takes effect two
	/// session boundaries after each change.
	pub async fn validators(&self) -> Result<Vec<AccountId32>, Error> {
		let at = self.api.at_current_block().await?;
		Ok(at
			.storage()
			.fetch(runtime::storage().consortium().validators(), ())
			.await?
			.decode()?
			.0)
	}

	/// The validators of the current session (finalized state).
	pub async fn session_validators(&self) -> Result<Vec<AccountId32>, Error> {
		let at = self.api.at_current_block().await?;
		Ok(at
			.storage()
			.fetch(runtime::storage().session().validators(), ())
			.await?
			.decode()?)
	}

	/// The current session index (finalized state).
	pub async fn session_index(&self) -> Result<u32, Error> {
		let at = self.api.at_current_block().await?;
		Ok(at
			.storage()
			.fetch(runtime::storage().session().current_index(), ())
			.await?
			.decode()?)
	}

	/// The authorized nodes' peer ids, as bytes (finalized state).
	pub async fn well_known_nodes(&self) -> Result<Vec<Vec<u8>>, Error> {
		let at = self.api.at_current_block().await?;
		Ok(at
			.storage()
			.fetch(
				runtime::storage().node_authorization().well_known_nodes(),
				(),
			)
			.await?
			.decode()?
			.into_iter()
			.map(|peer| peer.0)
			.collect())
	}

	/// Set the signer's session keys (`keys` and `proof` as `author_rotateKeysWithOwner`
	/// returns them on the validator's own node).
	pub async fn set_session_keys(
		&self,
		validator: &Keypair,
		keys: &[u8],
		proof: &[u8],
		wait: Wait,
	) -> Result<Landed, Error> {
		// Aura (sr25519) then GRANDPA (ed25519) public keys, 32 bytes each.
		let (aura, grandpa): ([u8; 32], [u8; 32]) = match keys.len() {
			64 => (
				keys[..32].try_into().expect("32 bytes; qed"),
				keys[32..].try_into().expect("32 bytes; qed"),
			),
			n => {
				return Err(Error::InvalidInput(format!(
					"session keys of this chain are 64 bytes (Aura, GRANDPA), not {n}"
				)))
			}
		};
		let keys = runtime::runtime_types::badge_runtime::SessionKeys {
			aura: runtime::runtime_types::sp_consensus_aura::sr25519::app_sr25519::Public(aura),
			grandpa: runtime::runtime_types::sp_consensus_grandpa::app::Public(grandpa),
		};
		let tx = runtime::tx().session().set_keys(keys, proof.to_vec());
		self.submit(&tx, validator, wait).await
	}

	/// Ask the node at this client's endpoint to generate fresh session keys in its keystore for
	/// `owner`, with the proof of ownership `session.set_keys` needs. The node must allow
	/// unsafe RPC methods (`--rpc-methods unsafe`, on localhost only).
	pub async fn rotate_keys_for(&self, owner: &AccountId32) -> Result<(Vec<u8>, Vec<u8>), Error> {
		#[derive(serde::Deserialize)]
		struct Generated {
			keys: String,
			proof: String,
		}
		let owner_hex = format!("0x{}", hex::encode(owner.0));
		let generated: Generated = self
			.rpc
			.request(
				"author_rotateKeysWithOwner",
				subxt::rpcs::rpc_params![owner_hex],
			)
			.await
			.map_err(Error::Rpc)?;
		let decode = |s: &str| {
			hex::decode(s.trim_start_matches("0x"))
				.map_err(|e| Error::InvalidInput(format!("bad hex from the node: {e}")))
		};
		Ok((decode(&generated.keys)?, decode(&generated.proof)?))
	}

	/// The call that adds `validator` and authorizes its node `peer_id` (bytes of the peer id),
	/// for one motion.
	pub fn join_call(validator: &AccountId32, peer_id: Option<Vec<u8>>) -> RuntimeCall {
		let mut calls = vec![RuntimeCall::Consortium(Consortium::add_validator {
			validator: *validator,
		})];
		if let Some(peer) = peer_id {
			calls.push(Self::authorize_node_call(peer, validator));
		}
		RuntimeCall::Utility(Utility::batch_all { calls })
	}

	/// The call that authorizes node `peer_id` (bytes of the peer id), run by `owner`, to take
	/// part in the network without being a validator (a verifier's or explorer's RPC node).
	pub fn authorize_node_call(peer_id: Vec<u8>, owner: &AccountId32) -> RuntimeCall {
		RuntimeCall::NodeAuthorization(Nodes::add_well_known_node {
			node: runtime::runtime_types::sp_core::OpaquePeerId(peer_id),
			owner: subxt::utils::MultiAddress::Id(*owner),
		})
	}

	/// The call that removes `validator` and its node `peer_id`, for one motion.
	pub fn leave_call(validator: &AccountId32, peer_id: Option<Vec<u8>>) -> RuntimeCall {
		let mut calls = vec![RuntimeCall::Consortium(Consortium::remove_validator {
			validator: *validator,
		})];
		if let Some(peer) = peer_id {
			calls.push(RuntimeCall::NodeAuthorization(
				Nodes::remove_well_known_node {
					node: runtime::runtime_types::sp_core::OpaquePeerId(peer),
				},
			));
		}
		RuntimeCall::Utility(Utility::batch_all { calls })
	}
}

#[cfg(test)]
mod tests {
	use super::{peer_id_bytes, two_thirds};

	#[test]
	fn peer_ids_decode_to_their_multihash_bytes() {
		let bytes = peer_id_bytes("12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp").unwrap();
		assert_eq!(
			hex::encode(bytes),
			"0024080112204cb5abf6ad79fbf5abbccafcc269d85cd2651ed4b885b5869f241aedf0a5ba29"
		);
		assert!(peer_id_bytes("not-a-peer-id").is_err());
		assert!(peer_id_bytes("12D3Koo").is_err());
	}

	#[test]
	fn two_thirds_rounds_up_and_a_council_of_one_passes_alone() {
		assert_eq!(two_thirds(1), 1);
		assert_eq!(two_thirds(2), 2);
		assert_eq!(two_thirds(3), 2);
		assert_eq!(two_thirds(4), 3);
		assert_eq!(two_thirds(5), 4);
		assert_eq!(two_thirds(6), 4);
		assert_eq!(two_thirds(32), 22);
	}
}

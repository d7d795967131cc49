//! `badge council …` and `badge validator …`: council motions, the validator set, session keys.
//! Every change is a council motion; see docs/operator-runbook.md.

use crate::{parse_account, report_governed, CliError, Ctx};
use badge_client::{account_of, BadgeClient, H256};
use clap::Subcommand;
use serde_json::json;
use std::str::FromStr;

/// Council motions (the signing key must be a council member's).
#[derive(Subcommand, Debug)]
pub enum CouncilCmd {
	/// List the council's members.
	Members,
	/// List the open motions with their votes.
	Motions,
	/// Vote on an open motion.
	Vote {
		/// The motion's call hash (0x…), as `motions` or the proposal printed it.
		hash: String,
		/// The motion's index.
		index: u32,
		/// Vote nay (default: aye).
		#[arg(long)]
		nay: bool,
	},
	/// Close a motion: with enough ayes its call is dispatched.
	Close {
		/// The motion's call hash (0x…).
		hash: String,
		/// The motion's index.
		index: u32,
	},
}

/// The validator set (changes are council motions).
#[derive(Subcommand, Debug)]
pub enum ValidatorCmd {
	/// List the validators decided on, and those of the current session.
	List,
	/// Propose adding a validator and authorizing its node.
	Add {
		/// The validator's account (SS58).
		account: String,
		/// Its node's peer id (`badge-node key inspect-node-key`), to authorize the node too.
		#[arg(long)]
		peer_id: Option<String>,
	},
	/// Propose removing a validator and its node's authorization.
	Remove {
		/// The validator's account (SS58).
		account: String,
		/// Its node's peer id, to remove the node's authorization too.
		#[arg(long)]
		peer_id: Option<String>,
	},
	/// Generate session keys on your own validator node and register them on chain with the
	/// signing key (the validator account). The node must be on localhost with
	/// `--rpc-methods unsafe`; the keys never leave its keystore.
	SetKeys {
		/// Your validator node's RPC endpoint (unsafe methods allowed, localhost only).
		#[arg(long, default_value = "ws://127.0.0.1:9944")]
		node: String,
	},
}

fn parse_hash(s: &str) -> Result<H256, CliError> {
	H256::from_str(s.trim())
		.map_err(|_| CliError::Input(format!("`{s}` is not a motion hash (0x + 64 hex digits)")))
}

pub async fn council(ctx: &Ctx, cmd: CouncilCmd) -> Result<u8, CliError> {
	let client = ctx.client().await?;
	match cmd {
		CouncilCmd::Members => {
			let members = client.council_members().await?;
			let list: Vec<String> = members.iter().map(|m| m.to_string()).collect();
			ctx.print(
				json!({ "members": list, "threshold": badge_client::two_thirds(members.len() as u32) }),
				|| {
					format!(
						"{} members; a motion needs {} ayes\n{}",
						list.len(),
						badge_client::two_thirds(list.len() as u32),
						list.join("\n")
					)
				},
			);
		}
		CouncilCmd::Motions => {
			let motions = client.motions().await?;
			let rows: Vec<_> = motions
				.iter()
				.map(|m| {
					json!({
						"index": m.index, "hash": format!("{:?}", m.hash),
						"threshold": m.threshold, "ayes": m.ayes, "nays": m.nays, "end": m.end,
					})
				})
				.collect();
			ctx.print(json!({ "motions": rows }), || {
				if motions.is_empty() {
					return "no open motions".into();
				}
				motions
					.iter()
					.map(|m| {
						format!(
							"#{} {:?}: {} ayes, {} nays of {} needed; closes by block {}",
							m.index, m.hash, m.ayes, m.nays, m.threshold, m.end
						)
					})
					.collect::<Vec<_>>()
					.join("\n")
			});
		}
		CouncilCmd::Vote { hash, index, nay } => {
			let hash = parse_hash(&hash)?;
			client
				.vote(&ctx.key()?.pair, hash, index, !nay, ctx.wait())
				.await?;
			let vote = if nay { "nay" } else { "aye" };
			ctx.print(json!({ "voted": vote, "index": index }), || {
				format!("voted {vote} on motion #{index}")
			});
		}
		CouncilCmd::Close { hash, index } => {
			let hash = parse_hash(&hash)?;
			let governed = client
				.close(&ctx.key()?.pair, hash, index, ctx.wait())
				.await?;
			report_governed(ctx, governed, json!({ "executed": index }), || {
				format!("motion #{index} passed and its call was dispatched")
			});
		}
	}
	Ok(crate::exit::OK)
}

/// A validator's account and, if given, its node's peer id as bytes.
fn validator_and_node(
	account: &str,
	peer_id: Option<&str>,
) -> Result<(badge_client::AccountId32, Option<Vec<u8>>), CliError> {
	let account = parse_account(account)?;
	let peer = peer_id.map(badge_client::peer_id_bytes).transpose()?;
	Ok((account, peer))
}

pub async fn validator(ctx: &Ctx, cmd: ValidatorCmd) -> Result<u8, CliError> {
	let client = ctx.client().await?;
	match cmd {
		ValidatorCmd::List => {
			let decided = client.validators().await?;
			let session = client.session_validators().await?;
			let index = client.session_index().await?;
			ctx.print(
				json!({
					"validators": decided.iter().map(|v| v.to_string()).collect::<Vec<_>>(),
					"session": index,
					"session_validators": session.iter().map(|v| v.to_string()).collect::<Vec<_>>(),
				}),
				|| {
					let mut out = format!("validators ({}):\n", decided.len());
					for v in &decided {
						let mark = if session.contains(v) {
							""
						} else {
							"  (not yet in this session)"
						};
						out.push_str(&format!("{v}{mark}\n"));
					}
					out.push_str(&format!("session {index}: {} validators", session.len()));
					out
				},
			);
		}
		ValidatorCmd::Add { account, peer_id } => {
			let (account, peer) = validator_and_node(&account, peer_id.as_deref())?;
			let governed = client
				.propose(
					&ctx.key()?.pair,
					BadgeClient::join_call(&account, peer),
					ctx.wait(),
				)
				.await?;
			report_governed(
				ctx,
				governed,
				json!({ "added": account.to_string() }),
				|| {
					format!("added validator {account}; it takes part from the session after next once its keys are set")
				},
			);
		}
		ValidatorCmd::Remove { account, peer_id } => {
			let (account, peer) = validator_and_node(&account, peer_id.as_deref())?;
			let governed = client
				.propose(
					&ctx.key()?.pair,
					BadgeClient::leave_call(&account, peer),
					ctx.wait(),
				)
				.await?;
			report_governed(
				ctx,
				governed,
				json!({ "removed": account.to_string() }),
				|| format!("removed validator {account}; it stops from the session after next"),
			);
		}
		ValidatorCmd::SetKeys { node } => {
			let key = ctx.key()?;
			let owner = account_of(&key.pair);
			let own_node = BadgeClient::connect(&node).await?;
			let (keys, proof) = own_node.rotate_keys_for(&owner).await?;
			client
				.set_session_keys(&key.pair, &keys, &proof, ctx.wait())
				.await?;
			let keys_hex = format!("0x{}", hex::encode(&keys));
			ctx.print(
				json!({ "session_keys": keys_hex, "account": owner.to_string() }),
				|| format!("session keys {keys_hex} set for {owner}"),
			);
		}
	}
	Ok(crate::exit::OK)
}

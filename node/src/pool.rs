//! The transaction pool of `--pool-type single-state` (the default): Substrate's single-state
//! pool in its light revalidation mode, and the task that re-submits the transactions of
//! retracted blocks, which that mode leaves to the node. `--pool-revalidation full` gives
//! Substrate's full mode instead, `--pool-included-blocks 0` the runtime every validation
//! (docs/decisions/transaction-pool.md).
//!
//! In its full mode (what `sc_transaction_pool::Builder` builds) the pool queues every ready
//! transaction for revalidation after every block, and a background task revalidates a quarter
//! of the queue every 200 ms, each a runtime call with its signature check, at the priority of
//! new submissions. An issuer's burst keeps thousands of transactions ready across several
//! blocks, so each was validated again on every validator for every block it waited through:
//! `badge-bench` counted about ten runtime validations per single issuance over the four
//! validators' pools, where submitting and gossiping need four
//! (docs/decisions/performance-history.md, changes 20 and 21).
//! The light mode revalidates the whole pool every 20 blocks or minute instead, and a
//! transaction that a new block made invalid is dropped when an author tries it.
//!
//! The light mode also skips what the full mode does on a reorganisation: putting the
//! transactions of the blocks the best chain left back into the pool. Without it a transaction
//! that one validator included in a block that lost its height would be gone from that
//! validator's pool (pruned when the block was imported) and from the chain.
//! [`resubmit_retracted`] does it, from the node's own copy of the unfinalized blocks'
//! transactions (the full mode reads a retracted block's body when it notices the
//! reorganisation, by which time finality may have pruned it).
//!
//! The pool validates through [`included::IncludedAware`], which answers for transactions
//! already in the chain without the runtime, and [`basic::SingleState`] makes that pool one the
//! service takes.

mod basic;
mod included;

use crate::service::{FullClient, FullPool};
use badge_runtime::{
	opaque::{Block, Hash},
	BlockNumber,
};
use codec::Encode;
use futures::{FutureExt, StreamExt};
use included::IncludedAware;
use sc_client_api::{BlockBackend, BlockchainEvents};
use sc_service::{Configuration, TaskManager};
use sc_transaction_pool::{
	BasicPool, FullChainApi, Options, PoolLimit, RevalidationType, TimedTransactionSource,
	TransactionPoolWrapper, ValidateTransactionPriority,
};
use sp_blockchain::{HashAndNumber, HeaderBackend};
use sp_runtime::{traits::Header, OpaqueExtrinsic};
use std::{collections::HashMap, sync::Arc, time::Duration};

/// The single-state pool's own store of validated transactions.
type Graph = sc_transaction_pool::Pool<IncludedAware, ()>;

/// Log target of this module.
const LOG_TARGET: &str = "txpool";

/// The limits of the pool as Substrate's command line derives them from `--pool-limit`,
/// `--pool-kbytes` and `--tx-ban-seconds` (`sc_cli::TransactionPoolParams`; its
/// `TransactionPoolOptions` keeps them private): the future queue holds a tenth of the ready
/// queue, and an invalid transaction is banned for 30 minutes, not at all with `--dev`.
pub fn options(params: &sc_cli::TransactionPoolParams, is_dev: bool) -> Options {
	let limit = |share: usize| PoolLimit {
		count: params.pool_limit / share,
		total_bytes: params.pool_kbytes * 1024 / share,
	};
	Options {
		ready: limit(1),
		future: limit(10),
		reject_future_transactions: false,
		ban_time: match params.tx_ban_seconds {
			Some(seconds) => Duration::from_secs(seconds),
			None if is_dev => Duration::ZERO,
			None => Duration::from_secs(30 * 60),
		},
	}
}

/// How the node's single-state pool departs from Substrate's (each one flag away; see
/// docs/decisions/transaction-pool.md).
#[derive(Clone, Copy, Debug)]
pub struct Settings {
	/// Light revalidation, with [`resubmit_retracted`] beside the pool (`--pool-revalidation`).
	pub light: bool,
	/// Recent blocks whose transactions [`IncludedAware`] answers for; 0 for none
	/// (`--pool-included-blocks`).
	pub included_blocks: BlockNumber,
}

/// The single-state pool: with `settings.light`, light revalidation and [`resubmit_retracted`]
/// spawned beside it, else Substrate's full revalidation (which re-submits retracted
/// transactions itself).
pub fn single_state(
	options: Options,
	settings: Settings,
	config: &Configuration,
	client: Arc<FullClient>,
	task_manager: &TaskManager,
) -> FullPool {
	let (revalidation, name) = if settings.light {
		(RevalidationType::Light, "Light")
	} else {
		(RevalidationType::Full, "Full")
	};
	// In the form of the line Substrate's builder logs (which tests read).
	log::info!(
		target: LOG_TARGET,
		"Creating transaction pool txpool_type=SingleState revalidation={name} included_blocks={} ready={:?} future={:?}",
		settings.included_blocks,
		options.ready,
		options.future,
	);
	let spawner = task_manager.spawn_essential_handle();
	let api = Arc::new(IncludedAware::new(
		FullChainApi::new(client.clone(), config.prometheus_registry(), &spawner),
		client.clone(),
		settings.included_blocks,
		config.prometheus_registry(),
	));
	let chain = client.info();
	let pool = BasicPool::with_revalidation_type(
		options,
		config.role.is_authority().into(),
		api,
		config.prometheus_registry(),
		revalidation,
		spawner,
		chain.best_number,
		chain.best_hash,
		chain.finalized_hash,
	);
	if settings.light {
		task_manager.spawn_handle().spawn(
			"txpool-resubmit-retracted",
			Some("transaction-pool"),
			resubmit_retracted(client, pool.pool().clone()),
		);
	}
	TransactionPoolWrapper(Box::new(basic::SingleState(pool)))
}

/// How often [`resubmit_retracted`] looks at the best chain without a notification (one is
/// skipped for blocks imported during a major sync).
const LOOK_EVERY: Duration = Duration::from_secs(1);

/// How many bytes of transactions [`Unfinalized`] keeps at most, dropping the lowest blocks'
/// first: 256 MiB, about a hundred full blocks of batched issuances, where GRANDPA keeps a
/// handful unfinalized. Only a chain whose finality stalls under load reaches it; a block that
/// fell out of the copy and is later retracted has its transactions re-submitted only if its
/// body is still stored.
const KEEP_AT_MOST_BYTES: usize = 256 << 20;

/// The transactions of the best chain's blocks above the last finalized one, as the node read
/// them when each block became best. A reorganisation can retract such a block after finality
/// has pruned its fork, body and all: this copy is what puts its transactions back.
#[derive(Default)]
struct Unfinalized {
	blocks: HashMap<Hash, Kept>,
	/// The encoded size of all the kept transactions.
	bytes: usize,
}

/// One block's kept transactions.
struct Kept {
	number: BlockNumber,
	extrinsics: Vec<OpaqueExtrinsic>,
	bytes: usize,
}

/// What [`Unfinalized::update`] took out: blocks that left the best chain and their transactions.
struct Retracted {
	blocks: usize,
	extrinsics: Vec<OpaqueExtrinsic>,
	/// The best block when they were taken out, at which they are validated again.
	at: HashAndNumber<Block>,
}

impl Unfinalized {
	/// Takes out the blocks the best chain no longer holds (returning them) and the finalized
	/// ones (forgetting them), then copies the best chain's blocks above the finalized one that
	/// it does not hold yet.
	fn update(&mut self, client: &FullClient) -> Retracted {
		let chain = client.info();
		let mut retracted = Retracted {
			blocks: 0,
			extrinsics: Vec::new(),
			at: HashAndNumber {
				hash: chain.best_hash,
				number: chain.best_number,
			},
		};
		let mut freed = 0;
		self.blocks.retain(|hash, kept| {
			let on_best_chain = client.hash(kept.number).ok().flatten() == Some(*hash);
			if !on_best_chain {
				retracted.blocks += 1;
				retracted.extrinsics.append(&mut kept.extrinsics);
			}
			let keep = on_best_chain && kept.number > chain.finalized_number;
			if !keep {
				freed += kept.bytes;
			}
			keep
		});
		self.bytes -= freed;

		let (mut hash, mut number) = (chain.best_hash, chain.best_number);
		while number > chain.finalized_number && !self.blocks.contains_key(&hash) {
			let (Ok(Some(header)), Ok(Some(extrinsics))) =
				(client.header(hash), client.block_body(hash))
			else {
				// Gone between reading the best block and now: a later look starts again.
				break;
			};
			let bytes = extrinsics.iter().map(Encode::encoded_size).sum();
			self.bytes += bytes;
			self.blocks.insert(
				hash,
				Kept {
					number,
					extrinsics,
					bytes,
				},
			);
			(hash, number) = (*header.parent_hash(), number - 1);
		}

		while self.bytes > KEEP_AT_MOST_BYTES {
			let Some((&lowest, _)) = self.blocks.iter().min_by_key(|(_, kept)| kept.number) else {
				break;
			};
			let kept = self.blocks.remove(&lowest).expect("just found");
			self.bytes -= kept.bytes;
			log::debug!(
				target: LOG_TARGET,
				"No longer keeping the transactions of unfinalized block #{} ({lowest:?}) for \
				 re-submission: over {KEEP_AT_MOST_BYTES} bytes kept",
				kept.number,
			);
		}
		retracted
	}
}

/// Puts the transactions of every block that leaves the best chain back into the pool, validated
/// at the best block: those the new best chain already holds, or made invalid (a spent nonce, an
/// issued badge), fail that validation and stay out, as do the blocks' inherents.
///
/// It keeps its own copy of the transactions of the best chain's unfinalized blocks
/// ([`Unfinalized`]) and compares the blocks it holds with the best chain on every new best
/// block, on every finalization and every [`LOOK_EVERY`]. Reading a retracted block's body when
/// the reorganisation is noticed is not enough: a validator that catches up after a partition
/// imports the others' chain and its finality, which prunes the losing fork's bodies, before
/// (or without) a notification naming the retracted blocks.
pub async fn resubmit_retracted(client: Arc<FullClient>, graph: Arc<Graph>) {
	let mut imports = client
		.import_notification_stream()
		.filter(|import| futures::future::ready(import.is_new_best));
	let mut finality = client.finality_notification_stream();
	let mut unfinalized = Unfinalized::default();
	loop {
		futures::select! {
			import = imports.next().fuse() => if import.is_none() { return },
			finalized = finality.next().fuse() => if finalized.is_none() { return },
			_ = futures_timer::Delay::new(LOOK_EVERY).fuse() => {},
		}
		let Retracted {
			blocks,
			extrinsics,
			at,
		} = unfinalized.update(&client);
		if blocks == 0 {
			continue;
		}
		let offered = extrinsics.len();
		let extrinsics: Vec<_> = extrinsics
			.into_iter()
			.map(|xt| (TimedTransactionSource::new_external(false), Arc::new(xt)))
			.collect();
		// Not `submit_at`: the pool bans the transactions of every block it prunes, the
		// retracted blocks' included.
		let accepted = graph
			.resubmit_at(&at, extrinsics, ValidateTransactionPriority::Submitted)
			.await
			.iter()
			.filter(|outcome| outcome.is_ok())
			.count();
		log::info!(
			target: LOG_TARGET,
			"Re-submitted the transactions of {blocks} retracted block(s) at the best block \
			 #{}: {accepted} of {offered} back in the pool",
			at.number,
		);
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use clap::Parser;

	/// The pool's flags as the node's command line takes them.
	#[derive(Parser)]
	struct Flags {
		#[command(flatten)]
		pool: sc_cli::TransactionPoolParams,
	}

	fn options_of(args: &[&str], is_dev: bool) -> Options {
		let flags = Flags::parse_from(std::iter::once("badge-node").chain(args.iter().copied()));
		options(&flags.pool, is_dev)
	}

	#[test]
	fn the_future_queue_holds_a_tenth_of_the_ready_queue() {
		let options = options_of(&["--pool-limit", "1000", "--pool-kbytes", "2000"], false);
		assert_eq!(options.ready.count, 1000);
		assert_eq!(options.ready.total_bytes, 2000 * 1024);
		assert_eq!(options.future.count, 100);
		assert_eq!(options.future.total_bytes, 200 * 1024);
		assert!(!options.reject_future_transactions);
	}

	#[test]
	fn invalid_transactions_are_banned_for_half_an_hour_not_at_all_in_dev_or_as_told() {
		assert_eq!(
			options_of(&[], false).ban_time,
			Duration::from_secs(30 * 60)
		);
		assert_eq!(options_of(&[], true).ban_time, Duration::ZERO);
		for is_dev in [false, true] {
			assert_eq!(
				options_of(&["--tx-ban-seconds", "7"], is_dev).ban_time,
				Duration::from_secs(7)
			);
		}
	}
}

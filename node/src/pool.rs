//! The transaction pool of `--pool-type single-state` (the default): Substrate's single-state
//! pool in its light revalidation mode, and the task that re-submits the transactions of
//! retracted blocks, which that mode leaves to the node.
//!
//! In its full mode (what `sc_transaction_pool::Builder` builds) the pool queues every ready
//! transaction for revalidation after every block, and a background task revalidates a quarter
//! of the queue every 200 ms, each a runtime call with its signature check, at the priority of
//! new submissions. An issuer's burst keeps thousands of transactions ready across several
//! blocks, so each was validated again on every validator for every block it waited through:
//! `badge-bench` counted about ten runtime validations per single issuance over the four
//! validators' pools, where submitting and gossiping need four (BENCHMARKS.md, improvement 20).
//! The light mode revalidates the whole pool every 20 blocks or minute instead, and a
//! transaction that a new block made invalid is dropped when an author tries it.
//!
//! The light mode also skips what the full mode does on a reorganisation: putting the
//! transactions of the blocks the best chain left back into the pool. Without it a transaction
//! that one validator included in a block that lost its height would be gone from that
//! validator's pool (pruned when the block was imported) and from the chain.
//! [`resubmit_retracted`] does it for every new best block, as the full mode would.

use crate::service::{FullClient, FullPool};
use badge_runtime::opaque::Block;
use futures::StreamExt;
use sc_client_api::{BlockBackend, BlockchainEvents};
use sc_service::{Configuration, TaskManager};
use sc_transaction_pool::{
	BasicPool, FullChainApi, Options, PoolLimit, RevalidationType, TimedTransactionSource,
	TransactionPoolWrapper, ValidateTransactionPriority,
};
use sp_blockchain::{HashAndNumber, HeaderBackend};
use sp_runtime::traits::Header;
use std::{collections::HashSet, sync::Arc, time::Duration};

/// The single-state pool's own store of validated transactions.
type Graph = sc_transaction_pool::Pool<FullChainApi<FullClient, Block>, ()>;

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

/// The single-state pool with light revalidation, and [`resubmit_retracted`] spawned beside it.
pub fn single_state(
	options: Options,
	config: &Configuration,
	client: Arc<FullClient>,
	task_manager: &TaskManager,
) -> FullPool {
	// In the form of the line Substrate's builder logs (which tests read).
	log::info!(
		target: LOG_TARGET,
		"Creating transaction pool txpool_type=SingleState revalidation=Light ready={:?} future={:?}",
		options.ready,
		options.future,
	);
	let spawner = task_manager.spawn_essential_handle();
	let api = Arc::new(FullChainApi::new(
		client.clone(),
		config.prometheus_registry(),
		&spawner,
	));
	let chain = client.info();
	let pool = BasicPool::with_revalidation_type(
		options,
		config.role.is_authority().into(),
		api,
		config.prometheus_registry(),
		RevalidationType::Light,
		spawner,
		chain.best_number,
		chain.best_hash,
		chain.finalized_hash,
	);
	task_manager.spawn_handle().spawn(
		"txpool-resubmit-retracted",
		Some("transaction-pool"),
		resubmit_retracted(client, pool.pool().clone()),
	);
	TransactionPoolWrapper(Box::new(pool))
}

/// On every new best block whose route from the previous best retracts blocks, put their
/// transactions that the enacted blocks do not hold back into the pool, validated at the new
/// best block. Transactions a retracted block's successor made invalid (a spent nonce, an
/// issued badge) fail that validation and stay out; the block's inherents too. The route is
/// taken from the last best block this task saw, so a notification skipped during a major
/// sync loses nothing.
pub async fn resubmit_retracted(client: Arc<FullClient>, graph: Arc<Graph>) {
	let mut imports = client.import_notification_stream();
	let mut best = client.info().best_hash;
	while let Some(import) = imports.next().await {
		if !import.is_new_best {
			continue;
		}
		let previous = std::mem::replace(&mut best, import.hash);
		if *import.header.parent_hash() == previous {
			continue;
		}
		let route = match sp_blockchain::tree_route(&*client, previous, best) {
			Ok(route) => route,
			Err(error) => {
				log::warn!(
					target: LOG_TARGET,
					"No route from {previous:?} to the new best block {best:?}, so the \
					 transactions of any block it retracts are not re-submitted: {error}",
				);
				continue;
			}
		};
		if route.retracted().is_empty() {
			continue;
		}
		let body = |hash| client.block_body(hash).ok().flatten().unwrap_or_default();
		let enacted: HashSet<_> = route
			.enacted()
			.iter()
			.flat_map(|block| body(block.hash))
			.map(|xt| graph.hash_of(&xt))
			.collect();
		let retracted: Vec<_> = route
			.retracted()
			.iter()
			.flat_map(|block| body(block.hash))
			.filter(|xt| !enacted.contains(&graph.hash_of(xt)))
			.map(|xt| (TimedTransactionSource::new_external(false), Arc::new(xt)))
			.collect();
		let (offered, blocks) = (retracted.len(), route.retracted().len());
		if offered == 0 {
			// All of them in the enacted blocks too, or the bodies no longer stored (a fork
			// that finality has already pruned).
			log::debug!(target: LOG_TARGET, "No transactions in the {blocks} retracted block(s)");
			continue;
		}
		let at = HashAndNumber {
			hash: best,
			number: *import.header.number(),
		};
		// Not `submit_at`: the pool bans the transactions of every block it prunes, the
		// retracted blocks' included.
		let accepted = graph
			.resubmit_at(&at, retracted, ValidateTransactionPriority::Submitted)
			.await
			.iter()
			.filter(|outcome| outcome.is_ok())
			.count();
		log::info!(
			target: LOG_TARGET,
			"Re-submitted the transactions of {blocks} retracted block(s) at the new best block \
			 #{}: {accepted} of {offered} back in the pool",
			at.number,
		);
	}
}

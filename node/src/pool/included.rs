//! The chain API the single-state pool validates through: Substrate's [`FullChainApi`], except
//! that a transaction already included in the chain at the block it is validated at is
//! answered `Stale` at once, without a runtime call.
//!
//! The pool asks the runtime about such transactions far more often than it needs to. It bans
//! the transactions of every block it prunes, so that it neither validates them again nor takes
//! them back from gossip, but its list of bans holds 2,048 to 4,096 hashes and, when it grows
//! past that, drops arbitrary ones until half are left, the newest as readily as the oldest.
//! With blocks of a thousand transactions and more that happens every other block, and then the
//! pool validates again, in the runtime, the transactions of the block it has just pruned (it
//! re-checks what it prunes, skipping only banned hashes), and each copy of them that gossip
//! delivers late. `badge-bench` counted about six runtime validations per single issuance over
//! the four validators' pools where four are needed
//! (docs/decisions/performance-history.md, change 22).
//!
//! Every transaction this runtime accepts is signed and carries its signer's nonce (it has no
//! unsigned transactions), so one that a block at or below `at` includes is `Stale` at `at`,
//! which is what the runtime would answer. The index covers the last `--pool-included-blocks`
//! blocks validated at or below (none with 0: every validation goes to the runtime); older
//! inclusions, and blocks whose body is gone, are left to the runtime.

use crate::service::FullClient;
use badge_runtime::{
	opaque::{Block, Hash},
	BlockNumber,
};
use sc_client_api::BlockBackend;
use sc_transaction_pool::{ChainApi, FullChainApi, ValidateTransactionPriority};
use sp_blockchain::{HeaderMetadata, TreeRoute};
use sp_runtime::{
	generic::BlockId,
	traits::Block as BlockT,
	transaction_validity::{
		InvalidTransaction, TransactionSource, TransactionValidity, TransactionValidityError,
	},
};
use std::{
	collections::HashMap,
	sync::{Arc, Mutex},
};
use substrate_prometheus_endpoint::{register, Counter, PrometheusError, Registry, U64};

type Error = <FullChainApi<FullClient, Block> as ChainApi>::Error;
type Extrinsic = <Block as BlockT>::Extrinsic;

/// [`FullChainApi`] with transactions already in the chain answered from an index of the
/// recent blocks' transactions.
pub struct IncludedAware {
	inner: FullChainApi<FullClient, Block>,
	client: Arc<FullClient>,
	index: Mutex<Index>,
	answered: Option<Counter<U64>>,
}

/// How many blocks below the highest one indexed keep their transactions in the index.
type Keep = BlockNumber;

/// The transactions of recent blocks, by block and by transaction.
#[derive(Default)]
struct Index {
	/// Blocks kept below the highest; none indexed at all with 0.
	keep: Keep,
	/// Each indexed block's number and its transactions' hashes.
	blocks: HashMap<Hash, (BlockNumber, Vec<Hash>)>,
	/// Each indexed transaction's including blocks (one, unless forks include it twice).
	including: HashMap<Hash, Vec<(Hash, BlockNumber)>>,
	/// The highest block number indexed.
	highest: BlockNumber,
}

impl Index {
	/// An empty index keeping `keep` blocks below the highest.
	fn new(keep: Keep) -> Self {
		Self {
			keep,
			..Self::default()
		}
	}

	/// Add `block`'s transactions, then forget blocks more than `keep` below the highest.
	fn insert(&mut self, block: Hash, number: BlockNumber, extrinsics: Vec<Hash>) {
		for extrinsic in &extrinsics {
			self.including
				.entry(*extrinsic)
				.or_default()
				.push((block, number));
		}
		self.blocks.insert(block, (number, extrinsics));
		self.highest = self.highest.max(number);
		let lowest_kept = self.highest.saturating_sub(self.keep);
		let old: Vec<Hash> = self
			.blocks
			.iter()
			.filter(|(_, (number, _))| *number < lowest_kept)
			.map(|(hash, _)| *hash)
			.collect();
		for hash in old {
			let (_, extrinsics) = self.blocks.remove(&hash).expect("just listed");
			for extrinsic in extrinsics {
				if let Some(blocks) = self.including.get_mut(&extrinsic) {
					blocks.retain(|(including, _)| *including != hash);
					if blocks.is_empty() {
						self.including.remove(&extrinsic);
					}
				}
			}
		}
	}
}

impl IncludedAware {
	/// Wrap `inner`, indexing the transactions of `keep` blocks below the highest validated at
	/// (none with 0); count the answers given without the runtime in `registry`, if any, as
	/// `badges_txpool_validations_answered_from_chain_total`.
	pub fn new(
		inner: FullChainApi<FullClient, Block>,
		client: Arc<FullClient>,
		keep: Keep,
		registry: Option<&Registry>,
	) -> Self {
		let answered = registry.and_then(|registry| match register_counter(registry) {
			Ok(counter) => Some(counter),
			Err(error) => {
				log::warn!(
					target: super::LOG_TARGET,
					"Failed to register the pool's included-transaction counter: {error}"
				);
				None
			}
		});
		Self {
			inner,
			client,
			index: Mutex::new(Index::new(keep)),
			answered,
		}
	}

	/// Whether a block at or below `at` (at most `keep` below) includes the transaction
	/// `extrinsic`, indexing `at` and the ancestors not yet indexed first.
	fn included_at(&self, at: Hash, extrinsic: &Extrinsic) -> bool {
		let hash = self.inner.hash_and_length(extrinsic).0;
		let (candidates, keep) = {
			let mut index = self.index.lock().expect("no panic while the index is held");
			if index.keep == 0 {
				return false;
			}
			self.index_chain(&mut index, at);
			match index.including.get(&hash) {
				Some(blocks) => (blocks.clone(), index.keep),
				None => return false,
			}
		};
		let included = candidates
			.into_iter()
			.any(|(block, number)| self.is_ancestor_or_self(block, number, at, keep));
		if included {
			if let Some(answered) = &self.answered {
				answered.inc();
			}
		}
		included
	}

	/// Index `at` and its ancestors down to the first indexed one (at most `keep` blocks).
	fn index_chain(&self, index: &mut Index, at: Hash) {
		let mut hash = at;
		for _ in 0..=index.keep {
			if index.blocks.contains_key(&hash) {
				return;
			}
			let (Ok(meta), Ok(Some(body))) = (
				self.client.header_metadata(hash),
				self.client.block_body(hash),
			) else {
				return;
			};
			let extrinsics = body
				.iter()
				.map(|extrinsic| self.inner.hash_and_length(extrinsic).0)
				.collect();
			index.insert(hash, meta.number, extrinsics);
			if meta.number == 0 {
				return;
			}
			hash = meta.parent;
		}
	}

	/// Whether `block` (numbered `number`) is `at` or one of its ancestors, walking down from
	/// `at` at most `keep` blocks.
	fn is_ancestor_or_self(&self, block: Hash, number: BlockNumber, at: Hash, keep: Keep) -> bool {
		let mut hash = at;
		for _ in 0..=keep {
			let Ok(meta) = self.client.header_metadata(hash) else {
				return false;
			};
			if meta.number <= number {
				return meta.number == number && hash == block;
			}
			hash = meta.parent;
		}
		false
	}
}

/// The answer the runtime gives a transaction whose nonce is spent.
fn stale() -> TransactionValidity {
	Err(TransactionValidityError::Invalid(InvalidTransaction::Stale))
}

/// Register [`IncludedAware`]'s counter.
fn register_counter(registry: &Registry) -> Result<Counter<U64>, PrometheusError> {
	register(
		Counter::new(
			"badges_txpool_validations_answered_from_chain_total",
			"Transaction validations the pool asked for that were answered Stale without a \
			 runtime call: the transaction is already in the chain at the block asked about",
		)?,
		registry,
	)
}

#[async_trait::async_trait]
impl ChainApi for IncludedAware {
	type Block = Block;
	type Error = Error;

	async fn validate_transaction(
		&self,
		at: Hash,
		source: TransactionSource,
		uxt: Arc<Extrinsic>,
		validation_priority: ValidateTransactionPriority,
	) -> Result<TransactionValidity, Self::Error> {
		if self.included_at(at, &uxt) {
			return Ok(stale());
		}
		self.inner
			.validate_transaction(at, source, uxt, validation_priority)
			.await
	}

	fn validate_transaction_blocking(
		&self,
		at: Hash,
		source: TransactionSource,
		uxt: Arc<Extrinsic>,
	) -> Result<TransactionValidity, Self::Error> {
		if self.included_at(at, &uxt) {
			return Ok(stale());
		}
		self.inner.validate_transaction_blocking(at, source, uxt)
	}

	fn block_id_to_number(&self, at: &BlockId<Block>) -> Result<Option<BlockNumber>, Self::Error> {
		self.inner.block_id_to_number(at)
	}

	fn block_id_to_hash(&self, at: &BlockId<Block>) -> Result<Option<Hash>, Self::Error> {
		self.inner.block_id_to_hash(at)
	}

	fn hash_and_length(&self, uxt: &Extrinsic) -> (Hash, usize) {
		self.inner.hash_and_length(uxt)
	}

	async fn block_body(&self, at: Hash) -> Result<Option<Vec<Extrinsic>>, Self::Error> {
		self.inner.block_body(at).await
	}

	fn block_header(&self, at: Hash) -> Result<Option<<Block as BlockT>::Header>, Self::Error> {
		self.inner.block_header(at)
	}

	fn tree_route(&self, from: Hash, to: Hash) -> Result<TreeRoute<Block>, Self::Error> {
		self.inner.tree_route(from, to)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const KEEP: Keep = 64;

	fn hash(n: u8) -> Hash {
		Hash::repeat_byte(n)
	}

	#[test]
	fn the_index_finds_a_transaction_by_its_including_blocks() {
		let mut index = Index::new(KEEP);
		index.insert(hash(1), 1, vec![hash(10), hash(11)]);
		index.insert(hash(2), 2, vec![hash(11)]);
		assert_eq!(index.including[&hash(10)], vec![(hash(1), 1)]);
		assert_eq!(index.including[&hash(11)], vec![(hash(1), 1), (hash(2), 2)]);
		assert!(!index.including.contains_key(&hash(12)));
	}

	#[test]
	fn the_index_forgets_blocks_more_than_keep_below_the_highest() {
		let mut index = Index::new(KEEP);
		index.insert(hash(1), 1, vec![hash(10), hash(11)]);
		index.insert(hash(2), 2, vec![hash(11), hash(12)]);
		index.insert(hash(3), 1 + KEEP, vec![]);
		assert!(
			index.blocks.contains_key(&hash(1)),
			"exactly KEEP below: kept"
		);
		index.insert(hash(4), 2 + KEEP, vec![hash(13)]);
		assert!(!index.blocks.contains_key(&hash(1)));
		assert!(!index.including.contains_key(&hash(10)));
		assert_eq!(index.including[&hash(11)], vec![(hash(2), 2)]);
		assert_eq!(index.blocks.len(), 3);
		assert_eq!(index.highest, 2 + KEEP);
	}
}

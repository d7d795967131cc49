//! Substrate's single-state pool over [`IncludedAware`], as the service takes a pool.
//!
//! The service takes any pool that also accepts offchain workers' local transactions
//! ([`LocalTransactionPool`]); Substrate gives `BasicPool` that only over its own
//! [`FullChainApi`](sc_transaction_pool::FullChainApi). [`SingleState`] forwards everything to
//! the `BasicPool` it wraps, local transactions to its ordinary submission.

use super::included::IncludedAware;
use badge_runtime::opaque::{Block, Hash};
use sc_transaction_pool::{BasicPool, ChainApi};
use sc_transaction_pool_api::{
	ChainEvent, ImportNotificationStream, LocalTransactionFor, LocalTransactionPool,
	MaintainedTransactionPool, PoolStatus, ReadyTransactions, TransactionFor, TransactionPool,
	TransactionSource, TransactionStatusStreamFor, TxHash, TxInvalidityReportMap,
};
use std::{collections::HashMap, pin::Pin, sync::Arc, time::Duration};

type Inner = BasicPool<IncludedAware, Block>;
type InPool = <Inner as TransactionPool>::InPoolTransaction;
type Error = <IncludedAware as ChainApi>::Error;
type Ready = Box<dyn ReadyTransactions<Item = Arc<InPool>> + Send>;

/// The single-state pool the node runs (see the module docs).
pub struct SingleState(pub Inner);

#[async_trait::async_trait]
impl TransactionPool for SingleState {
	type Block = Block;
	type Hash = Hash;
	type InPoolTransaction = InPool;
	type Error = Error;

	async fn submit_at(
		&self,
		at: Hash,
		source: TransactionSource,
		xts: Vec<TransactionFor<Self>>,
	) -> Result<Vec<Result<TxHash<Self>, Self::Error>>, Self::Error> {
		self.0.submit_at(at, source, xts).await
	}

	async fn submit_one(
		&self,
		at: Hash,
		source: TransactionSource,
		xt: TransactionFor<Self>,
	) -> Result<TxHash<Self>, Self::Error> {
		self.0.submit_one(at, source, xt).await
	}

	async fn submit_and_watch(
		&self,
		at: Hash,
		source: TransactionSource,
		xt: TransactionFor<Self>,
	) -> Result<Pin<Box<TransactionStatusStreamFor<Self>>>, Self::Error> {
		self.0.submit_and_watch(at, source, xt).await
	}

	async fn ready_at(&self, at: Hash) -> Ready {
		self.0.ready_at(at).await
	}

	fn ready(&self) -> Ready {
		self.0.ready()
	}

	async fn report_invalid(
		&self,
		at: Option<Hash>,
		invalid_tx_errors: TxInvalidityReportMap<TxHash<Self>>,
	) -> Vec<Arc<Self::InPoolTransaction>> {
		self.0.report_invalid(at, invalid_tx_errors).await
	}

	fn futures(&self) -> Vec<Self::InPoolTransaction> {
		self.0.futures()
	}

	fn status(&self) -> PoolStatus {
		self.0.status()
	}

	fn import_notification_stream(&self) -> ImportNotificationStream<TxHash<Self>> {
		self.0.import_notification_stream()
	}

	fn on_broadcasted(&self, propagations: HashMap<TxHash<Self>, Vec<String>>) {
		self.0.on_broadcasted(propagations)
	}

	fn hash_of(&self, xt: &TransactionFor<Self>) -> TxHash<Self> {
		self.0.hash_of(xt)
	}

	fn ready_transaction(&self, hash: &TxHash<Self>) -> Option<Arc<Self::InPoolTransaction>> {
		self.0.ready_transaction(hash)
	}

	async fn ready_at_with_timeout(&self, at: Hash, timeout: Duration) -> Ready {
		self.0.ready_at_with_timeout(at, timeout).await
	}
}

#[async_trait::async_trait]
impl MaintainedTransactionPool for SingleState {
	async fn maintain(&self, event: ChainEvent<Block>) {
		self.0.maintain(event).await
	}
}

impl LocalTransactionPool for SingleState {
	type Block = Block;
	type Hash = Hash;
	type Error = Error;

	/// Offchain workers' transactions (run on the offchain worker's own thread, not the async
	/// runtime's): submitted as `Local` and waited for.
	fn submit_local(
		&self,
		at: Hash,
		xt: LocalTransactionFor<Self>,
	) -> Result<Self::Hash, Self::Error> {
		futures::executor::block_on(self.0.submit_one(at, TransactionSource::Local, xt))
	}
}

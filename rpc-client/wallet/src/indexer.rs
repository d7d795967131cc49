//! The ledger indexer: follows the chain's finalized blocks and records their registry events
//! (issuers, classes, issuances, revocations) in the database for the explorer's recent lists.
//!
//! It resumes after the last block it recorded; a fresh database, or one that fell more than
//! [`BACKFILL`] blocks behind, starts [`BACKFILL`] blocks before the finalized head (the explorer
//! shows recent activity, not the whole history). Only finalized blocks are read, so nothing it
//! records is ever rolled back.

use crate::{domain::Error, store::LedgerRow, State};
use badge_client::BadgeId;
use std::{sync::Arc, time::Duration};

/// How far back a fresh (or far behind) index starts.
pub const BACKFILL: u64 = 1_000;
/// Blocks read per round before the loop yields.
pub const BLOCKS_PER_ROUND: u64 = 100;
/// Pause between rounds once caught up.
pub const POLL: Duration = Duration::from_secs(2);

/// Index until the process ends; chain or database failures are logged and retried.
pub async fn run(state: Arc<State>) {
	loop {
		match round(&state).await {
			Ok(read) if read == BLOCKS_PER_ROUND => continue,
			Ok(_) => {}
			Err(e) => {
				tracing::warn!(error = ?e, "ledger indexer: will retry");
				if matches!(e, Error::ChainUnavailable(_)) {
					state.forget_client().await;
				}
			}
		}
		tokio::time::sleep(POLL).await;
	}
}

/// Read up to [`BLOCKS_PER_ROUND`] new finalized blocks; how many were read.
pub async fn round(state: &State) -> Result<u64, Error> {
	let client = state.client().await?;
	let finalized = client.finalized_number().await?;
	let earliest = finalized.saturating_sub(BACKFILL);
	let next = match state.store.ledger_cursor().await? {
		Some((last, _)) => (last as u64 + 1).max(earliest),
		None => earliest,
	};
	let mut read = 0;
	for number in next..=finalized {
		if read == BLOCKS_PER_ROUND {
			break;
		}
		let block = client.ledger_at(number).await?;
		let rows: Vec<LedgerRow> = block
			.entries
			.iter()
			.map(|e| LedgerRow {
				block: number as i64,
				idx: i64::from(e.index),
				kind: e.kind.name().into(),
				issuer: e.issuer.to_string(),
				class_id: e.class.map(i64::from),
				badge_id: e.badge.map(BadgeId::from),
				reason: e.reason.as_ref().map(|r| r.name().to_string()),
				at: block.timestamp as i64,
			})
			.collect();
		state
			.store
			.add_ledger_block(number as i64, &format!("{:?}", block.hash), &rows)
			.await?;
		if !rows.is_empty() {
			tracing::debug!(block = number, events = rows.len(), "ledger indexed");
		}
		read += 1;
	}
	Ok(read)
}

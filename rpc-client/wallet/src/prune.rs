//! Deletes what has lapsed (expired sessions, links long expired; [`crate::store::Store::prune`])
//! once at start and then every [`EVERY`], so the tables hold what is live and little more.

use crate::State;
use std::{sync::Arc, time::Duration};

/// How often the tables are pruned.
pub const EVERY: Duration = Duration::from_secs(3600);

/// Prune until the process ends; a failure is logged and tried again next time.
pub async fn run(state: Arc<State>) {
	loop {
		match state.store.prune(crate::store::now()).await {
			Ok(0) => {}
			Ok(gone) => tracing::info!(rows = gone, "pruned lapsed sessions and links"),
			Err(e) => tracing::warn!(error = %e, "pruning failed: will try again"),
		}
		tokio::time::sleep(EVERY).await;
	}
}

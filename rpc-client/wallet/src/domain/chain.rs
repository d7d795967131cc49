//! Reads and transactions on the chain as the service's rules need them: bounded in time, an
//! unreachable node answered as [`Error::ChainUnavailable`] (and its connection dropped so the
//! next request reconnects), and the chain's word on a credential.

use crate::{domain::Error, State};

/// How long a page waits for the chain's answers to its reads before it answers 503: a node
/// that stopped answering (its connection black-holed) fails the page fast instead of holding
/// it for the connection's minute.
pub const CHAIN_READ: std::time::Duration = std::time::Duration::from_secs(5);

/// Await chain reads for at most [`CHAIN_READ`]; when the node is unreachable or too slow,
/// drop the connection so the next request reconnects.
pub async fn on_chain<T>(
	state: &State,
	operation: impl std::future::Future<Output = Result<T, badge_client::Error>>,
) -> Result<T, Error> {
	let answer = tokio::time::timeout(CHAIN_READ, operation)
		.await
		.unwrap_or_else(|_| Err(badge_client::Error::Timeout(CHAIN_READ)));
	settle_chain_answer(state, answer).await
}

/// Await a transaction until it is final (bounded by the client's own timeout, a minute), or a
/// long read such as a whole import's (bounded by the request's deadline); when the node is
/// unreachable, drop the connection so the next request reconnects.
pub async fn on_chain_final<T>(
	state: &State,
	transaction: impl std::future::Future<Output = Result<T, badge_client::Error>>,
) -> Result<T, Error> {
	settle_chain_answer(state, transaction.await).await
}

async fn settle_chain_answer<T>(
	state: &State,
	answer: Result<T, badge_client::Error>,
) -> Result<T, Error> {
	match answer {
		Ok(value) => Ok(value),
		Err(e) => {
			let e = Error::from(e);
			if matches!(e, Error::ChainUnavailable(_)) {
				state.forget_client().await;
			}
			Err(e)
		}
	}
}

/// The chain's word on a credential ([`badge_client::trust::check_credential`]): a refusal is
/// bad input; only an unreachable chain is not a verdict.
pub async fn vouched(
	state: &State,
	credential: &serde_json::Value,
	email: Option<&str>,
) -> Result<badge_client::Trusted, Error> {
	let client = on_chain(state, state.client()).await?;
	match badge_client::trust::check_credential(&client, credential, email).await {
		Ok(trusted) => Ok(trusted),
		Err(badge_client::Refusal::Chain(e)) => {
			on_chain(state, async { Err::<badge_client::Trusted, _>(e) }).await
		}
		Err(refusal) => Err(Error::BadInput(format!(
			"the credential is refused ({}): {refusal}",
			refusal.code()
		))),
	}
}

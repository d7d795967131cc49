//! Typed errors of the client.

use std::time::Duration;

/// What went wrong talking to the chain.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
	/// The node could not be reached (wrong URL, node down, not an Open Badge node).
	#[error("node unreachable at {url}: {reason}")]
	Unreachable {
		/// The URL tried.
		url: String,
		/// Why it failed.
		reason: String,
	},
	/// The chain refused the call: the transaction pool rejected it before any block (the
	/// signer may not make it), or it failed when applied in a block.
	#[error("call rejected: {pallet}::{error}{}", if .docs.is_empty() { String::new() } else { format!(" ({})", .docs) })]
	Rejected {
		/// The pallet whose error it is, e.g. `Badges`.
		pallet: String,
		/// The error's name, e.g. `NotBadgeIssuer`.
		error: String,
		/// The error's documentation from the metadata.
		docs: String,
		/// Whether the pool refused it (`true`) or it failed in a block (`false`).
		before_block: bool,
	},
	/// The transaction pool refused the transaction for another reason (bad nonce, bad
	/// signature, a signer with no business on the chain, ...).
	#[error("transaction invalid: {0}")]
	Invalid(String),
	/// The transaction was dropped or became invalid while waiting.
	#[error("transaction dropped: {0}")]
	Dropped(String),
	/// The node stopped reporting the transaction's progress.
	#[error("the node stopped reporting the transaction's progress")]
	StreamEnded,
	/// Waiting took longer than the client's timeout.
	#[error("timed out after {0:?}")]
	Timeout(Duration),
	/// An expected event was missing from the transaction's events.
	#[error("the transaction emitted no {0} event")]
	MissingEvent(&'static str),
	/// A council motion was proposed and awaits votes: members vote, then one closes it.
	#[error("council motion #{index} ({hash:?}) is open: it needs {threshold} ayes, then a close")]
	MotionOpen {
		/// The motion's index.
		index: u32,
		/// The proposed call's hash.
		hash: subxt::utils::H256,
		/// Ayes needed.
		threshold: u32,
	},
	/// A council motion was closed without enough ayes (disapproved).
	#[error("council motion {hash:?} failed: {yes} ayes, {no} nays")]
	MotionFailed {
		/// The proposed call's hash.
		hash: subxt::utils::H256,
		/// Ayes.
		yes: u32,
		/// Nays.
		no: u32,
	},
	/// Input that cannot be used (bad key, bad hex, ...).
	#[error("invalid input: {0}")]
	InvalidInput(String),
	/// A JSON-RPC error from the node (e.g. malformed parameters).
	#[error("RPC error: {0}")]
	Rpc(subxt::rpcs::Error),
	/// Any other subxt error.
	#[error(transparent)]
	Subxt(Box<subxt::Error>),
}

macro_rules! from_subxt {
	($($ty:ty),* $(,)?) => {$(
		impl From<$ty> for Error {
			fn from(e: $ty) -> Self {
				Error::Subxt(Box::new(e.into()))
			}
		}
	)*};
}

from_subxt!(
	subxt::Error,
	subxt::error::OnlineClientAtBlockError,
	subxt::error::RuntimeApiError,
	subxt::error::EventsError,
	subxt::error::ConstantError,
	subxt::error::ExtrinsicError,
	subxt::error::TransactionEventsError,
	subxt::error::TransactionProgressError,
	subxt::error::TransactionStatusError,
	subxt::error::StorageError,
	subxt::error::StorageValueError,
);

/// Index of the badge pallet's "no business on this chain" custom validity code.
const NO_BUSINESS: u32 = 255;

impl Error {
	/// Classify an error from submitting a transaction.
	pub(crate) fn from_submission(
		e: subxt::error::ExtrinsicError,
		metadata: &subxt::ArcMetadata,
	) -> Self {
		Self::from_pool_text(&e.to_string(), metadata).unwrap_or_else(|| Error::from(e))
	}

	/// Classify a transaction pool refusal from its text: a custom code is named from the
	/// metadata (it is the badge pallet's error index, see `CheckBadgeAccess`).
	pub(crate) fn from_pool_text(text: &str, metadata: &subxt::ArcMetadata) -> Option<Self> {
		if let Some(code) = custom_code(text) {
			if code == NO_BUSINESS {
				return Some(Error::Invalid(
					"the signer has no business on this chain (not an issuer, holder or admin)"
						.into(),
				));
			}
			if let Some((error, docs)) = pallet_error(metadata, "Badges", code as u8) {
				return Some(Error::Rejected {
					pallet: "Badges".into(),
					error,
					docs,
					before_block: true,
				});
			}
		}
		let lower = text.to_lowercase();
		if lower.contains("invalid transaction") || lower.contains("transaction is outdated") {
			return Some(Error::Invalid(text.to_string()));
		}
		None
	}

	/// Classify an error from a transaction that failed in a block.
	pub(crate) fn from_dispatch(e: subxt::error::TransactionEventsError) -> Self {
		match e {
			subxt::error::TransactionEventsError::ExtrinsicFailed(dispatch) => {
				Self::from_subxt_dispatch(dispatch)
			}
			other => Error::from(other),
		}
	}

	fn from_subxt_dispatch(dispatch: subxt::error::DispatchError) -> Self {
		if let subxt::error::DispatchError::Module(module) = &dispatch {
			if let Ok(details) = module.details() {
				return Error::Rejected {
					pallet: details.pallet.name().to_string(),
					error: details.variant.name.clone(),
					docs: details.variant.docs.join(" "),
					before_block: false,
				};
			}
		}
		Error::Rejected {
			pallet: "System".into(),
			error: format!("{dispatch}"),
			docs: String::new(),
			before_block: false,
		}
	}

	/// Classify the error of a call dispatched by a council motion (its `Executed` event).
	pub(crate) fn from_runtime_dispatch_error(
		e: crate::runtime::runtime_types::sp_runtime::DispatchError,
		metadata: &subxt::ArcMetadata,
	) -> Self {
		use crate::runtime::runtime_types::sp_runtime::DispatchError as D;
		match e {
			D::Module(module) => {
				let found = metadata
					.pallet_by_error_index(module.index)
					.and_then(|pallet| {
						let variant = pallet.error_variant_by_index(module.error[0])?;
						Some((
							pallet.name().to_string(),
							variant.name.clone(),
							variant.docs.join(" "),
						))
					});
				match found {
					Some((pallet, error, docs)) => Error::Rejected {
						pallet,
						error,
						docs,
						before_block: false,
					},
					None => Error::Rejected {
						pallet: format!("#{}", module.index),
						error: format!("#{}", module.error[0]),
						docs: String::new(),
						before_block: false,
					},
				}
			}
			other => Error::Rejected {
				pallet: "System".into(),
				error: format!("{other:?}"),
				docs: String::new(),
				before_block: false,
			},
		}
	}

	/// Whether the connection to the node failed (dropped, refused, or the node stopped
	/// answering), as opposed to the node answering with a refusal: a caller may reconnect and
	/// try again.
	pub fn is_connection(&self) -> bool {
		match self {
			Error::Unreachable { .. } | Error::StreamEnded | Error::Timeout(_) => true,
			Error::Rpc(e) => matches!(
				e,
				subxt::rpcs::Error::Client(_) | subxt::rpcs::Error::DisconnectedWillReconnect(_)
			),
			// subxt wraps the RPC client's errors in its own; a node's answer is never worded so.
			Error::Subxt(e) => {
				let text = e.to_string().to_lowercase();
				[
					"client error",
					"restart required",
					"connection",
					"disconnected",
				]
				.iter()
				.any(|needle| text.contains(needle))
			}
			_ => false,
		}
	}

	/// The pallet error's name, if this is a rejection.
	pub fn rejected_name(&self) -> Option<&str> {
		match self {
			Error::Rejected { error, .. } => Some(error),
			_ => None,
		}
	}
}

/// The custom code of an `InvalidTransaction::Custom(code)` rejection in an RPC error text.
fn custom_code(text: &str) -> Option<u32> {
	const NEEDLE: &str = "custom error: ";
	let lower = text.to_lowercase();
	let at = lower.find(NEEDLE)? + NEEDLE.len();
	let digits: String = lower[at..]
		.chars()
		.take_while(|c| c.is_ascii_digit())
		.collect();
	digits.parse().ok()
}

fn pallet_error(
	metadata: &subxt::ArcMetadata,
	pallet: &str,
	index: u8,
) -> Option<(String, String)> {
	let pallet = metadata.pallet_by_name(pallet)?;
	let variant = pallet.error_variant_by_index(index)?;
	Some((variant.name.clone(), variant.docs.join(" ")))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn custom_codes_are_read_from_pool_errors() {
		assert_eq!(
			custom_code("Invalid Transaction (1010): Custom error: 12"),
			Some(12)
		);
		assert_eq!(
			custom_code("Invalid Transaction: Custom error: 255\""),
			Some(255)
		);
		assert_eq!(
			custom_code("Invalid transaction with custom error: 1"),
			Some(1)
		);
		assert_eq!(custom_code("Transaction is outdated"), None);
	}
}

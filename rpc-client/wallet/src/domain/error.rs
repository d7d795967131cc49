//! What the service's rules refuse or fail with, apart from HTTP: the intake, the links, the
//! chain and the store speak it; the HTTP layer (`crate::web`) chooses each one's status and
//! renders it as a page or as JSON.

use crate::store::StoreError;

/// Everything the service can refuse or fail with. The HTTP layer answers it as a page or as
/// JSON (`web::PageError`, `web::ApiError`) with a status of its choosing.
#[derive(Debug, thiserror::Error)]
pub enum Error {
	/// The link's token is unknown (mistyped, forged, or from another service).
	#[error("This link is not valid. Check that you copied the whole link from the e-mail.")]
	LinkUnknown,
	/// The link expired.
	#[error("This link has expired. Ask the issuer to send a new one.")]
	LinkExpired,
	/// The link was used already.
	#[error("This link has already been used. Each link works once.")]
	LinkUsed,
	/// The request is malformed or a field is wrong.
	#[error("{0}")]
	BadInput(String),
	/// The request body is over `limit` bytes.
	#[error("the request is larger than {limit} bytes")]
	TooLarge {
		/// The most bytes a request may carry.
		limit: usize,
	},
	/// No or a wrong API token.
	#[error("a valid API token is required (Authorization: Bearer …)")]
	Unauthorized,
	/// The caller may not touch this (another issuer's class, say).
	#[error("{0}")]
	Forbidden(String),
	/// The thing exists already.
	#[error("{0}")]
	Conflict(String),
	/// The chain node cannot be reached: nothing was changed.
	#[error("The badge chain cannot be reached right now, so nothing was changed. Try again in a few minutes.")]
	ChainUnavailable(String),
	/// The chain refused the transaction.
	#[error("The badge chain refused this: {0}")]
	ChainRefused(String),
	/// The chain has no such thing.
	#[error("{0}")]
	NotFound(String),
	/// Too many requests from this client or for this link.
	#[error("Too many attempts. Wait 15 minutes and try again.")]
	RateLimited,
	/// The request took longer than its deadline.
	#[error("This took too long and was stopped. Try again in a few minutes.")]
	TooSlow,
	/// Too many password checks are waiting: nothing was done.
	#[error("The service is busy right now. Try again in a moment.")]
	Busy,
	/// A fault of ours (logged; the message does not leak details).
	#[error("Something went wrong on our side. Nothing was lost; try again later.")]
	Internal(String),
}

impl From<crate::passwords::Busy> for Error {
	fn from(_: crate::passwords::Busy) -> Self {
		Error::Busy
	}
}

impl From<StoreError> for Error {
	fn from(e: StoreError) -> Self {
		Error::Internal(e.to_string())
	}
}

impl From<badge_client::Error> for Error {
	fn from(e: badge_client::Error) -> Self {
		match e {
			badge_client::Error::Unreachable { .. }
			| badge_client::Error::Timeout(_)
			| badge_client::Error::StreamEnded
			| badge_client::Error::Rpc(_) => Error::ChainUnavailable(e.to_string()),
			other => Error::ChainRefused(other.to_string()),
		}
	}
}

impl Error {
	/// Count it, and log it when it is ours or the chain's.
	pub fn log(&self) {
		crate::metrics::event(match self {
			Error::ChainUnavailable(_) => "chain_unavailable",
			Error::RateLimited => "rate_limited",
			Error::Busy => "busy",
			Error::TooSlow => "too_slow",
			Error::Internal(_) => "internal_error",
			_ => "refused",
		});
		match self {
			Error::Internal(detail) => tracing::error!(%detail, "internal error"),
			Error::ChainUnavailable(detail) => tracing::warn!(%detail, "chain unavailable"),
			_ => {}
		}
	}
}

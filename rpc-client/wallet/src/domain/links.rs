//! The e-mailed links' rule: a link works once, before it expires, for what it was made for.

use crate::{domain::Error, secrets::token_hash, store, State};

/// The link of `token` if it is of `kind`, unused and unexpired.
pub async fn live_link(
	state: &State,
	token: &str,
	kind: store::LinkKind,
) -> Result<store::Link, Error> {
	if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
		return Err(Error::LinkUnknown);
	}
	let link = state
		.store
		.link(&token_hash(token))
		.await?
		.filter(|l| l.kind == kind)
		.ok_or(Error::LinkUnknown)?;
	if link.used_at.is_some() {
		return Err(Error::LinkUsed);
	}
	if link.expires_at <= store::now() {
		return Err(Error::LinkExpired);
	}
	Ok(link)
}

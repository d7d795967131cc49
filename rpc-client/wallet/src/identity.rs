//! Issuers' decentralized identifiers: `GET /issuers/{account}/did.json` serves the `did:web`
//! document an issuer's credentials name (`did:web:<this service>:issuers:<account>`), built
//! at each request from the chain's finalized state: the keys the issuer published, in
//! on-chain order, so that `#key-n` is the chain's `n`th. The database plays no part: a
//! compromised service can withhold a document, not change one a verifier checks against the
//! chain.

use crate::{domain::chain::on_chain, domain::Error, web::PageError, State};
use axum::{
	extract::{Path, State as AxumState},
	http::{header, HeaderValue},
	response::{IntoResponse, Response},
};
use badge_client::KeyStatus;
use badge_credential::did;
use std::sync::Arc;

/// `GET /issuers/{account}/did.json`.
pub(crate) async fn did_document(
	AxumState(state): AxumState<Arc<State>>,
	Path(text): Path<String>,
) -> Result<Response, PageError> {
	let issuer = crate::explorer::account(&text)?;
	let keys = on_chain(&state, async {
		let client = state.client().await?;
		if client.issuer_json(&issuer).await?.is_none() {
			return Ok(None);
		}
		client.issuer_keys(&issuer).await.map(Some)
	})
	.await?
	.ok_or_else(|| Error::NotFound("The chain has no such issuer.".into()))?;
	let account = issuer.to_string();
	let id = did::issuer_did(&state.config.base_url, &account)
		.map_err(|e| Error::Internal(format!("base_url: {e}")))?;
	let listed: Vec<did::DocumentKey> = keys
		.iter()
		.map(|key| did::DocumentKey {
			public_key: key.public_key(),
			revoked_at: match key.status {
				KeyStatus::Revoked { at, .. } => Some(at),
				_ => None,
			},
		})
		.collect();
	let profile_page = format!(
		"{}/issuers/{account}",
		state.config.base_url.trim_end_matches('/')
	);
	let document = did::document(&id, &listed, Some(&profile_page));
	let mut response = document.to_string().into_response();
	response.headers_mut().insert(
		header::CONTENT_TYPE,
		HeaderValue::from_static("application/did+json"),
	);
	Ok(response)
}

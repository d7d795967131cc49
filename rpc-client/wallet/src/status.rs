//! Revocation status lists (W3C Bitstring Status List v1.0):
//! `GET /issuers/{account}/status/revocation/{list}` serves the `BitstringStatusListCredential`
//! that issuer's credentials point at, and `GET /status-key` the public key it is signed with.
//!
//! A list is built from the chain's finalized state alone (the issuer's revoked status
//! indices) and signed by this service's status key, which the issuer delegates on chain by
//! publishing it as a `StatusLists` key: the issuer's account key never comes near the
//! service, and a list is served only for issuers whose current keys include this service's.
//! Lists are kept at most `status_list_refresh` seconds (30 by default), so a revocation shows
//! within a minute of its finality. A compromised service can withhold or misreport a list for
//! as long as the issuer keeps the key; the chain's own verdict (`badges_verify`) stays the
//! stronger check.

use crate::{domain::chain::on_chain, domain::Error, web::ApiError, State};
use axum::{
	extract::{Path, State as AxumState},
	http::{header, HeaderValue},
	response::{IntoResponse, Response},
	Json,
};
use badge_client::{AccountId32, KeyPurpose};
use badge_credential::{dates, did, ob3, proof, status};
use serde_json::{json, Value};
use std::{
	collections::HashMap,
	sync::Arc,
	time::{Duration, Instant},
};

/// How long a served list stays valid (`validUntil`): standard verifiers refuse a copy
/// replayed later than this.
const VALID_FOR_MS: u64 = 60 * 60 * 1000;

/// The service's status-list signing key.
pub struct StatusSigner {
	seed: [u8; 32],
	public: [u8; 32],
}

impl StatusSigner {
	/// The key with this Ed25519 seed.
	pub fn new(seed: [u8; 32]) -> StatusSigner {
		StatusSigner {
			seed,
			public: proof::public_key(&seed),
		}
	}

	/// Read the seed from `path`, creating it if missing.
	pub fn load_or_create(path: &std::path::Path) -> Result<StatusSigner, String> {
		crate::secrets::load_or_create_secret(
			path,
			"created a new status-list key: issuers publish its public half (`badge-wallet status-key`) to let this service sign their status lists",
		)
		.map(StatusSigner::new)
	}

	/// The public key as a multikey (`z6Mk…`), as `badge issuer key add --public` takes it.
	pub fn multikey(&self) -> String {
		proof::multikey(&self.public)
	}
}

/// A list: its issuer's account bytes and its number.
type ListKey = ([u8; 32], u32);

/// A built list's JSON, with when it was built.
type Built = (Instant, Arc<String>);

/// Built lists.
#[derive(Default)]
pub struct ListCache(tokio::sync::Mutex<HashMap<ListKey, Built>>);

/// `GET /status-key`: the public key issuers delegate their status lists to.
pub(crate) async fn status_key(AxumState(state): AxumState<Arc<State>>) -> Json<Value> {
	let key = state.status_signer.multikey();
	Json(json!({
		"type": "Multikey",
		"publicKeyMultibase": key,
		"purpose": "status-lists",
		"delegate": format!("badge issuer key add --purpose status-lists --public {key}"),
	}))
}

/// `GET /issuers/{account}/status/revocation/{list}`.
pub(crate) async fn revocation_list(
	AxumState(state): AxumState<Arc<State>>,
	Path((account, list)): Path<(String, String)>,
) -> Result<Response, ApiError> {
	let issuer = crate::explorer::account(&account)?;
	let list: u32 = list
		.parse()
		.ok()
		.filter(|n: &u32| n.to_string() == list)
		.ok_or_else(|| Error::NotFound("No such status list.".into()))?;
	let max_age = Duration::from_secs(state.config.status_list_refresh);
	// One build at a time: a burst of requests for a stale list rebuilds it once.
	let mut cache = state.status_lists.0.lock().await;
	let body = match cache.get(&(issuer.0, list)) {
		Some((built, body)) if built.elapsed() < max_age => body.clone(),
		_ => {
			let body = Arc::new(build(&state, &issuer, list).await?);
			cache.insert((issuer.0, list), (Instant::now(), body.clone()));
			body
		}
	};
	drop(cache);
	let mut response = body.as_str().to_owned().into_response();
	let headers = response.headers_mut();
	headers.insert(
		header::CONTENT_TYPE,
		HeaderValue::from_static("application/vc+ld+json"),
	);
	headers.insert(
		header::CACHE_CONTROL,
		HeaderValue::from_str(&format!(
			"public, max-age={}",
			state.config.status_list_refresh
		))
		.expect("a number is a valid header"),
	);
	Ok(response)
}

/// The signed list `list` of `issuer` from the latest finalized state.
async fn build(state: &State, issuer: &AccountId32, list: u32) -> Result<String, Error> {
	let (profile, keys, revoked) = on_chain(state, async {
		let client = state.client().await?;
		let Some(profile) = client.issuer_json(issuer).await? else {
			return Ok((None, Vec::new(), Vec::new()));
		};
		let keys = client.issuer_keys(issuer).await?;
		let revoked = client.revoked_status_indices(issuer).await?;
		Ok((Some(profile), keys, revoked))
	})
	.await?;
	let profile = profile.ok_or_else(|| Error::NotFound("The chain has no such issuer.".into()))?;
	// List 0 always exists; a later one once the issuer's badges reach it.
	let issued = u64::from(profile.issued);
	if list > 0 && u64::from(list) * u64::from(status::LIST_LENGTH) >= issued {
		return Err(Error::NotFound("No such status list.".into()));
	}
	let now = dates::now_millis();
	let (key_index, key) = keys
		.iter()
		.enumerate()
		.find(|(_, k)| {
			k.public_key() == state.status_signer.public
				&& k.vouches_for(&KeyPurpose::StatusLists, now).is_ok()
		})
		.ok_or_else(|| {
			Error::NotFound(format!(
				"Issuer {issuer} has not delegated its status lists to this service: it publishes none of its current keys as this service's status-list key ({}).",
				state.status_signer.multikey()
			))
		})?;
	let account = issuer.to_string();
	let base = &state.config.base_url;
	let issuer_did =
		did::issuer_did(base, &account).map_err(|e| Error::Internal(format!("base_url: {e}")))?;
	let url = status::list_url(base, &account, list);
	let encoded = status::encode_list(
		revoked
			.into_iter()
			.map(status::position)
			.filter(|(l, _)| *l == list)
			.map(|(_, entry)| entry),
	);
	// Whole seconds (the dates are written so), never in the future (verifiers refuse a list
	// not yet valid), the proof no earlier than its key's publication.
	let valid_from = now / 1000 * 1000;
	let created = valid_from.max(key.valid_from.div_ceil(1000) * 1000);
	let unsigned = status::list_credential(
		&issuer_did,
		&url,
		&encoded,
		valid_from,
		valid_from + VALID_FOR_MS,
		state.config.status_list_refresh * 1000,
	);
	// Canonicalization is CPU work: off the async threads.
	let seed = state.status_signer.seed;
	let method = did::key_method(&issuer_did, key_index);
	let signed =
		tokio::task::spawn_blocking(move || ob3::sign_blocking(unsigned, &seed, created, &method))
			.await
			.map_err(|e| Error::Internal(format!("signing a status list: {e}")))?
			.map_err(|e| Error::Internal(format!("signing a status list: {e}")))?;
	Ok(signed.to_string())
}

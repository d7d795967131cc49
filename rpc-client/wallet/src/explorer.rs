//! The public ledger's pages, read from the chain (no login, no JavaScript): the explorer's front
//! page (issuers, recent issuances, revocations and registry changes from the [`crate::indexer`]),
//! an issuer's page, a class's page, and a holder's public profile. Only public badges are
//! listed: the chain's indexes drop a badge the moment its holder makes it private.

use crate::{
	i18n::tr,
	templates::json,
	web::{on_chain, PageError, WebError},
	State,
};
use axum::{
	extract::{Path, Query, State as AxumState},
	http::StatusCode,
	response::{Html, IntoResponse, Response},
};
use badge_client::{subxt::rpcs::rpc_params, AccountId32, BadgeClient, H256};
use serde::Deserialize;
use serde_json::Value;
use std::{str::FromStr, sync::Arc};

/// Badges per listing page.
pub const PAGE: u32 = 20;
/// Recent ledger rows per list on the explorer's front page.
pub const RECENT: i64 = 20;
/// Listing calls one page of the explorer makes at most: the class and issuer listings skip
/// private badges a bounded stretch at a time, so the chain may answer with a short page.
pub const LISTING_CALLS: usize = 8;
/// Classes an issuer's page looks through (the newest ones).
pub const CLASSES_SCANNED: u32 = 500;

/// `?after=0x…`: the cursor of a listing's next page.
#[derive(Deserialize)]
pub struct After {
	after: Option<String>,
}

impl After {
	fn cursor(&self) -> Result<Option<H256>, WebError> {
		self.after
			.as_deref()
			.map(|a| {
				H256::from_str(a)
					.map_err(|_| WebError::BadInput("`after` is not a badge id".into()))
			})
			.transpose()
	}
}

fn json_list(values: &[Value]) -> Vec<minijinja::Value> {
	values.iter().map(json).collect()
}

pub(crate) fn account(text: &str) -> Result<AccountId32, WebError> {
	AccountId32::from_str(text.trim())
		.map_err(|_| WebError::BadInput("That is not an account address (SS58).".into()))
}

fn render(status: StatusCode, name: &str, ctx: minijinja::Value) -> Response {
	(status, Html(crate::templates::render(name, ctx))).into_response()
}

/// The page to show when the chain cannot be asked (titled `title`, translated): never a
/// made-up answer.
fn unavailable(title: &str) -> Response {
	render(
		StatusCode::SERVICE_UNAVAILABLE,
		"error.html",
		minijinja::context! {
			title,
			message => tr("The badge chain cannot be reached right now. Try again in a few minutes."),
		},
	)
}

/// Each badge of `ids` with what its page shows: class, issuer, verdict.
async fn badge_rows(
	client: &BadgeClient,
	ids: &[Value],
) -> Result<Vec<Value>, badge_client::Error> {
	let mut rows = Vec::new();
	for id in ids.iter().filter_map(Value::as_str) {
		let Ok(badge) = H256::from_str(id) else {
			continue;
		};
		let json = client.verify_json(badge, None).await?;
		let details = &json["details"];
		rows.push(serde_json::json!({
			"id": id,
			"className": details["className"],
			"issuerName": details["issuerName"],
			"issuer": details["issuer"],
			"verdict": json["verdict"],
			"verdictText": crate::pages::verdict_text(json["verdict"].as_str().unwrap_or("")),
		}));
	}
	Ok(rows)
}

/// A page of `PAGE` badges of a listing RPC (`badges_listBy…` of `key`) after `cursor`, with
/// each badge's row and the next page's cursor. A short answer with a cursor is followed up
/// to fill the page, in at most [`LISTING_CALLS`] calls.
async fn listing(
	client: &BadgeClient,
	method: &str,
	key: Value,
	mut cursor: Option<H256>,
) -> Result<(Vec<Value>, Option<String>), badge_client::Error> {
	let mut items = Vec::new();
	let mut next = None;
	for _ in 0..LISTING_CALLS {
		let wanted = PAGE - items.len() as u32;
		let page = client
			.rpc_call(method, rpc_params![key.clone(), cursor, wanted])
			.await?;
		items.extend(page["items"].as_array().cloned().unwrap_or_default());
		next = page["next"].as_str().map(String::from);
		match next.as_deref().map(H256::from_str) {
			Some(Ok(after)) if items.len() < PAGE as usize => cursor = Some(after),
			_ => break,
		}
	}
	let rows = badge_rows(client, &items).await?;
	Ok((rows, next))
}

/// `GET /explorer`.
pub(crate) async fn front(AxumState(state): AxumState<Arc<State>>) -> Result<Response, PageError> {
	let store = &state.store;
	let issued = store.recent_ledger(&["badge_issued"], RECENT).await?;
	let revoked = store.recent_ledger(&["badge_revoked"], RECENT).await?;
	let registry = store
		.recent_ledger(
			&[
				"issuer_registered",
				"issuer_suspended",
				"issuer_reinstated",
				"class_created",
				"class_retired",
			],
			RECENT,
		)
		.await?;
	let indexed = store.ledger_cursor().await?.map(|(block, _)| block);
	let issuers = on_chain(&state, async {
		let client = state.client().await?;
		let mut issuers = Vec::new();
		for account in client.issuer_accounts().await? {
			let json = client
				.rpc_call("badges_issuer", rpc_params![account.to_string()])
				.await?;
			if !json.is_null() {
				issuers.push(json);
			}
		}
		Ok(issuers)
	})
	.await;
	let chain_down = issuers.is_err();
	let mut issuers = issuers.unwrap_or_default();
	issuers.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
	let when = |rows: Vec<crate::store::LedgerRow>| -> Vec<Value> {
		rows.into_iter()
			.map(|r| {
				let mut v = serde_json::to_value(&r).unwrap_or_default();
				v["when"] = crate::web::expiry_text(r.at / 1000).into();
				v
			})
			.collect()
	};
	Ok(render(
		StatusCode::OK,
		"explorer.html",
		minijinja::context! {
			issuers => json_list(&issuers), chain_down, indexed,
			issued => json_list(&when(issued)), revoked => json_list(&when(revoked)),
			registry => json_list(&when(registry)),
		},
	))
}

/// `GET /issuers/{account}`: the issuer's profile, classes and public badges.
pub(crate) async fn issuer(
	AxumState(state): AxumState<Arc<State>>,
	Path(text): Path<String>,
	Query(after): Query<After>,
) -> Result<Response, PageError> {
	let issuer = account(&text)?;
	let cursor = after.cursor()?;
	let found = on_chain(&state, async {
		let client = state.client().await?;
		let profile = client
			.rpc_call("badges_issuer", rpc_params![issuer.to_string()])
			.await?;
		if profile.is_null() {
			return Ok(None);
		}
		let count = client.class_count().await?;
		let mut classes = Vec::new();
		for id in (count.saturating_sub(CLASSES_SCANNED)..count).rev() {
			let class = client.rpc_call("badges_class", rpc_params![id]).await?;
			if class["issuer"].as_str() == Some(&issuer.to_string()) {
				classes.push(class);
			}
		}
		let (badges, next) = listing(
			&client,
			"badges_listByIssuer",
			Value::from(issuer.to_string()),
			cursor,
		)
		.await?;
		Ok(Some((profile, classes, badges, next)))
	})
	.await;
	match found {
		Err(_) => Ok(unavailable(&tr("Issuer"))),
		Ok(None) => Err(WebError::NotFound("The chain has no such issuer.".into()).into()),
		Ok(Some((profile, classes, badges, next))) => Ok(render(
			StatusCode::OK,
			"issuer.html",
			minijinja::context! {
				profile => json(&profile), classes => json_list(&classes),
				badges => json_list(&badges), next,
				registered => crate::web::expiry_text(profile["registeredAt"].as_i64().unwrap_or(0) / 1000),
			},
		)),
	}
}

/// `GET /classes/{id}`: the class (the achievement of its badges' credentials) and its public
/// badges.
pub(crate) async fn class(
	AxumState(state): AxumState<Arc<State>>,
	Path(text): Path<String>,
	Query(after): Query<After>,
) -> Result<Response, PageError> {
	let id: u32 = text
		.trim()
		.parse()
		.map_err(|_| WebError::BadInput("A class id is a number.".into()))?;
	let cursor = after.cursor()?;
	let found = on_chain(&state, async {
		let client = state.client().await?;
		let class = client.rpc_call("badges_class", rpc_params![id]).await?;
		if class.is_null() {
			return Ok(None);
		}
		let issuer = client
			.rpc_call("badges_issuer", rpc_params![class["issuer"].clone()])
			.await?;
		let (badges, next) =
			listing(&client, "badges_listByClass", Value::from(id), cursor).await?;
		Ok(Some((class, issuer, badges, next)))
	})
	.await;
	match found {
		Err(_) => Ok(unavailable(&tr("Badge class"))),
		Ok(None) => Err(WebError::NotFound("The chain has no such badge class.".into()).into()),
		Ok(Some((class, issuer, badges, next))) => Ok(render(
			StatusCode::OK,
			"class.html",
			minijinja::context! {
				class => json(&class), issuer => json(&issuer), badges => json_list(&badges), next,
				created => crate::web::expiry_text(class["createdAt"].as_i64().unwrap_or(0) / 1000),
			},
		)),
	}
}

/// `GET /holders/{account}`: a holder's public profile, their public badges.
pub(crate) async fn holder(
	AxumState(state): AxumState<Arc<State>>,
	Path(text): Path<String>,
	Query(after): Query<After>,
) -> Result<Response, PageError> {
	let holder = account(&text)?;
	let cursor = after.cursor()?;
	let found = on_chain(&state, async {
		let client = state.client().await?;
		listing(
			&client,
			"badges_listByHolder",
			Value::from(holder.to_string()),
			cursor,
		)
		.await
	})
	.await;
	match found {
		Err(_) => Ok(unavailable(&tr("Public profile"))),
		Ok((badges, next)) => Ok(render(
			StatusCode::OK,
			"holder.html",
			minijinja::context! { account => holder.to_string(), badges => json_list(&badges), next },
		)),
	}
}

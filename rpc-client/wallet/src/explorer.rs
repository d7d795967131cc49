//! The public ledger's pages, read from the chain (no login, no JavaScript): the explorer's front
//! page (issuers, recent issuances, revocations and registry changes from the [`crate::indexer`]),
//! an issuer's page, a class's page, and a holder's public profile. Only public badges are
//! listed: the chain's indexes drop a badge the moment its holder makes it private.

use crate::{domain::chain::on_chain, domain::Error, i18n::tr, web::PageError, State};
use axum::{
	extract::{Path, Query, State as AxumState},
	http::StatusCode,
	response::{Html, IntoResponse, Response},
};
use badge_client::{AccountId32, BadgeClient, BadgeId, Listing, VerdictName, H256};
use serde::{Deserialize, Serialize};
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

/// Chain reads a page keeps in flight at once (class records, verdicts, issuer profiles): the
/// node answers them in parallel, and a page of 500 classes is not 500 round trips in a row.
pub const READS_IN_FLIGHT: usize = 16;

/// `read` of each of `keys`, [`READS_IN_FLIGHT`] at a time, answers in the order of `keys`.
async fn read_all<K, T, F, Fut>(
	keys: impl IntoIterator<Item = K>,
	read: F,
) -> Result<Vec<T>, badge_client::Error>
where
	F: FnMut(K) -> Fut,
	Fut: std::future::Future<Output = Result<T, badge_client::Error>>,
{
	use futures::{StreamExt, TryStreamExt};
	futures::stream::iter(keys)
		.map(read)
		.buffered(READS_IN_FLIGHT)
		.try_collect()
		.await
}

/// `?after=0x…`: the cursor of a listing's next page.
#[derive(Deserialize)]
pub struct After {
	after: Option<String>,
}

impl After {
	fn cursor(&self) -> Result<Option<H256>, Error> {
		self.after
			.as_deref()
			.map(|a| {
				BadgeId::from_str(a)
					.map(BadgeId::hash)
					.map_err(|_| Error::BadInput("`after` is not a badge id".into()))
			})
			.transpose()
	}
}

/// Typed answers as template values, with the field names of the node's JSON.
fn values<T: Serialize>(items: &[T]) -> Vec<minijinja::Value> {
	items.iter().map(minijinja::Value::from_serialize).collect()
}

pub(crate) fn account(text: &str) -> Result<AccountId32, Error> {
	AccountId32::from_str(text.trim())
		.map_err(|_| Error::BadInput("That is not an account address (SS58).".into()))
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

/// A listed badge as its row shows it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BadgeRow {
	id: BadgeId,
	class_name: Option<String>,
	issuer_name: Option<String>,
	issuer: Option<AccountId32>,
	verdict: VerdictName,
	verdict_text: String,
}

/// Each badge of `ids` with what its page shows: class, issuer, verdict.
async fn badge_rows(
	client: &BadgeClient,
	ids: &[H256],
) -> Result<Vec<BadgeRow>, badge_client::Error> {
	read_all(ids.iter().copied(), |id| async move {
		let answer = client.verify_json(id, None).await?;
		let details = answer.details;
		Ok(BadgeRow {
			id: BadgeId::from(id),
			class_name: details.as_ref().map(|d| d.class_name.clone()),
			issuer_name: details.as_ref().map(|d| d.issuer_name.clone()),
			issuer: details.map(|d| d.issuer),
			verdict: answer.verdict,
			verdict_text: crate::pages::verdict_text(answer.verdict),
		})
	})
	.await
}

/// A page of `PAGE` badges of `listing` after `cursor`, with each badge's row and the next
/// page's cursor. A short answer with a cursor is followed up to fill the page, in at most
/// [`LISTING_CALLS`] calls.
async fn listing(
	client: &BadgeClient,
	listing: Listing,
	mut cursor: Option<H256>,
) -> Result<(Vec<BadgeRow>, Option<BadgeId>), badge_client::Error> {
	let mut items = Vec::new();
	let mut next = None;
	for _ in 0..LISTING_CALLS {
		let wanted = PAGE - items.len() as u32;
		let page = client.list_json(&listing, cursor, wanted).await?;
		items.extend(page.items);
		next = page.next;
		match next {
			Some(after) if items.len() < PAGE as usize => cursor = Some(after),
			_ => break,
		}
	}
	let rows = badge_rows(client, &items).await?;
	Ok((rows, next.map(BadgeId::from)))
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
		let accounts = client.issuer_accounts().await?;
		let client = &client;
		let issuers = read_all(accounts, |account| async move {
			client.issuer_json(&account).await
		})
		.await?;
		Ok(issuers.into_iter().flatten().collect::<Vec<_>>())
	})
	.await;
	let chain_down = issuers.is_err();
	let mut issuers = issuers.unwrap_or_default();
	issuers.sort_by(|a, b| a.name.cmp(&b.name));
	let when = |rows: Vec<crate::store::LedgerRow>| -> Vec<minijinja::Value> {
		rows.into_iter()
			.map(|r| {
				let when = crate::web::expiry_text(r.at / 1000);
				minijinja::context! { when, ..minijinja::Value::from_serialize(&r) }
			})
			.collect()
	};
	Ok(render(
		StatusCode::OK,
		"explorer.html",
		minijinja::context! {
			issuers => values(&issuers), chain_down, indexed,
			issued => when(issued), revoked => when(revoked), registry => when(registry),
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
		let Some(profile) = client.issuer_json(&issuer).await? else {
			return Ok(None);
		};
		let count = client.class_count().await?;
		let scanned = (count.saturating_sub(CLASSES_SCANNED)..count).rev();
		let classes: Vec<_> = read_all(scanned, |id| client.class_json(id))
			.await?
			.into_iter()
			.flatten()
			.filter(|class| class.issuer == issuer)
			.collect();
		let (badges, next) = listing(&client, Listing::ByIssuer(issuer), cursor).await?;
		Ok(Some((profile, classes, badges, next)))
	})
	.await;
	match found {
		Err(_) => Ok(unavailable(&tr("Issuer"))),
		Ok(None) => Err(Error::NotFound("The chain has no such issuer.".into()).into()),
		Ok(Some((profile, classes, badges, next))) => Ok(render(
			StatusCode::OK,
			"issuer.html",
			minijinja::context! {
				registered => crate::web::expiry_text((profile.registered_at / 1000) as i64),
				profile => minijinja::Value::from_serialize(&profile), classes => values(&classes),
				badges => values(&badges), next,
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
		.map_err(|_| Error::BadInput("A class id is a number.".into()))?;
	let cursor = after.cursor()?;
	let found = on_chain(&state, async {
		let client = state.client().await?;
		let Some(class) = client.class_json(id).await? else {
			return Ok(None);
		};
		let issuer = client.issuer_json(&class.issuer).await?;
		let (badges, next) = listing(&client, Listing::ByClass(id), cursor).await?;
		Ok(Some((class, issuer, badges, next)))
	})
	.await;
	match found {
		Err(_) => Ok(unavailable(&tr("Badge class"))),
		Ok(None) => Err(Error::NotFound("The chain has no such badge class.".into()).into()),
		Ok(Some((class, issuer, badges, next))) => Ok(render(
			StatusCode::OK,
			"class.html",
			minijinja::context! {
				created => crate::web::expiry_text((class.created_at / 1000) as i64),
				class => minijinja::Value::from_serialize(&class),
				issuer => minijinja::Value::from_serialize(&issuer), badges => values(&badges), next,
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
		listing(&client, Listing::ByHolder(holder), cursor).await
	})
	.await;
	match found {
		Err(_) => Ok(unavailable(&tr("Public profile"))),
		Ok((badges, next)) => Ok(render(
			StatusCode::OK,
			"holder.html",
			minijinja::context! { account => holder.to_string(), badges => values(&badges), next },
		)),
	}
}

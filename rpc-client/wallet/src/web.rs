//! HTTP routes: the issuers' intake API, the registration and receipt links' pages, health,
//! and the security headers every response carries.

use crate::{
	domain::{
		chain::{on_chain, on_chain_final},
		links::live_link,
		Error,
	},
	i18n::{tr, tr_with},
	secrets::{self, token_hash},
	store::{self, Holder},
	State,
};
use axum::{
	extract::{ConnectInfo, DefaultBodyLimit, Path, Request, State as AxumState},
	http::{header, HeaderMap, HeaderValue, Method, StatusCode},
	middleware::Next,
	response::{Html, IntoResponse, Response},
	routing::{get, post, put},
	Form, Json, Router,
};
use badge_client::{crypto::ClaimKey, VerdictName, Wait, H256};
use serde::Deserialize;
use std::{net::SocketAddr, sync::Arc};

/// The largest request body accepted (forms and JSON).
pub const MAX_BODY: usize = 16 * 1024;
/// Password length bounds.
pub const MIN_PASSWORD: usize = 10;
/// Password length bounds.
pub const MAX_PASSWORD: usize = 256;
/// Requests to the link pages (`/register/…`, `/receive/…`) allowed per client address in
/// [`crate::limits::WINDOW_SECS`].
pub const LINK_REQUESTS_PER_CLIENT: usize = 60;
/// Form posts allowed per link in [`crate::limits::WINDOW_SECS`].
pub const POSTS_PER_LINK: usize = 10;
/// Login attempts allowed per client address in [`crate::limits::WINDOW_SECS`] (offices share
/// one address behind their NAT, so more than one person's [`crate::pages::LOGIN_ATTEMPTS`]).
pub const LOGINS_PER_CLIENT: usize = 50;

/// The service's routes.
pub fn router(state: Arc<State>) -> Router {
	let links = Router::new()
		.route("/register/{token}", get(register_page).post(register))
		.route("/receive/{token}", get(receive_page).post(receive))
		.route(
			"/reset/{token}",
			get(crate::recover::reset_page).post(crate::recover::reset),
		)
		.route(
			"/recover",
			get(crate::recover::recover_page).post(crate::recover::recover),
		)
		.route(
			"/staff/setup/{token}",
			get(crate::issuer::setup_page).post(crate::issuer::setup),
		)
		.route_layer(axum::middleware::from_fn_with_state(
			state.clone(),
			limit_links,
		));
	let explorer = Router::new()
		.route("/explorer", get(crate::explorer::front))
		.route("/issuers/{account}", get(crate::explorer::issuer))
		.route("/classes/{id}", get(crate::explorer::class))
		.route("/holders/{account}", get(crate::explorer::holder))
		.route_layer(axum::middleware::from_fn_with_state(
			state.clone(),
			cached_page,
		));
	let logins = Router::new()
		.route(
			"/login",
			get(crate::pages::login_page).post(crate::pages::login),
		)
		.route(
			"/issuer/login",
			get(crate::issuer::login_page).post(crate::issuer::login),
		)
		.route_layer(axum::middleware::from_fn_with_state(
			state.clone(),
			limit_logins,
		));
	Router::new()
		.route("/static/style.css", get(style))
		.route("/lang/{code}", get(crate::i18n::switch))
		.route("/api/applications", post(add_application))
		.route("/api/applications/{badge}/resend", post(resend_link))
		.route(
			"/api/applications/import",
			post(import_results).layer(DefaultBodyLimit::max(crate::issuer::MAX_IMPORT)),
		)
		.route(
			"/api/classes/{class}/image",
			put(put_class_image).layer(DefaultBodyLimit::max(crate::issuer::MAX_IMAGE)),
		)
		.merge(links)
		.merge(logins)
		.route("/", get(crate::pages::wallet))
		.route("/issuer", get(crate::issuer::dashboard))
		.route("/issuer/logout", post(crate::issuer::logout))
		.route("/issuer/applications", post(crate::issuer::add_application))
		.route("/issuer/resend", post(crate::issuer::resend))
		.route(
			"/issuer/import",
			post(crate::issuer::import).layer(DefaultBodyLimit::max(crate::issuer::MAX_IMPORT)),
		)
		.route(
			"/issuer/images",
			post(crate::issuer::upload_image)
				.layer(DefaultBodyLimit::max(crate::issuer::MAX_IMAGE)),
		)
		.route("/account", get(crate::account::page))
		.route("/account/key", post(crate::account::export_key))
		.route("/account/delete", post(crate::account::delete))
		.route("/logout", post(crate::pages::logout))
		.route(
			"/wallet/badges/{id}/disclosure",
			post(crate::pages::set_disclosure),
		)
		.route("/wallet/badges/{id}/{file}", get(crate::share::holder_file))
		.route("/badges/{id}", get(crate::pages::badge_page))
		.merge(explorer)
		.route(
			"/issuers/{account}/did.json",
			get(crate::identity::did_document),
		)
		.route(
			"/issuers/{account}/status/revocation/{list}",
			get(crate::status::revocation_list),
		)
		.route("/status-key", get(crate::status::status_key))
		.route("/badges/{id}/{file}", get(crate::share::badge_file))
		.route("/classes/{id}/image", get(crate::share::class_image))
		.layer(DefaultBodyLimit::max(MAX_BODY))
		.layer(axum::middleware::from_fn(deadline))
		.layer(axum::middleware::map_response(security_headers))
		.layer(axum::middleware::from_fn_with_state(
			state.clone(),
			crate::i18n::middleware,
		))
		.layer(axum::middleware::from_fn(crate::metrics::track))
		.with_state(state)
}

/// Most time a request may take before it is answered 503 (and its work dropped).
pub const REQUEST_DEADLINE: std::time::Duration = std::time::Duration::from_secs(20);
/// Most time a request that waits for a transaction to be final (a receipt, a disclosure
/// change: the chain client gives up after a minute) or imports a results file may take.
pub const SLOW_REQUEST_DEADLINE: std::time::Duration = std::time::Duration::from_secs(150);

/// Whether the route (its template) waits for finality or imports a file.
fn is_slow(method: &Method, route: &str) -> bool {
	method == Method::POST
		&& matches!(
			route,
			"/receive/{token}"
				| "/wallet/badges/{id}/disclosure"
				| "/api/applications/import"
				| "/issuer/import"
		)
}

/// Middleware: every request is answered within [`REQUEST_DEADLINE`] (or
/// [`SLOW_REQUEST_DEADLINE`]), with 503 when its work did not finish; a stalled dependency
/// never holds a connection open for long.
async fn deadline(request: Request, next: Next) -> Response {
	let route = request
		.extensions()
		.get::<axum::extract::MatchedPath>()
		.map(|p| p.as_str().to_string())
		.unwrap_or_default();
	let limit = if is_slow(request.method(), &route) {
		SLOW_REQUEST_DEADLINE
	} else {
		REQUEST_DEADLINE
	};
	match tokio::time::timeout(limit, next.run(request)).await {
		Ok(response) => response,
		Err(_) => {
			tracing::warn!(%route, seconds = limit.as_secs(), "request over its deadline");
			if route.starts_with("/api/") {
				ApiError(Error::TooSlow).into_response()
			} else {
				PageError(Error::TooSlow).into_response()
			}
		}
	}
}

/// Seconds an explorer page is answered from memory after it was built.
pub const PAGE_CACHE_SECS: u64 = 5;
/// Explorer pages kept at once (the set is emptied when full).
const PAGES_KEPT: usize = 512;
/// The largest explorer page kept.
const PAGE_KEPT_BYTES: usize = 1 << 20;

/// Explorer pages built recently, by language and URI (they are the same for everyone: public
/// chain data, no session).
#[derive(Default)]
pub struct PageCache {
	kept: std::sync::Mutex<
		std::collections::HashMap<String, (std::time::Instant, HeaderMap, axum::body::Bytes)>,
	>,
	/// Requests answered from memory.
	pub hits: std::sync::atomic::AtomicU64,
}

impl PageCache {
	/// Forget every page (a badge was made private here: no page may list it from memory).
	pub fn clear(&self) {
		self.kept.lock().unwrap_or_else(|e| e.into_inner()).clear();
	}
}

/// Middleware on the explorer pages: a page built in the last [`PAGE_CACHE_SECS`] is answered
/// from memory, so hammering a page costs one build (and its chain reads) per period.
async fn cached_page(
	AxumState(state): AxumState<Arc<State>>,
	request: Request,
	next: Next,
) -> Response {
	if request.method() != Method::GET {
		return next.run(request).await;
	}
	let key = format!("{} {}", crate::i18n::lang().code(), request.uri());
	let fresh = std::time::Duration::from_secs(PAGE_CACHE_SECS);
	{
		let kept = state.pages.kept.lock().unwrap_or_else(|e| e.into_inner());
		if let Some((_, headers, body)) = kept.get(&key).filter(|(at, ..)| at.elapsed() < fresh) {
			state
				.pages
				.hits
				.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
			return (StatusCode::OK, headers.clone(), body.clone()).into_response();
		}
	}
	let response = next.run(request).await;
	if response.status() != StatusCode::OK {
		return response;
	}
	let (parts, body) = response.into_parts();
	let Ok(bytes) = axum::body::to_bytes(body, PAGE_KEPT_BYTES).await else {
		return Error::Internal("an explorer page over 1 MiB".into()).into_page();
	};
	let mut kept = state.pages.kept.lock().unwrap_or_else(|e| e.into_inner());
	if kept.len() >= PAGES_KEPT {
		kept.clear();
	}
	kept.insert(
		key,
		(
			std::time::Instant::now(),
			parts.headers.clone(),
			bytes.clone(),
		),
	);
	Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// The operations listener's routes: `/health` (the database's schema) and `/metrics`
/// (Prometheus), for monitoring on an address of its own (`ops_listen`), never the public one.
pub fn ops_router(state: Arc<State>) -> Router {
	Router::new()
		.route("/health", get(health))
		.route("/metrics", get(crate::metrics::serve))
		.with_state(state)
}

/// The client's address for rate limits ([`crate::limits::client_key`]: an IPv6 client is its
/// /64): the connection's peer, or behind a trusted proxy the last `X-Forwarded-For` entry (the
/// one the proxy wrote; a client's own entries come before it); `unknown` when neither is there
/// (in-process tests).
fn client_address(state: &State, request: &Request) -> String {
	if state.config.trust_proxy {
		if let Some(last) = request
			.headers()
			.get("x-forwarded-for")
			.and_then(|v| v.to_str().ok())
			.and_then(|v| v.rsplit(',').next())
		{
			return match last.trim().parse() {
				Ok(ip) => crate::limits::client_key(ip),
				Err(_) => "unparsed".into(),
			};
		}
	}
	request
		.extensions()
		.get::<ConnectInfo<SocketAddr>>()
		.map_or_else(|| "unknown".into(), |c| crate::limits::client_key(c.0.ip()))
}

/// Middleware on the login forms: at most [`LOGINS_PER_CLIENT`] posts per client address in
/// the window, whatever addresses they try (the per-address limit is the handler's).
async fn limit_logins(
	AxumState(state): AxumState<Arc<State>>,
	request: Request,
	next: Next,
) -> Response {
	if request.method() == Method::POST {
		let client = format!("logins-from:{}", client_address(&state, &request));
		if !state.limiter.allow(&client, LOGINS_PER_CLIENT) {
			return PageError(Error::RateLimited).into_response();
		}
	}
	next.run(request).await
}

/// Middleware on the link pages: at most [`LINK_REQUESTS_PER_CLIENT`] requests per client
/// address and [`POSTS_PER_LINK`] form posts per link in the window.
async fn limit_links(
	AxumState(state): AxumState<Arc<State>>,
	request: Request,
	next: Next,
) -> Response {
	let client = format!("links-from:{}", client_address(&state, &request));
	let link = format!("link-posts:{}", token_hash(request.uri().path()));
	let allowed = state.limiter.allow(&client, LINK_REQUESTS_PER_CLIENT)
		&& (request.method() != Method::POST || state.limiter.allow(&link, POSTS_PER_LINK));
	if !allowed {
		return PageError(Error::RateLimited).into_response();
	}
	next.run(request).await
}

/// Headers on every response: a strict CSP (no scripts, styles from here only), no framing,
/// no MIME sniffing, no referrer (links carry secret tokens), and `no-store` unless the route
/// made its response public on purpose (status lists, whose `ttl` it matches).
async fn security_headers(mut response: Response) -> Response {
	let headers = response.headers_mut();
	headers.insert(
		header::CONTENT_SECURITY_POLICY,
		HeaderValue::from_static(
			"default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
			 frame-ancestors 'none'; base-uri 'none'",
		),
	);
	headers.insert(
		header::X_CONTENT_TYPE_OPTIONS,
		HeaderValue::from_static("nosniff"),
	);
	headers.insert(
		header::REFERRER_POLICY,
		HeaderValue::from_static("no-referrer"),
	);
	headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
	headers
		.entry(header::CACHE_CONTROL)
		.or_insert(HeaderValue::from_static("no-store"));
	response
}

/// How the HTTP layer answers an [`Error`]: its status, its JSON code, as a page.
pub(crate) trait Answer {
	/// The error answered as an HTML page.
	fn into_page(self) -> Response;
	/// The HTTP status it is answered with.
	fn status(&self) -> StatusCode;
	/// Its `error` code in JSON answers.
	fn code(&self) -> &'static str;
}

impl Answer for Error {
	fn into_page(self) -> Response {
		PageError(self).into_response()
	}

	fn status(&self) -> StatusCode {
		match self {
			Error::LinkUnknown => StatusCode::NOT_FOUND,
			Error::LinkExpired | Error::LinkUsed => StatusCode::GONE,
			Error::BadInput(_) => StatusCode::UNPROCESSABLE_ENTITY,
			Error::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
			Error::Unauthorized => StatusCode::UNAUTHORIZED,
			Error::Forbidden(_) => StatusCode::FORBIDDEN,
			Error::Conflict(_) | Error::ChainRefused(_) => StatusCode::CONFLICT,
			Error::ChainUnavailable(_) | Error::Busy | Error::TooSlow => {
				StatusCode::SERVICE_UNAVAILABLE
			}
			Error::RateLimited => StatusCode::TOO_MANY_REQUESTS,
			Error::NotFound(_) => StatusCode::NOT_FOUND,
			Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
		}
	}

	fn code(&self) -> &'static str {
		match self {
			Error::LinkUnknown => "link_unknown",
			Error::LinkExpired => "link_expired",
			Error::LinkUsed => "link_used",
			Error::BadInput(_) => "bad_input",
			Error::TooLarge { .. } => "too_large",
			Error::Unauthorized => "unauthorized",
			Error::Forbidden(_) => "forbidden",
			Error::Conflict(_) => "conflict",
			Error::ChainUnavailable(_) => "chain_unavailable",
			Error::ChainRefused(_) => "chain_refused",
			Error::RateLimited => "rate_limited",
			Error::Busy => "busy",
			Error::TooSlow => "too_slow",
			Error::NotFound(_) => "not_found",
			Error::Internal(_) => "internal",
		}
	}
}

/// A [`Error`] answered as an HTML page.
pub struct PageError(pub Error);

impl<E: Into<Error>> From<E> for PageError {
	fn from(e: E) -> Self {
		PageError(e.into())
	}
}

impl IntoResponse for PageError {
	fn into_response(self) -> Response {
		self.0.log();
		let title = match (&self.0, self.0.status()) {
			(Error::NotFound(_), _) => tr("Not found"),
			(_, StatusCode::NOT_FOUND | StatusCode::GONE) => tr("This link does not work"),
			(_, StatusCode::SERVICE_UNAVAILABLE) => tr("Please try again later"),
			_ => tr("That did not work"),
		};
		// The message in the page's language: fixed ones by their English, the rest by their
		// English pattern.
		let message = match &self.0 {
			Error::BadInput(m) | Error::Conflict(m) | Error::NotFound(m) => tr(m),
			Error::ChainRefused(detail) => {
				tr_with("The badge chain refused this: {0}", &[("0", detail)])
			}
			Error::TooLarge { limit } => tr_with(
				"the request is larger than {limit} bytes",
				&[("limit", &limit.to_string())],
			),
			other => tr(&other.to_string()),
		};
		let body = crate::templates::render("error.html", minijinja::context! { title, message });
		(self.0.status(), Html(body)).into_response()
	}
}

/// A [`Error`] answered as JSON `{ "error": code, "message": text }`.
pub struct ApiError(Error);

impl<E: Into<Error>> From<E> for ApiError {
	fn from(e: E) -> Self {
		ApiError(e.into())
	}
}

impl IntoResponse for ApiError {
	fn into_response(self) -> Response {
		self.0.log();
		let body = serde_json::json!({ "error": self.0.code(), "message": self.0.to_string() });
		(self.0.status(), Json(body)).into_response()
	}
}

async fn health(AxumState(state): AxumState<Arc<State>>) -> Response {
	match state.store.schema_version().await {
		Ok(version) => {
			Json(serde_json::json!({ "status": "ok", "schema": version })).into_response()
		}
		// The cause goes to the log, not to whoever asks.
		Err(e) => {
			tracing::error!(error = %e, "health: the database does not answer");
			(
				StatusCode::SERVICE_UNAVAILABLE,
				Json(serde_json::json!({ "status": "database unavailable" })),
			)
				.into_response()
		}
	}
}

async fn style() -> Response {
	(
		[(header::CONTENT_TYPE, "text/css; charset=utf-8")],
		crate::templates::STYLE,
	)
		.into_response()
}

/// The issuer (id, name) whose API token the request carries (`Authorization: Bearer`).
async fn api_issuer(state: &State, headers: &HeaderMap) -> Result<(i64, String), Error> {
	let token = bearer(headers).ok_or(Error::Unauthorized)?;
	state
		.store
		.issuer_by_token(&token_hash(token))
		.await?
		.ok_or(Error::Unauthorized)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
	headers
		.get(header::AUTHORIZATION)?
		.to_str()
		.ok()?
		.strip_prefix("Bearer ")
		.map(str::trim)
}

pub(crate) fn link_url(state: &State, kind: &str, token: &str) -> String {
	format!(
		"{}/{kind}/{token}",
		state.config.base_url.trim_end_matches('/')
	)
}

/// `YYYY-MM-DD HH:MM` (UTC) of `at` seconds since the Unix epoch.
pub(crate) fn expiry_text(at: i64) -> String {
	badge_credential::dates::format_minutes(at.max(0) as u64 * 1000)
}

/// The query of `POST /api/applications/import`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportQuery {
	/// The e-mails' language, `ja` or `en` (default: as for one application).
	lang: Option<String>,
}

/// A request's body, or why it cannot be read (413 when it is over the route's limit).
fn body_of(
	body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
	limit: usize,
) -> Result<axum::body::Bytes, Error> {
	body.map_err(|e| {
		if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
			Error::TooLarge { limit }
		} else {
			Error::BadInput(e.body_text())
		}
	})
}

/// `POST /api/applications/import`: the body is a results file of `badge bulk` (CSV); every
/// row of status `issued` or `already_issued` becomes an application with its e-mail queued.
/// Answers an [`crate::intake::ImportReport`]; 503 (nothing recorded) if the chain cannot be
/// reached.
async fn import_results(
	AxumState(state): AxumState<Arc<State>>,
	headers: HeaderMap,
	query: Result<axum::extract::Query<ImportQuery>, axum::extract::rejection::QueryRejection>,
	body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, ApiError> {
	let (issuer, issuer_name) = api_issuer(&state, &headers).await?;
	let axum::extract::Query(query) = query.map_err(|e| Error::BadInput(e.body_text()))?;
	let body = body_of(body, crate::issuer::MAX_IMPORT)?;
	let rows = crate::intake::results_rows(&body).map_err(Error::BadInput)?;
	let report = crate::intake::import_results(
		&state,
		issuer,
		&issuer_name,
		rows,
		query.lang,
		Default::default(),
	)
	.await?;
	Ok(Json(report).into_response())
}

/// `PUT /api/classes/{class}/image`: the body is the image of one of the issuer's classes
/// (PNG or SVG), stored only if its blake2-256 is the digest the class pins on chain
/// ([`crate::issuer::check_class_image`]).
async fn put_class_image(
	AxumState(state): AxumState<Arc<State>>,
	headers: HeaderMap,
	class: Result<axum::extract::Path<u32>, axum::extract::rejection::PathRejection>,
	body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, ApiError> {
	let (issuer, _) = api_issuer(&state, &headers).await?;
	let axum::extract::Path(class) = class.map_err(|e| Error::BadInput(e.body_text()))?;
	let body = body_of(body, crate::issuer::MAX_IMAGE)?;
	let image =
		crate::issuer::check_class_image(&state, issuer, class, "The request body", &body).await?;
	state
		.store
		.put_class_image(i64::from(class), issuer, &image)
		.await?;
	tracing::info!(class, issuer, "class image stored");
	Ok(StatusCode::NO_CONTENT.into_response())
}

async fn add_application(
	AxumState(state): AxumState<Arc<State>>,
	headers: HeaderMap,
	body: Result<Json<crate::intake::NewApplication>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
	let (issuer, issuer_name) = api_issuer(&state, &headers).await?;
	let Json(new) = body.map_err(|e| {
		if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
			Error::TooLarge { limit: MAX_BODY }
		} else {
			Error::BadInput(e.body_text())
		}
	})?;
	let added = crate::intake::do_add_application(&state, issuer, &issuer_name, new).await?;
	Ok((
		StatusCode::CREATED,
		Json(serde_json::json!({
			"application": added.id, "badge_id": added.badge_id, "mail": added.mail_name()
		})),
	)
		.into_response())
}

/// `POST /api/applications/{badge}/resend`: a fresh link for the applicant of one of the
/// token's issuer's applications (`202 {"mail": "registration"|"receipt"}`).
async fn resend_link(
	AxumState(state): AxumState<Arc<State>>,
	headers: HeaderMap,
	Path(badge): Path<String>,
) -> Result<Response, ApiError> {
	let (issuer, issuer_name) = api_issuer(&state, &headers).await?;
	let mail = crate::intake::do_resend(&state, issuer, &issuer_name, &badge).await?;
	Ok((
		StatusCode::ACCEPTED,
		Json(serde_json::json!({ "mail": crate::intake::mail_name(mail) })),
	)
		.into_response())
}

fn register_form(email: &str, problem: Option<&str>) -> Html<String> {
	Html(crate::templates::render(
		"register.html",
		minijinja::context! {
			email, problem, min_password => MIN_PASSWORD, max_password => MAX_PASSWORD
		},
	))
}

async fn register_page(
	AxumState(state): AxumState<Arc<State>>,
	Path(token): Path<String>,
) -> Result<Html<String>, PageError> {
	let link = live_link(&state, &token, store::LinkKind::Register).await?;
	Ok(register_form(&link.email, None))
}

/// The registration form.
#[derive(Deserialize)]
pub struct RegisterForm {
	password: String,
	password_again: String,
}

async fn register(
	AxumState(state): AxumState<Arc<State>>,
	Path(token): Path<String>,
	form: Result<Form<RegisterForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
	let link = live_link(&state, &token, store::LinkKind::Register).await?;
	let form = match form {
		Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
			return Err(Error::TooLarge { limit: MAX_BODY }.into())
		}
		other => other,
	};
	let Ok(Form(form)) = form else {
		return Ok((
			StatusCode::UNPROCESSABLE_ENTITY,
			register_form(&link.email, Some(&tr("Fill in both password fields."))),
		)
			.into_response());
	};
	let problem = password_problem(&form.password, &form.password_again);
	if let Some(problem) = problem {
		return Ok((
			StatusCode::UNPROCESSABLE_ENTITY,
			register_form(&link.email, Some(&problem)),
		)
			.into_response());
	}
	let (seed, pair) = secrets::new_holder_key();
	let account = badge_client::account_of(&pair).to_string();
	let holder = Holder {
		id: 0,
		email: link.email.clone(),
		password_hash: state.passwords.hash(&form.password).await?,
		key_enc: state
			.key
			.seal(&seed, &secrets::Context::HolderKey(&account)),
		account,
	};
	// Every badge waiting for this address gets its receipt e-mail, queued in the registration's
	// own transaction: a crash cannot leave a wallet without its receipt links.
	let pending = state.store.pending_applications(&link.email).await?;
	let receipts = crate::intake::receipt_mails(&state, &pending);
	state
		.store
		.register_holder(&token_hash(&token), &holder, &receipts)
		.await?
		.ok_or(Error::LinkUsed)?;
	state.outbox_wake.notify_one();
	let sent = receipts.len();
	tracing::info!(account = %holder.account, receipts = sent, "wallet registered");
	crate::metrics::event("wallet_registered");
	Ok(Html(crate::templates::render(
		"registered.html",
		minijinja::context! { email => &link.email, sent },
	))
	.into_response())
}

/// What is wrong with a new password and its repetition, in the request's language.
pub(crate) fn password_problem(password: &str, again: &str) -> Option<String> {
	if password.chars().count() < MIN_PASSWORD {
		Some(tr_with(
			"The password must have at least {n} characters.",
			&[("n", &MIN_PASSWORD.to_string())],
		))
	} else if password.len() > MAX_PASSWORD {
		Some(tr_with(
			"The password must have at most {n} bytes.",
			&[("n", &MAX_PASSWORD.to_string())],
		))
	} else if password != again {
		Some(tr("The two passwords differ."))
	} else {
		None
	}
}

/// The application of a live receipt link.
async fn receipt_of(state: &State, token: &str) -> Result<store::Application, Error> {
	let link = live_link(state, token, store::LinkKind::Receive).await?;
	let id = link.application_id.ok_or(Error::LinkUnknown)?;
	state.store.application(id).await?.ok_or(Error::LinkUnknown)
}

async fn receive_page(
	AxumState(state): AxumState<Arc<State>>,
	Path(token): Path<String>,
) -> Result<Html<String>, PageError> {
	let application = receipt_of(&state, &token).await?;
	let badge = application.badge_id.hash();
	// The page names the issuer from the chain; without the chain it still offers the button.
	let issuer = match state.client().await {
		Ok(client) => client
			.verify(badge, None)
			.await
			.ok()
			.and_then(|v| v.details)
			.map(|d| d.issuer.to_string()),
		Err(_) => None,
	};
	Ok(Html(crate::templates::render(
		"receive.html",
		minijinja::context! { badge_id => &application.badge_id, issuer },
	)))
}

async fn receive(
	AxumState(state): AxumState<Arc<State>>,
	Path(token): Path<String>,
) -> Result<Html<String>, PageError> {
	let application = receipt_of(&state, &token).await?;
	let holder = state
		.store
		.holder_by_email(&application.email)
		.await?
		.ok_or_else(|| {
			Error::BadInput("Register your wallet first: use the registration e-mail.".into())
		})?;
	let key = state
		.holder_key(&holder)
		.map_err(|_| Error::Internal("holder key does not decrypt".into()))?;
	let claim = state
		.key
		.open(
			&application.claim_enc,
			&secrets::Context::ClaimSecret(&application.badge_id.to_string()),
		)
		.ok()
		.and_then(|s| String::from_utf8(s).ok())
		.and_then(|s| ClaimKey::from_secret_hex(&s).ok())
		.ok_or_else(|| Error::Internal("claim secret does not decrypt".into()))?;
	let badge = application.badge_id.hash();
	let client = on_chain(&state, state.client()).await?;
	// On any failure the link stays usable: nothing is lost, the holder can try again. A retry
	// after a receipt that landed (its answer lost to a timeout, a closed browser or a crash
	// before the database was updated) finds the badge in this holder's account on chain: the
	// step is done.
	let received =
		on_chain_final(&state, client.receive(&key, badge, &claim, Wait::Finalized)).await;
	if let Err(e) = received {
		// An earlier try's transaction may be in a block not final yet (the chain then refuses
		// this one as received already): wait for finality a while before answering.
		let landed = match e {
			Error::ChainRefused(_) => landed_within(&state, badge, &holder.account).await,
			_ => received_by(&state, badge, &holder.account).await,
		};
		if !landed {
			return Err(e.into());
		}
		tracing::info!(badge = %application.badge_id, "the receipt was already final: step completed");
	}
	state.store.use_link(&token_hash(&token)).await?;
	state.store.mark_received(application.id).await?;
	let verdict = on_chain(&state, client.verify_json(badge, None))
		.await
		.map(|v| crate::pages::verdict_text(v.verdict))
		.unwrap_or_else(|_| crate::i18n::tr("Unknown: the chain did not answer"));
	tracing::info!(badge = %application.badge_id, account = %holder.account, "badge received");
	crate::metrics::event("badge_received");
	Ok(Html(crate::templates::render(
		"received.html",
		minijinja::context! { badge_id => &application.badge_id, account => &holder.account, verdict },
	)))
}

/// How long a refused receipt waits for an earlier try's transaction to be final.
const LANDING_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// Whether the chain's finalized state binds `badge` to `account` now or within
/// [`LANDING_WAIT`].
async fn landed_within(state: &State, badge: H256, account: &str) -> bool {
	finally(|| received_by(state, badge, account)).await
}

/// Whether `holds` (a question to the chain's finalized state) is true now or becomes true
/// within [`LANDING_WAIT`], asked every half second.
pub(crate) async fn finally<F, Fut>(mut holds: F) -> bool
where
	F: FnMut() -> Fut,
	Fut: std::future::Future<Output = bool>,
{
	let deadline = std::time::Instant::now() + LANDING_WAIT;
	loop {
		if holds().await {
			return true;
		}
		if std::time::Instant::now() >= deadline {
			return false;
		}
		tokio::time::sleep(std::time::Duration::from_millis(500)).await;
	}
}

/// Whether the chain's finalized state binds `badge` to `account` (a receipt that landed);
/// `false` when the chain cannot say.
pub(crate) async fn received_by(state: &State, badge: H256, account: &str) -> bool {
	let holder = on_chain(state, async {
		state.client().await?.holder_of(badge).await
	})
	.await;
	matches!(holder, Ok(Some(holder)) if holder.to_string() == account)
}

/// Mark received those of `holder`'s waiting applications whose badges the chain already
/// binds to the holder's account: receipts that landed while their answer was lost. One
/// `badges_verifyMany` call per thousand waiting badges, then a record read for each one that
/// is no longer waiting; without the chain nothing changes.
pub(crate) async fn settle_landed_receipts(
	state: &State,
	holder: &store::Holder,
) -> Result<(), Error> {
	let pending = state.store.pending_applications(&holder.email).await?;
	let ids: Vec<(i64, H256)> = pending.iter().map(|a| (a.id, a.badge_id.hash())).collect();
	if ids.is_empty() {
		return Ok(());
	}
	let badges: Vec<H256> = ids.iter().map(|(_, badge)| *badge).collect();
	let Ok(verdicts) = on_chain(state, async {
		state.client().await?.verdicts(&badges).await
	})
	.await
	else {
		return Ok(());
	};
	for ((application, badge), verdict) in ids.into_iter().zip(verdicts) {
		let waiting = matches!(
			verdict.verdict,
			VerdictName::NotYetReceived | VerdictName::NotFound
		);
		if !waiting && received_by(state, badge, &holder.account).await {
			state.store.mark_received(application).await?;
			tracing::info!(badge = ?badge, "a receipt found final on chain: the badge is listed");
		}
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn expiry_dates_are_civil_utc() {
		assert_eq!(expiry_text(0), "1970-01-01 00:00");
		assert_eq!(expiry_text(1_795_000_000), "2026-11-18 11:06");
		assert_eq!(expiry_text(951_782_400), "2000-02-29 00:00");
	}
}

//! The routes on a real SQLite file and outbox, without a chain node (its URL points at a
//! closed port): bad input, bad links and an unreachable chain each get a clear answer and
//! change nothing.

use axum::{
	body::Body,
	http::{header, Request, StatusCode},
	Router,
};
use badge_wallet::{config::Config, secrets, store, web, State};
use std::sync::Arc;
use tower::ServiceExt;

struct Service {
	router: Router,
	/// The operations listener's routes.
	ops: Router,
	state: Arc<State>,
	dir: tempfile::TempDir,
	token: String,
}

async fn service() -> Service {
	service_with(|_| {}).await
}

/// [`service`] with settings changed by `configure`.
async fn service_with(configure: impl FnOnce(&mut Config)) -> Service {
	let dir = tempfile::tempdir().unwrap();
	let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
	let port = closed.local_addr().unwrap().port();
	drop(closed);
	let mut config = Config {
		data_dir: dir.path().to_path_buf(),
		node_url: format!("ws://127.0.0.1:{port}"),
		..Config::default()
	};
	configure(&mut config);
	let state = Arc::new(State::from_config(config).await.unwrap());
	let (token, hash) = secrets::new_token();
	state
		.store
		.add_issuer("Digital Agency", &hash, ISSUER_ACCOUNT)
		.await
		.unwrap();
	Service {
		router: web::router(state.clone()),
		ops: web::ops_router(state.clone()),
		state,
		dir,
		token,
	}
}

impl Service {
	async fn call(&self, request: Request<Body>) -> (StatusCode, String, axum::http::HeaderMap) {
		Self::answer(&self.router, request).await
	}

	/// A request to the operations listener.
	async fn call_ops(&self, path: &str) -> (StatusCode, String, axum::http::HeaderMap) {
		Self::answer(&self.ops, Request::get(path).body(Body::empty()).unwrap()).await
	}

	async fn answer(
		router: &Router,
		request: Request<Body>,
	) -> (StatusCode, String, axum::http::HeaderMap) {
		let response = router.clone().oneshot(request).await.unwrap();
		let status = response.status();
		let headers = response.headers().clone();
		let body = axum::body::to_bytes(response.into_body(), 1 << 20)
			.await
			.unwrap();
		(status, String::from_utf8_lossy(&body).to_string(), headers)
	}

	async fn post_application(&self, token: Option<&str>, body: &str) -> (StatusCode, String) {
		let mut request =
			Request::post("/api/applications").header(header::CONTENT_TYPE, "application/json");
		if let Some(token) = token {
			request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
		}
		let (status, body, _) = self
			.call(request.body(Body::from(body.to_string())).unwrap())
			.await;
		(status, body)
	}

	fn outbox(&self) -> Vec<std::path::PathBuf> {
		std::fs::read_dir(self.dir.path().join("outbox"))
			.map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
			.unwrap_or_default()
	}

	/// A registration link for `email` that expires at `expires_at`; its token.
	async fn link(&self, email: &str, expires_at: i64) -> String {
		let (token, hash) = secrets::new_token();
		self.state
			.store
			.add_link(&hash, store::LinkKind::Register, email, None, expires_at)
			.await
			.unwrap();
		token
	}

	/// An application of the Digital Agency for [`BADGE`] to `email`, recorded a minute ago
	/// with a registration link that expired then (its e-mail never left).
	async fn expired_application(&self, email: &str) {
		let issuer = self.state.store.issuer_id("Digital Agency").await.unwrap();
		let intake = store::NewIntake {
			email: email.into(),
			badge_id: BADGE.parse().unwrap(),
			claim_enc: self
				.state
				.key
				.seal(SECRET.as_bytes(), &secrets::Context::ClaimSecret(BADGE)),
			credential: None,
			lang: "en".into(),
			token_hash: secrets::new_token().1,
			token_enc: Vec::new(),
		};
		let past = store::now() - 60;
		self.state
			.store
			.add_applications(issuer.unwrap(), "Digital Agency", &[intake], past, past)
			.await
			.unwrap();
	}

	/// The holder `email` registers as (password `long enough 1`) through a fresh link.
	async fn registered(&self, email: &str) -> store::Holder {
		let token = self.link(email, store::now() + 3600).await;
		let (status, page) = self
			.register(
				&token,
				"password=long+enough+1&password_again=long+enough+1",
			)
			.await;
		assert_eq!(status, StatusCode::OK, "{page}");
		self.state
			.store
			.holder_by_email(email)
			.await
			.unwrap()
			.unwrap()
	}

	async fn register(&self, token: &str, form: &str) -> (StatusCode, String) {
		let request = Request::post(format!("/register/{token}"))
			.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
			.body(Body::from(form.to_string()))
			.unwrap();
		let (status, body, _) = self.call(request).await;
		(status, body)
	}
}

/// The issuer's chain account (//Ferdie's).
const ISSUER_ACCOUNT: &str = "5CiPPseXPECbkjWCa6MnjNokrgYjMqmKndv2rSnekmSK2DjL";
const BADGE: &str = "0x1111111111111111111111111111111111111111111111111111111111111111";
const SECRET: &str = "2222222222222222222222222222222222222222222222222222222222222222";

#[tokio::test]
async fn the_api_refuses_missing_tokens_bad_bodies_and_never_pretends_without_the_chain() {
	let s = service().await;
	let good = format!(
		r#"{{"email":"member@example.jp","badge_id":"{BADGE}","claim_secret":"{SECRET}"}}"#
	);

	let (status, body) = s.post_application(None, &good).await;
	assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
	let (status, _) = s.post_application(Some("forged"), &good).await;
	assert_eq!(status, StatusCode::UNAUTHORIZED);

	for (bad, why) in [
		("{not json", "malformed JSON"),
		(r#"{"email":"member@example.jp"}"#, "missing fields"),
		(
			&good.replace("member@example.jp", "not an address"),
			"bad e-mail",
		),
		(&good.replace(BADGE, "0x12"), "bad badge id"),
		(&good.replace(SECRET, "zz"), "bad claim secret"),
		(&good.replace('}', r#","extra":1}"#), "unknown field"),
	] {
		let (status, body) = s.post_application(Some(&s.token), bad).await;
		assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{why}: {body}");
		let json: serde_json::Value = serde_json::from_str(&body)
			.unwrap_or_else(|_| panic!("{why}: JSON error body: {body}"));
		assert_eq!(json["error"], "bad_input", "{why}");
	}
	let huge = format!(
		r#"{{"email":"{}@example.jp","badge_id":"{BADGE}","claim_secret":"{SECRET}"}}"#,
		"a".repeat(20_000)
	);
	let (status, _) = s.post_application(Some(&s.token), &huge).await;
	assert_eq!(
		status,
		StatusCode::PAYLOAD_TOO_LARGE,
		"bodies over 16 KiB are refused"
	);

	// The chain is down: the API says so, stores nothing and sends nothing.
	let (status, body) = s.post_application(Some(&s.token), &good).await;
	assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
	assert!(body.contains("chain_unavailable"), "{body}");
	assert!(s
		.state
		.store
		.pending_applications("member@example.jp")
		.await
		.unwrap()
		.is_empty());
	assert!(s.outbox().is_empty(), "no e-mail without an application");

	// An issuer added by an older version without its chain account can do nothing (it could
	// otherwise claim any issuer's pending badges) until an operator binds it.
	sqlx::any::install_default_drivers();
	let db = sqlx::AnyPool::connect(&s.state.config.database_url())
		.await
		.unwrap();
	sqlx::query("UPDATE issuers SET account = NULL")
		.execute(&db)
		.await
		.unwrap();
	let (status, body) = s.post_application(Some(&s.token), &good).await;
	assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
	assert!(body.contains("badge-wallet issuer bind"), "{body}");
	let issuer = s.state.store.issuer_id("Digital Agency").await.unwrap();
	assert!(s
		.state
		.store
		.set_issuer_account(issuer.unwrap(), ISSUER_ACCOUNT)
		.await
		.unwrap());
	let (status, _) = s.post_application(Some(&s.token), &good).await;
	assert_eq!(
		status,
		StatusCode::SERVICE_UNAVAILABLE,
		"bound: on to the chain"
	);
}

#[tokio::test]
async fn registration_links_are_single_use_expire_and_cannot_be_forged() {
	let s = service().await;
	let live = s.link("member@example.jp", store::now() + 3600).await;
	let expired = s.link("late@example.jp", store::now() - 1).await;

	let (status, page, headers) = s
		.call(
			Request::get(format!("/register/{live}"))
				.body(Body::empty())
				.unwrap(),
		)
		.await;
	assert_eq!(status, StatusCode::OK);
	assert!(page.contains("member@example.jp"));
	let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
	assert!(
		csp.contains("default-src 'none'") && !csp.contains("script-src"),
		"{csp}"
	);
	assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");

	let forged = "ab".repeat(32);
	for (token, status, words) in [
		(forged.as_str(), StatusCode::NOT_FOUND, "not valid"),
		("short", StatusCode::NOT_FOUND, "not valid"),
		(expired.as_str(), StatusCode::GONE, "expired"),
	] {
		let (got, page, _) = s
			.call(
				Request::get(format!("/register/{token}"))
					.body(Body::empty())
					.unwrap(),
			)
			.await;
		assert_eq!(got, status, "{token}");
		assert!(page.contains(words), "{token}: {page}");
		let (got, _) = s
			.register(token, "password=long+enough+1&password_again=long+enough+1")
			.await;
		assert_eq!(got, status, "POST {token}");
	}

	// Wrong passwords: the form comes back with the reason; the link still works.
	for (form, reason) in [
		("password=short&password_again=short", "at least 10"),
		(
			"password=long+enough+1&password_again=long+enough+2",
			"differ",
		),
		("password=only+one+field", "both password fields"),
	] {
		let (status, page) = s.register(&live, form).await;
		assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{form}");
		assert!(page.contains(reason), "{form}: {page}");
	}
	assert!(s
		.state
		.store
		.holder_by_email("member@example.jp")
		.await
		.unwrap()
		.is_none());

	let (status, page) = s
		.register(
			&live,
			"password=correct+horse+battery&password_again=correct+horse+battery",
		)
		.await;
	assert_eq!(status, StatusCode::OK, "{page}");
	assert!(page.contains("registered"));
	let holder = s
		.state
		.store
		.holder_by_email("member@example.jp")
		.await
		.unwrap()
		.expect("a holder");
	assert!(secrets::check_password(
		"correct horse battery",
		&holder.password_hash
	));
	let seed = s
		.state
		.key
		.open(
			&holder.key_enc,
			&secrets::Context::HolderKey(&holder.account),
		)
		.expect("the key is sealed with the server key, bound to the holder's account");
	assert_eq!(seed.len(), 32);
	let pair = secrets::holder_key(seed.try_into().unwrap());
	assert_eq!(badge_client::account_of(&pair).to_string(), holder.account);

	// Used once, never again.
	let (status, page) = s
		.register(
			&live,
			"password=another+password&password_again=another+password",
		)
		.await;
	assert_eq!(status, StatusCode::GONE);
	assert!(page.contains("already been used"));
	let again = s
		.state
		.store
		.holder_by_email("member@example.jp")
		.await
		.unwrap()
		.unwrap();
	assert_eq!(
		again.password_hash, holder.password_hash,
		"the holder is unchanged"
	);
}

#[tokio::test]
async fn health_reports_the_schema_and_receipt_links_of_another_kind_are_refused() {
	let s = service().await;
	let (status, body, _) = s.call_ops("/health").await;
	assert_eq!(status, StatusCode::OK);
	// Health and metrics are for monitoring: the public listener has neither.
	for path in ["/health", "/metrics"] {
		let (status, _, _) = s
			.call(Request::get(path).body(Body::empty()).unwrap())
			.await;
		assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
	}
	let expected = format!(r#""schema":{}"#, store::latest_schema());
	assert!(body.contains(&expected), "{body}");
	assert!(store::latest_schema() >= 2, "migrations ran");
	// A registration token is not a receipt token.
	let token = s.link("member@example.jp", store::now() + 3600).await;
	let (status, _, _) = s
		.call(
			Request::get(format!("/receive/{token}"))
				.body(Body::empty())
				.unwrap(),
		)
		.await;
	assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_public_page_never_says_valid_without_the_chain_and_logins_are_limited() {
	let s = service().await;
	let (status, page, _) = s
		.call(
			Request::get(format!("/badges/{BADGE}"))
				.body(Body::empty())
				.unwrap(),
		)
		.await;
	assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
	assert!(page.contains("Verification unavailable"), "{page}");
	assert!(!page.contains("Valid"));
	let (status, _, _) = s
		.call(
			Request::get("/badges/not-an-id")
				.body(Body::empty())
				.unwrap(),
		)
		.await;
	assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

	// The wallet needs a login; a made-up cookie is no session.
	let (status, _, headers) = s.call(Request::get("/").body(Body::empty()).unwrap()).await;
	assert_eq!(status, StatusCode::SEE_OTHER);
	assert_eq!(headers[header::LOCATION], "/login");
	let (status, _, _) = s
		.call(
			Request::get("/")
				.header(
					header::COOKIE,
					format!("wallet_session={}", "ab".repeat(32)),
				)
				.body(Body::empty())
				.unwrap(),
		)
		.await;
	assert_eq!(status, StatusCode::SEE_OTHER);

	// Ten attempts per address in 15 minutes, then 429 even with the right password.
	let login = |password: &str| {
		Request::post("/login")
			.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
			.body(Body::from(format!(
				"email=member%40example.jp&password={password}"
			)))
			.unwrap()
	};
	for _ in 0..10 {
		let (status, page, _) = s.call(login("wrong")).await;
		assert_eq!(status, StatusCode::UNAUTHORIZED);
		assert!(page.contains("e-mail address or the password is wrong"));
	}
	let (status, page, _) = s.call(login("wrong")).await;
	assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
	assert!(page.contains("Too many attempts"), "{page}");
}

#[tokio::test]
async fn a_client_rotating_addresses_or_forging_its_forwarded_address_is_limited_as_one() {
	// Behind a proxy, which appends the address it saw to X-Forwarded-For.
	let s = service_with(|c| c.trust_proxy = true).await;
	let login = |email: String, forwarded: String| {
		Request::post("/login")
			.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
			.header("x-forwarded-for", forwarded)
			.body(Body::from(format!("email={email}&password=guess")))
			.unwrap()
	};
	// The attacker tries a new address each time and writes a made-up address of its own
	// before the proxy's entry; its IPv6 address changes within its /64.
	for i in 0..web::LOGINS_PER_CLIENT {
		let (status, _, _) = s
			.call(login(
				format!("victim{i}%40example.jp"),
				format!("10.0.{}.{}, 2001:db8:7:7:{i:x}::1", i / 250, i % 250),
			))
			.await;
		assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {i}");
	}
	let (status, page, _) = s
		.call(login(
			"fresh%40example.jp".into(),
			"203.0.113.9, 2001:db8:7:7:ffff::2".into(),
		))
		.await;
	assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{page}");
	// Another client is not held back, nor are the login pages themselves.
	let (status, _, _) = s
		.call(login("fresh%40example.jp".into(), "198.51.100.20".into()))
		.await;
	assert_eq!(status, StatusCode::UNAUTHORIZED);
	let (status, _, _) = s
		.call(
			Request::get("/issuer/login")
				.header("x-forwarded-for", "2001:db8:7:7::3")
				.body(Body::empty())
				.unwrap(),
		)
		.await;
	assert_eq!(status, StatusCode::OK);
	// Staff logins count against the same client.
	let (status, _, _) = s
		.call(
			Request::post("/issuer/login")
				.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
				.header("x-forwarded-for", "2001:db8:7:7::4")
				.body(Body::from("email=staff%40example.jp&password=guess"))
				.unwrap(),
		)
		.await;
	assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_node_that_never_answers_fails_pages_fast_not_the_whole_service() {
	// A black-holed node: the kernel completes the TCP handshake, nothing ever answers.
	let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
	let url = format!("ws://{}", silent.local_addr().unwrap());
	let s = service_with(|c| c.node_url = url).await;
	let badge_page = || {
		Request::get(format!("/badges/{BADGE}"))
			.body(Body::empty())
			.unwrap()
	};
	// Ten visitors at once: each answered 503 within the connect deadline (one connects, the
	// others wait for it), not after the connection's minute.
	let started = std::time::Instant::now();
	let pages: Vec<_> = (0..10).map(|_| s.call(badge_page())).collect();
	for (status, page, _) in futures::future::join_all(pages).await {
		assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
		assert!(page.contains("Verification unavailable"), "{page}");
	}
	let waited = started.elapsed();
	assert!(
		waited < badge_wallet::CHAIN_CONNECT + std::time::Duration::from_secs(1),
		"answered after {waited:?}"
	);
	// Right after, a request is answered at once; pages without the chain are never held.
	let started = std::time::Instant::now();
	let (status, _, _) = s.call(badge_page()).await;
	assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
	let (status, _, _) = s
		.call(Request::get("/login").body(Body::empty()).unwrap())
		.await;
	assert_eq!(status, StatusCode::OK);
	assert!(started.elapsed() < std::time::Duration::from_millis(500));
	drop(silent);
}

#[tokio::test]
async fn sealed_values_open_only_in_their_own_row_and_older_ones_are_bound_once_at_start() {
	use chacha20poly1305::{aead::Aead, KeyInit, XChaCha20Poly1305, XNonce};
	let s = service().await;
	let form = "password=correct+horse+battery&password_again=correct+horse+battery";
	let mut holders = Vec::new();
	for email in ["member@example.jp", "attacker@example.jp"] {
		let token = s.link(email, store::now() + 3600).await;
		assert_eq!(s.register(&token, form).await.0, StatusCode::OK);
		let holder = s.state.store.holder_by_email(email).await.unwrap();
		holders.push(holder.unwrap());
	}
	let (victim, attacker) = (&holders[0], &holders[1]);
	let victim_account = s
		.state
		.holder_key(victim)
		.map(|k| badge_client::account_of(&k));
	assert_eq!(victim_account.unwrap().to_string(), victim.account);
	// Someone who can write the database but has no server key copies the victim's sealed key
	// into their own row: it does not open there, so it can never be exported or used as theirs.
	let swapped = store::Holder {
		key_enc: victim.key_enc.clone(),
		..attacker.clone()
	};
	assert!(s.state.holder_key(&swapped).is_err());

	// A database from before values were bound: the victim's key sealed without context.
	let key_hex = std::fs::read_to_string(s.dir.path().join("server.key")).unwrap();
	let key_bytes: [u8; 32] = hex::decode(key_hex.trim()).unwrap().try_into().unwrap();
	let seed = s
		.state
		.key
		.open(
			&victim.key_enc,
			&secrets::Context::HolderKey(&victim.account),
		)
		.unwrap();
	let nonce = secrets::random::<24>();
	let mut unbound = nonce.to_vec();
	let cipher = XChaCha20Poly1305::new(&key_bytes.into());
	unbound.extend(
		cipher
			.encrypt(XNonce::from_slice(&nonce), &seed[..])
			.unwrap(),
	);
	sqlx::any::install_default_drivers();
	let db = sqlx::AnyPool::connect(&s.state.config.database_url())
		.await
		.unwrap();
	let make_old = || async {
		sqlx::query("UPDATE holders SET key_enc = $1 WHERE email = $2")
			.bind(unbound.clone())
			.bind("member@example.jp")
			.execute(&db)
			.await
			.unwrap();
		sqlx::query("INSERT INTO pending_tasks (name) VALUES ('reseal_with_context')")
			.execute(&db)
			.await
			.unwrap();
	};
	make_old().await;
	// Started with another server key, the service refuses to start, naming the cause.
	let other_key = s.dir.path().join("other.key");
	std::fs::write(&other_key, hex::encode([9u8; 32])).unwrap();
	let mut wrong = s.state.config.clone();
	wrong.server_key_file = Some(other_key);
	let refused = State::from_config(wrong).await.err().expect("refused");
	assert!(refused.contains("server key does not open"), "{refused}");
	// Started with its own, it binds the value to its row once; the holder's key is intact.
	let restarted = State::from_config(s.state.config.clone()).await.unwrap();
	let resealed = restarted
		.store
		.holder_by_email("member@example.jp")
		.await
		.unwrap()
		.unwrap();
	assert_ne!(resealed.key_enc, unbound);
	let account = restarted
		.holder_key(&resealed)
		.map(|k| badge_client::account_of(&k));
	assert_eq!(account.unwrap().to_string(), victim.account);
	let left: Option<(String,)> = sqlx::query_as("SELECT name FROM pending_tasks")
		.fetch_optional(&db)
		.await
		.unwrap();
	assert!(left.is_none(), "the task is done once");
}

/// The value of `name="csrf"` in a page.
fn csrf_in(page: &str) -> String {
	let at = page.find(r#"name="csrf" value=""#).expect("a CSRF field") + 19;
	page[at..at + 32].to_string()
}

#[tokio::test]
async fn link_pages_are_limited_per_link_and_per_client() {
	let s = service().await;
	let token = s.link("member@example.jp", store::now() + 3600).await;
	for _ in 0..web::POSTS_PER_LINK {
		let (status, page) = s
			.register(&token, "password=short&password_again=short")
			.await;
		assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
	}
	let (status, page) = s
		.register(
			&token,
			"password=long+enough+1&password_again=long+enough+1",
		)
		.await;
	assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{page}");
	assert!(page.contains("Too many attempts"), "{page}");
	assert!(
		s.state
			.store
			.holder_by_email("member@example.jp")
			.await
			.unwrap()
			.is_none(),
		"the refused post registered nobody"
	);
	// The same client opening pages, any link or none, is limited too.
	let get = |path: String| Request::get(path).body(Body::empty()).unwrap();
	let mut answered = web::POSTS_PER_LINK + 1;
	while answered < web::LINK_REQUESTS_PER_CLIENT {
		let (status, _, _) = s.call(get(format!("/register/{}", "cd".repeat(32)))).await;
		assert_eq!(status, StatusCode::NOT_FOUND);
		answered += 1;
	}
	let (status, _, _) = s.call(get(format!("/receive/{}", "ef".repeat(32)))).await;
	assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
	// Other pages are not link pages.
	let (status, _, _) = s.call(get("/login".into())).await;
	assert_eq!(status, StatusCode::OK);

	let (status, metrics, headers) = s.call_ops("/metrics").await;
	assert_eq!(status, StatusCode::OK);
	assert!(headers[header::CONTENT_TYPE]
		.to_str()
		.unwrap()
		.starts_with("text/plain"));
	assert!(
		metrics.contains(r#"route="/register/{token}",status="429""#)
			|| metrics.contains(r#"route="/register/{token}",method="POST",status="429""#),
		"responses are counted by route template, never by token: {metrics}"
	);
	assert!(!metrics.contains(&token), "no token in the metrics");
	assert!(metrics.contains(r#"wallet_events_total{event="rate_limited"}"#));
	assert!(metrics.contains("wallet_http_request_duration_seconds_bucket"));
}

#[tokio::test]
async fn a_holder_exports_their_key_and_deletes_their_account_with_their_password() {
	let s = service().await;
	let email = "keeper@example.jp";
	let holder = s.registered(email).await;
	let form = |path: &str, cookie: &str, body: String| {
		Request::post(path)
			.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
			.header(header::COOKIE, cookie)
			.body(Body::from(body))
			.unwrap()
	};
	let (status, _, headers) = s
		.call(form(
			"/login",
			"",
			format!("email={email}&password=long+enough+1"),
		))
		.await;
	assert_eq!(status, StatusCode::SEE_OTHER);
	let cookie = headers[header::SET_COOKIE]
		.to_str()
		.unwrap()
		.split(';')
		.next()
		.unwrap()
		.to_string();
	let (status, page, _) = s
		.call(
			Request::get("/account")
				.header(header::COOKIE, &cookie)
				.body(Body::empty())
				.unwrap(),
		)
		.await;
	assert_eq!(status, StatusCode::OK);
	assert!(page.contains(&holder.account), "{page}");
	let csrf = csrf_in(&page);

	// Export: the password again, and the right CSRF token.
	let (status, page, _) = s
		.call(form(
			"/account/key",
			&cookie,
			format!("csrf={csrf}&password=wrong+password"),
		))
		.await;
	assert_eq!(status, StatusCode::UNAUTHORIZED);
	assert!(page.contains("password is wrong"), "{page}");
	let (status, _, _) = s
		.call(form(
			"/account/key",
			&cookie,
			format!("csrf={}&password=long+enough+1", "0".repeat(32)),
		))
		.await;
	assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
	let (status, key, headers) = s
		.call(form(
			"/account/key",
			&cookie,
			format!("csrf={csrf}&password=long+enough+1"),
		))
		.await;
	assert_eq!(status, StatusCode::OK);
	assert!(headers[header::CONTENT_DISPOSITION]
		.to_str()
		.unwrap()
		.starts_with("attachment"));
	let seed: [u8; 32] = hex::decode(key.trim().strip_prefix("0x").unwrap())
		.unwrap()
		.try_into()
		.unwrap();
	assert_eq!(
		badge_client::account_of(&secrets::holder_key(seed)).to_string(),
		holder.account,
		"the exported key is the account's key"
	);

	// Deletion: refused without the box ticked, then everything about the address goes.
	let (status, page, _) = s
		.call(form(
			"/account/delete",
			&cookie,
			format!("csrf={csrf}&password=long+enough+1"),
		))
		.await;
	assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
	assert!(page.contains("Tick the box"), "{page}");
	assert!(s.state.store.rows_mentioning(email).await.unwrap() > 0);
	// E-mails to the holder (their links) and to someone else wait in the outbox folder.
	for to in [email, "someone.else@example.jp"] {
		let mail = badge_wallet::mail::Mail {
			to: to.into(),
			subject: "A link".into(),
			text: format!("http://127.0.0.1:8080/receive/{}", "ab".repeat(32)),
			html: String::new(),
			inline_png: None,
		};
		s.state
			.mailer
			.send(&s.state.config.mail_from, mail)
			.await
			.unwrap();
	}
	let mailed = s.outbox().len();
	let (status, page, headers) = s
		.call(form(
			"/account/delete",
			&cookie,
			format!("csrf={csrf}&password=long+enough+1&confirm=yes"),
		))
		.await;
	assert_eq!(status, StatusCode::OK, "{page}");
	assert!(page.contains("deleted"), "{page}");
	assert!(headers[header::SET_COOKIE]
		.to_str()
		.unwrap()
		.contains("Max-Age=0"));
	assert_eq!(s.state.store.rows_mentioning(email).await.unwrap(), 0);
	let left: Vec<String> = s
		.outbox()
		.iter()
		.map(|path| std::fs::read_to_string(path).unwrap())
		.collect();
	assert_eq!(left.len(), mailed - 1, "the holder's e-mail files are gone");
	assert!(left.iter().all(|mail| !mail.contains(email)));
	assert!(left[0].contains("someone.else@example.jp"));
	let (status, _, headers) = s
		.call(
			Request::get("/")
				.header(header::COOKIE, &cookie)
				.body(Body::empty())
				.unwrap(),
		)
		.await;
	assert_eq!(status, StatusCode::SEE_OTHER, "the session ended");
	assert_eq!(headers[header::LOCATION], "/login");
	let (status, _, _) = s
		.call(form(
			"/login",
			"",
			format!("email={email}&password=long+enough+1"),
		))
		.await;
	assert_eq!(status, StatusCode::UNAUTHORIZED, "the wallet is gone");
	assert!(badge_wallet::metrics::event_count("account_deleted") >= 1);
}

#[tokio::test]
async fn pages_speak_the_browsers_language_and_the_switch_remembers_a_choice() {
	let s = service().await;
	let get = |path: &str, headers: &[(header::HeaderName, &str)]| {
		let mut request = Request::get(path);
		for (name, value) in headers {
			request = request.header(name, *value);
		}
		request.body(Body::empty()).unwrap()
	};
	let (status, page, headers) = s
		.call(get(
			"/login",
			&[(header::ACCEPT_LANGUAGE, "ja-JP,ja;q=0.9,en;q=0.8")],
		))
		.await;
	assert_eq!(status, StatusCode::OK);
	assert!(page.contains(r#"<html lang="ja">"#), "{page}");
	assert!(page.contains("ウォレットにログイン") && page.contains("パスワード"));
	assert!(
		page.contains(r#"href="/lang/en?next=&#x2f;login""#),
		"the switch leads back here: {page}"
	);
	assert_eq!(headers[header::CONTENT_LANGUAGE], "ja");
	assert!(headers[header::VARY]
		.to_str()
		.unwrap()
		.contains("Accept-Language"));

	let (_, page, headers) = s.call(get("/login", &[])).await;
	assert!(page.contains("Log in to your wallet"), "English by default");
	assert_eq!(headers[header::CONTENT_LANGUAGE], "en");

	// A chosen language beats the browser's.
	let (_, page, _) = s
		.call(get(
			"/login",
			&[(header::ACCEPT_LANGUAGE, "ja"), (header::COOKIE, "lang=en")],
		))
		.await;
	assert!(page.contains("Log in to your wallet"), "{page}");
	let (status, _, headers) = s.call(get("/lang/ja?next=/explorer", &[])).await;
	assert_eq!(status, StatusCode::SEE_OTHER);
	assert_eq!(headers[header::LOCATION], "/explorer");
	assert!(headers[header::SET_COOKIE]
		.to_str()
		.unwrap()
		.starts_with("lang=ja;"));
	for elsewhere in [
		"//evil.example/",
		"https://evil.example/",
		"/\\evil.example",
		// Browsers drop tabs and line breaks from URLs: these become `//evil.example/`.
		"/%09/evil.example/",
		"/%0A/evil.example/",
		"/%0D%0A/evil.example/",
		"%2F%2Fevil.example/",
	] {
		let (_, _, headers) = s
			.call(get(&format!("/lang/ja?next={elsewhere}"), &[]))
			.await;
		assert_eq!(
			headers[header::LOCATION],
			"/",
			"no open redirect to {elsewhere}"
		);
	}

	// Errors too: a forged link in Japanese, the chain down in Japanese, never a verdict.
	let (status, page, _) = s
		.call(get(
			&format!("/register/{}", "ab".repeat(32)),
			&[(header::COOKIE, "lang=ja")],
		))
		.await;
	assert_eq!(status, StatusCode::NOT_FOUND);
	assert!(page.contains("このリンクは無効です"), "{page}");
	let (status, page, _) = s
		.call(get(
			&format!("/badges/{BADGE}"),
			&[(header::ACCEPT_LANGUAGE, "ja")],
		))
		.await;
	assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
	assert!(
		page.contains("検証できません") && !page.contains("有効</strong>"),
		"{page}"
	);
	// The registration form's problems.
	let token = s.link("member@example.jp", store::now() + 3600).await;
	let request = Request::post(format!("/register/{token}"))
		.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
		.header(header::ACCEPT_LANGUAGE, "ja")
		.body(Body::from("password=short&password_again=short"))
		.unwrap();
	let (status, page, _) = s.call(request).await;
	assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
	assert!(
		page.contains("パスワードは10文字以上にしてください。"),
		"{page}"
	);
}

/// A multipart body with `fields` (name, value) and `files` (name, file name, bytes).
fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
	let boundary = "XboundaryX";
	let mut body = Vec::new();
	for (name, value) in fields {
		body.extend_from_slice(
			format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
				.as_bytes(),
		);
	}
	for (name, file, bytes) in files {
		body.extend_from_slice(
			format!(
				"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\n\
				 Content-Type: application/octet-stream\r\n\r\n"
			)
			.as_bytes(),
		);
		body.extend_from_slice(bytes);
		body.extend_from_slice(b"\r\n");
	}
	body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
	(format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn issuer_staff_set_a_password_once_log_in_and_get_clear_answers_to_bad_uploads() {
	let s = service().await;
	let link =
		badge_wallet::issuer::add_staff(&s.state, "Digital Agency", "Staff@Agency.example.jp")
			.await
			.unwrap();
	assert!(
		badge_wallet::issuer::add_staff(&s.state, "Digital Agency", "staff@agency.example.jp")
			.await
			.is_err(),
		"one member per address"
	);
	assert!(
		badge_wallet::issuer::add_staff(&s.state, "Nobody", "x@example.jp")
			.await
			.is_err()
	);
	let path = link.split("127.0.0.1:8080").nth(1).unwrap().to_string();
	let form = |path: &str, cookie: &str, body: &str| {
		Request::post(path)
			.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
			.header(header::COOKIE, cookie)
			.body(Body::from(body.to_string()))
			.unwrap()
	};
	// The dashboard needs a login.
	let (status, _, headers) = s
		.call(Request::get("/issuer").body(Body::empty()).unwrap())
		.await;
	assert_eq!(status, StatusCode::SEE_OTHER);
	assert_eq!(headers[header::LOCATION], "/issuer/login");
	// A staff member without a password cannot log in.
	let (status, _, _) = s
		.call(form(
			"/issuer/login",
			"",
			"email=staff%40agency.example.jp&password=anything+at+all",
		))
		.await;
	assert_eq!(status, StatusCode::UNAUTHORIZED);
	let (status, page, _) = s
		.call(form(&path, "", "password=short&password_again=short"))
		.await;
	assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
	let (status, _, headers) = s
		.call(form(
			&path,
			"",
			"password=staff+password+1&password_again=staff+password+1",
		))
		.await;
	assert_eq!(status, StatusCode::SEE_OTHER);
	assert_eq!(headers[header::LOCATION], "/issuer/login");
	let (status, _, _) = s
		.call(form(
			&path,
			"",
			"password=staff+password+2&password_again=staff+password+2",
		))
		.await;
	assert_eq!(status, StatusCode::GONE, "the link works once");
	let (status, _, headers) = s
		.call(form(
			"/issuer/login",
			"",
			"email=staff%40agency.example.jp&password=staff+password+1",
		))
		.await;
	assert_eq!(status, StatusCode::SEE_OTHER);
	let cookie = headers[header::SET_COOKIE].to_str().unwrap();
	assert!(
		cookie.contains("Path=/issuer") && cookie.contains("HttpOnly"),
		"{cookie}"
	);
	let cookie = cookie.split(';').next().unwrap().to_string();
	let (status, page, _) = s
		.call(
			Request::get("/issuer")
				.header(header::COOKIE, &cookie)
				.body(Body::empty())
				.unwrap(),
		)
		.await;
	assert_eq!(status, StatusCode::OK);
	assert!(page.contains("Digital Agency") && page.contains("Import a results file"));
	let csrf = csrf_in(&page);

	let upload = |fields: &[(&str, &str)], files: &[(&str, &str, &[u8])], path: &str| {
		let (content_type, body) = multipart(fields, files);
		Request::post(path)
			.header(header::CONTENT_TYPE, content_type)
			.header(header::COOKIE, &cookie)
			.body(Body::from(body))
			.unwrap()
	};
	// A file that is not a results file; a forged CSRF token; an oversized upload.
	let (status, page, _) = s
		.call(upload(
			&[("csrf", &csrf)],
			&[("results", "r.csv", b"a,b\n1,2\n")],
			"/issuer/import",
		))
		.await;
	assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
	assert!(page.contains("no `email` column"), "{page}");
	let (status, _, _) = s
		.call(upload(
			&[("csrf", "forged")],
			&[("results", "r.csv", b"email\n")],
			"/issuer/import",
		))
		.await;
	assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
	let big = vec![b'x'; badge_wallet::issuer::MAX_IMPORT + 1024];
	let (status, _, _) = s
		.call(upload(
			&[("csrf", &csrf)],
			&[("results", "r.csv", &big)],
			"/issuer/import",
		))
		.await;
	assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
	// The chain is down: a row is reported, nothing pretended.
	let rows = format!(
		"line,email,badge_id,claim_secret,status\n2,a@example.jp,{BADGE},{SECRET},issued\n"
	);
	let (status, page, _) = s
		.call(upload(
			&[("csrf", &csrf)],
			&[("results", "r.csv", rows.as_bytes())],
			"/issuer/import",
		))
		.await;
	assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{page}");
	assert!(
		page.contains("cannot be reached right now, so nothing was changed"),
		"{page}"
	);
	// An image that is neither PNG nor SVG.
	let (status, page, _) = s
		.call(upload(
			&[("csrf", &csrf), ("class", "0")],
			&[("image", "x.gif", b"GIF89a")],
			"/issuer/images",
		))
		.await;
	assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
	assert!(page.contains("neither PNG nor SVG"), "{page}");
	// A PNG wider than the bound (or a small file declaring a huge image): refused from its
	// header, before anything decodes it or asks the chain.
	let (status, page, _) = s
		.call(upload(
			&[("csrf", &csrf), ("class", "0")],
			&[("image", "wide.png", &png_of(5_000, 1))],
			"/issuer/images",
		))
		.await;
	assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
	assert!(page.contains("5000×1 pixels: at most 4096×4096"), "{page}");
	let mut bomb = png_of(1, 1);
	bomb[16..24].copy_from_slice(&[0, 1, 0, 0, 0, 1, 0, 0]);
	let (status, page, _) = s
		.call(upload(
			&[("csrf", &csrf), ("class", "0")],
			&[("image", "bomb.png", &bomb)],
			"/issuer/images",
		))
		.await;
	assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
	assert!(
		page.contains("not a readable PNG") || page.contains("65536×65536"),
		"{page}"
	);
	assert_eq!(s.outbox().len(), 0, "nothing was sent");
}

#[tokio::test]
async fn explorer_pages_hammered_are_built_once_per_period_per_language() {
	let s = service().await;
	let hits = || {
		s.state
			.pages
			.hits
			.load(std::sync::atomic::Ordering::Relaxed)
	};
	let page = |lang: &str| {
		Request::get("/explorer")
			.header(header::ACCEPT_LANGUAGE, lang)
			.body(Body::empty())
			.unwrap()
	};
	let (status, first, headers) = s.call(page("en")).await;
	assert_eq!(status, StatusCode::OK, "{first}");
	assert_eq!(hits(), 0);
	for _ in 0..20 {
		let (status, again, again_headers) = s.call(page("en")).await;
		assert_eq!(status, StatusCode::OK);
		assert_eq!(again, first, "the same page");
		assert_eq!(
			again_headers[header::CONTENT_SECURITY_POLICY],
			headers[header::CONTENT_SECURITY_POLICY]
		);
	}
	assert_eq!(hits(), 20, "built once, answered from memory after");
	// Another language is another page.
	let (status, japanese, _) = s.call(page("ja")).await;
	assert_eq!(status, StatusCode::OK);
	assert!(japanese != first);
	assert_eq!(hits(), 20);
}

/// A white PNG of `width`×`height` pixels.
fn png_of(width: u32, height: u32) -> Vec<u8> {
	let mut out = std::io::Cursor::new(Vec::new());
	image::RgbImage::from_pixel(width, height, image::Rgb([255, 255, 255]))
		.write_to(&mut out, image::ImageFormat::Png)
		.unwrap();
	out.into_inner()
}

#[tokio::test]
async fn share_cards_are_rendered_once_and_an_oversized_stored_image_is_never_decoded() {
	let s = service().await;
	let cards = &s.state.cards;
	let rendered = || cards.rendered.load(std::sync::atomic::Ordering::Relaxed);
	let url = format!("http://127.0.0.1:8080/badges/{BADGE}");
	let card = |kind, image| badge_wallet::share::card_file(cards, BADGE, kind, image, url.clone());
	let first = card("card.png", None).await.unwrap();
	assert!(first.starts_with(b"\x89PNG"));
	let again = card("card.png", None).await.unwrap();
	assert!(
		std::sync::Arc::ptr_eq(&first, &again),
		"served from the cache"
	);
	assert_eq!(rendered(), 1);
	let mut red = std::io::Cursor::new(Vec::new());
	image::RgbImage::from_pixel(64, 64, image::Rgb([200, 0, 0]))
		.write_to(&mut red, image::ImageFormat::Png)
		.unwrap();
	let image = badge_wallet::store::ClassImage {
		content_type: "image/png".into(),
		bytes: red.into_inner(),
	};
	let with_image = card("card.png", Some(image.clone())).await.unwrap();
	assert!(with_image != first, "the class image, once uploaded, shows");
	let pdf = card("card.pdf", Some(image)).await.unwrap();
	assert!(pdf.starts_with(b"%PDF"));
	assert_eq!(rendered(), 3);
	// An image stored before uploads were bounded is refused, not decoded.
	let wide = badge_wallet::store::ClassImage {
		content_type: "image/png".into(),
		bytes: png_of(5_000, 1),
	};
	let other = "0x2222222222222222222222222222222222222222222222222222222222222222";
	let refused =
		badge_wallet::share::card_file(cards, other, "card.png", Some(wide), url.clone()).await;
	assert!(refused.is_err());
}

/// A results file of `badge bulk` with `rows` issued rows.
fn results_file(rows: usize) -> String {
	let mut csv = String::from("line,email,badge_id,claim_secret,status\n");
	for n in 0..rows {
		csv.push_str(&format!(
			"{},member{n}@example.jp,0x{:064x},{SECRET},issued\n",
			n + 2,
			n + 1
		));
	}
	csv
}

#[tokio::test]
async fn a_results_file_import_needs_a_token_and_a_results_file_and_records_nothing_without_the_chain(
) {
	let s = service().await;
	let post = |token: Option<String>, body: String| {
		let mut request = Request::post("/api/applications/import?lang=en")
			.header(header::CONTENT_TYPE, "text/csv");
		if let Some(token) = token {
			request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
		}
		request.body(Body::from(body)).unwrap()
	};
	let (status, _, _) = s.call(post(None, results_file(3))).await;
	assert_eq!(status, StatusCode::UNAUTHORIZED);
	let (status, body, _) = s
		.call(post(Some(s.token.clone()), "email,badge\nx,y\n".into()))
		.await;
	assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
	assert!(body.contains("no `badge_id` column"), "{body}");

	// The chain is down: nothing recorded, nothing queued, the whole file can be sent again.
	let (status, body, _) = s.call(post(Some(s.token.clone()), results_file(3))).await;
	assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
	assert!(body.contains("chain_unavailable"), "{body}");
	assert_eq!(
		s.state
			.store
			.rows_mentioning("member0@example.jp")
			.await
			.unwrap(),
		0
	);
	assert_eq!(s.state.store.outbox_backlog().await.unwrap().0, 0);
}

/// A registration e-mail queued for `email` with a link valid until `expires_at`; its token.
async fn queue_registration(state: &State, email: &str, expires_at: i64) -> String {
	let (token, hash) = secrets::new_token();
	state
		.store
		.queue_mail(
			store::MailKind::Register,
			email,
			"en",
			Some("Digital Agency"),
			None,
			&hash,
			&state
				.key
				.seal(token.as_bytes(), &secrets::Context::MailLink(email)),
			expires_at,
		)
		.await
		.unwrap();
	token
}

#[tokio::test]
async fn queued_e_mails_survive_a_mail_server_outage_and_are_sent_once_it_is_back() {
	let dir = tempfile::tempdir().unwrap();
	let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
	let port = closed.local_addr().unwrap().port();
	drop(closed);
	let config = |smtp_url: Option<String>| Config {
		data_dir: dir.path().to_path_buf(),
		node_url: format!("ws://127.0.0.1:{port}"),
		smtp_url,
		..Config::default()
	};
	let now = store::now();

	// The mail server is down: the message stays queued, with the attempt and its error.
	let down = State::from_config(config(Some(format!("smtp://127.0.0.1:{port}"))))
		.await
		.unwrap();
	let token = queue_registration(&down, "applicant@example.jp", now + 3600).await;
	let expired = queue_registration(&down, "late@example.jp", now + 60).await;
	assert_eq!(badge_wallet::outbox::round(&down, now).await.unwrap(), 2);
	let (waiting, due) = down.store.outbox_backlog().await.unwrap();
	assert_eq!(waiting, 2, "a failed attempt loses nothing");
	assert_eq!(
		due,
		Some(now + badge_wallet::outbox::retry_delay(0)),
		"tried again after a pause"
	);
	assert_eq!(
		badge_wallet::outbox::round(&down, now).await.unwrap(),
		0,
		"nothing is due before the pause ends"
	);
	drop(down);

	// Back (the dev outbox folder stands in for the server), after the second link expired:
	// the first is sent with a working link, the second dropped.
	let up = Arc::new(State::from_config(config(None)).await.unwrap());
	assert_eq!(
		badge_wallet::outbox::round(&up, now + 120).await.unwrap(),
		2
	);
	assert_eq!(up.store.outbox_backlog().await.unwrap(), (0, None));
	let sent: Vec<String> = std::fs::read_dir(dir.path().join("outbox"))
		.unwrap()
		.map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
		.collect();
	assert_eq!(sent.len(), 1, "one message sent, the expired one dropped");
	assert!(sent[0].contains("To: applicant@example.jp"), "{}", sent[0]);
	let unfolded = sent[0].replace("=\r\n", "").replace("=\n", "");
	assert!(unfolded.contains(&token), "the message carries its link");
	assert!(!unfolded.contains(&expired));
	let router = web::router(up.clone());
	let page = router
		.oneshot(
			Request::get(format!("/register/{token}"))
				.body(Body::empty())
				.unwrap(),
		)
		.await
		.unwrap();
	assert_eq!(page.status(), StatusCode::OK, "the link works");
}

/// The token of the first `/{kind}/<token>` link in the messages of the outbox folder.
fn link_token_in_outbox(s: &Service, kind: &str) -> Option<String> {
	s.outbox().iter().find_map(|path| {
		let mail = std::fs::read_to_string(path).ok()?;
		let unfolded = mail.replace("=\r\n", "").replace("=\n", "");
		let at = unfolded.find(&format!("/{kind}/"))? + kind.len() + 2;
		Some(unfolded.get(at..at + 64)?.to_string())
	})
}

#[tokio::test]
async fn a_forgotten_password_is_reset_by_e_mail_and_no_one_learns_who_has_a_wallet() {
	let s = service().await;
	let email = "forgetful@example.jp";
	let token = s.link(email, store::now() + 3600).await;
	let (status, page) = s
		.register(
			&token,
			"password=old+password+1&password_again=old+password+1",
		)
		.await;
	assert_eq!(status, StatusCode::OK, "{page}");
	let form = |path: &str, cookie: &str, body: String| {
		Request::post(path)
			.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
			.header(header::COOKIE, cookie)
			.body(Body::from(body))
			.unwrap()
	};
	let login = |password: &str| form("/login", "", format!("email={email}&password={password}"));
	let (status, _, headers) = s.call(login("old+password+1")).await;
	assert_eq!(status, StatusCode::SEE_OTHER);
	let session = headers[header::SET_COOKIE]
		.to_str()
		.unwrap()
		.split(';')
		.next()
		.unwrap()
		.to_string();
	let home = || {
		Request::get("/")
			.header(header::COOKIE, &session)
			.body(Body::empty())
			.unwrap()
	};
	assert_eq!(s.call(home()).await.0, StatusCode::OK);

	// A stranger's address, a malformed one and a holder's get the same answer; only the
	// holder's gets an e-mail.
	let recover = |address: &str| form("/recover", "", format!("email={address}"));
	let (_, stranger, _) = s.call(recover("nobody%40example.jp")).await;
	let (_, malformed, _) = s.call(recover("not+an+address")).await;
	assert_eq!(s.state.store.outbox_backlog().await.unwrap().0, 0);
	let (status, known, _) = s.call(recover("Forgetful%40Example.jp")).await;
	assert_eq!(status, StatusCode::OK);
	assert_eq!(known, stranger, "no one learns who has a wallet");
	assert_eq!(known, malformed);
	assert!(known.contains("an e-mail is on its way"), "{known}");
	assert_eq!(
		badge_wallet::outbox::round(&s.state, store::now())
			.await
			.unwrap(),
		1
	);
	let reset = link_token_in_outbox(&s, "reset").expect("a reset link was mailed");

	// Forged and mistyped links, and a password that is too short, change nothing.
	let set = |token: &str, password: &str| {
		form(
			&format!("/reset/{token}"),
			"",
			format!("password={password}&password_again={password}"),
		)
	};
	let forged = "0".repeat(64);
	let (status, _, _) = s.call(set(&forged, "new+password+2")).await;
	assert_eq!(status, StatusCode::NOT_FOUND);
	let (status, page, _) = s.call(set(&reset, "short")).await;
	assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
	assert_eq!(
		s.call(login("old+password+1")).await.0,
		StatusCode::SEE_OTHER
	);

	// The new password: the old one stops working and so does every session.
	let (status, page, _) = s.call(set(&reset, "new+password+2")).await;
	assert_eq!(status, StatusCode::OK, "{page}");
	assert!(page.contains("Your password is changed"), "{page}");
	assert_eq!(
		s.call(home()).await.0,
		StatusCode::SEE_OTHER,
		"the earlier session ended"
	);
	assert_eq!(
		s.call(login("old+password+1")).await.0,
		StatusCode::UNAUTHORIZED
	);
	assert_eq!(
		s.call(login("new+password+2")).await.0,
		StatusCode::SEE_OTHER
	);
	// The link works once.
	let (status, _, _) = s.call(set(&reset, "third+password")).await;
	assert_eq!(status, StatusCode::GONE);

	// Flooding one address: after the window's recoveries, the same answer and no e-mail.
	for _ in 0..badge_wallet::recover::PER_ADDRESS + 2 {
		let (status, page, _) = s.call(recover("forgetful%40example.jp")).await;
		assert_eq!((status, page), (StatusCode::OK, stranger.clone()));
	}
	assert_eq!(
		s.state.store.outbox_backlog().await.unwrap().0 as usize,
		badge_wallet::recover::PER_ADDRESS - 1,
		"at most {} recoveries per address in the window",
		badge_wallet::recover::PER_ADDRESS
	);
}

#[tokio::test]
async fn an_applicant_whose_registration_link_expired_gets_a_new_one() {
	let s = service().await;
	let email = "late@example.jp";
	// Its first registration link expired before it was used (and its e-mail never left).
	s.expired_application(email).await;
	let form = Request::post("/recover")
		.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
		.body(Body::from(format!("email={email}")))
		.unwrap();
	assert_eq!(s.call(form).await.0, StatusCode::OK);
	badge_wallet::outbox::round(&s.state, store::now())
		.await
		.unwrap();
	let token = link_token_in_outbox(&s, "register").expect("a new registration link");
	let mail = std::fs::read_to_string(&s.outbox()[0]).unwrap();
	assert!(
		mail.contains("Digital Agency"),
		"it names the issuer: {mail}"
	);
	let (status, page) = s
		.register(
			&token,
			"password=long+enough+1&password_again=long+enough+1",
		)
		.await;
	assert_eq!(
		status,
		StatusCode::OK,
		"the new link registers the wallet: {page}"
	);
}

#[tokio::test]
async fn an_issuer_sends_a_fresh_link_for_its_own_waiting_applications_only() {
	let s = service().await;
	let email = "lost@example.jp";
	s.expired_application(email).await;
	let resend = |token: Option<String>, badge: &str| {
		let mut request = Request::post(format!("/api/applications/{badge}/resend"));
		if let Some(token) = token {
			request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
		}
		s.call(request.body(Body::empty()).unwrap())
	};
	assert_eq!(resend(None, BADGE).await.0, StatusCode::UNAUTHORIZED);
	// Another issuer learns nothing of this issuer's applications.
	let (other, hash) = secrets::new_token();
	s.state
		.store
		.add_issuer(
			"Other Agency",
			&hash,
			"5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty",
		)
		.await
		.unwrap();
	let (status, body, _) = resend(Some(other), BADGE).await;
	assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
	assert_eq!(
		resend(Some(s.token.clone()), "0x12").await.0,
		StatusCode::UNPROCESSABLE_ENTITY
	);
	// The applicant never registered: a fresh registration link, which works.
	let (status, body, _) = resend(Some(s.token.clone()), BADGE).await;
	assert_eq!(status, StatusCode::ACCEPTED, "{body}");
	assert!(body.contains(r#""mail":"registration""#), "{body}");
	badge_wallet::outbox::round(&s.state, store::now())
		.await
		.unwrap();
	let token = link_token_in_outbox(&s, "register").expect("a fresh registration link");
	let (status, page) = s
		.register(
			&token,
			"password=long+enough+1&password_again=long+enough+1",
		)
		.await;
	assert_eq!(status, StatusCode::OK, "{page}");
	// Registered now: the fresh link is a receipt link.
	let (status, body, _) = resend(Some(s.token.clone()), BADGE).await;
	assert_eq!(status, StatusCode::ACCEPTED, "{body}");
	assert!(body.contains(r#""mail":"receipt""#), "{body}");
	// A few per application, no flood of anyone's inbox.
	let (status, _, _) = resend(Some(s.token.clone()), BADGE).await;
	assert_eq!(status, StatusCode::ACCEPTED);
	let (status, _, _) = resend(Some(s.token.clone()), BADGE).await;
	assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn lapsed_sessions_and_long_expired_links_are_pruned_and_live_ones_kept() {
	let s = service().await;
	let email = "tidy@example.jp";
	let token = s.link(email, store::now() + 3600).await;
	let (status, page) = s
		.register(
			&token,
			"password=long+enough+1&password_again=long+enough+1",
		)
		.await;
	assert_eq!(status, StatusCode::OK, "{page}");
	let holder = s.state.store.holder_by_email(email).await.unwrap().unwrap();
	let now = store::now();
	let store = &s.state.store;
	let (live, dead) = (secrets::new_token().1, secrets::new_token().1);
	store
		.add_session(&live, holder.id, "c", now + 3600)
		.await
		.unwrap();
	store
		.add_session(&dead, holder.id, "c", now - 1)
		.await
		.unwrap();
	let (old, recent) = (secrets::new_token().1, secrets::new_token().1);
	let long_ago = now - store::LINK_KEPT_SECS - 10;
	store
		.add_link(&old, store::LinkKind::Register, email, None, long_ago)
		.await
		.unwrap();
	store
		.add_link(&recent, store::LinkKind::Register, email, None, now - 10)
		.await
		.unwrap();

	assert_eq!(
		store.prune(now).await.unwrap(),
		2,
		"the lapsed session and the old link"
	);
	assert!(store.link(&old).await.unwrap().is_none());
	assert!(
		store.link(&recent).await.unwrap().is_some(),
		"a link expired lately still says so"
	);
	assert!(store.session(&live).await.unwrap().is_some());
	assert!(
		store
			.link(&secrets::token_hash(&token))
			.await
			.unwrap()
			.is_some(),
		"a used link is kept until it is long expired"
	);
	assert_eq!(store.prune(now).await.unwrap(), 0);
}

#[tokio::test]
async fn a_connection_whose_headers_never_end_is_closed_and_others_are_served() {
	use tokio::io::{AsyncReadExt, AsyncWriteExt};
	use tokio::net::TcpStream;
	let s = service().await;
	let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
	let address = listener.local_addr().unwrap();
	let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
	let header_timeout = std::time::Duration::from_secs(1);
	let server = tokio::spawn(badge_wallet::server::serve(
		listener,
		s.router.clone(),
		header_timeout,
		async {
			let _ = stopped.await;
		},
	));

	// A client that sends half its headers and then nothing is cut off after the deadline,
	// while another is answered meanwhile.
	let started = std::time::Instant::now();
	let mut stalled = TcpStream::connect(address).await.unwrap();
	stalled
		.write_all(b"GET /login HTTP/1.1\r\nHost: wallet.example\r\n")
		.await
		.unwrap();
	let mut whole = TcpStream::connect(address).await.unwrap();
	whole
		.write_all(b"GET /login HTTP/1.1\r\nHost: wallet.example\r\nConnection: close\r\n\r\n")
		.await
		.unwrap();
	let mut answer = String::new();
	whole.read_to_string(&mut answer).await.unwrap();
	assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

	let mut rest = Vec::new();
	let closed = tokio::time::timeout(header_timeout * 10, stalled.read_to_end(&mut rest)).await;
	assert!(closed.is_ok(), "the stalled connection is closed");
	assert!(
		started.elapsed() >= header_timeout,
		"{:?}",
		started.elapsed()
	);
	let rest = String::from_utf8_lossy(&rest);
	assert!(
		rest.is_empty() || rest.starts_with("HTTP/1.1 408"),
		"nothing but a timeout answer: {rest}"
	);

	// Stopping ends the server once its connections are closed.
	stop.send(()).unwrap();
	tokio::time::timeout(header_timeout * 10, server)
		.await
		.expect("the server stops")
		.unwrap();
}

#[tokio::test]
async fn a_request_whose_body_stalls_is_answered_503_at_its_deadline() {
	use tokio::io::{AsyncReadExt, AsyncWriteExt};
	let s = service().await;
	let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
	let address = listener.local_addr().unwrap();
	tokio::spawn(badge_wallet::server::serve(
		listener,
		s.router.clone(),
		badge_wallet::server::HEADER_READ_TIMEOUT,
		std::future::pending(),
	));

	// Whole headers, then a tenth of the body the client announced, then nothing: the handler
	// waits on the body until the request's deadline answers for it.
	let started = std::time::Instant::now();
	let mut stalled = tokio::net::TcpStream::connect(address).await.unwrap();
	let head = format!(
		"POST /api/applications HTTP/1.1\r\nHost: wallet.example\r\nAuthorization: Bearer {}\r\n\
		 Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"email\": \"a",
		s.token
	);
	stalled.write_all(head.as_bytes()).await.unwrap();
	let mut answer = vec![0; 4096];
	let read = tokio::time::timeout(
		web::REQUEST_DEADLINE + std::time::Duration::from_secs(10),
		stalled.read(&mut answer),
	)
	.await
	.expect("answered before the deadline's margin")
	.unwrap();
	let answer = String::from_utf8_lossy(&answer[..read]);
	assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
	assert!(answer.contains("too_slow"), "{answer}");
	assert!(
		started.elapsed() >= web::REQUEST_DEADLINE,
		"{:?}",
		started.elapsed()
	);
}

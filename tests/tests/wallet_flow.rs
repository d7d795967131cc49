//! The Open Badge Wallet service end to end: a real dev node, a real SMTP server (aiosmtpd),
//! the real `badge-wallet` binary on a real SQLite file. An issuer issues a badge on chain and
//! registers the application; the applicant follows the registration e-mail, registers, follows
//! the receipt e-mail and receives the badge, which the chain then shows as valid and bound to
//! the wallet's key. Used links stay used; a badge is applied for once. The public page verifies
//! live; the holder's public profile, the class and issuer pages and the explorer (issuances,
//! revocations, read by the wallet's indexer) list it; the holder logs in and switches the badge private and public again; the issuer revokes
//! it; with the node down the page says verification is unavailable. The holder exports their
//! key (the `badge` tool then signs as their account) and deletes the wallet account; metrics
//! and the JSON log tell what happened without tokens or addresses. The same flow runs again on
//! a real PostgreSQL server.

use badge_client::{
	account_of, badge_spec, criteria_url, crypto, dev, AchievementType, BadgeClient, ClassSpec,
	Profile, Verdict, Wait,
};
use badge_harness::{
	services::{decode_mail, http, http_cut_off, link_in, Postgres, SmtpServer, Wallet},
	Node,
};
use std::time::Duration;

const MAIL_WAIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_applicant_registers_a_wallet_and_receives_a_badge_through_the_emails() {
	flow(None, "en").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_flow_works_on_postgresql() {
	let postgres = Postgres::start();
	flow(Some(&postgres.url()), "ja").await;
}

#[test]
fn the_service_stops_cleanly_on_sigterm() {
	let dir = tempfile::tempdir().unwrap();
	let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
	let node_url = format!("ws://{}", closed.local_addr().unwrap());
	drop(closed);
	let account = account_of(&dev::ferdie()).to_string();
	let mut wallet = Wallet::start(dir.path(), None, &node_url, "", "Digital Agency", &account);
	let health = http("GET", &format!("{}/health", wallet.ops_url()), &[], "");
	assert_eq!(health.status, 200, "{}", health.body);
	let status = wallet
		.terminate(Duration::from_secs(10))
		.expect("the service exits within 10 s of SIGTERM");
	assert!(status.success(), "a clean stop exits 0: {status}");
	assert!(wallet.log().contains("stopping"), "{}", wallet.log());
}

/// The whole flow, with the wallet's database at `database_url` (SQLite by default), the
/// e-mails and the registration in language `lang` (`en` or `ja`).
async fn flow(database_url: Option<&str>, lang: &str) {
	let japanese = lang == "ja";
	let mut node = Node::dev();
	let client = BadgeClient::connect(&node.ws_url()).await.unwrap();
	let issuer = dev::ferdie();
	let class = agency_with_class(&client, &issuer).await;
	let claim = crypto::ClaimKey::generate();
	let email = "applicant@example.jp";
	let recipient = crypto::recipient_commitment(email, "salt-1");
	let badge = client
		.issue(
			&issuer,
			class,
			badge_spec(recipient, &claim, None, None),
			Wait::Finalized,
		)
		.await
		.unwrap();

	let smtp = SmtpServer::start();
	let data = tempfile::tempdir().unwrap();
	let wallet = Wallet::start(
		data.path(),
		database_url,
		&node.ws_url(),
		&smtp.url(),
		"Digital Agency",
		&account_of(&issuer).to_string(),
	);
	let health = http("GET", &format!("{}/health", wallet.ops_url()), &[], "");
	assert_eq!(health.status, 200, "{health:?}");
	assert_eq!(
		data.path().join("wallet.db").exists(),
		database_url.is_none(),
		"the SQLite file is made unless another database is configured"
	);

	// 0. The class's image through the API, only for the class's own issuer and only if its
	// digest is the one the class pins on chain.
	let put_image = |token: &str, class: u32, image: &str| {
		let auth = format!("Bearer {token}");
		http(
			"PUT",
			&format!("{}/api/classes/{class}/image", wallet.url()),
			&[("authorization", auth.as_str())],
			image,
		)
	};
	// Every issuer is bound to its chain account.
	let refused = wallet.admin_refused(&["issuer", "add", "Unbound"]);
	assert!(refused.contains("--account"), "{refused}");
	let refused = wallet.admin_refused(&["issuer", "add", "Typo", "--account", "5Gr1v"]);
	assert!(refused.contains("not an SS58"), "{refused}");
	let own = wallet.issuer_token.clone();
	let impostor = wallet.admin(&[
		"issuer",
		"add",
		"Impostor",
		"--account",
		&account_of(&dev::bob()).to_string(),
	]);
	let foreign = put_image(&impostor, class, "<svg/>");
	assert_eq!(foreign.status, 403, "another issuer's class: {foreign:?}");
	let changed = put_image(&own, class, "<svg><circle r='1'/></svg>");
	assert_eq!(changed.status, 422, "another design: {changed:?}");
	assert!(changed.body.contains("digest differs"), "{changed:?}");
	assert_eq!(
		put_image(&own, class + 1, "<svg/>").status,
		404,
		"no such class"
	);
	assert_eq!(put_image("forged", class, "<svg/>").status, 401);
	assert_eq!(put_image(&own, class, "<svg/>").status, 204);
	let stored = http(
		"GET",
		&format!("{}/classes/{class}/image", wallet.url()),
		&[],
		"",
	);
	assert_eq!((stored.status, stored.body.as_str()), (200, "<svg/>"));

	// 1. The issuer registers the application (as `badge bulk`'s results file has it).
	let body = serde_json::json!({
		"email": "Applicant@Example.jp",
		"badge_id": format!("{badge:?}"),
		"claim_secret": claim.secret_hex(),
		"lang": lang,
	})
	.to_string();
	// Another issuer's token cannot register it (for an address of its choosing, say).
	let impostor_auth = format!("Bearer {impostor}");
	let stolen = http(
		"POST",
		&format!("{}/api/applications", wallet.url()),
		&[
			("content-type", "application/json"),
			("authorization", impostor_auth.as_str()),
		],
		&body.replace("Applicant@Example.jp", "thief@example.jp"),
	);
	assert_eq!(stolen.status, 403, "{stolen:?}");
	assert!(stolen.body.contains("another issuer"), "{stolen:?}");
	// A claim secret that is not the badge's (mistyped, or another badge's) is refused at
	// intake: stored, it would leave the applicant unable to ever receive.
	let auth = format!("Bearer {}", wallet.issuer_token);
	let json = [
		("content-type", "application/json"),
		("authorization", auth.as_str()),
	];
	let mistyped = http(
		"POST",
		&format!("{}/api/applications", wallet.url()),
		&json,
		&body.replace(
			&claim.secret_hex(),
			&crypto::ClaimKey::generate().secret_hex(),
		),
	);
	assert_eq!(mistyped.status, 422, "{mistyped:?}");
	assert!(
		mistyped.body.contains("claim_secret is not"),
		"{mistyped:?}"
	);
	let created = http(
		"POST",
		&format!("{}/api/applications", wallet.url()),
		&json,
		&body,
	);
	assert_eq!(created.status, 201, "{created:?}");
	assert!(
		created.body.contains(r#""mail":"registration""#),
		"{}",
		created.body
	);
	// The same badge twice is refused.
	let again = http(
		"POST",
		&format!("{}/api/applications", wallet.url()),
		&json,
		&body,
	);
	assert_eq!(again.status, 409, "{again:?}");

	// 2. The registration e-mail: text and HTML parts, to the normalized address.
	let mails = smtp.wait_for(1, MAIL_WAIT);
	let mail = decode_mail(&mails[0]);
	assert!(mail.contains("To: applicant@example.jp"), "{mail}");
	assert!(
		mail.contains(if japanese {
			"オープンバッジウォレットを登録してください"
		} else {
			"first register your Open Badge Wallet"
		}),
		"the e-mail speaks {lang}: {mail}"
	);
	assert!(
		mail.contains("text/plain") && mail.contains("text/html"),
		"{mail}"
	);
	assert!(
		mail.contains("Digital Agency"),
		"the issuer is named: {mail}"
	);
	let register =
		link_in(&mail, &format!("{}/register/", wallet.url())).expect("a registration link");

	// 3. The applicant registers the wallet.
	let page = http("GET", &register, &[], "");
	assert_eq!(page.status, 200);
	assert!(page.body.contains(email));
	assert!(page
		.header("content-security-policy")
		.is_some_and(|c| c.contains("default-src 'none'")));
	let form = [("content-type", "application/x-www-form-urlencoded")];
	let registered = http(
		"POST",
		&register,
		&[form[0], ("accept-language", lang)],
		"password=correct+horse+battery&password_again=correct+horse+battery",
	);
	assert_eq!(registered.status, 200, "{}", registered.body);
	assert!(
		registered.body.contains(if japanese {
			"バッジ受け取りのメールを1通"
		} else {
			"1 badge receipt e-mail"
		}),
		"{}",
		registered.body
	);
	let reused = http(
		"POST",
		&register,
		&form,
		"password=correct+horse+battery&password_again=correct+horse+battery",
	);
	assert_eq!(reused.status, 410, "a registration link works once");

	// 4. The receipt e-mail; the receipt page; receiving submits to the chain and waits for
	// finality.
	let mails = smtp.wait_for(2, MAIL_WAIT);
	let mail = decode_mail(&mails[1]);
	assert!(
		!japanese || mail.contains("オープンバッジウォレットに受け取ってください"),
		"the receipt e-mail follows the registration's language: {mail}"
	);
	assert!(
		mail.contains(&format!("{badge:?}")),
		"the badge is named: {mail}"
	);
	let receive = link_in(&mail, &format!("{}/receive/", wallet.url())).expect("a receipt link");
	// The QR code of the badge's page travels inline: HTML and PNG as multipart/related.
	assert!(mail.contains("multipart/related"), "{mail}");
	assert!(
		mail.contains("Content-Type: image/png") && mail.contains("Content-ID: <qr>"),
		"{mail}"
	);
	assert!(mail.contains("cid:qr"), "{mail}");
	assert!(
		mail.contains(&format!("{}/badges/{badge:?}", wallet.url())),
		"the page is named"
	);
	let page = http("GET", &receive, &[], "");
	assert_eq!(page.status, 200);
	assert!(
		page.body.contains(&account_of(&issuer).to_string()),
		"the issuer from the chain: {}",
		page.body
	);
	let received = http("POST", &receive, &[], "");
	assert_eq!(received.status, 200, "{}", received.body);
	assert!(received.body.contains("Valid"), "{}", received.body);

	// The chain agrees: valid, held by the wallet's custodial account for this holder.
	let verification = client.verify(badge, None).await.unwrap();
	assert!(
		matches!(verification.verdict, Verdict::Valid),
		"{:?}",
		verification.verdict
	);
	let holder = verification
		.details
		.unwrap()
		.holder
		.expect("bound to a holder")
		.to_string();
	assert!(
		received.body.contains(&holder),
		"the page names the holder account {holder}"
	);

	// The receipt link is spent.
	let spent = http("POST", &receive, &[], "");
	assert_eq!(spent.status, 410, "{}", spent.body);
	assert!(spent.body.contains("already been used"));

	// 5. The public disclosure and verification page, verified live: public by default.
	let public_page = format!("{}/badges/{badge:?}", wallet.url());
	let page = http("GET", &public_page, &[], "");
	assert_eq!(page.status, 200, "{}", page.body);
	for shown in [
		"Digital Promotion Committee member",
		"Digital Agency",
		"Valid",
		holder.as_str(),
	] {
		assert!(
			page.body.contains(shown),
			"the public page shows {shown}: {}",
			page.body
		);
	}

	assert!(
		page.body.contains(r#"property="og:title""#),
		"share links get Open Graph tags"
	);
	// Its QR code leads back to it: `badge verify` reads the PNG (rqrr, a decoder we did not
	// write) and verifies the badge it names.
	let qr = http("GET", &format!("{public_page}/qr.png"), &[], "");
	assert_eq!(
		(qr.status, qr.header("content-type")),
		(200, Some("image/png"))
	);
	let qr_file = data.path().join("qr.png");
	std::fs::write(&qr_file, &qr.bytes).unwrap();
	let verified = std::process::Command::new(badge_harness::cli_binary())
		.arg("verify")
		.arg(&qr_file)
		.arg("--json")
		.env("BADGE_NODE_URL", node.ws_url())
		.env_remove("BADGE_CONFIG")
		.output()
		.unwrap();
	let verified = String::from_utf8_lossy(&verified.stdout).to_string();
	assert!(
		verified.contains(&format!("{badge:?}")) && verified.contains("valid"),
		"the printed QR code leads to this badge: {verified}"
	);
	let svg = http("GET", &format!("{public_page}/qr.svg"), &[], "");
	assert!(
		svg.body.starts_with("<?xml") && svg.body.contains("<svg"),
		"{}",
		svg.body
	);

	// The holder's public profile, the class's and the issuer's pages list the public badge;
	// the explorer's recent issuances name it once its indexer has read the block.
	let badge_hex = format!("{badge:?}");
	let profile = format!("{}/holders/{holder}", wallet.url());
	let listed = http("GET", &profile, &[], "");
	assert_eq!(listed.status, 200, "{}", listed.body);
	assert!(
		listed.body.contains(&badge_hex)
			&& listed.body.contains("Digital Promotion Committee member"),
		"{}",
		listed.body
	);
	let class_page = http("GET", &format!("{}/classes/{class}", wallet.url()), &[], "");
	assert_eq!(class_page.status, 200, "{}", class_page.body);
	assert!(
		class_page.body.contains(&badge_hex) && class_page.body.contains("Appointed member"),
		"{}",
		class_page.body
	);
	let issuer_url = format!("{}/issuers/{}", wallet.url(), account_of(&issuer));
	let issuer_page = http("GET", &issuer_url, &[], "");
	assert!(
		issuer_page.body.contains("Digital Agency")
			&& issuer_page.body.contains(&format!("/classes/{class}")),
		"{}",
		issuer_page.body
	);
	let stranger = http(
		"GET",
		&format!("{}/issuers/{}", wallet.url(), account_of(&dev::bob())),
		&[],
		"",
	);
	assert_eq!(stranger.status, 404, "{}", stranger.body);
	let malformed = http("GET", &format!("{}/issuers/nobody", wallet.url()), &[], "");
	assert_eq!(malformed.status, 422);
	let explorer = format!("{}/explorer", wallet.url());
	let front = eventually_shows(&explorer, &format!("/badges/{badge_hex}"));
	assert!(
		front.contains("Digital Agency") && front.contains("class created"),
		"{front}"
	);

	// 6. The wallet: login (no user enumeration), the front page, the disclosure switch.
	let home = http("GET", &format!("{}/", wallet.url()), &[], "");
	assert_eq!(home.status, 303, "the wallet needs a login");
	let login = format!("{}/login", wallet.url());
	let wrong = http(
		"POST",
		&login,
		&form,
		"email=applicant%40example.jp&password=wrong+password",
	);
	let unknown = http(
		"POST",
		&login,
		&form,
		"email=nobody%40example.jp&password=wrong+password",
	);
	assert_eq!((wrong.status, unknown.status), (401, 401));
	assert!(wrong
		.body
		.contains("e-mail address or the password is wrong"));
	assert!(
		unknown
			.body
			.contains("e-mail address or the password is wrong"),
		"same answer for an unknown address"
	);
	let logged_in = http(
		"POST",
		&login,
		&form,
		"email=Applicant%40example.jp&password=correct+horse+battery",
	);
	assert_eq!(logged_in.status, 303, "{}", logged_in.body);
	let set_cookie = logged_in
		.header("set-cookie")
		.expect("a session cookie")
		.to_string();
	assert!(
		set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"),
		"{set_cookie}"
	);
	let cookie = set_cookie.split(';').next().unwrap().to_string();
	let session = [("cookie", cookie.as_str())];
	let home = http("GET", &format!("{}/", wallet.url()), &session, "");
	assert_eq!(home.status, 200);
	assert!(
		home.body.contains("Digital Promotion Committee member")
			&& home.body.contains("Make private"),
		"{}",
		home.body
	);
	let csrf = csrf_in(&home.body);
	let switch = format!("{}/wallet/badges/{badge:?}/disclosure", wallet.url());
	let with_session = [
		("cookie", cookie.as_str()),
		("content-type", "application/x-www-form-urlencoded"),
	];
	let forged = http(
		"POST",
		&switch,
		&with_session,
		"csrf=forged&disclosure=private",
	);
	assert_eq!(
		forged.status, 422,
		"a form without the session's CSRF token is refused"
	);
	let anonymous = http(
		"POST",
		&switch,
		&form,
		&format!("csrf={csrf}&disclosure=private"),
	);
	assert_eq!(
		anonymous.status, 303,
		"without a session the switch sends to the login"
	);
	assert_eq!(
		disclosure_of(&client, badge).await,
		badge_client::Disclosure::Public
	);

	let private = http(
		"POST",
		&switch,
		&with_session,
		&format!("csrf={csrf}&disclosure=private"),
	);
	assert_eq!(private.status, 303, "{}", private.body);
	assert_eq!(
		disclosure_of(&client, badge).await,
		badge_client::Disclosure::Private
	);
	let page = http("GET", &public_page, &[], "");
	assert!(page.body.contains("Not disclosed"), "{}", page.body);
	assert!(
		!page.body.contains("Digital Promotion Committee member"),
		"a private badge shows nothing else"
	);
	assert!(!page.body.contains("Valid"));
	let listed = http("GET", &profile, &[], "");
	assert!(
		!listed.body.contains(&badge_hex),
		"a private badge leaves the public profile: {}",
		listed.body
	);
	let home = http("GET", &format!("{}/", wallet.url()), &session, "");
	assert!(home.body.contains("Make public"), "{}", home.body);

	let public = http(
		"POST",
		&switch,
		&with_session,
		&format!("csrf={csrf}&disclosure=public"),
	);
	assert_eq!(public.status, 303);
	let page = http("GET", &public_page, &[], "");
	assert!(page.body.contains("Valid"), "{}", page.body);

	// 6b. Receipts whose answer was lost: the transaction is final but the wallet never heard
	// (a timed-out request, a closed browser, a crash before the database was updated). The
	// holder's own key, downloaded as in step 9, stands in for the lost request.
	let account_page = http("GET", &format!("{}/account", wallet.url()), &session, "");
	let key = http(
		"POST",
		&format!("{}/account/key", wallet.url()),
		&with_session,
		&format!(
			"csrf={}&password=correct+horse+battery",
			csrf_in(&account_page.body)
		),
	);
	assert_eq!(key.status, 200, "{}", key.body);
	let holder_key = badge_client::keypair_from_uri(key.body.trim()).expect("the holder's key");
	let mut lost = Vec::new();
	for n in 2..4 {
		let claim = crypto::ClaimKey::generate();
		let recipient = crypto::recipient_commitment(email, &format!("salt-{n}"));
		let id = client
			.issue(
				&issuer,
				class,
				badge_spec(recipient, &claim, None, None),
				Wait::Finalized,
			)
			.await
			.unwrap();
		let body = serde_json::json!({
			"email": email, "badge_id": format!("{id:?}"), "claim_secret": claim.secret_hex(),
		})
		.to_string();
		let created = http(
			"POST",
			&format!("{}/api/applications", wallet.url()),
			&json,
			&body,
		);
		assert_eq!(created.status, 201, "{created:?}");
		assert!(
			created.body.contains(r#""mail":"receipt""#),
			"{}",
			created.body
		);
		client
			.receive(&holder_key, id, &claim, Wait::Finalized)
			.await
			.expect("the receipt lands");
		lost.push(id);
	}
	// The first one's receipt link, followed again, completes the step instead of refusing it.
	let mails = smtp.wait_for(4, MAIL_WAIT);
	let mail = mails
		.iter()
		.map(|m| decode_mail(m))
		.find(|m| m.contains(&format!("{:?}", lost[0])))
		.expect("the receipt e-mail of the first");
	let retry = link_in(&mail, &format!("{}/receive/", wallet.url())).expect("a receipt link");
	let retried = http("POST", &retry, &[], "");
	assert_eq!(retried.status, 200, "{}", retried.body);
	assert!(retried.body.contains(&holder), "{}", retried.body);
	// The second shows in the wallet without its link: the front page finds it on chain.
	let home = http("GET", &format!("{}/", wallet.url()), &session, "");
	for id in &lost {
		assert!(
			home.body.contains(&format!("{id:?}")),
			"{id:?} is listed: {}",
			home.body
		);
	}

	// 7. The issuer revokes it: the public page says so, with the reason.
	client
		.revoke(
			&issuer,
			badge,
			badge_client::RevocationReason::NoLongerEligible,
			None,
			Wait::Finalized,
		)
		.await
		.unwrap();
	let page = http("GET", &public_page, &[], "");
	assert!(
		page.body.contains("Revoked") && page.body.contains("NoLongerEligible"),
		"{}",
		page.body
	);
	assert!(!page.body.contains(">Valid<"));
	eventually_shows(&explorer, "revoked (NoLongerEligible)");

	// 8. The node goes down: the page says verification is unavailable, never "valid".
	drop(client);
	node.kill();
	let page = http("GET", &public_page, &[], "");
	assert_eq!(page.status, 503, "{}", page.body);
	assert!(page.body.contains("Verification unavailable"));
	assert!(!page.body.contains("Valid") && !page.body.contains("Revoked"));
	let home = http("GET", &format!("{}/", wallet.url()), &session, "");
	assert_eq!(home.status, 200, "the wallet still lists the badge");
	assert!(home.body.contains("cannot be reached"), "{}", home.body);
	// Explorer pages are answered from memory for 5 s after they were built.
	std::thread::sleep(Duration::from_secs(5));
	let front = http("GET", &explorer, &[], "");
	assert_eq!(front.status, 200, "{}", front.body);
	assert!(
		front.body.contains("cannot be reached") && front.body.contains(&badge_hex),
		"the explorer still shows what it read: {}",
		front.body
	);
	let class_page = http("GET", &format!("{}/classes/{class}", wallet.url()), &[], "");
	assert_eq!(class_page.status, 503, "{}", class_page.body);

	// 9. Self-custody: the holder downloads their key (password again); the `badge` tool then
	// signs as the very account the badge is bound to.
	let account = http("GET", &format!("{}/account", wallet.url()), &session, "");
	assert_eq!(account.status, 200, "{}", account.body);
	let csrf = csrf_in(&account.body);
	let key = http(
		"POST",
		&format!("{}/account/key", wallet.url()),
		&with_session,
		&format!("csrf={csrf}&password=correct+horse+battery"),
	);
	assert_eq!(key.status, 200, "{}", key.body);
	let key_file = data.path().join("holder.key");
	std::fs::write(&key_file, &key.body).unwrap();
	let printed = std::process::Command::new(badge_harness::cli_binary())
		.arg("account")
		.arg("--key-file")
		.arg(&key_file)
		.env_remove("BADGE_CONFIG")
		.env_remove("BADGE_KEY")
		.output()
		.unwrap();
	assert!(
		String::from_utf8_lossy(&printed.stdout).contains(&holder),
		"the exported key is the holder's account {holder}: {printed:?}"
	);

	// 10. The holder deletes the wallet account: the service forgets the address.
	let deleted = http(
		"POST",
		&format!("{}/account/delete", wallet.url()),
		&with_session,
		&format!("csrf={csrf}&password=correct+horse+battery&confirm=yes"),
	);
	assert_eq!(deleted.status, 200, "{}", deleted.body);
	let home = http("GET", &format!("{}/", wallet.url()), &session, "");
	assert_eq!(home.status, 303, "the session is gone");
	let again = http(
		"POST",
		&login,
		&form,
		"email=applicant%40example.jp&password=correct+horse+battery",
	);
	assert_eq!(again.status, 401, "the wallet is gone");

	// Metrics count what happened; the log is JSON lines naming routes, never tokens or
	// addresses.
	let metrics = http("GET", &format!("{}/metrics", wallet.ops_url()), &[], "");
	for line in [
		// The first receipt, and the retried one of step 6b.
		r#"wallet_events_total{event="badge_received"} 2"#,
		r#"wallet_events_total{event="disclosure_changed"} 2"#,
		r#"wallet_events_total{event="account_deleted"} 1"#,
		r#"wallet_events_total{event="mail_sent"} 4"#,
	] {
		assert!(metrics.body.contains(line), "{line}: {}", metrics.body);
	}
	let log = wallet.log();
	let lines: Vec<serde_json::Value> = log
		.lines()
		.map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
		.collect();
	assert!(
		lines
			.iter()
			.any(|l| l["route"] == "/receive/{token}" && l["status"] == 200),
		"{log}"
	);
	let token = receive.rsplit('/').next().unwrap();
	assert!(!log.contains(token), "no link token in the log");
	assert!(!log.contains(email), "no e-mail address in the log");
}

/// The page at `url` once it contains `text` (the explorer's indexer reads finalized blocks
/// every two seconds).
fn eventually_shows(url: &str, text: &str) -> String {
	let deadline = std::time::Instant::now() + Duration::from_secs(60);
	loop {
		let page = http("GET", url, &[], "");
		if page.status == 200 && page.body.contains(text) {
			return page.body;
		}
		assert!(
			std::time::Instant::now() < deadline,
			"{url} never showed {text}: {}",
			page.body
		);
		std::thread::sleep(Duration::from_millis(500));
	}
}

/// The CSRF token in a page's forms.
fn csrf_in(page: &str) -> String {
	page.split(r#"name="csrf" value=""#)
		.nth(1)
		.and_then(|rest| rest.split('"').next())
		.expect("forms carry a CSRF token")
		.to_string()
}

/// `issuer` registered as the Digital Agency by the council of one (//Alice), with a class of
/// committee members whose image is `<svg/>`: the class id.
async fn agency_with_class(client: &BadgeClient, issuer: &badge_client::Keypair) -> u32 {
	client
		.register_issuer(
			&dev::alice(),
			&account_of(issuer),
			&Profile {
				name: "Digital Agency".into(),
				url: "https://agency.example.jp".into(),
				contact: None,
			},
			Wait::InBlock,
		)
		.await
		.expect("the council of one registers the issuer");
	client
		.create_class(
			issuer,
			&ClassSpec {
				name: "Digital Promotion Committee member".into(),
				description: "Appointed member".into(),
				criteria: criteria_url("https://agency.example.jp/criteria"),
				achievement_type: AchievementType::Membership,
				image_digest: crypto::image_digest(b"<svg/>"),
			},
			Wait::InBlock,
		)
		.await
		.expect("the issuer creates its class")
}

/// The badge's disclosure state on chain.
async fn disclosure_of(
	client: &BadgeClient,
	badge: badge_client::H256,
) -> badge_client::Disclosure {
	client
		.verify(badge, None)
		.await
		.expect("the node answers")
		.details
		.expect("the badge exists")
		.disclosure
}

/// Each step of the journey with the service killed (SIGKILL) in its middle and started again
/// on the same data: intake (a results-file import), registration, receipt and the disclosure
/// switch each complete when tried again, and no e-mail, link or badge is lost or doubled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_step_completes_after_the_service_is_killed_in_its_middle() {
	let node = Node::dev();
	let client = BadgeClient::connect(&node.ws_url()).await.unwrap();
	let issuer = dev::ferdie();
	let class = agency_with_class(&client, &issuer).await;
	// Three applicants, one results file.
	let mut csv = String::from("line,email,badge_id,claim_secret,status\n");
	let mut badges = Vec::new();
	for n in 1..=3 {
		let claim = crypto::ClaimKey::generate();
		let email = format!("member{n}@example.jp");
		let recipient = crypto::recipient_commitment(&email, &format!("salt-{n}"));
		let badge = client
			.issue(
				&issuer,
				class,
				badge_spec(recipient, &claim, None, None),
				Wait::Finalized,
			)
			.await
			.unwrap();
		csv.push_str(&format!(
			"{},{email},{badge:?},{},issued\n",
			n + 1,
			claim.secret_hex()
		));
		badges.push(badge);
	}
	let smtp = SmtpServer::start();
	let data = tempfile::tempdir().unwrap();
	let mut wallet = Wallet::start(
		data.path(),
		None,
		&node.ws_url(),
		&smtp.url(),
		"Digital Agency",
		&account_of(&issuer).to_string(),
	);
	let url = wallet.url();
	// `request` in flight, the service killed after `after`, then started again.
	let crash = |wallet: &mut Wallet, request: Box<dyn FnOnce() + Send>, after: Duration| {
		let flight = std::thread::spawn(request);
		std::thread::sleep(after);
		wallet.kill();
		let _ = flight.join();
		wallet.restart();
	};

	// 1. Intake: the import killed while it runs, then sent again.
	let import = format!("{url}/api/applications/import");
	let auth = format!("Bearer {}", wallet.issuer_token);
	let (body, headers) = (csv.clone(), auth.clone());
	let target = import.clone();
	crash(
		&mut wallet,
		Box::new(move || {
			http_cut_off(
				"POST",
				&target,
				&[("authorization", headers.as_str())],
				&body,
			);
		}),
		Duration::from_millis(30),
	);
	let again = http("POST", &import, &[("authorization", auth.as_str())], &csv);
	assert_eq!(again.status, 200, "{}", again.body);
	// One registration e-mail per applicant, whichever run recorded them.
	let mails = smtp.wait_for(3, MAIL_WAIT);
	std::thread::sleep(Duration::from_secs(3));
	assert_eq!(smtp.messages().len(), 3, "no e-mail doubled");
	let mut to: Vec<String> = mails
		.iter()
		.map(|m| {
			let mail = decode_mail(m);
			(1..=3)
				.map(|n| format!("member{n}@example.jp"))
				.find(|a| mail.contains(&format!("To: {a}")))
				.expect("to an applicant")
		})
		.collect();
	to.sort();
	to.dedup();
	assert_eq!(to.len(), 3, "each applicant once: {to:?}");
	let first = mails
		.iter()
		.map(|m| decode_mail(m))
		.find(|m| m.contains("To: member1@example.jp"))
		.unwrap();
	let register = link_in(&first, &format!("{url}/register/")).expect("a registration link");

	// 2. Registration, killed right after the form is posted.
	let form = [("content-type", "application/x-www-form-urlencoded")];
	let password = "password=correct+horse+battery&password_again=correct+horse+battery";
	let target = register.clone();
	crash(
		&mut wallet,
		Box::new(move || {
			http_cut_off(
				"POST",
				&target,
				&[("content-type", "application/x-www-form-urlencoded")],
				password,
			);
		}),
		Duration::from_millis(20),
	);
	// Registered before the crash (the link is used) or not at all (the link still works).
	if http("GET", &register, &[], "").status == 200 {
		assert_eq!(http("POST", &register, &form, password).status, 200);
	}
	let login = |url: &str| {
		let logged_in = http(
			"POST",
			&format!("{url}/login"),
			&[("content-type", "application/x-www-form-urlencoded")],
			"email=member1%40example.jp&password=correct+horse+battery",
		);
		assert_eq!(logged_in.status, 303, "{}", logged_in.body);
		let cookie = logged_in.header("set-cookie").expect("a session cookie");
		cookie.split(';').next().unwrap().to_string()
	};
	let cookie = login(&url);
	// Its receipt e-mail, once.
	let mails = smtp.wait_for(4, MAIL_WAIT);
	let receipt = decode_mail(&mails[3]);
	assert!(receipt.contains("To: member1@example.jp"), "{receipt}");
	let receive = link_in(&receipt, &format!("{url}/receive/")).expect("a receipt link");

	// 3. Receipt, killed while its transaction is on its way to finality.
	let target = receive.clone();
	crash(
		&mut wallet,
		Box::new(move || {
			http_cut_off("POST", &target, &[], "");
		}),
		Duration::from_millis(500),
	);
	// Tried again: done now, or found done on chain (the step completes either way).
	let retried = http("POST", &receive, &[], "");
	assert!(
		retried.status == 200 || retried.status == 410,
		"{}: {}",
		retried.status,
		retried.body
	);
	let holder = client.holder_of(badges[0]).await.unwrap();
	assert!(
		holder.is_some(),
		"the badge is bound to the holder's wallet"
	);
	let session = [("cookie", cookie.as_str())];
	let home = http("GET", &format!("{url}/"), &session, "");
	assert_eq!(home.status, 200, "the session outlived the crash");
	assert!(
		home.body.contains(&format!("{:?}", badges[0])),
		"the badge shows in the wallet: {}",
		home.body
	);
	assert_eq!(
		home.body.matches("Make private").count(),
		1,
		"once: {}",
		home.body
	);

	// 4. The disclosure switch, killed while its transaction is on its way.
	let csrf = csrf_in(&home.body);
	let switch = format!("{url}/wallet/badges/{:?}/disclosure", badges[0]);
	let with_session = [
		("cookie", cookie.as_str()),
		("content-type", "application/x-www-form-urlencoded"),
	];
	let (target, cookie_value, token) = (switch.clone(), cookie.clone(), csrf.clone());
	crash(
		&mut wallet,
		Box::new(move || {
			http_cut_off(
				"POST",
				&target,
				&[
					("cookie", cookie_value.as_str()),
					("content-type", "application/x-www-form-urlencoded"),
				],
				&format!("csrf={token}&disclosure=private"),
			);
		}),
		Duration::from_millis(500),
	);
	let switched = http(
		"POST",
		&switch,
		&with_session,
		&format!("csrf={csrf}&disclosure=private"),
	);
	assert_eq!(switched.status, 303, "{}", switched.body);
	assert_eq!(
		disclosure_of(&client, badges[0]).await,
		badge_client::Disclosure::Private
	);

	// Nothing doubled or lost: three registration e-mails and one receipt e-mail in all; the
	// others still wait for their applicants with working links.
	std::thread::sleep(Duration::from_secs(2));
	assert_eq!(smtp.messages().len(), 4);
	let second = smtp
		.messages()
		.iter()
		.map(|m| decode_mail(m))
		.find(|m| m.contains("To: member2@example.jp"))
		.unwrap();
	let link = link_in(&second, &format!("{url}/register/")).unwrap();
	assert_eq!(http("GET", &link, &[], "").status, 200);
}

//! The Open Badge Wallet service end to end: a real dev node, a real SMTP server (aiosmtpd),
//! the real `badge-wallet` binary on a real SQLite file. An issuer issues a badge on chain and
//! registers the application; the applicant follows the registration e-mail, registers, follows
//! the receipt e-mail and receives the badge, which the chain then shows as valid and bound to
//! the wallet's key. Used links stay used; a badge is applied for once. The same flow runs
//! again on a real PostgreSQL server.

use badge_client::{
	account_of, badge_spec, criteria_url, crypto, dev, AchievementType, BadgeClient, ClassSpec,
	Profile, Verdict, Wait,
};
use badge_e2e::{
	services::{decode_quoted_printable, http, link_in, Postgres, SmtpServer, Wallet},
	Node,
};
use std::time::Duration;

const MAIL_WAIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_applicant_registers_a_wallet_and_receives_a_badge_through_the_emails() {
	flow(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_flow_works_on_postgresql() {
	let postgres = Postgres::start();
	flow(Some(&postgres.url())).await;
}

/// The whole flow, with the wallet's database at `database_url` (SQLite by default).
async fn flow(database_url: Option<&str>) {
	let node = Node::dev();
	let client = BadgeClient::connect(&node.ws_url()).await.unwrap();
	let issuer = dev::ferdie();
	client
		.register_issuer(
			&dev::alice(),
			&account_of(&issuer),
			&Profile {
				name: "Digital Agency".into(),
				url: "https://agency.example.jp".into(),
				contact: None,
			},
			Wait::InBlock,
		)
		.await
		.expect("the council of one registers the issuer");
	let class = client
		.create_class(
			&issuer,
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
		.unwrap();
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
	);
	let health = http("GET", &format!("{}/health", wallet.url()), &[], "");
	assert_eq!(health.status, 200, "{health:?}");
	assert_eq!(
		data.path().join("wallet.db").exists(),
		database_url.is_none(),
		"the SQLite file is made unless another database is configured"
	);

	// 1. The issuer registers the application (as `badge bulk`'s results file has it).
	let auth = format!("Bearer {}", wallet.issuer_token);
	let body = serde_json::json!({
		"email": "Applicant@Example.jp",
		"badge_id": format!("{badge:?}"),
		"claim_secret": claim.secret_hex(),
	})
	.to_string();
	let json = [
		("content-type", "application/json"),
		("authorization", auth.as_str()),
	];
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
	let mail = decode_quoted_printable(&mails[0]);
	assert!(mail.contains("To: applicant@example.jp"), "{mail}");
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
		&form,
		"password=correct+horse+battery&password_again=correct+horse+battery",
	);
	assert_eq!(registered.status, 200, "{}", registered.body);
	assert!(
		registered.body.contains("1 badge receipt e-mail"),
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
	let mail = decode_quoted_printable(&mails[1]);
	assert!(
		mail.contains(&format!("{badge:?}")),
		"the badge is named: {mail}"
	);
	let receive = link_in(&mail, &format!("{}/receive/", wallet.url())).expect("a receipt link");
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
}

//! The Open Badge Wallet in a real browser: headless Chromium (Debian's, driven through
//! ChromeDriver) against a real dev node, a real SMTP server (aiosmtpd) and the real
//! `badge-wallet` binary on SQLite. Every step a person takes is done by clicking and typing in
//! the pages, and the key pages are saved as screenshots under
//! `$CARGO_TARGET_DIR/test-artifacts/wallet-browser/`:
//!
//! an issuer's staff member sets a password from the link `badge-wallet issuer staff` gave,
//! logs in, uploads the class's badge image and imports the results file (and signed
//! credentials) that `badge bulk` wrote; the applicant follows the registration e-mail,
//! registers, follows the receipt e-mail and receives the badge; logs in and finds it public;
//! makes it private (the public page says not disclosed) and public again; the public page
//! shows the verdict, the image and the share kit, whose card, credential and baked image the
//! `badge` tool verifies; the page speaks Japanese after the switch; the issuer revokes the
//! badge and the page says so.

use badge_client::{
	account_of, criteria_url, crypto, dev, AchievementType, BadgeClient, ClassSpec, Profile, Wait,
};
use badge_harness::{
	browser::Browser,
	cli_binary,
	services::{decode_mail, http, link_in, SmtpServer, Wallet},
	Node,
};
use std::{path::Path, process::Command, time::Duration};

const MAIL_WAIT: Duration = Duration::from_secs(30);
const PAGE_WAIT: Duration = Duration::from_secs(30);

/// A small PNG badge design: a navy disc on white.
fn badge_png() -> Vec<u8> {
	let image = image::RgbImage::from_fn(256, 256, |x, y| {
		let (dx, dy) = (x as i32 - 128, y as i32 - 128);
		if dx * dx + dy * dy < 110 * 110 {
			image::Rgb([26, 60, 110])
		} else {
			image::Rgb([255, 255, 255])
		}
	});
	let mut png = std::io::Cursor::new(Vec::new());
	image.write_to(&mut png, image::ImageFormat::Png).unwrap();
	png.into_inner()
}

/// `badge ARGS` against `node` with `key_file`; its stdout (the command must succeed).
fn badge(node: &str, key_file: &Path, args: &[&str]) -> String {
	let output = Command::new(cli_binary())
		.arg("--key-file")
		.arg(key_file)
		.args(args)
		.env("BADGE_NODE_URL", node)
		.env_remove("BADGE_CONFIG")
		.env_remove("BADGE_KEY")
		.output()
		.unwrap();
	assert!(
		output.status.success(),
		"badge {args:?}: {}{}",
		String::from_utf8_lossy(&output.stdout),
		String::from_utf8_lossy(&output.stderr)
	);
	String::from_utf8_lossy(&output.stdout).to_string()
}

/// `tests/js/vc-verify.mjs` (Digital Bazaar's `jsonld-signatures`, `data-integrity`,
/// `eddsa-rdfc-2022-cryptosuite`, `vc` and `vc-bitstring-status-list`) on a credential file:
/// its JSON answer (`verified`, `error`, `revoked`).
fn digital_bazaar_verifies(credential: &Path) -> serde_json::Value {
	digital_bazaar_verifies_with(credential, None)
}

/// [`digital_bazaar_verifies`], served `status_list` in place of the credential's status list.
fn digital_bazaar_verifies_with(
	credential: &Path,
	status_list: Option<&Path>,
) -> serde_json::Value {
	let js = Path::new(env!("CARGO_MANIFEST_DIR")).join("js");
	let contexts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rpc-client/credential/contexts");
	let out = Command::new("node")
		.arg(js.join("vc-verify.mjs"))
		.arg(credential)
		.arg(contexts)
		.args(status_list)
		.output()
		.expect("node runs (scripts/setup installs it)");
	let text = String::from_utf8_lossy(&out.stdout);
	serde_json::from_str(text.trim()).unwrap_or_else(|e| {
		panic!(
			"vc-verify.mjs said no JSON ({e}): {text}{}",
			String::from_utf8_lossy(&out.stderr)
		)
	})
}

/// Where the screenshots go: `$CARGO_TARGET_DIR/test-artifacts/wallet-browser` (emptied first).
fn artifacts() -> std::path::PathBuf {
	let dir = badge_harness::node_binary()
		.parent()
		.and_then(Path::parent)
		.expect("target/<profile>/badge-node")
		.join("test-artifacts/wallet-browser");
	let _ = std::fs::remove_dir_all(&dir);
	dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_badge_goes_from_import_to_revocation_through_the_browser() {
	let mut node = Node::dev();
	let client = BadgeClient::connect(&node.ws_url()).await.unwrap();
	let issuer = dev::ferdie();
	let issuer_account = account_of(&issuer).to_string();
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
		.unwrap();
	let design = badge_png();
	let class = client
		.create_class(
			&issuer,
			&ClassSpec {
				name: "Digital Promotion Committee member".into(),
				description: "Appointed member".into(),
				criteria: criteria_url("https://agency.example.jp/criteria"),
				achievement_type: AchievementType::Membership,
				image_digest: crypto::image_digest(&design),
			},
			Wait::Finalized,
		)
		.await
		.unwrap();

	let smtp = SmtpServer::start();
	let data = tempfile::tempdir().unwrap();
	let work = data.path();
	let wallet = Wallet::start(
		&work.join("wallet"),
		None,
		&node.ws_url(),
		&smtp.url(),
		"API client",
		&issuer_account,
	);
	let shots = artifacts();
	let browser = Browser::start(&shots);

	// The issuer's office: `badge bulk` issues the badge and writes the results file and the
	// signed credential; the wallet's admin adds the issuer (with its chain account) and a
	// staff member.
	let key_file = work.join("issuer.key");
	std::fs::write(&key_file, "//Ferdie").unwrap();
	let image_file = work.join("badge.png");
	std::fs::write(&image_file, &design).unwrap();
	let csv = work.join("members.csv");
	std::fs::write(&csv, "email\napplicant@example.jp\n").unwrap();
	let credentials = work.join("credentials");
	// Credentials are signed by a key the issuer publishes on chain first; its revocation
	// status lists by the wallet service's status key, which it delegates to the service.
	badge(&node.ws_url(), &key_file, &["issuer", "key", "add"]);
	let status_key = wallet.admin(&["status-key"]);
	assert!(status_key.starts_with("z6Mk"), "{status_key}");
	badge(
		&node.ws_url(),
		&key_file,
		&[
			"issuer",
			"key",
			"add",
			"--purpose",
			"status-lists",
			"--public",
			&status_key,
		],
	);
	badge(
		&node.ws_url(),
		&key_file,
		&[
			"bulk",
			"--class",
			&class.to_string(),
			"--csv",
			csv.to_str().unwrap(),
			"--credentials",
			credentials.to_str().unwrap(),
			"--base-url",
			&wallet.url(),
		],
	);
	let results = work.join("members.results.csv");
	let credential_file = std::fs::read_dir(&credentials)
		.unwrap()
		.next()
		.expect("one credential")
		.unwrap()
		.path();
	let badge_id = credential_file
		.file_stem()
		.unwrap()
		.to_string_lossy()
		.to_string();
	wallet.admin(&[
		"issuer",
		"add",
		"Digital Agency",
		"--account",
		&issuer_account,
	]);
	let setup = wallet.admin(&[
		"issuer",
		"staff",
		"Digital Agency",
		"staff@agency.example.jp",
	]);

	// A copy of the credential edited and re-signed by a key nobody published is refused at
	// import, with its reason; so is one exported for another site.
	let genuine: serde_json::Value =
		serde_json::from_slice(&std::fs::read(&credential_file).unwrap()).unwrap();
	let row: Vec<String> = std::fs::read_to_string(&results)
		.unwrap()
		.lines()
		.nth(1)
		.expect("one results row")
		.split(',')
		.map(String::from)
		.collect();
	let mut renamed = genuine.clone();
	renamed["credentialSubject"]["achievement"]["name"] = "Committee chair".into();
	let method = genuine["proof"]["verificationMethod"].as_str().unwrap();
	let now = std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.unwrap()
		.as_millis() as u64;
	// (Proof dates are whole seconds: this one is not before the badge's issuance.)
	let forged = badge_credential::ob3::sign(renamed, &[66; 32], now.div_ceil(1000) * 1000, method)
		.await
		.unwrap();
	let auth = format!("Bearer {}", wallet.issuer_token);
	let api = [
		("content-type", "application/json"),
		("authorization", auth.as_str()),
	];
	let apply = |credential: &serde_json::Value| {
		let body = serde_json::json!({
			"email": row[1], "badge_id": row[2], "claim_secret": row[3], "credential": credential,
		});
		http(
			"POST",
			&format!("{}/api/applications", wallet.url()),
			&api,
			&body.to_string(),
		)
	};
	let refused = apply(&forged);
	assert_eq!(refused.status, 422, "{refused:?}");
	assert!(refused.body.contains("altered"), "{}", refused.body);
	let elsewhere = work.join("elsewhere");
	badge(
		&node.ws_url(),
		&key_file,
		&[
			"credential",
			&row[2],
			"--email",
			&row[1],
			"--salt",
			&row[4],
			"--base-url",
			"https://badges.example.jp",
			"--out",
			elsewhere.to_str().unwrap(),
		],
	);
	let elsewhere: serde_json::Value =
		serde_json::from_slice(&std::fs::read(&elsewhere).unwrap()).unwrap();
	let refused = apply(&elsewhere);
	assert_eq!(refused.status, 422, "{refused:?}");
	assert!(refused.body.contains("--base-url"), "{}", refused.body);

	// The issuer's DID document lists the key that signed the genuine credential, from the
	// chain's finalized state.
	let issuer_did = genuine["issuer"]["id"].as_str().unwrap();
	let document = http(
		"GET",
		&format!("{}/issuers/{issuer_account}/did.json", wallet.url()),
		&[],
		"",
	);
	assert_eq!(document.status, 200, "{document:?}");
	let document: serde_json::Value = serde_json::from_str(&document.body).unwrap();
	assert_eq!(document["id"], issuer_did);
	assert_eq!(document["verificationMethod"][0]["id"], method);
	assert_eq!(document["verificationMethod"][0]["controller"], issuer_did);
	assert_eq!(document["assertionMethod"][0], method);

	// The issuer's revocation list: 131,072 entries, issued by the issuer's DID, signed by the
	// status key it delegated (its key #2), built from finalized state.
	let list_url = genuine["credentialStatus"]["statusListCredential"]
		.as_str()
		.unwrap()
		.to_string();
	assert_eq!(
		list_url,
		format!(
			"{}/issuers/{issuer_account}/status/revocation/0",
			wallet.url()
		)
	);
	let served = http("GET", &list_url, &[], "");
	assert_eq!(served.status, 200, "{served:?}");
	eprintln!(
		"a status list of 131,072 entries as served: {} bytes",
		served.body.len()
	);
	let list: serde_json::Value = serde_json::from_str(&served.body).unwrap();
	// Caches may keep it as long as its ttl says (every other response is no-store).
	assert!(
		served
			.headers
			.iter()
			.any(|(k, v)| k == "cache-control" && v == "public, max-age=2"),
		"{:?}",
		served.headers
	);
	assert_eq!(list["credentialSubject"]["ttl"], 2_000);
	assert_eq!(list["issuer"], issuer_did);
	assert_eq!(
		list["proof"]["verificationMethod"],
		badge_credential::did::key_method(issuer_did, 1)
	);
	let bits = badge_credential::status::decode_list(
		list["credentialSubject"]["encodedList"].as_str().unwrap(),
	)
	.unwrap();
	assert_eq!(bits.len() * 8, 131_072);
	assert!(bits.iter().all(|b| *b == 0), "nothing is revoked yet");
	assert_eq!(
		http(
			"GET",
			&format!(
				"{}/issuers/{issuer_account}/status/revocation/1",
				wallet.url()
			),
			&[],
			""
		)
		.status,
		404,
		"no second list before the issuer's 131,073rd badge"
	);
	let stranger = http(
		"GET",
		&format!(
			"{}/issuers/{}/status/revocation/0",
			wallet.url(),
			account_of(&dev::alice())
		),
		&[],
		"",
	);
	assert_eq!(stranger.status, 404, "{stranger:?}");
	let key = http("GET", &format!("{}/status-key", wallet.url()), &[], "");
	assert!(key.body.contains(&status_key), "{key:?}");
	let before_revocation = work.join("list-before-revocation.json");
	std::fs::write(&before_revocation, &served.body).unwrap();

	// Digital Bazaar's verifier stack accepts the genuine credential (its proof under the key
	// the DID document lists, its issuer the key's controller, its status list verified and
	// its entry not set) and refuses the forgery.
	std::fs::write(work.join("forged.json"), forged.to_string()).unwrap();
	for (file, accepted) in [(&credential_file, true), (&work.join("forged.json"), false)] {
		let said = digital_bazaar_verifies(file);
		assert_eq!(said["verified"], accepted, "{}: {said}", file.display());
		if accepted {
			assert_eq!(said["revoked"], false, "{said}");
		}
	}
	assert!(digital_bazaar_verifies(&work.join("forged.json"))["error"]
		.as_str()
		.is_some_and(|e| e.contains("Invalid signature") || e.contains("verif")),);

	// 1. The staff member sets a password and logs in.
	browser.open(&setup);
	browser.type_into("input[name=password]", "staff password 1");
	browser.type_into("input[name=password_again]", "staff password 1");
	browser.click("button[type=submit]");
	browser.wait_for_text("Issuer login", PAGE_WAIT);
	browser.type_into("input[name=email]", "staff@agency.example.jp");
	browser.type_into("input[name=password]", "staff password 1");
	browser.click("button[type=submit]");
	browser.wait_for_text("Import a results file", PAGE_WAIT);
	browser.screenshot("01-issuer-dashboard");

	// 2. The badge image, checked against the digest the class pins on chain.
	browser.type_into(
		"form[action='/issuer/images'] input[name=class]",
		&class.to_string(),
	);
	browser.type_into(
		"form[action='/issuer/images'] input[name=image]",
		image_file.to_str().unwrap(),
	);
	browser.click("form[action='/issuer/images'] button");
	browser.wait_for_text(&format!("The image of class {class} is stored."), PAGE_WAIT);

	// 3. The results file and the credential: one application, one registration e-mail.
	browser.type_into(
		"form[action='/issuer/import'] input[name=results]",
		results.to_str().unwrap(),
	);
	browser.type_into(
		"form[action='/issuer/import'] input[name=credentials]",
		credential_file.to_str().unwrap(),
	);
	browser.click("form[action='/issuer/import'] option[value=en]");
	browser.click("form[action='/issuer/import'] button");
	let text = browser.wait_for_text("1 application(s) registered.", PAGE_WAIT);
	assert!(text.contains("Registration e-mail queued"), "{text}");
	assert!(text.contains("applicant@example.jp"), "listed: {text}");
	browser.screenshot("02-issuer-imported");

	// 4. The registration e-mail; the applicant registers the wallet.
	let mail = decode_mail(&smtp.wait_for(1, MAIL_WAIT)[0]);
	assert!(mail.contains("Digital Agency"), "{mail}");
	let register = link_in(&mail, &format!("{}/register/", wallet.url())).expect("a link");
	browser.open(&register);
	assert!(browser.text().contains("applicant@example.jp"));
	browser.screenshot("03-register");
	browser.type_into("input[name=password]", "correct horse battery");
	browser.type_into("input[name=password_again]", "correct horse battery");
	browser.click("button[type=submit]");
	browser.wait_for_text("Your wallet is registered", PAGE_WAIT);

	// 5. The receipt e-mail; receiving waits for finality.
	let mail = decode_mail(&smtp.wait_for(2, MAIL_WAIT)[1]);
	let receive = link_in(&mail, &format!("{}/receive/", wallet.url())).expect("a link");
	browser.open(&receive);
	assert!(browser.text().contains(&badge_id), "{}", browser.text());
	browser.screenshot("04-receive");
	browser.click("button[type=submit]");
	let text = browser.wait_for_text("The badge is yours", Duration::from_secs(90));
	assert!(text.contains("Valid"), "{text}");
	browser.screenshot("05-received");

	// 6. The wallet: the badge is public by default; private; public again.
	browser.open(&format!("{}/login", wallet.url()));
	browser.type_into("input[name=email]", "applicant@example.jp");
	browser.type_into("input[name=password]", "correct horse battery");
	browser.click("button[type=submit]");
	let text = browser.wait_for_text("Your badges", PAGE_WAIT);
	assert!(
		text.contains("Digital Promotion Committee member") && text.contains("Make private"),
		"{text}"
	);
	browser.screenshot("06-wallet-public");
	browser.click("form[action$='/disclosure'] button");
	browser.wait_for_text("Make public", Duration::from_secs(90));
	browser.screenshot("07-wallet-private");
	let page = format!("{}/badges/{badge_id}", wallet.url());
	browser.open(&page);
	let text = browser.text();
	assert!(
		text.contains("Not disclosed") && !text.contains("Digital Promotion Committee member"),
		"{text}"
	);
	browser.screenshot("08-page-not-disclosed");
	// Private, the badge's files are not served publicly, but its holder downloads them from
	// the wallet (links on the front page, behind the session).
	let public_copy = http("GET", &format!("{page}/credential.json"), &[], "");
	assert_eq!(public_copy.status, 404, "{public_copy:?}");
	browser.open(&format!("{}/", wallet.url()));
	let front = browser.source();
	assert!(
		front.contains(&format!("/wallet/badges/{badge_id}/credential.json"))
			&& front.contains(&format!("/wallet/badges/{badge_id}/baked.png")),
		"the holder's downloads: {front}"
	);
	let logged_in = http(
		"POST",
		&format!("{}/login", wallet.url()),
		&[("content-type", "application/x-www-form-urlencoded")],
		"email=applicant%40example.jp&password=correct+horse+battery",
	);
	assert_eq!(logged_in.status, 303, "{}", logged_in.body);
	let cookie = logged_in
		.header("set-cookie")
		.and_then(|c| c.split(';').next())
		.expect("a session cookie")
		.to_string();
	for (file, content_type) in [
		("credential.json", "application/ld+json"),
		("baked.png", "image/png"),
	] {
		let url = format!("{}/wallet/badges/{badge_id}/{file}", wallet.url());
		let own = http("GET", &url, &[("cookie", cookie.as_str())], "");
		assert_eq!(own.status, 200, "{file}: {}", own.body);
		assert_eq!(own.header("content-type"), Some(content_type), "{file}");
		std::fs::write(work.join(format!("own-{file}")), &own.bytes).unwrap();
		let verified = badge(
			&node.ws_url(),
			&key_file,
			&[
				"verify",
				work.join(format!("own-{file}")).to_str().unwrap(),
				"--email",
				"applicant@example.jp",
				"--json",
			],
		);
		assert!(verified.contains(&badge_id), "{file}: {verified}");
		let anonymous = http("GET", &url, &[], "");
		assert_eq!(
			anonymous.status, 303,
			"{file}: only its holder downloads it"
		);
	}
	browser.open(&format!("{}/", wallet.url()));
	browser.click("form[action$='/disclosure'] button");
	browser.wait_for_text("Make private", Duration::from_secs(90));

	// 7. The public page: the verdict, the image, the share kit.
	browser.open(&page);
	let text = browser.text();
	for shown in [
		"Digital Promotion Committee member",
		"Digital Agency",
		"Valid",
		"Share",
	] {
		assert!(text.contains(shown), "the page shows {shown}: {text}");
	}
	let source = browser.source();
	assert!(
		source.contains(&format!("/classes/{class}/image")),
		"the badge image"
	);
	assert!(
		source.contains("og:image") && source.contains("card.png"),
		"Open Graph image"
	);
	// LinkedIn's "Add to profile" form, filled in with the certification.
	let add = source
		.split("href=\"")
		.find(|h| h.starts_with("https://www.linkedin.com/profile/add?"))
		.and_then(|h| h.split('"').next())
		.expect("an Add to profile link")
		.replace("&amp;", "&");
	for part in [
		"startTask=CERTIFICATION_NAME".to_string(),
		"name=Digital%20Promotion%20Committee%20member".to_string(),
		"organizationName=Digital%20Agency".to_string(),
		format!("certId={badge_id}"),
		"issueYear=20".to_string(),
		"issueMonth=".to_string(),
	] {
		assert!(add.contains(&part), "{part} in {add}");
	}
	assert!(
		!add.contains("expirationYear"),
		"no expiry, no expiration date: {add}"
	);
	browser.screenshot("09-page-valid");
	let card = http("GET", &format!("{page}/card.png"), &[], "");
	assert_eq!(card.header("content-type"), Some("image/png"));
	std::fs::write(work.join("card.png"), &card.bytes).unwrap();
	let verified = badge(
		&node.ws_url(),
		&key_file,
		&["verify", work.join("card.png").to_str().unwrap(), "--json"],
	);
	assert!(
		verified.contains(&badge_id) && verified.contains("valid"),
		"the card's QR code: {verified}"
	);
	let pdf = http("GET", &format!("{page}/card.pdf"), &[], "");
	assert!(pdf.bytes.starts_with(b"%PDF-1.4"), "a PDF card");
	for (file, name) in [
		("credential.json", "credential.json"),
		("baked.png", "baked.png"),
	] {
		let download = http("GET", &format!("{page}/{file}"), &[], "");
		assert_eq!(download.status, 200, "{file}: {}", download.body);
		assert!(download
			.header("content-disposition")
			.is_some_and(|d| d.starts_with("attachment")));
		std::fs::write(work.join(name), &download.bytes).unwrap();
		let verified = badge(
			&node.ws_url(),
			&key_file,
			&["verify", work.join(name).to_str().unwrap(), "--json"],
		);
		assert!(
			verified.contains(&badge_id) && verified.contains("valid"),
			"{file}: {verified}"
		);
	}

	// 8. The same page in Japanese, by the switch in the header.
	browser.click("a[hreflang=ja]");
	let text = browser.wait_for_text("有効", PAGE_WAIT);
	assert!(text.contains("共有"), "{text}");
	browser.screenshot("10-page-japanese");
	browser.click("a[hreflang=en]");
	browser.wait_for_text("Valid", PAGE_WAIT);

	// 9. The issuer revokes the badge (`badge revoke` waits for finality): the page says so,
	// with the reason.
	badge(
		&node.ws_url(),
		&key_file,
		&["revoke", &badge_id, "--reason", "no-longer-eligible"],
	);
	browser.open(&page);
	let text = browser.wait_reloading("Revoked", PAGE_WAIT);
	assert!(text.contains("NoLongerEligible"), "{text}");
	browser.screenshot("11-page-revoked");

	// Standard verifiers see the revocation in the status list, rebuilt from finalized state.
	let deadline = std::time::Instant::now() + Duration::from_secs(60);
	loop {
		let said = digital_bazaar_verifies(&credential_file);
		assert_eq!(said["verified"], true, "{said}");
		if said["revoked"] == true {
			break;
		}
		assert!(
			std::time::Instant::now() < deadline,
			"the status list still shows the badge unrevoked a minute after: {said}"
		);
		std::thread::sleep(Duration::from_secs(1));
	}
	// A man in the middle cannot hide it: the list with the bit cleared, as it was served
	// or re-signed by another key under the service's method, fails verification.
	let revoked_list: serde_json::Value =
		serde_json::from_str(&http("GET", &list_url, &[], "").body).unwrap();
	let mut cleared = revoked_list.clone();
	cleared["credentialSubject"]["encodedList"] = badge_credential::status::encode_list([]).into();
	let resigned = badge_credential::ob3::sign(
		cleared.clone(),
		&[66; 32],
		std::time::SystemTime::now()
			.duration_since(std::time::UNIX_EPOCH)
			.unwrap()
			.as_millis() as u64
			/ 1000 * 1000,
		revoked_list["proof"]["verificationMethod"]
			.as_str()
			.unwrap(),
	)
	.await
	.unwrap();
	for (name, list) in [("cleared", cleared), ("re-signed", resigned)] {
		let file = work.join(format!("list-{name}.json"));
		std::fs::write(&file, list.to_string()).unwrap();
		let said = digital_bazaar_verifies_with(&credential_file, Some(&file));
		assert_eq!(said["verified"], false, "{name}: {said}");
	}
	// A replayed copy of the list from before the revocation still passes a standard verifier
	// until its validUntil (an hour); the chain's verdict, which `badge verify` asks, does not
	// wait.
	let said = digital_bazaar_verifies_with(&credential_file, Some(&before_revocation));
	assert_eq!(
		(&said["verified"], &said["revoked"]),
		(&true.into(), &false.into()),
		"{said}"
	);
	let replayed = Command::new(cli_binary())
		.args(["verify", credential_file.to_str().unwrap()])
		.env("BADGE_NODE_URL", node.ws_url())
		.env_remove("BADGE_CONFIG")
		.output()
		.unwrap();
	assert_eq!(replayed.status.code(), Some(1));
	assert!(
		String::from_utf8_lossy(&replayed.stdout).contains("revoked"),
		"{}",
		String::from_utf8_lossy(&replayed.stdout)
	);
	browser.open(&format!("{}/explorer", wallet.url()));
	browser.wait_reloading("revoked (NoLongerEligible)", Duration::from_secs(60));
	browser.screenshot("12-explorer");

	for shot in [
		"01-issuer-dashboard",
		"05-received",
		"09-page-valid",
		"11-page-revoked",
	] {
		assert!(shots.join(format!("{shot}.png")).exists(), "{shot} saved");
	}
	drop(browser);
	node.kill();
}

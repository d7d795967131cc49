//! The real `badge` binary against a real `--dev` node.

use badge_client::{crypto::ClaimKey, keypair_from_uri, BadgeClient, Wait, H256};
use badge_harness::{ob_python, Node};
use common::{register_issuer, Badge, Run};
use serde_json::Value;
use std::{path::Path, process::Command};

mod common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issuers_issue_and_verifiers_verify_with_the_cli() {
	let node = Node::dev();
	let dir = tempfile::tempdir().unwrap();
	// An empty config file: the test sees no developer's settings.
	std::fs::write(dir.path().join("no-config.toml"), "").unwrap();
	let admin = Badge {
		url: node.ws_url(),
		key: "//Alice",
		dir: dir.path(),
	};
	let issuer = Badge {
		url: node.ws_url(),
		key: "//CliMinistry",
		dir: dir.path(),
	};

	register_issuer(&admin, &issuer);
	let shown = issuer.ok(&["--json", "issuer", "show"]);
	assert_eq!(shown["name"], "Digital Agency");
	issuer.ok(&[
		"--json",
		"issuer",
		"update",
		"--name",
		"Digital Agency of Japan",
		"--url-home",
		"https://agency.example.jp",
		"--contact",
		"mailto:badges@agency.example.jp",
	]);
	let shown = issuer.ok(&["--json", "issuer", "show"]);
	assert_eq!(shown["name"], "Digital Agency of Japan");
	assert_eq!(shown["contact"], "mailto:badges@agency.example.jp");

	// A class from a TOML description and the image whose digest pins the design.
	std::fs::write(
		dir.path().join("class.toml"),
		"name = \"Digital Promotion Committee member\"\n\
		 description = \"Appointed to the committee.\"\n\
		 criteria_narrative = \"Appointed after application and training.\"\n\
		 achievement_type = \"Membership\"\n",
	)
	.unwrap();
	std::fs::write(dir.path().join("badge.svg"), "<svg>committee</svg>").unwrap();
	std::fs::write(dir.path().join("forged.svg"), "<svg>committee!</svg>").unwrap();
	let class = issuer.ok(&[
		"--json",
		"class",
		"create",
		"--file",
		"class.toml",
		"--image",
		"badge.svg",
	]);
	let class_id = class["class"].as_u64().unwrap().to_string();

	// One badge.
	let issued = issuer.ok(&[
		"--json",
		"issue",
		"--class",
		&class_id,
		"--email",
		"applicant@example.jp",
		"--expires",
		"2099-12-31",
	]);
	let badge = issued["badge"].as_str().unwrap().to_string();
	let secret = issued["claimSecret"].as_str().unwrap().to_string();
	assert!(issued["identityHash"]
		.as_str()
		.unwrap()
		.starts_with("sha256$"));

	// Not received yet: not valid (exit 1), with the reason.
	let run = issuer.run(&["verify", &badge]);
	assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
	assert!(run.stdout.contains("not yet received"), "{}", run.stdout);

	// The recipient receives it with the claim secret.
	let client = BadgeClient::connect(&node.ws_url()).await.unwrap();
	let holder = keypair_from_uri("//CliHolder").unwrap();
	let id = H256(hex::decode(&badge[2..]).unwrap().try_into().unwrap());
	client
		.receive(
			&holder,
			id,
			&ClaimKey::from_secret_hex(&secret).unwrap(),
			Wait::Finalized,
		)
		.await
		.expect("the recipient receives the badge");

	let run = issuer.run(&["verify", &badge, "--image", "badge.svg"]);
	assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
	assert!(run.stdout.contains("VALID") && run.stdout.contains("Digital Agency of Japan"));
	let run = issuer.run(&["--json", "verify", &badge, "--image", "forged.svg"]);
	assert_eq!(run.code, 1);
	assert_eq!(run.json()["verdict"], "design_mismatch");

	// The QR code leads to the page, and a photo of it verifies.
	let qr = issuer.ok(&[
		"--json",
		"qr",
		&badge,
		"--out",
		"qr.png",
		"--base-url",
		"https://badges.example.jp",
	]);
	assert_eq!(
		qr["url"],
		format!("https://badges.example.jp/badges/{badge}")
	);
	let run = issuer.run(&["verify", "qr.png"]);
	assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
	let run = issuer.run(&[
		"verify",
		&format!("https://badges.example.jp/badges/{badge}"),
	]);
	assert_eq!(run.code, 0);

	// A signed Open Badges 3.0 credential, as a file and baked into the image: only once the
	// issuer has published its credential key on chain.
	let salt = issued["salt"].as_str().unwrap().to_string();
	let unpublished = issuer.run(&[
		"credential",
		&badge,
		"--email",
		"applicant@example.jp",
		"--salt",
		&salt,
	]);
	assert_eq!(unpublished.code, 3, "{}", unpublished.stderr);
	assert!(
		unpublished.stderr.contains("badge issuer key add"),
		"{}",
		unpublished.stderr
	);
	let added = issuer.ok(&["--json", "issuer", "key", "add"]);
	assert_eq!(added["number"], 1);
	let listed = issuer.ok(&["--json", "issuer", "key", "list"]);
	assert_eq!(listed["keys"][0]["status"], "current");
	assert_eq!(listed["keys"][0]["purpose"], "credentials");
	let wrong = issuer.run(&[
		"credential",
		&badge,
		"--email",
		"someone@example.jp",
		"--salt",
		&salt,
	]);
	assert_eq!(
		wrong.code, 3,
		"another recipient's e-mail is refused: {}",
		wrong.stderr
	);
	issuer.ok(&[
		"--json",
		"credential",
		&badge,
		"--email",
		"applicant@example.jp",
		"--salt",
		&salt,
		"--base-url",
		"https://badges.example.jp",
		"--out",
		"credential.json",
		"--bake-into",
		"badge.svg",
		"--baked-out",
		"baked.svg",
	]);
	let credential: Value =
		serde_json::from_slice(&std::fs::read(dir.path().join("credential.json")).unwrap())
			.unwrap();
	assert_eq!(credential["proof"]["cryptosuite"], "eddsa-rdfc-2022");
	assert_eq!(
		credential["id"],
		format!("https://badges.example.jp/badges/{badge}")
	);
	for target in ["credential.json", "baked.svg"] {
		let run = issuer.run(&["verify", target]);
		assert_eq!(run.code, 0, "{target}: {}{}", run.stdout, run.stderr);
		assert!(
			run.stdout.contains("signed by the issuer's key on chain"),
			"{}",
			run.stdout
		);
	}
	let account = issuer.ok(&["--json", "account"])["account"]
		.as_str()
		.unwrap()
		.to_string();
	let did = format!("did:web:badges.example.jp:issuers:{account}");
	assert_eq!(credential["issuer"]["id"], did);
	assert_eq!(
		credential["proof"]["verificationMethod"],
		format!("{did}#key-1")
	);
	// openbadgeslib accepts it too, with the key the chain lists.
	let multikey = listed["keys"][0]["publicKeyMultibase"].as_str().unwrap();
	let public = hex::encode(badge_credential::proof::from_multikey(multikey).unwrap());
	let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/python/ob_ldp.py");
	let out = Command::new(ob_python())
		.arg(script)
		.args(["verify", "credential.json", &public])
		.current_dir(dir.path())
		.output()
		.unwrap();
	let said = String::from_utf8_lossy(&out.stdout);
	assert!(
		out.status.success() && said.contains("ob3: valid"),
		"openbadgeslib: {said}"
	);
	// An edited credential fails, with the reason.
	let mut edited = credential.clone();
	edited["credentialSubject"]["achievement"]["name"] = "Committee chair".into();
	std::fs::write(dir.path().join("edited.json"), edited.to_string()).unwrap();
	let run = issuer.run(&["verify", "edited.json"]);
	assert_eq!(run.code, 1);
	assert!(run.stdout.contains("altered"), "{}", run.stdout);

	let bulk = || {
		issuer.run(&[
			"--json",
			"bulk",
			"--class",
			&class_id,
			"--csv",
			"applicants.csv",
		])
	};
	// Bulk issuance: three good rows, one malformed.
	std::fs::write(
		dir.path().join("applicants.csv"),
		"email,expires,evidence_url\n\
		 m1@example.jp,2099-01-01,https://agency.example.jp/e/1\n\
		 m2@example.jp,,\n\
		 not-an-email,,\n\
		 m3@example.jp,,\n",
	)
	.unwrap();
	let run = bulk();
	assert_eq!(
		run.code, 3,
		"a malformed row gives exit 3: {}{}",
		run.stdout, run.stderr
	);
	let summary = run.json();
	assert_eq!(summary["issued"], 3);
	assert_eq!(summary["rejectedRows"][0]["line"], 4);
	let results = std::fs::read_to_string(dir.path().join("applicants.results.csv")).unwrap();
	assert_eq!(
		results.lines().count(),
		4,
		"header and three rows:\n{results}"
	);
	assert!(results.lines().skip(1).all(|l| l.ends_with(",issued")));

	// Re-running never issues twice, with or without the results file.
	let again = bulk().json();
	assert_eq!(
		(again["issued"].as_u64(), again["alreadyIssued"].as_u64()),
		(Some(0), Some(3))
	);
	std::fs::remove_file(dir.path().join("applicants.results.csv")).unwrap();
	let recovered = bulk().json();
	assert_eq!(
		(
			recovered["issued"].as_u64(),
			recovered["alreadyIssued"].as_u64()
		),
		(Some(0), Some(3))
	);
	let rebuilt = std::fs::read_to_string(dir.path().join("applicants.results.csv")).unwrap();
	assert_eq!(rebuilt.lines().count(), 4);
	assert!(rebuilt.contains("already_issued"));

	// Listing and revocation.
	let listed = issuer.ok(&["--json", "list", "--class", &class_id]);
	assert_eq!(listed["badges"].as_array().unwrap().len(), 4);
	issuer.ok(&[
		"--json",
		"revoke",
		&badge,
		"--reason",
		"no-longer-eligible",
		"--reason-text",
		"left",
	]);
	let run = issuer.run(&["verify", &badge]);
	assert_eq!(run.code, 1);
	assert!(run.stdout.contains("revoked"), "{}", run.stdout);
	// The credential's proof still holds, but the chain says revoked.
	let run = issuer.run(&["verify", "credential.json"]);
	assert_eq!(run.code, 1, "{}", run.stdout);
	assert!(run.stdout.contains("revoked"), "{}", run.stdout);

	// Another issuer's key is refused by the chain (exit 4), with the error's name.
	let stranger = Badge {
		url: node.ws_url(),
		key: "//Stranger",
		dir: dir.path(),
	};
	let run = stranger.run(&["revoke", &badge]);
	assert_eq!(run.code, 4, "{}{}", run.stdout, run.stderr);
}

#[test]
fn errors_have_their_exit_codes() {
	let dir = tempfile::tempdir().unwrap();
	std::fs::write(dir.path().join("no-config.toml"), "").unwrap();
	let port = std::net::TcpListener::bind("127.0.0.1:0")
		.unwrap()
		.local_addr()
		.unwrap()
		.port();
	let nobody = Badge {
		url: format!("ws://127.0.0.1:{port}"),
		key: "//Alice",
		dir: dir.path(),
	};
	let run = nobody.run(&["verify", &format!("0x{}", "11".repeat(32))]);
	assert_eq!(run.code, 5, "unreachable node: {}", run.stderr);
	assert!(run.stderr.contains("unreachable"), "{}", run.stderr);
	let run = nobody.run(&["verify", "0x1234"]);
	assert_eq!(run.code, 3, "bad id: {}", run.stderr);
	let run = nobody.run(&["frobnicate"]);
	assert_eq!(run.code, 2, "usage error");
	let run = nobody.run(&["--help"]);
	assert_eq!(run.code, 0);
	assert!(run.stdout.contains("Exit codes") && run.stdout.contains("Examples"));
	// A key from a file gives the same account as the same secret in the environment.
	std::fs::write(dir.path().join("issuer.key"), "//Alice\n").unwrap();
	let from_env = nobody.run(&["--json", "account"]).json();
	let from_file = nobody
		.run(&["--json", "--key-file", "issuer.key", "account"])
		.json();
	assert_eq!(from_env, from_file);
	assert_eq!(
		from_file["account"],
		"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
	);
	// The signing key is never printed, even when it is bad.
	let bad_key = Badge {
		url: nobody.url.clone(),
		key: "not a key at all",
		dir: dir.path(),
	};
	let run = bad_key.run(&["account"]);
	assert_eq!(run.code, 3);
	assert!(!run.stderr.contains("not a key at all"), "{}", run.stderr);
}

/// A temporary directory with an empty config and two plain badge images, `plain.png` (a QR
/// code the CLI draws) and `plain.svg`, and a `badge` that talks to no node.
fn image_workspace() -> tempfile::TempDir {
	let dir = tempfile::tempdir().unwrap();
	std::fs::write(dir.path().join("no-config.toml"), "").unwrap();
	offline(dir.path()).ok(&[
		"--json",
		"qr",
		&format!("0x{}", "22".repeat(32)),
		"--out",
		"plain.png",
		"--size",
		"200",
	]);
	std::fs::write(
		dir.path().join("plain.svg"),
		"<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"4\"/></svg>",
	)
	.unwrap();
	dir
}

fn offline(dir: &Path) -> Badge<'_> {
	Badge {
		url: "ws://127.0.0.1:1".into(),
		key: "//Alice",
		dir,
	}
}

#[test]
fn credentials_are_baked_into_images_and_read_back() {
	let dir = image_workspace();
	let badge = offline(dir.path());
	let credential = r#"{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential","OpenBadgeCredential"]}"#;
	std::fs::write(dir.path().join("credential.json"), credential).unwrap();
	for image in ["plain.png", "plain.svg"] {
		let out = format!("baked-{image}");
		badge.ok(&[
			"--json",
			"bake",
			"--image",
			image,
			"--credential",
			"credential.json",
			"--out",
			&out,
		]);
		let run = badge.run(&["extract", &out]);
		assert_eq!(run.code, 0, "{}", run.stderr);
		assert_eq!(run.stdout.trim(), credential);
		// Nothing baked for OB 2.0, and nothing at all in the plain image: exit 3.
		assert_eq!(badge.run(&["extract", &out, "--ob", "v2"]).code, 3);
		assert_eq!(badge.run(&["extract", image]).code, 3);
	}
	// The error says what was looked for.
	let run = badge.run(&["extract", "plain.png"]);
	assert!(run.stderr.contains("no V3 credential"), "{}", run.stderr);
}

fn openbadgeslib(args: &[&str], dir: &Path) -> Run {
	let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/python/ob_bake.py");
	let out = Command::new(ob_python())
		.arg(script)
		.args(args)
		.current_dir(dir)
		.output()
		.unwrap();
	Run {
		code: out.status.code().unwrap_or(-1),
		stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
		stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
	}
}

#[test]
fn baked_images_interoperate_with_openbadgeslib() {
	let dir = image_workspace();
	let badge = offline(dir.path());
	let payloads = [
		(
			"v3",
			r#"{"type":["VerifiableCredential","OpenBadgeCredential"],"name":"<A & B>"}"#,
		),
		(
			"v2",
			r#"{"type":"Assertion","id":"https://badges.example.jp/a/1"}"#,
		),
	];
	for (version, payload) in payloads {
		std::fs::write(dir.path().join("payload.json"), payload).unwrap();
		for image in ["plain.png", "plain.svg"] {
			// We bake, openbadgeslib reads.
			let ours = format!("ours-{version}-{image}");
			badge.ok(&[
				"--json",
				"bake",
				"--image",
				image,
				"--credential",
				"payload.json",
				"--out",
				&ours,
				"--ob",
				version,
			]);
			let read = openbadgeslib(&["extract", &ours, version], dir.path());
			assert_eq!(
				read.code, 0,
				"openbadgeslib could not read {ours}: {}",
				read.stderr
			);
			assert_eq!(read.stdout.trim(), payload, "{ours}");
			// openbadgeslib bakes, we read.
			let theirs = format!("theirs-{version}-{image}");
			let baked = openbadgeslib(
				&["bake", image, &theirs, "payload.json", version],
				dir.path(),
			);
			assert_eq!(
				baked.code, 0,
				"openbadgeslib could not bake {image}: {}",
				baked.stderr
			);
			let run = badge.run(&["extract", &theirs, "--ob", version]);
			assert_eq!(run.code, 0, "{theirs}: {}", run.stderr);
			assert_eq!(run.stdout.trim(), payload, "{theirs}");
		}
	}
}

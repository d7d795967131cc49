//! Credentials an attacker makes, against the real `badge verify` and a real `--dev` node: a
//! genuine credential edited and re-signed with another key (under the issuer's method, and
//! under the attacker's own); issuer identities that name the real account inside a longer
//! string; claims the chain contradicts, even when signed by one of the issuer's own keys
//! (recipient, salt, class, dates, purpose, a date before issuance); and the life of a key:
//! what a rotated key signed before its rotation verifies, what it signs after does not, and
//! nothing a revoked key signs from its revocation on.

use badge_client::{keypair_from_uri, BadgeClient, Wait};
use badge_credential::{did, ob3, proof};
use badge_harness::Node;
use common::{issuer_with_class, Badge};
use serde_json::Value;

mod common;

/// The seed of the issuer key the test holds itself (published with `--public`).
const TEST_SEED: [u8; 32] = [41; 32];
/// The seed of the key it rotates to.
const NEXT_SEED: [u8; 32] = [43; 32];
/// An attacker's key, never published.
const ATTACKER_SEED: [u8; 32] = [66; 32];

fn now_ms() -> u64 {
	std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.unwrap()
		.as_millis() as u64
}

/// The first whole second at or after `ms` (a proof's date has no fractions).
fn second_after(ms: u64) -> u64 {
	ms.div_ceil(1000) * 1000
}

/// An edit of a credential: what it changes, how, and the refusal it must meet.
type Edit = (&'static str, fn(&mut Value), &'static str);

/// `credential` signed again by `seed`, as `method`, dated `created`.
fn resign(credential: &Value, seed: &[u8; 32], created: u64, method: &str) -> Value {
	tokio::task::block_in_place(|| {
		tokio::runtime::Handle::current().block_on(ob3::sign(
			credential.clone(),
			seed,
			created,
			method,
		))
	})
	.unwrap()
}

/// The credential `badge credential` exports for the badge issued to applicant@example.jp
/// with `salt`, under https://badges.example.jp.
fn export(issuer: &Badge, badge: &str, salt: &str) -> Value {
	issuer.ok(&[
		"--json",
		"credential",
		badge,
		"--email",
		"applicant@example.jp",
		"--salt",
		salt,
		"--base-url",
		"https://badges.example.jp",
		"--out",
		"exported.json",
	]);
	serde_json::from_slice(&std::fs::read(issuer.dir.join("exported.json")).unwrap()).unwrap()
}

/// `badge --json verify FILE [extra]` on `credential`: exit code and the verdict's name.
fn verdict(badge: &Badge, credential: &Value, extra: &[&str]) -> (i32, String) {
	let path = badge.dir.join("candidate.json");
	std::fs::write(&path, credential.to_string()).unwrap();
	let mut args = vec!["--json", "verify", "candidate.json"];
	args.extend_from_slice(extra);
	let run = badge.run(&args);
	let json = run.json();
	let name = json["verdict"].as_str().unwrap_or_default().to_string();
	(run.code, name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_and_inconsistent_credentials_are_refused_with_their_reason() {
	let node = Node::dev();
	let dir = tempfile::tempdir().unwrap();
	std::fs::write(dir.path().join("no-config.toml"), "").unwrap();
	let admin = Badge {
		url: node.ws_url(),
		key: "//Alice",
		dir: dir.path(),
	};
	let issuer = Badge {
		url: node.ws_url(),
		key: "//ForgeryMinistry",
		dir: dir.path(),
	};
	let class = issuer_with_class(&admin, &issuer);
	let account = issuer.ok(&["--json", "account"])["account"]
		.as_str()
		.unwrap()
		.to_string();
	let issuer_did = did::issuer_did("https://badges.example.jp", &account).unwrap();

	// Key #1 is held by the test itself; key #2 is the CLI's own derived key.
	let test_key = proof::multikey(&proof::public_key(&TEST_SEED));
	issuer.ok(&["--json", "issuer", "key", "add", "--public", &test_key]);
	issuer.ok(&["--json", "issuer", "key", "add"]);
	let key1 = did::key_method(&issuer_did, 0);

	let issued = issuer.ok(&[
		"--json",
		"issue",
		"--class",
		&class,
		"--email",
		"applicant@example.jp",
		"--expires",
		"2099-12-31",
	]);
	let badge = issued["badge"].as_str().unwrap().to_string();
	let salt = issued["salt"].as_str().unwrap().to_string();
	let genuine = export(&issuer, &badge, &salt);
	assert_eq!(
		genuine["proof"]["verificationMethod"],
		did::key_method(&issuer_did, 1)
	);
	// The genuine credential verifies; not yet received, so the badge itself is not valid yet,
	// but the credential is vouched for.
	let (code, name) = verdict(&issuer, &genuine, &[]);
	assert_eq!((code, name.as_str()), (1, "not_yet_received"));
	let (code, name) = verdict(&issuer, &genuine, &["--email", "applicant@example.jp"]);
	assert_eq!((code, name.as_str()), (1, "not_yet_received"));
	let (code, name) = verdict(&issuer, &genuine, &["--email", "someone@example.jp"]);
	assert_eq!((code, name.as_str()), (1, "not_the_recipient"));

	// Proof dates are whole seconds, chosen from the chain's own times so that no check
	// depends on how fast the test runs: `created` is the first second after the issuance.
	let client = BadgeClient::connect(&node.ws_url()).await.unwrap();
	let issuer_account: badge_client::AccountId32 = account.parse().unwrap();
	let badge_id = badge_client::H256::from_slice(&hex::decode(&badge[2..]).unwrap());
	let issued_at = client
		.verify_json(badge_id, None)
		.await
		.unwrap()
		.details
		.unwrap()
		.issued_at;
	let created = second_after(issued_at);
	let mut renamed = genuine.clone();
	renamed["credentialSubject"]["achievement"]["name"] = "Committee chair".into();

	// 1. Re-signed by an attacker under the issuer's own method: the signature fails.
	let forged = resign(&renamed, &ATTACKER_SEED, created, &key1);
	assert_eq!(verdict(&issuer, &forged, &[]), (1, "altered".into()));
	// 2. Under the attacker's own did:key: not a key of the named issuer.
	let attacker_key = proof::multikey(&proof::public_key(&ATTACKER_SEED));
	let forged = resign(
		&renamed,
		&ATTACKER_SEED,
		created,
		&format!("did:key:{attacker_key}#{attacker_key}"),
	);
	assert_eq!(verdict(&issuer, &forged, &[]), (1, "foreign_key".into()));
	// 3. The attacker's own DID, naming the real account: the chain's key #1 is not theirs.
	let mut lookalike = renamed.clone();
	let evil_did = did::issuer_did("https://badges.example.jp.evil.example", &account).unwrap();
	lookalike["issuer"]["id"] = evil_did.clone().into();
	let forged = resign(
		&lookalike,
		&ATTACKER_SEED,
		created,
		&did::key_method(&evil_did, 0),
	);
	assert_eq!(verdict(&issuer, &forged, &[]), (1, "altered".into()));
	// 4. The real account inside a longer string, signed with a real key: refused all the same.
	for (id, expected) in [
		(format!("{issuer_did}x"), "issuer_mismatch"),
		(
			format!("https://badges.example.jp/issuers/{account}"),
			"not_issuer_did",
		),
		(
			format!("did:web:x:issuers:y:issuers:{account}0"),
			"issuer_mismatch",
		),
	] {
		let mut longer = genuine.clone();
		longer["issuer"]["id"] = id.clone().into();
		let method = format!("{id}#key-1");
		let signed = resign(&longer, &TEST_SEED, created, &method);
		assert_eq!(verdict(&issuer, &signed, &[]), (1, expected.into()), "{id}");
	}

	// Claims the chain contradicts, each signed with the issuer's own key #1.
	// The genuine credential names its badge's entry in the issuer's revocation list.
	let entry = &genuine["credentialStatus"];
	assert_eq!(entry["type"], "BitstringStatusListEntry");
	assert_eq!(entry["statusListIndex"], "0");
	assert_eq!(
		entry["statusListCredential"],
		format!("https://badges.example.jp/issuers/{account}/status/revocation/0")
	);
	let edits: [Edit; 9] = [
		(
			"another badge's revocation entry",
			|c| c["credentialStatus"]["statusListIndex"] = "1".into(),
			"claim_mismatch",
		),
		(
			"a revocation list served elsewhere",
			|c| {
				let url = c["credentialStatus"]["statusListCredential"]
					.as_str()
					.unwrap()
					.replace("badges.example.jp", "status.evil.example");
				c["credentialStatus"]["statusListCredential"] = url.into();
			},
			"claim_mismatch",
		),
		(
			"a second revocation entry",
			|c| {
				let mut second = c["credentialStatus"].clone();
				second["statusListIndex"] = "1".into();
				c["credentialStatus"] = serde_json::json!([c["credentialStatus"], second]);
			},
			"claim_mismatch",
		),
		(
			"another recipient's identity hash",
			|c| {
				c["credentialSubject"]["identifier"][0]["identityHash"] =
					format!("sha256${}", "ab".repeat(32)).into()
			},
			"claim_mismatch",
		),
		(
			"another class",
			|c| {
				c["credentialSubject"]["achievement"]["id"] =
					"https://badges.example.jp/classes/999".into()
			},
			"claim_mismatch",
		),
		(
			"another achievement name",
			|c| c["credentialSubject"]["achievement"]["name"] = "Committee chair".into(),
			"claim_mismatch",
		),
		(
			"a later expiry",
			|c| c["validUntil"] = "2199-12-31T23:59:59Z".into(),
			"claim_mismatch",
		),
		(
			"an earlier issuance",
			|c| c["validFrom"] = "2020-01-01T00:00:00Z".into(),
			"claim_mismatch",
		),
		(
			"another badge",
			|c| c["id"] = format!("https://badges.example.jp/badges/0x{}", "cd".repeat(32)).into(),
			"not_found",
		),
	];
	for (what, edit, expected) in edits {
		let mut edited = genuine.clone();
		edit(&mut edited);
		let signed = resign(&edited, &TEST_SEED, created, &key1);
		assert_eq!(
			verdict(&issuer, &signed, &[]),
			(1, expected.into()),
			"{what}"
		);
	}
	// The salt is checked against the recipient's address when it is given.
	let mut salted = genuine.clone();
	salted["credentialSubject"]["identifier"][0]["salt"] = "another-salt".into();
	let signed = resign(&salted, &TEST_SEED, created, &key1);
	assert_eq!(
		verdict(&issuer, &signed, &["--email", "applicant@example.jp"]),
		(1, "not_the_recipient".into())
	);
	// Dated before the badge existed (key #1 was published in an earlier block than the
	// badge), before the key was published, or far ahead.
	let key1_from = client.issuer_keys(&issuer_account).await.unwrap()[0].valid_from;
	// (Proof dates are whole seconds: the first second at which key #1 was valid.)
	let early = resign(&genuine, &TEST_SEED, second_after(key1_from), &key1);
	assert_eq!(
		verdict(&issuer, &early, &[]),
		(1, "signed_before_issuance".into())
	);
	let earlier = resign(&genuine, &TEST_SEED, key1_from - 1_000, &key1);
	assert_eq!(
		verdict(&issuer, &earlier, &[]),
		(1, "key_not_yet_valid".into())
	);
	let ahead = resign(&genuine, &TEST_SEED, created + 3_600_000, &key1);
	assert_eq!(
		verdict(&issuer, &ahead, &[]),
		(1, "signed_in_future".into())
	);
	// A proof for another purpose.
	let mut authentication = resign(&genuine, &TEST_SEED, created, &key1);
	authentication["proof"]["proofPurpose"] = "authentication".into();
	assert_eq!(
		verdict(&issuer, &authentication, &[]),
		(1, "wrong_proof_purpose".into())
	);
	// A status-list key signs no credential.
	let status_seed = [45u8; 32];
	let status_key = proof::multikey(&proof::public_key(&status_seed));
	issuer.ok(&[
		"--json",
		"issuer",
		"key",
		"add",
		"--purpose",
		"status-lists",
		"--public",
		&status_key,
	]);
	let by_status_key = resign(
		&genuine,
		&status_seed,
		now_ms(),
		&did::key_method(&issuer_did, 2),
	);
	assert_eq!(
		verdict(&issuer, &by_status_key, &[]),
		(1, "key_wrong_purpose".into())
	);

	// Key #1 signs a valid credential; then it is rotated to key #4.
	let before_rotation = resign(&genuine, &TEST_SEED, created, &key1);
	assert_eq!(
		verdict(&issuer, &before_rotation, &[]),
		(1, "not_yet_received".into())
	);
	let signer = keypair_from_uri("//ForgeryMinistry").unwrap();
	client
		.rotate_issuer_key(
			&signer,
			proof::public_key(&TEST_SEED),
			proof::public_key(&NEXT_SEED),
			Wait::Finalized,
		)
		.await
		.unwrap();
	// What it signed before its rotation still verifies; what it signs now does not.
	assert_eq!(
		verdict(&issuer, &before_rotation, &[]),
		(1, "not_yet_received".into())
	);
	let keys = client.issuer_keys(&issuer_account).await.unwrap();
	let badge_client::KeyStatus::Rotated { at: rotated_at } = keys[0].status else {
		panic!("key #1 is rotated: {:?}", keys[0].status)
	};
	let after_rotation = resign(&genuine, &TEST_SEED, second_after(rotated_at), &key1);
	assert_eq!(
		verdict(&issuer, &after_rotation, &[]),
		(1, "key_rotated".into())
	);
	let key4 = did::key_method(&issuer_did, 3);
	// (Its revocation below lands in a later block, at least a second later.)
	let by_new_key = resign(&genuine, &NEXT_SEED, second_after(rotated_at), &key4);
	assert_eq!(
		verdict(&issuer, &by_new_key, &[]),
		(1, "not_yet_received".into())
	);

	// Key #4 is revoked (compromised): what it signed before stays, what it signs now fails.
	let listed = issuer.ok(&["--json", "issuer", "key", "list"]);
	assert_eq!(listed["keys"][0]["status"], "rotated");
	issuer.ok(&["--json", "issuer", "key", "revoke", "4"]);
	let listed = issuer.ok(&["--json", "issuer", "key", "list"]);
	assert_eq!(listed["keys"][3]["status"], "revoked");
	assert_eq!(
		verdict(&issuer, &by_new_key, &[]),
		(1, "not_yet_received".into())
	);
	let keys = client.issuer_keys(&issuer_account).await.unwrap();
	let badge_client::KeyStatus::Revoked { at: revoked_at, .. } = keys[3].status else {
		panic!("key #4 is revoked: {:?}", keys[3].status)
	};
	let after_revocation = resign(&genuine, &NEXT_SEED, second_after(revoked_at), &key4);
	assert_eq!(
		verdict(&issuer, &after_revocation, &[]),
		(1, "key_revoked".into())
	);

	// The council revokes the issuer's derived key #2 (the dev chain's council of one decides
	// at once): the genuine credential it signed before stays vouched for.
	let revoked = admin.ok(&["--json", "issuer", "key", "force-revoke", &account, "2"]);
	assert!(revoked["revoked"].as_str().unwrap().starts_with("z6Mk"));
	let listed = issuer.ok(&["--json", "issuer", "key", "list"]);
	assert_eq!(listed["keys"][1]["status"], "revoked");
	assert_eq!(
		verdict(&issuer, &genuine, &[]),
		(1, "not_yet_received".into())
	);
	// With no current derived key, the CLI signs nothing until a new one is published.
	let refused = issuer.run(&[
		"credential",
		&badge,
		"--email",
		"applicant@example.jp",
		"--salt",
		&salt,
	]);
	assert_eq!(refused.code, 3, "{}", refused.stderr);

	// A new derived key, rotated once by the CLI: credentials are signed by the newest.
	assert_eq!(issuer.ok(&["--json", "issuer", "key", "add"])["number"], 5);
	assert_eq!(
		issuer.ok(&["--json", "issuer", "key", "rotate"])["number"],
		6
	);
	let rotated = export(&issuer, &badge, &salt);
	assert_eq!(
		rotated["proof"]["verificationMethod"],
		did::key_method(&issuer_did, 5)
	);
	assert_eq!(
		verdict(&issuer, &rotated, &[]),
		(1, "not_yet_received".into())
	);

	// A method past the end of the issuer's key list.
	let unknown = resign(
		&genuine,
		&TEST_SEED,
		now_ms(),
		&did::key_method(&issuer_did, 9),
	);
	assert_eq!(verdict(&issuer, &unknown, &[]), (1, "unknown_key".into()));
}

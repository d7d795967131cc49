//! Our credentials checked by an implementation nobody here wrote: openbadgeslib (PyPI, with
//! pyld), run offline from the environment `scripts/setup` makes.

use badge_credential::{canon, ob3, proof, status};
use badge_harness::ob_python;
use std::{path::PathBuf, process::Command};

fn run(args: &[&str]) -> (i32, String) {
	let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/python/ob_ldp.py");
	let out = Command::new(ob_python())
		.arg(script)
		.args(args)
		.output()
		.expect("python runs");
	let text =
		String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
	(out.status.code().unwrap_or(-1), text)
}

const ISSUER_DID: &str =
	"did:web:badges.example.jp:issuers:5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

fn facts() -> ob3::BadgeFacts {
	ob3::BadgeFacts {
		page_url: format!("https://badges.example.jp/badges/0x{}", "ab".repeat(32)),
		status_url: "https://node.example.jp".into(),
		status_entry: Some(badge_credential::status::entry(
			"https://badges.example.jp",
			"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
			7,
		)),
		issuer: ob3::IssuerFacts {
			id: ISSUER_DID.into(),
			name: "デジタル庁 Digital Agency".into(),
			url: "https://agency.example.jp".into(),
			email: Some("badges@agency.example.jp".into()),
		},
		achievement: ob3::AchievementFacts {
			id: "https://badges.example.jp/classes/0".into(),
			name: "Digital Promotion Committee member".into(),
			description: "Appointed to the committee.".into(),
			criteria_url: None,
			criteria_narrative: Some("Appointed after application and training.".into()),
			achievement_type: "Membership".into(),
			image: "https://badges.example.jp/classes/0/image.png".into(),
		},
		identity_hash: "sha256$15a4030c73ff156c86d2d8356d7fdb3916318152002dbe10d4ccec6ac9ce606f"
			.into(),
		salt: Some("q7H2kX9d".into()),
		holder: Some(
			"urn:open-badge-chain:account:5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY".into(),
		),
		valid_from: 1_743_465_600_000,
		valid_until: Some(1_806_537_599_000),
	}
}

fn write(dir: &tempfile::TempDir, name: &str, value: &serde_json::Value) -> String {
	let path = dir.path().join(name);
	std::fs::write(&path, serde_json::to_vec_pretty(value).unwrap()).unwrap();
	path.display().to_string()
}

#[test]
fn our_canonical_form_is_pylds() {
	let dir = tempfile::tempdir().unwrap();
	let credential = ob3::credential(&facts());
	let ours = canon::canonical_nquads_blocking(&credential).unwrap();
	let (code, theirs) = run(&["canon", &write(&dir, "c.json", &credential)]);
	assert_eq!(code, 0, "{theirs}");
	assert_eq!(ours, theirs);
	assert!(
		ours.lines().count() > 20,
		"the credential expands to a full dataset"
	);
}

#[test]
fn openbadgeslib_verifies_our_proofs_and_catches_edits() {
	let dir = tempfile::tempdir().unwrap();
	let seed = [42u8; 32];
	let public = hex::encode(proof::public_key(&seed));
	let signed = tokio::runtime::Builder::new_current_thread()
		.build()
		.unwrap()
		.block_on(ob3::sign(
			ob3::credential(&facts()),
			&seed,
			1_743_465_600_000,
			&badge_credential::did::key_method(ISSUER_DID, 0),
		))
		.unwrap();
	let (code, text) = run(&["verify", &write(&dir, "signed.json", &signed), &public]);
	assert_eq!(code, 0, "openbadgeslib rejected our proof: {text}");
	assert!(
		text.trim_end().ends_with("ob3: valid"),
		"the OB 3.0 verifier: {text}"
	);

	let mut edited = signed.clone();
	edited["credentialSubject"]["achievement"]["name"] = "Committee chair".into();
	let (code, text) = run(&["verify", &write(&dir, "edited.json", &edited), &public]);
	assert_eq!(code, 1, "an edited credential must fail: {text}");
	let other = hex::encode(proof::public_key(&[1u8; 32]));
	let (code, _) = run(&["verify", &write(&dir, "signed.json", &signed), &other]);
	assert_eq!(code, 1, "another key must fail");
}

#[test]
fn openbadgeslib_reads_our_revocation_entry_and_list() {
	let dir = tempfile::tempdir().unwrap();
	let credential = ob3::credential(&facts());
	assert_eq!(credential["credentialStatus"]["statusListIndex"], "7");
	let url = credential["credentialStatus"]["statusListCredential"]
		.as_str()
		.unwrap()
		.to_string();
	let now = std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.unwrap()
		.as_millis() as u64
		/ 1000 * 1000;
	let credential_file = write(&dir, "credential.json", &credential);
	for (set, expected) in [(vec![6u32, 8, 131_071], "active"), (vec![7], "revoked")] {
		let list = status::list_credential(
			ISSUER_DID,
			&url,
			&status::encode_list(set),
			now - 60_000,
			now + 3_600_000,
			30_000,
		);
		let (code, text) = run(&["status", &credential_file, &write(&dir, "list.json", &list)]);
		assert_eq!(code, 0, "{text}");
		assert_eq!(text.trim(), expected);
	}
	// A copy past its validUntil (an old one replayed) tells nothing.
	let stale = status::list_credential(
		ISSUER_DID,
		&url,
		&status::encode_list([]),
		now - 7_200_000,
		now - 3_600_000,
		30_000,
	);
	let (code, text) = run(&[
		"status",
		&credential_file,
		&write(&dir, "stale.json", &stale),
	]);
	assert_eq!(code, 1, "{text}");
	assert!(text.contains("expired"), "{text}");
}

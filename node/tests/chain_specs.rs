//! The committed chain specs in `chain-specs/` must be what the presets generate.

use std::{path::PathBuf, process::Command};

fn without_code(mut spec: serde_json::Value) -> serde_json::Value {
	if let Some(genesis) = spec.pointer_mut("/genesis/runtimeGenesis") {
		genesis
			.as_object_mut()
			.expect("runtimeGenesis is an object")
			.remove("code");
	}
	spec
}

fn root() -> PathBuf {
	PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Run the node with `args` then `--output FILE`; the JSON it wrote.
fn generate(args: &[&str]) -> serde_json::Value {
	let out = tempfile::NamedTempFile::new().expect("a temporary file");
	let output = Command::new(env!("CARGO_BIN_EXE_badge-node"))
		.current_dir(root())
		.args(args)
		.arg("--output")
		.arg(out.path())
		.output()
		.expect("the node runs");
	assert!(
		output.status.success(),
		"badge-node {args:?} failed: {}",
		String::from_utf8_lossy(&output.stderr)
	);
	serde_json::from_slice(&std::fs::read(out.path()).expect("read the fresh spec")).unwrap()
}

fn committed(name: &str) -> serde_json::Value {
	let path = root().join(format!("chain-specs/{name}.json"));
	serde_json::from_slice(
		&std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
	)
	.expect("the committed spec is JSON")
}

fn check(chain: &str) {
	let fresh = generate(&["export-chain-spec", "--chain", chain]);
	let saved = committed(chain);
	assert!(no_sudo(&saved), "chain-specs/{chain}.json has sudo");
	assert!(
		fresh.pointer("/genesis/runtimeGenesis/code").is_some(),
		"the spec carries the runtime code"
	);
	assert_eq!(
		without_code(fresh),
		without_code(saved),
		"chain-specs/{chain}.json drifted from the `{chain}` preset: run scripts/chain-specs"
	);
}

/// Whether the spec's genesis configures no sudo pallet.
fn no_sudo(spec: &serde_json::Value) -> bool {
	let genesis = &spec["genesis"]["runtimeGenesis"];
	let sections = [&genesis["patch"], &genesis["config"]];
	sections.iter().all(|s| s.get("sudo").is_none())
}

/// Every string in `value`, recursively.
fn strings(value: &serde_json::Value, out: &mut Vec<String>) {
	match value {
		serde_json::Value::String(s) => out.push(s.clone()),
		serde_json::Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
		serde_json::Value::Object(map) => map.values().for_each(|v| strings(v, out)),
		_ => {}
	}
}

#[test]
fn consortium_spec_matches_its_description_and_holds_no_dev_key_and_no_sudo() {
	let fresh = generate(&[
		"consortium-spec",
		"--description",
		"chain-specs/consortium.toml",
	]);
	let saved = committed("consortium");
	assert_eq!(
		without_code(fresh),
		without_code(saved.clone()),
		"chain-specs/consortium.json drifted from chain-specs/consortium.toml: run scripts/chain-specs"
	);
	assert!(no_sudo(&saved), "the consortium spec has sudo");
	assert_eq!(saved["chainType"], "Live");

	// No well-known development key anywhere: accounts, session keys (SS58) or hex.
	use sp_core::crypto::{ByteArray, Ss58Codec};
	let mut dev = Vec::new();
	for k in sp_keyring::Sr25519Keyring::iter() {
		dev.push(k.public().to_ss58check());
		dev.push(hex::encode(k.public().as_slice()));
	}
	for k in sp_keyring::Ed25519Keyring::iter() {
		dev.push(k.public().to_ss58check());
		dev.push(hex::encode(k.public().as_slice()));
	}
	let mut found = Vec::new();
	strings(&saved["genesis"]["runtimeGenesis"]["patch"], &mut found);
	assert!(
		found.len() >= 4 * 5,
		"the patch lists members and keys: {found:?}"
	);
	for s in &found {
		let s = s.trim_start_matches("0x");
		assert!(
			!dev.iter().any(|d| d == s),
			"a development key in the consortium spec: {s}"
		);
	}
	let council = saved["genesis"]["runtimeGenesis"]["patch"]["councilMembership"]["members"]
		.as_array()
		.expect("a council");
	assert_eq!(
		council.len(),
		4,
		"the four example organisations form the council"
	);
}

#[test]
fn consortium_spec_builds_its_genesis_storage() {
	let raw = generate(&[
		"consortium-spec",
		"--description",
		"chain-specs/consortium.toml",
		"--raw",
	]);
	let top = raw["genesis"]["raw"]["top"]
		.as_object()
		.expect("raw genesis storage");
	assert!(top.len() > 10, "the runtime built the genesis storage");
}

#[test]
fn consortium_spec_refuses_a_description_with_a_dev_key() {
	let dir = tempfile::tempdir().unwrap();
	let text = std::fs::read_to_string(root().join("chain-specs/consortium.toml")).unwrap();
	// Alice's account in place of the first member's.
	let first = "5GHHasMGNmfpNMZM6PPGEjUsMoSSLx4wsdnuN1omMejKUKaU";
	assert!(text.contains(first));
	let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
	let path = dir.path().join("bad.toml");
	std::fs::write(&path, text.replacen(first, alice, 1)).unwrap();
	let output = Command::new(env!("CARGO_BIN_EXE_badge-node"))
		.args(["consortium-spec", "--description"])
		.arg(&path)
		.output()
		.expect("the node runs");
	assert!(!output.status.success(), "a dev key is refused");
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert!(
		stderr.contains("member `Digital Agency (example)`: account: a well-known development key"),
		"{stderr}"
	);
}

#[test]
fn dev_spec_matches_its_preset() {
	check("dev");
}

#[test]
fn local_spec_matches_its_preset() {
	check("local");
}

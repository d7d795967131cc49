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

fn check(chain: &str) {
	let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
	let committed = root.join(format!("chain-specs/{chain}.json"));
	let out = tempfile::NamedTempFile::new().expect("a temporary file");
	let status = Command::new(env!("CARGO_BIN_EXE_badge-node"))
		.args(["export-chain-spec", "--chain", chain, "--output"])
		.arg(out.path())
		.status()
		.expect("the node runs");
	assert!(status.success(), "export-chain-spec --chain {chain} failed");
	let fresh: serde_json::Value =
		serde_json::from_slice(&std::fs::read(out.path()).expect("read the fresh spec")).unwrap();
	let saved: serde_json::Value = serde_json::from_slice(
		&std::fs::read(&committed).unwrap_or_else(|e| panic!("{}: {e}", committed.display())),
	)
	.expect("the committed spec is JSON");
	assert!(
		fresh.pointer("/genesis/runtimeGenesis/code").is_some(),
		"the spec carries the runtime code"
	);
	assert_eq!(
		without_code(fresh),
		without_code(saved),
		"{} drifted from the `{chain}` preset: run scripts/chain-specs",
		committed.display()
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

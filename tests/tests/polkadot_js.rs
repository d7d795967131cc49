//! Compatibility with standard Substrate tooling: polkadot.js (`tests/js/compat.mjs`), knowing
//! only the node's metadata, submits badge calls, decodes their events and calls the runtime API.

use badge_harness::Node;
use std::{path::PathBuf, process::Command};

#[test]
fn polkadot_js_issues_and_reads_badges() {
	let js = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("js");
	assert!(
		js.join("node_modules/@polkadot/api").exists(),
		"tests/js/node_modules is missing: run `npm ci --prefix tests/js` (scripts/setup does)"
	);
	let node = Node::dev();
	let out = Command::new("node")
		.arg(js.join("compat.mjs"))
		.arg(node.ws_url())
		.output()
		.expect("Node.js runs (scripts/setup installs it)");
	let stdout = String::from_utf8_lossy(&out.stdout);
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert!(
		out.status.success(),
		"polkadot.js failed:\n{stdout}\n{stderr}"
	);
	let seen: serde_json::Value =
		serde_json::from_str(stdout.lines().last().unwrap_or_default()).expect("one JSON line");
	assert_eq!(seen["verdict"], "NotYetReceived");
	assert_eq!(seen["classId"], 0);
	assert!(
		seen["badge"].as_str().is_some_and(|b| b.len() == 66),
		"{seen}"
	);
}

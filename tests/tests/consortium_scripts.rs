//! `scripts/consortium-start` and `scripts/consortium-stop`: four validators on loopback that
//! finalize, stop, continue their chain from the kept data, and are purged on request.

use badge_harness::{finalized, node_binary, wait_finalized};
use std::{path::PathBuf, process::Command, time::Duration};

fn script(name: &str) -> PathBuf {
	PathBuf::from(env!("CARGO_MANIFEST_DIR"))
		.join("../scripts")
		.join(name)
}

/// Four consecutive free loopback ports, from the first.
fn four_free_ports() -> u16 {
	loop {
		let base = badge_harness::free_port();
		let free = (0..4).all(|i| {
			base.checked_add(i)
				.is_some_and(|p| std::net::TcpListener::bind(("127.0.0.1", p)).is_ok())
		});
		if free {
			return base;
		}
	}
}

/// Run a script with the consortium's directory and ports; its stdout, after checking it
/// succeeded.
fn run(name: &str, args: &[&str], dir: &std::path::Path, rpc: u16, p2p: u16) -> String {
	let output = Command::new(script(name))
		.args(args)
		.env("CONSORTIUM_DIR", dir)
		.env("BADGE_NODE_BIN", node_binary())
		.env("RPC_BASE", rpc.to_string())
		.env("P2P_BASE", p2p.to_string())
		.output()
		.expect("the script runs");
	let stdout = String::from_utf8_lossy(&output.stdout).to_string();
	assert!(
		output.status.success(),
		"{name} {args:?} failed:\n{stdout}\n{}",
		String::from_utf8_lossy(&output.stderr)
	);
	stdout
}

/// Whether the process of a pid file is alive.
fn alive(pid_file: &std::path::Path) -> bool {
	let pid = std::fs::read_to_string(pid_file).expect("a pid file");
	PathBuf::from(format!("/proc/{}", pid.trim())).exists()
}

/// Stops whatever the scripts started, even when the test fails half way.
struct StopOnDrop(PathBuf);

impl Drop for StopOnDrop {
	fn drop(&mut self) {
		let _ = Command::new(script("consortium-stop"))
			.arg("--purge")
			.env("CONSORTIUM_DIR", &self.0)
			.output();
	}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scripts_start_a_finalizing_consortium_stop_it_keep_its_chain_and_purge_it() {
	let home = tempfile::tempdir().unwrap();
	let dir = home.path().join("consortium");
	let (rpc, p2p) = (four_free_ports(), four_free_ports());
	let names = ["alice", "bob", "charlie", "dave"];
	let _stop = StopOnDrop(dir.clone());

	let out = run("consortium-start", &[], &dir, rpc, p2p);
	for (i, name) in names.iter().enumerate() {
		let endpoint = format!("ws://127.0.0.1:{}", rpc + i as u16);
		assert!(
			out.contains(&endpoint),
			"{name}'s endpoint is printed:\n{out}"
		);
		let url = format!("http://127.0.0.1:{}", rpc + i as u16);
		let (number, _) = finalized(&url).await.expect("the node answers RPC");
		assert!(
			number >= 1,
			"{name}'s node finalized a block before the script returned"
		);
	}

	// A second start while it runs is refused; nothing is disturbed.
	let again = Command::new(script("consortium-start"))
		.env("CONSORTIUM_DIR", &dir)
		.env("BADGE_NODE_BIN", node_binary())
		.output()
		.unwrap();
	assert!(
		!again.status.success(),
		"a running consortium is not started twice"
	);
	assert!(String::from_utf8_lossy(&again.stderr).contains("already running"));

	let alice = format!("http://127.0.0.1:{rpc}");
	let (before, before_hash) = finalized(&alice).await.unwrap();
	let out = run("consortium-stop", &[], &dir, rpc, p2p);
	assert!(out.contains("stopped 4 node(s)"), "{out}");
	for name in names {
		assert!(
			!dir.join(format!("{name}.pid")).exists(),
			"{name}'s pid file is gone"
		);
		assert!(dir.join(name).is_dir(), "{name}'s chain data is kept");
	}
	assert!(finalized(&alice).await.is_err(), "the nodes are down");

	// Started again on the kept data, the chain continues from where it stopped.
	run("consortium-start", &[], &dir, rpc, p2p);
	for name in names {
		assert!(
			alive(&dir.join(format!("{name}.pid"))),
			"{name}'s node runs again"
		);
	}
	wait_finalized(&alice, before + 1, Duration::from_secs(60)).await;
	assert_eq!(
		badge_harness::block_hash(&alice, before).await.unwrap(),
		Some(before_hash),
		"the chain finalized before the stop is still there"
	);

	let out = run("consortium-stop", &["--purge"], &dir, rpc, p2p);
	assert!(out.contains("stopped 4 node(s)"), "{out}");
	assert!(!dir.exists(), "--purge deletes the chain data");
}

//! Harness for end-to-end tests: starts real `badge-node` processes on free loopback ports, each
//! in its own temporary directory, and kills them when dropped.

use std::{
	io::{BufRead, BufReader},
	path::PathBuf,
	process::{Child, Command, Stdio},
	sync::mpsc,
	time::{Duration, Instant},
};

/// The node binary: `$BADGE_NODE_BIN`, else `badge-node` next to the test executable's
/// directory (`target/debug/deps/..`).
pub fn node_binary() -> PathBuf {
	if let Some(path) = std::env::var_os("BADGE_NODE_BIN") {
		return PathBuf::from(path);
	}
	let exe = std::env::current_exe().expect("the test knows its own path");
	let debug = exe
		.parent()
		.and_then(|deps| deps.parent())
		.expect("target/<profile>/deps");
	let node = debug.join("badge-node");
	assert!(
		node.exists(),
		"{} not found: build it first (`cargo build --workspace`) or set BADGE_NODE_BIN",
		node.display()
	);
	node
}

/// The Python of the environment `scripts/setup` makes, which holds openbadgeslib (an Open
/// Badges implementation we did not write): `$OB_PYTHON`, else its default place.
pub fn ob_python() -> PathBuf {
	let path = std::env::var_os("OB_PYTHON")
		.map(PathBuf::from)
		.unwrap_or_else(|| {
			PathBuf::from(std::env::var_os("HOME").expect("HOME is set"))
				.join(".cache/open-badge-chain/venv/bin/python")
		});
	assert!(
		path.exists(),
		"{} is missing: run scripts/setup",
		path.display()
	);
	path
}

/// A running node, killed (SIGKILL) and its directory removed on drop.
pub struct Node {
	child: Child,
	/// Port of the JSON-RPC (HTTP and WebSocket) server.
	pub rpc_port: u16,
	/// The node's data directory.
	pub base_path: tempfile::TempDir,
	/// Log lines seen so far (stderr of the node).
	pub log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Node {
	/// Start a `--dev` node (one validator, Alice; sudo Alice) on free ports.
	pub fn dev() -> Node {
		Self::start(&["--dev"])
	}

	/// Start a node with `args` (plus free ports, a temp base path, no telemetry, no mDNS).
	pub fn start(args: &[&str]) -> Node {
		let base_path = tempfile::tempdir().expect("a temporary directory");
		let mut child = Command::new(node_binary())
			.args(args)
			.arg("--base-path")
			.arg(base_path.path())
			.args([
				"--rpc-port",
				"0",
				"--port",
				"0",
				"--no-telemetry",
				"--no-mdns",
				"--no-prometheus",
				"--rpc-max-connections",
				"1000",
			])
			.stdout(Stdio::null())
			.stderr(Stdio::piped())
			.spawn()
			.expect("the node binary starts");
		let stderr = child.stderr.take().expect("stderr is piped");
		let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
		let (port_tx, port_rx) = mpsc::channel();
		let log_writer = log.clone();
		std::thread::spawn(move || {
			let mut port_tx = Some(port_tx);
			for line in BufReader::new(stderr).lines().map_while(Result::ok) {
				if let Some(port) = rpc_port_of(&line) {
					if let Some(tx) = port_tx.take() {
						let _ = tx.send(port);
					}
				}
				log_writer.lock().expect("log lock").push(line);
			}
		});
		let rpc_port = match port_rx.recv_timeout(Duration::from_secs(120)) {
			Ok(port) => port,
			Err(_) => {
				let _ = child.kill();
				panic!(
					"the node did not report its RPC port in 120 s; log:\n{}",
					log.lock().expect("log lock").join("\n")
				);
			}
		};
		Node {
			child,
			rpc_port,
			base_path,
			log,
		}
	}

	/// The WebSocket URL of the node's RPC server.
	pub fn ws_url(&self) -> String {
		format!("ws://127.0.0.1:{}", self.rpc_port)
	}

	/// The HTTP URL of the node's RPC server.
	pub fn http_url(&self) -> String {
		format!("http://127.0.0.1:{}", self.rpc_port)
	}

	/// Wait until the node's log shows a block at least `number` finalized.
	pub fn wait_for_finalized(&self, number: u32, timeout: Duration) {
		let deadline = Instant::now() + timeout;
		while Instant::now() < deadline {
			let seen = self
				.log
				.lock()
				.expect("log lock")
				.iter()
				.filter_map(|l| finalized_of(l))
				.max()
				.unwrap_or(0);
			if seen >= number {
				return;
			}
			std::thread::sleep(Duration::from_millis(200));
		}
		panic!("block #{number} was not finalized within {timeout:?}");
	}
}

impl Drop for Node {
	fn drop(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
}

/// The port in a line like `Running JSON-RPC server: addr=127.0.0.1:9944,[::1]:9944`.
fn rpc_port_of(line: &str) -> Option<u16> {
	let rest = line.split("Running JSON-RPC server: addr=").nth(1)?;
	let first = rest.split(',').next()?;
	first.trim().rsplit(':').next()?.trim().parse().ok()
}

/// The number in a line like `... finalized #5 (0x..)`.
fn finalized_of(line: &str) -> Option<u32> {
	let rest = line.split("finalized #").nth(1)?;
	rest.split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn parses_the_node_log() {
		assert_eq!(
			rpc_port_of("2026-11-28 Running JSON-RPC server: addr=127.0.0.1:9955,[::1]:9955"),
			Some(9955)
		);
		assert_eq!(rpc_port_of("Local node identity is: 12D3"), None);
		assert_eq!(
			finalized_of("💤 Idle (0 peers), best: #7 (0x9f97…abff), finalized #5 (0x1bd8…6682)"),
			Some(5)
		);
	}
}

//! Harness for end-to-end tests: starts real `badge-node` processes on free loopback ports, each
//! in its own temporary directory, and kills them when dropped.

use std::{
	io::{BufRead, BufReader},
	path::PathBuf,
	process::{Child, Command, Stdio},
	sync::mpsc,
	time::{Duration, Instant},
};

pub mod browser;
pub mod services;

/// The node binary: `$BADGE_NODE_BIN`, else `badge-node` in the profile directory of the
/// running executable (a test's `target/debug/deps/..`, or `target/debug` for a binary such as
/// `badge-bench`).
pub fn node_binary() -> PathBuf {
	if let Some(path) = std::env::var_os("BADGE_NODE_BIN") {
		return PathBuf::from(path);
	}
	let exe = std::env::current_exe().expect("the executable knows its own path");
	let dir = exe.parent().expect("target/<profile>[/deps]");
	let debug = if dir.ends_with("deps") {
		dir.parent().expect("target/<profile>")
	} else {
		dir
	};
	let node = debug.join("badge-node");
	assert!(
		node.exists(),
		"{} not found: build it first (`cargo build --workspace`) or set BADGE_NODE_BIN",
		node.display()
	);
	node
}

/// The `badge` CLI binary: `$BADGE_CLI_BIN`, else `badge` next to the node binary.
pub fn cli_binary() -> PathBuf {
	if let Some(path) = std::env::var_os("BADGE_CLI_BIN") {
		return PathBuf::from(path);
	}
	let cli = node_binary().with_file_name("badge");
	assert!(
		cli.exists(),
		"{} not found: build it first (`cargo build --workspace`) or set BADGE_CLI_BIN",
		cli.display()
	);
	cli
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
	args: Vec<String>,
	/// Port of the JSON-RPC (HTTP and WebSocket) server.
	pub rpc_port: u16,
	/// The node's data directory.
	pub base_path: tempfile::TempDir,
	/// Log lines seen so far (stderr of the node).
	pub log: Log,
}

/// A node's log lines, shared with the thread that reads them.
pub type Log = std::sync::Arc<std::sync::Mutex<Vec<String>>>;

impl Node {
	/// Start a `--dev` node (one validator, Alice, the council of one) on free ports.
	pub fn dev() -> Node {
		Self::start(&["--dev", "--port", "0"])
	}

	/// Start a `--dev` node that serves Prometheus metrics on a free port (see [`Node::metrics`]).
	pub fn dev_with_metrics() -> Node {
		let port = free_port().to_string();
		Self::start(&["--dev", "--port", "0", "--prometheus-port", &port])
	}

	/// Start a node with `args` (plus a free RPC port, a temp base path, no telemetry, no mDNS).
	/// `args` choose the p2p port (`--port 0` for any).
	pub fn start(args: &[&str]) -> Node {
		Self::start_within(args, STARTUP)
	}

	/// [`Node::start`] for a node that may take up to `startup` to open its RPC port (a genesis
	/// with a million badges is built before the node serves anything).
	pub fn start_within(args: &[&str], startup: Duration) -> Node {
		let base_path = tempfile::tempdir().expect("a temporary directory");
		let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
		let (child, rpc_port, log) = spawn(&args, &base_path, startup, 0);
		Node {
			child,
			args,
			rpc_port,
			base_path,
			log,
		}
	}

	/// The node's Prometheus metrics in text form (the node must have been started with
	/// `--prometheus-port`).
	pub fn metrics(&self) -> String {
		let port = self
			.args
			.iter()
			.skip_while(|a| *a != "--prometheus-port")
			.nth(1)
			.expect("the node was started with --prometheus-port");
		let response = services::http("GET", &format!("http://127.0.0.1:{port}/metrics"), &[], "");
		assert_eq!(response.status, 200, "{}", response.body);
		response.body
	}

	/// The node process's id.
	pub fn pid(&self) -> u32 {
		self.child.id()
	}

	/// Kill the node with SIGKILL (a crash, a pulled plug), keeping its data.
	pub fn kill(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}

	/// Stop the node with SIGTERM and wait for it to exit (up to a minute): a clean shutdown,
	/// after which its database files hold everything (ParityDB moves its log into its tables).
	pub fn stop(&mut self) {
		let _ = Command::new("kill")
			.args(["-TERM", &self.child.id().to_string()])
			.status();
		let deadline = Instant::now() + Duration::from_secs(60);
		while Instant::now() < deadline {
			if let Ok(Some(_)) = self.child.try_wait() {
				return;
			}
			std::thread::sleep(Duration::from_millis(100));
		}
		self.kill();
	}

	/// Start the killed or stopped node again with the same arguments and data (on a new RPC port).
	pub fn restart(&mut self) {
		self.respawn(0);
	}

	/// [`Node::restart`] on the same RPC port, as an operator's restarted node comes back where
	/// its clients look for it.
	pub fn restart_on_same_port(&mut self) {
		self.respawn(self.rpc_port);
	}

	fn respawn(&mut self, rpc_port: u16) {
		let (child, rpc_port, log) = spawn(&self.args, &self.base_path, STARTUP, rpc_port);
		self.child = child;
		self.rpc_port = rpc_port;
		self.log = log;
	}

	/// The WebSocket URL of the node's RPC server.
	pub fn ws_url(&self) -> String {
		format!("ws://127.0.0.1:{}", self.rpc_port)
	}

	/// The HTTP URL of the node's RPC server.
	pub fn http_url(&self) -> String {
		format!("http://127.0.0.1:{}", self.rpc_port)
	}

	/// The node's peer id, from its log (`Local node identity is: …`), logged before its RPC port
	/// opens.
	pub fn peer_id(&self) -> String {
		self.logged_after("Local node identity is: ", Duration::ZERO)
	}

	/// What follows `marker` on the first log line that holds it, trimmed, waiting up to `within`
	/// for the line (a part started after the RPC server logs a moment after the node is up).
	/// Panics naming the marker when no line holds it by then.
	pub fn logged_after(&self, marker: &str, within: Duration) -> String {
		let deadline = Instant::now() + within;
		loop {
			let found = self
				.log
				.lock()
				.expect("log lock")
				.iter()
				.find_map(|l| l.split(marker).nth(1).map(|rest| rest.trim().to_string()));
			match found {
				Some(rest) => return rest,
				None if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
				None => panic!("the node logged no line with {marker:?}"),
			}
		}
	}

	/// The node's p2p multiaddress with its peer id (for `--bootnodes`), from its
	/// `--listen-addr` argument.
	pub fn multiaddr(&self) -> String {
		let listen = self
			.args
			.iter()
			.skip_while(|a| *a != "--listen-addr")
			.nth(1)
			.expect("the node was started with --listen-addr");
		format!("{listen}/p2p/{}", self.peer_id())
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

/// How long a node usually gets to open its RPC port.
const STARTUP: Duration = Duration::from_secs(120);

/// Spawn the node binary with `args` in `base_path`, serving RPC on `rpc_port` (0: any free
/// port); wait up to `startup` until it reports its RPC port.
fn spawn(
	args: &[String],
	base_path: &tempfile::TempDir,
	startup: Duration,
	rpc_port: u16,
) -> (Child, u16, Log) {
	let mut child = Command::new(node_binary())
		.args(args)
		.arg("--base-path")
		.arg(base_path.path())
		.args(["--rpc-port", &rpc_port.to_string()])
		.args([
			"--no-telemetry",
			"--no-mdns",
			"--rpc-max-connections",
			"1000",
		])
		.args((!args.iter().any(|a| a == "--prometheus-port")).then_some("--no-prometheus"))
		.stdout(Stdio::null())
		.stderr(Stdio::piped())
		.spawn()
		.expect("the node binary starts");
	let stderr = child.stderr.take().expect("stderr is piped");
	let log: Log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
	let (port_tx, port_rx) = mpsc::channel();
	let log_writer = log.clone();
	// With BADGE_E2E_NODE_LOGS=DIR, every node's log is also written to DIR/node-PID.log (to
	// read a long run's logs while it runs, or after the harness is gone).
	let mut log_file = std::env::var_os("BADGE_E2E_NODE_LOGS").map(|dir| {
		let path = std::path::Path::new(&dir).join(format!("node-{}.log", child.id()));
		std::fs::File::create(&path)
			.unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()))
	});
	std::thread::spawn(move || {
		let mut port_tx = Some(port_tx);
		for line in BufReader::new(stderr).lines().map_while(Result::ok) {
			if let Some(file) = log_file.as_mut() {
				use std::io::Write;
				let _ = writeln!(file, "{line}");
			}
			if let Some(port) = rpc_port_of(&line) {
				if let Some(tx) = port_tx.take() {
					let _ = tx.send(port);
				}
			}
			log_writer.lock().expect("log lock").push(line);
		}
	});
	let rpc_port = match port_rx.recv_timeout(startup) {
		Ok(port) => port,
		Err(_) => {
			let _ = child.kill();
			panic!(
				"the node did not report its RPC port in {startup:?}; log:\n{}",
				log.lock().expect("log lock").join("\n")
			);
		}
	};
	(child, rpc_port, log)
}

/// The sum of a metric's series in Prometheus text, of those that carry `label` (`key="value"`)
/// or of all of them (`None`, series without labels included), or 0 when there is none (a
/// counter never incremented is not printed).
pub fn metric(text: &str, name: &str, label: Option<&str>) -> f64 {
	text.lines()
		.filter_map(|line| {
			let rest = line.strip_prefix(name)?;
			let (labels, value) = match rest.strip_prefix('{') {
				Some(labelled) => labelled.split_once("} ")?,
				None => ("", rest.strip_prefix(' ')?),
			};
			label
				.is_none_or(|label| labels.split(',').any(|l| l == label))
				.then(|| value.trim().parse::<f64>().expect("a number"))
		})
		.sum()
}

/// A free TCP port on loopback (bound, then released for the node to take).
pub fn free_port() -> u16 {
	std::net::TcpListener::bind("127.0.0.1:0")
		.and_then(|l| l.local_addr())
		.expect("a free port")
		.port()
}

/// The four validators of the `local` chain: dev keys of Alice, Bob, Charlie and Dave, network
/// keys 1 to 4 (public knowledge, loopback only), and the peer ids those keys give.
pub const LOCAL_VALIDATORS: [(&str, &str); 4] = [
	(
		"alice",
		"12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp",
	),
	(
		"bob",
		"12D3KooWHdiAxVd8uMQR1hGWXccidmfCwLqcMpGwR6QcTP6QRMuD",
	),
	(
		"charlie",
		"12D3KooWSCufgHzV4fCwRijfH2k3abrpAJxTKxEvN1FDuRXA2U9x",
	),
	(
		"dave",
		"12D3KooWSsChzF81YDUKpe9Uk5AHV5oqAaXAcWNSPYgoLauUk4st",
	),
];

/// The network key (64 hex digits) numbered `n`.
pub fn node_key(n: u8) -> String {
	format!("{n:064x}")
}

/// A four-validator consortium on loopback (`--chain local`).
pub struct Consortium {
	/// The validators' nodes, Alice's first.
	pub nodes: Vec<Node>,
	/// Their p2p ports, in the same order.
	pub p2p_ports: Vec<u16>,
}

impl Consortium {
	/// Start the four validators of the `local` chain, each knowing the others as bootnodes.
	pub fn local() -> Consortium {
		Self::local_with(&[])
	}

	/// [`Consortium::local`] with `extra` arguments for every validator (e.g. pool settings).
	pub fn local_with(extra: &[&str]) -> Consortium {
		Self::start("local", extra)
	}

	/// The four validators of `chain` (`local`, or a spec file derived from it: the same
	/// validators, node keys and authorized peers), with `extra` arguments for every validator.
	/// Each serves Prometheus metrics on a free port ([`Node::metrics`]), as a deployed
	/// validator does on its default port.
	pub fn start(chain: &str, extra: &[&str]) -> Consortium {
		Self::start_apart(chain, extra, None)
	}

	/// [`Consortium::start`], with validator `apart` (an index into [`Consortium::nodes`]) cut
	/// off from the others: it knows no bootnode and is none, so nobody learns its address,
	/// and it authors on its own fork (`--force-authoring`, as a node with no peers otherwise
	/// waits for the network). [`Consortium::join`] ends the partition.
	pub fn start_apart(chain: &str, extra: &[&str], apart: Option<usize>) -> Consortium {
		let p2p_ports: Vec<u16> = (0..4).map(|_| free_port()).collect();
		let bootnodes = Self::bootnodes_of(&p2p_ports);
		let nodes = LOCAL_VALIDATORS
			.iter()
			.enumerate()
			.map(|(i, (name, _))| {
				let port = p2p_ports[i].to_string();
				let key = node_key(i as u8 + 1);
				let mut args = vec![
					"--chain",
					chain,
					"--validator",
					"--node-key",
					&key,
					"--listen-addr",
				];
				let listen = format!("/ip4/127.0.0.1/tcp/{port}");
				let name_flag = format!("--{name}");
				let prometheus = free_port().to_string();
				args.push(&listen);
				args.push(&name_flag);
				args.extend(["--prometheus-port", &prometheus]);
				if apart == Some(i) {
					args.push("--force-authoring");
				} else {
					args.push("--bootnodes");
					let others = bootnodes
						.iter()
						.enumerate()
						.filter(|(j, _)| *j != i && apart != Some(*j))
						.map(|(_, b)| b.as_str());
					args.extend(others);
				}
				args.extend(extra);
				Node::start(&args)
			})
			.collect();
		Consortium { nodes, p2p_ports }
	}

	fn bootnodes_of(ports: &[u16]) -> Vec<String> {
		ports
			.iter()
			.zip(LOCAL_VALIDATORS)
			.map(|(port, (_, peer))| format!("/ip4/127.0.0.1/tcp/{port}/p2p/{peer}"))
			.collect()
	}

	/// Connect validator `apart` of [`Consortium::start_apart`] to the first of the others
	/// (`system_addReservedPeer`, an unsafe RPC method its local RPC server allows), from which
	/// it learns the rest.
	pub async fn join(&self, apart: usize) -> Result<(), String> {
		let to = usize::from(apart == 0);
		rpc::<serde_json::Value>(
			&self.nodes[apart].http_url(),
			"system_addReservedPeer",
			vec![serde_json::json!(self.nodes[to].multiaddr())],
		)
		.await
		.map(drop)
	}

	/// The validators' multiaddresses, to pass with `--bootnodes`.
	pub fn bootnodes(&self) -> Vec<String> {
		Self::bootnodes_of(&self.p2p_ports)
	}

	/// Start another node of the `local` chain (`extra` arguments, e.g. a network key) that
	/// knows the validators as bootnodes. Like every node of the consortium it runs offchain
	/// workers, which keep its peers to the council's authorized nodes.
	pub fn start_peer(&self, extra: &[&str]) -> Node {
		let port = free_port().to_string();
		let listen = format!("/ip4/127.0.0.1/tcp/{port}");
		let bootnodes = self.bootnodes();
		let mut args = vec![
			"--chain",
			"local",
			"--listen-addr",
			&listen,
			"--offchain-worker",
			"always",
		];
		args.extend_from_slice(extra);
		args.push("--bootnodes");
		args.extend(bootnodes.iter().map(String::as_str));
		Node::start(&args)
	}
}

/// A JSON-RPC call over HTTP.
pub async fn rpc<R: serde::de::DeserializeOwned>(
	url: &str,
	method: &str,
	params: Vec<serde_json::Value>,
) -> Result<R, String> {
	use jsonrpsee::core::client::ClientT;
	let client = jsonrpsee::http_client::HttpClientBuilder::default()
		.build(url)
		.map_err(|e| e.to_string())?;
	let mut array = jsonrpsee::core::params::ArrayParams::new();
	for p in params {
		array.insert(p).map_err(|e| e.to_string())?;
	}
	client
		.request(method, array)
		.await
		.map_err(|e| e.to_string())
}

/// The number of a block header's JSON.
fn header_number(header: &serde_json::Value) -> u32 {
	let hex = header["number"].as_str().unwrap_or("0x0");
	u32::from_str_radix(hex.trim_start_matches("0x"), 16).unwrap_or(0)
}

/// The node's finalized block number and hash.
pub async fn finalized(url: &str) -> Result<(u32, String), String> {
	let hash: String = rpc(url, "chain_getFinalizedHead", vec![]).await?;
	let header: serde_json::Value =
		rpc(url, "chain_getHeader", vec![serde_json::json!(hash)]).await?;
	Ok((header_number(&header), hash))
}

/// The node's best block number.
pub async fn best(url: &str) -> Result<u32, String> {
	let header: serde_json::Value = rpc(url, "chain_getHeader", vec![]).await?;
	Ok(header_number(&header))
}

/// The hash of block `number` on the node's chain, if it has it.
pub async fn block_hash(url: &str, number: u32) -> Result<Option<String>, String> {
	rpc(url, "chain_getBlockHash", vec![serde_json::json!(number)]).await
}

/// Poll `check` every 250 ms until it returns `Some`, or panic after `timeout` naming `what`.
pub async fn poll<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
	F: FnMut() -> Fut,
	Fut: std::future::Future<Output = Option<T>>,
{
	let deadline = Instant::now() + timeout;
	loop {
		if let Some(found) = check().await {
			return found;
		}
		if Instant::now() > deadline {
			panic!("timed out after {timeout:?} waiting for {what}");
		}
		tokio::time::sleep(Duration::from_millis(250)).await;
	}
}

/// Wait until the node at `url` has finalized block `number` or later.
pub async fn wait_finalized(url: &str, number: u32, timeout: Duration) -> (u32, String) {
	poll(&format!("{url} to finalize #{number}"), timeout, || async {
		finalized(url).await.ok().filter(|(n, _)| *n >= number)
	})
	.await
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

	#[test]
	fn sums_a_metric_s_series_labelled_or_not() {
		let text = "# HELP waits_total Waits.\n\
			waits_total{chain=\"local\",kind=\"a\"} 2\n\
			waits_total{chain=\"local\",kind=\"b\"} 3\n\
			waits_total_ms{chain=\"local\"} 100\n\
			plain_total 7\n\
			plain_total_ms 9\n";
		assert_eq!(metric(text, "waits_total", None), 5.0);
		assert_eq!(metric(text, "waits_total", Some("kind=\"b\"")), 3.0);
		assert_eq!(metric(text, "plain_total", None), 7.0);
		assert_eq!(metric(text, "plain_total", Some("kind=\"b\"")), 0.0);
		assert_eq!(metric(text, "missing_total", None), 0.0);
	}
}

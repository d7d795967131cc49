//! A four-validator consortium of real node processes on loopback (`--chain local`, 2 s blocks,
//! 10-block sessions):
//!
//! - blocks are produced and finalized; a badge issued through one node verifies through every
//!   other and through a council-authorized, non-validator RPC node; a node the council did not
//!   authorize gets nothing;
//! - only the council governs: a non-member cannot propose, one member cannot pass a motion;
//! - finality survives one lost validator, stops (losing nothing) with two, resumes with three;
//! - a transaction in a validator's block that loses its height is re-submitted and finalized;
//! - a fifth organisation follows the operator runbook (docs/operator-runbook.md) with `badge-node key` and the `badge`
//!   CLI: joins by motion, sets keys generated in its own node, authors blocks, leaves;
//! - `badge bulk` completes while the validator it talks to is killed and restarted.
//!
//! The tests take turns (one consortium at a time on this machine's cores).

use badge_client::runtime::runtime_types::badge_runtime::RuntimeCall;
use badge_client::{
	account_of, dev, peer_id_bytes, BadgeClient, ClassSpec, Error, Governed, Profile, Wait, H256,
};
use badge_harness::{best, block_hash, finalized, node_key, poll, rpc, wait_finalized, Consortium};
use std::time::Duration;

const MINUTE: Duration = Duration::from_secs(60);

/// One consortium at a time: four debug nodes already keep two cores busy.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The verdict name the node's JSON-RPC gives for `badge`.
async fn verdict_via(url: &str, badge: H256) -> String {
	let json: serde_json::Value = rpc(url, "badges_verify", vec![serde_json::json!(badge)])
		.await
		.expect("badges_verify answers");
	json["verdict"].as_str().unwrap_or_default().to_string()
}

/// The number of peers the node at `url` is connected to.
async fn peers(url: &str) -> u64 {
	let health: serde_json::Value = rpc(url, "system_health", vec![])
		.await
		.expect("system_health answers");
	health["peers"].as_u64().unwrap_or(0)
}

/// Three of the four council members pass a motion (the threshold), through `council`.
async fn pass(council: &BadgeClient, call: RuntimeCall) {
	let (alice, bob, charlie) = (dev::alice(), dev::bob(), dev::charlie());
	council
		.pass_motion(&[&alice, &bob, &charlie], call, Wait::Finalized)
		.await
		.expect("three of four members pass the motion");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_validators_finalize_and_every_authorized_node_verifies_a_badge_issued_through_one() {
	let _turn = ONE_AT_A_TIME.lock().await;
	let consortium = Consortium::local();
	for node in &consortium.nodes {
		wait_finalized(&node.http_url(), 2, 2 * MINUTE).await;
	}
	let via_alice = BadgeClient::connect(&consortium.nodes[0].ws_url())
		.await
		.unwrap();
	let issuer = dev::ferdie();
	let profile = Profile {
		name: "Digital Agency".into(),
		url: "https://agency.example.jp".into(),
		contact: None,
	};

	// Someone outside the council cannot even propose; nor can they act as the admin.
	let outsider = dev::eve();
	let refused = via_alice
		.register_issuer(&outsider, &account_of(&issuer), &profile, Wait::InBlock)
		.await;
	assert!(
		matches!(refused, Err(Error::InvalidInput(_))),
		"a non-member is refused: {refused:?}"
	);
	let refused = via_alice
		.propose(
			&outsider,
			BadgeClient::join_call(&account_of(&outsider), None),
			Wait::InBlock,
		)
		.await;
	assert!(
		matches!(refused, Err(Error::InvalidInput(_) | Error::Invalid(_))),
		"a non-member cannot propose adding a validator: {refused:?}"
	);

	// One member alone cannot pass a motion: it stays open until three of four say aye.
	let motion = match via_alice
		.register_issuer(&dev::alice(), &account_of(&issuer), &profile, Wait::InBlock)
		.await
		.expect("Alice proposes")
	{
		Governed::Proposed(motion) => motion,
		Governed::Done(_) => panic!("one of four members passed a motion"),
	};
	assert_eq!(motion.threshold, 3, "three of four members must agree");
	for member in [dev::alice(), dev::bob()] {
		via_alice
			.vote(&member, motion.hash, motion.index, true, Wait::InBlock)
			.await
			.expect("members vote");
	}
	let early = via_alice
		.close(&dev::alice(), motion.hash, motion.index, Wait::InBlock)
		.await;
	assert!(early.is_err(), "two ayes of four do not pass: {early:?}");
	via_alice
		.vote(
			&dev::charlie(),
			motion.hash,
			motion.index,
			true,
			Wait::InBlock,
		)
		.await
		.expect("a third member votes");
	via_alice
		.close(&dev::alice(), motion.hash, motion.index, Wait::Finalized)
		.await
		.expect("the motion closes")
		.done()
		.expect("three of four members register the issuer");

	// The issuer works through Bob's node.
	let via_bob = BadgeClient::connect(&consortium.nodes[1].ws_url())
		.await
		.unwrap();
	let class = via_bob
		.create_class(
			&issuer,
			&ClassSpec {
				name: "Digital Promotion Committee member".into(),
				description: "Appointed member".into(),
				criteria: badge_client::criteria_url("https://agency.example.jp/criteria"),
				achievement_type: badge_client::AchievementType::Achievement,
				image_digest: badge_client::crypto::image_digest(b"<svg/>"),
			},
			Wait::Finalized,
		)
		.await
		.expect("the issuer creates a class");
	let claim = badge_client::crypto::ClaimKey::generate();
	let recipient = badge_client::crypto::recipient_commitment("member@example.jp", "salt");
	let badge = via_bob
		.issue(
			&issuer,
			class,
			badge_client::badge_spec(recipient, &claim, None, None),
			Wait::Finalized,
		)
		.await
		.expect("the issuer issues a badge");

	// A verifier's full node (not a validator, network key 5) and a stranger's (key 6). The
	// council authorizes the verifier's node only.
	let verifier_key = node_key(5);
	let verifier = consortium.start_peer(&["--node-key", &verifier_key]);
	let authorize = BadgeClient::authorize_node_call(
		peer_id_bytes(&verifier.peer_id()).unwrap(),
		&account_of(&dev::alice()),
	);
	pass(&via_alice, authorize).await;

	// Every validator and the verifier's node agree on the finalized chain and the verdict.
	let (target, target_hash) = finalized(&consortium.nodes[1].http_url()).await.unwrap();
	for url in consortium
		.nodes
		.iter()
		.map(|n| n.http_url())
		.chain([verifier.http_url()])
	{
		wait_finalized(&url, target, 2 * MINUTE).await;
		assert_eq!(
			block_hash(&url, target).await.unwrap(),
			Some(target_hash.clone()),
			"{url} finalized the same chain"
		);
		assert_eq!(
			verdict_via(&url, badge).await,
			"not_yet_received",
			"{url} sees the issued badge"
		);
	}

	// A stranger's node (network key 6, never authorized) is refused by every node, the
	// verifier's included: no peers and no blocks while the consortium finalizes five more.
	let stranger_key = node_key(6);
	let verifier_addr = verifier.multiaddr();
	let stranger =
		consortium.start_peer(&["--node-key", &stranger_key, "--bootnodes", &verifier_addr]);
	let (now, _) = finalized(&consortium.nodes[0].http_url()).await.unwrap();
	wait_finalized(&consortium.nodes[0].http_url(), now + 5, MINUTE).await;
	assert_eq!(
		peers(&stranger.http_url()).await,
		0,
		"an unauthorized node has no peers"
	);
	assert_eq!(
		best(&stranger.http_url()).await.unwrap(),
		0,
		"an unauthorized node syncs nothing"
	);
	assert_eq!(
		verdict_via(&stranger.http_url(), badge).await,
		"not_found",
		"an unauthorized node knows no badge"
	);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finality_survives_one_lost_validator_and_stops_without_losing_blocks_at_two() {
	let _turn = ONE_AT_A_TIME.lock().await;
	let mut consortium = Consortium::local();
	let alice = consortium.nodes[0].http_url();
	wait_finalized(&alice, 3, 2 * MINUTE).await;

	// Dave's node dies: the other three (of four) still finalize.
	consortium.nodes[3].kill();
	let (before, before_hash) = finalized(&alice).await.unwrap();
	wait_finalized(&alice, before + 3, 2 * MINUTE).await;

	// Dave comes back, catches up, and agrees on what was finalized meanwhile.
	consortium.nodes[3].restart();
	let dave = consortium.nodes[3].http_url();
	let (now, now_hash) = finalized(&alice).await.unwrap();
	wait_finalized(&dave, now, 2 * MINUTE).await;
	assert_eq!(
		block_hash(&dave, before).await.unwrap(),
		Some(before_hash.clone()),
		"the block finalized before Dave died is on his node"
	);
	assert_eq!(
		block_hash(&dave, now).await.unwrap(),
		Some(now_hash),
		"the block finalized while Dave was down is the same on his node"
	);

	// Charlie and Dave die: two of four cannot finalize (GRANDPA needs three); blocks go on.
	consortium.nodes[2].kill();
	consortium.nodes[3].kill();
	let best_then = best(&alice).await.unwrap();
	poll("Alice and Bob to author two blocks", 2 * MINUTE, || async {
		(best(&alice).await.ok()? >= best_then + 2).then_some(())
	})
	.await;
	// Votes cast before the kill may still land; after that, nothing more is finalized.
	let (stalled_at, stalled_hash) = finalized(&alice).await.unwrap();
	let best_then = best(&alice).await.unwrap();
	poll(
		"Alice and Bob to author four more blocks",
		2 * MINUTE,
		|| async { (best(&alice).await.ok()? >= best_then + 4).then_some(()) },
	)
	.await;
	let (still, _) = finalized(&alice).await.unwrap();
	assert_eq!(
		still, stalled_at,
		"finality stalls with two of four validators"
	);
	// Nothing finalized is lost.
	assert_eq!(
		block_hash(&alice, stalled_at).await.unwrap(),
		Some(stalled_hash)
	);
	assert_eq!(block_hash(&alice, before).await.unwrap(), Some(before_hash));

	// Charlie returns: three of four, and finality resumes past the stall.
	consortium.nodes[2].restart();
	let best_now = best(&alice).await.unwrap();
	wait_finalized(&alice, best_now, 3 * MINUTE).await;
	let charlie = consortium.nodes[2].http_url();
	wait_finalized(&charlie, best_now, MINUTE).await;
}

/// A transaction that a validator included in a block the chain then left is put back into its
/// pool and finalized (the node re-submits the transactions of retracted blocks, which the
/// single-state pool's light revalidation does not; node/src/pool.rs). Dave starts cut off from
/// the other three, takes a remark nobody else hears of into a block of his own fork, and joins
/// the others, whose chain is longer (three of four slots) and final (three of four votes).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transaction_in_a_block_that_loses_its_height_is_resubmitted_and_finalized() {
	let _turn = ONE_AT_A_TIME.lock().await;
	const DAVE: usize = 3;
	let consortium = Consortium::start_apart("local", &[], Some(DAVE));
	let (alice, dave) = (
		consortium.nodes[0].http_url(),
		consortium.nodes[DAVE].http_url(),
	);
	wait_finalized(&alice, 2, 2 * MINUTE).await;
	assert_eq!(peers(&dave).await, 0, "Dave is apart");

	let client = BadgeClient::connect(&consortium.nodes[DAVE].ws_url())
		.await
		.expect("Dave's node answers");
	// A council member's (a trusted signer's); Bob sends nothing else in this test.
	let bob = dev::bob();
	let remark = badge_client::runtime::tx()
		.system()
		.remark(b"in a block that loses its height".to_vec());
	let signed = client
		.sign_offline(&[remark], &bob, 0)
		.await
		.expect("signs")
		.remove(0);
	let encoded = format!("0x{}", hex::encode(&signed));
	let _: serde_json::Value = rpc(
		&dave,
		"author_submitExtrinsic",
		vec![serde_json::json!(encoded)],
	)
	.await
	.expect("Dave's pool accepts the remark");
	let (number, fork_block) = poll(
		"Dave to take the remark into a block of his fork",
		2 * MINUTE,
		|| async {
			let block: serde_json::Value = rpc(&dave, "chain_getBlock", vec![]).await.ok()?;
			let holds = block["block"]["extrinsics"]
				.as_array()?
				.iter()
				.any(|xt| xt.as_str() == Some(encoded.as_str()));
			let number = block["block"]["header"]["number"].as_str()?;
			let number = u32::from_str_radix(number.trim_start_matches("0x"), 16).ok()?;
			let hash = block_hash(&dave, number).await.ok()??;
			holds.then_some((number, hash))
		},
	)
	.await;
	let others = BadgeClient::connect(&consortium.nodes[0].ws_url())
		.await
		.expect("Alice's node answers");
	assert_eq!(
		others.finalized_nonce(&account_of(&bob)).await.unwrap(),
		0,
		"the other three never heard of the remark"
	);

	consortium.join(DAVE).await.expect("Dave connects to Alice");
	poll(
		"the remark to be final on the others' chain",
		2 * MINUTE,
		|| async { (others.finalized_nonce(&account_of(&bob)).await.ok()? == 1).then_some(()) },
	)
	.await;
	let resubmitted =
		consortium.nodes[DAVE].logged_after("Re-submitted the transactions of", MINUTE);
	assert!(
		resubmitted.contains("back in the pool"),
		"Dave's node says what it re-submitted: {resubmitted}"
	);
	let (now, _) = finalized(&alice).await.unwrap();
	wait_finalized(&dave, now.max(number), 2 * MINUTE).await;
	assert_ne!(
		block_hash(&dave, number).await.unwrap(),
		Some(fork_block),
		"Dave's block at #{number} lost its height to the others' chain"
	);
}

/// Lines of a node's log saying it authored a block.
fn authored(node: &badge_harness::Node) -> usize {
	node.log
		.lock()
		.expect("log lock")
		.iter()
		.filter(|l| l.contains("Pre-sealed block for proposal"))
		.count()
}

/// Run the `badge` CLI against `url` signing with `key` (a secret URI), with `--json`; its
/// JSON output, after checking it succeeded.
fn badge(url: &str, key: &str, args: &[&str]) -> serde_json::Value {
	let output = std::process::Command::new(badge_harness::cli_binary())
		.args(args)
		.arg("--json")
		.env("BADGE_NODE_URL", url)
		.env("BADGE_KEY", key)
		.env_remove("BADGE_CONFIG")
		.output()
		.expect("the badge CLI runs");
	assert!(
		output.status.success(),
		"badge {args:?} failed: {}",
		String::from_utf8_lossy(&output.stderr)
	);
	serde_json::from_slice(&output.stdout).expect("--json prints JSON")
}

/// A council motion through the CLI, as the runbook has it: Alice proposes with `args`; she,
/// Bob and Charlie vote aye (proposing is not voting); she closes.
fn motion_via_cli(url: &str, args: &[&str]) {
	let proposed = badge(url, "//Alice", args);
	let hash = proposed["proposed"]["hash"]
		.as_str()
		.expect("a motion opened");
	let index = proposed["proposed"]["index"].to_string();
	assert_eq!(proposed["proposed"]["threshold"], 3);
	for member in ["//Alice", "//Bob", "//Charlie"] {
		badge(url, member, &["council", "vote", hash, &index]);
	}
	let closed = badge(url, "//Alice", &["council", "close", hash, &index]);
	assert!(
		closed.get("executed").is_some(),
		"the motion passed: {closed}"
	);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fifth_organisation_joins_by_the_runbook_authors_blocks_and_leaves() {
	let _turn = ONE_AT_A_TIME.lock().await;
	let consortium = Consortium::local();
	let alice = consortium.nodes[0].http_url();
	let council_url = consortium.nodes[0].ws_url();
	wait_finalized(&alice, 2, 2 * MINUTE).await;
	let council = BadgeClient::connect(&council_url).await.unwrap();
	let eve = account_of(&dev::eve()).to_string();

	// Runbook step 1: Eve's organisation generates its node's network key and starts it as a
	// validator (RPC on localhost, where unsafe methods are allowed).
	let keys = tempfile::tempdir().unwrap();
	let key_file = keys.path().join("node.key");
	let generated = std::process::Command::new(badge_harness::node_binary())
		.args(["key", "generate-node-key", "--file"])
		.arg(&key_file)
		.output()
		.expect("badge-node key generate-node-key runs");
	assert!(generated.status.success());
	let peer_id = String::from_utf8_lossy(&generated.stderr)
		.trim()
		.to_string();
	let key_path = key_file.to_str().unwrap();
	let eve_node = consortium.start_peer(&["--validator", "--node-key-file", key_path]);
	assert_eq!(
		eve_node.peer_id(),
		peer_id,
		"the node runs with the generated key"
	);

	// Steps 2 and 3: the council adds her validator and authorizes her node in one motion.
	motion_via_cli(
		&council_url,
		&["validator", "add", &eve, "--peer-id", &peer_id],
	);
	let listed = badge(&council_url, "//Alice", &["validator", "list"]);
	assert!(listed["validators"]
		.as_array()
		.unwrap()
		.iter()
		.any(|v| v == &eve));

	// Step 4: once her node has synced, she generates session keys inside it and registers
	// them (`badge validator set-keys --node`).
	let eve_url = eve_node.http_url();
	let (now, _) = finalized(&alice).await.unwrap();
	wait_finalized(&eve_url, now, 2 * MINUTE).await;
	let set = badge(
		&council_url,
		"//Eve",
		&["validator", "set-keys", "--node", &eve_node.ws_url()],
	);
	assert_eq!(set["account"], serde_json::json!(eve));

	// Step 5: from a later session she is a validator and her node authors blocks.
	poll("Eve in the session's validators", 3 * MINUTE, || async {
		council
			.session_validators()
			.await
			.ok()?
			.contains(&account_of(&dev::eve()))
			.then_some(())
	})
	.await;
	poll("Eve's node to author a block", 2 * MINUTE, || async {
		(authored(&eve_node) > 0).then_some(())
	})
	.await;
	// Five validators: four of them must finalize, and her node follows.
	let (now, _) = finalized(&alice).await.unwrap();
	wait_finalized(&eve_url, now + 2, MINUTE).await;

	// She leaves by another motion; from a later session her node authors no more.
	motion_via_cli(&council_url, &["validator", "remove", &eve]);
	poll(
		"Eve out of the session's validators",
		3 * MINUTE,
		|| async {
			(!council
				.session_validators()
				.await
				.ok()?
				.contains(&account_of(&dev::eve())))
			.then_some(())
		},
	)
	.await;
	// Let a block of the new session be imported everywhere before counting.
	let (now, _) = finalized(&alice).await.unwrap();
	wait_finalized(&eve_url, now + 1, MINUTE).await;
	let after_leaving = authored(&eve_node);
	let (now, _) = finalized(&alice).await.unwrap();
	// Two full rounds of the four remaining validators.
	wait_finalized(&alice, now + 8, 2 * MINUTE).await;
	assert_eq!(
		authored(&eve_node),
		after_leaving,
		"a removed validator authors no more blocks"
	);
}

/// `badge bulk` while the validator it talks to is killed (SIGKILL) and restarted on its RPC
/// port: the run reconnects, submits again what it cannot be sure of (the restarted node's pool
/// is empty), and completes with every row issued exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_issuance_completes_while_its_validator_is_killed_and_restarted() {
	const ROWS: usize = 6_000;
	let _turn = ONE_AT_A_TIME.lock().await;
	let mut consortium = Consortium::local();
	for node in &consortium.nodes {
		wait_finalized(&node.http_url(), 2, 2 * MINUTE).await;
	}
	let url = consortium.nodes[0].ws_url();
	let ministry = "//BulkMinistry";
	let account = badge(&url, ministry, &["account"])["account"]
		.as_str()
		.expect("an account")
		.to_string();
	motion_via_cli(
		&url,
		&[
			"issuer",
			"register",
			&account,
			"--name",
			"Bulk Ministry",
			"--url-home",
			"https://bulk.example.jp",
		],
	);
	let dir = tempfile::tempdir().unwrap();
	let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
	std::fs::write(
		path("class.toml"),
		"name = \"Programme graduate\"\ndescription = \"Completed the programme.\"\n\
		 criteria_url = \"https://bulk.example.jp/criteria\"\nachievement_type = \"Certificate\"\n",
	)
	.unwrap();
	std::fs::write(path("badge.svg"), "<svg>graduate</svg>").unwrap();
	let class = badge(
		&url,
		ministry,
		&[
			"class",
			"create",
			"--file",
			&path("class.toml"),
			"--image",
			&path("badge.svg"),
		],
	)["class"]
		.to_string();
	let mut csv = String::from("email\n");
	for n in 0..ROWS {
		csv.push_str(&format!("graduate-{n}@bulk.example.jp\n"));
	}
	std::fs::write(path("graduates.csv"), csv).unwrap();
	let results = dir.path().join("graduates.results.csv");
	let recorded = || {
		std::fs::read_to_string(&results)
			.map(|t| t.lines().skip(1).filter(|l| l.ends_with("issued")).count())
			.unwrap_or(0)
	};

	let run = std::process::Command::new(badge_harness::cli_binary())
		.args([
			"--json",
			"--timeout",
			"300",
			"bulk",
			"--class",
			&class,
			"--csv",
		])
		.arg(path("graduates.csv"))
		.args(["--batch-size", "100", "--in-flight", "4"])
		.env("BADGE_NODE_URL", &url)
		.env("BADGE_KEY", ministry)
		.env_remove("BADGE_CONFIG")
		.stdout(std::process::Stdio::piped())
		.stderr(std::process::Stdio::piped())
		.spawn()
		.expect("the badge CLI starts");
	poll("the run to record 300 rows", 5 * MINUTE, || async {
		(recorded() >= 300).then_some(())
	})
	.await;
	consortium.nodes[0].kill();
	let killed_at = recorded();
	tokio::time::sleep(Duration::from_secs(3)).await;
	consortium.nodes[0].restart_on_same_port();
	let output = tokio::task::spawn_blocking(move || run.wait_with_output())
		.await
		.unwrap()
		.unwrap();
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert!(
		output.status.success(),
		"the run completes: {}\n{stderr}",
		String::from_utf8_lossy(&output.stdout)
	);
	let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
	assert!(
		killed_at < ROWS,
		"the validator died mid-run ({killed_at} rows)"
	);
	assert!(
		summary["reconnections"].as_u64().unwrap() >= 1,
		"the run reconnected: {summary}\n{stderr}"
	);
	assert_eq!(
		summary["issued"].as_u64().unwrap() + summary["alreadyIssued"].as_u64().unwrap(),
		ROWS as u64,
		"{summary}"
	);
	let text = std::fs::read_to_string(&results).unwrap();
	let ids: std::collections::HashSet<&str> = text
		.lines()
		.skip(1)
		.map(|l| l.split(',').nth(2).unwrap())
		.collect();
	assert_eq!(
		text.lines().count() - 1,
		ROWS,
		"one results row per input row"
	);
	assert_eq!(ids.len(), ROWS, "no badge recorded twice");
	let shown = badge(
		&consortium.nodes[1].ws_url(),
		ministry,
		&["class", "show", &class],
	);
	assert_eq!(shown["issued"].as_u64(), Some(ROWS as u64), "{shown}");
}

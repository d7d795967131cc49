//! `badge bulk` as issuers run it, against a real `--dev` node: a large file in one run, and a
//! run stopped by a signal, then by a crash of both the node and the command, resumed by running
//! the same command again with every row issued exactly once.

use badge_harness::Node;
use common::{finished, issuer_with_class, members_csv, results_rows, Badge};
use std::{
	collections::HashSet,
	path::Path,
	process::Child,
	time::{Duration, Instant},
};

mod common;

/// The issuer's key.
const ISSUER: &str = "//BulkAgency";

/// A `--dev` node, a working directory with an empty config, and a class of [`ISSUER`], whom
/// the dev chain's council of one has registered.
fn dev_issuer() -> (Node, tempfile::TempDir, String) {
	let node = Node::dev();
	let dir = tempfile::tempdir().unwrap();
	std::fs::write(dir.path().join("no-config.toml"), "").unwrap();
	let badge = |key| Badge {
		url: node.ws_url(),
		key,
		dir: dir.path(),
	};
	let class = issuer_with_class(&badge("//Alice"), &badge(ISSUER));
	(node, dir, class)
}

/// Wait until the results file holds at least `rows` rows (the run still going).
fn wait_for_rows(path: &Path, rows: usize, run: &mut Child) {
	let deadline = Instant::now() + Duration::from_secs(300);
	while results_rows(path).len() < rows {
		if let Ok(Some(status)) = run.try_wait() {
			panic!("the run ended ({status}) before recording {rows} rows");
		}
		assert!(
			Instant::now() < deadline,
			"{rows} rows were not recorded in 5 minutes"
		);
		std::thread::sleep(Duration::from_millis(20));
	}
}

/// Every row of the results file names a different badge, and the chain's class counts as many.
fn assert_each_issued_once(issuer: &Badge, class: &str, results: &Path, rows: usize) {
	let recorded = results_rows(results);
	let ids: HashSet<&str> = recorded.iter().map(|r| r[2].as_str()).collect();
	assert_eq!(recorded.len(), rows, "one results row per input row");
	assert_eq!(ids.len(), rows, "no badge recorded twice");
	let lines: HashSet<&str> = recorded.iter().map(|r| r[0].as_str()).collect();
	assert_eq!(lines.len(), rows, "no input line recorded twice");
	let shown = issuer.ok(&["--json", "class", "show", class]);
	assert_eq!(
		shown["issued"].as_u64(),
		Some(rows as u64),
		"the chain issued each row's badge once: {shown}"
	);
}

#[test]
fn twenty_thousand_rows_are_issued_in_one_run_and_a_second_run_issues_none() {
	let (node, dir, class) = dev_issuer();
	let issuer = Badge {
		url: node.ws_url(),
		key: ISSUER,
		dir: dir.path(),
	};
	members_csv(&dir.path().join("members.csv"), 20_000, "bulk.example.jp");
	let args = ["--json", "bulk", "--class", &class, "--csv", "members.csv"];

	let first = issuer.ok(&args);
	assert_eq!(first["issued"], 20_000, "{first}");
	assert_eq!(first["alreadyIssued"], 0);
	assert_eq!(first["interrupted"], false);
	assert!(first["badgesPerSecond"].as_f64().unwrap() > 0.0);
	let results = dir.path().join("members.results.csv");
	assert_each_issued_once(&issuer, &class, &results, 20_000);
	assert!(results_rows(&results).iter().all(|r| r[7] == "issued"));

	let again = issuer.ok(&args);
	assert_eq!(
		(again["issued"].as_u64(), again["alreadyIssued"].as_u64()),
		(Some(0), Some(20_000)),
		"{again}"
	);
	assert_eq!(results_rows(&results).len(), 20_000);
}

#[test]
fn a_run_stopped_by_a_signal_then_by_a_crash_is_resumed_and_issues_every_row_once() {
	const ROWS: usize = 4_000;
	let (mut node, dir, class) = dev_issuer();
	let issuer = Badge {
		url: node.ws_url(),
		key: ISSUER,
		dir: dir.path(),
	};
	members_csv(&dir.path().join("members.csv"), ROWS, "crash.example.jp");
	let results = dir.path().join("members.results.csv");
	// Batches of 100, eight in flight: many transactions, so that each stop falls while some
	// are still to be submitted.
	let args = [
		"--json",
		"bulk",
		"--class",
		&class,
		"--csv",
		"members.csv",
		"--batch-size",
		"100",
		"--in-flight",
		"8",
	];

	// Ctrl-C's twin, SIGTERM: the run stops submitting, waits for what it submitted, records
	// it and says it was interrupted.
	let mut run = issuer.spawn(&args);
	wait_for_rows(&results, 100, &mut run);
	let signalled = std::process::Command::new("kill")
		.args(["-TERM", &run.id().to_string()])
		.status()
		.unwrap();
	assert!(signalled.success());
	let stopped = finished(run.wait_with_output().unwrap());
	assert_eq!(
		stopped.code, 130,
		"an interrupted run exits 130: {}{}",
		stopped.stdout, stopped.stderr
	);
	let summary = stopped.json();
	assert_eq!(summary["interrupted"], true, "{summary}");
	let recorded = results_rows(&results).len();
	assert!(
		recorded < ROWS && recorded == summary["issued"].as_u64().unwrap() as usize,
		"the interrupted run recorded what it issued ({recorded} rows): {summary}"
	);

	// A crash of both: the node and the command killed (SIGKILL) mid-run.
	let mut run = issuer.spawn(&args);
	wait_for_rows(&results, recorded + 500, &mut run);
	node.kill();
	run.kill().unwrap();
	run.wait().unwrap();
	let crashed_at = results_rows(&results).len();
	assert!(
		crashed_at < ROWS,
		"the crash came mid-run ({crashed_at} rows)"
	);

	// The node comes back (on another port); the same command completes the file.
	node.restart();
	let issuer = Badge {
		url: node.ws_url(),
		..issuer
	};
	let resumed = issuer.ok(&args);
	assert_eq!(resumed["interrupted"], false);
	assert_eq!(
		resumed["issued"].as_u64().unwrap() + resumed["alreadyIssued"].as_u64().unwrap(),
		ROWS as u64,
		"every row is issued now, found on chain, or recorded before: {resumed}"
	);
	assert_each_issued_once(&issuer, &class, &results, ROWS);
}

//! The benchmark harness in its smoke mode: `badge-bench --smoke` starts a four-validator
//! consortium, runs every workload small and writes a results table with a figure for each;
//! with `--bulk-only` or `--single-only`, that workload alone. (The full run is
//! `scripts/bench`; it is not part of the tests.)

use std::{process::Command, sync::Mutex};

/// One consortium at a time: the tests' validators would otherwise share the two cores.
static CONSORTIUM: Mutex<()> = Mutex::new(());

#[test]
fn the_smoke_run_measures_every_workload_and_writes_the_table() {
	let table = bench_table(&["--smoke"]);
	for figure in [
		"| 1. Single issuance | badges finalized per second |",
		"| 1. Single issuance | ratio badges / remarks |",
		"| 2. Bulk issuance | badges finalized per second",
		"| 2. Bulk issuance | `badge bulk`, 2000-row CSV: badges per second, start to exit |",
		"| 2. Bulk issuance | wallet results-file import, 2000 rows: rows per second",
		"| 2. Bulk issuance | wallet e-mails after that import: written to the outbox per second |",
		"| 3. Verification lookups | badges_verify (JSON-RPC), concurrency 16: per second |",
		"| 3. Verification lookups | state_call BadgesApi_verify, concurrency 64: p99 |",
		"| 3. Verification lookups | state_getStorage (raw record), concurrency 1: p50 |",
		"| 4. Finality latency | submit to finalized, p99 |",
		"| 3. Verification lookups | badges_verify, every question new, concurrency 16: per second |",
		"| 3. Verification lookups | badges_verify, concurrency 16, during bulk issuance: per second |",
		"| 5. Growth | database bytes per badge",
		"| 5. Growth | state bytes per badge",
		"| 5. Growth | storage entries per badge",
		"| 6. Resources | peak resident memory, Dave's node |",
		"| 5. Growth | 10000 badges at genesis: node start",
		"| 5. Growth | 1000 badges: badges_verify, every question new, concurrency 1: p50 |",
		"| 5. Growth | 10000 badges: badges_verify, every question new, concurrency 16: per second |",
		"| 5. Growth | latency ratio 10000 / 1000 badges (badges_verify p50, concurrency 1) |",
		"| 5. Growth | state bytes per badge generated at genesis",
		"| 5. Growth | database bytes per badge generated at genesis",
	] {
		let (row, value) = number_in(&table, figure);
		assert!(value.is_finite() && value > 0.0, "{row}");
	}
	// The pools' counters: each issuance is validated by at least the pool it was submitted
	// to, and handed to at least that one.
	for figure in [
		"| 1. Single issuance | runtime validations per badge in the four pools |",
		"| 1. Single issuance | submissions per badge to the four pools",
	] {
		let (row, per_badge) = number_in(&table, figure);
		assert!(per_badge >= 1.0, "{row}");
	}
	// Counts, which a quiet smoke run may leave at zero.
	for figure in [
		"| 2. Bulk issuance | heights with competing blocks over the bulk runs",
		"| 2. Bulk issuance | competing blocks beyond one per height",
		"| 2. Bulk issuance | proposals discarded as too slow",
	] {
		let (row, count) = value_cell(&table, figure);
		assert!(count.parse::<u64>().is_ok(), "{row}");
	}
	assert!(
		table.contains("smoke run") && table.contains("commit"),
		"{table}"
	);
}

#[test]
fn the_bulk_only_run_writes_the_bulk_rows_alone() {
	let table = bench_table(&["--smoke", "--bulk-only"]);
	assert_only_workload(
		&table,
		"| 2. ",
		&[
			"| 2. Bulk issuance | badges finalized per second",
			"| 2. Bulk issuance | submit to all finalized, 1000 badges |",
			"| 2. Bulk issuance | `badge bulk`, 1000-row CSV: start to exit (all final and recorded) |",
			"| 2. Bulk issuance | `badge bulk`, 2000-row CSV: badges per second, start to exit |",
		],
	);
	assert_sizes(&table, "Sizes: 1000 and ", "single issuances");
}

#[test]
fn the_single_only_run_writes_the_single_issuance_rows_alone() {
	let table = bench_table(&["--smoke", "--single-only"]);
	assert_only_workload(
		&table,
		"| 1. ",
		&[
			"| 1. Single issuance | badges finalized per second",
			"| 1. Single issuance | ratio badges / remarks",
			"| 1. Single issuance | runtime validations per badge",
		],
	);
	assert_sizes(&table, "Sizes: 1000 single issuances", "in bulk");
}

/// The table's heading names the sizes of the workload that ran (`ran`), not those of the
/// others (`other`).
fn assert_sizes(table: &str, ran: &str, other: &str) {
	let heading = table.split("\n|").next().unwrap();
	assert!(heading.contains(ran), "{heading}");
	assert!(!heading.contains(other), "{heading}");
}

/// `table` has a positive number in each of `figures`' rows, and no row of a workload other
/// than the one whose rows start with `workload`.
fn assert_only_workload(table: &str, workload: &str, figures: &[&str]) {
	for figure in figures {
		let (row, value) = number_in(table, figure);
		assert!(value.is_finite() && value > 0.0, "{row}");
	}
	for other in ["| 1. ", "| 2. ", "| 3. ", "| 4. ", "| 5. ", "| 6. "] {
		assert!(
			other == workload || !table.lines().any(|l| l.starts_with(other)),
			"a row of another workload than {workload:?}:\n{table}"
		);
	}
}

/// The table `badge-bench ARGS` writes (one consortium at a time).
fn bench_table(args: &[&str]) -> String {
	let _one = CONSORTIUM.lock().unwrap_or_else(|e| e.into_inner());
	let dir = tempfile::tempdir().unwrap();
	let out = dir.path().join("BENCHMARKS.md");
	let status = Command::new(env!("CARGO_BIN_EXE_badge-bench"))
		.args(args)
		.arg("--out")
		.arg(&out)
		.status()
		.expect("badge-bench runs");
	assert!(status.success(), "badge-bench {args:?} failed");
	std::fs::read_to_string(&out).unwrap()
}

/// The row of `table` that starts with `figure`, and the number its value cell begins with.
fn number_in<'a>(table: &'a str, figure: &str) -> (&'a str, f64) {
	let (row, cell) = value_cell(table, figure);
	let value = cell
		.split_whitespace()
		.next()
		.and_then(|v| v.parse().ok())
		.unwrap_or_else(|| panic!("no number in {row}"));
	(row, value)
}

/// The row of `table` that starts with `figure`, and its value cell (trimmed).
fn value_cell<'a>(table: &'a str, figure: &str) -> (&'a str, &'a str) {
	let row = table
		.lines()
		.find(|l| l.starts_with(figure))
		.unwrap_or_else(|| panic!("no row {figure}:\n{table}"));
	let cell = row
		.split('|')
		.nth(3)
		.map(str::trim)
		.unwrap_or_else(|| panic!("no value cell in {row}"));
	(row, cell)
}

//! `badge-bench`: how many badges a four-validator consortium issues and finalizes per second,
//! how fast a node answers verifications, how long finality takes, what a badge costs in
//! storage and what the nodes use in memory. It starts the `local` consortium (four validator
//! processes on loopback, the binaries next to this one, sessions lengthened to the consortium
//! template's hour), sets up an issuer and a class, runs the workloads with transactions signed
//! before the clock starts, and writes a Markdown table.
//!
//! `--smoke` runs every workload small (well under a minute each) for CI; the full run is
//! `scripts/bench`. Figures are medians of `--runs` runs; ratios are taken within a run.

use badge_client::{
	account_of, badge_spec, criteria_url, crypto, dev, runtime, AchievementType, BadgeClient,
	ClassSpec, Governed, Profile, Wait, H256,
};
use badge_harness::{wait_finalized, Consortium};
use clap::Parser;
use jsonrpsee::{core::client::ClientT, http_client::HttpClientBuilder, rpc_params};
use std::{
	path::PathBuf,
	time::{Duration, Instant},
};

/// Benchmarks on a local four-validator consortium.
#[derive(Parser, Debug)]
struct Args {
	/// Small sizes: every workload in well under a minute (for CI).
	#[arg(long)]
	smoke: bool,
	/// Runs per throughput workload (the median is reported) [default: 3, 1 with --smoke].
	#[arg(long)]
	runs: Option<usize>,
	/// Write the results table here.
	#[arg(long, default_value = "BENCHMARKS.md")]
	out: PathBuf,
	/// Badges (and remarks) per single-issuance run [default: 5,000, a sustained rate over
	/// several blocks; 1,000 with --smoke: more than Substrate's default future queue holds,
	/// which once stalled the fork-aware pool].
	#[arg(long)]
	single: Option<usize>,
	/// An extra argument for every validator, e.g. `--node-arg=--pool-type=single-state`
	/// (repeatable); the table names them.
	#[arg(long, allow_hyphen_values = true)]
	node_arg: Vec<String>,
	/// Only write the dev chain's spec with Alice an issuer and COUNT badges of hers generated
	/// at genesis to `--out`, and exit: `scripts/benchmark` builds the storage benchmark's state
	/// from it (`BADGE_NODE_BIN` names the node whose dev spec is patched).
	#[arg(long, value_name = "COUNT")]
	generated_spec: Option<u32>,
	/// Only the bulk issuance workload (its rows of the table), to compare code changes to the
	/// bulk path in a few minutes; `--out` should then name another file than BENCHMARKS.md.
	#[arg(long)]
	bulk_only: bool,
	/// Only the single-issuance workload (its rows of the table), as `--bulk-only` is for bulk
	/// issuance.
	#[arg(long, conflicts_with = "bulk_only")]
	single_only: bool,
}

/// Workload sizes.
struct Sizes {
	single: usize,
	/// Badges of the bulk wall-time runs (the target names 10,000).
	bulk: usize,
	/// Badges of the bulk throughput runs: several blocks' worth, for a sustained rate.
	bulk_sustained: usize,
	/// Rows of the CSV files `badge bulk` (the issuers' command) is run on.
	cli_bulk: [usize; 2],
	latency: usize,
	lookup_secs: f64,
	runs: usize,
}

/// One reported figure.
struct Figure {
	workload: &'static str,
	metric: String,
	value: f64,
	unit: &'static str,
	target: Option<(&'static str, bool)>,
}

fn figure(
	workload: &'static str,
	metric: impl Into<String>,
	value: f64,
	unit: &'static str,
) -> Figure {
	Figure {
		workload,
		metric: metric.into(),
		value,
		unit,
		target: None,
	}
}

/// Writes the results table to `--out`, keeping the analysis below it.
fn write_table(
	args: &Args,
	sizes: &Sizes,
	figures: &[Figure],
	started: Instant,
	issued: u64,
) -> Result<(), String> {
	let table = report(args, sizes, figures, started.elapsed(), issued);
	// The analysis written by people below the table (from "## What limits each figure" on)
	// is kept when the table is rewritten.
	let notes = std::fs::read_to_string(&args.out)
		.ok()
		.and_then(|old| old.find(NOTES).map(|at| old[at..].to_string()))
		.unwrap_or_default();
	let table = if notes.is_empty() {
		table
	} else {
		format!("{table}\n{notes}")
	};
	std::fs::write(&args.out, &table)
		.map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
	eprintln!(
		"wrote {} ({} figures) in {:.0} s",
		args.out.display(),
		figures.len(),
		started.elapsed().as_secs_f64()
	);
	Ok(())
}

fn median(mut values: Vec<f64>) -> f64 {
	values.sort_by(|a, b| a.total_cmp(b));
	values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
	if sorted.is_empty() {
		return f64::NAN;
	}
	let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
	sorted[index.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
	let args = Args::parse();
	match run(&args).await {
		Ok(()) => std::process::ExitCode::SUCCESS,
		Err(e) => {
			eprintln!("error: {e}");
			std::process::ExitCode::FAILURE
		}
	}
}

async fn run(args: &Args) -> Result<(), String> {
	if let Some(count) = args.generated_spec {
		let path = generated_spec(args.out.clone(), count)?;
		eprintln!("wrote {} ({count} generated badges)", path.display());
		return Ok(());
	}
	let sizes = if args.smoke {
		Sizes {
			single: args.single.unwrap_or(1_000),
			bulk: 1_000,
			bulk_sustained: 2_000,
			cli_bulk: [1_000, 2_000],
			latency: 5,
			lookup_secs: 1.0,
			runs: args.runs.unwrap_or(1),
		}
	} else {
		Sizes {
			single: args.single.unwrap_or(5_000),
			bulk: 10_000,
			bulk_sustained: 50_000,
			cli_bulk: [10_000, 100_000],
			latency: 20,
			lookup_secs: 5.0,
			runs: args.runs.unwrap_or(3),
		}
	};
	let started = Instant::now();
	eprintln!("starting the four validators of the local chain");
	let node_args: Vec<&str> = args.node_arg.iter().map(String::as_str).collect();
	let spec_dir = tempfile::tempdir().map_err(|e| e.to_string())?;
	let spec = local_spec(spec_dir.path())?;
	let mut consortium = Consortium::start(&spec.to_string_lossy(), &node_args);
	for node in &consortium.nodes {
		wait_finalized(&node.http_url(), 1, Duration::from_secs(180)).await;
	}
	// Dave's validator measures the state's growth: stopped cleanly before and after the
	// workloads (ParityDB keeps recent writes in its log until it closes).
	let mut dave = consortium.nodes.pop().expect("four validators");
	dave.stop();
	let state_before = state_column_size(dave.base_path.path())?;
	dave.restart();
	wait_finalized(&dave.http_url(), 1, Duration::from_secs(180)).await;
	let node = &consortium.nodes[0];
	let client = BadgeClient::connect(&node.ws_url())
		.await
		.map_err(|e| e.to_string())?
		.with_timeout(Duration::from_secs(600));
	let issuer = dev::ferdie();
	let class = setup(&client, &issuer).await?;
	let mut figures = Vec::new();
	let mut nonce = client
		.next_nonce(&account_of(&issuer))
		.await
		.map_err(|e| e.to_string())?;
	let mut recipients = Recipients {
		class,
		issued: Vec::new(),
	};

	let validators: Vec<&badge_harness::Node> = consortium.nodes.iter().chain([&dave]).collect();
	if !args.bulk_only {
		// 1. Single issuance versus system.remark, one badge per extrinsic.
		eprintln!(
			"single issuance: {} badges and {} remarks per run, {} runs",
			sizes.single, sizes.single, sizes.runs
		);
		let (mut badge_rates, mut remark_rates) = (Vec::new(), Vec::new());
		let (mut validations, mut submissions) = (Vec::new(), Vec::new());
		for _ in 0..sizes.runs {
			let remarks: Vec<_> = (0..sizes.single)
				.map(|i| {
					runtime::tx()
						.system()
						.remark(format!("bench {nonce} {i}").into_bytes())
				})
				.collect();
			let signed = client
				.sign_offline(&remarks, &issuer, nonce)
				.await
				.map_err(|e| e.to_string())?;
			remark_rates.push(throughput(&client, node, &issuer, signed, nonce).await?);
			nonce += sizes.single as u64;
			let signed = recipients
				.signed_issues(&client, &issuer, nonce, sizes.single)
				.await?;
			let before = PoolCounts::read(&validators)?;
			badge_rates.push(throughput(&client, node, &issuer, signed, nonce).await?);
			let (validated, submitted) = PoolCounts::read(&validators)?.per(before, sizes.single);
			validations.push(validated);
			submissions.push(submitted);
			nonce += sizes.single as u64;
		}
		// The ratio is taken within each run (remarks and badges back to back), then the median.
		let ratio = median(
			badge_rates
				.iter()
				.zip(&remark_rates)
				.map(|(badges, remarks)| badges / remarks)
				.collect(),
		);
		let (badges, remarks) = (median(badge_rates), median(remark_rates));
		figures.push(Figure {
			target: Some(("≥ 500", badges >= 500.0)),
			..figure(
				"1. Single issuance",
				"badges finalized per second",
				badges,
				"/s",
			)
		});
		figures.push(figure(
			"1. Single issuance",
			"system.remark finalized per second",
			remarks,
			"/s",
		));
		figures.push(Figure {
			target: Some(("≥ 0.8", ratio >= 0.8)),
			..figure("1. Single issuance", "ratio badges / remarks", ratio, "")
		});
		figures.push(figure(
			"1. Single issuance",
			"runtime validations per badge in the four pools",
			median(validations),
			"",
		));
		figures.push(figure(
			"1. Single issuance",
			"submissions per badge to the four pools (RPC and gossip, known ones included)",
			median(submissions),
			"",
		));
		if args.single_only {
			return write_table(
				args,
				&sizes,
				&figures,
				started,
				recipients.issued.len() as u64,
			);
		}
	}

	// 2. Bulk issuance in batches of the chain's maximum.
	let max = client.max_batch().await.map_err(|e| e.to_string())? as usize;
	eprintln!(
		"bulk issuance: {} and {} badges in batches of {max}, {} runs",
		sizes.bulk, sizes.bulk_sustained, sizes.runs
	);
	let db_before = dir_size(node.base_path.path());
	let badges_before = recipients.issued.len();
	let log_marks: Vec<usize> = validators.iter().map(|v| log_len(v)).collect();
	let (mut bulk_rates, mut bulk_walls) = (Vec::new(), Vec::new());
	for _ in 0..sizes.runs {
		for (size, walls) in [
			(sizes.bulk, Some(&mut bulk_walls)),
			(sizes.bulk_sustained, None),
		] {
			let signed = recipients
				.signed_batches(&client, &issuer, nonce, size, max)
				.await?;
			let count = signed.len() as u64;
			let wall = until_finalized(&client, node, &issuer, &signed, nonce).await?;
			eprintln!("  {size} badges final {wall:.2} s after the first submission");
			nonce += count;
			match walls {
				Some(walls) => walls.push(wall),
				None => bulk_rates.push(size as f64 / wall),
			}
		}
	}
	let rate = median(bulk_rates);
	let wall = median(bulk_walls);
	figures.push(Figure {
		target: Some(("≥ 5,000", rate >= 5_000.0)),
		..figure(
			"2. Bulk issuance",
			format!(
				"badges finalized per second (batches of {max}, {} per run)",
				sizes.bulk_sustained
			),
			rate,
			"/s",
		)
	});
	let wall_target = if sizes.bulk == 10_000 {
		Some(("≤ 10 s", wall <= 10.0))
	} else {
		None
	};
	figures.push(Figure {
		target: wall_target,
		..figure(
			"2. Bulk issuance",
			format!("submit to all finalized, {} badges", sizes.bulk),
			wall,
			"s",
		)
	});
	// What the validators logged meanwhile: blocks that competed at one height (as Alice
	// imported them), and proposals given up for taking longer than their slot.
	let (heights, extra) = competing_blocks(&log_since(validators[0], log_marks[0]));
	figures.push(figure(
		"2. Bulk issuance",
		"heights with competing blocks over the bulk runs (Alice's imports)",
		heights as f64,
		"",
	));
	figures.push(figure(
		"2. Bulk issuance",
		"competing blocks beyond one per height over the bulk runs (Alice's imports)",
		extra as f64,
		"",
	));
	let discarded: usize = validators
		.iter()
		.zip(&log_marks)
		.map(|(v, &mark)| {
			log_since(v, mark)
				.iter()
				.filter(|line| line.contains("Discarding proposal for slot"))
				.count()
		})
		.sum();
	figures.push(figure(
		"2. Bulk issuance",
		"proposals discarded as too slow over the bulk runs (all validators)",
		discarded as f64,
		"",
	));

	if args.bulk_only {
		figures.extend(cli_bulk(&client, node, class, &sizes).await?);
		return write_table(
			args,
			&sizes,
			&figures,
			started,
			recipients.issued.len() as u64,
		);
	}

	// 5. Growth over the bulk runs, per badge: the whole database (blocks and their bodies too)
	// and the badge's own storage entries (keys and values). The state column is measured at
	// the end, on a validator stopped cleanly.
	let badges = (recipients.issued.len() - badges_before) as f64;
	let grown = dir_size(node.base_path.path()).saturating_sub(db_before) as f64;
	figures.push(figure(
		"5. Growth",
		"database bytes per badge (whole database, blocks included, bulk runs)",
		grown / badges,
		"B",
	));
	figures.push(figure(
		"5. Growth",
		"storage entries per badge (keys and values, no trie nodes)",
		entry_bytes(&node.http_url(), recipients.issued[badges_before]).await? as f64,
		"B",
	));

	// `badge bulk`, after the growth figures (its badges are not the harness's).
	figures.extend(cli_bulk(&client, node, class, &sizes).await?);
	nonce = client
		.next_nonce(&account_of(&issuer))
		.await
		.map_err(|e| e.to_string())?;

	// 4. Finality latency of single issuances at low load.
	eprintln!(
		"finality latency: {} badges one after another",
		sizes.latency
	);
	let signed = recipients
		.signed_issues(&client, &issuer, nonce, sizes.latency)
		.await?;
	nonce += signed.len() as u64;
	let (mut in_block, mut finalized) = (Vec::new(), Vec::new());
	for tx in signed {
		let (b, f) = client
			.submit_raw_watch(tx)
			.await
			.map_err(|e| e.to_string())?;
		in_block.push(b.as_secs_f64());
		finalized.push(f.as_secs_f64());
	}
	in_block.sort_by(|a, b| a.total_cmp(b));
	finalized.sort_by(|a, b| a.total_cmp(b));
	let block_time = 2.0;
	figures.push(figure(
		"4. Finality latency",
		"submit to in block, p50",
		percentile(&in_block, 0.5),
		"s",
	));
	figures.push(figure(
		"4. Finality latency",
		"submit to in block, p99",
		percentile(&in_block, 0.99),
		"s",
	));
	figures.push(figure(
		"4. Finality latency",
		"submit to finalized, p50",
		percentile(&finalized, 0.5),
		"s",
	));
	let p99 = percentile(&finalized, 0.99);
	figures.push(Figure {
		target: Some(("≤ 6 s (3 blocks)", p99 <= 3.0 * block_time)),
		..figure("4. Finality latency", "submit to finalized, p99", p99, "s")
	});

	// 3. Verification lookups: the node's JSON-RPC verdict, the runtime API through state_call,
	// and a raw storage read of the same badge, at three concurrencies.
	eprintln!(
		"verification lookups: {} s per method and concurrency",
		sizes.lookup_secs
	);
	let sample: Vec<H256> = recipients
		.issued
		.iter()
		.step_by((recipients.issued.len() / 1000).max(1))
		.copied()
		.collect();
	for concurrency in [1usize, 16, 64] {
		let mut rates = Vec::new();
		for method in [
			Lookup::Rpc,
			Lookup::StateCall,
			Lookup::Storage,
			Lookup::RpcNew,
		] {
			let (rate, p50, p99) = lookups(
				&node.http_url(),
				method,
				&sample,
				concurrency,
				sizes.lookup_secs,
			)
			.await?;
			let name = method.name();
			let verdict_target = matches!(method, Lookup::Rpc) && concurrency == 16;
			figures.push(Figure {
				target: verdict_target.then_some(("≥ 20,000", rate >= 20_000.0)),
				..figure(
					"3. Verification lookups",
					format!("{name}, concurrency {concurrency}: per second"),
					rate,
					"/s",
				)
			});
			figures.push(figure(
				"3. Verification lookups",
				format!("{name}, concurrency {concurrency}: p50"),
				p50 * 1000.0,
				"ms",
			));
			figures.push(Figure {
				target: verdict_target.then_some(("< 5 ms", p99 * 1000.0 < 5.0)),
				..figure(
					"3. Verification lookups",
					format!("{name}, concurrency {concurrency}: p99"),
					p99 * 1000.0,
					"ms",
				)
			});
			rates.push(rate);
		}
		let ratio = rates[0] / rates[2];
		figures.push(Figure {
			target: (concurrency == 16).then_some(("≥ 0.5", ratio >= 0.5)),
			..figure(
				"3. Verification lookups",
				format!("ratio badges_verify / state_getStorage, concurrency {concurrency}"),
				ratio,
				"",
			)
		});
		figures.push(figure(
			"3. Verification lookups",
			format!(
				"ratio badges_verify (every question new) / state_getStorage, concurrency {concurrency}"
			),
			rates[3] / rates[2],
			"",
		));
	}

	// Lookups while a bulk issuance runs on the same node.
	let during = sizes.lookup_secs * 2.0;
	eprintln!(
		"verification lookups for {during} s while {} badges are issued in bulk",
		sizes.bulk
	);
	let signed = recipients
		.signed_batches(&client, &issuer, nonce, sizes.bulk, max)
		.await?;
	let count = signed.len() as u64;
	let url = node.http_url();
	let (looked, issued) = tokio::join!(
		lookups(&url, Lookup::Rpc, &sample, 16, during),
		until_finalized(&client, node, &issuer, &signed, nonce)
	);
	nonce += count;
	let (rate, _, p99) = looked?;
	let wall = issued?;
	figures.push(figure(
		"3. Verification lookups",
		"badges_verify, concurrency 16, during bulk issuance: per second",
		rate,
		"/s",
	));
	figures.push(figure(
		"3. Verification lookups",
		"badges_verify, concurrency 16, during bulk issuance: p99",
		p99 * 1000.0,
		"ms",
	));
	figures.push(figure(
		"2. Bulk issuance",
		format!(
			"submit to all finalized, {} badges, with lookups running",
			sizes.bulk
		),
		wall,
		"s",
	));

	// 6. Peak resident memory of each validator (Dave's since its restart at the start).
	for (node, name) in consortium
		.nodes
		.iter()
		.chain([&dave])
		.zip(["Alice", "Bob", "Charlie", "Dave"])
	{
		let kib = peak_rss_kib(node.pid());
		figures.push(figure(
			"6. Resources",
			format!("peak resident memory, {name}'s node"),
			kib as f64 / 1024.0,
			"MiB",
		));
	}

	// 5. Growth of the state column, per badge issued in the run. Not the target's figure: a
	// run of minutes never leaves the 256-block pruning window, so the column still holds every
	// block's superseded trie nodes (the genesis comparison below has none).
	eprintln!("stopping Dave's validator to measure its state column");
	dave.stop();
	let state = state_column_size(dave.base_path.path())?.saturating_sub(state_before) as f64
		/ recipients.issued.len() as f64;
	figures.push(figure(
		"5. Growth",
		"state bytes per badge (ParityDB state column growth over the run, superseded trie nodes \
		 within the pruning window included, Dave's validator)",
		state,
		"B",
	));

	// 5. Growth: a chain holding few versus many badges, each a dev chain whose badges were
	// generated at genesis through the issuance path (a million need no hours of blocks): the
	// verification latency on each, and the state a badge takes once no superseded trie node
	// is left (the state column after genesis, per badge of the difference).
	drop(client);
	drop(consortium);
	drop(dave);
	let (few, many) = if args.smoke {
		(1_000, 10_000)
	} else {
		(1_000, 1_000_000)
	};
	let mut chains = Vec::new();
	for count in [few, many] {
		eprintln!("a dev chain whose genesis holds {count} generated badges");
		chains.push(generated_chain(count, sizes.lookup_secs).await?);
	}
	for (count, chain) in [few, many].into_iter().zip(&chains) {
		figures.push(figure(
			"5. Growth",
			format!("{count} badges at genesis: node start (genesis built)"),
			chain.start_secs,
			"s",
		));
		for (concurrency, (rate, p50, p99)) in [(1, chain.c1), (16, chain.c16)] {
			figures.push(figure(
				"5. Growth",
				format!("{count} badges: badges_verify, every question new, concurrency {concurrency}: per second"),
				rate,
				"/s",
			));
			figures.push(figure(
				"5. Growth",
				format!("{count} badges: badges_verify, every question new, concurrency {concurrency}: p50"),
				p50 * 1000.0,
				"ms",
			));
			figures.push(figure(
				"5. Growth",
				format!("{count} badges: badges_verify, every question new, concurrency {concurrency}: p99"),
				p99 * 1000.0,
				"ms",
			));
		}
	}
	let (a, b) = (&chains[0], &chains[1]);
	let slower = b.c1.1 / a.c1.1;
	figures.push(Figure {
		target: (many == 1_000_000).then_some(("≤ 1.2", slower <= 1.2)),
		..figure(
			"5. Growth",
			format!("latency ratio {many} / {few} badges (badges_verify p50, concurrency 1)"),
			slower,
			"",
		)
	});
	figures.push(figure(
		"5. Growth",
		format!("latency ratio {many} / {few} badges (badges_verify p50, concurrency 16)"),
		b.c16.1 / a.c16.1,
		"",
	));
	// The whole database also holds, freed but still allocated (ParityDB does not shrink its
	// files), the genesis block's state-db journal: a copy of every trie node it inserted. The
	// target's figure is the state column below; this one shows the difference.
	let whole = b.db_bytes.saturating_sub(a.db_bytes) as f64 / (many - few) as f64;
	figures.push(figure(
		"5. Growth",
		format!(
			"database bytes per badge generated at genesis (whole database, {many} vs {few} \
			 badges; the genesis journal's freed copy of the trie included)"
		),
		whole,
		"B",
	));
	let live = b.state_bytes.saturating_sub(a.state_bytes) as f64 / (many - few) as f64;
	figures.push(Figure {
		target: Some(("≤ 200", live <= 200.0)),
		..figure(
			"5. Growth",
			format!(
				"state bytes per badge generated at genesis (state column, {many} vs {few} badges)"
			),
			live,
			"B",
		)
	});

	let _ = nonce;
	write_table(
		args,
		&sizes,
		&figures,
		started,
		recipients.issued.len() as u64,
	)
}

/// The badges the run issues: recipient `n` is `member-n@bench.example.jp`, with a
/// deterministic claim key, in one class.
struct Recipients {
	class: u32,
	/// Every badge id handed out so far.
	issued: Vec<H256>,
}

impl Recipients {
	/// `issue` transactions for the next `count` badges, one each, signed by `issuer` from
	/// nonce `first` on.
	async fn signed_issues(
		&mut self,
		client: &BadgeClient,
		issuer: &badge_client::Keypair,
		first: u64,
		count: usize,
	) -> Result<Vec<Vec<u8>>, String> {
		let class = self.class;
		let calls: Vec<_> = self
			.specs(count)
			.into_iter()
			.map(|spec| runtime::tx().badges().issue(class, spec))
			.collect();
		client
			.sign_offline(&calls, issuer, first)
			.await
			.map_err(|e| e.to_string())
	}

	/// `issue_batch` transactions for the next `count` badges, `max` per call, signed by
	/// `issuer` from nonce `first` on.
	async fn signed_batches(
		&mut self,
		client: &BadgeClient,
		issuer: &badge_client::Keypair,
		first: u64,
		count: usize,
		max: usize,
	) -> Result<Vec<Vec<u8>>, String> {
		let calls = self.batches(count, max);
		client
			.sign_offline(&calls, issuer, first)
			.await
			.map_err(|e| e.to_string())
	}

	/// `issue_batch` calls for the next `count` badges, `max` per call.
	fn batches(
		&mut self,
		count: usize,
		max: usize,
	) -> Vec<impl badge_client::subxt::transactions::Payload> {
		let mut calls = Vec::new();
		let mut left = count;
		while left > 0 {
			let n = left.min(max);
			let specs = self.specs(n);
			calls.push(runtime::tx().badges().issue_batch(
				self.class,
				runtime::runtime_types::bounded_collections::bounded_vec::BoundedVec(specs),
			));
			left -= n;
		}
		calls
	}

	/// The specs of the next `n` badges (their ids recorded).
	fn specs(&mut self, n: usize) -> Vec<badge_client::BadgeSpec> {
		(0..n)
			.map(|_| {
				let index = self.issued.len() as u64;
				let email = format!("member-{index}@bench.example.jp");
				let commitment = crypto::recipient_commitment(&email, "bench");
				let claim = crypto::ClaimKey::from_seed(sp_seed(index));
				self.issued.push(crypto::badge_id(self.class, &commitment));
				badge_spec(commitment, &claim, None, None)
			})
			.collect()
	}
}

/// A deterministic claim-key seed for recipient `n`.
fn sp_seed(n: u64) -> [u8; 32] {
	let mut seed = [7u8; 32];
	seed[..8].copy_from_slice(&n.to_le_bytes());
	seed
}

/// Register Ferdie as an issuer (a motion of three of the four council members) and create a
/// class; the class id.
async fn setup(client: &BadgeClient, issuer: &badge_client::Keypair) -> Result<u32, String> {
	let profile = Profile {
		name: "Bench Agency".into(),
		url: "https://bench.example.jp".into(),
		contact: None,
	};
	match client
		.register_issuer(&dev::alice(), &account_of(issuer), &profile, Wait::InBlock)
		.await
		.map_err(|e| e.to_string())?
	{
		Governed::Done(_) => {}
		Governed::Proposed(motion) => {
			for member in [dev::alice(), dev::bob(), dev::charlie()] {
				client
					.vote(&member, motion.hash, motion.index, true, Wait::InBlock)
					.await
					.map_err(|e| e.to_string())?;
			}
			client
				.close(&dev::alice(), motion.hash, motion.index, Wait::Finalized)
				.await
				.map_err(|e| e.to_string())?
				.done()
				.map_err(|e| e.to_string())?;
		}
	}
	client
		.create_class(
			issuer,
			&ClassSpec {
				name: "Benchmark member".into(),
				description: "Issued by the benchmark harness".into(),
				criteria: criteria_url("https://bench.example.jp/criteria"),
				achievement_type: AchievementType::Membership,
				image_digest: crypto::image_digest(b"<svg/>"),
			},
			Wait::Finalized,
		)
		.await
		.map_err(|e| e.to_string())
}

/// Submit every pre-signed transaction to `node`, [`SUBMITTERS`] at a time (each on its own
/// [`LeanRpc`] connection), taken in nonce order.
async fn submit_all(node: &badge_harness::Node, signed: &[Vec<u8>]) -> Result<(), String> {
	let url = node.http_url();
	let next = std::sync::atomic::AtomicUsize::new(0);
	let worker = || async {
		let mut rpc = LeanRpc::connect(&url).await?;
		loop {
			let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
			let Some(tx) = signed.get(i) else {
				return Ok::<_, String>(());
			};
			let hex = format!("\"0x{}\"", hex::encode(tx));
			rpc.call("author_submitExtrinsic", &hex)
				.await
				.map_err(|e| format!("author_submitExtrinsic: {e}"))?;
		}
	};
	let workers: Vec<_> = (0..SUBMITTERS).map(|_| worker()).collect();
	for result in futures::future::join_all(workers).await {
		result?;
	}
	Ok(())
}

/// Submissions in flight at once: the pool validates each in the runtime, so a node with two
/// cores takes more per second from a few concurrent callers than from one waiting on each.
const SUBMITTERS: usize = 4;

/// Wait until the signer's finalized nonce reaches `target`; fail when it has not moved for a
/// minute (a lost transaction leaves a nonce gap that nothing fills).
async fn wait_nonce(
	client: &BadgeClient,
	signer: &badge_client::Keypair,
	target: u64,
) -> Result<(), String> {
	let account = account_of(signer);
	let (mut seen, mut moved) = (0, Instant::now());
	loop {
		let nonce = client
			.finalized_nonce(&account)
			.await
			.map_err(|e| e.to_string())?;
		if nonce >= target {
			return Ok(());
		}
		if nonce != seen {
			(seen, moved) = (nonce, Instant::now());
		} else if moved.elapsed() > Duration::from_secs(60) {
			return Err(format!(
				"stalled: the finalized nonce stayed at {nonce} for a minute, {} short of {target}",
				target - nonce
			));
		}
		tokio::time::sleep(Duration::from_millis(50)).await;
	}
}

/// Submit `signed` (nonces `first..`) and time it until all are finalized: extrinsics per
/// second.
async fn throughput(
	client: &BadgeClient,
	node: &badge_harness::Node,
	signer: &badge_client::Keypair,
	signed: Vec<Vec<u8>>,
	first: u64,
) -> Result<f64, String> {
	Ok(signed.len() as f64 / until_finalized(client, node, signer, &signed, first).await?)
}

/// Submit `signed` (nonces `first..`): seconds until all are finalized.
async fn until_finalized(
	client: &BadgeClient,
	node: &badge_harness::Node,
	signer: &badge_client::Keypair,
	signed: &[Vec<u8>],
	first: u64,
) -> Result<f64, String> {
	let count = signed.len() as u64;
	let start = Instant::now();
	submit_all(node, signed).await?;
	let submitted = start.elapsed().as_secs_f64();
	wait_nonce(client, signer, first + count).await?;
	let done = start.elapsed().as_secs_f64();
	eprintln!(
		"  {count} extrinsics: submitted in {submitted:.1} s, all finalized after {done:.1} s"
	);
	Ok(done)
}

/// `badge bulk`, the command issuers run (the issuer Ferdie's key, `node`'s RPC), on generated
/// CSV files of each of the sizes' row counts, timed from starting the command to its exit:
/// every badge finalized and recorded in its results file, with nothing signed beforehand.
async fn cli_bulk(
	client: &BadgeClient,
	node: &badge_harness::Node,
	class: u32,
	sizes: &Sizes,
) -> Result<Vec<Figure>, String> {
	let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
	let config = dir.path().join("no-config.toml");
	std::fs::write(&config, "").map_err(|e| e.to_string())?;
	let mut walls = [Vec::new(), Vec::new()];
	let mut largest = Vec::new();
	for run in 0..sizes.runs {
		for (walls, rows) in walls.iter_mut().zip(sizes.cli_bulk) {
			let csv = dir.path().join(format!("members-{run}-{rows}.csv"));
			let mut text = String::from("email\n");
			for n in 0..rows {
				text.push_str(&format!("cli-{run}-{rows}-{n}@bench.example.jp\n"));
			}
			std::fs::write(&csv, text).map_err(|e| e.to_string())?;
			let before = client
				.next_nonce(&account_of(&dev::ferdie()))
				.await
				.map_err(|e| e.to_string())?;
			let start = Instant::now();
			let out = tokio::process::Command::new(badge_harness::cli_binary())
				.args(["--json", "bulk", "--class", &class.to_string(), "--csv"])
				.arg(&csv)
				.env("BADGE_NODE_URL", node.ws_url())
				.env("BADGE_KEY", "//Ferdie")
				.env("BADGE_CONFIG", &config)
				.output()
				.await
				.map_err(|e| format!("badge bulk does not run: {e}"))?;
			let wall = start.elapsed().as_secs_f64();
			let summary: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| {
				format!(
					"badge bulk printed no JSON ({e}): {}",
					String::from_utf8_lossy(&out.stderr)
				)
			})?;
			if !out.status.success() || summary["issued"].as_u64() != Some(rows as u64) {
				return Err(format!(
					"badge bulk of {rows} rows failed: {summary}\n{}",
					String::from_utf8_lossy(&out.stderr)
				));
			}
			let after = client
				.next_nonce(&account_of(&dev::ferdie()))
				.await
				.map_err(|e| e.to_string())?;
			eprintln!(
				"  badge bulk, {rows} rows: {wall:.2} s from start to exit ({:.0} badges/s, {} \
				 transactions; seconds per phase {})",
				rows as f64 / wall,
				after - before,
				summary["phaseSeconds"]
			);
			walls.push(wall);
			if rows == sizes.cli_bulk[1] {
				largest.push(csv.with_extension("results.csv"));
			}
		}
	}
	// The wallet service imports each run's largest results file, e-mails to its outbox folder
	// (an empty SMTP URL). It starts only now: its ledger indexer would otherwise share the
	// cores with the runs of `badge bulk` above.
	let wallet_dir = dir.path().join("wallet");
	std::fs::create_dir_all(&wallet_dir).map_err(|e| e.to_string())?;
	let wallet = badge_harness::services::Wallet::start(
		&wallet_dir,
		None,
		&node.ws_url(),
		"",
		"Bench issuer",
		&account_of(&dev::ferdie()).to_string(),
	);
	let mut imports = Vec::new();
	let mut mailed = Vec::new();
	for results in &largest {
		let (import, mail) = wallet_import(&wallet, results, sizes.cli_bulk[1]).await?;
		imports.push(import);
		mailed.push(mail);
	}
	drop(wallet);
	let mut figures = Vec::new();
	let rows = sizes.cli_bulk[1];
	let rate = rows as f64 / median(imports);
	figures.push(Figure {
		target: (rows == 100_000).then_some(("≥ 1,000", rate >= 1_000.0)),
		..figure(
			"2. Bulk issuance",
			format!(
				"wallet results-file import, {rows} rows: rows per second (applications \
				 recorded, e-mails queued)"
			),
			rate,
			"/s",
		)
	});
	figures.push(figure(
		"2. Bulk issuance",
		"wallet e-mails after that import: written to the outbox per second",
		rows as f64 / median(mailed),
		"/s",
	));
	for (walls, rows) in walls.into_iter().zip(sizes.cli_bulk) {
		let wall = median(walls);
		let rate = rows as f64 / wall;
		figures.push(figure(
			"2. Bulk issuance",
			format!("`badge bulk`, {rows}-row CSV: start to exit (all final and recorded)"),
			wall,
			"s",
		));
		figures.push(Figure {
			target: (rows == 100_000).then_some(("≥ 5,000", rate >= 5_000.0)),
			..figure(
				"2. Bulk issuance",
				format!("`badge bulk`, {rows}-row CSV: badges per second, start to exit"),
				rate,
				"/s",
			)
		});
	}
	Ok(figures)
}

/// Import the results file at `results` (`rows` issued rows) into `wallet` through
/// `POST /api/applications/import`: seconds until it answered (every application recorded,
/// its e-mail queued), then seconds until the last of those e-mails is in the outbox folder.
async fn wallet_import(
	wallet: &badge_harness::services::Wallet,
	results: &std::path::Path,
	rows: usize,
) -> Result<(f64, f64), String> {
	let body =
		std::fs::read_to_string(results).map_err(|e| format!("{}: {e}", results.display()))?;
	let outbox = wallet.data_dir.join("outbox");
	let mails_before = count_files(&outbox);
	let url = format!("{}/api/applications/import?lang=en", wallet.url());
	let auth = format!("Bearer {}", wallet.issuer_token);
	let start = Instant::now();
	let response = tokio::task::spawn_blocking(move || {
		badge_harness::services::http(
			"POST",
			&url,
			&[("Authorization", &auth), ("Content-Type", "text/csv")],
			&body,
		)
	})
	.await
	.map_err(|e| e.to_string())?;
	let imported = start.elapsed().as_secs_f64();
	let report: serde_json::Value = serde_json::from_str(&response.body)
		.map_err(|e| format!("the import answered {}: {e}", response.status))?;
	if response.status != 200 || report["added"].as_u64() != Some(rows as u64) {
		return Err(format!(
			"the wallet imported {} of {rows} rows (HTTP {}): {}",
			report["added"], response.status, report["listed"]
		));
	}
	loop {
		let mailed = count_files(&outbox) - mails_before;
		if mailed >= rows {
			break;
		}
		if start.elapsed() > Duration::from_secs(900) {
			return Err(format!(
				"only {mailed} of {rows} e-mails written in 15 minutes"
			));
		}
		tokio::time::sleep(Duration::from_millis(250)).await;
	}
	let mailed = start.elapsed().as_secs_f64();
	eprintln!(
		"  wallet import, {rows} rows: {imported:.2} s ({:.0} rows/s); all e-mails written \
		 {mailed:.1} s after the start ({:.0}/s)",
		rows as f64 / imported,
		rows as f64 / mailed
	);
	Ok((imported, mailed))
}

/// Files in `dir` (0 if it does not exist).
fn count_files(dir: &std::path::Path) -> usize {
	std::fs::read_dir(dir).map_or(0, |d| d.count())
}

/// The heading from which `BENCHMARKS.md` is written by people, kept across runs.
const NOTES: &str = "## What limits each figure";

/// Questions asked with a fresh image digest so far (each digest is asked once per run).
static FRESH: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A way to ask a node about a badge.
#[derive(Clone, Copy)]
enum Lookup {
	/// `badges_verify`: the node's JSON verdict.
	Rpc,
	/// `state_call` of `BadgesApi_verify`: the runtime's SCALE verdict.
	StateCall,
	/// `state_getStorage` of the badge's record: no verdict, the floor.
	Storage,
	/// `badges_verify` with an image digest never asked before: every question is answered
	/// afresh (the verdict cache cannot help), a design mismatch.
	RpcNew,
}

impl Lookup {
	fn name(self) -> &'static str {
		match self {
			Lookup::Rpc => "badges_verify (JSON-RPC)",
			Lookup::StateCall => "state_call BadgesApi_verify",
			Lookup::Storage => "state_getStorage (raw record)",
			Lookup::RpcNew => "badges_verify, every question new",
		}
	}

	/// The JSON-RPC parameters of a question about badge `id` (for `RpcNew`, without the image
	/// digest, which is new every time it is asked).
	fn params(self, id: &H256) -> String {
		match self {
			Lookup::Rpc | Lookup::RpcNew => format!("\"{id:?}\""),
			Lookup::StateCall => {
				format!(
					"\"BadgesApi_verify\",\"0x{}00\"",
					hex::encode(id.as_bytes())
				)
			}
			Lookup::Storage => format!("\"{}\"", badge_key(id)),
		}
	}

	/// The parameters sent for a question of [`Lookup::params`]: as they are, or for `RpcNew`
	/// with an image digest never asked before appended.
	fn asked(self, params: &str) -> std::borrow::Cow<'_, str> {
		match self {
			Lookup::RpcNew => {
				let mut digest = [0xd1; 32];
				let n = FRESH.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
				digest[..8].copy_from_slice(&n.to_le_bytes());
				format!("{params},\"0x{}\"", hex::encode(digest)).into()
			}
			Lookup::Rpc | Lookup::StateCall | Lookup::Storage => params.into(),
		}
	}

	/// The JSON-RPC method asked.
	fn method(self) -> &'static str {
		match self {
			Lookup::Rpc | Lookup::RpcNew => "badges_verify",
			Lookup::StateCall => "state_call",
			Lookup::Storage => "state_getStorage",
		}
	}
}

/// The storage key of badge `id`'s record (`Badges::Badges`, the id as it is: `Identity`).
fn badge_key(id: &H256) -> String {
	let mut key = sp_crypto_hashing::twox_128(b"Badges").to_vec();
	key.extend_from_slice(&sp_crypto_hashing::twox_128(b"Badges"));
	key.extend_from_slice(id.as_bytes());
	format!("0x{}", hex::encode(key))
}

/// `concurrency` clients asking `method` about the sample's badges for `secs` seconds: requests
/// per second, p50 and p99 latency (seconds). Each client is a [`LeanRpc`] connection, and the
/// questions about the sample are written before the clock starts.
async fn lookups(
	url: &str,
	method: Lookup,
	sample: &[H256],
	concurrency: usize,
	secs: f64,
) -> Result<(f64, f64, f64), String> {
	let questions: std::sync::Arc<Vec<String>> =
		std::sync::Arc::new(sample.iter().map(|id| method.params(id)).collect());
	let deadline = Instant::now() + Duration::from_secs_f64(secs);
	let mut tasks = Vec::new();
	for worker in 0..concurrency {
		let url = url.to_string();
		let questions = questions.clone();
		tasks.push(tokio::spawn(async move {
			let mut rpc = LeanRpc::connect(&url).await?;
			let mut latencies = Vec::new();
			let mut i = worker;
			while Instant::now() < deadline {
				let question = &questions[i % questions.len()];
				i += concurrency;
				let asked = Instant::now();
				rpc.call(method.method(), &method.asked(question))
					.await
					.map_err(|e| format!("{}: {e}", method.name()))?;
				latencies.push(asked.elapsed().as_secs_f64());
			}
			Ok::<_, String>(latencies)
		}));
	}
	let start = Instant::now();
	let mut all = Vec::new();
	for task in tasks {
		all.extend(task.await.map_err(|e| e.to_string())??);
	}
	let elapsed = start.elapsed().as_secs_f64().max(secs);
	all.sort_by(|a, b| a.total_cmp(b));
	Ok((
		all.len() as f64 / elapsed,
		percentile(&all, 0.5),
		percentile(&all, 0.99),
	))
}

/// A JSON-RPC caller as lean as a load generator sharing the nodes' cores must be: one
/// keep-alive HTTP/1.1 connection, each request written as bytes, each answer's head parsed by
/// `httparse` (hyper's parser, an optimized dependency) and its body checked by its first bytes.
/// Every microsecond the benchmark spends is taken from the nodes it measures: jsonrpsee's
/// client, generic code compiled into this unoptimized crate, capped the lookup rates below what
/// the node answers (`docs/decisions/performance-history.md`, change 18).
struct LeanRpc {
	stream: tokio::net::TcpStream,
	host: String,
	/// The request being written, then the answer being read.
	buffer: Vec<u8>,
}

/// How long a [`LeanRpc`] call waits for its answer (a submission of a 500-badge batch included).
const CALL_TIMEOUT: Duration = Duration::from_secs(120);

/// How the node's server (jsonrpsee) begins an answer to a request with id 1.
const ANSWER: &[u8] = b"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":";

impl LeanRpc {
	/// Connect to `url` (`http://host:port`).
	async fn connect(url: &str) -> Result<LeanRpc, String> {
		let host = url
			.strip_prefix("http://")
			.ok_or_else(|| format!("not an http:// URL: {url}"))?
			.trim_end_matches('/')
			.to_string();
		let stream = tokio::net::TcpStream::connect(&host)
			.await
			.map_err(|e| format!("connecting to {host}: {e}"))?;
		stream.set_nodelay(true).map_err(|e| e.to_string())?;
		Ok(LeanRpc {
			stream,
			host,
			buffer: Vec::with_capacity(4096),
		})
	}

	/// Call `method` with `params` (the inside of the JSON array): the bytes of the `result`'s
	/// JSON, or the node's error (a JSON-RPC error, a `null` result, an HTTP error status), or a
	/// timeout after [`CALL_TIMEOUT`] (a node that stops answering fails the run).
	async fn call(&mut self, method: &str, params: &str) -> Result<&[u8], String> {
		tokio::time::timeout(CALL_TIMEOUT, self.exchange(method, params))
			.await
			.map_err(|_| format!("no answer to {method} within {CALL_TIMEOUT:?}"))?
	}

	/// One request and its answer, as [`LeanRpc::call`] describes, without the timeout.
	async fn exchange(&mut self, method: &str, params: &str) -> Result<&[u8], String> {
		use tokio::io::AsyncWriteExt;
		let body = format!(
			"{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"{method}\",\"params\":[{params}]}}"
		);
		self.buffer.clear();
		self.buffer.extend_from_slice(
			format!(
				"POST / HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
				 Content-Length: {}\r\n\r\n",
				self.host,
				body.len()
			)
			.as_bytes(),
		);
		self.buffer.extend_from_slice(body.as_bytes());
		self.stream
			.write_all(&self.buffer)
			.await
			.map_err(|e| format!("sending {method}: {e}"))?;
		self.buffer.clear();
		let (head, length, status) = loop {
			let room = self.buffer.len().max(2048) * 2;
			self.read_up_to(room, method).await?;
			let mut headers = [httparse::EMPTY_HEADER; 16];
			let mut response = httparse::Response::new(&mut headers);
			let parsed = response
				.parse(&self.buffer)
				.map_err(|e| format!("the answer to {method} is not HTTP: {e}"))?;
			if let httparse::Status::Complete(head) = parsed {
				let length = response
					.headers
					.iter()
					.find(|h| h.name.eq_ignore_ascii_case("content-length"))
					.and_then(|h| std::str::from_utf8(h.value).ok()?.parse::<usize>().ok())
					.ok_or_else(|| format!("the answer to {method} has no Content-Length"))?;
				break (head, length, response.code.unwrap_or(0));
			}
		};
		while self.buffer.len() < head + length {
			self.read_up_to(head + length, method).await?;
		}
		let body = &self.buffer[head..head + length];
		let error = || format!("HTTP {status}: {}", String::from_utf8_lossy(body));
		if status != 200 {
			return Err(error());
		}
		match body.strip_prefix(ANSWER).and_then(|r| r.strip_suffix(b"}")) {
			Some(b"null") | None => Err(error()),
			Some(result) => Ok(result),
		}
	}

	/// Append what the connection has, at most until the buffer holds `end` bytes; an error
	/// when the node has closed it (the answer to `method` is then incomplete).
	async fn read_up_to(&mut self, end: usize, method: &str) -> Result<(), String> {
		use tokio::io::AsyncReadExt;
		let filled = self.buffer.len();
		self.buffer.resize(end, 0);
		let read = self
			.stream
			.read(&mut self.buffer[filled..])
			.await
			.map_err(|e| format!("reading the answer to {method}: {e}"))?;
		self.buffer.truncate(filled + read);
		if read == 0 {
			return Err(format!(
				"the node closed the connection before its answer to {method} was complete"
			));
		}
		Ok(())
	}
}

/// What a dev chain with badges generated at genesis measured.
struct GeneratedChain {
	/// Seconds from start until the node served RPC (its genesis built).
	start_secs: f64,
	/// `badges_verify` with fresh questions at concurrency 1 and 16: rate, p50, p99.
	c1: (f64, f64, f64),
	c16: (f64, f64, f64),
	/// The state column's bytes, the node stopped cleanly.
	state_bytes: u64,
	/// The whole database's bytes (every column and file), after the state column's.
	db_bytes: u64,
}

/// Start a one-validator dev chain whose genesis holds `count` badges of Alice, ask it about
/// a thousand of them spread over the set, stop it and measure its state column.
async fn generated_chain(count: u32, secs: f64) -> Result<GeneratedChain, String> {
	let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
	let spec = generated_spec(dir.path().join(format!("dev-{count}-badges.json")), count)?;
	let started = Instant::now();
	let node_key = badge_harness::node_key(1);
	let mut node = badge_harness::Node::start_within(
		&[
			"--chain",
			spec.to_str().ok_or("a UTF-8 path")?,
			"--alice",
			"--force-authoring",
			"--node-key",
			&node_key,
			"--port",
			"0",
		],
		Duration::from_secs(3600),
	);
	let start_secs = started.elapsed().as_secs_f64();
	wait_finalized(&node.http_url(), 1, Duration::from_secs(600)).await;
	let sample: Vec<H256> = (0..1_000u32)
		.map(|i| {
			let n = (i as u64 * count as u64 / 1_000) as u32;
			crypto::badge_id(0, &crypto::generated_recipient(n))
		})
		.collect();
	// Every sampled badge exists (a raw read answers null for a missing one).
	lookups(&node.http_url(), Lookup::Storage, &sample, 4, 0.5).await?;
	let c1 = lookups(&node.http_url(), Lookup::RpcNew, &sample, 1, secs).await?;
	let c16 = lookups(&node.http_url(), Lookup::RpcNew, &sample, 16, secs).await?;
	node.stop();
	let state_bytes = state_column_size(node.base_path.path())?;
	let db_bytes = dir_size(node.base_path.path());
	eprintln!(
		"{count} badges: started in {start_secs:.1} s, state column {:.1} MB, database {:.1} MB",
		state_bytes as f64 / 1e6,
		db_bytes as f64 / 1e6
	);
	Ok(GeneratedChain {
		start_secs,
		c1,
		c16,
		state_bytes,
		db_bytes,
	})
}

/// Blocks per session on the benchmarked chain: the consortium template's hour of two-second
/// blocks (`badge-node consortium-spec`), not the `local` chain's ten blocks, which exist so
/// that the consortium tests see validator-set changes quickly. `pallet_session` declares a
/// block that rotates the session full, so ten-block sessions would leave one block in ten
/// without transactions.
const SESSION_LENGTH: u32 = 1_800;

/// The `local` chain's spec with sessions of [`SESSION_LENGTH`] blocks.
fn local_spec(dir: &std::path::Path) -> Result<PathBuf, String> {
	let mut spec = built_spec("local")?;
	spec["genesis"]["runtimeGenesis"]["patch"]["consortium"]["sessionLength"] =
		serde_json::json!(SESSION_LENGTH);
	write_spec(dir.join("local-bench.json"), &spec)
}

/// Write `spec` to `path` for `--chain`.
fn write_spec(path: PathBuf, spec: &serde_json::Value) -> Result<PathBuf, String> {
	std::fs::write(&path, serde_json::to_vec(spec).map_err(|e| e.to_string())?)
		.map_err(|e| format!("cannot write {}: {e}", path.display()))?;
	Ok(path)
}

/// `badge-node build-spec --chain CHAIN`, parsed.
fn built_spec(chain: &str) -> Result<serde_json::Value, String> {
	let out = std::process::Command::new(badge_harness::node_binary())
		.args(["build-spec", "--chain", chain])
		.stderr(std::process::Stdio::null())
		.output()
		.map_err(|e| format!("build-spec: {e}"))?;
	if !out.status.success() {
		return Err(format!("build-spec --chain {chain} failed"));
	}
	serde_json::from_slice(&out.stdout).map_err(|e| format!("build-spec: {e}"))
}

/// The dev chain's spec with Alice an issuer and `count` badges of hers generated at genesis,
/// written to `path`.
fn generated_spec(path: PathBuf, count: u32) -> Result<PathBuf, String> {
	let mut spec = built_spec("dev")?;
	let alice = account_of(&dev::alice()).to_string();
	spec["genesis"]["runtimeGenesis"]["patch"]["badges"] = serde_json::json!({
		"issuers": [[alice, b"Generated issuer".to_vec(), b"https://bench.example.jp".to_vec()]],
		"generatedBadges": [alice, count],
	});
	write_spec(path, &spec)
}

/// Bytes of every file under `dir`.
fn dir_size(dir: &std::path::Path) -> u64 {
	files_size(dir, &|_| true)
}

/// Bytes of ParityDB's state column (column 1: the trie's nodes) in the database of the
/// stopped node whose base path is `dir`: its index and value table files, once its
/// write-ahead log is in them (see [`settle_database`]).
fn state_column_size(dir: &std::path::Path) -> Result<u64, String> {
	settle_database(dir)?;
	Ok(files_size(dir, &|name| {
		name.starts_with("index_01_") || name.starts_with("table_01_")
	}))
}

/// Move the write-ahead log of the stopped node's database (base path `dir`) into its tables.
/// ParityDB keeps recent writes in its log and moves them into its tables in the background
/// or when the database is next opened; a node stopped a few seconds after its genesis leaves
/// everything in the log. Opening the database once (its log is replayed on opening) and
/// closing it settles it.
fn settle_database(dir: &std::path::Path) -> Result<(), String> {
	let chains = dir.join("chains");
	let chain = std::fs::read_dir(&chains)
		.map_err(|e| format!("{}: {e}", chains.display()))?
		.filter_map(Result::ok)
		.next()
		.ok_or_else(|| format!("no chain under {}", chains.display()))?;
	let path = chain.path().join("paritydb").join("full");
	let meta = parity_db::Options::load_metadata(&path)
		.map_err(|e| format!("{}: {e}", path.display()))?
		.ok_or_else(|| format!("no ParityDB database at {}", path.display()))?;
	let mut options = parity_db::Options::with_columns(&path, meta.columns.len() as u8);
	options.columns = meta.columns;
	options.salt = Some(meta.salt);
	let db = parity_db::Db::open(&options).map_err(|e| format!("{}: {e}", path.display()))?;
	drop(db);
	Ok(())
}

/// Bytes of the files under `dir` (recursively) whose names `keep` accepts.
fn files_size(dir: &std::path::Path, keep: &dyn Fn(&str) -> bool) -> u64 {
	let Ok(entries) = std::fs::read_dir(dir) else {
		return 0;
	};
	entries
		.filter_map(Result::ok)
		.map(|e| match e.metadata() {
			Ok(m) if m.is_dir() => files_size(&e.path(), keep),
			Ok(m) if keep(&e.file_name().to_string_lossy()) => m.len(),
			_ => 0,
		})
		.sum()
}

/// Bytes of the storage entries an issued (not yet received) badge adds (key plus value): its
/// record, whose key is also its class's listing.
async fn entry_bytes(url: &str, badge: H256) -> Result<u64, String> {
	let http = HttpClientBuilder::default()
		.build(url)
		.map_err(|e| e.to_string())?;
	let key = badge_key(&badge);
	let size: Option<u64> = http
		.request("state_getStorageSize", rpc_params![key.clone()])
		.await
		.map_err(|e| format!("state_getStorageSize: {e}"))?;
	// Hex text: "0x" then two digits per byte.
	let value = size.ok_or("the badge's record is missing")?;
	Ok((key.len() as u64 - 2) / 2 + value)
}

/// A figure's value as the table shows it: large values and counts (unitless whole numbers)
/// without decimals, others with two.
fn format_value(value: f64, unit: &str) -> String {
	let text = if value >= 100.0 || (unit.is_empty() && value.fract() == 0.0) {
		format!("{value:.0} {unit}")
	} else {
		format!("{value:.2} {unit}")
	};
	text.trim_end().to_string()
}

/// Pool counters summed over `validators`, read from their Prometheus metrics.
#[derive(Clone, Copy)]
struct PoolCounts {
	/// Transactions the pools have had the runtime validate
	/// (`substrate_sub_txpool_validations_finished`): each submitted or gossiped transaction
	/// once per pool, again whenever a pool revalidates it, and each of an imported block's
	/// transactions a pool did not hold (pruning validates it to learn its tags).
	validations: u64,
	/// Transactions submitted to the pools, over RPC or by gossip, known ones included
	/// (`substrate_sub_txpool_submitted_transactions` of the single-state pool,
	/// `substrate_sub_txpool_submitted_txs_total` of the fork-aware one).
	submissions: u64,
}

impl PoolCounts {
	fn read(validators: &[&badge_harness::Node]) -> Result<PoolCounts, String> {
		let mut counts = PoolCounts {
			validations: 0,
			submissions: 0,
		};
		for node in validators {
			let metrics = node.metrics();
			let counter = |names: &[&str]| {
				names
					.iter()
					.map(|name| badge_harness::metric(&metrics, name, None))
					// Never zero on a running validator: its pool took the setup's transactions.
					.find(|count| *count > 0.0)
					.map(|count| count as u64)
					.ok_or_else(|| format!("none of {names:?} in {}'s metrics", node.http_url()))
			};
			counts.validations += counter(&["substrate_sub_txpool_validations_finished"])?;
			counts.submissions += counter(&[
				"substrate_sub_txpool_submitted_transactions",
				"substrate_sub_txpool_submitted_txs_total",
			])?;
		}
		Ok(counts)
	}

	/// Per transaction of the `transactions` sent since `before` was read.
	fn per(self, before: PoolCounts, transactions: usize) -> (f64, f64) {
		let per = |now: u64, then: u64| (now - then) as f64 / transactions as f64;
		(
			per(self.validations, before.validations),
			per(self.submissions, before.submissions),
		)
	}
}

/// Lines `node` has logged so far.
fn log_len(node: &badge_harness::Node) -> usize {
	node.log.lock().expect("log lock").len()
}

/// Lines `node` has logged since it had logged `mark`.
fn log_since(node: &badge_harness::Node, mark: usize) -> Vec<String> {
	let log = node.log.lock().expect("log lock");
	log.get(mark..).map(<[String]>::to_vec).unwrap_or_default()
}

/// From a node's "Imported #N (parent → hash)" lines: how many heights saw more than one
/// block, and how many blocks those heights had beyond the first.
fn competing_blocks(lines: &[String]) -> (usize, usize) {
	let mut per_height: std::collections::BTreeMap<u64, std::collections::BTreeSet<&str>> =
		Default::default();
	for line in lines {
		let Some(rest) = line.split_once("Imported #").map(|(_, rest)| rest) else {
			continue;
		};
		let Some((height, rest)) = rest.split_once(' ') else {
			continue;
		};
		let (Ok(height), Some(hash)) = (
			height.parse::<u64>(),
			rest.split_once('→')
				.map(|(_, hash)| hash.trim().trim_end_matches(')')),
		) else {
			continue;
		};
		per_height.entry(height).or_default().insert(hash);
	}
	per_height
		.values()
		.filter(|hashes| hashes.len() > 1)
		.fold((0, 0), |(heights, extra), hashes| {
			(heights + 1, extra + hashes.len() - 1)
		})
}

/// `VmHWM` of process `pid` (KiB).
fn peak_rss_kib(pid: u32) -> u64 {
	std::fs::read_to_string(format!("/proc/{pid}/status"))
		.ok()
		.and_then(|s| {
			s.lines()
				.find_map(|l| l.strip_prefix("VmHWM:"))
				.and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
		})
		.unwrap_or(0)
}

fn machine() -> String {
	let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
	let memory = std::fs::read_to_string("/proc/meminfo")
		.ok()
		.and_then(|m| {
			m.lines()
				.find_map(|l| l.strip_prefix("MemTotal:"))
				.map(|v| v.trim().to_string())
		})
		.and_then(|v| v.trim_end_matches("kB").trim().parse::<u64>().ok())
		.map_or("?".into(), |kib| {
			format!("{:.0} GiB", kib as f64 / 1024.0 / 1024.0)
		});
	let cpu = std::fs::read_to_string("/proc/cpuinfo")
		.ok()
		.and_then(|c| {
			c.lines()
				.find_map(|l| l.strip_prefix("model name"))
				.map(|v| v.trim_start_matches([' ', '\t', ':']).to_string())
		})
		.unwrap_or_default();
	format!("{cores} cores ({cpu}), {memory}")
}

/// The commit the binaries were built from, marked when the working tree differs from it
/// (`BENCHMARKS.md` itself aside).
fn commit() -> String {
	let git = |args: &[&str]| {
		std::process::Command::new("git")
			.args(args)
			.output()
			.ok()
			.filter(|o| o.status.success())
			.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
	};
	let Some(head) = git(&["rev-parse", "--short", "HEAD"]) else {
		return "unknown".into();
	};
	match git(&[
		"status",
		"--porcelain",
		"--untracked-files=no",
		"--",
		".",
		":!BENCHMARKS.md",
	]) {
		Some(changes) if !changes.is_empty() => format!("{head} + uncommitted changes"),
		_ => head,
	}
}

/// The sizes of the workloads `args` ran.
fn sizes_run(args: &Args, sizes: &Sizes) -> String {
	let single = format!("{} single issuances and remarks per run", sizes.single);
	let bulk = format!(
		"{} and {} badges in bulk per run (wall time and throughput), `badge bulk` on CSV files \
		 of {} and {} rows per run, the wallet service importing each run's {}-row results file",
		sizes.bulk, sizes.bulk_sustained, sizes.cli_bulk[0], sizes.cli_bulk[1], sizes.cli_bulk[1]
	);
	if args.single_only {
		single
	} else if args.bulk_only {
		bulk
	} else {
		format!(
			"{single}, {bulk}, {} latency samples, {} s per lookup measurement",
			sizes.latency, sizes.lookup_secs
		)
	}
}

fn report(args: &Args, sizes: &Sizes, figures: &[Figure], took: Duration, badges: u64) -> String {
	let date = std::process::Command::new("date")
		.args(["-u", "+%Y-%m-%d %H:%M UTC"])
		.output()
		.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
		.unwrap_or_default();
	let mut out = String::new();
	out.push_str(&format!(
		"# Benchmarks{}\n\nWritten by `badge-bench{}` (`scripts/bench`) on {date} at commit `{}`, on {}.\n\
		 Four validators of the `local` chain (with sessions of {SESSION_LENGTH} blocks) on \
		 loopback on that one machine, with the \
		 benchmark client beside them; binaries of the workspace's one cargo profile (`dev`: every \
		 dependency and the node at opt-level 3 without debug assertions or overflow checks, the \
		 client library and the `badge` CLI optimized too, the workspace's other crates unoptimized, the runtime as optimized WASM), the client's \
		 questions sent by its own lean HTTP caller. {badges} badges issued in \
		 {:.0} s. Throughput figures are medians of {} runs; ratios are taken within each run. \
		 Sizes: {}.{}\n\n",
		if args.smoke { " (smoke run)" } else { "" },
		[
			(args.smoke, " --smoke"),
			(args.single_only, " --single-only"),
			(args.bulk_only, " --bulk-only")
		]
		.iter()
		.filter_map(|(set, flag)| set.then_some(*flag))
		.collect::<String>(),
		commit(),
		machine(),
		took.as_secs_f64(),
		sizes.runs,
		sizes_run(args, sizes),
		if args.node_arg.is_empty() {
			String::new()
		} else {
			format!(" Validators started with `{}`.", args.node_arg.join(" "))
		},
	));
	out.push_str("| Workload | Figure | Value | Target | Met |\n|---|---|---:|---|---|\n");
	for f in figures {
		let value = format_value(f.value, f.unit);
		let (target, met) = match f.target {
			Some((t, true)) => (t, "yes"),
			Some((t, false)) => (t, "**no**"),
			None => ("", ""),
		};
		out.push_str(&format!(
			"| {} | {} | {} | {target} | {met} |\n",
			f.workload,
			f.metric,
			value.trim()
		));
	}
	out
}

#[cfg(test)]
mod tests {
	use super::{competing_blocks, format_value, LeanRpc};

	#[test]
	fn counts_show_whole_and_ratios_keep_their_decimals() {
		assert_eq!(format_value(3.0, ""), "3");
		assert_eq!(format_value(0.87, ""), "0.87");
		assert_eq!(format_value(1.5, "s"), "1.50 s");
		assert_eq!(format_value(4263.4, "/s"), "4263 /s");
	}

	#[test]
	fn competing_blocks_are_counted_per_height_from_import_lines() {
		let lines: Vec<String> = [
			"2026-11-29 11:19:07.822  INFO tokio-rt-worker substrate: 🏆 Imported #22 (0x94d1…d774 → 0x615d…cee7)",
			"2026-11-29 11:19:08.100  INFO tokio-rt-worker substrate: 🆕 Imported #22 (0x94d1…d774 → 0x0d71…2f22)",
			"2026-11-29 11:19:08.300  INFO tokio-rt-worker substrate: 🆕 Imported #22 (0x94d1…d774 → 0x0d71…2f22)",
			"2026-11-29 11:19:09.031  INFO tokio-rt-worker substrate: 🆕 Imported #22 (0x94d1…d774 → 0xaaaa…bbbb)",
			"2026-11-29 11:19:12.505  INFO tokio-rt-worker substrate: 🏆 Imported #23 (0x615d…cee7 → 0x1a18…ea86)",
			"2026-11-29 11:19:12.702  INFO tokio-rt-worker substrate: 🆕 Imported #23 (0x615d…cee7 → 0x0d72…2f22)",
			"2026-11-29 11:19:14.202  INFO tokio-rt-worker substrate: 🏆 Imported #24 (0x1a18…ea86 → 0xe7df…512a)",
			"2026-11-29 11:19:14.300  INFO tokio-rt-worker sc_basic_authorship: 🎁 Prepared block for proposing at 25",
		]
		.map(String::from)
		.to_vec();
		// Heights 22 (three blocks, one logged twice) and 23 (two); 24 had one.
		assert_eq!(competing_blocks(&lines), (2, 3));
		assert_eq!(competing_blocks(&lines[4..]), (1, 1));
		assert_eq!(competing_blocks(&[]), (0, 0));
	}

	/// A server that answers each request on one connection with the next of `answers`, each
	/// written in two pieces split inside its head, and hands back the requests it read.
	async fn serve(answers: Vec<String>) -> (String, tokio::task::JoinHandle<Vec<String>>) {
		use tokio::io::{AsyncReadExt, AsyncWriteExt};
		let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
		let url = format!("http://{}", listener.local_addr().unwrap());
		let server = tokio::spawn(async move {
			let (mut socket, _) = listener.accept().await.unwrap();
			let mut requests = Vec::new();
			for answer in answers {
				let mut request = vec![0; 4096];
				let read = socket.read(&mut request).await.unwrap();
				requests.push(String::from_utf8_lossy(&request[..read]).into_owned());
				let (first, rest) = answer.split_at(20);
				socket.write_all(first.as_bytes()).await.unwrap();
				tokio::time::sleep(std::time::Duration::from_millis(20)).await;
				socket.write_all(rest.as_bytes()).await.unwrap();
			}
			requests
		});
		(url, server)
	}

	fn http(status: &str, body: &str) -> String {
		format!(
			"HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
			body.len()
		)
	}

	#[tokio::test]
	async fn the_lean_caller_keeps_its_connection_and_tells_answers_from_errors() {
		let (url, server) = serve(vec![
			http(
				"200 OK",
				r#"{"jsonrpc":"2.0","id":1,"result":{"verdict":"valid"}}"#,
			),
			http("200 OK", r#"{"jsonrpc":"2.0","id":1,"result":"0x2a"}"#),
			http("200 OK", r#"{"jsonrpc":"2.0","id":1,"result":null}"#),
			http(
				"200 OK",
				r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"Invalid params"}}"#,
			),
			http("403 Forbidden", "Provided Host header is not allowed"),
			"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n".to_string(),
			// Cut short: the server then closes the connection.
			"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"jsonrpc\"".to_string(),
		])
		.await;
		let mut rpc = LeanRpc::connect(&url).await.unwrap();
		let answer = rpc.call("badges_verify", r#""0x01""#).await.unwrap();
		assert_eq!(answer, br#"{"verdict":"valid"}"#);
		assert_eq!(
			rpc.call("state_getStorage", r#""0x02""#).await.unwrap(),
			b"\"0x2a\""
		);
		let null = rpc.call("state_getStorage", r#""0x03""#).await.unwrap_err();
		assert!(null.contains(r#""result":null"#), "{null}");
		let error = rpc.call("badges_verify", "42").await.unwrap_err();
		assert!(error.contains("Invalid params"), "{error}");
		let status = rpc.call("badges_verify", r#""0x04""#).await.unwrap_err();
		assert!(status.starts_with("HTTP 403"), "{status}");
		let chunked = rpc.call("badges_verify", r#""0x05""#).await.unwrap_err();
		assert!(chunked.contains("no Content-Length"), "{chunked}");
		let cut = rpc.call("badges_verify", r#""0x06""#).await.unwrap_err();
		assert!(cut.contains("closed the connection"), "{cut}");
		let requests = server.await.unwrap();
		assert_eq!(requests.len(), 7, "one connection for every call");
		let host = url.trim_start_matches("http://");
		assert!(requests[0].starts_with(&format!("POST / HTTP/1.1\r\nHost: {host}\r\n")));
		assert!(requests[0]
			.ends_with(r#"{"jsonrpc":"2.0","id":1,"method":"badges_verify","params":["0x01"]}"#));
		assert!(requests[3].ends_with(r#""params":[42]}"#));
	}
}

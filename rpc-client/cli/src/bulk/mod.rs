//! `badge bulk`: issue a badge to every row of a CSV file.
//!
//! Re-running the same file never issues a badge twice: each row's salt and claim key derive
//! from the issuer's key, the class and the e-mail address, so its badge id is the same on every
//! run; rows already in the results file or already on chain are skipped (and recorded again if
//! the results file was lost). Malformed rows are reported with their line number and nothing is
//! issued for them.
//!
//! A run goes through phases, each with its progress bar: reading the file, planning every
//! row's badge, checking which the chain holds already (many per request), issuing (batches
//! signed with consecutive nonces, many in flight; it starts with the first rows checked, while
//! the check goes on) and recording each badge once final. A lost
//! connection or a restarted node is tried again with back-off; an interrupted run is resumed
//! by running the same command ([`chain`]).

mod chain;
mod input;
mod progress;
mod results;

use crate::{CliError, Ctx};
use badge_credential::dates;
use chain::{Interrupts, Issuer, Link};
use progress::{done, Phases};
use results::{Record, Results};

use badge_client::{account_of, AccountId32, BadgeId, Wait, H256};
use clap::Args;
use serde_json::json;
use std::{
	path::PathBuf,
	time::{Duration, Instant},
};

/// Arguments of `badge bulk`.
#[derive(Args, Debug)]
pub struct BulkArgs {
	/// Class id.
	#[arg(long)]
	class: u32,
	/// Input CSV with a header row: `email` (required), `expires` (YYYY-MM-DD), `evidence_url`.
	#[arg(long)]
	csv: PathBuf,
	/// Results CSV (appended to; holds claim secrets: keep it private)
	/// [default: the input with `.results.csv`].
	#[arg(long)]
	results: Option<PathBuf>,
	/// Badges per transaction [default and maximum: the chain's MaxBatch].
	#[arg(long)]
	batch_size: Option<u32>,
	/// Transactions submitted ahead of the last final one (fewer is gentler on a busy node).
	#[arg(long, default_value_t = 128, value_parser = clap::value_parser!(u32).range(1..=4096))]
	in_flight: u32,
	/// Also write each row's signed OB 3.0 credential to DIR/<badge id>.json (for the wallet
	/// service's results-file import), issued in this run or before.
	#[arg(long, value_name = "DIR")]
	credentials: Option<PathBuf>,
	/// Base URL of the public badge pages named in the credentials [default: config
	/// `base_url`].
	#[arg(long)]
	base_url: Option<String>,
}

/// What a row's badge is, derived before anything is asked of the chain.
pub struct Planned {
	/// The badge id.
	pub id: H256,
	/// Its results row (without the status).
	pub record: Record,
	/// What its badge spec is made of.
	pub seed: SpecSeed,
}

/// What a badge spec is made of, short of the claim key's public key (derived when its batch
/// is signed).
#[derive(Clone, Copy)]
pub struct SpecSeed {
	/// The recipient commitment.
	pub commitment: H256,
	/// The claim key's seed.
	pub claim_seed: [u8; 32],
	/// Expiry (milliseconds since the epoch).
	pub expires: Option<u64>,
	/// SHA-256 of the evidence URL.
	pub evidence: Option<[u8; 32]>,
}

/// How the issuing phases ended.
struct Issued {
	issued: usize,
	already: usize,
	interrupted: bool,
	reconnections: u64,
	/// Seconds spent connecting and checking the chain, and issuing (the two overlap: issuing
	/// starts once the first rows are checked).
	checking: f64,
	issuing: f64,
}

/// `badge bulk`.
pub async fn run(ctx: &Ctx, args: BulkArgs) -> Result<u8, CliError> {
	let started = Instant::now();
	let results_path = args
		.results
		.clone()
		.unwrap_or_else(|| args.csv.with_extension("results.csv"));
	let phases = Phases::new(ctx.global.json);
	let (rows, bad) = input::read_rows(&args.csv, &phases)?;
	let read = started.elapsed().as_secs_f64();
	for (line, problem) in &bad {
		phases.note(format!(
			"{}:{line}: {problem} (not issued)",
			args.csv.display()
		));
	}
	let key = ctx.key()?;
	// Credentials are signed by a key published on chain: find it before issuing anything.
	let signer = match &args.credentials {
		Some(_) => {
			let base = args.base_url.clone().unwrap_or_else(|| ctx.base_url());
			let client = ctx.client().await?;
			Some(crate::keys::credential_signer(&client, &key, &base).await?)
		}
		None => None,
	};
	let mut results = Results::open(&results_path)?;
	if results.repaired {
		phases.note(format!(
			"{}: its last line was cut short by an interrupted write and is dropped (its badge \
			 is looked up on chain)",
			results_path.display()
		));
	}
	let planning = Instant::now();
	let plan = plan(&key, args.class, &rows, &phases);
	let planned = planning.elapsed().as_secs_f64();
	let recorded = plan.iter().filter(|p| results.has(&p.record[2])).count();
	let interrupts = Interrupts::listen();
	let outcome = issue(ctx, &args, &key, &plan, &mut results, &phases, &interrupts).await;
	let outcome = outcome.map_err(|e| {
		let hint = format!(
			"{e}; every badge final so far is recorded in {}: run the same command again to \
			 continue",
			results_path.display()
		);
		match e {
			CliError::Input(_) => CliError::Input(hint),
			CliError::Rejected(_) => CliError::Rejected(hint),
			CliError::Node(_) => CliError::Node(hint),
		}
	})?;
	if let (Some(signer), false) = (&signer, outcome.interrupted) {
		let client = ctx.client().await?;
		let every: Vec<(String, H256, String)> = plan
			.iter()
			.map(|p| (p.record[1].clone(), p.id, p.record[4].clone()))
			.collect();
		write_credentials(ctx, &args, &client, signer, &every, &phases, &interrupts).await?;
	}
	let seconds = started.elapsed().as_secs_f64();
	let rate = outcome.issued as f64 / seconds;
	let already = recorded + outcome.already;
	let summary = json!({
		"issued": outcome.issued,
		"alreadyIssued": already,
		"rejectedRows": bad.iter().map(|(l, m)| json!({"line": l, "problem": m})).collect::<Vec<_>>(),
		"results": results_path.display().to_string(),
		"seconds": secs(seconds),
		"badgesPerSecond": rate.round(),
		"reconnections": outcome.reconnections,
		"interrupted": outcome.interrupted,
		"phaseSeconds": {
			"read": secs(read),
			"plan": secs(planned),
			"check": secs(outcome.checking),
			"issue": secs(outcome.issuing),
		},
	});
	// A small file's rate, below ten a second, keeps a decimal.
	let rate_text = format!("{rate:.*}", usize::from(rate < 10.0));
	ctx.print(summary, || {
		format!(
			"{}issued {} badges in {seconds:.1} s ({rate_text}/s), {already} already issued, {} rows \
			 rejected; results in {}{}",
			if outcome.interrupted { "interrupted: " } else { "" },
			outcome.issued,
			bad.len(),
			results_path.display(),
			if outcome.interrupted {
				"; run the same command again to continue"
			} else {
				""
			}
		)
	});
	Ok(if outcome.interrupted {
		crate::exit::INTERRUPTED
	} else if bad.is_empty() {
		crate::exit::OK
	} else {
		crate::exit::INPUT
	})
}

/// Seconds rounded to milliseconds, for the summary.
fn secs(seconds: f64) -> f64 {
	(seconds * 1000.0).round() / 1000.0
}

/// Every row's badge: ids, salts, claim seeds and results rows (on every core).
fn plan(
	key: &crate::config::SigningKey,
	class: u32,
	rows: &[input::Row],
	phases: &Phases,
) -> Vec<Planned> {
	let bar = phases.bar("plan", rows.len() as u64, "rows");
	let mut plan = Vec::with_capacity(rows.len());
	for chunk in rows.chunks(10_000) {
		plan.extend(par_map(chunk, |row| {
			let r = badge_client::recipient::recipient_seeds(key, class, &row.email);
			let id = badge_client::crypto::badge_id(class, &r.commitment);
			let record = [
				row.line.to_string(),
				row.email.clone(),
				BadgeId::from(id).to_string(),
				format!("0x{}", hex::encode(r.claim_seed)),
				r.salt.clone(),
				format!("sha256${}", hex::encode(r.commitment.0)),
				row.expires.map(dates::format_millis).unwrap_or_default(),
			];
			Planned {
				id,
				record,
				seed: SpecSeed {
					commitment: r.commitment,
					claim_seed: r.claim_seed,
					expires: row.expires,
					evidence: row.evidence_url.as_deref().map(crate::sha256),
				},
			}
		}));
		bar.inc(chunk.len() as u64);
	}
	done(&bar, "");
	plan
}

/// Check which unrecorded rows the chain holds (recording them), then issue the rest.
async fn issue(
	ctx: &Ctx,
	args: &BulkArgs,
	key: &crate::config::SigningKey,
	plan: &[Planned],
	results: &mut Results,
	phases: &Phases,
	interrupts: &Interrupts,
) -> Result<Issued, CliError> {
	let checking = Instant::now();
	let patience = Duration::from_secs(ctx.global.timeout);
	let mut link = Link::connect(ctx.url(), patience, patience).await?;
	let class = args.class;
	let max = link
		.call(phases, |c| async move { c.max_batch().await })
		.await?;
	let batch_size = args.batch_size.unwrap_or(max).clamp(1, max) as usize;
	let account = account_of(&key.pair);
	let head = ctx.wait();
	wait_for_earlier(&mut link, phases, &account, head, patience).await?;

	let unrecorded: Vec<usize> = (0..plan.len())
		.filter(|&i| !results.has(&plan[i].record[2]))
		.collect();
	let at = link
		.call(phases, |c| async move {
			c.account_at_head(&account, head).await
		})
		.await?
		.block;
	// The check goes on, on a connection of its own, while the first rows it clears are issued.
	let check_bar = phases.bar("check", unrecorded.len() as u64, "badges");
	let submitted_bar = phases.bar("submit", 0, "badges");
	let final_bar = phases.bar("final", 0, "badges");
	let ids: Vec<H256> = unrecorded.iter().map(|&i| plan[i].id).collect();
	let (checked, source) = tokio::sync::mpsc::channel(4);
	let setup = checking.elapsed().as_secs_f64();
	let check = chain::Check {
		link: Link::connect(ctx.url(), patience, patience).await?,
		phases: phases.clone(),
		rows: unrecorded,
		ids,
		at,
		bar: check_bar,
		issue_bars: [submitted_bar.clone(), final_bar.clone()],
	}
	.spawn(checked);

	let issuing = Instant::now();
	let mut issuer = Issuer {
		submitted_bar,
		final_bar,
		link: &mut link,
		phases,
		key: &key.pair,
		class,
		batch_size,
		head,
		plan,
		results,
		window: args.in_flight as usize,
		stall: patience,
		interrupts: interrupts.clone(),
	};
	let mut source = Some(source);
	let mut todo = Vec::new();
	let (mut issued, mut already_count) = (0, 0);
	let mut interrupted = false;
	while source.is_some() || !todo.is_empty() {
		let rows = source
			.take()
			.unwrap_or_else(|| chain::rows_now(std::mem::take(&mut todo)));
		let end = issuer.round(rows).await?;
		issued += end.issued;
		already_count += end.already;
		if end.interrupted {
			interrupted = true;
			break;
		}
		if end.missed.is_empty() {
			break;
		}
		// Some batches were included without issuing: the first, watched, says why (the chain
		// names its error), unless an earlier run's transaction issued its badges meanwhile.
		let (first, rest) = end.missed.split_at(end.missed.len().min(batch_size));
		phases.note(format!(
			"{} badges were not issued by their batches; issuing {} of them in one watched \
			 transaction",
			end.missed.len(),
			first.len()
		));
		let mut again = Vec::new();
		match issuer.watched(first).await {
			Ok(()) => issued += first.len(),
			Err(e) => {
				// Rows issued meanwhile are recorded; the others are issued again (without the
				// rows that stopped their batch, so each time round makes progress).
				let (held, missing) = issuer.recheck(first).await?;
				if held == 0 {
					return Err(e);
				}
				already_count += held;
				again = missing;
			}
		}
		again.extend_from_slice(rest);
		todo = again;
	}
	issuer.finish();
	let issuing = issuing.elapsed().as_secs_f64();
	let (checking, check_reconnections) = if interrupted {
		// The check may not have come to its end.
		check.abort();
		(checking.elapsed().as_secs_f64(), 0)
	} else {
		// Every row was checked: the round read the check's findings to their end.
		let (seconds, reconnections) = check.await.map_err(|e| CliError::Node(e.to_string()))?;
		(setup + seconds, reconnections)
	};
	Ok(Issued {
		issued,
		already: already_count,
		interrupted,
		reconnections: link.reconnections + check_reconnections,
		checking,
		issuing,
	})
}

/// Wait until the signer's transactions already in the node's pool (an earlier run's,
/// interrupted) are final, so that the existence check sees their badges; give up waiting
/// after `patience` without progress (they may wait on a nonce that never comes).
async fn wait_for_earlier(
	link: &mut Link,
	phases: &Phases,
	account: &AccountId32,
	head: Wait,
	patience: Duration,
) -> Result<(), CliError> {
	let account = *account;
	let pool = link
		.call(phases, |c| async move { c.next_nonce(&account).await })
		.await?;
	let mut at = link
		.call(phases, |c| async move {
			c.account_at_head(&account, head).await
		})
		.await?;
	if at.nonce >= pool {
		return Ok(());
	}
	phases.note(format!(
		"{} transactions of this signer are waiting in the node's pool (an earlier run?): \
		 waiting for them before checking the chain",
		pool - at.nonce
	));
	let (start, mut last, mut moved) = (at.nonce, at.nonce, Instant::now());
	let bar = phases.bar("earlier", pool - start, "transactions");
	while at.nonce < pool {
		if moved.elapsed() >= patience {
			phases.note(format!(
				"the signer's earlier transactions did not move for {} s: going on without them",
				patience.as_secs()
			));
			break;
		}
		tokio::time::sleep(Duration::from_millis(200)).await;
		at = link
			.call(phases, |c| async move {
				c.account_at_head(&account, head).await
			})
			.await?;
		if at.nonce != last {
			(last, moved) = (at.nonce, Instant::now());
		}
		bar.set_position(at.nonce.min(pool) - start);
	}
	done(&bar, "");
	Ok(())
}

/// `f` over `items` on every core, in order.
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
	let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
	if threads == 1 || items.len() < 64 {
		return items.iter().map(f).collect();
	}
	let size = items.len().div_ceil(threads);
	std::thread::scope(|scope| {
		let workers: Vec<_> = items
			.chunks(size)
			.map(|chunk| scope.spawn(|| chunk.iter().map(&f).collect::<Vec<_>>()))
			.collect();
		workers
			.into_iter()
			.flat_map(|w| w.join().expect("the mapped function does not panic"))
			.collect()
	})
}

/// Write the signed credential of every `(email, badge, salt)` to `--credentials DIR`, as
/// `DIR/<badge>.json`.
async fn write_credentials(
	ctx: &Ctx,
	args: &BulkArgs,
	client: &badge_client::BadgeClient,
	signer: &crate::keys::CredentialSigner,
	every: &[(String, H256, String)],
	phases: &Phases,
	interrupts: &Interrupts,
) -> Result<(), CliError> {
	let Some(dir) = args.credentials.as_deref() else {
		return Ok(());
	};
	std::fs::create_dir_all(dir)
		.map_err(|e| CliError::Input(format!("cannot create {}: {e}", dir.display())))?;
	let base = args.base_url.clone().unwrap_or_else(|| ctx.base_url());
	let bar = phases.bar("sign", every.len() as u64, "credentials");
	for (email, badge, salt) in every {
		if interrupts.came() {
			return Err(CliError::Input(format!(
				"interrupted while writing credentials to {}: run the same command again to \
				 write the rest",
				dir.display()
			)));
		}
		let badge = BadgeId::from(*badge);
		let signed =
			crate::credential::sign_badge(ctx, client, signer, badge, email, salt, &base).await?;
		let path = dir.join(format!("{badge}.json"));
		std::fs::write(
			&path,
			serde_json::to_string_pretty(&signed.credential).expect("JSON serializes"),
		)
		.map_err(|e| CliError::Input(format!("cannot write {}: {e}", path.display())))?;
		bar.inc(1);
	}
	done(&bar, "");
	Ok(())
}

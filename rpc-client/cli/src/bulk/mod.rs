//! `badge bulk`: issue a badge to every row of a CSV file.
//!
//! Re-running the same file never issues a badge twice: each row's salt and claim key derive
//! from the issuer's key, the class and the e-mail address, so its badge id is the same on every
//! run; rows already in the results file or already on chain are skipped (and recorded again if
//! the results file was lost). Malformed rows are reported with their line number and nothing is
//! issued for them.

use crate::{dates, recipient, valid_email, CliError, Ctx};

use badge_client::{badge_spec, BadgeSpec, Verdict, H256};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::{
	collections::{HashMap, HashSet},
	fs::OpenOptions,
	path::{Path, PathBuf},
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
	/// Also write each row's signed OB 3.0 credential to DIR/<badge id>.json (for the wallet
	/// service's results-file import), issued in this run or before.
	#[arg(long, value_name = "DIR")]
	credentials: Option<PathBuf>,
	/// Base URL of the public badge pages named in the credentials [default: config
	/// `base_url`].
	#[arg(long)]
	base_url: Option<String>,
}

/// A valid input row.
struct Row {
	line: u64,
	email: String,
	expires: Option<u64>,
	evidence_url: Option<String>,
}

/// Columns of the results file.
const RESULT_HEADER: [&str; 8] = [
	"line",
	"email",
	"badge_id",
	"claim_secret",
	"salt",
	"identity_hash",
	"expires",
	"status",
];

/// A rejected input row: its line and the problem.
type BadRow = (u64, String);

/// Read and check the input; returns good rows and the bad ones.
fn read_rows(path: &Path) -> Result<(Vec<Row>, Vec<BadRow>), CliError> {
	let mut reader = csv::ReaderBuilder::new()
		.trim(csv::Trim::All)
		.flexible(false)
		.from_path(path)
		.map_err(|e| CliError::Input(format!("cannot read {}: {e}", path.display())))?;
	let headers = reader
		.headers()
		.map_err(|e| CliError::Input(format!("{}: bad header: {e}", path.display())))?
		.clone();
	let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
	let email_col = col("email").ok_or_else(|| {
		CliError::Input(format!(
			"{}: the header has no `email` column",
			path.display()
		))
	})?;
	let (expires_col, evidence_col) = (col("expires"), col("evidence_url"));
	let mut rows = Vec::new();
	let mut bad = Vec::new();
	let mut seen: HashMap<String, u64> = HashMap::new();
	for record in reader.records() {
		let record = match record {
			Ok(r) => r,
			Err(e) => {
				let line = e.position().map_or(0, |p| p.line());
				bad.push((line, format!("unreadable row: {e}")));
				continue;
			}
		};
		let line = record.position().map_or(0, |p| p.line());
		let field = |i: Option<usize>| i.and_then(|i| record.get(i)).filter(|v| !v.is_empty());
		let email = record.get(email_col).unwrap_or_default().to_string();
		if !valid_email(&email) {
			bad.push((line, format!("`{email}` is not an e-mail address")));
			continue;
		}
		let expires = match field(expires_col).map(dates::parse_millis).transpose() {
			Ok(e) => e,
			Err(e) => {
				bad.push((line, e.to_string()));
				continue;
			}
		};
		let normalized = email.trim().to_lowercase();
		if let Some(first) = seen.get(&normalized) {
			bad.push((line, format!("{email} is already on line {first}")));
			continue;
		}
		seen.insert(normalized, line);
		rows.push(Row {
			line,
			email,
			expires,
			evidence_url: field(evidence_col).map(String::from),
		});
	}
	Ok((rows, bad))
}

/// Badge ids already recorded in the results file.
fn recorded(path: &Path) -> Result<HashSet<String>, CliError> {
	if !path.exists() {
		return Ok(HashSet::new());
	}
	let mut reader = csv::Reader::from_path(path)
		.map_err(|e| CliError::Input(format!("cannot read {}: {e}", path.display())))?;
	let mut ids = HashSet::new();
	for record in reader.records() {
		let record = record.map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?;
		if let Some(id) = record.get(2) {
			ids.insert(id.to_string());
		}
	}
	Ok(ids)
}

fn open_results(path: &Path) -> Result<csv::Writer<std::fs::File>, CliError> {
	let existed = path.exists();
	let mut options = OpenOptions::new();
	options.create(true).append(true);
	#[cfg(unix)]
	{
		use std::os::unix::fs::OpenOptionsExt;
		// Claim secrets: readable by the owner only.
		options.mode(0o600);
	}
	let file = options
		.open(path)
		.map_err(|e| CliError::Input(format!("cannot write {}: {e}", path.display())))?;
	let mut writer = csv::WriterBuilder::new()
		.has_headers(false)
		.from_writer(file);
	if !existed {
		writer
			.write_record(RESULT_HEADER)
			.map_err(|e| CliError::Input(format!("cannot write {}: {e}", path.display())))?;
	}
	Ok(writer)
}

/// One row ready to issue.
struct Prepared {
	id: H256,
	spec: BadgeSpec,
	record: [String; 7],
}

/// `badge bulk`.
pub async fn run(ctx: &Ctx, args: BulkArgs) -> Result<u8, CliError> {
	let results = args
		.results
		.clone()
		.unwrap_or_else(|| args.csv.with_extension("results.csv"));
	let (rows, bad) = read_rows(&args.csv)?;
	for (line, problem) in &bad {
		eprintln!("{}:{line}: {problem} (not issued)", args.csv.display());
	}
	let key = ctx.key()?;
	let client = ctx.client().await?;
	let max = client.max_batch().await?;
	let batch_size = args.batch_size.unwrap_or(max).clamp(1, max) as usize;
	let already_recorded = recorded(&results)?;
	let mut writer = open_results(&results)?;
	let write_error =
		|e: csv::Error| CliError::Input(format!("cannot write {}: {e}", results.display()));

	// Derive every row's badge, and find those already issued.
	let mut todo = Vec::new();
	let (mut skipped, mut recovered) = (0usize, 0usize);
	let mut every = Vec::new();
	for row in rows {
		let r = recipient(&key, args.class, &row.email);
		every.push((
			row.email.clone(),
			badge_client::crypto::badge_id(args.class, &r.commitment),
			r.salt.clone(),
		));
		let evidence = row.evidence_url.as_deref().map(crate::sha256);
		let spec = badge_spec(r.commitment, &r.claim, row.expires, evidence);
		let id = badge_client::crypto::badge_id(args.class, &r.commitment);
		let id_text = format!("{id:?}");
		if already_recorded.contains(&id_text) {
			skipped += 1;
			continue;
		}
		let record = [
			row.line.to_string(),
			row.email.clone(),
			id_text,
			r.claim.secret_hex(),
			r.salt.clone(),
			format!("sha256${}", hex::encode(r.commitment.0)),
			row.expires.map(dates::format_millis).unwrap_or_default(),
		];
		let prepared = Prepared { id, spec, record };
		if client.verify(id, None).await?.verdict != Verdict::NotFound {
			// Issued by an earlier, interrupted run: record it again.
			write_row(&mut writer, &prepared.record, "already_issued").map_err(write_error)?;
			recovered += 1;
			continue;
		}
		todo.push(prepared);
	}
	writer
		.flush()
		.map_err(|e| CliError::Input(format!("cannot write {}: {e}", results.display())))?;

	let bar = if ctx.global.json {
		ProgressBar::hidden()
	} else {
		ProgressBar::new(todo.len() as u64)
	};
	bar.set_style(
		ProgressStyle::with_template(
			"{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} badges  {per_sec}  ETA {eta}",
		)
		.expect("the template is valid"),
	);
	let mut issued = 0usize;
	for chunk in todo.chunks(batch_size) {
		let specs = chunk.iter().map(|p| p.spec.clone()).collect();
		let ids = client
			.issue_batch(&key.pair, args.class, specs, ctx.wait())
			.await
			.map_err(|e| {
				bar.abandon();
				CliError::from(e)
			})?;
		debug_assert!(ids.iter().zip(chunk).all(|(a, p)| *a == p.id));
		for p in chunk {
			write_row(&mut writer, &p.record, "issued").map_err(write_error)?;
		}
		writer
			.flush()
			.map_err(|e| CliError::Input(format!("cannot write {}: {e}", results.display())))?;
		issued += chunk.len();
		bar.inc(chunk.len() as u64);
	}
	bar.finish_and_clear();
	if let Some(dir) = &args.credentials {
		write_credentials(ctx, &client, &key, dir, args.base_url.as_deref(), &every).await?;
	}
	let summary = json!({
		"issued": issued,
		"alreadyIssued": skipped + recovered,
		"rejectedRows": bad.iter().map(|(l, m)| json!({"line": l, "problem": m})).collect::<Vec<_>>(),
		"results": results.display().to_string(),
	});
	ctx.print(summary, || {
		format!(
			"issued {issued} badges, {} already issued, {} rows rejected; results in {}",
			skipped + recovered,
			bad.len(),
			results.display()
		)
	});
	Ok(if bad.is_empty() {
		crate::exit::OK
	} else {
		crate::exit::INPUT
	})
}

/// Write the signed credential of every `(email, badge, salt)` to `dir/<badge>.json`.
async fn write_credentials(
	ctx: &Ctx,
	client: &badge_client::BadgeClient,
	key: &crate::config::SigningKey,
	dir: &Path,
	base_url: Option<&str>,
	every: &[(String, H256, String)],
) -> Result<(), CliError> {
	std::fs::create_dir_all(dir)
		.map_err(|e| CliError::Input(format!("cannot create {}: {e}", dir.display())))?;
	let base = base_url.map_or_else(|| ctx.base_url(), String::from);
	let bar = if ctx.global.json {
		ProgressBar::hidden()
	} else {
		ProgressBar::new(every.len() as u64)
	};
	bar.set_style(
		ProgressStyle::with_template(
			"{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} credentials  ETA {eta}",
		)
		.expect("the template is valid"),
	);
	for (email, badge, salt) in every {
		let signed =
			crate::credential::sign_badge(ctx, client, key, *badge, email, salt, &base).await?;
		let path = dir.join(format!("{badge:?}.json"));
		std::fs::write(
			&path,
			serde_json::to_string_pretty(&signed.credential).expect("JSON serializes"),
		)
		.map_err(|e| CliError::Input(format!("cannot write {}: {e}", path.display())))?;
		bar.inc(1);
	}
	bar.finish_and_clear();
	Ok(())
}

fn write_row(
	writer: &mut csv::Writer<std::fs::File>,
	record: &[String; 7],
	status: &str,
) -> Result<(), csv::Error> {
	let mut fields: Vec<&str> = record.iter().map(String::as_str).collect();
	fields.push(status);
	writer.write_record(fields)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn malformed_rows_are_reported_with_their_line() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("in.csv");
		std::fs::write(
			&path,
			"email,expires,evidence_url\n\
			 a@example.jp,2030-01-01,https://e.example/1\n\
			 not-an-email,,\n\
			 b@example.jp,2030-02-30,\n\
			 A@example.jp,,\n\
			 c@example.jp,,\n",
		)
		.unwrap();
		let (rows, bad) = read_rows(&path).unwrap();
		assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2, 6]);
		assert_eq!(rows[0].evidence_url.as_deref(), Some("https://e.example/1"));
		assert_eq!(
			bad.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
			vec![3, 4, 5]
		);
		assert!(bad[2].1.contains("line 2"), "{}", bad[2].1);
	}

	#[test]
	fn a_file_without_an_email_column_is_refused() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("in.csv");
		std::fs::write(&path, "name\nTaro\n").unwrap();
		assert!(matches!(read_rows(&path), Err(CliError::Input(_))));
	}
}

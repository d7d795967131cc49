//! The input CSV of `badge bulk`: one row per recipient, checked before anything is issued.

use super::progress::{done, Phases};
use crate::CliError;
use badge_client::recipient::normalize_email;
use badge_credential::dates;

use std::{collections::HashMap, path::Path};

/// A valid input row.
pub struct Row {
	/// Its line in the file (1 is the header).
	pub line: u64,
	/// The recipient's e-mail address, as written.
	pub email: String,
	/// Expiry (milliseconds since the epoch), if any.
	pub expires: Option<u64>,
	/// Evidence URL, if any.
	pub evidence_url: Option<String>,
}

/// A rejected input row: its line and the problem.
pub type BadRow = (u64, String);

/// Read and check the input (a bar counts the bytes read); returns good rows and the bad ones.
/// A row repeating an earlier row's address (in any case) is bad: one recipient, one badge.
pub fn read_rows(path: &Path, phases: &Phases) -> Result<(Vec<Row>, Vec<BadRow>), CliError> {
	let file = std::fs::File::open(path)
		.map_err(|e| CliError::Input(format!("cannot read {}: {e}", path.display())))?;
	let len = file.metadata().map(|m| m.len()).unwrap_or(0);
	let bar = phases.bytes("read", len);
	let mut reader = csv::ReaderBuilder::new()
		.trim(csv::Trim::All)
		.flexible(false)
		.from_reader(bar.wrap_read(std::io::BufReader::with_capacity(1 << 16, file)));
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
	let now = badge_credential::dates::now_millis();
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
		let normalized = match normalize_email(&email) {
			Ok(normalized) => normalized,
			Err(e) => {
				bad.push((line, e.to_string()));
				continue;
			}
		};
		let expires = match field(expires_col).map(dates::parse_millis).transpose() {
			Ok(e) => e,
			Err(e) => {
				bad.push((line, e.to_string()));
				continue;
			}
		};
		if let Some(expiry) = expires.filter(|&e| e <= now) {
			bad.push((
				line,
				format!(
					"its expiry {} is not in the future",
					dates::format_millis(expiry)
				),
			));
			continue;
		}
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
	done(
		&bar,
		format!("{} rows, {} rejected", rows.len() + bad.len(), bad.len()),
	);
	Ok((rows, bad))
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
			 c@example.jp,,\n\
			 d@example.jp,2001-01-01,\n",
		)
		.unwrap();
		let (rows, bad) = read_rows(&path, &Phases::new(true)).unwrap();
		assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2, 6]);
		assert_eq!(rows[0].evidence_url.as_deref(), Some("https://e.example/1"));
		assert_eq!(
			bad.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
			vec![3, 4, 5, 7]
		);
		assert!(bad[2].1.contains("line 2"), "{}", bad[2].1);
		assert!(bad[3].1.contains("not in the future"), "{}", bad[3].1);
	}

	#[test]
	fn a_file_without_an_email_column_is_refused() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("in.csv");
		std::fs::write(&path, "name\nTaro\n").unwrap();
		assert!(matches!(
			read_rows(&path, &Phases::new(true)),
			Err(CliError::Input(_))
		));
	}
}

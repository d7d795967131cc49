//! The results file of `badge bulk`: a row per badge, appended once the badge is final and
//! made durable (written and synced) before the run goes on, so that an interrupted run loses
//! no recorded row and the next run starts from it.

use crate::CliError;

use std::{
	collections::HashSet,
	fs::{File, OpenOptions},
	path::{Path, PathBuf},
};

/// Columns of the results file (the wallet service's results-file import reads them).
pub const HEADER: [&str; 8] = [
	"line",
	"email",
	"badge_id",
	"claim_secret",
	"salt",
	"identity_hash",
	"expires",
	"status",
];

/// A results row without its status: line, e-mail, badge id, claim secret, salt, identity
/// hash, expiry.
pub type Record = [String; 7];

/// The results file, open for appending.
pub struct Results {
	path: PathBuf,
	writer: csv::Writer<File>,
	recorded: HashSet<String>,
	/// Whether a last line cut short by an interrupted write was dropped on opening.
	pub repaired: bool,
}

impl Results {
	/// Open the results file at `path`, creating it (owner-only: it holds claim secrets) with
	/// its header. A last line cut short by an interrupted write is dropped: its badge is found
	/// on chain and recorded again.
	pub fn open(path: &Path) -> Result<Self, CliError> {
		let err = |e: std::io::Error| CliError::Input(format!("{}: {e}", path.display()));
		let mut options = OpenOptions::new();
		options.create(true).read(true).append(true);
		#[cfg(unix)]
		{
			use std::os::unix::fs::OpenOptionsExt;
			options.mode(0o600);
		}
		let file = options.open(path).map_err(err)?;
		let text = std::fs::read(path).map_err(err)?;
		let whole = text.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
		let repaired = whole < text.len();
		if repaired {
			file.set_len(whole as u64).map_err(err)?;
		}
		let mut recorded = HashSet::new();
		let mut reader = csv::ReaderBuilder::new()
			.has_headers(false)
			.from_reader(&text[..whole]);
		let mut records = reader.records();
		match records.next() {
			None => {}
			Some(Ok(header)) if header.iter().eq(HEADER) => {}
			Some(_) => {
				return Err(CliError::Input(format!(
					"{} is not a results file of `badge bulk` (its first line is not `{}`)",
					path.display(),
					HEADER.join(",")
				)))
			}
		}
		for record in records {
			let record = record.map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?;
			if let Some(id) = record.get(2) {
				recorded.insert(id.to_string());
			}
		}
		let mut writer = csv::WriterBuilder::new()
			.has_headers(false)
			.from_writer(file);
		if whole == 0 {
			writer
				.write_record(HEADER)
				.map_err(|e| CliError::Input(format!("cannot write {}: {e}", path.display())))?;
		}
		let mut results = Self {
			path: path.to_path_buf(),
			writer,
			recorded,
			repaired,
		};
		results.sync()?;
		Ok(results)
	}

	/// Whether the badge `id` (as written, `0x…`) is recorded.
	pub fn has(&self, id: &str) -> bool {
		self.recorded.contains(id)
	}

	/// Append `records` with `status` and make them durable before returning.
	pub fn append<'a>(
		&mut self,
		records: impl IntoIterator<Item = &'a Record>,
		status: &str,
	) -> Result<(), CliError> {
		for record in records {
			let mut fields: Vec<&str> = record.iter().map(String::as_str).collect();
			fields.push(status);
			self.writer
				.write_record(fields)
				.map_err(|e| self.error(e))?;
			self.recorded.insert(record[2].clone());
		}
		self.sync()
	}

	fn sync(&mut self) -> Result<(), CliError> {
		self.writer.flush().map_err(|e| self.error(e))?;
		self.writer.get_ref().sync_data().map_err(|e| self.error(e))
	}

	fn error(&self, e: impl std::fmt::Display) -> CliError {
		CliError::Input(format!("cannot write {}: {e}", self.path.display()))
	}
}

/// Flush on drop too (every append already synced; this only covers a panic between).
impl Drop for Results {
	fn drop(&mut self) {
		let _ = self.writer.flush();
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use std::io::Write;

	fn record(n: u32) -> Record {
		[
			n.to_string(),
			format!("m{n}@example.jp"),
			format!("0x{n:064x}"),
			"0xsecret".into(),
			"salt".into(),
			"sha256$x".into(),
			String::new(),
		]
	}

	#[test]
	fn rows_appended_are_found_again_and_a_cut_last_line_is_dropped() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("r.csv");
		let mut results = Results::open(&path).unwrap();
		results.append([&record(1), &record(2)], "issued").unwrap();
		drop(results);
		// A write interrupted half-way through a row.
		let mut file = OpenOptions::new().append(true).open(&path).unwrap();
		file.write_all(b"4,m4@example.jp,0x00").unwrap();
		drop(file);

		let mut results = Results::open(&path).unwrap();
		assert!(results.repaired);
		assert!(results.has(&record(1)[2]) && results.has(&record(2)[2]));
		assert!(!results.has("0x00"));
		results.append([&record(3)], "already_issued").unwrap();
		drop(results);
		let text = std::fs::read_to_string(&path).unwrap();
		assert_eq!(text.lines().count(), 4, "{text}");
		assert!(text.starts_with("line,email,badge_id,"));
		assert!(text.ends_with(",already_issued\n"), "{text}");
		assert!(!Results::open(&path).unwrap().repaired);
	}

	#[test]
	fn a_file_of_another_kind_is_refused() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("r.csv");
		std::fs::write(&path, "email\na@example.jp\n").unwrap();
		assert!(matches!(Results::open(&path), Err(CliError::Input(_))));
	}
}

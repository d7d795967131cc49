//! One progress bar per phase of `badge bulk`, each with its count, rate and time left.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::time::Duration;

/// The bars of a run, drawn on standard error (nothing is drawn with `--json` or when standard
/// error is not a terminal; notes then go to standard error as plain lines).
#[derive(Clone)]
pub struct Phases {
	multi: MultiProgress,
}

impl Phases {
	/// Bars drawn on a terminal's standard error, or none when `quiet`.
	pub fn new(quiet: bool) -> Self {
		let target = if quiet {
			ProgressDrawTarget::hidden()
		} else {
			ProgressDrawTarget::stderr()
		};
		Self {
			multi: MultiProgress::with_draw_target(target),
		}
	}

	/// A bar for a phase of `len` steps of `unit` (its rate and time left follow the count).
	pub fn bar(&self, name: &str, len: u64, unit: &str) -> ProgressBar {
		let template = format!(
			"{{prefix:>9.bold}} [{{elapsed_precise}}] {{bar:32}} {{human_pos}}/{{human_len}} {unit}  \
			 {{per_sec}}  ETA {{eta}}  {{msg}}"
		);
		let bar = self.multi.add(ProgressBar::new(len));
		bar.set_style(ProgressStyle::with_template(&template).expect("the template is valid"));
		bar.set_prefix(name.to_string());
		bar.enable_steady_tick(Duration::from_millis(200));
		bar
	}

	/// A bar counting bytes (reading a file).
	pub fn bytes(&self, name: &str, len: u64) -> ProgressBar {
		let bar = self.multi.add(ProgressBar::new(len));
		bar.set_style(
			ProgressStyle::with_template(
				"{prefix:>9.bold} [{elapsed_precise}] {bar:32} {bytes}/{total_bytes}  \
				 {bytes_per_sec}  ETA {eta}  {msg}",
			)
			.expect("the template is valid"),
		);
		bar.set_prefix(name.to_string());
		bar
	}

	/// Print a line for people above the bars (on standard error).
	pub fn note(&self, line: impl AsRef<str>) {
		if self.multi.is_hidden() {
			eprintln!("{}", line.as_ref());
		} else {
			let _ = self.multi.println(line.as_ref());
		}
	}
}

/// Finish `bar` with `message` (kept on screen).
pub fn done(bar: &ProgressBar, message: impl Into<std::borrow::Cow<'static, str>>) {
	bar.disable_steady_tick();
	bar.finish_with_message(message);
}

//! What the CLI's test files share: the real `badge` binary run against a node, an issuer with
//! a class, and the CSV files of `badge bulk`.

#![allow(dead_code)]

use serde_json::Value;
use std::{
	path::Path,
	process::{Child, Command, Stdio},
};

/// Runs `badge` with `args`, the node URL and `key` (a secret URI) in the environment.
pub struct Badge<'a> {
	/// The node's RPC URL.
	pub url: String,
	/// The signing key.
	pub key: &'a str,
	/// The working directory (holding an empty `no-config.toml`).
	pub dir: &'a Path,
}

/// A finished run: its exit code and output.
pub struct Run {
	/// Exit code (-1 when killed by a signal).
	pub code: i32,
	/// Standard output.
	pub stdout: String,
	/// Standard error.
	pub stderr: String,
}

impl Run {
	/// Standard output as JSON (`--json`).
	pub fn json(&self) -> Value {
		serde_json::from_str(self.stdout.trim())
			.unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", self.stdout, self.stderr))
	}
}

impl Badge<'_> {
	fn command(&self, args: &[&str]) -> Command {
		let mut command = Command::new(env!("CARGO_BIN_EXE_badge"));
		command
			.args(args)
			.env("BADGE_NODE_URL", &self.url)
			.env("BADGE_KEY", self.key)
			.env("BADGE_CONFIG", self.dir.join("no-config.toml"))
			.env_remove("XDG_CONFIG_HOME")
			.current_dir(self.dir);
		command
	}

	/// Run `badge args` to its end.
	pub fn run(&self, args: &[&str]) -> Run {
		finished(self.command(args).output().expect("the badge binary runs"))
	}

	/// Start `badge args` (its output piped), to stop or kill it while it runs.
	pub fn spawn(&self, args: &[&str]) -> Child {
		self.command(args)
			.stdout(Stdio::piped())
			.stderr(Stdio::piped())
			.spawn()
			.expect("the badge binary starts")
	}

	/// Run `badge args`, check it succeeded; its JSON output.
	pub fn ok(&self, args: &[&str]) -> Value {
		let run = self.run(args);
		assert_eq!(
			run.code, 0,
			"badge {args:?} failed:\n{}\n{}",
			run.stdout, run.stderr
		);
		run.json()
	}
}

/// The end of a spawned run.
pub fn finished(out: std::process::Output) -> Run {
	Run {
		code: out.status.code().unwrap_or(-1),
		stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
		stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
	}
}

/// Register `issuer`'s account as the Digital Agency through `admin` (the council of one of a
/// `--dev` chain).
pub fn register_issuer(admin: &Badge, issuer: &Badge) {
	let account = issuer.ok(&["--json", "account"])["account"]
		.as_str()
		.unwrap()
		.to_string();
	admin.ok(&[
		"--json",
		"issuer",
		"register",
		&account,
		"--name",
		"Digital Agency",
		"--url-home",
		"https://agency.example.jp",
	]);
}

/// [`register_issuer`], then create a class with the issuer's key; the class id.
pub fn issuer_with_class(admin: &Badge, issuer: &Badge) -> String {
	register_issuer(admin, issuer);
	std::fs::write(
		issuer.dir.join("class.toml"),
		"name = \"Digital Promotion Committee member\"\n\
		 description = \"Appointed to the committee.\"\n\
		 criteria_url = \"https://agency.example.jp/criteria\"\n\
		 achievement_type = \"Membership\"\n",
	)
	.unwrap();
	std::fs::write(issuer.dir.join("badge.svg"), "<svg>committee</svg>").unwrap();
	let class = issuer.ok(&[
		"--json",
		"class",
		"create",
		"--file",
		"class.toml",
		"--image",
		"badge.svg",
	]);
	class["class"].as_u64().unwrap().to_string()
}

/// Write a `badge bulk` input of `rows` addresses (`member-N@<domain>`).
pub fn members_csv(path: &Path, rows: usize, domain: &str) {
	let mut text = String::from("email,expires,evidence_url\n");
	for n in 0..rows {
		text.push_str(&format!("member-{n}@{domain},,\n"));
	}
	std::fs::write(path, text).unwrap();
}

/// The rows of a results file (its header left out), or none when it does not exist yet.
pub fn results_rows(path: &Path) -> Vec<Vec<String>> {
	let Ok(text) = std::fs::read_to_string(path) else {
		return Vec::new();
	};
	text.lines()
		.skip(1)
		.filter(|l| l.ends_with("issued"))
		.map(|l| l.split(',').map(String::from).collect())
		.collect()
}

//! Real services besides the node for end-to-end tests: an SMTP server (aiosmtpd, writing a
//! maildir), a PostgreSQL server, the `badge-wallet` service, and a minimal HTTP/1.1 client.

use std::{
	io::{Read, Write},
	net::TcpStream,
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};

/// A real SMTP server on loopback (Python's aiosmtpd with its `Mailbox` handler): every message
/// it accepts lands in a maildir. Killed on drop.
pub struct SmtpServer {
	child: Child,
	/// Its port on 127.0.0.1.
	pub port: u16,
	maildir: tempfile::TempDir,
}

impl SmtpServer {
	/// Start the server and wait until it accepts connections.
	pub fn start() -> SmtpServer {
		let maildir = tempfile::tempdir().expect("a temporary directory");
		let port = crate::free_port();
		let child = Command::new(crate::ob_python())
			.args(["-m", "aiosmtpd", "-n", "-l"])
			.arg(format!("127.0.0.1:{port}"))
			.args(["-c", "aiosmtpd.handlers.Mailbox"])
			.arg(maildir.path().join("mail"))
			.stdout(Stdio::null())
			.stderr(Stdio::null())
			.spawn()
			.expect("aiosmtpd starts (scripts/setup installs it)");
		wait_for_port(port, Duration::from_secs(30));
		SmtpServer {
			child,
			port,
			maildir,
		}
	}

	/// The URL to give the wallet.
	pub fn url(&self) -> String {
		format!("smtp://127.0.0.1:{}", self.port)
	}

	/// Every message received so far, raw, oldest first.
	pub fn messages(&self) -> Vec<String> {
		let dir = self.maildir.path().join("mail/new");
		let mut files: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(&dir)
			.map(|d| {
				d.filter_map(Result::ok)
					.map(|e| {
						(
							e.metadata()
								.and_then(|m| m.modified())
								.unwrap_or(std::time::UNIX_EPOCH),
							e.path(),
						)
					})
					.collect()
			})
			.unwrap_or_default();
		files.sort();
		files
			.into_iter()
			.filter_map(|(_, p)| std::fs::read_to_string(p).ok())
			.collect()
	}

	/// Wait until at least `count` messages arrived; return them all.
	pub fn wait_for(&self, count: usize, timeout: Duration) -> Vec<String> {
		let deadline = Instant::now() + timeout;
		loop {
			let messages = self.messages();
			if messages.len() >= count {
				return messages;
			}
			assert!(
				Instant::now() < deadline,
				"{count} e-mails did not arrive within {timeout:?} (got {})",
				messages.len()
			);
			std::thread::sleep(Duration::from_millis(100));
		}
	}
}

impl Drop for SmtpServer {
	fn drop(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
}

/// Wait until something listens on 127.0.0.1:`port`.
pub fn wait_for_port(port: u16, timeout: Duration) {
	let deadline = Instant::now() + timeout;
	while TcpStream::connect(("127.0.0.1", port)).is_err() {
		assert!(
			Instant::now() < deadline,
			"nothing listens on port {port} after {timeout:?}"
		);
		std::thread::sleep(Duration::from_millis(100));
	}
}

/// The `badge-wallet` binary: `$BADGE_WALLET_BIN`, else next to the node binary.
pub fn wallet_binary() -> PathBuf {
	if let Some(path) = std::env::var_os("BADGE_WALLET_BIN") {
		return PathBuf::from(path);
	}
	crate::node_binary().with_file_name("badge-wallet")
}

/// A running `badge-wallet serve`, killed on drop.
pub struct Wallet {
	child: Child,
	env: Vec<(String, String)>,
	/// Its port on 127.0.0.1.
	pub port: u16,
	/// Its operations listener's port on 127.0.0.1 (`/health`, `/metrics`).
	pub ops_port: u16,
	/// The issuer API token made before it started.
	pub issuer_token: String,
	/// Its data directory (SQLite file, server key).
	pub data_dir: PathBuf,
}

impl Wallet {
	/// Add an issuer named `issuer` bound to the chain account `issuer_account` (SS58), then
	/// serve on a free port against `node_url`, sending e-mail through `smtp_url`, with data in
	/// `data_dir` and the database at `database_url` (default: SQLite in `data_dir`).
	pub fn start(
		data_dir: &Path,
		database_url: Option<&str>,
		node_url: &str,
		smtp_url: &str,
		issuer: &str,
		issuer_account: &str,
	) -> Wallet {
		let port = crate::free_port();
		let ops_port = crate::free_port();
		let mut vars = vec![
			(
				"WALLET_DATA_DIR".to_string(),
				data_dir.display().to_string(),
			),
			("WALLET_NODE_URL".into(), node_url.into()),
			("WALLET_SMTP_URL".into(), smtp_url.into()),
			("WALLET_LISTEN".into(), format!("127.0.0.1:{port}")),
			("WALLET_OPS_LISTEN".into(), format!("127.0.0.1:{ops_port}")),
			("WALLET_BASE_URL".into(), format!("http://127.0.0.1:{port}")),
			// Status lists rebuilt after 2 s instead of 30: tests see a revocation soon.
			("WALLET_STATUS_LIST_REFRESH".into(), "2".into()),
		];
		if let Some(url) = database_url {
			vars.push(("WALLET_DATABASE_URL".into(), url.into()));
		}
		let env = |cmd: &mut Command| {
			cmd.env_remove("WALLET_DATABASE_URL")
				.env_remove("WALLET_CONFIG")
				.envs(vars.iter().map(|(k, v)| (k, v)));
		};
		let mut add = Command::new(wallet_binary());
		add.args(["issuer", "add", issuer, "--account", issuer_account]);
		env(&mut add);
		let output = add.output().expect("badge-wallet runs");
		assert!(
			output.status.success(),
			"issuer add: {}",
			String::from_utf8_lossy(&output.stderr)
		);
		let issuer_token = String::from_utf8_lossy(&output.stdout).trim().to_string();
		let child = Self::serve(data_dir, &vars, port);
		Wallet {
			child,
			env: vars,
			port,
			ops_port,
			issuer_token,
			data_dir: data_dir.to_path_buf(),
		}
	}

	/// `badge-wallet serve` with `vars`, its log appended to `data_dir/wallet.log`, once it
	/// listens on `port`.
	fn serve(data_dir: &Path, vars: &[(String, String)], port: u16) -> Child {
		let log = std::fs::OpenOptions::new()
			.create(true)
			.append(true)
			.open(data_dir.join("wallet.log"))
			.expect("a log file");
		let mut serve = Command::new(wallet_binary());
		serve
			.arg("serve")
			.env_remove("WALLET_DATABASE_URL")
			.env_remove("WALLET_CONFIG")
			.envs(vars.iter().map(|(k, v)| (k, v)))
			.env("WALLET_LOG_FORMAT", "json")
			.stdout(Stdio::null())
			.stderr(log);
		let child = serve.spawn().expect("badge-wallet serve starts");
		wait_for_port(port, Duration::from_secs(30));
		child
	}

	/// Kill the service with SIGKILL (a crash: nothing is flushed, no request is finished).
	pub fn kill(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}

	/// Start the service again on the same port, data and settings (after [`Wallet::kill`]).
	pub fn restart(&mut self) {
		self.child = Self::serve(&self.data_dir, &self.env, self.port);
	}

	/// `http://127.0.0.1:PORT`.
	pub fn url(&self) -> String {
		format!("http://127.0.0.1:{}", self.port)
	}

	/// `http://127.0.0.1:OPS_PORT`, where `/health` and `/metrics` are served.
	pub fn ops_url(&self) -> String {
		format!("http://127.0.0.1:{}", self.ops_port)
	}

	/// `badge-wallet ARGS` run with this service's settings (for admin commands); its stdout.
	pub fn admin(&self, args: &[&str]) -> String {
		let output = self.admin_output(args);
		assert!(
			output.status.success(),
			"badge-wallet {args:?}: {}",
			String::from_utf8_lossy(&output.stderr)
		);
		String::from_utf8_lossy(&output.stdout).trim().to_string()
	}

	/// `badge-wallet ARGS` run with this service's settings, expected to fail: its stderr.
	pub fn admin_refused(&self, args: &[&str]) -> String {
		let output = self.admin_output(args);
		assert!(!output.status.success(), "badge-wallet {args:?} succeeded");
		String::from_utf8_lossy(&output.stderr).to_string()
	}

	fn admin_output(&self, args: &[&str]) -> std::process::Output {
		Command::new(wallet_binary())
			.args(args)
			.env_remove("WALLET_DATABASE_URL")
			.env_remove("WALLET_CONFIG")
			.envs(self.env.iter().map(|(k, v)| (k, v)))
			.output()
			.expect("badge-wallet runs")
	}

	/// Send SIGTERM, as a service manager stops it, and wait up to `patience` for it to exit:
	/// its exit status, or `None` if it is still running.
	pub fn terminate(&mut self, patience: Duration) -> Option<std::process::ExitStatus> {
		let sent = Command::new("kill")
			.args(["-TERM", &self.child.id().to_string()])
			.status()
			.expect("kill runs");
		assert!(sent.success(), "SIGTERM sent");
		let deadline = std::time::Instant::now() + patience;
		while std::time::Instant::now() < deadline {
			if let Some(status) = self.child.try_wait().expect("the child's status") {
				return Some(status);
			}
			std::thread::sleep(Duration::from_millis(50));
		}
		None
	}

	/// What the service logged so far (JSON lines, in `data_dir/wallet.log`).
	pub fn log(&self) -> String {
		std::fs::read_to_string(self.data_dir.join("wallet.log")).unwrap_or_default()
	}
}

impl Drop for Wallet {
	fn drop(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
		if std::thread::panicking() {
			eprintln!("--- badge-wallet log ---\n{}", self.log());
		}
	}
}

/// An HTTP response: status, headers (lower-case names) and body.
#[derive(Debug)]
pub struct Response {
	/// Status code.
	pub status: u16,
	/// Headers, names lower-cased.
	pub headers: Vec<(String, String)>,
	/// Body as text.
	pub body: String,
	/// Body as bytes.
	pub bytes: Vec<u8>,
}

impl Response {
	/// The first header called `name` (lower case).
	pub fn header(&self, name: &str) -> Option<&str> {
		self.headers
			.iter()
			.find(|(n, _)| n == name)
			.map(|(_, v)| v.as_str())
	}
}

/// The text of one HTTP/1.1 request with `Connection: close`.
fn request_text(
	method: &str,
	host: &str,
	path: &str,
	headers: &[(&str, &str)],
	body: &str,
) -> String {
	let mut request = format!(
		"{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
		body.len()
	);
	for (name, value) in headers {
		request.push_str(&format!("{name}: {value}\r\n"));
	}
	request.push_str("\r\n");
	request.push_str(body);
	request
}

/// Send one HTTP/1.1 request and read whatever comes back until the server answers or goes
/// away (a request cut off by a crash of the server): nothing is checked.
pub fn http_cut_off(method: &str, url: &str, headers: &[(&str, &str)], body: &str) {
	let rest = url.strip_prefix("http://").expect("an http:// URL");
	let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
	let Ok(mut stream) = TcpStream::connect(host) else {
		return;
	};
	let request = request_text(method, host, path, headers, body);
	if stream.write_all(request.as_bytes()).is_ok() {
		let _ = stream.read_to_end(&mut Vec::new());
	}
}

/// One HTTP/1.1 request to `url` (`http://host:port/path`) with `Connection: close`.
pub fn http(method: &str, url: &str, headers: &[(&str, &str)], body: &str) -> Response {
	let rest = url.strip_prefix("http://").expect("an http:// URL");
	let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
	let path = if path.is_empty() { "/" } else { path };
	let mut stream = TcpStream::connect(host).expect("the server accepts connections");
	stream
		.set_read_timeout(Some(Duration::from_secs(180)))
		.unwrap();
	let request = request_text(method, host, path, headers, body);
	stream
		.write_all(request.as_bytes())
		.expect("send the request");
	// Read until the body is complete (Content-Length, the chunked terminator, or the server
	// closing): some servers keep the connection open despite `Connection: close`.
	let mut raw = Vec::new();
	let mut buffer = [0u8; 64 * 1024];
	loop {
		let n = stream.read(&mut buffer).expect("read the response");
		raw.extend_from_slice(&buffer[..n]);
		if n == 0 || response_complete(&raw) {
			break;
		}
	}
	let split = raw
		.windows(4)
		.position(|w| w == b"\r\n\r\n")
		.expect("a complete response");
	let head = String::from_utf8_lossy(&raw[..split]).to_string();
	let mut bytes = raw[split + 4..].to_vec();
	if head
		.to_ascii_lowercase()
		.contains("transfer-encoding: chunked")
	{
		bytes = dechunk(&bytes);
	}
	let mut lines = head.lines();
	let status = lines
		.next()
		.and_then(|l| l.split_whitespace().nth(1))
		.and_then(|s| s.parse().ok())
		.expect("a status line");
	let headers = lines
		.filter_map(|l| l.split_once(':'))
		.map(|(n, v)| (n.trim().to_lowercase(), v.trim().to_string()))
		.collect();
	Response {
		status,
		headers,
		body: String::from_utf8_lossy(&bytes).to_string(),
		bytes,
	}
}

/// Whether `raw` holds a whole HTTP response by its own framing.
fn response_complete(raw: &[u8]) -> bool {
	let Some(split) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
		return false;
	};
	let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
	let body = &raw[split + 4..];
	if head.contains("transfer-encoding: chunked") {
		return body.ends_with(b"0\r\n\r\n");
	}
	head.lines()
		.find_map(|l| l.strip_prefix("content-length:"))
		.and_then(|n| n.trim().parse::<usize>().ok())
		.is_some_and(|length| body.len() >= length)
}

/// A chunked HTTP body joined.
fn dechunk(mut raw: &[u8]) -> Vec<u8> {
	let mut out = Vec::new();
	while let Some(end) = raw.windows(2).position(|w| w == b"\r\n") {
		let size = std::str::from_utf8(&raw[..end])
			.ok()
			.and_then(|s| usize::from_str_radix(s.split(';').next().unwrap_or("").trim(), 16).ok())
			.unwrap_or(0);
		if size == 0 || raw.len() < end + 2 + size {
			break;
		}
		out.extend_from_slice(&raw[end + 2..end + 2 + size]);
		raw = &raw[(end + 4 + size).min(raw.len())..];
	}
	out
}

/// A raw e-mail with every base64 body decoded in place (lettre picks base64 for text that is
/// mostly non-ASCII, Japanese for one) and quoted-printable undone, so tests can read the text
/// and follow links whatever the encoding.
pub fn decode_mail(raw: &str) -> String {
	let mut out = String::new();
	let mut base64_body: Option<String> = None;
	let mut in_headers = false;
	let mut base64_part = false;
	for line in raw.lines() {
		if line.starts_with("--") {
			if let Some(body) = base64_body.take() {
				out.push_str(&String::from_utf8_lossy(&decode_base64(&body)));
				out.push('\n');
			}
			in_headers = true;
			base64_part = false;
			out.push_str(line);
			out.push('\n');
			continue;
		}
		if in_headers {
			if line.eq_ignore_ascii_case("Content-Transfer-Encoding: base64") {
				base64_part = true;
			}
			if line.is_empty() {
				in_headers = false;
				if base64_part {
					base64_body = Some(String::new());
				}
			}
			out.push_str(line);
			out.push('\n');
			continue;
		}
		match base64_body.as_mut() {
			Some(body) => body.push_str(line.trim()),
			None => {
				out.push_str(line);
				out.push('\n');
			}
		}
	}
	decode_quoted_printable(&out)
}

/// Standard base64 (padding optional; other characters skipped).
pub fn decode_base64(text: &str) -> Vec<u8> {
	let value = |c: u8| match c {
		b'A'..=b'Z' => Some(c - b'A'),
		b'a'..=b'z' => Some(c - b'a' + 26),
		b'0'..=b'9' => Some(c - b'0' + 52),
		b'+' => Some(62),
		b'/' => Some(63),
		_ => None,
	};
	let mut out = Vec::new();
	let (mut bits, mut count) = (0u32, 0);
	for sextet in text.bytes().filter_map(value) {
		bits = (bits << 6) | u32::from(sextet);
		count += 6;
		if count >= 8 {
			count -= 8;
			out.push((bits >> count) as u8);
			bits &= (1 << count) - 1;
		}
	}
	out
}

/// The text of a raw e-mail with quoted-printable soft line breaks and escapes undone.
pub fn decode_quoted_printable(raw: &str) -> String {
	let joined = raw.replace("=\r\n", "").replace("=\n", "");
	let bytes = joined.as_bytes();
	let mut out = Vec::with_capacity(bytes.len());
	let mut i = 0;
	while i < bytes.len() {
		if bytes[i] == b'=' && i + 2 < bytes.len() + 1 {
			if let Some(byte) = std::str::from_utf8(&bytes[i + 1..(i + 3).min(bytes.len())])
				.ok()
				.and_then(|h| u8::from_str_radix(h, 16).ok())
			{
				out.push(byte);
				i += 3;
				continue;
			}
		}
		out.push(bytes[i]);
		i += 1;
	}
	String::from_utf8_lossy(&out).to_string()
}

/// The first link in `text` that starts with `prefix` and continues with 64 hex digits.
pub fn link_in(text: &str, prefix: &str) -> Option<String> {
	let start = text.find(prefix)?;
	let token: String = text[start + prefix.len()..]
		.chars()
		.take_while(|c| c.is_ascii_hexdigit())
		.collect();
	(token.len() == 64).then(|| format!("{prefix}{token}"))
}

/// A throwaway PostgreSQL server on loopback (the machine's `initdb` and `postgres`, run as the
/// `postgres` user when the tests run as root), with a `wallet` superuser trusted on loopback.
/// Stopped and its data removed on drop.
pub struct Postgres {
	child: Child,
	/// Its port on 127.0.0.1.
	pub port: u16,
	data: PathBuf,
	_dir: tempfile::TempDir,
}

/// The folder of the newest installed PostgreSQL's programs (Debian's layout).
fn postgres_bin() -> PathBuf {
	let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
		.expect("PostgreSQL is installed (scripts/setup installs Debian's postgresql)")
		.filter_map(Result::ok)
		.filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
		.collect();
	versions.sort();
	versions
		.pop()
		.expect("a PostgreSQL version in /usr/lib/postgresql")
		.1
}

/// A command that runs `program` as the `postgres` user when we are root (PostgreSQL refuses
/// to run as root), as ourselves otherwise.
fn as_postgres(program: PathBuf) -> Command {
	let root = Command::new("id")
		.arg("-u")
		.output()
		.map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
		.unwrap_or(false);
	if root {
		let mut cmd = Command::new("runuser");
		cmd.args(["-u", "postgres", "--"]).arg(program);
		cmd
	} else {
		Command::new(program)
	}
}

impl Postgres {
	/// Initialize a cluster in a temporary folder and start the server.
	pub fn start() -> Postgres {
		let dir = tempfile::tempdir().expect("a temporary directory");
		let _ = Command::new("chown")
			.args(["-R", "postgres"])
			.arg(dir.path())
			.status();
		let data = dir.path().join("data");
		let bin = postgres_bin();
		let init = as_postgres(bin.join("initdb"))
			.args([
				"-A",
				"trust",
				"-U",
				"wallet",
				"-E",
				"UTF8",
				"--no-sync",
				"-D",
			])
			.arg(&data)
			.output()
			.expect("initdb runs");
		assert!(
			init.status.success(),
			"initdb failed: {}",
			String::from_utf8_lossy(&init.stderr)
		);
		let port = crate::free_port();
		let child = as_postgres(bin.join("postgres"))
			.arg("-D")
			.arg(&data)
			.arg("-k")
			.arg(dir.path())
			.args([
				"-p",
				&port.to_string(),
				"-c",
				"listen_addresses=127.0.0.1",
				"-c",
				"fsync=off",
			])
			.stdout(Stdio::null())
			.stderr(Stdio::null())
			.spawn()
			.expect("postgres starts");
		// Ready means accepting queries, not just listening.
		let deadline = Instant::now() + Duration::from_secs(60);
		while !Command::new(bin.join("pg_isready"))
			.args(["-q", "-h", "127.0.0.1", "-p", &port.to_string()])
			.status()
			.is_ok_and(|s| s.success())
		{
			assert!(
				Instant::now() < deadline,
				"PostgreSQL did not become ready in 60 s"
			);
			std::thread::sleep(Duration::from_millis(100));
		}
		Postgres {
			child,
			port,
			data,
			_dir: dir,
		}
	}

	/// The URL of its `postgres` database as the `wallet` user.
	pub fn url(&self) -> String {
		format!("postgres://wallet@127.0.0.1:{}/postgres", self.port)
	}
}

impl Drop for Postgres {
	fn drop(&mut self) {
		// Killing `runuser` would leave the server running: stop the server itself.
		let _ = as_postgres(postgres_bin().join("pg_ctl"))
			.args(["stop", "-m", "immediate", "-D"])
			.arg(&self.data)
			.output();
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn base64_and_quoted_printable_bodies_are_decoded() {
		assert_eq!(decode_base64("44Kq44O844OX44Oz"), "オープン".as_bytes());
		assert_eq!(decode_base64("YQ=="), b"a");
		let raw = "Subject: x\n\n--B\nContent-Type: text/plain; charset=utf-8\n\
		           Content-Transfer-Encoding: base64\n\n44Kq44O8\n44OX44Oz\n--B\n\
		           Content-Transfer-Encoding: quoted-printable\n\na=3Db\n--B--\n";
		let mail = decode_mail(raw);
		assert!(mail.contains("オープン"), "{mail}");
		assert!(mail.contains("a=b"), "{mail}");
	}
}

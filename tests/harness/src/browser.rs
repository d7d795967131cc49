//! A headless Chromium driven through ChromeDriver's W3C WebDriver protocol (JSON over HTTP on
//! loopback): Debian's `chromium` and `chromedriver`, nothing downloaded. Enough of the
//! protocol to open pages, fill and submit forms (file inputs too), read the page and take
//! screenshots.

use crate::services::http;
use serde_json::{json, Value};
use std::{
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	time::Duration,
};

/// The W3C name of an element reference in WebDriver JSON.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A ChromeDriver process and one browser session; both end on drop.
pub struct Browser {
	driver: Child,
	base: String,
	session: String,
	/// Where [`Browser::screenshot`] writes.
	pub shots: PathBuf,
	_profile: tempfile::TempDir,
}

/// An element of the current page.
#[derive(Clone, Debug)]
pub struct Element(String);

impl Browser {
	/// Start ChromeDriver and a headless Chromium (a fresh profile, no background networking:
	/// this machine has no outside network), saving screenshots in `shots`.
	pub fn start(shots: &Path) -> Browser {
		std::fs::create_dir_all(shots).expect("the screenshot folder");
		let (driver, port) = start_driver();
		let profile = tempfile::tempdir().unwrap();
		let base = format!("http://127.0.0.1:{port}");
		let capabilities = json!({ "capabilities": { "alwaysMatch": {
			"browserName": "chrome",
			"goog:chromeOptions": {
				"binary": std::env::var("CHROMIUM").unwrap_or("/usr/bin/chromium".into()),
				"args": [
					"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
					"--disable-background-networking", "--disable-component-update",
					"--disable-sync", "--no-first-run", "--disable-quic",
					"--window-size=1200,1400", "--lang=en-US",
					format!("--user-data-dir={}", profile.path().display()),
				],
			},
		}}});
		let mut browser = Browser {
			driver,
			base,
			session: String::new(),
			shots: shots.to_path_buf(),
			_profile: profile,
		};
		let created = browser.call("POST", "/session", Some(capabilities));
		browser.session = created["sessionId"]
			.as_str()
			.unwrap_or_else(|| panic!("no session: {created}"))
			.to_string();
		browser
	}

	/// One WebDriver command; its `value` (panics on an error answer).
	fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
		self.try_call(method, path, body)
			.unwrap_or_else(|e| panic!("{method} {path}: {e}"))
	}

	/// One WebDriver command; its `value`, or the error answer.
	fn try_call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
		let body = body.map(|b| b.to_string()).unwrap_or_default();
		let response = http(
			method,
			&format!("{}{path}", self.base),
			&[("content-type", "application/json")],
			&body,
		);
		let json: Value =
			serde_json::from_str(&response.body).map_err(|e| format!("{e}: {}", response.body))?;
		if response.status != 200 {
			return Err(format!("{}: {}", response.status, json["value"]["message"]));
		}
		Ok(json["value"].clone())
	}

	fn session_call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
		self.call(method, &format!("/session/{}{path}", self.session), body)
	}

	/// Open `url` and wait until it has loaded.
	pub fn open(&self, url: &str) {
		self.session_call("POST", "/url", Some(json!({ "url": url })));
	}

	/// The current URL.
	pub fn url(&self) -> String {
		self.session_call("GET", "/url", None)
			.as_str()
			.unwrap_or_default()
			.to_string()
	}

	/// The page's visible text (empty while a new page is loading).
	pub fn text(&self) -> String {
		self.try_call(
			"POST",
			&format!("/session/{}/execute/sync", self.session),
			Some(json!({
				"script": "return document.body ? document.body.innerText : '';",
				"args": [],
			})),
		)
		.ok()
		.and_then(|v| v.as_str().map(String::from))
		.unwrap_or_default()
	}

	/// The page's HTML.
	pub fn source(&self) -> String {
		self.session_call("GET", "/source", None)
			.as_str()
			.unwrap_or_default()
			.to_string()
	}

	/// The first element matching a CSS selector (panics if none).
	pub fn find(&self, css: &str) -> Element {
		let found = self.session_call(
			"POST",
			"/element",
			Some(json!({ "using": "css selector", "value": css })),
		);
		Element(
			found[ELEMENT]
				.as_str()
				.unwrap_or_else(|| panic!("no element {css}: {found}"))
				.to_string(),
		)
	}

	/// Type `text` into the element (for a file input: a file's path).
	pub fn type_into(&self, css: &str, text: &str) {
		let element = self.find(css);
		self.session_call(
			"POST",
			&format!("/element/{}/value", element.0),
			Some(json!({ "text": text })),
		);
	}

	/// Click the element; a submit button's form is posted and the next page loaded.
	pub fn click(&self, css: &str) {
		let element = self.find(css);
		self.session_call(
			"POST",
			&format!("/element/{}/click", element.0),
			Some(json!({})),
		);
	}

	/// The text once the page shows `wanted`, or a panic after `timeout`. The page is not
	/// reloaded (it may be the answer to a form); see [`Browser::wait_reloading`].
	pub fn wait_for_text(&self, wanted: &str, timeout: Duration) -> String {
		self.wait(wanted, timeout, false)
	}

	/// Like [`Browser::wait_for_text`], reloading the page (a GET page) every half second.
	pub fn wait_reloading(&self, wanted: &str, timeout: Duration) -> String {
		self.wait(wanted, timeout, true)
	}

	fn wait(&self, wanted: &str, timeout: Duration, reload: bool) -> String {
		let deadline = std::time::Instant::now() + timeout;
		loop {
			let text = self.text();
			if text.contains(wanted) {
				return text;
			}
			assert!(
				std::time::Instant::now() < deadline,
				"{} never showed {wanted:?}: {text}",
				self.url()
			);
			std::thread::sleep(Duration::from_millis(500));
			if reload {
				let _ = self.try_call(
					"POST",
					&format!("/session/{}/refresh", self.session),
					Some(json!({})),
				);
			}
		}
	}

	/// Save a screenshot of the window as `name.png`; its path.
	pub fn screenshot(&self, name: &str) -> PathBuf {
		let data = self.session_call("GET", "/screenshot", None);
		let png = crate::services::decode_base64(data.as_str().unwrap_or_default());
		assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
		let path = self.shots.join(format!("{name}.png"));
		std::fs::write(&path, png).expect("write the screenshot");
		path
	}
}

/// ChromeDriver on a free port; a second port is tried if the first never opens (another
/// process may take a free port before ChromeDriver binds it).
fn start_driver() -> (Child, u16) {
	for _ in 0..3 {
		let port = crate::free_port();
		let mut driver =
			Command::new(std::env::var("CHROMEDRIVER").unwrap_or("chromedriver".into()))
				.arg(format!("--port={port}"))
				.stdout(Stdio::null())
				.stderr(Stdio::null())
				.spawn()
				.expect("chromedriver runs (scripts/setup installs Debian's chromium-driver)");
		let deadline = std::time::Instant::now() + Duration::from_secs(15);
		while std::time::Instant::now() < deadline {
			if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
				return (driver, port);
			}
			std::thread::sleep(Duration::from_millis(100));
		}
		let _ = driver.kill();
		let _ = driver.wait();
	}
	panic!("chromedriver never listened on loopback");
}

impl Drop for Browser {
	fn drop(&mut self) {
		if !self.session.is_empty() {
			let _ = http(
				"DELETE",
				&format!("{}/session/{}", self.base, self.session),
				&[],
				"",
			);
		}
		let _ = self.driver.kill();
		let _ = self.driver.wait();
	}
}

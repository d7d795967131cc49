//! Outgoing e-mail: SMTP through lettre, or `.eml` files in an outbox folder when no SMTP server
//! is configured (the dev setup). Every message has a plain-text and an HTML part.

use lettre::{
	message::{header::ContentType, Attachment, Mailbox, MultiPart, SinglePart},
	AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};

/// Where e-mails go.
#[derive(Clone)]
pub enum Mailer {
	/// An SMTP server.
	Smtp(AsyncSmtpTransport<Tokio1Executor>),
	/// `.eml` files in a folder.
	Outbox(AsyncFileTransport<Tokio1Executor>, std::path::PathBuf),
}

/// What sending can fail with.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
	/// The message could not be built (a bad address).
	#[error("bad message: {0}")]
	Build(String),
	/// The SMTP server or the outbox refused it.
	#[error("could not send: {0}")]
	Send(String),
}

/// One e-mail to send.
pub struct Mail {
	/// Recipient address.
	pub to: String,
	/// Subject line.
	pub subject: String,
	/// Plain-text body.
	pub text: String,
	/// HTML body.
	pub html: String,
	/// A PNG the HTML shows inline as `cid:NAME`: (NAME, bytes).
	pub inline_png: Option<(String, Vec<u8>)>,
}

impl Mailer {
	/// SMTP at `url` (`smtp://host:port`, `smtps://…`, see lettre's `from_url`), or the
	/// outbox folder `outbox` (created) without one.
	pub fn new(url: Option<&str>, outbox: &std::path::Path) -> Result<Mailer, String> {
		match url {
			Some(url) => Ok(Mailer::Smtp(
				AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
					.map_err(|e| format!("smtp_url `{url}`: {e}"))?
					.build(),
			)),
			None => {
				std::fs::create_dir_all(outbox)
					.map_err(|e| format!("cannot create {}: {e}", outbox.display()))?;
				Ok(Mailer::Outbox(
					AsyncFileTransport::new(outbox),
					outbox.to_path_buf(),
				))
			}
		}
	}

	/// Send `mail` from `from`.
	pub async fn send(&self, from: &str, mail: Mail) -> Result<(), MailError> {
		let from: Mailbox = from.parse().map_err(|e| MailError::Build(format!("{e}")))?;
		let to: Mailbox = mail
			.to
			.parse()
			.map_err(|e| MailError::Build(format!("recipient: {e}")))?;
		let message = Message::builder()
			.from(from)
			.to(to)
			.subject(mail.subject)
			.multipart({
				let text = SinglePart::builder()
					.header(ContentType::TEXT_PLAIN)
					.body(mail.text);
				let html = SinglePart::builder()
					.header(ContentType::TEXT_HTML)
					.body(mail.html);
				let alternative = MultiPart::alternative().singlepart(text);
				match mail.inline_png {
					// The HTML and the image it shows travel together as multipart/related.
					Some((name, png)) => alternative.multipart(
						MultiPart::related().singlepart(html).singlepart(
							Attachment::new_inline(name)
								.body(png, ContentType::parse("image/png").expect("a valid type")),
						),
					),
					None => alternative.singlepart(html),
				}
			})
			.map_err(|e| MailError::Build(e.to_string()))?;
		let sent = match self {
			Mailer::Smtp(smtp) => smtp
				.send(message)
				.await
				.map(|_| ())
				.map_err(|e| MailError::Send(e.to_string())),
			Mailer::Outbox(outbox, _) => outbox
				.send(message)
				.await
				.map(|_| ())
				.map_err(|e| MailError::Send(e.to_string())),
		};
		if sent.is_ok() {
			crate::metrics::event("mail_sent");
		}
		sent
	}

	/// Delete the outbox files addressed to `address` (their links must not outlive a deleted
	/// account): how many. Sent SMTP mail is out of reach; nothing to do.
	pub async fn forget(&self, address: &str) -> std::io::Result<usize> {
		let Mailer::Outbox(_, folder) = self else {
			return Ok(0);
		};
		let (folder, address) = (folder.clone(), address.to_ascii_lowercase());
		tokio::task::spawn_blocking(move || {
			let mut deleted = 0;
			for entry in std::fs::read_dir(&folder)? {
				let path = entry?.path();
				if path.extension().is_none_or(|e| e != "eml") {
					continue;
				}
				let text = std::fs::read_to_string(&path)?;
				let headers = text.split("\r\n\r\n").next().unwrap_or_default();
				let to_them = headers.lines().any(|line| {
					line.len() > 3
						&& line[..3].eq_ignore_ascii_case("to:")
						&& line[3..].to_ascii_lowercase().contains(&address)
				});
				if to_them {
					std::fs::remove_file(&path)?;
					deleted += 1;
				}
			}
			Ok(deleted)
		})
		.await
		.map_err(std::io::Error::other)?
	}
}

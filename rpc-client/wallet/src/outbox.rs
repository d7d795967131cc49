//! The outbox sender: delivers the e-mails queued in the database (the `outbox` table) and takes
//! each off once the mail server (or the dev outbox folder) has it.
//!
//! Whatever announces an e-mail (an application, a registration's pending badges) writes it in
//! the same transaction as the links it carries, so an unreachable mail server delays e-mail but
//! never loses it nor refuses the request. A failed attempt is retried with growing pauses
//! ([`retry_delay`]); a message that can never be delivered (its link expired, its address
//! refused by the message builder) is dropped and logged. A message is leased for [`LEASE`]
//! seconds before it is sent, so several service instances on one database do not send it twice;
//! a sender killed mid-send leaves it due again when the lease ends.

use crate::{
	i18n::{tr, Lang},
	mail::{Mail, MailError},
	store::{self, MailKind, QueuedMail},
	State,
};
use futures::StreamExt;
use std::{sync::Arc, time::Duration};

/// Seconds a sender holds a message before another may try it.
pub const LEASE: i64 = 300;
/// Messages leased per round.
pub const BATCH: i64 = 64;
/// Messages sent at once.
pub const CONCURRENT: usize = 4;
/// Longest pause between looks at the outbox when nothing wakes the sender.
pub const IDLE: Duration = Duration::from_secs(30);

/// Seconds to wait after a message's `failures`th failed attempt: 30 s doubling, at most an hour.
pub fn retry_delay(failures: i64) -> i64 {
	(30_i64 << failures.clamp(0, 7)).min(3600)
}

/// Send queued e-mail until the process ends; database failures are logged and retried.
pub async fn run(state: Arc<State>) {
	loop {
		match round(&state, store::now()).await {
			Ok(0) => {}
			Ok(_) => continue,
			Err(e) => tracing::warn!(error = %e, "outbox: will retry"),
		}
		let wait = match state.store.outbox_backlog().await {
			Ok((_, Some(due))) => Duration::from_secs((due - store::now()).clamp(0, 30) as u64),
			_ => IDLE,
		};
		tokio::select! {
			_ = state.outbox_wake.notified() => {}
			_ = tokio::time::sleep(wait.max(Duration::from_millis(200))) => {}
		}
	}
}

/// Lease the messages due at `now` (seconds since the epoch) and try each once; how many were
/// leased.
pub async fn round(state: &State, now: i64) -> Result<usize, store::StoreError> {
	let leased = state.store.lease_mail(now, now + LEASE, BATCH).await?;
	let count = leased.len();
	futures::stream::iter(leased)
		.for_each_concurrent(CONCURRENT, |queued| deliver(state, queued, now))
		.await;
	Ok(count)
}

/// Why a queued message will never be sent.
#[derive(Debug, thiserror::Error)]
enum Undeliverable {
	/// Its link expired while it waited.
	#[error("its link expired before it could be sent")]
	Expired,
	/// The server key cannot open its sealed token (the key file was replaced).
	#[error("its link token cannot be unsealed with this server key")]
	Sealed,
	/// A receipt e-mail whose application is gone.
	#[error("its application no longer exists")]
	NoApplication,
	/// The message cannot be built (for example, the address is refused).
	#[error("{0}")]
	Build(String),
}

/// What became of one attempt.
enum Attempt {
	/// The mail server (or the outbox folder) took it.
	Sent,
	/// Sending failed; a later attempt may succeed.
	Failed(MailError),
	/// It can never be sent.
	Dropped(Undeliverable),
}

async fn deliver(state: &State, queued: QueuedMail, now: i64) {
	let id = queued.id;
	let lang = Lang::from_code(&queued.lang).unwrap_or_else(crate::i18n::lang);
	let attempt = match crate::i18n::with_lang(lang, compose(state, &queued, now)).await {
		Ok(mail) => match state.mailer.send(&state.config.mail_from, mail).await {
			Ok(()) => Attempt::Sent,
			Err(MailError::Build(e)) => Attempt::Dropped(Undeliverable::Build(e)),
			Err(e) => Attempt::Failed(e),
		},
		Err(undeliverable) => Attempt::Dropped(undeliverable),
	};
	let recorded = match attempt {
		Attempt::Sent => state.store.remove_mail(id).await,
		Attempt::Failed(failure) => {
			crate::metrics::event("mail_failed");
			let delay = retry_delay(queued.attempts);
			tracing::warn!(mail = id, attempts = queued.attempts + 1, retry_in_s = delay, error = %failure, "e-mail not sent: will retry");
			state
				.store
				.mail_failed(id, now + delay, &failure.to_string())
				.await
		}
		Attempt::Dropped(undeliverable) => {
			crate::metrics::event("mail_dropped");
			tracing::error!(mail = id, kind = queued.kind.name(), problem = %undeliverable, "e-mail dropped");
			state.store.remove_mail(id).await
		}
	};
	if let Err(e) = recorded {
		// The lease ends and the message is tried again: sent twice at worst, never lost.
		tracing::warn!(mail = id, error = %e, "outbox: could not record an attempt");
	}
}

/// The message `queued` announces, in the current language.
async fn compose(state: &State, queued: &QueuedMail, now: i64) -> Result<Mail, Undeliverable> {
	if queued.expires_at <= now {
		return Err(Undeliverable::Expired);
	}
	let token = state
		.key
		.open(
			&queued.token_enc,
			&crate::secrets::Context::MailLink(&queued.email),
		)
		.ok()
		.and_then(|t| String::from_utf8(t).ok())
		.ok_or(Undeliverable::Sealed)?;
	let expires = crate::web::expiry_text(queued.expires_at);
	match queued.kind {
		MailKind::Register => {
			let ctx = minijinja::context! {
				issuer => queued.issuer_name.as_deref().unwrap_or_default(),
				link => crate::web::link_url(state, "register", &token),
				expires,
			};
			Ok(Mail {
				to: queued.email.clone(),
				subject: tr("Register your Open Badge Wallet to receive your badge"),
				text: crate::templates::render("mail_register.txt", ctx.clone()),
				html: crate::templates::render("mail_register.html", ctx),
				inline_png: None,
			})
		}
		MailKind::Reset => {
			let ctx = minijinja::context! {
				link => crate::web::link_url(state, "reset", &token),
				expires,
			};
			Ok(Mail {
				to: queued.email.clone(),
				subject: tr("Choose a new password for your Open Badge Wallet"),
				text: crate::templates::render("mail_reset.txt", ctx.clone()),
				html: crate::templates::render("mail_reset.html", ctx),
				inline_png: None,
			})
		}
		MailKind::Receive => {
			let badge_id = queued.badge_id.ok_or(Undeliverable::NoApplication)?;
			let page_url = crate::pages::page_url(state, badge_id);
			let qr = crate::pages::qr_png_of(&page_url, 400).map_err(Undeliverable::Build)?;
			let ctx = minijinja::context! {
				badge_id,
				link => crate::web::link_url(state, "receive", &token),
				expires,
				page_url,
			};
			Ok(Mail {
				to: queued.email.clone(),
				subject: tr("Your Open Badge is ready to receive"),
				text: crate::templates::render("mail_receipt.txt", ctx.clone()),
				html: crate::templates::render("mail_receipt.html", ctx),
				inline_png: Some(("qr".into(), qr)),
			})
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn retries_back_off_to_an_hour() {
		assert_eq!(retry_delay(0), 30);
		assert_eq!(retry_delay(1), 60);
		assert_eq!(retry_delay(3), 240);
		assert_eq!(retry_delay(7), 3600);
		assert_eq!(retry_delay(1_000), 3600);
		assert_eq!(retry_delay(-1), 30);
	}
}

//! Recovery for holders and applicants: a forgotten password and links that expired, by e-mail.
//!
//! `/recover` takes an address and always gives the same answer, whether or not the service
//! knows it, so no one learns who has a wallet. For an address it knows it queues what that
//! person needs: to a registered holder a password-reset link (valid [`RESET_HOURS`]) and a
//! fresh receipt link for each badge still waiting; to an applicant who has not registered, a
//! fresh registration link. At most [`PER_ADDRESS`] recoveries go to one address per
//! [`crate::limits::WINDOW_SECS`], so the form cannot flood anyone's inbox. Setting a new
//! password through the link ends every session of the holder.

use crate::{
	domain::links::live_link,
	domain::Error,
	i18n::{self, tr},
	secrets::token_hash,
	store::{self, LinkKind, MailKind},
	web::{password_problem, PageError, MAX_PASSWORD, MIN_PASSWORD},
	State,
};
use axum::{
	extract::{Path, State as AxumState},
	http::StatusCode,
	response::{Html, IntoResponse, Response},
	Form,
};
use serde::Deserialize;
use std::sync::Arc;

/// Hours a password-reset link works.
pub const RESET_HOURS: i64 = 1;
/// Recoveries per address per window.
pub const PER_ADDRESS: usize = 3;

/// The recovery form.
#[derive(Deserialize)]
pub struct RecoverForm {
	email: String,
}

/// `GET /recover`.
pub(crate) async fn recover_page() -> Html<String> {
	Html(crate::templates::render(
		"recover.html",
		minijinja::context! { sent => false },
	))
}

/// `POST /recover`: the same answer for every address.
pub(crate) async fn recover(
	AxumState(state): AxumState<Arc<State>>,
	form: Result<Form<RecoverForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
	let Ok(Form(form)) = form else {
		return Err(Error::BadInput(tr("Fill in your e-mail address.")).into());
	};
	if let Ok(email) = badge_client::recipient::normalize_email(&form.email) {
		if state
			.limiter
			.allow(&format!("recover:{email}"), PER_ADDRESS)
		{
			do_recover(&state, &email).await?;
		} else {
			crate::metrics::event("rate_limited");
		}
	}
	Ok(Html(crate::templates::render(
		"recover.html",
		minijinja::context! { sent => true },
	))
	.into_response())
}

/// Queue what `email` needs to get back in: a reset link and fresh receipt links for a holder,
/// a fresh registration link for an applicant who has not registered; nothing for a stranger.
pub async fn do_recover(state: &State, email: &str) -> Result<(), Error> {
	let lang = i18n::lang();
	let now = store::now();
	let pending = state.store.pending_applications(email).await?;
	if state.store.holder_by_email(email).await?.is_some() {
		let (hash, sealed) = crate::intake::link_token(state, email);
		state
			.store
			.queue_mail(
				MailKind::Reset,
				email,
				lang.code(),
				None,
				None,
				&hash,
				&sealed,
				now + RESET_HOURS * 3600,
			)
			.await?;
		crate::intake::queue_receipts(state, &pending).await;
		tracing::info!("recovery: a password-reset e-mail queued");
	} else if let Some(issuer) = state.store.pending_issuer_name(email).await? {
		let (hash, sealed) = crate::intake::link_token(state, email);
		state
			.store
			.queue_mail(
				MailKind::Register,
				email,
				lang.code(),
				Some(&issuer),
				None,
				&hash,
				&sealed,
				now + state.config.registration_link_hours * 3600,
			)
			.await?;
		tracing::info!("recovery: a fresh registration e-mail queued");
	}
	crate::metrics::event("recovery");
	state.outbox_wake.notify_one();
	Ok(())
}

fn reset_form(email: &str, problem: Option<&str>, done: bool) -> Html<String> {
	Html(crate::templates::render(
		"reset.html",
		minijinja::context! {
			email, problem, done, min_password => MIN_PASSWORD, max_password => MAX_PASSWORD
		},
	))
}

/// `GET /reset/{token}`: the new-password form.
pub(crate) async fn reset_page(
	AxumState(state): AxumState<Arc<State>>,
	Path(token): Path<String>,
) -> Result<Html<String>, PageError> {
	let link = live_link(&state, &token, LinkKind::Reset).await?;
	Ok(reset_form(&link.email, None, false))
}

/// The new-password form.
#[derive(Deserialize)]
pub struct ResetForm {
	password: String,
	password_again: String,
}

/// `POST /reset/{token}`: the new password, once; every session of the holder ends.
pub(crate) async fn reset(
	AxumState(state): AxumState<Arc<State>>,
	Path(token): Path<String>,
	form: Result<Form<ResetForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
	let link = live_link(&state, &token, LinkKind::Reset).await?;
	let Ok(Form(form)) = form else {
		return Ok((
			StatusCode::UNPROCESSABLE_ENTITY,
			reset_form(&link.email, Some(&tr("The two passwords differ.")), false),
		)
			.into_response());
	};
	if let Some(problem) = password_problem(&form.password, &form.password_again) {
		return Ok((
			StatusCode::UNPROCESSABLE_ENTITY,
			reset_form(&link.email, Some(&problem), false),
		)
			.into_response());
	}
	let hash = state.passwords.hash(&form.password).await?;
	if !state
		.store
		.reset_password(&token_hash(&token), &link.email, &hash)
		.await?
	{
		return Err(Error::LinkUsed.into());
	}
	tracing::info!("password reset; the holder's sessions ended");
	crate::metrics::event("password_reset");
	Ok(reset_form(&link.email, None, true).into_response())
}

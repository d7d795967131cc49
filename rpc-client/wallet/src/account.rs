//! The holder's account page: export the custodial chain key (self-custody) and delete the
//! wallet account. Both ask for the password again and count against the login limit.

use crate::{
	i18n::tr,
	pages::{cookie_token, session, LOGIN_ATTEMPTS},
	secrets::token_hash,
	store::Holder,
	web::{PageError, WebError},
	State,
};
use axum::{
	extract::State as AxumState,
	http::{header, HeaderMap, HeaderValue, StatusCode},
	response::{Html, IntoResponse, Redirect, Response},
	Form,
};
use serde::Deserialize;
use std::sync::Arc;

fn account_page(
	holder: &Holder,
	csrf: &str,
	problem: Option<&str>,
	status: StatusCode,
) -> Response {
	(
		status,
		Html(crate::templates::render(
			"account.html",
			minijinja::context! { email => &holder.email, account => &holder.account, csrf, problem },
		)),
	)
		.into_response()
}

/// `GET /account`.
pub(crate) async fn page(
	AxumState(state): AxumState<Arc<State>>,
	headers: HeaderMap,
) -> Result<Response, PageError> {
	let Some((holder, csrf)) = session(&state, &headers).await? else {
		return Ok(Redirect::to("/login").into_response());
	};
	Ok(account_page(&holder, &csrf, None, StatusCode::OK))
}

/// The key export and deletion forms.
#[derive(Deserialize)]
pub struct ConfirmForm {
	csrf: String,
	password: String,
	/// Deletion only: the box saying the holder understands.
	#[serde(default)]
	confirm: Option<String>,
}

/// The logged-in holder of a form that carries the right CSRF token and password; otherwise the
/// response to send (login, or the account page with what was wrong).
async fn confirmed(
	state: &State,
	headers: &HeaderMap,
	form: Result<Form<ConfirmForm>, axum::extract::rejection::FormRejection>,
) -> Result<Result<(Holder, ConfirmForm), Response>, PageError> {
	let Some((holder, csrf)) = session(state, headers).await? else {
		return Ok(Err(Redirect::to("/login").into_response()));
	};
	let Ok(Form(form)) = form else {
		return Ok(Err(account_page(
			&holder,
			&csrf,
			Some(&tr("Fill in your password.")),
			StatusCode::UNPROCESSABLE_ENTITY,
		)));
	};
	if form.csrf != csrf {
		return Err(WebError::BadInput(
			"This form has expired: reload the page and try again.".into(),
		)
		.into());
	}
	if !state
		.limiter
		.allow(&format!("login:{}", holder.email), LOGIN_ATTEMPTS)
	{
		return Ok(Err(account_page(
			&holder,
			&csrf,
			Some(&tr("Too many attempts. Wait 15 minutes and try again.")),
			StatusCode::TOO_MANY_REQUESTS,
		)));
	}
	if !state
		.passwords
		.check(&form.password, &holder.password_hash)
		.await?
	{
		return Ok(Err(account_page(
			&holder,
			&csrf,
			Some(&tr("The password is wrong.")),
			StatusCode::UNAUTHORIZED,
		)));
	}
	Ok(Ok((holder, form)))
}

/// `POST /account/key`: the holder's chain key as a file (`0x` and the 32-byte seed in hex),
/// which the `badge` CLI takes as `--key-file`. The wallet keeps its copy.
pub(crate) async fn export_key(
	AxumState(state): AxumState<Arc<State>>,
	headers: HeaderMap,
	form: Result<Form<ConfirmForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
	let (holder, _) = match confirmed(&state, &headers, form).await? {
		Ok(confirmed) => confirmed,
		Err(response) => return Ok(response),
	};
	let seed = state
		.key
		.open(
			&holder.key_enc,
			&crate::secrets::Context::HolderKey(&holder.account),
		)
		.map_err(|_| WebError::Internal("holder key does not decrypt".into()))?;
	tracing::info!(account = %holder.account, "holder exported their key");
	crate::metrics::event("key_exported");
	let disposition = format!(
		"attachment; filename=\"open-badge-wallet-{}.key\"",
		holder.account
	);
	Ok((
		[
			(
				header::CONTENT_TYPE,
				HeaderValue::from_static("text/plain; charset=utf-8"),
			),
			(
				header::CONTENT_DISPOSITION,
				HeaderValue::from_str(&disposition)
					.map_err(|e| WebError::Internal(e.to_string()))?,
			),
		],
		format!("0x{}\n", hex::encode(seed)),
	)
		.into_response())
}

/// `POST /account/delete`: erase the holder's off-chain data and log them out.
pub(crate) async fn delete(
	AxumState(state): AxumState<Arc<State>>,
	headers: HeaderMap,
	form: Result<Form<ConfirmForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
	let (holder, form) = match confirmed(&state, &headers, form).await? {
		Ok(confirmed) => confirmed,
		Err(response) => return Ok(response),
	};
	if form.confirm.as_deref() != Some("yes") {
		let csrf = form.csrf;
		return Ok(account_page(
			&holder,
			&csrf,
			Some(&tr(
				"Tick the box to confirm that you want to delete your wallet.",
			)),
			StatusCode::UNPROCESSABLE_ENTITY,
		));
	}
	state.store.delete_holder(&holder).await?;
	// The links in e-mails the outbox folder still holds die with the account.
	if let Err(e) = state.mailer.forget(&holder.email).await {
		tracing::warn!(error = %e, "outbox files of a deleted account could not all be deleted");
	}
	if let Some(token) = cookie_token(&headers) {
		// Already gone with the holder's sessions; harmless if so.
		state.store.delete_session(&token_hash(&token)).await?;
	}
	tracing::info!(account = %holder.account, "wallet account deleted");
	crate::metrics::event("account_deleted");
	let mut response = Html(crate::templates::render(
		"deleted.html",
		minijinja::context! { account => &holder.account },
	))
	.into_response();
	response.headers_mut().insert(
		header::SET_COOKIE,
		HeaderValue::from_static("wallet_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
	);
	Ok(response)
}

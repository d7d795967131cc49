//! The holder's account page: export the custodial chain key (self-custody) and delete the
//! wallet account. Both ask for the password again and count against the login limit.

use crate::{
	domain::Error,
	i18n::tr,
	pages::LOGIN_ATTEMPTS,
	secrets::token_hash,
	sessions::{HolderSession, HOLDER_COOKIE},
	store::Holder,
	web::PageError,
	State,
};
use axum::{
	extract::State as AxumState,
	http::{header, HeaderValue, StatusCode},
	response::{Html, IntoResponse, Response},
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
pub(crate) async fn page(session: HolderSession) -> Response {
	account_page(&session.holder, &session.csrf, None, StatusCode::OK)
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

/// The form of a session that carries its CSRF token and the holder's password; otherwise the
/// response to send (the account page with what was wrong).
async fn confirmed(
	state: &State,
	session: &HolderSession,
	form: Result<Form<ConfirmForm>, axum::extract::rejection::FormRejection>,
) -> Result<Result<ConfirmForm, Response>, PageError> {
	let (holder, csrf) = (&session.holder, &session.csrf);
	let Ok(Form(form)) = form else {
		return Ok(Err(account_page(
			holder,
			csrf,
			Some(&tr("Fill in your password.")),
			StatusCode::UNPROCESSABLE_ENTITY,
		)));
	};
	session.check(&form.csrf)?;
	if !state
		.limiter
		.allow(&format!("login:{}", holder.email), LOGIN_ATTEMPTS)
	{
		return Ok(Err(account_page(
			holder,
			csrf,
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
			holder,
			csrf,
			Some(&tr("The password is wrong.")),
			StatusCode::UNAUTHORIZED,
		)));
	}
	Ok(Ok(form))
}

/// `POST /account/key`: the holder's chain key as a file (`0x` and the 32-byte seed in hex),
/// which the `badge` CLI takes as `--key-file`. The wallet keeps its copy.
pub(crate) async fn export_key(
	AxumState(state): AxumState<Arc<State>>,
	session: HolderSession,
	form: Result<Form<ConfirmForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
	if let Err(response) = confirmed(&state, &session, form).await? {
		return Ok(response);
	}
	let holder = session.holder;
	let seed = state
		.key
		.open(
			&holder.key_enc,
			&crate::secrets::Context::HolderKey(&holder.account),
		)
		.map_err(|_| Error::Internal("holder key does not decrypt".into()))?;
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
				HeaderValue::from_str(&disposition).map_err(|e| Error::Internal(e.to_string()))?,
			),
		],
		format!("0x{}\n", hex::encode(seed)),
	)
		.into_response())
}

/// `POST /account/delete`: erase the holder's off-chain data and log them out.
pub(crate) async fn delete(
	AxumState(state): AxumState<Arc<State>>,
	session: HolderSession,
	form: Result<Form<ConfirmForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
	let form = match confirmed(&state, &session, form).await? {
		Ok(form) => form,
		Err(response) => return Ok(response),
	};
	let holder = &session.holder;
	if form.confirm.as_deref() != Some("yes") {
		let csrf = form.csrf;
		return Ok(account_page(
			holder,
			&csrf,
			Some(&tr(
				"Tick the box to confirm that you want to delete your wallet.",
			)),
			StatusCode::UNPROCESSABLE_ENTITY,
		));
	}
	state.store.delete_holder(holder).await?;
	// The links in e-mails the outbox folder still holds die with the account.
	if let Err(e) = state.mailer.forget(&holder.email).await {
		tracing::warn!(error = %e, "outbox files of a deleted account could not all be deleted");
	}
	// Already gone with the holder's sessions; harmless if so.
	state
		.store
		.delete_session(&token_hash(&session.token))
		.await?;
	tracing::info!(account = %holder.account, "wallet account deleted");
	crate::metrics::event("account_deleted");
	let page = Html(crate::templates::render(
		"deleted.html",
		minijinja::context! { account => &holder.account },
	));
	Ok((HOLDER_COOKIE.end(), page).into_response())
}

//! Who a request comes from: the signed-in holder or issuer staff member, as axum extractors.
//!
//! A handler that takes [`HolderSession`] or [`StaffSession`] runs only for a signed-in user;
//! anyone else is sent to the login page (a store failure answers as the error page). A form
//! that changes something carries the session's CSRF token, which [`HolderSession::check`] and
//! [`StaffSession::check`] compare in constant time. Cookies are read and written through
//! axum-extra's cookie jar; [`SessionCookie`] says how a session's cookie is set and cleared.

use crate::{
	domain::Error,
	secrets::token_hash,
	store::{Holder, Staff},
	web::PageError,
	State,
};
use axum::{
	extract::FromRequestParts,
	http::{request::Parts, HeaderMap},
	response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use std::sync::Arc;
use time::Duration;

/// A session's cookie: its name and the path it is sent under.
#[derive(Clone, Copy, Debug)]
pub struct SessionCookie {
	/// The cookie's name.
	pub name: &'static str,
	/// The path under which the browser sends it.
	pub path: &'static str,
}

/// The holders' session cookie.
pub const HOLDER_COOKIE: SessionCookie = SessionCookie {
	name: "wallet_session",
	path: "/",
};
/// The issuer staff's session cookie (sent only under `/issuer`).
pub const STAFF_COOKIE: SessionCookie = SessionCookie {
	name: "issuer_session",
	path: "/issuer",
};

impl SessionCookie {
	/// The cookie that starts a session of `token` for `hours`: out of scripts' reach, sent
	/// only with this site's own requests, and only over https when `secure`.
	pub fn start(self, token: String, hours: i64, secure: bool) -> CookieJar {
		CookieJar::new().add(
			Cookie::build((self.name, token))
				.http_only(true)
				.same_site(SameSite::Strict)
				.path(self.path)
				.max_age(Duration::hours(hours))
				.secure(secure),
		)
	}

	/// The cookie that ends a session: empty, expired at once.
	pub fn end(self) -> CookieJar {
		CookieJar::new().add(
			Cookie::build((self.name, ""))
				.http_only(true)
				.same_site(SameSite::Strict)
				.path(self.path)
				.max_age(Duration::ZERO),
		)
	}
}

/// The value of the request's cookie `name`, if it has one.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
	CookieJar::from_headers(headers)
		.get(name)
		.map(|c| c.value().to_string())
}

/// Whether a form's CSRF token is the session's, compared in constant time.
fn same_token(form: &str, session: &str) -> bool {
	form.len() == session.len()
		&& form
			.bytes()
			.zip(session.bytes())
			.fold(0u8, |diff, (a, b)| diff | (a ^ b))
			== 0
}

/// What a form with another session's token, or none, gets.
fn expired() -> Error {
	Error::BadInput("This form has expired: reload the page and try again.".into())
}

/// The signed-in holder, with the session's token (the cookie's value) and CSRF token.
pub struct HolderSession {
	/// The holder.
	pub holder: Holder,
	/// The session cookie's value.
	pub token: String,
	/// The token every form of the session carries.
	pub csrf: String,
}

impl HolderSession {
	/// The holder signed in with `headers`' cookie, if any.
	pub async fn of(state: &State, headers: &HeaderMap) -> Result<Option<Self>, Error> {
		let Some(token) = cookie(headers, HOLDER_COOKIE.name) else {
			return Ok(None);
		};
		Ok(state
			.store
			.session(&token_hash(&token))
			.await?
			.map(|(holder, csrf)| HolderSession {
				holder,
				token,
				csrf,
			}))
	}

	/// Refuse a form that does not carry this session's CSRF token.
	pub fn check(&self, form_csrf: &str) -> Result<(), Error> {
		same_token(form_csrf, &self.csrf)
			.then_some(())
			.ok_or_else(expired)
	}
}

impl FromRequestParts<Arc<State>> for HolderSession {
	type Rejection = Response;

	async fn from_request_parts(
		parts: &mut Parts,
		state: &Arc<State>,
	) -> Result<Self, Self::Rejection> {
		match HolderSession::of(state, &parts.headers).await {
			Ok(Some(session)) => Ok(session),
			Ok(None) => Err(Redirect::to("/login").into_response()),
			Err(e) => Err(PageError(e).into_response()),
		}
	}
}

/// The signed-in issuer staff member, with the session's token and CSRF token.
pub struct StaffSession {
	/// The staff member (and their issuer).
	pub staff: Staff,
	/// The session cookie's value.
	pub token: String,
	/// The token every form of the session carries.
	pub csrf: String,
}

impl StaffSession {
	/// The staff member signed in with `headers`' cookie, if any.
	pub async fn of(state: &State, headers: &HeaderMap) -> Result<Option<Self>, Error> {
		let Some(token) = cookie(headers, STAFF_COOKIE.name) else {
			return Ok(None);
		};
		Ok(state
			.store
			.staff_session(&token_hash(&token))
			.await?
			.map(|(staff, csrf)| StaffSession { staff, token, csrf }))
	}

	/// Refuse a form that does not carry this session's CSRF token.
	pub fn check(&self, form_csrf: &str) -> Result<(), Error> {
		same_token(form_csrf, &self.csrf)
			.then_some(())
			.ok_or_else(expired)
	}
}

impl FromRequestParts<Arc<State>> for StaffSession {
	type Rejection = Response;

	async fn from_request_parts(
		parts: &mut Parts,
		state: &Arc<State>,
	) -> Result<Self, Self::Rejection> {
		match StaffSession::of(state, &parts.headers).await {
			Ok(Some(session)) => Ok(session),
			Ok(None) => Err(Redirect::to("/issuer/login").into_response()),
			Err(e) => Err(PageError(e).into_response()),
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn tokens_compare_whole() {
		assert!(same_token("abc", "abc"));
		assert!(!same_token("abd", "abc"));
		assert!(!same_token("ab", "abc"));
		assert!(!same_token("", "abc"));
	}

	#[test]
	fn cookies_are_found_among_others() {
		use axum::http::header;
		let mut headers = HeaderMap::new();
		headers.append(
			header::COOKIE,
			"lang=ja; wallet_session=t1".parse().unwrap(),
		);
		headers.append(header::COOKIE, "issuer_session=t2".parse().unwrap());
		assert_eq!(cookie(&headers, HOLDER_COOKIE.name).as_deref(), Some("t1"));
		assert_eq!(cookie(&headers, STAFF_COOKIE.name).as_deref(), Some("t2"));
		assert_eq!(cookie(&headers, "none"), None);
	}

	#[test]
	fn session_cookies_are_strict_and_http_only() {
		let set = |jar: CookieJar| jar.iter().map(|c| c.to_string()).collect::<Vec<_>>();
		let started = set(STAFF_COOKIE.start("t".into(), 8, true));
		assert_eq!(
			started,
			["issuer_session=t; HttpOnly; SameSite=Strict; Secure; Path=/issuer; Max-Age=28800"]
		);
		let ended = set(HOLDER_COOKIE.end());
		assert_eq!(
			ended,
			["wallet_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"]
		);
		assert!(!set(HOLDER_COOKIE.start("t".into(), 1, false))[0].contains("Secure"));
	}
}

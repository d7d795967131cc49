//! The holder's pages (login, the wallet's front page with each badge's disclosure switch) and
//! the public disclosure and verification page of a badge. No JavaScript anywhere: forms post,
//! the server redirects.

use crate::{
	domain::chain::on_chain,
	domain::Error,
	i18n::tr,
	secrets::{self, token_hash},
	sessions::{HolderSession, SessionCookie, HOLDER_COOKIE},
	store::{self, Holder},
	web::PageError,
	State,
};
use axum::{
	extract::{Path, State as AxumState},
	http::{header, HeaderMap, StatusCode},
	response::{Html, IntoResponse, Redirect, Response},
	Form,
};
use badge_client::{BadgeId, Disclosure, DisclosureName, VerdictName, Wait};
use serde::Deserialize;
use std::sync::Arc;

/// How long a login lasts.
pub const SESSION_HOURS: i64 = 12;
/// Login attempts allowed per e-mail address in [`crate::limits::WINDOW_SECS`].
pub const LOGIN_ATTEMPTS: usize = 10;

/// An argon2 hash of a password nobody has, checked when the e-mail is unknown so that a wrong
/// address takes as long as a wrong password (no user enumeration by timing).
pub(crate) fn decoy_hash() -> &'static str {
	static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
	HASH.get_or_init(|| secrets::hash_password(&hex::encode(secrets::random::<16>())))
}

/// A redirect to `to` that starts a session of `token` in `cookie` for `hours` (`Secure` when
/// the service is served over https).
pub(crate) fn session_redirect(
	state: &State,
	to: &str,
	cookie: SessionCookie,
	token: String,
	hours: i64,
) -> Response {
	let secure = state.config.base_url.starts_with("https://");
	(cookie.start(token, hours, secure), Redirect::to(to)).into_response()
}

fn login_form(email: &str, problem: Option<&str>) -> Html<String> {
	Html(crate::templates::render(
		"login.html",
		minijinja::context! { email, problem },
	))
}

pub(crate) async fn login_page() -> Html<String> {
	login_form("", None)
}

/// The login form (holders' and issuer staff's).
#[derive(Deserialize)]
pub struct LoginForm {
	pub(crate) email: String,
	pub(crate) password: String,
}

/// Why a login is refused, if it is: too many attempts for `limit_key`, too many password
/// checks waiting, or a wrong address or password (one answer for both; an unknown address,
/// `stored` = `None`, is checked against a decoy hash so that it takes as long as a wrong
/// password).
pub(crate) async fn login_refusal(
	state: &State,
	limit_key: &str,
	password: &str,
	stored: Option<&str>,
) -> Option<(StatusCode, String)> {
	if !state.limiter.allow(limit_key, LOGIN_ATTEMPTS) {
		crate::metrics::event("rate_limited");
		return Some((
			StatusCode::TOO_MANY_REQUESTS,
			tr("Too many attempts for this address. Wait 15 minutes and try again."),
		));
	}
	let Ok(matches) = state
		.passwords
		.check(password, stored.unwrap_or(decoy_hash()))
		.await
	else {
		return Some((
			StatusCode::SERVICE_UNAVAILABLE,
			tr("The service is busy right now. Try again in a moment."),
		));
	};
	if stored.is_none() || !matches {
		crate::metrics::event("login_failed");
		return Some((
			StatusCode::UNAUTHORIZED,
			tr("The e-mail address or the password is wrong."),
		));
	}
	None
}

pub(crate) async fn login(
	AxumState(state): AxumState<Arc<State>>,
	form: Result<Form<LoginForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
	let Ok(Form(form)) = form else {
		return Ok((
			StatusCode::UNPROCESSABLE_ENTITY,
			login_form("", Some(&tr("Fill in your e-mail and password."))),
		)
			.into_response());
	};
	let email = badge_client::recipient::fold_email(&form.email);
	let holder = state.store.holder_by_email(&email).await?;
	let stored = holder.as_ref().map(|h| h.password_hash.as_str());
	let refused = login_refusal(&state, &format!("login:{email}"), &form.password, stored).await;
	let (Some(holder), None) = (holder.as_ref(), refused.as_ref()) else {
		let (status, problem) = refused.expect("no holder is a refusal");
		return Ok((status, login_form(&email, Some(&problem))).into_response());
	};
	let (token, hash) = secrets::new_token();
	let csrf = hex::encode(secrets::random::<16>());
	state
		.store
		.add_session(&hash, holder.id, &csrf, store::now() + SESSION_HOURS * 3600)
		.await?;
	let response = session_redirect(&state, "/", HOLDER_COOKIE, token, SESSION_HOURS);
	tracing::info!(account = %holder.account, "holder logged in");
	crate::metrics::event("login_succeeded");
	Ok(response)
}

/// A form that carries only the CSRF token.
#[derive(Deserialize)]
pub struct CsrfForm {
	pub(crate) csrf: String,
}

pub(crate) async fn logout(
	AxumState(state): AxumState<Arc<State>>,
	headers: HeaderMap,
	form: Result<Form<CsrfForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
	if let (Some(session), Ok(Form(form))) = (HolderSession::of(&state, &headers).await?, form) {
		if session.check(&form.csrf).is_ok() {
			state
				.store
				.delete_session(&token_hash(&session.token))
				.await?;
		}
	}
	Ok((HOLDER_COOKIE.end(), Redirect::to("/login")).into_response())
}

/// The wallet's front page: every received badge with its state on chain and its disclosure
/// switch.
pub(crate) async fn wallet(
	AxumState(state): AxumState<Arc<State>>,
	HolderSession { holder, csrf, .. }: HolderSession,
) -> Result<Response, PageError> {
	crate::web::settle_landed_receipts(&state, &holder).await?;
	let applications = state.store.received_applications(&holder.email).await?;
	let mut badges = Vec::new();
	let mut unavailable = false;
	for application in &applications {
		let id = application.badge_id.hash();
		let json = if unavailable {
			None
		} else {
			on_chain(&state, async {
				state.client().await?.verify_json(id, None).await
			})
			.await
			.ok()
		};
		unavailable |= json.is_none();
		let details = json.as_ref().and_then(|j| j.details.as_ref());
		// The holder's own downloads, private badges included.
		let credential = state
			.store
			.credential(application.badge_id)
			.await?
			.is_some();
		let baked = match details.map(|d| i64::from(d.class)) {
			Some(class) if credential => state.store.class_image(class).await?.map(|i| {
				if i.content_type == "image/svg+xml" {
					"svg"
				} else {
					"png"
				}
			}),
			_ => None,
		};
		badges.push(minijinja::context! {
			credential, baked,
			id => &application.badge_id,
			name => details.map(|d| d.class_name.as_str()),
			issuer => details.map(|d| d.issuer_name.as_str()),
			verdict => json.as_ref().map(|j| verdict_text(j.verdict)),
			disclosure => details.map(|d| d.disclosure),
		});
	}
	Ok(Html(crate::templates::render(
		"wallet.html",
		minijinja::context! {
			email => &holder.email, account => &holder.account, csrf, badges, unavailable
		},
	))
	.into_response())
}

/// Whether `holder` received the badge `badge_id`.
pub(crate) async fn holds(
	state: &State,
	holder: &Holder,
	badge_id: BadgeId,
) -> Result<bool, Error> {
	Ok(state
		.store
		.received_applications(&holder.email)
		.await?
		.iter()
		.any(|a| a.badge_id == badge_id))
}

/// The disclosure switch's form.
#[derive(Deserialize)]
pub struct DisclosureForm {
	csrf: String,
	disclosure: String,
}

pub(crate) async fn set_disclosure(
	AxumState(state): AxumState<Arc<State>>,
	session: HolderSession,
	Path(id): Path<String>,
	form: Result<Form<DisclosureForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
	let Ok(Form(form)) = form else {
		return Err(Error::BadInput("The form was incomplete.".into()).into());
	};
	session.check(&form.csrf)?;
	let holder = session.holder;
	let disclosure = match form.disclosure.as_str() {
		"public" => Disclosure::Public,
		"private" => Disclosure::Private,
		_ => return Err(Error::BadInput("Choose public or private.".into()).into()),
	};
	let not_held = || Error::BadInput("That badge is not in your wallet.".into());
	let id: BadgeId = id.parse().map_err(|_| not_held())?;
	if !holds(&state, &holder, id).await? {
		return Err(not_held().into());
	}
	let badge = id.hash();
	let key = state
		.holder_key(&holder)
		.map_err(|_| Error::Internal("holder key does not decrypt".into()))?;
	let client = on_chain(&state, state.client()).await?;
	// Retry-safe: a change that landed already (its answer lost to a timeout, a closed browser
	// or a crash of the service) is done; the chain would refuse it as unchanged.
	let now = on_chain(&state, client.verify(badge, None)).await?;
	if now.details.map(|d| d.disclosure).as_ref() == Some(&disclosure) {
		state.pages.clear();
		return Ok(Redirect::to("/").into_response());
	}
	let wanted = disclosure.clone();
	let changed = crate::domain::chain::on_chain_final(
		&state,
		client.set_disclosure(&key, badge, disclosure, Wait::Finalized),
	)
	.await;
	// An earlier try's change may be in a block not final yet (the chain then refuses this one
	// as unchanged): wait for finality a while before answering.
	if let Err(e) = changed {
		let landed = matches!(e, Error::ChainRefused(_))
			&& crate::web::finally(|| async {
				on_chain(&state, client.verify(badge, None))
					.await
					.is_ok_and(|v| v.details.map(|d| d.disclosure).as_ref() == Some(&wanted))
			})
			.await;
		if !landed {
			return Err(e.into());
		}
	}
	state.pages.clear();
	tracing::info!(badge = %id, disclosure = %form.disclosure, "disclosure changed");
	crate::metrics::event("disclosure_changed");
	Ok(Redirect::to("/").into_response())
}

/// Words for a verdict of the node's JSON, in the current language.
pub fn verdict_text(verdict: VerdictName) -> String {
	tr(verdict_english(verdict))
}

/// Words for a verdict of the node's JSON, in English.
pub fn verdict_english(verdict: VerdictName) -> &'static str {
	match verdict {
		VerdictName::Valid => "Valid",
		VerdictName::Revoked => "Revoked",
		VerdictName::Expired => "Expired",
		VerdictName::IssuerSuspended => "Issuer suspended",
		VerdictName::DesignMismatch => "Design does not match",
		VerdictName::NotYetReceived => "Issued, not yet received",
		VerdictName::NotFound => "Not found",
	}
}

/// `YYYY-MM-DD HH:MM` of milliseconds since the epoch.
fn date_of(ms: Option<u64>) -> Option<String> {
	ms.map(|ms| crate::web::expiry_text((ms / 1000) as i64))
}

/// The public disclosure and verification page: verified live against the chain on every view.
pub(crate) async fn badge_page(
	AxumState(state): AxumState<Arc<State>>,
	Path(id): Path<String>,
) -> Result<Response, PageError> {
	let id: BadgeId = id
		.parse()
		.map_err(|_| Error::BadInput("A badge id is 0x and 64 hex digits.".into()))?;
	let badge = id.hash();
	let json = on_chain(&state, async {
		state.client().await?.verify_json(badge, None).await
	})
	.await;
	let (status, body) = match json {
		Err(_) => (
			StatusCode::SERVICE_UNAVAILABLE,
			crate::templates::render(
				"badge.html",
				minijinja::context! { id, unavailable => true },
			),
		),
		Ok(json) => {
			let verdict = json.verdict;
			let details = json.details.as_ref();
			let found = json.verdict != VerdictName::NotFound && details.is_some();
			let disclosed = details.is_some_and(|d| d.disclosure == DisclosureName::Public);
			let status = if found {
				StatusCode::OK
			} else {
				StatusCode::NOT_FOUND
			};
			// The share kit, for a public badge: what the service holds for it.
			let class = details.map_or(-1, |d| i64::from(d.class));
			let (image, credential) = if disclosed {
				(
					state.store.class_image(class).await?,
					state.store.credential(id).await?.is_some(),
				)
			} else {
				(None, false)
			};
			let page = page_url(&state, id);
			let name = details.map(|d| d.class_name.clone()).unwrap_or_default();
			let encoded = |text: &str| -> String {
				text.bytes()
					.map(|b| match b {
						b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
							(b as char).to_string()
						}
						_ => format!("%{b:02X}"),
					})
					.collect()
			};
			// LinkedIn's "Add to profile" certification form, filled in: name, organisation,
			// issue and expiry month, the credential's id and this page.
			let month = |ms: Option<u64>, what: &str| -> String {
				ms.map(badge_credential::dates::format_iso)
					.map(|iso| {
						let month: u32 = iso[5..7].parse().unwrap_or(1);
						format!("&{what}Year={}&{what}Month={month}", &iso[..4])
					})
					.unwrap_or_default()
			};
			let add_to_profile = format!(
				"https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name={}\
				 &organizationName={}{}{}&certUrl={}&certId={}",
				encoded(&name),
				encoded(details.map(|d| d.issuer_name.as_str()).unwrap_or_default()),
				month(details.map(|d| d.issued_at), "issue"),
				month(details.and_then(|d| d.expires_at), "expiration"),
				encoded(&page),
				encoded(&id.to_string()),
			);
			let share = minijinja::context! {
				linkedin => format!("https://www.linkedin.com/sharing/share-offsite/?url={}", encoded(&page)),
				linkedin_profile => add_to_profile,
				x => format!("https://x.com/intent/post?url={}&text={}", encoded(&page), encoded(&name)),
				facebook => format!("https://www.facebook.com/sharer/sharer.php?u={}", encoded(&page)),
				signature => format!(
					"<a href=\"{page}\"><img src=\"{page}/card.png\" alt=\"{}\" width=\"300\" height=\"158\"></a>",
					name.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;")
				),
			};
			(
				status,
				crate::templates::render(
					"badge.html",
					minijinja::context! {
						page_url => page,
						card_url => format!("{page}/card.png"),
						image => image.as_ref().map(|i| i.content_type.clone()),
						credential, share,
						id, found, disclosed,
						verdict => verdict.as_str(), verdict_text => verdict_text(verdict),
						reason => json.revocation.as_ref().map(|r| r.reason.as_str()),
						details => details.map(minijinja::Value::from_serialize),
						issued => date_of(details.map(|d| d.issued_at)),
						expires => date_of(details.and_then(|d| d.expires_at)),
						checked => date_of(Some(json.checked_at)),
						block => json.block,
					},
				),
			)
		}
	};
	Ok((status, Html(body)).into_response())
}

/// The public page of badge `id` on this service.
pub fn page_url(state: &State, id: BadgeId) -> String {
	format!(
		"{}/badges/{id}",
		state.config.base_url.trim_end_matches('/')
	)
}

/// The QR code leading to the public page of badge `id`, as SVG for screens or as a 1200-pixel
/// PNG for print (10 cm at 300 dpi).
pub(crate) async fn badge_qr(state: &State, id: &str, file: &str) -> Result<Response, PageError> {
	let badge: BadgeId = id
		.parse()
		.map_err(|_| Error::BadInput("A badge id is 0x and 64 hex digits.".into()))?;
	let url = page_url(state, badge);
	// Quartile error correction survives print wear.
	let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::Q)
		.map_err(|e| Error::Internal(format!("QR code of {url}: {e}")))?;
	match file {
		"qr.svg" => {
			let svg = code
				.render::<qrcode::render::svg::Color>()
				.min_dimensions(200, 200)
				.quiet_zone(true)
				.build();
			Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response())
		}
		"qr.png" => {
			let png = qr_png(&code, 1200).map_err(Error::Internal)?;
			Ok(([(header::CONTENT_TYPE, "image/png")], png).into_response())
		}
		_ => Err(Error::BadInput("Ask for qr.svg or qr.png.".into()).into()),
	}
}

/// `code` as a PNG at least `size` pixels wide.
fn qr_png(code: &qrcode::QrCode, size: u32) -> Result<Vec<u8>, String> {
	let image = code
		.render::<image::Luma<u8>>()
		.min_dimensions(size, size)
		.quiet_zone(true)
		.build();
	let mut png = std::io::Cursor::new(Vec::new());
	image
		.write_to(&mut png, image::ImageFormat::Png)
		.map_err(|e| format!("PNG: {e}"))?;
	Ok(png.into_inner())
}

/// A PNG QR code (`size` pixels) leading to `url`.
pub fn qr_png_of(url: &str, size: u32) -> Result<Vec<u8>, String> {
	let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::Q)
		.map_err(|e| format!("QR code of {url}: {e}"))?;
	qr_png(&code, size)
}

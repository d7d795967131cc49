//! The issuer pages, behind a staff login: register one application by web form, import the
//! results file of `badge bulk` (with the signed credentials `badge credential` wrote, if any),
//! and upload badge class images (checked against the digest each class pins on chain).
//!
//! Staff members are added with `badge-wallet issuer staff ISSUER EMAIL`, which prints a
//! single-use link (`/staff/setup/{token}`) where the member sets a password.

use crate::{
	domain::Error,
	i18n::{tr, tr_with},
	intake::{do_add_application, NewApplication},
	secrets::{self, token_hash},
	sessions::{StaffSession, STAFF_COOKIE},
	store::{self, ApplicationStatus, ClassImage, Staff},
	web::{Answer, PageError},
	State,
};
use axum::{
	extract::{Multipart, Path, State as AxumState},
	http::{HeaderMap, StatusCode},
	response::{Html, IntoResponse, Redirect, Response},
	Form,
};
use serde::Deserialize;
use std::{collections::HashMap, sync::Arc};

/// How long a staff login lasts.
pub const STAFF_SESSION_HOURS: i64 = 8;
/// Hours a staff set-up link works.
pub const STAFF_LINK_HOURS: i64 = 7 * 24;
/// The largest results file and credentials upload (a results file of
/// [`crate::intake::MAX_ROWS`] rows with long addresses fits).
pub const MAX_IMPORT: usize = 64 * 1024 * 1024;
/// The largest badge image.
pub const MAX_IMAGE: usize = 2 * 1024 * 1024;

/// Add a staff member of issuer `issuer` (name or id) and return their set-up link.
pub async fn add_staff(state: &State, issuer: &str, email: &str) -> Result<String, String> {
	let email = crate::domain::normalize_email(email).map_err(|e| e.to_string())?;
	let issuer_id = state
		.store
		.issuer_id(issuer)
		.await
		.map_err(|e| e.to_string())?
		.ok_or_else(|| format!("no issuer `{issuer}`: add it with `badge-wallet issuer add`"))?;
	state
		.store
		.add_staff(issuer_id, &email)
		.await
		.map_err(|e| e.to_string())?
		.ok_or_else(|| format!("{email} is already a staff member"))?;
	let (token, hash) = secrets::new_token();
	state
		.store
		.add_link(
			&hash,
			store::LinkKind::Staff,
			&email,
			None,
			store::now() + STAFF_LINK_HOURS * 3600,
		)
		.await
		.map_err(|e| e.to_string())?;
	Ok(format!(
		"{}/staff/setup/{token}",
		state.config.base_url.trim_end_matches('/')
	))
}

fn page(status: StatusCode, name: &str, ctx: minijinja::Value) -> Response {
	(status, Html(crate::templates::render(name, ctx))).into_response()
}

/// `GET /staff/setup/{token}`.
pub(crate) async fn setup_page(
	AxumState(state): AxumState<Arc<State>>,
	Path(token): Path<String>,
) -> Result<Response, PageError> {
	let link = crate::domain::links::live_link(&state, &token, store::LinkKind::Staff).await?;
	Ok(page(
		StatusCode::OK,
		"staff_setup.html",
		minijinja::context! { email => link.email, problem => None::<String>, min_password => crate::web::MIN_PASSWORD },
	))
}

/// The set-up form.
#[derive(Deserialize)]
pub struct SetupForm {
	password: String,
	password_again: String,
}

/// `POST /staff/setup/{token}`.
pub(crate) async fn setup(
	AxumState(state): AxumState<Arc<State>>,
	Path(token): Path<String>,
	form: Result<Form<SetupForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
	let link = crate::domain::links::live_link(&state, &token, store::LinkKind::Staff).await?;
	let problem = match &form {
		Err(_) => Some(tr("Fill in both password fields.")),
		Ok(Form(f)) => crate::web::password_problem(&f.password, &f.password_again),
	};
	if let Some(problem) = problem {
		return Ok(page(
			StatusCode::UNPROCESSABLE_ENTITY,
			"staff_setup.html",
			minijinja::context! { email => link.email, problem, min_password => crate::web::MIN_PASSWORD },
		));
	}
	let Ok(Form(form)) = form else {
		unreachable!("a missing form is a problem above")
	};
	if !state
		.store
		.set_staff_password(
			&token_hash(&token),
			&link.email,
			&state.passwords.hash(&form.password).await?,
		)
		.await?
	{
		return Err(Error::LinkUsed.into());
	}
	tracing::info!("staff password set");
	Ok(Redirect::to("/issuer/login").into_response())
}

fn login_form(status: StatusCode, email: &str, problem: Option<String>) -> Response {
	page(
		status,
		"issuer_login.html",
		minijinja::context! { email, problem },
	)
}

/// `GET /issuer/login`.
pub(crate) async fn login_page() -> Response {
	login_form(StatusCode::OK, "", None)
}

/// `POST /issuer/login`: the same answers, limits and timing as the holders' login.
pub(crate) async fn login(
	AxumState(state): AxumState<Arc<State>>,
	form: Result<Form<crate::pages::LoginForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
	let Ok(Form(form)) = form else {
		return Ok(login_form(
			StatusCode::UNPROCESSABLE_ENTITY,
			"",
			Some(tr("Fill in your e-mail and password.")),
		));
	};
	let email = badge_client::recipient::fold_email(&form.email);
	let staff = state.store.staff_by_email(&email).await?;
	// A member who has not set a password yet has no stored hash: refused like a stranger.
	let stored = staff.as_ref().and_then(|s| s.password_hash.as_deref());
	let refused = crate::pages::login_refusal(
		&state,
		&format!("staff-login:{email}"),
		&form.password,
		stored,
	)
	.await;
	let (Some(staff), None) = (staff.as_ref(), refused.as_ref()) else {
		let (status, problem) = refused.expect("no member is a refusal");
		return Ok(login_form(status, &email, Some(problem)));
	};
	let (token, hash) = secrets::new_token();
	let csrf = hex::encode(secrets::random::<16>());
	state
		.store
		.add_staff_session(
			&hash,
			staff.id,
			&csrf,
			store::now() + STAFF_SESSION_HOURS * 3600,
		)
		.await?;
	let response =
		crate::pages::session_redirect(&state, "/issuer", STAFF_COOKIE, token, STAFF_SESSION_HOURS);
	tracing::info!(issuer = staff.issuer_id, "staff logged in");
	Ok(response)
}

/// `POST /issuer/logout`.
pub(crate) async fn logout(
	AxumState(state): AxumState<Arc<State>>,
	headers: HeaderMap,
	form: Result<Form<crate::pages::CsrfForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
	if let (Some(session), Ok(Form(form))) = (StaffSession::of(&state, &headers).await?, form) {
		if session.check(&form.csrf).is_ok() {
			state
				.store
				.delete_staff_session(&token_hash(&session.token))
				.await?;
		}
	}
	Ok((STAFF_COOKIE.end(), Redirect::to("/issuer/login")).into_response())
}

/// The dashboard with `outcome` (what the last action did) and `problem`.
async fn dashboard_page(
	state: &State,
	staff: &Staff,
	csrf: &str,
	status: StatusCode,
	outcome: Option<minijinja::Value>,
	problem: Option<String>,
) -> Result<Response, Error> {
	let applications: Vec<minijinja::Value> = state
		.store
		.issuer_applications(staff.issuer_id, 50)
		.await?
		.into_iter()
		.map(|(email, badge_id, status, created)| {
			minijinja::context! {
				email, badge_id, pending => status == ApplicationStatus::Pending, status => tr(status.name()),
				created => crate::web::expiry_text(created)
			}
		})
		.collect();
	Ok(page(
		status,
		"issuer_home.html",
		minijinja::context! {
			issuer => &staff.issuer_name, staff => &staff.email, csrf, applications, outcome, problem,
			max_import_mb => MAX_IMPORT / (1024 * 1024), max_image_mb => MAX_IMAGE / (1024 * 1024),
		},
	))
}

/// `GET /issuer`.
pub(crate) async fn dashboard(
	AxumState(state): AxumState<Arc<State>>,
	StaffSession { staff, csrf, .. }: StaffSession,
) -> Result<Response, PageError> {
	Ok(dashboard_page(&state, &staff, &csrf, StatusCode::OK, None, None).await?)
}

/// The single application form.
#[derive(Deserialize)]
pub struct ApplicationForm {
	csrf: String,
	email: String,
	badge_id: String,
	claim_secret: String,
	#[serde(default)]
	lang: Option<String>,
}

/// `POST /issuer/applications`: one application by web form.
/// The form of `POST /issuer/resend`.
#[derive(Deserialize)]
pub struct ResendForm {
	csrf: String,
	badge_id: String,
}

/// `POST /issuer/resend`: a fresh link for the applicant of one of the issuer's applications
/// (the button beside each waiting application).
pub(crate) async fn resend(
	AxumState(state): AxumState<Arc<State>>,
	session: StaffSession,
	form: Result<Form<ResendForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
	let form = form.map_err(|e| Error::BadInput(e.body_text()))?;
	session.check(&form.csrf)?;
	let StaffSession { staff, csrf, .. } = session;
	let sent =
		crate::intake::do_resend(&state, staff.issuer_id, &staff.issuer_name, &form.badge_id).await;
	let (status, outcome, problem) = match sent {
		Ok(mail) => {
			let rows = vec![minijinja::context! {
				badge_id => &form.badge_id, result => tr(crate::intake::mail_text(mail))
			}];
			(
				StatusCode::ACCEPTED,
				Some(minijinja::context! { resent => 1, rows }),
				None,
			)
		}
		Err(e @ (Error::Internal(_) | Error::ChainUnavailable(_))) => return Err(e.into()),
		Err(e) => (e.status(), None, Some(e.to_string())),
	};
	Ok(dashboard_page(&state, &staff, &csrf, status, outcome, problem).await?)
}

pub(crate) async fn add_application(
	AxumState(state): AxumState<Arc<State>>,
	session: StaffSession,
	form: Result<Form<ApplicationForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
	let (staff, csrf) = (&session.staff, &session.csrf);
	let Ok(Form(form)) = form else {
		return Ok(dashboard_page(
			&state,
			staff,
			csrf,
			StatusCode::UNPROCESSABLE_ENTITY,
			None,
			Some(tr(
				"Fill in the e-mail address, the badge id and the claim secret.",
			)),
		)
		.await?);
	};
	session.check(&form.csrf)?;
	let new = NewApplication {
		email: form.email,
		badge_id: form.badge_id,
		claim_secret: form.claim_secret,
		lang: form.lang,
		credential: None,
	};
	match do_add_application(&state, staff.issuer_id, &staff.issuer_name, new).await {
		Ok(added) => {
			let outcome = minijinja::context! {
				added => 1, rows => vec![minijinja::context! {
					badge_id => added.badge_id, result => tr(added.mail_text())
				}]
			};
			Ok(dashboard_page(
				&state,
				staff,
				csrf,
				StatusCode::CREATED,
				Some(outcome),
				None,
			)
			.await?)
		}
		Err(e @ (Error::ChainUnavailable(_) | Error::Internal(_))) => Err(e.into()),
		Err(e) => {
			let status = e.status();
			Ok(dashboard_page(&state, staff, csrf, status, None, Some(e.to_string())).await?)
		}
	}
}

/// The fields of a multipart form: text values, and files as (file name, bytes).
struct Upload {
	text: HashMap<String, String>,
	files: Vec<(String, String, Vec<u8>)>,
}

/// The fields of `multipart`, a route's whose body may be `limit` bytes.
async fn read_upload(mut multipart: Multipart, limit: usize) -> Result<Upload, Error> {
	let mut upload = Upload {
		text: HashMap::new(),
		files: Vec::new(),
	};
	while let Some(field) = multipart.next_field().await.map_err(|e| {
		if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
			Error::TooLarge { limit }
		} else {
			Error::BadInput(format!("the upload is malformed: {e}"))
		}
	})? {
		let name = field.name().unwrap_or_default().to_string();
		let file = field.file_name().map(String::from);
		let bytes = field.bytes().await.map_err(|e| {
			if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
				Error::TooLarge { limit }
			} else {
				Error::BadInput(format!("the upload is malformed: {e}"))
			}
		})?;
		match file {
			Some(file) if !bytes.is_empty() => upload.files.push((name, file, bytes.to_vec())),
			Some(_) => {}
			None => {
				upload
					.text
					.insert(name, String::from_utf8_lossy(&bytes).into_owned());
			}
		}
	}
	Ok(upload)
}

/// A staff member's multipart form, read once it carries the session's CSRF token.
async fn upload_from_staff(
	session: &StaffSession,
	multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
	limit: usize,
) -> Result<Upload, Error> {
	let multipart =
		multipart.map_err(|e| Error::BadInput(format!("the upload is malformed: {e}")))?;
	let upload = read_upload(multipart, limit).await?;
	session.check(upload.text.get("csrf").map_or("", String::as_str))?;
	Ok(upload)
}

/// `POST /issuer/import`: every row of a `badge bulk` results file (`email`, `badge_id`,
/// `claim_secret` columns; rows of status `issued` or `already_issued`), each with its signed
/// credential when one of the uploaded credential files is for its badge.
pub(crate) async fn import(
	AxumState(state): AxumState<Arc<State>>,
	session: StaffSession,
	multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
	let upload = upload_from_staff(&session, multipart, MAX_IMPORT).await?;
	let StaffSession { staff, csrf, .. } = session;
	let lang = upload.text.get("lang").cloned();
	let mut credentials: HashMap<String, serde_json::Value> = HashMap::new();
	let mut results = None;
	for (field, file, bytes) in &upload.files {
		match field.as_str() {
			"results" => results = Some((file.clone(), bytes.clone())),
			"credentials" => {
				let credential: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
					Error::BadInput(format!("{file} is not a credential (JSON): {e}"))
				})?;
				let badge = credential["id"]
					.as_str()
					.and_then(|id| id.rsplit('/').next())
					.unwrap_or_default()
					.to_string();
				credentials.insert(badge, credential);
			}
			_ => {}
		}
	}
	let Some((file, bytes)) = results else {
		return Ok(dashboard_page(
			&state,
			&staff,
			&csrf,
			StatusCode::UNPROCESSABLE_ENTITY,
			None,
			Some(tr("Choose the results file of `badge bulk`.")),
		)
		.await?);
	};
	let rows = match crate::intake::results_rows(&bytes) {
		Ok(rows) => rows,
		Err(problem) => {
			return Ok(dashboard_page(
				&state,
				&staff,
				&csrf,
				StatusCode::UNPROCESSABLE_ENTITY,
				None,
				Some(format!("{file}: {problem}")),
			)
			.await?)
		}
	};
	let report = match crate::intake::import_results(
		&state,
		staff.issuer_id,
		&staff.issuer_name,
		rows,
		lang,
		credentials,
	)
	.await
	{
		Ok(report) => report,
		// The chain is down or the database failed: say so, keep the form.
		Err(e) => {
			e.log();
			return Ok(dashboard_page(
				&state,
				&staff,
				&csrf,
				e.status(),
				None,
				Some(e.to_string()),
			)
			.await?);
		}
	};
	let outcome = minijinja::context! {
		added => report.added,
		refused => report.refused,
		rows => report.listed,
		unlisted => report.unlisted,
	};
	Ok(dashboard_page(&state, &staff, &csrf, StatusCode::OK, Some(outcome), None).await?)
}

/// `POST /issuer/images`: the image of one of the issuer's classes, accepted only if its
/// blake2-256 is the digest the class pins on chain.
pub(crate) async fn upload_image(
	AxumState(state): AxumState<Arc<State>>,
	session: StaffSession,
	multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
	let upload = upload_from_staff(&session, multipart, MAX_IMAGE).await?;
	let StaffSession { staff, csrf, .. } = session;
	let checked = async {
		let class: u32 = upload
			.text
			.get("class")
			.and_then(|c| c.trim().parse().ok())
			.ok_or_else(|| Error::BadInput(tr("A class id is a number.")))?;
		let (_, file, bytes) = upload
			.files
			.iter()
			.find(|(field, _, _)| field == "image")
			.ok_or_else(|| Error::BadInput(tr("Choose the badge image file.")))?;
		let image = check_class_image(&state, staff.issuer_id, class, file, bytes).await?;
		Ok::<_, Error>((class, image))
	}
	.await
	.map_err(|e| (e.status(), e.to_string()));
	match checked {
		Ok((class, image)) => {
			state
				.store
				.put_class_image(i64::from(class), staff.issuer_id, &image)
				.await?;
			tracing::info!(class, issuer = staff.issuer_id, "class image stored");
			let outcome = minijinja::context! { image_class => class };
			Ok(dashboard_page(&state, &staff, &csrf, StatusCode::OK, Some(outcome), None).await?)
		}
		Err((status, text)) => {
			Ok(dashboard_page(&state, &staff, &csrf, status, None, Some(text)).await?)
		}
	}
}

/// The image of `class` as `issuer` uploads it (`file` names it in messages), if the class is
/// the issuer's and the image's blake2-256 is the digest the class pins on chain: a badge's
/// design cannot be changed by uploading another image.
pub(crate) async fn check_class_image(
	state: &State,
	issuer: i64,
	class: u32,
	file: &str,
	bytes: &[u8],
) -> Result<ClassImage, Error> {
	let content_type = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
		// A small file may declare a huge image (a decompression bomb): its size is read from
		// its header and bounded before anything decodes it.
		let (width, height) = crate::share::png_size(bytes).ok_or_else(|| {
			Error::BadInput(tr_with("{file} is not a readable PNG.", &[("file", file)]))
		})?;
		if width > crate::share::MAX_SIDE || height > crate::share::MAX_SIDE {
			return Err(Error::BadInput(tr_with(
				"{file} is {width}×{height} pixels: at most {max}×{max} are accepted.",
				&[
					("file", file),
					("width", &width.to_string()),
					("height", &height.to_string()),
					("max", &crate::share::MAX_SIDE.to_string()),
				],
			)));
		}
		"image/png"
	} else if is_svg(bytes) {
		"image/svg+xml"
	} else {
		return Err(Error::BadInput(tr_with(
			"{file} is neither PNG nor SVG.",
			&[("file", file)],
		)));
	};
	let chain = crate::domain::chain::on_chain(state, async {
		state.client().await?.class_json(class).await
	})
	.await
	.map_err(|e| Error::ChainUnavailable(e.to_string()))?
	.ok_or_else(|| Error::NotFound(tr("The chain has no such badge class.")))?;
	let own = crate::intake::issuer_account(state, issuer).await?;
	if chain.issuer.to_string() != own {
		return Err(Error::Forbidden(tr(
			"That class belongs to another issuer.",
		)));
	}
	if chain.image_digest.0 != badge_client::crypto::image_digest(bytes) {
		return Err(Error::BadInput(tr(
			"This is not the class's image: its digest differs from the one pinned on chain.",
		)));
	}
	Ok(ClassImage {
		content_type: content_type.into(),
		bytes: bytes.to_vec(),
	})
}

/// Whether `bytes` look like an SVG document.
pub fn is_svg(bytes: &[u8]) -> bool {
	let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_lowercase();
	head.contains("<svg")
}

//! Application intake: an issuer registers badges it issued on chain for the people they are
//! for, one at a time (the API, the staff form) or many at once (a `badge bulk` results file),
//! and each applicant's first e-mail is queued in the same database transaction as the
//! application (sent by [`crate::outbox`]).
//!
//! A badge can be applied for only while the chain holds it waiting for its recipient, and only
//! by the issuer that issued it when that issuer's account is known. Every row of a batch is
//! checked against one finalized state; if the chain cannot be reached, nothing is recorded.

use crate::{
	domain::Error,
	domain::{
		chain::{on_chain_final, vouched},
		normalize_email,
	},
	i18n::{self, Lang},
	secrets,
	store::{ApplicationStatus, FirstMail, MailKind, NewIntake},
	State,
};
use badge_client::{BadgeId, VerdictName, H256};
use futures::StreamExt;
use serde::Deserialize;
use std::collections::HashMap;

/// Rows of a results file imported at most.
pub const MAX_ROWS: usize = 200_000;
/// Rows an import report lists at most.
pub const LISTED_ROWS: usize = 1_000;
/// Applications written per database transaction.
pub const ROWS_PER_TRANSACTION: usize = 500;
/// Supplied credentials checked against the chain at once.
pub const CREDENTIALS_IN_FLIGHT: usize = 8;

/// The body of `POST /api/applications`: a badge issued on chain (for example by
/// `badge bulk`, whose results file has these columns) for the person at `email`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewApplication {
	/// The applicant's e-mail address.
	pub email: String,
	/// The badge's id (0x + 64 hex digits).
	pub badge_id: String,
	/// The claim secret the issuer generated for it (64 hex digits).
	pub claim_secret: String,
	/// The e-mails' language, `ja` or `en` (default: the request's `Accept-Language`, else the
	/// service's default).
	#[serde(default)]
	pub lang: Option<String>,
	/// The signed OB 3.0 credential of the badge (`badge credential`'s output), offered to the
	/// holder for download once received.
	#[serde(default)]
	pub credential: Option<serde_json::Value>,
}

/// An application recorded by [`do_add_applications`].
#[derive(Debug)]
pub struct Added {
	/// Its row id.
	pub id: i64,
	/// The badge.
	pub badge_id: BadgeId,
	/// The e-mail queued for the applicant.
	pub mail: FirstMail,
}

impl Added {
	/// The e-mail queued, as the API names it: `registration` or `receipt`.
	pub fn mail_name(&self) -> &'static str {
		mail_name(self.mail)
	}

	/// What was queued, in English words.
	pub fn mail_text(&self) -> &'static str {
		mail_text(self.mail)
	}
}

/// An e-mail as the API names it: `registration` or `receipt`.
pub fn mail_name(mail: FirstMail) -> &'static str {
	match mail {
		FirstMail::Register => "registration",
		FirstMail::Receive => "receipt",
	}
}

/// An e-mail queued, in English words.
pub fn mail_text(mail: FirstMail) -> &'static str {
	match mail {
		FirstMail::Register => "Registration e-mail queued",
		FirstMail::Receive => "Receipt e-mail queued",
	}
}

/// A row whose fields are well formed.
struct Checked {
	email: String,
	lang: Lang,
	badge: BadgeId,
	/// `0x` + 64 lower-case hex digits.
	claim_secret: String,
	credential: Option<serde_json::Value>,
	/// The credential's text once the chain vouched for it.
	credential_text: Option<String>,
}

/// Record one application of issuer `issuer` (see [`do_add_applications`]).
pub async fn do_add_application(
	state: &State,
	issuer: i64,
	issuer_name: &str,
	new: NewApplication,
) -> Result<Added, Error> {
	do_add_applications(state, issuer, issuer_name, vec![new])
		.await?
		.pop()
		.unwrap_or_else(|| Err(Error::Internal("no outcome for the application".into())))
}

/// Record applications of issuer `issuer` (whichever way they came: API, web form, results
/// file), each with its applicant's first e-mail queued: for each row, in order, what was
/// recorded or why the row was refused (malformed fields, a badge the chain does not hold
/// waiting for its recipient or that another issuer issued, a refused credential, a badge
/// applied for already). An error means the chain or the database failed: no row of a batch is
/// recorded when the chain fails; rows of transactions committed before a database failure
/// stay recorded (importing again reports them as applied for, and sends nothing twice).
pub async fn do_add_applications(
	state: &State,
	issuer: i64,
	issuer_name: &str,
	rows: Vec<NewApplication>,
) -> Result<Vec<Result<Added, Error>>, Error> {
	let account = issuer_account(state, issuer).await?;
	let default_lang = i18n::lang();
	let mut rows: Vec<Result<Checked, Error>> = rows
		.into_iter()
		.map(|row| check_fields(row, default_lang))
		.collect();
	check_on_chain(state, &account, &mut rows).await?;
	check_credentials(state, &mut rows).await?;
	let mut outcomes = Vec::with_capacity(rows.len());
	let mut rows = rows.into_iter().peekable();
	while rows.peek().is_some() {
		let chunk: Vec<_> = rows.by_ref().take(ROWS_PER_TRANSACTION).collect();
		outcomes.extend(record(state, issuer, issuer_name, chunk).await?);
	}
	state.outbox_wake.notify_one();
	Ok(outcomes)
}

/// The row's fields, checked and normalised.
fn check_fields(new: NewApplication, default_lang: Lang) -> Result<Checked, Error> {
	let email = normalize_email(&new.email)?;
	let lang = match new.lang.as_deref().filter(|l| !l.is_empty()) {
		Some(code) => {
			Lang::from_code(code).ok_or_else(|| Error::BadInput("lang must be ja or en".into()))?
		}
		None => default_lang,
	};
	let badge: BadgeId = new
		.badge_id
		.parse()
		.map_err(|_| Error::BadInput("badge_id must be 0x and 64 hex digits".into()))?;
	let claim = new.claim_secret.trim();
	let claim = claim.strip_prefix("0x").unwrap_or(claim);
	if claim.len() != 64 || !claim.bytes().all(|b| b.is_ascii_hexdigit()) {
		return Err(Error::BadInput("claim_secret must be 64 hex digits".into()));
	}
	Ok(Checked {
		email,
		lang,
		badge,
		claim_secret: format!("0x{}", claim.to_ascii_lowercase()),
		credential: new.credential,
		credential_text: None,
	})
}

/// The chain account issuer `issuer` is bound to; an issuer added by an older version without
/// one may do nothing until an operator binds it.
pub(crate) async fn issuer_account(state: &State, issuer: i64) -> Result<String, Error> {
	state.store.issuer_account(issuer).await?.ok_or_else(|| {
		Error::Forbidden(i18n::tr(
			"This issuer has no chain account on record: bind it with `badge-wallet issuer bind NAME --account ACCOUNT`.",
		))
	})
}

/// Refuse the rows whose badge is not waiting for its recipient, or was issued by another
/// account than `account`, all read from one finalized state.
async fn check_on_chain(
	state: &State,
	account: &str,
	rows: &mut [Result<Checked, Error>],
) -> Result<(), Error> {
	let badges: Vec<H256> = rows.iter().flatten().map(|row| row.badge.hash()).collect();
	if badges.is_empty() {
		return Ok(());
	}
	// A whole results file is read here (a hundred thousand rows take seconds): bounded by
	// the import's own deadline, not by a page's read deadline.
	let verdicts = on_chain_final(state, async {
		state.client().await?.verdicts(&badges).await
	})
	.await?;
	let digests = on_chain_final(state, async {
		state.client().await?.claim_digests(&badges).await
	})
	.await?;
	let mut digests = digests.into_iter();
	let mut verdicts = verdicts.into_iter();
	for slot in rows.iter_mut() {
		let Ok(row) = slot else { continue };
		let verification = verdicts
			.next()
			.ok_or_else(|| Error::Internal("fewer verdicts than badges".into()))?;
		let digest = digests
			.next()
			.ok_or_else(|| Error::Internal("fewer claim digests than badges".into()))?;
		if verification.verdict != VerdictName::NotYetReceived {
			*slot = Err(Error::Conflict(format!(
				"badge {} cannot be received: the chain says {}",
				row.badge, verification.verdict
			)));
			continue;
		}
		if verification
			.details
			.as_ref()
			.is_none_or(|details| details.issuer != account)
		{
			*slot = Err(Error::Forbidden(format!(
				"badge {} was issued by another issuer",
				row.badge
			)));
			continue;
		}
		// A mistyped or foreign claim secret would leave the applicant unable to receive.
		let claim = badge_client::crypto::ClaimKey::from_secret_hex(&row.claim_secret);
		if digest.is_none() || digest != claim.ok().map(|c| c.digest()) {
			*slot = Err(Error::BadInput(format!(
				"claim_secret is not the one badge {} was issued with",
				row.badge
			)));
		}
	}
	Ok(())
}

/// Refuse the rows whose supplied credential the chain does not vouch for.
async fn check_credentials(
	state: &State,
	rows: &mut [Result<Checked, Error>],
) -> Result<(), Error> {
	// Futures made up front (not by a closure over borrowed rows) stay `Send` for axum.
	let checks: Vec<_> = rows
		.iter()
		.enumerate()
		.filter_map(|(i, row)| {
			let row = row.as_ref().ok()?;
			let credential = row.credential.as_ref()?;
			Some(checked_credential_of(
				state, i, credential, row.badge, &row.email,
			))
		})
		.collect();
	let checked: Vec<(usize, Result<String, Error>)> = futures::stream::iter(checks)
		.buffered(CREDENTIALS_IN_FLIGHT)
		.collect()
		.await;
	for (i, outcome) in checked {
		match outcome {
			Ok(text) => {
				if let Ok(row) = &mut rows[i] {
					row.credential_text = Some(text);
				}
			}
			Err(e @ (Error::ChainUnavailable(_) | Error::Internal(_))) => return Err(e),
			Err(refused) => rows[i] = Err(refused),
		}
	}
	Ok(())
}

/// A new link token for an e-mail to `email`: the SHA-256 the `links` table keeps, and the
/// token sealed with the server key (bound to that address) for the outbox until its e-mail is
/// sent.
pub(crate) fn link_token(state: &State, email: &str) -> (String, Vec<u8>) {
	let (token, hash) = secrets::new_token();
	let sealed = state
		.key
		.seal(token.as_bytes(), &secrets::Context::MailLink(email));
	(hash, sealed)
}

/// When a receipt link made at `now` stops working.
fn receipt_link_expiry(state: &State, now: i64) -> i64 {
	now + state.config.receipt_link_hours * 3600
}

/// Fresh links sent for one application in [`crate::limits::WINDOW_SECS`] at most.
pub const RESENDS_PER_APPLICATION: usize = 3;

/// Send the applicant of issuer `issuer`'s application for `badge_id` a fresh link, for when
/// theirs expired or went astray: a receipt link if they have registered a wallet, else a
/// registration link (in the request's language). Which e-mail was queued.
pub async fn do_resend(
	state: &State,
	issuer: i64,
	issuer_name: &str,
	badge_id: &str,
) -> Result<FirstMail, Error> {
	let badge: BadgeId = badge_id
		.parse()
		.map_err(|_| Error::BadInput("badge_id must be 0x and 64 hex digits".into()))?;
	let application = state
		.store
		.issuer_application(issuer, badge)
		.await?
		.ok_or_else(|| {
			Error::NotFound(i18n::tr("This issuer has no application for that badge."))
		})?;
	if application.status == ApplicationStatus::Received {
		return Err(Error::Conflict(i18n::tr(
			"That badge has been received already: there is no link to send.",
		)));
	}
	if !state
		.limiter
		.allow(&format!("resend:{badge}"), RESENDS_PER_APPLICATION)
	{
		return Err(Error::RateLimited);
	}
	let mail = if state
		.store
		.holder_by_email(&application.email)
		.await?
		.is_some()
	{
		if queue_receipts(state, std::slice::from_ref(&application)).await == 0 {
			return Err(Error::Internal("the receipt e-mail was not queued".into()));
		}
		FirstMail::Receive
	} else {
		let (hash, sealed) = link_token(state, &application.email);
		let now = crate::store::now();
		state
			.store
			.queue_mail(
				MailKind::Register,
				&application.email,
				i18n::lang().code(),
				Some(issuer_name),
				None,
				&hash,
				&sealed,
				now + state.config.registration_link_hours * 3600,
			)
			.await?;
		state.outbox_wake.notify_one();
		FirstMail::Register
	};
	tracing::info!(badge = %badge, ?mail, "fresh link queued at the issuer's request");
	crate::metrics::event("link_resent");
	Ok(mail)
}

/// The receipt e-mails (in the request's language) for `applications`, to be queued with their
/// applicant's registration.
pub fn receipt_mails(
	state: &State,
	applications: &[crate::store::Application],
) -> Vec<crate::store::NewReceipt> {
	let lang = i18n::lang();
	let expires_at = receipt_link_expiry(state, crate::store::now());
	applications
		.iter()
		.map(|application| {
			let (token_hash, token_enc) = link_token(state, &application.email);
			crate::store::NewReceipt {
				application: application.id,
				lang: lang.code().to_string(),
				token_hash,
				token_enc,
				expires_at,
			}
		})
		.collect()
}

/// Queue a receipt e-mail (in the request's language) for each of `applications`, whose
/// applicant has just registered a wallet; how many were queued (a database failure is logged
/// and leaves that application without a receipt e-mail).
pub async fn queue_receipts(state: &State, applications: &[crate::store::Application]) -> usize {
	let lang = i18n::lang();
	let expires = receipt_link_expiry(state, crate::store::now());
	let mut queued = 0;
	for application in applications {
		let (token_hash, token_enc) = link_token(state, &application.email);
		let outcome = state
			.store
			.queue_mail(
				MailKind::Receive,
				&application.email,
				lang.code(),
				None,
				Some(application.id),
				&token_hash,
				&token_enc,
				expires,
			)
			.await;
		match outcome {
			Ok(()) => queued += 1,
			Err(e) => Error::from(e).log(),
		}
	}
	state.outbox_wake.notify_one();
	queued
}

/// Write the well-formed rows of `chunk` in one transaction, each with its first e-mail.
async fn record(
	state: &State,
	issuer: i64,
	issuer_name: &str,
	chunk: Vec<Result<Checked, Error>>,
) -> Result<Vec<Result<Added, Error>>, Error> {
	let now = crate::store::now();
	let intakes: Vec<NewIntake> = chunk
		.iter()
		.flatten()
		.map(|row| {
			let (token_hash, token_enc) = link_token(state, &row.email);
			NewIntake {
				email: row.email.clone(),
				badge_id: row.badge,
				claim_enc: state.key.seal(
					row.claim_secret.as_bytes(),
					&secrets::Context::ClaimSecret(&row.badge.to_string()),
				),
				credential: row.credential_text.clone(),
				lang: row.lang.code().to_string(),
				token_hash,
				token_enc,
			}
		})
		.collect();
	let stored = state
		.store
		.add_applications(
			issuer,
			issuer_name,
			&intakes,
			now + state.config.registration_link_hours * 3600,
			receipt_link_expiry(state, now),
		)
		.await?;
	let mut stored = stored.into_iter();
	let mut outcomes = Vec::with_capacity(chunk.len());
	for row in chunk {
		outcomes.push(match row {
			Err(refused) => Err(refused),
			Ok(row) => match stored.next().flatten() {
				Some((id, mail)) => {
					tracing::info!(
						application = id,
						issuer,
						mail = mail.kind().name(),
						"application registered"
					);
					crate::metrics::event("application_registered");
					Ok(Added {
						id,
						badge_id: row.badge,
						mail,
					})
				}
				None => Err(Error::Conflict(format!(
					"an application for badge {} exists",
					row.badge
				))),
			},
		});
	}
	Ok(outcomes)
}

/// A row of a `badge bulk` results file.
pub struct ResultRow {
	/// Its line in the input file of `badge bulk` (its line in the results file without one).
	pub line: String,
	/// The applicant's e-mail address.
	pub email: String,
	/// The badge (0x hex).
	pub badge_id: String,
	/// Its claim secret.
	pub claim_secret: String,
}

/// The importable rows of a `badge bulk` results file: those of status `issued` or
/// `already_issued`, at most [`MAX_ROWS`].
pub fn results_rows(bytes: &[u8]) -> Result<Vec<ResultRow>, String> {
	let mut reader = csv::ReaderBuilder::new()
		.trim(csv::Trim::All)
		.from_reader(bytes);
	let headers = reader.headers().map_err(|e| e.to_string())?.clone();
	let column = |name: &str| {
		headers
			.iter()
			.position(|h| h == name)
			.ok_or_else(|| format!("no `{name}` column: is this the results file of `badge bulk`?"))
	};
	let (email, badge, secret) = (
		column("email")?,
		column("badge_id")?,
		column("claim_secret")?,
	);
	let status = headers.iter().position(|h| h == "status");
	let line = headers.iter().position(|h| h == "line");
	let mut rows = Vec::new();
	for (n, record) in reader.records().enumerate() {
		let record = record.map_err(|e| e.to_string())?;
		if let Some(status) = status {
			if !matches!(record.get(status), Some("issued" | "already_issued")) {
				continue;
			}
		}
		if rows.len() == MAX_ROWS {
			return Err(format!("more than {MAX_ROWS} rows: split the file"));
		}
		rows.push(ResultRow {
			line: line
				.and_then(|l| record.get(l))
				.map_or_else(|| (n + 2).to_string(), String::from),
			email: record.get(email).unwrap_or_default().to_string(),
			badge_id: record.get(badge).unwrap_or_default().to_string(),
			claim_secret: record.get(secret).unwrap_or_default().to_string(),
		});
	}
	Ok(rows)
}

/// What an import did.
#[derive(Debug, serde::Serialize)]
pub struct ImportReport {
	/// Rows read.
	pub rows: usize,
	/// Applications recorded (each with its e-mail queued).
	pub added: usize,
	/// Of those, how many applicants get a registration e-mail.
	pub registration: usize,
	/// And how many (wallets registered already) a receipt e-mail.
	pub receipt: usize,
	/// Rows refused.
	pub refused: usize,
	/// Every row when there are at most [`LISTED_ROWS`]; otherwise the first [`LISTED_ROWS`]
	/// refused ones.
	pub listed: Vec<ReportRow>,
	/// Rows of the report not listed.
	pub unlisted: usize,
}

/// One row of an [`ImportReport`].
#[derive(Debug, serde::Serialize)]
pub struct ReportRow {
	/// The row's line.
	pub line: String,
	/// Its badge, as written.
	pub badge_id: String,
	/// Whether an application was recorded.
	pub added: bool,
	/// What was done, or why not (in the request's language).
	pub result: String,
}

/// Import the rows of a results file of issuer `issuer`, in language `lang` (or the request's),
/// each with the signed credential of its badge from `credentials` (by badge id, 0x hex) if
/// there is one (see [`do_add_applications`]).
pub async fn import_results(
	state: &State,
	issuer: i64,
	issuer_name: &str,
	rows: Vec<ResultRow>,
	lang: Option<String>,
	mut credentials: HashMap<String, serde_json::Value>,
) -> Result<ImportReport, Error> {
	let mut lines = Vec::with_capacity(rows.len());
	let mut new = Vec::with_capacity(rows.len());
	for row in rows {
		let credential = row
			.badge_id
			.parse::<BadgeId>()
			.ok()
			.and_then(|b| credentials.remove(&b.to_string()));
		lines.push((row.line, row.badge_id.clone()));
		new.push(NewApplication {
			email: row.email,
			badge_id: row.badge_id,
			claim_secret: row.claim_secret,
			lang: lang.clone(),
			credential,
		});
	}
	let outcomes = do_add_applications(state, issuer, issuer_name, new).await?;
	let listed_all = outcomes.len() <= LISTED_ROWS;
	let mut report = ImportReport {
		rows: outcomes.len(),
		added: 0,
		registration: 0,
		receipt: 0,
		refused: 0,
		listed: Vec::new(),
		unlisted: 0,
	};
	for ((line, badge_id), outcome) in lines.into_iter().zip(outcomes) {
		let (added, result) = match outcome {
			Ok(added) => {
				report.added += 1;
				match added.mail {
					FirstMail::Register => report.registration += 1,
					FirstMail::Receive => report.receipt += 1,
				}
				(true, i18n::tr(added.mail_text()))
			}
			Err(refused) => {
				report.refused += 1;
				(false, refused.to_string())
			}
		};
		if (listed_all || !added) && report.listed.len() < LISTED_ROWS {
			report.listed.push(ReportRow {
				line,
				badge_id,
				added,
				result,
			});
		}
	}
	report.unlisted = report.rows - report.listed.len();
	tracing::info!(
		issuer,
		added = report.added,
		rows = report.rows,
		"results file imported"
	);
	Ok(report)
}

/// [`checked_credential`] of row `i`.
async fn checked_credential_of(
	state: &State,
	i: usize,
	credential: &serde_json::Value,
	badge: BadgeId,
	email: &str,
) -> (usize, Result<String, Error>) {
	(i, checked_credential(state, credential, badge, email).await)
}

/// Check a signed credential supplied for `badge`, issued to `email`: an OB 3.0 credential of
/// this badge (its id is the badge's page) that the chain vouches for
/// ([`badge_client::trust::check_credential`]: a key the badge's issuer published, valid when
/// it signed; every claim the chain holds), naming its issuer by its DID under this service.
async fn checked_credential(
	state: &State,
	credential: &serde_json::Value,
	badge: BadgeId,
	email: &str,
) -> Result<String, Error> {
	let id = credential["id"].as_str().unwrap_or_default();
	if !id.ends_with(&format!("/badges/{badge}")) {
		return Err(Error::BadInput(format!(
			"the credential is not for badge {badge} (its id is `{}`)",
			id.chars().take(120).collect::<String>()
		)));
	}
	let trusted = vouched(state, credential, Some(email)).await?;
	let expected =
		badge_credential::did::issuer_did(&state.config.base_url, &trusted.issuer.to_string())
			.map_err(|e| Error::Internal(format!("base_url: {e}")))?;
	if trusted.issuer_did != expected {
		return Err(Error::BadInput(format!(
			"the credential names its issuer as {}, not as {expected} under this service: \
			 export it with --base-url {}",
			trusted.issuer_did, state.config.base_url
		)));
	}
	Ok(credential.to_string())
}

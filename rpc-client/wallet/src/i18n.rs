//! Japanese and English interface text. The language is the `lang` cookie's (set by the
//! switch in every page's header, `/lang/{ja|en}`), else the browser's `Accept-Language`, else
//! the configured default. Text is written in English in templates (`{{ t("…", name=value) }}`)
//! and code ([`tr`]); [`JA`] maps each to Japanese, and a test checks that every English text
//! has its Japanese.
//!
//! In HTML templates a translation may carry markup (it is ours); the values put into its
//! `{name}` places are escaped. In text templates (e-mail) markup is stripped.

use axum::{
	extract::{Path, Query, Request, State as AxumState},
	http::{header, HeaderValue},
	middleware::Next,
	response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use std::{collections::HashMap, sync::Arc, sync::OnceLock};

/// An interface language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
	/// English.
	En,
	/// Japanese.
	Ja,
}

impl Lang {
	/// The BCP 47 code.
	pub fn code(self) -> &'static str {
		match self {
			Lang::En => "en",
			Lang::Ja => "ja",
		}
	}

	/// The language of a code (`ja`, `ja-JP`, `en-GB`, …).
	pub fn from_code(code: &str) -> Option<Lang> {
		let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
		match primary.as_str() {
			"ja" => Some(Lang::Ja),
			"en" => Some(Lang::En),
			_ => None,
		}
	}

	/// The language an `Accept-Language` header prefers most among ours.
	pub fn from_accept_language(header: &str) -> Option<Lang> {
		let mut best: Option<(f32, Lang)> = None;
		for item in header.split(',') {
			let mut parts = item.split(';');
			let Some(lang) = parts.next().and_then(Lang::from_code) else {
				continue;
			};
			let q = parts
				.find_map(|p| p.trim().strip_prefix("q="))
				.and_then(|q| q.parse::<f32>().ok())
				.unwrap_or(1.0);
			if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
				best = Some((q, lang));
			}
		}
		best.map(|(_, lang)| lang)
	}
}

/// The language and path of the request being answered.
#[derive(Clone, Debug)]
pub struct Current {
	/// Its language.
	pub lang: Lang,
	/// Its path and query (for the language switch's way back).
	pub path: String,
}

tokio::task_local! {
	static CURRENT: Current;
}

/// The current request's language (English outside a request).
pub fn lang() -> Lang {
	CURRENT.try_with(|c| c.lang).unwrap_or(Lang::En)
}

/// The current request's path and query (`/` outside a request).
pub fn path() -> String {
	CURRENT
		.try_with(|c| c.path.clone())
		.unwrap_or_else(|_| "/".into())
}

/// Run `f` as answering in `lang` (for e-mails sent outside the addressee's request).
pub async fn with_lang<F: std::future::Future>(lang: Lang, f: F) -> F::Output {
	CURRENT.scope(Current { lang, path: path() }, f).await
}

/// English text for symbolic keys (ledger kinds, statuses) that are not English sentences.
const EN: &[(&str, &str)] = &[
	("issuer_registered", "issuer registered"),
	("issuer_suspended", "issuer suspended"),
	("issuer_reinstated", "issuer reinstated"),
	("class_created", "class created"),
	("class_retired", "class retired"),
	("badge_issued", "badge issued"),
	("badge_revoked", "badge revoked"),
];

/// `text` in `lang`: its Japanese, or the English it is.
pub fn translate(lang: Lang, text: &str) -> &str {
	static JA_MAP: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
	static EN_MAP: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
	let map = match lang {
		Lang::Ja => JA_MAP.get_or_init(|| JA.iter().copied().collect()),
		Lang::En => EN_MAP.get_or_init(|| EN.iter().copied().collect()),
	};
	map.get(text).copied().unwrap_or(text)
}

/// `text` in the current request's language.
pub fn tr(text: &str) -> String {
	translate(lang(), text).to_string()
}

/// `text` in the current language with its `{name}` places filled.
pub fn tr_with(text: &str, values: &[(&str, &str)]) -> String {
	fill(
		translate(lang(), text),
		values.iter().map(|(k, v)| (*k, v.to_string())),
	)
}

fn fill(text: &str, values: impl Iterator<Item = (impl AsRef<str>, String)>) -> String {
	let mut out = text.to_string();
	for (name, value) in values {
		out = out.replace(&format!("{{{}}}", name.as_ref()), &value);
	}
	out
}

fn strip_tags(text: &str) -> String {
	let mut out = String::with_capacity(text.len());
	let mut in_tag = false;
	for c in text.chars() {
		match c {
			'<' => in_tag = true,
			'>' if in_tag => in_tag = false,
			c if !in_tag => out.push(c),
			_ => {}
		}
	}
	out
}

/// The templates' `t(text, name=value, …)`.
pub fn template_function(
	state: &minijinja::State,
	text: String,
	kwargs: minijinja::value::Kwargs,
) -> Result<minijinja::Value, minijinja::Error> {
	let lang = state
		.lookup("lang")
		.and_then(|l| l.as_str().and_then(Lang::from_code))
		.unwrap_or(Lang::En);
	let html = !matches!(state.auto_escape(), minijinja::AutoEscape::None);
	let mut values = Vec::new();
	for name in kwargs.args() {
		let value: minijinja::Value = kwargs.get(name)?;
		let text = if value.is_none() || value.is_undefined() {
			String::new()
		} else {
			value.to_string()
		};
		let text = if html { escape(&text) } else { text };
		values.push((name.to_string(), text));
	}
	kwargs.assert_all_used()?;
	let translation = translate(lang, &text);
	Ok(if html {
		minijinja::Value::from_safe_string(fill(translation, values.into_iter()))
	} else {
		minijinja::Value::from(fill(&strip_tags(translation), values.into_iter()))
	})
}

fn escape(text: &str) -> String {
	text.replace('&', "&amp;")
		.replace('<', "&lt;")
		.replace('>', "&gt;")
		.replace('"', "&quot;")
		.replace('\'', "&#x27;")
}

/// The language a request asks for: its `lang` cookie, its `Accept-Language`, else `default`.
pub fn of_request(headers: &axum::http::HeaderMap, default: Lang) -> Lang {
	crate::sessions::cookie(headers, "lang")
		.and_then(|value| Lang::from_code(&value))
		.or_else(|| {
			headers
				.get(header::ACCEPT_LANGUAGE)
				.and_then(|v| v.to_str().ok())
				.and_then(Lang::from_accept_language)
		})
		.unwrap_or(default)
}

/// Middleware: answer every request in its language, and say so (`Content-Language`, `Vary`).
pub(crate) async fn middleware(
	AxumState(state): AxumState<Arc<crate::State>>,
	request: Request,
	next: Next,
) -> Response {
	let lang = of_request(request.headers(), state.config.default_lang());
	let path = request
		.uri()
		.path_and_query()
		.map_or("/".to_string(), |p| p.as_str().to_string());
	let mut response = CURRENT
		.scope(Current { lang, path }, next.run(request))
		.await;
	let headers = response.headers_mut();
	headers.insert(
		header::CONTENT_LANGUAGE,
		HeaderValue::from_static(lang.code()),
	);
	headers.insert(
		header::VARY,
		HeaderValue::from_static("Accept-Language, Cookie"),
	);
	response
}

/// `?next=/path`: where the language switch goes back to.
#[derive(Deserialize)]
pub struct Next_ {
	next: Option<String>,
}

/// `GET /lang/{code}`: remember the language in a cookie for a year and go back.
pub(crate) async fn switch(Path(code): Path<String>, Query(next): Query<Next_>) -> Response {
	let Some(lang) = Lang::from_code(&code) else {
		return Redirect::to("/").into_response();
	};
	// Only a path on this site: never an open redirect. Browsers drop tabs and line breaks from
	// a URL (`/<tab>/host` is `//host`) and read `\` as `/`, so neither may appear.
	let back = next
		.next
		.filter(|n| {
			n.starts_with('/')
				&& !n.starts_with("//")
				&& !n.contains('\\')
				&& !n.chars().any(|c| c.is_control() || c.is_whitespace())
		})
		.unwrap_or_else(|| "/".into());
	// A year; `Lax` so that a link from elsewhere opens in the chosen language.
	let cookie = axum_extra::extract::cookie::Cookie::build(("lang", lang.code()))
		.path("/")
		.max_age(time::Duration::days(365))
		.same_site(axum_extra::extract::cookie::SameSite::Lax);
	(
		axum_extra::extract::cookie::CookieJar::new().add(cookie),
		Redirect::to(&back),
	)
		.into_response()
}

/// English text → Japanese.
pub const JA: &[(&str, &str)] = &[
	// Layout and navigation.
	("Open Badge Wallet", "オープンバッジウォレット"),
	("Explorer", "エクスプローラー"),
	// Registration.
	("Register your wallet", "ウォレットの登録"),
	("Register your Open Badge Wallet", "オープンバッジウォレットを登録する"),
	(
		"Your wallet will be registered for <strong>{email}</strong>. Choose a password of at least {n} characters.",
		"<strong>{email}</strong> のウォレットを登録します。{n}文字以上のパスワードを決めてください。",
	),
	("Password", "パスワード"),
	("Password again", "パスワード（確認）"),
	("Register", "登録する"),
	("Wallet registered", "ウォレット登録完了"),
	("Your wallet is registered", "ウォレットを登録しました"),
	(
		"We have sent {n} badge receipt e-mail(s) to <strong>{email}</strong>. Follow the link in each to receive the badge into your wallet.",
		"<strong>{email}</strong> にバッジ受け取りのメールを{n}通送りました。各メールのリンクから、バッジをウォレットに受け取ってください。",
	),
	("Fill in both password fields.", "パスワードを2つの欄に入力してください。"),
	(
		"The password must have at least {n} characters.",
		"パスワードは{n}文字以上にしてください。",
	),
	(
		"The password must have at most {n} bytes.",
		"パスワードは{n}バイト以内にしてください。",
	),
	("The two passwords differ.", "2つのパスワードが一致しません。"),
	// Receipt.
	("Receive your badge", "バッジの受け取り"),
	(
		"Badge <code>{id}</code>, issued by <code>{issuer}</code>, awaits you.",
		"<code>{issuer}</code> が発行したバッジ <code>{id}</code> があなたの受け取りを待っています。",
	),
	(
		"Badge <code>{id}</code> awaits you.",
		"バッジ <code>{id}</code> があなたの受け取りを待っています。",
	),
	(
		"Receiving binds it to your wallet on the chain; it cannot be transferred afterwards.",
		"受け取ると、バッジはチェーン上であなたのウォレットに結び付けられ、その後は譲渡できません。",
	),
	("Receive the badge", "バッジを受け取る"),
	("Badge received", "バッジ受け取り完了"),
	("The badge is yours", "バッジを受け取りました"),
	(
		"Badge <code>{id}</code> is bound to your wallet (account <code>{account}</code>) and finalized on the chain. The chain now says: <strong>{verdict}</strong>.",
		"バッジ <code>{id}</code> はあなたのウォレット（アカウント <code>{account}</code>）に結び付けられ、チェーン上で確定しました。現在のチェーンの判定：<strong>{verdict}</strong>",
	),
	(
		"It is public: <a href=\"/badges/{id}\">its disclosure and verification page</a> shows it to anyone with the link. <a href=\"/login\">Log in to your wallet</a> to make it private.",
		"このバッジは公開されています。<a href=\"/badges/{id}\">公開・検証ページ</a>はリンクを知る誰にでも表示されます。非公開にするには<a href=\"/login\">ウォレットにログイン</a>してください。",
	),
	(
		"Register your wallet first: use the registration e-mail.",
		"先にウォレットを登録してください。登録のメールをご利用ください。",
	),
	// Login and wallet.
	("Log in", "ログイン"),
	("Log in to your wallet", "ウォレットにログイン"),
	// Recovery.
	("Forgotten your password, or a link expired?", "パスワードを忘れた場合、リンクの期限が切れた場合"),
	("Forgotten password or expired link", "パスワードの再設定・リンクの再送"),
	(
		"If this address has a wallet or a badge waiting here, an e-mail is on its way to it: a link to choose a new password, or new links to register and receive your badges. Links in earlier e-mails that have not expired keep working.",
		"このアドレスのウォレット、または受け取り待ちのバッジがある場合は、このアドレスにメールを送りました。新しいパスワードを決めるリンク、またはバッジの登録・受け取り用の新しいリンクが届きます。これまでのメールのリンクも、期限内であれば使えます。",
	),
	(
		"Give the e-mail address your badges were awarded to. We send it what it needs: a link to choose a new password, or new links to register and receive your badges.",
		"バッジを授与されたメールアドレスを入力してください。新しいパスワードを決めるリンク、またはバッジの登録・受け取り用の新しいリンクをお送りします。",
	),
	("Send me an e-mail", "メールを送る"),
	("Fill in your e-mail address.", "メールアドレスを入力してください。"),
	("Choose a new password", "新しいパスワードを決める"),
	(
		"Your password is changed, and every session of your wallet has ended.",
		"パスワードを変更し、ウォレットのすべてのセッションを終了しました。",
	),
	(
		"A new password for the wallet of <strong>{email}</strong>, of at least {n} characters. Every session of your wallet ends when it is set.",
		"<strong>{email}</strong> のウォレットの新しいパスワードを、{n}文字以上で決めてください。設定すると、ウォレットのすべてのセッションが終了します。",
	),
	("Set the new password", "新しいパスワードを設定する"),
	(
		"Someone asked to choose a new password for your Open Badge Wallet. To choose one, follow this link:",
		"オープンバッジウォレットのパスワード再設定の依頼がありました。次のリンクから新しいパスワードを決めてください：",
	),
	(
		"The link works once and until {expires} (UTC). If you did not ask for it, ignore this e-mail: your password stays as it is.",
		"リンクは1回だけ、{expires}（UTC）まで使えます。お心当たりのない場合はこのメールを無視してください。パスワードは変わりません。",
	),
	("Choose a new password for your Open Badge Wallet", "オープンバッジウォレットの新しいパスワード"),
	("E-mail", "メールアドレス"),
	("Fill in your e-mail and password.", "メールアドレスとパスワードを入力してください。"),
	(
		"Too many attempts for this address. Wait 15 minutes and try again.",
		"このアドレスでの試行が多すぎます。15分待ってからもう一度お試しください。",
	),
	(
		"The e-mail address or the password is wrong.",
		"メールアドレスまたはパスワードが違います。",
	),
	("Your badges", "あなたのバッジ"),
	(
		"Wallet of <strong>{email}</strong> (account <code>{account}</code>).",
		"<strong>{email}</strong> のウォレット（アカウント <code>{account}</code>）",
	),
	("Your public profile", "公開プロフィール"),
	(
		"Your account: export your key, delete your wallet",
		"アカウント：鍵のエクスポート、ウォレットの削除",
	),
	("Log out", "ログアウト"),
	(
		"The badge chain cannot be reached right now: the badges below are shown without their current state.",
		"現在バッジチェーンに接続できません。以下のバッジは現在の状態を確認せずに表示しています。",
	),
	("Public: anyone with the link sees it.", "公開：リンクを知る誰でも見られます。"),
	("Make private", "非公開にする"),
	(
		"Private: its page shows only that it is not disclosed.",
		"非公開：ページには非公開であることだけが表示されます。",
	),
	("Make public", "公開する"),
	(
		"No badges yet: follow the receipt link in your e-mail to receive one.",
		"まだバッジはありません。メールの受け取りリンクからバッジを受け取ってください。",
	),
	("The form was incomplete.", "フォームの入力が不足しています。"),
	(
		"This form has expired: reload the page and try again.",
		"このフォームは有効期限が切れました。ページを再読み込みしてやり直してください。",
	),
	("Choose public or private.", "公開か非公開を選んでください。"),
	("That badge is not in your wallet.", "そのバッジはあなたのウォレットにありません。"),
	// The public badge page.
	("Badge", "バッジ"),
	(
		"{class}, issued by {issuer}: {verdict} on the Open Badge chain.",
		"{issuer} が発行した「{class}」：オープンバッジチェーン上の判定は「{verdict}」です。",
	),
	("Verification unavailable", "検証できません"),
	(
		"The badge chain cannot be reached right now, so this badge cannot be verified. This is not a verdict: try again in a few minutes.",
		"現在バッジチェーンに接続できないため、このバッジを検証できません。これは判定ではありません。数分後にもう一度お試しください。",
	),
	("No such badge", "バッジが見つかりません"),
	(
		"The chain has no badge <code>{id}</code>.",
		"チェーン上にバッジ <code>{id}</code> はありません。",
	),
	("Not disclosed", "非公開"),
	(
		"The holder of badge <code>{id}</code> has not disclosed it.",
		"バッジ <code>{id}</code> の所有者はこのバッジを公開していません。",
	),
	("Issuer", "発行者"),
	("Badge class", "バッジの種類"),
	("Issued", "発行日時"),
	("Expires", "有効期限"),
	("Holder", "所有者"),
	("Design (image digest)", "デザイン（画像ダイジェスト）"),
	("Badge id", "バッジID"),
	("Checked", "確認日時"),
	(
		"{when} (UTC), against the chain, at block <code>{block}</code>",
		"{when}（UTC）、チェーンのブロック <code>{block}</code> で確認",
	),
	(
		"An image of a badge proves nothing by itself: this page, checked against the chain, does.",
		"バッジの画像だけでは何も証明できません。チェーンと照合するこのページが証明です。",
	),
	("QR code leading to this page", "このページを開くQRコード"),
	("Scan to open this page.", "読み取るとこのページが開きます。"),
	("QR code for print (PNG)", "印刷用QRコード（PNG）"),
	("A badge id is 0x and 64 hex digits.", "バッジIDは 0x と16進数64桁です。"),
	("Ask for qr.svg or qr.png.", "qr.svg か qr.png を指定してください。"),
	(
		"Ask for credential.json, baked.png or baked.svg.",
		"credential.json、baked.png、baked.svg のいずれかを指定してください。",
	),
	// Verdicts.
	("Valid", "有効"),
	("Revoked", "失効"),
	("Expired", "期限切れ"),
	("Issuer suspended", "発行者が停止中"),
	("Design does not match", "デザインが一致しません"),
	("Issued, not yet received", "発行済み・未受け取り"),
	("Not found", "見つかりません"),
	("Unknown: the chain did not answer", "不明：チェーンが応答しませんでした"),
	// Account.
	("Your account", "アカウント"),
	(
		"Wallet of <strong>{email}</strong>, chain account <code>{account}</code>.",
		"<strong>{email}</strong> のウォレット、チェーンのアカウント <code>{account}</code>",
	),
	("Export your key", "鍵のエクスポート"),
	(
		"Your badges are bound to the chain account above. This wallet keeps its key for you, encrypted. Download the key to hold it yourself: with it, the <code>badge</code> tool (<code>badge --key-file FILE …</code>) or another wallet acts for your account. Anyone who has this file can change your badges' disclosure: keep it safe.",
		"あなたのバッジは上記のチェーンアカウントに結び付いています。このウォレットはその鍵を暗号化して預かっています。鍵をダウンロードすれば自分で保管できます。この鍵で <code>badge</code> ツール（<code>badge --key-file ファイル …</code>）や他のウォレットがあなたのアカウントとして操作できます。このファイルを持つ人は誰でもバッジの公開設定を変更できるので、安全に保管してください。",
	),
	("Download my key", "鍵をダウンロード"),
	("Delete your wallet", "ウォレットの削除"),
	(
		"This erases your e-mail address, password, key and badge list from this service. Your badges stay on the chain, bound to your account, with the disclosure they have now: export your key first if you want to change it later. The chain holds no personal data, only hashes.",
		"このサービスからメールアドレス、パスワード、鍵、バッジ一覧を消去します。バッジは現在の公開設定のまま、あなたのアカウントに結び付いてチェーン上に残ります。後で公開設定を変えたい場合は、先に鍵をエクスポートしてください。チェーンには個人情報はなく、ハッシュだけが記録されています。",
	),
	(
		"I understand: delete my wallet for good.",
		"理解しました。ウォレットを完全に削除します。",
	),
	("Delete my wallet", "ウォレットを削除"),
	("Wallet deleted", "ウォレット削除完了"),
	("Your wallet is deleted", "ウォレットを削除しました"),
	(
		"This service no longer keeps your e-mail address, password, key or badge list. Your badges remain on the chain, bound to account <code>{account}</code>.",
		"このサービスはもうあなたのメールアドレス、パスワード、鍵、バッジ一覧を保持していません。バッジはアカウント <code>{account}</code> に結び付いたままチェーン上に残ります。",
	),
	("Fill in your password.", "パスワードを入力してください。"),
	(
		"Too many attempts. Wait 15 minutes and try again.",
		"試行が多すぎます。15分待ってからもう一度お試しください。",
	),
	("The password is wrong.", "パスワードが違います。"),
	(
		"This took too long and was stopped. Try again in a few minutes.",
		"時間がかかりすぎたため中断しました。数分後にもう一度お試しください。",
	),
	(
		"The service is busy right now. Try again in a moment.",
		"ただいま混み合っています。少し待ってからもう一度お試しください。",
	),
	(
		"Tick the box to confirm that you want to delete your wallet.",
		"ウォレットを削除するには、確認のチェックを入れてください。",
	),
	// Explorer, issuers, classes, profiles.
	("More badges", "さらに表示"),
	("No public badges.", "公開されているバッジはありません。"),
	("The public ledger", "公開台帳"),
	(
		"Issuers, badge classes, issuances and revocations as the chain's finalized blocks record them. Badges show only when their holders disclose them.",
		"チェーンの確定済みブロックに記録された発行者、バッジの種類、発行と失効です。バッジは所有者が公開している場合のみ表示されます。",
	),
	(
		"The badge chain cannot be reached right now: the issuer list is missing; the recent lists below are as last read.",
		"現在バッジチェーンに接続できません。発行者一覧は表示できず、以下の最近の記録は最後に読み取った時点のものです。",
	),
	("Issuers", "発行者"),
	("Status", "状態"),
	("Classes", "種類"),
	("Badges issued", "発行数"),
	("active", "有効"),
	("suspended", "停止中"),
	("No issuers yet.", "発行者はまだいません。"),
	("Recent issuances", "最近の発行"),
	("block {n}", "ブロック {n}"),
	("class {n}", "種類 {n}"),
	("None recorded yet.", "まだ記録はありません。"),
	("Recent revocations", "最近の失効"),
	("revoked", "失効"),
	("Registry changes", "登録の変更"),
	("issuer_registered", "発行者の登録"),
	("issuer_suspended", "発行者の停止"),
	("issuer_reinstated", "発行者の再開"),
	("class_created", "種類の作成"),
	("class_retired", "種類の終了"),
	("badge_issued", "バッジの発行"),
	("badge_revoked", "バッジの失効"),
	("Read up to finalized block {n}.", "確定済みブロック {n} まで読み取りました。"),
	("Not read from the chain yet.", "まだチェーンから読み取っていません。"),
	("Web site", "ウェブサイト"),
	("Contact", "連絡先"),
	("Account", "アカウント"),
	("Registered", "登録日時"),
	("retired", "終了"),
	("{n} issued", "{n}件発行"),
	("No classes.", "種類はありません。"),
	("Public badges", "公開バッジ"),
	("Type", "タイプ"),
	("Criteria", "基準"),
	(
		"What the issuer requires for this badge",
		"このバッジについて発行者が定める基準",
	),
	(
		"A narrative kept by the issuer, SHA-256 <code>{digest}</code>",
		"発行者が保管する説明文（SHA-256 <code>{digest}</code>）",
	),
	("Created", "作成日時"),
	("retired: no new badges", "終了：新しいバッジは発行されません"),
	("open", "発行中"),
	(
		"The badges that account <code>{account}</code> has disclosed, each verified against the chain.",
		"アカウント <code>{account}</code> が公開しているバッジです。それぞれチェーンと照合しています。",
	),
	("`after` is not a badge id", "`after` がバッジIDではありません"),
	("That is not an account address (SS58).", "アカウントのアドレス（SS58）ではありません。"),
	("A class id is a number.", "種類のIDは数字です。"),
	("The chain has no such issuer.", "チェーン上にその発行者はいません。"),
	("The chain has no such badge class.", "チェーン上にその種類のバッジはありません。"),
	(
		"The badge chain cannot be reached right now. Try again in a few minutes.",
		"現在バッジチェーンに接続できません。数分後にもう一度お試しください。",
	),
	("Public profile", "公開プロフィール"),
	// Errors.
	("Not found", "見つかりません"),
	("This link does not work", "このリンクは使えません"),
	("Please try again later", "後でもう一度お試しください"),
	("That did not work", "うまくいきませんでした"),
	(
		"This link is not valid. Check that you copied the whole link from the e-mail.",
		"このリンクは無効です。メールのリンクを最後までコピーしたか確認してください。",
	),
	(
		"This link has expired. Ask the issuer to send a new one.",
		"このリンクは有効期限が切れました。発行者に新しいリンクを依頼してください。",
	),
	(
		"This link has already been used. Each link works once.",
		"このリンクは使用済みです。各リンクは一度だけ使えます。",
	),
	(
		"The badge chain cannot be reached right now, so nothing was changed. Try again in a few minutes.",
		"現在バッジチェーンに接続できないため、何も変更していません。数分後にもう一度お試しください。",
	),
	(
		"Something went wrong on our side. Nothing was lost; try again later.",
		"サービス側で問題が起きました。データは失われていません。後でもう一度お試しください。",
	),
	("Badge classes", "バッジの種類"),
	(
		"The badge chain refused this: {0}",
		"バッジチェーンがこの操作を拒否しました：{0}",
	),
	(
		"the request is larger than {limit} bytes",
		"リクエストが {limit} バイトを超えています",
	),
	(
		"a valid API token is required (Authorization: Bearer …)",
		"有効なAPIトークンが必要です（Authorization: Bearer …）",
	),
	("lang must be ja or en", "lang は ja か en にしてください"),
	(
		"badge_id must be 0x and 64 hex digits",
		"badge_id は 0x と16進数64桁にしてください",
	),
	("claim_secret must be 64 hex digits", "claim_secret は16進数64桁にしてください"),
	("Share", "共有"),
	(
		"Yours to keep (Open Badges 3.0):",
		"保存用（オープンバッジ 3.0）：",
	),
	(
		"Add to your LinkedIn profile (licenses and certifications)",
		"LinkedIn のプロフィール（資格・認定）に追加",
	),
	(
		"Printable card with the QR code of this page:",
		"このページのQRコード付き印刷用カード：",
	),
	("Open Badges 3.0:", "オープンバッジ 3.0："),
	("signed credential (JSON)", "署名済みクレデンシャル（JSON）"),
	(
		"badge image with the credential baked in",
		"クレデンシャルを埋め込んだバッジ画像",
	),
	("For your e-mail signature (HTML):", "メール署名用（HTML）："),
	("No image is stored for this badge class.", "このバッジの種類の画像は保存されていません。"),
	("This badge is not disclosed.", "このバッジは公開されていません。"),
	(
		"The badge image has the other format (PNG or SVG).",
		"バッジ画像は別の形式（PNG または SVG）です。",
	),
	(
		"Ask for qr.svg, qr.png, card.png, card.pdf, credential.json or baked.png.",
		"qr.svg、qr.png、card.png、card.pdf、credential.json、baked.png のいずれかを指定してください。",
	),
	(
		"The issuer has not supplied a signed credential for this badge.",
		"発行者はこのバッジの署名済みクレデンシャルを提供していません。",
	),
	// Issuer pages.
	("Logged in as <strong>{email}</strong>.", "<strong>{email}</strong> としてログイン中"),
	("The image of class {n} is stored.", "種類 {n} の画像を保存しました。"),
	("{n} application(s) registered.", "{n}件の申請を登録しました。"),
	("{n} row(s) refused.", "{n}行は受け付けられませんでした。"),
	("{n} more row(s) not listed.", "ほかに{n}行あります（一覧には表示していません）。"),
	("Line", "行"),
	("Result", "結果"),
	("Register an application", "申請の登録"),
	(
		"A badge you issued on chain, for the person at this address: they get an e-mail to register their wallet and receive it.",
		"チェーン上で発行したバッジを、このアドレスの人に届けます。ウォレットを登録してバッジを受け取るためのメールが送られます。",
	),
	("Applicant's e-mail", "申請者のメールアドレス"),
	("Claim secret", "受け取り用シークレット"),
	("E-mail language", "メールの言語"),
	("Register and send the e-mail", "登録してメールを送る"),
	("Import a results file", "結果ファイルの取り込み"),
	(
		"The results file that <code>badge bulk</code> wrote (columns email, badge_id, claim_secret), and optionally the signed credentials from <code>badge bulk --credentials DIR</code>. Up to {mb} MB.",
		"<code>badge bulk</code> が書き出した結果ファイル（email、badge_id、claim_secret の列）と、必要なら <code>badge bulk --credentials DIR</code> の署名済みクレデンシャル。{mb} MB まで。",
	),
	("Results file (CSV)", "結果ファイル（CSV）"),
	("Signed credentials (JSON, optional)", "署名済みクレデンシャル（JSON、任意）"),
	("Import", "取り込む"),
	("Badge images", "バッジ画像"),
	(
		"The image of a class as pinned on chain (PNG or SVG, up to {mb} MB): it is shown on badge pages, share cards and baked badges. An image whose digest differs is refused.",
		"チェーン上で固定された種類の画像（PNG または SVG、{mb} MB まで）。バッジのページ、共有カード、画像埋め込みバッジに使われます。ダイジェストが異なる画像は受け付けません。",
	),
	("Class id", "種類のID"),
	("Image", "画像"),
	("Upload", "アップロード"),
	("Recent applications", "最近の申請"),
	("None yet.", "まだありません。"),
	("Set your password", "パスワードの設定"),
	(
		"Staff login for <strong>{email}</strong>. Choose a password of at least {n} characters.",
		"<strong>{email}</strong> の担当者ログインです。{n}文字以上のパスワードを決めてください。",
	),
	("Set the password", "パスワードを設定する"),
	("Issuer login", "発行者ログイン"),
	(
		"Fill in the e-mail address, the badge id and the claim secret.",
		"メールアドレス、バッジID、受け取り用シークレットを入力してください。",
	),
	("Choose the results file of `badge bulk`.", "`badge bulk` の結果ファイルを選んでください。"),
	("Choose the badge image file.", "バッジ画像のファイルを選んでください。"),
	(
		"This issuer has no chain account on record: bind it with `badge-wallet issuer bind NAME --account ACCOUNT`.",
		"この発行者のチェーンアカウントが登録されていません。`badge-wallet issuer bind 名前 --account アカウント` で結び付けてください。",
	),
	("{file} is neither PNG nor SVG.", "{file} は PNG でも SVG でもありません。"),
	("{file} is not a readable PNG.", "{file} は読み取れる PNG ではありません。"),
	("Send a new link", "新しいリンクを送る"),
	("A new link is on its way.", "新しいリンクを送信しました。"),
	(
		"This issuer has no application for that badge.",
		"この発行者にはそのバッジの申請がありません。",
	),
	(
		"That badge has been received already: there is no link to send.",
		"そのバッジは受け取り済みです。送るリンクはありません。",
	),
	(
		"{file} is {width}×{height} pixels: at most {max}×{max} are accepted.",
		"{file} は {width}×{height} ピクセルです。受け付けるのは {max}×{max} ピクセルまでです。",
	),
	("That class belongs to another issuer.", "その種類は別の発行者のものです。"),
	(
		"This is not the class's image: its digest differs from the one pinned on chain.",
		"この種類の画像ではありません。ダイジェストがチェーン上で固定されたものと異なります。",
	),
	("pending", "受け取り待ち"),
	("received", "受け取り済み"),
	("Receipt e-mail queued", "受け取りメールを送信待ちに登録"),
	("Registration e-mail queued", "登録メールを送信待ちに登録"),
	// E-mails.
	("Hello,", "こんにちは。"),
	(
		"{issuer} has awarded you an Open Badge. To receive it, first register your Open Badge Wallet:",
		"{issuer} からオープンバッジが授与されました。受け取るには、まずオープンバッジウォレットを登録してください：",
	),
	("Register my wallet", "ウォレットを登録する"),
	(
		"The link works once and until {expires} (UTC). If you did not apply for a badge, ignore this e-mail.",
		"このリンクは一度だけ、{expires}（UTC）まで使えます。バッジに申し込んでいない場合は、このメールを無視してください。",
	),
	(
		"Your badge <code>{id}</code> is ready. Receive it into your Open Badge Wallet:",
		"バッジ <code>{id}</code> の準備ができました。オープンバッジウォレットに受け取ってください：",
	),
	("Receive my badge", "バッジを受け取る"),
	(
		"The link works once and until {expires} (UTC).",
		"このリンクは一度だけ、{expires}（UTC）まで使えます。",
	),
	(
		"Once received, the badge's public disclosure and verification page is <a href=\"{url}\">{url}</a>; this QR code leads there:",
		"受け取った後のバッジの公開・検証ページは <a href=\"{url}\">{url}</a> です。このQRコードからも開けます：",
	),
	("QR code of the badge's page", "バッジのページのQRコード"),
	(
		"Once received, the badge's public disclosure and verification page is {url} (the QR code in this e-mail leads there too).",
		"受け取った後のバッジの公開・検証ページは {url} です（このメールのQRコードからも開けます）。",
	),
	(
		"Register your Open Badge Wallet to receive your badge",
		"バッジを受け取るためにオープンバッジウォレットを登録してください",
	),
	("Your Open Badge is ready to receive", "オープンバッジを受け取れます"),
];

#[cfg(test)]
mod tests {
	use super::*;
	use badge_client::VerdictName;

	#[test]
	fn accept_language_picks_the_most_preferred_of_ours() {
		assert_eq!(
			Lang::from_accept_language("ja-JP,ja;q=0.9,en-US;q=0.8"),
			Some(Lang::Ja)
		);
		assert_eq!(
			Lang::from_accept_language("fr-FR, en;q=0.5, ja;q=0.4"),
			Some(Lang::En)
		);
		assert_eq!(Lang::from_accept_language("de, fr"), None);
		assert_eq!(
			Lang::from_accept_language("ja;q=0, en;q=0.1"),
			Some(Lang::En)
		);
	}

	#[test]
	fn markup_is_ours_values_are_escaped_and_text_mail_has_no_tags() {
		let mut env = minijinja::Environment::new();
		env.add_function("t", template_function);
		env.add_template(
			"a.html",
			r#"{{ t("Badge <code>{id}</code> awaits you.", id=x) }}"#,
		)
		.unwrap();
		env.add_template(
			"a.txt",
			r#"{{ t("Badge <code>{id}</code> awaits you.", id=x) }}"#,
		)
		.unwrap();
		let ctx = minijinja::context! { lang => "ja", x => "<b>&" };
		assert_eq!(
			env.get_template("a.html").unwrap().render(&ctx).unwrap(),
			"バッジ <code>&lt;b&gt;&amp;</code> があなたの受け取りを待っています。"
		);
		assert_eq!(
			env.get_template("a.txt").unwrap().render(&ctx).unwrap(),
			"バッジ <b>& があなたの受け取りを待っています。",
			"text keeps values as they are, without our markup"
		);
	}

	/// Every English text in the templates (`t("…")`) and the code (`tr("…")`, `tr_with("…"`,
	/// static error messages) has its Japanese, and the catalog has nothing else.
	#[test]
	fn every_text_has_its_japanese() {
		let mut texts: Vec<String> = Vec::new();
		for source in crate::templates::sources() {
			texts.extend(literals(source, "t("));
		}
		for source in [
			include_str!("web.rs"),
			include_str!("intake.rs"),
			include_str!("pages.rs"),
			include_str!("account.rs"),
			include_str!("explorer.rs"),
			include_str!("issuer.rs"),
			include_str!("share.rs"),
			include_str!("recover.rs"),
			include_str!("sessions.rs"),
			include_str!("domain/error.rs"),
			include_str!("domain/chain.rs"),
			include_str!("domain/links.rs"),
		] {
			for opener in ["tr(", "tr_with(", "#[error(", "BadInput(", "NotFound("] {
				texts.extend(literals(source, opener));
			}
		}
		// E-mail subjects (the outbox's own errors are for the log only).
		texts.extend(literals(include_str!("outbox.rs"), "tr("));
		// Symbolic keys shown through `t(variable)`.
		texts.extend(EN.iter().map(|(k, _)| k.to_string()));
		texts.extend(
			[
				"active",
				"suspended",
				"pending",
				"received",
				"Receipt e-mail queued",
				"Registration e-mail queued",
			]
			.map(String::from),
		);
		texts.extend(
			[
				VerdictName::Valid,
				VerdictName::Revoked,
				VerdictName::Expired,
				VerdictName::IssuerSuspended,
				VerdictName::DesignMismatch,
				VerdictName::NotYetReceived,
				VerdictName::NotFound,
			]
			.map(|v| crate::pages::verdict_english(v).to_string()),
		);
		let ja: HashMap<&str, &str> = JA.iter().copied().collect();
		texts.retain(|t| t != "{0}");
		let missing: Vec<&String> = texts
			.iter()
			.filter(|t| !ja.contains_key(t.as_str()))
			.collect();
		assert!(missing.is_empty(), "no Japanese for: {missing:#?}");
		let unused: Vec<&str> = JA
			.iter()
			.map(|(en, _)| *en)
			.filter(|en| !texts.iter().any(|t| t == en))
			.collect();
		assert!(unused.is_empty(), "translations nothing uses: {unused:#?}");
		for (en, ja) in JA {
			for place in en
				.split('{')
				.skip(1)
				.filter_map(|p| p.split_once('}'))
				.map(|(p, _)| p)
			{
				assert!(
					ja.contains(&format!("{{{place}}}")),
					"{en}: {ja} lacks {{{place}}}"
				);
			}
		}
	}

	/// The string literals that directly follow `opener` in `source` (escaped quotes kept as
	/// `"`).
	fn literals(source: &str, opener: &str) -> Vec<String> {
		let mut out = Vec::new();
		let mut rest = source;
		while let Some(at) = rest.find(opener) {
			rest = &rest[at + opener.len()..];
			// rustfmt may put the literal on the next line.
			let Some(literal) = rest.trim_start().strip_prefix('"') else {
				continue;
			};
			let mut text = String::new();
			let mut chars = literal.chars();
			while let Some(c) = chars.next() {
				match c {
					'\\' => {
						if let Some(n) = chars.next() {
							text.push(n);
						}
					}
					'"' => break,
					c => text.push(c),
				}
			}
			out.push(text);
		}
		out
	}
}

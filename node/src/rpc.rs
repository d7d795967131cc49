//! JSON-RPC: the standard methods plus `badges_*`, thin JSON wrappers over the runtime's
//! [`BadgesApi`] for verifiers that do not speak SCALE.
//!
//! Every answer is the runtime's (the same code `state_call` runs), so the JSON and the runtime
//! API never disagree. `badges_verify` answers without entering the WASM executor when it can
//! prove the answer equal:
//! - when the block runs the runtime this node embeds, it computes the verdict natively with the
//!   runtime's own pure function over the same storage entries ([`crate::native_verify`]);
//! - it keeps the answers it computed in a bounded cache keyed by block hash: a block's state
//!   never changes, so a repeated question about the same badge at the same block is answered
//!   from memory.
//!
//! Otherwise, and for every answer with `--verify-path runtime`, it makes three runtime calls
//! (the verdict, the class's and the issuer's names; docs/decisions/native-verify.md).
//! The Prometheus counter `badges_verify_answers_total{source}` counts answers by
//! where they came from (`cache`, `native`, `runtime`).

use crate::native_verify::{Answer, NativeVerifier, VerifyCache};
use badge_rpc_types::{
	self as json, DisclosureName, IssuerStatusName, Page as PageJson, VerdictName,
};
use badge_runtime::{opaque::Block, AccountId, ClassInfo, IssuerInfo, Nonce};
use jsonrpsee::{
	core::RpcResult,
	proc_macros::rpc,
	types::{error::ErrorObjectOwned, ErrorObject},
	RpcModule,
};
use pallet_badges::{
	runtime_api::BadgesApi as BadgesRuntimeApi, AchievementType, ClassStatus, Criteria, Disclosure,
	IssuerStatus, Page, Verdict, Verification,
};
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};
use sp_core::H256;
use std::sync::Arc;
use substrate_prometheus_endpoint::{register, CounterVec, Opts, PrometheusError, Registry, U64};

/// Dependencies of the RPC methods.
pub struct FullDeps<C, P, B> {
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
	/// The database backend, read directly by `badges_verify`.
	pub backend: Arc<B>,
	/// `badges_verify`'s answer counter (see [`register_answer_counter`]), if metrics are on.
	pub verify_answers: Option<CounterVec<U64>>,
	/// `--verify-path`: whether `badges_verify` may answer natively and from memory.
	pub verify_path: crate::cli::VerifyPath,
	/// The trie cache `badges_verify` reads through (`--verify-cache-size`; `None` for none).
	pub verify_cache: Option<VerifyCache>,
}

/// The RPC module: `system_*` account nonce methods and `badges_*`.
pub fn create_full<C, P, B>(
	deps: FullDeps<C, P, B>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ HeaderMetadata<Block, Error = BlockChainError>
		+ Send
		+ Sync
		+ 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>,
	C::Api: BadgesRuntimeApi<Block, AccountId, IssuerInfo, ClassInfo>,
	C::Api: BlockBuilder<Block>,
	P: TransactionPool + 'static,
	B: sc_client_api::Backend<Block> + Send + Sync + 'static,
{
	use substrate_frame_rpc_system::{System, SystemApiServer};
	let mut module = RpcModule::new(());
	let FullDeps {
		client,
		pool,
		backend,
		verify_answers,
		verify_path,
		verify_cache,
	} = deps;
	module.merge(System::new(client.clone(), pool).into_rpc())?;
	let native = (verify_path == crate::cli::VerifyPath::Native)
		.then(|| NativeVerifier::new(backend, verify_cache));
	module.merge(Badges::new(client, native, verify_answers).into_rpc())?;
	Ok(module)
}

/// `badges_verify`'s answer, as every client reads it ([`badge_rpc_types`]).
pub type VerificationJson = json::Verification<AccountId>;
/// Public details of a badge in an answer.
pub type DetailsJson = json::Details<AccountId>;
/// `badges_issuer`'s answer.
pub type IssuerJson = json::Issuer<AccountId>;
/// `badges_class`'s answer.
pub type ClassJson = json::Class<AccountId>;

fn text(bytes: &[u8]) -> String {
	String::from_utf8_lossy(bytes).into_owned()
}

fn verdict_name(verdict: &Verdict) -> VerdictName {
	match verdict {
		Verdict::Valid => VerdictName::Valid,
		Verdict::NotFound => VerdictName::NotFound,
		Verdict::Revoked { .. } => VerdictName::Revoked,
		Verdict::IssuerSuspended => VerdictName::IssuerSuspended,
		Verdict::Expired { .. } => VerdictName::Expired,
		Verdict::DesignMismatch => VerdictName::DesignMismatch,
		Verdict::NotYetReceived => VerdictName::NotYetReceived,
	}
}

fn issuer_json(account: AccountId, issuer: IssuerInfo) -> IssuerJson {
	IssuerJson {
		account,
		name: text(&issuer.profile.name),
		url: text(&issuer.profile.url),
		contact: issuer.profile.contact.as_ref().map(|c| text(c)),
		status: match issuer.status {
			IssuerStatus::Active => IssuerStatusName::Active,
			IssuerStatus::Suspended => IssuerStatusName::Suspended,
		},
		registered_at: issuer.registered_at,
		classes: issuer.classes,
		issued: issuer.issued,
	}
}

fn class_json(id: u32, class: ClassInfo) -> ClassJson {
	let (criteria_url, criteria_digest) = match &class.criteria {
		Criteria::Url(url) => (Some(text(url)), None),
		Criteria::NarrativeDigest(digest) => (None, Some(H256(*digest))),
	};
	ClassJson {
		id,
		issuer: class.issuer,
		name: text(&class.name),
		description: text(&class.description),
		criteria_url,
		criteria_digest,
		achievement_type: achievement_type_name(class.achievement_type).into(),
		image_digest: H256(class.image_digest),
		retired: matches!(class.status, ClassStatus::Retired { .. }),
		created_at: class.created_at,
		issued: class.issued,
	}
}

fn achievement_type_name(t: AchievementType) -> &'static str {
	match t {
		AchievementType::Achievement => "Achievement",
		AchievementType::Award => "Award",
		AchievementType::Badge => "Badge",
		AchievementType::Certificate => "Certificate",
		AchievementType::CertificateOfCompletion => "CertificateOfCompletion",
		AchievementType::Competency => "Competency",
		AchievementType::Course => "Course",
		AchievementType::License => "License",
		AchievementType::Membership => "Membership",
		AchievementType::MicroCredential => "MicroCredential",
	}
}

fn page_json(page: Page<H256>) -> PageJson {
	json::Page {
		items: page.items,
		next: page.next,
	}
}

/// Default page size of the listing methods.
const DEFAULT_LIMIT: u32 = 100;

/// Badge verification and listings over JSON-RPC.
#[rpc(server)]
pub trait BadgesRpc {
	/// Verify a badge by id (`0x`-prefixed 32-byte hex), optionally with the blake2-256 digest
	/// of a presented image, at the latest finalized block or at `at`.
	#[method(name = "badges_verify")]
	fn verify(
		&self,
		badge: H256,
		image_digest: Option<H256>,
		at: Option<H256>,
	) -> RpcResult<VerificationJson>;

	/// Verify up to [`MAX_VERIFY_MANY`] badges at once, all at the latest finalized block or at
	/// `at`: the answers of `badges_verify` (without an image digest), in order.
	#[method(name = "badges_verifyMany")]
	fn verify_many(&self, badges: Vec<H256>, at: Option<H256>) -> RpcResult<Vec<VerificationJson>>;

	/// Whether the chain holds a badge under each of up to [`MAX_VERIFY_MANY`] ids, in order,
	/// at the latest finalized block or at `at`: one state read per id, without a verdict (a
	/// revoked or expired badge exists). For tools that must not issue a badge twice.
	#[method(name = "badges_exist")]
	fn exist(&self, badges: Vec<H256>, at: Option<H256>) -> RpcResult<Vec<bool>>;

	/// Public badges of a holder (SS58 account), a page at a time.
	#[method(name = "badges_listByHolder")]
	fn list_by_holder(
		&self,
		holder: AccountId,
		start_after: Option<H256>,
		limit: Option<u32>,
		at: Option<H256>,
	) -> RpcResult<PageJson>;

	/// Public badges of a class, a page at a time. The listing skips private badges, reading
	/// a bounded stretch per call: a page may be short, even empty, and still have a `next`.
	#[method(name = "badges_listByClass")]
	fn list_by_class(
		&self,
		class: u32,
		start_after: Option<H256>,
		limit: Option<u32>,
		at: Option<H256>,
	) -> RpcResult<PageJson>;

	/// Public badges of an issuer, a page at a time (short pages as in `badges_listByClass`).
	#[method(name = "badges_listByIssuer")]
	fn list_by_issuer(
		&self,
		issuer: AccountId,
		start_after: Option<H256>,
		limit: Option<u32>,
		at: Option<H256>,
	) -> RpcResult<PageJson>;

	/// An issuer's public profile and status, or `null`.
	#[method(name = "badges_issuer")]
	fn issuer(&self, account: AccountId, at: Option<H256>) -> RpcResult<Option<IssuerJson>>;

	/// A badge class, or `null`.
	#[method(name = "badges_class")]
	fn class(&self, class: u32, at: Option<H256>) -> RpcResult<Option<ClassJson>>;
}

/// Badges one `badges_verifyMany` or `badges_exist` call may ask about.
pub const MAX_VERIFY_MANY: usize = 1_000;

/// The error code of a `badges_verifyMany` or `badges_exist` call asking about too many
/// badges.
const TOO_MANY: i32 = 2;

/// Verdicts cached by `badges_verify`.
pub const VERDICT_CACHE: u32 = 16_384;

/// What identifies a verdict: the block it was computed at, the badge, the presented image's
/// digest.
type VerdictKey = (H256, H256, Option<H256>);

/// Register `badges_verify`'s answer counter, `badges_verify_answers_total{source}`,
/// once per node (the RPC module is built more than once).
pub fn register_answer_counter(registry: &Registry) -> Result<CounterVec<U64>, PrometheusError> {
	register(
		CounterVec::new(
			Opts::new(
				"badges_verify_answers_total",
				"badges_verify answers by source: cache, native or runtime",
			),
			&["source"],
		)?,
		registry,
	)
}

/// Implementation of [`BadgesRpcServer`] over the runtime API and the node's database.
pub struct Badges<C, B> {
	client: Arc<C>,
	/// The native path, remembering its answers in `verdicts`; `None` asks the runtime every
	/// time (`--verify-path runtime`).
	native: Option<NativeVerifier<B>>,
	verdicts: std::sync::Mutex<schnellru::LruMap<VerdictKey, VerificationJson>>,
	answers: Option<CounterVec<U64>>,
}

impl<C, B: sc_client_api::Backend<Block>> Badges<C, B> {
	/// Wrap a client and, if given, the native path; count answers in `answers`, if given.
	pub fn new(
		client: Arc<C>,
		native: Option<NativeVerifier<B>>,
		answers: Option<CounterVec<U64>>,
	) -> Self {
		Self {
			client,
			native,
			verdicts: std::sync::Mutex::new(schnellru::LruMap::new(schnellru::ByLength::new(
				VERDICT_CACHE,
			))),
			answers,
		}
	}

	fn count(&self, source: &str) {
		if let Some(answers) = &self.answers {
			answers.with_label_values(&[source]).inc();
		}
	}
}

/// [`TOO_MANY`] when `badges` is longer than [`MAX_VERIFY_MANY`].
fn not_too_many(badges: &[H256]) -> RpcResult<()> {
	if badges.len() > MAX_VERIFY_MANY {
		return Err(ErrorObject::owned(
			TOO_MANY,
			"Too many badges",
			Some(format!(
				"{} badges asked about; at most {MAX_VERIFY_MANY} per call",
				badges.len()
			)),
		));
	}
	Ok(())
}

/// JSON-RPC error code when the runtime API call fails (e.g. unknown block).
const RUNTIME_ERROR: i32 = 1;

fn runtime_error(e: impl std::fmt::Display) -> ErrorObjectOwned {
	ErrorObject::owned(
		RUNTIME_ERROR,
		"Runtime API call failed",
		Some(e.to_string()),
	)
}

impl<C, B> Badges<C, B>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: BadgesRuntimeApi<Block, AccountId, IssuerInfo, ClassInfo>,
	B: sc_client_api::Backend<Block>,
{
	/// The block to answer at: `at`, else the latest finalized block (a verifier must not trust
	/// a block that may still be reverted).
	fn at(&self, at: Option<H256>) -> H256 {
		at.unwrap_or_else(|| self.client.info().finalized_hash)
	}

	/// The verdict on `badge` at `block` with the class and issuer records, from the runtime.
	fn runtime_verdict(
		&self,
		block: H256,
		badge: H256,
		image_digest: Option<H256>,
	) -> RpcResult<Answer> {
		let api = self.client.runtime_api();
		let verification = api
			.verify(block, badge, image_digest.map(|d| d.0))
			.map_err(runtime_error)?;
		let (class, issuer) = match &verification.details {
			Some(d) => (
				api.class(block, d.class).map_err(runtime_error)?,
				api.issuer(block, d.issuer.clone()).map_err(runtime_error)?,
			),
			None => (None, None),
		};
		Ok((verification, class, issuer))
	}
}

/// A verdict in JSON, naming the class and the issuer from their records.
fn verification_json(
	block: H256,
	badge: H256,
	(verification, class, issuer): Answer,
) -> VerificationJson {
	let Verification {
		verdict,
		details,
		checked_at,
	} = verification;
	let details = details.map(|d| DetailsJson {
		class: d.class,
		class_name: class.map(|c| text(&c.name)).unwrap_or_default(),
		issuer: d.issuer,
		issuer_name: issuer.map(|i| text(&i.profile.name)).unwrap_or_default(),
		image_digest: H256(d.image_digest),
		issued_at: d.issued_at,
		expires_at: d.expires_at,
		evidence: d.evidence.map(H256),
		holder: d.holder,
		disclosure: match d.disclosure {
			Disclosure::Public => DisclosureName::Public,
			Disclosure::Private => DisclosureName::Private,
		},
	});
	let (revocation, expired_at) = match verdict {
		Verdict::Revoked {
			at,
			reason,
			reason_digest,
		} => (
			Some(json::Revocation {
				at,
				reason: format!("{reason:?}"),
				reason_digest: reason_digest.map(H256),
			}),
			None,
		),
		Verdict::Expired { at } => (None, Some(at)),
		_ => (None, None),
	};
	VerificationJson {
		badge,
		verdict: verdict_name(&verdict),
		valid: verdict == Verdict::Valid,
		revocation,
		expired_at,
		details,
		checked_at,
		block,
	}
}

impl<C, B> BadgesRpcServer for Badges<C, B>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: BadgesRuntimeApi<Block, AccountId, IssuerInfo, ClassInfo>,
	B: sc_client_api::Backend<Block> + Send + Sync + 'static,
{
	fn verify(
		&self,
		badge: H256,
		image_digest: Option<H256>,
		at: Option<H256>,
	) -> RpcResult<VerificationJson> {
		let block = self.at(at);
		let Some(native) = &self.native else {
			self.count("runtime");
			let answer = self.runtime_verdict(block, badge, image_digest)?;
			return Ok(verification_json(block, badge, answer));
		};
		let key = (block, badge, image_digest);
		if let Some(cached) = self
			.verdicts
			.lock()
			.unwrap_or_else(|p| p.into_inner())
			.get(&key)
		{
			self.count("cache");
			return Ok(cached.clone());
		}
		let answer = match native
			.verify(block, badge, image_digest.map(|d| d.0))
			.map_err(runtime_error)?
		{
			Some(answer) => {
				self.count("native");
				answer
			}
			None => {
				self.count("runtime");
				self.runtime_verdict(block, badge, image_digest)?
			}
		};
		let answer = verification_json(block, badge, answer);
		self.verdicts
			.lock()
			.unwrap_or_else(|p| p.into_inner())
			.insert(key, answer.clone());
		Ok(answer)
	}

	fn verify_many(&self, badges: Vec<H256>, at: Option<H256>) -> RpcResult<Vec<VerificationJson>> {
		not_too_many(&badges)?;
		let block = self.at(at);
		badges
			.into_iter()
			.map(|badge| self.verify(badge, None, Some(block)))
			.collect()
	}

	fn exist(&self, badges: Vec<H256>, at: Option<H256>) -> RpcResult<Vec<bool>> {
		not_too_many(&badges)?;
		let block = self.at(at);
		if let Some(native) = &self.native {
			if let Some(held) = native.exist(block, &badges).map_err(runtime_error)? {
				return Ok(held);
			}
		}
		// Another runtime than this node's, or `--verify-path runtime`: the runtime's verdict
		// says whether it holds the record.
		let api = self.client.runtime_api();
		badges
			.into_iter()
			.map(|badge| {
				let verification = api.verify(block, badge, None).map_err(runtime_error)?;
				Ok(verification.verdict != Verdict::NotFound)
			})
			.collect()
	}

	fn list_by_holder(
		&self,
		holder: AccountId,
		start_after: Option<H256>,
		limit: Option<u32>,
		at: Option<H256>,
	) -> RpcResult<PageJson> {
		self.client
			.runtime_api()
			.badges_by_holder(
				self.at(at),
				holder,
				start_after,
				limit.unwrap_or(DEFAULT_LIMIT),
			)
			.map(page_json)
			.map_err(runtime_error)
	}

	fn list_by_class(
		&self,
		class: u32,
		start_after: Option<H256>,
		limit: Option<u32>,
		at: Option<H256>,
	) -> RpcResult<PageJson> {
		self.client
			.runtime_api()
			.badges_by_class(
				self.at(at),
				class,
				start_after,
				limit.unwrap_or(DEFAULT_LIMIT),
			)
			.map(page_json)
			.map_err(runtime_error)
	}

	fn list_by_issuer(
		&self,
		issuer: AccountId,
		start_after: Option<H256>,
		limit: Option<u32>,
		at: Option<H256>,
	) -> RpcResult<PageJson> {
		self.client
			.runtime_api()
			.badges_by_issuer(
				self.at(at),
				issuer,
				start_after,
				limit.unwrap_or(DEFAULT_LIMIT),
			)
			.map(page_json)
			.map_err(runtime_error)
	}

	fn issuer(&self, account: AccountId, at: Option<H256>) -> RpcResult<Option<IssuerJson>> {
		let issuer = self
			.client
			.runtime_api()
			.issuer(self.at(at), account.clone())
			.map_err(runtime_error)?;
		Ok(issuer.map(|i| issuer_json(account, i)))
	}

	fn class(&self, class: u32, at: Option<H256>) -> RpcResult<Option<ClassJson>> {
		let details = self
			.client
			.runtime_api()
			.class(self.at(at), class)
			.map_err(runtime_error)?;
		Ok(details.map(|c| class_json(class, c)))
	}
}

//! `badge`: the command line for issuers and verifiers of the Open Badge chain.

mod bulk;
mod config;
mod council;
mod credential;
mod keys;
mod qr;

use badge_credential::dates;

use badge_client::{
	account_of, badge_spec, crypto, AccountId32, AchievementType, BadgeClient, ClassSpec,
	Error as ClientError, Profile, RevocationReason, Verdict, Wait, H256,
};
use clap::{Args, Parser, Subcommand, ValueEnum};
use serde_json::json;
use std::{path::PathBuf, process::ExitCode, str::FromStr, time::Duration};

/// Exit codes, as documented in `--help`.
mod exit {
	pub const OK: u8 = 0;
	pub const NOT_VALID: u8 = 1;
	pub const INPUT: u8 = 3;
	pub const REJECTED: u8 = 4;
	pub const NODE: u8 = 5;
	/// Stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it).
	pub const INTERRUPTED: u8 = 130;
}

/// What can go wrong, each with its exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
	/// Bad input: a file, a flag, a CSV row.
	#[error("{0}")]
	Input(String),
	/// The chain refused the call.
	#[error("{0}")]
	Rejected(String),
	/// The node is unreachable, or did not answer in time.
	#[error("{0}")]
	Node(String),
}

impl CliError {
	fn code(&self) -> u8 {
		match self {
			CliError::Input(_) => exit::INPUT,
			CliError::Rejected(_) => exit::REJECTED,
			CliError::Node(_) => exit::NODE,
		}
	}
}

impl From<dates::DateError> for CliError {
	fn from(e: dates::DateError) -> Self {
		CliError::Input(e.to_string())
	}
}

impl From<ClientError> for CliError {
	fn from(e: ClientError) -> Self {
		match e {
			ClientError::Rejected { .. }
			| ClientError::Invalid(_)
			| ClientError::Dropped(_)
			| ClientError::MotionFailed { .. }
			| ClientError::MotionOpen { .. } => CliError::Rejected(e.to_string()),
			ClientError::InvalidInput(m) => CliError::Input(m),
			other => CliError::Node(other.to_string()),
		}
	}
}

const AFTER_HELP: &str = "\
Configuration: flags win over environment variables, which win over the config file
(--config, $BADGE_CONFIG, or ~/.config/badge/config.toml with keys url, key_file, base_url).
The signing key (sr25519) comes from --key-file, $BADGE_KEY or key_file: a secret URI
(//Alice), a mnemonic or a 0x seed. It is never printed.

Exit codes: 0 success (for `verify`: the badge is valid), 1 the badge is not valid,
2 usage error, 3 bad input, 4 the chain refused the call, 5 node unreachable or timed out.

Examples:
  badge class create --file class.toml --image badge.png
  badge issue --class 0 --email applicant@example.jp --expires 2028-03-31
  badge bulk --class 0 --csv applicants.csv --results issued.csv
  badge verify 0x5f3a...e1 --image badge.png
  badge verify qr-photo.png
  badge qr 0x5f3a...e1 --out badge-qr.svg --base-url https://badges.example.jp";

/// Issue, revoke, list and verify Open Badges on the Open Badge chain.
#[derive(Parser, Debug)]
#[command(name = "badge", version, about, after_help = AFTER_HELP)]
struct Cli {
	#[command(flatten)]
	global: Global,
	#[command(subcommand)]
	command: Command,
}

#[derive(Args, Debug)]
struct Global {
	/// Node RPC URL (ws:// or http://).
	#[arg(long, env = "BADGE_NODE_URL", global = true)]
	url: Option<String>,
	/// Config file.
	#[arg(long, env = "BADGE_CONFIG", global = true)]
	config: Option<PathBuf>,
	/// File holding the signing key (secret URI, mnemonic or 0x seed).
	#[arg(long, global = true)]
	key_file: Option<PathBuf>,
	/// Print JSON for scripts instead of text.
	#[arg(long, global = true)]
	json: bool,
	/// Return once transactions are in a block instead of waiting for finality.
	#[arg(long, global = true)]
	no_wait_finality: bool,
	/// Seconds to wait for a transaction before giving up.
	#[arg(long, default_value_t = 120, global = true)]
	timeout: u64,
}

#[derive(Subcommand, Debug)]
enum Command {
	/// Print the account of the signing key.
	Account,
	/// Issuer profiles (register, suspend and reinstate are council motions: a member's key).
	#[command(subcommand)]
	Issuer(IssuerCmd),
	/// Badge classes (achievements).
	#[command(subcommand)]
	Class(ClassCmd),
	/// Issue one badge to an e-mail address (hashed with a salt; never sent to the chain).
	Issue(IssueArgs),
	/// Issue badges to every row of a CSV file (email, expires, evidence_url), in batches of the
	/// chain's maximum size; re-running the same file never issues a badge twice.
	Bulk(bulk::BulkArgs),
	/// Revoke a badge you issued (with --admin, a council member proposes revoking any badge).
	Revoke(RevokeArgs),
	/// List public badges by issuer, class or holder.
	List(ListArgs),
	/// Verify a badge by id, disclosure-page URL or QR code image; exit 0 only if valid.
	Verify(VerifyArgs),
	/// Write the QR code leading to a badge's disclosure and verification page (SVG or PNG).
	Qr(qr::QrArgs),
	/// Export a badge as a signed Open Badges 3.0 credential (eddsa-rdfc-2022), optionally baked
	/// into the badge image.
	Credential(credential::CredentialArgs),
	/// Embed a credential (JSON or compact JWS) in a badge image (PNG or SVG).
	Bake(BakeArgs),
	/// Print the credential baked into a badge image.
	Extract(ExtractArgs),
	/// Council members and motions: vote on and close motions (members' keys).
	#[command(subcommand)]
	Council(council::CouncilCmd),
	/// The validator set: list, propose adding or removing one, set your session keys.
	#[command(subcommand)]
	Validator(council::ValidatorCmd),
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ObVersion {
	/// Open Badges 3.0 (`openbadgecredential`).
	V3,
	/// Open Badges 2.0 (`openbadges`).
	V2,
}

impl From<ObVersion> for badge_client::baking::Version {
	fn from(v: ObVersion) -> Self {
		match v {
			ObVersion::V3 => Self::V3,
			ObVersion::V2 => Self::V2,
		}
	}
}

#[derive(Args, Debug)]
struct BakeArgs {
	/// The badge image (PNG or SVG).
	#[arg(long)]
	image: PathBuf,
	/// The credential file to embed.
	#[arg(long)]
	credential: PathBuf,
	/// Where to write the baked image (same format as the input).
	#[arg(long)]
	out: PathBuf,
	/// Open Badges version of the credential.
	#[arg(long, value_enum, default_value_t = ObVersion::V3)]
	ob: ObVersion,
}

#[derive(Args, Debug)]
struct ExtractArgs {
	/// A baked badge image (PNG or SVG).
	image: PathBuf,
	/// Open Badges version to look for.
	#[arg(long, value_enum, default_value_t = ObVersion::V3)]
	ob: ObVersion,
}

#[derive(Subcommand, Debug)]
enum IssuerCmd {
	/// Show an issuer (default: the signing key's account).
	Show {
		/// Issuer account (SS58).
		account: Option<String>,
	},
	/// Register an issuer (admin key).
	Register {
		/// Issuer account (SS58).
		account: String,
		/// Organisation name.
		#[arg(long)]
		name: String,
		/// Home page URL.
		#[arg(long)]
		url_home: String,
		/// Organisational contact (role address or form URL).
		#[arg(long)]
		contact: Option<String>,
	},
	/// Replace the signing issuer's own public profile.
	Update {
		/// Organisation name.
		#[arg(long)]
		name: String,
		/// Home page URL.
		#[arg(long)]
		url_home: String,
		/// Organisational contact (role address or form URL).
		#[arg(long)]
		contact: Option<String>,
	},
	/// Suspend an issuer (admin key).
	Suspend {
		/// Issuer account (SS58).
		account: String,
	},
	/// Reinstate a suspended issuer (admin key).
	Reinstate {
		/// Issuer account (SS58).
		account: String,
	},
	/// The keys that sign your credentials, published on chain: list, add, rotate, revoke.
	#[command(subcommand)]
	Key(keys::KeyCmd),
}

#[derive(Subcommand, Debug)]
enum ClassCmd {
	/// Create a class from a TOML or JSON description and the badge image, whose digest pins
	/// the design.
	Create {
		/// Description file: name, description, achievement_type, and criteria_url or
		/// criteria_narrative.
		#[arg(long)]
		file: PathBuf,
		/// The exact badge image (PNG or SVG).
		#[arg(long)]
		image: PathBuf,
	},
	/// Show a class.
	Show {
		/// Class id.
		class: u32,
	},
	/// Retire a class: no new badges; existing ones stay valid.
	Retire {
		/// Class id.
		class: u32,
	},
}

#[derive(Args, Debug)]
struct IssueArgs {
	/// Class id.
	#[arg(long)]
	class: u32,
	/// Recipient e-mail address.
	#[arg(long)]
	email: String,
	/// Expiry (YYYY-MM-DD, or RFC 3339 in UTC).
	#[arg(long)]
	expires: Option<String>,
	/// Evidence URL (its SHA-256 goes on chain).
	#[arg(long)]
	evidence_url: Option<String>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Reason {
	Unspecified,
	IssuedInError,
	NoLongerEligible,
	RecipientRequest,
	Misconduct,
	Superseded,
	Other,
}

impl From<Reason> for RevocationReason {
	fn from(r: Reason) -> Self {
		match r {
			Reason::Unspecified => RevocationReason::Unspecified,
			Reason::IssuedInError => RevocationReason::IssuedInError,
			Reason::NoLongerEligible => RevocationReason::NoLongerEligible,
			Reason::RecipientRequest => RevocationReason::RecipientRequest,
			Reason::Misconduct => RevocationReason::Misconduct,
			Reason::Superseded => RevocationReason::Superseded,
			Reason::Other => RevocationReason::Other,
		}
	}
}

#[derive(Args, Debug)]
struct RevokeArgs {
	/// Badge id (0x + 64 hex digits).
	badge: String,
	/// Reason code.
	#[arg(long, value_enum, default_value_t = Reason::Unspecified)]
	reason: Reason,
	/// A longer reason kept off chain; its SHA-256 goes on chain.
	#[arg(long)]
	reason_text: Option<String>,
	/// Revoke as the admin origin (sudo), for any issuer's badge.
	#[arg(long)]
	admin: bool,
}

#[derive(Args, Debug)]
#[group(required = true, multiple = false)]
struct ListArgs {
	/// Badges of this issuer (SS58).
	#[arg(long)]
	issuer: Option<String>,
	/// Badges of this class.
	#[arg(long)]
	class: Option<u32>,
	/// Badges of this holder (SS58).
	#[arg(long)]
	holder: Option<String>,
}

#[derive(Args, Debug)]
struct VerifyArgs {
	/// A badge id, a disclosure-page URL, or a PNG/JPEG image of its QR code.
	target: String,
	/// The badge image shown to you: checked against the class's pinned design.
	#[arg(long)]
	image: Option<PathBuf>,
	/// The recipient's e-mail address: a credential must have been issued to it.
	#[arg(long)]
	email: Option<String>,
}

/// Everything a command needs.
struct Ctx {
	global: Global,
	config: config::ConfigFile,
}

impl Ctx {
	fn url(&self) -> String {
		self.global
			.url
			.clone()
			.or_else(|| self.config.url.clone())
			.unwrap_or_else(|| config::DEFAULT_URL.to_string())
	}

	fn base_url(&self) -> String {
		self.config
			.base_url
			.clone()
			.unwrap_or_else(|| config::DEFAULT_BASE_URL.to_string())
	}

	/// The account given, or the signing key's own.
	fn account_or_own(&self, account: Option<String>) -> Result<AccountId32, CliError> {
		match account {
			Some(a) => parse_account(&a),
			None => Ok(account_of(&self.key()?.pair)),
		}
	}

	fn wait(&self) -> Wait {
		if self.global.no_wait_finality {
			Wait::InBlock
		} else {
			Wait::Finalized
		}
	}

	fn key(&self) -> Result<config::SigningKey, CliError> {
		let env = std::env::var("BADGE_KEY").ok();
		config::signing_key(
			self.global.key_file.as_deref(),
			env.as_deref(),
			&self.config,
		)
	}

	async fn client(&self) -> Result<BadgeClient, CliError> {
		Ok(BadgeClient::connect(&self.url())
			.await?
			.with_timeout(Duration::from_secs(self.global.timeout)))
	}

	/// Print `value` as JSON, or `text` for people.
	fn print(&self, value: serde_json::Value, text: impl FnOnce() -> String) {
		if self.global.json {
			println!("{value}");
		} else {
			println!("{}", text());
		}
	}
}

fn parse_account(s: &str) -> Result<AccountId32, CliError> {
	AccountId32::from_str(s.trim())
		.map_err(|_| CliError::Input(format!("`{s}` is not an SS58 account address")))
}

fn parse_badge_id(s: &str) -> Result<H256, CliError> {
	let hex_part = s.trim().trim_start_matches("0x");
	let bytes = hex::decode(hex_part)
		.map_err(|_| CliError::Input(format!("`{s}` is not a badge id (0x + 64 hex digits)")))?;
	let bytes: [u8; 32] = bytes
		.try_into()
		.map_err(|_| CliError::Input(format!("`{s}` is not a badge id (0x + 64 hex digits)")))?;
	Ok(H256(bytes))
}

fn sha256(text: &str) -> [u8; 32] {
	sp_crypto_hashing::sha2_256(text.as_bytes())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
	let cli = Cli::parse();
	let config = match config::ConfigFile::load(cli.global.config.as_deref()) {
		Ok(c) => c,
		Err(e) => {
			eprintln!("error: {e}");
			return ExitCode::from(e.code());
		}
	};
	let ctx = Ctx {
		global: cli.global,
		config,
	};
	match run(&ctx, cli.command).await {
		Ok(code) => ExitCode::from(code),
		Err(e) => {
			if ctx.global.json {
				println!(
					"{}",
					json!({ "error": e.to_string(), "exitCode": e.code() })
				);
			}
			eprintln!("error: {e}");
			ExitCode::from(e.code())
		}
	}
}

async fn run(ctx: &Ctx, command: Command) -> Result<u8, CliError> {
	match command {
		Command::Account => {
			let key = ctx.key()?;
			let account = account_of(&key.pair);
			ctx.print(json!({ "account": account.to_string() }), || {
				account.to_string()
			});
			Ok(exit::OK)
		}
		Command::Issuer(cmd) => issuer(ctx, cmd).await,
		Command::Class(cmd) => class(ctx, cmd).await,
		Command::Issue(args) => issue(ctx, args).await,
		Command::Bulk(args) => bulk::run(ctx, args).await,
		Command::Revoke(args) => revoke(ctx, args).await,
		Command::List(args) => list(ctx, args).await,
		Command::Verify(args) => verify(ctx, args).await,
		Command::Qr(args) => qr::run(ctx, args),
		Command::Credential(args) => credential::export(ctx, args).await,
		Command::Bake(args) => bake(ctx, args),
		Command::Extract(args) => extract(args),
		Command::Council(cmd) => council::council(ctx, cmd).await,
		Command::Validator(cmd) => council::validator(ctx, cmd).await,
	}
}

async fn issuer(ctx: &Ctx, cmd: IssuerCmd) -> Result<u8, CliError> {
	let client = ctx.client().await?;
	match cmd {
		IssuerCmd::Key(cmd) => keys::run(ctx, &client, cmd).await,
		IssuerCmd::Show { account } => {
			let account = ctx.account_or_own(account)?;
			let found = client
				.rpc_call(
					"badges_issuer",
					badge_client::subxt::rpcs::rpc_params![account.to_string()],
				)
				.await?;
			if found.is_null() {
				return Err(CliError::Input(format!(
					"{account} is not a registered issuer"
				)));
			}
			ctx.print(found.clone(), || {
				format!(
					"{}\n  account:  {}\n  url:      {}\n  status:   {}\n  classes:  {}\n  issued:   {}",
					found["name"].as_str().unwrap_or_default(),
					account,
					found["url"].as_str().unwrap_or_default(),
					found["status"].as_str().unwrap_or_default(),
					found["classes"],
					found["issued"],
				)
			});
			Ok(exit::OK)
		}
		IssuerCmd::Register {
			account,
			name,
			url_home,
			contact,
		} => {
			let account = parse_account(&account)?;
			let profile = Profile {
				name,
				url: url_home,
				contact,
			};
			let governed = client
				.register_issuer(&ctx.key()?.pair, &account, &profile, ctx.wait())
				.await?;
			report_governed(
				ctx,
				governed,
				json!({ "registered": account.to_string() }),
				|| format!("registered issuer {account}"),
			);
			Ok(exit::OK)
		}
		IssuerCmd::Update {
			name,
			url_home,
			contact,
		} => {
			let profile = Profile {
				name,
				url: url_home,
				contact,
			};
			client
				.update_issuer_profile(&ctx.key()?.pair, &profile, ctx.wait())
				.await?;
			ctx.print(json!({ "updated": profile.name }), || {
				"profile updated".to_string()
			});
			Ok(exit::OK)
		}
		IssuerCmd::Suspend { account } => {
			let account = parse_account(&account)?;
			let governed = client
				.suspend_issuer(&ctx.key()?.pair, &account, ctx.wait())
				.await?;
			report_governed(
				ctx,
				governed,
				json!({ "suspended": account.to_string() }),
				|| format!("suspended {account}"),
			);
			Ok(exit::OK)
		}
		IssuerCmd::Reinstate { account } => {
			let account = parse_account(&account)?;
			let governed = client
				.reinstate_issuer(&ctx.key()?.pair, &account, ctx.wait())
				.await?;
			report_governed(
				ctx,
				governed,
				json!({ "reinstated": account.to_string() }),
				|| format!("reinstated {account}"),
			);
			Ok(exit::OK)
		}
	}
}

/// A class description file.
#[derive(serde::Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct ClassFile {
	name: String,
	description: String,
	#[serde(default)]
	criteria_url: Option<String>,
	#[serde(default)]
	criteria_narrative: Option<String>,
	#[serde(default = "default_type")]
	achievement_type: String,
}

fn default_type() -> String {
	"Badge".into()
}

fn achievement_type(name: &str) -> Result<AchievementType, CliError> {
	Ok(match name {
		"Achievement" => AchievementType::Achievement,
		"Award" => AchievementType::Award,
		"Badge" => AchievementType::Badge,
		"Certificate" => AchievementType::Certificate,
		"CertificateOfCompletion" => AchievementType::CertificateOfCompletion,
		"Competency" => AchievementType::Competency,
		"Course" => AchievementType::Course,
		"License" => AchievementType::License,
		"Membership" => AchievementType::Membership,
		"MicroCredential" => AchievementType::MicroCredential,
		other => {
			return Err(CliError::Input(format!(
				"unknown achievement_type `{other}`"
			)))
		}
	})
}

fn read_class_file(path: &std::path::Path) -> Result<ClassFile, CliError> {
	let text = std::fs::read_to_string(path)
		.map_err(|e| CliError::Input(format!("cannot read {}: {e}", path.display())))?;
	let parsed = if path.extension().is_some_and(|e| e == "json") {
		serde_json::from_str(&text).map_err(|e| e.to_string())
	} else {
		toml::from_str(&text).map_err(|e| e.to_string())
	};
	parsed.map_err(|e| CliError::Input(format!("{}: {e}", path.display())))
}

async fn class(ctx: &Ctx, cmd: ClassCmd) -> Result<u8, CliError> {
	let client = ctx.client().await?;
	match cmd {
		ClassCmd::Create { file, image } => {
			let desc = read_class_file(&file)?;
			let image_bytes = std::fs::read(&image)
				.map_err(|e| CliError::Input(format!("cannot read {}: {e}", image.display())))?;
			let criteria = match (&desc.criteria_url, &desc.criteria_narrative) {
				(Some(url), None) => badge_client::criteria_url(url),
				(None, Some(text)) => badge_client::Criteria::NarrativeDigest(sha256(text)),
				_ => {
					return Err(CliError::Input(
						"give exactly one of criteria_url and criteria_narrative".into(),
					))
				}
			};
			let spec = ClassSpec {
				name: desc.name.clone(),
				description: desc.description,
				criteria,
				achievement_type: achievement_type(&desc.achievement_type)?,
				image_digest: crypto::image_digest(&image_bytes),
			};
			let id = client
				.create_class(&ctx.key()?.pair, &spec, ctx.wait())
				.await?;
			let digest = format!("0x{}", hex::encode(spec.image_digest));
			ctx.print(
				json!({ "class": id, "name": desc.name, "imageDigest": digest }),
				|| format!("created class {id} ({}), image digest {digest}", desc.name),
			);
			Ok(exit::OK)
		}
		ClassCmd::Show { class } => {
			let found = client
				.rpc_call(
					"badges_class",
					badge_client::subxt::rpcs::rpc_params![class],
				)
				.await?;
			if found.is_null() {
				return Err(CliError::Input(format!("no class {class}")));
			}
			ctx.print(found.clone(), || {
				format!(
					"{} (class {class})\n  issuer:   {}\n  type:     {}\n  image:    {}\n  retired:  {}\n  issued:   {}\n  {}",
					found["name"].as_str().unwrap_or_default(),
					found["issuer"].as_str().unwrap_or_default(),
					found["achievementType"].as_str().unwrap_or_default(),
					found["imageDigest"].as_str().unwrap_or_default(),
					found["retired"],
					found["issued"],
					found["description"].as_str().unwrap_or_default(),
				)
			});
			Ok(exit::OK)
		}
		ClassCmd::Retire { class } => {
			client
				.retire_class(&ctx.key()?.pair, class, ctx.wait())
				.await?;
			ctx.print(json!({ "retired": class }), || {
				format!("retired class {class}")
			});
			Ok(exit::OK)
		}
	}
}

/// Salt, claim key and commitment for one recipient, derived from the issuer's key so that the
/// same input always gives the same badge (and a re-run finds it on chain).
pub struct Recipient {
	/// Salt (hex, 32 digits).
	pub salt: String,
	/// Claim key.
	pub claim: crypto::ClaimKey,
	/// Commitment stored on chain.
	pub commitment: H256,
}

/// Derive the recipient material for `email` in `class`.
pub fn recipient(key: &config::SigningKey, class: u32, email: &str) -> Recipient {
	let seeds = recipient_seeds(key, class, email);
	Recipient {
		claim: crypto::ClaimKey::from_seed(seeds.claim_seed),
		salt: seeds.salt,
		commitment: seeds.commitment,
	}
}

/// A [`Recipient`] short of its claim key pair: enough to name the badge and write down its
/// claim secret. Cheap (three hashes); the pair's public key costs a scalar multiplication.
pub struct RecipientSeeds {
	/// Salt (hex, 32 digits).
	pub salt: String,
	/// The claim key's seed ([`crypto::ClaimKey::from_seed`]).
	pub claim_seed: [u8; 32],
	/// Commitment stored on chain.
	pub commitment: H256,
}

/// Derive [`RecipientSeeds`] for `email` in `class` (what [`recipient`] derives).
pub fn recipient_seeds(key: &config::SigningKey, class: u32, email: &str) -> RecipientSeeds {
	let normalized = email.trim().to_lowercase();
	let mut context = class.to_le_bytes().to_vec();
	context.extend_from_slice(normalized.as_bytes());
	let salt_bytes = key.derive(&[b"salt".as_slice(), &context].concat());
	let salt = hex::encode(&salt_bytes[..16]);
	let claim_seed = key.derive(&[b"claim".as_slice(), &context].concat());
	let commitment = crypto::recipient_commitment(&normalized, &salt);
	RecipientSeeds {
		salt,
		claim_seed,
		commitment,
	}
}

/// The on-chain commitment and the OB `identityHash` of an e-mail address and salt.
pub fn recipient_identity(email: &str, salt: &str) -> (H256, String) {
	let commitment = crypto::recipient_commitment(email, salt);
	(commitment, format!("sha256${}", hex::encode(commitment.0)))
}

/// Whether `email` looks like an e-mail address (one `@`, text on both sides, no blanks).
pub fn valid_email(email: &str) -> bool {
	let email = email.trim();
	let mut parts = email.split('@');
	matches!((parts.next(), parts.next(), parts.next()), (Some(l), Some(d), None)
		if !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.'))
		&& !email.contains(char::is_whitespace)
}

async fn issue(ctx: &Ctx, args: IssueArgs) -> Result<u8, CliError> {
	if !valid_email(&args.email) {
		return Err(CliError::Input(format!(
			"`{}` is not an e-mail address",
			args.email
		)));
	}
	let expires = args
		.expires
		.as_deref()
		.map(dates::parse_millis)
		.transpose()?;
	let key = ctx.key()?;
	let client = ctx.client().await?;
	let r = recipient(&key, args.class, &args.email);
	let evidence = args.evidence_url.as_deref().map(sha256);
	let spec = badge_spec(r.commitment, &r.claim, expires, evidence);
	let badge = client
		.issue(&key.pair, args.class, spec, ctx.wait())
		.await?;
	let id = format!("{badge:?}");
	ctx.print(
		json!({
			"badge": id,
			"class": args.class,
			"claimSecret": r.claim.secret_hex(),
			"salt": r.salt,
			"identityHash": format!("sha256${}", hex::encode(r.commitment.0)),
		}),
		|| {
			format!(
				"issued badge {id}\n  claim secret (send to the recipient only): {}\n  salt: {}",
				r.claim.secret_hex(),
				r.salt
			)
		},
	);
	Ok(exit::OK)
}

/// Print what an admin act (a council motion) did: done, or proposed and awaiting votes.
fn report_governed(
	ctx: &Ctx,
	governed: badge_client::Governed,
	done: serde_json::Value,
	done_text: impl FnOnce() -> String,
) {
	match governed {
		badge_client::Governed::Done(_) => ctx.print(done, done_text),
		badge_client::Governed::Proposed(motion) => ctx.print(
			json!({
				"proposed": {
					"index": motion.index,
					"hash": format!("{:?}", motion.hash),
					"threshold": motion.threshold,
				}
			}),
			|| {
				format!(
					"council motion #{} proposed ({:?}); it needs {} ayes: members run \
					 `badge council vote {:?} {}` and then one runs `badge council close {:?} {}`",
					motion.index,
					motion.hash,
					motion.threshold,
					motion.hash,
					motion.index,
					motion.hash,
					motion.index
				)
			},
		),
	}
}

async fn revoke(ctx: &Ctx, args: RevokeArgs) -> Result<u8, CliError> {
	let badge = parse_badge_id(&args.badge)?;
	let digest = args.reason_text.as_deref().map(sha256);
	let client = ctx.client().await?;
	let key = ctx.key()?;
	if args.admin {
		let governed = client
			.force_revoke(&key.pair, badge, args.reason.into(), digest, ctx.wait())
			.await?;
		report_governed(
			ctx,
			governed,
			json!({ "revoked": format!("{badge:?}") }),
			|| format!("revoked {badge:?}"),
		);
		return Ok(exit::OK);
	} else {
		client
			.revoke(&key.pair, badge, args.reason.into(), digest, ctx.wait())
			.await?;
	}
	ctx.print(json!({ "revoked": format!("{badge:?}") }), || {
		format!("revoked {badge:?}")
	});
	Ok(exit::OK)
}

async fn list(ctx: &Ctx, args: ListArgs) -> Result<u8, CliError> {
	let client = ctx.client().await?;
	let mut all = Vec::new();
	let mut cursor = None;
	loop {
		let page = match (&args.issuer, args.class, &args.holder) {
			(Some(i), _, _) => {
				client
					.badges_by_issuer(&parse_account(i)?, cursor, 1000)
					.await?
			}
			(_, Some(c), _) => client.badges_by_class(c, cursor, 1000).await?,
			(_, _, Some(h)) => {
				client
					.badges_by_holder(&parse_account(h)?, cursor, 1000)
					.await?
			}
			_ => unreachable!("clap requires one of --issuer, --class, --holder"),
		};
		all.extend(page.items);
		match page.next {
			Some(next) => cursor = Some(next),
			None => break,
		}
	}
	let ids: Vec<String> = all.iter().map(|id| format!("{id:?}")).collect();
	ctx.print(json!({ "badges": ids }), || ids.join("\n"));
	Ok(exit::OK)
}

/// Find the badge id in a verification target: an id, a URL ending in one, or a QR image.
fn target_badge(target: &str) -> Result<H256, CliError> {
	let path = std::path::Path::new(target);
	let lower = target.to_lowercase();
	if path.is_file() && [".png", ".jpg", ".jpeg"].iter().any(|e| lower.ends_with(e)) {
		let url = qr::decode_file(path)?;
		return badge_in_url(&url);
	}
	if lower.starts_with("http://") || lower.starts_with("https://") {
		return badge_in_url(target);
	}
	parse_badge_id(target)
}

/// The badge id in a URL (its last path segment or query value that is one).
pub fn badge_in_url(url: &str) -> Result<H256, CliError> {
	url.split(['/', '?', '#', '='])
		.rev()
		.find_map(|part| parse_badge_id(part).ok())
		.ok_or_else(|| CliError::Input(format!("no badge id in `{url}`")))
}

fn verdict_text(v: &Verdict) -> String {
	match v {
		Verdict::Valid => "VALID".into(),
		Verdict::NotFound => "NOT VALID: no such badge was ever issued".into(),
		Verdict::Revoked { at, reason, .. } => format!(
			"NOT VALID: revoked on {} ({reason:?})",
			dates::format_millis(*at)
		),
		Verdict::IssuerSuspended => "NOT VALID: the issuer is suspended".into(),
		Verdict::Expired { at } => format!("NOT VALID: expired on {}", dates::format_millis(*at)),
		Verdict::DesignMismatch => {
			"NOT VALID: the image is not this badge's registered design".into()
		}
		Verdict::NotYetReceived => "NOT VALID: not yet received by its recipient".into(),
	}
}

/// What `badge verify` was given.
enum Target {
	/// A credential (a file, or baked into an image).
	Credential(serde_json::Value),
	/// A badge id (given, in a URL or in a QR code).
	Badge(H256),
}

async fn verify(ctx: &Ctx, args: VerifyArgs) -> Result<u8, CliError> {
	// Read the target before the node is asked anything.
	let target = match credential::in_target(&args.target)? {
		Some(found) => Target::Credential(found),
		None if args.email.is_some() => {
			return Err(CliError::Input(
				"--email checks the recipient of a credential file or baked image".into(),
			))
		}
		None => Target::Badge(target_badge(&args.target)?),
	};
	let client = ctx.client().await?;
	// A credential counts only if the chain vouches for it (issuer key, claims); then its
	// badge's verdict is reported.
	let (badge, trusted) = match target {
		Target::Badge(badge) => (badge, None),
		Target::Credential(found) => {
			match badge_client::trust::check_credential(&client, &found, args.email.as_deref())
				.await
			{
				Ok(t) => (t.badge, Some(t)),
				Err(badge_client::Refusal::Chain(e)) => return Err(e.into()),
				Err(refusal) => {
					ctx.print(
						json!({
							"valid": false,
							"verdict": refusal.code(),
							"reason": refusal.to_string(),
						}),
						|| format!("{}: NOT VALID: {refusal}", args.target),
					);
					return Ok(exit::NOT_VALID);
				}
			}
		}
	};
	let image = match &args.image {
		Some(path) => Some(crypto::image_digest(&std::fs::read(path).map_err(|e| {
			CliError::Input(format!("cannot read {}: {e}", path.display()))
		})?)),
		None => None,
	};
	let mut json = client.verify_json(badge, image.map(H256)).await?;
	let typed = client.verify(badge, image).await?;
	let valid = typed.verdict == Verdict::Valid;
	if let (Some(t), Some(object)) = (&trusted, json.as_object_mut()) {
		object.insert(
			"credential".into(),
			json!({ "method": t.method, "signed": dates::format_iso(t.created) }),
		);
	}
	ctx.print(json.clone(), || {
		let mut text = format!("{badge:?}: {}", verdict_text(&typed.verdict));
		if let Some(d) = json.get("details") {
			text.push_str(&format!(
				"\n  badge:   {}\n  issuer:  {} ({})\n  issued:  {}",
				d["className"].as_str().unwrap_or_default(),
				d["issuerName"].as_str().unwrap_or_default(),
				d["issuer"].as_str().unwrap_or_default(),
				d["issuedAt"]
					.as_u64()
					.map(dates::format_millis)
					.unwrap_or_default(),
			));
			if let Some(exp) = d["expiresAt"].as_u64() {
				text.push_str(&format!("\n  expires: {}", dates::format_millis(exp)));
			}
			if d["disclosure"] == "private" {
				text.push_str("\n  (the holder keeps this badge private)");
			}
		}
		if let Some(t) = &trusted {
			text.push_str(&format!(
				"\n  credential: signed by the issuer's key on chain ({}) on {}",
				t.method,
				dates::format_millis(t.created)
			));
		}
		text
	});
	Ok(if valid { exit::OK } else { exit::NOT_VALID })
}

/// Whether a path names an SVG file.
pub fn is_svg(path: &std::path::Path) -> bool {
	path.extension()
		.is_some_and(|e| e.eq_ignore_ascii_case("svg"))
}

fn read(path: &std::path::Path) -> Result<Vec<u8>, CliError> {
	std::fs::read(path).map_err(|e| CliError::Input(format!("cannot read {}: {e}", path.display())))
}

fn bake(ctx: &Ctx, args: BakeArgs) -> Result<u8, CliError> {
	use badge_client::baking;
	let payload = String::from_utf8(read(&args.credential)?)
		.map_err(|_| CliError::Input("the credential is not UTF-8 text".into()))?;
	let payload = payload.trim();
	let image = read(&args.image)?;
	let baked = if is_svg(&args.image) {
		let svg = String::from_utf8(image)
			.map_err(|_| CliError::Input("the SVG is not UTF-8 text".into()))?;
		baking::bake_svg(&svg, args.ob.into(), payload)?.into_bytes()
	} else {
		baking::bake_png(&image, args.ob.into(), payload)?
	};
	std::fs::write(&args.out, baked)
		.map_err(|e| CliError::Input(format!("cannot write {}: {e}", args.out.display())))?;
	ctx.print(json!({ "baked": args.out.display().to_string() }), || {
		format!("wrote {}", args.out.display())
	});
	Ok(exit::OK)
}

fn extract(args: ExtractArgs) -> Result<u8, CliError> {
	use badge_client::baking;
	let image = read(&args.image)?;
	let found = if is_svg(&args.image) {
		let svg = String::from_utf8(image)
			.map_err(|_| CliError::Input("the SVG is not UTF-8 text".into()))?;
		baking::extract_svg(&svg, args.ob.into())
	} else {
		baking::extract_png(&image, args.ob.into())?
	};
	let payload = found.ok_or_else(|| {
		CliError::Input(format!(
			"no {:?} credential baked into {}",
			args.ob,
			args.image.display()
		))
	})?;
	println!("{payload}");
	Ok(exit::OK)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn emails_are_checked() {
		assert!(valid_email("applicant@example.jp"));
		assert!(valid_email(" a.b+c@mail.example.jp "));
		for bad in [
			"",
			"no-at",
			"@example.jp",
			"a@",
			"a@b",
			"a@@b.jp",
			"a b@c.jp",
			"a@.jp",
		] {
			assert!(!valid_email(bad), "{bad}");
		}
	}

	#[test]
	fn badge_ids_are_found_in_urls() {
		let id = format!("0x{}", "ab".repeat(32));
		let want = parse_badge_id(&id).unwrap();
		for url in [
			format!("https://badges.example.jp/badges/{id}"),
			format!("https://badges.example.jp/badges/{id}?lang=ja"),
			format!("https://badges.example.jp/verify?badge={id}"),
		] {
			assert_eq!(badge_in_url(&url).unwrap(), want, "{url}");
		}
		assert!(badge_in_url("https://badges.example.jp/badges/").is_err());
		assert!(parse_badge_id("0x1234").is_err());
	}

	#[test]
	fn class_files_are_read_as_toml_or_json() {
		let dir = tempfile::tempdir().unwrap();
		let json = dir.path().join("class.json");
		std::fs::write(
			&json,
			r#"{"name": "N", "description": "D", "criteria_url": "https://c.example", "achievement_type": "Certificate"}"#,
		)
		.unwrap();
		let parsed = read_class_file(&json).unwrap();
		assert_eq!(parsed.criteria_url.as_deref(), Some("https://c.example"));
		assert!(matches!(
			achievement_type(&parsed.achievement_type),
			Ok(AchievementType::Certificate)
		));
		let toml = dir.path().join("class.toml");
		std::fs::write(
			&toml,
			"name = \"N\"\ndescription = \"D\"\ncriteria_narrative = \"x\"\n",
		)
		.unwrap();
		assert_eq!(read_class_file(&toml).unwrap().achievement_type, "Badge");
		std::fs::write(&toml, "name = \"N\"\nunknown = 1\n").unwrap();
		assert!(matches!(read_class_file(&toml), Err(CliError::Input(_))));
		assert!(achievement_type("Diploma").is_err());
	}

	#[test]
	fn recipients_are_derived_deterministically() {
		let key = config::SigningKey::from_secret("//Issuer").unwrap();
		let a = recipient(&key, 0, "Applicant@Example.jp");
		let b = recipient(&key, 0, " applicant@example.jp");
		assert_eq!(a.commitment, b.commitment);
		assert_eq!(a.claim.public(), b.claim.public());
		assert_eq!(a.salt.len(), 32);
		assert_ne!(
			recipient(&key, 1, "applicant@example.jp").commitment,
			a.commitment
		);
		let other = config::SigningKey::from_secret("//Other").unwrap();
		assert_ne!(recipient(&other, 0, "applicant@example.jp").salt, a.salt);
		// The commitment is the OB identity hash of the e-mail and salt.
		assert_eq!(
			a.commitment,
			crypto::recipient_commitment("applicant@example.jp", &a.salt)
		);
	}
}

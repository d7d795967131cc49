//! Command line of the node: the standard Substrate node commands.

/// Subcommands besides running the node.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management: generate keys, node keys, insert keys into the keystore.
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Build a chain specification (prefer `export-chain-spec`).
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Export the chain specification of `--chain`.
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Write the chain spec of a consortium from a description of its member organisations
	/// (fresh keys only; see `chain-specs/consortium.toml`).
	ConsortiumSpec(crate::consortium_spec::ConsortiumSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Database metadata.
	ChainInfo(sc_cli::ChainInfoCmd),

	/// Benchmarks (`benchmark pallet` generates the badge pallet's weights). Only in builds
	/// with the `runtime-benchmarks` feature (`scripts/benchmark`).
	#[cfg(feature = "runtime-benchmarks")]
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),
}

/// The default `--pool-limit`: transactions in the ready queue (the future queue holds a tenth).
pub const POOL_LIMIT: &str = "40960";

/// The default `--pool-kbytes`: kilobytes of transactions in the ready queue (the future queue
/// holds a tenth).
pub const POOL_KBYTES: &str = "81920";

/// The node's command line.
///
/// Where this node departs from Substrate's solochain template, the template's behaviour is one
/// flag away; each departure is explained once, in its decision record under `docs/decisions/`:
///
/// | departure | Substrate's behaviour | record |
/// |---|---|---|
/// | single-state pool | `--pool-type fork-aware` | `transaction-pool.md` |
/// | light revalidation, re-submission of retracted blocks' transactions | `--pool-revalidation full` | `transaction-pool.md` |
/// | pool limits 40,960 transactions, 80 MiB | `--pool-limit 8192 --pool-kbytes 20480` | `transaction-pool.md` |
/// | included transactions answered from the chain | `--pool-included-blocks 0` | `transaction-pool.md` |
/// | remembered signature checks | `--signature-cache-size 0` | `signature-cache.md` |
/// | native `badges_verify` | `--verify-path runtime` | `native-verify.md` |
/// | GRANDPA votes on the best block | `--grandpa-voting-rule substrate` | `grandpa-voting-rule.md` |
/// | GRANDPA gossip every 100 ms | `--grandpa-gossip-ms 333` | `grandpa-gossip-period.md` |
/// | a validator without the shared trie cache | `--trie-cache-size 1073741824` | `trie-cache.md` |
#[derive(Debug, clap::Parser)]
#[command(
	propagate_version = true,
	args_conflicts_with_subcommands = true,
	subcommand_negates_reqs = true,
	mut_arg("pool_type", |arg| arg.default_value("single-state")),
	mut_arg("pool_limit", |arg| arg.default_value(POOL_LIMIT)),
	mut_arg("pool_kbytes", |arg| arg.default_value(POOL_KBYTES))
)]
pub struct Cli {
	/// A subcommand; without one, the node runs.
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	/// How to run the node.
	#[clap(flatten)]
	pub run: sc_cli::RunCmd,

	/// How long a finality vote takes to reach the other validators, in milliseconds. A GRANDPA
	/// voter prevotes two such periods into a round and precommits four into it, sooner when
	/// the others' votes arrive first, so a round, and the wait from a block's import to its
	/// finality, lasts about four of them. Substrate's template uses 333; validators of one
	/// consortium reach each other in tens of milliseconds.
	#[arg(
		long,
		value_name = "MS",
		default_value_t = GRANDPA_GOSSIP_MS,
		value_parser = clap::value_parser!(u64).range(1..)
	)]
	pub grandpa_gossip_ms: u64,

	/// Bytes of trie nodes and values `badges_verify` keeps in memory, apart from Substrate's
	/// shared trie cache (`--trie-cache-size`, which a validator runs without unless given).
	/// By default 1 GiB on a node without the shared cache and none on a node with it, whose
	/// verdicts read through that; 0 reads through the shared cache, if any, else the database.
	#[arg(long, value_name = "BYTES", default_value_t = VERIFY_CACHE_SIZE)]
	pub verify_cache_size: usize,

	/// How `badges_verify` reaches the runtime's verdict: `native` computes it with the
	/// runtime's own function compiled into the node when the block runs the embedded runtime,
	/// and remembers answers per block; `runtime` asks the runtime through the executor every
	/// time (docs/decisions/native-verify.md).
	#[arg(long, value_enum, value_name = "PATH", default_value_t = VerifyPath::Native)]
	pub verify_path: VerifyPath,

	/// Which block a GRANDPA validator votes for: `best`, its best block; `substrate`,
	/// Substrate's default rules (two blocks behind the best, at most three quarters down the
	/// unfinalized chain) (docs/decisions/grandpa-voting-rule.md).
	#[arg(long, value_enum, value_name = "RULE", default_value_t = VotingRule::Best)]
	pub grandpa_voting_rule: VotingRule,

	/// How the single-state pool revalidates: `light`, the whole pool every 20 blocks or
	/// minute, with the node re-submitting the transactions of retracted blocks; `full`,
	/// Substrate's, every ready transaction after every block (docs/decisions/transaction-pool.md).
	#[arg(long, value_enum, value_name = "MODE", default_value_t = PoolRevalidation::Light)]
	pub pool_revalidation: PoolRevalidation,

	/// Recent blocks whose transactions the single-state pool answers `Stale` for without a
	/// runtime call; 0 asks the runtime about every transaction, as Substrate does
	/// (docs/decisions/transaction-pool.md).
	#[arg(long, value_name = "BLOCKS", default_value_t = POOL_INCLUDED_BLOCKS)]
	pub pool_included_blocks: u32,

	/// Verified sr25519 signature checks the node remembers, so that a transaction's signature
	/// checked in the pool is not checked again in its block; 0 computes every check, as
	/// Substrate does (docs/decisions/signature-cache.md).
	#[arg(long, value_name = "CHECKS", default_value_t = SIGNATURE_CACHE_SIZE)]
	pub signature_cache_size: u32,
}

/// `--verify-path`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum VerifyPath {
	/// Natively when provably equal, remembered per block; else the runtime.
	Native,
	/// Always the runtime, through the executor.
	Runtime,
}

/// `--grandpa-voting-rule`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum VotingRule {
	/// Vote for the best block.
	Best,
	/// Substrate's default voting rules.
	Substrate,
}

/// `--pool-revalidation`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PoolRevalidation {
	/// The whole pool every 20 blocks or minute; the node re-submits retracted transactions.
	Light,
	/// Every ready transaction after every block, as Substrate's builder makes the pool.
	Full,
}

/// The default `--pool-included-blocks`: about two minutes of two-second slots, far longer than
/// gossip lags behind block import.
pub const POOL_INCLUDED_BLOCKS: u32 = 64;

/// The default `--signature-cache-size`: a few blocks' worth of single transactions (a block
/// holds about 2,500), about 4 MiB.
pub const SIGNATURE_CACHE_SIZE: u32 = 65_536;

/// The default `--verify-cache-size` of a node without Substrate's shared trie cache: 1 GiB,
/// that cache's default size.
pub const VERIFY_CACHE_SIZE: usize = 1024 * 1024 * 1024;

/// The bytes of `badges_verify`'s own trie cache: `configured` when the command line sets
/// `--verify-cache-size` (`chosen`) or the node runs without Substrate's shared trie cache
/// (`shared`), else none: the verdicts then read through the shared cache, and the node does
/// not hold two caches of the same trie.
pub fn verify_cache_size(chosen: bool, configured: usize, shared: Option<usize>) -> usize {
	if chosen || shared.is_none() {
		configured
	} else {
		0
	}
}

/// The default `--grandpa-gossip-ms`.
pub const GRANDPA_GOSSIP_MS: u64 = 100;

/// The shared trie cache a node gets: none for a validator (`is_authority`) whose command line
/// does not set `--trie-cache-size` (`chosen`), else `configured`.
///
/// Block import and authoring give every trie node a block touches to an unbounded local cache
/// that is then merged into the shared one under its lock: in bulk issuance that costs the
/// four validators of `badge-bench` a fifth of their CPU, and consecutive runs grow slower
/// (docs/decisions/performance-history.md, changes 25 and 26). A validator's own reads are
/// its blocks'; verifiers' `badges_verify` reads then go through the node's own cache
/// ([`verify_cache_size`]).
pub fn validator_trie_cache(
	is_authority: bool,
	chosen: bool,
	configured: Option<usize>,
) -> Option<usize> {
	if is_authority && !chosen {
		None
	} else {
		configured
	}
}

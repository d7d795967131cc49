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
/// Four defaults differ from Substrate's. A validator runs without Substrate's shared trie cache
/// unless `--trie-cache-size` is given (docs/decisions/trie-cache.md; [`validator_trie_cache`]).
/// The other three are about the transaction pool (docs/decisions/transaction-pool.md):
///
/// - `--pool-type` is `single-state`. The fork-aware pool re-submits its pending transactions to
///   each new block's view in no particular nonce order; with more of one sender's transactions
///   pending than the view's future queue holds, the overflow is dropped and the sender's later
///   transactions wait forever on the dropped nonces (measured by `badge-bench`: one issuer's
///   1,000 pre-signed issuances stalled in three runs of five). A permissioned Aura chain rarely
///   forks, so the single-state pool loses nothing here; `--pool-type fork-aware` still selects
///   the other. The node builds the single-state pool itself, revalidating lightly and
///   re-submitting the transactions of retracted blocks ([`crate::pool`]).
/// - `--pool-limit` is [`POOL_LIMIT`] and `--pool-kbytes` [`POOL_KBYTES`], five and four times
///   Substrate's. Substrate sizes the future queue (transactions waiting for an earlier nonce) at
///   a tenth of these, 819 transactions by default. A validator that does not receive an
///   issuer's transactions first hears of some of them only up to 2.9 s late: the submitting
///   node announces a transaction at once only when it enters its ready queue directly, and
///   transactions validated out of order enter as future and are announced by the next periodic
///   broadcast. Meanwhile the other validators hold the rest of the burst as future; once more
///   than 819 wait, the overflow is dropped, is never announced to them again, and those
///   validators author blocks without the issuer's transactions until the submitting node's
///   own blocks have included them (measured by `badge-bench --single 3000`: 4,352 of 6,000
///   transactions dropped on each of the three other validators).
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
}

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

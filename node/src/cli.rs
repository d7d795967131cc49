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

/// The node's command line.
///
/// One default differs from Substrate's: `--pool-type` is `single-state`. The fork-aware pool
/// re-submits its pending transactions to each new block's view in no particular nonce order;
/// with more of one sender's transactions pending than the view's future queue holds (819 with
/// the default `--pool-limit`), the overflow is dropped and the sender's later transactions
/// wait forever on the dropped nonces (measured by `badge-bench`: one issuer's 1,000 pre-signed
/// issuances stalled in three runs of five). A permissioned Aura chain rarely forks, so the
/// single-state pool loses nothing here; `--pool-type fork-aware` still selects the other.
#[derive(Debug, clap::Parser)]
#[command(
	propagate_version = true,
	args_conflicts_with_subcommands = true,
	subcommand_negates_reqs = true,
	mut_arg("pool_type", |arg| arg.default_value("single-state"))
)]
pub struct Cli {
	/// A subcommand; without one, the node runs.
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	/// How to run the node.
	#[clap(flatten)]
	pub run: sc_cli::RunCmd,
}

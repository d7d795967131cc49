//! Dispatch of the command line to the service and the standard subcommands.

use crate::{
	chain_spec,
	cli::{Cli, Subcommand},
	service,
};
use badge_runtime::opaque::Block;
use sc_cli::SubstrateCli;
use sc_service::PartialComponents;

impl SubstrateCli for Cli {
	fn impl_name() -> String {
		"Open Badge Node".into()
	}

	fn impl_version() -> String {
		env!("SUBSTRATE_CLI_IMPL_VERSION").into()
	}

	fn description() -> String {
		env!("CARGO_PKG_DESCRIPTION").into()
	}

	fn author() -> String {
		env!("CARGO_PKG_AUTHORS").into()
	}

	fn support_url() -> String {
		"https://example.invalid/open-badge-chain/issues".into()
	}

	fn copyright_start_year() -> i32 {
		2026
	}

	fn load_spec(&self, id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
		Ok(match id {
			"dev" | "development" => Box::new(chain_spec::development_chain_spec()?),
			"" | "local" | "local_testnet" => Box::new(chain_spec::local_chain_spec()?),
			path => Box::new(chain_spec::ChainSpec::from_json_file(
				std::path::PathBuf::from(path),
			)?),
		})
	}
}

/// Parse the command line and run it.
pub fn run() -> sc_cli::Result<()> {
	// Parsed as `Cli::from_args` does, keeping the matches to tell a `--trie-cache-size` given
	// from its default.
	let matches = Cli::setup_command(<Cli as clap::CommandFactory>::command()).get_matches();
	let cli =
		<Cli as clap::FromArgMatches>::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
	let chosen = |id| matches.value_source(id) == Some(clap::parser::ValueSource::CommandLine);
	let trie_cache_chosen = chosen("trie_cache_size");
	let verify_cache_chosen = chosen("verify_cache_size");

	match &cli.subcommand {
		Some(Subcommand::Key(cmd)) => cmd.run(&cli),
		Some(Subcommand::BuildSpec(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			#[allow(deprecated)]
			runner.sync_run(|config| cmd.run(config.chain_spec, config.network))
		}
		Some(Subcommand::ExportChainSpec(cmd)) => {
			let spec = cli.load_spec(&cmd.chain)?;
			cmd.run(spec)
		}
		Some(Subcommand::ConsortiumSpec(cmd)) => Ok(cmd.run()?),
		Some(Subcommand::CheckBlock(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents {
					client,
					task_manager,
					import_queue,
					..
				} = service::new_partial(&config, None)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		}
		Some(Subcommand::ExportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents {
					client,
					task_manager,
					..
				} = service::new_partial(&config, None)?;
				Ok((cmd.run(client, config.database), task_manager))
			})
		}
		Some(Subcommand::ExportState(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents {
					client,
					task_manager,
					..
				} = service::new_partial(&config, None)?;
				Ok((cmd.run(client, config.chain_spec), task_manager))
			})
		}
		Some(Subcommand::ImportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents {
					client,
					task_manager,
					import_queue,
					..
				} = service::new_partial(&config, None)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		}
		Some(Subcommand::PurgeChain(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.database))
		}
		Some(Subcommand::Revert(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents {
					client,
					task_manager,
					backend,
					..
				} = service::new_partial(&config, None)?;
				let aux_revert = Box::new(|client, _, blocks| {
					sc_consensus_grandpa::revert(client, blocks)?;
					Ok(())
				});
				Ok((cmd.run(client, backend, Some(aux_revert)), task_manager))
			})
		}
		Some(Subcommand::ChainInfo(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run::<Block>(&config))
		}
		#[cfg(feature = "runtime-benchmarks")]
		Some(Subcommand::Benchmark(cmd)) => {
			use frame_benchmarking_cli::BenchmarkCmd;
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| match cmd {
				BenchmarkCmd::Pallet(cmd) => cmd
					.run_with_spec::<sp_runtime::traits::HashingFor<Block>, ()>(Some(
						config.chain_spec,
					)),
				// Per-block and per-extrinsic execution overhead (`system.remark` signed by a
				// dev account, built by the CLI's own extrinsic builder).
				BenchmarkCmd::Overhead(cmd) => {
					cmd.run_with_default_builder_and_spec::<Block, ()>(Some(config.chain_spec))
				}
				// Read and write costs of this node's database over an existing chain's state.
				BenchmarkCmd::Storage(cmd) => {
					let PartialComponents {
						client, backend, ..
					} = service::new_partial(&config, None)?;
					let db = backend.expose_db();
					let storage = backend.expose_storage();
					let shared_trie_cache = backend.expose_shared_trie_cache();
					cmd.run(config, client, db, storage, shared_trie_cache)
				}
				_ => Err("This node supports `benchmark pallet`, `overhead` and `storage`.".into()),
			})
		}
		None => {
			let runner = cli.create_runner(&cli.run)?;
			let pool = &cli.run.pool_config;
			let single_state = matches!(pool.pool_type, sc_cli::TransactionPoolType::SingleState)
				.then(|| {
					let settings = crate::pool::Settings {
						light: cli.pool_revalidation == crate::cli::PoolRevalidation::Light,
						included_blocks: cli.pool_included_blocks,
					};
					(
						crate::pool::options(pool, cli.run.shared_params.is_dev()),
						settings,
					)
				});
			let remembered = cli.signature_cache_size;
			crate::signature_cache::remember(remembered);
			let (grandpa_gossip, voting_rule, verify_path) = (
				std::time::Duration::from_millis(cli.grandpa_gossip_ms),
				cli.grandpa_voting_rule,
				cli.verify_path,
			);
			let configured_verify_cache = cli.verify_cache_size;
			runner.run_node_until_exit(|mut config| async move {
				config.trie_cache_maximum_size = crate::cli::validator_trie_cache(
					config.role.is_authority(),
					trie_cache_chosen,
					config.trie_cache_maximum_size,
				);
				let verify_cache_size = crate::cli::verify_cache_size(
					verify_cache_chosen,
					configured_verify_cache,
					config.trie_cache_maximum_size,
				);
				let verify_cache = crate::native_verify::verify_cache(verify_cache_size);
				log::info!(
					"🗃️  Shared trie cache: {}; badges_verify's own: {}",
					cache_size(config.trie_cache_maximum_size),
					cache_size(verify_cache.is_some().then_some(verify_cache_size)),
				);
				log::info!(
					"Signature checks remembered: {remembered}; badges_verify path: {verify_path:?}"
				);
				let settings = service::Settings {
					grandpa_gossip,
					voting_rule,
					single_state_pool: single_state,
					verify_path,
					verify_cache,
				};
				match config.network.network_backend {
					sc_network::config::NetworkBackendType::Libp2p => service::new_full::<
						sc_network::NetworkWorker<
							Block,
							<Block as sp_runtime::traits::Block>::Hash,
						>,
					>(config, settings)
					.map_err(sc_cli::Error::Service),
					sc_network::config::NetworkBackendType::Litep2p => {
						service::new_full::<sc_network::Litep2pNetworkBackend>(config, settings)
							.map_err(sc_cli::Error::Service)
					}
				}
			})
		}
	}
}

/// A cache size for the log: MiB, or "off".
fn cache_size(bytes: Option<usize>) -> String {
	match bytes {
		Some(bytes) => format!("{} MiB", bytes / (1024 * 1024)),
		None => "off".into(),
	}
}

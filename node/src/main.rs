//! `badge-node`: validator and RPC node of the Open Badge chain.

// `sc_cli::Error` and `sc_service::Error` are large by design; every Substrate node returns them.
#![allow(clippy::result_large_err)]

mod chain_spec;
mod cli;
mod command;
mod consortium_spec;
mod native_verify;
mod pool;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}

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
mod signature_cache;

/// jemalloc instead of the C library's allocator: a node allocates and frees many buffers of
/// every size from many threads (trie nodes, overlays, block bodies), where glibc's allocator
/// spends its time consolidating free lists and returning pages to the kernel, which the next
/// block faults in again.
#[cfg(target_os = "linux")]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> sc_cli::Result<()> {
	command::run()
}

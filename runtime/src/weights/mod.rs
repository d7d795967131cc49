//! The runtime's base weights, measured on this project's machine by `scripts/benchmark`:
//! what executing an empty block costs, what one extrinsic costs on top of its call, what one
//! read and one write cost in the nodes' database (ParityDB), and the weights of the system
//! pallet's calls and transaction extensions (nonce, era, weight checks: paid by every
//! transaction) in this runtime. Each file is generated: run the script again rather than
//! editing them. Our pallets' own weights live beside each pallet (`pallets/*/src/weights.rs`);
//! all of them charge their reads and writes at [`ParityDbWeight`].

pub mod block_weights;
pub mod extrinsic_weights;
pub mod frame_system;
pub mod frame_system_extensions;
pub mod paritydb_weights;

pub use block_weights::BlockExecutionWeight;
pub use extrinsic_weights::ExtrinsicBaseWeight;
pub use paritydb_weights::ParityDbWeight;

//! The Open Badge chain runtime.
//!
//! Aura block production and GRANDPA finality over a validator set that `pallet_session` rotates
//! and our [`pallet_consortium`] manages; a consortium council (`pallet_collective` fed by
//! `pallet_membership`) whose two-thirds motions are the only admin: they add and remove council
//! members, validators and authorized nodes (`pallet_node_authorization`), register badge
//! issuers, and enact the few Root calls a chain needs (runtime upgrades, stalled finality)
//! through [`pallet_consortium::Pallet::enact`]. There is no sudo. A chain timestamp, `utility`
//! for batching, and the badge registry ([`pallet_badges`]).
//! There are no balances and no fees: [`pallet_badges::CheckBadgeAccess`] keeps accounts with
//! no business on the chain out of the transaction pool instead.
//!
//! Layout: [`configs`] (pallet configuration), [`apis`] (runtime APIs), [`genesis_config_presets`]
//! (chain-spec presets), [`extensions`] (transaction extensions of our own), [`no_deposits`] (the
//! zero currency `pallet_session` asks for).

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime`-style macros expand to items without docs.
#![allow(missing_docs)]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

use alloc::vec::Vec;

// Declared first: `define_benchmarks!` makes macros that `apis` uses.
#[cfg(feature = "runtime-benchmarks")]
#[macro_use]
mod benchmarks;
pub mod apis;
pub mod configs;
pub mod extensions;
pub mod genesis_config_presets;
pub mod no_deposits;
pub mod weights;

use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::RuntimeVersion;

pub use frame_system::Call as SystemCall;
pub use pallet_badges::Call as BadgesCall;
pub use pallet_timestamp::Call as TimestampCall;
#[cfg(any(feature = "std", test))]
pub use sp_runtime::BuildStorage;

/// Opaque types: what the node needs to know about the runtime without knowing its calls.
pub mod opaque {
	use super::*;
	use sp_runtime::{generic, traits::Hash as HashT};

	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block identifier type.
	pub type BlockId = generic::BlockId<Block>;
	/// Opaque block hash type.
	pub type Hash = <BlakeTwo256 as HashT>::Output;
}

impl_opaque_keys! {
	/// The session keys of a validator: Aura (sr25519) for authoring, GRANDPA (ed25519) for
	/// finality.
	pub struct SessionKeys {
		pub aura: Aura,
		pub grandpa: Grandpa,
	}
}

/// The runtime version. Bump `spec_version` with every runtime change that goes on chain.
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("open-badge-chain"),
	impl_name: alloc::borrow::Cow::Borrowed("open-badge-chain"),
	authoring_version: 1,
	spec_version: 113,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 2,
	system_version: 1,
};

/// Block time. Aura slots last this long; GRANDPA finalizes a few blocks behind.
pub const MILLI_SECS_PER_BLOCK: u64 = 2000;

/// The slot duration; changing it after genesis would halt block production.
pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;

/// Block numbers, counted in [`MILLI_SECS_PER_BLOCK`].
pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
/// An hour of blocks.
pub const HOURS: BlockNumber = MINUTES * 60;
/// A day of blocks.
pub const DAYS: BlockNumber = HOURS * 24;

/// Signature type of transactions.
pub type Signature = MultiSignature;
/// Account id: the public key of the signature scheme.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// Block number.
pub type BlockNumber = u32;
/// Account nonce.
pub type Nonce = u32;
/// Block hash.
pub type Hash = sp_core::H256;
/// The address format of transactions.
pub type Address = MultiAddress<AccountId, ()>;
/// Block header.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// Block.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
/// A block with a justification.
pub type SignedBlock = generic::SignedBlock<Block>;
/// Block id.
pub type BlockId = generic::BlockId<Block>;

/// The transaction extensions, in order. Every one but [`pallet_badges::CheckBadgeAccess`] is
/// standard (our `CheckNonce` keeps the standard identifier and encoding), so generic clients
/// such as subxt and polkadot.js sign for this chain.
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	pallet_badges::CheckBadgeAccess<Runtime>,
	extensions::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// Extrinsic as it travels.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
/// The payload being signed in transactions.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Storage migrations to run on the next runtime upgrade.
#[allow(unused_parens)]
type Migrations = (
	pallet_badges::migrations::v6::MigrateV5ToV6<Runtime>,
	pallet_badges::migrations::v7::MigrateV6ToV7<Runtime>,
);

/// Executive: dispatches to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

/// The runtime. Pallet indices are append-only once a network runs (they were renumbered once,
/// before any network, when sudo left and the validator set came).
#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	// The session manager and the session pallet come before Aura and GRANDPA: a session
	// boundary hands them the new authorities in the same block's `on_initialize`.
	#[runtime::pallet_index(2)]
	pub type Consortium = pallet_consortium;

	#[runtime::pallet_index(3)]
	pub type Session = pallet_session;

	#[runtime::pallet_index(4)]
	pub type Aura = pallet_aura;

	#[runtime::pallet_index(5)]
	pub type Grandpa = pallet_grandpa;

	#[runtime::pallet_index(6)]
	pub type Council = pallet_collective<Instance1>;

	#[runtime::pallet_index(7)]
	pub type CouncilMembership = pallet_membership<Instance1>;

	#[runtime::pallet_index(8)]
	pub type NodeAuthorization = pallet_node_authorization;

	#[runtime::pallet_index(9)]
	pub type Utility = pallet_utility;

	#[runtime::pallet_index(10)]
	pub type Badges = pallet_badges;
}

/// Typed view of an issuer as the runtime API returns it.
pub type IssuerInfo = pallet_badges::IssuerOf<Runtime>;
/// Typed view of a class as the runtime API returns it.
pub type ClassInfo = pallet_badges::BadgeClassOf<Runtime>;

//! Configuration of every pallet in the runtime.

use crate::{
	no_deposits::NoDeposits,
	weights::{BlockExecutionWeight, ExtrinsicBaseWeight, ParityDbWeight},
	AccountId, Aura, Block, BlockNumber, Consortium, Council, Hash, Nonce, OriginCaller,
	PalletInfo, Runtime, RuntimeCall, RuntimeEvent, RuntimeOrigin, RuntimeTask, SessionKeys,
	Timestamp, MINUTES, SLOT_DURATION, VERSION,
};
use alloc::vec::Vec;
use frame_support::traits::EitherOfDiverse;
use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{ConstBool, ConstU32, ConstU64, Contains},
	weights::{constants::WEIGHT_REF_TIME_PER_SECOND, Weight},
};
use frame_system::{
	limits::{BlockLength, BlockWeights},
	EnsureRoot,
};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::Perbill;

/// The share of a block's weight that ordinary (normal-class) extrinsics may fill; the rest is
/// kept for operational ones (governance).
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);
/// The share of a block's weight expected for `on_initialize` hooks.
const AVERAGE_ON_INITIALIZE_RATIO: Perbill = Perbill::from_percent(10);
/// One second of compute per two-second block: authoring must leave time to import and
/// gossip the block within the slot.
const MAXIMUM_BLOCK_WEIGHT: Weight = Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND, u64::MAX);

parameter_types! {
	/// Version of the runtime.
	pub const Version: sp_version::RuntimeVersion = VERSION;
	/// The block's weight limits, with the base costs of a block and of an extrinsic measured
	/// on this project's machine (`benchmark overhead`, see [`crate::weights`]).
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::builder()
		.base_block(BlockExecutionWeight::get())
		.for_class(DispatchClass::all(), |weights| {
			weights.base_extrinsic = ExtrinsicBaseWeight::get();
		})
		.for_class(DispatchClass::Normal, |weights| {
			weights.max_total = Some(NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_WEIGHT);
		})
		.for_class(DispatchClass::Operational, |weights| {
			weights.max_total = Some(MAXIMUM_BLOCK_WEIGHT);
			weights.reserved =
				Some(MAXIMUM_BLOCK_WEIGHT - NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_WEIGHT);
		})
		.avg_block_initialization(AVERAGE_ON_INITIALIZE_RATIO)
		.build_or_panic();
	/// Blocks of at most 5 MiB.
	pub RuntimeBlockLength: BlockLength = BlockLength::builder()
		.max_length(5 * 1024 * 1024)
		.modify_max_length_for_class(DispatchClass::Normal, |max| *max = NORMAL_DISPATCH_RATIO * *max)
		.build();
	/// Generic SS58 prefix.
	pub const SS58Prefix: u8 = 42;
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = ConstU32<2400>;
	/// ParityDB's read and write costs measured on this project's machine (`benchmark storage`).
	type DbWeight = ParityDbWeight;
	/// The system pallet's calls and transaction extensions, measured in this runtime.
	type SystemWeightInfo = crate::weights::frame_system::WeightInfo<Runtime>;
	type ExtensionsWeightInfo = crate::weights::frame_system_extensions::WeightInfo<Runtime>;
	type Version = Version;
	// No balances on this chain: nobody needs tokens.
	type AccountData = ();
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = ConstU32<32>;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<32>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_timestamp::Config for Runtime {
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = ();
}

impl pallet_utility::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type PalletsOrigin = OriginCaller;
	type WeightInfo = pallet_utility::weights::SubstrateWeight<Runtime>;
}

/// The consortium council: one member per ministry or member organisation.
pub type CouncilCollective = pallet_collective::Instance1;

/// At least two thirds of the council, by motion; or Root, which only the council reaches (through
/// `consortium.enact`, for the calls it allows). There is no sudo key.
pub type CouncilTwoThirdsOrRoot = EitherOfDiverse<
	EnsureRoot<AccountId>,
	pallet_collective::EnsureProportionAtLeast<AccountId, CouncilCollective, 2, 3>,
>;

parameter_types! {
	/// How long a council motion stays open.
	pub const CouncilMotionDuration: BlockNumber = 30 * MINUTES;
	/// The heaviest call a motion may dispatch: half a block.
	pub MaxProposalWeight: Weight = Perbill::from_percent(50) * RuntimeBlockWeights::get().max_block;
}

impl pallet_collective::Config<CouncilCollective> for Runtime {
	type RuntimeOrigin = RuntimeOrigin;
	type Proposal = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type MotionDuration = CouncilMotionDuration;
	type MaxProposals = ConstU32<100>;
	type MaxMembers = ConstU32<32>;
	type DefaultVote = pallet_collective::PrimeDefaultVote;
	type WeightInfo = pallet_collective::weights::SubstrateWeight<Runtime>;
	// Membership changes go through `CouncilMembership`, never straight to the collective.
	type SetMembersOrigin = EnsureRoot<AccountId>;
	type MaxProposalWeight = MaxProposalWeight;
	type DisapproveOrigin = CouncilTwoThirdsOrRoot;
	type KillOrigin = CouncilTwoThirdsOrRoot;
	// No deposits: nobody needs tokens; only members may propose.
	type Consideration = ();
}

impl pallet_membership::Config<pallet_membership::Instance1> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type AddOrigin = CouncilTwoThirdsOrRoot;
	type RemoveOrigin = CouncilTwoThirdsOrRoot;
	type SwapOrigin = CouncilTwoThirdsOrRoot;
	type ResetOrigin = CouncilTwoThirdsOrRoot;
	type PrimeOrigin = CouncilTwoThirdsOrRoot;
	type MembershipInitialized = Council;
	type MembershipChanged = Council;
	type MaxMembers = ConstU32<32>;
	type WeightInfo = pallet_membership::weights::SubstrateWeight<Runtime>;
}

/// Accounts that may sign any call: council members (they propose and vote) and validators (they
/// set their session keys).
pub struct TrustedSigners;
impl Contains<AccountId> for TrustedSigners {
	fn contains(who: &AccountId) -> bool {
		pallet_collective::Pallet::<Runtime, CouncilCollective>::is_member(who)
			|| Consortium::is_validator(who)
	}
}

/// The validators `pallet_session` uses in the current session.
pub struct SessionValidators;
impl frame_support::traits::Get<Vec<AccountId>> for SessionValidators {
	fn get() -> Vec<AccountId> {
		pallet_session::Validators::<Runtime>::get()
	}
}

/// The Root calls the council may enact: authorizing a runtime upgrade (anyone may then submit
/// the code with `system.apply_authorized_upgrade`) and recovering a stalled GRANDPA.
pub struct EnactableCalls;
impl Contains<RuntimeCall> for EnactableCalls {
	fn contains(call: &RuntimeCall) -> bool {
		matches!(
			call,
			RuntimeCall::System(
				frame_system::Call::authorize_upgrade { .. }
					| frame_system::Call::authorize_upgrade_without_checks { .. }
			) | RuntimeCall::Grandpa(pallet_grandpa::Call::note_stalled { .. })
		)
	}
}

impl pallet_consortium::Config for Runtime {
	type RuntimeCall = RuntimeCall;
	type ValidatorOrigin = CouncilTwoThirdsOrRoot;
	type EnactOrigin =
		pallet_collective::EnsureProportionAtLeast<AccountId, CouncilCollective, 2, 3>;
	type EnactableCalls = EnactableCalls;
	type SessionValidators = SessionValidators;
	type MaxValidators = ConstU32<32>;
	type WeightInfo = pallet_consortium::weights::SubstrateWeight<Runtime>;
}

impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = AccountId;
	type ValidatorIdOf = sp_runtime::traits::ConvertInto;
	type ShouldEndSession = pallet_session::PeriodicSessions<
		pallet_consortium::SessionLengthOf<Runtime>,
		frame_support::traits::ConstU32<0>,
	>;
	type NextSessionRotation = pallet_session::PeriodicSessions<
		pallet_consortium::SessionLengthOf<Runtime>,
		frame_support::traits::ConstU32<0>,
	>;
	type SessionManager = Consortium;
	type SessionHandler = <SessionKeys as sp_runtime::traits::OpaqueKeys>::KeyTypeIdProviders;
	type Keys = SessionKeys;
	// No offence reporting on this chain: nothing disables a validator but the council.
	type DisablingStrategy = ();
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	// No tokens: keys cost no deposit.
	type Currency = NoDeposits;
	type KeyDeposit = frame_support::traits::ConstU128<0>;
}

impl pallet_node_authorization::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type MaxWellKnownNodes = ConstU32<64>;
	type MaxPeerIdLength = ConstU32<128>;
	type AddOrigin = CouncilTwoThirdsOrRoot;
	type RemoveOrigin = CouncilTwoThirdsOrRoot;
	type SwapOrigin = CouncilTwoThirdsOrRoot;
	type ResetOrigin = CouncilTwoThirdsOrRoot;
	// The pallet ships no benchmarks; these are its authors' flat estimates.
	type WeightInfo = ();
}

impl pallet_badges::Config for Runtime {
	type AdminOrigin = CouncilTwoThirdsOrRoot;
	type Time = Timestamp;
	type TrustedSigners = TrustedSigners;
	type MaxNameLength = ConstU32<128>;
	type MaxUrlLength = ConstU32<256>;
	type MaxDescriptionLength = ConstU32<1024>;
	type MaxBatch = ConstU32<500>;
	// A yearly rotation for thirty years, with room for revocations.
	type MaxIssuerKeys = ConstU32<32>;
	type WeightInfo = pallet_badges::weights::SubstrateWeight<Runtime>;
}

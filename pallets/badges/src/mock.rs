//! A mock runtime for the pallet's tests and benchmark tests.

use crate as pallet_badges;
use frame_support::{derive_impl, parameter_types, traits::ConstU32};
use sp_core::{sr25519, Pair, H256};
use sp_keystore::{testing::MemoryKeystore, KeystoreExt};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

/// The account the mock trusts to sign anything (stands in for a sudo key).
pub const TRUSTED: u64 = 99;
/// A registered issuer.
pub const ISSUER: u64 = 1;
/// A second registered issuer.
pub const OTHER_ISSUER: u64 = 2;
/// A recipient's wallet account.
pub const HOLDER: u64 = 10;
/// An account with no business on the chain.
pub const STRANGER: u64 = 11;

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
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system::Pallet<Test>;

	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp::Pallet<Test>;

	#[runtime::pallet_index(2)]
	pub type Badges = pallet_badges::Pallet<Test>;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	/// Storage costs something, so that weights which count reads can be told apart.
	type DbWeight = frame_support::weights::constants::ParityDbWeight;
	type Block = Block;
}

#[derive_impl(pallet_timestamp::config_preludes::TestDefaultConfig)]
impl pallet_timestamp::Config for Test {}

parameter_types! {
	pub static MaxBatch: u32 = 500;
}

/// Trusts [`TRUSTED`] only.
pub struct TrustedSigners;
impl frame_support::traits::Contains<u64> for TrustedSigners {
	fn contains(who: &u64) -> bool {
		*who == TRUSTED
	}
}

impl pallet_badges::Config for Test {
	type AdminOrigin = frame_system::EnsureRoot<u64>;
	type Time = Timestamp;
	type TrustedSigners = TrustedSigners;
	type MaxNameLength = ConstU32<64>;
	type MaxUrlLength = ConstU32<128>;
	type MaxDescriptionLength = ConstU32<256>;
	type MaxBatch = MaxBatch;
	type MaxIssuerKeys = ConstU32<4>;
	type WeightInfo = ();
}

/// Builds test externalities with two issuers and a keystore (benchmarks sign in it).
#[derive(Default)]
pub struct ExtBuilder;

impl ExtBuilder {
	/// The externalities: issuers [`ISSUER`] and [`OTHER_ISSUER`], time 1,000,000 ms, block 1.
	pub fn build(self) -> sp_io::TestExternalities {
		let storage = RuntimeGenesisConfig {
			badges: pallet_badges::GenesisConfig {
				issuers: vec![
					(
						ISSUER,
						b"Digital Agency".to_vec(),
						b"https://agency.example.jp".to_vec(),
					),
					(
						OTHER_ISSUER,
						b"Other Ministry".to_vec(),
						b"https://other.example.jp".to_vec(),
					),
				],
				generated_badges: None,
			},
			..Default::default()
		}
		.build_storage()
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
		ext.execute_with(|| {
			System::set_block_number(1);
			Timestamp::set_timestamp(1_000_000);
		});
		ext
	}

	/// Runs `test`, then checks the storage invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			Badges::do_try_state().expect("storage invariants hold after the test");
		})
	}
}

/// Externalities for the benchmark test suite.
#[cfg(feature = "runtime-benchmarks")]
pub fn new_test_ext() -> sp_io::TestExternalities {
	ExtBuilder.build()
}

/// A deterministic claim key pair for recipient number `n`.
pub fn claim_pair(n: u8) -> sr25519::Pair {
	sr25519::Pair::from_seed(&[n; 32])
}

/// A recipient commitment for recipient number `n`.
pub fn recipient(n: u8) -> H256 {
	H256::repeat_byte(n)
}

/// The receipt proof of `pair` for `badge` received by `receiver`.
pub fn proof(pair: &sr25519::Pair, badge: &H256, receiver: u64) -> sr25519::Signature {
	let genesis = System::block_hash(0);
	pair.sign(&crate::receipt_payload(genesis.as_ref(), badge, &receiver))
}

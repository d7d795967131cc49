//! TEMPORARY placeholder until `scripts/benchmark` generates this file.
use frame_support::weights::Weight;
/// Weight functions of the pallet.
pub trait WeightInfo {
	/// Weight of `register_issuer`.
	fn register_issuer() -> Weight;
	/// Weight of `update_issuer_profile`.
	fn update_issuer_profile() -> Weight;
	/// Weight of `suspend_issuer`.
	fn suspend_issuer() -> Weight;
	/// Weight of `reinstate_issuer`.
	fn reinstate_issuer() -> Weight;
	/// Weight of `create_class`.
	fn create_class() -> Weight;
	/// Weight of `retire_class`.
	fn retire_class() -> Weight;
	/// Weight of `issue`.
	fn issue() -> Weight;
	/// Weight of `issue_batch`.
	fn issue_batch(n: u32, ) -> Weight;
	/// Weight of `receive`.
	fn receive() -> Weight;
	/// Weight of `set_disclosure`.
	fn set_disclosure() -> Weight;
	/// Weight of `revoke`.
	fn revoke() -> Weight;
	/// Weight of `force_revoke`.
	fn force_revoke() -> Weight;
	/// Weight of `check_badge_access`.
	fn check_badge_access() -> Weight;
}
impl WeightInfo for () {
	fn register_issuer() -> Weight { Weight::from_parts(1, 0) }
	fn update_issuer_profile() -> Weight { Weight::from_parts(1, 0) }
	fn suspend_issuer() -> Weight { Weight::from_parts(1, 0) }
	fn reinstate_issuer() -> Weight { Weight::from_parts(1, 0) }
	fn create_class() -> Weight { Weight::from_parts(1, 0) }
	fn retire_class() -> Weight { Weight::from_parts(1, 0) }
	fn issue() -> Weight { Weight::from_parts(1, 0) }
	fn issue_batch(_n: u32, ) -> Weight { Weight::from_parts(1, 0) }
	fn receive() -> Weight { Weight::from_parts(1, 0) }
	fn set_disclosure() -> Weight { Weight::from_parts(1, 0) }
	fn revoke() -> Weight { Weight::from_parts(1, 0) }
	fn force_revoke() -> Weight { Weight::from_parts(1, 0) }
	fn check_badge_access() -> Weight { Weight::from_parts(1, 0) }
}
/// Placeholder.
pub struct SubstrateWeight<T>(core::marker::PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_issuer() -> Weight { Weight::from_parts(1, 0) }
	fn update_issuer_profile() -> Weight { Weight::from_parts(1, 0) }
	fn suspend_issuer() -> Weight { Weight::from_parts(1, 0) }
	fn reinstate_issuer() -> Weight { Weight::from_parts(1, 0) }
	fn create_class() -> Weight { Weight::from_parts(1, 0) }
	fn retire_class() -> Weight { Weight::from_parts(1, 0) }
	fn issue() -> Weight { Weight::from_parts(1, 0) }
	fn issue_batch(_n: u32, ) -> Weight { Weight::from_parts(1, 0) }
	fn receive() -> Weight { Weight::from_parts(1, 0) }
	fn set_disclosure() -> Weight { Weight::from_parts(1, 0) }
	fn revoke() -> Weight { Weight::from_parts(1, 0) }
	fn force_revoke() -> Weight { Weight::from_parts(1, 0) }
	fn check_badge_access() -> Weight { Weight::from_parts(1, 0) }
}

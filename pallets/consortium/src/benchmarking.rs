//! Benchmarks (v2) of every call, each in its worst case.

use super::*;
use alloc::{boxed::Box, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::traits::{EnsureOrigin, Get};

/// Fill the set with `n` validators.
fn fill<T: Config>(n: u32) -> Vec<T::AccountId> {
	let set: Vec<T::AccountId> = (0..n).map(|i| account("validator", i, 0)).collect();
	Validators::<T>::put(
		ValidatorsOf::<T>::try_from(set.clone()).expect("n is at most MaxValidators; qed"),
	);
	set
}

#[benchmarks(where <T as Config>::RuntimeCall: From<frame_system::Call<T>>)]
mod benchmarks {
	use super::*;

	/// Worst case: the set holds `MaxValidators - 1` (the duplicate check scans them all) and the
	/// new account needs a provider reference.
	#[benchmark]
	fn add_validator() -> Result<(), BenchmarkError> {
		let origin =
			T::ValidatorOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		fill::<T>(T::MaxValidators::get() - 1);
		let new: T::AccountId = account("new", 0, 0);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, new.clone());

		assert!(Pallet::<T>::is_validator(&new));
		Ok(())
	}

	/// Worst case: a full set, removing its last member.
	#[benchmark]
	fn remove_validator() -> Result<(), BenchmarkError> {
		let origin =
			T::ValidatorOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let set = fill::<T>(T::MaxValidators::get());
		let last = set.last().expect("MaxValidators is not zero; qed").clone();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, last.clone());

		assert!(!Pallet::<T>::is_validator(&last));
		Ok(())
	}

	/// The overhead of enacting a Root call, measured with `system.authorize_upgrade` (the
	/// call's own weight is added to it).
	#[benchmark]
	fn enact() -> Result<(), BenchmarkError> {
		let origin =
			T::EnactOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let call: <T as Config>::RuntimeCall = frame_system::Call::<T>::authorize_upgrade {
			code_hash: T::Hash::default(),
		}
		.into();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, Box::new(call));

		assert!(frame_system::Pallet::<T>::authorized_upgrade().is_some());
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}

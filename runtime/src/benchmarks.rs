//! The pallets whose benchmarks `benchmark pallet` runs against this runtime.

frame_benchmarking::define_benchmarks!(
	[pallet_badges, Badges]
	[pallet_consortium, Consortium]
);

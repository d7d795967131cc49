//! The pallets whose benchmarks `benchmark pallet` runs against this runtime.

frame_benchmarking::define_benchmarks!(
	[frame_system, SystemBench::<Runtime>]
	[frame_system_extensions, SystemExtensionsBench::<Runtime>]
	[pallet_badges, Badges]
	[pallet_consortium, Consortium]
);

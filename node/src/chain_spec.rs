//! Chain specifications: built from the runtime's genesis presets, so that the node, the
//! committed files in `chain-specs/` and `chain-spec-builder` agree.

use sc_service::ChainType;

/// The node's chain spec type (no client extensions).
pub type ChainSpec = sc_service::GenericChainSpec;

pub(crate) fn wasm() -> Result<&'static [u8], String> {
	badge_runtime::WASM_BINARY.ok_or_else(|| {
		"The runtime WASM is not available: this binary was built with SKIP_WASM_BUILD".to_string()
	})
}

fn properties() -> sc_service::Properties {
	let mut properties = sc_service::Properties::new();
	properties.insert("ss58Format".into(), 42.into());
	properties
}

/// `dev`: one validator (Alice) that finalizes alone; Alice is the council of one.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("Open Badge Development")
		.with_id("open_badge_dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// `local`: four validators (Alice, Bob, Charlie, Dave) on loopback, also the council; only
/// their four nodes (network keys 1 to 4) are authorized.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("Open Badge Local Testnet")
		.with_id("open_badge_local")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name(
			badge_runtime::genesis_config_presets::LOCAL_TESTNET_RUNTIME_PRESET,
		)
		.with_properties(properties())
		.build())
}

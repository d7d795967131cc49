//! The client library's committed metadata must be this runtime's: a runtime change that
//! alters calls, events, errors, storage or APIs fails here until the metadata is regenerated
//! with `UPDATE_METADATA=1 cargo test -p badge-runtime --test metadata`.

use badge_runtime::Runtime;
use std::path::PathBuf;

/// The metadata version the client is generated from.
const VERSION: u32 = 16;

fn committed() -> PathBuf {
	PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../rpc-client/client/artifacts/metadata.scale")
}

#[test]
fn committed_client_metadata_matches_the_runtime() {
	let metadata = Runtime::metadata_at_version(VERSION).expect("the runtime serves v16 metadata");
	let bytes: &[u8] = &metadata;
	let path = committed();
	if std::env::var_os("UPDATE_METADATA").is_some() {
		std::fs::write(&path, bytes).expect("write the metadata file");
	}
	let on_disk = std::fs::read(&path).unwrap_or_default();
	assert!(
		on_disk == bytes,
		"{} is stale: regenerate it with `UPDATE_METADATA=1 cargo test -p badge-runtime --test metadata`",
		path.display()
	);
}

#[test]
fn metadata_names_badge_calls_events_and_errors_with_docs() {
	use codec::Decode;
	use frame_metadata::{RuntimeMetadata, RuntimeMetadataPrefixed};
	let metadata = Runtime::metadata_at_version(VERSION).expect("v16 metadata");
	let prefixed = RuntimeMetadataPrefixed::decode(&mut &metadata[..]).expect("metadata decodes");
	let RuntimeMetadata::V16(v16) = prefixed.1 else {
		panic!("not v16")
	};
	let badges = v16
		.pallets
		.iter()
		.find(|p| p.name == "Badges")
		.expect("Badges pallet");
	assert!(!badges.docs.is_empty(), "the pallet has docs");
	let types = &v16.types;
	for (what, ty) in [
		("calls", badges.calls.as_ref().map(|c| c.ty.id)),
		("events", badges.event.as_ref().map(|e| e.ty.id)),
		("errors", badges.error.as_ref().map(|e| e.ty.id)),
	] {
		let ty = types.resolve(ty.expect(what)).expect("type in registry");
		let scale_info::TypeDef::Variant(variants) = &ty.type_def else {
			panic!("{what}: not an enum")
		};
		assert!(!variants.variants.is_empty(), "{what} are listed");
		for v in &variants.variants {
			assert!(!v.docs.is_empty(), "{what}: `{}` has no docs", v.name);
		}
	}
}

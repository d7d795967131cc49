//! The subxt macro reads `artifacts/metadata.scale` at compile time without telling cargo;
//! rebuild this crate whenever the committed metadata changes.
fn main() {
	println!("cargo:rerun-if-changed=artifacts/metadata.scale");
}

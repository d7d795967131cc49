//! # badge-credential
//!
//! Open Badges documents for badges on the Open Badge chain:
//!
//! - [`ob3::credential`]: the OB 3.0 `OpenBadgeCredential` (VC data model 2.0);
//! - [`proof`]: the `eddsa-rdfc-2022` Data Integrity cryptosuite over canonical N-Quads, checked
//!   against the specification's known-answer vector;
//! - [`contexts`]: the JSON-LD contexts, bundled and pinned by SHA-256 (nothing is fetched);
//! - [`ob2::assertion`]: the OB 2.0 `Assertion` for older backpacks;
//! - [`dates`]: chain time (ms) to and from ISO 8601;
//! - [`baking`]: a credential baked into a badge's PNG or SVG image, and read back.
//!
//! - [`canon`]: JSON-LD expansion and RDFC-1.0 canonicalization (bundled contexts only);
//! - [`ob3::sign`], [`ob3::proof_claims`] and [`ob3::verify_signature`]: the proof on a
//!   credential; which keys may vouch for it is the chain's to say (`badge_client::trust`);
//! - [`did`]: issuers' `did:web` identities, their verification methods and DID documents;
//! - [`status`]: W3C Bitstring Status List entries and list credentials for revocation.

pub mod baking;
pub mod canon;
pub mod contexts;
pub mod dates;
pub mod did;
pub mod ob2;
pub mod ob3;
pub mod proof;
pub mod status;

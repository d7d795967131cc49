//! The sr25519 signatures this node has already found valid, so that the runtime checks each
//! transaction's signature once per node instead of twice.
//!
//! A validator checks a signed transaction's signature when its pool validates it (submitted
//! over RPC or gossiped) and again when it executes the transaction, building a block or
//! importing another validator's. Both checks are the runtime's `sp_io::crypto::sr25519_verify`,
//! a host function: this module overrides it (see [`HostFunctions`]) with one that remembers,
//! in a bounded least-recently-used set, the digests of the (public key, signature, message)
//! triples that verified, and answers `true` for a triple it holds without the curve
//! arithmetic. A signature check is a pure function of its triple, so the answer is always the
//! one the check would give: a triple is remembered only after it verified, under a 256-bit
//! BLAKE2 digest of all three, and a failed check is never remembered.
//!
//! Counted as `badges_sr25519_checks_total{outcome="cached"|"computed"}` once [`register`]ed.
//! `--signature-cache-size` bounds the set; 0 computes every check, as Substrate does
//! (docs/decisions/signature-cache.md).

use schnellru::{ByLength, LruMap};
use sp_core::{crypto::Pair as _, sr25519};
use sp_runtime_interface::{
	pass_by::{PassFatPointerAndRead, PassPointerAndRead},
	runtime_interface,
};
use std::sync::{LazyLock, Mutex, OnceLock};
use substrate_prometheus_endpoint::{
	register as add, CounterVec, Opts, PrometheusError, Registry, U64,
};

/// Verified triples remembered, once [`remember`] has set it; else
/// [`crate::cli::SIGNATURE_CACHE_SIZE`].
static REMEMBERED: OnceLock<u32> = OnceLock::new();

/// Remember at most `triples` verified triples (`--signature-cache-size`); 0 computes every
/// check, as Substrate's host function does. Effective only before the first check.
pub fn remember(triples: u32) {
	let _ = REMEMBERED.set(triples);
}

/// The host functions that replace `sp_io`'s `ext_crypto_sr25519_verify_version_{1,2}`: give
/// them to the executor after `sp_io::SubstrateHostFunctions` through
/// `sp_wasm_interface::ExtendedHostFunctions`, which lets the later set override the earlier.
pub type HostFunctions = crypto::HostFunctions;

/// The overriding host functions. The trait's name and the functions' names and versions are
/// what make the host functions' names, which must be `sp_io`'s. (The macro also makes native
/// functions calling them, which the node does not use.)
#[allow(dead_code)]
#[runtime_interface]
pub trait Crypto {
	/// Version 1 as `sp_io` has it (the deprecated check, which also accepts signatures of
	/// schnorrkel's old format): declared because a runtime interface's versions start at 1,
	/// not remembered.
	fn sr25519_verify(
		sig: PassPointerAndRead<&sr25519::Signature, 64>,
		msg: PassFatPointerAndRead<&[u8]>,
		pubkey: PassPointerAndRead<&sr25519::Public, 32>,
	) -> bool {
		sr25519::Pair::verify_deprecated(sig, msg, pubkey)
	}

	/// Version 2, the check every current runtime makes: answered from the set of verified
	/// triples when it holds this one.
	#[version(2)]
	fn sr25519_verify(
		sig: PassPointerAndRead<&sr25519::Signature, 64>,
		msg: PassFatPointerAndRead<&[u8]>,
		pub_key: PassPointerAndRead<&sr25519::Public, 32>,
	) -> bool {
		verify(sig, msg, pub_key)
	}
}

/// `sr25519::Pair::verify`, remembering in the node's set the triples that verified.
pub fn verify(sig: &sr25519::Signature, msg: &[u8], public: &sr25519::Public) -> bool {
	static VERIFIED: LazyLock<Option<Verified>> = LazyLock::new(|| {
		let remembered = *REMEMBERED.get_or_init(|| crate::cli::SIGNATURE_CACHE_SIZE);
		(remembered > 0).then(|| Verified::new(remembered))
	});
	match &*VERIFIED {
		Some(verified) => verified.verify(sig, msg, public),
		None => {
			count("computed");
			sr25519::Pair::verify(sig, msg, public)
		}
	}
}

/// A bounded set of the triples that verified, the least recently used forgotten first.
struct Verified(Mutex<LruMap<[u8; 32], ()>>);

impl Verified {
	fn new(remembered: u32) -> Self {
		Self(Mutex::new(LruMap::new(ByLength::new(remembered))))
	}

	/// `sr25519::Pair::verify`, answered from the set when it holds the triple.
	fn verify(&self, sig: &sr25519::Signature, msg: &[u8], public: &sr25519::Public) -> bool {
		let digest = digest(sig, msg, public);
		if self
			.0
			.lock()
			.expect("no check panics holding the lock")
			.get(&digest)
			.is_some()
		{
			count("cached");
			return true;
		}
		count("computed");
		let valid = sr25519::Pair::verify(sig, msg, public);
		if valid {
			self.0
				.lock()
				.expect("no check panics holding the lock")
				.insert(digest, ());
		}
		valid
	}
}

/// What identifies a triple: the BLAKE2-256 digest of the public key, the signature and the
/// message (the first two have fixed lengths, so no two triples make the same input).
fn digest(sig: &sr25519::Signature, msg: &[u8], public: &sr25519::Public) -> [u8; 32] {
	let mut input = Vec::with_capacity(96 + msg.len());
	input.extend_from_slice(public.as_ref());
	input.extend_from_slice(sig.as_ref());
	input.extend_from_slice(msg);
	sp_io::hashing::blake2_256(&input)
}

/// The checks counter, once registered.
static CHECKS: OnceLock<CounterVec<U64>> = OnceLock::new();

fn count(outcome: &str) {
	if let Some(checks) = CHECKS.get() {
		checks.with_label_values(&[outcome]).inc();
	}
}

/// Register `badges_sr25519_checks_total{outcome}` with the node's registry (once per process:
/// the counter is the process's, as the set is).
pub fn register(registry: &Registry) -> Result<(), PrometheusError> {
	if CHECKS.get().is_some() {
		return Ok(());
	}
	let checks = add(
		CounterVec::new(
			Opts::new(
				"badges_sr25519_checks_total",
				"sr25519 signature checks the runtime asked for, by outcome: cached (the node had \
				 found the same signature of the same message valid before) or computed",
			),
			&["outcome"],
		)?,
		registry,
	)?;
	let _ = CHECKS.set(checks);
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::Pair;

	fn held(
		set: &Verified,
		sig: &sr25519::Signature,
		msg: &[u8],
		public: &sr25519::Public,
	) -> bool {
		set.0
			.lock()
			.unwrap()
			.get(&digest(sig, msg, public))
			.is_some()
	}

	#[test]
	fn a_valid_signature_verifies_and_is_remembered() {
		let set = Verified::new(16);
		let pair = sr25519::Pair::from_seed(&[1; 32]);
		let sig = pair.sign(b"issue");
		assert!(!held(&set, &sig, b"issue", &pair.public()));
		assert!(set.verify(&sig, b"issue", &pair.public()));
		assert!(held(&set, &sig, b"issue", &pair.public()));
		assert!(
			set.verify(&sig, b"issue", &pair.public()),
			"answered from the set"
		);
	}

	#[test]
	fn an_invalid_signature_fails_every_time_and_is_never_remembered() {
		let set = Verified::new(16);
		let pair = sr25519::Pair::from_seed(&[2; 32]);
		let sig = pair.sign(b"another message");
		for _ in 0..2 {
			assert!(!set.verify(&sig, b"issue", &pair.public()));
			assert!(!held(&set, &sig, b"issue", &pair.public()));
		}
	}

	#[test]
	fn a_remembered_triple_vouches_for_no_other() {
		let set = Verified::new(16);
		let (pair, other) = (
			sr25519::Pair::from_seed(&[3; 32]),
			sr25519::Pair::from_seed(&[4; 32]),
		);
		let sig = pair.sign(b"issue");
		assert!(set.verify(&sig, b"issue", &pair.public()));
		// The same signature over another message or under another key, another key's
		// signature of the same message, and the signature with one bit changed.
		assert!(!set.verify(&sig, b"issue\0", &pair.public()));
		assert!(!set.verify(&sig, b"issu", &pair.public()));
		assert!(!set.verify(&sig, b"issue", &other.public()));
		assert!(!set.verify(&other.sign(b"issue"), b"issue", &pair.public()));
		let mut flipped = sig.0;
		flipped[0] ^= 1;
		assert!(!set.verify(
			&sr25519::Signature::from_raw(flipped),
			b"issue",
			&pair.public()
		));
	}

	#[test]
	fn answers_are_the_unremembering_checks_answers() {
		let set = Verified::new(8);
		let pair = sr25519::Pair::from_seed(&[5; 32]);
		// More triples than the set holds, each asked about twice, a third of them invalid.
		for i in 0..30u32 {
			let msg = i.to_le_bytes();
			let sig = if i % 3 == 0 {
				pair.sign(b"not this")
			} else {
				pair.sign(&msg)
			};
			for _ in 0..2 {
				assert_eq!(
					set.verify(&sig, &msg, &pair.public()),
					sr25519::Pair::verify(&sig, msg, &pair.public()),
					"triple {i}"
				);
			}
		}
	}

	#[test]
	fn the_set_is_bounded_and_forgets_the_least_recently_used() {
		let set = Verified::new(4);
		let pair = sr25519::Pair::from_seed(&[6; 32]);
		let signed: Vec<_> = (0..6u32)
			.map(|i| (i.to_le_bytes(), pair.sign(&i.to_le_bytes())))
			.collect();
		for (msg, sig) in &signed {
			assert!(set.verify(sig, msg, &pair.public()));
		}
		assert_eq!(set.0.lock().unwrap().len(), 4);
		let held: Vec<_> = signed
			.iter()
			.map(|(msg, sig)| held(&set, sig, msg, &pair.public()))
			.collect();
		assert_eq!(held, [false, false, true, true, true, true]);
		assert!(
			set.verify(&signed[0].1, &signed[0].0, &pair.public()),
			"verified again"
		);
	}

	#[test]
	fn the_node_wide_check_is_the_cached_one() {
		let pair = sr25519::Pair::from_seed(&[7; 32]);
		let sig = pair.sign(b"node-wide");
		assert!(verify(&sig, b"node-wide", &pair.public()));
		assert!(verify(&sig, b"node-wide", &pair.public()));
		assert!(!verify(&sig, b"node-wide!", &pair.public()));
	}
}

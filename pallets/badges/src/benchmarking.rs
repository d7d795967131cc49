//! Benchmarks (v2) of every call, each in its worst case.

use super::*;
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{EnsureOrigin, Get},
	BoundedVec,
};
use frame_system::RawOrigin;
use sp_core::{crypto::KeyTypeId, H256};

const CLAIM_KEY_TYPE: KeyTypeId = KeyTypeId(*b"bdge");
const IMAGE: Digest = [7u8; 32];

fn bounded<S: Get<u32>>(len: u32) -> BoundedVec<u8, S> {
	let len = len.min(S::get()) as usize;
	alloc::vec![b'a'; len]
		.try_into()
		.expect("length is clamped to the bound; qed")
}

fn full_profile<T: Config>() -> IssuerProfileOf<T> {
	IssuerProfile {
		name: bounded::<T::MaxNameLength>(u32::MAX),
		url: bounded::<T::MaxUrlLength>(u32::MAX),
		contact: Some(bounded::<T::MaxUrlLength>(u32::MAX)),
	}
}

fn issuer<T: Config>(seed: u32) -> T::AccountId {
	let who: T::AccountId = account("issuer", seed, 0);
	Pallet::<T>::do_register_issuer(who.clone(), full_profile::<T>())
		.expect("a fresh account registers; qed");
	who
}

fn class_of<T: Config>(who: &T::AccountId) -> ClassId {
	let class = NextClassId::<T>::get();
	Pallet::<T>::do_create_class(
		who.clone(),
		bounded::<T::MaxNameLength>(u32::MAX),
		bounded::<T::MaxDescriptionLength>(u32::MAX),
		Criteria::Url(bounded::<T::MaxUrlLength>(u32::MAX)),
		AchievementType::Badge,
		IMAGE,
	)
	.expect("an active issuer creates a class; qed");
	class
}

fn claim_key() -> ClaimKey {
	sp_io::crypto::sr25519_generate(CLAIM_KEY_TYPE, None)
}

/// Recipient commitment number `n`.
fn recipient(n: u32) -> H256 {
	let mut bytes = [0u8; 32];
	bytes[28..].copy_from_slice(&n.to_be_bytes());
	H256(bytes)
}

fn spec(n: u32, claim_key: ClaimKey) -> BadgeSpec {
	BadgeSpec {
		recipient: recipient(n),
		claim_key,
		expires_at: Some(u64::MAX),
		evidence: Some([1; 32]),
	}
}

/// An issued, unreceived badge of a fresh issuer and class, with the claim key that signs for it.
fn issued_badge<T: Config>() -> (T::AccountId, BadgeId, ClaimKey) {
	let who = issuer::<T>(0);
	let class = class_of::<T>(&who);
	let key = claim_key();
	Pallet::<T>::do_issue(who.clone(), class, core::iter::once(spec(0, key)))
		.expect("the issuer issues; qed");
	(who, badge_id(class, &recipient(0)), key)
}

fn sign_receipt<T: Config>(
	key: &ClaimKey,
	badge: &BadgeId,
	holder: &T::AccountId,
) -> ClaimSignature {
	let genesis = frame_system::Pallet::<T>::block_hash(
		frame_system::pallet_prelude::BlockNumberFor::<T>::default(),
	);
	let payload = receipt_payload(genesis.as_ref(), badge, holder);
	sp_io::crypto::sr25519_sign(CLAIM_KEY_TYPE, key, &payload)
		.expect("the key is in the keystore; qed")
}

/// A received badge and its holder.
fn received_badge<T: Config>() -> (T::AccountId, BadgeId, T::AccountId) {
	let (who, badge, key) = issued_badge::<T>();
	let holder: T::AccountId = account("holder", 0, 0);
	let proof = sign_receipt::<T>(&key, &badge, &holder);
	Pallet::<T>::do_receive(holder.clone(), badge, key, proof)
		.expect("the recipient receives; qed");
	(who, badge, holder)
}

/// Signing key number `n` (storage keeps any 32 bytes; none of these signs anything here).
fn signing_key(n: u32) -> CredentialKey {
	let mut bytes = [0u8; 32];
	bytes[..4].copy_from_slice(&n.to_le_bytes());
	CredentialKey::from_raw(bytes)
}

/// An issuer with as many keys as it may have but one, all current: the longest list a call
/// that adds a key reads and writes.
fn issuer_with_keys<T: Config>() -> T::AccountId {
	let who = issuer::<T>(0);
	for n in 0..T::MaxIssuerKeys::get().saturating_sub(1) {
		Pallet::<T>::do_add_issuer_key(who.clone(), signing_key(n), KeyPurpose::Credentials)
			.expect("the issuer has room for this key; qed");
	}
	who
}

/// The last key of [`issuer_with_keys`]: the one a search of the list finds last.
fn last_key<T: Config>() -> CredentialKey {
	signing_key(T::MaxIssuerKeys::get().saturating_sub(2))
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_issuer() -> Result<(), BenchmarkError> {
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let who: T::AccountId = account("issuer", 0, 0);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone(), full_profile::<T>());
		assert!(Issuers::<T>::contains_key(&who));
		Ok(())
	}

	#[benchmark]
	fn update_issuer_profile() {
		let who = issuer::<T>(0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), full_profile::<T>());
		assert!(Issuers::<T>::contains_key(&who));
	}

	#[benchmark]
	fn suspend_issuer() -> Result<(), BenchmarkError> {
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let who = issuer::<T>(0);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());
		assert_eq!(
			Issuers::<T>::get(&who).map(|i| i.status),
			Some(IssuerStatus::Suspended)
		);
		Ok(())
	}

	#[benchmark]
	fn reinstate_issuer() -> Result<(), BenchmarkError> {
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let who = issuer::<T>(0);
		Pallet::<T>::do_set_issuer_status(who.clone(), IssuerStatus::Suspended)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());
		assert_eq!(
			Issuers::<T>::get(&who).map(|i| i.status),
			Some(IssuerStatus::Active)
		);
		Ok(())
	}

	#[benchmark]
	fn create_class() {
		let who = issuer::<T>(0);
		#[extrinsic_call]
		_(
			RawOrigin::Signed(who),
			bounded::<T::MaxNameLength>(u32::MAX),
			bounded::<T::MaxDescriptionLength>(u32::MAX),
			Criteria::Url(bounded::<T::MaxUrlLength>(u32::MAX)),
			AchievementType::Badge,
			IMAGE,
		);
		assert!(Classes::<T>::contains_key(0));
	}

	#[benchmark]
	fn retire_class() {
		let who = issuer::<T>(0);
		let class = class_of::<T>(&who);
		#[extrinsic_call]
		_(RawOrigin::Signed(who), class);
		assert!(matches!(
			Classes::<T>::get(class).map(|c| c.status),
			Some(ClassStatus::Retired { .. })
		));
	}

	#[benchmark]
	fn issue() {
		let who = issuer::<T>(0);
		let class = class_of::<T>(&who);
		let s = spec(0, claim_key());
		#[extrinsic_call]
		_(RawOrigin::Signed(who), class, s);
		assert_eq!(BadgeCount::<T>::get(), 1);
	}

	#[benchmark]
	fn issue_batch(n: Linear<1, { T::MaxBatch::get() }>) {
		let who = issuer::<T>(0);
		let class = class_of::<T>(&who);
		let key = claim_key();
		let specs: Vec<BadgeSpec> = (0..n).map(|i| spec(i, key)).collect();
		let specs: BoundedVec<_, T::MaxBatch> =
			specs.try_into().expect("n is at most MaxBatch; qed");
		#[extrinsic_call]
		_(RawOrigin::Signed(who), class, specs);
		assert_eq!(BadgeCount::<T>::get(), n as u64);
	}

	#[benchmark]
	fn receive() {
		let (_, badge, key) = issued_badge::<T>();
		let holder: T::AccountId = account("holder", 0, 0);
		let proof = sign_receipt::<T>(&key, &badge, &holder);
		#[extrinsic_call]
		_(RawOrigin::Signed(holder.clone()), badge, key, proof);
		assert!(BadgesByHolder::<T>::contains_key(&holder, badge));
	}

	#[benchmark]
	fn set_disclosure() {
		let (_, badge, holder) = received_badge::<T>();
		#[extrinsic_call]
		_(
			RawOrigin::Signed(holder.clone()),
			badge,
			Disclosure::Private,
		);
		assert!(!BadgesByHolder::<T>::contains_key(&holder, badge));
	}

	#[benchmark]
	fn revoke() {
		let (who, badge, _) = received_badge::<T>();
		#[extrinsic_call]
		_(
			RawOrigin::Signed(who),
			badge,
			RevocationReason::Other,
			Some([2; 32]),
		);
		assert!(matches!(
			Badges::<T>::get(badge).map(|b| b.status),
			Some(BadgeStatus::Revoked { .. })
		));
	}

	#[benchmark]
	fn force_revoke() -> Result<(), BenchmarkError> {
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let (_, badge, _) = received_badge::<T>();
		#[extrinsic_call]
		_(
			origin as T::RuntimeOrigin,
			badge,
			RevocationReason::Other,
			Some([2; 32]),
		);
		assert!(matches!(
			Badges::<T>::get(badge).map(|b| b.status),
			Some(BadgeStatus::Revoked { .. })
		));
		Ok(())
	}

	#[benchmark]
	fn add_issuer_key() {
		let who = issuer_with_keys::<T>();
		let key = signing_key(u32::MAX);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), key, KeyPurpose::Credentials);
		let keys = IssuerKeys::<T>::get(&who).unwrap_or_default();
		assert_eq!(keys.len() as u32, T::MaxIssuerKeys::get());
	}

	#[benchmark]
	fn rotate_issuer_key() {
		let who = issuer_with_keys::<T>();
		let old = last_key::<T>();
		let new = signing_key(u32::MAX);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), old, new);
		let keys = IssuerKeys::<T>::get(&who).unwrap_or_default();
		assert_eq!(keys.last().map(|k| k.key), Some(new));
	}

	#[benchmark]
	fn revoke_issuer_key() {
		let who = issuer_with_keys::<T>();
		let key = last_key::<T>();
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), key);
		let keys = IssuerKeys::<T>::get(&who).unwrap_or_default();
		assert!(keys
			.iter()
			.any(|k| k.key == key && matches!(k.status, KeyStatus::Revoked { .. })));
	}

	#[benchmark]
	fn force_revoke_issuer_key() -> Result<(), BenchmarkError> {
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let who = issuer_with_keys::<T>();
		let key = last_key::<T>();
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone(), key);
		let keys = IssuerKeys::<T>::get(&who).unwrap_or_default();
		assert!(keys
			.iter()
			.any(|k| k.key == key && matches!(k.status, KeyStatus::Revoked { .. })));
		Ok(())
	}

	/// The costliest transaction validation: a receipt (badge and issuer reads, a signature
	/// check).
	#[benchmark]
	fn check_badge_access() {
		let (_, badge, key) = issued_badge::<T>();
		let holder: T::AccountId = account("holder", 0, 0);
		let proof = sign_receipt::<T>(&key, &badge, &holder);
		let call = Call::<T>::receive {
			badge,
			claim_key: key,
			proof,
		};
		#[block]
		{
			Pallet::<T>::authorize_signed(&holder, &call).expect("the proof is valid; qed");
		}
	}

	/// The costliest validation of any call but a receipt: an issuance (issuer, class and badge
	/// reads, the expiry against the chain's time; no signature check).
	#[benchmark]
	fn check_issuer_access() {
		let who = issuer::<T>(0);
		let class = class_of::<T>(&who);
		let call = Call::<T>::issue {
			class,
			spec: spec(0, claim_key()),
		};
		#[block]
		{
			Pallet::<T>::authorize_signed(&who, &call).expect("an active issuer issues; qed");
		}
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}

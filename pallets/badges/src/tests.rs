//! Unit tests: every call's success and each of its error paths, checked against the storage
//! invariants after every test.

use crate::mock::Badges;
use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, traits::GetCallName, BoundedVec};
use sp_core::{sr25519, Pair, H256};
use sp_runtime::{
	transaction_validity::{InvalidTransaction, TransactionValidityError},
	DispatchError,
};

fn signed(who: u64) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

fn profile(name: &str) -> IssuerProfileOf<Test> {
	IssuerProfile {
		name: name.as_bytes().to_vec().try_into().unwrap(),
		url: b"https://issuer.example.jp".to_vec().try_into().unwrap(),
		contact: Some(
			b"mailto:badges@issuer.example.jp"
				.to_vec()
				.try_into()
				.unwrap(),
		),
	}
}

const IMAGE: [u8; 32] = [7u8; 32];

fn create_class(issuer: u64) -> ClassId {
	let class = NextClassId::<Test>::get();
	assert_ok!(Badges::create_class(
		signed(issuer),
		b"Digital Promotion Committee member"
			.to_vec()
			.try_into()
			.unwrap(),
		b"Appointed as a committee member."
			.to_vec()
			.try_into()
			.unwrap(),
		Criteria::Url(
			b"https://agency.example.jp/criteria"
				.to_vec()
				.try_into()
				.unwrap()
		),
		AchievementType::Membership,
		IMAGE,
	));
	class
}

fn spec(n: u8) -> BadgeSpec {
	BadgeSpec {
		recipient: recipient(n),
		claim_key: claim_pair(n).public(),
		expires_at: None,
		evidence: None,
	}
}

fn issue(issuer: u64, class: ClassId, n: u8) -> BadgeId {
	assert_ok!(Badges::issue(signed(issuer), class, spec(n)));
	badge_id(class, &recipient(n))
}

/// The public claim key of badge number `n` (see [`spec`]).
fn key(n: u8) -> ClaimKey {
	claim_pair(n).public()
}

/// `holder` receives `badge` with claim key number `n`, which signs for it.
fn try_receive(badge: BadgeId, n: u8, holder: u64) -> frame_support::dispatch::DispatchResult {
	Badges::receive(
		signed(holder),
		badge,
		key(n),
		proof(&claim_pair(n), &badge, holder),
	)
}

fn receive(badge: BadgeId, n: u8, holder: u64) {
	assert_ok!(try_receive(badge, n, holder));
}

/// A class of [`ISSUER`] with one badge received by [`HOLDER`].
fn received_badge() -> BadgeId {
	let class = create_class(ISSUER);
	let badge = issue(ISSUER, class, 1);
	receive(badge, 1, HOLDER);
	badge
}

fn verdict(badge: BadgeId) -> Verdict {
	Badges::verify(badge, None).verdict
}

fn custom(e: Error<Test>) -> TransactionValidityError {
	InvalidTransaction::Custom(AccessError::code::<Test>(e)).into()
}

fn access(who: u64, call: crate::Call<Test>) -> Result<(), TransactionValidityError> {
	CheckBadgeAccess::<Test>::check(&who, &RuntimeCall::Badges(call))
}

/// Every item of a listing, following its cursor page by page (each page at most `limit`).
fn every_page(limit: usize, page: impl Fn(Option<BadgeId>) -> Page<BadgeId>) -> Vec<BadgeId> {
	let mut seen = Vec::new();
	let mut cursor = None;
	loop {
		let page = page(cursor);
		assert!(page.items.len() <= limit);
		seen.extend(page.items.iter().copied());
		match page.next {
			Some(next) => cursor = Some(next),
			None => return seen,
		}
	}
}

mod issuers {
	use super::*;

	#[test]
	fn admin_registers_an_issuer() {
		ExtBuilder.build_and_execute(|| {
			assert_ok!(Badges::register_issuer(
				RuntimeOrigin::root(),
				5,
				profile("Ministry")
			));
			let issuer = Issuers::<Test>::get(5).unwrap();
			assert_eq!(issuer.status, IssuerStatus::Active);
			assert_eq!(issuer.registered_at, 1_000_000);
			System::assert_last_event(
				Event::IssuerRegistered {
					issuer: 5,
					profile: profile("Ministry"),
				}
				.into(),
			);
		});
	}

	#[test]
	fn register_issuer_errors() {
		ExtBuilder.build_and_execute(|| {
			assert_noop!(
				Badges::register_issuer(signed(ISSUER), 5, profile("x")),
				DispatchError::BadOrigin
			);
			assert_noop!(
				Badges::register_issuer(RuntimeOrigin::root(), ISSUER, profile("again")),
				Error::<Test>::IssuerAlreadyExists
			);
			assert_noop!(
				Badges::register_issuer(RuntimeOrigin::root(), 5, profile("")),
				Error::<Test>::EmptyName
			);
		});
	}

	#[test]
	fn issuer_updates_its_profile() {
		ExtBuilder.build_and_execute(|| {
			assert_ok!(Badges::update_issuer_profile(
				signed(ISSUER),
				profile("Renamed")
			));
			assert_eq!(
				Issuers::<Test>::get(ISSUER).unwrap().profile,
				profile("Renamed")
			);
			System::assert_last_event(
				Event::IssuerProfileUpdated {
					issuer: ISSUER,
					profile: profile("Renamed"),
				}
				.into(),
			);
			assert_noop!(
				Badges::update_issuer_profile(signed(STRANGER), profile("x")),
				Error::<Test>::NotIssuer
			);
			assert_noop!(
				Badges::update_issuer_profile(signed(ISSUER), profile("")),
				Error::<Test>::EmptyName
			);
		});
	}

	#[test]
	fn suspend_and_reinstate() {
		ExtBuilder.build_and_execute(|| {
			assert_ok!(Badges::suspend_issuer(RuntimeOrigin::root(), ISSUER));
			System::assert_last_event(Event::IssuerSuspended { issuer: ISSUER }.into());
			assert_noop!(
				Badges::suspend_issuer(RuntimeOrigin::root(), ISSUER),
				Error::<Test>::IssuerSuspended
			);
			assert_ok!(Badges::reinstate_issuer(RuntimeOrigin::root(), ISSUER));
			System::assert_last_event(Event::IssuerReinstated { issuer: ISSUER }.into());
			assert_noop!(
				Badges::reinstate_issuer(RuntimeOrigin::root(), ISSUER),
				Error::<Test>::IssuerNotSuspended
			);
			assert_noop!(
				Badges::suspend_issuer(RuntimeOrigin::root(), STRANGER),
				Error::<Test>::NotIssuer
			);
			assert_noop!(
				Badges::reinstate_issuer(RuntimeOrigin::root(), STRANGER),
				Error::<Test>::NotIssuer
			);
			assert_noop!(
				Badges::suspend_issuer(signed(ISSUER), ISSUER),
				DispatchError::BadOrigin
			);
			assert_noop!(
				Badges::reinstate_issuer(signed(ISSUER), ISSUER),
				DispatchError::BadOrigin
			);
		});
	}

	#[test]
	fn a_suspended_issuer_can_do_nothing() {
		ExtBuilder.build_and_execute(|| {
			let class = create_class(ISSUER);
			let badge = issue(ISSUER, class, 1);
			assert_ok!(Badges::suspend_issuer(RuntimeOrigin::root(), ISSUER));
			assert_noop!(
				Badges::update_issuer_profile(signed(ISSUER), profile("x")),
				Error::<Test>::IssuerSuspended
			);
			assert_noop!(
				Badges::create_class(
					signed(ISSUER),
					b"n".to_vec().try_into().unwrap(),
					Default::default(),
					Criteria::NarrativeDigest([1; 32]),
					AchievementType::Badge,
					IMAGE
				),
				Error::<Test>::IssuerSuspended
			);
			assert_noop!(
				Badges::retire_class(signed(ISSUER), class),
				Error::<Test>::IssuerSuspended
			);
			assert_noop!(
				Badges::issue(signed(ISSUER), class, spec(2)),
				Error::<Test>::IssuerSuspended
			);
			assert_noop!(
				Badges::issue_batch(signed(ISSUER), class, vec![spec(2)].try_into().unwrap()),
				Error::<Test>::IssuerSuspended
			);
			assert_noop!(
				Badges::revoke(signed(ISSUER), badge, RevocationReason::Unspecified, None),
				Error::<Test>::IssuerSuspended
			);
			// Its badges cannot be received and verify as suspended.
			assert_noop!(
				try_receive(badge, 1, HOLDER),
				Error::<Test>::IssuerSuspended
			);
			assert_eq!(verdict(badge), Verdict::IssuerSuspended);
			// The pool refuses its transactions too.
			assert_eq!(
				access(ISSUER, crate::Call::retire_class { class }),
				Err(custom(Error::<Test>::IssuerSuspended))
			);
		});
	}
}

mod issuer_keys {
	use super::*;

	fn key(n: u8) -> CredentialKey {
		CredentialKey::from_raw([n; 32])
	}

	fn keys(issuer: u64) -> Vec<IssuerKey> {
		IssuerKeys::<Test>::get(issuer)
			.unwrap_or_default()
			.into_inner()
	}

	#[test]
	fn an_issuer_adds_keys_valid_from_now() {
		ExtBuilder.build_and_execute(|| {
			assert_ok!(Badges::add_issuer_key(
				signed(ISSUER),
				key(1),
				KeyPurpose::Credentials
			));
			System::assert_last_event(
				Event::IssuerKeyAdded {
					issuer: ISSUER,
					key: key(1),
					purpose: KeyPurpose::Credentials,
				}
				.into(),
			);
			Timestamp::set_timestamp(1_100_000);
			assert_ok!(Badges::add_issuer_key(
				signed(ISSUER),
				key(2),
				KeyPurpose::StatusLists
			));
			assert_eq!(
				keys(ISSUER),
				vec![
					IssuerKey::new(key(1), KeyPurpose::Credentials, 1_000_000),
					IssuerKey::new(key(2), KeyPurpose::StatusLists, 1_100_000),
				]
			);
			assert!(keys(OTHER_ISSUER).is_empty());
		});
	}

	#[test]
	fn adding_a_key_twice_or_beyond_the_bound_or_while_suspended_is_refused() {
		ExtBuilder.build_and_execute(|| {
			assert_ok!(Badges::add_issuer_key(
				signed(ISSUER),
				key(1),
				KeyPurpose::Credentials
			));
			assert_noop!(
				Badges::add_issuer_key(signed(ISSUER), key(1), KeyPurpose::StatusLists),
				Error::<Test>::IssuerKeyExists
			);
			// Another issuer may publish the same bytes: it vouches only for its own badges.
			assert_ok!(Badges::add_issuer_key(
				signed(OTHER_ISSUER),
				key(1),
				KeyPurpose::Credentials
			));
			for n in 2..=4 {
				assert_ok!(Badges::add_issuer_key(
					signed(ISSUER),
					key(n),
					KeyPurpose::Credentials
				));
			}
			assert_noop!(
				Badges::add_issuer_key(signed(ISSUER), key(5), KeyPurpose::Credentials),
				Error::<Test>::TooManyIssuerKeys
			);
			assert_noop!(
				Badges::rotate_issuer_key(signed(ISSUER), key(4), key(5)),
				Error::<Test>::TooManyIssuerKeys
			);
			assert_noop!(
				Badges::add_issuer_key(signed(STRANGER), key(9), KeyPurpose::Credentials),
				Error::<Test>::NotIssuer
			);
			assert_ok!(Badges::suspend_issuer(RuntimeOrigin::root(), OTHER_ISSUER));
			assert_noop!(
				Badges::add_issuer_key(signed(OTHER_ISSUER), key(9), KeyPurpose::Credentials),
				Error::<Test>::IssuerSuspended
			);
		});
	}

	#[test]
	fn rotation_ends_the_old_key_where_the_new_one_begins() {
		ExtBuilder.build_and_execute(|| {
			assert_ok!(Badges::add_issuer_key(
				signed(ISSUER),
				key(1),
				KeyPurpose::Credentials
			));
			Timestamp::set_timestamp(1_500_000);
			assert_ok!(Badges::rotate_issuer_key(signed(ISSUER), key(1), key(2)));
			System::assert_last_event(
				Event::IssuerKeyRotated {
					issuer: ISSUER,
					old: key(1),
					new: key(2),
				}
				.into(),
			);
			let [old, new] = keys(ISSUER).try_into().unwrap();
			assert_eq!(old.status, KeyStatus::Rotated { at: 1_500_000 });
			assert_eq!(
				new,
				IssuerKey::new(key(2), KeyPurpose::Credentials, 1_500_000)
			);
			// Every signature time is vouched for by exactly one of them.
			for t in [1_000_000, 1_499_999, 1_500_000, 9_000_000] {
				let vouching = [old, new]
					.iter()
					.filter(|k| k.vouches_for(KeyPurpose::Credentials, t).is_ok())
					.count();
				assert_eq!(vouching, 1, "at {t}");
			}
			assert_eq!(
				old.vouches_for(KeyPurpose::Credentials, 1_500_000),
				Err(KeyRefusal::Rotated)
			);
			assert_eq!(
				new.vouches_for(KeyPurpose::Credentials, 999_999),
				Err(KeyRefusal::NotYetValid)
			);
			assert_eq!(
				new.vouches_for(KeyPurpose::StatusLists, 2_000_000),
				Err(KeyRefusal::WrongPurpose)
			);
			assert_noop!(
				Badges::rotate_issuer_key(signed(ISSUER), key(1), key(3)),
				Error::<Test>::IssuerKeyNotCurrent
			);
			assert_noop!(
				Badges::rotate_issuer_key(signed(ISSUER), key(7), key(3)),
				Error::<Test>::IssuerKeyNotFound
			);
			assert_noop!(
				Badges::rotate_issuer_key(signed(ISSUER), key(2), key(1)),
				Error::<Test>::IssuerKeyExists
			);
		});
	}

	#[test]
	fn a_revoked_key_vouches_for_nothing_signed_from_its_revocation() {
		ExtBuilder.build_and_execute(|| {
			assert_ok!(Badges::add_issuer_key(
				signed(ISSUER),
				key(1),
				KeyPurpose::Credentials
			));
			Timestamp::set_timestamp(2_000_000);
			assert_ok!(Badges::revoke_issuer_key(signed(ISSUER), key(1)));
			System::assert_last_event(
				Event::IssuerKeyRevoked {
					issuer: ISSUER,
					key: key(1),
					by: RevokedBy::Issuer,
				}
				.into(),
			);
			let [revoked] = keys(ISSUER).try_into().unwrap();
			assert_eq!(
				revoked.status,
				KeyStatus::Revoked {
					at: 2_000_000,
					by: RevokedBy::Issuer
				}
			);
			assert_eq!(
				revoked.vouches_for(KeyPurpose::Credentials, 1_999_999),
				Ok(())
			);
			assert_eq!(
				revoked.vouches_for(KeyPurpose::Credentials, 2_000_000),
				Err(KeyRefusal::Revoked)
			);
			assert_noop!(
				Badges::revoke_issuer_key(signed(ISSUER), key(1)),
				Error::<Test>::IssuerKeyAlreadyRevoked
			);
			assert_noop!(
				Badges::rotate_issuer_key(signed(ISSUER), key(1), key(2)),
				Error::<Test>::IssuerKeyNotCurrent
			);
			assert_noop!(
				Badges::revoke_issuer_key(signed(OTHER_ISSUER), key(1)),
				Error::<Test>::IssuerKeyNotFound
			);
		});
	}

	#[test]
	fn revoking_a_rotated_key_revokes_it_from_its_rotation_not_from_now() {
		ExtBuilder.build_and_execute(|| {
			assert_ok!(Badges::add_issuer_key(
				signed(ISSUER),
				key(1),
				KeyPurpose::Credentials
			));
			Timestamp::set_timestamp(1_500_000);
			assert_ok!(Badges::rotate_issuer_key(signed(ISSUER), key(1), key(2)));
			Timestamp::set_timestamp(3_000_000);
			assert_ok!(Badges::force_revoke_issuer_key(
				RuntimeOrigin::root(),
				ISSUER,
				key(1)
			));
			System::assert_last_event(
				Event::IssuerKeyRevoked {
					issuer: ISSUER,
					key: key(1),
					by: RevokedBy::Admin,
				}
				.into(),
			);
			let old = keys(ISSUER)[0];
			assert_eq!(
				old.status,
				KeyStatus::Revoked {
					at: 1_500_000,
					by: RevokedBy::Admin
				}
			);
			// A signature dated between the rotation and the revocation was refused before
			// and stays refused.
			assert_eq!(
				old.vouches_for(KeyPurpose::Credentials, 2_000_000),
				Err(KeyRefusal::Revoked)
			);
		});
	}

	#[test]
	fn the_admin_revokes_any_issuers_key_and_a_suspended_issuer_its_own() {
		ExtBuilder.build_and_execute(|| {
			assert_ok!(Badges::add_issuer_key(
				signed(ISSUER),
				key(1),
				KeyPurpose::Credentials
			));
			assert_ok!(Badges::add_issuer_key(
				signed(ISSUER),
				key(2),
				KeyPurpose::StatusLists
			));
			assert_noop!(
				Badges::force_revoke_issuer_key(signed(OTHER_ISSUER), ISSUER, key(1)),
				DispatchError::BadOrigin
			);
			assert_noop!(
				Badges::force_revoke_issuer_key(RuntimeOrigin::root(), STRANGER, key(1)),
				Error::<Test>::NotIssuer
			);
			assert_ok!(Badges::suspend_issuer(RuntimeOrigin::root(), ISSUER));
			assert_ok!(Badges::revoke_issuer_key(signed(ISSUER), key(2)));
			assert_ok!(Badges::force_revoke_issuer_key(
				RuntimeOrigin::root(),
				ISSUER,
				key(1)
			));
			assert!(keys(ISSUER)
				.iter()
				.all(|k| matches!(k.status, KeyStatus::Revoked { .. })));
		});
	}

	#[test]
	fn key_calls_are_refused_in_the_pool_exactly_when_dispatch_would_refuse_them() {
		ExtBuilder.build_and_execute(|| {
			let add = |k| crate::Call::<Test>::add_issuer_key {
				key: key(k),
				purpose: KeyPurpose::Credentials,
			};
			assert_eq!(
				access(STRANGER, add(1)),
				Err(custom(Error::<Test>::NotIssuer))
			);
			assert_ok!(access(ISSUER, add(1)));
			assert_ok!(Badges::add_issuer_key(
				signed(ISSUER),
				key(1),
				KeyPurpose::Credentials
			));
			assert_eq!(
				access(ISSUER, add(1)),
				Err(custom(Error::<Test>::IssuerKeyExists))
			);
			let rotate = |old, new| crate::Call::<Test>::rotate_issuer_key {
				old: key(old),
				new: key(new),
			};
			assert_eq!(
				access(ISSUER, rotate(5, 6)),
				Err(custom(Error::<Test>::IssuerKeyNotFound))
			);
			assert_ok!(access(ISSUER, rotate(1, 2)));
			let revoke = |k| crate::Call::<Test>::revoke_issuer_key { key: key(k) };
			assert_eq!(
				access(OTHER_ISSUER, revoke(1)),
				Err(custom(Error::<Test>::IssuerKeyNotFound))
			);
			assert_eq!(
				access(STRANGER, revoke(1)),
				Err(custom(Error::<Test>::NotIssuer))
			);
			assert_ok!(access(ISSUER, revoke(1)));
			let force = crate::Call::<Test>::force_revoke_issuer_key {
				issuer: ISSUER,
				key: key(1),
			};
			assert_eq!(
				access(ISSUER, force.clone()),
				Err(custom(Error::<Test>::NotIssuer))
			);
			assert_ok!(access(TRUSTED, force));
		});
	}
}

mod classes {
	use super::*;

	#[test]
	fn issuer_creates_a_class() {
		ExtBuilder.build_and_execute(|| {
			let class = create_class(ISSUER);
			assert_eq!(class, 0);
			assert_eq!(NextClassId::<Test>::get(), 1);
			let details = Classes::<Test>::get(class).unwrap();
			assert_eq!(details.issuer, ISSUER);
			assert_eq!(details.image_digest, IMAGE);
			assert_eq!(details.status, ClassStatus::Active);
			assert_eq!(Issuers::<Test>::get(ISSUER).unwrap().classes, 1);
			System::assert_last_event(
				Event::BadgeClassCreated {
					class,
					issuer: ISSUER,
					details,
				}
				.into(),
			);
		});
	}

	#[test]
	fn create_class_errors() {
		ExtBuilder.build_and_execute(|| {
			let make = |who: u64, name: &[u8]| {
				Badges::create_class(
					signed(who),
					name.to_vec().try_into().unwrap(),
					Default::default(),
					Criteria::NarrativeDigest([1; 32]),
					AchievementType::Badge,
					IMAGE,
				)
			};
			assert_noop!(make(STRANGER, b"n"), Error::<Test>::NotIssuer);
			assert_noop!(make(ISSUER, b""), Error::<Test>::EmptyName);
			NextClassId::<Test>::put(ClassId::MAX);
			assert_noop!(make(ISSUER, b"n"), Error::<Test>::TooManyClasses);
			NextClassId::<Test>::put(0);
		});
	}

	#[test]
	fn retire_class_stops_issuance_but_keeps_badges_valid() {
		ExtBuilder.build_and_execute(|| {
			let badge = received_badge();
			let class = 0;
			assert_ok!(Badges::retire_class(signed(ISSUER), class));
			System::assert_last_event(
				Event::BadgeClassRetired {
					class,
					issuer: ISSUER,
				}
				.into(),
			);
			assert_eq!(
				Classes::<Test>::get(class).unwrap().status,
				ClassStatus::Retired { at: 1_000_000 }
			);
			assert_noop!(
				Badges::issue(signed(ISSUER), class, spec(2)),
				Error::<Test>::ClassRetired
			);
			assert_noop!(
				Badges::retire_class(signed(ISSUER), class),
				Error::<Test>::ClassRetired
			);
			assert_eq!(verdict(badge), Verdict::Valid);
		});
	}

	#[test]
	fn retire_class_errors() {
		ExtBuilder.build_and_execute(|| {
			let class = create_class(ISSUER);
			assert_noop!(
				Badges::retire_class(signed(ISSUER), 9),
				Error::<Test>::ClassNotFound
			);
			assert_noop!(
				Badges::retire_class(signed(OTHER_ISSUER), class),
				Error::<Test>::NotClassIssuer
			);
			assert_noop!(
				Badges::retire_class(signed(STRANGER), class),
				Error::<Test>::NotIssuer
			);
		});
	}
}

mod issuance {
	use super::*;

	#[test]
	fn issuer_issues_a_badge() {
		ExtBuilder.build_and_execute(|| {
			let class = create_class(ISSUER);
			let mut s = spec(1);
			s.expires_at = Some(2_000_000);
			s.evidence = Some([3; 32]);
			assert_ok!(Badges::issue(signed(ISSUER), class, s.clone()));
			let id = badge_id(class, &recipient(1));
			let badge = crate::Badges::<Test>::get(id).unwrap();
			assert_eq!(Badges::class_of(&id), class);
			assert_eq!(badge.claim, claim_digest(&s.claim_key));
			assert_eq!(badge.holder, None);
			assert_eq!(badge.issued_at, 1_000_000);
			assert_eq!(badge.expires_at, Some(2_000_000));
			assert_eq!(badge.disclosure, Disclosure::Public);
			assert_eq!(BadgeCount::<Test>::get(), 1);
			assert_eq!(Classes::<Test>::get(class).unwrap().issued, 1);
			System::assert_last_event(
				Event::BadgeIssued {
					badge: id,
					class,
					issuer: ISSUER,
				}
				.into(),
			);
			assert_eq!(verdict(id), Verdict::NotYetReceived);
		});
	}

	#[test]
	fn a_badge_not_yet_received_is_kept_within_its_trie_leaf() {
		// The storage trie keeps a value of 33 bytes or more in a node of its own under a
		// 32-byte hash: a record below that makes a badge one trie node, as long as its
		// compact status index takes at most two bytes (an issuer's first 16,384 badges).
		ExtBuilder.build_and_execute(|| {
			let class = create_class(ISSUER);
			let badge = issue(ISSUER, class, 1);
			let key = crate::Badges::<Test>::hashed_key_for(badge);
			let stored = sp_io::storage::get(&key).expect("the record");
			assert_eq!(stored.len(), 30);
			Issuers::<Test>::mutate(ISSUER, |i| i.as_mut().unwrap().issued = 16_383);
			let late = issue(ISSUER, class, 2);
			let key = crate::Badges::<Test>::hashed_key_for(late);
			let stored = sp_io::storage::get(&key).expect("the record");
			assert_eq!(stored.len(), 31);
			assert!((stored.len() as u32) < sp_core::storage::TRIE_VALUE_NODE_THRESHOLD);
			// Keep the invariant that an issuer's count is the number of its badges.
			Issuers::<Test>::mutate(ISSUER, |i| i.as_mut().unwrap().issued = 2);
			crate::Badges::<Test>::mutate(late, |b| b.as_mut().unwrap().status_index = 1);
		});
	}

	#[test]
	fn each_issuers_badges_are_numbered_for_status_lists_in_issuance_order() {
		ExtBuilder.build_and_execute(|| {
			let class = create_class(ISSUER);
			let other_class = create_class(ISSUER);
			let foreign = create_class(OTHER_ISSUER);
			let first = issue(ISSUER, class, 1);
			let theirs = issue(OTHER_ISSUER, foreign, 1);
			assert_ok!(Badges::issue_batch(
				signed(ISSUER),
				other_class,
				vec![spec(2), spec(3)].try_into().unwrap()
			));
			let index = |id| crate::Badges::<Test>::get(id).unwrap().status_index;
			assert_eq!(index(first), 0);
			assert_eq!(index(theirs), 0, "each issuer counts its own badges");
			assert_eq!(index(badge_id(other_class, &recipient(2))), 1);
			assert_eq!(index(badge_id(other_class, &recipient(3))), 2);
			// A batch refused as a whole numbers nothing: the next badge takes the next index.
			assert_noop!(
				Badges::issue_batch(
					signed(ISSUER),
					class,
					vec![spec(4), spec(1)].try_into().unwrap()
				),
				Error::<Test>::BadgeAlreadyExists
			);
			assert_eq!(index(issue(ISSUER, class, 4)), 3);
		});
	}

	#[test]
	fn badge_ids_are_deterministic_and_never_collide() {
		ExtBuilder.build_and_execute(|| {
			let class = create_class(ISSUER);
			let other_class = create_class(ISSUER);
			let a = issue(ISSUER, class, 1);
			assert_eq!(a, badge_id(class, &recipient(1)));
			// Same recipient, other class: another id.
			let b = issue(ISSUER, other_class, 1);
			assert_ne!(a, b);
			// Same class and recipient again: refused.
			assert_noop!(
				Badges::issue(signed(ISSUER), class, spec(1)),
				Error::<Test>::BadgeAlreadyExists
			);
		});
	}

	#[test]
	fn issue_errors() {
		ExtBuilder.build_and_execute(|| {
			let class = create_class(ISSUER);
			assert_noop!(
				Badges::issue(signed(STRANGER), class, spec(1)),
				Error::<Test>::NotIssuer
			);
			assert_noop!(
				Badges::issue(signed(ISSUER), 9, spec(1)),
				Error::<Test>::ClassNotFound
			);
			assert_noop!(
				Badges::issue(signed(OTHER_ISSUER), class, spec(1)),
				Error::<Test>::NotClassIssuer
			);
			let mut past = spec(1);
			past.expires_at = Some(1_000_000);
			assert_noop!(
				Badges::issue(signed(ISSUER), class, past),
				Error::<Test>::ExpiryInPast
			);
		});
	}

	#[test]
	fn batch_issues_up_to_max_batch() {
		ExtBuilder.build_and_execute(|| {
			let class = create_class(ISSUER);
			let max = <Test as Config>::MaxBatch::get();
			assert!(max >= 500);
			let specs: Vec<BadgeSpec> = (0..max)
				.map(|i| BadgeSpec {
					recipient: H256::from_low_u64_be(i as u64),
					claim_key: claim_pair(1).public(),
					expires_at: None,
					evidence: None,
				})
				.collect();
			assert_ok!(Badges::issue_batch(
				signed(ISSUER),
				class,
				specs.try_into().unwrap()
			));
			assert_eq!(BadgeCount::<Test>::get(), max as u64);
			assert_eq!(Classes::<Test>::get(class).unwrap().issued, max);
			assert_eq!(Issuers::<Test>::get(ISSUER).unwrap().issued, max);
			let issued = System::events()
				.iter()
				.filter(|r| matches!(r.event, RuntimeEvent::Badges(Event::BadgeIssued { .. })))
				.count();
			assert_eq!(issued, max as usize);
		});
	}

	#[test]
	fn batch_over_the_limit_does_not_decode() {
		ExtBuilder.build_and_execute(|| {
			let max = <Test as Config>::MaxBatch::get();
			let too_many: Vec<BadgeSpec> = (0..=max).map(|_| spec(1)).collect();
			let bounded: Result<BoundedVec<BadgeSpec, <Test as Config>::MaxBatch>, _> =
				too_many.clone().try_into();
			assert!(bounded.is_err());
			// Nor can such a call be decoded from the wire.
			use codec::{Decode, Encode};
			let encoded = (0u32, too_many).encode();
			let mut call = vec![7u8];
			call.extend(encoded);
			assert!(crate::Call::<Test>::decode(&mut &call[..]).is_err());
		});
	}

	#[test]
	fn batch_is_all_or_nothing() {
		ExtBuilder.build_and_execute(|| {
			let class = create_class(ISSUER);
			issue(ISSUER, class, 3);
			// Item 2 duplicates an existing badge: nothing of the batch is written.
			let batch = vec![spec(1), spec(2), spec(3), spec(4)];
			assert_noop!(
				Badges::issue_batch(signed(ISSUER), class, batch.try_into().unwrap()),
				Error::<Test>::BadgeAlreadyExists
			);
			// A duplicate inside the batch itself is caught too.
			let batch = vec![spec(5), spec(5)];
			assert_noop!(
				Badges::issue_batch(signed(ISSUER), class, batch.try_into().unwrap()),
				Error::<Test>::BadgeAlreadyExists
			);
			assert_eq!(BadgeCount::<Test>::get(), 1);
		});
	}

	#[test]
	fn counters_never_overflow() {
		ExtBuilder.build_and_execute(|| {
			let class = create_class(ISSUER);
			crate::Classes::<Test>::mutate(class, |c| c.as_mut().unwrap().issued = u32::MAX);
			assert_noop!(
				Badges::issue(signed(ISSUER), class, spec(1)),
				Error::<Test>::CounterOverflow
			);
			crate::Classes::<Test>::mutate(class, |c| c.as_mut().unwrap().issued = 0);
		});
	}

	#[test]
	fn batch_errors() {
		ExtBuilder.build_and_execute(|| {
			let class = create_class(ISSUER);
			assert_noop!(
				Badges::issue_batch(signed(ISSUER), class, Default::default()),
				Error::<Test>::EmptyBatch
			);
			assert_noop!(
				Badges::issue_batch(
					signed(OTHER_ISSUER),
					class,
					vec![spec(1)].try_into().unwrap()
				),
				Error::<Test>::NotClassIssuer
			);
			assert_noop!(
				Badges::issue_batch(signed(STRANGER), class, vec![spec(1)].try_into().unwrap()),
				Error::<Test>::NotIssuer
			);
		});
	}
}

mod receipt {
	use super::*;

	#[test]
	fn recipient_receives_with_the_claim_key() {
		ExtBuilder.build_and_execute(|| {
			let badge = received_badge();
			let record = crate::Badges::<Test>::get(badge).unwrap();
			assert_eq!(record.holder, Some(HOLDER));
			assert_eq!(record.disclosure, Disclosure::Public);
			System::assert_last_event(
				Event::BadgeReceived {
					badge,
					holder: HOLDER,
				}
				.into(),
			);
			assert!(BadgesByHolder::<Test>::contains_key(HOLDER, badge));
			assert_eq!(verdict(badge), Verdict::Valid);
		});
	}

	#[test]
	fn a_proof_seen_in_the_pool_is_useless_to_another_account() {
		ExtBuilder.build_and_execute(|| {
			let class = create_class(ISSUER);
			let badge = issue(ISSUER, class, 1);
			// The holder's pending transaction carries this proof...
			let seen = proof(&claim_pair(1), &badge, HOLDER);
			// ...a front-runner replays it from its own account: refused, in the pool and in a
			// block.
			assert_noop!(
				Badges::receive(signed(STRANGER), badge, key(1), seen),
				Error::<Test>::InvalidReceiptProof
			);
			assert_eq!(
				access(
					STRANGER,
					crate::Call::receive {
						badge,
						claim_key: key(1),
						proof: seen
					}
				),
				Err(custom(Error::<Test>::InvalidReceiptProof))
			);
			// The rightful transaction still goes through.
			assert_ok!(Badges::receive(signed(HOLDER), badge, key(1), seen));
		});
	}

	#[test]
	fn receive_errors() {
		ExtBuilder.build_and_execute(|| {
			let class = create_class(ISSUER);
			let badge = issue(ISSUER, class, 1);
			let good = proof(&claim_pair(1), &badge, HOLDER);
			assert_noop!(
				Badges::receive(signed(HOLDER), H256::zero(), key(1), good),
				Error::<Test>::BadgeNotFound
			);
			// Another claim key, whatever it signs.
			assert_noop!(
				try_receive(badge, 2, HOLDER),
				Error::<Test>::ClaimKeyMismatch
			);
			assert_eq!(
				access(
					HOLDER,
					crate::Call::receive {
						badge,
						claim_key: key(2),
						proof: proof(&claim_pair(2), &badge, HOLDER)
					}
				),
				Err(custom(Error::<Test>::ClaimKeyMismatch))
			);
			// The badge's key with a signature by another key.
			assert_noop!(
				Badges::receive(
					signed(HOLDER),
					badge,
					key(1),
					proof(&claim_pair(2), &badge, HOLDER)
				),
				Error::<Test>::InvalidReceiptProof
			);
			// A proof for another badge.
			let other = issue(ISSUER, class, 2);
			assert_noop!(
				Badges::receive(
					signed(HOLDER),
					badge,
					key(1),
					proof(&claim_pair(1), &other, HOLDER)
				),
				Error::<Test>::InvalidReceiptProof
			);
			assert_ok!(Badges::receive(signed(HOLDER), badge, key(1), good));
			// Received once only, by anyone.
			assert_noop!(
				Badges::receive(signed(HOLDER), badge, key(1), good),
				Error::<Test>::AlreadyReceived
			);
			assert_noop!(
				try_receive(badge, 1, STRANGER),
				Error::<Test>::AlreadyReceived
			);
			// Revoked and expired badges cannot be received.
			assert_ok!(Badges::revoke(
				signed(ISSUER),
				other,
				RevocationReason::Unspecified,
				None
			));
			assert_noop!(try_receive(other, 2, HOLDER), Error::<Test>::BadgeRevoked);
			let mut expiring = spec(3);
			expiring.expires_at = Some(1_500_000);
			assert_ok!(Badges::issue(signed(ISSUER), class, expiring));
			let third = badge_id(class, &recipient(3));
			Timestamp::set_timestamp(1_500_000);
			assert_noop!(try_receive(third, 3, HOLDER), Error::<Test>::BadgeExpired);
		});
	}

	#[test]
	fn there_is_no_transfer() {
		ExtBuilder.build_and_execute(|| {
			let badge = received_badge();
			// No call of the pallet names a new owner: the only call that sets a holder is
			// `receive`, and it refuses a received badge even with a valid proof for the
			// new account.
			assert_noop!(
				try_receive(badge, 1, STRANGER),
				Error::<Test>::AlreadyReceived
			);
			let names: Vec<&str> = crate::Call::<Test>::get_call_names().to_vec();
			assert!(names.iter().all(|n| !n.contains("transfer")), "{names:?}");
			assert_eq!(
				crate::Badges::<Test>::get(badge).unwrap().holder,
				Some(HOLDER)
			);
		});
	}
}

mod disclosure {
	use super::*;

	#[test]
	fn holder_switches_private_and_back() {
		ExtBuilder.build_and_execute(|| {
			let badge = received_badge();
			assert_ok!(Badges::set_disclosure(
				signed(HOLDER),
				badge,
				Disclosure::Private
			));
			System::assert_last_event(
				Event::DisclosureChanged {
					badge,
					holder: HOLDER,
					disclosure: Disclosure::Private,
				}
				.into(),
			);
			// Gone from every listing...
			assert!(Badges::badges_by_holder(HOLDER, None, 10).items.is_empty());
			assert!(Badges::badges_by_class(0, None, 10).items.is_empty());
			assert!(Badges::badges_by_issuer(ISSUER, None, 10).items.is_empty());
			// ...still verifiable by id, without the holder.
			let v = Badges::verify(badge, None);
			assert_eq!(v.verdict, Verdict::Valid);
			let details = v.details.unwrap();
			assert_eq!(details.holder, None);
			assert_eq!(details.disclosure, Disclosure::Private);

			assert_ok!(Badges::set_disclosure(
				signed(HOLDER),
				badge,
				Disclosure::Public
			));
			assert_eq!(
				Badges::badges_by_holder(HOLDER, None, 10).items,
				vec![badge]
			);
			assert_eq!(Badges::badges_by_class(0, None, 10).items, vec![badge]);
			assert_eq!(
				Badges::badges_by_issuer(ISSUER, None, 10).items,
				vec![badge]
			);
			assert_eq!(
				Badges::verify(badge, None).details.unwrap().holder,
				Some(HOLDER)
			);
		});
	}

	#[test]
	fn only_the_holder_changes_disclosure() {
		ExtBuilder.build_and_execute(|| {
			let badge = received_badge();
			for who in [STRANGER, ISSUER] {
				assert_noop!(
					Badges::set_disclosure(signed(who), badge, Disclosure::Private),
					Error::<Test>::NotHolder
				);
				assert_eq!(
					access(
						who,
						crate::Call::set_disclosure {
							badge,
							disclosure: Disclosure::Private
						}
					),
					Err(custom(Error::<Test>::NotHolder))
				);
			}
			assert_noop!(
				Badges::set_disclosure(signed(HOLDER), badge, Disclosure::Public),
				Error::<Test>::DisclosureUnchanged
			);
			assert_noop!(
				Badges::set_disclosure(signed(HOLDER), H256::zero(), Disclosure::Private),
				Error::<Test>::BadgeNotFound
			);
			// Not yet received: nobody holds it.
			let unreceived = issue(ISSUER, 0, 2);
			assert_noop!(
				Badges::set_disclosure(signed(HOLDER), unreceived, Disclosure::Private),
				Error::<Test>::NotHolder
			);
		});
	}
}

mod revocation {
	use super::*;

	#[test]
	fn issuer_revokes_and_the_tombstone_stays() {
		ExtBuilder.build_and_execute(|| {
			let badge = received_badge();
			Timestamp::set_timestamp(1_200_000);
			assert_ok!(Badges::revoke(
				signed(ISSUER),
				badge,
				RevocationReason::NoLongerEligible,
				Some([9; 32])
			));
			System::assert_last_event(
				Event::BadgeRevoked {
					badge,
					issuer: ISSUER,
					reason: RevocationReason::NoLongerEligible,
					reason_digest: Some([9; 32]),
					by: RevokedBy::Issuer,
				}
				.into(),
			);
			assert_eq!(
				verdict(badge),
				Verdict::Revoked {
					at: 1_200_000,
					reason: RevocationReason::NoLongerEligible,
					reason_digest: Some([9; 32])
				}
			);
			// Its status index is now a set bit of its issuer's revocation list.
			let index = crate::Badges::<Test>::get(badge).unwrap().status_index;
			assert!(RevokedStatusIndices::<Test>::contains_key(ISSUER, index));
			assert_eq!(RevokedStatusIndices::<Test>::iter_keys().count(), 1);
			// Revoked differs from never issued.
			assert_eq!(verdict(H256::repeat_byte(0xee)), Verdict::NotFound);
			assert_noop!(
				Badges::revoke(signed(ISSUER), badge, RevocationReason::Unspecified, None),
				Error::<Test>::AlreadyRevoked
			);
			// The holder may still hide a revoked badge.
			assert_ok!(Badges::set_disclosure(
				signed(HOLDER),
				badge,
				Disclosure::Private
			));
		});
	}

	#[test]
	fn an_issuer_cannot_revoke_another_issuers_badge() {
		ExtBuilder.build_and_execute(|| {
			let badge = received_badge();
			assert_noop!(
				Badges::revoke(
					signed(OTHER_ISSUER),
					badge,
					RevocationReason::Misconduct,
					None
				),
				Error::<Test>::NotBadgeIssuer
			);
			assert_eq!(
				access(
					OTHER_ISSUER,
					crate::Call::revoke {
						badge,
						reason: RevocationReason::Misconduct,
						reason_digest: None
					}
				),
				Err(custom(Error::<Test>::NotBadgeIssuer))
			);
			assert_noop!(
				Badges::revoke(signed(HOLDER), badge, RevocationReason::Misconduct, None),
				Error::<Test>::NotIssuer
			);
			assert_noop!(
				Badges::revoke(
					signed(ISSUER),
					H256::zero(),
					RevocationReason::Misconduct,
					None
				),
				Error::<Test>::BadgeNotFound
			);
			assert_eq!(verdict(badge), Verdict::Valid);
		});
	}

	#[test]
	fn admin_force_revokes() {
		ExtBuilder.build_and_execute(|| {
			let badge = received_badge();
			assert_noop!(
				Badges::force_revoke(signed(ISSUER), badge, RevocationReason::Misconduct, None),
				DispatchError::BadOrigin
			);
			assert_ok!(Badges::force_revoke(
				RuntimeOrigin::root(),
				badge,
				RevocationReason::Misconduct,
				None
			));
			System::assert_last_event(
				Event::BadgeRevoked {
					badge,
					issuer: ISSUER,
					reason: RevocationReason::Misconduct,
					reason_digest: None,
					by: RevokedBy::Admin,
				}
				.into(),
			);
			let index = crate::Badges::<Test>::get(badge).unwrap().status_index;
			assert!(RevokedStatusIndices::<Test>::contains_key(ISSUER, index));
			assert_noop!(
				Badges::force_revoke(
					RuntimeOrigin::root(),
					badge,
					RevocationReason::Misconduct,
					None
				),
				Error::<Test>::AlreadyRevoked
			);
			assert_noop!(
				Badges::force_revoke(
					RuntimeOrigin::root(),
					H256::zero(),
					RevocationReason::Misconduct,
					None
				),
				Error::<Test>::BadgeNotFound
			);
		});
	}
}

mod verification {
	use super::*;

	#[test]
	fn verdicts_follow_their_precedence() {
		ExtBuilder.build_and_execute(|| {
			let class = create_class(ISSUER);
			let mut s = spec(1);
			s.expires_at = Some(3_000_000);
			assert_ok!(Badges::issue(signed(ISSUER), class, s));
			let badge = badge_id(class, &recipient(1));
			assert_eq!(verdict(badge), Verdict::NotYetReceived);
			receive(badge, 1, HOLDER);
			assert_eq!(Badges::verify(badge, Some(IMAGE)).verdict, Verdict::Valid);
			// A changed image is caught.
			assert_eq!(
				Badges::verify(badge, Some([8; 32])).verdict,
				Verdict::DesignMismatch
			);
			Timestamp::set_timestamp(3_000_000);
			assert_eq!(verdict(badge), Verdict::Expired { at: 3_000_000 });
			assert_ok!(Badges::suspend_issuer(RuntimeOrigin::root(), ISSUER));
			assert_eq!(verdict(badge), Verdict::IssuerSuspended);
			assert_ok!(Badges::force_revoke(
				RuntimeOrigin::root(),
				badge,
				RevocationReason::Superseded,
				None
			));
			assert!(matches!(verdict(badge), Verdict::Revoked { .. }));
			let details = Badges::verify(badge, None).details.unwrap();
			assert_eq!(details.class, class);
			assert_eq!(details.issuer, ISSUER);
			assert_eq!(details.image_digest, IMAGE);
		});
	}

	#[test]
	fn listings_page_through_everything_once() {
		ExtBuilder.build_and_execute(|| {
			let class = create_class(ISSUER);
			let mut all: Vec<BadgeId> = (1..=25).map(|n| issue(ISSUER, class, n)).collect();
			let mut seen = every_page(7, |cursor| Badges::badges_by_class(class, cursor, 7));
			all.sort();
			seen.sort();
			assert_eq!(seen, all);
			let by_issuer = Badges::badges_by_issuer(ISSUER, None, 1000);
			assert_eq!(by_issuer.items.len(), 25);
			assert_eq!(by_issuer.next, None);
			assert!(Badges::badges_by_issuer(OTHER_ISSUER, None, 10)
				.items
				.is_empty());
			// Unreceived badges are in nobody's holder listing.
			assert!(Badges::badges_by_holder(HOLDER, None, 10).items.is_empty());
		});
	}

	#[test]
	fn the_class_listing_skips_private_badges_a_bounded_stretch_at_a_time() {
		ExtBuilder.build_and_execute(|| {
			let class = create_class(ISSUER);
			let mut public = Vec::new();
			for n in 1..=30u8 {
				let badge = issue(ISSUER, class, n);
				if n % 3 == 0 {
					public.push(badge);
				} else {
					receive(badge, n, HOLDER);
					assert_ok!(Badges::set_disclosure(
						signed(HOLDER),
						badge,
						Disclosure::Private
					));
				}
			}
			// The badges of a class are one stretch of `Badges`: no entry of their own.
			let mut seen = every_page(2, |cursor| Badges::badges_by_class(class, cursor, 2));
			public.sort();
			seen.sort();
			assert_eq!(seen, public, "every public badge once, no private one");
			assert_eq!(Badges::badges_by_issuer(ISSUER, None, 1000).items, seen);

			// A page reads at most SCAN_PER_PAGE_ITEM badges per item asked for: a class of
			// private badges comes back as empty pages with a cursor, then an end.
			let hidden = create_class(ISSUER);
			for n in 31..=36u8 {
				let badge = issue(ISSUER, hidden, n);
				receive(badge, n, HOLDER);
				assert_ok!(Badges::set_disclosure(
					signed(HOLDER),
					badge,
					Disclosure::Private
				));
			}
			let first = Badges::badges_by_class(hidden, None, 1);
			assert!(first.items.is_empty());
			let cursor = first.next.expect("a cursor after the bounded read");
			assert_eq!(cursor[..CLASS_PREFIX_LEN], hidden.to_le_bytes());
			let second = Badges::badges_by_class(hidden, Some(cursor), 1);
			assert_eq!((second.items.len(), second.next), (0, None));
			// A badge of another class is no cursor for this one.
			assert!(Badges::badges_by_class(hidden, Some(public[0]), 10)
				.items
				.is_empty());
		});
	}

	#[test]
	fn the_issuer_listing_pages_through_all_its_classes_once() {
		ExtBuilder.build_and_execute(|| {
			let mut all = Vec::new();
			for class_number in 0..4u8 {
				let class = create_class(ISSUER);
				// Class 1 has no public badge: the walk must step over an empty class.
				for n in 1..=(if class_number == 1 {
					0
				} else {
					5 + class_number
				}) {
					all.push(issue(ISSUER, class, n));
				}
			}
			let other = create_class(OTHER_ISSUER);
			let foreign = issue(OTHER_ISSUER, other, 1);
			let mut seen = every_page(4, |cursor| Badges::badges_by_issuer(ISSUER, cursor, 4));
			assert_eq!(seen.len(), all.len(), "every badge once");
			all.sort();
			seen.sort();
			assert_eq!(seen, all);
			// A cursor from another issuer's listing gives nothing, not that issuer's badges.
			assert!(Badges::badges_by_issuer(ISSUER, Some(foreign), 10)
				.items
				.is_empty());
			assert_eq!(
				Badges::badges_by_issuer(OTHER_ISSUER, None, 10).items,
				vec![foreign]
			);
		});
	}
}

mod transaction_validation {
	use super::*;

	#[test]
	fn only_a_receipt_is_weighed_as_a_signature_check() {
		use sp_runtime::traits::TransactionExtension;
		ExtBuilder.build_and_execute(|| {
			let check = CheckBadgeAccess::<Test>::new();
			let receipt = RuntimeCall::Badges(crate::Call::receive {
				badge: H256::repeat_byte(1),
				claim_key: key(1),
				proof: sr25519::Signature::from_raw([0; 64]),
			});
			let issuance = RuntimeCall::Badges(crate::Call::issue {
				class: 0,
				spec: spec(0),
			});
			let remark = RuntimeCall::System(frame_system::Call::remark { remark: vec![1] });
			let signature = <() as WeightInfo>::check_badge_access();
			let reads = <() as WeightInfo>::check_issuer_access();
			assert_eq!(check.weight(&receipt), signature);
			assert_eq!(check.weight(&issuance), reads);
			assert_eq!(check.weight(&remark), reads);
			// The measured weights agree that a signature check costs more than the reads.
			assert!(signature.ref_time() > reads.ref_time());
		});
	}

	#[test]
	fn strangers_have_no_business_on_the_chain() {
		ExtBuilder.build_and_execute(|| {
			let remark = RuntimeCall::System(frame_system::Call::remark { remark: vec![1] });
			assert_eq!(
				CheckBadgeAccess::<Test>::check(&STRANGER, &remark),
				Err(InvalidTransaction::Custom(AccessError::NO_BUSINESS).into())
			);
			assert_ok!(CheckBadgeAccess::<Test>::check(&ISSUER, &remark));
			assert_ok!(CheckBadgeAccess::<Test>::check(&TRUSTED, &remark));
			// Admin calls from anyone but a trusted signer are refused.
			let register = crate::Call::register_issuer {
				issuer: 5,
				profile: profile("x"),
			};
			assert_eq!(
				access(ISSUER, register.clone()),
				Err(custom(Error::<Test>::NotIssuer))
			);
			assert_ok!(access(TRUSTED, register));
			assert_eq!(
				access(
					STRANGER,
					crate::Call::issue {
						class: 0,
						spec: spec(1)
					}
				),
				Err(custom(Error::<Test>::NotIssuer))
			);
		});
	}

	#[test]
	fn authorized_calls_pass_validation() {
		ExtBuilder.build_and_execute(|| {
			let class = create_class(ISSUER);
			assert_ok!(access(
				ISSUER,
				crate::Call::issue {
					class,
					spec: spec(1)
				}
			));
			assert_eq!(
				access(
					OTHER_ISSUER,
					crate::Call::issue {
						class,
						spec: spec(1)
					}
				),
				Err(custom(Error::<Test>::NotClassIssuer))
			);
			let badge = issue(ISSUER, class, 1);
			assert_eq!(
				access(
					ISSUER,
					crate::Call::issue {
						class,
						spec: spec(1)
					}
				),
				Err(custom(Error::<Test>::BadgeAlreadyExists))
			);
			let good = proof(&claim_pair(1), &badge, HOLDER);
			assert_ok!(access(
				HOLDER,
				crate::Call::receive {
					badge,
					claim_key: key(1),
					proof: good
				}
			));
			assert_ok!(access(
				ISSUER,
				crate::Call::revoke {
					badge,
					reason: RevocationReason::Unspecified,
					reason_digest: None
				}
			));
		});
	}

	#[test]
	fn custom_codes_are_error_indices() {
		assert_eq!(
			AccessError::code::<Test>(Error::<Test>::IssuerAlreadyExists),
			0
		);
		assert_eq!(AccessError::code::<Test>(Error::<Test>::NotIssuer), 1);
		assert_eq!(
			AccessError::code::<Test>(Error::<Test>::CounterOverflow),
			21
		);
	}
}

#[test]
fn claim_keys_sign_what_the_runtime_checks() {
	// The payload is the one documented for clients: blake2_256 of the SCALE tuple.
	use codec::Encode;
	let genesis = [0u8; 32];
	let badge = H256::repeat_byte(1);
	let expected = sp_io::hashing::blake2_256(
		&(b"openbadge/receive".as_slice(), &genesis[..], badge, 10u64).encode(),
	);
	assert_eq!(receipt_payload(&genesis, &badge, &10u64), expected);
	let pair = sr25519::Pair::from_seed(&[4; 32]);
	let sig = pair.sign(&expected);
	assert!(sr25519::Pair::verify(&sig, expected, &pair.public()));
}

mod genesis {
	use super::*;
	use codec::Encode;
	use sp_runtime::BuildStorage;

	#[test]
	fn generated_badges_are_issued_in_their_own_class_and_keep_the_invariants() {
		let storage = RuntimeGenesisConfig {
			badges: crate::GenesisConfig {
				issuers: vec![(
					ISSUER,
					b"Agency".to_vec(),
					b"https://agency.example.jp".to_vec(),
				)],
				generated_badges: Some((ISSUER, 300)),
			},
			..Default::default()
		}
		.build_storage()
		.unwrap();
		sp_io::TestExternalities::new(storage).execute_with(|| {
			let class = Classes::<Test>::get(0).expect("the generated class");
			assert_eq!(class.issuer, ISSUER);
			assert_eq!(class.name.to_vec(), b"Generated".to_vec());
			assert_eq!(class.issued, 300);
			assert_eq!(BadgeCount::<Test>::get(), 300);
			assert_eq!(Issuers::<Test>::get(ISSUER).unwrap().issued, 300);
			for n in [0, 1, 299] {
				let id = badge_id(0, &generated_recipient(n));
				let badge = crate::Badges::<Test>::get(id).expect("a generated badge");
				assert_eq!(
					badge.claim,
					claim_digest(&ClaimKey::from_raw(generated_recipient(n).0))
				);
				assert_eq!(badge.status, BadgeStatus::Active);
			}
			assert!(!crate::Badges::<Test>::contains_key(badge_id(
				0,
				&generated_recipient(300)
			)));
			assert_eq!(Badges::badges_by_class(0, None, 1000).items.len(), 300);
			Badges::do_try_state().expect("storage invariants hold at genesis");
		});
	}

	#[test]
	#[should_panic(expected = "generated badges need a genesis issuer")]
	fn generated_badges_of_an_unregistered_issuer_fail_the_genesis() {
		let _ = RuntimeGenesisConfig {
			badges: crate::GenesisConfig {
				issuers: vec![],
				generated_badges: Some((ISSUER, 1)),
			},
			..Default::default()
		}
		.build_storage();
	}

	#[test]
	fn generated_recipients_are_fixed() {
		// Tools derive the same recipients (the client library's `crypto::generated_recipient`
		// pins the same value): this pins the derivation.
		assert_eq!(
			generated_recipient(0),
			H256(sp_io::hashing::blake2_256(
				&(b"openbadge/generated".as_slice(), 0u32).encode()
			))
		);
		assert_eq!(
			format!("{:?}", generated_recipient(0)),
			"0x2b79a571fea4804eff7292dfc733d98a6a1462561e0ca07766c199638bbbe94a"
		);
		assert_ne!(generated_recipient(0), generated_recipient(1));
	}

	#[test]
	fn badge_ids_start_with_their_class_and_are_fixed() {
		// The client library's `crypto::badge_id` pins the same value.
		let id = badge_id(7, &generated_recipient(0));
		assert_eq!(
			format!("{id:?}"),
			"0x07000000ebb548620b3dbb3deb1c5f73c47e782c4977619741747e81d4b3f703"
		);
		assert_eq!(id[..CLASS_PREFIX_LEN], 7u32.to_le_bytes());
		// The rest is the head of the domain-separated digest of class and recipient.
		use codec::Encode;
		let digest =
			sp_io::hashing::blake2_256(&(BADGE_ID_DOMAIN, 7u32, generated_recipient(0)).encode());
		assert_eq!(id[CLASS_PREFIX_LEN..], digest[..32 - CLASS_PREFIX_LEN]);
	}
}

mod migrations {
	use super::*;
	use crate::migrations::{v6::MigrateV5ToV6, v7::MigrateV6ToV7};
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

	#[test]
	fn v6_to_v7_numbers_each_issuers_badges_and_records_the_revoked_ones() {
		use crate::migrations::v7::v6;
		ExtBuilder.build_and_execute(|| {
			let class = create_class(ISSUER);
			let foreign = create_class(OTHER_ISSUER);
			let mut ids = Vec::new();
			for (n, class, revoked) in [
				(1u8, class, false),
				(2, class, true),
				(3, foreign, false),
				(4, class, false),
			] {
				let id = badge_id(class, &recipient(n));
				v6::Badges::<Test>::insert(
					id,
					v6::Badge {
						claim: claim_digest(&key(n)),
						holder: None,
						issued_at: 1_000_000,
						expires_at: None,
						evidence: None,
						status: if revoked {
							BadgeStatus::Revoked {
								at: 1_000_000,
								reason: RevocationReason::IssuedInError,
								reason_digest: None,
								by: RevokedBy::Issuer,
							}
						} else {
							BadgeStatus::Active
						},
						disclosure: Disclosure::Public,
					},
				);
				ids.push(id);
			}
			Classes::<Test>::mutate(class, |c| c.as_mut().unwrap().issued = 3);
			Classes::<Test>::mutate(foreign, |c| c.as_mut().unwrap().issued = 1);
			Issuers::<Test>::mutate(ISSUER, |i| i.as_mut().unwrap().issued = 3);
			Issuers::<Test>::mutate(OTHER_ISSUER, |i| i.as_mut().unwrap().issued = 1);
			BadgeCount::<Test>::put(4);
			StorageVersion::new(5).put::<Badges>();

			// Each step runs only at its version, in order; v5 → v6 changes no value.
			MigrateV6ToV7::<Test>::on_runtime_upgrade();
			assert_eq!(Badges::on_chain_storage_version(), StorageVersion::new(5));
			MigrateV5ToV6::<Test>::on_runtime_upgrade();
			assert_eq!(Badges::on_chain_storage_version(), StorageVersion::new(6));
			MigrateV6ToV7::<Test>::on_runtime_upgrade();
			assert_eq!(Badges::on_chain_storage_version(), StorageVersion::new(7));

			let index = |id| crate::Badges::<Test>::get(id).unwrap().status_index;
			let mut ours: Vec<u32> = [ids[0], ids[1], ids[3]].into_iter().map(index).collect();
			ours.sort();
			assert_eq!(ours, vec![0, 1, 2]);
			assert_eq!(index(ids[2]), 0);
			assert_eq!(
				RevokedStatusIndices::<Test>::iter_keys().collect::<Vec<_>>(),
				vec![(ISSUER, index(ids[1]))]
			);
			// New badges continue from the issuer's count; a second run changes nothing.
			assert_eq!(index(issue(ISSUER, class, 5)), 3);
			let before: Vec<_> = crate::Badges::<Test>::iter().collect();
			MigrateV6ToV7::<Test>::on_runtime_upgrade();
			assert_eq!(crate::Badges::<Test>::iter().collect::<Vec<_>>(), before);
		});
	}
}

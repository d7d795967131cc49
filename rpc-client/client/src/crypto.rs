//! Off-chain cryptography of the badge registry, shared by issuers, wallets and verifiers:
//! recipient commitments, badge ids, claim keys and receipt proofs, image digests.
//!
//! Every function here mirrors the runtime's definition byte for byte (see the pallet's
//! `types.rs`), and the tests pin the encodings.

use codec::Encode;
use subxt::utils::{AccountId32, H256};
use subxt_signer::sr25519;

/// Domain separator of badge ids (as in the runtime).
const BADGE_ID_DOMAIN: &[u8] = b"openbadge/badge";
/// Domain separator of receipt proofs (as in the runtime).
const RECEIPT_DOMAIN: &[u8] = b"openbadge/receive";
/// Domain separator of the recipients of badges generated at genesis (as in the runtime).
const GENERATED_DOMAIN: &[u8] = b"openbadge/generated";

/// The salted recipient commitment stored on chain: SHA-256 of the folded e-mail address
/// ([`crate::recipient::fold_email`]) followed by the salt (the OB `IdentityObject` `identityHash`, whose text form is
/// `sha256$<hex>`). The e-mail itself never leaves the issuer and the wallet.
pub fn recipient_commitment(email: &str, salt: &str) -> H256 {
	let mut data = crate::recipient::fold_email(email).into_bytes();
	data.extend_from_slice(salt.as_bytes());
	H256(sp_crypto_hashing::sha2_256(&data))
}

/// The badge id of `recipient` in `class`: deterministic, so an issuer knows it before
/// submitting, and unique per (class, recipient commitment). The class (4 bytes,
/// little-endian) comes first, then 28 bytes of `blake2_256(SCALE(domain, class, recipient))`:
/// the chain keeps a class's badges together by their ids.
pub fn badge_id(class: u32, recipient: &H256) -> H256 {
	let digest = sp_crypto_hashing::blake2_256(&(BADGE_ID_DOMAIN, class, recipient.0).encode());
	let mut id = [0u8; 32];
	id[..4].copy_from_slice(&class.to_le_bytes());
	id[4..].copy_from_slice(&digest[..28]);
	H256(id)
}

/// Whether `badge` of `class` is the badge of `recipient`: its id commits to the recipient
/// commitment (the chain does not repeat it).
pub fn is_badge_of(badge: &H256, class: u32, recipient: &H256) -> bool {
	*badge == badge_id(class, recipient)
}

/// The recipient commitment of the `n`th badge a chain spec's `generatedBadges` issues at
/// genesis (benchmark and test networks), so a tool can name those badges: their ids are
/// [`badge_id`]`(class, &generated_recipient(n))`.
pub fn generated_recipient(n: u32) -> H256 {
	H256(sp_crypto_hashing::blake2_256(
		&(GENERATED_DOMAIN, n).encode(),
	))
}

/// The blake2-256 digest of an image's exact bytes: what a class pins as its design.
pub fn image_digest(image: &[u8]) -> [u8; 32] {
	sp_crypto_hashing::blake2_256(image)
}

/// What a claim key signs to let `receiver` receive `badge` on the chain with `genesis`.
pub fn receipt_payload(genesis: &H256, badge: &H256, receiver: &AccountId32) -> [u8; 32] {
	sp_crypto_hashing::blake2_256(
		&(RECEIPT_DOMAIN, genesis.0.as_slice(), badge.0, receiver.0).encode(),
	)
}

/// A per-badge claim key pair. The issuer puts its public half on chain with the badge and
/// hands the secret (the 32-byte seed, as hex) to the recipient off chain; the recipient's
/// wallet signs its receipt with it.
#[derive(Clone)]
pub struct ClaimKey {
	seed: [u8; 32],
	pair: sr25519::Keypair,
}

impl ClaimKey {
	/// A fresh random claim key.
	pub fn generate() -> Self {
		let mut seed = [0u8; 32];
		getrandom::fill(&mut seed).expect("the operating system provides randomness");
		Self::from_seed(seed)
	}

	/// The claim key with this seed.
	pub fn from_seed(seed: [u8; 32]) -> Self {
		let pair = sr25519::Keypair::from_secret_key(seed).expect("any 32 bytes are a valid seed");
		Self { seed, pair }
	}

	/// Parse a secret as written by [`ClaimKey::secret_hex`].
	pub fn from_secret_hex(secret: &str) -> Result<Self, crate::Error> {
		let bytes = hex::decode(secret.trim().trim_start_matches("0x"))
			.map_err(|e| crate::Error::InvalidInput(format!("claim secret is not hex: {e}")))?;
		let seed: [u8; 32] = bytes
			.try_into()
			.map_err(|_| crate::Error::InvalidInput("claim secret must be 32 bytes".into()))?;
		Ok(Self::from_seed(seed))
	}

	/// The secret to hand to the recipient (`0x` + 64 hex digits). Never put it on chain.
	pub fn secret_hex(&self) -> String {
		format!("0x{}", hex::encode(self.seed))
	}

	/// The public key stored with the badge.
	pub fn public(&self) -> [u8; 32] {
		self.pair.public_key().0
	}

	/// The digest of the public key that the badge's record keeps (blake2-128): a claim secret
	/// is the badge's exactly when its key's digest is this.
	pub fn digest(&self) -> [u8; 16] {
		sp_crypto_hashing::blake2_128(&self.public())
	}

	/// The proof that lets `receiver` (and only it) receive `badge`.
	pub fn receipt_proof(&self, genesis: &H256, badge: &H256, receiver: &AccountId32) -> [u8; 64] {
		self.pair.sign(&receipt_payload(genesis, badge, receiver)).0
	}
}

impl core::fmt::Debug for ClaimKey {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		// The secret is never printed.
		write!(f, "ClaimKey(public: 0x{})", hex::encode(self.public()))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn recipient_commitment_is_the_ob_identity_hash() {
		// The Open Badges specification's check value: sha256("a@example.com" + "Kosher").
		assert_eq!(
			hex::encode(recipient_commitment("a@example.com", "Kosher").0),
			"b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
		);
		// Case and surrounding blanks do not change who the recipient is.
		assert_eq!(
			recipient_commitment(" A@Example.com ", "Kosher"),
			recipient_commitment("a@example.com", "Kosher")
		);
	}

	#[test]
	fn badge_ids_match_the_runtime() {
		// The same value is pinned in the badge pallet's tests.
		let id = badge_id(7, &generated_recipient(0));
		assert_eq!(
			hex::encode(id.0),
			"07000000ebb548620b3dbb3deb1c5f73c47e782c4977619741747e81d4b3f703"
		);
		assert_eq!(id.0[..4], 7u32.to_le_bytes());
		assert_ne!(badge_id(8, &generated_recipient(0)), id);
		let digest = sp_crypto_hashing::blake2_256(
			&(BADGE_ID_DOMAIN, 7u32, generated_recipient(0).0).encode(),
		);
		assert_eq!(id.0[4..], digest[..28]);
		assert!(is_badge_of(&id, 7, &generated_recipient(0)));
		assert!(!is_badge_of(&id, 7, &generated_recipient(1)));
		assert!(!is_badge_of(&id, 8, &generated_recipient(0)));
	}

	#[test]
	fn generated_recipients_match_the_runtime() {
		// The same value is pinned in the badge pallet's tests.
		assert_eq!(
			hex::encode(generated_recipient(0).0),
			"2b79a571fea4804eff7292dfc733d98a6a1462561e0ca07766c199638bbbe94a"
		);
		assert_ne!(generated_recipient(0), generated_recipient(1));
	}

	#[test]
	fn claim_secrets_round_trip_and_are_never_printed() {
		let key = ClaimKey::generate();
		let again = ClaimKey::from_secret_hex(&key.secret_hex()).unwrap();
		assert_eq!(key.public(), again.public());
		assert!(!format!("{key:?}").contains(&key.secret_hex()[2..]));
		assert!(ClaimKey::from_secret_hex("0x1234").is_err());
		assert!(ClaimKey::from_secret_hex("not hex").is_err());
	}

	#[test]
	fn proofs_bind_the_receiving_account() {
		let key = ClaimKey::from_seed([5; 32]);
		let genesis = H256([1; 32]);
		let badge = H256([2; 32]);
		let alice = AccountId32([3; 32]);
		let mallory = AccountId32([4; 32]);
		let proof = sr25519::Signature(key.receipt_proof(&genesis, &badge, &alice));
		let public = sr25519::PublicKey(key.public());
		assert!(sr25519::verify(
			&proof,
			receipt_payload(&genesis, &badge, &alice),
			&public
		));
		assert!(!sr25519::verify(
			&proof,
			receipt_payload(&genesis, &badge, &mallory),
			&public
		));
	}
}

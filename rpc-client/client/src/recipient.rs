//! Who a badge is for: e-mail addresses as every part of the system keys them, and the recipient
//! material an issuer derives from its key for each (salt, claim key, commitment).
//!
//! One rule for an address, [`normalize_email`], serves the `badge` command, the wallet service
//! and the recipient commitment alike, so an address one part accepts is the same address in
//! every other part.

use crate::crypto;
use subxt::utils::H256;

/// Longest address accepted (RFC 5321's path limit less its angle brackets).
pub const MAX_EMAIL: usize = 254;
/// Longest local part (RFC 5321).
const MAX_LOCAL: usize = 64;
/// Longest domain label (RFC 1035).
const MAX_LABEL: usize = 63;

/// An address that is not one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{shown}` is not an e-mail address")]
pub struct InvalidEmail {
	/// The start of what was given (at most 64 characters).
	shown: String,
}

/// The form an address is kept and hashed in: trimmed and lower-cased. What
/// [`normalize_email`] returns for a valid address; lookups of addresses kept before use it too.
pub fn fold_email(raw: &str) -> String {
	raw.trim().to_lowercase()
}

/// `raw` folded ([`fold_email`]), if it is an e-mail address that mail servers deliver to: at
/// most 254 characters, one `@`; a local part of 1 to 64 of RFC 5322's atom characters in
/// dot-separated runs; a domain of at least two dot-separated labels of 1 to 63 letters, digits
/// and inner hyphens (an internationalized domain in its `xn--` form).
pub fn normalize_email(raw: &str) -> Result<String, InvalidEmail> {
	let email = fold_email(raw);
	let invalid = || InvalidEmail {
		shown: raw.trim().chars().take(64).collect(),
	};
	if email.len() > MAX_EMAIL {
		return Err(invalid());
	}
	let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
	let atom = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c);
	let local_ok = !local.is_empty()
		&& local.len() <= MAX_LOCAL
		&& local
			.split('.')
			.all(|run| !run.is_empty() && run.chars().all(atom));
	let labels: Vec<&str> = domain.split('.').collect();
	let domain_ok = labels.len() >= 2
		&& labels.iter().all(|label| {
			!label.is_empty()
				&& label.len() <= MAX_LABEL
				&& !label.starts_with('-')
				&& !label.ends_with('-')
				&& label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
		});
	if local_ok && domain_ok {
		Ok(email)
	} else {
		Err(invalid())
	}
}

/// What derives an issuer's per-recipient secrets: 32 bytes from `context`, stable across runs
/// and unknown to anyone without the issuer's key.
pub trait Derive {
	/// The 32 bytes of `context`.
	fn derive(&self, context: &[u8]) -> [u8; 32];
}

/// Salt, claim key and commitment for one recipient, derived from the issuer's key so that the
/// same input always gives the same badge (and a re-run finds it on chain).
pub struct Recipient {
	/// Salt (hex, 32 digits).
	pub salt: String,
	/// Claim key.
	pub claim: crypto::ClaimKey,
	/// Commitment stored on chain.
	pub commitment: H256,
}

/// A [`Recipient`] short of its claim key pair: enough to name the badge and write down its
/// claim secret. Cheap (three hashes); the pair's public key costs a scalar multiplication.
pub struct RecipientSeeds {
	/// Salt (hex, 32 digits).
	pub salt: String,
	/// The claim key's seed ([`crypto::ClaimKey::from_seed`]).
	pub claim_seed: [u8; 32],
	/// Commitment stored on chain.
	pub commitment: H256,
}

/// The [`Recipient`] of `email` (folded first) in `class` for the issuer whose key is `key`.
pub fn recipient(key: &impl Derive, class: u32, email: &str) -> Recipient {
	let seeds = recipient_seeds(key, class, email);
	Recipient {
		claim: crypto::ClaimKey::from_seed(seeds.claim_seed),
		salt: seeds.salt,
		commitment: seeds.commitment,
	}
}

/// The [`RecipientSeeds`] of `email` (folded first) in `class`: what [`recipient`] derives.
pub fn recipient_seeds(key: &impl Derive, class: u32, email: &str) -> RecipientSeeds {
	let folded = fold_email(email);
	let mut context = class.to_le_bytes().to_vec();
	context.extend_from_slice(folded.as_bytes());
	let salt_bytes = key.derive(&[b"salt".as_slice(), &context].concat());
	let salt = hex::encode(&salt_bytes[..16]);
	let claim_seed = key.derive(&[b"claim".as_slice(), &context].concat());
	let commitment = crypto::recipient_commitment(&folded, &salt);
	RecipientSeeds {
		salt,
		claim_seed,
		commitment,
	}
}

/// The on-chain commitment and the OB `identityHash` (`sha256$<hex>`) of an address and salt.
pub fn recipient_identity(email: &str, salt: &str) -> (H256, String) {
	let commitment = crypto::recipient_commitment(email, salt);
	(commitment, format!("sha256${}", hex::encode(commitment.0)))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn addresses_are_folded_and_checked_by_one_rule() {
		assert_eq!(
			normalize_email(" Applicant@Example.JP ").as_deref(),
			Ok("applicant@example.jp")
		);
		for good in [
			"a.b+c@mail.example.jp",
			"o'neil@example.com",
			"x_y-z@sub-domain.example.co.jp",
			"1@xn--eckwd4c7c.xn--zckzah",
		] {
			assert_eq!(normalize_email(good).as_deref(), Ok(good), "{good}");
		}
		let long_local = format!("{}@example.jp", "a".repeat(65));
		let long_label = format!("a@{}.jp", "b".repeat(64));
		let long = format!("{}@{}.jp", "a".repeat(64), "b.".repeat(100));
		for bad in [
			"",
			"no-at",
			"@example.jp",
			"a@",
			"a@b",
			"a@@b.jp",
			"a@b@c.jp",
			"a b@c.jp",
			"a@.jp",
			"a@b..jp",
			"a@b.jp.",
			"a@-b.jp",
			"a@b-.jp",
			".a@b.jp",
			"a.@b.jp",
			"a..b@c.jp",
			"\"a\"@b.jp",
			"a(b)@c.jp",
			"a@b_c.jp",
			"a@[127.0.0.1]",
			"申請者@example.jp",
			"a@例え.jp",
			long_local.as_str(),
			long_label.as_str(),
			long.as_str(),
		] {
			assert!(normalize_email(bad).is_err(), "{bad}");
		}
		let shown = normalize_email(&"x".repeat(300)).unwrap_err().to_string();
		assert_eq!(
			shown,
			format!("`{}` is not an e-mail address", "x".repeat(64))
		);
	}

	struct Key(&'static str);

	impl Derive for Key {
		fn derive(&self, context: &[u8]) -> [u8; 32] {
			sp_crypto_hashing::blake2_256(&[self.0.as_bytes(), context].concat())
		}
	}

	#[test]
	fn recipients_are_derived_deterministically() {
		let key = Key("issuer");
		let a = recipient(&key, 0, "Applicant@Example.jp");
		let b = recipient(&key, 0, " applicant@example.jp");
		assert_eq!(a.commitment, b.commitment);
		assert_eq!(a.claim.public(), b.claim.public());
		assert_eq!(a.salt.len(), 32);
		assert_ne!(
			recipient(&key, 1, "applicant@example.jp").commitment,
			a.commitment
		);
		assert_ne!(
			recipient(&Key("other"), 0, "applicant@example.jp").salt,
			a.salt
		);
		// The commitment is the OB identity hash of the e-mail and salt.
		let (commitment, hash) = recipient_identity("applicant@example.jp", &a.salt);
		assert_eq!(a.commitment, commitment);
		assert_eq!(hash, format!("sha256${}", hex::encode(commitment.0)));
	}
}

//! Secrets: the server key that encrypts holder keys and claim secrets at rest, single-use link
//! tokens (only their hash is stored), passwords (argon2) and custodial chain keys.

use argon2::{
	password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
	Argon2,
};
use chacha20poly1305::{
	aead::{Aead, KeyInit, Payload},
	XChaCha20Poly1305, XNonce,
};
use sha2::{Digest, Sha256};

/// Random bytes from the operating system.
pub fn random<const N: usize>() -> [u8; N] {
	let mut bytes = [0u8; N];
	getrandom::fill(&mut bytes).expect("the operating system provides randomness");
	bytes
}

/// A fresh link token (64 hex digits, 256 bits) and the hash to store for it.
pub fn new_token() -> (String, String) {
	let token = hex::encode(random::<32>());
	let hash = token_hash(&token);
	(token, hash)
}

/// The stored form of a token: its SHA-256 in hex.
pub fn token_hash(token: &str) -> String {
	hex::encode(Sha256::digest(token.as_bytes()))
}

/// What decryption can fail with (a wrong server key or tampered data).
#[derive(Debug, thiserror::Error)]
#[error("cannot decrypt: wrong server key or damaged data")]
pub struct DecryptError;

/// The server key (XChaCha20-Poly1305): encrypts holder keys and claim secrets in the database.
#[derive(Clone)]
pub struct ServerKey(XChaCha20Poly1305);

impl ServerKey {
	/// The key of 32 bytes.
	pub fn new(bytes: [u8; 32]) -> ServerKey {
		ServerKey(XChaCha20Poly1305::new(&bytes.into()))
	}

	/// Read the key (64 hex digits) from `path`, creating it (mode 0600) if it does not exist.
	pub fn load_or_create(path: &std::path::Path) -> Result<ServerKey, String> {
		load_or_create_secret(
			path,
			"created a new server key: back it up; without it holder keys cannot be decrypted",
		)
		.map(ServerKey::new)
	}

	/// `plain` sealed and bound to `context`: the format byte, a fresh nonce, and the
	/// ciphertext whose tag covers the context, so that a sealed value copied into another row
	/// (another holder's, another application's, another e-mail's) does not open there.
	pub fn seal(&self, plain: &[u8], context: &Context) -> Vec<u8> {
		let nonce = random::<24>();
		let aad = context.bytes();
		let mut out = vec![SEALED_WITH_CONTEXT];
		out.extend_from_slice(&nonce);
		out.extend(
			self.0
				.encrypt(
					XNonce::from_slice(&nonce),
					Payload {
						msg: plain,
						aad: &aad,
					},
				)
				.expect("encryption of a short message cannot fail"),
		);
		out
	}

	/// The plaintext of what [`ServerKey::seal`] made for this `context`.
	pub fn open(&self, sealed: &[u8], context: &Context) -> Result<Vec<u8>, DecryptError> {
		let Some((&SEALED_WITH_CONTEXT, rest)) = sealed.split_first() else {
			return Err(DecryptError);
		};
		if rest.len() < 24 {
			return Err(DecryptError);
		}
		let (nonce, cipher) = rest.split_at(24);
		let aad = context.bytes();
		self.0
			.decrypt(
				XNonce::from_slice(nonce),
				Payload {
					msg: cipher,
					aad: &aad,
				},
			)
			.map_err(|_| DecryptError)
	}

	/// The plaintext of a value sealed before values were bound to their row (nonce and
	/// ciphertext, no context): read once, by the database's re-sealing at start.
	pub fn open_unbound(&self, sealed: &[u8]) -> Result<Vec<u8>, DecryptError> {
		if sealed.len() < 24 {
			return Err(DecryptError);
		}
		let (nonce, cipher) = sealed.split_at(24);
		self.0
			.decrypt(XNonce::from_slice(nonce), cipher)
			.map_err(|_| DecryptError)
	}
}

/// The first byte of a value sealed with its context.
const SEALED_WITH_CONTEXT: u8 = 2;

/// What a sealed value belongs to: its associated data.
#[derive(Clone, Copy, Debug)]
pub enum Context<'a> {
	/// A holder's custodial chain key, bound to the holder's account (SS58).
	HolderKey(&'a str),
	/// An application's claim secret, bound to its badge id.
	ClaimSecret(&'a str),
	/// An e-mailed link's token, bound to the address it is sent to.
	MailLink(&'a str),
}

impl Context<'_> {
	fn bytes(&self) -> Vec<u8> {
		let (kind, value) = match self {
			Context::HolderKey(account) => ("holder-key", account),
			Context::ClaimSecret(badge) => ("claim-secret", badge),
			Context::MailLink(email) => ("mail-link", email),
		};
		format!("badge-wallet/{kind}/{value}").into_bytes()
	}
}

/// Read 32 secret bytes (64 hex digits) from `path`, or create them at random (mode 0600) and
/// log `created` if the file does not exist.
pub fn load_or_create_secret(path: &std::path::Path, created: &str) -> Result<[u8; 32], String> {
	match std::fs::read_to_string(path) {
		Ok(text) => hex::decode(text.trim())
			.ok()
			.and_then(|b| <[u8; 32]>::try_from(b).ok())
			.ok_or_else(|| format!("{}: not 64 hex digits", path.display())),
		Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
			let bytes = random::<32>();
			if let Some(dir) = path.parent() {
				std::fs::create_dir_all(dir)
					.map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
			}
			write_private(path, hex::encode(bytes).as_bytes())
				.map_err(|e| format!("cannot write {}: {e}", path.display()))?;
			tracing::warn!(path = %path.display(), "{created}");
			Ok(bytes)
		}
		Err(e) => Err(format!("cannot read {}: {e}", path.display())),
	}
}

/// Write `bytes` to a new file readable by its owner only.
fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
	use std::io::Write;
	let mut options = std::fs::OpenOptions::new();
	options.write(true).create_new(true);
	#[cfg(unix)]
	{
		use std::os::unix::fs::OpenOptionsExt;
		options.mode(0o600);
	}
	options.open(path)?.write_all(bytes)
}

/// The argon2id hash (PHC string) of a password.
pub fn hash_password(password: &str) -> String {
	let salt = SaltString::encode_b64(&random::<16>()).expect("16 bytes make a valid salt");
	Argon2::default()
		.hash_password(password.as_bytes(), &salt)
		.expect("argon2 with default parameters hashes any password")
		.to_string()
}

/// Whether `password` matches the stored hash.
pub fn check_password(password: &str, hash: &str) -> bool {
	PasswordHash::new(hash)
		.map(|parsed| {
			Argon2::default()
				.verify_password(password.as_bytes(), &parsed)
				.is_ok()
		})
		.unwrap_or(false)
}

/// A fresh custodial chain key: its 32-byte seed and key pair.
pub fn new_holder_key() -> ([u8; 32], badge_client::Keypair) {
	let seed = random::<32>();
	(seed, holder_key(seed))
}

/// The key pair of a custodial seed.
pub fn holder_key(seed: [u8; 32]) -> badge_client::Keypair {
	badge_client::Keypair::from_secret_key(seed).expect("any 32 bytes are a mini secret key")
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn sealed_data_opens_with_its_key_and_its_context_only() {
		let key = ServerKey::new([1; 32]);
		let context = Context::ClaimSecret("0x01");
		let sealed = key.seal(b"claim secret", &context);
		assert_eq!(key.open(&sealed, &context).unwrap(), b"claim secret");
		assert!(ServerKey::new([2; 32]).open(&sealed, &context).is_err());
		let mut tampered = sealed.clone();
		*tampered.last_mut().unwrap() ^= 1;
		assert!(key.open(&tampered, &context).is_err());
		assert_ne!(
			key.seal(b"claim secret", &context),
			sealed,
			"fresh nonce each time"
		);
		// Moved to another row, it does not open: not for another badge, nor as another kind.
		assert!(key.open(&sealed, &Context::ClaimSecret("0x02")).is_err());
		assert!(key.open(&sealed, &Context::MailLink("0x01")).is_err());
		// A value sealed without context opens only as such (the one-time re-sealing).
		let nonce = [7u8; 24];
		let mut unbound = nonce.to_vec();
		unbound.extend(
			key.0
				.encrypt(XNonce::from_slice(&nonce), &b"old"[..])
				.unwrap(),
		);
		assert_eq!(key.open_unbound(&unbound).unwrap(), b"old");
		assert!(key.open(&unbound, &context).is_err());
	}

	#[test]
	fn passwords_verify_against_their_hash_only() {
		let hash = hash_password("correct horse battery");
		assert!(hash.starts_with("$argon2id$"));
		assert!(check_password("correct horse battery", &hash));
		assert!(!check_password("wrong", &hash));
		assert!(!check_password("x", "not a hash"));
	}

	#[test]
	fn tokens_are_stored_as_hashes() {
		let (token, hash) = new_token();
		assert_eq!(token.len(), 64);
		assert_eq!(token_hash(&token), hash);
		assert_ne!(token, hash);
	}
}

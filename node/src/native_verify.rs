//! `badges_verify` without entering the WASM runtime, when that provably answers the same.
//!
//! A verdict is [`Verification::of`] over four storage entries: the badge, its class, its issuer
//! and the chain's time. The runtime's `BadgesApi::verify` reads them
//! and calls that function; this module reads the same entries (keys from the same storage
//! declarations, compiled natively) from the node's database and calls the same function. That
//! is only the same code when the block's runtime is the one this node was built with, so each
//! block's `:code` hash is compared with the hash of the embedded runtime first; any other
//! runtime (an upgrade this node predates, or one it was built after) is asked through the WASM
//! executor as before. `--verify-path runtime` turns this path off
//! (docs/decisions/native-verify.md).
//!
//! Its reads go through a trie cache of its own ([`VerifyCache`], `--verify-cache-size`) when
//! the node has one, else through Substrate's shared trie cache, if any. Block import and
//! authoring fill the shared cache with every trie node a block touches, which costs a
//! validator a fifth of its CPU in bulk issuance, so validators run without it and with a
//! verify cache by default, other nodes with it and without a verify cache
//! (`crate::cli::verify_cache_size`).

use badge_runtime::{opaque::Block, AccountId, ClassInfo, IssuerInfo, Runtime};
use codec::Decode;
use pallet_badges::{BadgeOf, Digest, Verification};
use sc_client_api::{Backend, TrieCacheContext};
use sp_blockchain::Error;
use sp_core::{storage::well_known_keys, H256};
use sp_runtime::traits::BlakeTwo256;
use sp_state_machine::{backend::AsTrieBackend, TrieBackendBuilder};
use sp_trie::cache::{CacheSize, SharedTrieCache};
use std::sync::{Arc, Mutex};

/// A verdict with the class and issuer records its JSON names.
pub type Answer = (
	Verification<AccountId>,
	Option<ClassInfo>,
	Option<IssuerInfo>,
);

/// Blocks whose runtime check is remembered.
const CHECKED_BLOCKS: u32 = 1_024;

/// The trie nodes and values that verdicts read, shared by every RPC connection; bounded by
/// the size it was made with. Trie nodes are keyed by their hash and values by the state root
/// they were read under, so nothing in it ever goes stale.
pub type VerifyCache = SharedTrieCache<BlakeTwo256>;

/// A [`VerifyCache`] of `bytes` (`None` for 0: every read then goes to the database).
pub fn verify_cache(bytes: usize) -> Option<VerifyCache> {
	(bytes > 0).then(|| SharedTrieCache::new(CacheSize::new(bytes), None))
}

/// Verdicts computed natively from the node's database.
pub struct NativeVerifier<B> {
	backend: Arc<B>,
	/// blake2-256 of the runtime WASM embedded in this binary (`None` in a build without it).
	own_code: Option<H256>,
	/// Per block: whether it runs [`Self::own_code`]. A block's state never changes.
	runs_own_code: Mutex<schnellru::LruMap<H256, bool>>,
	/// What the reads go through, if anything.
	cache: Option<VerifyCache>,
}

impl<B: Backend<Block>> NativeVerifier<B> {
	/// A verifier over `backend`'s state, reading through `cache`.
	pub fn new(backend: Arc<B>, cache: Option<VerifyCache>) -> Self {
		Self {
			backend,
			cache,
			own_code: badge_runtime::WASM_BINARY.map(|code| H256(sp_io::hashing::blake2_256(code))),
			runs_own_code: Mutex::new(schnellru::LruMap::new(schnellru::ByLength::new(
				CHECKED_BLOCKS,
			))),
		}
	}

	/// The verdict on `badge` at `block`, or `None` when `block` runs another runtime than this
	/// node's (the caller then asks the runtime).
	pub fn verify(
		&self,
		block: H256,
		badge: H256,
		image_digest: Option<Digest>,
	) -> Result<Option<Answer>, Error> {
		self.read(block, Reads::Repeated, |state| {
			verdict(state, badge, image_digest)
		})
	}

	/// Whether `block`'s state holds a badge record under each of `badges`, in order, or `None`
	/// when `block` runs another runtime than this node's. One state serves the whole list.
	pub fn exist(&self, block: H256, badges: &[H256]) -> Result<Option<Vec<bool>>, Error> {
		self.read(block, Reads::Once, |state| {
			badges
				.iter()
				.map(|badge| {
					// As FRAME's typed getters read: an entry that does not decode is absent.
					let bytes =
						state.get(&pallet_badges::Badges::<Runtime>::hashed_key_for(badge))?;
					Ok(decoded::<BadgeOf<Runtime>>(bytes).is_some())
				})
				.collect()
		})
	}

	/// `f` over `block`'s state, if `block` runs this node's runtime (else `None`): its keys and
	/// record types are then this binary's.
	fn read<R>(
		&self,
		block: H256,
		reads: Reads,
		f: impl FnOnce(&dyn Reader) -> Result<R, Error>,
	) -> Result<Option<R>, Error> {
		let Some(own_code) = self.own_code else {
			return Ok(None);
		};
		let pinned = self.backend.state_at(block, TrieCacheContext::Untrusted)?;
		match (&self.cache, reads) {
			// The database's state pins the block while it lives; its trie is then read afresh,
			// through this verifier's cache instead of Substrate's.
			(Some(cache), Reads::Repeated) => {
				let trie = pinned.as_trie_backend();
				let state = TrieBackendBuilder::new(trie.backend_storage(), *trie.root())
					.with_cache(cache.local_cache_untrusted())
					.build();
				self.read_in(&state, own_code, block, f)
			}
			// Through Substrate's shared trie cache, when the node has one.
			_ => self.read_in(&pinned, own_code, block, f),
		}
	}

	/// [`Self::read`] over `state`, `block`'s.
	fn read_in<S: sp_state_machine::Backend<BlakeTwo256>, R>(
		&self,
		state: &S,
		own_code: H256,
		block: H256,
		f: impl FnOnce(&dyn Reader) -> Result<R, Error>,
	) -> Result<Option<R>, Error> {
		let known = self
			.runs_own_code
			.lock()
			.unwrap_or_else(|p| p.into_inner())
			.get(&block)
			.copied();
		if known == Some(false) {
			return Ok(None);
		}
		let same = match known {
			Some(same) => same,
			None => {
				let code = state
					.storage_hash(well_known_keys::CODE)
					.map_err(|e| Error::Storage(e.to_string()))?;
				let same = code == Some(own_code);
				self.runs_own_code
					.lock()
					.unwrap_or_else(|p| p.into_inner())
					.insert(block, same);
				same
			}
		};
		if !same {
			return Ok(None);
		}
		f(state).map(Some)
	}
}

/// Whether reads are worth this verifier's cache.
#[derive(Clone, Copy)]
enum Reads {
	/// Verdicts, asked again and again about the same badges, classes and issuers.
	Repeated,
	/// Existence checks of a tool about to issue or just issued: each key once, most of them
	/// new, so caching their trie nodes would only evict the verdicts' (on a validator, they go
	/// to the database as `state_getStorage` reads do).
	Once,
}

/// Reads of one block's state.
trait Reader {
	/// The value under `key`, if any.
	fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, Error>;
}

impl<S: sp_state_machine::Backend<BlakeTwo256>> Reader for S {
	fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, Error> {
		self.storage(key).map_err(|e| Error::Storage(e.to_string()))
	}
}

/// The verdict on `badge` over `state`, read as the runtime's `verify` reads it.
fn verdict(state: &dyn Reader, badge: H256, image_digest: Option<Digest>) -> Result<Answer, Error> {
	// As FRAME's typed getters read: an entry that does not decode counts as absent.
	let get = |key: &[u8]| state.get(key);
	let record: Option<BadgeOf<Runtime>> = decoded(get(
		&pallet_badges::Badges::<Runtime>::hashed_key_for(badge),
	)?);
	let class = match &record {
		Some(_) => {
			// As `Pallet::class_of`: the class the id starts with.
			let id = pallet_badges::class_in_id(&badge);
			decoded::<ClassInfo>(get(&pallet_badges::Classes::<Runtime>::hashed_key_for(id))?)
				.map(|class| (id, class))
		}
		None => None,
	};
	let issuer = match &class {
		Some((_, class)) => decoded::<IssuerInfo>(get(
			&pallet_badges::Issuers::<Runtime>::hashed_key_for(&class.issuer),
		)?),
		None => None,
	};
	// `Timestamp::now()` is a value query: absent or undecodable reads as zero.
	let now: u64 =
		decoded(get(&pallet_timestamp::Now::<Runtime>::hashed_key())?).unwrap_or_default();
	let verification = Verification::of(
		record,
		class.as_ref().map(|(id, class)| (*id, class)),
		issuer.as_ref(),
		now,
		image_digest,
	);
	Ok((verification, class.map(|(_, class)| class), issuer))
}

fn decoded<T: Decode>(bytes: Option<Vec<u8>>) -> Option<T> {
	bytes.and_then(|bytes| T::decode(&mut &bytes[..]).ok())
}

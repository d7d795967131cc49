//! Rate limits kept in memory: at most N uses of a key (an e-mail address, a client address, a
//! link) in a sliding window. One service process; a restart forgets them.
//!
//! Memory and time stay bounded under a flood of fresh keys: keys without a use in the window
//! are swept at most once a minute (never on every call), and past [`MAX_KEYS`] keys a new key
//! is refused until the next sweep (a key already counted goes on being counted).

use std::{collections::HashMap, net::IpAddr, sync::Mutex};

/// The window every limit counts in.
pub const WINDOW_SECS: i64 = 15 * 60;
/// Most keys counted at once.
pub const MAX_KEYS: usize = 200_000;
/// Seconds between sweeps of keys whose uses are all out of the window.
const SWEEP_SECS: i64 = 60;

#[derive(Default)]
struct Uses {
	times: HashMap<String, Vec<i64>>,
	next_sweep: i64,
}

/// Uses of each key in the current window.
#[derive(Default)]
pub struct Limiter {
	uses: Mutex<Uses>,
}

impl Limiter {
	/// Count a use of `key`; `false` if it already had `max` uses in the window (or it is new
	/// and [`MAX_KEYS`] keys are counted).
	pub fn allow(&self, key: &str, max: usize) -> bool {
		self.allow_at(key, max, crate::store::now())
	}

	fn allow_at(&self, key: &str, max: usize, now: i64) -> bool {
		let mut uses = self.uses.lock().unwrap_or_else(|p| p.into_inner());
		if now >= uses.next_sweep {
			uses.times
				.retain(|_, times| times.iter().any(|t| *t > now - WINDOW_SECS));
			uses.next_sweep = now + SWEEP_SECS;
		}
		let full = uses.times.len() >= MAX_KEYS;
		let times = match uses.times.get_mut(key) {
			Some(times) => times,
			None if full => return false,
			None => uses.times.entry(key.to_string()).or_default(),
		};
		times.retain(|t| *t > now - WINDOW_SECS);
		if times.len() >= max {
			return false;
		}
		times.push(now);
		true
	}

	/// Keys counted now.
	pub fn keys(&self) -> usize {
		self.uses
			.lock()
			.unwrap_or_else(|p| p.into_inner())
			.times
			.len()
	}
}

/// The part of a client's address that one party holds: the address itself for IPv4, its /64
/// network for IPv6 (one subscriber's allocation: rotating within it is one client).
pub fn client_key(address: IpAddr) -> String {
	match address {
		IpAddr::V4(v4) => v4.to_string(),
		IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
			Some(v4) => v4.to_string(),
			None => {
				let s = v6.segments();
				format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
			}
		},
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_key_gets_max_uses_per_window() {
		let limiter = Limiter::default();
		assert!((0..3).all(|_| limiter.allow_at("a", 3, 1000)));
		assert!(!limiter.allow_at("a", 3, 1000));
		assert!(limiter.allow_at("b", 3, 1000), "keys are counted apart");
		assert!(
			limiter.allow_at("a", 3, 1000 + WINDOW_SECS + 1),
			"the window slides"
		);
	}

	#[test]
	fn a_flood_of_fresh_keys_is_bounded_and_swept() {
		let limiter = Limiter::default();
		assert!(limiter.allow_at("holder", 10, 1000));
		for i in 0..MAX_KEYS + 10 {
			limiter.allow_at(&format!("flood-{i}"), 10, 1000);
		}
		assert_eq!(limiter.keys(), MAX_KEYS, "no key past the bound");
		assert!(!limiter.allow_at("newcomer", 10, 1000), "new keys wait");
		assert!(limiter.allow_at("holder", 10, 1000), "counted keys go on");
		// Once the flood's uses leave the window, the next sweep frees their room.
		let later = 1000 + WINDOW_SECS + SWEEP_SECS;
		assert!(limiter.allow_at("newcomer", 10, later));
		assert_eq!(limiter.keys(), 1);
	}

	#[test]
	fn an_ipv6_client_is_its_64_network() {
		let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
		let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
		let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
		assert_eq!(client_key(a), client_key(b));
		assert_ne!(client_key(a), client_key(c));
		assert_eq!(client_key("192.0.2.7".parse().unwrap()), "192.0.2.7");
		assert_eq!(client_key("::ffff:192.0.2.7".parse().unwrap()), "192.0.2.7");
	}
}

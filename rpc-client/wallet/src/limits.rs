//! Rate limits kept in memory: at most N uses of a key (an e-mail address, a link) in a sliding
//! window. One service process; a restart forgets them.

use std::{collections::HashMap, sync::Mutex};

/// The window every limit counts in.
pub const WINDOW_SECS: i64 = 15 * 60;

/// Uses of each key in the current window.
#[derive(Default)]
pub struct Limiter {
	uses: Mutex<HashMap<String, Vec<i64>>>,
}

impl Limiter {
	/// Count a use of `key`; `false` if it already had `max` uses in the window.
	pub fn allow(&self, key: &str, max: usize) -> bool {
		self.allow_at(key, max, crate::store::now())
	}

	fn allow_at(&self, key: &str, max: usize, now: i64) -> bool {
		let mut uses = self.uses.lock().unwrap_or_else(|p| p.into_inner());
		// Forget old uses of every key now and then, so memory stays bounded.
		if uses.len() > 10_000 {
			uses.retain(|_, times| times.iter().any(|t| *t > now - WINDOW_SECS));
		}
		let times = uses.entry(key.to_string()).or_default();
		times.retain(|t| *t > now - WINDOW_SECS);
		if times.len() >= max {
			return false;
		}
		times.push(now);
		true
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
}

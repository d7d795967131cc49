//! Password hashing (argon2id, about 20 ms of a core and 19 MiB each) off the async workers, on
//! a bounded pool with a bounded queue: a flood of logins keeps at most [`Passwords::threads`]
//! cores busy and makes at most [`Passwords::queue`] requests wait; the rest are answered 503
//! at once, and every other page goes on being served.

use crate::secrets;
use std::sync::{
	atomic::{AtomicUsize, Ordering},
	Arc,
};
use tokio::sync::Semaphore;

/// The pool is full: too many password checks are waiting already.
#[derive(Debug, thiserror::Error)]
#[error("too many password checks are waiting")]
pub struct Busy;

/// The bounded password-hashing pool.
pub struct Passwords {
	running: Arc<Semaphore>,
	waiting: AtomicUsize,
	threads: usize,
	queue: usize,
}

impl Passwords {
	/// A pool hashing on up to `threads` threads at once, with up to `queue` requests waiting.
	pub fn new(threads: usize, queue: usize) -> Self {
		let threads = threads.max(1);
		Self {
			running: Arc::new(Semaphore::new(threads)),
			waiting: AtomicUsize::new(0),
			threads,
			queue,
		}
	}

	/// A pool on half the machine's cores (at least one), with 16 requests waiting per thread.
	pub fn for_this_machine() -> Self {
		let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
		let threads = cores.div_ceil(2);
		Self::new(threads, 16 * threads)
	}

	/// Hashes computed at once.
	pub fn threads(&self) -> usize {
		self.threads
	}

	/// Requests that may wait for a thread.
	pub fn queue(&self) -> usize {
		self.queue
	}

	/// The argon2id hash of `password`.
	pub async fn hash(&self, password: &str) -> Result<String, Busy> {
		let password = password.to_string();
		self.run(move || secrets::hash_password(&password)).await
	}

	/// Whether `password` matches `hash`.
	pub async fn check(&self, password: &str, hash: &str) -> Result<bool, Busy> {
		let (password, hash) = (password.to_string(), hash.to_string());
		self.run(move || secrets::check_password(&password, &hash))
			.await
	}

	async fn run<T: Send + 'static>(
		&self,
		job: impl FnOnce() -> T + Send + 'static,
	) -> Result<T, Busy> {
		let permit = match self.running.clone().try_acquire_owned() {
			Ok(permit) => permit,
			Err(_) => {
				// Admitted to the queue only while it has room.
				if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.queue {
					self.waiting.fetch_sub(1, Ordering::SeqCst);
					crate::metrics::event("password_pool_full");
					return Err(Busy);
				}
				let permit = self.running.clone().acquire_owned().await;
				self.waiting.fetch_sub(1, Ordering::SeqCst);
				permit.expect("the semaphore is never closed")
			}
		};
		tokio::task::spawn_blocking(move || {
			let _permit = permit;
			job()
		})
		.await
		.map_err(|_| Busy)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use std::time::Duration;

	#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
	async fn a_flood_past_the_queue_is_refused_at_once_and_the_rest_are_answered() {
		let pool = Arc::new(Passwords::new(1, 3));
		let hash = pool.hash("correct horse battery").await.unwrap();
		let tries: Vec<_> = (0..12)
			.map(|i| {
				let (pool, hash) = (pool.clone(), hash.clone());
				tokio::spawn(async move {
					let started = std::time::Instant::now();
					let answer = pool.check(&format!("guess {i}"), &hash).await;
					(answer, started.elapsed())
				})
			})
			.collect();
		let mut answered = 0;
		let mut refused = 0;
		for t in tries {
			match t.await.unwrap() {
				(Ok(matched), _) => {
					assert!(!matched);
					answered += 1;
				}
				(Err(Busy), waited) => {
					assert!(waited < Duration::from_millis(50), "refused at once");
					refused += 1;
				}
			}
		}
		// One running and three waiting at most: the other eight are refused.
		assert!(answered >= 4, "{answered} answered");
		assert!(
			refused >= 1 && answered + refused == 12,
			"{refused} refused"
		);
		assert!(pool.check("correct horse battery", &hash).await.unwrap());
	}
}

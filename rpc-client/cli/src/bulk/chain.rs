//! The chain side of `badge bulk`: a connection that outlives a dropped link or a restarted
//! node, existence checks of many badges per request, and issuance with many batches in flight.
//!
//! Issuing is exact without trusting any answer but the chain's state: every batch is signed
//! once with a fixed nonce, so submitting it again (after a reconnection, or when nothing moves)
//! can never include it twice; and a row counts as issued only once its badge is in the state
//! of a block at or after the one holding its batch's nonce (docs/issuer-guide.md, "Bulk issuance").

use super::{
	progress::{done, Phases},
	results::Results,
	Planned, SpecSeed,
};
use crate::CliError;

use badge_client::{
	account_of, badge_spec, crypto, runtime, AccountAt, BadgeClient, BadgeSpec,
	Error as ClientError, Keypair, Submitted, Wait, H256,
};
use futures::{stream::FuturesUnordered, StreamExt};
use indicatif::ProgressBar;
use std::{
	future::Future,
	sync::{
		atomic::{AtomicUsize, Ordering},
		Arc,
	},
	time::{Duration, Instant},
};

/// Badge ids per existence request (`badges_exist`): the node's limit.
const CHECK_CHUNK: usize = badge_client::VERDICTS_PER_CALL;
/// Existence requests in flight at once.
const CHECK_PARALLEL: usize = 4;
/// Submissions in flight at once: the pool validates each in the runtime, so a node takes
/// more per second from a few concurrent callers than from one waiting on each.
const SUBMITTERS: usize = 4;
/// Batches whose keys are derived ahead of signing.
const DERIVED_AHEAD: usize = 32;
/// How often the head of the chain is read while issuing.
const POLL: Duration = Duration::from_millis(200);

/// A connection to the node that reconnects, with back-off, when it is lost.
pub struct Link {
	url: String,
	timeout: Duration,
	patience: Duration,
	client: BadgeClient,
	/// Reconnections so far: transactions submitted before one may have gone with the node's
	/// pool.
	pub reconnections: u64,
}

impl Link {
	/// Connect to `url`. `timeout` bounds a watched transaction; `patience` is how long a lost
	/// node is tried again before the run gives up.
	pub async fn connect(
		url: String,
		timeout: Duration,
		patience: Duration,
	) -> Result<Self, CliError> {
		let client = BadgeClient::connect(&url).await?.with_timeout(timeout);
		Ok(Self {
			url,
			timeout,
			patience,
			client,
			reconnections: 0,
		})
	}

	/// A handle on the current connection.
	pub fn client(&self) -> BadgeClient {
		self.client.clone()
	}

	/// Run `op` on the connection; when the connection fails, reconnect and run it again.
	pub async fn call<T, F, Fut>(&mut self, phases: &Phases, mut op: F) -> Result<T, CliError>
	where
		F: FnMut(BadgeClient) -> Fut,
		Fut: Future<Output = Result<T, ClientError>>,
	{
		loop {
			match op(self.client.clone()).await {
				Ok(value) => return Ok(value),
				Err(e) if e.is_connection() => self.reconnect(phases, &e).await?,
				Err(e) => return Err(e.into()),
			}
		}
	}

	/// Connect again after `cause`, waiting longer between tries (up to 5 s), for up to the
	/// link's patience.
	pub async fn reconnect(
		&mut self,
		phases: &Phases,
		cause: &ClientError,
	) -> Result<(), CliError> {
		phases.note(format!(
			"lost the node at {} ({cause}); reconnecting",
			self.url
		));
		let since = Instant::now();
		let mut delay = Duration::from_millis(200);
		loop {
			tokio::time::sleep(delay).await;
			match BadgeClient::connect(&self.url).await {
				Ok(client) => {
					self.client = client.with_timeout(self.timeout);
					self.reconnections += 1;
					phases.note(format!(
						"reconnected to {} after {:.1} s",
						self.url,
						since.elapsed().as_secs_f64()
					));
					return Ok(());
				}
				Err(e) if since.elapsed() >= self.patience => {
					return Err(CliError::Node(format!(
						"the node at {} could not be reached for {} s: {e}",
						self.url,
						self.patience.as_secs()
					)))
				}
				Err(_) => delay = (delay * 2).min(Duration::from_secs(5)),
			}
		}
	}
}

/// Ctrl-C and SIGTERM, counted. The first asks the run to stop submitting and wait for what it
/// submitted; the second ends the process at once (every recorded row is already on disk).
#[derive(Clone)]
pub struct Interrupts {
	count: Arc<AtomicUsize>,
	notify: Arc<tokio::sync::Notify>,
}

impl Interrupts {
	/// Start listening.
	pub fn listen() -> Self {
		let interrupts = Self {
			count: Arc::new(AtomicUsize::new(0)),
			notify: Arc::new(tokio::sync::Notify::new()),
		};
		let this = interrupts.clone();
		tokio::spawn(async move {
			#[cfg(unix)]
			let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
			loop {
				#[cfg(unix)]
				let terminated = async {
					match term.as_mut() {
						Some(term) => term.recv().await,
						None => std::future::pending().await,
					}
				};
				#[cfg(not(unix))]
				let terminated = std::future::pending::<Option<()>>();
				tokio::select! {
					_ = tokio::signal::ctrl_c() => {}
					_ = terminated => {}
				}
				if this.count.fetch_add(1, Ordering::SeqCst) > 0 {
					eprintln!("interrupted again: stopping now; run the same command to continue");
					std::process::exit(i32::from(crate::exit::INTERRUPTED));
				}
				this.notify.notify_waiters();
			}
		});
		interrupts
	}

	/// Whether an interrupt has come.
	pub fn came(&self) -> bool {
		self.count.load(Ordering::SeqCst) > 0
	}

	async fn wait(&self) {
		let notified = self.notify.notified();
		if !self.came() {
			notified.await;
		}
	}
}

/// Which of `ids` the chain holds in block `at`, asked many per request.
pub async fn exist(
	link: &mut Link,
	phases: &Phases,
	ids: &[H256],
	at: H256,
	bar: &ProgressBar,
) -> Result<Vec<bool>, CliError> {
	let mut found = Vec::with_capacity(ids.len());
	for group in ids.chunks(CHECK_CHUNK * CHECK_PARALLEL) {
		let answers = link
			.call(phases, |client| async move {
				let asks = group.chunks(CHECK_CHUNK).map(|chunk| {
					let client = client.clone();
					async move { client.badges_exist(chunk, at).await }
				});
				futures::future::try_join_all(asks).await
			})
			.await?;
		for answer in answers {
			found.extend(answer);
		}
		bar.set_position(found.len() as u64);
	}
	Ok(found)
}

/// What one existence request group found: rows the chain holds, and rows to issue.
pub struct Checked {
	/// Rows whose badge the chain holds (an earlier run's).
	pub held: Vec<usize>,
	/// Rows to issue.
	pub todo: Vec<usize>,
}

/// The rows a round issues, as they come: from the existence check, which goes on while the
/// first batches are issued, or all at once.
pub type Rows = tokio::sync::mpsc::Receiver<Result<Checked, CliError>>;

/// All of `todo` at once, for a round that issues rows already checked.
pub fn rows_now(todo: Vec<usize>) -> Rows {
	let (sender, receiver) = tokio::sync::mpsc::channel(1);
	sender
		.try_send(Ok(Checked {
			held: Vec::new(),
			todo,
		}))
		.expect("a new channel has room for one");
	receiver
}

/// What the existence check of a run needs.
pub struct Check {
	/// Its own connection (issuing goes on meanwhile on another).
	pub link: Link,
	/// The progress bars.
	pub phases: Phases,
	/// The rows checked (indices into the plan).
	pub rows: Vec<usize>,
	/// The badge id of each of `rows`.
	pub ids: Vec<H256>,
	/// The block whose state is asked.
	pub at: H256,
	/// The check's bar.
	pub bar: ProgressBar,
	/// Bars whose length grows by the rows to issue.
	pub issue_bars: [ProgressBar; 2],
}

impl Check {
	/// Check every row, a group of requests at a time, and send each group's finding to
	/// `sender` as soon as it is known (so issuing starts after the first group): the seconds
	/// the check took and its reconnections. A closed `sender` (the round has ended) stops it.
	pub fn spawn(
		mut self,
		sender: tokio::sync::mpsc::Sender<Result<Checked, CliError>>,
	) -> tokio::task::JoinHandle<(f64, u64)> {
		tokio::spawn(async move {
			let started = Instant::now();
			let group = CHECK_CHUNK * CHECK_PARALLEL;
			let mut held_count = 0;
			for (rows, ids) in self.rows.chunks(group).zip(self.ids.chunks(group)) {
				let found = exist(
					&mut self.link,
					&self.phases,
					ids,
					self.at,
					&ProgressBar::hidden(),
				)
				.await;
				let failed = found.is_err();
				let message = found.map(|found| {
					let (mut held, mut todo) = (Vec::new(), Vec::new());
					for (&row, found) in rows.iter().zip(found) {
						if found {
							held.push(row);
						} else {
							todo.push(row);
						}
					}
					held_count += held.len();
					for bar in &self.issue_bars {
						bar.inc_length(todo.len() as u64);
					}
					self.bar.inc(rows.len() as u64);
					Checked { held, todo }
				});
				if sender.send(message).await.is_err() || failed {
					break;
				}
			}
			done(&self.bar, format!("{held_count} already issued"));
			(started.elapsed().as_secs_f64(), self.link.reconnections)
		})
	}
}

/// What a batch of a round is.
struct Batch {
	nonce: u64,
	/// Indices into the plan.
	rows: Vec<usize>,
	/// The signed extrinsic.
	tx: Vec<u8>,
	/// Whether the pool took it (counted on the issuing bar once).
	taken: bool,
}

/// How a round ended.
pub struct RoundEnd {
	/// Rows recorded as issued.
	pub issued: usize,
	/// Rows the existence check found on chain, recorded as already issued.
	pub already: usize,
	/// Rows whose batch was included (or whose nonce was used) without issuing them.
	pub missed: Vec<usize>,
	/// Whether the run was interrupted (rows not submitted are in neither list).
	pub interrupted: bool,
}

/// Issues planned rows in batches and records each once final.
pub struct Issuer<'a> {
	/// The connection.
	pub link: &'a mut Link,
	/// The progress bars.
	pub phases: &'a Phases,
	/// The issuer's key.
	pub key: &'a Keypair,
	/// The class.
	pub class: u32,
	/// Badges per transaction.
	pub batch_size: usize,
	/// Batches submitted beyond the last settled one (`--in-flight`): by default enough to keep
	/// blocks full while finality follows, few enough for any pool (Substrate's default holds
	/// 8,192 transactions, a tenth of them waiting on an earlier nonce).
	pub window: usize,
	/// Which head counts: finalized, or best with `--no-wait-finality`.
	pub head: Wait,
	/// Every row's plan.
	pub plan: &'a [Planned],
	/// The results file.
	pub results: &'a mut Results,
	/// Badges the pool took.
	pub submitted_bar: ProgressBar,
	/// Badges final and recorded.
	pub final_bar: ProgressBar,
	/// How long nothing may move before the waiting transactions are submitted again, and then
	/// before the run gives up.
	pub stall: Duration,
	/// Ctrl-C and SIGTERM.
	pub interrupts: Interrupts,
}

impl Issuer<'_> {
	/// Issue the rows of `source` (indices into the plan) as they come, from the signer's next
	/// nonce on: sign, submit with up to [`Issuer::window`] batches in flight, and record every
	/// row whose badge is final (and, as already issued, the rows `source` found on chain).
	pub async fn round(&mut self, mut source: Rows) -> Result<RoundEnd, CliError> {
		let account = account_of(self.key);
		let first = self
			.link
			.call(self.phases, |c| async move { c.next_nonce(&account).await })
			.await?;
		let head_kind = self.head;
		let (rows_to_derive, mut produced) = derive_specs(self.batch_size);
		let mut rows_to_derive = Some(rows_to_derive);
		let mut derived_all = false;

		let mut batches: Vec<Batch> = Vec::new();
		let (mut next_submit, mut settled) = (0usize, 0usize);
		let mut in_flight = FuturesUnordered::new();
		let (mut issued, mut already, mut missed) = (0usize, 0usize, Vec::new());
		let mut ticker = tokio::time::interval(POLL);
		ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
		let (mut moved, mut resubmitted) = (Instant::now(), false);
		let mut reconnections = self.link.reconnections;
		let mut stopping = self.interrupts.came();
		// No submission before this (the pool said it was full).
		let mut paused_until = Instant::now();
		let interrupts = self.interrupts.clone();
		loop {
			if (derived_all && settled == batches.len())
				|| (stopping && in_flight.is_empty() && settled >= next_submit)
			{
				break;
			}
			while !stopping
				&& Instant::now() >= paused_until
				&& in_flight.len() < SUBMITTERS
				&& next_submit < batches.len()
				&& next_submit < settled + self.window
			{
				let client = self.link.client();
				let tx = batches[next_submit].tx.clone();
				let i = next_submit;
				in_flight.push(async move { (i, client.submit_encoded(&tx).await) });
				next_submit += 1;
			}
			tokio::select! {
				checked = source.recv(), if rows_to_derive.is_some() && !stopping => match checked {
					Some(Ok(Checked { held, todo })) => {
						// Issued by an earlier, interrupted run: recorded again.
						self.results
							.append(held.iter().map(|&i| &self.plan[i].record), "already_issued")?;
						already += held.len();
						let seeds = todo.iter().map(|&i| (i, self.plan[i].seed)).collect();
						if let Some(rows) = &rows_to_derive {
							// The deriving thread ends only once this sender is dropped.
							let _ = rows.send(seeds);
						}
					}
					Some(Err(e)) => return Err(e),
					// Every row has come: the last batch may be short.
					None => rows_to_derive = None,
				},
				ready = produced.recv(), if !derived_all && !stopping => {
					let Some(ready) = ready else {
						derived_all = true;
						continue;
					};
					let mut ready = vec![ready];
					while let Ok(more) = produced.try_recv() {
						ready.push(more);
					}
					let nonce = first + batches.len() as u64;
					let class = self.class;
					let calls: Vec<_> = ready
						.iter()
						.map(|(_, specs)| issue_batch_call(class, specs.clone()))
						.collect();
					let key = self.key.clone();
					let signed = self
						.link
						.call(self.phases, |c| {
							let (calls, key) = (&calls, key.clone());
							async move { c.sign_offline(calls, &key, nonce).await }
						})
						.await?;
					for (i, ((rows, _), tx)) in ready.into_iter().zip(signed).enumerate() {
						batches.push(Batch { nonce: nonce + i as u64, rows, tx, taken: false });
					}
				}
				Some((i, answer)) = in_flight.next() => match answer {
					Ok(Submitted::Accepted | Submitted::Known) => {
						let batch: &mut Batch = &mut batches[i];
						if !std::mem::replace(&mut batch.taken, true) {
							self.submitted_bar.inc(batch.rows.len() as u64);
						}
					}
					// Settled like any other once the chain's nonce passes it.
					Ok(Submitted::NonceUsed) => {}
					// Submitted again once blocks have made room.
					Ok(Submitted::PoolFull) => {
						next_submit = next_submit.min(i);
						paused_until = Instant::now() + POLL;
					}
					Err(e) if e.is_connection() => self.link.reconnect(self.phases, &e).await?,
					Err(e) => return Err(e.into()),
				},
				_ = ticker.tick() => {
					let head = self
						.link
						.call(self.phases, |c| async move {
							c.account_at_head(&account, head_kind).await
						})
						.await?;
					let newly = batches[settled..]
						.iter()
						.take_while(|b| b.nonce < head.nonce)
						.count();
					if newly > 0 {
						let (done_now, lost) = self.settle(&batches[settled..settled + newly], head).await?;
						issued += done_now;
						missed.extend(lost);
						settled += newly;
						next_submit = next_submit.max(settled);
						(moved, resubmitted) = (Instant::now(), false);
					} else if next_submit > settled && moved.elapsed() >= self.stall {
						if resubmitted {
							return Err(CliError::Node(format!(
								"no transaction of this run was included for {} s: the chain or \
								 the node at hand is not making progress",
								(self.stall * 2).as_secs()
							)));
						}
						self.phases.note(format!(
							"nothing included for {} s: submitting the {} waiting transactions again",
							self.stall.as_secs(),
							next_submit - settled
						));
						in_flight.clear();
						next_submit = settled;
						(moved, resubmitted) = (Instant::now(), true);
					}
				}
				_ = interrupts.wait(), if !stopping => {
					stopping = true;
					self.phases.note(
						"interrupted: submitting nothing more; waiting for what was submitted \
						 to be final (interrupt again to stop at once)",
					);
				}
			}
			// A new connection may be to a node that lost its pool: submit again whatever is not
			// settled (the same bytes: the pool knows them, or takes them again).
			if self.link.reconnections != reconnections {
				reconnections = self.link.reconnections;
				in_flight.clear();
				next_submit = settled;
			}
		}
		Ok(RoundEnd {
			issued,
			already,
			missed,
			interrupted: stopping,
		})
	}

	/// Record the rows of `batches` (every one at or before `head`) whose badges `head`'s state
	/// holds; the others are returned.
	async fn settle(
		&mut self,
		batches: &[Batch],
		head: AccountAt,
	) -> Result<(usize, Vec<usize>), CliError> {
		let rows: Vec<usize> = batches
			.iter()
			.flat_map(|b| b.rows.iter().copied())
			.collect();
		self.record_held(&rows, head.block, "issued").await
	}

	/// Record, with `status`, those of `rows` whose badges the state of block `at` holds: how
	/// many, and the others.
	async fn record_held(
		&mut self,
		rows: &[usize],
		at: H256,
		status: &str,
	) -> Result<(usize, Vec<usize>), CliError> {
		let ids: Vec<H256> = rows.iter().map(|&r| self.plan[r].id).collect();
		let held = exist(self.link, self.phases, &ids, at, &ProgressBar::hidden()).await?;
		let (mut found, mut missing) = (Vec::new(), Vec::new());
		for (&row, held) in rows.iter().zip(held) {
			if held {
				found.push(row);
			} else {
				missing.push(row);
			}
		}
		self.results
			.append(found.iter().map(|&r| &self.plan[r].record), status)?;
		self.final_bar.inc(found.len() as u64);
		Ok((found.len(), missing))
	}

	/// Issue `rows` (at most a batch) in one watched transaction: the chain's own account of
	/// why a batch did not issue (a named error), or the rows recorded.
	pub async fn watched(&mut self, rows: &[usize]) -> Result<(), CliError> {
		let specs: Vec<BadgeSpec> = rows.iter().map(|&r| spec_of(&self.plan[r].seed)).collect();
		let (key, class, head) = (self.key.clone(), self.class, self.head);
		self.link
			.call(self.phases, |c| {
				let (key, specs) = (key.clone(), specs.clone());
				async move { c.issue_batch(&key, class, specs, head).await }
			})
			.await?;
		self.results
			.append(rows.iter().map(|&r| &self.plan[r].record), "issued")?;
		self.final_bar.inc(rows.len() as u64);
		Ok(())
	}

	/// Record those of `rows` the chain holds now (issued meanwhile by another transaction,
	/// such as an earlier run's) as already issued: how many, and the others.
	pub async fn recheck(&mut self, rows: &[usize]) -> Result<(usize, Vec<usize>), CliError> {
		let account = account_of(self.key);
		let head = self.head;
		let at = self
			.link
			.call(self.phases, |c| async move {
				c.account_at_head(&account, head).await
			})
			.await?;
		self.record_held(rows, at.block, "already_issued").await
	}

	/// Finish the bars.
	pub fn finish(&self) {
		done(&self.submitted_bar, "");
		done(&self.final_bar, "");
	}
}

/// The chain's `issue_batch` call.
fn issue_batch_call(
	class: u32,
	specs: Vec<BadgeSpec>,
) -> impl badge_client::subxt::transactions::Payload {
	runtime::tx().badges().issue_batch(
		class,
		runtime::runtime_types::bounded_collections::bounded_vec::BoundedVec(specs),
	)
}

/// A planned row's badge spec (its claim key's public key is computed here).
fn spec_of(seed: &SpecSeed) -> BadgeSpec {
	let claim = crypto::ClaimKey::from_seed(seed.claim_seed);
	badge_spec(seed.commitment, &claim, seed.expires, seed.evidence)
}

/// Rows (with their spec seeds) sent to [`derive_specs`].
type SeedRows = Vec<(usize, SpecSeed)>;

/// A batch's rows with their badge specs, from [`derive_specs`].
type Derived = tokio::sync::mpsc::Receiver<(Vec<usize>, Vec<BadgeSpec>)>;

/// Batches of `batch_size` rows, in the order the rows are sent, with their badge specs derived
/// on threads of their own (a claim key's public key is a scalar multiplication) a few batches
/// ahead of signing. The last batch, short, comes once the sender is dropped.
fn derive_specs(batch_size: usize) -> (std::sync::mpsc::Sender<SeedRows>, Derived) {
	let (rows_in, rows) = std::sync::mpsc::channel::<SeedRows>();
	let (sender, receiver) = tokio::sync::mpsc::channel(DERIVED_AHEAD);
	std::thread::spawn(move || {
		let mut pending: SeedRows = Vec::new();
		loop {
			let more = rows.recv().ok();
			let last = more.is_none();
			pending.extend(more.into_iter().flatten());
			while pending.len() >= batch_size || (last && !pending.is_empty()) {
				let batch: SeedRows = pending.drain(..pending.len().min(batch_size)).collect();
				let (rows, seeds): (Vec<usize>, Vec<SpecSeed>) = batch.into_iter().unzip();
				let specs = super::par_map(&seeds, spec_of);
				if sender.blocking_send((rows, specs)).is_err() {
					return;
				}
			}
			if last {
				return;
			}
		}
	});
	(rows_in, receiver)
}

//! The public ledger as an explorer reads it: the badge registry's events block by block
//! (issuers, classes, issuances, revocations), the registered issuers and the class count, all
//! at finalized blocks.
//!
//! Receipts and disclosure changes are left out on purpose: they name a holder's account, and an
//! explorer has no business following when a person hides a badge.

use crate::{runtime, AccountId32, BadgeClient, Error, RevocationReason, H256};

/// What a ledger entry records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LedgerKind {
	/// An issuer was registered by the council.
	IssuerRegistered,
	/// An issuer was suspended.
	IssuerSuspended,
	/// A suspended issuer was reinstated.
	IssuerReinstated,
	/// A badge class was created.
	ClassCreated,
	/// A badge class was retired.
	ClassRetired,
	/// A badge was issued.
	BadgeIssued,
	/// A badge was revoked.
	BadgeRevoked,
}

impl LedgerKind {
	/// A stable lower-case name (`badge_issued`, …) for storage and URLs.
	pub fn name(self) -> &'static str {
		match self {
			LedgerKind::IssuerRegistered => "issuer_registered",
			LedgerKind::IssuerSuspended => "issuer_suspended",
			LedgerKind::IssuerReinstated => "issuer_reinstated",
			LedgerKind::ClassCreated => "class_created",
			LedgerKind::ClassRetired => "class_retired",
			LedgerKind::BadgeIssued => "badge_issued",
			LedgerKind::BadgeRevoked => "badge_revoked",
		}
	}
}

/// One registry event of a block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerEntry {
	/// The event's index in its block.
	pub index: u32,
	/// What happened.
	pub kind: LedgerKind,
	/// The issuer concerned.
	pub issuer: AccountId32,
	/// The class concerned, if any.
	pub class: Option<u32>,
	/// The badge concerned, if any.
	pub badge: Option<H256>,
	/// A revocation's reason.
	pub reason: Option<RevocationReason>,
}

/// The registry events of one block.
#[derive(Clone, Debug)]
pub struct LedgerBlock {
	/// Block number.
	pub number: u64,
	/// Block hash.
	pub hash: H256,
	/// The block's timestamp (ms since the Unix epoch).
	pub timestamp: u64,
	/// Its registry events, in order.
	pub entries: Vec<LedgerEntry>,
}

impl BadgeClient {
	/// The number of the latest finalized block.
	pub async fn finalized_number(&self) -> Result<u64, Error> {
		Ok(self.api.at_current_block().await?.block_number())
	}

	/// The registry events of block `number` (which should be finalized).
	pub async fn ledger_at(&self, number: u64) -> Result<LedgerBlock, Error> {
		use runtime::badges::events as ev;
		let at = self.api.at_block(number).await?;
		let timestamp = at
			.storage()
			.fetch(runtime::storage().timestamp().now(), ())
			.await?
			.decode()?;
		let events = at.events().fetch().await?;
		let mut entries = Vec::new();
		for event in events.iter() {
			let event = event?;
			if event.pallet_name() != "Badges" {
				continue;
			}
			let index = event.index();
			let entry = |kind, issuer, class, badge, reason| LedgerEntry {
				index,
				kind,
				issuer,
				class,
				badge,
				reason,
			};
			let found = if let Some(e) = event.decode_fields_as::<ev::IssuerRegistered>() {
				entry(LedgerKind::IssuerRegistered, e?.issuer, None, None, None)
			} else if let Some(e) = event.decode_fields_as::<ev::IssuerSuspended>() {
				entry(LedgerKind::IssuerSuspended, e?.issuer, None, None, None)
			} else if let Some(e) = event.decode_fields_as::<ev::IssuerReinstated>() {
				entry(LedgerKind::IssuerReinstated, e?.issuer, None, None, None)
			} else if let Some(e) = event.decode_fields_as::<ev::BadgeClassCreated>() {
				let e = e?;
				entry(
					LedgerKind::ClassCreated,
					e.issuer,
					Some(e.class),
					None,
					None,
				)
			} else if let Some(e) = event.decode_fields_as::<ev::BadgeClassRetired>() {
				let e = e?;
				entry(
					LedgerKind::ClassRetired,
					e.issuer,
					Some(e.class),
					None,
					None,
				)
			} else if let Some(e) = event.decode_fields_as::<ev::BadgeIssued>() {
				let e = e?;
				entry(
					LedgerKind::BadgeIssued,
					e.issuer,
					Some(e.class),
					Some(e.badge),
					None,
				)
			} else if let Some(e) = event.decode_fields_as::<ev::BadgeRevoked>() {
				let e = e?;
				entry(
					LedgerKind::BadgeRevoked,
					e.issuer,
					None,
					Some(e.badge),
					Some(e.reason),
				)
			} else {
				continue;
			};
			entries.push(found);
		}
		Ok(LedgerBlock {
			number,
			hash: at.block_hash(),
			timestamp,
			entries,
		})
	}

	/// Every registered issuer's account (finalized state), in storage order.
	pub async fn issuer_accounts(&self) -> Result<Vec<AccountId32>, Error> {
		let at = self.api.at_current_block().await?;
		let mut entries = at
			.storage()
			.iter(runtime::storage().badges().issuers(), ())
			.await?;
		let mut accounts = Vec::new();
		while let Some(entry) = entries.next().await {
			let (account,) = entry?
				.key()
				.and_then(|k| k.decode())
				.map_err(|e| Error::InvalidInput(format!("issuer key: {e}")))?;
			accounts.push(account);
		}
		Ok(accounts)
	}

	/// How many badge classes were ever created (ids are `0..count`).
	pub async fn class_count(&self) -> Result<u32, Error> {
		let at = self.api.at_current_block().await?;
		Ok(at
			.storage()
			.fetch(runtime::storage().badges().next_class_id(), ())
			.await?
			.decode()?)
	}
}

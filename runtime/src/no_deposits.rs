//! [`NoDeposits`]: the "currency" of a chain without balances, for pallets that insist on one.
//!
//! `pallet_session` asks for a currency to hold a deposit when keys are set. This chain has no
//! tokens (the council decides who may be a validator), so `KeyDeposit` is zero and nothing is
//! ever held: every balance reads zero, and every attempt to create or hold funds fails loudly
//! instead of pretending.

use crate::RuntimeHoldReason;
use frame_support::traits::tokens::{
	fungible::{self, Dust},
	DepositConsequence, Fortitude, Preservation, Provenance, WithdrawConsequence,
};
use sp_runtime::{DispatchError, TokenError};

/// A currency in which every balance is zero and nothing can be minted or held.
pub struct NoDeposits;

impl<A> fungible::Inspect<A> for NoDeposits {
	type Balance = u128;
	fn total_issuance() -> u128 {
		0
	}
	fn minimum_balance() -> u128 {
		0
	}
	fn total_balance(_: &A) -> u128 {
		0
	}
	fn balance(_: &A) -> u128 {
		0
	}
	fn reducible_balance(_: &A, _: Preservation, _: Fortitude) -> u128 {
		0
	}
	fn can_deposit(_: &A, _: u128, _: Provenance) -> DepositConsequence {
		DepositConsequence::UnknownAsset
	}
	fn can_withdraw(_: &A, amount: u128) -> WithdrawConsequence<u128> {
		if amount == 0 {
			WithdrawConsequence::Success
		} else {
			WithdrawConsequence::BalanceLow
		}
	}
}

impl<A> fungible::Unbalanced<A> for NoDeposits {
	fn handle_dust(_: Dust<A, Self>) {}
	fn write_balance(_: &A, amount: u128) -> Result<Option<u128>, DispatchError> {
		if amount == 0 {
			Ok(None)
		} else {
			Err(TokenError::Unsupported.into())
		}
	}
	fn set_total_issuance(_: u128) {}
}

impl<A: Eq> fungible::Mutate<A> for NoDeposits {}

impl<A> fungible::hold::Inspect<A> for NoDeposits {
	type Reason = RuntimeHoldReason;
	fn total_balance_on_hold(_: &A) -> u128 {
		0
	}
	fn balance_on_hold(_: &Self::Reason, _: &A) -> u128 {
		0
	}
}

impl<A> fungible::hold::Unbalanced<A> for NoDeposits {
	fn set_balance_on_hold(_: &Self::Reason, _: &A, amount: u128) -> Result<(), DispatchError> {
		if amount == 0 {
			Ok(())
		} else {
			Err(TokenError::Unsupported.into())
		}
	}
}

impl<A: Eq> fungible::hold::Mutate<A> for NoDeposits {}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn nothing_can_be_minted_or_held() {
		sp_io::TestExternalities::default().execute_with(|| {
			assert!(<NoDeposits as fungible::Mutate<u64>>::mint_into(&1, 1).is_err());
			let reason = RuntimeHoldReason::Session(pallet_session::HoldReason::Keys);
			assert!(<NoDeposits as fungible::hold::Mutate<u64>>::hold(&reason, &1, 1).is_err());
			assert!(<NoDeposits as fungible::hold::Mutate<u64>>::hold(&reason, &1, 0).is_ok());
		});
	}
}

//! Transaction extensions of our own.

use codec::{Decode, DecodeWithMemTracking, Encode};
use core::fmt;
use frame_support::{dispatch::DispatchInfo, pallet_prelude::TransactionSource};
use frame_system::Config;
use scale_info::TypeInfo;
use sp_runtime::{
	traits::{
		AsSystemOriginSigner, CheckedAdd, DispatchInfoOf, Dispatchable, One, PostDispatchInfoOf,
		TransactionExtension, ValidateResult, Zero,
	},
	transaction_validity::{
		InvalidTransaction, TransactionLongevity, TransactionValidityError, ValidTransaction,
	},
	DispatchResult, Saturating, Weight,
};

/// Nonce check and increment, like `frame_system::CheckNonce` but for a chain without balances.
///
/// The standard extension refuses accounts that have no provider reference ("nonce storage not
/// paid for"), which on a chain with balances means accounts without funds. This chain has no
/// balances: a badge recipient's fresh wallet account must be able to send its receipt. Spam is
/// kept out by [`pallet_badges::CheckBadgeAccess`] instead, which runs before this extension
/// and admits only issuers, trusted signers and senders of a call they are entitled to make.
///
/// Identifier and encoding are the standard ones (`CheckNonce`, a compact nonce), so clients
/// sign for it as for any Substrate chain.
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, Eq, PartialEq, TypeInfo)]
#[scale_info(skip_type_params(T))]
pub struct CheckNonce<T: Config>(#[codec(compact)] pub T::Nonce);

impl<T: Config> CheckNonce<T> {
	/// The extension for `nonce`.
	pub fn from(nonce: T::Nonce) -> Self {
		Self(nonce)
	}
}

impl<T: Config> fmt::Debug for CheckNonce<T> {
	fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
		write!(f, "CheckNonce({:?})", self.0)
	}
}

impl<T: Config> TransactionExtension<T::RuntimeCall> for CheckNonce<T>
where
	T::RuntimeCall: Dispatchable<Info = DispatchInfo>,
	<T::RuntimeCall as Dispatchable>::RuntimeOrigin: AsSystemOriginSigner<T::AccountId> + Clone,
{
	const IDENTIFIER: &'static str = "CheckNonce";
	type Implicit = ();
	type Val = Option<T::AccountId>;
	type Pre = ();

	fn weight(&self, _: &T::RuntimeCall) -> Weight {
		<T::ExtensionsWeightInfo as frame_system::ExtensionsWeightInfo>::check_nonce()
	}

	fn validate(
		&self,
		origin: <T::RuntimeCall as Dispatchable>::RuntimeOrigin,
		_call: &T::RuntimeCall,
		_info: &DispatchInfoOf<T::RuntimeCall>,
		_len: usize,
		_self_implicit: Self::Implicit,
		_inherited_implication: &impl Encode,
		_source: TransactionSource,
	) -> ValidateResult<Self::Val, T::RuntimeCall> {
		let Some(who) = origin.as_system_origin_signer() else {
			return Ok((Default::default(), None, origin));
		};
		let current = frame_system::Account::<T>::get(who).nonce;
		if self.0 < current {
			return Err(InvalidTransaction::Stale.into());
		}
		let provides = alloc::vec![Encode::encode(&(who, self.0))];
		let requires = if current < self.0 {
			alloc::vec![Encode::encode(&(who, self.0.saturating_sub(One::one())))]
		} else {
			alloc::vec![]
		};
		let validity = ValidTransaction {
			priority: 0,
			requires,
			provides,
			longevity: TransactionLongevity::MAX,
			propagate: true,
		};
		Ok((validity, Some(who.clone()), origin))
	}

	fn prepare(
		self,
		val: Self::Val,
		_origin: &<T::RuntimeCall as Dispatchable>::RuntimeOrigin,
		_call: &T::RuntimeCall,
		_info: &DispatchInfoOf<T::RuntimeCall>,
		_len: usize,
	) -> Result<Self::Pre, TransactionValidityError> {
		let Some(who) = val else { return Ok(()) };
		let current = frame_system::Account::<T>::get(&who).nonce;
		if self.0 > current {
			return Err(InvalidTransaction::Future.into());
		}
		if self.0 < current {
			return Err(InvalidTransaction::Stale.into());
		}
		let next = self.0.checked_add(&One::one()).unwrap_or_else(Zero::zero);
		frame_system::Account::<T>::mutate(&who, |account| account.nonce = next);
		Ok(())
	}

	fn post_dispatch_details(
		_pre: Self::Pre,
		_info: &DispatchInfo,
		_post_info: &PostDispatchInfoOf<T::RuntimeCall>,
		_len: usize,
		_result: &DispatchResult,
	) -> Result<Weight, TransactionValidityError> {
		Ok(Weight::zero())
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{Runtime, RuntimeCall, RuntimeOrigin};
	use sp_io::TestExternalities;
	use sp_runtime::traits::DispatchTransaction;

	fn remark() -> RuntimeCall {
		RuntimeCall::System(frame_system::Call::remark {
			remark: alloc::vec![],
		})
	}

	#[test]
	fn fresh_accounts_may_send_their_first_transaction() {
		TestExternalities::default().execute_with(|| {
			let who = sp_keyring::Sr25519Keyring::Ferdie.to_account_id();
			let call = remark();
			let info = Default::default();
			let origin = RuntimeOrigin::signed(who.clone());
			let (valid, _, _) = CheckNonce::<Runtime>(0)
				.validate_only(
					origin.clone(),
					&call,
					&info,
					0,
					TransactionSource::External,
					0,
				)
				.expect("a fresh account's nonce 0 is valid");
			assert!(valid.requires.is_empty());
			CheckNonce::<Runtime>(0)
				.validate_and_prepare(origin.clone(), &call, &info, 0, 0)
				.expect("prepare bumps the nonce");
			assert_eq!(frame_system::Account::<Runtime>::get(&who).nonce, 1);
			// Replays are stale; gaps wait for their predecessor.
			assert_eq!(
				CheckNonce::<Runtime>(0)
					.validate_only(
						origin.clone(),
						&call,
						&info,
						0,
						TransactionSource::External,
						0
					)
					.map(|_| ()),
				Err(InvalidTransaction::Stale.into())
			);
			let (valid, _, _) = CheckNonce::<Runtime>(3)
				.validate_only(origin, &call, &info, 0, TransactionSource::External, 0)
				.expect("future nonces are valid in the pool");
			assert_eq!(valid.requires, alloc::vec![(who, 2u32).encode()]);
		});
	}
}

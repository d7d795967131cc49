//! [`CheckBadgeAccess`]: the transaction extension that keeps accounts with no business on the
//! chain, and unauthorized badge calls, out of the transaction pool and out of blocks.

use crate::{Call, Config, Error, Pallet, WeightInfo};
use codec::{Decode, DecodeWithMemTracking, Encode};
use core::{fmt, marker::PhantomData};
use frame_support::{
	dispatch::DispatchInfo,
	pallet_prelude::{TransactionSource, Weight},
	traits::{Contains, IsSubType},
};
use scale_info::TypeInfo;
use sp_runtime::{
	impl_tx_ext_default,
	traits::{AsSystemOriginSigner, DispatchInfoOf, Dispatchable, TransactionExtension},
	transaction_validity::{InvalidTransaction, TransactionValidityError, ValidTransaction},
};

/// Why [`CheckBadgeAccess`] refused a transaction, as carried in
/// `InvalidTransaction::Custom(code)`.
///
/// Codes below [`AccessError::NO_BUSINESS`] are the index of the pallet [`Error`] the call
/// would fail with, so clients can name it from the metadata.
pub struct AccessError;

impl AccessError {
	/// The signer is neither an issuer, nor a trusted signer, nor sending a badge call it may
	/// send.
	pub const NO_BUSINESS: u8 = 255;

	/// The custom validity code for a pallet error.
	pub fn code<T: Config>(error: Error<T>) -> u8 {
		// A pallet error encodes as its variant index (our variants carry no fields).
		error.encode().first().copied().unwrap_or_default()
	}
}

/// Transaction extension checking that the signer may send this call.
///
/// - Badge calls pass the same authorization checks the call itself makes (active issuer of
///   the class or badge, claim-key proof, holder), so an unauthorized badge call is refused
///   before it reaches a block, with the pallet error's index as custom code.
/// - Other calls (sudo, utility, system) are accepted only from active issuers and
///   [`Config::TrustedSigners`].
/// - Unsigned transactions and inherents pass through untouched.
///
/// It carries no bytes in the transaction, so generic clients can sign for the chain.
#[derive(Clone, Eq, PartialEq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
#[scale_info(skip_type_params(T))]
pub struct CheckBadgeAccess<T: Config + Send + Sync>(PhantomData<T>);

impl<T: Config + Send + Sync> CheckBadgeAccess<T> {
	/// Creates the extension.
	pub fn new() -> Self {
		Self(PhantomData)
	}
}

impl<T: Config + Send + Sync> Default for CheckBadgeAccess<T> {
	fn default() -> Self {
		Self::new()
	}
}

impl<T: Config + Send + Sync> fmt::Debug for CheckBadgeAccess<T> {
	fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
		write!(f, "CheckBadgeAccess")
	}
}

impl<T: Config + Send + Sync> CheckBadgeAccess<T>
where
	<T as frame_system::Config>::RuntimeCall: IsSubType<Call<T>>,
{
	/// Whether `who` may sign `call`.
	pub fn check(
		who: &T::AccountId,
		call: &<T as frame_system::Config>::RuntimeCall,
	) -> Result<(), TransactionValidityError> {
		match call.is_sub_type() {
			Some(badge_call) => Pallet::<T>::authorize_signed(who, badge_call)
				.map_err(|e| InvalidTransaction::Custom(AccessError::code::<T>(e)).into()),
			None if T::TrustedSigners::contains(who) || Pallet::<T>::is_active_issuer(who) => {
				Ok(())
			}
			None => Err(InvalidTransaction::Custom(AccessError::NO_BUSINESS).into()),
		}
	}
}

impl<T: Config + Send + Sync> TransactionExtension<<T as frame_system::Config>::RuntimeCall>
	for CheckBadgeAccess<T>
where
	<T as frame_system::Config>::RuntimeCall:
		Dispatchable<Info = DispatchInfo> + IsSubType<Call<T>>,
	<<T as frame_system::Config>::RuntimeCall as Dispatchable>::RuntimeOrigin:
		AsSystemOriginSigner<T::AccountId> + Clone,
{
	const IDENTIFIER: &'static str = "CheckBadgeAccess";
	type Implicit = ();
	type Val = ();
	type Pre = ();

	fn weight(&self, call: &<T as frame_system::Config>::RuntimeCall) -> Weight {
		// A receipt checks a signature; every other call only reads (at most an issuance's
		// issuer, class and badge).
		match call.is_sub_type() {
			Some(Call::receive { .. }) => <T as Config>::WeightInfo::check_badge_access(),
			_ => <T as Config>::WeightInfo::check_issuer_access(),
		}
	}

	fn validate(
		&self,
		origin: <<T as frame_system::Config>::RuntimeCall as Dispatchable>::RuntimeOrigin,
		call: &<T as frame_system::Config>::RuntimeCall,
		_info: &DispatchInfoOf<<T as frame_system::Config>::RuntimeCall>,
		_len: usize,
		_self_implicit: Self::Implicit,
		_inherited_implication: &impl Encode,
		_source: TransactionSource,
	) -> Result<
		(
			ValidTransaction,
			Self::Val,
			<<T as frame_system::Config>::RuntimeCall as Dispatchable>::RuntimeOrigin,
		),
		TransactionValidityError,
	> {
		if let Some(who) = origin.as_system_origin_signer() {
			Self::check(who, call)?;
		}
		Ok((ValidTransaction::default(), (), origin))
	}

	impl_tx_ext_default!(<T as frame_system::Config>::RuntimeCall; prepare);
}

//! Identifiers as text: the one written form of a badge id that the node's RPC, the CLI, the
//! wallet's database and its URLs share.

use std::{fmt, str::FromStr};

use crate::H256;

/// A badge's id: 32 bytes (the class in front, then a digest of the recipient; see
/// `pallet_badges::types::badge_id`), written `0x` and 64 lowercase hex digits.
///
/// `H256`'s own `Display` shortens the digits (`0x1234…cdef`); this type never does.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BadgeId(pub H256);

/// Text that is not a badge id.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a badge id (0x and 64 hex digits)")]
pub struct BadgeIdError(pub String);

impl BadgeId {
	/// The id's 32 bytes.
	pub fn hash(self) -> H256 {
		self.0
	}
}

impl From<H256> for BadgeId {
	fn from(hash: H256) -> Self {
		Self(hash)
	}
}

impl From<BadgeId> for H256 {
	fn from(id: BadgeId) -> Self {
		id.0
	}
}

impl fmt::Display for BadgeId {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		write!(f, "0x{}", hex::encode(self.0.as_bytes()))
	}
}

impl fmt::Debug for BadgeId {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		fmt::Display::fmt(self, f)
	}
}

/// 64 hex digits in either case, after `0x` or not, with white space around them ignored.
impl FromStr for BadgeId {
	type Err = BadgeIdError;

	fn from_str(text: &str) -> Result<Self, Self::Err> {
		let bad = || BadgeIdError(text.to_string());
		let digits = text.trim();
		let digits = digits.strip_prefix("0x").unwrap_or(digits);
		let mut bytes = [0u8; 32];
		if digits.len() != 64 {
			return Err(bad());
		}
		hex::decode_to_slice(digits, &mut bytes).map_err(|_| bad())?;
		Ok(Self(H256(bytes)))
	}
}

impl serde::Serialize for BadgeId {
	fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
		serializer.collect_str(self)
	}
}

impl<'de> serde::Deserialize<'de> for BadgeId {
	fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
		let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
		text.parse().map_err(serde::de::Error::custom)
	}
}

/// A badge id is a text column, in its written form, in every database the wallet runs on.
#[cfg(feature = "sqlx")]
mod database {
	use super::BadgeId;
	use sqlx::{encode::IsNull, error::BoxDynError, Database, Decode, Encode, Type};

	impl<DB: Database> Type<DB> for BadgeId
	where
		String: Type<DB>,
	{
		fn type_info() -> DB::TypeInfo {
			<String as Type<DB>>::type_info()
		}

		fn compatible(ty: &DB::TypeInfo) -> bool {
			<String as Type<DB>>::compatible(ty)
		}
	}

	impl<'q, DB: Database> Encode<'q, DB> for BadgeId
	where
		String: Encode<'q, DB>,
	{
		fn encode_by_ref(&self, buf: &mut DB::ArgumentBuffer) -> Result<IsNull, BoxDynError> {
			self.to_string().encode(buf)
		}
	}

	impl<'r, DB: Database> Decode<'r, DB> for BadgeId
	where
		String: Decode<'r, DB>,
	{
		fn decode(value: DB::ValueRef<'r>) -> Result<Self, BoxDynError> {
			Ok(String::decode(value)?.parse()?)
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn badge_ids_are_written_in_full_and_read_back() {
		let id = BadgeId(H256([0xab; 32]));
		let text = id.to_string();
		assert_eq!(text, format!("0x{}", "ab".repeat(32)));
		assert_eq!(format!("{id:?}"), text);
		assert_eq!(text.parse::<BadgeId>().unwrap(), id);
		assert_eq!(
			format!(" 0x{} ", "AB".repeat(32))
				.parse::<BadgeId>()
				.unwrap(),
			id
		);
		assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{text}\""));
		assert_eq!(
			serde_json::from_str::<BadgeId>(&format!("\"{text}\"")).unwrap(),
			id
		);
		// The hash's own Debug form, which stored ids were once written in, is the same text.
		assert_eq!(format!("{:?}", id.hash()), text);
		assert_eq!("ab".repeat(32).parse::<BadgeId>().unwrap(), id);
		for bad in [
			format!("0x{}", "ab".repeat(31)),
			format!("0x{}", "ab".repeat(33)),
			format!("0x{}zz", "ab".repeat(31)),
			"0x".into(),
			String::new(),
		] {
			assert!(bad.parse::<BadgeId>().is_err(), "{bad}");
		}
	}
}

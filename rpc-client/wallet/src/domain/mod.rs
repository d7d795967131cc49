//! The service's rules, apart from HTTP. Its error type ([`Error`]) is what the intake, the
//! links, the chain reads and the store refuse or fail with; `crate::web` answers it.

pub mod chain;
mod error;
pub mod links;

pub use error::Error;

/// A normalized e-mail address, by the rule every part of the system keeps
/// ([`badge_client::recipient::normalize_email`]), or why it is not one.
pub fn normalize_email(raw: &str) -> Result<String, Error> {
	badge_client::recipient::normalize_email(raw).map_err(|e| Error::BadInput(e.to_string()))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn emails_are_normalized_or_refused() {
		assert_eq!(
			normalize_email("  Member@Example.JP ").unwrap(),
			"member@example.jp"
		);
		assert!(normalize_email("not an address").is_err());
		assert!(normalize_email(&format!("{}@example.jp", "a".repeat(260))).is_err());
	}

	#[test]
	fn every_address_the_rule_accepts_can_be_mailed() {
		for accepted in [
			"applicant@example.jp",
			"a.b+c@mail.example.jp",
			"o'neil@example.com",
			"x_y-z@sub-domain.example.co.jp",
			"!#$%&'*+/=?^_`{|}~-@example.jp",
			"1@xn--eckwd4c7c.xn--zckzah",
		] {
			let email = normalize_email(accepted).unwrap();
			assert!(
				email.parse::<lettre::Address>().is_ok(),
				"lettre refuses {email}, which the rule accepts"
			);
		}
	}
}

//! The service's rules, apart from HTTP. Its error type ([`Error`]) is what the intake, the
//! links, the chain reads and the store refuse or fail with; `crate::web` answers it.

mod error;

pub use error::Error;

//! Dates as the chain keeps them: milliseconds since the Unix epoch, in UTC.
//!
//! The calendar is the `time` crate's; this module fixes the few textual forms the CLI, the
//! credentials and the wallet's pages use.

use time::{
	format_description::BorrowedFormatItem, macros::format_description, Date, OffsetDateTime,
	PrimitiveDateTime, Time,
};

/// A date that cannot be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("`{0}` is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)")]
pub struct DateError(pub String);

/// `YYYY-MM-DD`, read leniently (`2028-3-5` too, as spreadsheets write it).
const DAY: &[BorrowedFormatItem<'_>] =
	format_description!("[year]-[month padding:none]-[day padding:none]");
/// `YYYY-MM-DDTHH:MM:SSZ`, read leniently in the same way.
const ISO_IN: &[BorrowedFormatItem<'_>] =
	format_description!("[year]-[month padding:none]-[day padding:none]T[hour]:[minute]:[second]Z");
/// `YYYY-MM-DDTHH:MM:SSZ`: RFC 3339 / XML Schema `dateTime` in UTC, whole seconds.
const ISO: &[BorrowedFormatItem<'_>] =
	format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
/// `YYYY-MM-DD HH:MM:SS UTC`.
const PEOPLE: &[BorrowedFormatItem<'_>] =
	format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
/// `YYYY-MM-DD HH:MM`.
const MINUTES: &[BorrowedFormatItem<'_>] =
	format_description!("[year]-[month]-[day] [hour]:[minute]");

/// The years a date may name: the chain counts from 1970, and four digits are what the forms
/// above write.
const YEARS: std::ops::RangeInclusive<i32> = 1970..=9999;

/// Now, in ms since the Unix epoch (0 on a clock set before 1970).
pub fn now_millis() -> u64 {
	std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.map_or(0, |d| d.as_millis() as u64)
}

/// Parse `YYYY-MM-DD` (the end of that day, 23:59:59.999 UTC) or `YYYY-MM-DDTHH:MM:SSZ`.
pub fn parse_millis(text: &str) -> Result<u64, DateError> {
	let bad = || DateError(text.to_string());
	let text = text.trim();
	let at = if text.contains('T') {
		PrimitiveDateTime::parse(text, ISO_IN).map_err(|_| bad())?
	} else {
		let day = Date::parse(text, DAY).map_err(|_| bad())?;
		let end = Time::from_hms_milli(23, 59, 59, 999).expect("a valid time of day");
		PrimitiveDateTime::new(day, end)
	};
	if !YEARS.contains(&at.year()) {
		return Err(bad());
	}
	let millis = at.assume_utc().unix_timestamp_nanos() / 1_000_000;
	u64::try_from(millis).map_err(|_| bad())
}

/// The UTC moment of `millis`, held to the years the forms can write (a later moment is shown
/// as the last one of 9999).
fn moment(millis: u64) -> OffsetDateTime {
	let nanos = i128::from(millis) * 1_000_000;
	OffsetDateTime::from_unix_timestamp_nanos(nanos)
		.ok()
		.filter(|at| YEARS.contains(&at.year()))
		.unwrap_or_else(|| {
			PrimitiveDateTime::new(
				Date::from_calendar_date(*YEARS.end(), time::Month::December, 31)
					.expect("a valid date"),
				Time::from_hms_milli(23, 59, 59, 999).expect("a valid time of day"),
			)
			.assume_utc()
		})
}

fn format(millis: u64, form: &[BorrowedFormatItem<'_>]) -> String {
	moment(millis)
		.format(form)
		.expect("every form names only fields a UTC moment has")
}

/// `YYYY-MM-DD HH:MM:SS UTC`, for people.
pub fn format_millis(millis: u64) -> String {
	format(millis, PEOPLE)
}

/// `YYYY-MM-DD HH:MM` (UTC, the zone left to the reader), for pages.
pub fn format_minutes(millis: u64) -> String {
	format(millis, MINUTES)
}

/// `YYYY-MM-DDTHH:MM:SSZ` (RFC 3339 / XML Schema `dateTime` in UTC), for credentials.
pub fn format_iso(millis: u64) -> String {
	format(millis, ISO)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn dates_round_trip() {
		assert_eq!(parse_millis("1970-01-01T00:00:00Z").unwrap(), 0);
		assert_eq!(parse_millis("2028-03-31").unwrap(), 1_838_159_999_999);
		assert_eq!(parse_millis(" 2028-03-31 ").unwrap(), 1_838_159_999_999);
		assert_eq!(parse_millis("2028-3-31").unwrap(), 1_838_159_999_999);
		assert_eq!(
			parse_millis("2024-2-29T12:30:00Z").unwrap(),
			1_709_209_800_000
		);
		assert_eq!(format_millis(1_838_159_999_999), "2028-03-31 23:59:59 UTC");
		assert_eq!(format_minutes(1_838_159_999_999), "2028-03-31 23:59");
		assert_eq!(format_iso(1_838_159_999_999), "2028-03-31T23:59:59Z");
		assert_eq!(
			parse_millis("2024-02-29T12:30:00Z").unwrap(),
			1_709_209_800_000
		);
		for bad in [
			"2023-02-29",
			"2028-13-01",
			"28-03-31",
			"2028/03/31",
			"2028-03-31T25:00:00Z",
			"2028-03-31T12:00:00",
			"2028-03-31T12:00:00+01:00",
			"1969-12-31",
			"soon",
			"",
		] {
			assert!(parse_millis(bad).is_err(), "{bad}");
		}
	}

	#[test]
	fn moments_past_year_9999_are_shown_as_its_end() {
		assert_eq!(format_iso(u64::MAX), "9999-12-31T23:59:59Z");
		assert_eq!(
			format_iso(parse_millis("9999-12-31").unwrap()),
			"9999-12-31T23:59:59Z"
		);
	}
}

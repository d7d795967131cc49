//! Dates as the chain keeps them: milliseconds since the Unix epoch, in UTC.

/// A date that cannot be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("`{0}` is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)")]
pub struct DateError(pub String);

/// Now, in ms since the Unix epoch (0 on a clock set before 1970).
pub fn now_millis() -> u64 {
	std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.map_or(0, |d| d.as_millis() as u64)
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
	let y = if m <= 2 { y - 1 } else { y };
	let era = if y >= 0 { y } else { y - 399 } / 400;
	let yoe = y - era * 400;
	let mp = (m + 9) % 12;
	let doy = (153 * mp + 2) / 5 + d - 1;
	let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	era * 146_097 + doe - 719_468
}

/// The civil date of a day number.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
	let z = z + 719_468;
	let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
	let doe = z - era * 146_097;
	let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
	let y = yoe + era * 400;
	let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	let mp = (5 * doy + 2) / 153;
	let d = doy - (153 * mp + 2) / 5 + 1;
	let m = if mp < 10 { mp + 3 } else { mp - 9 };
	(if m <= 2 { y + 1 } else { y }, m, d)
}

/// Parse `YYYY-MM-DD` (the end of that day, 23:59:59.999 UTC) or `YYYY-MM-DDTHH:MM:SSZ`.
pub fn parse_millis(text: &str) -> Result<u64, DateError> {
	let bad = || DateError(text.to_string());
	let text = text.trim();
	let (date, time) = match text.split_once('T') {
		Some((d, t)) => (d, Some(t.strip_suffix('Z').ok_or_else(bad)?)),
		None => (text, None),
	};
	let parts: Vec<i64> = date
		.split('-')
		.map(|p| p.parse().map_err(|_| bad()))
		.collect::<Result<_, _>>()?;
	let [y, m, d] = parts[..] else {
		return Err(bad());
	};
	if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
		return Err(bad());
	}
	let days = days_from_civil(y, m, d);
	if civil_from_days(days) != (y, m, d) {
		return Err(bad());
	}
	let seconds_in_day = match time {
		None => 86_399,
		Some(t) => {
			let hms: Vec<i64> = t
				.split(':')
				.map(|p| p.parse().map_err(|_| bad()))
				.collect::<Result<_, _>>()?;
			let [h, mi, s] = hms[..] else {
				return Err(bad());
			};
			if !(0..24).contains(&h) || !(0..60).contains(&mi) || !(0..60).contains(&s) {
				return Err(bad());
			}
			h * 3600 + mi * 60 + s
		}
	};
	let millis = (days * 86_400 + seconds_in_day) * 1000 + if time.is_none() { 999 } else { 0 };
	Ok(millis as u64)
}

fn parts(millis: u64) -> (i64, i64, i64, i64, i64, i64) {
	let secs = (millis / 1000) as i64;
	let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
	let rem = secs.rem_euclid(86_400);
	(y, m, d, rem / 3600, rem % 3600 / 60, rem % 60)
}

/// `YYYY-MM-DD HH:MM:SS UTC`, for people.
pub fn format_millis(millis: u64) -> String {
	let (y, m, d, h, mi, s) = parts(millis);
	format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02} UTC")
}

/// `YYYY-MM-DD HH:MM` (UTC, the zone left to the reader), for pages.
pub fn format_minutes(millis: u64) -> String {
	let (y, m, d, h, mi, _) = parts(millis);
	format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}")
}

/// `YYYY-MM-DDTHH:MM:SSZ` (RFC 3339 / XML Schema `dateTime` in UTC), for credentials.
pub fn format_iso(millis: u64) -> String {
	let (y, m, d, h, mi, s) = parts(millis);
	format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn dates_round_trip() {
		assert_eq!(parse_millis("1970-01-01T00:00:00Z").unwrap(), 0);
		assert_eq!(parse_millis("2028-03-31").unwrap(), 1_838_159_999_999);
		assert_eq!(format_millis(1_838_159_999_999), "2028-03-31 23:59:59 UTC");
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
			"soon",
		] {
			assert!(parse_millis(bad).is_err(), "{bad}");
		}
	}
}

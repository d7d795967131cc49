//! Baked badge images: an Open Badges credential embedded in the badge's PNG or SVG, and read
//! back.
//!
//! - PNG: one `iTXt` chunk right after `IHDR`, keyword `openbadgecredential` (OB 3.0) or
//!   `openbadges` (OB 2.0), no compression, empty language tag and translated keyword.
//! - SVG: the OB namespace on the root element and a first child `<openbadges:credential>`
//!   (OB 3.0, namespace `https://purl.imsglobal.org/ob/v3p0`) or `<openbadges:assertion>`
//!   (OB 2.0, namespace `http://openbadges.org`) holding the JSON in CDATA.
//!
//! An image proves nothing by itself: a verifier reads the credential and checks it against the
//! chain.

use crate::Error;

/// Which Open Badges version a baked image carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
	/// Open Badges 3.0: an `OpenBadgeCredential`.
	V3,
	/// Open Badges 2.0: an `Assertion`.
	V2,
}

impl Version {
	fn png_keyword(self) -> &'static str {
		match self {
			Version::V3 => "openbadgecredential",
			Version::V2 => "openbadges",
		}
	}

	fn svg_element(self) -> &'static str {
		match self {
			Version::V3 => "openbadges:credential",
			Version::V2 => "openbadges:assertion",
		}
	}

	fn svg_namespace(self) -> &'static str {
		match self {
			Version::V3 => "https://purl.imsglobal.org/ob/v3p0",
			Version::V2 => "http://openbadges.org",
		}
	}
}

const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];

/// A PNG chunk: its type and data.
type Chunk<'a> = ([u8; 4], &'a [u8]);

/// The chunks of a PNG, checked for structure and CRCs.
fn png_chunks(png: &[u8]) -> Result<Vec<Chunk<'_>>, Error> {
	let bad = |why: &str| Error::InvalidInput(format!("not a valid PNG: {why}"));
	let mut rest = png
		.strip_prefix(&PNG_SIGNATURE[..])
		.ok_or_else(|| bad("no PNG signature"))?;
	let mut chunks = Vec::new();
	while !rest.is_empty() {
		if rest.len() < 12 {
			return Err(bad("truncated chunk"));
		}
		let len = u32::from_be_bytes(rest[..4].try_into().expect("4 bytes")) as usize;
		if rest.len() < 12 + len {
			return Err(bad("truncated chunk"));
		}
		let kind: [u8; 4] = rest[4..8].try_into().expect("4 bytes");
		let data = &rest[8..8 + len];
		let crc = u32::from_be_bytes(rest[8 + len..12 + len].try_into().expect("4 bytes"));
		if crc != chunk_crc(&kind, data) {
			return Err(bad("bad chunk checksum"));
		}
		chunks.push((kind, data));
		rest = &rest[12 + len..];
		if &kind == b"IEND" {
			break;
		}
	}
	if chunks.first().is_some_and(|(kind, _)| kind == b"IHDR") {
		Ok(chunks)
	} else {
		Err(bad("IHDR is not the first chunk"))
	}
}

fn chunk_crc(kind: &[u8; 4], data: &[u8]) -> u32 {
	let mut hasher = crc32fast::Hasher::new();
	hasher.update(kind);
	hasher.update(data);
	hasher.finalize()
}

fn push_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
	out.extend_from_slice(&(data.len() as u32).to_be_bytes());
	out.extend_from_slice(kind);
	out.extend_from_slice(data);
	out.extend_from_slice(&chunk_crc(kind, data).to_be_bytes());
}

/// The `iTXt` keyword of a chunk's data, and its text if uncompressed.
fn itxt(data: &[u8]) -> Option<(&str, Option<&str>)> {
	let nul = data.iter().position(|b| *b == 0)?;
	let keyword = std::str::from_utf8(&data[..nul]).ok()?;
	let rest = &data[nul + 1..];
	let (compressed, rest) = (*rest.first()?, rest.get(2..)?);
	let lang_end = rest.iter().position(|b| *b == 0)?;
	let rest = &rest[lang_end + 1..];
	let translated_end = rest.iter().position(|b| *b == 0)?;
	let text = &rest[translated_end + 1..];
	Some((
		keyword,
		(compressed == 0)
			.then(|| std::str::from_utf8(text).ok())
			.flatten(),
	))
}

/// Embed `payload` (credential JSON or a compact JWS) in a PNG, replacing an earlier one of the
/// same version.
pub fn bake_png(png: &[u8], version: Version, payload: &str) -> Result<Vec<u8>, Error> {
	let chunks = png_chunks(png)?;
	let keyword = version.png_keyword();
	let mut data = Vec::with_capacity(keyword.len() + 5 + payload.len());
	data.extend_from_slice(keyword.as_bytes());
	// NUL, compression flag 0, method 0, empty language tag, empty translated keyword.
	data.extend_from_slice(&[0, 0, 0, 0, 0]);
	data.extend_from_slice(payload.as_bytes());
	let mut out = PNG_SIGNATURE.to_vec();
	for (i, (kind, chunk)) in chunks.iter().enumerate() {
		let earlier_bake = kind == b"iTXt" && itxt(chunk).is_some_and(|(k, _)| k == keyword);
		if !earlier_bake {
			push_chunk(&mut out, kind, chunk);
		}
		if i == 0 {
			push_chunk(&mut out, b"iTXt", &data);
		}
	}
	Ok(out)
}

/// The payload baked into a PNG, if any.
pub fn extract_png(png: &[u8], version: Version) -> Result<Option<String>, Error> {
	let keyword = version.png_keyword();
	Ok(png_chunks(png)?
		.into_iter()
		.filter(|(kind, _)| kind == b"iTXt")
		.filter_map(|(_, data)| itxt(data))
		.find(|(k, _)| *k == keyword)
		.and_then(|(_, text)| text.map(String::from)))
}

/// Embed `payload` in an SVG as the root element's first child, replacing an earlier one.
pub fn bake_svg(svg: &str, version: Version, payload: &str) -> Result<String, Error> {
	if payload.contains("]]>") {
		return Err(Error::InvalidInput(
			"the payload cannot contain `]]>`".into(),
		));
	}
	let svg = strip_svg_bake(svg, version);
	let start = find_root(&svg)?;
	let close = svg[start..]
		.find('>')
		.map(|i| start + i)
		.ok_or_else(|| Error::InvalidInput("not an SVG: the <svg> tag never closes".into()))?;
	let self_closing = svg[..close].ends_with('/');
	let attr_end = if self_closing { close - 1 } else { close };
	let xmlns = format!("xmlns:openbadges=\"{}\"", version.svg_namespace());
	let mut out = String::with_capacity(svg.len() + payload.len() + 128);
	out.push_str(&svg[..attr_end]);
	if !svg[start..attr_end].contains("xmlns:openbadges=") {
		out.push(' ');
		out.push_str(&xmlns);
	}
	let element = version.svg_element();
	out.push_str(&format!(">\n<{element}><![CDATA[{payload}]]></{element}>"));
	if self_closing {
		out.push_str("</svg>");
		out.push_str(&svg[close + 1..]);
	} else {
		out.push_str(&svg[close + 1..]);
	}
	Ok(out)
}

fn find_root(svg: &str) -> Result<usize, Error> {
	let mut from = 0;
	while let Some(i) = svg[from..].find("<svg") {
		let at = from + i;
		if svg[at + 4..].starts_with(|c: char| c.is_whitespace() || c == '>' || c == '/') {
			return Ok(at);
		}
		from = at + 4;
	}
	Err(Error::InvalidInput("not an SVG: no <svg> element".into()))
}

fn strip_svg_bake(svg: &str, version: Version) -> String {
	let element = version.svg_element();
	let (open, close) = (format!("<{element}>"), format!("</{element}>"));
	match (svg.find(&open), svg.find(&close)) {
		(Some(a), Some(b)) if a < b => {
			let mut out = svg[..a].trim_end_matches('\n').to_string();
			out.push_str(&svg[b + close.len()..]);
			out
		}
		_ => svg.to_string(),
	}
}

/// The payload baked into an SVG, if any: the `verify` attribute (a compact JWS) or the
/// element's text (CDATA or escaped), wherever the element stands and whichever tool baked it.
pub fn extract_svg(svg: &str, version: Version) -> Option<String> {
	let element = version.svg_element();
	let open = format!("<{element}");
	let start = svg.match_indices(&open).find_map(|(i, _)| {
		svg[i + open.len()..]
			.starts_with(|c: char| c.is_whitespace() || c == '>' || c == '/')
			.then_some(i)
	})?;
	let tag_end = start + svg[start..].find('>')?;
	let tag = &svg[start..tag_end];
	if let Some(value) = attribute(tag, "verify") {
		return Some(unescape(value));
	}
	if tag.ends_with('/') {
		return None;
	}
	let body_end = tag_end + 1 + svg[tag_end + 1..].find(&format!("</{element}>"))?;
	let body = svg[tag_end + 1..body_end].trim();
	let text = match body
		.strip_prefix("<![CDATA[")
		.and_then(|b| b.strip_suffix("]]>"))
	{
		Some(raw) => raw.to_string(),
		None => unescape(body),
	};
	(!text.trim().is_empty()).then_some(text)
}

/// The value of `name="…"` (or `'…'`) in an opening tag.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
	let mut rest = tag;
	while let Some(i) = rest.find(name) {
		let before_ok = rest[..i].ends_with(|c: char| c.is_whitespace());
		let after = rest[i + name.len()..].trim_start();
		if before_ok {
			if let Some(value) = after.strip_prefix('=') {
				let value = value.trim_start();
				let quote = value.chars().next()?;
				if quote == '"' || quote == '\'' {
					let end = value[1..].find(quote)?;
					return Some(&value[1..1 + end]);
				}
			}
		}
		rest = &rest[i + name.len()..];
	}
	None
}

/// Undo XML's predefined entity escapes.
fn unescape(text: &str) -> String {
	text.replace("&lt;", "<")
		.replace("&gt;", ">")
		.replace("&quot;", "\"")
		.replace("&apos;", "'")
		.replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
	use super::*;

	/// A 1×1 grey PNG, written by the `image` crate.
	fn tiny_png() -> Vec<u8> {
		let mut out = std::io::Cursor::new(Vec::new());
		image::GrayImage::from_pixel(1, 1, image::Luma([128]))
			.write_to(&mut out, image::ImageFormat::Png)
			.unwrap();
		out.into_inner()
	}

	#[test]
	fn png_round_trip_for_both_versions() {
		let png = tiny_png();
		let v3 = bake_png(&png, Version::V3, r#"{"type":["VerifiableCredential"]}"#).unwrap();
		let both = bake_png(&v3, Version::V2, r#"{"type":"Assertion"}"#).unwrap();
		assert_eq!(
			extract_png(&both, Version::V3).unwrap().unwrap(),
			r#"{"type":["VerifiableCredential"]}"#
		);
		assert_eq!(
			extract_png(&both, Version::V2).unwrap().unwrap(),
			r#"{"type":"Assertion"}"#
		);
		assert_eq!(extract_png(&png, Version::V3).unwrap(), None);
		// Baking again replaces, never duplicates.
		let again = bake_png(&both, Version::V3, "{}").unwrap();
		assert_eq!(extract_png(&again, Version::V3).unwrap().unwrap(), "{}");
		assert_eq!(
			png_chunks(&again)
				.unwrap()
				.iter()
				.filter(|(k, _)| k == b"iTXt")
				.count(),
			2
		);
		// The chunk sits right after IHDR, as the baking specification asks.
		assert_eq!(&png_chunks(&again).unwrap()[1].0, b"iTXt");
	}

	#[test]
	fn baked_pngs_stay_decodable_images() {
		let baked = bake_png(&tiny_png(), Version::V3, "{}").unwrap();
		let img = image::load_from_memory(&baked).expect("still a PNG");
		assert_eq!((img.width(), img.height()), (1, 1));
	}

	#[test]
	fn broken_pngs_are_refused() {
		let mut png = tiny_png();
		assert!(bake_png(b"GIF89a", Version::V3, "{}").is_err());
		let last = png.len() - 1;
		png[last] ^= 1;
		assert!(bake_png(&png, Version::V3, "{}").is_err());
	}

	#[test]
	fn svg_round_trip_for_both_versions() {
		let svg = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\"><rect/></svg>";
		let baked = bake_svg(svg, Version::V3, r#"{"a":1}"#).unwrap();
		assert!(baked.contains("xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\""));
		assert_eq!(extract_svg(&baked, Version::V3).unwrap(), r#"{"a":1}"#);
		assert!(baked.ends_with("<rect/></svg>"));
		let rebaked = bake_svg(&baked, Version::V3, r#"{"a":2}"#).unwrap();
		assert_eq!(rebaked.matches("<openbadges:credential>").count(), 1);
		assert_eq!(extract_svg(&rebaked, Version::V3).unwrap(), r#"{"a":2}"#);
		let selfclosing = bake_svg(
			"<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
			Version::V2,
			"{}",
		)
		.unwrap();
		assert!(selfclosing.ends_with("</svg>"), "{selfclosing}");
		assert_eq!(extract_svg(&selfclosing, Version::V2).unwrap(), "{}");
		assert!(bake_svg("<html/>", Version::V3, "{}").is_err());
		// As other tools bake: the element last, namespaced on itself, text escaped, or a JWS
		// in `verify`.
		let other = "<svg><rect/><openbadges:credential xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\">{&quot;a&quot;: &quot;&lt;b&gt; &amp; c&quot;}</openbadges:credential></svg>";
		assert_eq!(
			extract_svg(other, Version::V3).unwrap(),
			r#"{"a": "<b> & c"}"#
		);
		let jws = "<svg><openbadges:assertion xmlns:openbadges=\"http://openbadges.org\" verify=\"aa.bb.cc\"/></svg>";
		assert_eq!(extract_svg(jws, Version::V2).unwrap(), "aa.bb.cc");
		assert_eq!(
			extract_svg(
				"<svg><openbadges:credentialx>1</openbadges:credentialx></svg>",
				Version::V3
			),
			None
		);
		assert!(bake_svg(svg, Version::V3, "]]>").is_err());
	}
}

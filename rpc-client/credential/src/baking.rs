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

use std::ops::Range;

use quick_xml::{
	escape::resolve_predefined_entity, events::Event, name::ResolveResult, NsReader, XmlVersion,
};

/// An image a credential cannot be baked into or read from.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BakeError {
	/// The bytes are not a well-formed PNG.
	#[error("not a valid PNG: {0}")]
	NotPng(&'static str),
	/// The text is not well-formed XML with an `<svg>` root.
	#[error("not an SVG: {0}")]
	NotSvg(String),
	/// The payload would end the CDATA section that carries it.
	#[error("the payload cannot contain `]]>`")]
	CdataEnd,
}

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

	fn svg_local_name(self) -> &'static str {
		match self {
			Version::V3 => "credential",
			Version::V2 => "assertion",
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
fn png_chunks(png: &[u8]) -> Result<Vec<Chunk<'_>>, BakeError> {
	let bad = BakeError::NotPng;
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
pub fn bake_png(png: &[u8], version: Version, payload: &str) -> Result<Vec<u8>, BakeError> {
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
pub fn extract_png(png: &[u8], version: Version) -> Result<Option<String>, BakeError> {
	let keyword = version.png_keyword();
	Ok(png_chunks(png)?
		.into_iter()
		.filter(|(kind, _)| kind == b"iTXt")
		.filter_map(|(_, data)| itxt(data))
		.find(|(k, _)| *k == keyword)
		.and_then(|(_, text)| text.map(String::from)))
}

/// What an SVG holds that a bake touches, read by an XML parser (so a comment, a CDATA section
/// or an escape that merely looks like a bake is never taken for one).
struct SvgLayout {
	/// The root `<svg …>` or `<svg …/>` tag.
	root: Range<usize>,
	/// The root's qualified name (`svg`, or `svg:svg` under a prefix).
	root_name: String,
	/// Whether the root tag is self-closing.
	root_empty: bool,
	/// The namespace the root binds the `openbadges` prefix to, if it binds it.
	root_openbadges: Option<String>,
	/// Earlier bakes of the same version, whole elements.
	earlier: Vec<Range<usize>>,
}

/// Whether an element is a bake of `version`: its local name in the version's namespace, or
/// under an `openbadges` prefix nobody declared (as some tools write it).
fn is_bake(ns: &ResolveResult<'_>, local: &str, version: Version) -> bool {
	local == version.svg_local_name()
		&& match ns {
			ResolveResult::Bound(ns) => ns.0 == version.svg_namespace(),
			ResolveResult::Unknown(prefix) => prefix == "openbadges",
			ResolveResult::Unbound => false,
		}
}

fn svg_layout(svg: &str, version: Version) -> Result<SvgLayout, BakeError> {
	let bad = BakeError::NotSvg;
	let mut reader = NsReader::from_str(svg);
	let mut root: Option<SvgLayout> = None;
	let mut earlier = Vec::new();
	loop {
		let before = reader.buffer_position() as usize;
		let (ns, event) = reader
			.read_resolved_event()
			.map_err(|e| bad(e.to_string()))?;
		let (tag, empty) = match &event {
			Event::Eof => break,
			Event::Start(tag) => (tag, false),
			Event::Empty(tag) => (tag, true),
			_ => continue,
		};
		// Text before a tag is its own event; the tag starts at its `<`.
		let start = before + svg[before..].find('<').unwrap_or(0);
		let bake = is_bake(&ns, tag.local_name().as_ref(), version);
		if root.is_none() {
			if tag.local_name().as_ref() != "svg" {
				return Err(bad(format!(
					"the root element is <{}>",
					tag.name().as_ref()
				)));
			}
			let openbadges = tag
				.try_get_attribute("xmlns:openbadges")
				.map_err(|e| bad(e.to_string()))?
				.map(|a| {
					a.normalized_value(XmlVersion::Implicit1_0)
						.map(|v| v.into_owned())
				})
				.transpose()
				.map_err(|e| bad(e.to_string()))?;
			root = Some(SvgLayout {
				root: start..reader.buffer_position() as usize,
				root_name: tag.name().as_ref().to_string(),
				root_empty: empty,
				root_openbadges: openbadges,
				earlier: Vec::new(),
			});
		} else if bake {
			if !empty {
				let name = tag.name();
				reader.read_to_end(name).map_err(|e| bad(e.to_string()))?;
			}
			earlier.push(start..reader.buffer_position() as usize);
		}
	}
	let mut layout = root.ok_or_else(|| bad("no <svg> element".into()))?;
	layout.earlier = earlier;
	Ok(layout)
}

/// Embed `payload` in an SVG as the root element's first child, replacing earlier bakes of the
/// same version; everything else in the file stays byte for byte.
pub fn bake_svg(svg: &str, version: Version, payload: &str) -> Result<String, BakeError> {
	if payload.contains("]]>") {
		return Err(BakeError::CdataEnd);
	}
	let layout = svg_layout(svg, version)?;
	let namespace = version.svg_namespace();
	let declaration = format!(" xmlns:openbadges=\"{namespace}\"");
	// The prefix is declared on the root, as the baking specification shows, unless the root
	// already binds it to another version's namespace: then on the element itself.
	let (on_root, on_element) = match layout.root_openbadges.as_deref() {
		None => (declaration.as_str(), ""),
		Some(ns) if ns == namespace => ("", ""),
		Some(_) => ("", declaration.as_str()),
	};
	let element = version.svg_element();
	let child = format!("\n<{element}{on_element}><![CDATA[{payload}]]></{element}>");
	let tag = &svg[layout.root.clone()];
	let root = if layout.root_empty {
		let head = tag.strip_suffix("/>").unwrap_or(tag).trim_end();
		format!("{head}{on_root}>{child}</{}>", layout.root_name)
	} else {
		let head = tag.strip_suffix('>').unwrap_or(tag);
		format!("{head}{on_root}>{child}")
	};
	// Each earlier bake goes with the white space in front of it (the line a bake opens).
	let mut edits: Vec<(Range<usize>, &str)> = layout
		.earlier
		.iter()
		.map(|span| {
			let from = svg[..span.start].trim_end().len().max(layout.root.end);
			(from.min(span.start)..span.end, "")
		})
		.collect();
	edits.push((layout.root.clone(), root.as_str()));
	edits.sort_by_key(|(span, _)| span.start);
	let mut out = String::with_capacity(svg.len() + payload.len() + 128);
	let mut at = 0;
	for (span, with) in edits {
		out.push_str(&svg[at..span.start]);
		out.push_str(with);
		at = span.end;
	}
	out.push_str(&svg[at..]);
	Ok(out)
}

/// The payload baked into an SVG, if any: the `verify` attribute (a compact JWS) or the
/// element's text (CDATA, escaped, or both), wherever the element stands and whichever tool
/// baked it. An SVG that does not parse holds none.
pub fn extract_svg(svg: &str, version: Version) -> Option<String> {
	let mut reader = NsReader::from_str(svg);
	let (tag, empty) = loop {
		let (ns, event) = reader.read_resolved_event().ok()?;
		match event {
			Event::Eof => return None,
			Event::Start(tag) if is_bake(&ns, tag.local_name().as_ref(), version) => {
				break (tag, false)
			}
			Event::Empty(tag) if is_bake(&ns, tag.local_name().as_ref(), version) => {
				break (tag, true)
			}
			_ => {}
		}
	};
	if let Some(jws) = tag.try_get_attribute("verify").ok()? {
		return Some(
			jws.normalized_value(XmlVersion::Implicit1_0)
				.ok()?
				.into_owned(),
		);
	}
	if empty {
		return None;
	}
	let mut text = String::new();
	let mut depth = 0usize;
	loop {
		match reader.read_event().ok()? {
			Event::Text(t) if depth == 0 => text.push_str(&t.xml10_content()),
			Event::CData(c) if depth == 0 => text.push_str(&c.xml10_content()),
			Event::GeneralRef(r) if depth == 0 => match r.resolve_char_ref().ok()? {
				Some(c) => text.push(c),
				None => text.push_str(resolve_predefined_entity(&r.xml10_content())?),
			},
			Event::Start(_) => depth += 1,
			Event::End(_) if depth == 0 => break,
			Event::End(_) => depth -= 1,
			Event::Eof => return None,
			_ => {}
		}
	}
	let text = text.trim();
	(!text.is_empty()).then(|| text.to_string())
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

	#[test]
	fn svg_bakes_are_read_as_xml_not_as_text() {
		let v3 = "https://purl.imsglobal.org/ob/v3p0";
		// A commented-out bake, and one hidden in a CDATA section, are not bakes.
		let decoy = format!(
			"<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges=\"{v3}\">\
			 <!-- <openbadges:credential>forged</openbadges:credential> -->\
			 <style><![CDATA[ <openbadges:credential>forged</openbadges:credential> ]]></style>\
			 <rect/></svg>"
		);
		assert_eq!(extract_svg(&decoy, Version::V3), None);
		let baked = bake_svg(&decoy, Version::V3, r#"{"real":true}"#).unwrap();
		assert_eq!(
			extract_svg(&baked, Version::V3).unwrap(),
			r#"{"real":true}"#
		);
		assert!(
			baked.contains("<!-- <openbadges:credential>forged"),
			"{baked}"
		);
		assert_eq!(
			baked.matches(&format!("xmlns:openbadges=\"{v3}\"")).count(),
			1
		);
		// Numeric and named escapes, mixed with CDATA.
		let escaped = format!(
			"<svg><x:credential xmlns:x=\"{v3}\">{{&#34;a&#x22;: &quot;&lt;b&gt;<![CDATA[ & c]]>&quot;}}</x:credential></svg>"
		);
		assert_eq!(
			extract_svg(&escaped, Version::V3).unwrap(),
			r#"{"a": "<b> & c"}"#
		);
		// Another prefix bound to the right namespace is a bake; the right prefix bound to
		// another namespace is not.
		let elsewhere = "<svg xmlns:openbadges=\"urn:other\"><openbadges:credential>1</openbadges:credential></svg>";
		assert_eq!(extract_svg(elsewhere, Version::V3), None);
		// Baking both versions leaves each readable, the second declared where it stands.
		let both = bake_svg(
			&bake_svg(svg_doc(), Version::V2, r#"{"v":2}"#).unwrap(),
			Version::V3,
			r#"{"v":3}"#,
		)
		.unwrap();
		assert_eq!(extract_svg(&both, Version::V2).unwrap(), r#"{"v":2}"#);
		assert_eq!(extract_svg(&both, Version::V3).unwrap(), r#"{"v":3}"#);
		// Rebaking removes a bake wherever it stands and keeps everything else.
		let last = format!("<svg><rect/>\n  <openbadges:credential xmlns:openbadges=\"{v3}\">old</openbadges:credential></svg>");
		let rebaked = bake_svg(&last, Version::V3, "new").unwrap();
		assert_eq!(extract_svg(&rebaked, Version::V3).unwrap(), "new");
		assert!(!rebaked.contains("old"), "{rebaked}");
		assert!(rebaked.ends_with("<rect/></svg>"), "{rebaked}");
		// Not XML, or not an SVG at its root.
		assert!(bake_svg("<svg><g></svg>", Version::V3, "{}").is_err());
		assert!(bake_svg("<html><svg/></html>", Version::V3, "{}").is_err());
		assert_eq!(
			extract_svg("<svg><openbadges:credential>1</svg>", Version::V3),
			None
		);
	}

	fn svg_doc() -> &'static str {
		"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><rect/></svg>"
	}
}

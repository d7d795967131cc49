//! The share kit of a public badge: its class image, a share card (PNG, also the Open Graph
//! image) and the same card on an A4 PDF page for print, the issuer's signed OB 3.0 credential
//! and the badge image with that credential baked in. Every file is served only while the
//! badge is public on chain; the card's QR code leads to the badge's disclosure and
//! verification page, which is what proves anything (an image alone does not). A holder
//! downloads the credential and baked image of each of their own badges, private ones too,
//! from their wallet (`/wallet/badges/{id}/{file}`, behind their session).

use crate::{domain::chain::on_chain, domain::Error, store::ClassImage, web::PageError, State};
use axum::{
	extract::{Path, State as AxumState},
	http::{header, HeaderValue},
	response::{IntoResponse, Response},
};
use badge_client::{BadgeId, DisclosureName};
use image::{imageops, GenericImageView, Rgb, RgbImage};
use std::sync::Arc;

/// Share card size (the Open Graph image size).
pub const CARD: (u32, u32) = (1200, 630);
/// The widest and tallest class image accepted (PNG), in pixels.
pub const MAX_SIDE: u32 = 4096;
/// Share cards (PNG and PDF) kept rendered; the set is emptied when full.
pub const CARDS_KEPT: usize = 64;

/// The width and height a PNG's header declares, without decoding the image.
pub fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
	image::ImageReader::with_format(std::io::Cursor::new(bytes), image::ImageFormat::Png)
		.into_dimensions()
		.ok()
}

/// What a rendered card is kept by: badge, file, and whether the class image was there.
type CardKey = (String, &'static str, bool);

/// Rendered share cards.
#[derive(Default)]
pub struct Cards {
	kept: std::sync::Mutex<std::collections::HashMap<CardKey, Arc<Vec<u8>>>>,
	/// Cards rendered so far (cache misses).
	pub rendered: std::sync::atomic::AtomicU64,
}

/// The bytes of `kind` (`card.png` or `card.pdf`) of badge `id`, whose page is `page_url`:
/// rendered off the async workers once, then served from [`Cards`] (a card changes only when
/// its class image is first uploaded, and the key says whether it was).
pub async fn card_file(
	cards: &Cards,
	id: &str,
	kind: &'static str,
	image: Option<ClassImage>,
	page_url: String,
) -> Result<Arc<Vec<u8>>, Error> {
	let key = (id.to_string(), kind, image.is_some());
	if let Some(bytes) = cards
		.kept
		.lock()
		.unwrap_or_else(|e| e.into_inner())
		.get(&key)
	{
		return Ok(bytes.clone());
	}
	let bytes = tokio::task::spawn_blocking(move || {
		let card = card(image.as_ref(), &page_url)?;
		match kind {
			"card.pdf" => Ok(pdf_page(&jpeg(&card)?, card.width(), card.height())),
			_ => png(&card),
		}
	})
	.await
	.map_err(|e| Error::Internal(format!("rendering a card: {e}")))??;
	let bytes = Arc::new(bytes);
	cards
		.rendered
		.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
	let mut kept = cards.kept.lock().unwrap_or_else(|e| e.into_inner());
	if kept.len() >= CARDS_KEPT {
		kept.clear();
	}
	kept.insert(key, bytes.clone());
	Ok(bytes)
}

/// `GET /classes/{id}/image`: the class image an issuer uploaded (checked against the digest
/// pinned on chain when it was uploaded).
pub(crate) async fn class_image(
	AxumState(state): AxumState<Arc<State>>,
	Path(id): Path<String>,
) -> Result<Response, PageError> {
	let class: i64 = id
		.trim()
		.parse()
		.map_err(|_| Error::BadInput("A class id is a number.".into()))?;
	let image = state
		.store
		.class_image(class)
		.await?
		.ok_or_else(|| Error::NotFound("No image is stored for this badge class.".into()))?;
	Ok(file(&image.content_type, image.bytes, None))
}

fn file(content_type: &str, bytes: Vec<u8>, download: Option<&str>) -> Response {
	let mut response = bytes.into_response();
	let headers = response.headers_mut();
	if let Ok(value) = HeaderValue::from_str(content_type) {
		headers.insert(header::CONTENT_TYPE, value);
	}
	if let Some(name) = download {
		if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
			headers.insert(header::CONTENT_DISPOSITION, value);
		}
	}
	response
}

/// What the share files are made of: a public badge's class, its stored image and credential.
struct Shared {
	id: BadgeId,
	image: Option<ClassImage>,
	credential: Option<String>,
}

/// The badge `id` if it is public on chain, with what the service holds for it.
async fn shared(state: &State, id: &str) -> Result<Shared, Error> {
	let id: BadgeId = id
		.parse()
		.map_err(|_| Error::BadInput("A badge id is 0x and 64 hex digits.".into()))?;
	let json = on_chain(state, async {
		state.client().await?.verify_json(id.hash(), None).await
	})
	.await?;
	let details = json
		.details
		.filter(|d| d.disclosure == DisclosureName::Public)
		.ok_or_else(|| Error::NotFound("This badge is not disclosed.".into()))?;
	let class = i64::from(details.class);
	Ok(Shared {
		image: state.store.class_image(class).await?,
		credential: state.store.credential(id).await?,
		id,
	})
}

/// `GET /badges/{id}/{file}`: the QR codes, and for a public badge its card, credential and
/// baked image.
pub(crate) async fn badge_file(
	AxumState(state): AxumState<Arc<State>>,
	Path((id, name)): Path<(String, String)>,
) -> Result<Response, PageError> {
	if name.starts_with("qr.") {
		return crate::pages::badge_qr(&state, &id, &name).await;
	}
	let shared = shared(&state, &id).await?;
	let page = crate::pages::page_url(&state, shared.id);
	let id = shared.id.to_string();
	let short = &id[..10];
	match name.as_str() {
		"card.png" => {
			let bytes = card_file(&state.cards, &id, "card.png", shared.image, page).await?;
			Ok(file("image/png", bytes.to_vec(), None))
		}
		"card.pdf" => {
			let bytes = card_file(&state.cards, &id, "card.pdf", shared.image, page).await?;
			Ok(file(
				"application/pdf",
				bytes.to_vec(),
				Some(&format!("badge-{short}.pdf")),
			))
		}
		"credential.json" | "baked.png" | "baked.svg" => {
			credential_file(&state, shared, &name).await
		}
		_ => Err(Error::NotFound(
			"Ask for qr.svg, qr.png, card.png, card.pdf, credential.json or baked.png.".into(),
		)
		.into()),
	}
}

/// The credential of `shared` (`credential.json`) or its image with the credential baked in
/// (`baked.png`/`baked.svg`), while the chain vouches for the credential.
async fn credential_file(state: &State, shared: Shared, name: &str) -> Result<Response, PageError> {
	let id = shared.id.to_string();
	let short = &id[..10];
	match name {
		"credential.json" => {
			let credential = vouched(state, shared.credential).await?;
			Ok(file(
				"application/ld+json",
				credential.into_bytes(),
				Some(&format!("badge-{short}.json")),
			))
		}
		"baked.png" | "baked.svg" => {
			let credential = vouched(state, shared.credential).await?;
			let image = shared.image.ok_or_else(|| {
				Error::NotFound("No image is stored for this badge class.".into())
			})?;
			let svg = image.content_type == "image/svg+xml";
			if svg != (name == "baked.svg") {
				return Err(Error::NotFound(
					"The badge image has the other format (PNG or SVG).".into(),
				)
				.into());
			}
			let version = badge_credential::baking::Version::V3;
			let bytes = if svg {
				let text = String::from_utf8(image.bytes)
					.map_err(|_| Error::Internal("stored SVG is not UTF-8".into()))?;
				badge_credential::baking::bake_svg(&text, version, &credential)
					.map_err(|e| Error::Internal(format!("baking: {e}")))?
					.into_bytes()
			} else {
				badge_credential::baking::bake_png(&image.bytes, version, &credential)
					.map_err(|e| Error::Internal(format!("baking: {e}")))?
			};
			let extension = if svg { "svg" } else { "png" };
			Ok(file(
				&image.content_type,
				bytes,
				Some(&format!("badge-{short}.{extension}")),
			))
		}
		_ => Err(Error::NotFound("Ask for credential.json, baked.png or baked.svg.".into()).into()),
	}
}

/// `GET /wallet/badges/{id}/{file}`: the credential (`credential.json`) or baked image
/// (`baked.png`/`baked.svg`) of one of the logged-in holder's badges, public or private.
pub(crate) async fn holder_file(
	AxumState(state): AxumState<Arc<State>>,
	crate::sessions::HolderSession { holder, .. }: crate::sessions::HolderSession,
	Path((id, name)): Path<(String, String)>,
) -> Result<Response, PageError> {
	let id: BadgeId = id
		.parse()
		.map_err(|_| Error::BadInput("A badge id is 0x and 64 hex digits.".into()))?;
	let badge = id.hash();
	if !crate::pages::holds(&state, &holder, id).await? {
		return Err(Error::NotFound("That badge is not in your wallet.".into()).into());
	}
	let json = on_chain(&state, async {
		state.client().await?.verify_json(badge, None).await
	})
	.await?;
	let class = json.details.map_or(-1, |d| i64::from(d.class));
	let shared = Shared {
		image: state.store.class_image(class).await?,
		credential: state.store.credential(id).await?,
		id,
	};
	credential_file(&state, shared, &name).await
}

/// The stored credential, if the chain still vouches for it (a key revoked since, say, may
/// have been compromised before its revocation was known: such a credential is not served).
/// A verdict is kept for a minute per credential, so that a busy page costs one check.
async fn vouched(state: &State, stored: Option<String>) -> Result<String, Error> {
	let text = stored.ok_or_else(no_credential)?;
	let digest = sp_crypto_hashing::blake2_256(text.as_bytes());
	if state.credential_vouched_recently(&digest) {
		return Ok(text);
	}
	let credential: serde_json::Value = serde_json::from_str(&text)
		.map_err(|e| Error::Internal(format!("stored credential: {e}")))?;
	crate::domain::chain::vouched(state, &credential, None)
		.await
		.map_err(|e| match e {
			Error::BadInput(reason) => Error::NotFound(format!(
				"The stored credential of this badge is no longer vouched for by the chain: {reason}"
			)),
			other => other,
		})?;
	state.note_credential_vouched(digest);
	Ok(text)
}

fn no_credential() -> Error {
	Error::NotFound("The issuer has not supplied a signed credential for this badge.".into())
}

/// The share card: the badge image on the left (PNG class images; an SVG one is left out, it
/// would need a renderer), the QR code of the page on the right, on white with a frame.
pub fn card(image: Option<&ClassImage>, page_url: &str) -> Result<RgbImage, Error> {
	let (width, height) = CARD;
	let mut card = RgbImage::from_pixel(width, height, Rgb([255, 255, 255]));
	// A navy frame.
	for x in 0..width {
		for y in (0..12).chain(height - 12..height) {
			card.put_pixel(x, y, Rgb([26, 60, 110]));
		}
	}
	for y in 0..height {
		for x in (0..12).chain(width - 12..width) {
			card.put_pixel(x, y, Rgb([26, 60, 110]));
		}
	}
	if let Some(image) = image.filter(|i| i.content_type == "image/png") {
		// Bounded however the image was stored (uploads are checked against the same bound).
		let mut reader = image::ImageReader::with_format(
			std::io::Cursor::new(&image.bytes),
			image::ImageFormat::Png,
		);
		let mut limits = image::Limits::default();
		limits.max_image_width = Some(MAX_SIDE);
		limits.max_image_height = Some(MAX_SIDE);
		reader.limits(limits);
		let badge = reader
			.decode()
			.map_err(|e| Error::Internal(format!("stored PNG: {e}")))?;
		let side = 500;
		let scaled = badge.resize(side, side, imageops::FilterType::Lanczos3);
		let (w, h) = scaled.dimensions();
		let mut rgb = RgbImage::from_pixel(w, h, Rgb([255, 255, 255]));
		// Blend transparent pixels over white.
		for (x, y, pixel) in scaled.to_rgba8().enumerate_pixels() {
			let a = u32::from(pixel[3]);
			let mix = |c: u8| ((u32::from(c) * a + 255 * (255 - a)) / 255) as u8;
			rgb.put_pixel(x, y, Rgb([mix(pixel[0]), mix(pixel[1]), mix(pixel[2])]));
		}
		imageops::overlay(
			&mut card,
			&rgb,
			i64::from(65 + (side - w) / 2),
			i64::from((height - h) / 2),
		);
	}
	let code = qrcode::QrCode::with_error_correction_level(page_url.as_bytes(), qrcode::EcLevel::Q)
		.map_err(|e| Error::Internal(format!("QR code of {page_url}: {e}")))?;
	let qr = code
		.render::<image::Luma<u8>>()
		.min_dimensions(440, 440)
		.max_dimensions(500, 500)
		.quiet_zone(true)
		.build();
	let qr = image::DynamicImage::ImageLuma8(qr).to_rgb8();
	let (w, h) = qr.dimensions();
	imageops::overlay(
		&mut card,
		&qr,
		i64::from(width - 65 - w),
		i64::from((height - h) / 2),
	);
	Ok(card)
}

fn png(image: &RgbImage) -> Result<Vec<u8>, Error> {
	let mut out = std::io::Cursor::new(Vec::new());
	image
		.write_to(&mut out, image::ImageFormat::Png)
		.map_err(|e| Error::Internal(format!("PNG: {e}")))?;
	Ok(out.into_inner())
}

fn jpeg(image: &RgbImage) -> Result<Vec<u8>, Error> {
	let mut out = Vec::new();
	image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92)
		.encode_image(image)
		.map_err(|e| Error::Internal(format!("JPEG: {e}")))?;
	Ok(out)
}

/// One A4 page (PDF 1.4) showing a JPEG of `width`×`height` pixels across the page's width
/// (2 cm margins) at its top.
pub fn pdf_page(jpeg: &[u8], width: u32, height: u32) -> Vec<u8> {
	let (page_w, page_h, margin) = (595.0_f64, 842.0_f64, 57.0_f64);
	let shown_w = page_w - 2.0 * margin;
	let shown_h = shown_w * f64::from(height) / f64::from(width);
	let content = format!(
		"q {shown_w:.2} 0 0 {shown_h:.2} {margin:.2} {:.2} cm /Card Do Q\n",
		page_h - margin - shown_h
	);
	let mut pdf: Vec<u8> = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
	let mut offsets = Vec::new();
	let mut object = |pdf: &mut Vec<u8>, body: &[u8]| {
		offsets.push(pdf.len());
		pdf.extend_from_slice(format!("{} 0 obj\n", offsets.len()).as_bytes());
		pdf.extend_from_slice(body);
		pdf.extend_from_slice(b"\nendobj\n");
	};
	object(&mut pdf, b"<< /Type /Catalog /Pages 2 0 R >>");
	object(&mut pdf, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
	object(
		&mut pdf,
		format!(
			"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {page_w} {page_h}] \
			 /Resources << /XObject << /Card 4 0 R >> >> /Contents 5 0 R >>"
		)
		.as_bytes(),
	);
	let mut image = format!(
		"<< /Type /XObject /Subtype /Image /Width {width} /Height {height} \
		 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n",
		jpeg.len()
	)
	.into_bytes();
	image.extend_from_slice(jpeg);
	image.extend_from_slice(b"\nendstream");
	object(&mut pdf, &image);
	object(
		&mut pdf,
		format!(
			"<< /Length {} >>\nstream\n{content}endstream",
			content.len()
		)
		.as_bytes(),
	);
	let xref = pdf.len();
	pdf.extend_from_slice(
		format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes(),
	);
	for offset in &offsets {
		pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
	}
	pdf.extend_from_slice(
		format!(
			"trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
			offsets.len() + 1
		)
		.as_bytes(),
	);
	pdf
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_pdf_cross_reference_points_at_its_objects() {
		let card = card(None, "http://127.0.0.1:8080/badges/0x01").unwrap();
		let pdf = pdf_page(&jpeg(&card).unwrap(), card.width(), card.height());
		assert!(pdf.starts_with(b"%PDF-1.4"));
		// The tail is text (the JPEG is before it): offsets are byte offsets into `pdf`.
		let find = |needle: &[u8]| pdf.windows(needle.len()).rposition(|w| w == needle);
		let marker = find(b"startxref\n").unwrap();
		let tail = std::str::from_utf8(&pdf[marker..]).unwrap();
		let start: usize = tail.lines().nth(1).unwrap().parse().unwrap();
		let xref = std::str::from_utf8(&pdf[start..]).unwrap();
		assert!(
			xref.starts_with("xref\n0 6\n"),
			"startxref is right: {xref}"
		);
		for (n, line) in xref.lines().skip(3).take(5).enumerate() {
			let offset: usize = line[..10].parse().unwrap();
			assert!(
				pdf[offset..].starts_with(format!("{} 0 obj", n + 1).as_bytes()),
				"object {} at {offset}",
				n + 1
			);
		}
	}

	#[test]
	fn the_card_shows_the_badge_image_and_a_qr_code_that_reads_back() {
		let mut badge = RgbImage::from_pixel(64, 64, Rgb([200, 20, 20]));
		badge.put_pixel(0, 0, Rgb([0, 0, 0]));
		let image = ClassImage {
			content_type: "image/png".into(),
			bytes: png(&badge).unwrap(),
		};
		let url = "http://127.0.0.1:8080/badges/0xabc";
		let card = card(Some(&image), url).unwrap();
		assert_eq!(card.dimensions(), CARD);
		assert_eq!(
			*card.get_pixel(315, 315),
			Rgb([200, 20, 20]),
			"the badge image is on the left"
		);
		assert_eq!(*card.get_pixel(5, 5), Rgb([26, 60, 110]), "the frame");
		let mut prepared =
			rqrr::PreparedImage::prepare(image::DynamicImage::ImageRgb8(card).to_luma8());
		let grids = prepared.detect_grids();
		assert_eq!(grids.len(), 1, "one QR code");
		assert_eq!(grids[0].decode().unwrap().1, url, "it leads to the page");
	}
}

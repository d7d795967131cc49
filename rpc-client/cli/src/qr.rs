//! QR codes leading to a badge's disclosure and verification page, and reading them back.

use crate::{parse_badge_id, CliError, Ctx};
use clap::Args;
use image::Luma;
use qrcode::{render::svg, EcLevel, QrCode};
use serde_json::json;
use std::path::{Path, PathBuf};

/// Arguments of `badge qr`.
#[derive(Args, Debug)]
pub struct QrArgs {
	/// Badge id.
	badge: String,
	/// Output file: `.svg` (vector, for print) or `.png`.
	#[arg(long)]
	out: PathBuf,
	/// Base URL of the public badge pages [default: config `base_url`, or http://127.0.0.1:8080].
	#[arg(long)]
	base_url: Option<String>,
	/// Width and height of a PNG in pixels (1200 px prints 10 cm wide at 300 dpi).
	#[arg(long, default_value_t = 1200)]
	size: u32,
}

/// The disclosure page of `badge` under `base`.
pub fn page_url(base: &str, badge: &str) -> String {
	format!("{}/badges/{}", base.trim_end_matches('/'), badge)
}

/// Render `url` as a QR code into `out` (SVG or PNG by extension).
pub fn write(url: &str, out: &Path, size: u32) -> Result<(), CliError> {
	// Quartile error correction survives print wear and a small logo.
	let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::Q)
		.map_err(|e| CliError::Input(format!("cannot encode `{url}` as a QR code: {e}")))?;
	let ext = out
		.extension()
		.and_then(|e| e.to_str())
		.unwrap_or_default()
		.to_lowercase();
	match ext.as_str() {
		"svg" => {
			let svg = code
				.render::<svg::Color>()
				.min_dimensions(size, size)
				.quiet_zone(true)
				.build();
			std::fs::write(out, svg)
		}
		"png" => {
			let img = code
				.render::<Luma<u8>>()
				.min_dimensions(size, size)
				.quiet_zone(true)
				.build();
			img.save(out).map_err(std::io::Error::other)
		}
		_ => {
			return Err(CliError::Input(
				"the output must end in .svg or .png".into(),
			))
		}
	}
	.map_err(|e| CliError::Input(format!("cannot write {}: {e}", out.display())))
}

/// Decode the first QR code in a PNG or JPEG image.
pub fn decode_file(path: &Path) -> Result<String, CliError> {
	let img = image::open(path)
		.map_err(|e| CliError::Input(format!("cannot read image {}: {e}", path.display())))?
		.to_luma8();
	let mut prepared = rqrr::PreparedImage::prepare(img);
	let grids = prepared.detect_grids();
	let grid = grids
		.first()
		.ok_or_else(|| CliError::Input(format!("no QR code found in {}", path.display())))?;
	let (_, content) = grid
		.decode()
		.map_err(|e| CliError::Input(format!("unreadable QR code in {}: {e}", path.display())))?;
	Ok(content)
}

/// `badge qr`.
pub fn run(ctx: &Ctx, args: QrArgs) -> Result<u8, CliError> {
	let badge = parse_badge_id(&args.badge)?;
	let base = args.base_url.clone().unwrap_or_else(|| ctx.base_url());
	let url = page_url(&base, &badge.to_string());
	write(&url, &args.out, args.size)?;
	ctx.print(
		json!({ "url": url, "file": args.out.display().to_string() }),
		|| format!("wrote {} → {url}", args.out.display()),
	);
	Ok(0)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn png_codes_decode_back_to_the_url() {
		let dir = tempfile::tempdir().unwrap();
		let url = page_url(
			"https://badges.example.jp/",
			&format!("0x{}", "5f".repeat(32)),
		);
		assert_eq!(
			url,
			format!("https://badges.example.jp/badges/0x{}", "5f".repeat(32))
		);
		let png = dir.path().join("qr.png");
		write(&url, &png, 1200).unwrap();
		let img = image::open(&png).unwrap();
		assert!(img.width() >= 1200, "print resolution");
		assert_eq!(decode_file(&png).unwrap(), url);
	}

	#[test]
	fn svg_codes_are_written() {
		let dir = tempfile::tempdir().unwrap();
		let svg = dir.path().join("qr.svg");
		write("https://badges.example.jp/badges/0x01", &svg, 600).unwrap();
		let text = std::fs::read_to_string(&svg).unwrap();
		assert!(
			text.starts_with("<?xml") && text.contains("<svg"),
			"{}",
			&text[..80]
		);
		assert!(write("x", &dir.path().join("qr.gif"), 100).is_err());
	}
}

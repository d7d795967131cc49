//! `badge bake` and `badge extract`: a credential embedded in, and read from, a badge image.

use crate::{exit, read, CliError, Ctx};
use clap::{Args, ValueEnum};
use serde_json::json;
use std::path::PathBuf;

/// The Open Badges version a baked credential is in.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ObVersion {
	/// Open Badges 3.0 (`openbadgecredential`).
	V3,
	/// Open Badges 2.0 (`openbadges`).
	V2,
}

impl From<ObVersion> for badge_credential::baking::Version {
	fn from(v: ObVersion) -> Self {
		match v {
			ObVersion::V3 => Self::V3,
			ObVersion::V2 => Self::V2,
		}
	}
}

/// Arguments of `badge bake`.
#[derive(Args, Debug)]
pub struct BakeArgs {
	/// The badge image (PNG or SVG).
	#[arg(long)]
	image: PathBuf,
	/// The credential file to embed.
	#[arg(long)]
	credential: PathBuf,
	/// Where to write the baked image (same format as the input).
	#[arg(long)]
	out: PathBuf,
	/// Open Badges version of the credential.
	#[arg(long, value_enum, default_value_t = ObVersion::V3)]
	ob: ObVersion,
}

/// Arguments of `badge extract`.
#[derive(Args, Debug)]
pub struct ExtractArgs {
	/// A baked badge image (PNG or SVG).
	image: PathBuf,
	/// Open Badges version to look for.
	#[arg(long, value_enum, default_value_t = ObVersion::V3)]
	ob: ObVersion,
}

/// Whether a path names an SVG file.
pub fn is_svg(path: &std::path::Path) -> bool {
	path.extension()
		.is_some_and(|e| e.eq_ignore_ascii_case("svg"))
}

/// `badge bake`.
pub fn bake(ctx: &Ctx, args: BakeArgs) -> Result<u8, CliError> {
	use badge_credential::baking;
	let payload = String::from_utf8(read(&args.credential)?)
		.map_err(|_| CliError::Input("the credential is not UTF-8 text".into()))?;
	let payload = payload.trim();
	let image = read(&args.image)?;
	let baked = if is_svg(&args.image) {
		let svg = String::from_utf8(image)
			.map_err(|_| CliError::Input("the SVG is not UTF-8 text".into()))?;
		baking::bake_svg(&svg, args.ob.into(), payload)?.into_bytes()
	} else {
		baking::bake_png(&image, args.ob.into(), payload)?
	};
	std::fs::write(&args.out, baked)
		.map_err(|e| CliError::Input(format!("cannot write {}: {e}", args.out.display())))?;
	ctx.print(json!({ "baked": args.out.display().to_string() }), || {
		format!("wrote {}", args.out.display())
	});
	Ok(exit::OK)
}

/// `badge extract`.
pub fn extract(args: ExtractArgs) -> Result<u8, CliError> {
	use badge_credential::baking;
	let image = read(&args.image)?;
	let found = if is_svg(&args.image) {
		let svg = String::from_utf8(image)
			.map_err(|_| CliError::Input("the SVG is not UTF-8 text".into()))?;
		baking::extract_svg(&svg, args.ob.into())
	} else {
		baking::extract_png(&image, args.ob.into())?
	};
	let payload = found.ok_or_else(|| {
		CliError::Input(format!(
			"no {:?} credential baked into {}",
			args.ob,
			args.image.display()
		))
	})?;
	println!("{payload}");
	Ok(exit::OK)
}
